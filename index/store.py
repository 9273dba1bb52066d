"""The on-disk index: versioned folders swapped atomically.

    STORE/
      CURRENT              {"schema": 2, "version": "v-..."}  replaced with os.replace
      v-<id>/              one complete index, never modified after the swap
        manifest.json      schema, embedding model, chunking, documents (each with its key and counts)
        posts/<doc>/       one post's source, records, chunks, sentence vectors, BM25 tokens and post
                           model (index/segment.py); hard-linked from the previous version when unchanged
        chroma/            Chroma PersistentClient (cosine, our embeddings), every post's chunks
        lexical/           BM25 index over the same chunks
      .build-<id>/         a build in progress (removed when stale)

A build writes a new folder and only then points CURRENT at it, so a build
killed at any moment leaves the previous index whole. A version written before posts had folders
(whole-index ``sources/``, ``records.jsonl``, ``chunks.jsonl``, ``sentences.*``, ``post_model.json``)
is still read; the next `bot index` writes it anew, reusing its vectors. With --chroma-url the
folder is built the same way and then published to a Chroma server, which
readers use instead of any folder (index/server.py, index/publish.py).
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import uuid
from contextlib import contextmanager
from functools import cached_property
from pathlib import Path

from . import segment
from .chunk import Chunk
from .config import FEEDBACK_FILE
from .errors import IndexDamaged, IndexIncomplete, IndexNotFound, StoreError
from .parse import Record
from .version import SCHEMA, BaseIndexVersion, Manifest

COLLECTION = "chunks"
KEEP_OLD_VERSIONS = 1  # a server still reading the previous version keeps working


def chroma_client(path: Path):
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    return chromadb.PersistentClient(path=str(path), settings=ChromaSettings(anonymized_telemetry=False))


class StoreLayout:
    """Where things are in a store folder; knows nothing about their contents."""

    def __init__(self, root: Path):
        self.root = Path(root)
        self.pointer = self.root / "CURRENT"

    def check_ours(self) -> None:
        """Refuse to write into a folder that holds something other than an index."""
        if not self.root.exists():
            return
        if not self.root.is_dir():
            raise StoreError(f"{self.root} is a file, not an index folder. Pass another --store folder.")
        foreign = [p.name for p in self.root.iterdir() if not _is_ours(p.name)]
        if foreign:
            raise StoreError(
                f"{self.root} holds files that are not an index ({', '.join(sorted(foreign)[:3])}). "
                "Pass an empty or new folder with --store (or BOT_STORE)."
            )

    def current_version(self) -> str | None:
        if not self.pointer.exists():
            return None
        try:
            data = json.loads(self.pointer.read_text(encoding="utf-8"))
            version = data["version"]
            schema = data["schema"]
        except (OSError, ValueError, KeyError, TypeError):
            raise IndexDamaged(
                f"the index at {self.root} is corrupt (unreadable CURRENT). Run `bot index --rebuild`."
            ) from None
        if schema != SCHEMA:
            raise IndexDamaged(
                f"the index at {self.root} was built by an incompatible version (schema {schema}, "
                f"this version reads {SCHEMA}). Run `bot index --rebuild`."
            )
        if not (self.root / version / "manifest.json").exists():
            raise IndexIncomplete(f"the index at {self.root} is incomplete ({version} is missing). Run `bot index --rebuild`.")
        return version

    @contextmanager
    def writer_lock(self):
        """One `bot index` at a time per store; builds left by a killed run are removed."""
        self.root.mkdir(parents=True, exist_ok=True)
        with open(self.root / ".lock", "w") as fh:
            try:
                fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                raise StoreError(f"another `bot index` is writing to {self.root}. Wait for it to finish.") from None
            for stale in self.root.glob(".build-*"):
                shutil.rmtree(stale, ignore_errors=True)
            yield

    def new_build_dir(self) -> Path:
        self.root.mkdir(parents=True, exist_ok=True)
        path = self.root / f".build-{uuid.uuid4().hex[:12]}"
        path.mkdir()
        return path

    def publish(self, build_dir: Path, version: str) -> Path:
        final = self.root / version
        os.replace(build_dir, final)
        tmp = self.root / f".CURRENT-{uuid.uuid4().hex[:8]}"
        tmp.write_text(json.dumps({"schema": SCHEMA, "version": version}), encoding="utf-8")
        _fsync(tmp)
        os.replace(tmp, self.pointer)
        self.prune(keep=version)
        return final

    def prune(self, keep: str) -> None:
        """Remove stale builds and old versions, keeping the newest previous one."""
        versions = sorted(
            (p for p in self.root.glob("v-*") if p.is_dir() and p.name != keep),
            key=lambda p: p.stat().st_mtime,
            reverse=True,
        )
        for old in versions[KEEP_OLD_VERSIONS:]:
            shutil.rmtree(old, ignore_errors=True)
        for stale in self.root.glob(".build-*"):
            shutil.rmtree(stale, ignore_errors=True)
        for stale in self.root.glob(".CURRENT-*"):
            stale.unlink(missing_ok=True)


def _is_ours(name: str) -> bool:
    # the feedback database of `bot serve` lives beside the index by default (with its -wal/-shm files)
    return name in ("CURRENT", ".lock") or name.startswith(("v-", ".build-", ".CURRENT-", FEEDBACK_FILE))


def _fsync(path: Path) -> None:
    with open(path, "rb+") as fh:
        os.fsync(fh.fileno())


class LocalPointer:
    """Which version of a store folder is current; ``stamp()`` is one stat of CURRENT."""

    def __init__(self, store_dir: Path):
        self.layout = StoreLayout(store_dir)

    def stamp(self):
        try:
            return self.layout.pointer.stat().st_mtime_ns
        except OSError:
            return None

    def current(self) -> str | None:
        return self.layout.current_version()

    def open(self) -> BaseIndexVersion:
        return IndexVersion.open(self.layout.root)


def watch_index(store_dir: Path, chroma_url: str | None = None):
    """What a reader polls before each question to notice a rebuild.

    ``stamp()`` is cheap and changes when another version may be current,
    ``current()`` names that version, ``open()`` opens it. Nothing is read here.
    """
    if chroma_url:
        from .server import ServerPointer

        return ServerPointer(chroma_url, store_dir)
    return LocalPointer(store_dir)


class IndexVersion(BaseIndexVersion):
    """One published index, opened for reading. Everything loads lazily.

    This one reads a store folder; ``IndexVersion.open(store, chroma_url)``
    returns a ``ServerIndexVersion`` (same interface, the same base in
    index/version.py) that reads everything from a Chroma server instead.
    """

    def __init__(self, path: Path):
        self.path = Path(path)
        try:
            self.manifest = Manifest.read(self.path / "manifest.json")
        except (OSError, ValueError, TypeError) as exc:
            raise StoreError(f"the index at {self.path.parent} is corrupt ({exc}). Run `bot index --rebuild`.") from None
        # a folder per post (index/segment.py), or whole-index files from before posts had folders
        self.per_post = (self.path / segment.FOLDER).is_dir()
        self.docs = [d["doc"] for d in self.manifest.documents]

    @classmethod
    def open(cls, store_dir: Path, chroma_url: str | None = None) -> BaseIndexVersion:
        """The current version: of the store folder, or with ``chroma_url`` of that server only."""
        if chroma_url:
            from .server import ServerPointer

            return ServerPointer(chroma_url, store_dir).open()
        layout = StoreLayout(store_dir)
        version = layout.current_version()
        if version is None:
            raise IndexNotFound(f"no index at {store_dir}. Run `bot index` first.")
        return cls(layout.root / version)

    @cached_property
    def collection(self):
        try:
            return chroma_client(self.path / "chroma").get_collection(COLLECTION)
        except Exception as exc:  # chromadb raises many types for a damaged folder
            raise StoreError(
                f"the vector store in {self.path} cannot be opened ({type(exc).__name__}). Run `bot index --rebuild`."
            ) from None

    def _damaged(self, what: str, exc: BaseException) -> StoreError:
        return StoreError(
            f"the index at {self.path.parent} is damaged ({what}: {type(exc).__name__}). Run `bot index --rebuild`."
        )

    @cached_property
    def sources(self) -> dict[str, str]:
        folder = self.path / "sources"
        try:
            if self.per_post:
                found = {doc: segment.read_source(self.path, doc) for doc in sorted(self.docs)}
            else:
                found = {p.stem: p.read_text(encoding="utf-8") for p in sorted(folder.glob("*.txt"))}
        except (OSError, UnicodeDecodeError) as exc:
            raise self._damaged("sources", exc) from None
        if len(found) != len(self.manifest.documents):
            raise self._damaged("sources", FileNotFoundError("missing source text"))
        return found

    @cached_property
    def records(self) -> list[Record]:
        try:
            if self.per_post:
                return [r for doc in self.docs for r in segment.read_records(self.path, doc)]
            return segment.records_file(self.path / "records.jsonl")
        except (OSError, ValueError, TypeError) as exc:
            raise self._damaged("records", exc) from None

    @cached_property
    def chunks(self) -> dict[str, Chunk]:
        """Chunk texts and metadata, read from the store folder (not the vector store)."""
        out = {}
        try:
            if self.per_post:
                for doc in self.docs:
                    out.update(segment.read_chunks(self.path, doc))
            else:
                out = segment.chunks_file(self.path / "chunks.jsonl")
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise self._damaged("chunks", exc) from None
        if len(out) != self.manifest.chunks:
            raise self._damaged("chunks", ValueError(f"{len(out)} of {self.manifest.chunks} chunks"))
        return out

    def post_chunks(self, doc: str) -> dict[str, Chunk]:
        """One post's chunks: from its folder, without reading the others'."""
        if not self.per_post or doc not in self.docs:
            return super().post_chunks(doc)
        try:
            return segment.read_chunks(self.path, doc)
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise self._damaged("chunks", exc) from None

    @cached_property
    def sentence_bank(self):
        """(sentence texts, float16 matrix of their vectors); each text once, in the order first met."""
        import numpy as np

        try:
            if self.per_post:
                banks = [segment.read_bank(self.path, doc) for doc in self.docs]
                texts = [t for got, _ in banks for t in got]
                matrices = [m for _, m in banks if len(m)]
                matrix = np.concatenate(matrices) if matrices else np.zeros((0, 0), np.float16)
                first: dict[str, int] = {}
                for i, t in enumerate(texts):
                    first.setdefault(t, i)
                if len(first) < len(texts):  # a sentence in two posts: one row, as a whole-index bank holds it
                    texts, matrix = list(first), matrix[list(first.values())]
            else:
                texts = json.loads((self.path / "sentences.json").read_text(encoding="utf-8"))
                matrix = np.load(self.path / "sentences.npy")
        except (OSError, ValueError) as exc:
            raise self._damaged("sentence vectors", exc) from None
        if len(texts) != len(matrix):
            raise self._damaged("sentence vectors", ValueError("count mismatch"))
        return texts, matrix

    def post_bank(self, doc: str) -> dict:
        """One post's sentence vectors by text."""
        if not self.per_post or doc not in self.docs:
            return super().post_bank(doc)
        try:
            texts, matrix = segment.read_bank(self.path, doc)
        except (OSError, ValueError) as exc:
            raise self._damaged("sentence vectors", exc) from None
        return dict(zip(texts, matrix))

    @cached_property
    def post_model_file(self) -> dict | None:
        """The post models as stored: ``{"annotator", "posts": served, "computed"}`` (None for an index built
        before posts were modelled). A post whose model file is missing is left out: its advice is then
        treated as unsure (fail closed)."""
        if self.per_post:
            try:
                stored = {doc: segment.read_model(self.path, doc) for doc in self.docs
                          if (segment.folder(self.path, doc) / "model.json").exists()}
            except (OSError, ValueError) as exc:
                raise self._damaged("post models", exc) from None
            if not stored:
                return None
            return {"annotator": next(iter(stored.values())).get("annotator"),
                    "posts": {doc: m["served"] for doc, m in stored.items()},
                    "computed": {doc: m["computed"] for doc, m in stored.items()}}
        path = self.path / "post_model.json"
        if not path.exists():
            return None
        try:
            return json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise self._damaged("post_model.json", exc) from None

    def post_model(self, doc: str) -> dict | None:
        """One post's stored model, ``{"annotator", "served", "computed"}``, or None."""
        if not self.per_post or doc not in self.docs:
            return super().post_model(doc)
        path = segment.folder(self.path, doc) / "model.json"
        if not path.exists():
            return None
        try:
            return segment.read_model(self.path, doc)
        except (OSError, ValueError) as exc:
            raise self._damaged("post models", exc) from None

    def query(self, vector: list[float], n: int, where: dict | None = None) -> dict:
        """Nearest chunks by cosine distance; a vanished server becomes a StoreError."""
        try:
            return self.collection.query(query_embeddings=[vector], n_results=n, where=where, include=["distances"])
        except StoreError:
            raise
        except Exception as exc:
            raise StoreError(
                f"the vector store in {self.path} failed ({type(exc).__name__}: {str(exc)[:120]}). "
                "Run `bot index --rebuild`."
            ) from None

    def lexical(self):
        from .bm25 import LexicalIndex

        try:
            return LexicalIndex.load(self.path / "lexical")
        except (OSError, ValueError, KeyError) as exc:
            raise self._damaged("lexical index", exc) from None
