"""The web chat: a thin Gradio layer over the public Bot API. The only module that imports gradio.

    build_app(bot_factory, generators, answering=...)  the Blocks app: bot_factory(spec) -> a Bot
    mount(fastapi_app, blocks, ...)     put it on the FastAPI app of `bot serve` (bot/serve/server.py)
    launch(blocks, host, port)          serve it alone (tests)

The page streams each answer, keeps the conversation for follow-ups, and shows the
sources of every answer (bot/render/html.py). Errors from the project (BotError) become
a friendly message in the chat; the server keeps serving.

One post or all: with several posts indexed, a picker (by title) scopes the conversation to one post;
picking another starts a new conversation. ``/?post=SLUG`` opens the page of that post (its title,
examples, About) with the picker hidden, for a chat embedded beside the post; an unknown slug shows a
message naming the posts there are, and the page of every post.

API for scripts (gradio_client), endpoint "/chat":
    Client(url).predict("What does the article say?", "extractive", api_name="/chat")
    -> the Answer as a dict (text, citations, sources, safety, meta); a BotError comes back
       as gradio_client's AppError with the message. One Client keeps one conversation.
Endpoint "/ask" (also the MCP tool `ask` with `bot serve --mcp`): ask(question, history, post) -> JSON text
    of bot.http.serialize.answer_payload (answer_id, text, citations, safety, ...); stateless.
Endpoint "/posts" (the MCP tool `posts`): posts() -> JSON text {"posts": [{slug, title, comments}]}.

Every answer goes through one Answering service (bot/serve/answering.py): its rate limit per address,
its pool of workers shared with the HTTP API, and its feedback log (thumbs up/down on answers).
"""

from __future__ import annotations

import json
import logging
import os
import re
import time
import warnings
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace
from typing import TYPE_CHECKING, Callable, Iterable

from index.errors import BotError, InputError

from bot.render import html as fmt
from bot.answer import Answer, TextDelta
from bot.posts import Post, check_post, posts_in
from bot.serve.answering import Answering

if TYPE_CHECKING:
    from bot.api import Bot

# Before gradio is imported anywhere: no analytics, no version check, no hub calls.
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")

log = logging.getLogger(__name__)

MCP_TOOL = "ask"
POSTS_TOOL = "posts"
MCP_TOOLS = (MCP_TOOL, POSTS_TOOL)
POST_HELP = "Answers come from the chosen post and its comments only. Changing it starts a new conversation."
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


ALL_POSTS = ""  # the picker's value (and the page's scope) for "every post"


@dataclass(frozen=True)
class Page:
    """What the page says about the post it serves: all of it read from the index (``page_of``)."""

    post_title: str = ""  # "" when the page is about several posts (or no index yet)
    comments: int = 0
    examples: tuple[str, ...] = (
        "What does the article say?", "What does the article advise?", "What did readers say?",
        "Who disagreed with the article?",
    )
    post: str = ALL_POSTS  # the slug every question of this page is scoped to; "" for every post
    posts: tuple[Post, ...] = ()  # every post of the index, for the picker

    @property
    def title(self) -> str:
        return f"Ask the article and its readers: {self.post_title}" if self.post_title else "Ask the article and its readers"

    @property
    def about(self) -> str:
        what = f"one blog article, *{self.post_title}*," if self.post_title else "the indexed blog articles"
        return ABOUT.format(what=what, comments=self.comments or "the")

    @property
    def header(self) -> str:
        return f"## {self.title}\nAnswers quote the article and its comments; every claim is numbered to its source."

    def choices(self) -> list[tuple[str, str]]:
        """The picker: every post by title, after "All posts"."""
        return [("All posts", ALL_POSTS)] + [(p.title, p.slug) for p in self.posts]


