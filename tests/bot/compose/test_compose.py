"""bot/compose/plan.py and the extractive generator: the answer plan and how it is written out.

The first part builds a Composer alone (``make_composer``: a small post, a fake scorer) and tests the
routing ``plan()`` does; the rest plans over the real seed through a Bot."""

from __future__ import annotations

import re

from dataclasses import dataclass

import pytest

from bot.answer import Source
from bot.api import Bot
from bot.compose.plan import Composer
from bot.question.intent import Intent
from index.build import build_index
from index.config import PROJECT_ROOT, Settings
from index.parse import parse_text
from index.understand import PostModels
from index.sentences import normalise

from tests.fakes import FakeScorer

# --- the Composer alone: a small post, a fake scorer ---------------------------------------------

GARDEN = """How To Keep A Calm Garden

I'm Rosa Vale. I have kept allotments for twenty years.

Gardens need patience and a steady routine. Water the beds in the early morning before the sun is high.

So today, I'm going to give you my three weekly habits for a calm garden.

The Weekly Habits

1)           Pull the weeds by hand every Monday morning before they spread their seeds.

2)           Water the tomatoes deeply twice a week, right at the roots, never on the leaves.

3)           Mulch the beds with straw after watering. This keeps the soil cool and holds the water in.

Why Plants Wilt

Plants wilt because their roots cannot reach enough water in dry, compacted soil.

  • Priya

    May 1, 2024 at 9:00 am

    How often should I water the tomatoes during a heatwave?

    • Rosa Vale (author)

      May 1, 2024 at 10:00 am

      During a heatwave, water the tomatoes every morning, deeply, at the roots.

  • Sam

    May 2, 2024 at 8:00 am

    I disagree with the straw mulch habit. Straw mulch brought slugs into my tomato beds every single summer.

  • Lee

    May 3, 2024 at 8:00 am

    Great article, thanks! Pulling weeds by hand on Mondays changed my garden.
"""
DOC = "garden"
STEP = "article:weekly-habits:step{}"
STANCES = {f"{DOC}/comment:01-priya": "question", f"{DOC}/comment:03-sam": "disagrees", f"{DOC}/comment:04-lee": "agrees"}


def make_composer(posts: dict[str, str] | None = None, stances: dict[str, str] | None = None) -> Composer:
    """The one place these tests build a Composer: over a version of the posts (slug -> text) with their
    records and headings as the index reads them and no post model but the readers' stances ("post/record
    id" -> stance), no reply graph, and a FakeScorer (bag-of-words vectors)."""
    posts = posts or {DOC: GARDEN}
    records = {f"{doc}/{r.id}": r for doc, text in posts.items() for r in parse_text(text, doc=doc)}
    headings: dict[str, set[int]] = {}
    for r in records.values():
        if r.id == "article:title" or r.id.endswith(":heading"):
            headings.setdefault(r.doc, set()).add(r.start)
    return Composer(FakeScorer(), _Version(dict(posts), records, headings, _Stances(dict(stances or {}))))


class _Stances(PostModels):
    """No post model, only the readers' stances the test gives."""

    def __init__(self, stances: dict[str, str]):
        super().__init__({})
        self.given = stances

    def stances(self) -> dict[str, str]:
        return dict(self.given)


@dataclass
class _Version:
    """What a Composer reads off an index version."""

    sources: dict[str, str]
    records_by_id: dict
    heading_starts: dict[str, set[int]]
    post_models: PostModels


def sources_of(posts: dict[str, str] | None = None, masked: dict[str, str] | None = None,
               order: list[str] | None = None) -> list[Source]:
    """Every record of the posts as a retrieved Source (one per record, rank 1 first, in post order or in
    ``order`` of record ids); ``masked``: record id -> a sentence the safety screen blanked in it."""
    posts = posts or {DOC: GARDEN}
    masked = masked or {}
    records = [r for doc, text in posts.items() for r in parse_text(text, doc=doc)]
    if order:
        records.sort(key=lambda r: order.index(r.id) if r.id in order else len(order))
    out = []
    for rank, r in enumerate(records, 1):
        text, hidden = r.text, ()
        if r.id in masked:
            text = text.replace(masked[r.id], " " * len(masked[r.id]))  # as the safety screen blanks it
            hidden = (normalise(masked[r.id]),)
        out.append(Source(rank, f"{r.doc}/{r.id}#0", r.doc, r.kind, text, r.start, r.end, 1.0, record_ids=(r.id,),
                          author=r.author, parent=r.parent, depth=r.depth, masked=hidden))
    return out


def plan_of(question: str, intent: Intent, sources: list[Source] | None = None, composer: Composer | None = None):
    plan = (composer or make_composer(stances=STANCES)).plan(question, sources if sources is not None else sources_of(), intent)
    for q in plan.quotes:  # whatever the route, every quote is an exact span of the post
        assert normalise(GARDEN[q.start:q.end]) == q.text
    return plan


def step_numbers(plan) -> list[int | None]:
    return [q.step for q in plan.quotes if q.step is not None]


@pytest.mark.parametrize("question", ["What are the steps?", "List all the habits", "What should I do?",
                                      "Tell me the steps step by step"])
def test_a_whole_list_question_gets_every_step_first_in_order_without_numbers(question):
    # ranked backwards: step 3 first, step 1 last; the list still comes in the post's order
    order = [STEP.format(3), "comment:02-rosa-vale-author", STEP.format(2), "article:intro:p2", STEP.format(1)]
    plan = plan_of(question, Intent("advice"), sources_of(order=order))
    assert [q.role for q in plan.quotes[:3]] == ["step"] * 3
    assert [q.step for q in plan.quotes[:3]] == [1, 2, 3]
    assert [q.record_id for q in plan.quotes[:3]] == [STEP.format(n) for n in (1, 2, 3)]
    assert plan.quotes[0].text == "Pull the weeds by hand every Monday morning before they spread their seeds."
    assert not any(re.match(r"\d\)", q.text) for q in plan.quotes)
    assert len({(q.start, q.end) for q in plan.quotes}) == len(plan.quotes)  # nothing quoted twice


@pytest.mark.parametrize("question, step", [
    ("What's the second step?", 2),
    ("what is step 1?", 1),
    ("what does rule 2 say?", 2),
    ("and what about the third?", 3),
    ("What's the last one?", 3),  # the highest step retrieved
])
def test_an_ordinal_step_question_leads_with_that_step_then_the_others_in_order(question, step):
    plan = plan_of(question, Intent("advice"))
    first = plan.quotes[0]
    assert (first.record_id, first.step, first.role) == (STEP.format(step), step, "answer")
    assert step_numbers(plan)[1:] == [n for n in (1, 2, 3) if n != step]  # the others, once each, in order


