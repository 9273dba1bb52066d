"""bot/eval/report.py: how an eval run is written out (tables, worst cases, the safety section, the RAGAS
export and the files), from a small hand-made report: no Bot, no model. The charts are drawn in
tests/bot/eval/test_eval_gate.py's end-to-end run."""

from __future__ import annotations

import json

import pytest

from bot.eval import report as R


def result(case: str, ctype: str = "fact", recall=1.0, cit=1.0, faith=1.0, abstained=False, abstain=False,
           abstain_ok=True, text="An answer [1].", error=None, reference="", gold_quotes=("a gold quote",)) -> dict:
    view = {"text": text, "abstained": abstained, "sources": [{"rank": 1, "ids": ["article:intro:p1"], "text": "passage one"},
                                                               {"rank": 2, "ids": ["comment:01-x"], "text": "passage two"}]}
    if error:
        view["error"] = error
    return {"case": case, "type": ctype, "question": f"question {case}?", "gold_ids": ["article:intro:p1"],
            "gold_quotes": list(gold_quotes), "reference": reference, "abstain": abstain, "view": view,
            "scores": {"recall@5": recall, "citation_recall": cit, "faithfulness": faith, "abstain_ok": abstain_ok}}


def summary(recall=0.9, mrr=0.75, balance=None, total=(0.012, 0.034)) -> dict:
    s = {key: None for key, _ in R.HEADLINE}
    s.update({"recall@5": recall, "mrr": mrr, "ndcg@5": 0.8, "citation_recall": 0.5, "faithfulness": 1.0,
              "balance": balance, "errors": 0,
              "latency": {"retrieve": {"p50": 0.004, "p95": 0.009}} | ({"total": {"p50": total[0], "p95": total[1]}} if total else {}),
              "by_type": {"fact": {"n": 2, "recall@5": 1.0, "mrr": 1.0, "citation_recall": 0.5, "faithfulness": None,
                                   "abstain_ok": 1.0, "holds_gold": True, "direct_first": None}}})
    return s


def config(name: str, results: list[dict] | None = None, baseline=False, **kw) -> dict:
    return {"name": name, "baseline": baseline, "summary": summary(**kw), "results": results or [result("c1")]}


@pytest.fixture
def report() -> dict:
    return {
        "set": "qa.v1", "cases": 3, "created": "2026-01-02T03:04:05", "index_version": "v-0001", "store": "/tmp/store",
        "notes": ["safety metrics skipped: x.yaml not found in seeds/eval/"],
        "support_judge": {"weight": 0.6, "threshold": 0.45, "calibrate": {"n": 40, "balanced_accuracy": 0.9},
                          "validate": {"n": 20, "accuracy": 0.85, "balanced_accuracy": 0.8, "precision": 0.75, "recall": 0.7}},
        "configurations": [config("extractive/hybrid"), config("local:smollm2/langchain-tutorial", baseline=True, total=None)],
        "safety": None,
    }


@pytest.mark.parametrize("value, shown", [(None, "–"), (True, "yes"), (False, "no"), (0.12345, "0.123"), (1.0, "1.000"),
                                          (3, "3"), ("n/a", "n/a")])
def test_values_are_shown_as_dashes_yes_no_or_three_decimals(value, shown):
    assert R._f(value) == shown
    assert R._f(0.12345, 1) == "0.1"


def test_the_headline_table_has_a_column_per_metric_and_a_row_per_configuration(report):
    lines = R.headline_table(report).splitlines()
    head = [cell.strip() for cell in lines[0].strip("|").split("|")]
    assert head == ["configuration"] + [label for _, label in R.HEADLINE] + ["total p50 s", "total p95 s"]
    assert lines[1].count("---") == len(head)
    assert len(lines) == 2 + len(report["configurations"])
    first = [cell.strip() for cell in lines[2].strip("|").split("|")]
    assert first[0] == "extractive/hybrid" and first[1:3] == ["0.900", "0.750"] and first[-2:] == ["0.012", "0.034"]
    assert first[head.index("balance")] == "–"  # a metric that did not apply is a dash, never 0
    second = [cell.strip() for cell in lines[3].strip("|").split("|")]
    assert second[-2:] == ["–", "–"]  # no total latency measured


def test_side_by_side_puts_each_sets_columns_next_to_each_other_and_dashes_a_missing_configuration(report):
    test = json.loads(json.dumps(report))
    test["set"] = "qa.test.v1"
    test["configurations"] = [config("extractive/hybrid", recall=0.5)]
    lines = R.side_by_side([report, test]).splitlines()
    head = [cell.strip() for cell in lines[0].strip("|").split("|")]
    assert head[1:3] == ["R@5 qa.v1", "MRR qa.v1"] and f"R@5 qa.test.v1" in head
    assert len(head) == 1 + 2 * len(R.SIDE_BY_SIDE)
    rows = {line.split("|")[1].strip(): [c.strip() for c in line.strip("|").split("|")] for line in lines[2:4]}
    assert rows["extractive/hybrid"][head.index("R@5 qa.test.v1")] == "0.500"
    assert rows["local:smollm2/langchain-tutorial"][len(R.SIDE_BY_SIDE) + 1:] == ["–"] * len(R.SIDE_BY_SIDE)
    assert "| qa.v1 | fact | 2 | 1.000 | 1.000 | yes | – |" in lines and "| qa.test.v1 | fact | 2 | 1.000 | 1.000 | yes | – |" in lines


