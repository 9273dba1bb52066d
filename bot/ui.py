"""The web chat: a thin Gradio layer over the public Bot API. The only module that imports gradio.

    build_app(bot_factory, generators, answering=...)  the Blocks app: bot_factory(spec) -> a Bot
    mount(fastapi_app, blocks, ...)     put it on the FastAPI app of `bot serve` (bot/server.py)
    launch(blocks, host, port)          serve it alone (tests)

The page streams each answer, keeps the conversation for follow-ups, and shows the
sources of every answer (bot/ui_format.py). Errors from the project (BotError) become
a friendly message in the chat; the server keeps serving.

API for scripts (gradio_client), endpoint "/chat":
    Client(url).predict("What does the article say?", "extractive", api_name="/chat")
    -> the Answer as a dict (text, citations, sources, safety, meta); a BotError comes back
       as gradio_client's AppError with the message. One Client keeps one conversation.
Endpoint "/ask" (also the MCP tool `ask` with `bot serve --mcp`): ask(question, history) -> JSON text
    of bot.http.serialize.answer_payload (answer_id, text, citations, safety, ...); stateless.

Every answer goes through one Answering service (bot/serving.py): its rate limit per address,
its pool of workers shared with the HTTP API, and its feedback log (thumbs up/down on answers).
"""

from __future__ import annotations

import json
import logging
import os
import time
import warnings
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace
from typing import Callable, Iterable

from index.errors import BotError, InputError

from . import ui_format as fmt
from .answer import Answer, TextDelta
from .serving import Answering

# Before gradio is imported anywhere: no analytics, no version check, no hub calls.
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")

log = logging.getLogger(__name__)

MCP_TOOL = "ask"
FEEDBACK_THANKS = "Thanks: your rating was saved with this answer (nothing about you)."
GENERATOR_HELP = (
    "extractive answers with quotes picked from the passages: fast, and every word is from the source. "
    "LLM generators write a draft that is checked the same way. Each answer names the generator that made it."
)
ABOUT = """
**What this is.** A chat over {what}, and the {comments} reader comments under it (with who replied to whom).
It answers only from that text.

**How answers are made.** Your question (plus the conversation so far, for follow-ups) is used to
search the article and comments by meaning and by keywords. The best passages go to the selected
*generator*: `extractive` (the default) answers by quoting the passages themselves; an LLM generator
writes a draft. Either way, every sentence must cite a passage as **[n]**, and code checks each
citation against the exact source text; claims that are not supported are dropped. Under each answer
you see each numbered source: the exact quote, who wrote it and where it sits, with the surrounding
passage one click away.

**Keep in mind.** The article is one author's opinion, not professional advice, and reader comments are
personal stories. When a question touches on risk to you or someone else, the answer starts with places
to get help, and other perspectives are shown apart from what the article says.
"""


@dataclass(frozen=True)
class Page:
    """What the page says about the post it serves: all of it read from the index (``page_for``)."""

    post_title: str = ""  # "" when the index holds several posts or none yet
    comments: int = 0
    examples: tuple[str, ...] = (
        "What does the article say?", "What does the article advise?", "What did readers say?",
        "Who disagreed with the article?",
    )

    @property
    def title(self) -> str:
        return f"Ask the article and its readers: {self.post_title}" if self.post_title else "Ask the article and its readers"

    @property
    def about(self) -> str:
        what = f"one blog article, *{self.post_title}*," if self.post_title else "the indexed blog articles"
        return ABOUT.format(what=what, comments=self.comments or "the")


def page_for(settings) -> Page:
    """The page for the current index: its post's title, comment count and example questions made from
    its own words (headings that ask, a reader who disagreed). A generic page when there is no index yet."""
    from index.errors import StoreError
    from index.store import IndexVersion

    try:
        version = IndexVersion.open(settings.store_dir, settings.chroma_url)
        models = version.post_models
    except StoreError:
        return Page()
    title = models.title()
    if not title:
        return Page(comments=sum(len(p.comments()) for p in models.posts.values()))
    post = next(iter(models.posts.values()))
    examples = [title if title.rstrip().endswith("?") else "What is the article's main point?"]
    headings = [r.text.strip() for r in version.records if r.doc == post.post and r.id.endswith(":heading")]
    examples += [h for h in headings if h.endswith("?")][:1]
    examples += ["What does the article advise?", "Who disagreed with the article?"]
    dissent = [r for r in post.comments() if r.stance and r.stance.value in ("disagrees", "nuance") and not r.by_author]
    names = [n for n in post.names if any(n.lower().split()[0] in r.key for r in dissent)]
    if names:
        examples.append(f"What did {names[0]} say?")
    return Page(title, len(post.comments()), tuple(dict.fromkeys(examples)))


