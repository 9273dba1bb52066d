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
    for note in answer.safety.notes if answer.safety else []:
        lines.append(f"note: {note}")
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
