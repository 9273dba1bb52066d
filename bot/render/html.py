"""Turn an Answer into the HTML the web chat shows. Pure functions, no Gradio.

Every piece of text that comes from the corpus, the user or a model goes through
``esc`` (HTML-escaped, line breaks as <br>), so a comment holding
``<img src=x onerror=alert(1)>`` is shown as those characters and never runs.
Each message is ONE line of HTML starting with a <div>: the chat's Markdown
renderer passes such a block through untouched, so ``*``, ``_``, ``$$`` or
``[text](url)`` in a comment stay literal text too.

Layout of an answer, top to bottom (every part read from a field of the Answer, never parsed
out of its text):
    safety box: care, helplines (US, UK/Ireland, elsewhere) and a safety plan (SafetyReport)
    the answer (Answer.text), with [n] markers (hover shows the quote)
    "Another perspective" box: cards and cited readers (SafetyReport.perspectives)
    the "not professional advice" note (SafetyReport.disclaimer)
    Sources: numbered like the markers; quote, who wrote it, where it sits,
             and the surrounding passage one click away
    a footer line: generator, prompt version, time taken
"""

from __future__ import annotations

import html
import re

from bot.cite import markers
from bot.answer import Answer, Citation, Source

_SAFE_URL = re.compile(r"^(https?://|tel:|mailto:|sms:)[^\s\"'<>]*$", re.I)
URGENT_FLAGS = ("self_harm", "abuse", "check_in")


def esc(text: str | None) -> str:
    """Text as inert HTML: escaped, line breaks kept as <br>, no raw newline left."""
    out = html.escape(text or "", quote=True)
    return out.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "<br>")


def _attr(text: str | None, limit: int = 400) -> str:
    text = " ".join((text or "").split())
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return html.escape(text, quote=True)


_BOLD = re.compile(r"\*\*([^*<>]+?)\*\*")


def _bold(escaped: str) -> str:
    """The one piece of Markdown answers use, **bold** headings, applied to escaped text."""
    return _BOLD.sub(r"<strong>\1</strong>", escaped)


def _markers(escaped: str, citations: list[Citation]) -> str:
    """Style [n] markers in already-escaped text; hovering one shows its quote."""
    by_n = {c.n: c for c in citations}

    def sub(m: re.Match) -> str:
        n = int(m.group(1))
        cite = by_n.get(n)
        if cite is None:
            return m.group(0)
        return f'<sup class="cite" title="{_attr(who(cite))}: {_attr(cite.quote)}">[{n}]</sup>'

    return markers.MARKER.sub(sub, escaped)


def who(c: Citation | Source) -> str:
    """'The article', 'Comment by Jess' or 'Reply by Sam to Jess'."""
    if c.kind == "article":
        return "The article"
    name = c.author or "(no name)"
    parent_author = getattr(c, "parent_author", None)
    if c.parent:
        return f"Reply by {name} to {parent_author or 'an earlier comment'}"
    return f"Comment by {name}"


def where(c: Citation | Source) -> str:
    """Where the text sits: the article's section, or the comment thread."""
    if c.kind == "article":
        return f"Section: {c.section}" if c.section else "Article"
    if c.parent:
        return "Reader comments, in a reply thread"
    return "Reader comments, top-level comment"


def _context(cite: Citation, sources: list[Source]) -> Source | None:
    for s in sources:
        if s.doc == cite.doc and s.start <= cite.start and cite.end <= s.end:
            return s
    return None


def _context_html(cite: Citation, src: Source) -> str:
    """The retrieved passage around the quote, with the quote marked."""
    a, b = cite.start - src.start, cite.end - src.start
    text = src.text
    if text[a:b] != cite.quote:  # spans disagree: show the passage plain
        return esc(text)
    return f"{esc(text[:a])}<mark>{esc(text[a:b])}</mark>{esc(text[b:])}"


def sources_html(answer: Answer, posts: dict[str, str] | None = None) -> str:
    """``posts``: title by slug, to name each source's post (an answer from several posts); none: not named."""
    if not answer.citations:
        return ""
    items = []
    for c in answer.citations:
        ctx = _context(c, answer.sources)
        more = ""
        if ctx is not None and ctx.text.strip() != c.quote.strip():
            more = (
                '<details class="ctx"><summary>Show the passage around it</summary>'
                f'<div class="ctx-text">{_context_html(c, ctx)}</div></details>'
            )
        title = (posts or {}).get(c.doc)
        post = f'<span class="src-post"> · {esc(title)}</span>' if title else ""
        items.append(
            f'<li class="source" value="{c.n}">'
            f'<div class="src-head"><span class="src-n">[{c.n}]</span> '
            f'<span class="src-who">{esc(who(c))}</span> '
            f'<span class="src-where">· {esc(where(c))}</span>{post}</div>'
            f'<blockquote class="src-quote">{esc(c.quote)}</blockquote>'
            f'<div class="src-id">{esc(c.source_id)}</div>{more}</li>'
        )
    return f'<div class="sources"><div class="sources-title">Sources</div><ol>{"".join(items)}</ol></div>'


