"""The index on a Chroma server, read by processes on any number of machines.

`bot index --chroma-url URL` builds its store folder as usual, then publishes
that version to the server. Readers given --chroma-url read everything from
the server; their own store folder may be empty or absent. One index per server:

    index-current        one record, "current": {"schema", "version", "content", "published", "by"}.
                         Replaced last, once every collection of the version is complete.
    index-lock           exists while a `bot index` publishes; metadata: owner (host:pid), token,
                         started, beat (a heartbeat counter, bumped every BEAT_EVERY seconds)
    chunks-<version>     chunk vectors (cosine) and texts; flat metadata for `where` filters, plus
                         the whole Chunk.metadata() as JSON (_meta) and the chunk's position (_seq)
    sentences-<version>  every sentence of every chunk and its vector (the sentence bank)
    meta-<version>       the version folder's files in parts: manifest.json, records.jsonl,
                         sources/<doc>.txt; then published.json (what a complete version holds), last

BM25 is rebuilt in memory from the chunk texts when a reader opens a version.

Readers re-read the pointer at most every POINTER_TTL seconds (one small request),
so a rebuild is picked up on the first question after that. Writing (the lock and
publishing a version) is index/publish.py.
"""

from __future__ import annotations

import json
import threading
import time
from contextlib import contextmanager
from functools import cached_property
from pathlib import Path
from urllib.parse import urlparse

from .bm25 import LexicalIndex
from .chunk import Chunk
from .errors import IndexDamaged, IndexIncomplete, IndexNotFound, ServerUnreachable, StoreError
from .lexical import lexical_text
from .parse import Record
from .version import SCHEMA, BaseIndexVersion, Manifest

POINTER = "index-current"
LOCK = "index-lock"
KINDS = ("chunks", "sentences", "meta")
POINTER_TTL = 1.0  # seconds a reader trusts the pointer it last read
PAGE = 2000  # rows per request
NO_VECTOR = [1.0]  # meta and pointer rows need some vector; it is never queried


def collection_name(kind: str, version: str) -> str:
    return f"{kind}-{version}"


def server_client(url: str):
    """A client for a Chroma server (`chroma run --path DIR --host H --port N`)."""
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    parsed = urlparse(url)
    if parsed.scheme not in ("http", "https") or not parsed.hostname or not parsed.port:
        raise StoreError(f"--chroma-url must look like http://HOST:PORT (got '{url}').")
    try:
        return chromadb.HttpClient(
            host=parsed.hostname, port=parsed.port, ssl=parsed.scheme == "https",
            settings=ChromaSettings(anonymized_telemetry=False),
        )
    except Exception as exc:  # chromadb raises ValueError/ConnectionError/httpx errors here
        raise server_unreachable(url, exc) from None


def server_unreachable(url: str, exc: BaseException) -> ServerUnreachable:
    return ServerUnreachable(
        f"cannot reach the Chroma server at {url} ({type(exc).__name__}). Start it with "
        "`chroma run --path DIR --host 127.0.0.1 --port N`, or drop --chroma-url/BOT_CHROMA_URL to use the embedded store."
    )


