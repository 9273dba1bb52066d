"""The eval runner end to end, and the CI regression gate (seeds/eval/thresholds.json)."""

from __future__ import annotations

import json

import pytest

from bot.eval import check_gate, run_eval
from bot.eval.runner import THRESHOLDS


def test_gate_reports_each_metric_below_its_floor():
    report = {"configurations": [{"name": "extractive/hybrid", "summary": {"recall@5": 0.9, "mrr": 0.4, "balance": None}}]}
    thresholds = {"configuration": "extractive/hybrid", "min": {"recall@5": 0.8, "mrr": 0.5, "balance": 0.1}}
    failures = check_gate(report, thresholds)
    assert len(failures) == 2
    assert any("mrr" in f for f in failures) and any("balance" in f for f in failures)
    assert check_gate(report, {"configuration": "x/y", "min": {}}) == ["configuration x/y was not run"]


def test_thresholds_file_names_a_configuration_and_floors():
    data = json.loads(THRESHOLDS.read_text(encoding="utf-8"))
    assert data["configuration"] == "extractive/hybrid"
    assert data["min"] and all(0.0 <= v <= 1.0 for v in data["min"].values())


def test_small_run_on_a_fake_store_writes_every_report_file(fake_store, fake_embeddings, tmp_path):
    report = run_eval(
        "qa.v1", retrievers=["bm25"], baseline=True, out=tmp_path / "out", settings=fake_store,
        embeddings=fake_embeddings, safety_set=tmp_path / "absent.yaml", progress=False, limit=4,
    )
    names = [c["name"] for c in report["configurations"]]
    assert names == ["extractive/bm25", "extractive/langchain-tutorial", "extractive/bm25-1000"]
    assert all(len(c["results"]) == 4 for c in report["configurations"])
    assert any("safety metrics skipped" in n for n in report["notes"])
    for name in ("report.json", "report.md", "retrieval.png", "answers.png", "latency.png"):
        assert (tmp_path / "out" / name).stat().st_size > 0
    md = (tmp_path / "out" / "report.md").read_text(encoding="utf-8")
    assert "| extractive/bm25 |" in md and "Worst cases" in md and "How each metric is computed" in md
    rows = [json.loads(line) for line in (tmp_path / "out" / "ragas" / "extractive__bm25.jsonl").read_text().splitlines()]
    assert len(rows) == 4 and set(rows[0]) == {"question", "answer", "contexts", "ground_truth"}
    for baseline in report["configurations"][1:]:
        assert all(r["view"]["sources"] and len(r["view"]["sources"]) <= 4 for r in baseline["results"])
        assert all(r["scores"]["holds_gold"] is not None for r in baseline["results"] if r["gold_ids"])


@pytest.mark.slow
def test_extractive_generator_stays_above_the_regression_thresholds(real_store, real_embeddings):
    """The CI gate: the default configuration on the real seed must not regress."""
    report = run_eval(
        "qa.v1", retrievers=["hybrid"], baseline=False, settings=real_store, embeddings=real_embeddings,
        safety_set=None, progress=False,
    )
    assert check_gate(report) == []


def _words_judge(passages, sentence):
    pool = set(" ".join(passages).lower().replace(".", "").split())
    return set(sentence.lower().replace(".", "").split()) <= pool


def test_score_case_scores_the_answer_text_and_counts_perspectives_for_balance():
    from bot.eval.dataset import Case
    from bot.eval.runner import score_case

    case = Case("c", "fact", "why?", ("article:a",), ("men pull away",), one_sided=True, dissent=("comment:01-x",))
    view = {
        "text": "**What the article says**\nMen pull away. [1]\nCats purr.",
        "abstained": False, "cited": {1: "men pull away"}, "cited_ids": ["article:a"], "cited_order": [["article:a"]],
        "perspectives": 1, "sources": [{"rank": 1, "ids": ["article:a"], "text": "men pull away"}],
    }
    got = score_case(case, view, _words_judge)
    assert got["sentences"] == 2 and got["perspectives"] == 1
    assert got["citation_recall"] == 1 / 2  # "Cats purr." has no citation
    assert got["faithfulness"] == 1 / 2  # only "Men pull away." is in a retrieved passage
    assert got["balanced"] and got["holds_gold"] and got["direct_first"]
    unbalanced = score_case(case, {**view, "perspectives": 0}, _words_judge)
    assert unbalanced["balanced"] is False