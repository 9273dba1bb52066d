"""The model-free default: an answer composed of the most relevant sentences.

Sentences of the retrieved passages are scored against the question
(0.7 * cosine + 0.3 * share of the question's words they contain, with a
small bonus for higher-ranked passages), the best are picked (at most one
per comment, a few from the article), and written up with attribution,
article first, then the comments, each sentence quoted verbatim and cited.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator

from index.lexical import tokenize
from index.parse import NO_AUTHOR
from index.sentences import normalise, sentence_spans

from ..answer import Source
from ..retrieve import named_in
from ..support import SupportScorer, coverage

MIN_SCORE = 0.3
QUESTION_PENALTY = 0.3
NAMED_BONUS = 0.5
ARTICLE_MAX = 3
COMMENT_MAX = 3
_ARTICLE_LEADS = ("The article says: ", "It adds: ", "It also says: ")
_COMMENT_LEADS = ("One commenter, {who}, wrote: ", "Another reader, {who}, wrote: ", "{who} wrote: ")


@dataclass
class _Candidate:
    source: Source
    text: str
    start: int
    score: float


class ExtractiveGenerator:
    name = "extractive"
    prompt_version = None

    def __init__(self, scorer: SupportScorer, texts_for, headings_for=None):
        """texts_for() -> {doc: seed text}; headings_for() -> {doc: {start offsets of titles/headings}}."""
        self.scorer = scorer
        self.texts_for = texts_for
        self.headings_for = headings_for or (lambda: {})


    def stream(self, question: str, sources: list[Source], history=None) -> Iterator[str]:
        picked = self.select(question, sources)
        article = sorted((c for c in picked if c.source.kind == "article"), key=lambda c: c.start)
        comments = [c for c in picked if c.source.kind == "comment"]
        first = {}  # best-scoring comment first; sentences of one comment in the order written
        for i, c in enumerate(comments):
            first.setdefault(c.source.author, i)
        comments.sort(key=lambda c: (first[c.source.author], c.start))
        if article:
            yield "**What the article says**\n"
            for i, c in enumerate(article):
                yield f"{_ARTICLE_LEADS[min(i, len(_ARTICLE_LEADS) - 1)]}{_quote(c.text)} [{c.source.rank}]\n"
        if comments:
            yield ("\n" if article else "") + "**What readers said in the comments**\n"
            authors: list[str] = []
            for c in comments:
                who = _who(c.source)
                if authors and authors[-1] == who:
                    lead = f"{who} also wrote: "
                else:
                    lead = _COMMENT_LEADS[min(len(set(authors)), len(_COMMENT_LEADS) - 1)].format(who=who)
                authors.append(who)
                yield f"{lead}{_quote(c.text)} [{c.source.rank}]\n"

    def select(self, question: str, sources: list[Source]) -> list[_Candidate]:
        texts, headings = self.texts_for(), self.headings_for()
        candidates: list[_Candidate] = []
        for src in sources:
            seed = texts[src.doc]
            for s, e in sentence_spans(seed[src.start : src.end], src.start):
                sentence = normalise(seed[s:e])
                if len(tokenize(sentence)) >= 3 and len(sentence) <= 600 and s not in headings.get(src.doc, ()):
                    candidates.append(_Candidate(src, sentence, s, 0.0))
        if not candidates:
            return []
        sims = self.scorer.similarity(question, [c.text for c in candidates])
        named = {src.author: named_in(src.author, question) for src in sources}
        for c, sim in zip(candidates, sims):
            c.score = 0.7 * float(sim) + 0.3 * coverage(question, c.text) + 0.02 * (len(sources) - c.source.rank) / len(sources)
            if c.text.rstrip("”’\"' ").endswith("?") and c.source.kind == "article":
                c.score -= QUESTION_PENALTY  # a question restated is not an answer
            if named[c.source.author]:
                c.score += NAMED_BONUS  # "what did Veronica ask?"
        picked, seen_text, units = [], set(), {}
        for c in sorted(candidates, key=lambda c: -c.score):
            if c.score < MIN_SCORE or c.text in seen_text:
                continue
            unit = c.source.chunk_id.split("#")[0]
            limit = COMMENT_MAX if named[c.source.author] else 1 if c.source.kind == "comment" else ARTICLE_MAX
            if units.get(unit, 0) >= limit:
                continue
            same_kind = sum(1 for p in picked if p.source.kind == c.source.kind)
            if same_kind >= (ARTICLE_MAX if c.source.kind == "article" else COMMENT_MAX):
                continue
            units[unit] = units.get(unit, 0) + 1
            seen_text.add(c.text)
            picked.append(c)
        return picked


def _quote(text: str) -> str:
    return f"“{text.strip('“”')}”"


def _who(source: Source) -> str:
    author = source.author if source.author and source.author != NO_AUTHOR else "a reader who left no name"
    return author
