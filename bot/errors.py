"""The errors of answering and serving, on the project's base (index/errors.py: BotError): the CLI, the
web UI and the HTTP API show str(error) for any BotError.

    GeneratorError   the answer model is misconfigured or unreachable
    RateLimited      a client of `bot serve` asked too often (retry_after seconds)
    Unauthorized     a script door of `bot serve` needs the API key (code says which refusal)
"""

from __future__ import annotations

from index.errors import BotError


class GeneratorError(BotError):
    pass


class RateLimited(BotError):
    """A client asked more often than the server allows; ``retry_after`` is in seconds."""

    def __init__(self, message: str, retry_after: float):
        super().__init__(message)
        self.retry_after = retry_after


class Unauthorized(BotError):
    """A request to one of `bot serve`'s script doors without the right API key; ``code`` names why."""

    def __init__(self, message: str, code: str):
        super().__init__(message)
        self.code = code
