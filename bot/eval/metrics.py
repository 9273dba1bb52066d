"""Metrics as pure functions over plain data (no models, no I/O).

Conventions: a metric that is undefined for an input (no gold sources, no
sentences, no citations) returns ``None`` and is left out of averages, so an
edge case never counts as a silent 0 or 1. See README "Evaluation" for the
exact definitions; each docstring here is the reference.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Callable, Collection, Iterable, Sequence

from bot.cite import markers
from bot.cite.markers import QUOTED_LINE
from index.sentences import normalise, sentence_spans

# A judge: do these passages (taken together) support this sentence?
SupportFn = Callable[[Sequence[str], str], bool]

_LETTER = re.compile(r"[^\W\d_]")
_HEADING = re.compile(r"\*\*[^*]+\*\*|#{1,6} .+")


# --- retrieval ----------------------------------------------------------------


def recall_at_k(ranked: Sequence[Collection[str]], gold: Collection[str], k: int) -> float | None:
    """Share of gold record ids covered by any of the first k passages.

    ``ranked[i]`` is the set of record ids passage i+1 covers (a chunk may cover several).
    """
    gold = set(gold)
    if not gold:
        return None
    found = set().union(*ranked[:k]) if ranked[:k] else set()
    return len(gold & found) / len(gold)


def reciprocal_rank(ranked: Sequence[Collection[str]], gold: Collection[str]) -> float | None:
    """1 / rank of the first passage covering any gold id; 0 when none does."""
    gold = set(gold)
    if not gold:
        return None
    for i, ids in enumerate(ranked, 1):
        if gold & set(ids):
            return 1.0 / i
    return 0.0


def ndcg_at_k(ranked: Sequence[Collection[str]], gold: Collection[str], k: int) -> float | None:
    """Binary-gain nDCG@k where each gold id earns credit once.

    gain(i) = 1 if passage i covers a gold id that no earlier passage covered, else 0;
    DCG = sum gain(i) / log2(i + 1); IDCG = the same with min(k, |gold|) gains at the top.
    (Crediting each gold id once keeps nDCG <= 1 when several chunks of one long
    comment are retrieved.)
    """
    gold = set(gold)
    if not gold:
        return None
    seen: set[str] = set()
    dcg = 0.0
    for i, ids in enumerate(ranked[:k], 1):
        new = (gold & set(ids)) - seen
        if new:
            dcg += 1.0 / math.log2(i + 1)
            seen |= new
    ideal = sum(1.0 / math.log2(i + 1) for i in range(1, min(k, len(gold)) + 1))
    return dcg / ideal


def quote_hit_at_k(passages: Sequence[str], quotes: Collection[str], k: int) -> float | None:
    """Share of gold quotes that appear verbatim (whitespace collapsed) in the first k passages."""
    if not quotes:
        return None
    texts = [normalise(p) for p in passages[:k]]
    return sum(any(normalise(q) in t for t in texts) for q in quotes) / len(quotes)


# --- answers: sentences and citations -------------------------------------------


@dataclass(frozen=True)
class Sentence:
    text: str  # without [n] markers
    cites: tuple[int, ...]  # 1-based marker numbers, in order, deduplicated


def answer_sentences(text: str) -> list[Sentence]:
    """Split an answer into sentences with their [n] markers.

    Markers belong to the sentence they end (a bare "[2]" after a full stop is
    merged into it). Pieces with no letters once markers are removed, and
    marker-less lead-ins ending with ":" ("From the comments:") or Markdown
    headings ("**What readers said**", "# ..."), are not claims and are dropped.
    """
    out: list[Sentence] = []
    for line in text.split("\n"):
        if _HEADING.fullmatch(line.strip()):  # a whole bold line frames, as the verifier reads it (bot/cite/verify.py)
            continue
        quoted = QUOTED_LINE.match(line.strip())
        if quoted:  # one verbatim quote, of one or more sentences, is one claim (as the verifier checks it)
            out.append(Sentence(normalise(quoted.group("quote")), tuple(markers.all_numbers(quoted.group("markers")))))
            continue
        out.extend(_sentences_of(line, out))
    return out


def _sentences_of(text: str, out: list[Sentence]) -> list[Sentence]:
    found: list[Sentence] = []
    for s, e in sentence_spans(text):
        piece = text[s:e]
        nums = markers.all_numbers(piece)
        clean = normalise(markers.strip(piece)).strip()
        clean = re.sub(r"\s+([.,;:!?])", r"\1", clean)
        clean = re.sub(r"^[-*•]\s+", "", clean)  # list bullets
        if not _LETTER.search(clean):
            target = found or out
            if nums and target:  # a marker on its own refers to the sentence before
                prev = target[-1]
                target[-1] = Sentence(prev.text, prev.cites + tuple(n for n in nums if n not in prev.cites))
            continue
        if not nums and (clean.endswith(":") or _HEADING.fullmatch(clean)):
            continue
        found.append(Sentence(clean, tuple(nums)))
    return found


@dataclass(frozen=True)
class CitationScores:
    recall: float | None  # supported sentences / sentences
    precision: float | None  # precise citations / citations
    sentences: int
    citations: int
    supported: int
    precise: int


def citation_scores(
    sentences: Sequence[Sentence], passages: dict[int, str], supports: SupportFn
) -> CitationScores:
    """ALCE citation recall and precision (Gao et al., 2023, `compute_autoais`).

    Recall: a sentence counts when it has >= 1 citation and its cited passages,
    taken together, support it; recall = supported sentences / all sentences.
    Precision: every citation of a sentence whose cited passages do not jointly
    support it is imprecise. When they do and the sentence has one citation, it
    is precise. With several, citation c is imprecise only if c alone does not
    support the sentence AND the other cited passages still do (c was not needed).
    precision = precise citations / all citations. A marker with no passage
    (out of range) is a citation that supports nothing.
    """
    supported = precise = total = 0
    for sent in sentences:
        refs = list(sent.cites)
        total += len(refs)
        if not refs:
            continue
        joint = supports([passages[n] for n in refs if n in passages], sent.text) if any(n in passages for n in refs) else False
        supported += joint
        if not joint:
            continue
        if len(refs) == 1:
            precise += 1
            continue
        for n in refs:
            alone = n in passages and supports([passages[n]], sent.text)
            if alone:
                precise += 1
                continue
            rest = [passages[m] for m in refs if m != n and m in passages]
            if not (rest and supports(rest, sent.text)):
                precise += 1
    n = len(sentences)
    return CitationScores(
        recall=supported / n if n else None,
        precision=precise / total if total else None,
        sentences=n,
        citations=total,
        supported=supported,
        precise=precise,
    )


def faithfulness(sentences: Sequence[Sentence], passages: Sequence[str], supports: SupportFn) -> float | None:
    """Share of answer sentences supported by at least one retrieved passage (citations ignored).

    No sentences: None. No passages: every sentence is unsupported, so 0.
    """
    if not sentences:
        return None
    return sum(any(supports([p], s.text) for p in passages) for s in sentences) / len(sentences)


def cosine(a: Sequence[float], b: Sequence[float]) -> float:
    na = math.sqrt(sum(x * x for x in a))
    nb = math.sqrt(sum(x * x for x in b))
    if not na or not nb:
        return 0.0
    return sum(x * y for x, y in zip(a, b)) / (na * nb)


def answer_relevance(question_vec: Sequence[float] | None, answer_vec: Sequence[float] | None) -> float | None:
    """Cosine similarity of the question's and the answer's embeddings (None without an answer)."""
    if question_vec is None or answer_vec is None:
        return None
    return cosine(question_vec, answer_vec)


# --- abstention and balance -------------------------------------------------------


def abstention_scores(predicted: Sequence[bool], expected: Sequence[bool]) -> dict:
    """accuracy = cases where abstained == should abstain, over all cases;
    oos_recall = out-of-scope cases that abstained / out-of-scope cases;
    false_abstain = answerable cases that abstained / answerable cases."""
    if len(predicted) != len(expected):
        raise ValueError("predicted and expected differ in length")
    n = len(expected)
    oos = [p for p, e in zip(predicted, expected) if e]
    ins = [p for p, e in zip(predicted, expected) if not e]
    return {
        "accuracy": sum(p == e for p, e in zip(predicted, expected)) / n if n else None,
        "oos_recall": sum(oos) / len(oos) if oos else None,
        "false_abstain": sum(ins) / len(ins) if ins else None,
    }


def is_balanced(cited_ids: Iterable[str], dissent_ids: Collection[str], perspectives: int = 0) -> bool:
    """An answer is balanced when it carries another perspective (a card or a cited reader) or cites a
    dissenting/nuancing record."""
    return perspectives > 0 or bool(set(cited_ids) & set(dissent_ids))


def holds_gold(cited_order: Sequence[Collection[str]], gold: Collection[str]) -> bool:
    """The answer quotes a gold passage: some citation's record ids meet the gold ids."""
    return any(set(ids) & set(gold) for ids in cited_order)


