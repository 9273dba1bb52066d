"""Every stage respects the post boundary, on the session's index of two posts (conftest: the bundled
article and the sourdough post, fake embeddings): retrieval scoped to a post, the reply graph and the
commenters, the composer's plan and its leads, the safety screen and policy, the post models, and the
Bot's ``post=`` at construction and per call. The two posts share record ids ("article:title",
"article:intro:p1", ...) and start at the same offsets, so anything keyed by id or offset alone would
mix them. The slow test at the end runs the real MiniLM and the real safety layer."""

from __future__ import annotations

import pytest

from bot.api import Bot
from bot.question.intent import Intent
from bot.posts import check_post, posts_in
from bot.retrieve.hybrid import Filters, HybridRetriever, ReplyGraph
from bot.safety import SafetyLayer, conversation
from bot.safety.detect import Detection
from bot.safety.perspectives import dissent_for
from bot.safety.withhold import cut_sources, withheld_spans
from bot.cite.support import SupportScorer
from index.errors import InputError
from index.store import IndexVersion
from index.understand import PostModels

from tests.conftest import BREAD, MEN
from tests.fakes import FakeEmbeddings, FakeRetriever, FakeSafety, ScriptedDetector

POSTS = (MEN, BREAD)
NO_SUCH = f"no post 'nope' in the index. Indexed: {BREAD}, {MEN}."
# questions in either post's words, and in the other's: only the scope decides where the answer comes from
QUESTIONS = [
    ("Why do men pull away from the relationship?", Intent("why")),
    ("Why is my sourdough loaf flat and dense?", Intent("why")),
    ("What are the steps?", Intent("advice")),
    ("Who disagreed with the article?", Intent("opinion")),
    ("What did readers say?", Intent("fact")),
]


def other(post: str) -> str:
    return BREAD if post == MEN else MEN


@pytest.fixture(scope="module")
def version(two_post_index) -> IndexVersion:
    return IndexVersion.open(two_post_index.store_dir)


@pytest.fixture(scope="module")
def retriever(version) -> HybridRetriever:
    return HybridRetriever(version, SupportScorer(FakeEmbeddings()))


@pytest.fixture(scope="module")
def bot(two_post_index) -> Bot:
    return Bot(two_post_index, embeddings=FakeEmbeddings(), safety=False)


def test_the_two_posts_share_record_ids_so_keys_must_name_the_post(version):
    """The premise of this file: ids alone collide; ``records_by_id`` keys them "post/id"."""
    ids = {post: {r.id for r in version.records if r.doc == post} for post in POSTS}
    shared = ids[MEN] & ids[BREAD]
    assert {"article:title", "article:intro:p1"} <= shared
    for rid in shared:
        assert version.records_by_id[f"{MEN}/{rid}"].text != version.records_by_id[f"{BREAD}/{rid}"].text


# --- retrieval ----------------------------------------------------------------------------


@pytest.mark.parametrize("post", POSTS)
def test_a_search_scoped_to_a_post_returns_only_its_sources(retriever, post):
    for question, _ in QUESTIONS:
        sources = retriever.search(question, k=8, filters=Filters(post=post))
        assert sources and {s.doc for s in sources} == {post}, question
        assert [s.rank for s in sources] == list(range(1, len(sources) + 1))


@pytest.mark.parametrize("post", POSTS)
def test_routing_by_intent_keeps_the_scope(retriever, post):
    """The routes add sources the ranking did not find (the whole list of steps, comments by stance, the reply
    graph of a named reader): none of them may come from the other post, even for a reader of the other post."""
    priya, veronica = Intent("thread", ("Priya",)), Intent("thread", ("Veronica",))  # one reader of each post
    for question, intent in QUESTIONS + [("Who answered Priya?", priya), ("Who answered Veronica?", veronica)]:
        sources = retriever.search_for(question, intent, k=6, filters=Filters(post=post))
        assert sources and {s.doc for s in sources} == {post}, (question, intent.kind)


def test_a_named_readers_thread_comes_from_their_post_when_nothing_is_scoped(retriever):
    first = retriever.search_for("Who answered Priya?", Intent("thread", ("Priya",)), k=6)
    assert first[0].doc == BREAD and first[0].author == "Maggie (author)" and first[0].parent == "comment:01-priya"
    first = retriever.search_for("Who answered Veronica?", Intent("thread", ("Veronica",)), k=6)
    assert first[0].doc == MEN


def test_unscoped_search_reads_both_posts(retriever):
    docs = {s.doc for s in retriever.search("flat sourdough starter, and why men pull away from the relationship", k=12)}
    assert docs == set(POSTS)


