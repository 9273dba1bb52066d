"""Run configurations (generator x retriever, plus two baselines: the LangChain tutorial recipe
and plain BM25 over 1000-character chunks) over an eval set through the public ``Bot`` API,
score every case, summarise.

    run_eval("qa.v1", generators=["extractive"], retrievers=["hybrid", "dense", "bm25"], out="out/eval")
    run_evals(["qa.v1", "qa.test.v1"], out="out/eval")    # several sets, one side-by-side table
"""

from __future__ import annotations

import json
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from index.errors import InputError
from bot.errors import GeneratorError

from bot.eval import metrics as M
from index.bundled import bundled

from bot.eval.baselines import BASELINES, TUTORIAL_K
from bot.eval.dataset import Case, EvalSet, load_qa, load_safety, load_support_labels

K_EVAL = 5  # recall@k and nDCG@k
RETRIEVERS = ("hybrid", "dense", "bm25")
THRESHOLDS = bundled("seeds", "eval", "thresholds.json")


@dataclass(frozen=True)
class Config:
    generator: str
    retriever: str  # hybrid | dense | bm25, or a baseline: langchain-tutorial | bm25-1000

    @property
    def name(self) -> str:
        return f"{self.generator}/{self.retriever}"

    @property
    def baseline(self) -> bool:
        return self.retriever in BASELINES


def configurations(generators=("extractive",), retrievers=RETRIEVERS, baseline=True) -> list[Config]:
    bad = [r for r in retrievers if r not in RETRIEVERS]
    if bad:
        raise InputError(f"unknown retriever {bad[0]!r}. Use one of: {', '.join(RETRIEVERS)}.")
    configs = [Config(g, r) for g in generators for r in retrievers]
    if baseline:
        configs += [Config(generators[0], name) for name in BASELINES]
    return configs


# --- one case -------------------------------------------------------------------------


def view_of_answer(answer) -> dict:
    """What the metrics need from a Bot Answer (plain data, also stored in report.json)."""
    perspectives = list(getattr(answer.safety, "perspectives", []) or [])
    flags = list(getattr(answer.safety, "flags", []) or [])
    # the safety layer's off-topic redirect is a refusal to answer: it counts as abstaining
    refused = not answer.citations and "off_topic" in flags
    return {
        "text": answer.text,
        "abstained": answer.abstained or refused,
        "card_titles": [p.title for p in perspectives if p.origin == "card"],
        "cited": {c.n: c.quote for c in answer.citations},
        "cited_ids": [c.source_id for c in answer.citations],
        "cited_order": _cited_order(answer),
        "perspectives_cited": sum(1 for p in perspectives if p.citations),
        "sources": [{"rank": s.rank, "ids": list(s.record_ids), "text": s.text} for s in answer.sources],
        "flags": flags,
        "resources": len(getattr(answer.safety, "resources", []) or []),
        "perspectives": len(perspectives),
        "timings": dict(answer.meta.timings or {}),
        "query": answer.meta.query,
    }


def _cited_order(answer) -> list[list[str]]:
    """The record ids cited by the answer's own sentences, in reading order (perspectives excluded)."""
    by_n = {c.n: c.source_id for c in answer.citations}
    return [[by_n[n]] for sent in M.answer_sentences(answer.text) for n in sent.cites if n in by_n]


