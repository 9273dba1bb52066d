"""A person's labels win over computed ones, label by label; and the computed model as YAML to review.

A reviewed file is YAML with ``doc: <post slug>`` and any of these sections (``bot annotate --export``
writes all of them, with where each computed label came from):

    roles:    {record id: claim | advice | story | question | aside | filler | heading}
    claims:   {record id: [kind, ...]}  or  {record id: {kinds: [...], what: "..."}}
    unsafe:   {record id: {tags: [...], sentences: ["exact substring", ...]}}   (tags [] = reviewed safe)
    comments: {record id: {stance, outcome, counters, quote, asks, answered_by}}
    labels:   {claim kind: "what it claims, one line"}
    covers:   [claims, unsafe, ...]   sections reviewed for the whole post: a record not listed there
                                      is reviewed as "none" (no claim, safe to quote)

Older single-label files (``label: claims|stances|unsafe`` with ``records:``/``comments:``) read the same.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

from ..errors import InputError
from .model import ROLES, STANCES, Label, PostModel

REVIEWED = Label("", "reviewed", 1.0)


def load_reviewed(path: Path) -> dict:
    """One reviewed file as {doc, roles, claims, unsafe, comments, labels, covers, path, raw}; a clear error
    when malformed. ``raw`` is the file's bytes as read, so the index's content hash and the labels it
    applies come from one read."""
    import yaml

    try:
        raw = Path(path).read_bytes()
        data = yaml.safe_load(raw.decode("utf-8")) or {}
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise InputError(f"cannot read the reviewed labels in {path} ({exc}). Fix the file or remove it.") from None
    if not isinstance(data, dict) or not isinstance(data.get("doc"), str):
        raise InputError(f"{path} is not a reviewed-labels file: it needs 'doc: <post slug>' at the top.")
    label = data.get("label")
    out = {"doc": data["doc"], "roles": {}, "claims": {}, "unsafe": {}, "comments": {}, "labels": {},
           "covers": set(data.get("covers") or ()), "path": str(path), "raw": raw}
    if label == "claims":
        out["claims"] = data.get("records") or {}
    elif label == "unsafe":
        out["unsafe"] = data.get("records") or {}
    elif label == "stances":
        out["comments"] = data.get("comments") or {}
    else:
        for section in ("roles", "claims", "unsafe", "comments"):
            out[section] = data.get(section) or {}
    out["labels"] = data.get("labels") or {}
    for rid, role in out["roles"].items():
        if role not in ROLES:
            raise InputError(f"{path}: role '{role}' of {rid} is not one of {', '.join(ROLES)}.")
    for rid, entry in out["comments"].items():
        stance = _stance((entry or {}).get("stance"))
        if stance and stance not in STANCES:
            raise InputError(f"{path}: stance '{stance}' of {rid} is not one of {', '.join(STANCES)}.")
    return out


def _stance(value) -> str:
    return "story" if value == "personal story" else (value or "")


def apply_reviewed(model: PostModel, files: list[dict]) -> PostModel:
    """The computed model with every reviewed label in ``files`` (for this post) put over it."""
    records = dict(model.records)
    made = list(model.made_with)
    for data in files:
        if data["doc"] != model.post:
            continue
        made.append(f"reviewed:{Path(data['path']).name}")
        covers = data["covers"]
        for key, r in list(records.items()):
            rid = key.split("/", 1)[1]
            if rid in data["roles"]:
                r = replace(r, role=replace(REVIEWED, value=data["roles"][rid]))
            if rid in data["claims"] or ("claims" in covers and r.claims):
                entry = data["claims"].get(rid) or ()
                kinds = tuple(entry.get("kinds") or ()) if isinstance(entry, dict) else tuple(entry)
                what = entry.get("what", "") if isinstance(entry, dict) else ""
                r = replace(r, claims=kinds, claims_label=replace(REVIEWED, value=",".join(kinds)),
                            claim_text=what or (r.claim_text if kinds else ""))
            if rid in data["unsafe"] or "unsafe" in covers:
                entry = data["unsafe"].get(rid) or {}
                tags = tuple(entry.get("tags") or ())
                sentences = tuple(entry.get("sentences") or ([entry["sentence"]] if entry.get("sentence") else ()))
                r = replace(r, unsafe=tags, unsafe_sentences=sentences if tags else (),
                            unsafe_label=replace(REVIEWED, value=",".join(tags) or "safe"))
            if rid in data["comments"]:
                r = _comment(r, data["comments"][rid] or {}, model.post)
            records[key] = r
    labels = {**model.labels, **{k: v for d in files if d["doc"] == model.post for k, v in d["labels"].items()}}
    return replace(model, records=records, made_with=tuple(made), labels=labels)


def _comment(r, entry: dict, post: str):
    changes: dict[str, Any] = {}
    if entry.get("stance"):
        changes["stance"] = replace(REVIEWED, value=_stance(entry["stance"]))
    if entry.get("outcome"):
        changes["outcome"] = replace(REVIEWED, value=entry["outcome"])
    if "counters" in entry:
        changes["counters"] = tuple(entry.get("counters") or ())
    if entry.get("quote"):
        changes["quote"] = entry["quote"]
    if "asks" in entry:
        changes["asks"] = entry.get("asks") or ""
    if "answered_by" in entry:
        changes["answered_by"] = tuple(f"{post}/{x}" for x in entry.get("answered_by") or ())
    if changes.get("stance") and changes["stance"].value not in ("disagrees", "nuance"):
        changes.setdefault("counters", ())
    return replace(r, **changes)


def export_yaml(model: PostModel) -> str:
    """The model as a reviewed-labels file: edit it, then index with it and it wins, label by label."""
    import yaml

    def note(label) -> str:
        return f"{label.source} {label.confidence:.2f}" if label else ""

    data: dict[str, Any] = {
        "version": 1, "doc": model.post, "title": model.title, "author": model.author,
        "made_with": list(model.made_with),
        "roles": {}, "claims": {}, "unsafe": {}, "comments": {}, "labels": dict(model.labels),
    }
    for key, r in model.records.items():
        rid = key.split("/", 1)[1]
        data["roles"][rid] = r.role.value
        if r.claims:
            data["claims"][rid] = {"kinds": list(r.claims), "what": r.claim_text, "from": note(r.claims_label)}
        if r.unsafe:
            data["unsafe"][rid] = {"tags": list(r.unsafe), "sentences": list(r.unsafe_sentences), "from": note(r.unsafe_label)}
        if r.stance is not None:
            data["comments"][rid] = {
                "stance": r.stance.value, "outcome": r.outcome.value if r.outcome else "none",
                "counters": list(r.counters), "quote": r.quote, "asks": r.asks or None,
                "answered_by": [k.split("/", 1)[1] for k in r.answered_by], "from": note(r.stance),
            }
    header = ("# The computed model of one post, for a person to review (bot annotate --export).\n"
              "# Edit any label, delete what you have not checked, then pass the file to `bot index --reviewed FILE`:\n"
              "# reviewed labels win over computed ones, label by label. 'from' says where each label came from.\n")
    return header + yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=120)