# --- the reply graph and the commenters ------------------------------------------------------


def test_the_reply_graph_links_comments_within_their_post_only(version):
    graph = ReplyGraph(version)
    for key, record in graph.records.items():
        assert key == f"{record.doc}/{record.id}"
        parent = graph.parent_of(key)
        if parent is not None:
            assert parent.split("/", 1)[0] == record.doc and parent in graph.records
        for reply in graph.replies.get(key, []):
            assert reply.split("/", 1)[0] == record.doc
        for chunk in graph.chunks_of.get(key, []):
            assert version.chunks[chunk].doc == record.doc
    # both posts have a "comment:01-..." and so on: each is its own node
    assert graph.parent_of(f"{BREAD}/comment:02-maggie-author") == f"{BREAD}/comment:01-priya"
    assert {k.split("/", 1)[0] for k in graph.records} == set(POSTS)


def test_each_readers_comments_and_thread_are_in_their_own_post(version):
    graph = ReplyGraph(version)
    for name, post in (("Priya", BREAD), ("Maggie (author)", BREAD), ("Veronica", MEN), ("deadlock", MEN)):
        mine = graph.comments_by(name)
        assert mine and {k.split("/", 1)[0] for k in mine} == {post}, name
        assert {k.split("/", 1)[0] for k in graph.thread_ids((name,), "thread")} == {post}, name
        assert graph.thread_ids((name,), "thread", post=post) == graph.thread_ids((name,), "thread")  # scoped: the same
        other = BREAD if post == MEN else MEN
        assert graph.thread_ids((name,), "thread", post=other) == []  # nothing of theirs in the other post


@pytest.mark.parametrize("post, answered", [(MEN, False), (BREAD, True)])
def test_a_reader_of_one_post_is_an_unknown_commenter_under_the_other(bot, post, answered):
    answer = bot.ask("What did Priya say?", post=post)
    if answered:
        assert not answer.abstained and answer.citations and {c.doc for c in answer.citations} == {BREAD}
        assert answer.citations[0].author == "Priya"
    else:
        assert answer.abstained and not answer.citations
        assert answer.text.startswith("There is no commenter named Priya under this article.")


# --- the composer: plan, citations and leads ---------------------------------------------------


@pytest.mark.parametrize("post", POSTS)
def test_the_plan_for_a_question_scoped_to_a_post_quotes_only_that_post(bot, retriever, post):
    seed = bot.version.sources[post]
    for question, intent in QUESTIONS:
        sources = retriever.search_for(question, intent, k=6, filters=Filters(post=post))
        plan = bot.reading().composer.plan(question, sources, intent)
        assert plan.quotes, question
        for q in plan.quotes:
            assert q.source.doc == post, (question, q.record_id)
            assert " ".join(seed[q.start:q.end].split()) == q.text  # an exact span of that post's text


@pytest.mark.parametrize("post", POSTS)
def test_an_answer_scoped_to_a_post_cites_and_shows_only_that_post(bot, post):
    seed = bot.version.sources[post]
    for question, _ in QUESTIONS:
        answer = bot.ask(question, post=post)
        assert answer.citations and {c.doc for c in answer.citations} == {post}, question
        assert {s.doc for s in answer.sources} == {post}, question
        assert all(seed[c.start:c.end] == c.quote for c in answer.citations)


def _dissenters(version, post: str) -> set[str]:
    models = version.post_models
    return {version.records_by_id[r.key].author for r in models.dissent(post)}


@pytest.mark.parametrize("post", POSTS)
def test_the_stance_lead_names_the_readers_of_the_asked_post_only(bot, version, post):
    note = bot.ask("Who disagreed with the article?", post=post).meta.lead
    mine, theirs = _dissenters(version, post), _dissenters(version, other(post))
    assert mine and theirs
    assert note.startswith("**Readers who disagreed with the article:")
    assert all(name in note for name in mine), (note, mine)
    assert not any(name in note for name in theirs - mine), (note, theirs)


def test_who_the_author_replied_to_is_read_off_the_asked_post(bot):
    """The article's author never replied; the sourdough post's author, Maggie, replied to six readers."""
    men = bot.ask("Did the author reply to any of the commenters?", post=MEN)
    assert men.meta.lead == "**No: the article’s author did not reply to any comment.**"
    bread = bot.ask("Did the author reply to any of the commenters?", post=BREAD)
    assert bread.meta.lead.startswith("**Yes: the author, Maggie, replied to ") and "Priya" in bread.meta.lead
    assert {c.doc for c in bread.citations} == {BREAD}


