"""Plain-text rendering of an Answer for the terminal (bot ask / bot chat)."""

from __future__ import annotations

import textwrap

from index.sentences import normalise

from .answer import Answer, Citation


def where(c: Citation) -> str:
    if c.kind == "article":
        return f"the article, section “{c.section}”" if c.section else "the article"
    who = c.author or "a reader"
    reply = f", replying to {c.parent_author}" if c.parent_author else ""
    return f"comment by {who}{reply}"


def render_text(answer: Answer, width: int = 100) -> str:
    lines = [answer.text, ""]
    lines.extend(safety_lines(answer))
    if answer.citations:
        lines.append("Sources:")
        for c in answer.citations:
            lines.append(f"  [{c.n}] {where(c)} ({c.source_id}, chars {c.start}-{c.end})")
            quote = textwrap.shorten(normalise(c.quote), width=width * 2, placeholder=" …")
            lines.extend(textwrap.wrap(f"“{quote}”", width=width, initial_indent="      ", subsequent_indent="      "))
    timings = answer.meta.get("timings", {})
    lines.append(
        f"\n[{answer.meta.get('generator')}; "
        + ", ".join(f"{k} {v * 1000:.0f} ms" for k, v in timings.items())
        + (f"; {answer.meta['unsupported']} unsupported sentence(s) removed" if answer.meta.get("unsupported") else "")
        + "]"
    )
    return "\n".join(lines)


def safety_lines(answer: Answer) -> list[str]:
    """The safety report: flags, contested claims, perspectives added, resources, notes."""
    report = answer.safety
    if not report:
        return []
    lines = []
    if report.flags:
        lines.append(f"safety: {', '.join(report.flags)}")
    for claim in report.claims:
        lines.append(f"  contested claim: {claim.get('label', claim['claim'])} ({claim['source_id']})")
    for p in report.perspectives:
        cites = "".join(f"[{n}]" for n in p.citations)
        lines.append(f"  perspective added: {p.title} ({p.card or 'comment'}) {cites}".rstrip())
    for r in report.resources:
        lines.append(f"  resource ({r['region']}): {r['name']}, {r['contact']} {r['url']}")
    lines.extend(f"note: {note}" for note in report.notes)
    return lines