def test_the_worst_cases_are_the_lowest_mean_scores_then_the_wrong_abstentions():
    results = [result("good"), result("bad", recall=0.0, cit=0.0, faith=0.2), result("partial", recall=1.0, cit=None, faith=0.0),
               result("abstained", abstained=True), result("oos-ok", abstain=True, abstain_ok=True),
               result("oos-answered", abstain=True, abstain_ok=False)]
    worst = R._worst({"results": results}, n=3)
    # bad: 0.067; partial: 0.5 (None left out); abstained: (1+1+1+0)/4 = 0.75; good: 1.0
    assert [r["case"] for r in worst] == ["bad", "partial", "abstained", "oos-answered"]


def test_the_markdown_report(report):
    bad = result("c9", recall=0.0, cit=0.0, faith=0.0, text="x " * 400, ctype="thread")
    failed = result("c8", recall=0.0, cit=None, faith=None, error="GeneratorError: server unreachable")
    report["configurations"][0]["results"] = [result("c1"), bad, failed]
    md = R.markdown(report)
    lines = md.splitlines()
    assert lines[0] == "# Evaluation report: qa.v1 (3 cases)"
    assert "Run 2026-01-02T03:04:05 on index v-0001 (store /tmp/store)." in md
    assert "> Note: safety metrics skipped: x.yaml not found in seeds/eval/" in md
    assert R.headline_table(report) in md
    assert ("Support judge: w = 0.6, t = 0.45; calibrate n=40 balanced acc 0.900; validate n=20 acc 0.850, "
            "balanced acc 0.800, precision 0.750, recall 0.700.") in md
    assert "## extractive/hybrid" in lines and "## local:smollm2/langchain-tutorial (baseline: LangChain tutorial recipe)" in lines
    assert "| recall@5 | 0.900 |" in lines and "| latency retrieve p50 / p95 (s) | 0.004 / 0.009 |" in lines
    # the worst cases, worst first, with what was retrieved and what was answered
    worst = md[md.index("Worst cases:"):md.index("## local:smollm2")]
    assert worst.index("**c9** (thread)") < worst.index("**c8**") < worst.index("**c1**")
    assert "gold: article:intro:p1; retrieved: article:intro:p1, comment:01-x" in worst
    assert "  - answer: GeneratorError: server unreachable" in worst  # the error, not an empty text
    long_answer = next(line for line in worst.splitlines() if line.startswith("  - answer: x x"))
    assert long_answer.endswith("…") and len(long_answer) == len("  - answer: ") + 500 + 1
    assert "## Safety\n\nSkipped: safety metrics skipped: x.yaml not found in seeds/eval/" in md
    assert md.rstrip().endswith(R.DEFINITIONS.rstrip()) and "## How each metric is computed" in md


def test_the_safety_section_has_a_row_per_flag_and_the_first_ten_disagreements(report):
    cases = [{"expected": ["abuse"], "flags": ["abuse"], "text": "agreed"}]
    cases += [{"expected": ["self_harm"], "flags": [], "text": f"missed {i}"} for i in range(12)]
    policy = {"fired": 3, "with_resources": 1.0, "with_perspectives": 0.0, "answered_with_citations": None, "abstained": False}
    report["safety"] = {"configuration": "extractive/hybrid", "n": 13, "errors": 1, "cases": cases,
                        "flags": {"abuse": {"expected": 1, "precision": 1.0, "recall": 1.0, "policy": policy},
                                  "self_harm": {"expected": 12, "precision": None, "recall": 0.0, "policy": policy}}}
    md = R.markdown(report)
    assert "## Safety (extractive/hybrid, 13 cases, 1 errors)" in md
    assert "| abuse | 1 | 1.000 | 1.000 | 3 | 1.000 | 0.000 | – | no |" in md
    assert "| self_harm | 12 | – | 0.000 | 3 |" in md
    assert "- expected ['self_harm'], got []: missed 9" in md and "missed 10" not in md and "agreed" not in md


def test_ragas_rows_use_the_reference_or_else_the_gold_quotes():
    rows = R.ragas_rows({"results": [result("a", reference="The reference."),
                                     result("b", gold_quotes=("one quote", "two quote"))]})
    assert rows[0] == {"question": "question a?", "answer": "An answer [1].", "contexts": ["passage one", "passage two"],
                       "ground_truth": "The reference."}
    assert rows[1]["ground_truth"] == "one quote two quote"


def test_write_report_writes_the_json_the_markdown_and_one_ragas_file_per_configuration(report, tmp_path, monkeypatch):
    drawn = []

    def no_charts(rep, folder):
        drawn.append(folder)
        path = folder / "retrieval.png"
        path.write_bytes(b"png")
        return [path]

    monkeypatch.setattr(R, "charts", no_charts)
    paths = R.write_report(report, tmp_path / "out")
    out = tmp_path / "out"
    assert drawn == [out] and paths == {"json": out / "report.json", "markdown": out / "report.md", "retrieval": out / "retrieval.png"}
    assert json.loads(paths["json"].read_text(encoding="utf-8")) == report
    assert paths["markdown"].read_text(encoding="utf-8") == R.markdown(report)
    names = sorted(p.name for p in (out / "ragas").iterdir())
    assert names == ["extractive__hybrid.jsonl", "local_smollm2__langchain-tutorial.jsonl"]  # "/" and ":" are safe names
    rows = [json.loads(line) for line in (out / "ragas" / "extractive__hybrid.jsonl").read_text(encoding="utf-8").splitlines()]
    assert rows == R.ragas_rows(report["configurations"][0])
