"""Precision and recall per safety flag on seeds/eval/safety.v1.yaml, and every false alarm.

    .venv/bin/python benchmarks/safety_report.py            # patterns + embeddings (the shipped detector)
    .venv/bin/python benchmarks/safety_report.py --sweep    # also: thresholds vs. precision/recall

Three columns of results: the shipped detector, patterns only (what runs when the model
fails: the fail-closed mode), and the embedding side only (patterns switched off), so the
contribution of each half is visible.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import yaml  # noqa: E402

from bot.safety import detect  # noqa: E402
from bot.safety.detect import FLAGS, Detector  # noqa: E402

EVAL = Path(__file__).resolve().parents[1] / "seeds" / "eval" / "safety.v1.yaml"


class _Broken:
    def embed_documents(self, texts):
        raise RuntimeError("benchmark: embeddings switched off")


def load_cases(path: Path = EVAL) -> list[dict]:
    return yaml.safe_load(path.read_text(encoding="utf-8"))["cases"]


def score(cases, predict) -> tuple[dict, list]:
    stats = {f: [0, 0, 0] for f in FLAGS}  # tp, fp, fn
    alarms = []
    for case in cases:
        got, want = set(predict(case["text"])), set(case["flags"])
        for f in FLAGS:
            stats[f][0] += f in got and f in want
            stats[f][1] += f in got and f not in want
            stats[f][2] += f not in got and f in want
        if got != want:
            alarms.append((case["kind"], sorted(want), sorted(got), case["text"]))
    return stats, alarms


def pr(tp, fp, fn) -> tuple[float, float]:
    return (tp / (tp + fp) if tp + fp else 1.0), (tp / (tp + fn) if tp + fn else 1.0)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sweep", action="store_true", help="print precision/recall for a range of thresholds")
    args = ap.parse_args(argv)
    cases = load_cases()
    shipped = Detector()
    runs = {
        "shipped": lambda t: shipped.detect(t).flags,
        "patterns only": lambda t: Detector(embeddings=_Broken()).detect(t).flags,
        "embeddings only": lambda t, d=Detector(embeddings=shipped.embeddings, patterns=False): d.detect(t).flags,
    }
    import logging

    logging.getLogger("bot.safety").setLevel(logging.ERROR)
    print(f"{len(cases)} cases from {EVAL.name}")
    results = {name: score(cases, fn) for name, fn in runs.items()}
    print(f"{'flag':10} {'support':>7} | " + " | ".join(f"{n:^17}" for n in runs))
    print(f"{'':10} {'':>7} | " + " | ".join(f"{'precision recall':17}" for _ in runs))
    for f in FLAGS:
        support = sum(f in c["flags"] for c in cases)
        cells = []
        for name in runs:
            p, r = pr(*results[name][0][f])
            cells.append(f"{p:9.2f} {r:6.2f} ")
        print(f"{f:10} {support:7d} | " + " | ".join(cells))
    for name, (_, alarms) in results.items():
        print(f"\nMismatches, {name} ({len(alarms)}):")
        for kind, want, got, text in alarms:
            print(f"  [{kind}] expected {want} got {got}: {text}")
    if args.sweep:
        sweep(cases, shipped)
    return 0


def sweep(cases, detector: Detector) -> None:
    """Vary one flag's similarity threshold at a time (patterns on), print precision/recall."""
    print("\nThreshold sweep (patterns + embeddings), one flag at a time:")
    for flag in ("self_harm", "abuse", "distress", "injection"):
        base = detect.THRESHOLDS[flag]
        row = []
        for t in (0.40, 0.45, 0.50, 0.55, 0.60, 0.62, 0.65, 0.70, 0.75):
            detect.THRESHOLDS[flag] = t
            stats, _ = score(cases, lambda text: detector.detect(text).flags)
            p, r = pr(*stats[flag])
            row.append(f"{t:.2f}:{p:.2f}/{r:.2f}")
        detect.THRESHOLDS[flag] = base
        print(f"  {flag:10} (p/r) " + "  ".join(row))


if __name__ == "__main__":
    sys.exit(main())
