"""Start-up: wall time from a new process to the first extractive answer (`bot ask` on an existing
index), with the question embedded by the ONNX export (the default once `bot index` has run) and,
for comparison, by torch (an index folder without the export: the fallback). In the same run, the
time of `python -c "import torch"` for reference. Prints numbers; asserts nothing.

    .venv/bin/python benchmarks/bench_start.py [--runs 5] [--store DIR]

Without --store it indexes the bundled article into a temporary folder first (not timed).
Each run is a new process of this checkout (python -m bot.cli), like a user typing `bot ask`.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
QUESTION = "Why do men pull away?"


def timed(cmd: list[str], env: dict) -> tuple[float, subprocess.CompletedProcess]:
    t = time.perf_counter()
    done = subprocess.run(cmd, env=env, cwd=ROOT, capture_output=True, text=True)
    wall = time.perf_counter() - t
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed:\n{done.stderr[-2000:]}")
    return wall, done


def first_answers(env: dict, runs: int) -> tuple[list[float], dict]:
    """Wall seconds of `bot ask --json` in new processes, and the stage timings of the last one."""
    walls, stages = [], {}
    for _ in range(runs):
        wall, done = timed([sys.executable, "-m", "bot.cli", "ask", QUESTION, "--json"], env)
        answer = json.loads(done.stdout)
        assert answer["citations"], "no citations: is the index empty?"
        walls.append(wall)
        stages = answer["meta"]["timings"]
    return walls, stages


def row(name: str, walls: list[float], stages: dict | None = None) -> str:
    inside = "  ".join(f"{k} {v * 1000:.0f} ms" for k, v in (stages or {}).items())
    return (f"{name:44} median {statistics.median(walls):5.2f} s  min {min(walls):5.2f} s  max {max(walls):5.2f} s"
            + (f"   (in the answer: {inside})" if inside else ""))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--store", help="an existing index folder (default: index the bundled article into a tmp folder)")
    args = ap.parse_args()
    path = os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))
    with tempfile.TemporaryDirectory() as tmp:
        store = Path(args.store) if args.store else Path(tmp) / "store"
        env = {**os.environ, "PYTHONPATH": path, "BOT_STORE": str(store)}
        index_wall, done = timed([sys.executable, "-m", "bot.cli", "index", "--quiet"], env)  # also exports the model
        print(f"bot index (not part of the start-up): {index_wall:.1f} s: {done.stdout.strip()}")
        without = {**env, "BOT_MODELS_DIR": str(Path(tmp) / "no-models")}  # no export, no cached safety vectors

        torch_walls = [timed([sys.executable, "-c", "import torch"], env)[0] for _ in range(args.runs)]
        onnx_walls, onnx_stages = first_answers(env, args.runs)
        torch_answers, torch_stages = first_answers(without, args.runs)
        print(f"\n{args.runs} runs each, new processes, load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")
        print(row('python -c "import torch" (reference)', torch_walls))
        print(row("bot ask, first answer (ONNX export, cached)", onnx_walls, onnx_stages))
        print(row("bot ask, first answer (no export: torch)", torch_answers, torch_stages))
        goal = statistics.median(onnx_walls)
        print(f"\ngoal: first answer <= 3 s: {'met' if goal <= 3 else 'NOT met'} ({goal:.2f} s median)")


if __name__ == "__main__":
    main()
