"""The parts a ``Bot`` is wired from, as declared interfaces (``typing.Protocol``).

    Embedder      texts -> vectors (index/embed.py: the packaged MiniLM, torch or ONNX)
    Retriever     query -> ranked Sources (bot/retrieve.py: HybridRetriever)
    Generator     question + Sources -> a draft with [n] markers (bot/generate/: extractive, LLM)
    SafetyPolicy  checks, screening and policy around an answer (bot/safety/: SafetyLayer)

``Bot(retriever=..., embeddings=..., safety=..., chat_model=...)`` accepts anything that has these
methods; the test doubles in tests/ implement them, and tests check that the real parts do.
"""

from __future__ import annotations

from typing import Iterator, Protocol, runtime_checkable

from .answer import Answer, SafetyReport, Source


@runtime_checkable
class Embedder(Protocol):
    model_name: str

    def embed_documents(self, texts: list[str]) -> list[list[float]]: ...

    def embed_query(self, text: str) -> list[float]: ...


@runtime_checkable
class Retriever(Protocol):
    mode: str

    def search(self, query: str, k: int = 6, filters=None) -> list[Source]: ...

    def search_for(self, query: str, intent=None, k: int = 6, filters=None, also: str | None = None) -> list[Source]: ...


@runtime_checkable
class Generator(Protocol):
    name: str
    prompt_version: str | None

    def stream(self, question: str, sources: list[Source], history=None, intent=None, plan=None) -> Iterator[str]: ...


@runtime_checkable
class SafetyPolicy(Protocol):
    def check(self, question: str, history=None, topic: str | None = None, terms=None) -> SafetyReport: ...

    def corpus_allowed(self, report: SafetyReport) -> bool: ...

    def short_circuit(self, report: SafetyReport, title: str = "") -> str | None: ...

    def still_off_topic(self, report: SafetyReport, about_commenters: bool, covered) -> bool: ...

    def screen_sources(self, sources: list[Source], report: SafetyReport | None = None, version=None) -> list[Source]: ...

    def apply(self, answer: Answer, report: SafetyReport, index_version=None, retrieve_fn=None) -> Answer: ...
