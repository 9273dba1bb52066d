"""bot/retrieve.py: three rankings fused, the comment cap, routing by intent, the reply graph."""

from __future__ import annotations

import pytest

from bot.intent import Intent
from bot.retrieve import HybridRetriever, ReplyGraph, fuse, with_quota
from bot.support import SupportScorer
from index.store import IndexVersion


@pytest.fixture
def retriever(fake_store, fake_embeddings):
    return HybridRetriever(IndexVersion.open(fake_store.store_dir), SupportScorer(fake_embeddings))


def test_three_rankings_are_fused_and_each_source_says_what_found_it(retriever):
    got = retriever.search("oxytocin testosterone hormone bonding", k=6)
    assert got and [s.rank for s in got] == list(range(1, len(got) + 1))
    top = got[0]
    assert top.record_ids and any(x is not None for x in (top.dense, top.lexical, top.sentence))


def test_the_cap_is_on_comments_only(retriever):
    got = retriever.search("men women freedom withdraw article", k=12)
    per_comment: dict[str, int] = {}
    for s in got:
        if s.kind == "comment":
            per_comment[s.record_ids[0]] = per_comment.get(s.record_ids[0], 0) + 1
    assert all(n <= retriever.per_unit for n in per_comment.values())
    sections = [s.chunk_id.split("#")[0] for s in got if s.kind == "article"]
    assert max(sections.count(x) for x in sections) > retriever.per_unit  # a section may give more


def test_the_reply_graph_answers_who_replied_to_whom(fake_store):
    graph = ReplyGraph(IndexVersion.open(fake_store.store_dir))
    post = "why-men-pull-away/"  # keyed by post: another post's comment:09 is another comment
    assert graph.thread_ids(("Veronica",), "thread")[0] == post + "comment:09-isabel"
    assert graph.thread_ids(("Isabel", "Veronica"), "thread")[0] == post + "comment:09-isabel"
    assert set(graph.thread_ids(("deadlock",), "thread")[:2]) == {post + "comment:13-catt", post + "comment:14-linda-kemp"}


def test_thread_questions_read_the_graph_first(retriever):
    got = retriever.search_for("who answered her?", Intent("thread", ("Veronica",)), k=5)
    assert got[0].record_ids == ("comment:09-isabel",)


def test_advice_brings_the_whole_numbered_list_and_the_article_leads(retriever):
    got = retriever.search_for("leave him alone when he withdraws", Intent("advice"), k=8)
    steps = {rid for s in got for rid in s.record_ids if ":step" in rid}
    assert steps == {"article:men-want:step1", "article:men-want:step2", "article:men-want:step3"}
    assert sum(1 for s in got[:5] if s.kind == "article") >= 3


def test_with_quota_moves_the_best_of_a_kind_up_and_keeps_the_order(retriever):
    ranked = retriever.search("pulled away texts week waiting", k=15)
    got = with_quota(ranked, 6, "article", 3)
    assert sum(1 for s in got[:5] if s.kind == "article") >= min(3, sum(1 for s in ranked if s.kind == "article"))
    assert [s.rank for s in got] == list(range(1, len(got) + 1))


def test_fuse_rewards_agreement(retriever):
    a = retriever.search("oxytocin", k=5)
    b = retriever.search("testosterone", k=5)
    fused = fuse([a, b])
    both = [s.chunk_id for s in a if s.chunk_id in {x.chunk_id for x in b}]
    if both:
        assert fused[0].chunk_id in both
