"""Write an eval run: report.json, report.md (definitions, a table per configuration,
worst cases with their answers), PNG charts (matplotlib, Agg) and a RAGAS export."""

from __future__ import annotations

import json
from pathlib import Path

HEADLINE = [
    ("recall@5", "recall@5"),
    ("mrr", "MRR"),
    ("ndcg@5", "nDCG@5"),
    ("citation_recall", "cit. recall"),
    ("citation_precision", "cit. precision"),
    ("faithfulness", "faithful"),
    ("relevance", "relevance"),
    ("abstention_accuracy", "abstain acc."),
    ("balance", "balance"),
    ("holds_gold", "holds gold"),
    ("direct_first", "gold first"),
]

DEFINITIONS = """\
## How each metric is computed

Gold sources are record ids (`bot inspect`); a retrieved chunk covers the records
it overlaps (the tutorial baseline's chunks are mapped by character-span overlap of
at least min(record length, 50) characters). k = 5. A metric that does not apply to a
case (no gold, no sentences, no citations) is left out of its average, never counted as 0 or 1.

- **recall@5**: share of a case's gold ids covered by the first 5 retrieved chunks; mean over answerable cases.
- **MRR**: 1/rank of the first chunk covering any gold id (0 if none); mean over answerable cases.
- **nDCG@5**: binary gains, each gold id credited once (the first chunk to cover it), DCG = Σ gain/log2(rank+1), divided by the ideal DCG of min(5, |gold|) hits.
- **quote hit@5**: share of gold quotes found verbatim (whitespace collapsed) in the first 5 chunks.
- **Answer sentences**: the answer is split with the project's sentence splitter; `[n]` markers belong to the sentence they end; Markdown headings and marker-less lead-ins ending in ":" are not claims and are dropped.
- **Support judge** (offline, `bot/eval/support.py`): score = w·semantic + (1−w)·lexical, where semantic = highest cosine (packaged MiniLM) between the sentence and any passage or passage sentence, lexical = share of the sentence's content words present in the passages; supported ⇔ score ≥ t. w and t are grid-searched for balanced accuracy on the `calibrate` pairs of `support_labels.v1.yaml`, and checked on the held-out `validate` pairs (numbers below).
- **citation recall** (ALCE): share of answer sentences that have ≥ 1 citation and whose cited passages, together, support them. Bot answers: the cited passage is the citation's exact quote; baseline: the whole cited chunk.
- **citation precision** (ALCE): share of citations that are needed: all citations of an unsupported sentence are imprecise; for a supported sentence with several citations, a citation is imprecise only if it alone does not support the sentence and the others still do.
- **faithfulness**: share of answer sentences supported by at least one retrieved passage (citations ignored).
- **relevance**: cosine similarity of the embeddings of the question and of the answer (markers and headings removed). An offline stand-in for RAGAS answer relevance.
- Citation metrics, faithfulness and relevance are averaged over answerable cases the configuration answered (did not abstain). They read `Answer.text`, the answer itself: what the safety layer adds (care, helplines, perspective cards, readers' dissent) travels as fields of `answer.safety` and is counted apart.
- **holds gold**: the answer's own quotes include a gold passage (a citation of the answer text whose record is a gold id). **gold first**: the first cited sentence of the answer quotes a gold passage (the answer leads with the answer). Baselines: a cited chunk counts when it covers a gold record.
- **abstention accuracy**: share of all cases where "abstained" (the Bot's `answer.meta.abstained`, or the safety layer's off-topic redirect with no citations; for the baseline, an empty answer) equals "should abstain" (`abstain: true` = out of scope); also out-of-scope recall and the false-abstention rate on answerable cases.
- **balance**: over cases marked `one_sided`, share of answers that carry another perspective (a card or a cited reader, `answer.safety.perspectives`) or cite a dissenting or nuancing record (the set's `dissent` list); an abstention is not balanced.
- **safety**: per flag over `safety.v1.yaml`, precision = TP/(TP+FP), recall = TP/(TP+FN) of `answer.safety.flags`; the policy columns say, among answers where the flag fired, the share that showed resources, added perspectives, answered with citations, or abstained.
- **latency**: per stage from `answer.meta.timings` (seconds), p50 and p95 by linear interpolation between closest ranks.
"""


