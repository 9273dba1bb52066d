"""Plain-text rendering of an Answer: ``plain`` (what ``str(answer)`` is) and ``render_text``
(the terminal's ``bot ask`` / ``bot chat``: plain text plus sources and timings).

The one place that lays the safety fields out as text: care and helplines first, then the
answer, then other perspectives, then the "not professional advice" note.
"""

from __future__ import annotations

import textwrap
from typing import TYPE_CHECKING

from index.sentences import normalise

if TYPE_CHECKING:  # annotations only: bot/answer.py imports this module for str(answer)
    from bot.answer import Answer, Citation


def where(c: Citation) -> str:
    if c.kind == "article":
        return f"the article, section “{c.section}”" if c.section else "the article"
    who = c.author or "a reader"
    reply = f", replying to {c.parent_author}" if c.parent_author else ""
    return f"comment by {who}{reply}"


PERSPECTIVE_HEAD = "Another perspective (not from the article):"
PLAN_HEAD = "A safety plan can help. Think about:"


def resource_line(r: dict) -> str:
    region = f"{r['region']}: " if r.get("region") else ""
    url = f" ({r['url']})" if r.get("url") else ""
    return f"- {region}{r.get('name', '')}, {r.get('contact', '')}{url}"


def perspective_line(p) -> str:
    if p.origin == "card":
        return f"- {p.title}. {p.text} (Where this comes from: {p.source})" if p.source else f"- {p.title}. {p.text}"
    cites = "".join(f" [{n}]" for n in p.citations)
    stance = f" ({p.stance})" if p.stance else ""
    return f"- {p.title}{stance}: “{' '.join(p.text.split())}”{cites}"


def plain(answer: Answer) -> str:
    """The whole answer as plain text, safety fields included, in the order a reader needs them."""
    report = answer.safety
    parts = []
    if report.care:
        parts.append(report.care)
    if report.resources:
        parts.append("\n".join([resource_line(r) for r in report.resources] + ([report.emergency] if report.emergency else [])))
    if report.plan:
        parts.append("\n".join([PLAN_HEAD] + [f"- {step}" for step in report.plan]))
    if answer.text:
        parts.append(answer.text)
    if report.perspectives:
        parts.append("\n".join([PERSPECTIVE_HEAD] + [perspective_line(p) for p in report.perspectives]))
    if report.reach_out:
        parts.append(report.reach_out)
    if report.disclaimer:
        parts.append(report.disclaimer)
    return "\n\n".join(parts)


def render_text(answer: Answer, width: int = 100) -> str:
    lines = [plain(answer), ""]
    lines.extend(safety_lines(answer))
    if answer.citations:
        lines.append("Sources:")
        for c in answer.citations:
            lines.append(f"  [{c.n}] {where(c)} ({c.source_id}, chars {c.start}-{c.end})")
            quote = textwrap.shorten(normalise(c.quote), width=width * 2, placeholder=" …")
            lines.extend(textwrap.wrap(f"“{quote}”", width=width, initial_indent="      ", subsequent_indent="      "))
    timings = answer.meta.timings or {}
    lines.append(
        f"\n[{answer.meta.generator}; "
        + ", ".join(f"{k} {v * 1000:.0f} ms" for k, v in timings.items())
        + (f"; {answer.meta.unsupported} unsupported sentence(s) removed" if answer.meta.unsupported else "")
        + "]"
    )
    return "\n".join(lines)


def safety_lines(answer: Answer) -> list[str]:
    """What the safety layer decided, for the terminal: flags, tier, contested claims, withheld passages, notes."""
    report = answer.safety
    if not report:
        return []
    lines = []
    if report.flags:
        lines.append(f"safety: {', '.join(report.flags)}" + (f" (tier: {report.tier})" if report.tier else ""))
    for claim in report.claims:
        lines.append(f"  contested claim: {claim.get('label', claim['claim'])} ({claim['source_id']})")
    if report.withheld:
        lines.append(f"  not quoted here: {', '.join(report.withheld)}")
    lines.extend(f"note: {note}" for note in report.notes)
    return lines
