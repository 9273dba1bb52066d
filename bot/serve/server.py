"""`bot serve`: the web chat, the OpenAI-compatible API and (with --mcp) the MCP tool, in one
process over the same Bot, on one FastAPI app served by uvicorn.

    /                      the web chat (Gradio, bot/serve/ui.py)
    /v1/...                the HTTP API (bot/serve/http/openai_api.py)
    /gradio_api/mcp/       the MCP server (streamable HTTP), with --mcp

    create_app(settings, host, ...) -> (FastAPI app, Answering)   also for tests and benchmarks
    start(app, host, port) -> Running(url, stop())                  uvicorn in a thread
"""

from __future__ import annotations

import logging
import sys
import threading
import time
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from index.config import Settings, feedback_db
from bot.errors import Unauthorized

from bot.serve.http.access import Access, is_loopback, parse_proxies
from bot.serve.answering import Answering, RateLimiter

if TYPE_CHECKING:
    import uvicorn

log = logging.getLogger(__name__)
GRACE = 3  # seconds open connections (a browser tab's event stream) get to finish when the server stops


def bot_factory_for(settings: Settings):
    """One Bot per generator spec, made on first use."""
    from bot.api import Bot

    bots: dict[str, object] = {}
    lock = threading.Lock()

    def bot_factory(spec: str):
        with lock:
            if spec not in bots:
                bots[spec] = Bot(settings=replace(settings, generator=spec))
            return bots[spec]

    return bot_factory


def create_app(settings: Settings, host: str = "127.0.0.1", *, bot_factory=None, auth: tuple[str, str] | None = None,
               mcp: bool = False, generators: list[str] | None = None):
    """The FastAPI app of `bot serve` and the Answering service behind all of its doors."""
    from fastapi import FastAPI

    from bot.serve import ui
    from bot.serve.feedback import FeedbackLog, FeedbackStore
    from bot.serve.http.openai_api import make_router

    bot_factory = bot_factory or bot_factory_for(settings)
    feedback = FeedbackLog(FeedbackStore(feedback_db(settings))) if settings.feedback else None
    access = Access(api_key=settings.api_key, exposed=not is_loopback(host),
                    trusted_proxies=parse_proxies(settings.trusted_proxies))
    answering = Answering(bot_factory, concurrency=settings.concurrency, limiter=RateLimiter(settings.rate_limit),
                          feedback=feedback, access=access, posts=lambda: bot_factory(settings.generator).posts())
    generators = generators or ui.generator_choices(settings)
    app = FastAPI(title="pullaway-bot", docs_url=None, redoc_url=None, openapi_url=None)
    app.include_router(make_router(answering, generators))
    if mcp:
        app.middleware("http")(_key_guard(answering, MCP_PATH))
    blocks = ui.build_app(bot_factory, generators, default=settings.generator, answering=answering,
                          page=ui.page_for(settings), pages=ui.pages_of(bot_factory, settings.generator))
    ui.mount(app, blocks, auth=auth, concurrency=settings.concurrency, mcp=mcp)
    return app, answering


MCP_PATH = "/gradio_api/mcp"


def _key_guard(answering: Answering, prefix: str):
    """Middleware: requests under ``prefix`` (the MCP server, which Gradio mounts) pass ``answering.authorize``."""
    from bot.serve.http.errors import from_exception

    async def guard(request, call_next):
        if request.url.path.startswith(prefix):
            try:
                answering.authorize(request)
            except Unauthorized as exc:
                return from_exception(exc).response()
        return await call_next(request)

    return guard


@dataclass
class Running:
    url: str
    server: uvicorn.Server
    thread: threading.Thread

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=30)


def start(app, host: str = "127.0.0.1", port: int = 7860, timeout: float = 60) -> Running:
    """Serve ``app`` with uvicorn in a background thread; returns once it accepts connections."""
    import uvicorn

    config = uvicorn.Config(app, host=host, port=port, log_level="warning", access_log=False, lifespan="on",
                            timeout_graceful_shutdown=GRACE, proxy_headers=False)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="uvicorn", daemon=True)
    thread.start()
    deadline = time.monotonic() + timeout
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError(f"the server on {host}:{port} did not start (is the port free?)")
        time.sleep(0.05)
    return Running(f"http://{host}:{port}", server, thread)


def serve(settings: Settings, host: str = "127.0.0.1", port: int = 7860, auth: str | None = None,
          mcp: bool = False) -> int:
    """Run until Ctrl-C."""
    import uvicorn

    from bot.serve.ui import parse_auth

    credentials = parse_auth(auth)
    local = is_loopback(host)
    if not local and credentials is None:
        print(f"WARNING: serving on {host}, beyond this machine, WITHOUT a login. Anyone who can reach port {port} "
              "can use the chat. Add --auth USER:PASSWORD, or bind to 127.0.0.1.", file=sys.stderr)
    if not local and not settings.api_key:
        print("WARNING: no API key: the HTTP API, the /chat and /ask endpoints and MCP refuse every request (401) "
              "on a server reachable beyond this machine. Set BOT_API_KEY (or --api-key).", file=sys.stderr)
    if settings.chroma_url is None and not settings.store_dir.exists():
        print(f"note: no index at {settings.store_dir} yet; run `bot index` (the chat will say so too).", file=sys.stderr)

    app, answering = create_app(settings, host, auth=credentials, mcp=mcp)
    threading.Thread(target=_warm_up, args=(answering, settings), name="warm-up", daemon=True).start()
    shown = f"http://{'localhost' if local else host}:{port}"
    print(f"web chat on {shown}  |  OpenAI-compatible API on {shown}/v1"
          + (f"  |  MCP on {shown}/gradio_api/mcp/" if mcp else "") + "  (Ctrl-C to stop)", file=sys.stderr)
    limit = f"{settings.rate_limit} questions/minute per address" if settings.rate_limit else "no rate limit"
    stored = feedback_db(settings) if settings.feedback else "off"
    print(f"{limit}; feedback: {stored}; answers at once: {settings.concurrency}", file=sys.stderr)
    try:
        # proxy_headers=False: uvicorn would believe X-Forwarded-For from 127.0.0.1; Access reads it, from
        # the proxies named in --trusted-proxy only
        uvicorn.run(app, host=host, port=port, log_level="warning", access_log=False, timeout_graceful_shutdown=GRACE,
                    proxy_headers=False)
    except KeyboardInterrupt:
        pass
    finally:
        answering.close()
    return 0


def _warm_up(answering: Answering, settings: Settings) -> None:
    """Load the index and the embedding model now, not on the first question (in the answering pool)."""
    def work():
        bot = answering.bot_factory(settings.generator)
        question = bot.version.post_models.title() or "What does the article say?"  # the index's own words
        if settings.generator == "extractive":  # cheap: a whole answer warms every stage
            bot.ask(question)
        else:  # an LLM answer would hold a worker; load the index and embeddings only
            bot.retrieve(question, k=1)

    try:
        answering.run(work).result()
    except Exception as exc:  # the chat reports it when someone asks
        log.info("warm-up skipped: %s", exc)
