"""Configuration, read in one place.

Precedence: explicit argument (a CLI flag) > environment variable > default.

    BOT_STORE       folder of the embedded index       (default: ./store in the project)
    BOT_CHROMA_URL  http://HOST:PORT of a Chroma server (default: none, embedded store)
    BOT_GENERATOR   generator spec                      (default: extractive)
    BOT_EMBEDDER    embedder for `bot index`: torch | onnx-int8 (default: torch); answering uses
                    the one recorded in the index's manifest
    BOT_MODELS_DIR  cache of assembled local GGUF models (default: $XDG_CACHE_HOME/pullaway-bot/models,
                    i.e. ~/.cache/pullaway-bot/models)
    OPENAI_API_KEY  key for `openai:` generators (not needed for loopback servers); read by openai_api_key()
"""

from __future__ import annotations

import os
from dataclasses import dataclass, replace
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_SEED = PROJECT_ROOT / "seeds" / "why-men-pull-away.txt"


@dataclass(frozen=True)
class Settings:
    store_dir: Path
    chroma_url: str | None = None
    generator: str = "extractive"
    embedder: str = "torch"  # see index.embed.EMBEDDERS
    chunk_tokens: int = 180
    overlap_tokens: int = 30
    sentence_vectors: bool = True  # embed every sentence at index time (fast answers; ~2x index time)
    models_dir: Path | None = None  # None: the default cache folder (see default_models_dir)


def load_settings(**overrides) -> Settings:
    """Settings from the environment, with non-None keyword overrides on top."""
    env = os.environ
    settings = Settings(
        store_dir=Path(env.get("BOT_STORE") or PROJECT_ROOT / "store"),
        chroma_url=env.get("BOT_CHROMA_URL") or None,
        generator=env.get("BOT_GENERATOR") or "extractive",
        embedder=env.get("BOT_EMBEDDER") or "torch",
        sentence_vectors=env.get("BOT_SENTENCE_VECTORS", "1").strip().lower() not in ("0", "false", "no", "off"),
        models_dir=Path(env["BOT_MODELS_DIR"]) if env.get("BOT_MODELS_DIR") else default_models_dir(),
    )
    given = {k: v for k, v in overrides.items() if v is not None}
    if "store_dir" in given:
        given["store_dir"] = Path(given["store_dir"])
    if "models_dir" in given:
        given["models_dir"] = Path(given["models_dir"])
    return replace(settings, **given)


def default_models_dir() -> Path:
    cache = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(cache) / "pullaway-bot" / "models"


def openai_api_key(var: str = "OPENAI_API_KEY") -> str | None:
    """The API key for OpenAI-compatible servers, from the environment (None when unset)."""
    return os.environ.get(var) or None
