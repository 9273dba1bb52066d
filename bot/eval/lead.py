"""Does the answer's first line answer the question? A metric computed without a judge.

    lead_answers("yes_no", "no", answer_text)        -> True when the first line starts "No"
    run_lead(bot, cases)                              -> {"by_category": ..., "rows": [...]}
    run_lead_split("lead.test.v1", settings)         -> the same, on a fresh index of the split's posts
                                                        (what `bot eval --lead lead.test.v1` prints)

The lead splits (seeds/eval/lead.*.yaml) label each question with what a direct first line must
say: ``not_covered`` (the text doesn't cover it: the first line says so, or the bot abstains),
``covered`` (it must not claim the text is silent), ``yes_no`` (starts with the right yes or no) and
``how_long`` (the duration written in the text, or that there is none). Only the first line counts:
a right answer buried under quotes is the failure this measures.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from index.errors import InputError

# the first line says the text does not answer: "don't mention", "no timeframe", "doesn't cover",
# "without citing a study" (asked which study: there is none)
SILENT = re.compile(r"don[’']t (?:mention|cover|say)|doesn[’']t (?:cover|say|mention)|doesn[’']t answer\b|\bgives? no\b|\bno timeframe\b"
                    r"|without citing|\bnot covered\b|\bcan[’']t answer\b", re.I)
CATEGORIES = ("covered", "not_covered", "yes_no", "how_long")


@dataclass(frozen=True)
class LeadCase:
    id: str
    post: str
    category: str
    question: str
    answer: str | None  # yes_no: "yes" | "no"; how_long: the duration as written, or "none"


def load_lead_split(path: str | Path) -> list[LeadCase]:
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    cases = []
    for row in data.get("cases") or []:
        if row.get("category") not in CATEGORIES:
            raise InputError(f"{path}: case {row.get('id')!r} has category {row.get('category')!r}; use one of {', '.join(CATEGORIES)}.")
        answer = row.get("answer")
        cases.append(LeadCase(str(row["id"]), str(row["post"]), row["category"], str(row["question"]),
                              None if answer is None else str(answer)))
    return cases


def first_line(text: str) -> str:
    return next((line.strip().strip("*").strip() for line in text.splitlines() if line.strip()), "")


def lead_answers(category: str, answer: str | None, text: str, abstained: bool = False) -> bool:
    lead = first_line(text)
    silent = abstained or bool(SILENT.search(lead))
    if category == "not_covered":
        return silent
    if category == "covered":
        return not silent
    if category == "yes_no":
        if not answer:
            return False
        return re.match(rf"{re.escape(answer)}\b", lead, re.I) is not None
    if category == "how_long":
        if not answer or answer.lower() == "none":
            return silent
        core = re.sub(r"^(?:about|around|for|a|an)\s+", "", answer.strip(), flags=re.I).lower()
        return not silent and core in lead.lower()
    raise InputError(f"unknown lead category {category!r}; use one of {', '.join(CATEGORIES)}.")


def run_lead(bot, cases: list[LeadCase]) -> dict:
    rows: list[dict[str, Any]] = []
    for case in cases:
        answer = bot.ask(case.question, post=case.post)
        rows.append({"id": case.id, "post": case.post, "category": case.category, "question": case.question,
                     "lead": first_line(answer.text), "ok": lead_answers(case.category, case.answer, answer.text, answer.meta.abstained)})
    by: dict[str, tuple[int, int]] = {}
    for cat in CATEGORIES:
        hits = [r["ok"] for r in rows if r["category"] == cat]
        by[cat] = (sum(hits), len(hits))
    return {"by_category": by, "total": (sum(r["ok"] for r in rows), len(rows)), "rows": rows}


def split_path(name: str | Path) -> Path:
    """A lead split by name (seeds/eval/<name>.yaml, bundled) or by path."""
    from index.bundled import bundled

    path = Path(name)
    if path.suffix in (".yaml", ".yml") and path.is_file():
        return path
    found = bundled("seeds", "eval", f"{name}.yaml")
    if not found.is_file():
        raise InputError(f"no lead split {name!r}: use lead.dev.v1, lead.test.v1 or a YAML path.")
    return found


def post_file(slug: str) -> Path:
    """The bundled file of a post the lead splits ask about."""
    from index.bundled import bundled

    for folder in (("seeds",), ("seeds", "posts"), ("seeds", "eval", "dev-posts")):
        path = bundled(*folder, f"{slug}.txt")
        if path.is_file():
            return path
    raise InputError(f"the lead split asks about post {slug!r}, which is not bundled under seeds/.")


def run_lead_split(name: str | Path, settings, embeddings=None) -> dict:
    """Index the split's posts into a temporary store (the packaged encoder), then ask every question
    scoped to its post. Nothing is written to ``settings.store_dir``."""
    import tempfile
    from dataclasses import replace

    from bot.api import Bot
    from index.build import build_index

    path = split_path(name)
    cases = load_lead_split(path)
    slugs = sorted({c.post for c in cases})
    with tempfile.TemporaryDirectory(prefix="bot-lead-") as tmp:
        scratch = replace(settings, store_dir=Path(tmp) / "store", chroma_url=None)  # never the shared server
        build_index([post_file(s) for s in slugs], scratch, embeddings=embeddings, progress=False)
        result = run_lead(Bot(settings=scratch, embeddings=embeddings), cases)
    return {"split": path.stem, "posts": slugs, **result}


def lead_table(results: list[dict]) -> str:
    """Markdown: one column per split, one row per category ("hits/n")."""
    head = "| category | " + " | ".join(r["split"] for r in results) + " |"
    rows = [head, "|---|" + "---|" * len(results)]
    for cat in (*CATEGORIES, "total"):
        cells = [("%d/%d" % (r["total"] if cat == "total" else r["by_category"][cat])) for r in results]
        rows.append(f"| {cat} | " + " | ".join(cells) + " |")
    return "\n".join(rows)
