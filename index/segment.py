"""One post's part of an index version: ``v-<id>/posts/<doc>/``, written once and never changed.

    source.txt       the post as indexed (citations quote it exactly)
    records.jsonl    its parsed records (article paragraphs and comments)
    chunks.jsonl     its chunks: text and metadata, as given to the vector store
    sentences.json   every sentence of its chunks (normalised whitespace) ...
    sentences.npy    ... and its vector (float16), so answers need no embedding work
    lexical.json     its chunk ids and their BM25 tokens, so the blog's BM25 is rebuilt without tokenizing
    model.json       its post model (index/understand): as computed, and as served (reviewed labels on top)

A post is named by its ``key``: a hash of everything its files depend on (the text, the code that parses,
chunks and tokenizes it, the settings, the encoder, the annotator, its reviewed labels). A build whose
previous version holds a post with the same key hard-links that folder's files instead of reading or
writing them: a one-post edit in a blog of 1,000 posts touches one post's files, not 1,000 posts'.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from pathlib import Path
from typing import Any

from .chunk import Chunk
from .errors import IndexDamaged
from .parse import Record

FOLDER = "posts"
FILES = ("source.txt", "records.jsonl", "chunks.jsonl", "sentences.json", "sentences.npy", "lexical.json", "model.json")


def _code_hash() -> str:
    """The code a post's files come from, besides the annotator (versioned by hand, ``ANNOTATOR``)."""
    from . import chunk, lexical, parse, sentences

    h = hashlib.sha1()
    for module in (parse, chunk, sentences, lexical):
        h.update(Path(module.__file__ or "").read_bytes())
    return h.hexdigest()


_CODE: str | None = None


def post_key(doc: str, text: str, settings: list, reviewed: list[dict]) -> str:
    """What a post's files depend on, hashed: equal keys, equal files."""
    global _CODE
    if _CODE is None:
        _CODE = _code_hash()
    h = hashlib.sha1(json.dumps([_CODE, doc, settings]).encode())
    h.update(text.encode("utf-8") + b"\0")
    for f in reviewed:
        h.update(f["path"].encode() + b"\0" + f["raw"] + b"\0")
    return h.hexdigest()[:20]


def folder(version: Path, doc: str) -> Path:
    return Path(version) / FOLDER / doc


def write(version: Path, doc: str, text: str, records: list[Record], chunks: list[Chunk], tokens: list[list[str]],
          bank: tuple[list[str], Any], model: dict) -> None:
    import numpy as np

    out = folder(version, doc)
    out.mkdir(parents=True)
    (out / "source.txt").write_text(text, encoding="utf-8")
    (out / "records.jsonl").write_text(
        "".join(json.dumps(r.to_dict(), ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    (out / "chunks.jsonl").write_text(
        "".join(json.dumps({"key": c.key, "text": c.text, "meta": c.metadata()}, ensure_ascii=False) + "\n"
                for c in chunks), encoding="utf-8")
    texts, matrix = bank
    (out / "sentences.json").write_text(json.dumps(texts, ensure_ascii=False), encoding="utf-8")
    np.save(out / "sentences.npy", matrix)
    (out / "lexical.json").write_text(json.dumps({"ids": [c.key for c in chunks], "tokens": tokens}), encoding="utf-8")
    (out / "model.json").write_text(json.dumps(model, ensure_ascii=False), encoding="utf-8")


def link(previous: Path, version: Path, doc: str) -> None:
    """The previous version's files of an unchanged post, hard-linked (copied where links are refused)."""
    src, dst = folder(previous, doc), folder(version, doc)
    dst.mkdir(parents=True)
    for name in FILES:
        if not (src / name).is_file():
            raise IndexDamaged(f"the index at {Path(previous).parent} is damaged ({doc}: no {name}). "
                               "Run `bot index --rebuild`.")
        try:
            os.link(src / name, dst / name)
        except OSError:
            shutil.copy2(src / name, dst / name)


def read_source(version: Path, doc: str) -> str:
    return (folder(version, doc) / "source.txt").read_text(encoding="utf-8")


def read_records(version: Path, doc: str) -> list[Record]:
    return records_file(folder(version, doc) / "records.jsonl")


def read_chunks(version: Path, doc: str) -> dict[str, Chunk]:
    return chunks_file(folder(version, doc) / "chunks.jsonl")


def records_file(path: Path) -> list[Record]:
    """A records.jsonl: a post's here, the whole index's in a version from before posts had folders."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return [Record(**json.loads(line)) for line in lines if line]


def chunks_file(path: Path) -> dict[str, Chunk]:
    """A chunks.jsonl (a post's, or a whole index's as records_file), by chunk key."""
    out = {}
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            row = json.loads(line)
            out[row["key"]] = Chunk.from_metadata(row["key"], row["text"], row["meta"])
    return out


def read_bank(version: Path, doc: str):
    import numpy as np

    texts = json.loads((folder(version, doc) / "sentences.json").read_text(encoding="utf-8"))
    matrix = np.load(folder(version, doc) / "sentences.npy")
    if len(texts) != len(matrix):
        raise ValueError(f"{doc}: {len(texts)} sentences, {len(matrix)} vectors")
    return texts, matrix


def read_lexical(version: Path, doc: str) -> tuple[list[str], list[list[str]]]:
    data = json.loads((folder(version, doc) / "lexical.json").read_text(encoding="utf-8"))
    return data["ids"], data["tokens"]


def read_model(version: Path, doc: str) -> dict:
    return json.loads((folder(version, doc) / "model.json").read_text(encoding="utf-8"))
