"""One question's way through the Bot: a typed record the steps of bot/flow.py fill in, in order.

    Turn(question, history, k, filters)          what was asked
      .text, .query, .intent, .report, .timings  prepare: cleaned, condensed, classified, checked
      .looked_up, .sources                       look_up: whether the post was searched, the passages found
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from bot.answer import SafetyReport, Source
from bot.question.intent import Intent


@dataclass
class Turn:
    question: str  # as asked
    history: list = field(default_factory=list)  # earlier [(question, answer)] turns or role/content dicts
    k: int | None = None
    filters: object = None  # Filters, a dict of them, or None
    started: float = field(default_factory=time.perf_counter)
    text: str = ""  # the cleaned question (or, after "yes, I'm safe", the question the check-in held back)
    query: str = ""  # what is retrieved for: a follow-up joined with what it follows
    intent: Intent | None = None
    report: SafetyReport = field(default_factory=SafetyReport)
    timings: dict[str, float] = field(default_factory=dict)
    looked_up: bool = False  # the post was searched (not for care first, injection)
    sources: list[Source] = field(default_factory=list)