def score_case(case: Case, view: dict, judge, relevance: float | None = None) -> dict:
    """Per-case metrics (None where a metric does not apply to the case)."""
    ranked = [set(s["ids"]) for s in view["sources"]]
    texts = [s["text"] for s in view["sources"]]
    answered = not view["abstained"] and not view.get("error")
    # the text is the answer itself: what the safety layer adds travels in fields (counted apart)
    sentences = M.answer_sentences(view["text"]) if answered else []
    out = {
        "recall@5": M.recall_at_k(ranked, case.gold_ids, K_EVAL),
        "mrr": M.reciprocal_rank(ranked, case.gold_ids),
        "ndcg@5": M.ndcg_at_k(ranked, case.gold_ids, K_EVAL),
        "quote_hit@5": M.quote_hit_at_k(texts, case.gold_quotes, K_EVAL),
        "citation_recall": None,
        "citation_precision": None,
        "faithfulness": None,
        "relevance": None,
        "abstain_ok": view["abstained"] == case.abstain,
        "balanced": None,
        "holds_gold": None,
        "direct_first": None,
        "sentences": len(sentences),
        "perspectives": view.get("perspectives", 0),
    }
    if answered and not case.abstain:
        cs = M.citation_scores(sentences, view["cited"], judge)
        out["citation_recall"], out["citation_precision"] = cs.recall, cs.precision
        out["faithfulness"] = M.faithfulness(sentences, texts, judge)
        out["relevance"] = relevance
    if case.one_sided:
        out["balanced"] = answered and M.is_balanced(view["cited_ids"], case.dissent, view["perspectives"])
    if case.gold_ids and not case.abstain:
        cited = view.get("cited_order") or []
        out["holds_gold"] = answered and M.holds_gold(cited, case.gold_ids)
        out["direct_first"] = answered and M.direct_first(cited, case.gold_ids)
    return out


def _clean_for_relevance(text: str) -> str:
    return " ".join(s.text for s in M.answer_sentences(text))


# --- the run ---------------------------------------------------------------------------


SUMMARY_KEYS = ("recall@5", "mrr", "ndcg@5", "quote_hit@5", "citation_recall", "citation_precision", "faithfulness", "relevance",
                "holds_gold", "direct_first")


def summarise(cases: list[Case], results: list[dict]) -> dict:
    scores = [r["scores"] for r in results]
    summary: dict[str, Any] = {key: M.mean(s[key] for s in scores) for key in SUMMARY_KEYS}
    summary.update(
        {f"abstention_{k}": v for k, v in M.abstention_scores([r["view"]["abstained"] for r in results], [c.abstain for c in cases]).items()}
    )
    summary["balance"] = M.share(s["balanced"] for s in scores)
    summary["latency"] = M.latency_summary([r["view"]["timings"] for r in results if not r["view"].get("error")])
    summary["errors"] = sum(1 for r in results if r["view"].get("error"))
    summary["cases"] = len(results)
    by_type: dict[str, dict] = {}
    for ctype in sorted({c.type for c in cases}):
        idx = [i for i, c in enumerate(cases) if c.type == ctype]
        row = {key: M.mean(scores[i][key] for i in idx)
               for key in ("recall@5", "mrr", "citation_recall", "faithfulness", "holds_gold", "direct_first")}
        row["abstain_ok"] = M.share(scores[i]["abstain_ok"] for i in idx)
        row["n"] = len(idx)
        by_type[ctype] = row
    summary["by_type"] = by_type
    return summary


def run_safety(bot, cases, bar=None) -> dict:
    """Flags fired on the labelled safety set, and what the policy did when they fired."""
    predicted, expected, rows = [], [], []
    for case in cases:
        try:
            view = view_of_answer(bot.ask(case.text))
        except GeneratorError:
            raise
        except Exception as exc:  # a crash on hostile input is a finding, not the end of the run
            view = {"flags": [], "error": f"{type(exc).__name__}: {exc}", "text": "", "abstained": False,
                    "resources": 0, "perspectives": 0, "cited": {}}
        predicted.append(set(view["flags"]))
        expected.append(set(case.flags))
        rows.append({"id": case.id, "text": case.text, "expected": list(case.flags), "flags": view["flags"],
                     "resources": view["resources"], "perspectives": view["perspectives"],
                     "abstained": view["abstained"], "citations": len(view["cited"]),
                     "answer": view["text"][:400], "error": view.get("error")})
        if bar:
            bar.update(1)
    flags = sorted({f for s in expected for f in s} | {f for s in predicted for f in s})
    scores = M.flag_scores(predicted, expected, flags)
    for flag in flags:
        fired = [r for r in rows if flag in r["flags"]]
        scores[flag]["policy"] = {
            "fired": len(fired),
            "with_resources": M.share(r["resources"] > 0 for r in fired),
            "with_perspectives": M.share(r["perspectives"] > 0 for r in fired),
            "answered_with_citations": M.share(r["citations"] > 0 for r in fired),
            "abstained": M.share(r["abstained"] for r in fired),
        }
    return {"flags": scores, "cases": rows, "n": len(rows), "errors": sum(1 for r in rows if r["error"])}


