"""Indexing and answering against a real Chroma server (`chroma run`) on a free loopback port.

Readers get an EMPTY (absent) store folder: everything they use must come from the server.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import threading
import time
from dataclasses import asdict, replace
from pathlib import Path

import numpy as np
import pytest

from bot import Bot
from bot.cli import main as cli_main
from index.build import build_index
from index.config import PROJECT_ROOT, Settings
from index.errors import IndexBusy, IndexIncomplete, IndexNotFound, ServerUnreachable, StoreError
from index.publish import ServerLock
from index.server import LOCK, ChromaServer, ServerPointer, collection_name, server_client
from index.store import IndexVersion
from tests.conftest import SEED, free_port, write

pytestmark = pytest.mark.slow

QUESTIONS = [
    ("Does giving him space mean no contact at all?", []),
    ("Why do men pull away?", []),
    ("and what should I do when he comes back?", [("Why do men pull away?", "He needs space.")]),
    ("What did Veronica ask?", []),
    ("What is the capital of Mongolia?", []),
]


def start_server(path: Path, port: int) -> subprocess.Popen:
    chroma = shutil.which("chroma", path=str(Path(sys.executable).parent)) or "chroma"
    proc = subprocess.Popen(
        [chroma, "run", "--path", str(path), "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            server_client(f"http://127.0.0.1:{port}").heartbeat()
            return proc
        except Exception:
            time.sleep(0.2)
    proc.kill()
    raise RuntimeError("chroma server did not start")


def stop(proc: subprocess.Popen) -> None:
    proc.kill()
    proc.wait()


@pytest.fixture
def server(tmp_path):
    port = free_port()
    proc = start_server(tmp_path / "chroma-data", port)
    yield proc, f"http://127.0.0.1:{port}"
    stop(proc)


@pytest.fixture(scope="module")
def published(tmp_path_factory, real_store):
    """The session's real embedded index, published to one server for this module's readers."""
    port = free_port()
    proc = start_server(tmp_path_factory.mktemp("chroma-shared") / "data", port)
    url = f"http://127.0.0.1:{port}"
    first = build_index([SEED], replace(real_store, chroma_url=url), progress=False)
    yield url, first
    stop(proc)


def on(store: Path, url: str | None, **kw) -> Settings:
    return Settings(store_dir=store, chroma_url=url, **kw)


def comparable(answer) -> dict:
    """The answer as plain data, without timings and its random id, with dense scores apart (see same())."""
    data = json.loads(json.dumps(answer.to_dict() if hasattr(answer, "to_dict") else answer))
    sources = data["sources"] if isinstance(data, dict) else data
    if isinstance(data, dict):
        data["meta"].pop("timings", None)
        data["meta"].pop("answer_id", None)
    dense = [s.pop("dense") for s in sources]
    return {"data": data, "dense": dense}


def same(ours: dict, theirs: dict) -> bool:
    """Identical, except dense cosines may differ in float32's last bit: a Chroma server normalises
    the vectors of a cosine collection when they arrive, the embedded client stores them as given."""
    return ours["data"] == theirs["data"] and ours["dense"] == pytest.approx(theirs["dense"], abs=1e-6)


def collections(url: str) -> set[str]:
    return set(ChromaServer(url).names())


# --- publishing and reading -------------------------------------------------------------------


def test_publishing_an_existing_local_index_is_idempotent(published, real_store):
    url, first = published
    assert not first.changed and first.published  # the folder was up to date: only published
    assert f"published {first.version}" in first.summary()
    before = collections(url)
    pointer = ChromaServer(url).pointer()

    again = build_index([SEED], replace(real_store, chroma_url=url), progress=False)
    assert not again.changed and not again.published
    assert "already serves it, nothing published" in again.summary()
    assert collections(url) == before and ChromaServer(url).pointer() == pointer
    assert {collection_name(k, first.version) for k in ("chunks", "sentences", "meta")} <= before


def test_an_empty_store_answers_exactly_like_the_embedded_index(published, real_store, real_embeddings, tmp_path):
    url, _ = published
    empty = tmp_path / "nothing-here"
    embedded = Bot(real_store, embeddings=real_embeddings, safety=False)
    remote = Bot(on(empty, url), embeddings=real_embeddings, safety=False)

    for question, history in QUESTIONS:
        assert same(comparable(remote.ask(question, history=history)), comparable(embedded.ask(question, history=history)))
    for filters in ({"kind": "comment"}, {"author": "Jess"}):
        ours = [asdict(s) for s in remote.retrieve("texting", k=5, filters=filters)]
        assert same(comparable(ours), comparable([asdict(s) for s in embedded.retrieve("texting", k=5, filters=filters)]))

    # every part the read path uses is the same, loaded from the server
    local, server = embedded.version, remote.version
    assert server.path.name == local.path.name and server.manifest == local.manifest
    assert list(server.chunks.items()) == list(local.chunks.items())  # Chunk.metadata() round-trips, same order
    assert server.records == local.records and server.sources == local.sources
    assert server.heading_starts == local.heading_starts
    (texts_a, matrix_a), (texts_b, matrix_b) = server.sentence_bank, local.sentence_bank
    assert texts_a == texts_b and matrix_a.dtype == matrix_b.dtype and np.array_equal(matrix_a, matrix_b)
    assert not empty.exists()  # a reader writes nothing locally

    # a separate process (`bot ask`) with an empty store gives the same answer
    question = QUESTIONS[0][0]
    proc = subprocess.run(
        [sys.executable, "-m", "bot.cli", "ask", "--json", "--store", str(empty), "--chroma-url", url, question],
        capture_output=True, text=True, cwd=PROJECT_ROOT, timeout=300,
        env={**os.environ, "HF_HUB_OFFLINE": "1", "BOT_STORE": str(tmp_path / "unused")},
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    theirs, ours = json.loads(proc.stdout), Bot(real_store, embeddings=real_embeddings).ask(question).to_dict()
    assert theirs["text"] == ours["text"] and theirs["citations"] == json.loads(json.dumps(ours["citations"]))


def test_restarting_the_server_between_index_and_ask(tmp_path, real_store, real_embeddings):
    port = free_port()
    data, url = tmp_path / "data", f"http://127.0.0.1:{port}"
    proc = start_server(data, port)
    build_index([SEED], replace(real_store, chroma_url=url), progress=False)
    early = Bot(on(tmp_path / "early", url), embeddings=real_embeddings, safety=False)
    early.ask("Why do men pull away?")
    stop(proc)

    proc = start_server(data, port)  # same data folder and port, a new process
    try:
        question = "Does giving him space mean no contact at all?"
        expected = comparable(Bot(real_store, embeddings=real_embeddings, safety=False).ask(question))
        assert same(comparable(Bot(on(tmp_path / "late", url), embeddings=real_embeddings, safety=False).ask(question)), expected)
        assert same(comparable(early.ask(question)), expected)  # a reader from before the restart carries on
    finally:
        stop(proc)


def test_a_rebuild_elsewhere_reaches_readers_and_old_versions_are_pruned(tmp_path, server, fake_embeddings):
    _, url = server
    indexer = on(tmp_path / "indexer", url)
    first = build_index([SEED], indexer, embeddings=fake_embeddings, progress=False)
    reader = Bot(on(tmp_path / "reader", url), embeddings=fake_embeddings, safety=False)
    assert reader.ask("Why do men pull away?").citations
    assert reader.version.path.name == first.version

    extra = write(tmp_path, "second-post.txt",
                  "A second post\n\nZanzibar ferries leave at dawn.\n\n  • Ana\n      Only on weekdays.\n")
    second = build_index([SEED, extra], indexer, embeddings=fake_embeddings, progress=False)
    assert second.published and second.embedded < second.chunks  # unchanged chunks kept their vectors
    time.sleep(ServerPointer.ttl + 0.2)
    assert reader.version.path.name == second.version
    assert any(s.doc == "second-post" for s in reader.retrieve("Zanzibar ferries", k=3))

    third = build_index([SEED, extra], indexer, rebuild=True, embeddings=fake_embeddings, progress=False)
    names = collections(url)
    for kind in ("chunks", "sentences", "meta"):
        assert collection_name(kind, third.version) in names and collection_name(kind, second.version) in names
        assert collection_name(kind, first.version) not in names  # only the previous version is kept
    assert LOCK not in names


def test_an_indexer_with_an_empty_folder_reuses_the_servers_vectors(tmp_path, server, fake_embeddings):
    _, url = server
    build_index([SEED], on(tmp_path / "a", url), embeddings=fake_embeddings, progress=False)
    report = build_index([SEED], on(tmp_path / "b", url), embeddings=fake_embeddings, progress=False)
    assert report.changed and report.embedded == 0 and not report.published


# --- two indexers and the lock ----------------------------------------------------------------


@pytest.mark.parametrize("rebuild", [False, True])
def test_two_concurrent_indexers_give_one_clean_result(tmp_path, server, fake_embeddings, rebuild, capsys):
    _, url = server
    reports, errors = {}, []

    def index(name: str) -> None:
        try:
            reports[name] = build_index(
                [SEED], on(tmp_path / name, url), rebuild=rebuild, embeddings=fake_embeddings, progress=False
            )
        except Exception as exc:  # reported below
            errors.append(exc)

    # both build their folders at once and meet at the lock (held here until both wait for it)
    gate = ServerLock(ChromaServer(url), wait=0)
    gate.acquire()
    threads = [threading.Thread(target=index, args=(name,)) for name in ("left", "right")]
    for t in threads:
        t.start()
    said, deadline = "", time.monotonic() + 120
    while said.count("waiting for another `bot index`") < 2 and time.monotonic() < deadline:
        time.sleep(0.1)
        said += capsys.readouterr().err
    gate.release()
    for t in threads:
        t.join(timeout=300)
    assert said.count("waiting for another `bot index`") == 2 and not errors, (said, errors)
    published = [r for r in reports.values() if r.published]
    assert len(published) == (2 if rebuild else 1)  # same content: the second sees it is already there

    server_ = ChromaServer(url)
    current = server_.pointer()["version"]
    assert current in {r.version for r in published}
    server_.verify(current)  # complete
    versions = {n.split("-", 1)[1] for n in server_.names() if n.startswith(("chunks-", "sentences-", "meta-"))}
    assert current in versions and versions <= {r.version for r in published}
    assert LOCK not in server_.names()
    reader = Bot(on(tmp_path / "reader", url), embeddings=fake_embeddings, safety=False)
    assert reader.ask("Why do men pull away?").citations


def test_a_busy_lock_makes_the_second_indexer_wait_then_fail_clearly(tmp_path, server, fake_embeddings):
    _, url = server
    holder = ServerLock(ChromaServer(url), wait=0, beat_every=0.2)
    with holder:
        with pytest.raises(IndexBusy) as err:
            build_index([SEED], on(tmp_path / "a", url, lock_wait=1.0), embeddings=fake_embeddings, progress=False)
        message = str(err.value)
        assert "\n" not in message and holder.me["owner"] in message and "--break-lock" in message
        time.sleep(0.5)
        holder.ensure_held()  # the heartbeat kept it alive; nobody broke it
    assert ChromaServer(url).pointer() is None  # nothing was published
    report = build_index([SEED], on(tmp_path / "a", url), embeddings=fake_embeddings, progress=False)
    assert report.published and LOCK not in collections(url)


def test_a_stale_lock_from_a_killed_indexer_is_broken(tmp_path, server, fake_embeddings):
    _, url = server
    server_ = ChromaServer(url)
    dead = {"owner": "gone-host:4242", "token": "dead", "started": "2026-01-01T00:00:00Z", "beat": 3}

    server_.create(LOCK, dead)  # killed mid-publish: its heartbeat never moves again
    said: list[str] = []
    with ServerLock(server_, wait=10, stale_after=0.6, poll=0.1, say=said.append) as lock:
        assert ChromaServer(url).get(LOCK).metadata["token"] == lock.me["token"]
    assert any("broke a stale publish lock held by gone-host:4242" in line for line in said)

    server_.create(LOCK, dead)  # or at once, by hand
    report = build_index([SEED], on(tmp_path / "a", url, lock_wait=0), embeddings=fake_embeddings,
                         progress=False, break_lock=True)
    assert report.published and LOCK not in collections(url)


def test_a_publisher_whose_lock_was_broken_does_not_move_the_pointer(server):
    _, url = server
    first = ServerLock(ChromaServer(url), wait=0, beat_every=60)
    first.acquire()
    try:
        ChromaServer(url).drop(LOCK)  # another indexer judged it stale...
        with ServerLock(ChromaServer(url), wait=0):  # ...and took it
            with pytest.raises(IndexBusy, match="taken over"):
                first.ensure_held()
    finally:
        first.release()


# --- errors -------------------------------------------------------------------------------------


def test_server_errors_are_typed_one_line_messages(tmp_path, server, fake_embeddings, capsys):
    _, url = server
    reader = lambda: Bot(on(tmp_path / "empty", url), embeddings=fake_embeddings, safety=False)  # noqa: E731

    with pytest.raises(IndexNotFound, match=f"holds no index yet. Run `bot index --chroma-url {url}`"):
        reader().ask("Why do men pull away?")
    nowhere = f"http://127.0.0.1:{free_port()}"
    with pytest.raises(ServerUnreachable, match="cannot reach the Chroma server"):
        Bot(on(tmp_path / "empty", nowhere), embeddings=fake_embeddings, safety=False).ask("Why do men pull away?")
    assert cli_main(["inspect", "--store", str(tmp_path / "empty"), "--chroma-url", url]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("error: ") and "Traceback" not in err

    # a publisher killed mid-upload leaves collections the pointer never named: readers never see them
    report = build_index([SEED], on(tmp_path / "a", url), embeddings=fake_embeddings, progress=False)
    ChromaServer(url).create(collection_name("chunks", "v-deadbeef0000-000000"))
    assert reader().ask("Why do men pull away?").citations

    # a version that lost a collection is named, with the command that fixes it
    ChromaServer(url).drop(collection_name("sentences", report.version))
    with pytest.raises(IndexIncomplete, match=rf"{report.version} .* is incomplete \(no sentences collection\)"):
        reader().ask("Why do men pull away?")
    again = build_index([SEED], on(tmp_path / "a", url), embeddings=fake_embeddings, progress=False)
    assert again.published and not again.changed  # republished from the folder, no embedding
    assert reader().ask("Why do men pull away?").citations
    assert collection_name("chunks", "v-deadbeef0000-000000") not in collections(url)  # leftovers pruned


def test_server_going_away_mid_conversation_is_a_clear_error(tmp_path, server, fake_embeddings):
    proc, url = server
    settings = on(tmp_path / "b", url)
    build_index([SEED], settings, embeddings=fake_embeddings, progress=False)
    bot = Bot(on(tmp_path / "reader", url), embeddings=fake_embeddings, safety=False)
    assert bot.ask("Why do men pull away?").citations
    stop(proc)
    with pytest.raises(StoreError, match="cannot reach the Chroma server"):
        bot.ask("Is it rude to disappear for days?")
    before = IndexVersion.open(settings.store_dir).path.name
    with pytest.raises(StoreError, match="cannot reach the Chroma server"):
        build_index([SEED], settings, rebuild=True, embeddings=fake_embeddings, progress=False)
    assert IndexVersion.open(settings.store_dir).path.name == before  # nothing published
    assert not list(settings.store_dir.glob(".build-*"))


def test_bad_chroma_url_is_explained(tmp_path, real_embeddings):
    with pytest.raises(StoreError, match="http://HOST:PORT"):
        build_index([SEED], on(tmp_path / "c", "localhost:8000"), embeddings=real_embeddings, progress=False)