def test_a_follow_up_naming_one_step_of_the_list_leads_with_it():
    intent = Intent("advice", query="What are the steps? and the third?")
    plan = plan_of("and the third?", intent)
    assert plan.quotes[0].step == 3 and plan.quotes[0].role == "answer"


def test_which_step_picks_one_and_is_not_the_whole_list():
    plan = plan_of("Which step is about the tomatoes?", Intent("advice"))
    assert (plan.quotes[0].record_id, plan.quotes[0].role) == (STEP.format(2), "answer")


def test_advice_that_asks_for_no_list_leads_with_the_best_sentence_then_the_steps_in_order():
    plan = plan_of("How do I stop my plants wilting?", Intent("advice"))
    assert plan.quotes[0].role == "answer" and plan.quotes[0].record_id == "article:plants-wilt:p1"
    assert step_numbers(plan) == [1, 2, 3]


def test_other_kinds_get_no_list_of_steps():
    plan = plan_of("Why do plants wilt?", Intent("why"))
    assert plan.quotes[0].text.startswith("Plants wilt because their roots cannot reach enough water")
    assert not any(q.role == "step" for q in plan.quotes)


@pytest.mark.parametrize("question, intent", [
    ("Why do plants wilt?", Intent("why")),
    ("What are the weekly habits?", Intent("advice")),
    ("How to keep a calm garden?", Intent("fact")),
])
def test_the_title_and_headings_are_never_quoted(question, intent):
    records = {r.id: r for r in parse_text(GARDEN, doc=DOC)}
    heads = [records[rid] for rid in ("article:title", "article:weekly-habits:heading", "article:plants-wilt:heading")]
    for q in plan_of(question, intent).quotes:
        assert not any(h.start <= q.start < h.end for h in heads), q.text


def test_filler_about_the_article_itself_never_answers():
    plan = plan_of("What are the three weekly habits for a calm garden?", Intent("fact"))
    assert plan.quotes and not plan.quotes[0].text.startswith("So today, I'm going to give you")


def test_a_readers_question_is_context_quoted_as_asked_never_the_answer():
    plan = plan_of("How often should I water the tomatoes during a heatwave?", Intent("fact"))
    asked = [q for q in plan.quotes if q.record_id == "comment:01-priya"]
    assert plan.quotes[0].record_id != "comment:01-priya"
    assert asked and all(q.role == "asked" and q.relation == "Priya asked the same" for q in asked)


def test_a_sentence_that_leans_on_the_one_before_brings_it_along():
    plan = plan_of("Does mulch keep the soil cool?", Intent("fact"))
    assert plan.quotes[0].text == "Mulch the beds with straw after watering. This keeps the soil cool and holds the water in."
    assert not any(q.text.startswith("This keeps") for q in plan.quotes)


POINTER = """Garden Calm

By Rosa Vale

Weeds come back every spring, and the temptation is to pull everything at once.

When the weeding feels endless, remember the one question that matters. Ask yourself:

Will this weed set seed before next Monday?

If not, it can wait until the weekend.

  • Priya

    Thanks, this helped.
"""


def test_a_sentence_announcing_what_follows_with_a_colon_brings_what_it_announces():
    """ "remember this important step (no.3). ask yourself:" answered "any tip for the waiting?" as a pointer; the
    question it announces, in the next paragraph, is the tip."""
    posts = {"calm": POINTER}
    plan = make_composer(posts).plan("the weeding feels endless, any tip for that?", sources_of(posts), Intent("fact"))
    texts = [q.text for q in plan.quotes]
    assert texts[0] == "When the weeding feels endless, remember the one question that matters."
    assert texts[1] == "Will this weed set seed before next Monday?"
    plain = make_composer(posts).plan("do weeds come back every spring?", sources_of(posts), Intent("fact"))
    assert plain.quotes[0].text.startswith("Weeds come back") and "Will this weed" not in plain.quotes[1].text


SITUATED = GARDEN.replace("Why Plants Wilt\n\nPlants wilt because their roots cannot reach enough water in dry, compacted soil.",
                          "When the slugs win\n\nI lost a whole bed of lettuce to slugs once. Pick them off by torchlight after rain, "
                          "and put a ring of grit around each plant.")


def test_the_section_for_the_readers_situation_leads_then_the_steps():
    """ "failed my test this morning ... what now": the article's section for that case ("When you fail"), ranked first by
    retrieval, answers before the general steps; a plain "what should I do?" keeps the list alone."""
    posts = {DOC: SITUATED}
    order = ["article:slugs-win:p1"] + [STEP.format(n) for n in (1, 2, 3)]
    plan = make_composer(posts).plan("the slugs ate my lettuce again. what now?", sources_of(posts, order=order),
                                     Intent("advice"))
    assert plan.quotes[0].text == "Pick them off by torchlight after rain, and put a ring of grit around each plant."
    assert step_numbers(plan) == [1, 2, 3]
    general = make_composer(posts).plan("What should I do?", sources_of(posts, order=[STEP.format(n) for n in (1, 2, 3)]),
                                        Intent("advice"))
    assert general.quotes[0].step == 1 and "torchlight" not in " ".join(q.text for q in general.quotes[:3])


def test_a_masked_sentence_is_never_quoted():
    blanked = "Water the beds in the early morning before the sun is high."
    for question, intent in [("When should I water the beds?", Intent("fact")), ("What are the steps?", Intent("advice"))]:
        plain = plan_of(question, intent)
        assert any(blanked in q.text for q in plain.quotes), question  # unmasked it would be quoted
        plan = plan_of(question, intent, sources_of(masked={"article:intro:p2": blanked}))
        assert plan.quotes and not any(blanked in q.text for q in plan.quotes), question


def test_a_masked_sentence_never_comes_back_with_the_sentence_leaning_on_it():
    blanked = "Mulch the beds with straw after watering."
    plan = plan_of("Does mulch keep the soil cool?", Intent("fact"), sources_of(masked={STEP.format(3): blanked}))
    assert not any(blanked in q.text for q in plan.quotes)


def test_a_masked_sentence_of_a_step_is_not_listed_with_it():
    blanked = "This keeps the soil cool and holds the water in."
    plan = plan_of("What are the steps?", Intent("advice"), sources_of(masked={STEP.format(3): blanked}))
    assert not any(blanked in q.text for q in plan.quotes)


