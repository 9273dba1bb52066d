"""bot/compose/plan.py and the extractive generator: the answer plan and how it is written out."""

from __future__ import annotations

import re

import pytest

from bot.api import Bot
from bot.question.intent import Intent


@pytest.fixture
def bot(fake_store, fake_embeddings):
    return Bot(fake_store, embeddings=fake_embeddings, safety=False)


def _plan(bot, question, intent):
    sources = bot.reading().retriever.search_for(question, intent, k=6)
    return bot.reading().composer.plan(question, sources, intent), sources


def test_every_planned_quote_is_an_exact_span_of_the_seed(bot):
    for question, intent in [("leave him alone when he withdraws", Intent("advice")),
                             ("who answered her?", Intent("thread", ("Veronica",))),
                             ("oxytocin testosterone", Intent("why"))]:
        plan, _ = _plan(bot, question, intent)
        assert plan.quotes, question
        seed = bot.version.sources[plan.quotes[0].source.doc]
        for q in plan.quotes:
            assert " ".join(seed[q.start:q.end].split()) == q.text


def test_advice_gives_the_steps_in_order_without_their_numbers(bot):
    plan, _ = _plan(bot, "leave him alone when he withdraws", Intent("advice"))
    steps = [q for q in plan.quotes if q.step]
    assert [q.step for q in steps] == sorted(q.step for q in steps) and len(steps) >= 2
    assert all(not re.match(r"\d\)", q.text) for q in steps)


def test_a_readers_question_is_never_the_answer(bot):
    plan, _ = _plan(bot, "does this mean no contact at all", Intent("yesno"))
    for q in plan.quotes:
        if q.source.kind == "comment" and q.text.rstrip("”’\"' ").endswith("?"):
            assert q.role == "asked", q


def test_a_sentence_that_leans_on_the_one_before_brings_it(bot):
    cands = bot.reading().composer.candidates("receive him openly with love", bot.reading().retriever.search("receive him openly with love", k=6))
    leaning = [c for c in cands if c.vector_text.startswith("This doesn’t make you a loser")]
    assert leaning and all(c.text.startswith("And when he does comes back") for c in leaning)


def test_replies_asked_for_a_comment_nobody_answered_are_said_to_be_none(bot):
    plan, _ = _plan(bot, "what did people reply to Clair?", Intent("thread", ("Clair",)))
    assert plan.note == "**No: nobody replied to Clair’s comment. What Clair wrote:**"
    assert plan.quotes and all(q.author == "Clair" for q in plan.quotes)
    answered, _ = _plan(bot, "who replied to Veronica?", Intent("thread", ("Veronica",)))
    assert answered.note == "" and any(q.role == "reply" for q in answered.quotes)
    own, _ = _plan(bot, "what did Clair write?", Intent("thread", ("Clair",)))
    assert own.note == ""  # not a question about replies


def test_a_push_back_heading_stands_only_over_the_sentence_that_pushes_back(bot):
    hints = bot.version.post_models.quotes()
    plan, _ = _plan(bot, "who disagreed with the article and why?", Intent("opinion"))
    pushing = [q for q in plan.quotes if q.role == "disagrees"]
    assert pushing and any(q.record_id == "comment:04-marilyn-crosbie" for q in plan.quotes)
    for q in pushing:  # Marilyn's "Something like this happened to me…" is no push-back
        assert bot.version.post_models.stances()[f"{q.source.doc}/{q.record_id}"] in ("disagrees", "nuance")
        assert q.text.startswith(hints.get(q.record_id, "")), q.text


@pytest.fixture(scope="module")
def real_bot(real_store, real_embeddings):
    return Bot(real_store, embeddings=real_embeddings)


@pytest.mark.slow
def test_real_advice_answer_lists_the_three_steps_in_order(real_bot):
    answer = real_bot.ask("What should I do the next time he goes quiet?")
    text = answer.text
    # step 3 is listed by the question it asks, not by its opening remark about step 2 ("Part 2 (above) ...")
    at = [text.find(s) for s in ("1. “Leave him alone", "2. “And when he does comes back", "3. “do I really want to be in a relationship")]
    assert all(i >= 0 for i in at) and at == sorted(at), text
    assert text.startswith("**The article's advice, step by step**")  # "what should I do?": the list first
    assert "So today, I’m going to give you" not in text  # filler never answers
    for c in answer.citations:
        assert real_bot.version.sources[c.doc][c.start:c.end] == c.quote


@pytest.mark.slow
def test_real_thread_answers_name_the_relation(real_bot):
    isabel = real_bot.ask("What did Isabel say to Veronica?")
    assert isabel.text.startswith("Isabel replied to Veronica: “") and isabel.citations[0].author == "Isabel"
    deadlock = real_bot.ask("Did anyone answer deadlock?")
    assert {"Catt", "Linda Kemp"} <= {c.author for c in deadlock.citations}
    assert "Catt replied to deadlock" in deadlock.text
    angry = real_bot.ask("What did the replies to the angry comment say?")
    assert angry.text.startswith("**No: nobody replied to Angry and Upset’s comment."), angry.text
    assert {c.author for c in angry.citations} == {"Angry and Upset"}
    disagree = real_bot.ask("Who disagreed with the article and why?")
    assert "I completely agree" not in disagree.text.split("**Readers who agree")[0], disagree.text


@pytest.mark.slow
def test_real_unknown_commenter_gets_no_random_quote(real_bot):
    answer = real_bot.ask("What did Megan say in her reply to deadlock?")
    assert "no commenter named Megan" in answer.text and not answer.citations and answer.abstained


@pytest.mark.slow
def test_the_steps_as_a_set_come_in_order_and_the_2nd_one_again_is_step_2(real_store, real_embeddings):
    bot = Bot(real_store, embeddings=real_embeddings)
    steps = bot.ask("What are the steps the article gives?")
    lines = steps.text.splitlines()
    assert lines[0] == "**The article's advice, step by step**" and lines[1].startswith("1. ")
    again = bot.ask("whats the 2nd one again", history=[("What are the steps the article gives?", steps.text)])
    assert "off_topic" not in again.safety.flags
    assert again.text.startswith("The article's step 2:")


def test_a_step_that_points_at_another_is_listed_by_what_it_asks(bot):
    """Step 3 opens "Part 2 (above) is going to prove to be the hardest": its list item is the question it asks."""
    q = "what are all the steps?"
    plan = bot.reading().composer.plan(q, bot.reading().retriever.search(q, k=6), Intent("advice"))
    steps = {s.step: s.text for s in plan.quotes if s.role == "step"}
    assert steps.get(3, "").startswith("“do I really want to be in a relationship with another woman?")
    assert steps[3].endswith("MAN?”") and not any("Part 2 (above)" in t for t in steps.values())
