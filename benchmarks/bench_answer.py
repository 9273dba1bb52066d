"""Our retrieval and answers against the standard LangChain tutorial recipe, in one run.

Baseline: RecursiveCharacterTextSplitter(1000, 200) over the raw file, Chroma with the same
packaged embeddings, similarity_search(k=4) (bot.eval.baselines.TutorialBaseline). Ours: the
hybrid retriever over the built index. Questions with known sources: seeds/eval/qa.v1.yaml
(single-turn cases with gold record ids). End-to-end for the baseline = its retrieval plus the
same extractive composer over its chunks (no verification, no abstention).

    .venv/bin/python benchmarks/bench_answer.py
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot import Bot  # noqa: E402
from bot.eval import metrics as M  # noqa: E402
from bot.eval.dataset import load_qa  # noqa: E402
from bot.eval.baselines import TutorialBaseline  # noqa: E402
from index.config import DEFAULT_SEED, load_settings  # noqa: E402
from index.parse import parse_file  # noqa: E402


def pct(values, q):
    return M.percentile(values, q) * 1000


def timed(fn, *args, **kw):
    t = time.perf_counter()
    out = fn(*args, **kw)
    return out, time.perf_counter() - t


def main() -> None:
    evalset = load_qa("qa.v1")
    cases = [c for c in evalset.cases if c.gold_ids and not c.history]
    bot = Bot(load_settings())
    bot.ask("warm up")  # loads the model, index and safety bank once
    with tempfile.TemporaryDirectory() as tmp:
        base = TutorialBaseline(DEFAULT_SEED, parse_file(DEFAULT_SEED), "why-men-pull-away", bot.embeddings, Path(tmp))
        rows = {"ours (hybrid, k=5)": [], "LangChain tutorial (k=4)": []}
        lat = {name: {"retrieve": [], "answer": []} for name in rows}
        for case in cases:
            ours, t = timed(bot.retrieve, case.question, k=5)
            lat["ours (hybrid, k=5)"]["retrieve"].append(t)
            rows["ours (hybrid, k=5)"].append([set(s.record_ids) for s in ours])
            _, t = timed(bot.ask, case.question)
            lat["ours (hybrid, k=5)"]["answer"].append(t)

            theirs, t = timed(base.search, case.question, k=4)
            lat["LangChain tutorial (k=4)"]["retrieve"].append(t)
            rows["LangChain tutorial (k=4)"].append([set(s.record_ids) for s in theirs])
            t0 = time.perf_counter()
            "".join(bot.generator.stream(case.question, theirs, plan=bot.plan(case.question, theirs)))
            lat["LangChain tutorial (k=4)"]["answer"].append(t + time.perf_counter() - t0)

        print(f"{len(cases)} single-turn questions with gold sources (qa.v1), load {os.getloadavg()[0]:.1f}")
        print(f"{'':28} {'recall@5':>9} {'MRR':>6} {'retr p50':>9} {'retr p95':>9} {'answer p50':>11} {'answer p95':>11}")
        for name, ranked in rows.items():
            recall = statistics.mean(M.recall_at_k(r, c.gold_ids, 5) for r, c in zip(ranked, cases))
            mrr = statistics.mean(M.reciprocal_rank(r, c.gold_ids) for r, c in zip(ranked, cases))
            lr, la = lat[name]["retrieve"], lat[name]["answer"]
            print(f"{name:28} {recall:9.3f} {mrr:6.3f} {pct(lr, 50):7.1f}ms {pct(lr, 95):7.1f}ms {pct(la, 50):9.1f}ms {pct(la, 95):9.1f}ms")

        # cold start: a new process until the first answer is printed
        cmd = [sys.executable, "-m", "bot.cli", "ask", "Why do men pull away?"]
        _, ours_cold = timed(subprocess.run, cmd, check=True, capture_output=True)
        script = (
            "import sys; sys.path.insert(0, %r)\n"
            "from index.embed import PackagedEmbeddings\n"
            "from langchain_chroma import Chroma\n"
            "from chromadb.config import Settings\n"
            "s = Chroma(collection_name='tutorial', embedding_function=PackagedEmbeddings(), persist_directory=%r,"
            " client_settings=Settings(anonymized_telemetry=False, is_persistent=True, persist_directory=%r))\n"
            "print(s.similarity_search('Why do men pull away?', k=4)[0].page_content[:80])\n"
        ) % (str(ROOT), tmp, tmp)
        _, base_cold = timed(subprocess.run, [sys.executable, "-c", script], check=True, capture_output=True)
        print(f"cold start, new process to first answer: ours {ours_cold:.1f}s (bot ask, incl. safety bank), "
              f"tutorial {base_cold:.1f}s (retrieval only, store already built)")


if __name__ == "__main__":
    main()
