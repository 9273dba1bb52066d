"""The offline support judge: does a set of passages support a sentence?

    lexical  = share of the sentence's content words (BM25 tokenizer: lowercased,
               stopwords removed, light stemming) that occur in the passages
    semantic = highest cosine similarity between the sentence and any passage
               or any sentence of a passage (packaged MiniLM embeddings)
    score    = w * semantic + (1 - w) * lexical;  supported  <=>  score >= t

w and t are calibrated on the hand-labelled pairs of
``seeds/eval/support_labels.v1.yaml`` marked ``split: calibrate`` (grid search
maximising balanced accuracy) and checked on the pairs marked ``validate``.
No NLI model is available offline; this judge misses negations and swapped
roles that keep the same words, which the validation pairs include on purpose.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Sequence

from index.lexical import tokenize
from index.sentences import normalise, sentence_spans

if TYPE_CHECKING:
    from bot.cite.support import SupportScorer

DEFAULT_WEIGHT = 0.5
DEFAULT_THRESHOLD = 0.6


@dataclass
class SupportJudge:
    embeddings: object  # LangChain Embeddings: embed_documents(list[str]) -> list[list[float]]
    weight: float = DEFAULT_WEIGHT
    threshold: float = DEFAULT_THRESHOLD
    _scorer: SupportScorer | None = field(default=None, repr=False)  # the shared vector cache

    def vectors(self, texts: Sequence[str]) -> list[list[float]]:
        if self._scorer is None:
            from bot.cite.support import SupportScorer

            self._scorer = SupportScorer(self.embeddings, recent=1_000_000)  # one eval run: keep everything
        return self._scorer.vectors(list(texts)).tolist()

    def parts(self, sentence: str, passages: Sequence[str]) -> tuple[float, float]:
        """(semantic, lexical) evidence for the sentence from the passages."""
        from bot.eval.metrics import cosine

        words = set(tokenize(sentence))
        if not words or not passages:
            return 0.0, 0.0
        pool: set[str] = set()
        units: list[str] = []
        for p in passages:
            pool |= set(tokenize(p))
            text = normalise(p)
            units.append(text)
            units.extend(text[s:e] for s, e in sentence_spans(text))
        lexical = len(words & pool) / len(words)
        sent_vec, *unit_vecs = self.vectors([normalise(sentence), *units])
        semantic = max(cosine(sent_vec, v) for v in unit_vecs)
        return semantic, lexical

    def score(self, sentence: str, passages: Sequence[str]) -> float:
        semantic, lexical = self.parts(sentence, passages)
        return self.weight * semantic + (1 - self.weight) * lexical

    def __call__(self, passages: Sequence[str], sentence: str) -> bool:
        return self.score(sentence, passages) >= self.threshold


@dataclass(frozen=True)
class Calibration:
    weight: float
    threshold: float
    calibrate: dict  # {n, accuracy, balanced_accuracy, precision, recall}
    validate: dict

    def to_dict(self) -> dict:
        return {"weight": self.weight, "threshold": self.threshold, "calibrate": self.calibrate, "validate": self.validate}


def confusion(predicted: Sequence[bool], gold: Sequence[bool]) -> dict:
    tp = sum(p and g for p, g in zip(predicted, gold))
    tn = sum(not p and not g for p, g in zip(predicted, gold))
    fp = sum(p and not g for p, g in zip(predicted, gold))
    fn = sum(not p and g for p, g in zip(predicted, gold))
    pos, neg = tp + fn, tn + fp
    tpr = tp / pos if pos else None
    tnr = tn / neg if neg else None
    return {
        "n": len(gold),
        "accuracy": (tp + tn) / len(gold) if gold else None,
        "balanced_accuracy": (tpr + tnr) / 2 if tpr is not None and tnr is not None else None,
        "precision": tp / (tp + fp) if tp + fp else None,
        "recall": tpr,
    }


def best_threshold(scores: Sequence[float], gold: Sequence[bool]) -> tuple[float, float]:
    """(threshold, balanced accuracy): midpoints between sorted scores, best first, lowest on ties."""
    values = sorted(set(scores))
    candidates = [values[0] - 1e-6] + [(a + b) / 2 for a, b in zip(values, values[1:])] + [values[-1] + 1e-6]
    best = (candidates[0], -1.0)
    for t in candidates:
        ba = confusion([s >= t for s in scores], gold)["balanced_accuracy"] or 0.0
        if ba > best[1] + 1e-12:
            best = (t, ba)
    return best


def calibrate(judge: SupportJudge, pairs) -> Calibration:
    """Grid-search the weight (0, 0.1, ..., 1) and threshold on the calibrate split; report both splits."""
    cal = [p for p in pairs if p.split == "calibrate"]
    val = [p for p in pairs if p.split == "validate"]
    if not cal or not any(p.supported for p in cal) or all(p.supported for p in cal):
        raise ValueError("calibration needs supported and unsupported pairs in the calibrate split")
    judge.vectors([normalise(t) for p in pairs for t in (p.sentence, p.passage)])
    parts = {id(p): judge.parts(p.sentence, [p.passage]) for p in pairs}
    best: tuple[tuple[float, float], float, float] | None = None
    for step in range(11):
        w = step / 10
        scores = [w * parts[id(p)][0] + (1 - w) * parts[id(p)][1] for p in cal]
        t, ba = best_threshold(scores, [p.supported for p in cal])
        # prefer higher balanced accuracy, then a weight nearer 0.5 (both signals)
        key = (round(ba, 9), -abs(w - 0.5))
        if best is None or key > best[0]:
            best = (key, w, t)
    assert best is not None  # range(11) is not empty
    _, w, t = best
    judge.weight, judge.threshold = w, t

    def stats(items):
        predicted = [w * parts[id(p)][0] + (1 - w) * parts[id(p)][1] >= t for p in items]
        return confusion(predicted, [p.supported for p in items])

    return Calibration(round(w, 2), round(t, 4), stats(cal), stats(val))