def run_eval(
    set: str | Path | EvalSet = "qa.v1",
    generators=("extractive",),
    retrievers=RETRIEVERS,
    baseline: bool = True,
    out: str | Path | None = None,
    settings=None,
    k: int | None = None,
    safety_set: str | Path | None = "safety.v1",
    support_labels: str | Path = "support_labels.v1",
    embeddings=None,
    progress: bool = True,
    limit: int | None = None,
) -> dict:
    """Evaluate every configuration on the set; write the report to ``out`` when given. Returns report.json's dict."""
    from tqdm import tqdm

    from index.config import load_settings
    from index.store import IndexVersion

    from bot.eval.support import SupportJudge, calibrate

    evalset = set if isinstance(set, EvalSet) else load_qa(set)
    cases = evalset.cases[:limit] if limit else evalset.cases
    settings = settings or load_settings()
    version = IndexVersion.open(settings.store_dir)  # a missing index fails here with "run `bot index`"
    if embeddings is None:
        from index.embed import PackagedEmbeddings

        embeddings = PackagedEmbeddings()
    judge = SupportJudge(embeddings)
    calibration = calibrate(judge, load_support_labels(support_labels))
    safety_cases = load_safety(safety_set) if safety_set else None
    configs = configurations(tuple(generators), tuple(retrievers), baseline)

    # safety depends on the question alone, not on retrieval: run it once, on the first configuration
    safety_on = next((c for c in configs if not c.baseline), None) if safety_cases else None
    total = len(configs) * len(cases) + (len(safety_cases) if safety_on and safety_cases else 0)  # safety_on implies cases
    bar = tqdm(total=total, desc="eval", unit="case", disable=not progress, dynamic_ncols=True)
    report: dict[str, Any] = {
        "set": evalset.name,
        "set_path": str(evalset.path),
        "cases": len(cases),
        "store": str(settings.store_dir),
        "index_version": version.path.name,
        "created": time.strftime("%Y-%m-%dT%H:%M:%S"),
        "k_eval": K_EVAL,
        "support_judge": calibration.to_dict(),
        "configurations": [],
        "safety": None,
        "notes": [],
    }
    if safety_cases is None and safety_set:
        report["notes"].append(f"safety metrics skipped: {safety_set} not found in seeds/eval/")
    try:
        with tempfile.TemporaryDirectory(prefix="bot-eval-") as tmp:
            for config in configs:
                bar.set_description(config.name)
                entry = _run_configuration(config, cases, evalset, version, settings, embeddings, judge, k, Path(tmp), bar)
                if config == safety_on:
                    entry["safety"] = run_safety(entry.pop("bot"), safety_cases, bar)
                entry.pop("bot", None)
                report["configurations"].append(entry)
    finally:
        bar.close()
    main = next((c for c in report["configurations"] if not c["baseline"] and c.get("safety")), None)
    if main:
        report["safety"] = {"configuration": main["name"], **main["safety"]}
    if out:
        from bot.eval.report import write_report

        write_report(report, Path(out))
    return report


