"""API overhead per answer: the same questions through `Bot.ask` directly and through the HTTP API
(`bot serve`'s FastAPI app under uvicorn, in this process, over loopback), in the same run, on
the same warm Bot. Prints p50/p95 of each and of the paired difference (API - direct), against
Bot.ask (the public call) and Bot.stream (what the server calls; it skips the LangChain chain).

    .venv/bin/python benchmarks/bench_api.py [--rounds 10] [--store DIR]

Both are measured after a warm-up round; the order alternates each round (direct first, then
API first) so caches and load drift favour neither. The client is the official `openai` client
(what users run) and, to show the client's own share, a bare httpx client. Bounded: loopback
only, rounds x 10 questions.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")

from _net import free_port  # noqa: E402
from bench_load import QUESTIONS  # noqa: E402


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(q / 100 * len(values)))]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=10)
    ap.add_argument("--store", help="an index to use (default: build the bundled article into a tmp folder)")
    args = ap.parse_args()

    import httpx
    from openai import OpenAI

    from bot.api import Bot
    from bot.serve.server import create_app, start
    from index.build import build_index
    from index.config import load_settings

    with tempfile.TemporaryDirectory() as tmp:
        settings = load_settings(store_dir=args.store or Path(tmp) / "store")
        if not args.store:
            build_index([], settings, progress=False)
        settings = replace(settings, rate_limit=0, feedback_path=Path(tmp) / "feedback.sqlite3")
        bot = Bot(settings=settings)
        app, answering = create_app(settings, "127.0.0.1", bot_factory=lambda spec: bot, generators=["extractive"])
        running = start(app, "127.0.0.1", free_port())
        client = OpenAI(base_url=f"{running.url}/v1", api_key="unused", max_retries=0)
        raw = httpx.Client(base_url=running.url, timeout=60)

        def direct(q):
            t = time.perf_counter()
            bot.ask(q)
            return time.perf_counter() - t

        def direct_stream(q):  # the path the server takes (Bot.stream, not the LangChain chain of Bot.ask)
            t = time.perf_counter()
            list(bot.stream(q))
            return time.perf_counter() - t

        def via_openai(q):
            t = time.perf_counter()
            client.chat.completions.create(model="extractive", messages=[{"role": "user", "content": q}])
            return time.perf_counter() - t

        def via_httpx(q):
            t = time.perf_counter()
            r = raw.post("/v1/chat/completions", json={"model": "extractive", "messages": [{"role": "user", "content": q}]})
            r.raise_for_status()
            return time.perf_counter() - t

        try:
            for q in QUESTIONS:  # warm-up: models, caches, connections
                direct(q), direct_stream(q), via_openai(q), via_httpx(q)
            ways = {"direct": direct, "stream": direct_stream, "openai": via_openai, "httpx": via_httpx}
            times = {name: [] for name in ways}
            for r in range(args.rounds):
                for q in QUESTIONS:
                    for name in (list(ways) if r % 2 == 0 else list(ways)[::-1]):
                        times[name].append(ways[name](q))
        finally:
            running.stop()
            answering.close()

    n = len(times["direct"])
    print(f"{n} answers each way ({args.rounds} rounds x {len(QUESTIONS)} questions), extractive, "
          f"load {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    for name, label in (("direct", "Bot.ask directly"), ("stream", "Bot.stream directly"),
                        ("openai", "API, openai client"), ("httpx", "API, httpx client")):
        print(f"  {label:22} p50 {pct(times[name], 50) * 1000:7.1f} ms  p95 {pct(times[name], 95) * 1000:7.1f} ms")
    for base, base_label in (("direct", "Bot.ask"), ("stream", "Bot.stream")):
        for name, label in (("openai", "openai client"), ("httpx", "httpx client")):
            diffs = [a - d for a, d in zip(times[name], times[base])]
            print(f"  API overhead per answer vs {base_label:10} ({label}): p50 {statistics.median(diffs) * 1000:6.1f} ms  "
                  f"p95 {pct(diffs, 95) * 1000:6.1f} ms  (paired: same question, same round)")


if __name__ == "__main__":
    main()