def page_of(version, post: str | None = None) -> Page:
    """The page for one post of an index version (``post``, its slug), or for the whole index: the post's
    title, comment count and example questions made from its own words (headings that ask, a reader who
    disagreed). Without ``post`` an index of one post gets that post's page (unscoped, as it always was)
    and an index of several a generic one. An unknown ``post`` is an InputError naming the choices."""
    models = version.post_models
    posts = tuple(posts_in(version))
    if post is not None:
        check_post(post, version.sources)
        model = models.posts.get(post)
        if model is None:  # an index built before posts were modelled: the slug is all it knows
            return Page(post_title=post, comments=next(p.comments for p in posts if p.slug == post), post=post, posts=posts)
    elif len(models.posts) == 1:
        model = next(iter(models.posts.values()))
    else:
        return Page(comments=sum(p.comments for p in posts), posts=posts)
    title = model.title
    asked = re.match(r"[^?]{8,}\?", title.strip())  # "Why Is My Sourdough Flat? 7 Fixes ...": its question
    examples = [asked.group(0) if asked else "What is the article's main point?"]
    headings = [r.text.strip() for r in version.records if r.doc == model.post and r.id.endswith(":heading")]
    examples += [h for h in headings if h.endswith("?")][:1]
    examples += ["What does the article advise?", "Who disagreed with the article?"]
    dissent = [r for r in model.comments() if r.stance and r.stance.value in ("disagrees", "nuance") and not r.by_author]
    names = [n for n in model.names if any(n.lower().split()[0] in r.key for r in dissent)]
    if names:
        examples.append(f"What did {names[0]} say?")
    return Page(title, len(model.comments()), tuple(dict.fromkeys(examples)), post or ALL_POSTS, posts)


def page_for(settings, post: str | None = None) -> Page:
    """``page_of`` the current index (opened from ``settings``); a generic page when there is no index yet."""
    from index.errors import StoreError
    from index.store import IndexVersion

    try:
        version = IndexVersion.open(settings.store_dir, settings.chroma_url)
        version.post_models  # noqa: B018 - a damaged model is a StoreError too
    except StoreError:
        return Page()
    return page_of(version, post)


def pages_of(bot_factory: "BotFactory", spec: str) -> Callable[[str | None], Page]:
    """``pages(post)`` for the web chat: ``page_of`` the index the Bot for ``spec`` answers from (it follows
    rebuilds); a generic page while there is no index (a question then says to run `bot index`)."""
    from index.errors import StoreError

    def pages(post: str | None = None) -> Page:
        try:
            version = bot_factory(spec).version
        except StoreError:
            return Page()
        return page_of(version, post)

    return pages


def _static_pages(page: Page) -> Callable[[str | None], Page]:
    """``pages`` that know only ``page`` (a test double's app, or no index): its own post or none."""

    def pages(post: str | None = None) -> Page:
        if post is not None and post != page.post:
            check_post(post, [p.slug for p in page.posts])
        return page

    return pages


# The MCP tool's description: what an agent reads to decide when to call it (the post comes from the index).
ASK_DOC = """Ask {post} and its threaded reader comments. Answers come only from that text: every claim cites
        the exact article passage or comment it quotes (quote == source[start:end]), and a safety layer adds
        crisis/abuse resources and balancing perspectives when needed. Not professional advice; questions outside
        the article get "The article and its comments don't cover that". Returns JSON:
        {{answer_id, text (with [n] markers), citations [{{n, source_id, kind, author, parent_author, quote, start, end,
        doc (the post's slug), section}}], safety {{flags, resources, perspectives, notes, ...}}, generator, abstained}}.

        Args:
            question: the question, in plain words (e.g. "{example}")
            history: earlier turns of this conversation as [[question, answer], ...], oldest first (optional)
            post: answer from this post only: its slug, as the posts tool lists them (optional; default: every post)
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

# The browser tab names the page's post (from the title line: "## Ask the article and its readers: TITLE").
TAB_TITLE = """(header) => { const m = /readers: (.+)\\n/.exec(header || '');
  document.title = (m ? m[1] : 'Article') + ': cited chat'; }"""

BotFactory = Callable[[str], "Bot"]


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


def answer_events(answering: Answering, spec: str, question: str, history: list,
                  post: str | None = None) -> Iterable[TextDelta | Answer]:
    """The Bot's stream for one question (from ``post`` only, when named). Raises BotError for anything
    the user can fix."""
    question = _question(question)  # checked before the first event, as the chat shows it at once
    yield from answering.stream(spec, question, history, post or None)


def whole_answer(answering: Answering, spec: str, question: str, history: list, request,
                 post: str | None = None) -> Answer:
    """One turn for a script (gradio_client, the MCP tool): check the key, admit the client, run the answer."""
    answering.authorize(request)
    answering.admit_request(request)
    return answering.ask(spec, _question(question), history, post or None)


MAX_SLUG = 80  # an asked slug longer than this is cut in the page's message (it is a URL anyone can write)


def asked_post(request) -> str:
    """The ``?post=`` of the page's URL ("" without one)."""
    params = getattr(request, "query_params", None) or {}
    return (params.get("post") or "").strip()