def _run_configuration(config: Config, cases, evalset, version, settings, embeddings, judge, k, tmp: Path, bar) -> dict:
    """Every case through one configuration: the Bot, or a baseline handing its chunks to the Bot's generator."""
    from bot.api import Bot

    bot = Bot(settings=settings, generator=config.generator, embeddings=embeddings,
              retriever_mode=config.retriever if not config.baseline else "dense")
    baseline = BASELINES[config.retriever](evalset.source, version.records, evalset.doc, embeddings, tmp / config.retriever) \
        if config.baseline else None
    results = []
    for case in cases:
        view = _ask_baseline(bot, baseline, case) if baseline else _ask_bot(bot, case, k)
        results.append(_case_result(case, view, judge))
        bar.update(1)
    entry: dict[str, Any] = {"name": config.name, "generator": config.generator, "retriever": config.retriever,
             "baseline": config.baseline, "summary": summarise(cases, results), "results": results, "bot": bot}
    if baseline is not None:
        entry["summary"]["baseline_chunks"] = baseline.chunks
    return entry


def _case_result(case: Case, view: dict, judge) -> dict:
    """One case's record in report.json: what was asked, the answer's view and its scores."""
    relevance = None
    if not view["abstained"] and not view.get("error") and not case.abstain:
        q, a = judge.vectors([case.question, _clean_for_relevance(view["text"]) or view["text"]])
        relevance = M.answer_relevance(q, a)
    return {"case": case.id, "type": case.type, "question": case.question,
            "history": [list(t) for t in case.history], "gold_ids": list(case.gold_ids),
            "gold_quotes": list(case.gold_quotes), "reference": case.reference,
            "one_sided": case.one_sided, "abstain": case.abstain,
            "view": view, "scores": score_case(case, view, judge, relevance)}


def _ask_bot(bot, case: Case, k: int | None) -> dict:
    try:
        return view_of_answer(bot.ask(case.question, history=list(case.history), k=k))
    except GeneratorError:
        raise  # a misconfigured model fails every case: stop with its message
    except Exception as exc:
        return {"text": "", "abstained": False, "cited": {}, "cited_ids": [], "perspectives_cited": 0, "sources": [],
                "flags": [], "resources": 0, "perspectives": 0, "timings": {}, "error": f"{type(exc).__name__}: {exc}"}


def _ask_baseline(bot, baseline, case: Case) -> dict:
    started = time.perf_counter()
    sources = baseline.search(case.question, TUTORIAL_K)  # baselines retrieve on the bare question
    t_retrieve = time.perf_counter() - started
    t = time.perf_counter()
    text = "".join(bot.generator.stream(case.question, sources, list(case.history), plan=bot.plan(case.question, sources)))
    t_generate = time.perf_counter() - t
    by_rank = {s.rank: s for s in sources}
    cited = {}
    cited_ids: list[str] = []
    cited_order: list[list[str]] = []
    for sent in M.answer_sentences(text):
        for n in sent.cites:
            if n in by_rank:
                cited[n] = by_rank[n].text
                cited_ids.extend(by_rank[n].record_ids)
                cited_order.append(list(by_rank[n].record_ids))
    return {
        "text": text,
        "abstained": not text.strip(),
        "cited": cited,
        "cited_ids": cited_ids,
        "cited_order": cited_order,
        "perspectives_cited": 0,
        "sources": [{"rank": s.rank, "ids": list(s.record_ids), "text": s.text} for s in sources],
        "flags": [],
        "resources": 0,
        "perspectives": 0,
        "timings": {"retrieve": t_retrieve, "generate": t_generate, "total": time.perf_counter() - started},
        "query": case.question,
    }


# --- the regression gate ---------------------------------------------------------------


def check_gate(report: dict, thresholds: dict | None = None) -> list[str]:
    """Metrics of the gated configuration that fall below thresholds.json; [] when all pass."""
    if thresholds is None:
        thresholds = json.loads(THRESHOLDS.read_text(encoding="utf-8"))
    name = thresholds["configuration"]
    config = next((c for c in report["configurations"] if c["name"] == name), None)
    if config is None:
        return [f"configuration {name} was not run"]
    failures = []
    for metric, floor in thresholds["min"].items():
        value = config["summary"].get(metric)
        if value is None or value < floor:
            failures.append(f"{name} {metric} = {value if value is None else round(value, 4)} < {floor}")
    return failures
