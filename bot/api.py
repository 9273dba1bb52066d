"""The public API: ``Bot``. The CLI, the web UI and the eval harness all go through it.

The flow of one question, in ``Bot._answer_turn`` (used by ``ask`` and ``stream``):

    {question, history, k, filters}
      -> _prepare:       clean the question, condense a follow-up, safety check, intent
      -> _retrieve_step: hybrid retrieve routed by intent (dense + BM25 + sentences), safety screen
      -> _answer_step:   abstain or plan and draft (extractive or a chat model), verify citations,
                         safety policy -> Answer

``Bot.as_runnable()`` offers the whole bot as a LangChain Runnable (invoke, stream, batch) for
those who compose chains.
"""

from __future__ import annotations

import threading
import time
import uuid
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import replace
from pathlib import Path
from typing import Iterator

from langchain_core.runnables import Runnable

from index.config import Settings, load_settings
from index.errors import InputError, StoreError
from index.store import IndexVersion, watch_index
from index.understand import PostModels

from .abstain import ABSTAIN_TEXT, Decision, decide
from .safety.flags import is_danger
from .answer import Answer, AnswerMeta, Citation, SafetyReport, Source, TextDelta
from .cite import CitationVerifier, citation_for, record_at
from .intent import ABOUT_POST, intent_for, shown_in
from .posts import Post, posts_in
from .condense import condense, is_challenge
from .turn import Turn
from .question import clean_question
from .retrieve import Filters, HybridRetriever, ReplyGraph, named_in
from .support import SupportScorer

DEFAULT_K = 6

def no_such_commenter(intent) -> str:
    """"There is no commenter named Megan", with the nearest names: never a random quote."""
    lines = []
    for name in intent.unknown:
        near = intent.near.get(name) or []
        hint = f" The closest names among the commenters are {', '.join(near)}." if near else ""
        lines.append(f"There is no commenter named {name} under this article.{hint}")
    if intent.names:
        lines.append(f"You can ask what {' or '.join(intent.names)} wrote, or who replied to them.")
    return " ".join(lines)


class _built_once:
    """Like ``functools.cached_property``, but built under the Bot's lock: once per Bot whatever the
    threads (3.11's cached_property takes one lock for every instance, 3.12's none at all), and never
    stored over a newer index version (``version`` drops the retriever under the same lock)."""

    def __init__(self, build):
        self.build = build
        self.name = build.__name__
        self.__doc__ = build.__doc__

    def __set_name__(self, owner, name):
        self.name = name

    def __get__(self, bot, owner=None):
        if bot is None:
            return self
        with bot._lock:  # reentrant: one part may need another (the scorer needs the embeddings)
            if self.name not in bot.__dict__:
                bot.__dict__[self.name] = self.build(bot)
            return bot.__dict__[self.name]


class _NoSafety:
    """``Bot(safety=False)``: no checks at all; every answer's meta says so."""

    def check(self, question, history, topic=None, terms=None):
        return SafetyReport()

    @staticmethod
    def corpus_allowed(report):
        return True

    @staticmethod
    def short_circuit(report, title=""):
        return None

    @staticmethod
    def still_off_topic(report, about_commenters, covered):
        return False

    def screen_sources(self, sources, report, version=None):
        return sources

    def apply(self, answer, report, version, retrieve):
        return answer  # the Bot notes meta.safety = "off"


