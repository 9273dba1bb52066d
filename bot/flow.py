"""The flow of one question, top to bottom: ``answer_turn``. ``Bot.ask`` and ``Bot.stream`` both call it.

    answer_turn(turn, parts, reading, on_delta)
      prepare   clean the question, condense a follow-up, check it (safety), read what it wants (intent)
      look_up   retrieve, routed by intent; the safety screen blanks instruction-like text, cuts withheld advice
      settle    care first, "no such commenter" or not covered: a short answer with no draft
      draft     the composer's plan, written out by the generator (a model's draft streams live)
      verify    every sentence checked against the passage it cites; only the plan's lead states a fact
      finish    the safety policy shapes the answer (care, helplines, perspectives, what was withheld)

Every step reads the same ``Reading``: one index version and the parts built over it, so an answer
never mixes two versions when `bot index` publishes a new one in the middle of it. The parts that do
not depend on the version (safety, scorer, generator, verifier) come in ``Parts``.
"""

from __future__ import annotations

import re
import threading
import time
import uuid
from dataclasses import dataclass, replace
from typing import Callable

from index.version import BaseIndexVersion
from index.understand import PostModels

from bot.retrieve.abstain import ABSTAIN_TEXT, Decision, decide
from bot.answer import Answer, AnswerMeta, Source
from bot.cite.verify import CitationVerifier
from bot.compose.plan import Composer
from bot.question.condense import condense, is_challenge
from bot.question.intent import ABOUT_AUTHOR, ABOUT_POST, Intent, asks_anything, first_reader, intent_for, named_authors, shown_in
from bot.interfaces import Generator, Retriever, SafetyPolicy
from bot.question.clean import clean_question
from bot.retrieve.hybrid import Filters, HybridRetriever, named_in, replace_rank
from bot.safety.flags import is_danger
from bot.cite.support import SupportScorer
from bot.turn import Turn

DEFAULT_K = 6
WHICH_READER_K = 3  # "which commenter ...?": this many of the closest comments join the passages


class Reading:
    """What one question reads from start to end: an index version, its retriever and its composer
    (built once per version by the Bot), and what is read off the version per post, computed once."""

    def __init__(self, version: BaseIndexVersion, retriever: Retriever, composer: Composer):
        self.version = version
        self.retriever = retriever
        self.composer = composer
        self._lock = threading.Lock()
        self._models: dict[str, PostModels] = {}  # post -> that post's models alone
        self._authors: dict[str | None, tuple[str, ...]] = {}  # post (None: every post) -> its commenters, sorted
        self._bars: dict[str | None, tuple[tuple[str, float], ...]] = {}  # post (None: every post) -> danger bars

    def models_of(self, post: str | None) -> PostModels:
        """The post models a question reads: the asked post's alone, else all."""
        models = self.version.post_models
        if post is None or post not in models.posts or len(models.posts) == 1:
            return models
        with self._lock:
            if post not in self._models:
                self._models[post] = PostModels({post: models.posts[post]})
            return self._models[post]

    def post_authors(self, post: str | None) -> frozenset[str]:
        """The asked post's author (every post's, when none is asked), as their post models name them."""
        models = self.version.post_models
        if models is None:
            return frozenset()
        return frozenset(m.author for p, m in models.posts.items() if m.author and post in (None, p))

    def authors_of(self, post: str | None) -> tuple[str, ...]:
        """The commenters of the asked post (or of every post), sorted; read off the records once, not for
        every question (a pass over every record of the blog)."""
        with self._lock:
            if post not in self._authors:
                self._authors[post] = tuple(sorted({r.author for r in self.version.records
                                                    if r.author and post in (None, r.doc)}))
            return self._authors[post]

    def danger_bars(self, post: str | None) -> tuple[tuple[str, float], ...]:
        """The safety classifier's bars for the asked post (or every post: the lowest of theirs), computed once."""
        from bot.safety.calibrate import bars_for

        with self._lock:
            if post not in self._bars:
                posts = [post] if post in self.version.sources else sorted(self.version.sources)
                self._bars[post] = bars_for(self.version, posts, self.composer.scorer.banked)  # the preloaded bank
            return self._bars[post]

    def title(self, post: str | None) -> str:
        """The post the off-topic and decline replies name: the asked one, or the index's only post."""
        models = self.version.post_models
        return models.posts[post].title if post in models.posts else models.title()


