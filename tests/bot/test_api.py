"""The Bot API contract, citations, follow-ups, abstention and bad input."""

from __future__ import annotations

import re

import pytest
from bot import Answer, Bot, Citation, TextDelta
from bot.cite.verify import parse_markers
from bot.question.condense import condense, is_follow_up
from index.errors import InputError, StoreError
from tests.conftest import SEED
from tests.fakes import FakeSafety, fake_llm


def check_citations(answer: Answer, bot: Bot):
    seed = bot.version.sources["why-men-pull-away"]
    for i, c in enumerate(answer.citations, start=1):
        assert isinstance(c, Citation) and c.n == i
        assert seed[c.start : c.end] == c.quote and c.quote
        assert f"[{c.n}]" in answer.text
    for n in {int(x) for x in __import__("re").findall(r"\[(\d+)\]", answer.text)}:
        assert 1 <= n <= len(answer.citations)


# --- pure pieces ------------------------------------------------------------


@pytest.mark.parametrize(
    "text, n, valid, invalid",
    [("a [1] b [2].", 3, [1, 2], []), ("zero [0]", 3, [], [0]), ("far [7] and [2] [2]", 3, [2], [7]), ("none", 0, [], [])],
)
def test_parse_markers_is_one_based_and_bounds_checked(text, n, valid, invalid):
    assert parse_markers(text, n) == (valid, invalid)


def test_condense_joins_follow_ups_only():
    history = [("Why do men pull away?", "Because ...")]
    assert condense("what about when he comes back?", history) == "Why do men pull away? what about when he comes back?"
    standalone = "Does the article say oxytocin lowers testosterone in men who bond with women?"
    assert condense(standalone, history) == standalone
    assert condense("what about when he comes back?", []) == "what about when he comes back?"
    assert is_follow_up("and then?")


# --- with a tmp store and fakes ---------------------------------------------


@pytest.fixture
def fake_bot(fake_store, fake_embeddings):
    return Bot(fake_store, embeddings=fake_embeddings, safety=False)


def test_creating_a_bot_loads_nothing(tmp_path):
    bot = Bot(store_dir=tmp_path / "nowhere")
    assert bot._version is None and "embeddings" not in bot.__dict__ and "retriever" not in bot.__dict__


def test_a_rebuild_is_picked_up_by_a_running_bot(tmp_path, fake_store, fake_embeddings):
    from index.build import build_index
    from tests.conftest import write

    bot = Bot(fake_store, embeddings=fake_embeddings, safety=False)
    assert not bot.retrieve("Zebulon", k=3, filters={"author": "Zebulon"})
    extra = write(tmp_path, "extra.txt", "Extra post\n\nBody.\n\n  • Zebulon\n    Zebulon thinks space is fine.\n")
    build_index([SEED, extra], fake_store, embeddings=fake_embeddings, progress=False)
    assert [s.author for s in bot.retrieve("Zebulon", k=3, filters={"author": "Zebulon"})] == ["Zebulon"]


def test_missing_index_is_a_store_error(tmp_path, fake_embeddings):
    bot = Bot(store_dir=tmp_path / "nowhere", embeddings=fake_embeddings, safety=False)
    with pytest.raises(StoreError, match="bot index"):
        bot.ask("why do men pull away?")


@pytest.mark.parametrize("question", ["", "   \n\t ", "\x00\x01"])
def test_empty_questions_are_input_errors(fake_bot, question):
    with pytest.raises(InputError, match="empty"):
        fake_bot.ask(question)


def test_huge_question_is_shortened_and_says_so(fake_bot):
    answer = fake_bot.ask("why does he pull away " * 10000)
    assert any("shortened" in n or "only its first" in n for n in answer.safety.notes)
    assert len(answer.meta.query) < 5000