def test_a_thread_question_gives_the_reply_first_naming_who_replied_to_whom():
    plan = plan_of("Who answered Priya?", Intent("thread", ("Priya",)))
    reply = plan.quotes[0]
    assert (reply.record_id, reply.role, reply.author) == ("comment:02-rosa-vale-author", "reply", "Rosa Vale (author)")
    assert reply.relation == "Rosa Vale (author) replied to Priya"
    assert all(q.source.kind == "comment" for q in plan.quotes)


def test_an_opinion_question_puts_readers_who_disagree_first_then_those_who_agree():
    plan = plan_of("What did readers think of the habits?", Intent("opinion"))
    roles = [(q.author, q.role) for q in plan.quotes if q.source.kind == "comment"]
    assert roles[0] == ("Sam", "disagrees") and ("Lee", "agrees") in roles
    assert roles.index(("Sam", "disagrees")) < roles.index(("Lee", "agrees"))
    # without the stances nobody is said to disagree
    plain = plan_of("What did readers think of the habits?", Intent("opinion"), composer=make_composer())
    assert not any(q.role in ("disagrees", "agrees") for q in plain.quotes)


def test_nothing_retrieved_plans_nothing():
    plan = plan_of("Why do plants wilt?", Intent("why"), [])
    assert plan.quotes == [] and plan.note == "" and plan.kind == "why"


def test_quotes_come_from_the_post_of_their_source():
    """Two posts at the same offsets: a quote is a span of its own source's post, never the other's."""
    other = GARDEN.replace("Calm Garden", "Quiet Orchard").replace("tomatoes", "apple trees").replace("weeds", "suckers")
    posts = {DOC: GARDEN, "orchard": other}
    composer = make_composer(posts)
    for only in (DOC, "orchard"):
        sources = [s for s in sources_of(posts) if s.doc == only]
        plan = composer.plan("What are the steps?", sources, Intent("advice"))
        assert plan.quotes and {q.source.doc for q in plan.quotes} == {only}
        for q in plan.quotes:
            assert normalise(posts[only][q.start:q.end]) == q.text


# --- over the real seed, through a Bot --------------------------------------------------------------


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
    # "the next time he goes quiet" is the situation step 1 answers: it leads, then the other steps in order
    at = [text.find(s) for s in ("step 1: “Leave him alone", "2. “And when he does comes back", "3. “do I really want to be in a relationship")]
    assert all(i >= 0 for i in at) and at == sorted(at), text
    assert text.startswith("The article's step 1: “Leave him alone")
    whole = real_bot.ask("What should I do?").text
    assert whole.startswith("**The article's advice, step by step**"), whole  # no situation: the list first
    assert "So today, I’m going to give you" not in text  # filler never answers
    for c in answer.citations:
        assert real_bot.version.sources[c.doc][c.start:c.end] == c.quote


@pytest.mark.slow
def test_real_advice_asked_after_a_long_story_lists_the_articles_steps_not_readers_like_stories(real_bot):
    """The story alone ranks readers' stories like it (every source a comment, once); the question it ends with asks
    for the article's advice as a whole, so that is searched too."""
    story = ("ok so we've been seeing each other about 4 months and everything was amazing, then like last week he just "
             "went quiet. replies hours later with one word answers, no good morning texts, nothing. every part of me "
             "wants to call him and ask what's wrong and if i did something. what does this article actually say i should do??")
    text = real_bot.ask(story).text
    assert text.startswith("**The article's advice, step by step**\n1. “Leave him alone"), text


@pytest.mark.slow
def test_real_and_then_what_reads_the_rest_of_the_readers_story(real_bot):
    """"wait the P one, he came back and then what??": what happened after he came back, the end of her story; a
    sentence counts as late in it by where it ends (a span joined to the sentence it leans on starts earlier)."""
    first = "is there anyone in the comments where the guy actually came back after pulling away?"
    history = [(first, real_bot.ask(first).text)]
    text = real_bot.ask("wait the P one, he came back and then what??", history=history).text
    assert "disappeared again" in text and "ever trust a man" in text, text


@pytest.mark.slow
def test_real_did_her_guy_end_up_texting_is_her_last_line(real_bot):
    """How a reader's story ended is the last sentence of her last comment ("He text as I was reading this article.")."""
    text = real_bot.ask("did clair's guy end up texting her or not lol").text
    assert text.split("\n")[0].startswith("Clair wrote: “") and "He text as I was reading this article." in text.split("\n")[0], text


@pytest.mark.slow
def test_real_a_plan_put_to_the_advice_gets_the_article_steps_and_the_list_starts_at_1(real_bot):
    """A story, then "is that a bad idea?": the article's steps answer (its readers' texting stories matched the words);
    a sentence of step 1's paragraph that answers best leaves step 1 in the list."""
    text = real_bot.ask("we had the best month ever and now hes gone quiet for 3 days. i want to text him and ask whats "
                        "wrong, is that a bad idea??").text
    body = text.split("**What readers said")[0]
    assert "1. “Leave him alone. Let him be. Don’t question him.”" in body or "step 1: “Leave him alone" in body, text
    assert "\n2. “" in body and body.index("Leave him alone") < body.index("\n2. “"), text
    assert not text.startswith(("manu", "Clair", "Isabel")), text


@pytest.mark.slow
def test_real_what_a_named_reader_advised_reads_her_whole_comment(real_bot):
    """Marilyn's advice sits in the middle chunk of a long story: a question about what she said reads it whole."""
    text = real_bot.ask("What did Marilyn Crosbie advise the woman whose boyfriend said she was suffocating him?").text
    assert text.split("\n")[0].startswith("Marilyn Crosbie replied to Confused: “I could go on, but my point is, I wonder if you "
                                          "could just calmly tell him you feel tension"), text


@pytest.mark.slow
def test_real_a_remedy_the_post_never_names_comes_before_a_reader_objecting_nearby(real_bot):
    """Asked whether counseling would help "with the push/pull thing", the text's silence on counseling is the answer,
    not Angry and Upset's objection to the push/pull passage; "isn't this sexist?" is an objection, whatever words the
    post lacks."""
    text = real_bot.ask("Does Renee think couples counseling would help with the push/pull thing, or is therapy a bad idea?").text
    assert text.startswith("**The article and its comments don’t mention “couples counseling”.**"), text
    sexist = real_bot.ask("Isn't this whole article kind of sexist? Women are emotional rollercoasters and men need 'missions'??").text
    assert sexist.startswith("**Some readers push back on the article here: Angry and Upset.**"), sexist


