"""What the lexical (BM25) side of hybrid retrieval sees of a chunk, and of a question: its tokens.

Tokens: lowercase words, English stopwords removed, a light suffix stemmer so
"withdraws" meets "withdrawing". A post's tokens are stored with the post
(index/segment.py), and this file is part of every post's key: changing how
text is tokenized rewrites every post. The index over them is index/bm25.py.
"""

from __future__ import annotations

import re
from functools import lru_cache

_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)?", re.UNICODE)
_STOP = set(
    """a about above after again against all am an and any are as at be because been before being
    below between both but by can could did do does doing down during each few for from further had
    has have having he her here hers herself him himself his how i if in into is it its itself just
    me more most my myself no nor not now of off on once only or other our ours ourselves out over
    own same she should so some such than that the their theirs them themselves then there these they
    this those through to too under until up very was we were what when where which while who whom
    why will with would you your yours yourself yourselves im ive dont its""".split()
)
_SUFFIXES = ("ing", "edly", "ed", "es", "s", "ly")


def is_stopword(word: str) -> bool:
    return word.casefold() in _STOP


@lru_cache(maxsize=1 << 16)  # pure, and called for every word of every post a question reads
def stem(word: str) -> str:
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    return word


def lexical_text(chunk) -> str:
    """What BM25 sees of a chunk: who wrote it, its context (heading, list lead-in, who a reply
    answers) and its text, so names and headings match."""
    return " ".join(filter(None, [chunk.author, chunk.context, chunk.text]))


def tokenize(text: str) -> list[str]:
    words = (w.replace("’", "'").split("'")[0] for w in _WORD.findall(text.lower()))
    return [stem(w) for w in words if w and w not in _STOP]