def test_fake_llm_out_of_range_and_zero_markers_are_dropped(fake_store, fake_embeddings):
    draft = (
        "The article says that Oxytocin lowers testosterone in men which raises his stress levels [0]. "
        "The article says men pull away to rebuild their testosterone levels [99]. "
        "Bananas are an excellent source of potassium for marathon runners [1]."
    )
    bot = Bot(fake_store, embeddings=fake_embeddings, chat_model=fake_llm(draft), safety=False)
    answer = bot.ask("what does oxytocin do to men?")
    assert 0 in answer.meta.invalid_markers and 99 in answer.meta.invalid_markers
    assert "Bananas" not in answer.text and answer.meta.unsupported >= 1
    assert answer.citations, answer.text
    assert all("xytocin" in c.quote or "testosterone" in c.quote for c in answer.citations)
    check_citations(answer, bot)


def test_stream_yields_deltas_then_the_same_answer(fake_bot):
    events = list(fake_bot.stream("why do men pull away in relationships?"))
    assert isinstance(events[-1], Answer)
    deltas = [e.text for e in events[:-1]]
    assert deltas and all(isinstance(e, TextDelta) for e in events[:-1])
    assert "".join(deltas).strip() == events[-1].text.strip()


def test_filters_article_only_comments_only_and_author(fake_bot):
    assert {s.kind for s in fake_bot.retrieve("pull away", k=6, filters={"kind": "article"})} == {"article"}
    assert {s.kind for s in fake_bot.retrieve("pull away", k=6, filters={"kind": "comment"})} == {"comment"}
    assert {s.author for s in fake_bot.retrieve("pull away", k=6, filters={"author": "joni"})} == {"Joni"}


def test_one_long_comment_cannot_fill_every_slot(fake_bot):
    sources = fake_bot.retrieve("Joni dad moved out boyfriend text call needy desperate", k=6)
    units = [s.chunk_id.split("#")[0] for s in sources]
    assert max(units.count(u) for u in units) <= 2


# --- real model, real seed -----------------------------------------------------

RETRIEVAL_CASES = [
    ("What does oxytocin do to men according to the article?", "article:science-man"),
    ("Does giving him space mean no contact at all?", "comment:08-veronica"),
    ("Is it rude to just disappear for a few days?", "comment:01-angry-and-upset"),
    ("He blocked me then showed up at my door begging forgiveness", "comment:18-p"),
    ("my husband quit his job and I pay the loans and he won't talk to me", "comment:28-anonymous"),
    ("Should the article distinguish relationship phases and ages?", "comment:27-yz"),
    ("What should I do when he comes back to the relationship?", "article:men-want"),
    ("maybe he is just not that into you", "comment:23-edwige"),
]


@pytest.fixture(scope="module")
def real_bot(real_store, real_embeddings):
    return Bot(real_store, embeddings=real_embeddings, safety=False)


@pytest.mark.slow
@pytest.mark.parametrize("question, unit", RETRIEVAL_CASES)
def test_real_retrieval_finds_the_known_source_in_top5(real_bot, question, unit):
    units = [s.chunk_id.split("/", 1)[1].split("#")[0] for s in real_bot.retrieve(question, k=5)]
    assert unit in units, units


@pytest.mark.slow
def test_real_answer_contract(real_bot):
    answer = real_bot.ask("Why do men pull away according to the article?")
    assert str(answer) == answer.text and answer.citations and answer.sources
    assert [s.rank for s in answer.sources] == list(range(1, len(answer.sources) + 1))
    assert {"retrieve", "generate", "verify", "total"} <= set(answer.meta.timings)
    assert answer.meta.generator == "extractive" and answer.meta.unsupported == 0
    assert "The article says" in answer.text
    check_citations(answer, real_bot)


@pytest.mark.slow
def test_real_follow_up_retrieves_for_the_conversation(real_bot):
    first = "What does the article say to do when he withdraws?"
    answer = real_bot.ask("and when he comes back?", history=[(first, real_bot.ask(first).text)])
    assert first in answer.meta.query
    assert any("comes back" in c.quote or "come back" in c.quote for c in answer.citations), answer.text