@dataclass(frozen=True)
class Parts:
    """What answering is wired from, whatever the index version (the Bot builds each once)."""

    safety: SafetyPolicy
    scorer: SupportScorer
    generator: Generator
    verifier: CitationVerifier
    open_reading: Callable[[], Reading]  # the current version's Reading; StoreError when there is no index
    post: str | None = None  # the Bot's own post: the perspectives' reader search is scoped to it
    retriever_mode: str = "hybrid"  # named in meta when nothing was looked up
    safety_on: bool = True


def answer_turn(turn: Turn, parts: Parts, reading: Reading | None, on_delta=None) -> Answer:
    """One question, top to bottom. ``reading``: None when there is no index (care still answers)."""
    prepare(turn, parts, reading)
    if parts.safety.corpus_allowed(turn.report) and "injection" not in turn.report.flags:
        reading = reading or parts.open_reading()  # no index: the StoreError says how to build one
        look_up(turn, parts, reading)  # care first and injection: nothing from the post is even looked up
    meta = _meta(turn, parts, reading)
    settled = settle(turn, parts, reading, meta)
    if settled is not None:
        return finish(settled, turn, parts, reading, on_delta)
    assert reading is not None  # settle answers whatever was not looked up
    # A model's draft streams live, except when care comes first: then the verified, safety-shaped
    # answer is the first thing shown.
    live = on_delta if parts.generator.name != "extractive" and not is_danger(turn.report.flags) else None
    plan, text = draft(turn, parts, reading, live)
    answer = verify(turn, parts, reading, plan, text, meta)
    return finish(answer, turn, parts, reading, None if live else on_delta)


# --- the steps ------------------------------------------------------------------


def prepare(turn: Turn, parts: Parts, reading: Reading | None) -> None:
    turn.text, notes = clean_question(turn.question)
    turn.query = condense(turn.text, turn.history)
    if reading is not None:  # an unknown post or filter is an error before anything else, care first included
        turn.filters = Filters.parse(turn.filters, reading.version.sources)
    post = post_of(turn)
    models = reading.models_of(post) if reading is not None else None
    terms = models.terms if models is not None else None  # "is this about the post?": the asked post's words
    if terms is not None and reading is not None:  # the classifier's bar for these posts (bot/safety/calibrate.py)
        terms = replace(terms, bars=reading.danger_bars(post))
    turn.report = parts.safety.check(turn.text, turn.history, topic=turn.query, terms=terms)
    turn.report.notes.extend(notes)
    if turn.report.resumed:  # "yes, I'm safe": answer the question the check-in held back
        turn.text, _ = clean_question(turn.report.resumed)
        turn.query = condense(turn.text, turn.history[:-1])
    authors = reading.authors_of(post) if reading is not None else ()
    mentioned = models.mentioned() if models is not None else frozenset()
    turn.intent = intent_for(turn.text, turn.query, authors, mentioned, turn.history[-1][1] if turn.history else "")
    # a follow-up moves on from what the last answer quoted; when the turn before only told the reader's situation
    # ("... after dinner every night for 15 years") and this one asks about it, the last answer was a guess, not an answer
    if turn.query != turn.text and turn.history and asks_anything(turn.history[-1][0]):
        turn.intent = replace(turn.intent, shown=shown_in(turn.history[-1][1]))
    turn.timings["check"] = time.perf_counter() - turn.started