# The MCP tool's description: what an agent reads to decide when to call it (the post comes from the index).
ASK_DOC = """Ask {post} and its threaded reader comments. Answers come only from that text: every claim cites
        the exact article passage or comment it quotes (quote == source[start:end]), and a safety layer adds
        crisis/abuse resources and balancing perspectives when needed. Not professional advice; questions outside
        the article get "The article and its comments don't cover that". Returns JSON:
        {{answer_id, text (with [n] markers), citations [{{n, source_id, kind, author, parent_author, quote, start, end,
        doc, section}}], safety {{flags, resources, perspectives, notes, ...}}, generator, abstained}}.

        Args:
            question: the question, in plain words (e.g. "{example}")
            history: earlier turns of this conversation as [[question, answer], ...], oldest first (optional)
        """

CSS_FILE = Path(__file__).with_name("ui.css")  # the chat's look; Gradio scopes it to its content area


def _css() -> str:
    return CSS_FILE.read_text(encoding="utf-8")

# Gradio scopes CSS= to its content area (inside @media too), so rules for the page frame around it
# go in <head>: narrower side margins on a phone, and no minimum width anywhere.
PAGE_CSS = """<style>
@media (max-width: 500px) {
  .gradio-container .main { padding-left: 8px !important; padding-right: 8px !important; }
  .gradio-container, .gradio-container .main, .gradio-container .wrap, .gradio-container .contain {
    min-width: 0 !important; max-width: 100% !important; }
}
</style>"""

# When a new question appears, scroll the chat so it sits at the top and its answer grows below it
# (Gradio's autoscroll is off: it would park the view at the last source, below the answer).
SCROLL_TO_NEW_QUESTION = """() => { setTimeout(() => {
  const qs = document.querySelectorAll('#chat .question');
  if (qs.length > (window.__questionsSeen || 0)) window.__pinQuestion = true;
  window.__questionsSeen = qs.length;
  if (!qs.length || !window.__pinQuestion) return;
  const q = qs[qs.length - 1];
  for (let el = q.parentElement; el; el = el.parentElement) {
    const oy = getComputedStyle(el).overflowY;
    if ((oy === 'auto' || oy === 'scroll') && el.scrollHeight > el.clientHeight) {
      el.scrollTop += q.getBoundingClientRect().top - el.getBoundingClientRect().top - 12;
      // until the answer is long enough to put the question at the top, keep trying on each update
      window.__pinQuestion = q.getBoundingClientRect().top - el.getBoundingClientRect().top > 24;
      return;
    }
  }
}, 60); }"""

BotFactory = Callable[[str], object]


def _gradio():
    try:
        import gradio as gr
    except ImportError:  # pragma: no cover - gradio is a pinned dependency
        raise BotError("the web chat needs gradio: run `make setup` (or pip install -e .)") from None
    return gr


def _question(question: str | None) -> str:
    question = (question or "").strip()
    if not question:
        raise InputError("The question is empty. Type a question about the article or its comments.")
    return question


def answer_events(answering: Answering, spec: str, question: str, history: list) -> Iterable[TextDelta | Answer]:
    """The Bot's stream for one question. Raises BotError for anything the user can fix."""
    question = _question(question)  # checked before the first event, as the chat shows it at once
    yield from answering.stream(spec, question, history)


def whole_answer(answering: Answering, spec: str, question: str, history: list, request) -> Answer:
    """One turn for a script (gradio_client, the MCP tool): check the key, admit the client, run the answer."""
    answering.authorize(request)
    answering.admit_request(request)
    return answering.ask(spec, _question(question), history)