@pytest.mark.slow
@pytest.mark.parametrize("question", ["How do I bake sourdough bread?", "What is the capital of France?", "Quelle est la meilleure recette de crêpes ?"])
def test_real_out_of_scope_abstains_without_citations(real_bot, question):
    answer = real_bot.ask(question)
    assert answer.abstained and not answer.citations and "don't cover" in answer.text


@pytest.mark.slow
@pytest.mark.parametrize("question", ["What does the article say about oxytocin?", "What is the UM programme?"])
def test_real_short_in_scope_questions_are_answered(real_bot, question):
    answer = real_bot.ask(question)
    assert not answer.abstained and answer.citations, answer.meta


@pytest.mark.slow
def test_real_named_commenter(real_bot):
    answer = real_bot.ask("What did Veronica ask?")
    assert any(c.author == "Veronica" for c in answer.citations), answer.text
    jess = real_bot.ask("What did Jess say?")
    assert len(jess.citations) >= 2 and {c.author for c in jess.citations} == {"Jess"}, jess.text
    assert "Jess also wrote" in jess.text and "Another reader, Jess" not in jess.text


def danger(tier: str = "aftercare") -> FakeSafety:
    """Abuse said earlier in the conversation (aftercare), or in this message (danger); care marked "RESOURCES FIRST"."""
    return FakeSafety(flags=["abuse"], tier=tier, care="RESOURCES FIRST")


def test_llm_drafts_do_not_stream_live_after_danger(fake_store, fake_embeddings):
    draft = "The article says Oxytocin lowers testosterone in men which raises his stress levels [1]."
    bot = Bot(fake_store, embeddings=fake_embeddings, chat_model=fake_llm(draft), safety=danger())
    events = list(bot.stream("what does oxytocin do to men?"))
    answer = events[-1]
    assert answer.safety.care == "RESOURCES FIRST" and answer.citations
    assert "".join(e.text for e in events[:-1]).strip() == answer.text.strip()  # the checked text, not the draft


def test_a_danger_message_never_reaches_the_model_or_the_index(fake_store, fake_embeddings):
    calls = []
    model = fake_llm("Give him space [1].")
    bot = Bot(fake_store, embeddings=fake_embeddings, chat_model=model, safety=danger("danger"))
    bot.generator.stream = lambda *a, **k: calls.append(a) or iter(())
    answer = bot.ask("he choked me, should I give him space?")
    assert calls == [] and answer.sources == [] and answer.citations == [] and answer.text == ""
    assert answer.meta.care_only and answer.safety.care == "RESOURCES FIRST"


@pytest.mark.slow
def test_real_corpus_questions_are_not_off_topic_or_crisis(real_store, real_embeddings):
    bot = Bot(real_store, embeddings=real_embeddings)  # with the real safety layer
    veronica = bot.ask("What did Veronica ask?")
    assert "off_topic" not in veronica.safety.flags and any(c.author == "Veronica" for c in veronica.citations)
    rude = bot.ask("Is it rude to disappear for days?")
    assert not {"self_harm", "off_topic"} & set(rude.safety.flags) and rude.citations
    bread = bot.ask("How do I bake sourdough bread?")
    assert bread.safety.flags == ["off_topic"] and bread.abstained and not bread.citations


def test_scorer_cache_is_bounded_but_keeps_the_index_bank(fake_embeddings):
    import numpy as np

    from bot.cite.support import SupportScorer

    scorer = SupportScorer(fake_embeddings)
    scorer.RECENT = 3
    scorer.preload(["bank sentence"], np.ones((1, 64), dtype=np.float16))
    for i in range(10):
        scorer.embed_query(f"question number {i}")
    assert len(scorer._recent) == 3 and "bank sentence" in scorer._bank
    calls = len(fake_embeddings.calls)
    scorer.vectors(["bank sentence", "question number 9"])  # both cached: no new embedding
    assert len(fake_embeddings.calls) == calls