class Bot:
    def __init__(
        self,
        settings: Settings | None = None,
        *,
        store_dir=None,
        generator: str | None = None,
        chat_model=None,
        retriever=None,
        embeddings=None,
        safety=None,
        retriever_mode: str = "hybrid",
        post: str | None = None,
    ):
        """Cheap: nothing is loaded until the first question.

        ``post``: every question of this Bot answers from that post only (its slug, as `bot posts` lists
        them), unless a call names another (``post=`` or a ``"post"`` filter). An unknown slug is an
        InputError naming the choices, at the first question."""
        self.settings = settings or load_settings()
        if store_dir is not None:
            self.settings = replace(self.settings, store_dir=Path(store_dir))
        if generator is not None:
            self.settings = replace(self.settings, generator=generator)
        self._chat_model = chat_model
        self._retriever = retriever
        self._embeddings = embeddings
        self._safety = safety
        self.retriever_mode = retriever_mode
        self.post = post
        self._scoped: dict[tuple[str, str], object] = {}  # (version, post) -> that post's PostModels
        self._authors: dict[tuple[str, str | None], tuple[str, ...]] = {}  # (version, post) -> its commenters, sorted
        self._version: IndexVersion | None = None
        self._stamp = None  # the pointer's stamp when the version was opened
        self._watch = watch_index(self.settings.store_dir, self.settings.chroma_url)  # no I/O yet
        self._lock = threading.RLock()  # the lazily built parts and the index reopening
        # (version, retriever) the question running in this context reads, so that an answer never
        # mixes two index versions when a rebuild lands in the middle of it
        self._pinned: ContextVar[tuple | None] = ContextVar(f"bot-index-{id(self)}", default=None)

    # --- lazily built parts -------------------------------------------------

    @property
    def version(self) -> IndexVersion:
        """The published index; a rebuild (`bot index` while serving) is picked up on the next question."""
        stamp = self._watch.stamp()  # CURRENT's mtime, or the server's pointer (re-read every second)
        with self._lock:
            if self._version is not None and stamp == self._stamp:
                return self._version
            current = self._watch.current()
            if self._version is None or self._version.path.name != current:
                self._version = self._watch.open()
                self.__dict__.pop("retriever", None)  # built over the old version
                if "scorer" in self.__dict__:
                    self._preload_sentences(self.scorer, self._version)
            self._stamp = stamp
        return self._version

    @_built_once
    def embeddings(self):
        if self._embeddings is not None:
            return self._embeddings
        from index.embed import query_embeddings

        version = self._version_or_none()  # query with the embedder the index was built with (torch-free when it can)
        return query_embeddings(version.manifest.embedding_model if version else None, self.settings.models_dir)

    def _preload_sentences(self, scorer: SupportScorer, version: IndexVersion) -> None:
        if getattr(self.embeddings, "model_name", None) != version.manifest.embedding_model:
            return  # an injected embedder of another space: its own vectors only
        texts, matrix = version.sentence_bank
        scorer.preload(texts, matrix)

    @_built_once
    def scorer(self) -> SupportScorer:
        scorer = SupportScorer(self.embeddings)
        version = self._version_or_none()
        if version is not None:
            self._preload_sentences(scorer, version)
        return scorer

    @_built_once
    def retriever(self):
        if self._retriever is not None:
            return self._retriever
        # the scorer embeds queries (cached), so the composer reuses the retrieval's vector
        retriever = HybridRetriever(self.version, self.scorer, mode=self.retriever_mode)
        # Its indexes (BM25, sentence rows, commenter names, word counts, reply graph) load on first
        # use; load them now, under the lock, so threads answering at once never build them side by side.
        retriever.search(self.version.post_models.title() or "what does the article say", k=1)
        retriever.coverage("why", [])
        getattr(retriever, "graph", None)
        version = retriever.version  # and what answers read from the version
        version.sources, version.records_by_id, version.heading_starts  # noqa: B018
        return retriever

    def _fresh_retriever(self):
        pinned = self._pinned.get()
        if pinned is not None:  # inside a question: the version it started on
            return pinned[1]
        return self._index()[1]

    def _index(self) -> tuple[IndexVersion, object]:
        """The current version and its retriever, read together (reopening the index after a rebuild)."""
        with self._lock:
            return self.version, self.retriever

    def _current_version(self) -> IndexVersion:
        pinned = self._pinned.get()
        return pinned[0] if pinned is not None else self.version

    @contextmanager
    def _reading(self, index: tuple | None):
        """Within this block, the parts that look up the index read the version this question started on."""
        token = self._pinned.set(index)
        try:
            yield
        finally:
            self._pinned.reset(token)

    @_built_once
    def generator(self):
        from .generate import make_generator

        return make_generator(self.settings.generator, self._chat_model, composer=self.composer)

    @_built_once
    def composer(self):
        from .compose import Composer

        return Composer(self.scorer, texts_for=lambda: self._current_version().sources,
                        records_for=lambda: self._current_version().records_by_id,
                        headings_for=lambda: self._current_version().heading_starts,
                        stances_for=lambda: self._current_version().post_models.stances(),
                        stance_quotes_for=lambda: self._current_version().post_models.quotes(),
                        graph_for=self._reply_graph, models_for=lambda: self._current_version().post_models)

    def _reply_graph(self):
        """Who replied to whom in the version this question reads: its retriever's graph."""
        graph = getattr(self._fresh_retriever(), "graph", None)
        return graph if graph is not None else ReplyGraph(self._current_version())

    @_built_once
    def verifier(self) -> CitationVerifier:
        return CitationVerifier(self.scorer, self._citation)

    @_built_once
    def safety(self):
        if self._safety is False:
            return _NoSafety()
        if self._safety is not None:
            return self._safety
        from .safety import SafetyLayer  # safety is never lost silently: only Bot(safety=False) turns it off

        from index.config import models_dir

        # the example phrases' vectors do not depend on the question: embedded once per machine
        return SafetyLayer(embeddings=self.embeddings, cache_dir=models_dir(self.settings))

    # --- public API ---------------------------------------------------------

    def posts(self) -> list[Post]:
        """The posts of the current index (slug, title, comments), in slug order."""
        return posts_in(self.version)

    def retrieve(self, query: str, k: int = 5, filters: Filters | dict | None = None, post: str | None = None) -> list[Source]:
        retriever = self._fresh_retriever()
        filters = Filters.parse(self._scope(filters, post), retriever.version.sources)
        text, _ = clean_question(query)
        return retriever.search(text, k=k, filters=filters)

    def ask(self, question: str, history=None, k: int | None = None, filters=None, post: str | None = None) -> Answer:
        """``post``: answer from that post only (its slug, as `bot posts` lists them; default: the Bot's own
        ``post``); ``filters``: kind, author, post. An unknown post or filter is an InputError naming the choices."""
        return self._answer_turn(Turn(question, list(history or []), k, self._scope(filters, post)))

    def stream(self, question: str, history=None, k: int | None = None, filters=None,
               post: str | None = None) -> Iterator[TextDelta | Answer]:
        """Text deltas as they are produced, then the final Answer.

        A chat model's draft streams while it is generated (except when self_harm or abuse
        is flagged); the extractive answer, verified first, arrives line by line."""
        import queue

        turn = Turn(question, list(history or []), k, self._scope(filters, post))
        q: queue.Queue = queue.Queue()
        result: dict = {}

        def work():
            try:
                result["answer"] = self._answer_turn(turn, on_delta=lambda d: q.put(TextDelta(d)))
            except BaseException as exc:  # handed to the caller's thread below
                result["error"] = exc
            finally:
                q.put(None)

        threading.Thread(target=work, daemon=True).start()
        while (item := q.get()) is not None:
            yield item
        if "error" in result:
            raise result["error"]
        yield result["answer"]

    def as_runnable(self) -> "BotRunnable":
        """The whole bot as a LangChain Runnable: ``invoke("question")`` or ``invoke({"question": ...,
        "history": [...], "post": ...})`` -> Answer; ``stream`` -> TextDelta pieces, then the Answer;
        ``batch`` -> Answers. Compose it with LCEL: ``bot.as_runnable() | RunnableLambda(lambda a: a.text)``."""
        return BotRunnable(self)

    # --- the flow of one question -----------------------------------------------

    def _answer_turn(self, turn: Turn, on_delta=None) -> Answer:
        """One question, top to bottom: check it, look it up, answer it."""
        turn = self._prepare(turn)
        turn = self._retrieve_step(turn)
        return self._answer_step(turn, on_delta)

    # --- steps ------------------------------------------------------------------

    def _prepare(self, turn: Turn) -> Turn:
        turn.text, notes = clean_question(turn.question)
        turn.query = condense(turn.text, turn.history)
        version = self._version_or_none()
        if version is not None:  # an unknown post or filter is an error before anything else, care first included
            turn.filters = Filters.parse(turn.filters, version.sources)
        post = _post_of(turn)
        models = self._models_of(version, post) if version is not None else None
        terms = models.terms if models is not None else None  # "is this about the post?": the asked post's words
        turn.report = self.safety.check(turn.text, turn.history, topic=turn.query, terms=terms)
        turn.report.notes.extend(notes)
        if turn.report.resumed:  # "yes, I'm safe": answer the question the check-in held back
            turn.text, _ = clean_question(turn.report.resumed)
            turn.query = condense(turn.text, turn.history[:-1])
        authors = self._authors_of(version, post) if version else ()
        mentioned = models.mentioned() if models is not None else frozenset()
        turn.intent = intent_for(turn.text, turn.query, authors, mentioned)
        if turn.query != turn.text and turn.history:  # a follow-up moves on from what the last answer quoted
            turn.intent = replace(turn.intent, shown=shown_in(turn.history[-1][1]))
        turn.timings["check"] = time.perf_counter() - turn.started
        return turn

    def _retrieve_step(self, turn: Turn) -> Turn:
        report = turn.report
        flags = set(report.flags)
        if not self.safety.corpus_allowed(report) or "injection" in flags:
            return turn  # care first: nothing from the article or the comments is even looked up
        t = time.perf_counter()
        version, retriever = turn.index = self._index()  # the rest of the question reads this version
        filters = Filters.parse(turn.filters, version.sources)
        k = turn.k or DEFAULT_K
        if hasattr(retriever, "search_for"):
            also = turn.text if turn.query != turn.text and not is_challenge(turn.text) else None
            sources = retriever.search_for(turn.query, turn.intent, k=k, filters=filters, also=also)
        else:
            sources = retriever.search(turn.query, k=k, filters=filters)
        about_commenters = turn.intent is not None and bool(turn.intent.names or turn.intent.unknown)

        def covered() -> bool:
            return self._decide(turn.query, sources, turn.intent, retriever).answer

        if self.safety.still_off_topic(report, about_commenters, covered):  # the policy decides, the Bot asks
            return turn
        turn.sources = self.safety.screen_sources(sources, report, version)
        turn.timings["retrieve"] = time.perf_counter() - t
        return turn

    def _answer_step(self, turn: Turn, on_delta=None) -> Answer:
        with self._reading(turn.index):  # None when nothing was retrieved (care first, injection)
            return self._answer(turn, turn.index[1] if turn.index else self._retriever, on_delta)

    def _answer(self, turn: Turn, retriever, on_delta=None) -> Answer:
        question, report, sources = turn.text, turn.report, turn.sources
        meta = AnswerMeta(
            generator=self.generator.name, prompt_version=self.generator.prompt_version, query=turn.query,
            kind=getattr(turn.intent, "kind", ""), timings=turn.timings,
            retriever=getattr(retriever, "mode", type(retriever).__name__) if retriever is not None else self.retriever_mode,
            safety="off" if isinstance(self.safety, _NoSafety) else "on",
        )
        version = self._version_or_none()
        early = self.safety.short_circuit(report, self._title(version, _post_of(turn)))
        if early is not None:
            meta.abstained = "off_topic" in report.flags  # a redirect, not an answer
            meta.care_only = early == ""  # danger or check-in: care and helplines, no article text
            return self._finish(Answer(early, question, safety=report, meta=meta), turn, on_delta)

        if turn.intent is not None and turn.intent.unknown:
            meta.abstained = True
            return self._finish(Answer(no_such_commenter(turn.intent), question, sources=sources, safety=report, meta=meta),
                                turn, on_delta)

        decision = self._decide(turn.query, sources, turn.intent, retriever)
        if not decision.answer and getattr(turn.intent, "kind", "") == "opinion" and any(s.kind == "comment" for s in sources):
            decision = Decision(True, decision.similarity, "asks what readers think")  # the stances answer it
        meta.similarity, meta.answered_because = round(decision.similarity, 4), decision.because
        if not decision.answer:
            meta.abstained = True
            return self._finish(Answer(ABSTAIN_TEXT, question, sources=sources, safety=report, meta=meta), turn, on_delta)

        # A model's draft streams live, except when care comes first: then the verified,
        # safety-shaped answer is the first thing shown.
        live = on_delta if self.generator.name != "extractive" and not is_danger(report.flags) else None
        t = time.perf_counter()
        plan = self.composer.plan(question, sources, turn.intent)  # once: the generator writes it, the verifier checks its lead
        draft_parts = []
        for piece in self.generator.stream(question, sources, turn.history, intent=turn.intent, plan=plan):
            draft_parts.append(piece)
            if live:
                live(piece)
        turn.timings["generate"] = time.perf_counter() - t

        t = time.perf_counter()
        draft = "".join(draft_parts)
        # a lead (a bold line stating a fact) stays only if it is the one the index's facts give (bot/leads.py)
        leads = frozenset(line.strip() for line in plan.note.splitlines() if line.strip())
        checked = self.verifier.verify(draft, sources, self._current_version().sources, leads=leads)
        turn.timings["verify"] = time.perf_counter() - t
        meta.lead = next((line for line in checked.text.splitlines() if line.strip() in leads), "")
        meta.dropped_leads = checked.dropped_leads
        meta.unsupported, meta.reassigned = checked.unsupported, checked.reassigned
        meta.invalid_markers, meta.checked_sentences = checked.invalid_markers, checked.sentences
        if not checked.citations and not meta.lead:  # a lead alone is a fact of the index ("No: nobody replied")
            meta.abstained = True
            answer = Answer(ABSTAIN_TEXT, question, sources=sources, safety=report, meta=meta)
        else:
            answer = Answer(checked.text, question, checked.citations, sources, report, meta)
        return self._finish(answer, turn, None if live else on_delta)

    def _finish(self, answer: Answer, turn: Turn, on_delta) -> Answer:
        answer = self.safety.apply(answer, turn.report, self._version_or_none(), self.retrieve)
        answer.meta.answer_id = uuid.uuid4().hex  # names the answer for feedback (API id, ratings)
        answer.meta.timings["total"] = time.perf_counter() - turn.started
        if on_delta:
            for line in answer.text.splitlines(keepends=True):
                on_delta(line)
        return answer

    def _scope(self, filters, post: str | None):
        """The call's filters with its post; without one, the Bot's own post (a call naming a post wins)."""
        if post is None and self.post is not None and not _names_post(filters):
            post = self.post
        return _with_post(filters, post)

    def _models_of(self, version: IndexVersion, post: str | None):
        """The post models a question reads: the asked post's alone (built once per version), else all."""
        models = version.post_models
        if post is None or post not in models.posts or len(models.posts) == 1:
            return models
        key = (version.path.name, post)
        with self._lock:
            if key not in self._scoped:
                self._scoped = {k: m for k, m in self._scoped.items() if k[0] == key[0]}  # drop older versions'
                self._scoped[key] = PostModels({post: models.posts[post]})
            return self._scoped[key]

    def _authors_of(self, version: IndexVersion, post: str | None) -> tuple[str, ...]:
        """The commenters of the asked post (or of every post), sorted; read off the records once per version
        and post, not for every question (a pass over every record of the blog)."""
        key = (version.path.name, post)
        with self._lock:
            if key not in self._authors:
                self._authors = {k: a for k, a in self._authors.items() if k[0] == key[0]}  # drop older versions'
                self._authors[key] = tuple(sorted({r.author for r in version.records if r.author and post in (None, r.doc)}))
            return self._authors[key]

    @staticmethod
    def _title(version, post: str | None) -> str:
        """The post the off-topic and decline replies name: the asked one, or the index's only post."""
        if version is None:
            return ""
        models = version.post_models
        return models.posts[post].title if post in models.posts else models.title()

    def _version_or_none(self):
        try:
            return self._current_version()
        except StoreError:
            return None

    def _decide(self, query: str, sources: list[Source], intent=None, retriever=None) -> Decision:
        names = set(getattr(intent, "names", ()) or ()) | {s.author for s in sources if named_in(s.author, query)}
        if sources and not any(s.dense is not None or s.sentence is not None for s in sources):
            sims = self.scorer.similarity(query, [s.text for s in sources])  # an injected retriever's sources
            sources = [replace(s, dense=float(x)) for s, x in zip(sources, sims)]
        decision = decide(query, sources, tuple(names), getattr(retriever, "coverage", None))
        if not decision.answer and sources and ABOUT_POST.search(query):
            return Decision(True, decision.similarity, "asks about the post itself")  # "what's the main point?"
        return decision

    def _citation(self, source: Source, start: int, end: int, n: int, support: float) -> Citation:
        """The Citation of ``seed[start:end]`` inside one of the source's records (bot/cite.py: citation_for)."""
        version = self._current_version()
        records = version.records_by_id
        record = record_at(records, source, start) or records[f"{source.doc}/{source.record_ids[0]}"]
        return citation_for(version, record, start, end, n, support)


