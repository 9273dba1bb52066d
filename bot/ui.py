"""The web chat: a thin Gradio layer over the public Bot API. The only module that imports gradio.

    serve(settings, host, port, auth)   what `bot serve` runs; blocks until Ctrl-C
    build_app(bot_factory, generators)  the Blocks app, for tests: bot_factory(spec) -> a Bot

The page streams each answer, keeps the conversation for follow-ups, and shows the
sources of every answer (bot/ui_format.py). Errors from the project (BotError) become
a friendly message in the chat; the server keeps serving.

API for scripts (gradio_client), endpoint "/chat":
    Client(url).predict("Why do men pull away?", "extractive", api_name="/chat")
    -> the Answer as a dict (text, citations, sources, safety, meta); a BotError comes back
       as gradio_client's AppError with the message. One Client keeps one conversation.
"""

from __future__ import annotations

import ipaddress
import logging
import os
import sys
import threading
import time
from dataclasses import replace
from typing import Callable, Iterable

from index.errors import BotError, InputError

from . import ui_format as fmt
from .answer import Answer, TextDelta

# Before gradio is imported anywhere: no analytics, no version check, no hub calls.
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")

log = logging.getLogger(__name__)

TITLE = "Why do men pull away? Ask the article and its readers"
EXAMPLES = [
    "Why do men pull away?",
    "What should I do when he withdraws?",
    "What is the science behind a man withdrawing?",
    "What did readers say about giving him space?",
    "Is it my fault that he went quiet?",
]
GENERATOR_HELP = (
    "extractive answers with quotes picked from the passages: fast, and every word is from the source. "
    "LLM generators write a draft that is checked the same way. Each answer names the generator that made it."
)
ABOUT = """
**What this is.** A chat over one blog article, *Why Do Men Pull Away From You & The Relationship?*,
and the ~28 reader comments under it (with who replied to whom). It answers only from that text.

**How answers are made.** Your question (plus the conversation so far, for follow-ups) is used to
search the article and comments by meaning and by keywords. The best passages go to the selected
*generator*: `extractive` (the default) answers by quoting the passages themselves; an LLM generator
writes a draft. Either way, every sentence must cite a passage as **[n]**, and code checks each
citation against the exact source text; claims that are not supported are dropped. Under each answer
you see each numbered source: the exact quote, who wrote it and where it sits, with the surrounding
passage one click away.

**Keep in mind.** The article is one author's opinion about relationships, not professional advice,
and reader comments are personal stories. When a question touches on risk to you or someone else,
the answer starts with places to get help, and other perspectives are shown apart from what the article says.
"""

