"""bot/retrieve/abstain.py: when the bot says the article does not cover a question, and why it answers."""

from bot.retrieve.abstain import decide, similarity
from bot.answer import Source


def src(dense=None, sentence=None, author=None):
    return Source(1, "d/c#1", "d", "comment" if author else "article", "text", 0, 4, 0.1, dense=dense,
                  sentence=sentence, author=author)


def test_a_named_commenter_is_the_answer_and_the_similarity_is_still_measured():
    d = decide("what did Jess say?", [src(0.05, author="Jess")], names=("Jess",))
    assert d.answer and d.because == "names a commenter" and d.similarity == 0.05


def test_the_best_of_chunk_and_discounted_sentence_similarity():
    assert similarity([src(0.20, 0.40)]) == 0.40 - 0.05
    assert similarity([src(0.30, 0.20)]) == 0.30
    d = decide("q", [src(0.30)])
    assert d.answer and d.because == "similarity"
    assert not decide("q", []).answer


def test_a_weak_match_that_holds_the_rare_words_is_just_enough():
    weak = [src(0.18)]
    covered = decide("what about oxytocin?", weak, coverage=lambda q, s: 0.9)
    assert covered.answer and covered.because == "rare words covered" and covered.similarity == 0.18
    assert not decide("the weather in Paris", weak, coverage=lambda q, s: 0.1).answer
    assert not decide("x", [src(0.10)], coverage=lambda q, s: 1.0).answer  # below the floor