def look_up(turn: Turn, parts: Parts, reading: Reading) -> None:
    t = time.perf_counter()
    turn.looked_up = True
    filters = Filters.parse(turn.filters, reading.version.sources)
    also = turn.text if turn.query != turn.text and not is_challenge(turn.text) else None
    sources = reading.retriever.search_for(turn.query, turn.intent, k=turn.k or DEFAULT_K, filters=filters, also=also)
    named = reading.composer.described_reader(turn.text, sources, turn.intent)
    if named is None and reading.composer.describes_reader(turn.text, turn.intent):
        # "what ended up happening with the guy who did every step by the book?": his comment may not rank among the
        # article's passages, so when they show nobody clearly, the comments are searched for who that is
        readers = _comments_like(turn.text, reading, filters, DEFAULT_K)
        named = reading.composer.described_reader(turn.text, sources + readers, turn.intent)
    if named is None:
        named = _reader_referred(turn, reading, filters)
    if named is not None:  # "did anyone answer the guy who works nights?": now his thread, as for a reader named
        turn.intent = named
        sources = reading.retriever.search_for(turn.query, turn.intent, k=turn.k or DEFAULT_K, filters=filters, also=also)
    elif reading.composer.asks_which_reader(turn.text, turn.intent):
        # "who was the commenter that broke down in a grocery store?": the comments that read closest join the passages
        have = {s.chunk_id for s in sources}
        readers = _comments_like(turn.text, reading, filters, WHICH_READER_K)
        sources = [replace_rank(s, n) for n, s in enumerate(sources + [r for r in readers if r.chunk_id not in have], 1)]
    about_commenters = turn.intent is not None and bool(turn.intent.names or turn.intent.unknown)

    def covered() -> bool:
        return decide_covered(turn.query, sources, turn.intent, parts, reading, turn.filters).answer

    if parts.safety.still_off_topic(turn.report, about_commenters, covered):  # the policy decides
        return
    turn.sources = parts.safety.screen_sources(sources, turn.report, reading.version)
    turn.timings["retrieve"] = time.perf_counter() - t


def _reader_referred(turn: Turn, reading: Reading, filters) -> Intent | None:
    """"there was a woman in the comments whose partner stays up till 4am" -> "did anybody answer her?": a follow-up that
    says only "her" is about the one reader the question before named or described."""
    authors = reading.authors_of(post_of(turn))
    if turn.intent is not None and reading.composer.answers_them(turn.text, turn.intent):
        # "there's a woman in the comments who says it dumps the work on wives. did gordon answer her?": the reader the
        # question describes; else "did megan say anything back to her?" after "did it go badly for anyone?" answered
        # with Louise M first: the reader the last answer quoted first
        them = (reading.composer.reader_described(turn.text, _comments_like(turn.text, reading, filters, DEFAULT_K))
                if reading.composer.describes_someone(turn.text) else None) or (
                    first_reader(turn.history[-1][1], authors) if turn.history else "")
        if them and them not in turn.intent.names:
            return replace(turn.intent, kind="thread", names=turn.intent.names + (them,))
        return None
    if not turn.history or not reading.composer.refers_back(turn.text, turn.intent):
        return None
    assert turn.intent is not None
    # the question before, or the one before that when it named nobody ("... whose guy vanished for a month" -> "and then
    # he claimed his phone got stolen right?" -> "did she take him back in the end?")
    for previous, _ in reversed(turn.history[-2:]):
        named = named_authors(previous or "", authors)
        if len(named) > 1:
            return None  # several readers: "her" is not known
        if named:
            return reading.composer.about_reader(turn.text, turn.intent, named[0])
        if previous and reading.composer.describes_someone(previous):
            who = reading.composer.reader_described(previous, _comments_like(previous, reading, filters, DEFAULT_K))
            if who:
                return reading.composer.about_reader(turn.text, turn.intent, who)
            break  # described, but not clearly one reader: the answer to it showed whom
    # neither question named anyone or described one reader clearly: the reader the last answer quoted first, not the post's author ("...
    # won't talk budget" -> "someone in the comments had the same thing right? what did the author tell her to try")
    who = first_reader(turn.history[-1][1], authors, besides=reading.post_authors(post_of(turn)))
    return reading.composer.about_reader(turn.text, turn.intent, who) if who else None


def _comments_like(text: str, reading: Reading, filters, k: int) -> list[Source]:
    """The ``k`` comments that read closest to ``text``, under the question's filters (who a description is)."""
    return reading.retriever.search(text, k=k, filters=replace(filters or Filters(), kind="comment"))


