"""Sentence spans, shared by the chunker (index) and the answer composer (bot).

Spans are offsets into the text given, so a caller holding the seed can quote
exactly: ``text[s:e]`` is the sentence. Line breaks end sentences too (comment
bodies are often unpunctuated lines), and fragments without letters (":)")
are merged into the sentence before them.
"""

from __future__ import annotations

import re

_END = re.compile(r"(?:[.!?…]+[\"'”’)\]]*(?=\s)|\n)")
_ABBREV = re.compile(r"(?:\b(?:Mr|Mrs|Ms|Dr|St|vs|v|e\.g|i\.e|etc|no|approx)\.)$", re.IGNORECASE)
_LETTER = re.compile(r"[^\W\d_]")
_INITIALS = re.compile(r"\b(?:[a-z]\.){2,}$", re.IGNORECASE)  # "7 p.m. to 5:30": initials before a lowercase word go on


def sentence_spans(text: str, offset: int = 0) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    begin = 0
    for match in _END.finditer(text):
        if match.group() != "\n" and _ABBREV.search(text[: match.end()]):
            continue
        if (match.group() != "\n" and _INITIALS.search(text[: match.end()].rstrip("\"'”’)]"))
                and re.match(r"\s+[a-z]", text[match.end():])):
            continue
        _add(spans, text, begin, match.end())
        begin = match.end()
    _add(spans, text, begin, len(text))
    return [(s + offset, e + offset) for s, e in spans]


def _add(spans: list[tuple[int, int]], text: str, start: int, end: int) -> None:
    piece = text[start:end]
    stripped = piece.strip()
    if not stripped:
        return
    s = start + len(piece) - len(piece.lstrip())
    e = s + len(stripped)
    if spans and not _LETTER.search(stripped) and "\n" not in text[spans[-1][1] : s]:
        spans[-1] = (spans[-1][0], e)
    else:
        spans.append((s, e))


def normalise(text: str) -> str:
    """Collapse runs of whitespace (indentation, line breaks, NBSP) to single spaces."""
    return " ".join(text.split())