def _handlers(gr, answering: Answering, default: str, page: Page | None = None) -> SimpleNamespace:
    """What the page's events do: answer (streaming), rate an answer, comment on a rating, and the
    two script endpoints (/chat for gradio_client, the MCP tool). BotError becomes a message."""
    feedback = answering.feedback

    def respond(question: str, chat: list, history: list, spec: str, ids: dict | None = None, request=None):
        question = (question or "").strip()
        ids = dict(ids or {})
        chat = list(chat or []) + [{"role": "user", "content": fmt.question_html(question)}]
        chat.append({"role": "assistant", "content": fmt.pending_html()})
        yield chat, history, ids
        draft, answer, last = "", None, 0.0
        try:
            if question:
                answering.admit_request(request)
            for event in answer_events(answering, spec, question, history):
                if isinstance(event, TextDelta):
                    draft += event.text
                    now = time.monotonic()
                    if now - last > 0.05:  # enough updates to look live, few enough to stay cheap
                        chat[-1] = {"role": "assistant", "content": fmt.streaming_html(draft)}
                        last = now
                        yield chat, history, ids
                elif isinstance(event, Answer):
                    answer = event
            if answer is None:
                raise BotError("The answer stopped before it was complete. Please ask again.")
        except BotError as exc:
            chat[-1] = {"role": "assistant", "content": fmt.error_html(str(exc))}
        except Exception:  # never a traceback in the page; the server log has it
            log.exception("answering %r failed", question)
            chat[-1] = {"role": "assistant", "content": fmt.error_html(
                "Something went wrong on our side. The details are in the server log; please try again.")}
        else:
            chat[-1] = {"role": "assistant", "content": fmt.answer_html(answer)}
            history = list(history or []) + [[question, answer.text]]
            if answer.meta.answer_id:
                ids[str(len(chat) - 1)] = answer.meta.answer_id  # the message a thumb refers to
        yield chat, history, ids

    respond.__annotations__ = {"request": gr.Request}  # a real class: Gradio reads it to pass the request

    def rate(evt, ids: dict):
        """A thumb on an answer: store the rating, then offer a short comment box."""
        index = evt.index[0] if isinstance(evt.index, (list, tuple)) else evt.index
        answer_id = (ids or {}).get(str(index))
        if feedback is None or not answer_id:
            return gr.update(visible=False), ""
        if evt.liked is True or evt.liked is False:
            if feedback.rate(answer_id, "up" if evt.liked else "down") is not None:
                return gr.update(visible=True), answer_id
        else:  # the thumb was clicked again: the rating is withdrawn
            feedback.unrate(answer_id)
        return gr.update(visible=False), ""

    rate.__annotations__ = {"evt": gr.LikeData}

    def add_comment(text: str, answer_id: str):
        if feedback is not None and answer_id and (text or "").strip():
            try:
                feedback.comment(answer_id, text.strip())
            except InputError as exc:
                gr.Warning(str(exc))
                return gr.update(visible=True), text
            gr.Info(FEEDBACK_THANKS)
        return gr.update(visible=False), ""

    def api_chat(question: str, spec: str, history: list, request=None):
        """One turn for gradio_client: the Answer as a dict; the session keeps the conversation."""
        try:
            answer = whole_answer(answering, spec or default, question, history, request)
        except BotError as exc:
            raise gr.Error(str(exc), print_exception=False) from None
        return answer.to_dict(), list(history or []) + [[question.strip(), answer.text]]

    api_chat.__annotations__ = {"request": gr.Request}

    def ask(question: str, history: list | None = None, request=None) -> str:
        """(set below: ASK_DOC, naming the post from the index)"""
        from .http.serialize import answer_payload

        turns = history or []
        if not (isinstance(turns, list) and all(
                isinstance(t, (list, tuple)) and len(t) == 2 and all(isinstance(x, str) for x in t) for t in turns)):
            raise gr.Error("history must be a list of [question, answer] pairs of strings.", print_exception=False)
        try:
            answer = whole_answer(answering, default, question, turns, request)
        except BotError as exc:
            raise gr.Error(str(exc), print_exception=False) from None
        return json.dumps(answer_payload(answer), ensure_ascii=False)

    ask.__annotations__ = {"question": str, "history": list[list[str]] | None, "request": gr.Request, "return": str}
    page = page or Page()
    ask.__doc__ = ASK_DOC.format(
        post=f'the blog article "{page.post_title}"' if page.post_title else "the indexed blog articles",
        example=page.examples[0])

    return SimpleNamespace(respond=respond, rate=rate, add_comment=add_comment, api_chat=api_chat, ask=ask)