def settle(turn: Turn, parts: Parts, reading: Reading | None, meta: AnswerMeta) -> Answer | None:
    """The answers that need no draft: care first or a redirect, no such commenter, not covered."""
    question, report, sources = turn.text, turn.report, turn.sources
    early = parts.safety.short_circuit(report, reading.title(post_of(turn)) if reading is not None else "")
    if early is not None:
        meta.abstained = "off_topic" in report.flags  # a redirect, not an answer
        meta.care_only = early == ""  # danger or check-in: care and helplines, no article text
        return Answer(early, question, safety=report, meta=meta)
    if turn.intent is not None and turn.intent.unknown:
        meta.abstained = True
        return Answer(no_such_commenter(turn.intent), question, sources=sources, safety=report, meta=meta)
    decision = decide_covered(turn.query, sources, turn.intent, parts, reading if turn.looked_up else None, turn.filters)
    if not decision.answer and turn.intent is not None and turn.intent.kind == "opinion" and any(s.kind == "comment" for s in sources):
        decision = Decision(True, decision.similarity, "asks what readers think")  # the stances answer it
    meta.similarity, meta.answered_because = round(decision.similarity, 4), decision.because
    if not decision.answer:
        meta.abstained = True
        return Answer(ABSTAIN_TEXT, question, sources=sources, safety=report, meta=meta)
    return None


def draft(turn: Turn, parts: Parts, reading: Reading, live=None):
    """The plan (once: the generator writes it, the verifier checks its lead) and the generator's draft."""
    t = time.perf_counter()
    plan = reading.composer.plan(turn.text, turn.sources, turn.intent)
    pieces = []
    for piece in parts.generator.stream(turn.text, turn.sources, turn.history, plan=plan):
        pieces.append(piece)
        if live:
            live(piece)
    turn.timings["generate"] = time.perf_counter() - t
    return plan, "".join(pieces)


def verify(turn: Turn, parts: Parts, reading: Reading, plan, text: str, meta: AnswerMeta) -> Answer:
    t = time.perf_counter()
    # a lead (a bold line stating a fact) stays only if it is the one the index's facts give (bot/compose/leads.py)
    leads = frozenset(line.strip() for line in plan.note.splitlines() if line.strip())
    checked = parts.verifier.verify(text, turn.sources, reading.version, leads=leads)
    turn.timings["verify"] = time.perf_counter() - t
    meta.lead = next((line for line in checked.text.splitlines() if line.strip() in leads), "")
    meta.dropped_leads = checked.dropped_leads
    meta.unsupported, meta.reassigned = checked.unsupported, checked.reassigned
    meta.invalid_markers, meta.checked_sentences = checked.invalid_markers, checked.sentences
    if not checked.citations and not meta.lead:  # a lead alone is a fact of the index ("No: nobody replied")
        meta.abstained = True
        return Answer(ABSTAIN_TEXT, turn.text, sources=turn.sources, safety=turn.report, meta=meta)
    return Answer(checked.text, turn.text, checked.citations, turn.sources, turn.report, meta)


def finish(answer: Answer, turn: Turn, parts: Parts, reading: Reading | None, on_delta=None) -> Answer:
    readers = None
    if reading is not None:
        def readers(query: str, k: int, filters) -> list[Source]:  # the perspectives' search for readers
            return search(reading, query, k, scoped(filters, post_of(turn), parts.post))  # the question's post

    answer = parts.safety.apply(answer, turn.report, reading.version if reading else None, readers)
    answer.meta.answer_id = uuid.uuid4().hex  # names the answer for feedback (API id, ratings)
    answer.meta.timings["total"] = time.perf_counter() - turn.started
    if on_delta:
        for line in answer.text.splitlines(keepends=True):
            on_delta(line)
    return answer


# --- what the steps share ---------------------------------------------------------


def search(reading: Reading, query: str, k: int = 5, filters=None) -> list[Source]:
    """Plain retrieval (no routing) on the reading's version: ``Bot.retrieve`` and the perspectives."""
    parsed = Filters.parse(filters, reading.version.sources)
    text, _ = clean_question(query)
    return reading.retriever.search(text, k=k, filters=parsed)


