"""bot/generate/local/server.py without a model: the in-process llama.cpp server's bookkeeping (one per GGUF file,
reused, stopped), the parameters it is started with (loopback, offline) and its errors, over a fake
``xllamacpp`` runtime (tests/fakes.py). The real server is tested in tests/bot/generate/test_generators.py (slow)."""

from __future__ import annotations

import os
import sys

import pytest

from bot.generate.local import server
from bot.errors import GeneratorError

from tests.fakes import FakeLlamaRuntime


@pytest.fixture
def runtime(monkeypatch) -> FakeLlamaRuntime:
    """A fake runtime, and no servers from other tests."""
    fake = FakeLlamaRuntime()
    monkeypatch.setattr(server, "_servers", {})
    monkeypatch.setattr(server, "_import_runtime", lambda: fake)
    return fake


@pytest.fixture
def gguf(tmp_path):
    path = tmp_path / "tiny.gguf"
    path.write_bytes(b"GGUF")
    return path


def test_a_model_starts_one_server_reused_by_later_calls(runtime, gguf):
    first = server.ensure_server(gguf)
    assert first.url == "http://127.0.0.1:8123" and first.path == gguf.resolve()  # no trailing slash
    again = server.ensure_server(str(gguf.parent / ".." / gguf.parent.name / gguf.name))  # the same file, spelled otherwise
    assert again is first and len(runtime.started) == 1
    assert server.running_servers() == [first]


def test_another_model_gets_its_own_server(runtime, gguf, tmp_path):
    other = tmp_path / "other.gguf"
    other.write_bytes(b"GGUF")
    a, b = server.ensure_server(gguf), server.ensure_server(other)
    assert a is not b and len(runtime.started) == 2
    assert {r.path for r in server.running_servers()} == {gguf.resolve(), other.resolve()}


def test_the_server_listens_on_loopback_any_port_offline_with_no_ui(runtime, gguf):
    server.ensure_server(gguf)
    (p,) = runtime.started
    assert p.model.path == str(gguf.resolve())
    assert p.hostnames == ["127.0.0.1"] and p.port == 0  # loopback, a free port
    assert p.offline is True and p.ui is False and p.warmup is False and p.verbosity == 0
    assert p.n_ctx == server.N_CTX and p.n_parallel == 1
    assert p.cpuparams.n_threads == p.cpuparams_batch.n_threads == max(1, os.cpu_count() or 1)


def test_context_size_and_threads_can_be_given(runtime, gguf):
    server.ensure_server(gguf, n_ctx=1024, threads=2)
    (p,) = runtime.started
    assert p.n_ctx == 1024 and p.cpuparams.n_threads == 2 and p.cpuparams_batch.n_threads == 2


def test_a_missing_file_is_a_clear_error_before_the_runtime_is_loaded(monkeypatch, tmp_path):
    monkeypatch.setattr(server, "_servers", {})

    def no_runtime():
        raise AssertionError("the runtime must not be loaded for a missing file")

    monkeypatch.setattr(server, "_import_runtime", no_runtime)
    with pytest.raises(GeneratorError) as err:
        server.ensure_server(tmp_path / "missing.gguf")
    assert "GGUF model file not found" in str(err.value) and "missing.gguf" in str(err.value)
    assert "local:PATH.gguf" in str(err.value)


def test_a_file_the_runtime_cannot_load_is_a_clear_error_and_nothing_is_kept(monkeypatch, gguf):
    fake = FakeLlamaRuntime(fail=RuntimeError("invalid magic"))
    monkeypatch.setattr(server, "_servers", {})
    monkeypatch.setattr(server, "_import_runtime", lambda: fake)
    with pytest.raises(GeneratorError) as err:
        server.ensure_server(gguf)
    message = str(err.value)
    assert "could not load" in message and "tiny.gguf" in message and "invalid magic" in message
    assert "GGUF model file" in message and isinstance(err.value.__cause__, RuntimeError)
    assert server.running_servers() == []


def test_without_the_runtime_installed_the_error_says_how_to_install_it(monkeypatch):
    monkeypatch.setitem(sys.modules, "xllamacpp", None)  # import xllamacpp raises ImportError
    with pytest.raises(GeneratorError) as err:
        server._import_runtime()
    assert 'pip install -e ".[local]"' in str(err.value) and "--generator extractive" in str(err.value)
    assert err.value.__cause__ is None  # the ImportError's traceback is not shown


def test_shutdown_stops_one_server_or_all_and_a_stopped_model_starts_again(runtime, gguf, tmp_path):
    other = tmp_path / "other.gguf"
    other.write_bytes(b"GGUF")
    first, second = server.ensure_server(gguf), server.ensure_server(other)
    server.shutdown(gguf)
    assert first.server is None and server.running_servers() == [second]  # the Server object is dropped
    server.shutdown(tmp_path / "never-started.gguf")  # nothing to stop: no error
    again = server.ensure_server(gguf)
    assert again is not first and len(runtime.started) == 3
    server.shutdown()
    assert server.running_servers() == [] and second.server is None and again.server is None