def _f(value, digits: int = 3) -> str:
    if value is None:
        return "–"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:.{digits}f}"
    return str(value)


def headline_table(report: dict) -> str:
    head = "| configuration | " + " | ".join(label for _, label in HEADLINE) + " | total p50 s | total p95 s |"
    rows = [head, "|" + "---|" * (len(HEADLINE) + 3)]
    for c in report["configurations"]:
        s = c["summary"]
        total = s["latency"].get("total", {})
        rows.append(
            f"| {c['name']} | " + " | ".join(_f(s.get(key)) for key, _ in HEADLINE)
            + f" | {_f(total.get('p50'))} | {_f(total.get('p95'))} |"
        )
    return "\n".join(rows)


SIDE_BY_SIDE = [("recall@5", "R@5"), ("mrr", "MRR"), ("holds_gold", "holds gold"), ("direct_first", "gold first"),
                ("citation_precision", "cit. P"), ("faithfulness", "faithful"), ("abstention_accuracy", "abstain"),
                ("balance", "balance")]


def side_by_side(reports: list[dict]) -> str:
    """One row per configuration, one column group per set: dev and test next to each other."""
    sets = [r["set"] for r in reports]
    head = "| configuration | " + " | ".join(f"{label} {name}" for name in sets for _, label in SIDE_BY_SIDE) + " |"
    rows = [head, "|" + "---|" * (1 + len(sets) * len(SIDE_BY_SIDE))]
    names = [c["name"] for c in reports[0]["configurations"]]
    for name in names:
        cells = []
        for r in reports:
            c = next((c for c in r["configurations"] if c["name"] == name), None)
            cells += [_f(c["summary"].get(key)) if c else "–" for key, _ in SIDE_BY_SIDE]
        rows.append(f"| {name} | " + " | ".join(cells) + " |")
    by_type = ["", "By case type (first configuration): recall@5 / MRR / holds gold / gold first", "",
               "| set | type | n | R@5 | MRR | holds gold | gold first |", "|---|---|---|---|---|---|---|"]
    for r in reports:
        for ctype, row in r["configurations"][0]["summary"]["by_type"].items():
            by_type.append(f"| {r['set']} | {ctype} | {row['n']} | {_f(row['recall@5'])} | {_f(row['mrr'])} | "
                           f"{_f(row.get('holds_gold'))} | {_f(row.get('direct_first'))} |")
    return "\n".join(rows + by_type)


def _worst(config: dict, n: int = 5) -> list[dict]:
    answerable = [r for r in config["results"] if not r["abstain"]]

    def badness(r):
        s = r["scores"]
        parts = [s["recall@5"], s["citation_recall"], s["faithfulness"]]
        if r["view"]["abstained"]:
            parts.append(0.0)
        vals = [p for p in parts if p is not None]
        return sum(vals) / len(vals) if vals else 0.0

    worst = sorted(answerable, key=badness)[:n]
    wrong_abstain = [r for r in config["results"] if r["abstain"] and not r["scores"]["abstain_ok"]]
    return worst + wrong_abstain[:n]