class ChromaServer:
    """A Chroma server as this project uses it. Failures become StoreErrors."""

    def __init__(self, url: str):
        self.url = url
        self._client = None

    @property
    def client(self):
        if self._client is None:
            self._client = server_client(self.url)
        return self._client

    @contextmanager
    def talking(self, version: str | None = None):
        """Turn client errors into one-line StoreErrors (a vanished collection of ``version`` too)."""
        try:
            yield
        except StoreError:
            raise
        except Exception as exc:
            if version is not None and _not_found(exc):
                raise self.incomplete(version, "its collections were deleted") from None
            raise server_unreachable(self.url, exc) from None

    def check(self) -> None:
        with self.talking():
            self.client.heartbeat()

    def get(self, name: str):
        """The collection, or None if the server has none of that name."""
        client = self.client
        try:
            return client.get_collection(name, embedding_function=None)
        except Exception as exc:
            if _not_found(exc):
                return None
            raise server_unreachable(self.url, exc) from None

    def create(self, name: str, metadata: dict | None = None):
        with self.talking():
            return self.client.create_collection(name, metadata=metadata, embedding_function=None)

    def try_create(self, name: str, metadata: dict):
        """Create the collection; None if it already exists (atomic on the server)."""
        try:
            return self.client.create_collection(name, metadata=metadata, embedding_function=None)
        except Exception as exc:  # Chroma has no typed "already exists": look whether it does
            try:
                self.client.get_collection(name)
            except Exception:
                raise server_unreachable(self.url, exc) from None
            return None

    def drop(self, name: str) -> None:
        try:
            self.client.delete_collection(name)
        except Exception as exc:
            if not _not_found(exc):
                raise server_unreachable(self.url, exc) from None

    def names(self) -> list[str]:
        with self.talking():
            return [getattr(c, "name", c) for c in self.client.list_collections()]

    def pointer(self) -> dict | None:
        """The "current" record, or None when nothing was ever published here."""
        collection = self.get(POINTER)
        if collection is None:
            return None
        with self.talking():
            got = collection.get(ids=["current"], include=["documents"])
        if not got["ids"]:
            return None
        try:
            value = json.loads(got["documents"][0])
            value["version"], value["schema"]  # noqa: B018  both must be there
        except (ValueError, TypeError, KeyError):
            raise IndexDamaged(
                f"the index pointer on the Chroma server at {self.url} is corrupt. "
                f"Run `bot index --rebuild --chroma-url {self.url}`."
            ) from None
        return value

    def set_pointer(self, value: dict) -> None:
        with self.talking():
            collection = self.client.get_or_create_collection(POINTER, embedding_function=None)
            collection.upsert(ids=["current"], documents=[json.dumps(value)], embeddings=[NO_VECTOR])

    def incomplete(self, version: str, why: str) -> IndexIncomplete:
        return IndexIncomplete(
            f"the index {version} on the Chroma server at {self.url} is incomplete ({why}). "
            f"Run `bot index --chroma-url {self.url}` where it was built to publish it again."
        )

    def verify(self, version: str) -> dict:
        """What a complete version holds (published.json); IndexIncomplete says what is missing."""
        meta = self.get(collection_name("meta", version))
        if meta is None:
            raise self.incomplete(version, "no metadata collection")
        with self.talking(version):
            got = meta.get(ids=["published.json"], include=["documents"])
            rows = meta.count()
        if not got["ids"]:
            raise self.incomplete(version, "publishing never finished")
        try:
            published = json.loads(got["documents"][0])
            files = sum(published["files"].values()) + 1
            published["chunks"], published["sentences"]  # noqa: B018
        except (ValueError, TypeError, KeyError, AttributeError):
            raise self.incomplete(version, "unreadable published.json") from None
        if rows != files:
            raise self.incomplete(version, f"{rows} of {files} metadata rows")
        for kind in ("chunks", "sentences"):
            collection = self.get(collection_name(kind, version))
            if collection is None:
                raise self.incomplete(version, f"no {kind} collection")
            with self.talking(version):
                count = collection.count()
            if count != published[kind]:
                raise self.incomplete(version, f"{count} of {published[kind]} {kind}")
        return published

    def is_complete(self, version: str) -> bool:
        try:
            self.verify(version)
        except IndexIncomplete:
            return False
        return True

    def prune(self, keep: set[str]) -> None:
        """Delete the collections of every version not in ``keep`` (older or half-written)."""
        for name in self.names():
            kind, _, version = name.partition("-")
            if kind in KINDS and version.startswith("v-") and version not in keep:
                self.drop(name)


def _not_found(exc: BaseException) -> bool:
    from chromadb.errors import NotFoundError

    return isinstance(exc, NotFoundError)


# --- reading ---------------------------------------------------------------------------


class ServerPointer:
    """Which version a Chroma server serves. ``stamp()`` asks it at most every ``ttl`` seconds."""

    ttl = POINTER_TTL

    def __init__(self, url: str, store_dir: Path | None = None):
        self.server = ChromaServer(url)
        self.store_dir = Path(store_dir) if store_dir is not None else Path(".")
        self._lock = threading.Lock()
        self._value: dict | None = None
        self._read_at: float | None = None

    def _read(self) -> dict | None:
        with self._lock:
            now = time.monotonic()
            if self._read_at is None or now - self._read_at >= self.ttl:
                self._value = self.server.pointer()
                self._read_at = now
            return self._value

    def stamp(self):
        value = self._read()
        return None if value is None else (value["version"], value.get("published"))

    def current(self) -> str | None:
        value = self._read()
        if value is None:
            return None
        if value["schema"] != SCHEMA:
            raise IndexDamaged(
                f"the index on the Chroma server at {self.server.url} was published by an incompatible version "
                f"(schema {value['schema']}, this version reads {SCHEMA}). "
                f"Run `bot index --rebuild --chroma-url {self.server.url}`."
            )
        return value["version"]

    def open(self) -> "ServerIndexVersion":
        version = self.current()
        if version is None:
            raise IndexNotFound(
                f"the Chroma server at {self.server.url} holds no index yet. "
                f"Run `bot index --chroma-url {self.server.url}` where the articles are."
            )
        return ServerIndexVersion(self.server, version, self.store_dir)