# --- the safety screen and policy ------------------------------------------------------------


def test_withheld_passages_are_kept_per_post(version):
    spans = withheld_spans(version)
    for post, found in spans.items():
        for start, end, rid in found:
            record = version.records_by_id[f"{post}/{rid}"]
            assert record.start <= start < end <= record.end  # the span lies in that post's record
    assert spans[MEN] and spans[BREAD]


def test_a_span_withheld_in_one_post_never_cuts_the_other_posts_text(version):
    """The posts start at the same offsets: a source of one post overlapping (by offset) a span withheld in
    the other is left whole."""
    from bot.answer import Source

    spans = withheld_spans(version)
    start, end, _ = spans[BREAD][0]
    free = [r for r in version.records if r.doc == MEN and r.start < end and start < r.end
            and not any(s < r.end and r.start < e for s, e, _ in spans[MEN])]
    assert free, "no record of the article overlaps the sourdough post's first withheld span"
    record = free[0]
    source = Source(1, f"{MEN}/{record.id}#0", MEN, record.kind, record.text, record.start, record.end, 1.0,
                    record_ids=(record.id,))
    kept, withheld = cut_sources([source], spans, version.sources)
    assert kept == [source] and withheld == []


def _disclosed(text: str) -> Detection:
    """A scripted detector: "he hit me" is a disclosure of abuse (a pattern hit); nothing else flags."""
    return Detection(flags=["abuse"], hits={"abuse": ["physical: he hit me"]}) if "hit me" in text else Detection()


@pytest.mark.parametrize("post, question", [
    (MEN, "I'm safe now. What should I do when he pulls away?"),
    (BREAD, "I'm safe now. What should I do when my loaf is flat?"),
])
def test_after_a_disclosure_what_is_withheld_and_offered_is_the_asked_posts(two_post_index, post, question):
    """Aftercare: passages unsafe to quote are cut from the asked post only, and the readers offered as another
    view are that post's readers."""
    bot = Bot(two_post_index, embeddings=FakeEmbeddings(), safety=SafetyLayer(detector=ScriptedDetector(_disclosed)))
    answer = bot.ask(question, history=[("he hit me last night", "I'm so sorry. Are you safe right now?")], post=post)
    report = answer.safety
    assert report.tier == "aftercare" and "abuse" in report.flags
    assert report.withheld_keys and all(key.startswith(post + "/") for key in report.withheld_keys)
    assert answer.citations and {c.doc for c in answer.citations} == {post}
    spans = withheld_spans(bot.version)[post]
    for c in answer.citations:  # nothing withheld is quoted
        assert not any(s < c.end and c.start < e for s, e, _ in spans), c.quote
    for perspective in report.perspectives:
        assert all(answer.citations[n - 1].doc == post for n in perspective.citations)


@pytest.mark.parametrize("post", POSTS)
def test_readers_offered_as_another_view_come_from_the_cited_post(version, post):
    """Whatever the claims (those any reader of either post counters, or one nobody counters), the readers
    offered against them are readers of the post the answer cited."""
    models = version.post_models
    cited = {f"{post}/{r.id}" for r in version.records if r.doc == post and r.kind == "article"}
    countered = sorted({c for p in POSTS for r in models.dissent(p) for c in r.counters})
    assert countered
    for claims in (countered, ["a-claim-nobody-counters"]):
        offered = dissent_for(models, claims, cited)
        assert offered and {r.key.split("/", 1)[0] for r in offered} == {post}, claims


def test_the_safety_check_is_given_the_asked_posts_words(two_post_index, version):
    """The layer's topic check reads the words of the post asked about ("is this about the post?"), not the
    whole index's."""
    detector = ScriptedDetector()
    bot = Bot(two_post_index, embeddings=FakeEmbeddings(), safety=SafetyLayer(detector=detector))
    words = {post: PostModels({post: version.post_models.posts[post]}).terms for post in POSTS}
    for post in (BREAD, MEN, None):
        detector.seen.clear()
        bot.ask("Why is my loaf flat?", post=post)
        question, vocabulary = detector.seen[0]
        assert question == "Why is my loaf flat?"
        assert vocabulary == (words[post].vocabulary if post else version.post_models.terms.vocabulary), post
    assert "sourdough" in words[BREAD].vocabulary and "sourdough" not in words[MEN].vocabulary
    # the asked post's title words go with them (a post about biting reads "biting" as its subject)
    detector.subjects.clear()
    bot.ask("Why is my loaf flat?", post=MEN)
    assert detector.subjects[0] == words[MEN].subject and "men" in words[MEN].subject and "away" in words[MEN].subject
    # "is this about the post?": a reader's name ties a message to their post, not to the other
    assert conversation.about_article("is priya okay now", words[BREAD].about)
    assert not conversation.about_article("is priya okay now", words[MEN].about)


