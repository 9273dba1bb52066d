"""The one result type: ``Answer``, with its citations, sources and safety report.

``answer.text`` is the answer itself, with [n] markers. Everything the safety layer adds
(care, helplines, a safety plan, other perspectives, the "not professional advice" note)
travels as fields of ``answer.safety``, never inside the text; ``bot.render.text.plain`` is the
one place that lays them out as plain text, and ``str(answer)`` is that plain text.
Every field is plain data (``to_dict`` is JSON-ready), and the shape never changes with flags.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from bot.render.text import plain


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
    sentence: float | None = None  # best cosine of one of its sentences, when the sentence side found it
    record_ids: tuple[str, ...] = ()
    section: str | None = None
    author: str | None = None
    parent: str | None = None
    depth: int = 0
    masked: tuple[str, ...] = ()  # sentences the safety screen blanked in ``text`` (normalised): never quoted


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
    """A balancing view added by the safety layer: a reader's comment (cited) or a card.

    Cards are not from the article: ``source`` says where they come from, ``when`` when they apply."""

    title: str
    text: str  # the card's summary, or the reader's exact quote
    origin: str  # "comment" | "card"
    citations: tuple[int, ...] = ()  # citation numbers in Answer.citations
    card: str | None = None  # prompts/perspectives file name for cards
    source: str = ""  # cards: where this comes from
    when: str = ""  # cards: when it applies
    body: str = ""  # cards: the whole card text
    stance: str = ""  # comments: "disagrees" | "nuance"


@dataclass
class SafetyReport:
    """What the safety layer found and adds, as data (see bot/safety/flags.py for the flags).

    tier: "danger" (self_harm/abuse in this message: care only, no article text),
          "check_in" (a possible danger signal: ask whether they are safe, no advice),
          "aftercare" (danger earlier in this conversation: answer from passages safe for it),
          "hurting" (sad, self-blaming, heartbroken, no danger: a warm line, then the answer),
          "" (none).
    ``reasons`` says why the tier was chosen: {signal, detail, sentence, score} per piece of evidence.
    """

    flags: list[str] = field(default_factory=list)  # bot.safety.flags.Flag values, in Flag order
    tier: str = ""
    care: str = ""  # shown first: care, an invitation to keep talking (no helplines inside)
    resources: list[dict] = field(default_factory=list)  # {name, contact, region, url}
    emergency: str = ""  # the emergency-number line, when resources are shown
    plan: list[str] = field(default_factory=list)  # safety-plan steps
    perspectives: list[Perspective] = field(default_factory=list)
    disclaimer: str = ""  # "not professional advice", when the question is personal
    notes: list[str] = field(default_factory=list)
    scores: dict[str, float] = field(default_factory=dict)
    claims: list[dict] = field(default_factory=list)  # contested claims the answer draws on: {claim, label, source_id}
    withheld: list[str] = field(default_factory=list)  # record ids not quoted because of this conversation's safety
    withheld_keys: list[str] = field(default_factory=list)  # the same passages as "post/record id" (posts share ids)
    resumed: str = ""  # after "I'm safe": the earlier question this answer answers
    reach_out: str = ""  # hurting: one quiet line about where to talk to someone (not the crisis box)
    reasons: list[dict] = field(default_factory=list)  # why this tier: {signal, detail, sentence, score}

    def __bool__(self) -> bool:
        return bool(self.flags or self.resources or self.perspectives or self.notes or self.care)


@dataclass
class AnswerMeta:
    """How an answer was made: every field measured or set by the pipeline, none guessed."""

    generator: str = ""
    prompt_version: str | None = None
    query: str = ""  # what was retrieved for (a follow-up joined with what it follows)
    kind: str = ""  # what the question wants (bot/question/intent.py): advice, why, said, thread, opinion, yesno, fact
    retriever: str = ""
    timings: dict[str, float] = field(default_factory=dict)  # stage -> seconds, and "total"
    abstained: bool = False  # "the article and its comments don't cover that" (or the off-topic redirect)
    care_only: bool = False  # danger or check-in: care and helplines, nothing from the article
    similarity: float | None = None  # best similarity of a retrieved passage to the query; None when not measured
    answered_because: str = ""  # "similarity" | "rare words covered" | "names a commenter" (bot/retrieve/abstain.py)
    unsupported: int = 0  # draft sentences the verifier removed
    reassigned: int = 0  # draft sentences whose citation moved to a better passage
    invalid_markers: list[int] = field(default_factory=list)  # [0] or out-of-range markers dropped
    checked_sentences: int = 0
    lead: str = ""  # the first line stating the answer, a fact read off the index (bot/compose/leads.py); "" when the quotes lead
    dropped_leads: int = 0  # bold lines a generator wrote that were not the index's lead: removed
    answer_id: str = ""  # names the answer for feedback (the API's completion id)
    safety: str = "on"  # "off" only with Bot(safety=False)


@dataclass
class Answer:
    text: str
    question: str
    citations: list[Citation] = field(default_factory=list)
    sources: list[Source] = field(default_factory=list)
    safety: SafetyReport = field(default_factory=SafetyReport)
    meta: AnswerMeta = field(default_factory=AnswerMeta)

    def __str__(self) -> str:
        return plain(self)

    @property
    def abstained(self) -> bool:
        return self.meta.abstained

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class TextDelta:
    """A piece of streamed answer text; ``Bot.stream`` ends with the final ``Answer``."""

    text: str