@pytest.mark.slow
def test_real_thread_answers_name_the_relation(real_bot):
    isabel = real_bot.ask("What did Isabel say to Veronica?")
    assert isabel.text.startswith("Isabel replied to Veronica: “") and isabel.citations[0].author == "Isabel"
    back = real_bot.ask("did deadlock ever get back to catt about how to tell if a guy is playing you?").text
    # "get back to catt" is his reply, not one to him; and to her, the one the question names
    assert back.startswith("**No: deadlock did not reply to Catt.**"), back
    soldier = real_bot.ask("which guy in the comments agreed with it and brought up the soldier example?").text
    assert soldier.startswith("**It was deadlock, in the comments.**"), soldier
    said = real_bot.ask("veronica asked if she was allowed to text her bf or if it had to be total no contact. what did people say to her").text
    assert said.startswith("**Nobody answered Veronica’s question; Isabel replied about something else.**"), said
    both = real_bot.ask("did anybody reply to deadlock? and did he answer them back").text
    assert both.startswith("**Yes: Catt and Linda Kemp replied to deadlock. deadlock did not answer them.**"), both
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


def test_the_sentence_saying_the_words_a_question_quotes_is_quoted_first(bot):
    q = "texting him every day like Veronica and Isabel did, is the 'receive him openly with love' bit naive?"
    plan = bot.reading().composer.plan(q, bot.reading().retriever.search_for(q, Intent("fact"), k=6), Intent("fact"))
    assert "receive him openly with love" in plan.quotes[0].text, [x.text for x in plan.quotes]


def test_a_step_that_points_at_another_is_listed_by_what_it_asks(bot):
    """Step 3 opens "Part 2 (above) is going to prove to be the hardest": its list item is the question it asks."""
    q = "what are all the steps?"
    plan = bot.reading().composer.plan(q, bot.reading().retriever.search(q, k=6), Intent("advice"))
    steps = {s.step: s.text for s in plan.quotes if s.role == "step"}
    assert steps.get(3, "").startswith("“do I really want to be in a relationship with another woman?")
    assert steps[3].endswith("MAN?”") and not any("Part 2 (above)" in t for t in steps.values())


@pytest.mark.slow
def test_real_who_said_and_described_readers_and_both_sides(real_bot):
    karen = real_bot.ask("who was the person in the comments who said she actually likes it when he withdraws")
    assert karen.text.startswith("**It was Karen, in the comments.**\nKaren wrote: “I actually think"), karen.text
    confused = real_bot.ask("did anyone answer the girl whose boyfriend called her a burden?")
    assert confused.text.startswith("**Yes: Marilyn Crosbie answered Confused’s question.**"), confused.text
    assert confused.citations[0].author == "Marilyn Crosbie"
    asking = real_bot.ask("did the author reply to the woman asking whether giving him space means no contact at all?")
    assert asking.text.startswith("**No: the author did not reply to Veronica; Isabel did.**"), asking.text
    veronica = real_bot.ask("Did Veronica ever get an answer on whether she's allowed to text him or not?")
    assert veronica.text.startswith("**No: nobody answered Veronica’s question; Isabel replied about something else.**")
    blogger = real_bot.ask("did the blogger herself ever actually reply to anyone in the comments??")  # few words match: the graph answers
    assert not blogger.meta.abstained and blogger.text.startswith("**No: the article’s author did not reply to any comment.**")
    man = real_bot.ask("who was the guy in the comments who said he agreed with the article as a man?")
    assert man.text.startswith("**It was deadlock, in the comments.**\ndeadlock wrote: “As a man I completely agree"), man.text
    split = real_bot.ask("Do the people in the comments actually agree with this article or not?")
    first = split.text.split("\n")[0]
    assert "Readers who agreed with the article:" in first and "Readers who disagreed: Angry and Upset" in first, first


def test_a_situation_one_step_answers_leads_with_that_step_then_the_others_in_order():
    # "what should I do?" alone is the whole list; a situation close to one step is answered by that step first
    plan = plan_of("What should I do when the tomatoes need water twice a week?", Intent("advice"))
    assert (plan.quotes[0].record_id, plan.quotes[0].role) == (STEP.format(2), "answer")
    assert step_numbers(plan)[1:] == [1, 3]
    whole = plan_of("What should I do?", Intent("advice"))
    assert [q.step for q in whole.quotes[:3]] == [1, 2, 3]


def test_a_reader_is_described_by_who_they_are_or_what_they_were_asking():
    from bot.compose.plan import _description

    assert _description("did anyone answer the guy who works nights about his cutoff?") == "the guy who works nights"
    assert (_description("did the author ever reply to the person asking about their puppy biting the leash on walks?")
            == "the person asking about their puppy biting the leash on walks")
    assert _description("did the author reply to anything?") == ""
    # the word right after "who" is what they did, not where the question goes on (r48 q10: "did")
    assert (_description("what ended up happening w the guy who did every step by the book with his younger brother?")
            == "the guy who did every step by the book with his younger brother")


HEADING_STEPS = """Calm Evenings With a New Puppy

I'm Megan. I have raised many puppies and every one of them bit.

Step 1: Yelp Like a Littermate

The moment teeth touch skin, let out a sharp yelp and go completely still.

Step 2: A Tired Puppy Is a Good Puppy

After about an hour awake, put your puppy in a quiet crate for a nap, whether she looks tired or not.

Most evening frenzy comes from a puppy who should have been napping.

Comments

  • Owen

    Our puppy goes wild every evening at seven.
"""


def test_a_step_named_only_by_its_heading_is_followed_by_what_its_section_says_to_do(tmp_path, settings, fake_embeddings):
    from bot.api import Bot
    from bot.generate.extractive import render
    from index.build import build_index
    from tests.conftest import write

    build_index([write(tmp_path, "puppy.txt", HEADING_STEPS)], settings, embeddings=fake_embeddings, progress=False)
    bot = Bot(settings, embeddings=fake_embeddings, safety=False)
    lines = bot.ask("she goes wild every evening, should we change her nap routine? what should we do?").text.split("\n")
    assert lines[0].startswith("The article's step 2: “A Tired Puppy Is a Good Puppy”"), lines
    assert lines[1].startswith("It says: “After about an hour awake, put your puppy in a quiet crate for a nap"), lines
    assert lines[2] == "**The article's other steps, in order**", lines
    # a step that says what to do in a sentence of its own needs nothing under it
    plan = plan_of("What should I do when the tomatoes need water twice a week?", Intent("advice"))
    assert "under" not in [q.role for q in plan.quotes] and "It says:" not in "".join(render(plan))


