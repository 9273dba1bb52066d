"""The lexical (BM25) side of hybrid retrieval, built with bm25s next to the vectors.

It is built in the same versioned folder as the vector store, from the same
chunks, so the two can never disagree. Tokens: lowercase words, English
stopwords removed, a light suffix stemmer so "withdraws" meets "withdrawing".
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path

_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)?", re.UNICODE)
_STOP = set(
    """a about above after again against all am an and any are as at be because been before being
    below between both but by can could did do does doing down during each few for from further had
    has have having he her here hers herself him himself his how i if in into is it its itself just
    me more most my myself no nor not now of off on once only or other our ours ourselves out over
    own same she should so some such than that the their theirs them themselves then there these they
    this those through to too under until up very was we were what when where which while who whom
    why will with would you your yours yourself yourselves im ive dont its""".split()
)
_SUFFIXES = ("ing", "edly", "ed", "es", "s", "ly")


@lru_cache(maxsize=1 << 16)  # pure, and called for every word of every post a question reads
def stem(word: str) -> str:
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    return word


def lexical_text(chunk) -> str:
    """What BM25 sees of a chunk: who wrote it, its context (heading, list lead-in, who a reply
    answers) and its text, so names and headings match."""
    return " ".join(filter(None, [chunk.author, chunk.context, chunk.text]))


def tokenize(text: str) -> list[str]:
    words = (w.replace("’", "'").split("'")[0] for w in _WORD.findall(text.lower()))
    return [stem(w) for w in words if w and w not in _STOP]


class LexicalIndex:
    def __init__(self, retriever, ids: list[str]):
        self._retriever = retriever
        self.ids = ids

    @classmethod
    def build(cls, ids: list[str], texts: list[str]) -> "LexicalIndex":
        return cls.from_tokens(ids, [tokenize(t) for t in texts])

    @classmethod
    def from_tokens(cls, ids: list[str], tokens: list[list[str]]) -> "LexicalIndex":
        """From texts already tokenized (``tokenize``): a build keeps each post's tokens with the post."""
        retriever = _bm25_class()()
        retriever.index([t or ["∅"] for t in tokens], show_progress=False)
        return cls(retriever, list(ids))

    def save(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self._retriever.save(str(folder))
        (folder / "ids.json").write_text(json.dumps(self.ids), encoding="utf-8")

    @classmethod
    def load(cls, folder: Path) -> "LexicalIndex":
        import bm25s

        ids = json.loads((folder / "ids.json").read_text(encoding="utf-8"))
        return cls(bm25s.BM25.load(str(folder)), ids)

    def search(self, query: str, k: int) -> list[tuple[str, float]]:
        """(chunk id, BM25 score) pairs, best first; only chunks sharing a term with the query."""
        tokens = [t for t in tokenize(query) if t in self._retriever.vocab_dict]
        if not tokens or not self.ids:
            return []
        k = min(k, len(self.ids))
        docs, scores = self._retriever.retrieve([tokens], k=k, show_progress=False)
        return [(self.ids[int(d)], float(s)) for d, s in zip(docs[0], scores[0]) if s > 0]


@lru_cache(maxsize=1)
def _bm25_class():
    """bm25s.BM25, with its scores built by numpy in one pass instead of a Python loop over the documents
    (3.0 s -> 0.3 s at 100k chunks: the largest part of a one-post edit in a blog of 1,000 posts). The same
    formula (bm25s's default, Lucene's), the same sparse matrix; tests compare it with bm25s's own build."""
    from itertools import chain

    import bm25s
    import numpy as np

    class NumpyBM25(bm25s.BM25):
        def build_index_from_ids(self, unique_token_ids, corpus_token_ids, show_progress=True, leave_progress=False):
            if self.method != "lucene" or self.idf_method not in (None, "lucene"):
                return super().build_index_from_ids(unique_token_ids, corpus_token_ids, show_progress, leave_progress)
            self.nonoccurrence_array = None  # what bm25s sets here for Lucene's formula (saved with the index)
            n_docs, n_vocab = len(corpus_token_ids), len(unique_token_ids)
            lengths = np.fromiter(map(len, corpus_token_ids), dtype=np.int64, count=n_docs)
            flat = np.fromiter(chain.from_iterable(corpus_token_ids), dtype=np.int64, count=int(lengths.sum()))
            pairs, tf = np.unique(np.repeat(np.arange(n_docs, dtype=np.int64), lengths) * n_vocab + flat,
                                  return_counts=True)
            doc, token = pairs // n_vocab, pairs % n_vocab
            df = np.bincount(token, minlength=n_vocab)
            idf = np.zeros(n_vocab, dtype=self.dtype)
            seen = df > 0
            idf[seen] = np.log(1 + (n_docs - df[seen] + 0.5) / (df[seen] + 0.5))
            tf = tf.astype(self.dtype)
            tfc = tf / (self.k1 * ((1 - self.b) + self.b * lengths[doc] / lengths.mean()) + tf)
            scores = (idf[token] * tfc).astype(self.dtype)
            data, indices, indptr = self._np_csc(data=scores, rows=doc.astype(self.int_dtype),
                                                 cols=token.astype(self.int_dtype), shape=(n_docs, n_vocab))
            return {"data": data.astype(self.dtype), "indices": indices, "indptr": indptr, "num_docs": n_docs}

    return NumpyBM25