@pytest.mark.slow
def test_real_answers_lead_with_what_the_text_does_and_does_not_say(real_bot):
    """With the packaged MiniLM: the first line answers; an ordinary covered question gets no such verdict."""
    first = lambda q: real_bot.ask(q).text.split("\n")[0]  # noqa: E731
    assert first("Which study does the author cite for the oxytocin and testosterone claim?") == \
        "**The article states this as fact without citing a study or any source.**"
    assert first("Did Renee, the author, reply to any of the commenters?") == "**No: the article’s author did not reply to any comment.**"
    assert first("What does the article say about avoidant attachment styles?").startswith("**The article and its comments don’t mention “avoidant”")
    assert first("How long had Munchkins been with her boyfriend when he started withdrawing?") == \
        "**Munchkins’s comment gives this timeframe: “3 months”.**"
    for ordinary in ("Why do men pull away?", "What should I do when he goes distant?", "Is it my fault he pulled away?"):
        assert not re.search(r"don’t mention|no timeframe|without citing|^\*\*(?:Yes|No):", first(ordinary)), (ordinary, first(ordinary))
    # "when he goes distant" is the situation step 1 answers: that step leads, the other steps follow in order
    assert first("What should I do when he goes distant?").startswith("The article's step 1: “Leave him alone.")
    assert first("What should I do?") == "**The article's advice, step by step**"  # no situation: the whole list


def test_a_models_own_yes_no_lead_is_dropped_and_the_index_lead_stands(fake_store, fake_embeddings):
    """A language model may not state facts in a bold lead: only the plan's lead (read off the index) stays."""
    draft = ("**Yes: the author replied to every reader.**\n"
             "The article says: “Men withdraw from the relationship; they pull away.” [1]")
    bot = Bot(fake_store, embeddings=fake_embeddings, chat_model=fake_llm(draft), safety=False)
    answer = bot.ask("Did the author reply to any of the commenters?")
    assert "every reader" not in answer.text and answer.meta.dropped_leads == 1
    assert answer.text.startswith("**No: the article’s author did not reply to any comment.**"), answer.text
    assert answer.meta.lead == "**No: the article’s author did not reply to any comment.**"
    plain = Bot(fake_store, embeddings=fake_embeddings, safety=False).ask("Did the author reply to any of the commenters?")
    assert plain.meta.lead == answer.meta.lead and plain.meta.dropped_leads == 0


@pytest.mark.slow
def test_real_follow_up_moves_on_from_what_was_just_quoted(real_bot):
    first_q = "What happened with the guy P was seeing who kept disappearing?"
    first = real_bot.ask(first_q)
    then = real_bot.ask("Did she forgive him?", history=[(first_q, first.text)])
    before = {c.quote for c in first.citations}
    assert then.citations and not before & {c.quote for c in then.citations}, then.text
    assert any("locked it" in c.quote for c in then.citations), then.text  # how her story ends


def test_the_bot_composes_as_a_langchain_runnable(fake_bot):
    from langchain_core.runnables import RunnableLambda

    from index.errors import InputError

    runnable = fake_bot.as_runnable()
    direct = fake_bot.ask("why do men pull away in relationships?")
    assert runnable.invoke("why do men pull away in relationships?").text == direct.text
    chain = runnable | RunnableLambda(lambda a: a.text)  # LCEL composition
    assert chain.invoke({"question": "why do men pull away in relationships?"}) == direct.text
    both = chain.batch(["why do men pull away in relationships?", "what is oxytocin?"])
    assert both[0] == direct.text and both[1] and both[1] != both[0]
    events = list(runnable.stream({"question": "why do men pull away in relationships?", "history": []}))
    assert isinstance(events[-1], Answer) and events[-1].text == direct.text
    assert "".join(e.text for e in events[:-1]).strip() == direct.text.strip()
    with pytest.raises(InputError, match="unknown input key"):
        runnable.invoke({"question": "why?", "colour": "red"})
    with pytest.raises(InputError, match="must be a question"):
        runnable.invoke(42)
