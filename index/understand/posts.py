"""The post models of one index build: computed once per post text, reviewed labels on top.

``understand(documents, embed, encoder, previous, reviewed)`` reuses the computed model of a post
whose text, annotator and encoder are unchanged (from the previous index version), computes the
others, then lays every reviewed file for that post over it (``reviewed``: files already read by
``load_reviewed``, once per build).
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any, Protocol, Sequence

from ..bundled import bundled
from ..parse import Record
from .annotate import Embed, annotate_post, content_sha1
from .model import ANNOTATOR, PostModel, PostModels
from .reviewed import apply_reviewed, load_reviewed

__all__ = ["default_reviewed", "load_reviewed", "understand"]

# The reviewed labels shipped for the bundled article: each names its post (``doc:``) and applies only to it.
BUNDLED_REVIEWED = ("claims.v1.yaml", "stances.v1.yaml", "safety_tags.v1.yaml")


def default_reviewed(paths: list[Path]) -> list[Path]:
    """The bundled reviewed files, and ``<post>.reviewed.yaml`` beside each post file when there is one."""
    found = [bundled("seeds", name) for name in BUNDLED_REVIEWED]
    found += [p.with_name(f"{p.stem}.reviewed.yaml") for p in paths if p.with_name(f"{p.stem}.reviewed.yaml").is_file()]
    return [p for p in found if Path(p).is_file()]


class PostText(Protocol):
    """What the annotator reads of a post: its slug, its text and its parsed records."""
    doc: str
    text: str
    records: list[Record]


def understand(documents: Sequence[PostText], embed: Embed, encoder: str, previous: dict | None,
               files: list[dict]) -> tuple[PostModels, dict]:
    """(the models to serve, a report: which posts were computed or reused, seconds, reviewed files used)."""
    started = time.perf_counter()
    cached = {}
    if previous and previous.get("annotator") == ANNOTATOR:
        cached = {p: PostModel.from_dict(row) for p, row in (previous.get("computed") or {}).items()}
    computed: dict[str, PostModel] = {}
    served: dict[str, PostModel] = {}
    report: dict[str, Any] = {"computed": [], "reused": [], "reviewed": []}
    for doc in documents:
        slug, text = doc.doc, doc.text
        old = cached.get(slug)
        # the same text, encoder and records: a parser that now reads a heading ("Manual or automatic?") renames the
        # records after it, and a model keyed by the old ids would label passages that no longer exist
        same_records = old is not None and set(old.records) == {f"{slug}/{r.id}" for r in doc.records}
        if old is not None and old.sha1 == content_sha1(text) and f"encoder:{encoder}" in old.made_with and same_records:
            model = old
            report["reused"].append(slug)
        else:
            model = annotate_post(slug, text, doc.records, embed, encoder)
            report["computed"].append(slug)
        computed[slug] = model
        mine = [f for f in files if f["doc"] == slug]
        served[slug] = apply_reviewed(model, mine) if mine else model
        report["reviewed"] += [Path(f["path"]).name for f in mine]
    report["seconds"] = round(time.perf_counter() - started, 2)
    return PostModels(served), {"computed": {p: m.to_dict() for p, m in computed.items()}, "report": report}
