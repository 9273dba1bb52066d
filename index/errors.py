"""The project's exceptions, shared by the write path (index) and the read path (bot).

    BotError                 base: every message says the cause and what to do
    +-- InputError           a file or question we cannot use as given
    +-- StoreError           the index is missing, corrupt or from another version
    |   +-- ServerUnreachable    the Chroma server (--chroma-url) cannot be reached
    |   +-- IndexNotFound        no index has been published yet
    |   +-- IndexIncomplete      the published version is missing parts (deleted or half-written)
    |   +-- IndexDamaged         unreadable or from an incompatible version: `bot index --rebuild`
    |   +-- IndexBusy            another `bot index` holds the publish lock
    +-- GeneratorError       the answer model is misconfigured or unreachable
    +-- RateLimited          a client of `bot serve` asked too often (retry_after seconds)
    +-- Unauthorized         a script door of `bot serve` needs the API key (code says which refusal)

Interfaces (CLI, web UI) catch BotError and show str(error); nothing else
is converted to a message.
"""


class BotError(Exception):
    """Base class: str(error) is a one-line message for the user."""


class InputError(BotError):
    def __init__(self, message: str, param: str | None = None):
        super().__init__(message)
        self.param = param  # which input was unusable ("rating", "comment"), for an API to name it


class StoreError(BotError):
    pass


class ServerUnreachable(StoreError):
    pass


class IndexNotFound(StoreError):
    pass


class IndexIncomplete(StoreError):
    pass


class IndexDamaged(StoreError):
    pass


class IndexBusy(StoreError):
    pass


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
