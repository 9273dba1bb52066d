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
# "what's the 2nd one again?", "and the last one?": points back at a list just given
POINTS_BACK = re.compile(
    r"\bagain\b|\b(?:the )?(?:first|second|third|fourth|fifth|last|next|other|1st|2nd|3rd|4th|5th) (?:one|bit|part)\b|\bthat one\b",
    re.I)


def is_follow_up(question: str) -> bool:
    content = tokenize(question)
    if len(content) <= 2:
        return True
    return len(content) <= 6 and bool(_FOLLOW_UP.search(question.strip()) or _PRONOUN.search(question)
                                      or POINTS_BACK.search(question))


# "Is that really true?", "is there any evidence?": a challenge to what was just said. It is about the
# previous question's claim, and its own words ("true") would only find other passages that use them.
CHALLENGE = re.compile(
    r"^\s*(?:(?:is|was|are) (?:that|this|it|they|those) (?:really |actually |even |all )?(?:true|right|correct|real|backed|proven|scientific|so)"
    r"|really\W*$|is there (?:any )?(?:evidence|proof|research|science)|says who|how do (?:they|you|we|i|she) know|source\W*$)",
    re.I,
)


def is_challenge(question: str) -> bool:
    return bool(CHALLENGE.search(question.strip()))


# an answer that gave a numbered list ("1. “Leave him alone.” [1]"): what "the 3rd one" points back at
_LISTED = re.compile(r"^\s*\d{1,2}\.\s", re.M)
_ITEM = re.compile(r"\b(?:first|second|third|fourth|fifth|sixth|last|final|1st|2nd|3rd|4th|5th|6th) (?:one|bit|part|step|rule|thing)\b"
                   r"|\b(?:step|rule|no\.?|number) ?(?:one|two|three|four|five|six|[1-9])\b", re.I)


def condense(question: str, history: list[tuple[str, str]] | None) -> str:
    if not history or not is_follow_up(question):
        return question
    if _ITEM.search(question):
        # "whats the 3rd one again" two turns after the list: it points at the last answer that gave one
        listed = [q for q, a in history[-3:] if q and isinstance(a, str) and _LISTED.search(a)]
        if listed:
            return f"{listed[-1]} {question}"
    previous = [q for q, _ in history[-2:] if q]
    if is_challenge(question) and previous:
        return previous[-1]
    return " ".join(previous[-1:] + [question])
