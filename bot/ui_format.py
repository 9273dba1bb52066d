"""Turn an Answer into the HTML the web chat shows. Pure functions, no Gradio.

Every piece of text that comes from the corpus, the user or a model goes through
``esc`` (HTML-escaped, line breaks as <br>), so a comment holding
``<img src=x onerror=alert(1)>`` is shown as those characters and never runs.
Each message is ONE line of HTML starting with a <div>: the chat's Markdown
renderer passes such a block through untouched, so ``*``, ``_``, ``$$`` or
``[text](url)`` in a comment stay literal text too.

Layout of an answer, top to bottom:
    safety box (crisis / abuse resources), when the safety layer asks for one
    the answer, with [n] markers (hover shows the quote)
    "Another perspective" boxes, set apart from what the article says
    Sources: numbered like the markers; quote, who wrote it, where it sits,
             and the surrounding passage one click away
    a footer line: generator, prompt version, time taken
"""

from __future__ import annotations

import html
import re

from .answer import Answer, Citation, Source

_MARKER = re.compile(r"\[(\d{1,3})\]")
_SAFE_URL = re.compile(r"^(https?://|tel:|mailto:|sms:)[^\s\"'<>]*$", re.I)
URGENT_FLAGS = ("self_harm", "abuse", "distress")
DANGER_FLAGS = ("self_harm", "abuse")
# Headings the safety layer writes into Answer.text (bot/safety), used to lay the text out in boxes.
PERSPECTIVE_HEAD = "Another perspective (not from the article):"
CAN_WAIT_HEAD = "About your question, from the article and its readers (this can wait):"
URGENT_LEAD = "If you are in danger or thinking about hurting yourself"
_URL = re.compile(r"https://[A-Za-z0-9./_~%#?=+-]+[A-Za-z0-9/_~%#=+-]")
# A resource line the safety layer writes into the care text: "- REGION: name, contact (url)".
_RESOURCE_LINE = re.compile(r"^- ([^:\n]{1,40}): ")


def region_rank(region: str | None) -> int:
    """Where a helpline goes in the list: US, then UK/Ireland, then other regions, "elsewhere" last."""
    r = (region or "").strip().lower()
    if r in ("us", "usa", "united states"):
        return 0
    if r.startswith(("uk", "ireland", "united kingdom")):
        return 1
    if r in ("elsewhere", "intl", "international", "worldwide", "other", ""):
        return 3
    return 2


def order_resource_lines(lines: list[str]) -> list[str]:
    """Each run of consecutive resource lines sorted by region_rank (stable); other lines stay put."""
    out, run = [], []
    for line in [*lines, None]:
        m = _RESOURCE_LINE.match(line) if line is not None else None
        if m:
            run.append((region_rank(m.group(1)), len(run), line))
            continue
        out.extend(item[2] for item in sorted(run))
        run = []
        if line is not None:
            out.append(line)
    return out


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

    return _MARKER.sub(sub, escaped)


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


def sources_html(answer: Answer) -> str:
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
        items.append(
            f'<li class="source" value="{c.n}">'
            f'<div class="src-head"><span class="src-n">[{c.n}]</span> '
            f'<span class="src-who">{esc(who(c))}</span> '
            f'<span class="src-where">· {esc(where(c))}</span></div>'
            f'<blockquote class="src-quote">{esc(c.quote)}</blockquote>'
            f'<div class="src-id">{esc(c.source_id)}</div>{more}</li>'
        )
    return f'<div class="sources"><div class="sources-title">Sources</div><ol>{"".join(items)}</ol></div>'


def safety_html(answer: Answer) -> str:
    """Crisis and abuse resources in a box of their own, shown above the answer."""
    report = answer.safety
    urgent = [f for f in report.flags if f in URGENT_FLAGS]
    if not (report.resources or urgent):
        return ""
    rows = []
    for r in sorted(report.resources, key=lambda r: region_rank(r.get("region"))):
        name, contact = esc(r.get("name")), esc(r.get("contact"))
        region = f' <span class="res-region">({esc(r.get("region"))})</span>' if r.get("region") else ""
        url = r.get("url") or ""
        link = f' <a href="{html.escape(url, quote=True)}" target="_blank" rel="noopener noreferrer">{esc(url)}</a>' if _SAFE_URL.match(url) else ""
        rows.append(f"<li><strong>{name}</strong>: {contact}{region}{link}</li>")
    notes = "".join(f"<p>{esc(n)}</p>" for n in report.notes)
    return (
        '<div class="safety" role="alert"><div class="safety-title">If you are in danger or thinking of hurting '
        "yourself, please reach out now</div>"
        f'{notes}{"<ul>" + "".join(rows) + "</ul>" if rows else ""}</div>'
    )


def perspectives_html(answer: Answer) -> str:
    boxes = []
    for p in answer.safety.perspectives:
        origin = "from a reader comment" if p.origin == "comment" else "not from the article"
        boxes.append(
            '<div class="perspective"><div class="perspective-title">Another perspective '
            f'<span class="perspective-origin">({esc(origin)})</span></div>'
            f'<div class="perspective-name">{esc(p.title)}</div>'
            f"<div>{_markers(esc(p.text), answer.citations)}</div></div>"
        )
    return "".join(boxes)