CSS = """
.gradio-container { max-width: 980px !important; margin: 0 auto !important; }
#chat .question { white-space: normal; }
/* long words and URLs wrap instead of widening the chat (and with it the page) */
#title, #chat .question, #chat .answer { overflow-wrap: anywhere; }
#chat .safety li, #chat .safety a { overflow-wrap: anywhere; }
#new-chat { white-space: nowrap; }
/* Gradio's "scroll to the latest message" arrow: bottom right, in the gutter beside the bubbles */
#chat .scroll-down-button-container { left: auto !important; right: 14px !important; transform: none !important; }
#chat .answer-text { line-height: 1.55; }
#chat sup.cite { color: var(--color-accent); font-weight: 600; cursor: help; margin-left: 1px; }
#chat .streaming .cursor { opacity: .6; }
#chat .meta { font-size: .8em; opacity: .75; margin-top: .5em; }
#chat .sources { margin-top: .8em; padding-top: .5em; border-top: 1px solid var(--border-color-primary); }
#chat .sources-title { font-weight: 600; font-size: .9em; margin-bottom: .2em; }
#chat .sources ol { padding-left: 0; margin: 0; list-style: none; }
#chat li.source { margin: .55em 0 .75em 0 !important; padding: 0 !important; }
#chat .sources ol { margin: 0 !important; padding: 0 !important; }
#chat .src-head { font-size: .88em; }
#chat .src-n { font-weight: 700; color: var(--color-accent); }
#chat .src-who { font-weight: 600; }
#chat .src-where { opacity: .8; }
#chat blockquote.src-quote { margin: .3em 0 .2em 0 !important; padding: .15em .6em !important;
  border-left: 3px solid var(--color-accent) !important; font-size: .92em; font-style: normal;
  white-space: normal; overflow-wrap: anywhere; }
#chat .src-id { font-family: var(--font-mono); font-size: .72em; opacity: .6; overflow-wrap: anywhere; }
#chat details.ctx summary { cursor: pointer; font-size: .8em; opacity: .85; }
#chat .ctx-text { font-size: .85em; padding: .3em .6em; overflow-wrap: anywhere; }
#chat .ctx-text mark { background: rgba(250, 204, 21, .35); color: inherit; }
#chat .safety { border: 2px solid #b91c1c; background: #fef2f2; color: #7f1d1d; border-radius: 8px;
  padding: .6em .8em; margin-bottom: .8em; }
#chat .safety-title { font-weight: 700; }
#chat .safety a { color: inherit; text-decoration: underline; }
.dark #chat .safety { background: #3b0d0d; color: #fecaca; border-color: #f87171; }
#chat .perspective { border: 1px dashed var(--color-accent); border-radius: 8px; padding: .5em .8em; margin-top: .8em;
  background: var(--background-fill-secondary); }
#chat .perspective-title { font-weight: 700; font-size: .9em; text-transform: uppercase; letter-spacing: .03em; }
#chat .perspective-origin { font-weight: 400; text-transform: none; opacity: .75; }
#chat .perspective-name { font-weight: 600; margin: .2em 0; }
#chat .perspective ul { margin: .3em 0 .2em 1.1em !important; padding: 0 !important; }
#chat .can-wait { font-size: .85em; font-style: italic; opacity: .8; margin-bottom: .3em; }
#chat .safety p { margin: 0 0 .45em 0 !important; }
#chat .safety .emergency { font-weight: 600; }
#chat .safety .plan-title { font-weight: 600; margin-top: .4em; }
#chat .care { font-style: italic; margin-bottom: .6em; }
#chat .disclaimer { font-size: .8em; opacity: .75; margin-top: .6em; }
#chat .perspective-source { font-size: .85em; opacity: .75; }
#chat .error strong { color: #b91c1c; }
.dark #chat .error strong { color: #fca5a5; }
#title h2 { margin-bottom: .1em !important; }
#chat .safety ul { margin: .3em 0 .3em 1.1em !important; padding: 0 !important; }
#chat .safety li { margin: .15em 0 !important; }
#chat .safety ul, #chat .safety li, #chat .safety li::marker { color: inherit !important; }
@media (max-width: 500px) {
  .column, .block, .row, .form { min-width: 0 !important; max-width: 100% !important; }
  #title h2 { font-size: 1.15rem !important; line-height: 1.3 !important; }
  #title p { font-size: .85rem !important; }
  #chat .src-where { display: block; }
  /* the input row stacks: the question box on its own line, the two buttons side by side below */
  #ask-row { flex-wrap: wrap !important; gap: 8px !important; }
  #ask-row > #question { flex: 1 1 100% !important; min-width: 0 !important; }
  #ask-row > button { flex: 1 1 auto !important; min-width: 0 !important; padding-left: 12px !important;
    padding-right: 12px !important; }
}
"""

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


def _pairs(history: list) -> list[tuple[str, str]]:
    return [(q, a) for q, a in (history or [])]


def answer_events(bot_factory: BotFactory, spec: str, question: str, history: list) -> Iterable[TextDelta | Answer]:
    """The Bot's stream for one question. Raises BotError for anything the user can fix."""
    question = (question or "").strip()
    if not question:
        raise InputError("The question is empty. Type a question about the article or its comments.")
    bot = bot_factory(spec)
    # stream_live yields an LLM's draft while it is written; stream yields it once the answer is checked
    stream = getattr(bot, "stream_live", None) or bot.stream
    yield from stream(question, history=_pairs(history))


def build_app(bot_factory: BotFactory, generators: list[str] | None = None, default: str | None = None):
    """The Blocks app. ``bot_factory(spec)`` returns a Bot (with ``stream``) for a generator spec."""
    gr = _gradio()
    generators = list(dict.fromkeys(generators or ["extractive"]))
    default = default if default in generators else generators[0]

    def respond(question: str, chat: list, history: list, spec: str):
        question = (question or "").strip()
        chat = list(chat or []) + [{"role": "user", "content": fmt.question_html(question)}]
        chat.append({"role": "assistant", "content": fmt.pending_html()})
        yield chat, history
        draft, answer, last = "", None, 0.0
        try:
            for event in answer_events(bot_factory, spec, question, history):
                if isinstance(event, TextDelta):
                    draft += event.text
                    now = time.monotonic()
                    if now - last > 0.05:  # enough updates to look live, few enough to stay cheap
                        chat[-1] = {"role": "assistant", "content": fmt.streaming_html(draft)}
                        last = now
                        yield chat, history
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
        yield chat, history

    def api_chat(question: str, spec: str, history: list):
        """One turn for gradio_client: the Answer as a dict; the session keeps the conversation."""
        try:
            answer = None
            for event in answer_events(bot_factory, spec or default, question, history):
                if isinstance(event, Answer):
                    answer = event
            if answer is None:
                raise BotError("The answer stopped before it was complete. Please ask again.")
        except BotError as exc:
            raise gr.Error(str(exc), print_exception=False) from None
        return answer.to_dict(), list(history or []) + [[question.strip(), answer.text]]

    with gr.Blocks(title="Why men pull away: cited chat", analytics_enabled=False) as app:
        gr.Markdown(
            f"## {TITLE}\nAnswers quote the article and its comments; every claim is numbered to its source.",
            elem_id="title",
        )
        history = gr.State([])
        api_history = gr.State([])
        saved = gr.State("")
        chatbot = gr.Chatbot(
            elem_id="chat", label="Conversation", show_label=False, height="64vh", min_height=300, autoscroll=False,
            latex_delimiters=[], sanitize_html=True, allow_tags=False, feedback_options=None, buttons=["copy"],
            layout="bubble", examples=[{"text": q} for q in EXAMPLES],
            placeholder="**Ask about the article or what its readers said.** Try one of these:",
        )
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
            gr.Markdown(ABOUT)

        def take(text):
            return "", text

        def pick(evt):
            value = evt.value
            return value.get("text", "") if isinstance(value, dict) else str(value)

        pick.__annotations__ = {"evt": gr.SelectData}  # a real class: Gradio reads it to pass the event

        def then_answer(event):
            return event.then(
                respond, [saved, chatbot, history, generator], [chatbot, history], api_visibility="private"
            )

        for trigger in (textbox.submit, send.click):
            then_answer(trigger(take, [textbox], [textbox, saved], queue=False, api_visibility="private"))
        then_answer(chatbot.example_select(pick, None, [saved], queue=False, api_visibility="private"))
        new_chat.click(lambda: ([], [], ""), None, [chatbot, history, textbox], queue=False, api_visibility="private")
        chatbot.clear(lambda: [], None, [history], queue=False, api_visibility="private")
        chatbot.change(None, None, None, js=SCROLL_TO_NEW_QUESTION, queue=False, api_visibility="private")

        api_in = gr.Textbox(visible=False)
        api_out = gr.JSON(visible=False)
        api_in.submit(api_chat, [api_in, generator, api_history], [api_out, api_history], api_name="chat")
    return app


