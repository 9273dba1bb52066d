"""Parse a blog post and its threaded reader comments into records.

The shape we read (plain text, UTF-8):

    Title line

    Article paragraphs separated by blank lines, with short heading lines
    and numbered steps such as "1) Leave him alone."

      • Author name                 <- a comment: an indented bullet line
                                       holding the author's name
        Comment body, indented      <- its body, indented deeper
        past the bullet.

        • Replier                   <- a reply: a bullet indented deeper
          Reply body.                  than its parent's bullet

        Text at a body indent with no bullet line above it is a comment
        whose author line is missing: it gets the author "(no name)".

Every record keeps the exact span it came from: ``source[r.start:r.end] == r.text``.
Ids are readable and stable for the same text: ``article:science-behind:p2``,
``comment:07-joni``.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from pathlib import Path

from .errors import InputError

NO_AUTHOR = "(no name)"

_BULLET = re.compile(r"^(?P<indent>[ \t]*)(?P<mark>[•◦▪‣·*-])[ \t]+(?P<name>\S.*?)[ \t]*$")
_STEP = re.compile(r"^(\d{1,2})[).]")
# a section headed as one of a numbered run: "Step 1: Host Something", "Rule 2 – Never Argue Back", "Fix 3. Bake Hot"
STEP_WORDS = r"(?:step|rule|fix|tip|habit|lesson|secret|sign|reason|way|mistake|principle|law|stage|phase)"  # "Rule 2: …"
_HEADED_STEP = re.compile(rf"^{STEP_WORDS}\s+(\d{{1,2}})\s*[:.–—-]\s*\S", re.I)
_QUOTES = "\"'‘’“”«»"
_MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
_DATE = re.compile(
    rf"^(?:{_MONTH} \d{{1,2}}(?:st|nd|rd|th)?,? \d{{4}}|\d{{1,2}}(?:st|nd|rd|th)? {_MONTH},? \d{{4}}|\d{{4}}-\d{{2}}-\d{{2}}|\d{{1,2}}/\d{{1,2}}/\d{{2,4}})"
    r"(?:,? (?:at )?\d{1,2}[:.]\d{2}(?: ?[ap]\.?m\.?)?)?$",
    re.I,
)
_STOPWORDS = set(
    """a an and are as at be behind but by do does dont don't for from get give has have he hes
    he's her his how i in is it its it's more most much my not of on or our out really simply so
    than that the their them there they this to up us was we what when where which who why will
    with you your""".split()
)


@dataclass(frozen=True)
class Record:
    id: str
    kind: str  # "article" | "comment"
    text: str  # exactly source[start:end]
    start: int
    end: int
    doc: str  # slug of the source file
    order: int  # position in the document, 0-based
    section: str | None = None  # article: heading of the section
    author: str | None = None  # comment: name, NO_AUTHOR when the line is missing
    parent: str | None = None  # comment: id of the comment it replies to
    depth: int = 0  # comment: 0 for top level, 1 for a reply, ...
    date: str | None = None  # comment: the date line under the author ("March 4, 2024 at 8:21 am"), not text

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class _Line:
    start: int  # offset of the first character of the line
    raw: str  # without the line break

    @property
    def blank(self) -> bool:
        return not self.raw.strip()

    @property
    def indent(self) -> int:
        stripped = self.raw.lstrip(" \t")
        prefix = self.raw[: len(self.raw) - len(stripped)]
        return len(prefix.expandtabs(4))

    @property
    def content_start(self) -> int:
        return self.start + len(self.raw) - len(self.raw.lstrip())

    @property
    def content_end(self) -> int:
        return self.start + len(self.raw.rstrip())


def slugify(text: str, max_words: int | None = None, drop_stopwords: bool = False) -> str:
    words = re.findall(r"[a-z0-9]+", text.lower().replace("’", "").replace("'", ""))
    if drop_stopwords:
        words = [w for w in words if w not in _STOPWORDS] or words
    if max_words:
        words = words[:max_words]
    return "-".join(words) or "x"


def read_source(path: str | Path) -> str:
    """Read a seed file as text, with a one-line error for each kind of bad file."""
    path = Path(path)
    if not path.exists():
        raise InputError(f"{path}: no such file. Check the path, or run `bot index` with no path for the bundled article.")
    if path.is_dir():
        raise InputError(f"{path}: is a folder. Pass the text file of a post with its comments (`bot index` takes a folder of posts).")
    data = path.read_bytes()
    if b"\x00" in data[:8192]:
        raise InputError(f"{path}: looks like a binary file. Pass a UTF-8 text file of a post with its comments.")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(
            f"{path}: is not UTF-8 (byte {exc.start}). Convert it, e.g. `iconv -f latin1 -t utf-8 {path.name} > fixed.txt`."
        ) from None
    if not text.strip():
        raise InputError(f"{path}: is empty. Pass a post followed by its comments.")
    return text


def parse_file(path: str | Path) -> list[Record]:
    path = Path(path)
    return parse_text(read_source(path), doc=slugify(path.stem), name=str(path))


def parse_text(source: str, doc: str = "doc", name: str = "<text>") -> list[Record]:
    lines = _split_lines(source)
    first_comment = _find_comment_region(lines)
    if first_comment is None:
        raise InputError(
            f"{name}: no reader comments found. Comments must start with an indented bullet line "
            "holding the author's name (e.g. '  • Jess') followed by an indented body."
        )
    records = _parse_article(source, lines[:first_comment], doc)
    records += _parse_comments(source, lines[first_comment:], doc, order=len(records))
    return records


def _split_lines(source: str) -> list[_Line]:
    lines, pos = [], 0
    for chunk in source.splitlines(keepends=True):
        lines.append(_Line(pos, chunk.rstrip("\r\n")))
        pos += len(chunk)
    return lines


def _bullet(line: _Line) -> re.Match | None:
    match = _BULLET.match(line.raw)
    if not match:
        return None
    name = match["name"]
    if len(name) > 80 or len(name.split()) > 8:
        return None
    return match


def _next_nonblank(lines: list[_Line], i: int) -> _Line | None:
    for line in lines[i + 1 :]:
        if not line.blank:
            return line
    return None


def _is_comment_start(lines: list[_Line], i: int) -> bool:
    """A bullet line opens a comment when what follows is its indented body or another bullet."""
    line = lines[i]
    if not _bullet(line):
        return False
    nxt = _next_nonblank(lines, i)
    return nxt is None or nxt.indent > line.indent or _bullet(nxt) is not None


def _find_comment_region(lines: list[_Line]) -> int | None:
    """The first comment: an indented bullet line, or a bullet at column 0 with an indented body."""
    for i, line in enumerate(lines):
        if not _is_comment_start(lines, i):
            continue
        nxt = _next_nonblank(lines, i)
        if line.indent > 0 or (nxt is not None and nxt.indent > 0):
            return i
    return None


# --- article -----------------------------------------------------------------


def _paragraphs(lines: list[_Line]) -> list[list[_Line]]:
    paras: list[list[_Line]] = []
    current: list[_Line] = []
    for line in lines:
        if line.blank:
            if current:
                paras.append(current)
            current = []
        else:
            current.append(line)
    if current:
        paras.append(current)
    return paras


def is_heading(text: str) -> bool:
    """A short standalone line that reads as a title, not as a sentence."""
    if "\n" in text or text[0] in _QUOTES or _STEP.match(text):
        return False
    words = text.split()
    if not 2 <= len(words) <= 18:
        return False
    if text[-1] not in ".!?:;,…)\"'”’":
        return True
    if text[-1] == "?" and len(words) <= 7:
        return True  # "Manual or automatic?", "What about soundproofing?": a short question standing alone heads a section
    # "Step 2: No Carbs After 3 p.m.": numbers and abbreviations are neither capitalised nor not
    titled = [w for w in words if w[0].isalpha() and not re.fullmatch(r"(?:[a-z]\.){2,}", w)] or words
    capitalised = sum(1 for w in titled if w[0].isupper())
    return len(words) <= 12 and capitalised / len(titled) >= 0.6


def _parse_article(source: str, lines: list[_Line], doc: str) -> list[Record]:
    records: list[Record] = []
    paras = _paragraphs(lines)
    if not paras:
        return records
    used: set[str] = set()
    title_para, rest = paras[0], paras[1:]
    title = source[title_para[0].content_start : title_para[-1].content_end]
    section, slug, counter = title, "intro", {"p": 0}
    used.add(slug)
    records.append(_article_record(source, title_para, doc, "article:title", title, len(records)))
    texts = [source[para[0].content_start : para[-1].content_end] for para in rest]
    headed = _headed_steps(texts)
    heading_list = any(n is not None for n in headed.values())
    in_step_section = False
    for i, (para, text) in enumerate(zip(rest, texts)):
        if is_heading(text):
            section = text
            slug = _unique(slugify(text, max_words=2, drop_stopwords=True), used)
            counter = {"p": 0}
            in_step_section = i in headed
            kind = f"step{headed[i]}" if headed.get(i) is not None else "heading"
            records.append(_article_record(source, para, doc, f"article:{slug}:{kind}", section, len(records)))
            continue
        step = _STEP.match(text)
        if step and heading_list and not in_step_section:
            # a list inside another section of a post whose steps are its headings ("The Sunday Meal Plan: 1) ...")
            rid = _unique(f"article:{slug}:item{step.group(1)}", used)
        elif step:
            rid = _unique(f"article:{slug}:step{step.group(1)}", used)
        else:
            counter["p"] += 1
            rid = f"article:{slug}:p{counter['p']}"
        records.append(_article_record(source, para, doc, rid, section, len(records)))
    return records


def _headed_steps(texts: list[str]) -> dict[int, int | None]:
    """The paragraphs that head a numbered run of sections ("Step 1: …", "Step 2: …"), by index: their step
    number, or None when the section holds its own numbered item ("Fix 1: …" then "1) Feed your starter …": the
    item is the step). A lone numbered heading is no list."""
    heads = {i: int(m.group(1)) for i, t in enumerate(texts) if is_heading(t) and (m := _HEADED_STEP.match(t))}
    if len(heads) < 2:
        return {}
    out: dict[int, int | None] = {}
    for i, number in heads.items():
        body = []
        for t in texts[i + 1:]:
            if is_heading(t):
                break
            body.append(t)
        out[i] = None if any(_STEP.match(t) for t in body) else number
    return out


def _unique(candidate: str, used: set[str]) -> str:
    name, n = candidate, 2
    while name in used:
        name, n = f"{candidate}-{n}", n + 1
    used.add(name)
    return name


def _article_record(source, para, doc, rid, section, order) -> Record:
    start, end = para[0].content_start, para[-1].content_end
    return Record(rid, "article", source[start:end], start, end, doc, order, section=section)


# --- comments ----------------------------------------------------------------


@dataclass
class _Open:
    """A comment being read; bullet is its bullet's indent, body its body's indent."""

    order: int
    author: str
    bullet: int
    depth: int
    parent: int | None
    body: int | None = None
    date: str | None = None
    start: int | None = None
    end: int | None = None
    empty_at: int = 0  # where an empty comment's zero-length span sits


def _parse_comments(source: str, lines: list[_Line], doc: str, order: int) -> list[Record]:
    found: list[_Open] = []
    stack: list[_Open] = []  # the open thread: root ... current

    def open_comment(author: str, bullet: int, empty_at: int) -> _Open:
        while stack and stack[-1].bullet >= bullet:
            stack.pop()
        parent = stack[-1] if stack else None
        comment = _Open(
            order=len(found),
            author=author,
            bullet=bullet,
            depth=parent.depth + 1 if parent else 0,
            parent=parent.order if parent else None,
            empty_at=empty_at,
        )
        found.append(comment)
        stack.append(comment)
        return comment

    for i, line in enumerate(lines):
        if line.blank:
            continue
        bullet = _bullet(line)
        if bullet and _is_comment_start(lines, i):
            name_end = line.start + bullet.end("name")
            open_comment(bullet["name"], line.indent, name_end)
            continue
        current = stack[-1] if stack else None
        if current is not None and current.body is None and line.indent > current.bullet:
            current.body = line.indent
        elif current is None or line.indent < (current.body or 0):
            # Body text with no author line: a sibling of the comment whose body sits at this indent.
            sibling = next((c for c in reversed(stack) if (c.body or c.bullet + 1) <= line.indent), None)
            bullet_indent = sibling.bullet if sibling else max(line.indent - 2, 0)
            current = open_comment(NO_AUTHOR, bullet_indent, line.content_start)
            current.body = line.indent
        if current.start is None and current.date is None and _DATE.match(source[line.content_start : line.content_end]):
            current.date = source[line.content_start : line.content_end]  # the comment's date, not its words
            continue
        if current.start is None:
            current.start = line.content_start
        current.end = line.content_end

    records = []
    ids = [f"comment:{c.order + 1:02d}-{slugify(c.author if c.author != NO_AUTHOR else 'anonymous')}" for c in found]
    for c in found:
        start = c.start if c.start is not None else c.empty_at
        end = c.end if c.end is not None else c.empty_at
        records.append(
            Record(
                id=ids[c.order],
                kind="comment",
                text=source[start:end],
                start=start,
                end=end,
                doc=doc,
                order=order + c.order,
                author=c.author,
                parent=ids[c.parent] if c.parent is not None else None,
                depth=c.depth,
                date=c.date,
            )
        )
    return records