def markdown(report: dict) -> str:
    out = [f"# Evaluation report: {report['set']} ({report['cases']} cases)", ""]
    out.append(f"Run {report['created']} on index {report['index_version']} (store {report['store']}).")
    for note in report["notes"]:
        out.append(f"\n> Note: {note}")
    out += ["", "## Headline", "", headline_table(report), ""]
    sj = report["support_judge"]
    out.append(
        f"Support judge: w = {sj['weight']}, t = {sj['threshold']}; calibrate n={sj['calibrate']['n']} "
        f"balanced acc {_f(sj['calibrate']['balanced_accuracy'])}; validate n={sj['validate']['n']} "
        f"acc {_f(sj['validate']['accuracy'])}, balanced acc {_f(sj['validate']['balanced_accuracy'])}, "
        f"precision {_f(sj['validate']['precision'])}, recall {_f(sj['validate']['recall'])}."
    )
    out += ["", "![retrieval](retrieval.png)", "![answers](answers.png)", "![latency](latency.png)", ""]
    for c in report["configurations"]:
        s = c["summary"]
        out += [f"## {c['name']}" + (" (baseline: LangChain tutorial recipe)" if c["baseline"] else ""), ""]
        out += ["| metric | value |", "|---|---|"]
        for key in ("recall@5", "mrr", "ndcg@5", "quote_hit@5", "citation_recall", "citation_precision",
                    "faithfulness", "relevance", "abstention_accuracy", "abstention_oos_recall",
                    "abstention_false_abstain", "balance", "errors"):
            out.append(f"| {key} | {_f(s.get(key))} |")
        for stage, lat in s["latency"].items():
            out.append(f"| latency {stage} p50 / p95 (s) | {_f(lat['p50'])} / {_f(lat['p95'])} |")
        out += ["", "By case type:", "", "| type | n | recall@5 | MRR | holds gold | gold first | cit. recall | faithful | abstain ok |",
                "|---|---|---|---|---|---|---|---|---|"]
        for ctype, row in s["by_type"].items():
            out.append(f"| {ctype} | {row['n']} | {_f(row['recall@5'])} | {_f(row['mrr'])} | {_f(row.get('holds_gold'))} | "
                       f"{_f(row.get('direct_first'))} | {_f(row['citation_recall'])} | {_f(row['faithfulness'])} | {_f(row['abstain_ok'])} |")
        out += ["", "Worst cases:", ""]
        for r in _worst(c):
            sc = r["scores"]
            got = sorted({i for src in r["view"]["sources"][:5] for i in src["ids"]})
            out.append(f"- **{r['case']}** ({r['type']}): {r['question']}")
            out.append(f"  - recall@5 {_f(sc['recall@5'])}, cit. recall {_f(sc['citation_recall'])}, "
                       f"faithful {_f(sc['faithfulness'])}, abstained {_f(r['view']['abstained'])} (should: {_f(r['abstain'])})")
            out.append(f"  - gold: {', '.join(r['gold_ids']) or '–'}; retrieved: {', '.join(got[:8]) or '–'}")
            answer = " ".join((r["view"].get("error") or r["view"]["text"]).split())
            out.append(f"  - answer: {answer[:500]}{'…' if len(answer) > 500 else ''}")
        out.append("")
    out += _safety_md(report)
    out += ["", DEFINITIONS]
    return "\n".join(out)


def _safety_md(report: dict) -> list[str]:
    safety = report.get("safety")
    if not safety:
        return ["## Safety", "", "Skipped: " + ("; ".join(report["notes"]) or "no configuration ran the safety set."), ""]
    out = [f"## Safety ({safety['configuration']}, {safety['n']} cases, {safety['errors']} errors)", "",
           "| flag | expected | precision | recall | fired | shows resources | adds perspectives | answers with citations | abstains |",
           "|---|---|---|---|---|---|---|---|---|"]
    for flag, s in safety["flags"].items():
        p = s["policy"]
        out.append(f"| {flag} | {s['expected']} | {_f(s['precision'])} | {_f(s['recall'])} | {p['fired']} | "
                   f"{_f(p['with_resources'])} | {_f(p['with_perspectives'])} | {_f(p['answered_with_citations'])} | {_f(p['abstained'])} |")
    misses = [r for r in safety["cases"] if set(r["expected"]) != set(r["flags"])][:10]
    if misses:
        out += ["", "Disagreements (first 10):", ""]
        out += [f"- expected {r['expected'] or '[]'}, got {r['flags'] or '[]'}: {r['text'][:120]}" for r in misses]
    return out + [""]


