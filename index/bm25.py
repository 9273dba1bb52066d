"""The lexical (BM25) side of hybrid retrieval, built with bm25s next to the vectors.

It is built in the same versioned folder as the vector store, from the same
chunks, so the two can never disagree; from the tokens each post keeps
(index/lexical.py), so a build does not tokenize the posts it did not change.
"""

from __future__ import annotations

import json
from functools import cached_property, lru_cache
from pathlib import Path

from .lexical import tokenize


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

    def search(self, query: str, k: int, post: str | None = None) -> list[tuple[str, float]]:
        """(chunk id, BM25 score) pairs, best first; only chunks sharing a term with the query. With ``post``,
        only that post's chunks, scored as in the whole index (a blog's best hits, filtered afterwards,
        would rarely hold any of one post's at 1,000 posts)."""
        tokens = [t for t in tokenize(query) if t in self._retriever.vocab_dict]
        if not tokens or not self.ids:
            return []
        mask = None
        if post is not None and len(self._rows_of_post) > 1:
            import numpy as np

            rows = self._rows_of_post.get(post, [])
            if not rows:
                return []
            mask = np.zeros(len(self.ids), dtype=np.float32)
            mask[rows] = 1.0
            k = min(k, len(rows))
        k = min(k, len(self.ids))
        docs, scores = self._retriever.retrieve([tokens], k=k, show_progress=False, weight_mask=mask)
        return [(self.ids[int(d)], float(s)) for d, s in zip(docs[0], scores[0]) if s > 0]

    @cached_property
    def _rows_of_post(self) -> dict[str, list[int]]:
        """Each post's rows (chunk keys are ``post/id``)."""
        out: dict[str, list[int]] = {}
        for row, key in enumerate(self.ids):
            out.setdefault(key.split("/", 1)[0], []).append(row)
        return out


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
