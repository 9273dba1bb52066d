"""Draft eval cases from readers' thumbs-down ratings (`bot eval --from-feedback FILE`).

Each thumbs-down answer becomes a case in the eval-set format (seeds/eval/qa.v1.yaml) with the
question, the history, the rejected answer and an EMPTY gold. The drafts go to their own file:
a person reviews each one, fills in the gold sources, and copies the good ones into the dev set.
Until its gold is filled in, the loader refuses a draft ("an answerable case needs gold sources").
"""

from __future__ import annotations

from pathlib import Path

import yaml

from index.config import DEFAULT_SEED

HEADER = """\
# Draft eval cases from thumbs-down feedback, written by `bot eval --from-feedback`.
# NOT an eval set yet: every gold is empty. For each case worth keeping:
#   1. read the question and the rejected answer (and the reader's comment);
#   2. check `type` (fact | comment | commenter | paraphrase | followup | out_of_scope);
#      a question the article does not cover is `type: out_of_scope` with `abstain: true` and no gold;
#   3. fill `gold.ids` (record ids, see `bot inspect`) and `gold.quotes` (exact quotes from the seed
#      that lie inside those records), and write a short `reference` answer;
#   4. copy the case into seeds/eval/qa.v1.yaml (the dev set; never into qa.test.v1.yaml) and run
#      `bot eval`: the loader checks every gold id and quote, and names the case if one is wrong.
# `rejected` may stay on the promoted case as the record of what went wrong; metrics ignore it.
"""


def drafts_from_feedback(source: Path | str, out: Path | str) -> int:
    """Write the thumbs-down records of a feedback export (or database) as draft cases; returns how many."""
    from bot.serve.feedback import read_export

    records = [r for r in read_export(source) if r.get("rating") == "down"]
    cases = [_case(r) for r in records]
    seed = f"seeds/{DEFAULT_SEED.name}"  # the bundled article, as the eval sets name it
    body = yaml.safe_dump({"version": "qa.drafts", "source": seed, "cases": cases}, allow_unicode=True,
                          sort_keys=False, width=100)
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(HEADER + body, encoding="utf-8")
    return len(cases)


def _case(record: dict) -> dict:
    history = [list(turn) for turn in record.get("history") or []]
    case = {
        "id": f"feedback-{str(record['answer_id'])[:12]}",
        "type": "followup" if history else "fact",
        "question": record["question"],
    }
    if history:
        case["history"] = history
    case["gold"] = {"ids": [], "quotes": []}
    case["reference"] = ""
    case["rejected"] = {
        "answer": record.get("answer", ""),
        "comment": record.get("comment") or "",
        "cited": [f"[{c.get('n')}] {c.get('source_id')}: {c.get('quote')}" for c in record.get("citations") or []],
        "generator": record.get("generator") or "",
        "index_version": record.get("index_version") or "",
        "rated": record.get("updated") or record.get("created") or "",
    }
    return case
