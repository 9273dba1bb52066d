"""Each eval metric on small hand-computed examples, edge cases included."""

from __future__ import annotations

import math
import re

import pytest

from bot.eval import metrics as M
from bot.eval.dataset import load_qa
from bot.eval.support import best_threshold, confusion
from index.errors import InputError


# A judge over plain tokens: passages support a sentence when they contain all its words.
def words_judge(passages, sentence):
    pool = set(" ".join(passages).lower().split())
    return set(sentence.lower().rstrip(".").split()) <= pool


# --- retrieval ---------------------------------------------------------------------

RANKED = [{"a"}, {"x", "b"}, {"y"}, {"c"}]


def test_recall_at_k_counts_gold_ids_covered_in_the_first_k():
    assert M.recall_at_k(RANKED, {"a", "c"}, 2) == 0.5
    assert M.recall_at_k(RANKED, {"a", "c"}, 4) == 1.0
    assert M.recall_at_k(RANKED, {"z"}, 4) == 0.0


def test_mrr_is_one_over_the_first_relevant_rank():
    assert M.reciprocal_rank(RANKED, {"b"}) == 0.5
    assert M.reciprocal_rank(RANKED, {"c", "y"}) == pytest.approx(1 / 3)
    assert M.reciprocal_rank(RANKED, {"z"}) == 0.0


def test_ndcg_hand_computed():
    # gold {b, c}: hits at ranks 2 and 4 -> DCG = 1/log2(3) + 1/log2(5); IDCG = 1 + 1/log2(3)
    expected = (1 / math.log2(3) + 1 / math.log2(5)) / (1 + 1 / math.log2(3))
    assert M.ndcg_at_k(RANKED, {"b", "c"}, 5) == pytest.approx(expected)
    assert M.ndcg_at_k([{"a"}, {"b"}], {"a", "b"}, 5) == pytest.approx(1.0)


def test_ndcg_credits_each_gold_id_once():
    # three chunks of the same long comment must not push nDCG above 1
    assert M.ndcg_at_k([{"j"}, {"j"}, {"j"}], {"j"}, 5) == pytest.approx(1.0)
    assert M.ndcg_at_k([{"j"}, {"j"}, {"k"}], {"j", "k"}, 5) == pytest.approx((1 + 0.5) / (1 + 1 / math.log2(3)))


def test_empty_retrieval_scores_zero_and_no_gold_is_undefined():
    assert M.recall_at_k([], {"a"}, 5) == 0.0
    assert M.reciprocal_rank([], {"a"}) == 0.0
    assert M.ndcg_at_k([], {"a"}, 5) == 0.0
    assert M.quote_hit_at_k([], ["some quote"], 5) == 0.0
    assert M.recall_at_k(RANKED, set(), 5) is None
    assert M.ndcg_at_k(RANKED, set(), 5) is None
    assert M.quote_hit_at_k(["text"], [], 5) is None


def test_quote_hit_collapses_whitespace():
    passages = ["He said:\n   leave   him alone.", "other"]
    assert M.quote_hit_at_k(passages, ["leave him alone", "missing words"], 5) == 0.5


# --- sentences and citations ---------------------------------------------------------


def test_answer_sentences_attach_markers_and_drop_headings():
    text = "**What the article says**\nMen pull away. [1]\nThey come back [2][3].\nFrom the comments:\nKaren agrees [1] [4]."
    got = M.answer_sentences(text)
    assert [s.text for s in got] == ["Men pull away.", "They come back.", "Karen agrees."]
    assert [s.cites for s in got] == [(1,), (2, 3), (1, 4)]
    # one grammar (bot/cite/markers.py): "[1, 4]" is not a marker, as it is nowhere else in the project
    assert M.answer_sentences("Karen agrees [1, 4].")[0].cites == ()


def test_citation_recall_and_precision_hand_computed():
    passages = {1: "men pull away", 2: "they come back", 3: "bananas are yellow"}
    sentences = [
        M.Sentence("men pull away", (1,)),  # supported, 1 precise citation
        M.Sentence("they come back", (2, 3)),  # supported by [2]; [3] alone no, [2] still yes -> [3] imprecise
        M.Sentence("men come back", (1, 2)),  # only jointly supported: both citations needed -> both precise
        M.Sentence("cats purr", (3,)),  # unsupported -> its citation imprecise
    ]
    cs = M.citation_scores(sentences, passages, words_judge)
    assert cs.recall == 3 / 4
    assert cs.precision == 4 / 6
    assert (cs.supported, cs.precise, cs.citations) == (3, 4, 6)


def test_no_citations_gives_zero_recall_and_undefined_precision():
    cs = M.citation_scores([M.Sentence("men pull away", ())], {1: "men pull away"}, words_judge)
    assert cs.recall == 0.0
    assert cs.precision is None


def test_all_sentences_unsupported():
    sentences = [M.Sentence("cats purr", (1,)), M.Sentence("dogs bark", (1,))]
    cs = M.citation_scores(sentences, {1: "men pull away"}, words_judge)
    assert (cs.recall, cs.precision) == (0.0, 0.0)
    assert M.faithfulness(sentences, ["men pull away"], words_judge) == 0.0


def test_out_of_range_marker_supports_nothing():
    cs = M.citation_scores([M.Sentence("men pull away", (7,))], {1: "men pull away"}, words_judge)
    assert (cs.recall, cs.precision) == (0.0, 0.0)