def footer_html(answer: Answer) -> str:
    meta = answer.meta or {}
    parts = []
    if meta.get("generator"):
        parts.append(f"generator: {meta['generator']}")
    if meta.get("prompt_version"):
        parts.append(f"prompt: {meta['prompt_version']}")
    total = (meta.get("timings") or {}).get("total")
    if isinstance(total, (int, float)):
        parts.append(f"{total:.1f} s")
    if meta.get("unsupported"):
        parts.append(f"{meta['unsupported']} unsupported sentence(s) removed")
    return f'<div class="meta">{esc(" · ".join(parts))}</div>' if parts else ""


def split_text(answer: Answer) -> tuple[list[str], list[str], list[str]]:
    """Answer.text as (care parts for the safety box, the answer itself, "Another perspective" parts).

    The safety layer writes care text (with helplines) first and the perspective section after the
    answer, as paragraphs of the one text; the page shows them in boxes of their own.
    """
    parts = [p for p in answer.text.split("\n\n") if p.strip()]
    danger = any(f in DANGER_FLAGS for f in answer.safety.flags)
    can_wait = next((i for i, p in enumerate(parts) if p.startswith(CAN_WAIT_HEAD)), None)
    care, body, persp = [], [], []
    for i, part in enumerate(parts):
        if part.startswith(PERSPECTIVE_HEAD):
            persp.append(part)
        elif part.startswith(URGENT_LEAD):
            care.append(part)
        elif danger and (i < can_wait if can_wait is not None else not _MARKER.search(part)):
            care.append(part)
        else:
            body.append(part)
    return care, body, persp


def _linkify(escaped: str) -> str:
    return _URL.sub(lambda m: f'<a href="{m.group(0)}" target="_blank" rel="noopener noreferrer">{m.group(0)}</a>', escaped)


def _care_part_html(part: str) -> str:
    """One paragraph of care text; its resource lines become a list, US first and "elsewhere" last."""
    html_parts, items = [], []
    for line in [*order_resource_lines(part.splitlines()), None]:
        if line is not None and _RESOURCE_LINE.match(line):
            items.append(f"<li>{_linkify(esc(line[2:3].upper() + line[3:]))}</li>")
            continue
        if items:
            html_parts.append(f'<ul class="resources">{"".join(items)}</ul>')
            items = []
        if line is not None:
            html_parts.append(_linkify(esc(line)) + "<br>")
    # a <br> right before a list or at the end only adds a blank line
    return re.sub(r"<br>(?=<ul)|<br>$", "", "".join(html_parts))


def care_html(answer: Answer, care: list[str]) -> str:
    if not care:
        return safety_html(answer)  # no care text: the structured resources, when there are any
    text = "<br><br>".join(_care_part_html(p) for p in care)
    return f'<div class="safety" role="alert">{text}</div>'


def perspective_section_html(answer: Answer, persp: list[str]) -> str:
    if not persp:
        return perspectives_html(answer)  # structured perspectives only
    items = []
    for part in persp:
        for line in part.splitlines()[1:]:
            line = line[2:] if line.startswith("- ") else line
            items.append(f"<li>{_markers(_bold(esc(line)), answer.citations)}</li>")
    more = "".join(
        f'<details class="ctx"><summary>More: {esc(p.title)}</summary><div class="ctx-text">{esc(p.text)}</div></details>'
        for p in answer.safety.perspectives if p.origin == "card" and p.text
    )
    return (
        '<div class="perspective"><div class="perspective-title">Another perspective '
        '<span class="perspective-origin">(not what the article says)</span></div>'
        f'<ul>{"".join(items)}</ul>{more}</div>'
    )


def _body_html(answer: Answer, body: list[str]) -> str:
    out = []
    for part in body:
        head = ""
        if part.startswith(CAN_WAIT_HEAD):
            head, part = f'<div class="can-wait">{esc(CAN_WAIT_HEAD)}</div>', part[len(CAN_WAIT_HEAD):].lstrip("\n")
        out.append(head + _markers(_bold(esc(part)), answer.citations))
    return "<br><br>".join(out)


def answer_html(answer: Answer) -> str:
    """The whole answer as one line of HTML: safety box, text, another perspective, sources, footer."""
    cls = "answer abstained" if answer.abstained else "answer"
    care, body, persp = split_text(answer)
    return (
        f'<div class="{cls}">{care_html(answer, care)}<div class="answer-text">{_body_html(answer, body)}</div>'
        f"{perspective_section_html(answer, persp)}{sources_html(answer)}{footer_html(answer)}</div>"
    )


def streaming_html(draft: str) -> str:
    """The draft as it streams in, before citations are checked."""
    body = _MARKER.sub(lambda m: f'<sup class="cite">{m.group(0)}</sup>', _bold(esc(draft)))
    return f'<div class="answer streaming"><div class="answer-text">{body}<span class="cursor">▍</span></div>' \
        '<div class="meta">writing… citations are checked when the answer is complete</div></div>'


def pending_html() -> str:
    return '<div class="answer streaming"><div class="meta">searching the article and comments…</div></div>'


def question_html(question: str) -> str:
    return f'<div class="question">{esc(question)}</div>'


def error_html(message: str) -> str:
    return f'<div class="answer error" role="status"><strong>Sorry, I could not answer that.</strong><br>{esc(message)}</div>'
