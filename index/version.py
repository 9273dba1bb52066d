"""What every published index version is, wherever it is read from: its schema, its manifest, and
the part of reading it that does not depend on where it lives.

    SCHEMA               the layout version of a published index (store folder and Chroma server alike)
    Manifest             manifest.json: schema, embedding model, chunking, documents, counts
    BaseIndexVersion     the common base of IndexVersion (a store folder, index/store.py) and
                         ServerIndexVersion (a Chroma server, index/server.py)

Readers hold either one and use the same interface; nothing here knows which.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import StoreError
from .parse import Record

if TYPE_CHECKING:
    from .chunk import Chunk

SCHEMA = 6  # 5: chunks carry context (heading, list lead-in, reply-to), embedded with the text; 6: headed steps ("Step 1: …")


@dataclass
class Manifest:
    schema: int
    version: str
    content: str  # hash of sources, chunks and settings: equal means nothing to rebuild
    embedding_model: str
    dimension: int
    chunk_tokens: int
    overlap_tokens: int
    documents: list[dict] = field(default_factory=list)  # {doc, path, chars, sha1}
    chunks: int = 0
    records: int = 0

    @classmethod
    def read(cls, path: Path) -> "Manifest":
        return cls(**json.loads(path.read_text(encoding="utf-8")))

    def write(self, path: Path) -> None:
        path.write_text(json.dumps(self.__dict__, indent=2), encoding="utf-8")


class BaseIndexVersion:
    """One published version, opened for reading; everything loads lazily.

    A subclass sets ``path`` (``path.name`` names the version) and ``manifest`` when opened, and provides
    ``collection`` (the chunk vectors), ``sources``, ``records``, ``chunks``, ``sentence_bank``,
    ``post_model_file``, ``lexical()``, ``query(vector, n, where)`` and ``_damaged(what, exc)``. What is
    derived from those is here, once for both.
    """

    path: Path
    manifest: Manifest

    if TYPE_CHECKING:  # what each subclass provides (cached properties over its storage), declared for the type checker
        @property
        def collection(self) -> Any: ...

        @property
        def sources(self) -> dict[str, str]: ...

        @property
        def records(self) -> list[Record]: ...

        @property
        def chunks(self) -> dict[str, Chunk]: ...

        @property
        def sentence_bank(self) -> Any: ...

        @property
        def post_model_file(self) -> dict | None: ...

        def lexical(self) -> Any: ...

        def query(self, vector: list[float], n: int, where: dict | None = None) -> dict: ...

    def _damaged(self, what: str, exc: BaseException) -> StoreError:
        raise NotImplementedError

    @cached_property
    def records_by_id(self) -> dict[str, Record]:
        return {f"{r.doc}/{r.id}": r for r in self.records}

    @cached_property
    def heading_starts(self) -> dict[str, set[int]]:
        """Start offsets of titles and headings per document (not answers in themselves)."""
        out: dict[str, set[int]] = {}
        for r in self.records:
            if r.id == "article:title" or r.id.endswith(":heading"):
                out.setdefault(r.doc, set()).add(r.start)
        return out

    @cached_property
    def post_models(self):
        """What each post claims, advises and answers (index/understand); empty when never computed:
        safety then treats every passage of advice as unsure (fail closed)."""
        from .understand import PostModels

        try:
            return PostModels.from_dict(self.post_model_file or {})
        except (KeyError, TypeError, ValueError) as exc:
            raise self._damaged("post_model.json", exc) from None

    # One post's part, for a build that rewrites only the posts that changed. Here from the whole index
    # (a Chroma server, a folder from before posts had folders); IndexVersion reads a post's own files.
    def post_chunks(self, doc: str) -> dict[str, Chunk]:
        return self._chunks_by_post.get(doc, {})

    @cached_property
    def _chunks_by_post(self) -> dict[str, dict[str, Chunk]]:
        out: dict[str, dict[str, Chunk]] = {}
        for key, chunk in self.chunks.items():
            out.setdefault(chunk.doc, {})[key] = chunk
        return out

    def post_bank(self, doc: str) -> dict:
        """Sentence vectors by text (here the whole bank's: a sentence's vector is its text's)."""
        return self._whole_bank

    @cached_property
    def _whole_bank(self) -> dict:
        texts, matrix = self.sentence_bank
        return dict(zip(texts, matrix))

    def post_model(self, doc: str) -> dict | None:
        data = self.post_model_file or {}
        computed = (data.get("computed") or {}).get(doc)
        if computed is None:
            return None
        return {"annotator": data.get("annotator"), "computed": computed, "served": (data.get("posts") or {}).get(doc)}

    def embeddings_for(self, ids: list[str]) -> dict[str, list[float]]:
        out: dict[str, list[float]] = {}
        for i in range(0, len(ids), 5000):
            got = self.collection.get(ids=ids[i : i + 5000], include=["embeddings"])
            # numpy rows (float32) to floats in one call: half the time of map(float, row) (0.19 vs 0.36 s at 10k)
            out.update({cid: vec.tolist() if hasattr(vec, "tolist") else list(map(float, vec))
                        for cid, vec in zip(got["ids"], got["embeddings"])})
        return out