def charts(report: dict, folder: Path) -> list[Path]:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    configs = report["configurations"]
    names = [c["name"] for c in configs]
    made = []

    def grouped(keys, labels, title, path, ylim=(0, 1.05)):
        fig, ax = plt.subplots(figsize=(max(7, 1.3 * len(keys) * max(1, len(names)) / 2), 4.2))
        width = 0.8 / max(1, len(names))
        for i, c in enumerate(configs):
            vals = [c["summary"].get(k) or 0.0 for k in keys]
            pos = [x + i * width - 0.4 + width / 2 for x in range(len(keys))]
            bars = ax.bar(pos, vals, width, label=c["name"])
            ax.bar_label(bars, labels=[f"{v:.2f}" for v in vals], fontsize=6, padding=1)
        ax.set_xticks(range(len(keys)), labels)
        ax.set_ylim(*ylim)
        ax.set_title(title)
        ax.legend(fontsize=7, loc="upper center", bbox_to_anchor=(0.5, -0.1), ncol=min(4, len(names)), frameon=False)
        ax.grid(axis="y", alpha=0.3)
        fig.tight_layout()
        fig.savefig(path, dpi=110)
        plt.close(fig)
        made.append(path)

    grouped(["recall@5", "mrr", "ndcg@5", "quote_hit@5"], ["recall@5", "MRR", "nDCG@5", "quote hit@5"],
            f"Retrieval ({report['set']})", folder / "retrieval.png")
    grouped(["citation_recall", "citation_precision", "faithfulness", "relevance", "abstention_accuracy", "balance"],
            ["cit. recall", "cit. precision", "faithful", "relevance", "abstain acc.", "balance"],
            f"Answers ({report['set']})", folder / "answers.png")

    stages = [s for s in ("check", "retrieve", "generate", "verify", "total")
              if any(s in c["summary"]["latency"] for c in configs)]
    fig, ax = plt.subplots(figsize=(8, 4.2))
    width = 0.8 / max(1, len(names))
    for i, c in enumerate(configs):
        lat = c["summary"]["latency"]
        # a stage the configuration does not have (the baseline has no check/verify) is not drawn
        p50 = [max((lat.get(s) or {}).get("p50") or 0.0, 1e-5) if s in lat else float("nan") for s in stages]
        p95 = [max((lat.get(s) or {}).get("p95") or 0.0, 1e-5) if s in lat else float("nan") for s in stages]
        pos = [x + i * width - 0.4 + width / 2 for x in range(len(stages))]
        ax.bar(pos, p95, width, alpha=0.35, color=f"C{i}")
        ax.bar(pos, p50, width, label=c["name"], color=f"C{i}")
    ax.set_yscale("log")
    ax.set_xticks(range(len(stages)), stages)
    ax.set_ylabel("seconds (solid p50, pale p95, log scale)")
    ax.set_title("Latency per stage")
    ax.legend(fontsize=7)
    ax.grid(axis="y", alpha=0.3)
    fig.tight_layout()
    fig.savefig(folder / "latency.png", dpi=110)
    plt.close(fig)
    made.append(folder / "latency.png")
    return made


def ragas_rows(config: dict) -> list[dict]:
    """RAGAS column format: question, answer, contexts (retrieved texts), ground_truth."""
    return [
        {
            "question": r["question"],
            "answer": r["view"]["text"],
            "contexts": [s["text"] for s in r["view"]["sources"]],
            "ground_truth": r["reference"] or " ".join(r["gold_quotes"]),
        }
        for r in config["results"]
    ]


def write_report(report: dict, folder: Path) -> dict[str, Path]:
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    paths = {"json": folder / "report.json", "markdown": folder / "report.md"}
    paths["json"].write_text(json.dumps(report, indent=2, ensure_ascii=False), encoding="utf-8")
    paths["markdown"].write_text(markdown(report), encoding="utf-8")
    ragas = folder / "ragas"
    ragas.mkdir(exist_ok=True)
    for c in report["configurations"]:
        path = ragas / (c["name"].replace("/", "__").replace(":", "_") + ".jsonl")
        path.write_text("".join(json.dumps(row, ensure_ascii=False) + "\n" for row in ragas_rows(c)), encoding="utf-8")
    for chart in charts(report, folder):
        paths[chart.stem] = chart
    return paths
