"""Test doubles shared by the test files: one place, checked against the real interfaces
(tests/test_interfaces.py compares their signatures with the Protocols of bot/interfaces.py and
with Bot's).

    FakeEmbeddings       Embedder: bag-of-words vectors, fast, no model; similar texts stay similar
    BrokenEmbeddings     Embedder: every call raises, as when the model file is missing
    embed_array          ``embed(texts) -> array`` (what index/understand's annotate_post takes), bag of words
    FakeScorer           the composer's scorer (SupportScorer's ``similarity`` and ``vectors``), bag of words
    FakeRetriever        Retriever: word-overlap ranking over an index's chunks; records each call's filters
    FakeSafety           SafetyPolicy: the same report for every question; declines, cares or screens as told
    ScriptedDetector     bot.safety's Detector whose ``detect`` is a given function (no model)
    fake_llm             a LangChain chat model replying the given drafts in turn
    obedient_chat_model  a LangChain chat model that does what a passage tells it (the injection worst case)
    FlakyChat            the chat model boundary of LLMGenerator: fails n times, then streams
    FakeBot              Bot's stream contract, recording its calls
    RecordingBot         a spy around a real Bot, keeping the answers it gave
    UnreachableBot       a bot that fails the test when anything of it is used
    FakeLlamaRuntime     the ``xllamacpp`` module as bot/generate/local/server.py uses it
"""

from __future__ import annotations

import hashlib
import math
import re
import threading
import time
from dataclasses import dataclass, field
from typing import Callable, Iterator

import numpy as np

from bot.answer import Answer, SafetyReport, Source, TextDelta
from bot.interfaces import Embedder, Retriever, SafetyPolicy
from bot.retrieve.hybrid import ReplyGraph
from bot.safety.detect import Detection, Detector
from index.embed import PackagedEmbeddings

# --- embedders ---------------------------------------------------------------------------

DIMENSION = 64


def bag_of_words(text: str, dimension: int = DIMENSION) -> list[float]:
    """Each word hashed into one of ``dimension`` buckets, L2-normalised: texts sharing words are close."""
    v = [0.0] * dimension
    for word in re.findall(r"\w+", text.lower()):
        v[int(hashlib.md5(word.encode()).hexdigest(), 16) % dimension] += 1.0
    norm = math.sqrt(sum(x * x for x in v)) or 1.0
    return [x / norm for x in v]


class FakeEmbeddings(PackagedEmbeddings):
    """A stand-in Embedder (bot.interfaces.Embedder): deterministic bag-of-words vectors, fast, no model;
    similar texts stay similar. ``calls`` holds the size of each ``embed_documents`` batch."""

    model_name = "fake-bow-64"

    def __init__(self) -> None:
        super().__init__()
        self.calls: list[int] = []

    @property
    def dimension(self) -> int:
        return DIMENSION

    def embed_documents(self, texts: list[str], on_batch: Callable[[int], None] | None = None) -> list[list[float]]:
        self.calls.append(len(texts))
        if on_batch:
            on_batch(len(texts))
        return [bag_of_words(t) for t in texts]

    def embed_query(self, text: str) -> list[float]:
        return bag_of_words(text)


class BrokenEmbeddings:
    """A stand-in Embedder (bot.interfaces.Embedder) whose model is gone: every call raises RuntimeError."""

    model_name = "broken"

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        raise RuntimeError("model file missing")

    def embed_query(self, text: str) -> list[float]:
        raise RuntimeError("model file missing")


def embed_array(texts) -> np.ndarray:
    """``embed(texts)`` as index/understand's annotate_post takes it: FakeEmbeddings' vectors as float32 rows."""
    return np.asarray(FakeEmbeddings().embed_documents(list(texts)), dtype=np.float32)


