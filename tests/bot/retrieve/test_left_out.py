"""bot/retrieve/left_out.py: a question about what the article says it leaves out, and the answer that says so."""

from __future__ import annotations

import numpy as np
import pytest

from bot.retrieve.left_out import LEFT_OUT_NEAR, LEFT_OUT_SIM, left_out
from index.understand.model import Deferral


def _vectors(sims: dict[str, float]):
    """Unit vectors whose cosine to the question (the first text) is ``sims[text]``."""
    def vectors(texts):  # the question (and its asking sentence, read the same), then the texts of ``sims``
        out = []
        for t in texts:
            c = sims.get(t, 1.0)
            out.append(np.array([c, np.sqrt(1 - c * c)]))
        return np.stack(out)
    return vectors


SELFISH = Deferral("p/article:a:p7", 100, 200, ("whether a man is selfish or simply being a male",))
TERRORS = Deferral("p/article:b:p2", 300, 400, ("night terrors", "Nightmares are different from night terrors, where a child screams and thrashes."))


def test_a_close_question_sharing_a_topic_word_asks_about_what_is_left_out():
    q = "what do i do if hes just a selfish jerk?"
    got = left_out(q, [SELFISH], _vectors({SELFISH.topics[0]: LEFT_OUT_SIM + 0.01}))
    assert [o.deferral for o in got] == [SELFISH] and got[0].shared == {"selfish"}
    # as close, sharing no topic word ("man" asks about the text's subject, not a topic): no
    assert left_out("what does she say about a man who texts?", [SELFISH], _vectors({SELFISH.topics[0]: 0.7})) == []
    # sharing the word, not close enough: no
    assert left_out(q, [SELFISH], _vectors({SELFISH.topics[0]: LEFT_OUT_SIM - 0.01})) == []


def test_two_shared_words_are_enough_at_a_weaker_closeness_and_the_closest_text_counts():
    q = "my 3yo sits up screaming and thrashing at night, what do i do?"
    sims = {TERRORS.topics[0]: 0.1, TERRORS.topics[1]: LEFT_OUT_NEAR + 0.01}
    got = left_out(q, [SELFISH, TERRORS], _vectors({**sims, SELFISH.topics[0]: 0.2}))
    assert [o.deferral for o in got] == [TERRORS] and {"scream", "thrash"} <= got[0].shared
    assert left_out(q, [TERRORS], _vectors({TERRORS.topics[0]: 0.1, TERRORS.topics[1]: LEFT_OUT_NEAR - 0.01})) == []


def test_nothing_is_left_out_without_deferrals_or_vectors():
    assert left_out("anything", [], _vectors({})) == []
    assert left_out("is he selfish", [SELFISH], lambda texts: None) == []


NEW_POST = """Learning to Drive at 34

By Imogen Szabo

I passed my test at thirty-four, on my second attempt, after 31 lessons.

The steps that worked

1) Commit to 10 lessons before you decide anything.

2) Book your test after 20 hours, not when you feel ready.

Manual or automatic?

People ask me this more than anything else, and I'm not going to get into it here. It depends on money, on where you live and on what car you'll drive.

When you fail

Failing is normal. Book the next test the same week.

  • Priya

    I failed twice and passed on the third go. Booking straight away helped.

    • Imogen Szabo

      Well done Priya!
"""


@pytest.mark.slow
def test_asked_what_the_article_leaves_out_the_answer_says_so_first(tmp_path, real_embeddings):
    """Real model, a post nobody built for: the heading "Manual or automatic?" opens a paragraph that declines to answer.
    A question about it is told the article leaves it out, with that sentence quoted first; one the steps answer is not."""
    from bot.api import Bot
    from index.build import build_index
    from index.config import Settings
    from tests.conftest import write

    settings = Settings(store_dir=tmp_path / "store")
    build_index([write(tmp_path, "drive.txt", NEW_POST)], settings, embeddings=real_embeddings, progress=False)
    bot = Bot(settings, embeddings=real_embeddings)
    got = bot.ask("should i learn in an automatic or a manual?? the clutch terrifies me")
    lines = got.text.splitlines()
    assert lines[0] == "**The article doesn’t answer this: it leaves it for another article.**", got.text
    assert "not going to get into it here" in lines[1]
    other = bot.ask("when should i book my driving test?")
    assert "another article" not in other.text and "20 hours" in other.text


