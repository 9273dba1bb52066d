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

- Readers re-read the pointer at most every POINTER_TTL seconds (one small request),
  so a rebuild is picked up on the first question after that.
- The lock is a collection: the server refuses a second collection of the same name,
  so creating it is an atomic test-and-set across machines. A waiting indexer breaks
  it when its heartbeat has not moved for STALE_AFTER seconds of the waiter's own
  clock (no clock agreement needed); `bot index --break-lock` removes it at once.
  Before moving the pointer the publisher checks the lock is still its own.
- The publisher keeps the version the pointer named before (a reader may still be on
  it) and deletes every other version's collections, including half-written ones.
"""

from __future__ import annotations

import json
import os
import socket
import sys
import threading
import time
import uuid
from contextlib import contextmanager
from datetime import datetime, timezone
from functools import cached_property
from pathlib import Path

from .chunk import Chunk
from .errors import IndexBusy, IndexIncomplete, IndexNotFound, StoreError
from .lexical import LexicalIndex, lexical_text
from .parse import Record
from .store import SCHEMA, IndexVersion, Manifest, server_client, server_unreachable

POINTER = "index-current"
LOCK = "index-lock"
KINDS = ("chunks", "sentences", "meta")
POINTER_TTL = 1.0  # seconds a reader trusts the pointer it last read
BEAT_EVERY = 5.0  # seconds between heartbeats of the lock holder
STALE_AFTER = 60.0  # seconds without a heartbeat after which a waiter breaks the lock
PAGE = 2000  # rows per request
PART_CHARS = 500_000  # a long file is stored in parts of this many characters
REQUEST_CHARS = 2_000_000  # parts sent per request, at most
_NO_VECTOR = [1.0]  # meta rows need some vector; it is never queried


def collection_name(kind: str, version: str) -> str:
    return f"{kind}-{version}"


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
        except Exception as exc:
            if "already exists" in str(exc):
                return None
            raise server_unreachable(self.url, exc) from None

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
            raise StoreError(
                f"the index pointer on the Chroma server at {self.url} is corrupt. "
                f"Run `bot index --rebuild --chroma-url {self.url}`."
            ) from None
        return value

    def set_pointer(self, value: dict) -> None:
        with self.talking():
            collection = self.client.get_or_create_collection(POINTER, embedding_function=None)
            collection.upsert(ids=["current"], documents=[json.dumps(value)], embeddings=[_NO_VECTOR])

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
    return type(exc).__name__ == "NotFoundError" or "does not exist" in str(exc)


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
            raise StoreError(
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


class ServerIndexVersion(IndexVersion):
    """One published version, read from a Chroma server only (same interface as IndexVersion).

    ``path`` is ``store_dir/<version>`` so ``path.name`` names the version; nothing is read there.
    """

    def __init__(self, server: ChromaServer, version: str, store_dir: Path):
        self.server = server
        self.chroma_url = server.url
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


# --- the lock ------------------------------------------------------------------------


class ServerLock:
    """One publisher per server at a time, across machines (see the module docstring)."""

    def __init__(
        self,
        server: ChromaServer,
        wait: float,
        *,
        break_lock: bool = False,
        stale_after: float = STALE_AFTER,
        beat_every: float = BEAT_EVERY,
        poll: float = 0.5,
        say=None,
    ):
        self.server = server
        self.wait = wait
        self.break_lock = break_lock
        self.stale_after = stale_after
        self.beat_every = beat_every
        self.poll = poll
        self.say = say or (lambda message: print(message, file=sys.stderr))
        self.me = {
            "owner": f"{socket.gethostname()}:{os.getpid()}",
            "token": uuid.uuid4().hex,
            "started": _now(),
            "beat": 0,
        }
        self.lost = False
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._collection = None

    def __enter__(self) -> "ServerLock":
        self.acquire()
        return self

    def __exit__(self, *exc) -> None:
        self.release()

    def holder(self) -> dict | None:
        collection = self.server.get(LOCK)
        return dict(collection.metadata or {}) if collection is not None else None

    def acquire(self) -> None:
        if self.break_lock:
            holder = self.holder()
            if holder is not None:
                self.server.drop(LOCK)
                self.say(f"removed the publish lock held by {_describe(holder)}")
        deadline = time.monotonic() + self.wait
        seen, seen_at, told = None, 0.0, False
        while True:
            collection = self.server.try_create(LOCK, self.me)
            if collection is not None:
                self._collection = collection
                self._thread = threading.Thread(target=self._beat, name="index-lock-heartbeat", daemon=True)
                self._thread.start()
                return
            holder = self.holder()
            now = time.monotonic()
            if holder is not None:
                mark = (holder.get("token"), holder.get("beat"))
                if mark != seen:
                    seen, seen_at = mark, now
                elif now - seen_at >= self.stale_after:
                    if self._break(holder.get("token")):
                        self.say(
                            f"broke a stale publish lock held by {_describe(holder)} "
                            f"(no heartbeat for {now - seen_at:.0f}s)"
                        )
                    seen = None
                    continue
                if now >= deadline:
                    raise IndexBusy(
                        f"another `bot index` ({_describe(holder)}) is publishing to the Chroma server at "
                        f"{self.server.url} and did not finish within {self.wait:.0f}s. Run this again when it is "
                        f"done (or raise BOT_LOCK_WAIT); if it was killed, add --break-lock."
                    )
                if not told:
                    self.say(f"waiting for another `bot index` ({_describe(holder)}) to finish publishing ...")
                    told = True
            time.sleep(self.poll)

    def _break(self, token) -> bool:
        """Remove the lock if it is still the one seen stale (a tiny race remains; see ensure_held)."""
        holder = self.holder()
        if holder is None or holder.get("token") != token:
            return False
        self.server.drop(LOCK)
        return True

    def _beat(self) -> None:
        beat = 0
        while not self._stop.wait(self.beat_every):
            try:
                holder = self.holder()
                if holder is None or holder.get("token") != self.me["token"]:
                    self.lost = True
                    return
                beat += 1
                self._collection.modify(metadata={**self.me, "beat": beat})
            except Exception:  # the server may be away for a moment; the publisher sees that itself
                continue

    def ensure_held(self) -> None:
        """Raise if another indexer broke this lock (this run looked stale to it)."""
        holder = self.holder()
        if self.lost or holder is None or holder.get("token") != self.me["token"]:
            taker = _describe(holder) if holder else "nobody"
            raise IndexBusy(
                f"the publish lock on the Chroma server at {self.server.url} was taken over (now held by {taker}); "
                "nothing was published. Run `bot index` again."
            )

    def release(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=self.beat_every + 5)
        try:
            holder = self.holder()
            if holder is not None and holder.get("token") == self.me["token"]:
                self.server.drop(LOCK)
        except StoreError:
            pass  # the server went away: the lock goes stale and the next indexer breaks it


def _now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _describe(holder: dict) -> str:
    return f"{holder.get('owner', '?')}, started {holder.get('started', '?')}"


# --- publishing ----------------------------------------------------------------------


def publish(
    local: IndexVersion,
    url: str,
    *,
    force: bool = False,
    wait: float = 600.0,
    break_lock: bool = False,
    progress: bool = False,
    say=None,
) -> bool:
    """Copy a version of a store folder to the server and point readers at it.

    False (nothing written) when the server already serves a complete copy: the
    same version, or unless ``force``, one built from the same content.
    """
    server = ChromaServer(url)
    version = local.path.name
    with ServerLock(server, wait, break_lock=break_lock, say=say) as lock:
        pointer = server.pointer()
        previous = pointer["version"] if pointer and pointer["schema"] == SCHEMA else None
        same = previous == version or (not force and pointer and pointer.get("content") == local.manifest.content)
        if previous is not None and same and server.is_complete(previous):
            return False
        if not server.is_complete(version):
            for kind in KINDS:
                server.drop(collection_name(kind, version))
            try:
                _upload(server, local, progress)
                server.verify(version)
            except BaseException:
                _drop_quietly(server, version)
                raise
        lock.ensure_held()
        server.set_pointer(
            {
                "schema": SCHEMA,
                "version": version,
                "content": local.manifest.content,
                "published": _now(),
                "by": lock.me["owner"],
            }
        )
        server.prune(keep={version, previous} - {None})
    return True


def _drop_quietly(server: ChromaServer, version: str) -> None:
    for kind in KINDS:
        try:
            server.drop(collection_name(kind, version))
        except StoreError:
            pass  # the server is gone; the next publish prunes the leftovers


def _chunk_metadata(chunk: Chunk, seq: int) -> dict:
    """Chroma metadata: the flat fields (for `where` filters), the whole metadata as JSON, the position."""
    meta = chunk.metadata()
    row = {k: v for k, v in meta.items() if isinstance(v, (str, int, float, bool)) and not k.startswith("_")}
    row["_seq"] = seq
    row["_meta"] = json.dumps(meta, ensure_ascii=False)
    return row


def _parts(text: str) -> list[str]:
    return [text[i : i + PART_CHARS] for i in range(0, len(text), PART_CHARS)] or [""]


def _upload(server: ChromaServer, local: IndexVersion, progress: bool) -> None:
    import numpy as np
    from tqdm import tqdm

    version = local.path.name
    chunks = list(local.chunks.values())
    vectors = local.embeddings_for([c.key for c in chunks])
    if len(vectors) != len(chunks):
        raise StoreError(
            f"the index at {local.path.parent} is missing {len(chunks) - len(vectors)} vectors. Run `bot index --rebuild`."
        )
    texts, matrix = local.sentence_bank
    files = {
        "manifest.json": (local.path / "manifest.json").read_text(encoding="utf-8"),
        "records.jsonl": (local.path / "records.jsonl").read_text(encoding="utf-8"),
        **{f"sources/{doc}.txt": text for doc, text in local.sources.items()},
    }
    rows = [(f"{name}#{i}", part) for name, text in files.items() for i, part in enumerate(_parts(text))]

    with tqdm(total=len(chunks) + len(texts) + len(rows), desc="publishing", unit="row", disable=not progress,
              file=sys.stderr) as bar, server.talking():
        collection = server.create(collection_name("chunks", version), {"hnsw:space": "cosine"})
        for i in range(0, len(chunks), PAGE):
            batch = chunks[i : i + PAGE]
            collection.add(
                ids=[c.key for c in batch],
                documents=[c.text for c in batch],
                metadatas=[_chunk_metadata(c, i + j) for j, c in enumerate(batch)],
                embeddings=[vectors[c.key] for c in batch],
            )
            bar.update(len(batch))

        collection = server.create(collection_name("sentences", version))
        for i in range(0, len(texts), PAGE):
            block = matrix[i : i + PAGE]
            collection.add(
                ids=[f"s{j}" for j in range(i, i + len(block))],
                documents=texts[i : i + PAGE],
                embeddings=np.asarray(block, dtype=np.float32).tolist(),
            )
            bar.update(len(block))

        collection = server.create(collection_name("meta", version))
        batch: list[tuple[str, str]] = []
        for row in rows + [None]:
            if batch and (row is None or sum(len(t) for _, t in batch) + len(row[1]) > REQUEST_CHARS):
                collection.add(
                    ids=[i for i, _ in batch],
                    documents=[t for _, t in batch],
                    metadatas=[{"file": i.rsplit("#", 1)[0]} for i, _ in batch],
                    embeddings=[_NO_VECTOR] * len(batch),
                )
                bar.update(len(batch))
                batch = []
            if row is not None:
                batch.append(row)
        published = {
            "version": version,
            "chunks": len(chunks),
            "sentences": len(texts),
            "sentence_dim": int(matrix.shape[1]) if matrix.ndim == 2 else 0,
            "files": {name: len(_parts(text)) for name, text in files.items()},
        }
        collection.add(ids=["published.json"], documents=[json.dumps(published)], embeddings=[_NO_VECTOR])
