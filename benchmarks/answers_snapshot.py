"""Every answer of the dev, test and safety sets as plain data, for proving a refactor changes nothing.

    .venv/bin/python benchmarks/answers_snapshot.py --out /tmp/before.json      # on the old code
    .venv/bin/python benchmarks/answers_snapshot.py --out /tmp/after.json       # on the new code, same index
    cmp /tmp/before.json /tmp/after.json && echo identical

Asks qa.v1, qa.dev.v2, qa.test.v1 (with their conversation history), the safety and ordinary-traffic
sets (with their ``then`` follow-ups) and the judged rounds on the bundled index; then, on a scratch
index of every bundled post, each post's questions and lead split questions scoped to their post, and
the disclosure probes (a disclosure, "I'm safe now", an article question) on every post. Each keeps the text,
the citations (post, record, exact span), the safety decision (flags, tier, care, helplines,
perspectives, withheld) and the lead. The run is deterministic: it re-executes itself with
PYTHONHASHSEED=0, since a few choices still follow set order (which string hashing changes per process).
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

QA = ("qa.v1", "qa.dev.v2", "qa.test.v1")
SAFETY = ("safety.v1", "safety.dev.v2", "safety.test.v1", "safety.dev.v3", "safety.test.v2",
          "traffic.dev.v1", "traffic.test.v1")
JUDGED = ("r27", "r28", "r29", "r30")
LEAD = ("lead.dev.v1", "lead.test.v1")


def view(a) -> dict:
    return {"text": a.text, "citations": [[c.n, c.doc, c.source_id, c.start, c.end] for c in a.citations],
            "flags": list(a.safety.flags), "tier": str(a.safety.tier), "care": a.safety.care,
            "resources": len(a.safety.resources), "perspectives": [p.title for p in a.safety.perspectives],
            "withheld": list(a.safety.withheld), "abstained": a.meta.abstained, "lead": a.meta.lead, "kind": a.meta.kind}


def main() -> None:
    if os.environ.get("PYTHONHASHSEED") != "0":  # the same set order in every run
        os.execve(sys.executable, [sys.executable, *sys.argv], {**os.environ, "PYTHONHASHSEED": "0"})
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", required=True, help="JSON file to write")
    ap.add_argument("--store", help="index folder (default: the configured store)")
    ap.add_argument("--posts-store", help="where to build the every-post index (default: a temporary folder)")
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
            history = []
            for said in case.get("history") or []:  # earlier user turns, answered in order
                said = said if isinstance(said, str) else said.get("user", "")
                history.append((said, bot.ask(said, history=list(history)).text))
            first = bot.ask(case["text"], history=list(history))
            rows[f"{name}/{case.get('id', i)}"] = view(first)
            if case.get("then"):
                rows[f"{name}/{case.get('id', i)}/then"] = view(bot.ask(case["then"], history=[(case["text"], first.text)]))
    for name in JUDGED:
        data = yaml.safe_load(bundled("seeds", "eval", "judged", f"{name}.questions.yaml").read_text(encoding="utf-8"))
        for case in data["questions"]:
            history = []
            for turn in case.get("history") or []:
                history.append((turn["user"], bot.ask(turn["user"], history=list(history)).text))
            rows[f"{name}/{case['id']}"] = view(bot.ask(case["question"], history=history))
    rows.update(every_post(args.posts_store))
    Path(args.out).write_text(json.dumps(rows, indent=0, ensure_ascii=False, sort_keys=True), encoding="utf-8")
    print(f"{len(rows)} answers -> {args.out}")


def every_post(store: str | None) -> dict:
    """The bundled posts in one scratch index: their questions, the lead splits and the disclosure probes."""
    import tempfile
    from dataclasses import replace

    import yaml

    from bot.api import Bot
    from bot.eval.lead import load_lead_split, split_path
    from index.build import build_index
    from index.bundled import bundled
    from index.config import load_settings

    posts = sorted([*bundled("seeds", "posts").glob("*.txt"), *bundled("seeds", "eval", "dev-posts").glob("*.txt"),
                    bundled("seeds", "why-men-pull-away.txt")])
    probes = yaml.safe_load(bundled("seeds", "eval", "disclosure_probes.dev.yaml").read_text(encoding="utf-8"))
    rows = {}
    with tempfile.TemporaryDirectory(prefix="snapshot-") as tmp:
        settings = replace(load_settings(), store_dir=Path(store or tmp) / "store", chroma_url=None)
        if not (settings.store_dir / "CURRENT").exists():
            build_index(posts, settings, progress=False)
        bot = Bot(settings=settings)
        for path in posts:
            slug = path.stem
            questions = path.with_name(f"{slug}.questions.yaml")
            if questions.is_file():
                for i, case in enumerate(yaml.safe_load(questions.read_text(encoding="utf-8"))["questions"]):
                    rows[f"{slug}/{case.get('id', i)}"] = view(bot.ask(case["question"], post=slug))
            for i, (disclosure, safe) in enumerate(probes["disclosures"]):
                history = []
                for said in (disclosure, safe):
                    history.append((said, bot.ask(said, history=list(history), post=slug).text))
                for j, question in enumerate(probes["questions"]):
                    rows[f"{slug}/probe{i}/{j}"] = view(bot.ask(question, history=list(history), post=slug))
        for name in LEAD:
            for case in load_lead_split(split_path(name)):
                rows[f"{name}/{case.id}"] = view(bot.ask(case.question, post=case.post))
    return rows


if __name__ == "__main__":
    main()