def build_app(bot_factory: BotFactory, generators: list[str] | None = None, default: str | None = None,
              *, answering: Answering | None = None, page: Page | None = None):
    """The Blocks app. ``bot_factory(spec)`` returns a Bot (with ``stream``) for a generator spec;
    ``answering`` (bot/serving.py) adds the rate limit, the shared worker pool and feedback."""
    gr = _gradio()
    generators = list(dict.fromkeys(generators or ["extractive"]))
    default = default if default in generators else generators[0]
    answering = answering or Answering(bot_factory)
    feedback = answering.feedback
    page = page or Page()
    on = _handlers(gr, answering, default, page)
    respond, rate, add_comment, api_chat, ask = on.respond, on.rate, on.add_comment, on.api_chat, on.ask

    with gr.Blocks(title=f"{page.post_title or 'Article'}: cited chat", analytics_enabled=False) as app:
        gr.Markdown(
            f"## {page.title}\nAnswers quote the article and its comments; every claim is numbered to its source.",
            elem_id="title",
        )
        history = gr.State([])
        api_history = gr.State([])
        saved = gr.State("")
        answer_ids = gr.State({})  # chat message index -> answer id, for ratings
        rated = gr.State("")  # the answer the comment box is about
        chatbot = gr.Chatbot(
            elem_id="chat", label="Conversation", show_label=False, height="64vh", min_height=300, autoscroll=False,
            latex_delimiters=[], sanitize_html=True, allow_tags=False,
            feedback_options=("Like", "Dislike") if feedback is not None else None, buttons=["copy"],
            layout="bubble", examples=[{"text": q} for q in page.examples],
            placeholder="**Ask about the article or what its readers said.** Try one of these:",
        )
        with gr.Row(visible=False, elem_id="feedback-row") as feedback_row:
            comment = gr.Textbox(
                show_label=False, placeholder="Optional: what was wrong or good about this answer? (a short comment)",
                max_length=1000, scale=6, container=False, elem_id="feedback-comment", lines=1,
            )
            send_comment = gr.Button("Send comment", scale=0, min_width=140, elem_id="feedback-send")
        with gr.Row(equal_height=True, elem_id="ask-row"):
            textbox = gr.Textbox(
                show_label=False, placeholder="Type a question and press Enter", scale=6, min_width=220,
                elem_id="question", autofocus=True, lines=1, max_lines=4, container=False,
            )
            send = gr.Button("Ask", variant="primary", scale=0, min_width=90, elem_id="ask")
            new_chat = gr.Button("New conversation", variant="secondary", scale=0, min_width=190, elem_id="new-chat")
        generator = gr.Dropdown(
            choices=generators, value=default, label="Answer generator", info=GENERATOR_HELP,
            interactive=len(generators) > 1, elem_id="generator",
        )
        with gr.Accordion("About this chat: what it knows and how answers are made", open=False, elem_id="about"):
            gr.Markdown(page.about)

        def take(text):
            return "", text

        def pick(evt):
            value = evt.value
            return value.get("text", "") if isinstance(value, dict) else str(value)

        pick.__annotations__ = {"evt": gr.SelectData}  # a real class: Gradio reads it to pass the event

        def then_answer(event):
            return event.then(
                respond, [saved, chatbot, history, generator, answer_ids], [chatbot, history, answer_ids],
                api_visibility="private",
            )

        for trigger in (textbox.submit, send.click):
            then_answer(trigger(take, [textbox], [textbox, saved], queue=False, api_visibility="private"))
        then_answer(chatbot.example_select(pick, None, [saved], queue=False, api_visibility="private"))
        new_chat.click(lambda: ([], [], "", {}, gr.update(visible=False)), None,
                       [chatbot, history, textbox, answer_ids, feedback_row], queue=False, api_visibility="private")
        chatbot.clear(lambda: ([], {}), None, [history, answer_ids], queue=False, api_visibility="private")
        if feedback is not None:
            chatbot.like(rate, [answer_ids], [feedback_row, rated], queue=False, api_visibility="private")
            for trigger in (comment.submit, send_comment.click):
                trigger(add_comment, [comment, rated], [feedback_row, comment], queue=False, api_visibility="private")
        chatbot.change(None, None, None, js=SCROLL_TO_NEW_QUESTION, queue=False, api_visibility="private")

        api_in = gr.Textbox(visible=False)
        api_out = gr.JSON(visible=False)
        api_in.submit(api_chat, [api_in, generator, api_history], [api_out, api_history], api_name="chat")
        gr.api(ask, api_name=MCP_TOOL, queue=False)  # stateless; the MCP tool with `bot serve --mcp`
    return app


