"""One question's way through the Bot: a typed record the chain's steps fill in, in order.

    Turn(question, history, k, filters)          what was asked
      .text, .query, .intent, .report, .timings  prepare: cleaned, condensed, classified, checked
      .index, .sources                           retrieve: the index version read, the passages found
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from .answer import SafetyReport, Source


@dataclass
class Turn:
    question: str  # as asked
    history: list = field(default_factory=list)  # earlier [(question, answer)] turns or role/content dicts
    k: int | None = None
    filters: object = None  # Filters, a dict of them, or None
    started: float = field(default_factory=time.perf_counter)
    text: str = ""  # the cleaned question (or, after "yes, I'm safe", the question the check-in held back)
    query: str = ""  # what is retrieved for: a follow-up joined with what it follows
    intent: object = None  # bot.intent.Intent
    report: SafetyReport = field(default_factory=SafetyReport)
    timings: dict[str, float] = field(default_factory=dict)
    index: tuple | None = None  # (IndexVersion, retriever) this question reads; None when nothing is looked up
    sources: list[Source] = field(default_factory=list)
