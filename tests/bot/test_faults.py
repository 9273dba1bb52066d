"""Damaged stores, a full disk, and hostile input (property-based)."""

from __future__ import annotations

import errno
import shutil

import pytest
from hypothesis import HealthCheck, given, settings as hyp_settings, strategies as st

from bot import Answer, Bot
from index.build import build_index
from index.errors import InputError, StoreError
from index.bm25 import LexicalIndex
from index.parse import NO_AUTHOR, parse_text
from index.store import IndexVersion
from tests.conftest import SEED


@pytest.mark.parametrize("victim", ["chroma", "posts/why-men-pull-away/records.jsonl", "posts/why-men-pull-away/chunks.jsonl",
                                    "posts/why-men-pull-away/source.txt", "posts/why-men-pull-away/sentences.npy",
                                    "lexical", "manifest.json"])
def test_half_deleted_store_says_rebuild(fake_store, fake_embeddings, victim):
    path = IndexVersion.open(fake_store.store_dir).path / victim
    shutil.rmtree(path) if path.is_dir() else path.unlink()
    with pytest.raises(StoreError, match="--rebuild"):
        Bot(fake_store, embeddings=fake_embeddings, safety=False).ask("why do men pull away?")
    build_index([SEED], fake_store, rebuild=True, embeddings=fake_embeddings, progress=False)
    assert Bot(fake_store, embeddings=fake_embeddings, safety=False).ask("why do men pull away?").citations


def test_full_disk_keeps_the_previous_index(fake_store, fake_embeddings, monkeypatch):
    before = IndexVersion.open(fake_store.store_dir).path.name

    def no_space(self, folder):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(LexicalIndex, "save", no_space)
    with pytest.raises(StoreError, match="Free space"):
        build_index([SEED], fake_store, rebuild=True, embeddings=fake_embeddings, progress=False)
    assert IndexVersion.open(fake_store.store_dir).path.name == before
    assert not list(fake_store.store_dir.glob(".build-*"))
    assert len(IndexVersion.open(fake_store.store_dir).chunks) > 0


# --- property-based: the parser ----------------------------------------------

names = st.text(st.characters(codec="utf-8", categories=("L", "N")), min_size=1, max_size=12).map(str.strip).filter(bool)
bodies = st.text(
    st.characters(codec="utf-8", blacklist_categories=("Cs", "Cc", "Zl", "Zp")), min_size=1, max_size=80
).map(lambda s: " ".join(s.split())).filter(lambda s: s and s[0] not in "•◦▪‣·*-")


@st.composite
def threads(draw):
    """A comment tree as (depth, author, body) in file order; depth never jumps by more than one."""
    items, depth = [], 0
    for i in range(draw(st.integers(1, 8))):
        depth = 0 if i == 0 else draw(st.integers(0, depth + 1))
        items.append((depth, draw(names), draw(bodies)))
    return items


@hyp_settings(max_examples=150, deadline=None)
@given(threads(), st.lists(bodies, min_size=1, max_size=3))
def test_generated_posts_parse_back_exactly(tree, paragraphs):
    text = "A Generated Title\n\n" + "\n\n".join(f"{p}." for p in paragraphs) + "\n\n"
    for depth, author, body in tree:
        pad = "  " * (depth + 1)
        text += f"{pad}• {author}\n\n{pad}  {body}\n\n"
    records = parse_text(text)
    comments = [r for r in records if r.kind == "comment"]
    assert [(r.depth, r.author, r.text) for r in comments] == tree
    for r in records:
        assert text[r.start : r.end] == r.text
    by_id = {r.id: r for r in comments}
    for r in comments:
        if r.depth:
            assert by_id[r.parent].depth == r.depth - 1 and by_id[r.parent].order < r.order


@hyp_settings(max_examples=300, deadline=None)
@given(st.text(max_size=400))
def test_arbitrary_text_parses_or_fails_cleanly(text):
    try:
        records = parse_text(text)
    except InputError:
        return
    ids = [r.id for r in records]
    assert len(ids) == len(set(ids))
    for r in records:
        assert text[r.start : r.end] == r.text
        assert r.kind in ("article", "comment")
        if r.kind == "comment":
            assert r.author and (r.author == NO_AUTHOR or r.author.strip() == r.author)


# --- property-based: Bot.ask ---------------------------------------------------

hostile = st.one_of(
    st.text(max_size=300),
    st.sampled_from([
        "<script>alert(1)</script> why does he pull away?",
        "**bold** _why_ `code` [link](http://x) # heading",
        "\x00\x1b[31mred\x1b[0m why\u202e does he pull away",
        "为什么男人会退缩？",
        "🙂" * 500,
    ]),
    st.builds(lambda n: "why " * n, st.integers(2000, 30000)),
)


@pytest.fixture(scope="module")
def module_bot(tmp_path_factory):
    from index.config import Settings
    from tests.fakes import FakeEmbeddings

    settings = Settings(store_dir=tmp_path_factory.mktemp("hyp") / "store")
    emb = FakeEmbeddings()
    build_index([SEED], settings, embeddings=emb, progress=False)
    return Bot(settings, embeddings=emb, safety=False)


@hyp_settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(question=hostile)
def test_ask_never_crashes_on_hostile_input(module_bot, question):
    try:
        answer = module_bot.ask(question)
    except InputError as exc:
        assert "empty" in str(exc)
        return
    assert isinstance(answer, Answer)
    seed = module_bot.version.sources["why-men-pull-away"]
    for c in answer.citations:
        assert seed[c.start : c.end] == c.quote
