"""Load: N concurrent simulated users x M questions each against `bot serve` on loopback, through
the web chat's endpoint (gradio_client) and through the OpenAI-compatible API (the official
`openai` client), once per `--concurrency` value (a new server each, in the same run); then, on
the last server, the web chat again while `bot index --rebuild` runs. Prints errors, p50/p95
latency and throughput for each phase, then a table against concurrency 1. Bounded: loopback
only, a fixed number of requests.

    .venv/bin/python benchmarks/bench_load.py [--users 50] [--questions 10] [--concurrency 1 2 4 8] [--procs 5]

The users run in `--procs` client processes (threads inside each): one gradio_client costs ~40 ms
of CPU per question, so 50 of them in one process are held back by that process's GIL, and the
benchmark would measure its own client instead of the server. Clients connect before the clock
starts. An answer counts as an error when the call fails, or when it has neither text nor care
(a care-only answer, e.g. to a message flagged as danger, is an answer: those are counted apart).

The server runs this checkout (python -m bot.cli) with --rate-limit 0: every simulated user comes
from 127.0.0.1, and the default 30 questions a minute per address would refuse most of them.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
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


def chat_client(url: str):
    from gradio_client import Client

    return Client(url, analytics_enabled=False, verbose=False)  # one Client = one conversation


def api_client(url: str):
    from openai import OpenAI

    return OpenAI(base_url=f"{url.rstrip('/')}/v1", api_key="unused", max_retries=0, timeout=600)


def user(client, n: int, uid: int) -> tuple[list[float], int, int]:
    """(latencies, errors, care-only answers) of one web chat user asking n questions in a row."""
    latencies, errors, care_only = [], 0, 0
    for i in range(n):
        q = QUESTIONS[(uid + i) % len(QUESTIONS)]
        t = time.perf_counter()
        try:
            answer = client.predict(q, "extractive", api_name="/chat")
            if not answer.get("text"):
                if (answer.get("safety") or {}).get("care"):
                    care_only += 1  # care and helplines instead of the article: an answer
                else:
                    errors += 1
        except Exception as exc:  # counted and printed, never hidden
            errors += 1
            print(f"user {uid}: {type(exc).__name__}: {str(exc)[:120]}", file=sys.stderr)
        latencies.append(time.perf_counter() - t)
    return latencies, errors, care_only


def api_user(client, n: int, uid: int) -> tuple[list[float], int, int]:
    """One API client holding a conversation: each question is sent with the turns before it."""
    latencies, errors, care_only, messages = [], 0, 0, []
    for i in range(n):
        q = QUESTIONS[(uid + i) % len(QUESTIONS)]
        messages = messages[-6:] + [{"role": "user", "content": q}]
        t = time.perf_counter()
        try:
            r = client.chat.completions.create(model="extractive", messages=messages)
            text = r.choices[0].message.content
            extra = r.model_extra or {}
            if not text or "citations" not in extra:
                errors += 1
            elif (extra.get("safety") or {}).get("care") and not extra.get("citations"):
                care_only += 1
            messages.append({"role": "assistant", "content": text or ""})
        except Exception as exc:  # counted and printed, never hidden
            errors += 1
            messages.pop()
            print(f"api user {uid}: {type(exc).__name__}: {str(exc)[:120]}", file=sys.stderr)
        latencies.append(time.perf_counter() - t)
    return latencies, errors, care_only


DOORS = {"web chat": (chat_client, user), "API": (api_client, api_user)}


def _client_process(door: str, url: str, questions: int, uids: list[int], ready, go, results) -> None:
    connect, one = DOORS[door]
    clients = [connect(url) for _ in uids]  # before the clock starts
    ready.put(len(clients))
    go.wait()
    cpu = time.process_time()
    with ThreadPoolExecutor(max_workers=len(uids)) as pool:
        out = list(pool.map(lambda pair: one(pair[0], questions, pair[1]), zip(clients, uids)))
    results.put((out, time.process_time() - cpu))


def cpu_seconds(pid: int | None) -> float | None:
    """CPU time (user + system, all threads) of a process so far; None without psutil."""
    try:
        import psutil

        times = psutil.Process(pid).cpu_times()
        return times.user + times.system
    except Exception:  # psutil is a test dependency; the numbers above do not need it
        return None


def phase(name: str, url: str, users: int, questions: int, door: str = "web chat", procs: int = 5,
          server_pid: int | None = None) -> dict:
    ctx = mp.get_context("spawn")
    ready, results, go = ctx.Queue(), ctx.Queue(), ctx.Event()
    procs = max(1, min(procs, users))
    workers = [ctx.Process(target=_client_process, args=(door, url, questions, list(range(users))[i::procs], ready, go, results))
               for i in range(procs)]
    for w in workers:
        w.start()
    for _ in workers:
        ready.get(timeout=300)
    cpu = cpu_seconds(server_pid)
    t = time.perf_counter()
    go.set()
    batches = [results.get(timeout=1800) for _ in workers]
    wall = time.perf_counter() - t
    cpu_after = cpu_seconds(server_pid)
    server_cores = (cpu_after - cpu) / wall if cpu is not None and cpu_after is not None else None
    for w in workers:
        w.join(timeout=60)
    runs = [r for batch, _ in batches for r in batch]
    client_cores = sum(cpu for _, cpu in batches) / wall
    lat = sorted(x for r in runs for x in r[0])
    p = lambda q: lat[min(len(lat) - 1, int(q / 100 * len(lat)))]  # noqa: E731
    out = {"requests": len(lat), "errors": sum(r[1] for r in runs), "care_only": sum(r[2] for r in runs),
           "p50": p(50), "p95": p(95), "max": lat[-1], "throughput": len(lat) / wall, "load": os.getloadavg()[0],
           "server_cores": server_cores, "client_cores": client_cores}
    busy = f", server busy {server_cores:.2f} cores" if server_cores is not None else ""
    busy += f", clients {client_cores:.2f} cores"
    print(f"{name:48} requests {len(lat):4d}  errors {out['errors']:3d}  p50 {out['p50']:6.2f}s  "
          f"p95 {out['p95']:6.2f}s  max {lat[-1]:6.2f}s  throughput {out['throughput']:6.2f} req/s  "
          f"(care only {out['care_only']}{busy}, load {out['load']:.1f})", flush=True)
    return out


def head_of_line(url: str, slow_model: str, users: int, questions: int, procs: int, server_pid: int | None,
                 n: int) -> dict:
    """Extractive API answers while two readers wait for a local model's answers (tens of seconds each):
    with one worker, every quick answer queues behind them."""
    import threading

    done = threading.Event()
    slow: list[float] = []

    def slow_reader(uid: int) -> None:
        client = api_client(url)
        while not done.is_set():
            t = time.perf_counter()
            try:
                client.chat.completions.create(model=slow_model, messages=[{"role": "user", "content": QUESTIONS[uid]}])
                slow.append(time.perf_counter() - t)
            except Exception as exc:
                print(f"slow reader {uid}: {type(exc).__name__}: {str(exc)[:120]}", file=sys.stderr)
                return

    readers = [threading.Thread(target=slow_reader, args=(uid,), daemon=True) for uid in range(2)]
    for r in readers:
        r.start()
    time.sleep(2)  # both local-model answers are being computed
    out = phase(f"concurrency {n}, API {users} x {questions} q while 2 wait for {slow_model}", url, users, questions,
                "API", procs, server_pid)
    done.set()
    for r in readers:
        r.join(timeout=600)
    if slow:
        print(f"    {len(slow)} {slow_model} answers meanwhile, median {sorted(slow)[len(slow) // 2]:.1f} s", flush=True)
    return out


def serving(bot: list[str], env: dict, store: Path, concurrency: int):
    """A `bot serve` process with this concurrency, warmed up; returns (process, url)."""
    port = free_port()
    url = f"http://127.0.0.1:{port}/"
    server = subprocess.Popen([*bot, "serve", "--port", str(port), "--rate-limit", "0", "--concurrency", str(concurrency)],
                              env={**env, "BOT_STORE": str(store)}, cwd=ROOT,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_up(url)
        user(chat_client(url), 2, 0)  # warm-up: model and safety bank loaded
        api_user(api_client(url), 2, 0)
    except BaseException:
        stop(server)
        raise
    return server, url


def offered(url: str) -> list[str]:
    return [m.id for m in api_client(url).models.list().data]


def stop(server) -> None:
    server.terminate()
    server.wait(timeout=30)


def table(results: dict[int, dict[str, dict]], goal_p95: float = 1.5) -> None:
    base = results.get(1)
    print("\n| concurrency | door | errors | care only | p50 | p95 | throughput | vs concurrency 1 | server busy | clients busy | load |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for n, doors in results.items():
        for door, r in doors.items():
            ratio = f"{r['throughput'] / base[door]['throughput']:.2f}x" if base else "-"
            busy = f"{r['server_cores']:.2f} cores" if r["server_cores"] is not None else "-"
            print(f"| {n} | {door} | {r['errors']} | {r['care_only']} | {r['p50']:.2f} s | {r['p95']:.2f} s | "
                  f"{r['throughput']:.1f}/s | {ratio} | {busy} | {r['client_cores']:.2f} cores | {r['load']:.1f} |")
    for n, doors in results.items():
        if n == 1 or not base:
            continue
        for door, r in doors.items():
            checks = {"0 errors": r["errors"] == 0, ">= 2x throughput": r["throughput"] >= 2 * base[door]["throughput"],
                      f"p95 <= {goal_p95} s": r["p95"] <= goal_p95}
            print(f"concurrency {n}, {door}: " + ", ".join(f"{k} {'met' if ok else 'NOT met'}" for k, ok in checks.items()))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--users", type=int, default=50)
    ap.add_argument("--questions", type=int, default=10)
    ap.add_argument("--concurrency", type=int, nargs="+", default=None,
                    help="serving concurrency values to compare, each on a new server (default: 1 and the default setting)")
    ap.add_argument("--procs", type=int, default=5, help="client processes the users are spread over (default 5)")
    ap.add_argument("--no-rebuild", action="store_true", help="skip the phase during `bot index --rebuild`")
    ap.add_argument("--slow", metavar="SPEC", default="local:smollm2-135m",
                    help="a slow generator for the head-of-line phase (default local:smollm2-135m; skipped when the "
                         "server does not offer it; '' to skip)")
    args = ap.parse_args()
    sys.path.insert(0, str(ROOT))  # this checkout's default, whatever is installed
    from index.config import Settings

    values = args.concurrency or sorted({1, Settings(store_dir=Path(".")).concurrency})
    bot = [sys.executable, "-m", "bot.cli"]  # this checkout, whatever `bot` on the PATH points at
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    with tempfile.TemporaryDirectory() as tmp:
        store = Path(tmp) / "store"
        subprocess.run([*bot, "index", "--quiet", "--store", str(store)], check=True, capture_output=True, env=env, cwd=ROOT)
        print(f"{args.users} users x {args.questions} questions per door, in {args.procs} client processes; "
              f"{os.cpu_count()} cores, load {os.getloadavg()[0]:.1f} before the first server", flush=True)
        results: dict[int, dict[str, dict]] = {}
        for i, n in enumerate(values):
            server, url = serving(bot, env, store, n)
            try:
                results[n] = {
                    door: phase(f"concurrency {n}, {door}: {args.users} x {args.questions} q", url, args.users,
                                args.questions, door, args.procs, server.pid)
                    for door in DOORS
                }
                if args.slow and args.slow in offered(url):
                    results[n]["API, 2 readers on a local model"] = head_of_line(
                        url, args.slow, 20, 5, args.procs, server.pid, n)
                if i == len(values) - 1 and not args.no_rebuild:
                    rebuild = subprocess.Popen([*bot, "index", "--quiet", "--rebuild", "--store", str(store)], env=env,
                                               cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                    phase(f"concurrency {n}, web chat during `bot index --rebuild`", url, args.users,
                          max(2, args.questions // 2), procs=args.procs, server_pid=server.pid)
                    still = rebuild.poll() is None
                    print(f"rebuild still running when that phase ended (the whole phase overlapped it): {still}; "
                          f"rebuild exit code {rebuild.wait()}")
                    phase(f"concurrency {n}, after the rebuild", url, 5, 2, procs=1, server_pid=server.pid)
            finally:
                stop(server)
        table(results)


if __name__ == "__main__":
    main()
