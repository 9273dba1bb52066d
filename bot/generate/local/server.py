"""The in-process llama.cpp server (xllamacpp): one per GGUF file per process, on loopback.

`ensure_server(path)` starts `xllamacpp.Server` the first time a model is asked for and
returns its base URL (http://127.0.0.1:PORT); later calls reuse it. The server speaks the
OpenAI chat API, so the bot talks to it through LangChain's ChatOpenAI exactly as to a
remote server. Servers are stopped at interpreter exit (atexit) or by `shutdown()`.
"""

from __future__ import annotations

import atexit
import os
import threading
from dataclasses import dataclass
from pathlib import Path

from bot.errors import GeneratorError

N_CTX = 4096  # the RAG prompt is ~700-1,200 tokens; room for history and the answer


@dataclass
class Running:
    path: Path
    url: str  # http://127.0.0.1:PORT
    server: object  # xllamacpp.Server


_servers: dict[Path, Running] = {}
_lock = threading.Lock()


def _import_runtime():
    try:
        import xllamacpp
    except ImportError:
        raise GeneratorError(
            "the local runtime is not installed: run `pip install -e \".[local]\"` (brings xllamacpp), "
            "or use --generator extractive"
        ) from None
    return xllamacpp


def _params(xllamacpp, path: Path, n_ctx: int, threads: int | None):
    p = xllamacpp.CommonParams()
    p.model.path = str(path)
    p.n_ctx = n_ctx
    p.n_parallel = 1
    n = threads or max(1, os.cpu_count() or 1)
    p.cpuparams.n_threads = n
    p.cpuparams_batch.n_threads = n
    p.hostnames = ["127.0.0.1"]
    p.port = 0  # any free port
    p.ui = False
    p.offline = True  # never reach a model hub
    p.warmup = False
    p.verbosity = 0
    return p


def ensure_server(path: str | Path, n_ctx: int = N_CTX, threads: int | None = None) -> Running:
    """The running server for this GGUF, started on first use."""
    path = Path(path).resolve()
    with _lock:
        running = _servers.get(path)
        if running is not None:
            return running
        if not path.is_file():
            raise GeneratorError(f"GGUF model file not found: {path}; give an existing file as local:PATH.gguf")
        xllamacpp = _import_runtime()
        try:
            server = xllamacpp.Server(_params(xllamacpp, path, n_ctx, threads))
        except Exception as exc:  # the runtime raises plain RuntimeErrors on a bad file
            raise GeneratorError(f"the local runtime could not load {path}: {exc}; check it is a GGUF model file") from exc
        running = Running(path=path, url=str(server.listening_address).rstrip("/"), server=server)
        _servers[path] = running
        return running


def running_servers() -> list[Running]:
    with _lock:
        return list(_servers.values())


def shutdown(path: str | Path | None = None) -> None:
    """Stop one server (by model path) or all of them. Dropping the Server object stops it."""
    with _lock:
        keys = list(_servers) if path is None else [Path(path).resolve()]
        for key in keys:
            running = _servers.pop(key, None)
            if running is not None:
                running.server = None


atexit.register(shutdown)