def decide_covered(query: str, sources: list[Source], intent: Intent | None, parts: Parts, reading: Reading | None,
                   filters=None) -> Decision:
    """Does the text cover the question (bot/retrieve/abstain.py)? ``reading``: None when nothing was looked up;
    ``filters``: the question's (parsed), for the passages nearest it as asked."""
    names = set(intent.names if intent is not None else ()) | {s.author for s in sources if s.author and named_in(s.author, query)}
    if sources and not any(s.dense is not None or s.sentence is not None for s in sources):
        sims = parts.scorer.similarity(query, [s.text for s in sources])  # a retriever that gives no vectors
        sources = [replace(s, dense=float(x)) for s, x in zip(sources, sims)]
    decision = decide(query, sources, tuple(names), reading.retriever.coverage if reading is not None else None)
    if not decision.answer and sources and reading is not None and isinstance(reading.retriever, HybridRetriever):
        # the learned query map ranks what answers; the abstain bars read the passages nearest the question as asked
        nearest = reading.retriever.nearest(query, filters if isinstance(filters, Filters) else None)
        if nearest:
            decision = decide(query, sources + nearest, tuple(names), reading.retriever.coverage)
    if not decision.answer and sources and ABOUT_POST.search(query):
        return Decision(True, decision.similarity, "asks about the post itself")  # "what's the main point?"
    if not decision.answer and sources and intent is not None and intent.kind == "thread" and (intent.names or ABOUT_AUTHOR.search(query)):
        # "did the blogger herself ever actually reply to anyone?": the reply graph answers it, however few words match
        return Decision(True, decision.similarity, "asks about the thread")
    if not decision.answer and _cites_the_text(query, sources):
        # "Where does the 68 percent figure come from?": a figure or a phrase the text itself holds
        return Decision(True, decision.similarity, "quotes the text")
    return decision


FIGURE = re.compile(r"(?<![\w.,])\d+(?:[.,]\d+)?\s*(?:%|[a-z]+)", re.I)  # a number with its unit: "68 percent", "90 minutes"
QUOTE = re.compile(r"[\"“‘']([^\"”’']{8,80})[\"”’']")


def _cites_the_text(query: str, sources: list[Source]) -> bool:
    """The question names a figure with its unit ("the 68 percent figure") or quotes a phrase that a retrieved
    passage holds word for word ("What's 17 times 23?" names no figure of the text)."""
    texts = [" ".join(s.text.casefold().split()) for s in sources]
    figures = [" ".join(m.group(0).casefold().split()) for m in FIGURE.finditer(query) if len(re.sub(r"\D", "", m.group(0))) >= 2]
    phrases = [" ".join(m.group(1).casefold().split()) for m in QUOTE.finditer(query)]
    return any(re.search(rf"(?<![\w.,]){re.escape(f)}\b", t) for f in figures for t in texts) or any(p in t for p in phrases for t in texts)


def no_such_commenter(intent: Intent) -> str:
    """"There is no commenter named Megan", with the nearest names: never a random quote."""
    lines = []
    for name in intent.unknown:
        near = intent.near.get(name) or []
        hint = f" The closest names among the commenters are {', '.join(near)}." if near else ""
        lines.append(f"There is no commenter named {name} under this article.{hint}")
    if intent.names:
        lines.append(f"You can ask what {' or '.join(intent.names)} wrote, or who replied to them.")
    return " ".join(lines)


def _meta(turn: Turn, parts: Parts, reading: Reading | None) -> AnswerMeta:
    return AnswerMeta(
        generator=parts.generator.name, prompt_version=parts.generator.prompt_version, query=turn.query,
        kind=turn.intent.kind if turn.intent is not None else "", timings=turn.timings,
        retriever=reading.retriever.mode if turn.looked_up and reading is not None else parts.retriever_mode,
        safety="on" if parts.safety_on else "off",
    )


def post_of(turn: Turn) -> str | None:
    """The post a question is scoped to (its filters are parsed by then)."""
    return turn.filters.post if isinstance(turn.filters, Filters) else None


def scoped(filters, post: str | None, default: str | None):
    """The call's filters with its post; without one, ``default`` (the Bot's own post; a call naming a post wins)."""
    if post is None and default is not None and not _names_post(filters):
        post = default
    if post is None:
        return filters
    if filters is None:
        return {"post": post}
    if isinstance(filters, dict):
        return {**filters, "post": post}
    if isinstance(filters, Filters):
        return replace(filters, post=post)
    return filters  # not filters at all: Filters.parse says so


def _names_post(filters) -> bool:
    if isinstance(filters, dict):
        return filters.get("post", filters.get("doc")) is not None
    return getattr(filters, "post", None) is not None
