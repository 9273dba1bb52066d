"""Test doubles shared by the test files: one place, checked against the real interfaces
(tests/test_interfaces.py compares their signatures with Bot's)."""

from __future__ import annotations

import threading
import time
from typing import Callable, Iterator

from bot.answer import Answer, TextDelta


class FakeBot:
    """The stream contract of ``bot.api.Bot``: TextDelta pieces, then the Answer. Records its calls;
    ``fail`` raises instead of answering, ``delay`` sleeps first, and it counts how many questions were
    being answered at once (``most_active``). ``answer(question)`` builds the Answer; ``pieces`` is
    "lines" or "words" (how the text arrives)."""

    def __init__(self, answer: Callable[[str], Answer], fail: Exception | None = None, delay: float = 0.0,
                 pieces: str = "lines"):
        self.answer, self.fail, self.delay, self.pieces = answer, fail, delay, pieces
        self.calls: list[tuple[str, list]] = []
        self.active = self.most_active = 0
        self._lock = threading.Lock()

    def stream(self, question: str, history=None, k: int | None = None, filters=None,
               post: str | None = None) -> Iterator[TextDelta | Answer]:
        with self._lock:
            self.active += 1
            self.most_active = max(self.most_active, self.active)
        try:
            self.calls.append((question, list(history or [])))
            time.sleep(self.delay)
            if self.fail:
                raise self.fail
            answer = self.answer(question)
            if self.pieces == "words":
                for word in answer.text.split(" "):
                    yield TextDelta(word + " ")
            else:
                for line in answer.text.splitlines(keepends=True):
                    yield TextDelta(line)
            yield answer
        finally:
            with self._lock:
                self.active -= 1

    def ask(self, question: str, history=None, k: int | None = None, filters=None, post: str | None = None) -> Answer:
        final = [e for e in self.stream(question, history, k, filters, post)][-1]
        assert isinstance(final, Answer)  # stream ends with the Answer
        return final
