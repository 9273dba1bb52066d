"""Does the answer's first line answer the question? A metric computed without a judge.

    lead_answers("yes_no", "no", answer_text)        -> True when the first line starts "No"
    run_lead(bot, cases)                              -> {"by_category": ..., "rows": [...]}

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

import yaml

from index.errors import InputError

# the first line says the text does not answer: "don't mention", "no timeframe", "doesn't cover",
# "without citing a study" (asked which study: there is none)
SILENT = re.compile(r"don[’']t (?:mention|cover|say)|doesn[’']t (?:cover|say|mention)|\bgives? no\b|\bno timeframe\b"
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
        return bool(answer) and re.match(rf"{re.escape(answer)}\b", lead, re.I) is not None
    if category == "how_long":
        if (answer or "none").lower() == "none":
            return silent
        core = re.sub(r"^(?:about|around|for|a|an)\s+", "", answer.strip(), flags=re.I).lower()
        return not silent and core in lead.lower()
    raise InputError(f"unknown lead category {category!r}; use one of {', '.join(CATEGORIES)}.")


def run_lead(bot, cases: list[LeadCase]) -> dict:
    rows = []
    for case in cases:
        answer = bot.ask(case.question, post=case.post)
        rows.append({"id": case.id, "post": case.post, "category": case.category, "question": case.question,
                     "lead": first_line(answer.text), "ok": lead_answers(case.category, case.answer, answer.text, answer.meta.abstained)})
    by = {}
    for cat in CATEGORIES:
        hits = [r["ok"] for r in rows if r["category"] == cat]
        by[cat] = (sum(hits), len(hits))
    return {"by_category": by, "total": (sum(r["ok"] for r in rows), len(rows)), "rows": rows}
