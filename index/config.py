"""Configuration, read in one place.

Precedence: explicit argument (a CLI flag) > environment variable > default.

    BOT_STORE       folder of the embedded index       (default: ./store in the project)
    BOT_CHROMA_URL  http://HOST:PORT of a Chroma server (default: none, embedded store)
    BOT_LOCK_WAIT   seconds `bot index` waits for another one publishing to the same Chroma
                    server (default: 600)
    BOT_GENERATOR   generator spec                      (default: extractive)
    BOT_EMBEDDER    embedder for `bot index`: torch | onnx-int8 (default: torch); answering uses
                    the one recorded in the index's manifest
    BOT_QUERY_MAP   0/false/off: rank passages by the question's raw vector, without the learned
                    query map (bot/retrieve/query_map.py; default on)
    BOT_MODELS_DIR  cache of assembled local GGUF models (default: $XDG_CACHE_HOME/pullaway-bot/models,
                    i.e. ~/.cache/pullaway-bot/models)
    OPENAI_API_KEY  key for `openai:` generators (not needed for loopback servers); read by openai_api_key()

Serving (`bot serve`: the web chat, the HTTP API and the MCP tool in one process):
    BOT_API_KEY        key the HTTP API requires (Authorization: Bearer KEY); without one, the API
                       answers only when the server is bound to loopback
    BOT_RATE_LIMIT     questions per minute per client address, chat and API together (default 30; 0: off)
    BOT_TRUSTED_PROXIES  comma-separated addresses or networks of reverse proxies whose X-Forwarded-For
                       names the client (default none: the header is ignored)
    BOT_FEEDBACK       0/false/off: store no ratings (same as --no-feedback)
    BOT_FEEDBACK_PATH  the ratings database (default: <store>/feedback.sqlite3)
    BOT_CONCURRENCY    answers computed at once in one process, chat, API and MCP together (default 4)
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from pathlib import Path

from index.errors import InputError

from .bundled import bundled

PROJECT_ROOT = Path(__file__).resolve().parents[1]  # the checkout, when running from one
DEFAULT_SEED = bundled("seeds", "why-men-pull-away.txt")  # the bundled article (shipped in the package)


def default_store() -> Path:
    """./store in a checkout (gitignored); for an installed package, the user's data folder."""
    if (PROJECT_ROOT / "pyproject.toml").is_file():
        return PROJECT_ROOT / "store"
    data = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return Path(data) / "pullaway-bot" / "store"
FEEDBACK_FILE = "feedback.sqlite3"  # in the store folder unless BOT_FEEDBACK_PATH says otherwise
_OFF = ("0", "false", "no", "off")


@dataclass(frozen=True)
class Settings:
    store_dir: Path
    chroma_url: str | None = None
    generator: str = "extractive"
    embedder: str = "torch"  # see index.embed.EMBEDDERS
    chunk_tokens: int = 180
    overlap_tokens: int = 30
    sentence_vectors: bool = True  # embed every sentence at index time (fast answers; ~2x index time)
    query_map: bool = True  # rank passages through the learned map on question vectors (bot/retrieve/query_map.py)
    models_dir: Path | None = None  # None: the default cache folder (see default_models_dir)
    reviewed: tuple[Path, ...] = ()  # reviewed-label files for `bot index` (--reviewed), over the computed post model
    reviewed_defaults: bool = True  # also the bundled reviewed files and <post>.reviewed.yaml beside each post
    # serving (bot serve)
    api_key: str | None = field(default=None, repr=False)  # a secret: never in a repr or log; required by the HTTP API; beyond loopback the API refuses without one
    rate_limit: int = 30  # questions per minute per client address (chat + API); 0 turns it off
    trusted_proxies: str = ""  # proxies whose X-Forwarded-For is believed (bot.http.access.parse_proxies)
    feedback: bool = True  # store ratings of answers (False: --no-feedback)
    feedback_path: Path | None = None  # None: <store_dir>/feedback.sqlite3
    # answers computed at once per process (chat + API + MCP share it). 4, measured (benchmarks/bench_load.py):
    # quick answers stop queueing behind a local model's answers, and 1..4 give the same extractive throughput
    concurrency: int = 4
    # publishing to a Chroma server (bot index --chroma-url)
    lock_wait: float = 600.0  # seconds to wait for another indexer publishing to the same Chroma server


def load_settings(**overrides) -> Settings:
    """Settings from the environment, with non-None keyword overrides on top."""
    env = os.environ
    settings = Settings(
        store_dir=Path(env.get("BOT_STORE") or default_store()),
        chroma_url=env.get("BOT_CHROMA_URL") or None,
        generator=env.get("BOT_GENERATOR") or "extractive",
        embedder=env.get("BOT_EMBEDDER") or "torch",
        sentence_vectors=env.get("BOT_SENTENCE_VECTORS", "1").strip().lower() not in _OFF,
        query_map=env.get("BOT_QUERY_MAP", "1").strip().lower() not in _OFF,
        models_dir=Path(env["BOT_MODELS_DIR"]) if env.get("BOT_MODELS_DIR") else default_models_dir(),
        api_key=env.get("BOT_API_KEY") or None,
        rate_limit=_int_env("BOT_RATE_LIMIT", 30, minimum=0),
        trusted_proxies=env.get("BOT_TRUSTED_PROXIES", ""),
        feedback=env.get("BOT_FEEDBACK", "1").strip().lower() not in _OFF,
        feedback_path=Path(env["BOT_FEEDBACK_PATH"]) if env.get("BOT_FEEDBACK_PATH") else None,
        concurrency=_int_env("BOT_CONCURRENCY", Settings.concurrency, minimum=1),
        lock_wait=_seconds_env("BOT_LOCK_WAIT", 600.0),
    )
    given = {k: v for k, v in overrides.items() if v is not None}
    for key in ("store_dir", "models_dir", "feedback_path"):
        if key in given:
            given[key] = Path(given[key])
    if given.get("rate_limit", 0) < 0 or given.get("concurrency", 1) < 1:
        raise InputError("--rate-limit must be 0 (off) or more, and --concurrency 1 or more.")
    return replace(settings, **given)


def _int_env(name: str, default: int, minimum: int) -> int:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        value = minimum - 1
    if value < minimum:
        raise InputError(f"{name}={raw!r}: expected a whole number of at least {minimum}. Fix or unset it.")
    return value


def feedback_db(settings: Settings) -> Path:
    """Where ratings are stored: BOT_FEEDBACK_PATH / --feedback-path, else a file in the store folder."""
    return settings.feedback_path or settings.store_dir / FEEDBACK_FILE


def _seconds_env(name: str, default: float) -> float:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        value = -1.0
    if value < 0:
        raise InputError(f"{name}={raw!r}: expected a number of seconds, 0 or more. Fix or unset it.")
    return value


def default_models_dir() -> Path:
    cache = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(cache) / "pullaway-bot" / "models"


def models_dir(settings: Settings | None = None) -> Path:
    """The local models cache: BOT_MODELS_DIR / --models-dir, else ``default_models_dir()``."""
    settings = settings or load_settings()
    return Path(settings.models_dir) if settings.models_dir is not None else default_models_dir()


def openai_api_key(var: str = "OPENAI_API_KEY") -> str | None:
    """The API key for OpenAI-compatible servers, from the environment (None when unset)."""
    return os.environ.get(var) or None