# --- the post models -----------------------------------------------------------------------------


def test_the_post_models_are_keyed_by_post_and_each_post_has_its_own(version):
    models = version.post_models
    assert set(models.posts) == set(POSTS)
    assert models.title() == ""  # two posts: no one title for the index
    assert models.posts[BREAD].title.startswith("Why Is My Sourdough Flat?")
    assert models.posts[MEN].title.startswith("Why Do Men Pull Away")
    for key in list(models.stances()) + list(models.quotes()):
        post, rid = key.split("/", 1)
        assert version.records_by_id[key].doc == post and models.get(key) is not None
    for post in POSTS:
        assert models.dissent(post) and {r.key.split("/", 1)[0] for r in models.dissent(post)} == {post}
    assert models.stance(f"{BREAD}/comment:04-dave-k") == "disagrees"
    assert models.stance(f"{MEN}/comment:04-dave-k") == ""  # no such comment under the article


def test_posts_in_lists_each_post_with_its_own_comment_count(version):
    posts = posts_in(version)
    assert [p.slug for p in posts] == [BREAD, MEN]
    for p in posts:
        assert p.comments == sum(1 for r in version.records if r.doc == p.slug and r.kind == "comment") > 0
        assert p.title == version.post_models.posts[p.slug].title


# --- the Bot's post= ----------------------------------------------------------------------------------


@pytest.mark.parametrize("post", POSTS)
def test_bot_post_and_ask_post_answer_from_the_right_post(two_post_index, bot, post):
    question = "What did readers say?"  # fits either post
    scoped = Bot(two_post_index, embeddings=FakeEmbeddings(), safety=False, post=post)
    for answer in (scoped.ask(question), list(scoped.stream(question))[-1], bot.ask(question, post=post),
                   bot.as_runnable().invoke({"question": question, "post": post}),
                   scoped.ask(question, post=None)):  # post=None keeps the Bot's own
        assert answer.citations and {c.doc for c in answer.citations} == {post}
    assert {c.doc for c in scoped.ask(question, post=other(post)).citations} == {other(post)}  # a call's post wins
    assert {s.doc for s in scoped.retrieve(question, k=8)} == {post}


def test_the_bot_hands_its_post_to_the_retriever(two_post_index, version):
    """At the Retriever boundary (a fake one): every search of a scoped Bot carries the post as a filter."""
    fake = FakeRetriever(version)
    bot = Bot(two_post_index, embeddings=FakeEmbeddings(), safety=False, retriever=fake, post=BREAD)
    answer = bot.ask("Why is my loaf flat?")
    assert fake.calls and all(f is not None and f.post == BREAD for _, f in fake.calls)
    assert {s.doc for s in answer.sources} == {BREAD}
    fake.calls.clear()
    bot.ask("Why do men pull away?", post=MEN)
    assert fake.calls and all(f.post == MEN for _, f in fake.calls)
    fake.calls.clear()
    Bot(two_post_index, embeddings=FakeEmbeddings(), safety=False, retriever=fake).ask("Why is my loaf flat?")
    assert fake.calls and all(f is None or f.post is None for _, f in fake.calls)


def test_an_unknown_post_is_an_input_error_naming_the_choices(two_post_index, bot, version):
    calls = [
        lambda: Bot(two_post_index, embeddings=FakeEmbeddings(), safety=False, post="nope").ask("Why?"),
        lambda: bot.ask("Why?", post="nope"),
        lambda: list(bot.stream("Why?", post="nope")),
        lambda: bot.ask("Why?", filters={"post": "nope"}),
        lambda: bot.retrieve("why", post="nope"),
        lambda: bot.as_runnable().invoke({"question": "Why?", "post": "nope"}),
        lambda: check_post("nope", [p.slug for p in posts_in(version)]),
    ]
    for call in calls:
        with pytest.raises(InputError) as err:
            call()
        assert str(err.value) == NO_SUCH
    assert check_post(BREAD, POSTS) == BREAD


# --- the real model and the real safety layer -------------------------------------------------