def test_faithfulness_uses_any_retrieved_passage_and_handles_empty_inputs():
    sentences = [M.Sentence("men pull away", ()), M.Sentence("they come back", ()), M.Sentence("cats purr", ())]
    assert M.faithfulness(sentences, ["men pull away", "they come back"], words_judge) == pytest.approx(2 / 3)
    assert M.faithfulness(sentences, [], words_judge) == 0.0
    assert M.faithfulness([], ["men pull away"], words_judge) is None
    assert M.citation_scores([], {}, words_judge).recall is None


def test_answer_relevance_is_cosine():
    assert M.answer_relevance([1.0, 0.0], [1.0, 0.0]) == pytest.approx(1.0)
    assert M.answer_relevance([1.0, 0.0], [0.0, 2.0]) == pytest.approx(0.0)
    assert M.answer_relevance([1.0, 1.0], [1.0, 0.0]) == pytest.approx(1 / math.sqrt(2))
    assert M.answer_relevance(None, [1.0]) is None


# --- abstention, balance, safety, latency -------------------------------------------------


def test_abstention_scores():
    got = M.abstention_scores([True, False, True, False], [True, True, False, False])
    assert got == {"accuracy": 0.5, "oos_recall": 0.5, "false_abstain": 0.5}
    assert M.abstention_scores([], [])["accuracy"] is None


def test_balance_needs_a_cited_dissent_or_a_cited_perspective():
    dissent = {"comment:01-angry"}
    assert M.is_balanced(["article:p1", "comment:01-angry"], dissent)
    assert not M.is_balanced(["article:p1"], dissent)
    assert M.is_balanced([], dissent, perspectives=1)
    assert M.share([True, False, None, True]) == pytest.approx(2 / 3)
    assert M.share([None]) is None


def test_flag_precision_recall_per_flag():
    predicted = [{"self_harm"}, {"self_harm", "abuse"}, set(), {"abuse"}]
    expected = [{"self_harm"}, {"abuse"}, {"self_harm"}, set()]
    got = M.flag_scores(predicted, expected)
    assert (got["self_harm"]["precision"], got["self_harm"]["recall"]) == (0.5, 0.5)
    assert (got["abuse"]["precision"], got["abuse"]["recall"]) == (0.5, 1.0)
    never = M.flag_scores([set()], [set()], ["injection"])["injection"]
    assert never["precision"] is None and never["recall"] is None


def test_percentiles_interpolate_like_numpy():
    values = [1.0, 2.0, 3.0, 4.0, 10.0]
    assert M.percentile(values, 50) == 3.0
    assert M.percentile(values, 95) == pytest.approx(4.0 + 0.8 * 6.0)
    assert M.percentile([], 50) is None
    summary = M.latency_summary([{"retrieve": 0.1, "total": 1.0}, {"retrieve": 0.3, "total": 3.0}])
    assert summary["retrieve"]["p50"] == pytest.approx(0.2)
    assert summary["total"]["n"] == 2


def test_mean_skips_undefined_values():
    assert M.mean([1.0, None, 0.0]) == 0.5
    assert M.mean([None]) is None


# --- support-judge calibration helpers ---------------------------------------------------


def test_best_threshold_separates_scores():
    t, ba = best_threshold([0.1, 0.2, 0.8, 0.9], [False, False, True, True])
    assert 0.2 < t < 0.8 and ba == 1.0
    assert confusion([True, True, False], [True, False, False])["precision"] == 0.5


# --- dataset schema -------------------------------------------------------------------------


def test_real_set_loads_and_covers_every_kind():
    s = load_qa("qa.v1")
    assert len(s) >= 50
    assert {c.type for c in s.cases} == {"fact", "comment", "commenter", "paraphrase", "followup", "out_of_scope"}
    assert any(c.one_sided for c in s.cases) and all(c.history for c in s.cases if c.type == "followup")


@pytest.mark.parametrize(
    "body, message",
    [
        ("cases: [", "not valid YAML"),
        ("source: seeds/why-men-pull-away.txt\ncases: []", "non-empty `cases:`"),
        ("source: seeds/why-men-pull-away.txt\ncases:\n  - {id: a, type: fact}", "`question`"),
        ("source: seeds/why-men-pull-away.txt\ncases:\n  - {id: a, type: trivia, question: q}", "`type`"),
        ("source: seeds/why-men-pull-away.txt\ncases:\n  - {id: a, type: fact, question: q}", "by id AND by quote"),
        (
            "source: seeds/why-men-pull-away.txt\ncases:\n  - {id: a, type: fact, question: q, gold: {ids: [article:nope], quotes: [x]}}",
            "not a record",
        ),
        (
            "source: seeds/why-men-pull-away.txt\ncases:\n  - {id: a, type: fact, question: q, gold: {ids: [article:intro:p1], quotes: [not in the seed]}}",
            "is not in any of its gold records",
        ),
        ("source: seeds/why-men-pull-away.txt\ncases:\n  - {id: a, type: followup, question: q, gold: {ids: [article:intro:p1], quotes: [pull away]}}", "needs `history`"),
        ("source: seeds/why-men-pull-away.txt\ncases:\n  - {id: a, type: out_of_scope, question: q}", "abstain: true"),
    ],
)
def test_broken_sets_get_clear_errors(tmp_path, body, message):
    path = tmp_path / "broken.yaml"
    path.write_text(body, encoding="utf-8")
    with pytest.raises(InputError, match=re.escape(message)) as info:
        load_qa(path)
    assert str(path) in str(info.value)


def test_missing_set_lists_known_sets(tmp_path):
    with pytest.raises(InputError, match="qa.v1"):
        load_qa("qa.v99")
