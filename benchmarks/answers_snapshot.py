"""Every answer of the dev, test and safety sets as plain data, for proving a refactor changes nothing.

    .venv/bin/python benchmarks/answers_snapshot.py --out /tmp/before.json      # on the old code
    .venv/bin/python benchmarks/answers_snapshot.py --out /tmp/after.json       # on the new code, same index
    cmp /tmp/before.json /tmp/after.json && echo identical

Asks qa.v1, qa.dev.v2, qa.test.v1 (with their conversation history) and safety.v1, safety.dev.v2,
safety.test.v1 (with their ``then`` follow-ups): 747 answers on the bundled index. Each keeps the text,
the citations (post, record, exact span), the safety decision (flags, tier, care, helplines,
perspectives, withheld) and the lead. Run it twice on one code first: the run is deterministic.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

QA = ("qa.v1", "qa.dev.v2", "qa.test.v1")
SAFETY = ("safety.v1", "safety.dev.v2", "safety.test.v1")


def view(a) -> dict:
    return {"text": a.text, "citations": [[c.n, c.doc, c.source_id, c.start, c.end] for c in a.citations],
            "flags": list(a.safety.flags), "tier": str(a.safety.tier), "care": a.safety.care,
            "resources": len(a.safety.resources), "perspectives": [p.title for p in a.safety.perspectives],
            "withheld": list(a.safety.withheld), "abstained": a.meta.abstained, "lead": a.meta.lead, "kind": a.meta.kind}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", required=True, help="JSON file to write")
    ap.add_argument("--store", help="index folder (default: the configured store)")
    args = ap.parse_args()
    logging.disable(logging.WARNING)
    import yaml

    from bot.api import Bot
    from bot.eval.dataset import load_qa
    from index.bundled import bundled
    from index.config import load_settings

    bot = Bot(settings=load_settings(**({"store_dir": Path(args.store)} if args.store else {})))
    rows = {}
    for name in QA:
        for case in load_qa(name).cases:
            rows[f"{name}/{case.id}"] = view(bot.ask(case.question, history=list(case.history)))
    for name in SAFETY:
        data = yaml.safe_load(bundled("seeds", "eval", f"{name}.yaml").read_text(encoding="utf-8"))
        for i, case in enumerate(data["cases"]):
            first = bot.ask(case["text"])
            rows[f"{name}/{case.get('id', i)}"] = view(first)
            if case.get("then"):
                rows[f"{name}/{case.get('id', i)}/then"] = view(bot.ask(case["then"], history=[(case["text"], first.text)]))
    Path(args.out).write_text(json.dumps(rows, indent=0, ensure_ascii=False, sort_keys=True), encoding="utf-8")
    print(f"{len(rows)} answers -> {args.out}")


if __name__ == "__main__":
    main()
