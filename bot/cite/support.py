"""How well a passage supports a sentence: embedding similarity plus lexical overlap.

    support(sentence, passage) = 0.5 * max cosine(sentence, passage sentence)
                               + 0.5 * share of the sentence's content words found in the passage

Both parts are in [0, 1]; a verbatim quote scores 1.0. Used by the citation
verifier and the extractive composer. Sentence vectors are cached per process.
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict

import numpy as np

from index.lexical import tokenize

from bot.cite import markers
from index.sentences import normalise, sentence_spans

SUPPORTED = 0.5  # threshold: at or above, a passage supports a sentence
_ATTRIBUTION = re.compile(r"^[^“\"]{0,80}?(?:wrote|says|said|adds|argues|writes|asks|asked|replied)[^“\"]{0,20}?:\s*", re.I)


def claim_of(sentence: str) -> str:
    """The claim a sentence makes: markers, attribution ("Jess wrote:") and quote marks removed."""
    text = markers.strip(sentence)
    text = _ATTRIBUTION.sub("", text)
    return text.strip().strip("“”\"").strip()


def coverage(claim: str, passage: str) -> float:
    words = tokenize(claim)
    if not words:
        return 0.0
    have = set(tokenize(passage))
    return sum(1 for w in words if w in have) / len(words)


class SupportScorer:
    """Sentence vectors: the index's sentence bank, plus a bounded LRU of everything else
    (questions, model-written sentences), so a long-running server does not grow without end.
    Also serves as the retriever's query embedder, so a question is embedded once."""

    RECENT = 4096

    def __init__(self, embeddings, recent: int | None = None):
        self.embeddings = embeddings
        if recent is not None:
            self.RECENT = recent
        self._bank: dict[str, np.ndarray] = {}
        self._recent: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()

    def preload(self, texts: list[str], matrix) -> None:
        """Seed with vectors computed at index time (the index's sentence bank)."""
        with self._lock:
            for text, vec in zip(texts, matrix):
                self._bank.setdefault(text, np.asarray(vec, dtype=np.float32))

    def _get(self, text: str) -> np.ndarray | None:
        vec = self._bank.get(text)
        if vec is None and text in self._recent:
            self._recent.move_to_end(text)
            vec = self._recent[text]
        return vec

    def banked(self, texts: list[str]) -> list[np.ndarray | None]:
        """The index's own vector of each text (the preloaded sentence bank), or None: nothing is embedded."""
        with self._lock:
            return [self._bank.get(t) for t in texts]

    def vectors(self, texts: list[str]) -> np.ndarray:
        with self._lock:
            found = {t: v for t in dict.fromkeys(texts) if (v := self._get(t)) is not None}
        missing = [t for t in dict.fromkeys(texts) if t not in found]
        if missing:  # embedded outside the lock: other questions need not wait for this one's model call
            embedded = {t: np.asarray(v, dtype=np.float32) for t, v in zip(missing, self.embeddings.embed_documents(missing))}
            found.update(embedded)
            with self._lock:
                self._recent.update(embedded)
                while len(self._recent) > self.RECENT:
                    self._recent.popitem(last=False)
        return np.stack([found[t] for t in texts]) if texts else np.zeros((0, 1), np.float32)

    def embed_query(self, text: str) -> list[float]:
        return self.vectors([text])[0].tolist()

    def similarity(self, query: str, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros(0)
        vecs = self.vectors([query] + texts)
        return vecs[1:] @ vecs[0]

    def support(self, sentence: str, passage: str) -> tuple[float, tuple[int, int]]:
        """(score, best sentence span within the passage)."""
        claim = claim_of(sentence)
        spans = sentence_spans(passage) or [(0, len(passage))]
        pieces = [normalise(passage[s:e]) for s, e in spans]
        if not claim:
            return 0.0, spans[0]
        if normalise(claim) in normalise(passage):  # a verbatim quote
            best = max(range(len(pieces)), key=lambda i: coverage(claim, pieces[i]))
            return 1.0, spans[best]
        sims = self.similarity(normalise(claim), pieces)
        best = int(np.argmax(sims))
        score = 0.5 * max(float(sims[best]), 0.0) + 0.5 * coverage(claim, passage)
        return score, spans[best]