def _page_options() -> dict:
    """How the page looks, the same whether launched alone or mounted."""
    gr = _gradio()
    return dict(css=_css(), head=PAGE_CSS, ssr_mode=False, footer_links=[],
                theme=gr.themes.Soft(font=["ui-sans-serif", "system-ui", "sans-serif"],
                                     font_mono=["ui-monospace", "monospace"]))


def launch(app, host: str = "127.0.0.1", port: int = 7860, auth: tuple[str, str] | None = None, block: bool = True,
           concurrency: int = 1):
    """Start the chat alone (no share link, no analytics). With block=False it returns at once."""
    app.queue(default_concurrency_limit=concurrency)
    app.launch(server_name=host, server_port=port, auth=auth, share=False, inbrowser=False, quiet=True,
               prevent_thread_lock=not block, **_page_options())
    return app


def mount(fastapi_app, app, auth: tuple[str, str] | None = None, concurrency: int = 1, mcp: bool = False):
    """Mount the chat at / on a FastAPI app (routes added before stay in front of it).

    With ``mcp`` Gradio's MCP server (streamable HTTP at /gradio_api/mcp/) offers one tool, ``ask``,
    whose result also carries the answer as structured content."""
    gr = _gradio()
    app.queue(default_concurrency_limit=concurrency)
    with warnings.catch_warnings():  # the /chat endpoint keeps a gr.State; it is not offered over MCP
        warnings.filterwarnings("ignore", message=".*gr.State input.*")
        gr.mount_gradio_app(fastapi_app, app, path="/", auth=auth, mcp_server=mcp, **_page_options())
    if mcp:
        if app.mcp_server_obj is None:
            raise BotError(f"the MCP server could not start: {app.mcp_error or 'is the mcp package installed?'} "
                           "(pip install -e '.[mcp]')")
        _only_the_ask_tool(app.mcp_server_obj)
    return fastapi_app


def _only_the_ask_tool(server) -> None:
    """Offer just ``ask`` over MCP, and return its JSON answer as structured content too.

    Gradio lists every named endpoint as a tool and returns results as text only; the
    low-level MCP server's call handler is wrapped to parse the tool's JSON into
    ``structuredContent`` (the text content stays, for clients without structured output)."""
    from mcp import types

    server.tool_to_endpoint = {name: ep for name, ep in server.tool_to_endpoint.items() if name == MCP_TOOL}
    handlers = server.mcp_server.request_handlers
    call = handlers[types.CallToolRequest]

    async def call_with_structure(request):
        result = await call(request)
        inner = result.root
        if isinstance(inner, types.CallToolResult) and not inner.isError and inner.content:
            try:
                inner.structuredContent = json.loads(inner.content[0].text)
            except (AttributeError, ValueError):
                log.warning("the MCP tool returned text that is not JSON; no structured content")
        return result

    handlers[types.CallToolRequest] = call_with_structure


def parse_auth(auth: str | None) -> tuple[str, str] | None:
    if not auth:
        return None
    user, sep, password = auth.partition(":")
    if not sep or not user or not password:
        raise InputError("--auth must look like USER:PASSWORD (both parts non-empty).")
    return user, password


def generator_choices(settings) -> list[str]:
    """The generators to offer: the configured one, extractive, and each installed local model."""
    found: list[str] = []
    try:
        from .generate.factory import available_generators

        found = available_generators(settings)
    except Exception as exc:  # listing is a nicety; never stop the server for it
        log.info("could not list generators: %s", exc)
    return list(dict.fromkeys([settings.generator, "extractive", *found]))


def serve(settings, host: str = "127.0.0.1", port: int = 7860, auth: str | None = None, mcp: bool = False) -> int:
    """`bot serve`: the chat and the HTTP API in one process (see bot/server.py)."""
    from .server import serve as serve_all

    return serve_all(settings, host=host, port=port, auth=auth, mcp=mcp)