def launch(app, host: str = "127.0.0.1", port: int = 7860, auth: tuple[str, str] | None = None, block: bool = True):
    """Start the server (no share link, no analytics). With block=False it returns at once."""
    app.queue(default_concurrency_limit=1)
    app.launch(
        server_name=host, server_port=port, auth=auth, share=False, inbrowser=False, quiet=True,
        prevent_thread_lock=not block, css=CSS, head=PAGE_CSS, ssr_mode=False, footer_links=[],
        theme=_gradio().themes.Soft(font=["ui-sans-serif", "system-ui", "sans-serif"],
                                    font_mono=["ui-monospace", "monospace"]),
    )
    return app


def parse_auth(auth: str | None) -> tuple[str, str] | None:
    if not auth:
        return None
    user, sep, password = auth.partition(":")
    if not sep or not user or not password:
        raise InputError("--auth must look like USER:PASSWORD (both parts non-empty).")
    return user, password


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def generator_choices(settings) -> list[str]:
    """The generators to offer: the factory's list when it has one, always extractive, and the configured one."""
    found: list[str] = []
    try:
        from .generate import factory

        lister = getattr(factory, "available_generators", None) or getattr(factory, "available", None)
        if callable(lister):
            found = [str(s) for s in lister()]
    except Exception as exc:  # listing is a nicety; never stop the server for it
        log.info("could not list generators: %s", exc)
    return list(dict.fromkeys([settings.generator, "extractive", *found]))


def serve(settings, host: str = "127.0.0.1", port: int = 7860, auth: str | None = None) -> int:
    """Run the web chat until Ctrl-C. Bots are made on first use, one per generator spec."""
    credentials = parse_auth(auth)
    if not is_loopback(host) and credentials is None:
        print(
            f"WARNING: serving on {host}, beyond this machine, WITHOUT a login. Anyone who can reach port {port} "
            "can use the chat. Add --auth USER:PASSWORD, or bind to 127.0.0.1.",
            file=sys.stderr,
        )
    if settings.chroma_url is None and not settings.store_dir.exists():
        print(f"note: no index at {settings.store_dir} yet; run `bot index` (the chat will say so too).", file=sys.stderr)

    from .api import Bot

    bots: dict[str, object] = {}
    lock = threading.Lock()

    def bot_factory(spec: str):
        with lock:
            if spec not in bots:
                bots[spec] = Bot(settings=replace(settings, generator=spec))
            return bots[spec]

    def warm_up():  # load the index and embedding model now, not on the first question
        try:
            bot = bot_factory(settings.generator)
            if settings.generator == "extractive":  # cheap: a whole answer warms every stage
                bot.ask("Why do men pull away?")
            else:  # an LLM answer would hold the only queue slot; load the index and embeddings only
                bot.retrieve("why do men pull away", k=1)
        except Exception as exc:  # the chat reports it when someone asks
            log.info("warm-up skipped: %s", exc)

    threading.Thread(target=warm_up, name="warm-up", daemon=True).start()
    app = build_app(bot_factory, generator_choices(settings), default=settings.generator)
    shown = "localhost" if is_loopback(host) else host
    print(f"web chat on http://{shown}:{port} (Ctrl-C to stop)", file=sys.stderr)
    try:
        launch(app, host, port, credentials, block=True)
    except KeyboardInterrupt:
        pass
    finally:
        app.close()
    return 0