class ServerIndexVersion(BaseIndexVersion):
    """One published version, read from a Chroma server only (same interface and base as IndexVersion).

    ``path`` is ``store_dir/<version>`` so ``path.name`` names the version; nothing is read there.
    """

    def __init__(self, server: ChromaServer, version: str, store_dir: Path):
        self.server = server
        self.path = Path(store_dir) / version
        self.published = server.verify(version)
        try:
            self.manifest = Manifest(**json.loads(self._file("manifest.json")))
        except (ValueError, TypeError) as exc:
            raise self._damaged("manifest", exc) from None

    @property
    def version(self) -> str:
        return self.path.name

    def _damaged(self, what: str, exc: BaseException) -> StoreError:
        return self.server.incomplete(self.version, f"{what}: {type(exc).__name__}")

    def _file(self, name: str) -> str:
        parts = self.published["files"].get(name)
        if parts is None:
            raise self.server.incomplete(self.version, f"no {name}")
        collection = self._collection("meta")
        ids = [f"{name}#{i}" for i in range(parts)]
        found: dict[str, str] = {}
        with self.server.talking(self.version):
            for i in range(0, len(ids), PAGE):
                got = collection.get(ids=ids[i : i + PAGE], include=["documents"])
                found.update(zip(got["ids"], got["documents"]))
        if len(found) != parts:
            raise self.server.incomplete(self.version, f"{len(found)} of {parts} parts of {name}")
        return "".join(found[i] for i in ids)

    @cached_property
    def post_model_file(self) -> dict | None:
        if "post_model.json" not in self.published["files"]:
            return None
        try:
            return json.loads(self._file("post_model.json"))
        except ValueError as exc:
            raise self._damaged("post_model.json", exc) from None

    def _collection(self, kind: str):
        collection = self.server.get(collection_name(kind, self.version))
        if collection is None:
            raise self.server.incomplete(self.version, f"no {kind} collection")
        return collection

    def _rows(self, kind: str, include: list[str]) -> dict:
        """Every row of one of this version's collections, paged."""
        collection = self._collection(kind)
        out: dict[str, list] = {"ids": [], **{k: [] for k in include}}
        with self.server.talking(self.version):
            total = collection.count()
            for offset in range(0, total, PAGE):
                got = collection.get(include=include, limit=PAGE, offset=offset)
                out["ids"].extend(got["ids"])
                for k in include:
                    out[k].extend(got[k])
        return out

    @cached_property
    def collection(self):
        return self._collection("chunks")

    @cached_property
    def sources(self) -> dict[str, str]:
        docs = sorted((d["doc"] for d in self.manifest.documents), key=lambda doc: f"{doc}.txt")
        return {doc: self._file(f"sources/{doc}.txt") for doc in docs}

    @cached_property
    def records(self) -> list[Record]:
        try:
            return [Record(**json.loads(line)) for line in self._file("records.jsonl").splitlines() if line]
        except (ValueError, TypeError) as exc:
            raise self._damaged("records", exc) from None

    @cached_property
    def chunks(self) -> dict[str, Chunk]:
        rows = self._rows("chunks", ["documents", "metadatas"])
        try:
            ordered = sorted(
                (int(meta["_seq"]), key, Chunk.from_metadata(key, text, json.loads(meta["_meta"])))
                for key, text, meta in zip(rows["ids"], rows["documents"], rows["metadatas"])
            )
        except (ValueError, KeyError, TypeError) as exc:
            raise self._damaged("chunks", exc) from None
        if len(ordered) != self.manifest.chunks:
            raise self.server.incomplete(self.version, f"{len(ordered)} of {self.manifest.chunks} chunks")
        return {key: chunk for _, key, chunk in ordered}

    @cached_property
    def sentence_bank(self):
        import numpy as np

        rows = self._rows("sentences", ["documents", "embeddings"])
        order = sorted(range(len(rows["ids"])), key=lambda i: int(rows["ids"][i][1:]))
        texts = [rows["documents"][i] for i in order]
        dim = int(self.published.get("sentence_dim", 0))
        if not texts:
            return [], np.zeros((0, dim), np.float16)
        matrix = np.asarray([rows["embeddings"][i] for i in order], dtype=np.float32).astype(np.float16)
        return texts, matrix

    @cached_property
    def _lexical(self) -> LexicalIndex:
        chunks = list(self.chunks.values())
        return LexicalIndex.build([c.key for c in chunks], [lexical_text(c) for c in chunks])

    def lexical(self) -> LexicalIndex:
        return self._lexical

    def _renew(self):
        """The same version republished (after a server wipe) has new collection ids."""
        self.__dict__.pop("collection", None)
        return self.collection

    def embeddings_for(self, ids: list[str]) -> dict[str, list[float]]:
        try:
            return super().embeddings_for(ids)
        except StoreError:
            raise
        except Exception as exc:
            if not _not_found(exc):
                raise server_unreachable(self.server.url, exc) from None
        self._renew()
        with self.server.talking(self.version):
            return super().embeddings_for(ids)

    def query(self, vector: list[float], n: int, where: dict | None = None) -> dict:
        import numpy as np

        for attempt in (1, 2):
            try:
                with self.server.talking(self.version):
                    got = self.collection.query(
                        query_embeddings=[vector], n_results=n, where=where, include=["distances"]
                    )
                break
            except IndexIncomplete:
                if attempt == 2:
                    raise
                self._renew()
        # distances are float32 on the server and arrive as decimal text: the same float32 values as embedded
        got["distances"] = [list(np.asarray(row, dtype=np.float32)) for row in got["distances"]]
        return got
