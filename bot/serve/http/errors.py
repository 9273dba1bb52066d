"""Errors as OpenAI-style JSON: ``{"error": {"message", "type", "param", "code"}}``.

Project exceptions are mapped by their type (index/errors.py), never by their text:

    RateLimited     429  rate_limit_error       (with Retry-After)
    Unauthorized    401  invalid_request_error  (code: invalid_api_key / api_key_required)
    InputError      400  invalid_request_error
    GeneratorError  502  api_error              the LLM server is unreachable or misconfigured
    StoreError      503  api_error              no index, or a broken one
    BotError        503  api_error
    anything else   500  api_error              a bug: logged with its traceback, never sent
"""

from __future__ import annotations

import logging
import math

from index.errors import BotError, InputError, StoreError
from bot.errors import GeneratorError, RateLimited, Unauthorized

log = logging.getLogger(__name__)


class ApiError(Exception):
    def __init__(self, status: int, message: str, type: str = "invalid_request_error", param: str | None = None,
                 code: str | None = None, headers: dict | None = None):
        super().__init__(message)
        self.status, self.message, self.type, self.param, self.code = status, message, type, param, code
        self.headers = headers or {}

    def body(self) -> dict:
        return {"error": {"message": self.message, "type": self.type, "param": self.param, "code": self.code}}

    def response(self):
        from fastapi.responses import JSONResponse

        return JSONResponse(self.body(), status_code=self.status, headers=self.headers)


# most specific first: the first isinstance match wins
_BY_TYPE: list[tuple[type, int, str, str]] = [
    (RateLimited, 429, "rate_limit_error", "rate_limit_exceeded"),
    (InputError, 400, "invalid_request_error", "invalid_input"),
    (GeneratorError, 502, "api_error", "generator_unavailable"),
    (StoreError, 503, "api_error", "index_unavailable"),
    (BotError, 503, "api_error", "unavailable"),
]


def from_exception(exc: BaseException) -> ApiError:
    """The API error for any exception raised while answering."""
    if isinstance(exc, ApiError):
        return exc
    if isinstance(exc, Unauthorized):
        headers = {"WWW-Authenticate": "Bearer"} if exc.code == "invalid_api_key" else None
        return ApiError(401, str(exc), "invalid_request_error", None, exc.code, headers)
    for cls, status, kind, code in _BY_TYPE:
        if isinstance(exc, cls):
            headers = {"Retry-After": str(math.ceil(exc.retry_after))} if isinstance(exc, RateLimited) else None
            return ApiError(status, _one_line(str(exc)), kind, None, code, headers)
    log.error("unexpected error while answering", exc_info=exc)
    return ApiError(500, "Internal error while answering; the details are in the server log.", "api_error", None,
                    "internal_error")


def _one_line(message: str) -> str:
    return " ".join(message.split()) or "error"
