"""Does the first line answer? The lead splits scored side by side (dev, test), optionally against
another checkout of the code in the same run (before/after).

    .venv/bin/python benchmarks/lead_report.py                          # dev and test, this code
    .venv/bin/python benchmarks/lead_report.py --compare /path/to/old   # and an older checkout, same index

Builds one index of the posts the splits ask about (the bundled article and seeds/posts/*) in a temp
folder (or --store), then asks every question scoped to its post. The test split was written from
the posts alone before any tuning; the dev split is the one tuned on. Scoring: bot/eval/lead.py.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from _checkout import child_json  # noqa: E402

SPLITS = {"dev": ROOT / "seeds/eval/lead.dev.v1.yaml", "test": ROOT / "seeds/eval/lead.test.v1.yaml"}


def answers(code: Path, store: Path, split: Path) -> dict:
    """Every question of ``split`` asked by the Bot of the checkout at ``code`` (in a child process)."""
    return child_json(code, (
        f"bot = Bot(settings=load_settings(store_dir=Path({str(store)!r})))\n"
        f"out = {{}}\nfor c in yaml.safe_load(open({str(split)!r}))['cases']:\n"
        "    a = bot.ask(c['question'], post=c['post'])\n"
        "    out[c['id']] = {'text': a.text, 'abstained': bool(a.meta.abstained)}\n"
        "print(json.dumps(out))\n"
    ))


def score(split: Path, got: dict) -> dict:
    from bot.eval.lead import CATEGORIES, lead_answers, load_lead_split

    by = {cat: [0, 0] for cat in CATEGORIES}
    for case in load_lead_split(split):
        a = got[case.id]
        by[case.category][0] += lead_answers(case.category, case.answer, a["text"], a["abstained"])
        by[case.category][1] += 1
    by["total"] = [sum(v[0] for v in by.values()), sum(v[1] for v in list(by.values()))]
    return by


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--store", help="index folder to (re)use (default: a temp folder, built here)")
    ap.add_argument("--compare", metavar="DIR", help="another checkout of this project to score in the same run")
    ap.add_argument("--splits", default="dev,test", help="which splits (default dev,test; tune with dev only)")
    args = ap.parse_args()
    chosen = {name: SPLITS[name] for name in args.splits.split(",")}
    import yaml

    from bot.eval.lead import post_file

    slugs = sorted({c["post"] for p in SPLITS.values() for c in yaml.safe_load(p.read_text(encoding="utf-8"))["cases"]})
    with tempfile.TemporaryDirectory(prefix="lead-") as tmp:
        store = Path(args.store or tmp)
        if not (store / "CURRENT").exists():
            env = {**os.environ, "HF_HUB_OFFLINE": "1", "BOT_STORE": str(store)}
            subprocess.run([str(Path(sys.executable).with_name("bot")), "index", *map(str, map(post_file, slugs))], env=env, check=True,
                           cwd=str(ROOT), stdout=subprocess.DEVNULL)
        codes = {"this code": ROOT} | ({"compared": Path(args.compare).resolve()} if args.compare else {})
        table = {name: {split: score(path, answers(code, store, path)) for split, path in chosen.items()}
                 for name, code in codes.items()}
    cats = ["covered", "not_covered", "yes_no", "how_long", "total"]
    print(f"{'':12}" + "".join(f"{name + ' ' + split:>20}" for name in table for split in chosen))
    for cat in cats:
        cells = "".join(f"{'%d/%d' % tuple(table[name][split][cat]):>20}" for name in table for split in chosen)
        print(f"{cat:12}{cells}")


if __name__ == "__main__":
    main()
