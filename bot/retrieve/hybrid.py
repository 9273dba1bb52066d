"""Hybrid retrieval: three rankings fused by reciprocal rank, then a diversity cap so one long
comment cannot fill every slot (an article section may supply several passages).

    query ──► dense top-N (chunk vectors: context + text) ────────┐
          ├─► BM25 top-N (author, context, text) ─────────────────┤
          └─► sentence max-sim (the index's sentence vectors) ─────┴─► RRF fuse ─► filters ─► per-comment cap ─► top-k
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from index.chunk import Chunk, is_step_id
from index.version import BaseIndexVersion

from bot.answer import Source
from bot.retrieve.left_out import LeftOut, deferrals_of, left_out
from bot.question.intent import ASKED_STEP, JUDGE_PLAN, QUOTED, TOOK_ASKED, TOOK_SAID, asking_part, fold, wants_whole_list

if TYPE_CHECKING:
    from bot.retrieve.query_map import QueryMap

RRF_K = 60
ARTICLE_FIRST = True
MODES = ("hybrid", "dense", "bm25")


@dataclass(frozen=True)
class Filters:
    """Metadata filters: kind "article"|"comment", one author (case-insensitive), one post (its slug)."""

    kind: str | None = None
    author: str | None = None
    post: str | None = None

    @classmethod
    def parse(cls, value, posts=None) -> "Filters | None":
        """Filters from a dict (or Filters, or None), checked: an unknown key, kind or post is a clear
        InputError naming the choices (``posts``: the slugs the index holds)."""
        from index.errors import InputError

        if value is None:
            return None
        if isinstance(value, dict):
            unknown = sorted(set(value) - {"kind", "author", "post", "doc"})
            if unknown:
                raise InputError(f"unknown filter {', '.join(repr(k) for k in unknown)}. Filters: kind, author, post.")
            value = dict(value)
            if "doc" in value:
                value["post"] = value.pop("doc")
            if any(v is not None and not isinstance(v, str) for v in value.values()):
                raise InputError("filter values must be strings, e.g. {\"kind\": \"comment\", \"post\": \"my-post\"}.")
            value = cls(**value)
        if not isinstance(value, cls):
            raise InputError(f"filters must be a dict such as {{\"kind\": \"comment\"}}, not {type(value).__name__}.")
        if value.kind not in (None, "article", "comment"):
            raise InputError(f"unknown kind '{value.kind}'. Use \"article\" or \"comment\".")
        if value.post is not None and posts is not None and value.post not in posts:
            raise InputError(f"no post '{value.post}' in the index. Indexed: {', '.join(sorted(posts))}.")
        return value

    def accepts(self, chunk: Chunk) -> bool:
        if self.kind and chunk.kind != self.kind:
            return False
        if self.post and chunk.doc != self.post:
            return False
        if self.author and (chunk.author or "").casefold() != self.author.casefold():
            return False
        return True

    def where(self) -> dict | None:
        clauses = []
        if self.kind:
            clauses.append({"kind": self.kind})
        if self.author:
            clauses.append({"author": self.author})
        if self.post:
            clauses.append({"doc": self.post})
        if not clauses:
            return None
        return clauses[0] if len(clauses) == 1 else {"$and": clauses}


# _build_sentence_index's result: (float32 bank rows in chunk order, or None; chunk keys; the chunk of each
# row, a numpy int64 array; each post's row span)
SentenceIndex = tuple[Any, list[str], Any, dict[str, tuple[int, int]]]


STORY = 0.5  # an advice question whose asking sentences are at most this share of it tells a story first
# a section of the article headed by the situation it is for ("When you fail", "When the answer is no", "Special case:
# when one of you earns a lot more", "If he never comes back")
SITUATION = re.compile(r"^\W*(?:when|if|what if|once|after|special case\b)\b", re.I)


def in_situation(section: str | None) -> bool:
    """The passage sits in a section headed by a situation (SITUATION): advice for that case, not the general steps."""
    return bool(section) and bool(SITUATION.search(section or ""))


OVERFETCH = 4  # an unscoped filtered dense search asks Chroma for this many times the results, unfiltered
POST_VECTORS = 64  # scoped dense: the chunk vectors of this many posts are kept in memory (~150 KB a post)


def words_of(text: str) -> str:
    return " " + " ".join(re.findall(r"[^\W_]+", text.casefold())) + " "


MIN_NAME = 3  # shorter names ("B", "P") would match ordinary words


def named_in(author: str | None, question: str) -> bool:
    """Whether the question names this commenter (whole words, names of MIN_NAME+ letters)."""
    if not author:
        return False
    return len(author) >= MIN_NAME and words_of(author) in words_of(question)


# how a reader's story ended ("did it work out with her neighbour in the end?"): read the whole of her comment
ENDS = re.compile(r"\bin the end\b|\bwork(?:ed|s)? out\b|\bend(?:ed)? up\b|\bhow did (?:it|things|that) (?:end|turn out|go)\b"
                  r"|\bwhat happened (?:next|after|then|in the end)\b", re.I)


def unit_of(chunk_key: str) -> str:
    """The comment or article section a chunk belongs to."""
    return chunk_key.split("#", 1)[0]


class HybridRetriever:
    def __init__(self, version: BaseIndexVersion, embeddings, mode: str = "hybrid", fetch_k: int = 24, per_unit: int = 2,
                 query_map: QueryMap | None = None):
        """``per_unit``: at most this many chunks of one comment (article sections are not capped). ``query_map``: the
        learned map on question vectors for the cosine rankings (bot/retrieve/query_map.py); None ranks by the raw vector."""
        if mode not in MODES:
            raise ValueError(f"retriever mode must be one of {', '.join(MODES)}")
        self.version = version
        self.embeddings = embeddings
        self.mode = mode
        self.fetch_k = fetch_k
        self.per_unit = per_unit
        self.query_map = query_map
        self._lexical = None
        self._authors: tuple[dict[str, set[str]], dict[str, list[str]], int] | None = None
        self._df: dict[str, int] | None = None
        self._sentence_index: SentenceIndex | None = None  # (bank rows, chunk keys, chunk of each row, row span of each post)
        self._graph: ReplyGraph | None = None
        self._post_vectors: dict[str, tuple[list[str], Any]] = {}  # post -> its chunk keys and unit vectors (scoped dense)
        self._post_keys: dict[str, list[str]] | None = None  # post -> its chunk keys
        self._chunk_vectors: dict[str, Any] = {}  # chunk key -> its vector, as the query map's unscoped ranking read them

    @property
    def lexical(self):
        if self._lexical is None:
            self._lexical = self.version.lexical()
        return self._lexical

    def search(self, query: str, k: int = 6, filters: Filters | None = None) -> list[Source]:
        filters = filters or Filters()
        chunks = self.version.chunks
        dense = self._dense(query, filters) if self.mode != "bm25" else {}
        lexical = self._bm25(query, filters, chunks) if self.mode != "dense" else {}
        sentence = self._sentences(query, filters, chunks) if self.mode == "hybrid" else {}
        fused: dict[str, float] = {}
        for ranking in (dense, lexical, sentence):
            for rank, key in enumerate(ranking, start=1):
                fused[key] = fused.get(key, 0.0) + 1.0 / (RRF_K + rank)
        for author in self._named_authors(query):  # "what did Jess say?": their words come first
            assert self._authors is not None  # built by _named_authors
            for key in self._authors[1][author]:
                if filters.accepts(chunks[key]):
                    fused[key] = fused.get(key, 0.0) + 2.0 / (RRF_K + 1)
        ordered = sorted(fused, key=lambda key: (-fused[key], key))
        picked: list[str] = []
        per_unit: dict[str, int] = {}
        for key in ordered:
            unit = unit_of(key)
            if chunks[key].kind == "comment" and per_unit.get(unit, 0) >= self.per_unit:
                continue
            per_unit[unit] = per_unit.get(unit, 0) + 1
            picked.append(key)
            if len(picked) == k:
                break
        return [
            _source(rank, chunks[key], fused[key], dense.get(key), lexical.get(key), sentence.get(key))
            for rank, key in enumerate(picked, start=1)
        ]

    @property
    def graph(self) -> "ReplyGraph":
        if self._graph is None:
            self._graph = ReplyGraph(self.version)
        return self._graph

    def search_for(self, query: str, intent=None, k: int = 6, filters: Filters | None = None, also: str | None = None) -> list[Source]:
        """``search``, routed by what the question wants (bot/question/intent.py):

        - a thread or "what did X say" question naming commenters reads the reply graph first
          (the reply to X, or X's own words), then fills up from the ranking;
        - opinions put at least three comments in the first five; other questions that name no
          commenter put at least three article passages there (the article holds their answer)."""
        filters = filters or Filters()
        base = self.search(query, k=max(k * 3, 15), filters=filters)
        best = {s.chunk_id for s in base[:ASKED_TOP]}  # what the question itself ranks first, before any routing
        # "failed my test this morning ... what now": the article's section for that situation ("When you fail"), when
        # the question as told ranks it first of the article's passages
        top = next((s for s in base[:2] if s.kind == "article"), None)
        case = top if top is not None and in_situation(top.section) else None
        asked = asking_part(query) if intent is not None and intent.kind == "advice" else ""  # the sentences that ask
        if also and also != query:  # a follow-up: the new question's own words count too
            base = fuse([base, self.search(also, k=max(k * 3, 15), filters=filters)])
        elif asked and len(asked) <= STORY * len(query) and (wants_whole_list(asked) or JUDGE_PLAN.search(asked)):
            # "we've been seeing each other 4 months ... he went quiet ... what does the article say i should do??": the
            # story alone ranks readers' stories like it; the question asked, the article's advice as a whole, ranks the
            # advice (a question of its own, "how would I know if he's taking advantage?", keeps the story's ranking)
            base = fuse([base, self.search(asked, k=max(k * 3, 15), filters=filters)])
        if intent is None or self.mode != "hybrid":
            return [replace_rank(s, n) for n, s in enumerate(base[:k], 1)]
        base = self._quoted_first(query, base, filters)
        if intent.names and intent.kind in ("said", "thread"):
            chunks = self.version.chunks
            by_key = {s.chunk_id: s for s in base}
            first: list[Source] = []
            named = {n.casefold() for n in intent.names}
            for rid in self.graph.thread_ids(intent.names, intent.kind, post=filters.post):
                keys = sorted(self.graph.chunks_of.get(rid, []), key=lambda key: (key not in by_key, list(by_key).index(key) if key in by_key else 0))
                # "what did Marilyn advise ...?", "did it work out with her neighbour in the end?": her own comment whole
                # (its advice or its ending may sit in the middle of a long story)
                own = (self.graph.records[rid].author or "").casefold() in named and (intent.kind == "said" or bool(ENDS.search(query)))
                for key in keys[: self.per_unit * (2 if own else 1)]:
                    if filters.accepts(chunks[key]):
                        first.append(by_key.get(key) or _source(0, chunks[key], 0.0, None, None))
            seen = {s.chunk_id for s in first}
            merged = first + [s for s in base if s.chunk_id not in seen]
            return [replace_rank(s, n) for n, s in enumerate(merged[:k], 1)]
        if intent.kind == "opinion":
            return with_quota(self._by_stance(query, base, filters), k, "comment", 3)
        base = self._echo(query, base, filters)
        base = self._took(query, base, filters, intent)
        base = self._left_out(query, base, filters, intent)
        if intent.kind == "advice":
            # "what's the first thing she says to do?": the list, wherever its steps ranked, so its first can lead
            # ("when step 2 gets hard, what should I ask myself?" names a step as the setting, not as the answer)
            ordinal = ASKED_STEP.search(query)
            # "should I ask him what's wrong?": the reader's plan is put to the advice, all of it
            plan = bool(JUDGE_PLAN.search(asked or query))
            base = self._whole_list(base, every=wants_whole_list(query) or bool(ordinal and ordinal.group(1)) or plan, case=case)
        if not intent.wants_comments and not filters.kind:
            if intent.kind == "advice" and sum(s.kind == "article" for s in base) < 3:
                # "he texted me after a week of nothing ... should i be cold back?": a story like the readers' ranks only
                # their comments; the article's advice is what is asked for, so its best passages are searched apart
                have = {s.chunk_id for s in base}
                base = base + [s for s in self.search(query, k=3, filters=replace(filters, kind="article"))
                               if s.chunk_id not in have]
            chosen = with_quota(base, k, "article", 3)
            if ARTICLE_FIRST and intent.kind in ("advice", "why"):
                chosen = sorted(chosen, key=lambda s: s.kind != "article")
            answers = self._answers_to([s for s in chosen if s.chunk_id in best], filters) if intent.kind == "advice" else []
            return [replace_rank(s, n) for n, s in enumerate(chosen + answers, 1)]
        return [replace_rank(s, n) for n, s in enumerate(base[:k], 1)]

    def _quoted_first(self, query: str, ranked: list[Source], filters: Filters) -> list[Source]:
        """"The 'give two choices' thing doesn't work with my mom": the article passage that says the quoted words comes
        first, wherever it ranked (a question about a reader's objection ranks the readers' words, not the article's).
        Searched in the posts the ranking reads (the question's post, else the best five sources' posts)."""
        m = QUOTED.search(query)
        phrase = fold(m.group(1)) if m else ""
        if len(phrase.split()) < 2 or not ranked:
            return ranked
        chunks = self.version.chunks
        posts = [filters.post] if filters.post else list(dict.fromkeys(s.doc for s in ranked[:5]))
        hits = [key for post in posts for key in self._keys_of(post)
                if chunks[key].kind == "article" and filters.accepts(chunks[key]) and phrase in fold(chunks[key].text)]
        if not hits or sum(fold(self.version.sources[post]).count(phrase) for post in posts) > 1:
            return ranked  # words said in several places ("being a man") point at no one passage
        by_key = {s.chunk_id: s for s in ranked}
        first = [by_key.get(key) or _source(0, chunks[key], ranked[0].score, None, None) for key in hits[:2]]
        return first + [s for s in ranked if s.chunk_id not in set(hits[:2])]

    def _keys_of(self, post: str) -> list[str]:
        """A post's chunk keys, in index order (looked up once for every post: a scan of the blog is ~10 ms at 1,000)."""
        if self._post_keys is None:
            self._post_keys = {}
            for key, chunk in self.version.chunks.items():
                self._post_keys.setdefault(chunk.doc, []).append(key)
        return self._post_keys.get(post, [])

    def _whole_list(self, ranked: list[Source], every: bool = False, case: Source | None = None) -> list[Source]:
        """Advice: a numbered step brings the rest of its list, in order, right after it. ``every``
        ("what should I do?", "list the rules"): the best article passage's post puts its steps first, in order,
        wherever they ranked; ``case``, the passage of the article's section for the reader's situation, before them."""
        chunks = self.version.chunks
        by_key = {s.chunk_id: s for s in ranked}
        if every:
            top = next((s for s in ranked if s.kind == "article"), None)
            steps = sorted((key for key, c in chunks.items() if top is not None and c.doc == top.doc
                            and any(is_step_id(rid) for rid in c.record_ids)), key=lambda key: chunks[key].start)
            if steps and top is not None:  # (steps imply top) the list first, wherever its steps ranked: it is the article's answer to "what should I do?"
                first = [by_key.get(key) or _source(0, chunks[key], top.score, None, None) for key in steps]
                # the section for the reader's case comes before the general steps (the list alone pushed it out)
                before = [case] if case is not None and case.doc == top.doc and case.chunk_id not in set(steps) else []
                ranked = before + first + [s for s in ranked if s.chunk_id not in set(steps) and s not in before]
        out: list[Source] = []
        held: set[str] = set()  # by chunk: a step brought in by its list and ranked again is one source
        for src in ranked:
            if src.chunk_id in held:
                continue
            out.append(src)
            held.add(src.chunk_id)
            if any(is_step_id(rid) for rid in src.record_ids):
                unit = unit_of(src.chunk_id)
                siblings = [key for key in chunks if unit_of(key) == unit and key != src.chunk_id
                            and any(is_step_id(rid) for rid in chunks[key].record_ids)]
                for key in sorted(siblings):
                    if key not in held:
                        out.append(by_key.get(key) or _source(0, chunks[key], src.score, None, None))
                        held.add(key)
        return out

    def _took(self, query: str, ranked: list[Source], filters: Filters, intent) -> list[Source]:
        """"how long did the whole thing take her?": the article's own "It took us 23 nights", wherever it ranked
        (an opening line reads far from the question), second in the ranking."""
        if intent.names or not TOOK_ASKED.search(query):
            return ranked
        chunks = self.version.chunks
        said = next((key for post in self._asked_posts(ranked, filters) for key in sorted(self._keys_of(post), key=lambda key: chunks[key].start)
                     if chunks[key].kind == "article" and filters.accepts(chunks[key]) and TOOK_SAID.search(chunks[key].text)), None)
        return self._second(ranked, said)

    @staticmethod
    def _asked_posts(ranked: list[Source], filters: Filters) -> list[str]:
        """The posts a question asks about: its scope, else those of its three best passages."""
        return [filters.post] if filters.post else list(dict.fromkeys(s.doc for s in ranked[:3]))

    def _second(self, ranked: list[Source], key: str | None) -> list[Source]:
        """The ranking with chunk ``key`` second, wherever it ranked (or not at all); as it was when ``key`` is None or
        already among the first two."""
        if key is None or key in {s.chunk_id for s in ranked[:2]}:
            return ranked
        found = next((s for s in ranked if s.chunk_id == key), None) or _source(0, self.version.chunks[key], 0.0, None, None)
        return ranked[:1] + [found] + [s for s in ranked[1:] if s.chunk_id != key]

    def left_out(self, query: str, posts: list[str]) -> list[LeftOut]:
        """The topics these posts' articles leave out that the question asks about (bot/retrieve/left_out.py)."""
        return left_out(query, deferrals_of(self.version.post_models, posts), self._unit_vectors)

    def _unit_vectors(self, texts: list[str]):
        import numpy as np

        vectors = getattr(self.embeddings, "vectors", None)  # the Bot's scorer keeps what it embedded
        matrix = np.asarray(vectors(texts) if vectors is not None else self.embeddings.embed_documents(texts), dtype=np.float32)
        return matrix / np.maximum(np.linalg.norm(matrix, axis=1, keepdims=True), 1e-12)

    def _left_out(self, query: str, ranked: list[Source], filters: Filters, intent) -> list[Source]:
        """"should I learn in a manual or an automatic?" where the article says "Manual or automatic? ... I'm not going to get
        into it here": that sentence, wherever it ranked, second in the ranking (the answer says the article leaves it out)."""
        if intent.names:
            return ranked
        found = self.left_out(query, self._asked_posts(ranked, filters))
        if not found:
            return ranked
        d = found[0].deferral
        chunks = self.version.chunks
        key = next((key for key in self._keys_of(d.key.split("/", 1)[0]) if chunks[key].start <= d.start < chunks[key].end
                    and filters.accepts(chunks[key])), None)
        return self._second(ranked, key)

    def _answers_to(self, chosen: list[Source], filters: Filters) -> list[Source]:
        """A reader's question among the chosen passages (the post model's "question" stance; the caller passes those the
        question itself ranked among its best ASKED_TOP: one ranked lower is a reader's story like the user's) that a reply answered:
        that reply too, past ``k`` ("what time did you set the clock to?" and the author's "Set it 10 or 15 minutes
        after he usually wakes"; a whole list of steps had filled the places it ranked for)."""
        chunks, have, out = self.version.chunks, {s.chunk_id for s in chosen}, []
        for src in chosen:
            for key in self._reply_chunks(src, first_only=True):
                if key not in have and filters.accepts(chunks[key]):
                    out.append(_source(0, chunks[key], src.score, None, None))
                    have.add(key)
        return out[:1]

    def _reply_chunks(self, src: Source, first_only: bool = False) -> list[str]:
        """A reader's question (the post model's "question" stance): the first chunk of each reply to it (of the first
        reply only, with ``first_only``); nothing for any other passage."""
        rid = src.record_ids[0] if src.record_ids else ""
        key = f"{src.doc}/{rid}"
        if src.kind != "comment" or self.version.post_models.stances().get(key) != "question":
            return []
        replies = self.graph.replies.get(key, [])
        return [chunk for reply in (replies[:1] if first_only else replies) for chunk in self.graph.chunks_of.get(reply, [])[:1]]

    def _echo(self, query: str, ranked: list[Source], filters: Filters) -> list[Source]:
        """A reader asked the same thing in a comment: the replies to that comment answer it, so
        they come up right behind it (the asking comment is context, not the answer)."""
        chunks = self.version.chunks
        out: list[Source] = []
        for src in ranked[:3]:
            for key in self._reply_chunks(src):
                if filters.accepts(chunks[key]):
                    out.append(_source(0, chunks[key], src.score, None, None))
        if not out:
            return ranked
        seen = {s.chunk_id for s in out}
        merged = []
        for src in ranked:
            if src.chunk_id not in seen:
                merged.append(src)
                if src.record_ids and f"{src.doc}/{src.record_ids[0]}" in self.graph.replies:
                    merged += [o for o in out if o.doc == src.doc and o.parent == src.record_ids[0] and o not in merged]
        return merged + [o for o in out if o not in merged]

    _AGREE = re.compile(r"\b(?:agree\w*|helpful|help(?:ed)?|like[sd]?|love[sd]?|great|thank\w*|support\w*|believe[sd]?|buy|fair)\b", re.I)
    _DISAGREE = re.compile(r"\b(?:disagree\w*|wrong|unfair|criticis\w*|critici[sz]\w*|push(?:ed)? back|rude|object\w*|argue\w*|against|fault|blame\w*|problem|one-size)\b", re.I)

    def _by_stance(self, query: str, ranked: list[Source], filters: Filters) -> list[Source]:
        """Opinions: comments whose stance (the post model) matches what the question asks about
        (agreement, or disagreement and nuance) move up, in the order the ranking had them."""
        stances = self.version.post_models.stances()
        wanted = set()
        if self._DISAGREE.search(query):
            wanted |= {"disagrees", "nuance"}
        if self._AGREE.search(query):
            wanted |= {"agrees"}
        if not wanted:
            return ranked
        chunks = self.version.chunks
        in_rank = {s.chunk_id for s in ranked}
        matching = [s for s in ranked if s.kind == "comment" and stances.get(f"{s.doc}/{(s.record_ids or ('',))[0]}") in wanted]
        extra = []
        for key_, stance in stances.items():
            if stance in wanted:
                for key in self.graph.chunks_of.get(key_, [])[:1]:
                    if key not in in_rank and filters.accepts(chunks[key]):
                        extra.append(_source(0, chunks[key], 0.0, None, None))
        if extra:  # order the stance matches the ranking did not find by their similarity to the query
            sims = self.embeddings.similarity(query, [s.text for s in extra]) if hasattr(self.embeddings, "similarity") else [0.0] * len(extra)
            extra = [s for _, s in sorted(zip(sims, extra), key=lambda t: -t[0])]
        first = (matching + extra)[:4]
        return first + [s for s in ranked if s not in first]

    def coverage(self, query: str, sources: list[Source]) -> float:
        """Best IDF-weighted share of the query's words found in one source (words the corpus
        never uses weigh the most), so "what about oxytocin?" counts as covered and
        "the weather in Paris" does not."""
        import math

        from index.lexical import tokenize

        if self._df is None:
            df: dict[str, int] = {}
            for chunk in self.version.chunks.values():
                for word in set(tokenize(chunk.text)):
                    df[word] = df.get(word, 0) + 1
            self._df = df
        n = max(len(self.version.chunks), 1)
        words = set(tokenize(query))
        if not words or not sources:
            return 0.0
        weight = {w: math.log((n + 1) / (self._df.get(w, 0) + 0.5)) for w in words}
        total = sum(weight.values())
        best = 0.0
        for src in sources:
            have = set(tokenize(src.text))
            best = max(best, sum(weight[w] for w in words if w in have) / total)
        return best

    def _named_authors(self, query: str) -> set[str]:
        """Commenters named in the query (names of 3+ letters, as whole words).

        Names are indexed once by their lowercased words, and the query's word n-grams are
        looked up, so the cost does not grow with the number of commenters."""
        if self._authors is None:
            names: dict[str, set[str]] = {}
            chunks_of: dict[str, list[str]] = {}
            for key, chunk in self.version.chunks.items():
                if chunk.author and len(chunk.author) >= MIN_NAME:
                    names.setdefault(words_of(chunk.author).strip(), set()).add(chunk.author)
                    chunks_of.setdefault(chunk.author, []).append(key)
            self._authors = (names, chunks_of, max((len(n.split()) for n in names), default=0))
        names, _, longest = self._authors  # the longest name in words, found once (~11 ms a question at 10k chunks)
        words = words_of(query).split()
        found: set[str] = set()
        for size in range(1, min(longest, len(words)) + 1):
            for i in range(len(words) - size + 1):
                found |= names.get(" ".join(words[i : i + size]), set())
        return found

    def _question(self, query: str, mapped: bool = True):
        """The question's vectors: (raw, for ranking). The ranking one goes through the query map when there is one (and
        ``mapped``); the scores a source reports stay the raw cosine (the abstain and coverage bars were set on it)."""
        import numpy as np

        raw = np.asarray(self.embeddings.embed_query(query), dtype=np.float32)
        return raw, (self.query_map.apply(raw) if self.query_map is not None and mapped else raw)

    def nearest(self, query: str, filters: Filters | None = None) -> list[Source]:
        """The passages nearest the question as asked (the raw vector, no query map), for deciding whether the text
        covers it: the abstain bars were set on the raw closeness, and the map's ranking may leave the nearest passage
        out. Without a map, none: the ranking's own passages are the nearest."""
        if self.query_map is None:
            return []
        filters = filters or Filters()
        chunks = self.version.chunks
        dense = self._dense(query, filters, mapped=False) if self.mode != "bm25" else {}
        sentence = self._sentences(query, filters, chunks, mapped=False) if self.mode == "hybrid" else {}
        keys = list(dict.fromkeys(list(dense)[:3] + list(sentence)[:3]))
        return [_source(rank, chunks[key], 0.0, dense.get(key), None, sentence.get(key)) for rank, key in enumerate(keys, start=1)]

    def _dense(self, query: str, filters: Filters, mapped: bool = True) -> dict[str, float]:
        import numpy as np

        n = min(self.fetch_k, len(self.version.chunks))
        if n == 0:
            return {}
        if filters.post:
            return self._dense_in_post(query, filters, n, mapped)
        raw, ranking = self._question(query, mapped)
        vector = ranking.tolist()
        found: dict[str, float] | None = None
        if filters.where() is not None:  # "kind": "comment" (the perspectives' readers, every unscoped answer that has them)
            # Chroma's query with a metadata filter took ~400 ms at 1,000 posts against ~3 ms without: ask unfiltered
            # for OVERFETCH times as many and keep the accepted; only when too few pass, the filtered query
            wide = min(n * OVERFETCH, len(self.version.chunks))
            got = self.version.query(vector, wide, None)
            chunks = self.version.chunks
            kept = {key: 1.0 - float(dist) for key, dist in zip(got["ids"][0], got["distances"][0])
                    if key in chunks and filters.accepts(chunks[key])}
            if len(kept) >= n or wide == len(chunks) or len(got["ids"][0]) < wide:  # enough, or every chunk looked at
                found = dict(list(kept.items())[:n])
        if found is None:
            got = self.version.query(vector, n, filters.where())
            found = {key: 1.0 - float(dist) for key, dist in zip(got["ids"][0], got["distances"][0])}
        if ranking is raw:
            return found
        # ranked by the mapped question; each keeps its cosine to the question as asked (the chunk vectors read once)
        missing = [key for key in found if key not in self._chunk_vectors]
        got = self.version.embeddings_for(missing) if missing else {}
        if len(self._chunk_vectors) < CHUNK_VECTORS:
            self._chunk_vectors.update({key: np.asarray(vec, dtype=np.float32) for key, vec in got.items()})
        return {key: float(np.dot(vec, raw)) if (vec := self._chunk_vectors.get(key, got.get(key))) is not None else cos
                for key, cos in found.items()}

    def _dense_in_post(self, query: str, filters: Filters, n: int, mapped: bool = True) -> dict[str, float]:
        """A question scoped to one post: the cosine to each of that post's chunk vectors, exactly, instead of Chroma's
        HNSW query with a metadata filter (91 ms a question at 1,000 posts, the largest answer-time cost). The post's
        vectors are read once and kept (the last POST_VECTORS posts)."""
        import numpy as np

        post = filters.post or ""
        if post not in self._post_vectors:
            keys = list(self._keys_of(post))
            got = self.version.embeddings_for(keys)
            keys = [key for key in keys if key in got]
            matrix = np.asarray([got[key] for key in keys], dtype=np.float32).reshape(len(keys), -1)
            norms = np.linalg.norm(matrix, axis=1, keepdims=True)
            if len(self._post_vectors) >= POST_VECTORS:
                self._post_vectors.pop(next(iter(self._post_vectors)))
            self._post_vectors[post] = (keys, matrix / np.where(norms == 0, 1, norms))
        keys, matrix = self._post_vectors[post]
        if not keys:
            return {}
        raw, ranking = self._question(query, mapped)
        sims = matrix @ (raw / (np.linalg.norm(raw) or 1.0))
        order = sims if ranking is raw else matrix @ ranking  # ranked by the mapped question, scored as asked
        chunks = self.version.chunks
        out: dict[str, float] = {}
        for i in np.argsort(-order, kind="stable"):
            if filters.accepts(chunks[keys[i]]):
                out[keys[i]] = float(sims[i])
                if len(out) == n:
                    break
        return out

    def _sentences(self, query: str, filters: Filters, chunks: dict[str, Chunk], mapped: bool = True) -> dict[str, float]:
        """Chunks ranked by their best sentence's cosine to the query (the index's sentence vectors).

        One matrix product, then numpy: the best sentence of each chunk, best chunks first (ties in
        chunk order). A question scoped to a post scores that post's sentences only. A Python loop over
        every sentence cost ~40 ms a question at 10k chunks, growing with the blog."""
        import numpy as np

        if self._sentence_index is None:
            self._sentence_index = self._build_sentence_index(chunks)
        matrix, keys, owner, spans = self._sentence_index
        if matrix is None:
            return {}
        lo, hi = (0, len(owner)) if not filters.post else spans.get(filters.post, (0, 0))
        if hi <= lo:
            return {}
        raw, ranking = self._question(query, mapped)
        own = owner[lo:hi]
        starts = np.flatnonzero(np.r_[True, own[1:] != own[:-1]])  # a chunk's rows are consecutive
        best, ids = np.maximum.reduceat(matrix[lo:hi] @ raw, starts), own[starts]
        # ranked by the mapped question's best sentence; each chunk reports its best cosine to the question as asked
        order = best if ranking is raw else np.maximum.reduceat(matrix[lo:hi] @ ranking, starts)
        keep = best > -1.0
        best, ids, order = best[keep], ids[keep], order[keep]
        out: dict[str, float] = {}
        for i in np.lexsort((ids, -order)):
            key = keys[ids[i]]
            if filters.accepts(chunks[key]):
                out[key] = float(best[i])
                if len(out) == self.fetch_k:
                    break
        return out

    def _build_sentence_index(self, chunks: dict[str, Chunk]) -> SentenceIndex:
        """(float32 rows of the bank in chunk order, chunk keys, the chunk of each row, each post's row span)."""
        import numpy as np

        from index.sentences import normalise, sentence_spans

        texts, matrix = self.version.sentence_bank
        row_of = {t: i for i, t in enumerate(texts)}
        seeds = self.version.sources
        rows: list[int] = []
        owner: list[int] = []
        keys: list[str] = []
        spans: dict[str, tuple[int, int]] | None = {}
        for key, chunk in chunks.items():
            raw = seeds[chunk.doc][chunk.start : chunk.end]  # the seed, as the bank was built (line breaks end sentences)
            looked_up = [row_of.get(normalise(raw[s:e])) for s, e in sentence_spans(raw)]
            found = [i for i in looked_up if i is not None]
            if not found:
                continue
            if spans is not None and chunk.doc in spans and spans[chunk.doc][1] != len(rows):
                spans = None  # a post's chunks are not consecutive: scoped questions filter every row
            if spans is not None:
                spans[chunk.doc] = (spans.get(chunk.doc, (len(rows), 0))[0], len(rows) + len(found))
            rows += found
            owner += [len(keys)] * len(found)
            keys.append(key)
        if not rows:
            return None, keys, np.zeros(0, np.int64), {}
        if spans is None:
            spans = {doc: (0, len(rows)) for doc in {c.doc for c in chunks.values()}}
        return np.asarray(matrix[rows], dtype=np.float32), keys, np.asarray(owner, dtype=np.int64), spans

    def _bm25(self, query: str, filters: Filters, chunks: dict[str, Chunk]) -> dict[str, float]:
        hits = self.lexical.search(query, self.fetch_k * 4, post=filters.post)
        kept = [(key, score) for key, score in hits if key in chunks and filters.accepts(chunks[key])]
        return dict(kept[: self.fetch_k])


CHUNK_VECTORS = 20_000  # chunk vectors kept for the raw cosines of an unscoped mapped ranking (~30 MB at most)
ASKED_TOP = 3  # a reader's question ranked this high by the question itself brings the reply that answered it


def _source(rank: int, chunk: Chunk, score: float, dense: float | None, lexical: float | None, sentence: float | None = None) -> Source:
    return Source(
        rank=rank,
        chunk_id=chunk.key,
        doc=chunk.doc,
        kind=chunk.kind,
        text=chunk.text,
        start=chunk.start,
        end=chunk.end,
        score=round(score, 6),
        dense=dense,
        lexical=lexical,
        sentence=sentence,
        record_ids=chunk.record_ids,
        section=chunk.section,
        author=chunk.author,
        parent=chunk.parent,
        depth=chunk.depth,
    )


# --- routing by what the question wants (bot/question/intent.py) ---------------------------------


class ReplyGraph:
    """Who replied to whom, from the index's records. Keyed ``post/record_id`` (two posts share ids):
    comments, their authors, parents and replies, and the chunks that hold each comment."""

    def __init__(self, version: BaseIndexVersion):
        self.records = {f"{r.doc}/{r.id}": r for r in version.records if r.kind == "comment"}
        self.replies: dict[str, list[str]] = {}
        self._by_author: dict[str, list[str]] = {}  # casefolded author -> their comment keys, in order
        for key, r in self.records.items():
            if r.parent:
                self.replies.setdefault(f"{r.doc}/{r.parent}", []).append(key)
            self._by_author.setdefault((r.author or "").casefold(), []).append(key)
        self.chunks_of: dict[str, list[str]] = {}
        for ckey, chunk in version.chunks.items():
            for rid in chunk.record_ids:
                if f"{chunk.doc}/{rid}" in self.records:
                    self.chunks_of.setdefault(f"{chunk.doc}/{rid}", []).append(ckey)

    def parent_of(self, key: str) -> str | None:
        r = self.records.get(key)
        return f"{r.doc}/{r.parent}" if r is not None and r.parent else None

    def comments_by(self, author: str, posts=None) -> list[str]:
        """Their comment keys in reading order; looked up, not a pass over every comment (~17 calls a question).
        ``posts``: only under these posts (a name may comment under several)."""
        keys = self._by_author.get(author.casefold(), ())
        return [k for k in keys if self.records[k].doc in posts] if posts is not None else list(keys)

    def thread_ids(self, names: tuple[str, ...], kind: str, post: str | None = None) -> list[str]:
        """Comment keys (``post/record_id``) that answer a question about these commenters, most direct first.

        One name, a thread question ("who answered Veronica?"): the replies to their comments, then
        the comments. Two names, one replying to the other ("what did Isabel say to Veronica?"): the
        reply, then what it answered. Otherwise each name's comments, then their replies. ``post``: a question
        scoped to one post reads only its comments (at 1,000 posts a name's comments elsewhere cost ~1 s)."""
        own = {n: self.comments_by(n, None if post is None else {post}) for n in names}
        out: list[str] = []
        if len(names) >= 2:  # a's replies to b, for each b after the other in the names' order
            # one pass over each name's comments, not one per pair: "Veronica" may name hundreds of "Veronica N"
            # across a blog, and the pairs of 1,350 names cost 2.8 s a question
            owners: dict[str, list[int]] = {}
            for i, n in enumerate(names):
                for key in own[n]:
                    owners.setdefault(key, []).append(i)
            for i, a in enumerate(names):
                pairs = [(j, key) for key in own[a] for j in owners.get(self.parent_of(key) or "", ()) if j != i]
                out += [key for _, key in sorted(pairs, key=lambda pair: pair[0])]
        for n in names:
            replies = [c for key in own[n] for c in self.replies.get(key, [])]
            parents = [parent for key in own[n] if (parent := self.parent_of(key))]
            out += (replies + own[n] + parents) if kind == "thread" else (own[n] + replies + parents)
        return list(dict.fromkeys(out))


def with_quota(ranked: list[Source], k: int, want: str, count: int, within: int = 5) -> list[Source]:
    """``ranked`` reordered so that at least ``count`` of the first ``within`` are of kind ``want``
    (when there are that many): the best of that kind move up, order otherwise kept."""
    chosen = list(ranked[:k])
    pool = [s for s in ranked if s.kind == want and s not in chosen[:within]]
    have = sum(1 for s in chosen[:within] if s.kind == want)
    while have < count and pool:
        newcomer = pool.pop(0)
        # replace the weakest other-kind source within the first `within`
        victims = [i for i in range(min(within, len(chosen))) if chosen[i].kind != want]
        if not victims:
            break
        i = victims[-1]
        if newcomer in chosen:
            chosen.remove(newcomer)
        chosen.insert(i, newcomer)
        chosen.pop(i + 1)
        have += 1
    return [replace_rank(s, n) for n, s in enumerate(chosen[:k], 1)]


def fuse(rankings: list[list[Source]]) -> list[Source]:
    """Reciprocal-rank fusion of several rankings of Sources (the first one wins ties)."""
    score: dict[str, float] = {}
    first: dict[str, Source] = {}
    for ranking in rankings:
        for rank, src in enumerate(ranking, 1):
            score[src.chunk_id] = score.get(src.chunk_id, 0.0) + 1.0 / (RRF_K + rank)
            first.setdefault(src.chunk_id, src)
    return [first[key] for key in sorted(score, key=lambda key: -score[key])]


def replace_rank(source: Source, rank: int) -> Source:
    return replace(source, rank=rank)
