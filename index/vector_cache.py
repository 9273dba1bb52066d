"""Vectors that do not depend on the question, embedded once and kept on disk.

    cached_vectors("safety-bank", texts, embeddings, folder) -> float32 matrix, one row per text

The file is named by a hash of the model name and the exact texts, so editing a text or switching
model makes a new file and an old one is never read by mistake. Files are written whole (a temporary
file, then a rename), so a reader never sees half of one. Without a folder, or when it cannot be
written, the vectors are embedded as usual.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import uuid
from pathlib import Path

log = logging.getLogger(__name__)


def cache_path(name: str, texts: list[str], model: str, folder: Path) -> Path:
    key = hashlib.sha256(json.dumps([model, texts], ensure_ascii=False).encode("utf-8")).hexdigest()[:20]
    return Path(folder) / "vectors" / f"{name}-{key}.npy"


def cached_vectors(name: str, texts: list[str], embeddings, folder: Path | None):
    import numpy as np

    model = getattr(embeddings, "model_name", None)
    path = cache_path(name, texts, model, folder) if folder is not None and model else None
    if path is not None:
        try:
            matrix = np.load(path)
            if matrix.shape[0] == len(texts):
                return matrix
        except (OSError, ValueError):
            pass  # absent or unreadable: embed again and replace it
    matrix = np.asarray(embeddings.embed_documents(texts), dtype=np.float32)
    if path is not None:
        tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex[:8]}.tmp")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            with open(tmp, "wb") as fh:
                np.save(fh, matrix)
            os.replace(tmp, path)
        except OSError as exc:
            log.info("could not cache %s vectors in %s (%s); they will be embedded again next time", name, path.parent, exc)
            tmp.unlink(missing_ok=True)
    return matrix