RUNNING_POST = """Coming Back From a Running Injury

By Dana Whitlock

Most runners come back too fast. Here is the plan I give every client.

1) Start with run-walk intervals. One minute of easy running, two minutes of walking, eight times.

2) Use the pain rule on every run. If the pain climbs to 3 out of 10 or above, stop running and walk home.

Comments

  • Ray Dunn

    This is way too conservative. I went straight back to my usual 5 miles after a calf strain and I was fine. Not everyone needs to be babied.

    • Priya Nair

      Lucky you. I was "fine" too, until I wasn't.

  • Owen Fitch

    Like Dana says, a plan can't fix what isn't healed. Walking three miles pain-free now and my surgeon is pleased.

  • Sam Ortiz

    A free plan that tells me to slow down is better than me guessing about my knee every single week.

  • Greta Lind

    My knee flared up twice on my old plan and I was ready to give up running. I tried this one in March and stuck to the pain rule every single run. I ran my first pain-free 10k last week.
"""


@pytest.mark.slow
def test_real_a_described_reader_s_thread_is_read_as_a_named_one(tmp_path, real_embeddings):
    """"What did people say to the guy who said the plan was too conservative?": the reader the words describe (his
    "This is way too conservative." is too short to quote alone, not to say who he is), then the replies to him from
    the reply graph; a reply whose every sentence is short is quoted whole."""
    post = tmp_path / "running.txt"
    post.write_text(RUNNING_POST, encoding="utf-8")
    settings = Settings(store_dir=tmp_path / "store")
    build_index([post], settings, embeddings=real_embeddings, progress=False)
    text = Bot(settings, embeddings=real_embeddings).ask("what did ppl say to the guy who said the plan was too conservative").text
    assert text.startswith("Priya Nair replied to Ray Dunn: “Lucky you. I was \"fine\" too, until I wasn't.”"), text
    assert "Owen Fitch" not in text and "Sam Ortiz" not in text, text
    said_back = Bot(settings, embeddings=real_embeddings).ask(
        "the guy who said the plan was too conservative... did the author say anything back to him?").text
    assert said_back.startswith("**No: the author did not reply to Ray Dunn; Priya Nair did.**\nPriya Nair replied to Ray Dunn:"), said_back
    # how a reader's story ended, the reader described: her comment, its last line
    ended = Bot(settings, embeddings=real_embeddings).ask("what happened in the end with the woman whose knee flared up on her old plan?").text
    assert ended.startswith("Greta Lind wrote: “") and "I ran my first pain-free 10k last week." in ended.split("\n\n")[0], ended


@pytest.mark.slow
def test_real_did_it_work_out_for_her_reads_the_ending_of_her_story_not_her_advice_again(real_bot):
    """Fresh round r43 b16: after "what did marilyn say to ...", "did it actually work out with her neighbour guy in the end?"
    repeated her advice; the ending sat in the middle chunk of her long comment, which a thread question left out."""
    first = "what did marilyn say to the girl who has to see her bf once a week and he went cold"
    history = [(first, real_bot.ask(first).text)]
    text = real_bot.ask("ok and did it actually work out with her neighbour guy in the end?", history=history).text
    assert text.startswith("**Marilyn Crosbie’s story ends with it working.**"), text
    assert "It wasn’t long before he phoned me and we were back having a good time again." in text.split("\n")[1], text


@pytest.mark.slow
def test_real_the_articles_deferral_answers_a_question_it_leaves_for_another_article(real_bot):
    """r43 b12: the deferral ("whether a man is selfish or simply being a male is a whole other topic") ranked 17th."""
    text = real_bot.ask("how do i tell if hes just being selfish or if its the normal man needing freedom thing?? "
                        "he never checks in at all").text
    assert text.startswith("**The article doesn’t answer this: it leaves it for another article.**\n"
                           "The article says: “So, whether a man is selfish or simply being a male is a whole other topic"), text


def _judged_post_bot(tmp_path_factory, real_embeddings, name: str) -> Bot:
    """A Bot over one judged round's post (seeds/eval/judged/<name>.txt), indexed on its own."""
    settings = Settings(store_dir=tmp_path_factory.mktemp(name) / "store")
    build_index([PROJECT_ROOT / "seeds" / "eval" / "judged" / f"{name}.txt"], settings, embeddings=real_embeddings, progress=False)
    return Bot(settings, embeddings=real_embeddings)


@pytest.fixture(scope="module")
def returner_bot(tmp_path_factory, real_embeddings):
    """A post of another shape (a fresh round's, on going back to work): its five steps are each a section of their own."""
    return _judged_post_bot(tmp_path_factory, real_embeddings, "r43post")


@pytest.mark.slow
def test_real_steps_that_are_sections_of_their_own_are_listed_whole_and_the_nth_one_is_found_later(returner_bot):
    """A list of steps that are each a heading, asked for whole, is listed 1 to 5; r43 q16: "whats the 3rd one again" two
    turns after the list was refused as not covered."""
    text = returner_bot.ask("i have an interview on thursday and im dreading it. what should i do to get ready?").text
    numbers = re.findall(r"^(\d)\. “", text, re.M)
    assert numbers == ["1", "2", "3", "4", "5"], text
    history = []
    for q in ("what are the steps in this, just give me the list", "ok thats a lot. i think i can manage the first two at least"):
        history.append((q, returner_bot.ask(q, history=list(history)).text))
    third = returner_bot.ask("whats the 3rd one again", history=history).text
    assert third.startswith("The article's step 3: “Contact 10 people from your old working life"), third


@pytest.mark.slow
@pytest.mark.parametrize("question, first", [
    # r43 q12: the replies *to* her came first
    ("what did dana say back to the man who disagreed about never taking a lower job", "Dana Whitfield replied to Graham Tully: “"),
    # the other wording of the same rule ("how did X reply") raised AttributeError: its name is the pattern's second group
    ("how did dana reply to the man who disagreed about never taking a lower job", "Dana Whitfield replied to Graham Tully: “"),
    # r43 q11: never read as a question about that reader (a "who" inside the description)
    ("what happened with the woman who got the job at the vets, did it work out for her",
     "**Sofia Mendes’s story ends with it working.**\nSofia Mendes wrote: “Got the job, admin at a vets.”"),
    # r43 q06: "...to get your foot in the door. Don't."
    ("should i just take a lower job to get my foot in the door? yes or no",
     "**No: the article says not to.**\nThe article says: “Everyone will tell you to take a step down"),
    # r43 q04: "meaning to take a year" is a plan, not how long it took
    ("how long did it actually take her to get a job in the end", "**The article gives this timeframe: “11 months”.**"),
])
def test_real_fresh_round_answers_lead_with_what_the_post_says(returner_bot, question, first):
    text = returner_bot.ask(question).text
    assert text.startswith(first), text