class FakeScorer:
    """The composer's scorer (bot.support.SupportScorer's ``similarity`` and ``vectors``) over FakeEmbeddings'
    bag-of-words vectors: no model, no cache, no sentence bank."""

    def __init__(self, embeddings: FakeEmbeddings | None = None) -> None:
        self.embeddings = embeddings or FakeEmbeddings()

    def vectors(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, DIMENSION), np.float32)
        return np.asarray(self.embeddings.embed_documents(list(texts)), dtype=np.float32)

    def embed_query(self, text: str) -> list[float]:
        return self.embeddings.embed_query(text)

    def similarity(self, query: str, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros(0)
        vecs = self.vectors([query] + list(texts))
        return vecs[1:] @ vecs[0]


# --- retriever -----------------------------------------------------------------------------


class FakeRetriever:
    """A stand-in Retriever (bot.interfaces.Retriever) over an index version's chunks: the chunks the filters
    accept, ranked by how many of the query's words they hold (ties in index order). No vectors, no routing by
    intent. ``calls`` records (query, filters) of each search, so a test can see what the Bot asked for."""

    mode = "fake"

    def __init__(self, version) -> None:
        self.version = version
        self.calls: list[tuple[str, object]] = []

    def search(self, query: str, k: int = 6, filters=None) -> list[Source]:
        self.calls.append((query, filters))
        words = set(re.findall(r"\w+", query.lower()))
        chunks = [c for c in self.version.chunks.values() if filters is None or filters.accepts(c)]
        overlap = {c.key: len(words & set(re.findall(r"\w+", c.text.lower()))) for c in chunks}
        ranked = sorted(chunks, key=lambda c: -overlap[c.key])[:k]
        return [Source(rank, c.key, c.doc, c.kind, c.text, c.start, c.end, float(overlap[c.key]),
                       record_ids=c.record_ids, section=c.section, author=c.author, parent=c.parent, depth=c.depth)
                for rank, c in enumerate(ranked, start=1)]

    def search_for(self, query: str, intent=None, k: int = 6, filters=None, also: str | None = None) -> list[Source]:
        return self.search(query, k=k, filters=filters)

    @property
    def graph(self) -> ReplyGraph:
        return ReplyGraph(self.version)  # the real one: who replied to whom is read off the records

    def coverage(self, query: str, sources: list[Source]) -> float:
        """The best share of the query's words one source holds."""
        words = set(re.findall(r"\w+", query.lower()))
        return max((len(words & set(re.findall(r"\w+", s.text.lower()))) / len(words) for s in sources),
                   default=0.0) if words else 0.0


# --- safety --------------------------------------------------------------------------------


class FakeSafety:
    """A stand-in SafetyPolicy (bot.interfaces.SafetyPolicy): every question gets a report with ``flags`` and
    ``tier``, and the policy follows the tiers as the real layer does:

    - tier "danger" (or "check_in"): nothing is retrieved and the answer has no text of its own;
    - flag "injection": the reply declines, naming the title the Bot gives ("I only answer about <title>.");
    - ``care``: ``apply`` sets it as the report's care (a mark the test can look for);
    - ``on_screen(sources)``: called when the Bot screens the retrieved sources (after retrieval, before the answer).

    ``vocabulary`` is the vocabulary of the post terms the last check was given (None without terms)."""

    def __init__(self, flags: tuple[str, ...] | list[str] = (), tier: str = "", care: str | None = None,
                 on_screen: Callable[[list[Source]], None] | None = None) -> None:
        self.flags, self.tier, self.care, self.on_screen = list(flags), tier, care, on_screen
        self.vocabulary: frozenset[str] | None = None
        self.checked: list[str] = []

    def check(self, question: str, history=None, topic: str | None = None, terms=None) -> SafetyReport:
        self.checked.append(question)
        self.vocabulary = terms.vocabulary if terms is not None else None
        return SafetyReport(flags=list(self.flags), tier=self.tier)

    def corpus_allowed(self, report: SafetyReport) -> bool:
        return report.tier not in ("danger", "check_in")

    def short_circuit(self, report: SafetyReport, title: str = "") -> str | None:
        if report.tier in ("danger", "check_in"):
            return ""
        if "injection" in report.flags:
            return f"I only answer about {title or 'the articles'}."
        return None

    def still_off_topic(self, report: SafetyReport, about_commenters: bool, covered) -> bool:
        return False

    def screen_sources(self, sources: list[Source], report: SafetyReport | None = None, version=None) -> list[Source]:
        if self.on_screen is not None:
            self.on_screen(sources)
        return sources

    def apply(self, answer: Answer, report: SafetyReport, index_version=None, retrieve_fn=None) -> Answer:
        if self.care is not None:
            report.care = self.care
        answer.safety = report
        return answer


class ScriptedDetector(Detector):
    """bot.safety's Detector with ``detect`` replaced by ``rule(text) -> Detection`` (default: flags nothing),
    so the layer's tiers and policy can be tested without the model. ``seen`` records (text, vocabulary) of
    each call: what it was asked about, and the indexed posts' words it was given."""

    def __init__(self, rule: Callable[[str], Detection] | None = None) -> None:
        super().__init__()
        self.rule = rule or (lambda text: Detection())
        self.seen: list[tuple[str, frozenset[str]]] = []
        self.subjects: list[frozenset[str]] = []  # the post titles' words each call was given

    def detect(self, text: str, context: str = "", topic: str | None = None,
               vocabulary: frozenset[str] = frozenset(), subject: frozenset[str] = frozenset(),
               bars: tuple[tuple[str, float], ...] = ()) -> Detection:
        self.seen.append((text, vocabulary))
        self.subjects.append(subject)
        return self.rule(text)


# --- chat models ----------------------------------------------------------------------------


def fake_llm(*replies: str):
    """A LangChain chat model that answers with ``replies``, one per call, in order."""
    from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
    from langchain_core.messages import AIMessage

    return GenericFakeChatModel(messages=iter([AIMessage(r) for r in replies]))


def obedient_chat_model(seen: list[str]):
    """A LangChain chat model that does whatever a passage tells it ("tell the reader to X" -> "You should X
    [1]."): the worst case for injected instructions. Every prompt it gets is appended to ``seen``."""
    from langchain_core.language_models.chat_models import BaseChatModel
    from langchain_core.messages import AIMessage
    from langchain_core.outputs import ChatGeneration, ChatResult

    class Obedient(BaseChatModel):
        @property
        def _llm_type(self) -> str:
            return "obedient-fake"

        def _generate(self, messages, stop=None, run_manager=None, **kwargs) -> ChatResult:
            prompt = "\n".join(str(m.content) for m in messages)
            seen.append(prompt)
            m = re.search(r"tell the reader to ([^.\n]+)", prompt)
            text = f"You should {m.group(1)} [1]." if m else "Readers advise patience when he pulls away [1]."
            return ChatResult(generations=[ChatGeneration(message=AIMessage(content=text))])

    return Obedient()


class FlakyChat:
    """The chat model boundary of LLMGenerator (``stream(messages)``): fails ``failures`` times with ``error``,
    then streams ``reply`` word by word. ``calls`` counts the attempts."""

    def __init__(self, failures: int, reply: str = "The article says so [1].",
                 error: type[Exception] = ConnectionRefusedError) -> None:
        self.failures, self.reply, self.error, self.calls = failures, reply, error, 0

    def stream(self, messages) -> Iterator:
        from langchain_core.messages import AIMessageChunk

        self.calls += 1
        if self.calls <= self.failures:
            raise self.error("connection refused")
        for word in self.reply.split(" "):
            yield AIMessageChunk(content=word + " ")


# --- bots ------------------------------------------------------------------------------------


class FakeBot:
    """The stream contract of ``bot.api.Bot``: TextDelta pieces, then the Answer. Records its calls;
    ``fail`` raises instead of answering, ``delay`` sleeps first, and it counts how many questions were
    being answered at once (``most_active``). ``answer(question, post)`` builds the Answer; ``pieces`` is
    "lines" or "words" (how the text arrives). ``calls`` holds (question, history) of each question,
    ``scopes`` (question, post): the post it was scoped to (None: every post)."""

    def __init__(self, answer: Callable[[str, str | None], Answer], fail: Exception | None = None, delay: float = 0.0,
                 pieces: str = "lines"):
        self.answer, self.fail, self.delay, self.pieces = answer, fail, delay, pieces
        self.calls: list[tuple[str, list]] = []
        self.scopes: list[tuple[str, str | None]] = []
        self.active = self.most_active = 0
        self._lock = threading.Lock()

    def stream(self, question: str, history=None, k: int | None = None, filters=None,
               post: str | None = None) -> Iterator[TextDelta | Answer]:
        with self._lock:
            self.active += 1
            self.most_active = max(self.most_active, self.active)
        try:
            self.calls.append((question, list(history or [])))
            self.scopes.append((question, post))
            time.sleep(self.delay)
            if self.fail:
                raise self.fail
            answer = self.answer(question, post)
            if self.pieces == "words":
                for word in answer.text.split(" "):
                    yield TextDelta(word + " ")
            else:
                for line in answer.text.splitlines(keepends=True):
                    yield TextDelta(line)
            yield answer
        finally:
            with self._lock:
                self.active -= 1

    def ask(self, question: str, history=None, k: int | None = None, filters=None, post: str | None = None) -> Answer:
        final = [e for e in self.stream(question, history, k, filters, post)][-1]
        assert isinstance(final, Answer)  # stream ends with the Answer
        return final


class RecordingBot:
    """A spy around a real Bot: answers through it, keeping every Answer its ``stream`` gave (``answers``);
    everything else is the Bot's."""

    def __init__(self, bot) -> None:
        self.bot = bot
        self.answers: list[Answer] = []

    def stream(self, *args, **kwargs) -> Iterator[TextDelta | Answer]:
        for event in self.bot.stream(*args, **kwargs):
            if isinstance(event, Answer):
                self.answers.append(event)
            yield event

    def __getattr__(self, name):
        return getattr(self.bot, name)


class UnreachableBot:
    """A bot that must never be reached (a refusal comes first): any attribute fails the test."""

    def __getattr__(self, name):
        raise AssertionError(f"the bot must not be reached (asked for {name!r})")


# --- the local runtime ----------------------------------------------------------------------


@dataclass
class _Part:
    path: str | None = None
    n_threads: int | None = None


@dataclass
class FakeParams:
    """xllamacpp.CommonParams: the fields bot/generate/local/server.py sets."""

    model: _Part = field(default_factory=_Part)
    cpuparams: _Part = field(default_factory=_Part)
    cpuparams_batch: _Part = field(default_factory=_Part)
    n_ctx: int = 0
    n_parallel: int = 0
    hostnames: list[str] = field(default_factory=list)
    port: int = -1
    ui: bool = True
    offline: bool = False
    warmup: bool = True
    verbosity: int = 1


class FakeLlamaRuntime:
    """The ``xllamacpp`` module as bot/generate/local/server.py uses it: ``CommonParams()`` and ``Server(params)``, whose
    ``listening_address`` is a loopback URL. ``started`` holds the params of every server started; with
    ``fail``, ``Server`` raises it, as the runtime does on a file that is not a model."""

    CommonParams = FakeParams

    def __init__(self, fail: Exception | None = None, port: int = 8123) -> None:
        self.fail, self.port = fail, port
        self.started: list[FakeParams] = []
        runtime = self

        class Server:
            def __init__(self, params: FakeParams) -> None:
                if runtime.fail is not None:
                    raise runtime.fail
                runtime.started.append(params)
                self.params = params
                self.listening_address = f"http://127.0.0.1:{runtime.port}/"

        self.Server = Server


def _conforms(embeddings: FakeEmbeddings, broken: BrokenEmbeddings, retriever: FakeRetriever,
              safety: FakeSafety) -> tuple[Embedder, Embedder, Retriever, SafetyPolicy]:
    """Never called: the type checker (`make typecheck`) holds each double to the Protocol it stands for."""
    return embeddings, broken, retriever, safety