def direct_first(cited_order: Sequence[Collection[str]], gold: Collection[str]) -> bool:
    """The answer leads with the answer: its first cited sentence quotes a gold passage."""
    return bool(cited_order) and bool(set(cited_order[0]) & set(gold))


def share(flags: Iterable[bool | None]) -> float | None:
    """Share of True among the non-None values (None when there are none)."""
    values = [bool(f) for f in flags if f is not None]
    return sum(values) / len(values) if values else None


# --- safety ----------------------------------------------------------------------


def flag_scores(predicted: Sequence[Collection[str]], expected: Sequence[Collection[str]], flags: Iterable[str] | None = None) -> dict:
    """Per flag: precision = tp / (tp + fp), recall = tp / (tp + fn) over cases (None when undefined)."""
    if len(predicted) != len(expected):
        raise ValueError("predicted and expected differ in length")
    names = sorted(set(flags) if flags is not None else {f for s in list(predicted) + list(expected) for f in s})
    out = {}
    for flag in names:
        tp = sum(flag in p and flag in e for p, e in zip(predicted, expected))
        fp = sum(flag in p and flag not in e for p, e in zip(predicted, expected))
        fn = sum(flag not in p and flag in e for p, e in zip(predicted, expected))
        out[flag] = {
            "precision": tp / (tp + fp) if tp + fp else None,
            "recall": tp / (tp + fn) if tp + fn else None,
            "tp": tp,
            "fp": fp,
            "fn": fn,
            "expected": tp + fn,
        }
    return out


# --- latency and aggregation -------------------------------------------------------


def percentile(values: Sequence[float], q: float) -> float | None:
    """Linear interpolation between closest ranks (numpy's default): position (n-1)*q/100."""
    data = sorted(v for v in values if v is not None)
    if not data:
        return None
    pos = (len(data) - 1) * q / 100.0
    lo = math.floor(pos)
    hi = min(lo + 1, len(data) - 1)
    return data[lo] + (data[hi] - data[lo]) * (pos - lo)


def latency_summary(timings: Sequence[dict]) -> dict:
    """{stage: {"p50": s, "p95": s, "n": count}} over per-case stage timings in seconds."""
    stages: dict[str, list[float]] = {}
    for t in timings:
        for stage, seconds in (t or {}).items():
            if isinstance(seconds, (int, float)):
                stages.setdefault(stage, []).append(float(seconds))
    return {s: {"p50": percentile(v, 50), "p95": percentile(v, 95), "n": len(v)} for s, v in stages.items()}


def mean(values: Iterable[float | None]) -> float | None:
    data = [v for v in values if v is not None]
    return sum(data) / len(data) if data else None
