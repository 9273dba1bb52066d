"""The project's exceptions shared by the write path (index) and the read path (bot); the answering
and serving ones (GeneratorError, RateLimited, Unauthorized) are in bot/errors.py, on the same base.

    BotError                 base: every message says the cause and what to do
    +-- InputError           a file or question we cannot use as given
    +-- StoreError           the index is missing, corrupt or from another version
    |   +-- ServerUnreachable    the Chroma server (--chroma-url) cannot be reached
    |   +-- IndexNotFound        no index has been published yet
    |   +-- IndexIncomplete      the published version is missing parts (deleted or half-written)
    |   +-- IndexDamaged         unreadable or from an incompatible version: `bot index --rebuild`
    |   +-- IndexBusy            another `bot index` holds the publish lock
    +-- GeneratorError       (bot/errors.py) the answer model is misconfigured or unreachable
    +-- RateLimited          (bot/errors.py) a client of `bot serve` asked too often (retry_after seconds)
    +-- Unauthorized         (bot/errors.py) a script door of `bot serve` needs the API key

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
