"""The safety flags: one vocabulary for the detector, the policy, the UI, the eval and the API.

``Flag`` is a ``str`` enum, so ``"abuse" == Flag.ABUSE`` and the flags stay plain strings
in ``SafetyReport.flags`` and in JSON. ``ORDER`` is the one order they are reported in.
"""

from __future__ import annotations

from enum import Enum


class Flag(str, Enum):
    SELF_HARM = "self_harm"  # the person is at risk of suicide or self-harm
    ABUSE = "abuse"  # the person describes abuse, violence, coercive control or stalking
    CHECK_IN = "check_in"  # a possible danger signal, not a clear one: ask "are you safe?" first
    DISTRESS = "distress"  # strong emotion, no danger
    INJECTION = "injection"  # an attempt to change the bot's role or instructions
    OFF_TOPIC = "off_topic"  # not about the article, its comments or relationships
    CONTESTED_CLAIM = "contested_claim"  # the answer draws on a one-sided or contested claim

    def __str__(self) -> str:
        return self.value


ORDER: tuple[Flag, ...] = tuple(Flag)
DANGER: tuple[Flag, ...] = (Flag.SELF_HARM, Flag.ABUSE)
DETECTED: tuple[Flag, ...] = (Flag.SELF_HARM, Flag.ABUSE, Flag.DISTRESS, Flag.INJECTION, Flag.OFF_TOPIC)


def ordered(flags) -> list[str]:
    """Unique flags in ORDER, as plain strings."""
    given = {str(f) for f in flags}
    return [f.value for f in ORDER if f.value in given]


def is_danger(flags) -> bool:
    return any(str(f) in DANGER for f in flags)
