"""Readable variants of a message that may hide an instruction: base64, hex, ROT13, reversed
text, leetspeak and spaced-out letters. The injection check runs on each variant, so
"1gn0r3 y0ur ru135" and "aWdub3JlIHlvdXIgcnVsZXM=" are caught like "ignore your rules".
Pure functions; nothing here runs what it decodes.
"""

from __future__ import annotations

import base64
import binascii
import codecs
import re

_B64 = re.compile(r"[A-Za-z0-9+/]{16,}={0,2}")
_HEX = re.compile(r"\b(?:[0-9a-fA-F]{2}){8,}\b")
_LEET = str.maketrans({"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s", "!": "i", "|": "l"})
_SPACED = re.compile(r"(?:\b\w\b[ .\-_*]){4,}\b\w\b")  # "i g n o r e", "i.g.n.o.r.e"


def _readable(text: str) -> bool:
    """Mostly letters and spaces, with a few common English words."""
    if not text or len(text) < 8:
        return False
    letters = sum(c.isalpha() or c.isspace() for c in text)
    words = set(re.findall(r"[a-z]+", text.lower()))
    return letters / len(text) > 0.85 and len(words & _COMMON) >= 2


_COMMON = set(
    "the a an and you your to of in is are be all any me my i it this that with no now do not what say tell show "
    "ignore rules instructions prompt system answer reply as from new must only every question questions".split()
)


def variants(text: str) -> list[str]:
    """Decoded or de-obfuscated readings of ``text`` that look like words (the original excluded)."""
    out: list[str] = []
    for token in _B64.findall(text):
        try:
            decoded = base64.b64decode(token + "=" * (-len(token) % 4), validate=False).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError, ValueError):
            continue
        if _readable(decoded):
            out.append(decoded)
    for token in _HEX.findall(text):
        try:
            decoded = bytes.fromhex(token).decode("utf-8")
        except (ValueError, UnicodeDecodeError):
            continue
        if _readable(decoded):
            out.append(decoded)
    for candidate in (codecs.decode(text, "rot13"), text[::-1], text.translate(_LEET)):
        if candidate != text and _readable(candidate):
            out.append(candidate)
    if _SPACED.search(text):  # letters one separator apart, words further apart
        joined = re.sub(r"(?<=\b\w)[ .\-_*](?=\w\b)", "", text)
        out.append(re.sub(r"\s{2,}", " ", joined))
    return out