ADOPTION = Deferral("p/article:c:p9", 500, 600, ("People have asked me about the legal side: custody, step-parent adoption, wills.",))


def test_the_asking_sentence_is_read_without_the_story_and_a_word_start_is_shared():
    """"can i adopt my stepdaughter?" is close to the legal side the article leaves out; the story after it ("her real dad
    hasn't been around ...") keeps the whole message below the bar. "adopt" shares its start with "adoption"."""
    q = "can i adopt my stepdaughter? her real dad hasn't been around since she was 2"
    asking, topic = "can i adopt my stepdaughter?", ADOPTION.topics[0]

    def vectors(texts):  # the question, then its asking sentence, then the topic texts
        assert texts[:2] == [q, asking] and texts[2:] == [topic]
        whole, alone = LEFT_OUT_SIM - 0.05, LEFT_OUT_SIM + 0.02  # the topic's closeness to each
        rest = np.sqrt(1 - whole ** 2 - alone ** 2)
        return np.stack([np.array([1.0, 0, 0]), np.array([0, 1.0, 0]), np.array([whole, alone, rest])])

    got = left_out(q, [ADOPTION], vectors)
    assert [o.deferral for o in got] == [ADOPTION] and got[0].shared == {"adopt"}
    assert abs(got[0].sim - (LEFT_OUT_SIM + 0.02)) < 1e-6


def test_a_word_start_is_shared_only_when_long_enough():
    from bot.retrieve.left_out import SHARED_START, _shared

    assert _shared({"adopt"}, {"adoption", "legal"}) == {"adopt"}
    assert _shared({"runn"}, {"runner"}) == frozenset()  # "running" -> "runn": four letters start too many words
    assert SHARED_START == 5


def test_a_will_the_document_is_a_topic_word_the_verb_is_not():
    """The tokenizer drops "will" with the verb; "mums will." is the document the article leaves out."""
    from bot.question.topic import topic_words

    wills = Deferral("p/article:d:p4", 700, 800, ("wills, probate and what to do when brothers and sisters fall out",))
    q = "me and my brother are at war over mums will. how do we split the house?"
    assert "will" in topic_words(q) and "will" in topic_words("what did her will say about the house")
    assert "will" not in topic_words("my mum will be fine, will he come back?") and "will" not in topic_words("his will to live")
    got = left_out(q, [wills], _vectors({wills.topics[0]: LEFT_OUT_NEAR + 0.01}))  # two shared words at the weaker bar
    assert [o.deferral for o in got] == [wills] and got[0].shared == {"brother", "will"}
    assert left_out("my brother will help me clear the house, how do we start?", [wills], _vectors({wills.topics[0]: LEFT_OUT_NEAR + 0.01})) == []


def test_telling_two_things_apart_asks_about_a_deferred_choice_whatever_words_they_share():
    """Fresh round r54 b12: "how do i tell if hes a player or genuinely into me?" shares no word with the article's
    "whether a man is selfish or simply being a male" (a whole other topic), but both are the same choice."""
    from bot.retrieve.left_out import LEFT_OUT_CHOICE

    q = "how am i supposed to tell if hes pulling back cos hes a player or if hes genuinely into me"
    got = left_out(q, [SELFISH], _vectors({SELFISH.topics[0]: LEFT_OUT_CHOICE + 0.05}))
    assert [o.deferral for o in got] == [SELFISH] and got[0].shared == frozenset()
    assert left_out(q, [SELFISH], _vectors({SELFISH.topics[0]: LEFT_OUT_CHOICE - 0.05})) == []
    # no choice asked ("what do i do when he pulls back?"), or a deferral that is no choice ("night terrors"): the usual bars
    assert left_out("what do i do when he pulls back?", [SELFISH], _vectors({SELFISH.topics[0]: LEFT_OUT_CHOICE + 0.05})) == []
    terrors = Deferral("p/article:b:p2", 300, 400, ("night terrors",))
    assert left_out("how do i tell if its a nightmare or not?", [terrors], _vectors({"night terrors": LEFT_OUT_CHOICE + 0.05})) == []