@pytest.mark.slow
def test_real_a_list_of_heading_steps_is_each_step_once(returner_bot):
    """A whole-list question brings every step once: sources are told apart by chunk, not by equality of the source
    objects (a step brought in by its list with another score once came back a second time, and pushed the answer's other
    passage out: found on the plateau post of a judged round, with a rule this stop tried and took out)."""
    answer = returner_bot.ask("what should i do about the rehearsal and the school run?")
    ids = [s.chunk_id for s in answer.sources]
    assert len(ids) == len(set(ids)), ids


def test_a_readers_reply_to_herself_is_her_later_reply_not_a_reply_to_herself():
    post = GARDEN.replace("""  • Lee
""", """  • Jo

    May 3, 2024 at 7:00 am

    Starting the straw mulch habit tonight with our tomatoes. Wish us luck!

    • Jo

      June 3, 2024 at 7:00 am

      Update: the straw mulch habit did not work for us, the slugs came back.

  • Lee
""")
    composer = make_composer({DOC: post}, stances=STANCES)
    plan = composer.plan("what happened with Jo in the end?", sources_of({DOC: post}), Intent("thread", ("Jo",)))
    relations = {q.text[:7]: q.relation for q in plan.quotes if q.author == "Jo"}
    assert relations.get("Update:") == "Jo added, in a later reply", relations


def test_a_reader_named_by_a_hyphenated_description_is_described():
    from bot.compose.plan import DESCRIBED, _description
    q = "the mascara-in-the-car lady, did she ever get an answer from anyone?"
    assert DESCRIBED.search(q) and _description(q) == "the mascara-in-the-car lady"
    assert not DESCRIBED.search("the long-distance thing, does it apply to me?")  # no reader in it


def test_which_commenter_questions_and_what_happened_with_a_described_reader_are_recognised():
    """Fresh round r51 q08/q10: "who was the commenter that ...?" brings the closest comments into the passages (the
    article's crowded them out); "what happened with the girl whose boyfriend was in korea" asks how her story ended."""
    from bot.compose import leads
    from bot.compose.plan import ENDING, Composer

    assert Composer.asks_which_reader("who was the commenter that broke down in a grocery store over something tiny lol",
                                      Intent("fact"))
    assert not Composer.asks_which_reader("who does the article say should call first?", Intent("fact"))
    assert not Composer.asks_which_reader("which commenter is Greg?", Intent("fact", ("Greg P",)))
    q = "what happened with the girl whose boyfriend was in korea and kept saying we'll see"
    assert ENDING.search(q) and leads.DID_IT_WORK.search(q)
    assert not leads.DID_IT_WORK.search("what happened with the oxytocin thing, is that real?")


@pytest.fixture(scope="module")
def grownchild_bot(tmp_path_factory, real_embeddings):
    """A judged round's post (a parent whose grown child stopped calling), with a reader who reports back in her thread."""
    return _judged_post_bot(tmp_path_factory, real_embeddings, "r50post")


@pytest.mark.slow
def test_real_a_number_she_gave_names_the_described_reader_and_hearing_back_is_how_her_story_ended(grownchild_bot):
    """r50 q11: "the mom whose 27 yr old went silent after her birthday" is Carol P ("My daughter Jess is 27"), not Tasha R
    (a sentence about a birthday card that read closer); "ever get a call back?" asks how her story ended, which her
    later reply in the thread tells; asked by her name, it is not "Denise answered her question"."""
    text = grownchild_bot.ask("did the mom whose 27 yr old went silent after her birthday ever get a call back?").text
    assert text.startswith("**Yes: Carol P’s story ends with it working.**\nCarol P replied to Denise Harlow: “Update, three "
                           "weeks later:"), text
    named = grownchild_bot.ask("did carol ever hear back from her daughter?").text
    assert named.startswith("**Yes: Carol P’s story ends with it working.**\n"), named


def test_hearing_back_is_asked_as_an_ending():
    from bot.compose import leads
    from bot.compose.plan import ENDING

    for q in ("did the mom whose son went silent ever get a call back?", "did she finally hear back from him?"):
        assert ENDING.search(q) and leads.DID_IT_WORK.search(q), q
    assert not ENDING.search("how do i get him back?") and not leads.DID_IT_WORK.search("will he come back?")
    # seen in the web chat (r55post): "the dad who tried all the steps ... did things ever turn around for him?" got the steps
    assert ENDING.search("the dad who tried all the steps and got nowhere - did things ever turn around for him?")
    assert not ENDING.search("how do i turn things around?")


@pytest.mark.slow
def test_real_a_reader_who_never_came_back_is_said_to_have_posted_nothing_more(real_bot):
    """r52 b15: after "there's a really long comment from joni ...", "did she ever come back and say how the thursday meet
    up went?" quoted P and Marilyn; "she" is Joni, who posted one comment: the page does not say how it went."""
    history = [("there's a really long comment from joni about her boyfriend asking for space after her parents split up", "")]
    text = real_bot.ask("did she ever come back and say how the thursday meet up went?", history=history).text
    assert text.startswith("**No: Joni never came back with an update; that comment is the only one they posted.**\nJoni wrote: “"), text
    # "so did anybody at least answer what she asked?" after a question naming Veronica (r53 b16): her thread, not Joni's
    history = [("did veronica, the one whose bf hadn't spoken to her for a week, ever come back and say what happened?", "")]
    text = real_bot.ask("ugh. so did anybody at least answer what she asked about whether to text him?", history=history).text
    assert text.startswith("**No: nobody answered Veronica’s question; Isabel replied about something else.**"), text


@pytest.fixture(scope="module")
def judged_bots(tmp_path_factory, real_embeddings):
    """Bots over judged rounds' posts, each indexed once, on first use: r52post (a partner's depression: a reader
    described, not named, and a wait before asking again), r53post (a stepparent's first year: a time range, a legal
    side it leaves out, a stepdad pushed back on), r54post (the first year after losing a parent: an ending, a will)."""
    bots: dict[str, Bot] = {}

    def bot(name: str) -> Bot:
        if name not in bots:
            bots[name] = _judged_post_bot(tmp_path_factory, real_embeddings, name)
        return bots[name]
    return bot


@pytest.mark.slow
def test_real_her_in_a_follow_up_is_the_reader_the_question_before_described(judged_bots):
    """r52 q16: "did anybody answer her?" after "there was a woman in the comments whose partner stays up till 4am ..."
    quoted the article; she is Kendra W., and Tomasz answered her."""
    depressed_bot = judged_bots("r52post")
    first = "there was a woman in the comments whose partner stays up till 4am on his phone and she asked about separate bedrooms"
    history = [(first, depressed_bot.ask(first).text)]
    text = depressed_bot.ask("did anybody answer her?", history=history).text
    assert text.startswith("**Tomasz answered Kendra W.’s question.**\nTomasz replied to Kendra W.: “"), text


