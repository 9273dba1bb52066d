"""Load: N concurrent simulated users x M questions each through gradio_client against `bot serve`
on loopback; then the same while `bot index --rebuild` runs. Prints errors, p50/p95 latency and
throughput for both phases. Bounded: loopback only, a fixed number of requests, a time limit.

    .venv/bin/python benchmarks/bench_load.py [--users 50] [--questions 10]
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


def phase(name: str, url: str, users: int, questions: int) -> None:
    t = time.perf_counter()
    with ThreadPoolExecutor(max_workers=users) as pool:
        results = list(pool.map(lambda uid: user(url, questions, uid), range(users)))
    wall = time.perf_counter() - t
    lat = sorted(x for r in results for x in r[0])
    errors = sum(r[1] for r in results)
    p = lambda q: lat[min(len(lat) - 1, int(q / 100 * len(lat)))]  # noqa: E731
    print(f"{name:34} requests {len(lat):4d}  errors {errors:3d}  p50 {p(50):6.2f}s  p95 {p(95):6.2f}s  "
          f"max {lat[-1]:6.2f}s  throughput {len(lat) / wall:5.2f} req/s  (load {os.getloadavg()[0]:.1f})")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--users", type=int, default=50)
    ap.add_argument("--questions", type=int, default=10)
    args = ap.parse_args()
    bot = str(Path(sys.executable).parent / "bot")
    with tempfile.TemporaryDirectory() as tmp:
        store = Path(tmp) / "store"
        subprocess.run([bot, "index", "--quiet", "--store", str(store)], check=True, capture_output=True)
        port = free_port()
        url = f"http://127.0.0.1:{port}/"
        env = {**os.environ, "BOT_STORE": str(store)}
        server = subprocess.Popen([bot, "serve", "--port", str(port)], env=env,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            wait_up(url)
            user(url, 2, 0)  # warm-up: model and safety bank loaded
            phase(f"{args.users} users x {args.questions} questions", url, args.users, args.questions)
            rebuild = subprocess.Popen([bot, "index", "--quiet", "--rebuild", "--store", str(store)],
                                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            phase("same, during `bot index --rebuild`", url, args.users, max(2, args.questions // 2))
            still = rebuild.poll() is None
            print(f"rebuild still running when that phase ended (the whole phase overlapped it): {still}; "
                  f"rebuild exit code {rebuild.wait()}")
            phase("after the rebuild", url, 5, 2)
        finally:
            server.terminate()
            server.wait(timeout=30)


if __name__ == "__main__":
    main()
