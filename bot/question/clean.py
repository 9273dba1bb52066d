"""Cleaning a user's question before anything else sees it."""

from __future__ import annotations

import re
import unicodedata

from index.chunk import count_tokens, encoding
from index.errors import InputError

MAX_QUESTION_TOKENS = 512
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")


def clean_question(question) -> tuple[str, list[str]]:
    """(cleaned text, notes for the user). Raises InputError for an empty question."""
    if not isinstance(question, str):
        raise InputError("the question must be text.")
    notes = []
    text = _CONTROL.sub(" ", unicodedata.normalize("NFC", question))
    text = " ".join(text.split())
    if not text:
        raise InputError("the question is empty. Type a question about the article or its comments.")
    # Every token is at least one UTF-8 byte, so a question of at most 512 bytes needs no tokenizer
    # (loading it takes ~0.2 s of a new process's first answer).
    if len(text.encode("utf-8")) > MAX_QUESTION_TOKENS and count_tokens(text) > MAX_QUESTION_TOKENS:
        tokens = encoding().encode(text, disallowed_special=())[:MAX_QUESTION_TOKENS]
        text = encoding().decode(tokens).strip()
        notes.append(
            f"Your question was very long, so only its first {MAX_QUESTION_TOKENS} tokens "
            f"(about {len(text)} characters) were used."
        )
    return text, notes