@pytest.mark.slow
def test_real_scoped_answers_and_the_topic_check_follow_the_asked_post(real_two_post_index, real_embeddings):
    """With the packaged MiniLM and the real safety layer: a question in one post's words is on topic for that
    post and answered from it; scoped to the other post, it is off topic there (named by its title)."""
    bot = Bot(real_two_post_index, embeddings=real_embeddings)
    bread = bot.ask("How do I fix a flat sourdough loaf?", post=BREAD)
    assert "off_topic" not in bread.safety.flags and bread.citations and {c.doc for c in bread.citations} == {BREAD}
    elsewhere = bot.ask("How do I fix a flat sourdough loaf?", post=MEN)
    assert "off_topic" in elsewhere.safety.flags and not elsewhere.citations
    assert "Why Do Men Pull Away" in elsewhere.text
    for post in POSTS:
        answer = bot.ask("Who disagreed with the article?", post=post)
        assert answer.citations and {c.doc for c in answer.citations} == {post}
        assert all(bot.version.sources[post][c.start:c.end] == c.quote for c in answer.citations)


def test_the_readers_search_behind_other_perspectives_stays_in_the_questions_post(two_post_index, version):
    """The safety policy searches readers for other perspectives: for a question scoped to a post (on a Bot
    of every post), that search is scoped to the same post, never the whole blog."""

    class SearchesReaders(FakeSafety):
        def apply(self, answer, report, index_version=None, retrieve_fn=None):
            retrieve_fn(answer.question, k=8, filters={"kind": "comment"})  # as SafetyLayer's _readers does
            return super().apply(answer, report, index_version, retrieve_fn)

    fake = FakeRetriever(version)
    bot = Bot(two_post_index, embeddings=FakeEmbeddings(), safety=SearchesReaders(), retriever=fake)
    bot.ask("Why is my loaf flat?", post=BREAD)
    query, filters = fake.calls[-1]
    assert (filters.kind, filters.post) == ("comment", BREAD)


def test_a_scoped_dense_search_reads_its_posts_vectors_exactly_as_the_filtered_query_ranks_them(version):
    """Scoped dense: the post's chunk vectors, cosine computed here, instead of Chroma's HNSW query with a filter."""
    from bot.retrieve.hybrid import Filters, HybridRetriever

    from tests.fakes import FakeEmbeddings

    retriever = HybridRetriever(version, FakeEmbeddings())
    for post in POSTS:
        for query in ("why do men pull away", "my loaf spreads flat", "give him space and stretch and fold"):
            filters = Filters(post=post)
            mine = retriever._dense(query, filters)
            got = version.query(retriever.embeddings.embed_query(query), len(mine), filters.where())
            chroma = {key: 1.0 - float(d) for key, d in zip(got["ids"][0], got["distances"][0])}
            assert mine and {k.split("/", 1)[0] for k in mine} == {post}
            assert all(abs(mine[k] - chroma[k]) < 1e-4 for k in set(mine) & set(chroma))
            assert len(set(mine) & set(chroma)) >= len(mine) - 1  # the same chunks (HNSW may trade one at the edge)
            kind = retriever._dense(query, Filters(post=post, kind="comment"))
            assert kind and all(version.chunks[k].kind == "comment" for k in kind)


def test_an_unscoped_filtered_dense_search_ranks_as_the_filtered_query_and_asks_unfiltered_when_enough_pass(version, monkeypatch):
    """"kind": "comment" over the whole blog: Chroma's query with a metadata filter cost ~400 ms at 1,000 posts, so
    the search asks unfiltered for more and keeps the accepted; the filtered query only when too few of them pass."""
    from bot.retrieve.hybrid import Filters, HybridRetriever

    from tests.fakes import FakeEmbeddings

    retriever = HybridRetriever(version, FakeEmbeddings())
    wheres: list = []
    real = version.query
    monkeypatch.setattr(version, "query", lambda v, n, where=None: (wheres.append(where), real(v, n, where))[1])
    for fetch_k in (2, 4, 24):
        retriever.fetch_k = fetch_k
        for kind in ("comment", "article"):
            for query in ("why do men pull away", "my loaf spreads flat", "give him space and stretch and fold"):
                filters = Filters(kind=kind)
                wheres.clear()
                mine = retriever._dense(query, filters)
                asked_filtered = any(w is not None for w in wheres)
                got = real(retriever.embeddings.embed_query(query), min(fetch_k, len(version.chunks)), filters.where())
                chroma = {key: 1.0 - float(d) for key, d in zip(got["ids"][0], got["distances"][0])}
                assert list(mine) == list(chroma), (fetch_k, kind, query)  # the same chunks in the same order
                assert all(abs(mine[k] - chroma[k]) < 1e-6 for k in mine)
                assert all(version.chunks[k].kind == kind for k in mine)
                if kind == "comment" and fetch_k == 2:
                    assert not asked_filtered  # most chunks are comments: the unfiltered answer had enough