def _resources_html(resources: list[dict]) -> str:
    rows = []
    for r in resources:  # in the policy's order: the person's language first, then US, UK/Ireland, elsewhere
        name, contact = esc(r.get("name")), esc(r.get("contact"))
        region = f' <span class="res-region">({esc(r.get("region"))})</span>' if r.get("region") else ""
        url = r.get("url") or ""
        link = f' <a href="{html.escape(url, quote=True)}" target="_blank" rel="noopener noreferrer">{esc(url)}</a>' if _SAFE_URL.match(url) else ""
        rows.append(f"<li><strong>{name}</strong>: {contact}{region}{link}</li>")
    return f'<ul class="resources">{"".join(rows)}</ul>' if rows else ""


def safety_html(answer: Answer) -> str:
    """Care, helplines and a safety plan, in a box of their own above the answer (from SafetyReport fields)."""
    report = answer.safety
    if not (report.care or report.resources or report.plan):
        return ""
    urgent = bool(report.resources) or any(f in URGENT_FLAGS for f in report.flags)
    care = "".join(f"<p>{esc(part)}</p>" for part in report.care.split("\n\n") if part.strip())
    plan = ""
    if report.plan:
        plan = '<div class="plan-title">A safety plan can help. Think about:</div><ul class="plan">' + "".join(
            f"<li>{esc(step)}</li>" for step in report.plan) + "</ul>"
    emergency = f'<p class="emergency">{esc(report.emergency)}</p>' if report.emergency else ""
    if not urgent:  # hurting: a line of acknowledgement, not an alert
        reach = f'<p class="reach-out">{esc(report.reach_out)}</p>' if report.reach_out else ""
        return f'<div class="care">{care}{reach}</div>'
    return f'<div class="safety" role="alert">{care}{_resources_html(report.resources)}{emergency}{plan}</div>'


def perspectives_html(answer: Answer) -> str:
    """Other perspectives, apart from what the article says: cards (not from the article) and cited readers."""
    items, more = [], []
    for p in answer.safety.perspectives:
        if p.origin == "card":
            source = f' <span class="perspective-source">(Where this comes from: {esc(p.source)})</span>' if p.source else ""
            items.append(f"<li><strong>{esc(p.title)}</strong>. {esc(p.text)}{source}</li>")
            if p.body:
                more.append(f'<details class="ctx"><summary>More: {esc(p.title)}</summary><div class="ctx-text">{esc(p.body)}</div></details>')
        else:
            cites = "".join(f" [{n}]" for n in p.citations)
            stance = f" ({esc(p.stance)})" if p.stance else ""
            items.append(f"<li>{esc(p.title)}{stance}: “{esc(' '.join(p.text.split()))}”{_markers(esc(cites), answer.citations)}</li>")
    if not items:
        return ""
    return (
        '<div class="perspective"><div class="perspective-title">Another perspective '
        '<span class="perspective-origin">(not what the article says)</span></div>'
        f'<ul>{"".join(items)}</ul>{"".join(more)}</div>'
    )


def footer_html(answer: Answer) -> str:
    meta = answer.meta
    parts = []
    if meta.generator:
        parts.append(f"generator: {meta.generator}")
    if meta.prompt_version:
        parts.append(f"prompt: {meta.prompt_version}")
    total = (meta.timings or {}).get("total")
    if isinstance(total, (int, float)):
        parts.append(f"{total:.1f} s")
    if meta.unsupported:
        parts.append(f"{meta.unsupported} unsupported sentence(s) removed")
    return f'<div class="meta">{esc(" · ".join(parts))}</div>' if parts else ""


def answer_html(answer: Answer, posts: dict[str, str] | None = None) -> str:
    """The whole answer as one line of HTML: care and helplines, the answer, other perspectives,
    the "not professional advice" note, sources, footer. Read from the Answer's fields only
    (``posts``: title by slug, to name the post of each source when the answer drew on every post)."""
    cls = "answer abstained" if answer.abstained else "answer"
    body = _markers(_bold(esc(answer.text)), answer.citations) if answer.text else ""
    resumed = f'<div class="can-wait">Your earlier question: {esc(answer.safety.resumed)}</div>' if answer.safety.resumed else ""
    note = f'<div class="disclaimer">{esc(answer.safety.disclaimer)}</div>' if answer.safety.disclaimer else ""
    return (
        f'<div class="{cls}">{safety_html(answer)}{resumed}<div class="answer-text">{body}</div>'
        f"{perspectives_html(answer)}{note}{sources_html(answer, posts)}{footer_html(answer)}</div>"
    )


def streaming_html(draft: str) -> str:
    """The draft as it streams in, before citations are checked."""
    body = markers.MARKER.sub(lambda m: f'<sup class="cite">{m.group(0)}</sup>', _bold(esc(draft)))
    return f'<div class="answer streaming"><div class="answer-text">{body}<span class="cursor">▍</span></div>' \
        '<div class="meta">writing… citations are checked when the answer is complete</div></div>'


def pending_html() -> str:
    return '<div class="answer streaming"><div class="meta">searching the article and comments…</div></div>'


def question_html(question: str) -> str:
    return f'<div class="question">{esc(question)}</div>'


def error_html(message: str) -> str:
    return f'<div class="answer error" role="status"><strong>Sorry, I could not answer that.</strong><br>{esc(message)}</div>'
