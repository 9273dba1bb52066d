"""Publishing a version of a store folder to a Chroma server, one publisher at a time.

A version is written to its three collections (index/server.py), counted complete,
and only then named by the index-current pointer, so readers never see half of it.
The publisher keeps the version the pointer named before (a reader may still be on
it) and deletes every other version's collections, including half-written ones.

The lock is the collection index-lock: the server refuses a second collection of
the same name, so creating it is an atomic test-and-set across machines. Its
metadata names the owner (host:pid), a token, the start time and a heartbeat
counter bumped every BEAT_EVERY seconds. A waiting indexer breaks the lock when the
heartbeat has not moved for STALE_AFTER seconds of the waiter's own clock (so no
clock agreement is needed); `bot index --break-lock` removes it at once. Before
moving the pointer the publisher checks the lock is still its own.
"""

from __future__ import annotations

import json
import os
import socket
import sys
import threading
import time
import uuid
from datetime import datetime, timezone
from typing import Any

from .chunk import Chunk
from .errors import IndexBusy, StoreError
from .server import KINDS, LOCK, NO_VECTOR, PAGE, ChromaServer, collection_name
from .store import IndexVersion
from .version import SCHEMA

BEAT_EVERY = 5.0  # seconds between heartbeats of the lock holder
STALE_AFTER = 60.0  # seconds without a heartbeat after which a waiter breaks the lock
PART_CHARS = 500_000  # a long file is stored in parts of this many characters
REQUEST_CHARS = 2_000_000  # parts sent per request, at most


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
        self._collection: Any = None  # the lock's chromadb collection, once acquired

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
        server.prune(keep={v for v in (version, previous) if v is not None})
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
    files = {  # the server keeps whole-index files, whatever the folder's layout (index/store.py)
        "manifest.json": (local.path / "manifest.json").read_text(encoding="utf-8"),
        "records.jsonl": "".join(json.dumps(r.to_dict(), ensure_ascii=False) + "\n" for r in local.records),
        **{f"sources/{doc}.txt": text for doc, text in local.sources.items()},
    }
    if local.post_model_file is not None:
        files["post_model.json"] = json.dumps(local.post_model_file, ensure_ascii=False)
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
        request: list[tuple[str, str]] = []
        for row in rows + [None]:
            if request and (row is None or sum(len(t) for _, t in request) + len(row[1]) > REQUEST_CHARS):
                collection.add(
                    ids=[i for i, _ in request],
                    documents=[t for _, t in request],
                    metadatas=[{"file": i.rsplit("#", 1)[0]} for i, _ in request],
                    embeddings=[NO_VECTOR] * len(request),
                )
                bar.update(len(request))
                request = []
            if row is not None:
                request.append(row)
        published = {
            "version": version,
            "chunks": len(chunks),
            "sentences": len(texts),
            "sentence_dim": int(matrix.shape[1]) if matrix.ndim == 2 else 0,
            "files": {name: len(_parts(text)) for name, text in files.items()},
        }
        collection.add(ids=["published.json"], documents=[json.dumps(published)], embeddings=[NO_VECTOR])
