"""What every door of `bot serve` shares (the web chat, the HTTP API, the MCP tool).

    answering = Answering(bot_factory, concurrency=4, limiter=RateLimiter(30), feedback=log)
    answering.admit("203.0.113.7")                  # raises RateLimited past the per-address limit
    for event in answering.stream(spec, question, history): ...   # TextDelta..., then the Answer
    async for event in answering.astream(...): ...                # the same, for async handlers
    answering.ask(spec, question, history) -> Answer
    answering.ask(spec, question, history, post="my-post")            # from that post only
    answering.posts() -> [Post(slug, title, comments)]; answering.check_post(slug)  # InputError naming the choices

One pool of ``concurrency`` worker threads computes every answer in the process, so the
chat, the API and the MCP tool together never run more answers at once than that (the Bot is
thread-safe; ``Settings.concurrency`` says why the default is 4). Waiting requests hold no thread. Each served answer
is remembered by the feedback log so that it can be rated.
"""

from __future__ import annotations

import asyncio
import logging
import queue
import threading
import time
from collections import deque
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Any, AsyncIterator, Callable, Iterator

from index.errors import BotError
from bot.errors import RateLimited, Unauthorized

from bot.answer import Answer, TextDelta
from bot.serve.http.access import Access
from bot.posts import Post, check_post

if TYPE_CHECKING:
    from bot.api import Bot

log = logging.getLogger(__name__)
BotFactory = Callable[[str], "Bot"]
_END = object()


class RateLimiter:
    """At most ``per_minute`` hits per key in any 60 seconds (a sliding log); 0 means no limit."""

    def __init__(self, per_minute: int, window: float = 60.0, clock: Callable[[], float] = time.monotonic):
        self.per_minute, self.window, self.clock = per_minute, window, clock
        self._hits: dict[str, deque] = {}
        self._lock = threading.Lock()
        self._calls = 0

    def hit(self, key: str) -> float:
        """Count one hit; returns 0.0 when allowed, else the seconds until the next one would be."""
        if self.per_minute <= 0:
            return 0.0
        now = self.clock()
        with self._lock:
            self._calls += 1
            if self._calls % 1000 == 0:  # forget idle addresses now and then
                self._hits = {k: d for k, d in self._hits.items() if d and now - d[-1] < self.window}
            hits = self._hits.setdefault(key, deque())
            while hits and now - hits[0] >= self.window:
                hits.popleft()
            if len(hits) >= self.per_minute:
                return max(0.001, self.window - (now - hits[0]))
            hits.append(now)
            return 0.0


def index_version(bot) -> str | None:
    """The published index version a Bot answers from (for feedback records)."""
    try:
        return bot.version.path.name
    except Exception:  # an injected test double, or no index: the record says None
        return None


class _Failed:
    def __init__(self, exc: BaseException):
        self.exc = exc


class Answering:
    def __init__(self, bot_factory: BotFactory, concurrency: int = 1, limiter: RateLimiter | None = None,
                 feedback=None, access: Access | None = None, posts: Callable[[], list] | None = None):
        """``posts()``: the posts of the index the bots answer from (``Bot.posts``), for the doors that
        list them or check a post's slug before asking; none when not given."""
        self.bot_factory = bot_factory
        self._posts = posts
        self.access = access or Access()  # who the client is behind proxies, and the API key of the script doors
        self.concurrency = concurrency
        self.limiter = limiter
        self.feedback = feedback  # a bot.feedback.FeedbackLog, or None (--no-feedback)
        self._pool = ThreadPoolExecutor(max_workers=concurrency, thread_name_prefix="answer")

    def admit_request(self, request) -> None:
        """``admit`` for a web request (Starlette's, or Gradio's, which wraps one): counted by its address
        (X-Forwarded-For only from a trusted proxy)."""
        self.admit(self.client_of(request))

    def client_of(self, request) -> str:
        peer = getattr(getattr(request, "client", None), "host", None)
        return self.access.client(peer, getattr(request, "headers", None))

    def authorize(self, request) -> None:
        """For the script doors (the API, /chat, /ask, MCP): raises Unauthorized without the right key."""
        refusal = self.access.refusal(getattr(request, "headers", None))
        if refusal is not None:
            raise Unauthorized(refusal.message, refusal.code)

    def admit(self, client: str | None) -> None:
        """Count one question from this address; raises RateLimited when it asked too often."""
        if self.limiter is None:
            return
        wait = self.limiter.hit(client or "unknown")
        if wait:
            raise RateLimited(
                f"Too many questions: this server allows {self.limiter.per_minute} a minute from one address. "
                f"Please wait {max(1, round(wait))} seconds and ask again.",
                retry_after=wait,
            )

    def posts(self) -> list[Post]:
        """The index's posts (slug, title, comments), read now: a rebuild shows at once."""
        return list(self._posts()) if self._posts is not None else []

    def check_post(self, slug) -> Post:
        """The post with this slug; an InputError naming the choices when there is none."""
        posts = self.posts()
        check_post(slug, [p.slug for p in posts])
        return next(p for p in posts if p.slug == slug)

    def _work(self, spec: str, question: str, history: list, emit: Callable[[object], object], post: str | None) -> None:
        try:
            bot = self.bot_factory(spec)
            scope: dict[str, Any] = {"post": post} if post is not None else {}  # unscoped: the call as it always was
            for event in bot.stream(question, history=history, **scope):
                if isinstance(event, Answer) and self.feedback is not None:
                    self.feedback.remember(event, history, index_version(bot))
                emit(event)
        except BaseException as exc:  # handed to the consumer, who raises it in its own thread
            emit(_Failed(exc))
        finally:
            emit(_END)

    def stream(self, spec: str, question: str, history=None, post: str | None = None) -> Iterator[TextDelta | Answer]:
        history = [tuple(turn) for turn in history or []]
        q: queue.Queue = queue.Queue()
        self._pool.submit(self._work, spec, question, history, q.put, post)
        while (item := q.get()) is not _END:
            if isinstance(item, _Failed):
                raise item.exc
            yield item

    async def astream(self, spec: str, question: str, history=None, post: str | None = None) -> AsyncIterator[TextDelta | Answer]:
        history = [tuple(turn) for turn in history or []]
        loop = asyncio.get_running_loop()
        q: asyncio.Queue = asyncio.Queue()
        self._pool.submit(self._work, spec, question, history, lambda item: loop.call_soon_threadsafe(q.put_nowait, item),
                          post)
        while (item := await q.get()) is not _END:
            if isinstance(item, _Failed):
                raise item.exc
            yield item

    def ask(self, spec: str, question: str, history=None, post: str | None = None) -> Answer:
        return _final(list(self.stream(spec, question, history, post)))

    async def aask(self, spec: str, question: str, history=None, post: str | None = None) -> Answer:
        return _final([event async for event in self.astream(spec, question, history, post)])

    def run(self, fn, *args):
        """Run any Bot work in the same pool (e.g. a warm-up); returns a Future."""
        return self._pool.submit(fn, *args)

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)


def _final(events: list) -> Answer:
    if not events or not isinstance(events[-1], Answer):
        raise BotError("The answer stopped before it was complete. Please ask again.")
    return events[-1]
