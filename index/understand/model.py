"""The model of a post, as data: one ``RecordModel`` per record, keyed ``post/record_id``.

Stored with the index version (each post's ``model.json``, index/segment.py) and read at question time by the safety layer
(claims, unsafe advice, dissent), retrieval (stances, who answered whom) and the composer.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from functools import cached_property
from typing import Any, Literal

ANNOTATOR = "rules-embeddings-21"  # bump when the computed labels change: cached models are redone

Source = Literal["reviewed", "rule", "embedding", "structure", "none"]
ROLES = ("heading", "claim", "advice", "story", "question", "aside", "filler")
STANCES = ("agrees", "disagrees", "nuance", "question", "story", "none")
UNSAFE_TAGS = ("give_space", "go_away", "receive_love", "dont_question", "dont_check", "let_him_check", "wait_it_out", "receive_no_matter",
               "blames_reader", "dont_punish", "minimises", "isolate", "obey", "uncertain")
DISSENT = ("disagrees", "nuance")


@dataclass(frozen=True)
class Label:
    value: str
    source: Source
    confidence: float


@dataclass(frozen=True)
class RecordModel:
    key: str  # "post/record_id"
    role: Label
    claims: tuple[str, ...] = ()  # contested-claim kinds (reviewed files may name finer ones)
    claims_label: Label | None = None  # where the claims came from, and how sure
    claim_text: str = ""  # what it claims, one line (reviewed) or its first contested sentence
    unsafe: tuple[str, ...] = ()  # why quoting it could harm someone in danger ("uncertain" = not sure it's safe)
    unsafe_label: Label | None = None
    unsafe_sentences: tuple[str, ...] = ()  # exact substrings; empty = the whole record
    stance: Label | None = None  # comments: to the article
    outcome: Label | None = None  # comments: how the story ended
    counters: tuple[str, ...] = ()  # dissenting comments: the claim kinds they push back on
    targets: tuple[str, ...] = ()  # dissenting comments: the article records they answer, closest first
    quote: str = ""  # dissenting comments: the sentence to cite
    asks: str = ""  # comments: the question it asks
    answered_by: tuple[str, ...] = ()  # keys of the replies that answer it
    by_author: bool = False  # comments written by the post's author

    def to_dict(self) -> dict:
        return {k: v for k, v in asdict(self).items() if v not in (None, (), "", False)}

    @classmethod
    def from_dict(cls, row: dict) -> "RecordModel":
        labels: dict[str, Any] = {k: Label(**row[k]) for k in ("role", "claims_label", "unsafe_label", "stance", "outcome") if row.get(k)}
        rest: dict[str, Any] = {k: tuple(v) if isinstance(v, list) else v for k, v in row.items() if k not in labels}
        return cls(**rest, **labels)


@dataclass(frozen=True)
class Deferral:
    """A sentence of the article saying it leaves a topic out ("a whole other topic, for a separate article")."""

    key: str  # its record, "post/record_id"
    start: int  # the sentence, as offsets in the post's text
    end: int
    topics: tuple[str, ...]  # what it leaves out, as texts a question is compared with (index/understand/rules.py)

    def to_dict(self) -> dict:
        return {"key": self.key, "start": self.start, "end": self.end, "topics": list(self.topics)}

    @classmethod
    def from_dict(cls, row: dict) -> "Deferral":
        return cls(row["key"], int(row["start"]), int(row["end"]), tuple(row.get("topics", ())))


@dataclass(frozen=True)
class PostModel:
    post: str  # the post's slug (``Record.doc``)
    title: str
    author: str | None  # the post's author, when the post or its replies name them
    names: tuple[str, ...]  # commenters, in order of first comment
    topic: tuple[str, ...]  # the words the post is about (title and headings), for "is this about the post?"
    records: dict[str, RecordModel] = field(default_factory=dict)
    sha1: str = ""  # of the post text: a cached model is reused only for the same text
    made_with: tuple[str, ...] = ()  # what computed it: annotator version, encoder, reviewed files
    labels: dict[str, str] = field(default_factory=dict)  # claim kind -> what it claims (reviewed files may add)
    mentioned: tuple[str, ...] = ()  # capitalised words of the post (the author, people in its stories)
    deferred: tuple[Deferral, ...] = ()  # the topics the article says it leaves out

    def to_dict(self) -> dict:
        return {"post": self.post, "title": self.title, "author": self.author, "names": list(self.names),
                "topic": list(self.topic), "sha1": self.sha1, "made_with": list(self.made_with), "labels": self.labels,
                "mentioned": list(self.mentioned), "deferred": [d.to_dict() for d in self.deferred],
                "records": {k: r.to_dict() for k, r in self.records.items()}}

    @classmethod
    def from_dict(cls, row: dict) -> "PostModel":
        return cls(row["post"], row["title"], row.get("author"), tuple(row.get("names", ())), tuple(row.get("topic", ())),
                   {k: RecordModel.from_dict(r) for k, r in row.get("records", {}).items()},
                   row.get("sha1", ""), tuple(row.get("made_with", ())), dict(row.get("labels") or {}),
                   tuple(row.get("mentioned", ())), tuple(Deferral.from_dict(d) for d in row.get("deferred", ())))

    def comments(self) -> list[RecordModel]:
        return [r for r in self.records.values() if r.stance is not None]


@dataclass(frozen=True)
class PostTerms:
    """Words that tie a message to the indexed posts, from the index: ``vocabulary`` (title, headings,
    frequent words, commenters' names: "is this on topic?") and ``about`` (names and title phrases:
    "is this about the post itself?")."""

    vocabulary: frozenset[str] = frozenset()
    about: frozenset[str] = frozenset()
    subject: frozenset[str] = frozenset()  # the content words of the posts' titles ("puppy", "biting")
    # the safety classifier's own bar for these posts, by danger flag, where their article raises it (bot/safety/calibrate.py)
    bars: tuple[tuple[str, float], ...] = ()


class PostModels:
    """Every post of one index version. Lookups take ``post/record_id`` keys, so one post's
    labels never attach to another post's record with the same id."""

    def __init__(self, posts: dict[str, PostModel]):
        self.posts = posts
        self._by_key = {k: r for p in posts.values() for k, r in p.records.items()}

    @classmethod
    def from_dict(cls, data: dict) -> "PostModels":
        return cls({p: PostModel.from_dict(row) for p, row in (data.get("posts") or {}).items()})

    def to_dict(self) -> dict:
        return {"annotator": ANNOTATOR, "posts": {p: m.to_dict() for p, m in self.posts.items()}}

    def get(self, key: str) -> RecordModel | None:
        return self._by_key.get(key)

    def claims(self, key: str) -> tuple[str, ...]:
        r = self._by_key.get(key)
        return r.claims if r else ()

    def stance(self, key: str) -> str:
        r = self._by_key.get(key)
        return r.stance.value if r and r.stance else ""

    @cached_property
    def _stances(self) -> dict[str, str]:
        return {k: r.stance.value for k, r in self._by_key.items() if r.stance is not None}

    def stances(self) -> dict[str, str]:
        """key -> stance, every comment of every post (one dict, built once: read it, don't change it)."""
        return self._stances

    @cached_property
    def _quotes(self) -> dict[str, str]:
        return {k: r.quote for k, r in self._by_key.items() if r.quote}

    def quotes(self) -> dict[str, str]:
        """key -> the start of the sentence that says a dissenting reader's view (built once)."""
        return self._quotes

    def dissent(self, post: str | None = None) -> list[RecordModel]:
        """Comments that disagree or add nuance, in post order (of one post, or all)."""
        posts = [self.posts[post]] if post in self.posts else ([] if post else list(self.posts.values()))
        return [r for p in posts for r in p.comments() if r.stance and r.stance.value in DISSENT]

    def names(self) -> set[str]:
        return {n for p in self.posts.values() for n in p.names} | {p.author for p in self.posts.values() if p.author}

    def topic(self) -> set[str]:
        return {w for p in self.posts.values() for w in p.topic}

    @cached_property
    def _mentioned(self) -> frozenset[str]:
        return frozenset(w for p in self.posts.values() for w in p.mentioned)

    def mentioned(self) -> frozenset[str]:
        return self._mentioned

    def title(self) -> str:
        """The post's title when the index holds one post ("" for several: answers name their post)."""
        return next(iter(self.posts.values())).title if len(self.posts) == 1 else ""

    @cached_property
    def terms(self) -> PostTerms:
        import re

        names = {w for n in self.names() for w in re.findall(r"[a-z][a-z'-]{2,}", n.lower())}
        names -= _COMMON
        phrases, subject = set(), set()
        for p in self.posts.values():
            words = re.findall(r"[a-z][a-z'-]*", p.title.lower())
            phrases |= {f"{a} {b}" for a, b in zip(words, words[1:]) if a not in _COMMON and b not in _COMMON}
            subject |= {w for w in words if w not in _COMMON and len(w) > 2}
        return PostTerms(frozenset(self.topic()) | frozenset(names), frozenset(names | phrases), frozenset(subject))


_COMMON = frozenset("""a an and are as at be but by do does for from has have he her him his how i in is it its me
my not of on or our she so that the their them they this to us was we what when where which who why will with
you your anonymous reader guest admin author the-author no name""".split())
