"""Local generative models: time to first token, tokens/s and end-to-end answer time on five
questions through the Bot (retrieval + prompt + HTTP streaming + verification), next to the
same model called directly through the runtime (xllamacpp's in-process handler, no HTTP, no
LangChain) with the same prompt in the same run: the difference is our overhead. Peak RSS
of the process (the runtime is in-process) is sampled with psutil.

    .venv/bin/python benchmarks/bench_llm.py [--models smollm2-135m qwen2.5-coder-0.5b] [--max-tokens 400]

Needs an index (`bot index`) and the models' packages (`bot models`). Prompt caching is
disabled on both paths so every request reads its whole prompt. On a busy machine the
figures move a lot: the load average is printed next to them.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import psutil  # noqa: E402

from bot import Answer, Bot, TextDelta  # noqa: E402
from bot.generate.local import catalog, server  # noqa: E402

QUESTIONS = [
    "Why do men pull away according to the article?",
    "What does oxytocin do to men?",
    "What should I do when he comes back?",
    "Does giving him space mean no contact at all?",
    "What did readers say about men who disappear for days?",
]


class PeakRSS:
    """Samples this process's resident memory every 20 ms."""

    def __init__(self):
        self.proc = psutil.Process()
        self.peak = self.proc.memory_info().rss
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self):
        while not self._stop.wait(0.02):
            self.peak = max(self.peak, self.proc.memory_info().rss)

    def stop(self) -> int:
        self._stop.set()
        self._thread.join()
        return self.peak


def through_bot(bot: Bot, question: str) -> dict:
    t0 = time.perf_counter()
    first = None
    pieces = 0
    answer = None
    for event in bot.stream(question):
        if isinstance(event, TextDelta) and event.text:
            pieces += 1
            first = first or time.perf_counter()
        elif isinstance(event, Answer):
            answer = event
    total = time.perf_counter() - t0
    gen = answer.meta.timings.get("generate", 0.0)
    ttft = (first - t0) if first else float("nan")
    pre = answer.meta.timings.get("retrieve", 0.0) + answer.meta.timings.get("check", 0.0)
    decode = max(gen - (ttft - pre), 1e-9) if first else float("nan")
    return {"ttft": ttft, "tokens": pieces, "tps": pieces / decode if first else 0.0, "total": total,
            "answer": answer, "unsupported": answer.meta.unsupported, "citations": len(answer.citations),
            "abstained": answer.meta.abstained}


def direct(running, messages, max_tokens: int, temperature: float) -> dict:
    req = {
        "messages": [{"role": {"system": "system", "human": "user", "ai": "assistant"}[m.type], "content": m.content} for m in messages],
        "max_tokens": max_tokens, "temperature": temperature, "stream": True, "cache_prompt": False,
    }
    t0 = time.perf_counter()
    first = None
    last: dict = {}

    def on_chunk(chunk):
        nonlocal first, last
        delta = (chunk.get("choices") or [{}])[0].get("delta") or {}
        if delta.get("content") and first is None:
            first = time.perf_counter()
        last = chunk

    running.server.handle_chat_completions(req, on_chunk)
    total = time.perf_counter() - t0
    timings = last.get("timings", {})
    return {"ttft": (first - t0) if first else float("nan"), "tokens": timings.get("predicted_n", 0),
            "tps": timings.get("predicted_per_second", 0.0), "prompt_tokens": timings.get("prompt_n", 0),
            "prompt_tps": timings.get("prompt_per_second", 0.0), "total": total}


def med(rows, key):
    values = [r[key] for r in rows if r[key] == r[key]]  # drop NaN
    return statistics.median(values) if values else float("nan")


def bench_model(name: str, max_tokens: int, threads: int | None = None, questions=QUESTIONS) -> dict:
    rss0 = psutil.Process().memory_info().rss
    sampler = PeakRSS()
    t = time.perf_counter()
    path = catalog.ensure_model(name, progress=True)
    prepare = time.perf_counter() - t
    t = time.perf_counter()
    running = server.ensure_server(path, threads=threads)  # the Bot below reuses this server
    load = time.perf_counter() - t
    bot = Bot(generator=f"local:{name}", safety=False)
    chat = bot.generator.chat_model
    chat.max_tokens = max_tokens
    chat.extra_body = {"cache_prompt": False}
    bot.retrieve("warm up the retriever", k=2)  # load embeddings/index outside the timings
    ours, raw = [], []
    for i, q in enumerate(questions):
        b = through_bot(bot, q)
        messages = bot.generator.messages(q, b["answer"].sources, None)
        d = direct(running, messages, max_tokens, chat.temperature)
        ours.append(b)
        raw.append(d)
        print(f"  q{i + 1}: bot ttft {b['ttft']:5.2f}s {b['tps']:5.1f} tok/s total {b['total']:6.2f}s "
              f"(cited {b['citations']}, removed {b['unsupported']}{', abstained' if b['abstained'] else ''}) | "
              f"direct ttft {d['ttft']:5.2f}s {d['tps']:5.1f} tok/s total {d['total']:6.2f}s "
              f"(prompt {d['prompt_tokens']} tok at {d['prompt_tps']:.0f} tok/s, {d['tokens']} generated)", flush=True)
    peak = sampler.stop()
    server.shutdown(path)
    return {"name": name, "prepare": prepare, "load": load, "ours": ours, "raw": raw,
            "peak_rss": peak, "rss_before": rss0, "sample": ours[0]["answer"].text}


def main() -> None:
    ap = argparse.ArgumentParser()
    installed = [r["name"] for r in catalog.describe() if r["installed"]]
    ap.add_argument("--models", nargs="*", default=installed)
    ap.add_argument("--max-tokens", type=int, default=400)
    ap.add_argument("--questions", type=int, default=len(QUESTIONS), help="use only the first N questions")
    ap.add_argument("--threads", type=int, default=None, help="runtime threads (default: all cores)")
    args = ap.parse_args()
    print(f"cpus {os.cpu_count()}, runtime threads {args.threads or os.cpu_count()}, load average at start {os.getloadavg()[0]:.1f}; models: {', '.join(args.models)}")
    results = []
    for name in args.models:
        print(f"== {name}")
        results.append(bench_model(name, args.max_tokens, args.threads, QUESTIONS[: args.questions]))
    print(f"\nload average at end {os.getloadavg()[0]:.1f}; medians over {args.questions} questions")
    print(f"{'model':20} {'path':7} {'ttft s':>7} {'tok/s':>6} {'answer s':>9} {'overhead s':>10} {'peak RSS (+model)':>18} {'load s':>6}")
    for r in results:
        over = med(r["ours"], "total") - med(r["raw"], "total")
        for label, rows in (("bot", r["ours"]), ("direct", r["raw"])):
            extra = f"{over:>10.2f} {r['peak_rss'] / 2**30:>7.2f}GB (+{(r['peak_rss'] - r['rss_before']) / 2**30:.2f}GB) {r['load']:>6.2f}" if label == "bot" else ""
            print(f"{r['name']:20} {label:7} {med(rows, 'ttft'):>7.2f} {med(rows, 'tps'):>6.1f} {med(rows, 'total'):>9.2f} {extra}")
    for r in results:
        print(f"\n{r['name']} answer to {QUESTIONS[0]!r}:\n{r['sample'][:600]}")


if __name__ == "__main__":
    main()
