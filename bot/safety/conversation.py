"""What the conversation so far means for safety: danger said earlier, a pending check-in,
and how the person answered it. Pure functions over the history and the detector."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from bot.safety.flags import DANGER
from bot.safety.patterns import normalise

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
# Words that ask about the post itself; its commenters' names and its title's phrases come from the index.
ABOUT_ARTICLE = re.compile(
    r"\b(?:article|author|blog|post|comments?|commenters?|readers?|step \d|steps?|rules? \d|fix \d"
    r"|what does (?:it|the \w+) say|what did \w+ (?:say|write|ask)|does (?:it|the \w+) say)\b"
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


# After a disclosure the danger stays until the person says they are safe: "ignore that", "I'm fine",
# "I'm overreacting" get a check-in, not the article. Only a plain statement of safety clears it.
# "I'm safe now": the person's own word that they are safe (not "he left", which a breakup says too)
STATES_SAFE = re.compile(r"\b(?:i'?m|i am|we'?re|we are|i feel|i'?m feeling|kids are|we are all)\s+(?:\w+ )?safe\b|\bsafe now\b"
                         r"|\bnot in (?:any )?danger\b")
SAFE_CLAIM = re.compile(
    STATES_SAFE.pattern + r"|\b(?:staying|i'?m|i am) (?:at|with) (?:my |a )?(?:sister|mum|mom|mother|dad|parents|friend|brother|aunt|shelter)\b"
    r"|\b(?:he|she)(?:'s| has| is)? (?:gone|left|moved out)\b|\bpolice (?:came|took|have|were)\b|\b(?:seeing|called|talked to|talking to) (?:a |my )?(?:therapist|counsell?or|doctor|gp|helpline|crisis line)\b"
    r"|\btook them (?:all )?back\b|\bflushed (?:them|the pills)\b|\bno i'?m not (?:going to|suicidal)\b"
)
# "I didn't mean it literally": clears an earlier signal that was a figure of speech, never a concrete disclosure.
CLARIFIES = re.compile(
    r"\bnot literally\b|\bfigure of speech\b|\b(?:just |only )?(?:a )?jok(?:e|ing)\b|\bjk\b|\bexaggerat\w*\b|\bnot in a scary way\b"
    r"|\b(?:i'?m|i am) not (?:suicidal|going to (?:hurt|kill) myself|in danger)\b|\bnot with life\b|\bnot (?:like that|that kind of)\b"
    r"|\bdon'?t worry,? i'?m (?:fine|ok|okay|safe)\b|\bi (?:didn'?t|don'?t) mean (?:it )?(?:like that|literally)\b"
)
RETRACTS = re.compile(
    r"\bignore (?:that|it|what i said|me)\b|\bforget (?:it|that|what i said|i said)\b|\boverreact\w*\b|\bpretend i didn'?t\b"
    r"|\bnot (?:that|so) bad\b|\bsounds worse than\b|\bit'?s (?:fine|ok|okay|nothing)\b|\bnever ?mind\b|\bi'?m (?:fine|ok|okay|good)\b"
    r"|\bi can handle it\b|\bdon'?t know why i said\b|\bwasn'?t really\b|\bi deserved\b"
)
HUMOUR = re.compile(r"\blol\b|\blmao\b|\bhaha\w*\b|\bjk\b|😂|🤣|💀|\bliterally\b|\bkill me now\b|\bdead inside\b")


@dataclass
class State:
    danger: list[str] = field(default_factory=list)  # danger flags said in earlier turns
    pending: str = ""  # the question of the previous turn, when that turn got a check-in
    pending_flags: list[str] = field(default_factory=list)  # what the check-in was unsure about
    # where the conversation stands since the last danger: "open" (not yet said they are safe),
    # "checking" (the bot has asked again), "cleared" (they said they are safe), "" (no danger)
    since: str = ""
    soft: bool = False  # every earlier danger signal was a figure of speech or the classifier alone


def hard(det, turn: str) -> bool:
    """A concrete disclosure: a pattern (not only the classifier) and no joke around it."""
    concrete = [h for f in DANGER for h in det.hits.get(f, []) if not h.startswith("classifier")]
    return bool(concrete) and not HUMOUR.search(normalise(turn))


def state_of(history, detect) -> State:
    """``detect(text)`` -> Detection. Earlier turns are re-read; the detector is deterministic."""
    state = State()
    turns = user_turns(history)[-HISTORY_TURNS:]
    for i, turn in enumerate(turns):
        det = detect(turn)
        new = [f for f in det.flags if f in DANGER]
        if new:
            state.soft = (state.soft or not state.danger) and not hard(det, turn)
            for flag in new:
                if flag not in state.danger:
                    state.danger.append(flag)
            state.since = "open"
        elif state.since == "open":
            if claims_safe(turn):
                state.since = "cleared"
            elif clarifies(turn) and state.soft:
                state.danger, state.since, state.soft = [], "", False
            else:
                state.since = "checking"
        elif state.since == "checking":
            if says_not_safe(turn):
                state.since = "open"
            elif says_safe(turn) or claims_safe(turn):
                state.since = "cleared"
        if i == len(turns) - 1 and set(det.uncertain) - set(det.hunch) and not new and not state.danger:
            state.pending, state.pending_flags = turn, list(det.uncertain)
    return state


def disclosed(history) -> list[str]:
    """Danger words in any earlier user turn, however the detector weighed them (past, uncertain, about
    someone else): enough to withhold advice that is unsafe in an abusive relationship, never enough for
    the crisis box. Fail closed for what is quoted, open for whether to answer."""
    from bot.safety.patterns import STRONG

    found: list[str] = []  # Flag members: a str enum
    for turn in user_turns(history):
        text = normalise(turn)
        for flag in DANGER:
            if flag not in found and any(p.search(text) for p in STRONG[flag].values()):
                found.append(flag)
    return found


def claims_safe(message: str) -> bool:
    """A plain statement of safety ("I'm safe now", "I'm at my sister's"): clears danger said earlier."""
    return _safe_by(SAFE_CLAIM, message)


def states_safe(message: str) -> bool:
    """"I'm safe now. I left last year.": the person says in their own words that they are safe."""
    return _safe_by(STATES_SAFE, message)


def still_unsafe(state: State, message: str) -> bool:
    """Danger said earlier and not yet cleared by this message: a safety statement clears an open danger;
    after the bot checked in again, a plain "yes, I'm ok" does too."""
    if state.since == "open":
        return not claims_safe(message)
    if state.since == "checking":
        return not (claims_safe(message) or says_safe(message))
    return False


def clarifies(message: str) -> bool:
    return bool(CLARIFIES.search(normalise(message)))


def retracts(message: str) -> bool:
    return bool(RETRACTS.search(normalise(message)))


def says_safe(message: str) -> bool:
    return _safe_by(SAFE_REPLY, message)


def _safe_by(pattern: re.Pattern, message: str) -> bool:
    text = normalise(message)
    return bool(pattern.search(text)) and not NOT_SAFE.search(text)


def says_not_safe(message: str) -> bool:
    return bool(NOT_SAFE.search(normalise(message)))


def about_article(message: str, terms: frozenset[str] = frozenset()) -> bool:
    """Whether the message asks about the post: its words, or a name or title phrase of the index (``terms``)."""
    text = normalise(message)
    if ABOUT_ARTICLE.search(text):
        return True
    words = re.findall(r"[a-z][a-z'-]*", text)
    return bool(terms & (set(words) | {f"{a} {b}" for a, b in zip(words, words[1:])}))


def only_a_reply(message: str) -> bool:
    """"yes, I'm safe now, thanks": nothing left to answer but the earlier question."""
    rest = _REPLY_WORDS.sub(" ", SAFE_REPLY.sub(" ", normalise(message)))
    return len(re.findall(r"[a-z]{3,}", rest)) < 3