class BotRunnable(Runnable):
    """``Bot.as_runnable()``: the Bot in LCEL. Input: a question, or a dict with ``question`` and optional
    ``history``, ``k``, ``filters``, ``post``; an input of another shape is an InputError."""

    def __init__(self, bot: Bot):
        self.bot = bot

    @staticmethod
    def _args(value) -> dict:
        if isinstance(value, str):
            return {"question": value}
        if isinstance(value, dict) and isinstance(value.get("question"), str):
            unknown = sorted(set(value) - {"question", "history", "k", "filters", "post"})
            if unknown:
                raise InputError(f"unknown input key(s) {', '.join(unknown)}: use question, history, k, filters, post.")
            return dict(value)
        raise InputError('the input must be a question or {"question": ..., "history": [...], "post": ...}.')

    def invoke(self, input, config=None, **kwargs) -> Answer:
        return self.bot.ask(**self._args(input))

    def stream(self, input, config=None, **kwargs):
        yield from self.bot.stream(**self._args(input))


def _post_of(turn: Turn) -> str | None:
    return getattr(turn.filters, "post", None)


def _names_post(filters) -> bool:
    if isinstance(filters, dict):
        return filters.get("post", filters.get("doc")) is not None
    return getattr(filters, "post", None) is not None


def _with_post(filters, post: str | None):
    """``post=`` folded into the filters (a dict or Filters), so every door scopes the same way."""
    if post is None:
        return filters
    if filters is None:
        return {"post": post}
    if isinstance(filters, dict):
        return {**filters, "post": post}
    if isinstance(filters, Filters):
        return replace(filters, post=post)
    return filters  # not filters at all: Filters.parse says so
