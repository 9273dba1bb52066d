"""`bot inspect`: what the current index holds, record by record."""

from __future__ import annotations

from .chunk import count_tokens
from .config import Settings
from .sentences import normalise
from .store import IndexVersion


def describe(settings: Settings) -> list[dict]:
    version = IndexVersion.open(settings.store_dir, settings.chroma_url)
    chunks_of: dict[str, list[str]] = {}
    for key, chunk in version.chunks.items():
        for rid in chunk.record_ids:
            chunks_of.setdefault(f"{chunk.doc}/{rid}", []).append(key)
    return [
        {
            "id": r.id,
            "doc": r.doc,
            "kind": r.kind,
            "author": r.author,
            "parent": r.parent,
            "depth": r.depth,
            "section": r.section,
            "start": r.start,
            "end": r.end,
            "tokens": count_tokens(normalise(r.text)),
            "chunks": sorted(chunks_of.get(f"{r.doc}/{r.id}", [])),
        }
        for r in version.records
    ]
