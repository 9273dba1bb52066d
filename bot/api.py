"""The public API: ``Bot``. The CLI, the web UI and the eval harness all go through it.

The flow of one question is one function, ``answer_turn`` in bot/flow.py, which ``ask`` and ``stream``
both call:

    prepare -> look_up -> settle (care first, no such commenter, not covered) -> draft -> verify -> finish

``Bot`` is wiring: it builds the parts once, lazily (nothing loads before the first question), opens
the published index (and reopens it after `bot index` publishes a new version), and hands each
question the ``Reading`` of one version. ``Bot.as_runnable()`` offers the whole bot as a LangChain
Runnable (invoke, stream, batch) for those who compose chains.
"""

from __future__ import annotations

import threading
from dataclasses import replace
from pathlib import Path
from typing import Callable, Iterator

from langchain_core.runnables import Runnable

from index.config import Settings, load_settings
from index.errors import InputError, StoreError
from index.store import watch_index
from index.version import BaseIndexVersion

from bot.answer import Answer, SafetyReport, Source, TextDelta
from bot.cite.verify import CitationVerifier
from bot.compose.plan import Composer, Plan
from bot.flow import Parts, Reading, answer_turn, scoped, search
from bot.interfaces import Embedder, Generator, Retriever, SafetyPolicy
from bot.posts import Post, posts_in
from bot.retrieve.hybrid import Filters, HybridRetriever
from bot.retrieve.query_map import for_model
from bot.cite.support import SupportScorer
from bot.turn import Turn

class _built_once:
    """Like ``functools.cached_property``, but built under the Bot's lock: once per Bot whatever the
    threads (3.11's cached_property takes one lock for every instance, 3.12's none at all), and never
    stored over a newer index version (``version`` drops the reading under the same lock)."""

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

    def check(self, question: str, history=None, topic: str | None = None, terms=None) -> SafetyReport:
        return SafetyReport()

    def corpus_allowed(self, report: SafetyReport) -> bool:
        return True

    def short_circuit(self, report: SafetyReport, title: str = "") -> str | None:
        return None

    def still_off_topic(self, report: SafetyReport, about_commenters: bool, covered: Callable[[], bool]) -> bool:
        return False

    def screen_sources(self, sources: list[Source], report: SafetyReport | None = None,
                       version: BaseIndexVersion | None = None) -> list[Source]:
        return sources

    def apply(self, answer: Answer, report: SafetyReport, index_version: BaseIndexVersion | None = None,
              retrieve_fn: Callable[..., list[Source]] | None = None) -> Answer:
        return answer  # the Bot notes meta.safety = "off"


