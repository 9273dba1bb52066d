"""Passages never quoted to someone who said, in this conversation, that they are in danger.

The tagged records (``seeds/safety_tags.v1.yaml``: "give him space", "go away", "receive him
with love", "don't question him", blaming the reader) become seed spans; retrieved sources are
cut around them before any generator sees them, and a last guard drops any citation that still
overlaps one. Offsets stay exact: a cut source is a sub-span of the seed.
"""

from __future__ import annotations

from dataclasses import replace
from functools import lru_cache

from index.sentences import normalise, sentence_spans

from ..answer import Citation, Source
from . import policy


@lru_cache(maxsize=4)
def withheld_spans(version) -> dict[str, list[tuple[int, int, str]]]:
    """doc -> [(start, end, record id)] of the tagged passages in this index (once per index version;
    read it, don't change it)."""
    tags = policy.load_tags()
    doc = policy.tags_doc()
    out: dict[str, list[tuple[int, int, str]]] = {}
    for rid, entry in tags.items():
        record = version.records_by_id.get(f"{doc}/{rid}")
        if record is None:
            continue
        if not entry.sentences:
            out.setdefault(record.doc, []).append((record.start, record.end, record.id))
            continue
        for s, e in sentence_spans(record.text, record.start):
            if any(normalise(hint) in normalise(record.text[s - record.start : e - record.start]) for hint in entry.sentences):
                out.setdefault(record.doc, []).append((s, e, record.id))
    for spans in out.values():
        spans.sort()
    return out


def cut_sources(sources: list[Source], spans: dict[str, list[tuple[int, int, str]]], seeds: dict[str, str]) -> tuple[list[Source], list[str]]:
    """Sources with the withheld spans cut out (a source may become several, or none), and the ids withheld."""
    out: list[Source] = []
    withheld: list[str] = []
    for src in sources:
        blocked = blocking(spans, src.doc, src.start, src.end)
        if not blocked:
            out.append(src)
            continue
        withheld += [rid for *_, rid in blocked if rid not in withheld]
        cursor = src.start
        seed = seeds[src.doc]
        for s, e, _ in blocked + [(src.end, src.end, "")]:
            piece_start, piece_end = cursor, min(s, src.end)
            text = seed[piece_start:piece_end]
            if len(text.split()) >= 4:
                lead = len(text) - len(text.lstrip())
                piece_start += lead
                piece_end = piece_start + len(text.strip())
                out.append(replace(src, text=normalise(seed[piece_start:piece_end]), start=piece_start, end=piece_end))
            cursor = max(cursor, e)
    for rank, src in enumerate(out, 1):
        out[rank - 1] = replace(src, rank=rank)
    return out, withheld


def blocking(spans: dict[str, list[tuple[int, int, str]]], doc: str, start: int, end: int) -> list[tuple[int, int, str]]:
    """The withheld spans that overlap ``doc[start:end]``."""
    return [(s, e, rid) for s, e, rid in spans.get(doc, []) if s < end and e > start]


def overlaps(citation: Citation, spans: dict[str, list[tuple[int, int, str]]]) -> bool:
    return bool(blocking(spans, citation.doc, citation.start, citation.end))
