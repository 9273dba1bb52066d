"""Turn a follow-up into a stand-alone retrieval query, deterministically.

"what about when he comes back?" after "why do men pull away?" must retrieve
for the conversation. Without an LLM: a question that is short, or leans on
pronouns and connectives, is joined with the previous question(s).
"""

from __future__ import annotations

import re

from index.lexical import tokenize

_FOLLOW_UP = re.compile(
    r"^(what about|how about|and|but|so|then|also|what if|why|how|what else|more|same|is that|does that|"
    r"what should|should i|can i|tell me more)\b",
    re.I,
)
_PRONOUN = re.compile(r"\b(he|him|his|she|her|they|them|it|that|this|those|these|there)\b", re.I)


def is_follow_up(question: str) -> bool:
    content = tokenize(question)
    if len(content) <= 2:
        return True
    return len(content) <= 6 and bool(_FOLLOW_UP.search(question.strip()) or _PRONOUN.search(question))


def condense(question: str, history: list[tuple[str, str]] | None) -> str:
    if not history or not is_follow_up(question):
        return question
    previous = [q for q, _ in history[-2:] if q]
    return " ".join(previous[-1:] + [question])
