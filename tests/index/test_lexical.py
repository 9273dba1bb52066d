"""The BM25 index: built by numpy (index/bm25.py), the same as bm25s's own build."""

from __future__ import annotations

import random

import numpy as np
import pytest

from index.bm25 import LexicalIndex, _bm25_class
from index.chunk import chunk_records
from index.lexical import lexical_text, tokenize
from index.parse import parse_text
from tests.conftest import SEED


def _corpora():
    text = SEED.read_text(encoding="utf-8")
    chunks = chunk_records(text, parse_text(text, doc="seed", name="seed"), 180, 30)
    yield [tokenize(lexical_text(c)) for c in chunks]
    rng = random.Random(5)
    words = [f"w{i}" for i in range(300)]
    for _ in range(3):  # repeated words, one-word and empty documents, a skewed vocabulary
        yield [[rng.choice(words[: rng.randint(1, 300)]) for _ in range(rng.choice([0, 1, 3, 40, 200]))]
               for _ in range(rng.randint(1, 400))]


@pytest.mark.parametrize("corpus", list(_corpora()), ids=lambda c: f"{len(c)} documents")
def test_the_numpy_build_equals_bm25s_own(corpus):
    import bm25s

    corpus = [t or ["∅"] for t in corpus]
    theirs, ours = bm25s.BM25(), _bm25_class()()
    theirs.index(corpus, show_progress=False)
    ours.index(corpus, show_progress=False)
    assert ours.vocab_dict == theirs.vocab_dict
    for part in ("data", "indices", "indptr"):
        assert ours.scores[part].dtype == theirs.scores[part].dtype
        assert np.array_equal(ours.scores[part], theirs.scores[part]), part
    assert ours.scores["num_docs"] == theirs.scores["num_docs"] and ours.nonoccurrence_array is theirs.nonoccurrence_array


def test_search_saved_and_loaded(tmp_path):
    ids = ["a/1", "a/2", "b/1"]
    index = LexicalIndex.build(ids, ["He pulled away after the trip", "Give him space", "Space and time apart"])
    index.save(tmp_path / "bm25")
    again = LexicalIndex.load(tmp_path / "bm25")
    assert [k for k, _ in again.search("pulling away", 3)] == ["a/1"]
    assert {k for k, _ in again.search("space", 3)} == {"a/2", "b/1"}
    assert again.search("zebra", 3) == []


def test_a_scoped_search_finds_its_posts_chunks_however_many_others_match_better():
    """At 1,000 posts a scoped question took the blog's best 96 hits and kept its post's: 1 question in 50 kept any.
    Scoped, the post's chunks are searched alone, with the scores the whole index gives them."""
    ids = [f"big/{i}" for i in range(200)] + ["mine/1", "mine/2"]
    texts = ["he pulled away pulled away after the fight"] * 200 + ["he pulled away once", "we cooked dinner"]
    index = LexicalIndex.build(ids, texts)
    assert all(k.startswith("big/") for k, _ in index.search("pulled away", 96))
    scoped = index.search("pulled away", 96, post="mine")
    whole = dict(index.search("pulled away", len(ids)))
    assert [k for k, _ in scoped] == ["mine/1"] and scoped[0][1] == whole["mine/1"]
    assert index.search("pulled away", 96, post="nobody") == []
    single = LexicalIndex.build(["only/1", "only/2"], ["he pulled away", "dinner"])
    assert single.search("pulled away", 5, post="only") == single.search("pulled away", 5)
