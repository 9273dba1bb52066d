"""The one result type: ``Answer``, with its citations, sources and safety report.

``str(answer)`` is the text. Every field is plain data (``to_dict`` is JSON-ready),
and the shape never changes with flags.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field


@dataclass(frozen=True)
class Source:
    """One retrieved chunk, in rank order."""

    rank: int  # 1-based
    chunk_id: str  # "<doc>/<unit>#<n>"
    doc: str
    kind: str  # "article" | "comment"
    text: str
    start: int
    end: int
    score: float  # fused score (higher is better)
    dense: float | None = None  # cosine similarity, when the dense side found it
    lexical: float | None = None  # BM25 score, when the lexical side found it
    record_ids: tuple[str, ...] = ()
    section: str | None = None
    author: str | None = None
    parent: str | None = None
    depth: int = 0


@dataclass(frozen=True)
class Citation:
    """A [n] marker in the text: ``quote`` is exactly ``source_text[start:end]`` of the seed."""

    n: int  # 1-based, as in the text
    source_id: str  # record id: "article:science-man:p2", "comment:07-munchkins"
    kind: str
    author: str | None
    quote: str
    start: int
    end: int
    doc: str = ""
    section: str | None = None
    parent: str | None = None  # for replies: the record id replied to
    parent_author: str | None = None
    support: float | None = None  # verifier's support score for the sentence citing it


@dataclass(frozen=True)
class Perspective:
    """A balancing view added by the safety layer, with its own citations."""

    title: str
    text: str
    origin: str  # "comment" | "card"
    citations: tuple[int, ...] = ()  # citation numbers in Answer.citations
    card: str | None = None  # prompts/perspectives file name for cards


@dataclass
class SafetyReport:
    flags: list[str] = field(default_factory=list)  # self_harm, abuse, distress, injection, off_topic, contested_claim
    resources: list[dict] = field(default_factory=list)  # {name, contact, region, url}
    perspectives: list[Perspective] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    scores: dict[str, float] = field(default_factory=dict)
    claims: list[dict] = field(default_factory=list)  # contested claims flagged: {claim, source_id}

    def __bool__(self) -> bool:
        return bool(self.flags or self.resources or self.perspectives or self.notes)


@dataclass
class Answer:
    text: str
    question: str
    citations: list[Citation] = field(default_factory=list)
    sources: list[Source] = field(default_factory=list)
    safety: SafetyReport = field(default_factory=SafetyReport)
    meta: dict = field(default_factory=dict)  # generator, prompt_version, timings {stage: seconds}, ...

    def __str__(self) -> str:
        return self.text

    @property
    def abstained(self) -> bool:
        return bool(self.meta.get("abstained"))

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class TextDelta:
    """A piece of streamed answer text; ``Bot.stream`` ends with the final ``Answer``."""

    text: str