@pytest.mark.slow
def test_real_how_long_gives_the_time_of_the_passage_that_reads_closest(judged_bots):
    """r52 q5: "how long do i leave it before i try again?" (after a no to therapy) led with "seven months" of recovery,
    the best-ranked sentence with a time; the paragraph about a no ("Wait about two weeks, then ask again") answers it."""
    depressed_bot = judged_bots("r52post")
    text = depressed_bot.ask("he flat out said no to seeing a therapist. how long do i leave it before i try again? i dont want to nag him").text
    assert text.startswith("**The article gives this timeframe: “two weeks”.**\nThe article says: “Wait about two weeks, then ask again"), text


@pytest.mark.slow
def test_real_a_general_how_long_is_not_the_authors_own_it_took_and_a_range_is_read_whole(judged_bots):
    """r53 q4: "how long does it take before a stepfamily actually feels like a family?" led with the author's "It took 14
    months before Josh hugged me"; the therapists' range answers it, read whole ("between four and seven years")."""
    stepparent_bot = judged_bots("r53post")
    text = stepparent_bot.ask("4 months in and it still feels like im a guest in my own house. how long does it take before "
                              "a stepfamily actually feels like a family?? please dont say years").text
    assert text.startswith("**The article gives this timeframe: “between four and seven years”.**\nThe article says: “Family therapists"), text


@pytest.mark.slow
def test_real_the_asking_sentence_alone_finds_what_the_article_leaves_out(judged_bots):
    """r53 q13: the reader's story after "can i adopt my stepdaughter?" kept the whole question below the bar; the article
    leaves the legal side, step-parent adoption included, to a family solicitor."""
    stepparent_bot = judged_bots("r53post")
    text = stepparent_bot.ask("can i adopt my stepdaughter? her real dad hasn't been in the picture since she was 2 and she "
                              "already calls me dad").text
    assert text.startswith("**The article doesn’t answer this: it leaves it for another article.**"), text
    assert "one for a family solicitor" in text.split("\n")[1], text


@pytest.mark.slow
def test_real_she_is_the_reader_described_two_turns_back_when_the_last_named_nobody(real_bot):
    """r50 b16: "did she take him back in the end?" after a description of P and "and then he claimed his phone got
    stolen right?" quoted the article's "receive him openly with love"; her comment tells how it ended."""
    history = []
    for q in ("there's someone in the comments whose guy vanished for a month, came back saying he wanted to marry her, then "
              "disappeared again", "and then he claimed his phone got stolen right?"):
        history.append((q, real_bot.ask(q, history=list(history)).text))
    text = real_bot.ask("did she take him back in the end?", history=history).text
    assert text.startswith("P wrote: “") and "I blocked him. He showed up on my door but I locked it." in text, text
    assert "The article says" not in text, text


@pytest.mark.slow
def test_real_pushing_back_on_a_described_stepdad_is_his_thread_with_who_replied(judged_bots):
    """r53 q11: "did anyone push back on the stepdad who pays half the mortgage ...?" listed the readers who disagreed
    with the article; it asks who replied to him (Dan Whitfield), and the reply graph says."""
    stepparent_bot = judged_bots("r53post")
    text = stepparent_bot.ask("did anyone push back on the stepdad who pays half the mortgage and wants to tell the kids off "
                              "himself? did he budge at all").text
    assert text.startswith("**Yes: Megan Rourke and Hannah K replied to Dan Whitfield.**\nMegan Rourke replied to Dan Whitfield: “"), text
    assert "I'll try leaving it to my wife for a month" in text, text


@pytest.mark.slow
def test_real_her_after_a_named_replier_is_the_reader_the_last_answer_quoted_first(judged_bots):
    """r53 q16: "did megan say anything back to her" after "did it go badly for anyone in the comments?" (answered with
    Louise M first): Megan's reply to Louise, not her replies to others."""
    stepparent_bot = judged_bots("r53post")
    first = "did it go badly for anyone in the comments? i need to know i'm not the only one"
    history = [(first, stepparent_bot.ask(first).text)]
    assert history[0][1].split("\n")[1].startswith("Louise M wrote: “"), history[0][1]  # (no crisis box: an idiom)
    text = stepparent_bot.ask("god that's grim. did megan say anything back to her", history=history).text
    assert text.startswith("**Yes: Megan Rourke replied to Louise M.**\nMegan Rourke replied to Louise M: “"), text


@pytest.mark.slow
def test_real_what_the_author_said_to_a_reader_is_more_than_the_first_line_of_her_reply(judged_bots):
    """r55 q11: "what did the author say to the guy who basically called her approach too soft" quoted only Dana's "I hear
    you, Rob, and I'm not arguing for no rules."; her point is two sentences on."""
    teen_bot = judged_bots("r55post")
    text = teen_bot.ask("what did the author say to the guy who basically called her approach too soft").text
    assert text.startswith("Dana Whitlock replied to Rob Fenner: “I hear you, Rob"), text
    assert "making a teenager talk to you and getting them to want to talk to you aren't the same thing" in text.split("\n[")[0], text


@pytest.mark.slow
def test_real_getting_help_in_a_described_reader_s_story_is_no_question_of_who_helped_her(judged_bots):
    """r52 q10: "the girl whose boyfriend said ... did he end up getting help or not?" once her words named Priya S.,
    "help" read as "did anyone help her?" and led "Yes: Maren Holt replied to Priya S."; her own update answers."""
    depressed_bot = judged_bots("r52post")
    text = depressed_bot.ask('the girl whose boyfriend said "im fine stop making it a thing"... did he end up getting help or not?').text
    assert not text.startswith("**Yes: Maren Holt") and "Update for anyone who finds this later" in text.split("\n")[1], text


@pytest.mark.slow
def test_real_a_described_reader_s_ending_and_what_the_post_leaves_out(judged_bots):
    """r54 q10: "the woman who went straight back full time ..., did it get better for her?" quoted Joanna's advice to
    Gemma Rourke, not Gemma's "Sadly it didn't work out" (her words named her only read against the whole question).
    r54 q12: "mums will" is the will the article leaves to a solicitor ("wills, probate ..."), not the verb."""
    grief_bot = judged_bots("r54post")
    text = grief_bot.ask("the woman who went straight back full time and said she was fine, did it get better for her once "
                         "she talked to her manager?").text
    assert text.startswith("**No: Gemma Rourke’s story ends with it not working.**\nGemma Rourke replied to Joanna Pryce: "
                           "“Sadly it didn't work out.”"), text
    text = grief_bot.ask("me and my brother are basically at war over mums will. how do we split the house fairly without "
                         "it getting nasty?").text
    assert text.startswith("**The article doesn’t answer this: it leaves it for another article.**"), text


