"""The citation-marker grammar, in one place: ``[n]`` after the sentence it supports.

    n is 1-based: [1] is the first source. A marker is one to three digits in square brackets;
    several sources are written as several markers ("[1][3]" or "[1] [3]").

Every module that reads or writes markers uses this one: the citation verifier, the safety
layer's renumbering, the support judge, the web page and the eval metrics.

Bounds matter: ``[0]`` is not a source, and Python's ``sources[0 - 1]`` would silently cite the
last source; ``numbers_in(text, n_sources)`` therefore returns the in-range markers and the
out-of-range ones separately.
"""

from __future__ import annotations

import re

MARKER = re.compile(r"\[(\d{1,3})\]")
# A line that is a lead-in, one verbatim “quote” (of one or more sentences) and its markers: one claim.
QUOTED_LINE = re.compile(r"^(?P<lead>[^“\[]*)“(?P<quote>.+)”\s*(?P<markers>(?:\[\d{1,3}\]\s*)+)$")
MARKERS_WITH_SPACE = re.compile(r"\s*\[\d{1,3}\]")


def numbers_in(text: str, n_sources: int) -> tuple[list[int], list[int]]:
    """(markers naming a source, out-of-range markers), each in order of appearance, without repeats."""
    valid: list[int] = []
    invalid: list[int] = []
    for m in MARKER.finditer(text):
        n = int(m.group(1))
        target = valid if 1 <= n <= n_sources else invalid
        if n not in target:
            target.append(n)
    return valid, invalid


def all_numbers(text: str) -> list[int]:
    """Every marker's number, in order, without repeats (no bounds: for renumbering and display)."""
    return list(dict.fromkeys(int(n) for n in MARKER.findall(text)))


def strip(text: str) -> str:
    """The text without its markers (and the space before each)."""
    return MARKERS_WITH_SPACE.sub("", text)


def renumber(text: str, mapping: dict[int, int]) -> str:
    """Markers renumbered by ``mapping``; a marker not in it is removed."""
    return MARKER.sub(lambda m: f"[{mapping[int(m.group(1))]}]" if int(m.group(1)) in mapping else "", text)
