"""Shared fixtures: the real seed, fake and real embeddings, tmp-dir stores."""

from __future__ import annotations

import math
import socket
from pathlib import Path

import pytest

from index.build import build_index
from index.config import DEFAULT_SEED, Settings
from index.embed import PackagedEmbeddings

from tests.fakes import FakeEmbeddings

SEED = DEFAULT_SEED
# a second bundled post, for the tests of a blog of several posts: nothing in it is about relationships
SOURDOUGH = Path(__file__).resolve().parents[1] / "seeds" / "posts" / "sourdough-troubleshooting.txt"
MEN, BREAD = "why-men-pull-away", "sourdough-troubleshooting"  # their slugs (Record.doc, Citation.doc, post=)


@pytest.fixture
def seed_text() -> str:
    return SEED.read_text(encoding="utf-8")


@pytest.fixture
def fake_embeddings() -> FakeEmbeddings:
    return FakeEmbeddings()


@pytest.fixture
def settings(tmp_path) -> Settings:
    return Settings(store_dir=tmp_path / "store")


@pytest.fixture
def fake_store(settings, fake_embeddings) -> Settings:
    """A tmp store of the real seed, built with fake embeddings."""
    build_index([SEED], settings, embeddings=fake_embeddings, progress=False)
    return settings


@pytest.fixture(scope="session")
def real_embeddings() -> PackagedEmbeddings:
    return PackagedEmbeddings()


@pytest.fixture(scope="session")
def real_store(tmp_path_factory, real_embeddings) -> Settings:
    """The real seed indexed once per session with the packaged model."""
    settings = Settings(store_dir=tmp_path_factory.mktemp("real") / "store")
    build_index([SEED], settings, embeddings=real_embeddings, progress=False)
    return settings


@pytest.fixture(scope="session")
def two_post_index(tmp_path_factory) -> Settings:
    """The bundled article and the sourdough post, indexed once per session with fake embeddings (no model):
    every stage can be run on an index of more than one post. Shared: read it, never rebuild it."""
    settings = Settings(store_dir=tmp_path_factory.mktemp("two-posts") / "store")
    build_index([SEED, SOURDOUGH], settings, embeddings=FakeEmbeddings(), progress=False)
    return settings


@pytest.fixture(scope="session")
def real_two_post_index(tmp_path_factory, real_embeddings) -> Settings:
    """The same two posts indexed once per session with the packaged MiniLM (slow tests only)."""
    settings = Settings(store_dir=tmp_path_factory.mktemp("real-two-posts") / "store")
    build_index([SEED, SOURDOUGH], settings, embeddings=real_embeddings, progress=False)
    return settings


def write(tmp_path: Path, name: str, text: str | bytes) -> Path:
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def free_port() -> int:
    """A free TCP port on loopback, for servers the tests start."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


_LOOPBACK = ("127.", "::1", "localhost", "0.0.0.0")


@pytest.fixture(autouse=True)
def no_outbound_network(request, monkeypatch):
    """Tests not marked slow may not reach beyond this machine: a connection to anything but
    loopback fails the test (the bot must work offline; slow tests start real local servers)."""
    if request.node.get_closest_marker("slow") or request.node.get_closest_marker("browser"):
        yield
        return
    real_connect = socket.socket.connect

    def guarded(sock, address):
        host = address[0] if isinstance(address, tuple) else str(address)
        if sock.family == getattr(socket, "AF_UNIX", None) or str(host).startswith(_LOOPBACK):
            return real_connect(sock, address)
        raise AssertionError(f"a test tried to connect to {address}: tests must not reach the network")

    monkeypatch.setattr(socket.socket, "connect", guarded)
    yield


def comparable(value, path="answer"):
    """An answer as plain data, minus what differs between two runs of the same question
    (``meta["timings"]``, ``meta["answer_id"]``)."""
    if hasattr(value, "to_dict"):
        value = value.to_dict()
    if isinstance(value, dict):
        return {k: comparable(v, f"{path}.{k}") for k, v in value.items() if k not in ("timings", "answer_id")}
    if isinstance(value, (list, tuple)):
        return [comparable(v, path) for v in value]
    return value


def assert_same(a, b, tol: float = 0.0, path: str = "answer"):
    """Equal structure and strings; floats equal within ``tol`` (0: exactly). Names the first difference."""
    if isinstance(a, dict):
        assert isinstance(b, dict) and a.keys() == b.keys(), f"{path}: keys {sorted(a)} != {sorted(b) if isinstance(b, dict) else b!r}"
        for k in a:
            assert_same(a[k], b[k], tol, f"{path}.{k}")
    elif isinstance(a, list):
        assert isinstance(b, list) and len(a) == len(b), f"{path}: {len(a)} items != {len(b) if isinstance(b, list) else b!r}"
        for i, (x, y) in enumerate(zip(a, b)):
            assert_same(x, y, tol, f"{path}[{i}]")
    elif isinstance(a, float) and isinstance(b, float) and tol:
        assert math.isclose(a, b, abs_tol=tol), f"{path}: {a} != {b}"
    else:
        assert a == b, f"{path}: {a!r} != {b!r}"


def cite(version, record_id: str, n: int, contains: str | None = None):
    """A code-made citation [n] of a whole record, or of the first occurrence of `contains` in it."""
    from bot.cite.verify import citation_for

    record = next(r for r in version.records if r.id == record_id)
    start, end = record.start, record.end
    if contains:
        at = record.text.index(contains)
        start, end = record.start + at, record.start + at + len(contains)
    return citation_for(version, record, start, end, n)