@pytest.mark.slow
def test_real_a_named_replier_and_a_described_reader_in_one_question(judged_bots):
    """r57 q10: "there's a woman in the comments who basically says the whole thing dumps the work on wives. did gordon
    answer her?" led with everyone Gordon replied to; she is Janine Walsh, and the lead says whether he replied to her."""
    retired_bot = judged_bots("r57post")
    text = retired_bot.ask("there's a woman in the comments who basically says the whole thing dumps the work on wives. did "
                           "gordon answer her, and what did she say back?").text
    assert text.startswith("**Yes: Gordon Pell replied to Janine Walsh.**\nGordon Pell replied to Janine Walsh: “"), text
    assert "Janine Walsh replied to Gordon Pell: “I'll give you the banking app one." in text, text


def test_the_reader_an_answer_quoted_first():
    from bot.question.intent import first_reader

    answer = "**Other readers**\nLouise M wrote: “I don't think it was anyone's fault.” [1]\nRachel T wrote: “Does anyone ...” [2]"
    assert first_reader(answer, ["Rachel T", "Louise M"]) == "Louise M"
    assert first_reader("Megan Rourke replied to Priya S: “Oh, the food thing.” [1]", ["Priya S", "Megan Rourke"]) == "Megan Rourke"
    assert first_reader("The article says: “Be patient.” [1]", ["Louise M"]) == ""


@pytest.mark.slow
def test_real_her_after_two_turns_that_name_nobody_is_the_reader_the_last_answer_quoted(judged_bots):
    """r57 q16: "someone in the comments had the same thing right? what did the author tell her to try" after a question
    about a husband who won't talk budget (its answer quoted Lorraine Haskett) gave readers' stances; then "and did it
    work for her in the end?" quoted the article. Her thread, Gordon's advice to her, and how her story ends."""
    retired_bot = judged_bots("r57post")
    history: list = []
    for q in ("my husband flat out won't sit down and talk budget with me since he retired, he says it's 'taken care of'",
              "someone in the comments had the same thing right? what did the author tell her to try"):
        history.append((q, retired_bot.ask(q, history=list(history)).text))
    assert "Gordon Pell replied to Lorraine Haskett: “Lorraine, I'd try the $200" in history[-1][1], history[-1][1]
    text = retired_bot.ask("and did it work for her in the end?", history=history).text
    assert text.startswith("**No: Lorraine Haskett’s story ends with it not working.**\nLorraine Haskett replied to Gordon Pell:"), text


@pytest.mark.slow
def test_real_a_step_that_is_a_heading_is_listed_with_what_it_says_and_asked_for_by_its_place(judged_bots):
    """r57 q15: the steps are headings ("Step 4: Find a purpose that gets you out of the house"); the list showed the
    headings alone, and "ok the 4th one, what does he actually want you to do for that" gave the heading and the list
    again. Each heading now comes with its paragraph's first instruction; the 4th one with what its section says."""
    retired_bot = judged_bots("r57post")
    q = "can you list the steps from this retirement post real quick?"
    listed = retired_bot.ask(q).text
    assert "1. “Draw the map” [1]\n   “In the first week, each of you claims one space that is yours alone" in listed, listed
    text = retired_bot.ask("ok the 4th one, what does he actually want you to do for that", history=[(q, listed)]).text
    assert text.startswith("The article's step 4: “Find a purpose that gets you out of the house” [1]\n"
                           "It says: “Your spouse cannot be your new job.” [2]\n"), text
    assert "Find something that takes you out of the house at least three days a week." in text, text
    assert "other steps" not in text and "Draw the map" not in text, text  # the list was the answer before


@pytest.mark.slow
def test_real_a_word_the_post_says_in_other_words_and_a_reader_described_by_her_own_word(judged_bots):
    """r56 q06: "instagram" is a word the IVF post never uses, but it says "Mute people on social media rather than
    unfriending them": the lead said the text doesn't mention it. r56 q10: "the first commenter who was crying in target"
    is Priya K (her "crying in the baby aisle at Target" read 0.34 close; only she says "Target"), whose update says
    round three worked."""
    ivf_bot = judged_bots("r56post")
    text = ivf_bot.ask("is it petty to hide my friends bump photos on instagram? i feel bad but i physically cant look at them rn").text
    assert text.startswith("The article says: “Mute people on social media rather than unfriending them; you can unmute later.”"), text
    text = ivf_bot.ask("the first commenter who was crying in target, did things work out for her in the end?").text
    assert text.startswith("**Yes: Priya K’s story ends with it working.**\nPriya K replied to Maren Holloway: “Update, "
                           "seven months later: round three worked.”"), text
    text = ivf_bot.ask("does the article say anything about acupuncture?").text  # a word said nowhere, in no other words
    assert "don’t mention “acupuncture”" in text.split("\n")[0], text


@pytest.mark.slow
def test_real_a_described_readers_update_is_said_first_when_its_ending_is_not_read_in_so_many_words(judged_bots):
    """r52 q10: Priya S.'s update ("I waited 16 days, asked again ... He booked it himself the next morning. He's had three
    sessions now.") tells how it went in words no ending rule reads; the answer quoted her first comment first and her
    update fourth. Her coming back in her own thread is a fact of the reply graph: it leads, her update under it."""
    depressed_bot = judged_bots("r52post")
    text = depressed_bot.ask('the girl whose boyfriend said "im fine stop making it a thing"... did he end up getting help or not?').text
    assert text.startswith("**Priya S. came back later in the comments to say how it went.**\nPriya S. replied to Maren Holt: "
                           "“Update for anyone who finds this later: I waited 16 days"), text
    assert text.split("\n")[2].startswith("Priya S. also wrote: “He's had three sessions now."), text


@pytest.mark.slow
def test_real_a_guy_in_the_comments_then_did_it_work_for_them(judged_bots):
    """r59 q14 (read after judging): "a guy in the comments said the sunday check-in felt like a performance review to his
    wife. what did the author tell him to do?" gave readers' stances, and "and did it work for them in the end?" quoted the
    article's own check-in. "A guy in the comments said ..." describes a reader (Marcus Bell); "them" refers back to him."""
    newborn_bot = judged_bots("r59post")
    first = "a guy in the comments said the sunday check-in felt like a performance review to his wife. what did the author tell him to do?"
    text = newborn_bot.ask(first).text
    assert "Daniel Okafor replied to Marcus Bell: “Try dropping the timer" in text, text
    text = newborn_bot.ask("and did it work for them in the end?", history=[(first, text)]).text
    assert text.startswith("**No: Marcus Bell’s story ends with it not working.**"), text