class Bot:
    def __init__(
        self,
        settings: Settings | None = None,
        *,
        store_dir: str | Path | None = None,
        generator: str | None = None,
        chat_model=None,
        retriever: Retriever | None = None,
        embeddings: Embedder | None = None,
        safety: SafetyPolicy | bool | None = None,
        retriever_mode: str = "hybrid",
        post: str | None = None,
    ):
        """Cheap: nothing is loaded until the first question.

        ``chat_model``: a LangChain chat model to draft answers with (else ``settings.generator``);
        ``retriever``, ``embeddings``, ``safety``: parts of your own (bot/interfaces.py), ``safety=False``
        for no checks at all. ``post``: every question of this Bot answers from that post only (its slug,
        as `bot posts` lists them), unless a call names another (``post=`` or a ``"post"`` filter). An
        unknown slug is an InputError naming the choices, at the first question."""
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
        self._version: BaseIndexVersion | None = None
        self._stamp = None  # the pointer's stamp when the version was opened
        self._reading: Reading | None = None  # the current version's retriever and composer
        self._watch = watch_index(self.settings.store_dir, self.settings.chroma_url)  # no I/O yet
        self._lock = threading.RLock()  # the lazily built parts and the index reopening

    # --- the index: one version at a time, reopened after a rebuild ---------------

    @property
    def version(self) -> BaseIndexVersion:
        """The published index; a rebuild (`bot index` while serving) is picked up on the next question."""
        stamp = self._watch.stamp()  # CURRENT's mtime, or the server's pointer (re-read every second)
        with self._lock:
            if self._version is not None and stamp == self._stamp:
                return self._version
            current = self._watch.current()
            if self._version is None or self._version.path.name != current:
                self._version = self._watch.open()
                self._reading = None  # built over the old version
                if "scorer" in self.__dict__:
                    self._preload_sentences(self.scorer, self._version)
            self._stamp = stamp
        return self._version

    def reading(self) -> Reading:
        """The current version with its retriever and composer, built once per version: what a question reads
        from start to end. StoreError when there is no index."""
        with self._lock:
            version = self.version  # reopening a new version drops the old reading
            if self._reading is None:
                self._reading = self._open(version)
            return self._reading

    def _open(self, version: BaseIndexVersion) -> Reading:
        # the scorer embeds queries (cached), so the composer reuses the retrieval's vector
        retriever = self._retriever
        mapped = None  # an injected retriever ranks as it likes; the composer then scores by the raw closeness
        if retriever is None:
            mapped = for_model(self.embeddings.model_name, self.settings.query_map)
            retriever = HybridRetriever(version, self.scorer, mode=self.retriever_mode, query_map=mapped)
            # Its indexes (BM25, sentence rows, commenter names, word counts, reply graph) load on first
            # use; load them now, under the lock, so threads answering at once never build them side by side.
            retriever.search(version.post_models.title() or "what does the article say", k=1)
            retriever.coverage("why", [])
            version.sources, version.records_by_id, version.heading_starts  # noqa: B018  what answers read
        return Reading(version, retriever, Composer(self.scorer, version, retriever.graph, query_map=mapped))

    def _reading_or_none(self) -> Reading | None:
        try:
            return self.reading()
        except StoreError:
            return None  # care answers without an index; anything that needs one raises then

    # --- the parts, built once and lazily ------------------------------------------

    @_built_once
    def embeddings(self) -> Embedder:
        if self._embeddings is not None:
            return self._embeddings
        from index.embed import query_embeddings

        try:  # query with the embedder the index was built with (torch-free when it can)
            model = self.version.manifest.embedding_model
        except StoreError:
            model = None
        return query_embeddings(model, self.settings.models_dir)

    def _preload_sentences(self, scorer: SupportScorer, version: BaseIndexVersion) -> None:
        if self.embeddings.model_name != version.manifest.embedding_model:
            return  # an injected embedder of another space: its own vectors only
        texts, matrix = version.sentence_bank
        scorer.preload(texts, matrix)

    @_built_once
    def scorer(self) -> SupportScorer:
        scorer = SupportScorer(self.embeddings)
        try:
            version = self.version
        except StoreError:
            return scorer
        self._preload_sentences(scorer, version)
        return scorer

    @_built_once
    def generator(self) -> Generator:
        from bot.generate import make_generator

        return make_generator(self.settings.generator, self._chat_model)

    @_built_once
    def verifier(self) -> CitationVerifier:
        return CitationVerifier(self.scorer)

    @_built_once
    def safety(self) -> SafetyPolicy:
        if self._safety is False:
            return _NoSafety()
        if self._safety is not None and self._safety is not True:
            return self._safety
        from bot.safety import SafetyLayer  # safety is never lost silently: only Bot(safety=False) turns it off

        from index.config import models_dir

        # the example phrases' vectors do not depend on the question: embedded once per machine
        return SafetyLayer(embeddings=self.embeddings, cache_dir=models_dir(self.settings))

    @_built_once
    def parts(self) -> Parts:
        return Parts(safety=self.safety, scorer=self.scorer, generator=self.generator, verifier=self.verifier,
                     open_reading=self.reading, post=self.post, retriever_mode=self.retriever_mode,
                     safety_on=not isinstance(self.safety, _NoSafety))

    # --- public API ---------------------------------------------------------

    def posts(self) -> list[Post]:
        """The posts of the current index (slug, title, comments), in slug order."""
        return posts_in(self.version)

    def retrieve(self, query: str, k: int = 5, filters: Filters | dict | None = None, post: str | None = None) -> list[Source]:
        return search(self.reading(), query, k, scoped(filters, post, self.post))

    def plan(self, question: str, sources: list[Source], intent=None) -> Plan:
        """The answer plan (bot/compose/plan.py) for these sources, on the current index: what a generator writes."""
        return self.reading().composer.plan(question, sources, intent)

    def ask(self, question: str, history=None, k: int | None = None, filters=None, post: str | None = None) -> Answer:
        """``post``: answer from that post only (its slug, as `bot posts` lists them; default: the Bot's own
        ``post``); ``filters``: kind, author, post. An unknown post or filter is an InputError naming the choices."""
        return self._answer_turn(Turn(question, list(history or []), k, scoped(filters, post, self.post)))

    def stream(self, question: str, history=None, k: int | None = None, filters=None,
               post: str | None = None) -> Iterator[TextDelta | Answer]:
        """Text deltas as they are produced, then the final Answer.

        A chat model's draft streams while it is generated (except when self_harm or abuse
        is flagged); the extractive answer, verified first, arrives line by line."""
        import queue

        turn = Turn(question, list(history or []), k, scoped(filters, post, self.post))
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

    def _answer_turn(self, turn: Turn, on_delta=None) -> Answer:
        """One question, on the index version it starts on (bot/flow.py)."""
        parts = self.parts
        return answer_turn(turn, parts, self._reading_or_none(), on_delta)


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
