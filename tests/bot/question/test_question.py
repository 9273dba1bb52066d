"""bot/question/clean.py: cleaning a user's question before anything else sees it (clean_question)."""

from __future__ import annotations

import unicodedata

import pytest

from bot.question.clean import MAX_QUESTION_TOKENS, clean_question
from index.chunk import count_tokens
from index.errors import InputError


def test_an_ordinary_question_comes_back_as_it_was_with_no_notes():
    assert clean_question("Why do men pull away?") == ("Why do men pull away?", [])


@pytest.mark.parametrize("raw, cleaned", [
    ("  why   does\the\npull\r\naway?  ", "why does he pull away?"),  # whitespace of any kind, collapsed
    ("why\x00does\x07he\x1bpull away?", "why does he pull away?"),  # control characters
    ("why\u200bdoes\u200dhe pull away?", "why does he pull away?"),  # zero-width characters
    ("\u202ewhy does he\u202c pull away?\u2066", "why does he pull away?"),  # bidirectional overrides
    ("why\x85does he pull away?\x9f", "why does he pull away?"),  # C1 controls
])
def test_invisible_and_control_characters_become_spaces_and_spaces_collapse(raw, cleaned):
    text, notes = clean_question(raw)
    assert text == cleaned and notes == []


def test_text_is_nfc_normalised():
    text, _ = clean_question("Is he a cafe\u0301 person?")  # e + combining acute accent
    assert text == "Is he a caf\u00e9 person?" and unicodedata.is_normalized("NFC", text)


def test_line_breaks_and_tabs_inside_words_do_not_join_the_words():
    assert clean_question("pull\naway")[0] == "pull away" and clean_question("pull\taway")[0] == "pull away"


@pytest.mark.parametrize("empty", ["", "   ", "\n\t\r", "\x00\x01\u200b", "\u202e\u202c"])
def test_an_empty_question_is_an_input_error_saying_so(empty):
    with pytest.raises(InputError, match="the question is empty"):
        clean_question(empty)


@pytest.mark.parametrize("not_text", [None, 42, b"why does he pull away?", ["why?"]])
def test_anything_but_text_is_an_input_error(not_text):
    with pytest.raises(InputError, match="must be text"):
        clean_question(not_text)


def test_a_long_question_is_cut_to_the_token_limit_and_the_note_says_how_much_was_kept():
    raw = "why does he pull away after a great weekend " * 200  # ~1,800 tokens
    text, notes = clean_question(raw)
    assert count_tokens(text) <= MAX_QUESTION_TOKENS < count_tokens(raw)
    assert raw.startswith(text) and len(text) > 1000  # the start of the question, not a stub
    assert len(notes) == 1 and f"only its first {MAX_QUESTION_TOKENS} tokens" in notes[0]
    assert f"about {len(text)} characters" in notes[0]


def test_a_question_over_512_bytes_but_within_the_token_limit_is_kept_whole():
    raw = "é" * 300 + " why?"  # 605 bytes, far fewer tokens than the limit
    assert len(raw.encode("utf-8")) > MAX_QUESTION_TOKENS
    text, notes = clean_question(raw)
    assert count_tokens(raw) <= MAX_QUESTION_TOKENS and text == raw and notes == []