def no_such_post_html(asked: str, page: Page) -> str:
    """The page's message for an unknown ``?post=``: what was asked, and the posts there are (by title and slug)."""
    shown = asked if len(asked) <= MAX_SLUG else asked[:MAX_SLUG] + "…"
    there = "; ".join(f"{fmt.esc(p.title)} (<code>{fmt.esc(p.slug)}</code>)" for p in page.posts) or "none yet"
    pick = " Pick one below, or ask about all of them." if len(page.posts) > 1 else ""
    return (f'<div class="post-notice" role="alert"><strong>There is no post “{fmt.esc(shown)}” here.</strong> '
            f"This chat can answer from: {there}.{pick}</div>")


def _post_titles(answering: Answering, post: str | None) -> dict[str, str]:
    """Each post's title by slug, for sources of an answer from every post (one post, or a scoped page: none)."""
    if post:
        return {}
    try:
        posts = answering.posts()
    except Exception as exc:  # a label under each source is a nicety; never fail an answer for it
        log.info("no post titles for the sources: %s", exc)
        return {}
    return {p.slug: p.title for p in posts} if len(posts) > 1 else {}


def _handlers(gr, answering: Answering, default: str, page: Page | None = None,
              pages: Callable[[str | None], Page] | None = None) -> SimpleNamespace:
    """What the page's events do: open the page (its ``?post=``), pick a post, answer (streaming), rate an
    answer, comment on a rating, and the script endpoints (/chat for gradio_client, the MCP tools ask and
    posts). BotError becomes a message."""
    feedback = answering.feedback
    page = page or Page()
    pages = pages or _static_pages(page)

    def show(shown: Page, notice: str = "", picker: bool = True) -> tuple:
        """The outputs of opening the page or picking a post: title, About, an empty chat with the post's
        examples, the picker, the scope, the notice, and a fresh conversation."""
        return (
            shown.header, shown.about,
            gr.update(value=[], examples=[{"text": q} for q in shown.examples]),
            gr.update(choices=shown.choices(), value=shown.post, visible=picker and len(shown.posts) > 1),
            shown.post, gr.update(value=notice, visible=bool(notice)), [], {}, gr.update(visible=False),
        )

    def load(request=None):
        """The page as its URL asks: ``?post=slug`` gives that post's page with the picker hidden (the
        page is embedded beside that post); an unknown slug, the whole index's page and a message naming
        its posts; no ``?post=``, the whole index's page (the picker shown when it holds several posts)."""
        asked = asked_post(request)
        try:
            try:
                return show(pages(asked or None), picker=not asked)
            except InputError:
                whole = pages(None)
                return show(whole, no_such_post_html(asked, whole))
        except BotError as exc:  # a damaged index: the page says so, questions will too
            return show(page, fmt.error_html(str(exc)))

    load.__annotations__ = {"request": gr.Request}

    def choose(post: str):
        """Another post picked: its page, and a new conversation (answers never mix posts)."""
        try:
            return show(pages(post or None))
        except BotError as exc:  # the index changed under the page: the post is gone
            return show(pages(None), fmt.error_html(str(exc)))

    def respond(question: str, chat: list, history: list, spec: str, ids: dict | None = None, request=None,
                post: str = ALL_POSTS):
        question = (question or "").strip()
        ids = dict(ids or {})
        chat = list(chat or []) + [{"role": "user", "content": fmt.question_html(question)}]
        chat.append({"role": "assistant", "content": fmt.pending_html()})
        yield chat, history, ids
        draft, answer, last = "", None, 0.0
        try:
            if question:
                answering.admit_request(request)
            for event in answer_events(answering, spec, question, history, post):
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
            chat[-1] = {"role": "assistant", "content": fmt.answer_html(answer, _post_titles(answering, post))}
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

    def ask(question: str, history: list | None = None, post: str | None = None, request=None) -> str:
        """(set below: ASK_DOC, naming the post from the index)"""
        from bot.serve.http.serialize import answer_payload

        turns = history or []
        if not (isinstance(turns, list) and all(
                isinstance(t, (list, tuple)) and len(t) == 2 and all(isinstance(x, str) for x in t) for t in turns)):
            raise gr.Error("history must be a list of [question, answer] pairs of strings.", print_exception=False)
        if post is not None and not isinstance(post, str):
            raise gr.Error("post must be a post's slug (a string; the posts tool lists them).", print_exception=False)
        try:
            if post:  # an unknown post is an error naming the choices, before a worker is taken
                answering.authorize(request)
                answering.check_post(post)
            answer = whole_answer(answering, default, question, turns, request, post)
        except BotError as exc:
            raise gr.Error(str(exc), print_exception=False) from None
        return json.dumps(answer_payload(answer), ensure_ascii=False)

    ask.__annotations__ = {"question": str, "history": list[list[str]] | None, "post": str | None,
                           "request": gr.Request, "return": str}
    ask.__doc__ = ASK_DOC.format(
        post=f'the blog article "{page.post_title}"' if page.post_title else "the indexed blog articles",
        example=page.examples[0])

    def posts(request=None) -> str:
        """List the blog posts this server answers from, as JSON {"posts": [{slug, title, comments}]}
        (comments: how many reader comments the post has). Pass a slug as the ask tool's post to answer
        from that post only."""
        try:
            answering.authorize(request)
            found = answering.posts()
        except BotError as exc:
            raise gr.Error(str(exc), print_exception=False) from None
        return json.dumps({"posts": [p.to_dict() for p in found]}, ensure_ascii=False)

    posts.__annotations__ = {"request": gr.Request, "return": str}

    return SimpleNamespace(respond=respond, rate=rate, add_comment=add_comment, api_chat=api_chat, ask=ask,
                           posts=posts, load=load, choose=choose)


