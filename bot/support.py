"""How well a passage supports a sentence: embedding similarity plus lexical overlap.

    support(sentence, passage) = 0.5 * max cosine(sentence, passage sentence)
                               + 0.5 * share of the sentence's content words found in the passage

Both parts are in [0, 1]; a verbatim quote scores 1.0. Used by the citation
verifier and the extractive composer. Sentence vectors are cached per process.
"""

from __future__ import annotations

import re
import threading

import numpy as np

from index.lexical import tokenize
from index.sentences import normalise, sentence_spans

SUPPORTED = 0.5  # threshold: at or above, a passage supports a sentence
_MARKERS = re.compile(r"\s*\[\d+\]")
_ATTRIBUTION = re.compile(r"^[^“\"]{0,80}?(?:wrote|says|said|adds|argues|writes|asks|asked|replied)[^“\"]{0,20}?:\s*", re.I)


def claim_of(sentence: str) -> str:
    """The claim a sentence makes: markers, attribution ("Jess wrote:") and quote marks removed."""
    text = _MARKERS.sub("", sentence)
    text = _ATTRIBUTION.sub("", text)
    return text.strip().strip("“”\"").strip()


def coverage(claim: str, passage: str) -> float:
    words = tokenize(claim)
    if not words:
        return 0.0
    have = set(tokenize(passage))
    return sum(1 for w in words if w in have) / len(words)


class SupportScorer:
    def __init__(self, embeddings):
        self.embeddings = embeddings
        self._cache: dict[str, np.ndarray] = {}
        self._lock = threading.Lock()

    def preload(self, texts: list[str], matrix) -> None:
        """Seed the cache with vectors computed at index time (the index's sentence bank)."""
        with self._lock:
            for text, vec in zip(texts, matrix):
                self._cache.setdefault(text, np.asarray(vec, dtype=np.float32))

    def vectors(self, texts: list[str]) -> np.ndarray:
        with self._lock:
            missing = list(dict.fromkeys(t for t in texts if t not in self._cache))
            if missing:
                for text, vec in zip(missing, self.embeddings.embed_documents(missing)):
                    self._cache[text] = np.asarray(vec, dtype=np.float32)
            return np.stack([self._cache[t] for t in texts]) if texts else np.zeros((0, 1), np.float32)

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
