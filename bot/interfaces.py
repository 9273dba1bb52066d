"""The parts a ``Bot`` is wired from, as declared interfaces (``typing.Protocol``).

    Embedder      texts -> vectors (index/embed.py: the packaged MiniLM, torch or ONNX)
    Retriever     query -> ranked Sources, routed by intent (bot/retrieve/hybrid.py: HybridRetriever)
    Generator     question + the answer plan -> a draft with [n] markers (bot/generate/: extractive, LLM)
    SafetyPolicy  checks, screening and policy around an answer (bot/safety/: SafetyLayer)

``Bot(retriever=..., embeddings=..., safety=..., chat_model=...)`` accepts anything that has these
methods; the test doubles in tests/fakes.py implement them, and the type checker (`make typecheck`)
checks both the real parts and the doubles against them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Callable, Iterator, Protocol, runtime_checkable

from bot.answer import Answer, SafetyReport, Source

if TYPE_CHECKING:  # types only: these modules import this one's users
    from index.version import BaseIndexVersion

    from bot.compose.plan import Plan
    from bot.question.intent import Intent
    from bot.retrieve.hybrid import Filters, ReplyGraph


@runtime_checkable
class Embedder(Protocol):
    model_name: str

    def embed_documents(self, texts: list[str]) -> list[list[float]]: ...

    def embed_query(self, text: str) -> list[float]: ...


@runtime_checkable
class Retriever(Protocol):
    mode: str
    version: BaseIndexVersion  # the index it searches

    @property
    def graph(self) -> ReplyGraph: ...  # who replied to whom in that index

    def search(self, query: str, k: int = 6, filters: Filters | None = None) -> list[Source]: ...

    def search_for(self, query: str, intent: Intent | None = None, k: int = 6, filters: Filters | None = None,
                   also: str | None = None) -> list[Source]: ...

    def coverage(self, query: str, sources: list[Source]) -> float: ...


@runtime_checkable
class Generator(Protocol):
    name: str
    prompt_version: str | None

    def stream(self, question: str, sources: list[Source], history=None, *, plan: Plan | None) -> Iterator[str]: ...


@runtime_checkable
class SafetyPolicy(Protocol):
    def check(self, question: str, history=None, topic: str | None = None, terms=None) -> SafetyReport: ...

    def corpus_allowed(self, report: SafetyReport) -> bool: ...

    def short_circuit(self, report: SafetyReport, title: str = "") -> str | None: ...

    def still_off_topic(self, report: SafetyReport, about_commenters: bool, covered: Callable[[], bool]) -> bool: ...

    def screen_sources(self, sources: list[Source], report: SafetyReport | None = None,
                       version: BaseIndexVersion | None = None) -> list[Source]: ...

    def apply(self, answer: Answer, report: SafetyReport, index_version: BaseIndexVersion | None = None,
              retrieve_fn: Callable[..., list[Source]] | None = None) -> Answer: ...