def build_app(bot_factory: BotFactory, generators: list[str] | None = None, default: str | None = None,
              *, answering: Answering | None = None, page: Page | None = None,
              pages: Callable[[str | None], Page] | None = None):
    """The Blocks app. ``bot_factory(spec)`` returns a Bot (with ``stream``) for a generator spec;
    ``answering`` (bot/serve/answering.py) adds the rate limit, the shared worker pool and feedback.
    ``page``: the page as first drawn; ``pages(post)``: the page of one post (or of every post, for None),
    read when the page opens (its ``?post=``) and when a post is picked (``pages_of``; default: ``page`` only)."""
    gr = _gradio()
    generators = list(dict.fromkeys(generators or ["extractive"]))
    default = default if default in generators else generators[0]
    answering = answering or Answering(bot_factory, posts=lambda: bot_factory(default).posts())
    feedback = answering.feedback
    page = page or Page()
    on = _handlers(gr, answering, default, page, pages)
    respond, rate, add_comment, api_chat, ask = on.respond, on.rate, on.add_comment, on.api_chat, on.ask

    with gr.Blocks(title=f"{page.post_title or 'Article'}: cited chat", analytics_enabled=False) as app:
        title = gr.Markdown(page.header, elem_id="title")
        notice = gr.HTML("", visible=False, elem_id="post-notice")
        picker = gr.Dropdown(
            choices=page.choices(), value=page.post, label="Post", info=POST_HELP, visible=len(page.posts) > 1,
            interactive=True, elem_id="post-picker",
        )
        scope = gr.State(page.post)  # the post every question of this page is asked about ("": every post)
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
            about = gr.Markdown(page.about)

        def take(text):
            return "", text

        def pick(evt):
            value = evt.value
            return value.get("text", "") if isinstance(value, dict) else str(value)

        pick.__annotations__ = {"evt": gr.SelectData}  # a real class: Gradio reads it to pass the event

        def then_answer(event):
            return event.then(
                respond, [saved, chatbot, history, generator, answer_ids, scope], [chatbot, history, answer_ids],
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
        shown = [title, about, chatbot, picker, scope, notice, history, answer_ids, feedback_row]
        app.load(on.load, None, shown, queue=False, api_visibility="private").then(
            None, [title], None, js=TAB_TITLE, queue=False, api_visibility="private")
        picker.input(on.choose, [picker], shown, queue=False, api_visibility="private").then(
            None, [title], None, js=TAB_TITLE, queue=False, api_visibility="private")

        api_in = gr.Textbox(visible=False)
        api_out = gr.JSON(visible=False)
        api_in.submit(api_chat, [api_in, generator, api_history], [api_out, api_history], api_name="chat")
        gr.api(ask, api_name=MCP_TOOL, queue=False)  # stateless; the MCP tools with `bot serve --mcp`
        gr.api(on.posts, api_name=POSTS_TOOL, queue=False)
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

    With ``mcp`` Gradio's MCP server (streamable HTTP at /gradio_api/mcp/) offers two tools, ``ask``
    (optionally scoped to one ``post``) and ``posts``, whose results also carry their JSON as structured content."""
    gr = _gradio()
    app.queue(default_concurrency_limit=concurrency)
    with warnings.catch_warnings():  # the /chat endpoint keeps a gr.State; it is not offered over MCP
        warnings.filterwarnings("ignore", message=".*gr.State input.*")
        gr.mount_gradio_app(fastapi_app, app, path="/", auth=auth, mcp_server=mcp, **_page_options())
    if mcp:
        if app.mcp_server_obj is None:
            raise BotError(f"the MCP server could not start: {app.mcp_error or 'is the mcp package installed?'} "
                           "(pip install -e '.[mcp]')")
        _only_our_tools(app.mcp_server_obj)
    return fastapi_app


def _only_our_tools(server) -> None:
    """Offer just ``ask`` and ``posts`` over MCP, and return their JSON as structured content too.

    Gradio lists every named endpoint as a tool and returns results as text only; the
    low-level MCP server's call handler is wrapped to parse the tool's JSON into
    ``structuredContent`` (the text content stays, for clients without structured output)."""
    from mcp import types

    server.tool_to_endpoint = {name: ep for name, ep in server.tool_to_endpoint.items() if name in MCP_TOOLS}
    handlers = server.mcp_server.request_handlers
    call = handlers[types.CallToolRequest]

    async def call_with_structure(request):
        result = await call(request)
        inner = result.root
        if isinstance(inner, types.CallToolResult) and not inner.isError and inner.content:
            try:
                # getattr: only text content has .text (the AttributeError is the answer for the others)
                inner.structuredContent = json.loads(getattr(inner.content[0], "text"))
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
        from bot.generate.factory import available_generators

        found = available_generators(settings)
    except Exception as exc:  # listing is a nicety; never stop the server for it
        log.info("could not list generators: %s", exc)
    return list(dict.fromkeys([settings.generator, "extractive", *found]))
