"""Indexing and answering against a real Chroma server (`chroma run`) on a free loopback port."""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bot import Bot
from index.build import build_index
from index.errors import StoreError
from index.store import IndexVersion, server_client
from tests.conftest import SEED, free_port

pytestmark = pytest.mark.slow


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


@pytest.fixture
def server(tmp_path):
    port = free_port()
    proc = start_server(tmp_path / "chroma-data", port)
    yield proc, f"http://127.0.0.1:{port}"
    proc.kill()
    proc.wait()


def test_index_and_ask_through_a_chroma_server(tmp_path, server, real_embeddings):
    _, url = server
    settings_a = replace_store(tmp_path / "a", url)
    report = build_index([SEED], settings_a, embeddings=real_embeddings, progress=False)
    assert report.changed
    names = {getattr(c, "name", c) for c in server_client(url).list_collections()}
    assert f"chunks-{report.version}" in names
    assert not (IndexVersion.open(settings_a.store_dir).path / "chroma").exists()

    # two bots (as two `bot serve` processes would) share the server
    first = Bot(settings_a, embeddings=real_embeddings, safety=False)
    second = Bot(settings_a, embeddings=real_embeddings, safety=False)
    for bot in (first, second):
        answer = bot.ask("Does giving him space mean no contact at all?")
        assert any(c.author == "Veronica" for c in answer.citations), answer.text

    # rebuilding replaces the collection and prunes all but the previous one
    again = build_index([SEED], settings_a, rebuild=True, embeddings=real_embeddings, progress=False)
    third = build_index([SEED], settings_a, rebuild=True, embeddings=real_embeddings, progress=False)
    names = {getattr(c, "name", c) for c in server_client(url).list_collections()}
    assert f"chunks-{third.version}" in names and f"chunks-{again.version}" in names
    assert f"chunks-{report.version}" not in names


def test_server_going_away_mid_conversation_is_a_clear_error(tmp_path, server, real_embeddings):
    proc, url = server
    settings = replace_store(tmp_path / "b", url)
    build_index([SEED], settings, embeddings=real_embeddings, progress=False)
    bot = Bot(settings, embeddings=real_embeddings, safety=False)
    assert bot.ask("Why do men pull away?").citations
    proc.kill()
    proc.wait()
    with pytest.raises(StoreError, match="cannot reach the Chroma server"):
        bot.ask("Is it rude to disappear for days?")
    before = IndexVersion.open(settings.store_dir).path.name
    with pytest.raises(StoreError, match="cannot reach the Chroma server"):
        build_index([SEED], settings, rebuild=True, embeddings=real_embeddings, progress=False)
    assert IndexVersion.open(settings.store_dir).path.name == before  # nothing published
    assert not list(settings.store_dir.glob(".build-*"))


def test_bad_chroma_url_is_explained(tmp_path, real_embeddings):
    with pytest.raises(StoreError, match="http://HOST:PORT"):
        build_index([SEED], replace_store(tmp_path / "c", "localhost:8000"), embeddings=real_embeddings, progress=False)


def replace_store(store: Path, url: str):
    from index.config import Settings

    return Settings(store_dir=store, chroma_url=url)
