"""Hybrid retrieval: dense (Chroma) + lexical (BM25), fused by reciprocal rank,
then a diversity cap so one long comment cannot fill every slot.

    query ──► dense top-N (cosine) ──┐
          └─► BM25 top-N ────────────┴─► RRF fuse ─► filters ─► per-unit cap ─► top-k Sources
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from index.chunk import Chunk
from index.store import IndexVersion

from .answer import Source

RRF_K = 60
MODES = ("hybrid", "dense", "bm25")


@dataclass(frozen=True)
class Filters:
    """Metadata filters: kind "article"|"comment", one author (case-insensitive)."""

    kind: str | None = None
    author: str | None = None

    def accepts(self, chunk: Chunk) -> bool:
        if self.kind and chunk.kind != self.kind:
            return False
        if self.author and (chunk.author or "").casefold() != self.author.casefold():
            return False
        return True

    def where(self) -> dict | None:
        clauses = []
        if self.kind:
            clauses.append({"kind": self.kind})
        if self.author:
            clauses.append({"author": self.author})
        if not clauses:
            return None
        return clauses[0] if len(clauses) == 1 else {"$and": clauses}


def words_of(text: str) -> str:
    return " " + " ".join(re.findall(r"[^\W_]+", text.casefold())) + " "


MIN_NAME = 3  # shorter names ("B", "P") would match ordinary words


def named_in(author: str | None, question: str) -> bool:
    """Whether the question names this commenter (whole words, names of MIN_NAME+ letters)."""
    return bool(author) and len(author) >= MIN_NAME and words_of(author) in words_of(question)


def unit_of(chunk_key: str) -> str:
    """The comment or article section a chunk belongs to."""
    return chunk_key.split("#", 1)[0]


class HybridRetriever:
    def __init__(self, version: IndexVersion, embeddings, mode: str = "hybrid", fetch_k: int = 24, per_unit: int = 2):
        if mode not in MODES:
            raise ValueError(f"retriever mode must be one of {', '.join(MODES)}")
        self.version = version
        self.embeddings = embeddings
        self.mode = mode
        self.fetch_k = fetch_k
        self.per_unit = per_unit
        self._lexical = None
        self._authors: tuple[dict[str, set[str]], dict[str, list[str]]] | None = None
        self._df: dict[str, int] | None = None

    @property
    def lexical(self):
        if self._lexical is None:
            self._lexical = self.version.lexical()
        return self._lexical

    def search(self, query: str, k: int = 6, filters: Filters | None = None) -> list[Source]:
        filters = filters or Filters()
        chunks = self.version.chunks
        dense = self._dense(query, filters) if self.mode != "bm25" else {}
        lexical = self._bm25(query, filters, chunks) if self.mode != "dense" else {}
        fused: dict[str, float] = {}
        for ranking in (dense, lexical):
            for rank, key in enumerate(ranking, start=1):
                fused[key] = fused.get(key, 0.0) + 1.0 / (RRF_K + rank)
        for author in self._named_authors(query):  # "what did Jess say?": their words come first
            for key in self._authors[1][author]:
                if filters.accepts(chunks[key]):
                    fused[key] = fused.get(key, 0.0) + 2.0 / (RRF_K + 1)
        ordered = sorted(fused, key=lambda key: (-fused[key], key))
        picked, per_unit = [], {}
        for key in ordered:
            unit = unit_of(key)
            if per_unit.get(unit, 0) >= self.per_unit:
                continue
            per_unit[unit] = per_unit.get(unit, 0) + 1
            picked.append(key)
            if len(picked) == k:
                break
        return [
            _source(rank, chunks[key], fused[key], dense.get(key), lexical.get(key))
            for rank, key in enumerate(picked, start=1)
        ]

    def coverage(self, query: str, sources: list[Source]) -> float:
        """Best IDF-weighted share of the query's words found in one source (words the corpus
        never uses weigh the most), so "what about oxytocin?" counts as covered and
        "the weather in Paris" does not."""
        import math

        from index.lexical import tokenize

        if self._df is None:
            df: dict[str, int] = {}
            for chunk in self.version.chunks.values():
                for word in set(tokenize(chunk.text)):
                    df[word] = df.get(word, 0) + 1
            self._df = df
        n = max(len(self.version.chunks), 1)
        words = set(tokenize(query))
        if not words or not sources:
            return 0.0
        weight = {w: math.log((n + 1) / (self._df.get(w, 0) + 0.5)) for w in words}
        total = sum(weight.values())
        best = 0.0
        for src in sources:
            have = set(tokenize(src.text))
            best = max(best, sum(weight[w] for w in words if w in have) / total)
        return best

    def _named_authors(self, query: str) -> set[str]:
        """Commenters named in the query (names of 3+ letters, as whole words).

        Names are indexed once by their lowercased words, and the query's word n-grams are
        looked up, so the cost does not grow with the number of commenters."""
        if self._authors is None:
            names: dict[str, set[str]] = {}
            chunks_of: dict[str, list[str]] = {}
            for key, chunk in self.version.chunks.items():
                if chunk.author and len(chunk.author) >= MIN_NAME:
                    names.setdefault(words_of(chunk.author).strip(), set()).add(chunk.author)
                    chunks_of.setdefault(chunk.author, []).append(key)
            self._authors = (names, chunks_of)
        names = self._authors[0]
        words = words_of(query).split()
        longest = max((len(n.split()) for n in names), default=0)
        found: set[str] = set()
        for size in range(1, min(longest, len(words)) + 1):
            for i in range(len(words) - size + 1):
                found |= names.get(" ".join(words[i : i + size]), set())
        return found

    def _dense(self, query: str, filters: Filters) -> dict[str, float]:
        n = min(self.fetch_k, len(self.version.chunks))
        if n == 0:
            return {}
        got = self.version.query(self.embeddings.embed_query(query), n, filters.where())
        return {key: 1.0 - float(dist) for key, dist in zip(got["ids"][0], got["distances"][0])}

    def _bm25(self, query: str, filters: Filters, chunks: dict[str, Chunk]) -> dict[str, float]:
        hits = self.lexical.search(query, self.fetch_k * 4)
        kept = [(key, score) for key, score in hits if key in chunks and filters.accepts(chunks[key])]
        return dict(kept[: self.fetch_k])


def _source(rank: int, chunk: Chunk, score: float, dense: float | None, lexical: float | None) -> Source:
    return Source(
        rank=rank,
        chunk_id=chunk.key,
        doc=chunk.doc,
        kind=chunk.kind,
        text=chunk.text,
        start=chunk.start,
        end=chunk.end,
        score=round(score, 6),
        dense=dense,
        lexical=lexical,
        record_ids=chunk.record_ids,
        section=chunk.section,
        author=chunk.author,
        parent=chunk.parent,
        depth=chunk.depth,
    )
