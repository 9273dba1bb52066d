"""Load: N concurrent simulated users x M questions each against `bot serve` on loopback, through
the web chat's endpoint (gradio_client) and through the OpenAI-compatible API (the official
`openai` client); then the web chat again while `bot index --rebuild` runs. Prints errors,
p50/p95 latency and throughput for each phase. Bounded: loopback only, a fixed number of requests.

    .venv/bin/python benchmarks/bench_load.py [--users 50] [--questions 10]

The server runs this checkout (python -m bot.cli) with --rate-limit 0: every simulated user comes
from 127.0.0.1, and the default 30 questions a minute per address would refuse most of them.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from _net import free_port  # noqa: E402  (benchmarks/ is on sys.path when run as a script)

ROOT = Path(__file__).resolve().parents[1]
QUESTIONS = [
    "Why do men pull away?",
    "What does oxytocin do to men according to the article?",
    "Does giving him space mean no contact at all?",
    "Is it rude to disappear for a few days?",
    "What should I do when he comes back?",
    "What did Veronica ask?",
    "Is he just not that into me?",
    "My boyfriend is stressed about money and ignores my texts, what do I do?",
    "What do the commenters disagree with?",
    "and what about when he comes back?",
]


def wait_up(url: str, timeout: float = 180) -> None:
    import urllib.request

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2)
            return
        except Exception:
            time.sleep(0.5)
    raise RuntimeError(f"{url} did not come up")


def user(url: str, n: int, uid: int) -> tuple[list[float], int]:
    from gradio_client import Client

    client = Client(url, analytics_enabled=False, verbose=False)
    latencies, errors = [], 0
    for i in range(n):
        q = QUESTIONS[(uid + i) % len(QUESTIONS)]
        t = time.perf_counter()
        try:
            answer = client.predict(q, "extractive", api_name="/chat")
            if not answer.get("text"):
                errors += 1
        except Exception as exc:  # counted and printed, never hidden
            errors += 1
            print(f"user {uid}: {type(exc).__name__}: {str(exc)[:120]}", file=sys.stderr)
        latencies.append(time.perf_counter() - t)
    return latencies, errors


def api_user(url: str, n: int, uid: int) -> tuple[list[float], int]:
    """One API client holding a conversation: each question is sent with the turns before it."""
    from openai import OpenAI

    client = OpenAI(base_url=f"{url.rstrip('/')}/v1", api_key="unused", max_retries=0, timeout=600)
    latencies, errors, messages = [], 0, []
    for i in range(n):
        q = QUESTIONS[(uid + i) % len(QUESTIONS)]
        messages = messages[-6:] + [{"role": "user", "content": q}]
        t = time.perf_counter()
        try:
            r = client.chat.completions.create(model="extractive", messages=messages)
            text = r.choices[0].message.content
            if not text or "citations" not in (r.model_extra or {}):
                errors += 1
            messages.append({"role": "assistant", "content": text or ""})
        except Exception as exc:  # counted and printed, never hidden
            errors += 1
            messages.pop()
            print(f"api user {uid}: {type(exc).__name__}: {str(exc)[:120]}", file=sys.stderr)
        latencies.append(time.perf_counter() - t)
    return latencies, errors


def phase(name: str, url: str, users: int, questions: int, one=user) -> None:
    t = time.perf_counter()
    with ThreadPoolExecutor(max_workers=users) as pool:
        results = list(pool.map(lambda uid: one(url, questions, uid), range(users)))
    wall = time.perf_counter() - t
    lat = sorted(x for r in results for x in r[0])
    errors = sum(r[1] for r in results)
    p = lambda q: lat[min(len(lat) - 1, int(q / 100 * len(lat)))]  # noqa: E731
    print(f"{name:38} requests {len(lat):4d}  errors {errors:3d}  p50 {p(50):6.2f}s  p95 {p(95):6.2f}s  "
          f"max {lat[-1]:6.2f}s  throughput {len(lat) / wall:5.2f} req/s  (load {os.getloadavg()[0]:.1f})")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--users", type=int, default=50)
    ap.add_argument("--questions", type=int, default=10)
    args = ap.parse_args()
    bot = [sys.executable, "-m", "bot.cli"]  # this checkout, whatever `bot` on the PATH points at
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    with tempfile.TemporaryDirectory() as tmp:
        store = Path(tmp) / "store"
        subprocess.run([*bot, "index", "--quiet", "--store", str(store)], check=True, capture_output=True, env=env, cwd=ROOT)
        port = free_port()
        url = f"http://127.0.0.1:{port}/"
        server = subprocess.Popen([*bot, "serve", "--port", str(port), "--rate-limit", "0"],
                                  env={**env, "BOT_STORE": str(store)}, cwd=ROOT,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            wait_up(url)
            user(url, 2, 0)  # warm-up: model and safety bank loaded
            api_user(url, 2, 0)
            phase(f"web chat: {args.users} users x {args.questions} q", url, args.users, args.questions)
            phase(f"API: {args.users} clients x {args.questions} q", url, args.users, args.questions, one=api_user)
            rebuild = subprocess.Popen([*bot, "index", "--quiet", "--rebuild", "--store", str(store)], env=env, cwd=ROOT,
                                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            phase("web chat, during `bot index --rebuild`", url, args.users, max(2, args.questions // 2))
            still = rebuild.poll() is None
            print(f"rebuild still running when that phase ended (the whole phase overlapped it): {still}; "
                  f"rebuild exit code {rebuild.wait()}")
            phase("after the rebuild", url, 5, 2)
        finally:
            server.terminate()
            server.wait(timeout=30)


if __name__ == "__main__":
    main()
