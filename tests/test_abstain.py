"""bot/abstain.py: when the bot says the article does not cover a question."""

from bot.abstain import ABSTAIN_BELOW, confidence
from bot.answer import Source


def src(dense=None, sentence=None, author=None):
    return Source(1, "d/c#1", "d", "comment" if author else "article", "text", 0, 4, 0.1, dense=dense,
                  sentence=sentence, author=author)


def test_a_named_commenter_is_the_answer():
    assert confidence("what did Jess say?", [src(0.05, author="Jess")], names=("Jess",)) == 1.0


def test_the_best_of_chunk_and_discounted_sentence_similarity():
    assert confidence("q", [src(0.20, 0.40)]) == 0.40 - 0.05
    assert confidence("q", [src(0.30, 0.20)]) == 0.30
    assert confidence("q", []) == 0.0


def test_a_weak_match_that_holds_the_rare_words_is_just_enough():
    weak = [src(0.18)]
    assert confidence("what about oxytocin?", weak, coverage=lambda q, s: 0.9) == ABSTAIN_BELOW
    assert confidence("the weather in Paris", weak, coverage=lambda q, s: 0.1) < ABSTAIN_BELOW
    assert confidence("x", [src(0.10)], coverage=lambda q, s: 1.0) < ABSTAIN_BELOW  # below the floor
