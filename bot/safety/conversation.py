"""What the conversation so far means for safety: danger said earlier, a pending check-in,
and how the person answered it. Pure functions over the history and the detector."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .flags import DANGER
from .patterns import normalise

HISTORY_TURNS = 3  # earlier user turns looked at

SAFE_REPLY = re.compile(
    r"\b(?:i'?m|i am|we'?re|we are|i feel|i'?m feeling)\s+(?:safe|ok(?:ay)?|fine|alright|all right|good)\b(?! with)"
    r"|^\s*(?:yes|yeah|yep|yup|ya|yes i am|i am|i'?m safe)\b|\bsafe now\b|\bnot in (?:any )?danger\b"
    r"|\b(?:i'?m|i am) not (?:going to|gonna) (?:hurt|do anything|harm)\b|\bno i'?m not (?:going to|suicidal)\b"
)
NOT_SAFE = re.compile(
    r"\b(?:not|isn'?t|don'?t feel|never)\s+(?:safe|ok(?:ay)?|fine)\b|^\s*(?:no|nope|not really|nah)\b(?!\s*,?\s*i'?m (?:safe|ok|fine))"
    r"|\b(?:i'?m|i am) (?:scared|afraid|terrified|in danger)\b|\bhelp me\b"
)
ABOUT_ARTICLE = re.compile(
    r"\b(?:article|author|renee|blog|post|comments?|commenters?|readers?|step \d|steps?|oxytocin|testosterone|hormones?"
    r"|why do (?:men|guys)|why does (?:a man|he) (?:pull|withdraw)|what does (?:it|the \w+) say|what did \w+ (?:say|write|ask)"
    r"|deadlock|kevin|clair|jess|veronica|isabel|marilyn|munchkins|joni|edwige|karen|anita|colleen|sarah|ashley|yz|catt|linda)\b"
)
_REPLY_WORDS = re.compile(r"\b(?:yes|yeah|yep|no|i'?m|i am|safe|ok(?:ay)?|fine|now|thanks|thank you|right|really|just)\b")


def user_turns(history) -> list[str]:
    """The user's messages in ``history`` ([(question, answer)] pairs or role/content dicts), oldest first."""
    turns = []
    for turn in history or []:
        if isinstance(turn, dict):
            if turn.get("role") == "user" and isinstance(turn.get("content"), str):
                turns.append(turn["content"])
        elif isinstance(turn, (list, tuple)) and turn and isinstance(turn[0], str):
            turns.append(turn[0])
    return turns


@dataclass
class State:
    danger: list[str] = field(default_factory=list)  # danger flags said in earlier turns
    pending: str = ""  # the question of the previous turn, when that turn got a check-in
    pending_flags: list[str] = field(default_factory=list)  # what the check-in was unsure about


def state_of(history, detect) -> State:
    """``detect(text)`` -> Detection. Earlier turns are re-read; the detector is deterministic."""
    state = State()
    turns = user_turns(history)[-HISTORY_TURNS:]
    for i, turn in enumerate(turns):
        det = detect(turn)
        for flag in det.flags:
            if flag in DANGER and flag not in state.danger:
                state.danger.append(flag)
        if i == len(turns) - 1 and det.uncertain and not set(det.flags) & set(DANGER):
            state.pending, state.pending_flags = turn, list(det.uncertain)
    return state


def says_safe(message: str) -> bool:
    text = normalise(message)
    return bool(SAFE_REPLY.search(text)) and not NOT_SAFE.search(text)


def says_not_safe(message: str) -> bool:
    return bool(NOT_SAFE.search(normalise(message)))


def about_article(message: str) -> bool:
    return bool(ABOUT_ARTICLE.search(normalise(message)))


def only_a_reply(message: str) -> bool:
    """"yes, I'm safe now, thanks": nothing left to answer but the earlier question."""
    rest = _REPLY_WORDS.sub(" ", SAFE_REPLY.sub(" ", normalise(message)))
    return len(re.findall(r"[a-z]{3,}", rest)) < 3
