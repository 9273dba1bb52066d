"""The answer plan: which exact sentences answer the question, in what order, with what relation.

    plan = Composer(scorer, version, graph).plan(question, sources, intent)
    plan.quotes   # [Quote(source, start, end, text, role, relation, step, ...)], best answer first

Both generators draft from the same plan: the extractive one writes it out with template words
(bot/generate/extractive.py); a language model gets only the planned passages in its prompt.

How sentences are chosen (every quote is an exact span of the seed):
- candidates are the sentences of the retrieved passages, scored against the question
  (0.65 cosine of the sentence vectors + 0.25 share of the question's words + a small rank prior);
- never an answer: headings; filler about the article itself ("So today, I'm going to give you
  ..."); a reader's question (it may be cited as context: "Veronica asked the same: ...");
- a sentence whose meaning hangs on the one before ("This ...", "So ...", "It ...") brings that
  sentence along in the same quote, or is left out;
- redundancy is removed (MMR: a sentence too close to one already picked is skipped);
- the kind of question (bot/question/intent.py) shapes the plan: advice gives the article's numbered
  steps in order; thread and "what did X say" questions follow the reply graph and name the
  relation; opinions group readers by their reviewed stance.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Any
from dataclasses import dataclass, field, replace

import numpy as np

from index.chunk import is_step, item_number, section_of, step_number
from index.version import BaseIndexVersion
from index.understand.annotate import bare_author
from index.understand.rules import endings, IMPERATIVE, advice_score
from index.lexical import tokenize
from index.parse import NO_AUTHOR, STEP_WORDS, Record
from index.sentences import normalise, sentence_spans

from bot.compose import leads
from bot.answer import Source
from bot.cite.verify import record_at
from bot.question.intent import ABOUT_AUTHOR, ASKED_STEP, QUOTED, Intent, asks_for_list, fold, wants_whole_list
from bot.compose.leads import and_list, who_named
from bot.retrieve.hybrid import ReplyGraph, in_situation, named_in
from bot.retrieve.left_out import LeftOut, deferrals_of, left_out
from bot.retrieve.query_map import QueryMap
from bot.cite.support import SupportScorer, coverage

MIN_SCORE = 0.3
MAX_QUOTES = 5
ARTICLE_MAX = 3
COMMENT_MAX = 3
REDUNDANT = 0.85
ECHO = 0.55
OPINION_FLOOR = 0.1
SHOWN = 0.25  # a follow-up's penalty for a sentence the previous answer already quoted
ENDING_WEIGHT = 0.3  # "how did it end?": up to this much for a named reader's last sentences
ENDING = re.compile(r"\bhow did (?:it|things|that|this|everything) (?:end|turn out|go|work out)|\b(?:did|has) (?:it|things|that) (?:ever )?work(?:ed)? out"
                    r"|\b(?:did|have|has) (?:it|things|that|everything) (?:ever |eventually |finally )?turn(?:ed)? (?:around|out)\b"  # "did things ever turn around for him?"
                    r"|\bin the end\b|\bend(?:ed)? up\b|\bwhat (?:ever )?happened (?:next|after|then|in the end|with|to)\b|\band then\b"
                    r"|\bdid (?:she|he|they) (?:ever |finally )?(?:forgive|get back|go back|take him back|text|call|hear|leave|stay|break up)"
                    rf"|{leads.REPORTED_BACK}|{leads.HEARD_BACK}", re.I)
ADVICE_ASKED = re.compile(r"\badvi[cs]e\b|\bsuggest\w*|\brecommend\w*|\b(?:tell|told|tells) (?:\w+ ){1,2}to\b|\bto do\b|\bwhat should\b"
                          r"|\bwhat did (?:\w+ ){1,3}tell\b"  # "what did Marilyn tell the girl whose bf ...?": what she told her to do
                          r"|\btips?\b", re.I)
QUOTES_IT = 0.3  # a sentence holding the words a question quotes ("the 'give two choices' thing")
RESTATES = 0.2  # a short sentence adding at most one word to the question and the title says it back, it does not answer it
RANK_PRIOR = 0.15  # the ranking's say in which sentence answers (dev: 0.05 -> 0.15 raised 'holds gold' 0.71 -> 0.73)
FILLER = re.compile(
    r"\b(?:i['’]?m going to give you|i will share with you|make sure you tune in|see my post|how interesting"
    r"|sorry for the essay|thank you for this (?:blog|article|post)|(?:thanks|hi|hello|dear) \w+[,!.]|you are amazing \w+"
    r"|i have a question|please some ?one advise|please help|what is your advice|ok what is your advice"
    r"|here['’]?s what you can do|let me ask you a few questions|to help you understand why)\b",
    re.I,
)
ANTECEDENT = re.compile(r"^(?:this|that|it|it'?s|so|then|these|those|they|he|she|because|and|but|also|instead|otherwise|if not|at that point|to him)\b", re.I)
STEP_NUMBER = re.compile(rf"^\s*(?:{STEP_WORDS}\s+)?(\d{{1,2}})\s*[).:.–—-]\s*", re.I)  # "2) " or "Rule 2: "
# asks for one step ("the first step", "rule 2", "and the third?"), not for the whole list (intent.wants_whole_list)
_ORDINALS = ("first second third fourth fifth sixth seventh eighth".split(), "1st 2nd 3rd 4th 5th 6th 7th 8th".split(),
             "one two three four five six seven eight".split())
_STEP_WORDS = {w: i + 1 for words in _ORDINALS for i, w in enumerate(words)} | {str(i): i for i in range(1, 10)}
_LAST = ("last", "final")
# "the girl whose boyfriend called her a burden", "the woman who blocked him": a reader described, not named
_DESCRIBED = (r"(?:\b(?:the|that|this)|\bthere (?:was|is) (?:a|an|this)) (?:(?:first|second|third|last|other|older|younger) )?(?:girl|guy|man|woman|lady|person|reader|commenter|poster|one|mom|mum|dad|parent|mother|father"
              r"|bloke|fella|dude|gal|wife|husband|step(?:dad|mum|mom|mother|father|parent)|grand(?:ma|mother|dad|pa|father|parent)|nan)"
              r"{in_comments}\s+(?:whose|who|that|with|from|(?P<doing>(?!thing\b)\w{2,}ing)\b)"  # "the person asking about ..."
              # "the mascara-in-the-car lady": a reader named by what she wrote, in one hyphenated word
              r"|\b(?:the|that|this) (?:[^\W\d_]+-)+[^\W\d_]+ (?:girl|guy|man|woman|lady|person|reader|commenter|poster|one|mom|mum|dad)\b")
DESCRIBED = re.compile(_DESCRIBED.replace("{in_comments}", ""), re.I)
# ... or "there was a woman in the comments whose partner ...": how a question before a follow-up describes her (flow.py)
DESCRIBED_THERE = re.compile(_DESCRIBED.replace("{in_comments}", r"(?: (?:in|from|down in) the comments?(?: section)?)?")
                             # "a guy in the comments said the sunday check-in felt like a performance review"
                             + r"|\b(?:a|an|one|some) (?:girl|guy|man|woman|lady|person|reader|commenter|mom|mum|dad|wife|husband)"
                             r" (?:in|from|down in) the comments?(?: section)? (?:said|says|wrote|writes|mentioned|posted|who|whose|that)\b", re.I)
NAMED_OTHERWISE = 0.6  # a word the posts never use this close to a phrase of a best passage is said there in other words
NAMED_OTHERWISE_K = 3  # ... of this many best passages ("instagram" / "social media" 0.62; "prenup" / "marriage" 0.57 is not)
ADVICE_AFTER = 2  # a situation set out, then what to do about it: looked for in this many sentences after it
UNDER_MAX = 3  # a heading-only step brings at most this many sentences of its section ...
HEADING_WORDS = 14  # ... a step of at most this many words and no closing stop is a heading ("Step 4: Find a purpose that gets you out of the house")
UNDER_BAND = 0.08  # ... each about as close to the question as its closest (this much less at most)
FOCUS_SIM = 0.4  # a step this close to a reader's situation answers it before the rest of the list (dev: r27-r34 what-to-do)
ELABORATION = 0.05  # a paragraph under a step counts for it, this much less than the step's own sentences
FOCUS_MARGIN = 0.06  # and this much closer than any other step
DESCRIBED_SIM = 0.4  # her own sentence this close to the question (dev r32 p11: 0.447)
DESCRIBED_MARGIN = 0.05  # and this much closer than anyone else's (p11: 0.447 against 0.334)
DESCRIBED_WORD = 0.08  # ... and this much for each word of the description (two at most) only their sentences use
DESCRIBED_NUMBER = 0.15  # ... counting this much more for a sentence that has a number the description gives ("27")
PERSON = re.compile(r"\b(?:he|him|she|her|they|them)\b", re.I)  # someone the question names only as "he", "she" or "them"
TO_THEM = re.compile(r"\b(?:back to|to|answer(?:ed)?|repl(?:y|ied) to) (?:her|him)\b|\b(?:say|said|write|wrote|tell|told) (?:anything |something )?(?:back )?to (?:her|him)\b"
                     r"|\b(?:say|said) (?:anything|something) back to (?:her|him)\b", re.I)
# "what did the author tell her to try?": what someone answered her
TOLD_THEM = re.compile(r"\b(?:tell|told|advised?|suggest(?:ed)? to) (?:her|him)\b", re.I)
# "did anybody reply to deadlock? and did he answer them back": replies TO them asked first (the second question follows it)
OTHERS_REPLIED = re.compile(r"\b(?:any(?:one|body)|people|someone|somebody|others?) (?:\w+ )?(?:repl|respon|answer|wr[io]te back)", re.I)
GOT_ANSWER = re.compile(r"\b(?:get|got|gets|receiv\w*|hear\w*)\b(?: \w+)? (?:an? |any )?(?:answer|repl|respon|back(?! to\b))", re.I)  # replies TO them ("did he get back to her?" is his reply)
YES_NO = re.compile(r"^\s*(?:and |so |but )?(?:did|does|do|has|have|had|was|were|is|are)\b", re.I)
POINTS_ELSEWHERE = re.compile(r"\((?:see )?(?:above|below)\)|\b(?:step|part|rule|no\.?)\s*\d+\s*\((?:above|below)\)|\bas (?:above|below)\b", re.I)
DISAGREE = re.compile(r"\bdisagree\w*|\bpush\w* back|\bcritici[sz]\w*|\bagainst\b|\bobject\w*|\bskeptic\w*|\bsceptic\w*"
                      r"|\bdidn[’']?t (?:like|agree|buy)|\bdid not (?:like|agree|buy)|\bargue\w*|\bother (?:side|view)|\bpushback", re.I)
SET_OF_READERS = re.compile(r"\b(?:who|whom|which|anyone|anybody|any (?:readers?|commenters?)|readers|commenters|people|everyone|others)\b", re.I)
# "what did dana say back to ...", "how did Renee reply": the one named is the one who answered
SAID_BACK = re.compile(r"\bwhat did (?:the )?([a-z]+) (?:say|write|reply|answer|tell)\b|\bhow did (?:the )?([a-z]+) (?:reply|respond|answer)\b", re.I)
SPOKEN_REPLY = 3  # the sentences quoted of a reply by the one a question asks about ("what did the author say to the guy ...?")
BECAUSE = re.compile(r"\b(?:because|reason|that'?s why|due to|in order to|causes?|so that)\b", re.I)


@dataclass(frozen=True)
class Quote:
    source: Source  # the retrieved passage it comes from; its rank is the [n] marker of the draft
    start: int  # exact seed span
    end: int
    text: str  # normalised text of the span
    record_id: str
    author: str | None
    role: str  # answer | step | says (listed with a heading-only step: what it says to do) | under (what a heading-only step, or a situation set out, says to do) | support | reader | asked | reply | agrees | disagrees | closest (the text does not cover the question)
    relation: str = ""  # "Isabel replied to Veronica"
    step: int | None = None
    score: float = 0.0


@dataclass
class Plan:
    kind: str
    quotes: list[Quote] = field(default_factory=list)
    note: str = ""  # the lead: template words filled with facts read off the index (bot/compose/leads.py)
    lead: leads.Lead | None = None  # the fact the note states, when bot/compose/leads.py found one


@dataclass
class _Candidate:
    source: Source
    start: int
    end: int
    text: str
    record: Record
    score: float = 0.0
    vector_text: str = ""  # the sentence whose vector scored it (the last one of a joined span)
    sim: float = 0.0  # its cosine to the question


class Composer:
    def __init__(self, scorer: SupportScorer, version: BaseIndexVersion, graph: ReplyGraph | None = None,
                 query_map: QueryMap | None = None):
        """A composer reads one index version (``version.sources``, ``records_by_id``, ``heading_starts`` and
        its model of each post: stances, stance sentences, questions answered) and who replied to whom
        (``graph``). The Bot builds one per version, beside that version's retriever. ``query_map``: the retriever's
        learned map on question vectors; a sentence's score reads the mapped closeness, its ``sim`` the raw one."""
        self.scorer = scorer
        self.version = version
        self.graph = graph
        self.query_map = query_map
        # what the leads read off each post, computed once: word stems, unanswered questions' words, passages,
        # title words; keyed by what they are of (a post's text length, the models object)
        self._cache: dict[tuple, Any] = {}

    # --- candidates ---------------------------------------------------------

    def candidates(self, question: str, sources: list[Source]) -> list[_Candidate]:
        texts, records, headings = self.version.sources, self.version.records_by_id, self.version.heading_starts
        out: list[_Candidate] = []
        seen: set[tuple[int, int]] = set()
        for src in sources:
            seed = texts[src.doc]
            out += self._short_comments(src, seed, seen)
            spans = sentence_spans(seed[src.start : src.end], src.start)
            for i, (s, e) in enumerate(spans):
                if (s, e) in seen or s in headings.get(src.doc, ()):
                    continue
                if _masked(src, seed[s:e]):
                    continue  # the safety screen blanked it (instruction-like text in a passage): never quote it
                record = record_at(records, src, s)
                if record is None:
                    continue
                sentence = normalise(seed[s:e])
                if len(tokenize(sentence)) < 3 or len(sentence) > 600:
                    continue
                start = s
                if ANTECEDENT.match(STEP_NUMBER.sub("", sentence)) and i > 0 and spans[i - 1][0] >= record.start:
                    start = spans[i - 1][0]  # bring the sentence it leans on
                    if start in headings.get(src.doc, ()) or _masked(src, seed[start:spans[i - 1][1]]):
                        continue  # a heading, or blanked by the safety screen: without it, this one means nothing
                seen.add((s, e))
                j = i
                while _unbalanced(seed[start:e]) and j + 1 < len(spans) and spans[j + 1][1] <= record.end:
                    j += 1  # "he'll be thinking: ‘what?!" goes on to the closing quote
                    e = spans[j][1]
                    seen.add(spans[j])
                m = STEP_NUMBER.match(seed[start:e])
                if m and (is_step(record) or item_number(record.id) is not None):
                    start += m.end()  # quote the step, not its number
                out.append(_Candidate(src, start, e, normalise(seed[start:e]), record, vector_text=sentence))
        return out

    def _short_comments(self, src: Source, seed: str, seen: set[tuple[int, int]]) -> list[_Candidate]:
        """A comment whose every sentence is too short to quote alone ("Lucky you. I was "fine" too, until I
        wasn't.") is one candidate, whole: a reply can be all the answer a thread question has."""
        out = []
        for rid in src.record_ids if src.kind == "comment" else ():
            record = self.version.records_by_id.get(f"{src.doc}/{rid}")
            if record is None or not (src.start <= record.start and record.end <= src.end):
                continue
            spans = sentence_spans(seed[record.start : record.end], record.start)
            if len(spans) < 2 or any(len(tokenize(seed[a:b])) >= 3 for a, b in spans) or len(tokenize(record.text)) < 3:
                continue
            start, end = spans[0][0], spans[-1][1]
            if (start, end) not in seen and not _masked(src, seed[start:end]):
                seen.add((start, end))
                text = normalise(seed[start:end])
                out.append(_Candidate(src, start, end, text, record, vector_text=text))
        return out

    def score(self, question: str, cands: list[_Candidate], intent, sources: list[Source], asked_in: str = "") -> None:
        """``asked_in``: the user's own words, when ``question`` is a follow-up joined to what it follows
        ("and the second one?" asks for step 2, whatever step the earlier question named)."""
        if not cands:
            return
        sims = self.scorer.similarity(question, [c.vector_text for c in cands])
        n = max(len(sources), 1)
        kind = getattr(intent, "kind", "fact")
        names = set(getattr(intent, "names", ()) or ())
        # a named reader's own words ("wait the P one, he came back and then what??") are ordered by where her story
        # goes, not by what answered questions like it: the query map's closeness is for the others
        mapped = self.query_map is not None and not (kind in ("said", "thread") and names)
        ranks = self._mapped(question, [c.vector_text for c in cands], sims) if mapped else sims
        asked = ASKED_STEP.search(asked_in) or ASKED_STEP.search(question)
        word = (asked.group(1) or asked.group(2) or asked.group(3)).lower() if asked else ""
        numbers = [number for c in cands if (number := step_number(c.record.id)) is not None]
        step = (max(numbers, default=None) if word in _LAST else _STEP_WORDS.get(word)) if asked else None
        shown = _shown(intent)
        said = set(tokenize(question)) | self._topic_words()  # what the question and the posts' titles already say
        quoted = QUOTED.search(asked_in or question)
        phrase = fold(quoted.group(1)) if quoted and len(quoted.group(1).split()) >= 2 else ""
        last: dict[str, int] = {}  # each commenter's latest comment among the candidates (by its place in the post)
        for c in cands:
            if c.record.author and c.source.kind == "comment":
                last[c.record.author] = max(last.get(c.record.author, -1), c.record.start)
        for c, sim, rank_sim in zip(cands, sims, ranks):
            c.sim = float(sim)
            c.score = 0.65 * float(rank_sim) + 0.25 * coverage(question, c.text) + RANK_PRIOR * (n - c.source.rank + 1) / n
            if shown and c.text.strip("“”") in shown:
                c.score -= SHOWN  # a follow-up ("did she forgive him?") moves on from what was just quoted
            if FILLER.search(c.text):  # a greeting or a promise about the article, not an answer
                c.score -= 0.4 if len(tokenize(c.text)) <= 10 else 0.1
            if _asks(c.text):
                c.score -= 0.3  # a question restated is not an answer
            elif kind in ("why", "fact", "yesno", "advice") and not is_step(c.record) and _restates(said, c.text):
                c.score -= RESTATES  # "Men withdraw from the relationship; they pull away." for "why do men pull away?"
            if phrase and phrase in fold(c.text):
                c.score += QUOTES_IT  # "the 'give two choices' thing": the sentence that says it
            if kind == "advice" and is_step(c.record):
                c.score += 0.15
            if step and step_number(c.record.id) == step:
                c.score += 0.3  # "what's the first step?": step 1 is the answer
            if kind not in ("said", "thread", "opinion") and c.source.kind == "article":
                c.score += 0.08  # the article answers questions about it; readers add to it
            if kind == "why" and BECAUSE.search(c.text):
                c.score += 0.1
            if c.record.author and (c.record.author in names or named_in(c.record.author, question)):
                c.score += 0.5
                if ENDING.search(asked_in or question) and c.record.end > c.record.start:
                    # "how did it end for P?": the later a sentence in her story, the likelier it is the ending
                    c.score += ENDING_WEIGHT * (c.end - c.record.start) / (c.record.end - c.record.start)
                    if c.record.start == last.get(c.record.author) and not self.version.sources[c.source.doc][c.end:c.record.end].strip():
                        c.score += ENDING_WEIGHT / 2  # her last comment's last sentence tells how it ended ("He text as I was reading this.")
                    if any(endings(c.text)):
                        c.score += ENDING_WEIGHT  # "It wasn't long before he phoned me": a sentence that tells an ending
                if ADVICE_ASKED.search(question) and _advises(c.text):
                    c.score += 0.3  # "what advice did Marilyn give?": her advice, not her own story
            elif kind in ("advice", "why", "yesno") and self.version.post_models.stances().get(_key(c.record)) in ("question", "story"):
                c.score -= 0.15  # a reader's own situation is context for the answer, rarely the answer

    def _mapped(self, question: str, texts: list[str], raw):
        """Each text's cosine to the question through the query map (the retriever's ranking closeness), moved to the
        level of the raw cosines ``raw`` of the same texts: the map reorders the sentences, while the score bars (a
        quote's MIN_SCORE) were set on the raw level (mapped cosines read ~0.08 lower, dev)."""
        assert self.query_map is not None
        vectors = self.scorer.vectors([question] + texts)
        mapped = vectors[1:] @ self.query_map.apply(vectors[0])
        return mapped + (float(np.mean(raw)) - float(np.mean(mapped)))

    # --- the plan -----------------------------------------------------------

    def plan(self, question: str, sources: list[Source], intent=None) -> Plan:
        plan = self._planned(question, sources, intent)
        kept = [q for q in plan.quotes if not _masked(q.source, q.text)]  # whatever route chose it
        return plan if len(kept) == len(plan.quotes) else replace(plan, quotes=kept)

    def _planned(self, question: str, sources: list[Source], intent=None) -> Plan:
        query = getattr(intent, "query", "") or question  # a follow-up is scored with what it follows
        cands = self.candidates(query, sources)
        self.score(query, cands, intent, sources, asked_in=question)
        replies = intent is not None and (intent.kind == "thread" or (intent.kind == "yesno" and leads.REPLIED.search(question)))
        if replies and not intent.names and DESCRIBED.search(question) and not leads.WHO_SAID.search(question):
            # "did anyone answer the girl whose boyfriend called her a burden?", "did the author ever reply to the person
            # asking about the leash?": the reader the words describe, the words that describe them first ("the guy who
            # works nights"), else the whole question; then it is a question about that reader's thread
            who = self._described(cands, _description(question)) or self._described(cands)
            intent = replace(intent, kind="thread", names=(who,)) if who else intent
        plan = self._plan(query, cands, sources, intent, asked_for=bool(ASKED_STEP.search(question)))
        if not (plan.quotes or cands):
            return plan
        if not plan.note and intent is not None and intent.names and YES_NO.match(question):
            plan = replace(plan, note=self._answered_lead(question, intent, {s.doc for s in sources}))  # "did Veronica ever get told ...?"
        lead = leads.lead_for(question, getattr(intent, "kind", "fact"), self._facts(question, cands, sources, intent))
        # the thread and stance leads (below) already state the answer; how the reader's story ended ("did carol ever hear
        # back from her daughter?") is what was asked, not whether someone replied to her
        if lead is None or (plan.note and lead.because not in ("author replies", "who said", "outcome")):
            return plan
        return self._led(plan, lead, cands)

    def described_reader(self, question: str, sources: list[Source], intent: Intent | None) -> Intent | None:
        """The question as if it named the reader it describes, when the retrieved comments show clearly who: "what
        did people say to the guy who said the plan was too conservative?" is his thread (the replies to him, from the
        reply graph); "what happened in the end with the lady whose husband was hiding debt?" is what she said."""
        if not self.describes_reader(question, intent):
            return None
        assert intent is not None
        cands = self.candidates(question, sources)
        # the words that describe them first ("the woman who went straight back full time"), else the whole question
        who = self._described(cands, _description(question)) or self._described(cands, question)
        return self.about_reader(question, intent, who) if who else None

    def describes_reader(self, question: str, intent: Intent | None) -> bool:
        """The question is about the replies to, or the ending of, a reader it describes without naming ("the guy who did
        every step by the book with his younger brother"): the flow then searches the comments for who that is."""
        return self._about_unnamed(question, intent, DESCRIBED_THERE)

    def refers_back(self, question: str, intent: Intent | None) -> bool:
        """"did anybody answer her?", "did she ever come back and say how thursday went?": a question about the replies
        to, or the ending of, someone it names only as "he" or "she": the reader the turn before was about."""
        return self._about_unnamed(question, intent, PERSON)

    def _about_unnamed(self, question: str, intent: Intent | None, unnamed: re.Pattern) -> bool:
        """The replies to, or the ending of, a reader the question names no other way than ``unnamed`` reads them."""
        # ("who was the commenter whose dad ended up ...?" asks for the name: the who-said lead gives it)
        if intent is None or intent.names or not unnamed.search(question) or leads.WHO_SAID.search(question):
            return False
        return self._asks_replies(question, intent) or bool(ENDING.search(question))

    @staticmethod
    def answers_them(question: str, intent: Intent) -> bool:
        """"did megan say anything back to her?": one reader named as the one who replies, to someone named only "her"."""
        return len(intent.names) == 1 and bool(TO_THEM.search(question)) and bool(leads.REPLIED.search(question))

    @staticmethod
    def describes_someone(text: str) -> bool:
        """"there was a woman in the comments whose partner stays up till 4am": a reader described, not named."""
        return bool(DESCRIBED_THERE.search(text) or leads.ABOUT_READER.search(text))

    def reader_described(self, text: str, sources: list[Source]) -> str | None:
        """The one reader ``text`` describes (``describes_someone``), when ``sources`` show clearly who."""
        if not self.describes_someone(text):
            return None
        cands = self.candidates(text, sources)
        # the words that describe them first, else the whole text (as ``described_reader``)
        return self._described(cands, _description(text, DESCRIBED_THERE) or text) or self._described(cands, text)

    def about_reader(self, question: str, intent: Intent, who: str) -> Intent:
        """The question as if it named ``who``: their thread when it asks about replies, else what they said."""
        return replace(intent, kind="thread" if self._asks_replies(question, intent) else "said", names=(who,))

    @staticmethod
    def asks_which_reader(question: str, intent: Intent | None) -> bool:
        """"who was the commenter that broke down in a grocery store?": the answer is one reader, whom the article's
        passages (the ranking's first places) may crowd out: the flow adds the comments that read closest."""
        return (intent is not None and not intent.names and bool(leads.WHO_SAID.search(question))
                and bool(leads.IN_COMMENTS.search(question)) and bool(leads.ONE_PERSON.search(question)))

    @staticmethod
    def _asks_replies(question: str, intent: Intent) -> bool:
        # ("the woman who got let go ... did the author say anything back to her?": a question about her thread)
        return intent.kind == "thread" or (intent.kind in ("yesno", "fact", "opinion")
                                           and bool(leads.REPLIED.search(question) or TOLD_THEM.search(question)))

    def _described(self, cands: list[_Candidate], description: str = "") -> str | None:
        """The reader whose own sentence is closest to the question (to ``description``, the words that describe
        them, when given: "the guy who works nights"), when clearly closer than anyone else's (a reader, not the
        post's author)."""
        best: dict[str, float] = {}
        sims = self.scorer.similarity(description, [c.vector_text for c in cands]) if description and cands else None
        readers = {}
        # "the mom whose 27 yr old went silent after her birthday": a number she gave ("My daughter Jess is 27") names
        # her better than a closer-sounding sentence without it ("mailed my grandson a birthday card", dev r50 q11); a
        # number of two digits or more (the 5 of "bf of 5 years" is in too many stories to name one)
        numbers = set(re.findall(r"\b\d{2,}\b", description))
        # "the first commenter who was crying in target": a word of the description only one reader's sentences use
        # ("...crying in the baby aisle at Target...", 0.34 close alone) names her too
        described = {t for t in tokenize(description) if len(t) >= 4} if description else set()
        passages = self._passages(tuple(sorted({c.source.doc for c in cands}))) if described else ()
        own_words = Counter(who for t in described if (who := leads.one_reader_using(t, passages)))
        for i, c in enumerate(cands):
            sim = float(sims[i]) if sims is not None else c.sim
            if numbers & set(re.findall(r"\b\d{2,}\b", c.vector_text)):
                sim += DESCRIBED_NUMBER
            if c.source.kind == "comment" and (author := c.record.author) and author in own_words:
                sim += DESCRIBED_WORD * min(own_words[author], 2)
            a = c.record.author
            m = self.version.post_models.get(_key(c.record)) if self.version.post_models is not None else None
            if c.source.kind == "comment" and a and a != NO_AUTHOR and not (m is not None and m.by_author):
                best[a] = max(best.get(a, 0.0), sim)
                readers[c.record.id] = c
        if description and readers:
            # "the guy who said the plan was too conservative": his "This is way too conservative." is too short to be
            # quoted as an answer (candidates), not to say who he is
            short = [(c.record.author or "", text) for c in readers.values() for s, e in sentence_spans(c.record.text, c.record.start)
                     if len(tokenize(text := normalise(self.version.sources[c.source.doc][s:e]))) < 3 and len(text) > 12]
            for (a, _), sim in zip(short, self.scorer.similarity(description, [t for _, t in short])):
                best[a] = max(best.get(a, 0.0), float(sim))
        return _clear_winner(best, DESCRIBED_SIM, DESCRIBED_MARGIN)

    def _plan(self, question: str, cands: list[_Candidate], sources: list[Source], intent, asked_for: bool = False) -> Plan:
        """``asked_for``: the user's own words ask for one step ("and the third?")."""
        kind = getattr(intent, "kind", "fact")
        if kind in ("said", "thread") and intent is not None and intent.names:
            return self._thread_plan(question, cands, intent)
        if kind == "opinion":
            plan = self._opinion_plan(cands)
            return replace(plan, note=self._stance_lead(question, sources)) if plan.quotes else plan
        steps = self._steps(cands, question) if kind == "advice" else []
        echo = self._echo(cands)
        picked = self._pick(cands, exclude=steps + echo)
        if not picked and not steps:
            return Plan(kind, [])
        article = [q for q in picked if q.source.kind == "article"]
        comments = [q for q in picked if q.source.kind != "article"]
        # "what should I do when he shows back up?" is a situation one step may answer instead of the whole list;
        # "what are the steps?" is the list; any other advice question is answered by its best sentence (below)
        # the step for the reader's situation, else the article's section for it ("failed my test ... what now": "When you fail")
        focus = ((self._focus(cands, steps) or self._situation(cands))
                 if steps and not asked_for and wants_whole_list(question) and not asks_for_list(question) else None)
        if (steps and wants_whole_list(question) and not asked_for and not ASKED_STEP.search(question)
                and not re.search(r"\bwhich\b", question, re.I) and focus is None):
            # "what are the steps?": the whole list, in order, first (never step 3 as if it were the answer)
            # what else the article says, beyond the listed step sentences ("The point is to give him his freedom ...")
            rest = [q for q in article if not any(_overlap(q, s) for s in steps)] + echo + comments
            return Plan(kind, _dedupe(steps + rest)[: MAX_QUOTES + len(steps)])
        # the single best answering sentence first; for advice, then the article's steps in order;
        # then what the article adds; then a reader who asked the same; then readers
        best = focus or max(picked + steps, key=lambda q: q.score)
        listed = next((q for q in steps if q.record_id == best.record_id), None)
        if listed is not None and (asked_for or POINTS_ELSEWHERE.search(best.text)):
            # "and the third?", or step 3's "Part 2 (above) is ...": the step as listed (its substance, numbered)
            best = replace(listed, score=max(best.score, listed.score))
        if best.role == "step":
            best = replace(best, role="answer")
        # the step the best sentence is (or its words); a sentence of the paragraph under step 1 that answers best
        # leaves step 1 in the list: a list never starts at "2."
        steps = [q for q in steps if (q.record_id != best.record_id or not _overlap(q, best)) and not (q.role == "says" and q.step == best.step)]
        if asked_for and _all_shown(steps, intent):
            steps = []  # "ok the 4th one, what does he want you to do for that": the list was the answer before; move on
        ordered = [best] + self._introduced(best, cands) + self._under(best, cands, asked=asked_for and listed is not None) + (
            self._advice_after(best, cands) if kind == "advice" else []) + steps + [
            q for q in article if q is not best] + echo + [q for q in comments if q is not best]
        return Plan(kind, _dedupe(ordered)[: MAX_QUOTES + len(steps)])

    def _introduced(self, best: Quote, cands: list[_Candidate]) -> list[Quote]:
        """What the best sentence's paragraph announces with a closing colon ("remember this important step
        (no.3). ask yourself:"): the words it introduces come right after it, or the answer is only a pointer."""
        record = self.version.records_by_id.get(f"{best.source.doc}/{best.record_id}")
        if best.source.kind != "article" or best.step is not None or record is None:
            return []
        seed = self.version.sources[best.source.doc]
        rest = normalise(seed[best.end:record.end])
        if not (best.text.rstrip().endswith(":") or (rest.endswith(":") and len(rest.split()) <= 8)):
            return []
        start, end = self._step_substance(best.source.doc, record, (best.start, best.end))
        if (start, end) == (best.start, best.end) or _masked(best.source, seed[start:end]):
            return []
        for source in [best.source] + [c.source for c in cands]:  # a retrieved passage holding those words
            owner = record_at(self.version.records_by_id, source, start)
            if owner is not None and end <= owner.end:
                return [Quote(source, start, end, normalise(seed[start:end]), owner.id, None, "support", score=best.score)]
        return []

    def _advice_after(self, best: Quote, cands: list[_Candidate]) -> list[Quote]:
        """A best sentence that sets out a situation without saying what to do ("If your spouse still works, ... the
        temptation is to have dinner on the table and a list of plans waiting at 6 p.m."): the instruction that follows
        it in its paragraph ("Give them the first 30 minutes home to land before you start talking."), right after it."""
        if best.source.kind != "article" or best.step is not None or _instructs(best.text):
            return []
        after = sorted((c for c in cands if c.source.kind == "article" and c.record.id == best.record_id and c.start >= best.end),
                       key=lambda c: c.start)[:ADVICE_AFTER]
        found = next((c for c in after if _instructs(c.text) and not _cut_off(c.text)), None)
        return [self._quote(found, "under")] if found is not None else []

    def _focus(self, cands: list[_Candidate], steps: list[Quote]) -> Quote | None:
        """The one step a reader's situation calls for ("what should I do when he finally shows back up?":
        the step about his coming back), when a sentence of that step, or of the paragraphs under it, is clearly
        the closest to the question; None when no step stands out (the whole list answers "what should I do?")."""
        closest: dict[int, float] = {}
        for c in cands:
            number = self._step_of(c.source.doc, c.record.id)
            if number is not None and any(q.step == number for q in steps):
                # the step's own words state the advice; the paragraphs under it explain it, and match more loosely
                sim = c.sim - (0.0 if step_number(c.record.id) == number else ELABORATION)
                closest[number] = max(closest.get(number, 0.0), sim)
        number = _clear_winner(closest, FOCUS_SIM, FOCUS_MARGIN)
        return None if number is None else next(q for q in steps if q.step == number)

    def _situation(self, cands: list[_Candidate]) -> Quote | None:
        """What the article's section for the reader's situation says to do ("When you fail": "Ask the examiner to go
        through the sheet ..."), when retrieval put that section first (``HybridRetriever._whole_list``): its advice
        sentence, else its closest one. None when no such section leads."""
        mine = [c for c in cands if c.source.kind == "article" and c.source.rank == 1 and in_situation(c.record.section)
                and not c.record.id.endswith(":heading")]
        if not mine:
            return None
        return self._quote(max(mine, key=lambda c: (_advises(c.text), c.score)), "answer")

    def _under(self, best: Quote, cands: list[_Candidate], asked: bool = False) -> list[Quote]:
        """A step that is only a heading ("Step 4: A Tired Puppy Is a Good Puppy") says what to do in the section under
        it: its sentence closest to the question comes right after it ("After about an hour awake, put your puppy in a
        quiet spot for a sleep...")."""
        if best.step is None or not _heading_like(best.text):
            return []  # a step that says what to do in a sentence of its own
        under = [c for c in cands if c.source.kind == "article" and c.record.id != best.record_id
                 and not c.record.id.endswith(":heading") and self._step_of(c.source.doc, c.record.id) == best.step]
        if not under:
            return []
        if asked:
            # "ok the 4th one, what does he want you to do for that": the step asked for by its place, not by the
            # question's words; its section says what to do: its opening sentence, then its instructions, in order
            under = sorted(under, key=lambda c: c.start)
            said = [under[0]] + [c for c in under[1:] if _instructs(c.text)][:UNDER_MAX]
            return [self._quote(c, "under") for c in said]
        # its closest sentence, then the section's other instructions about as close, in the article's order ("Don't ask
        # them to speak for the whole group." and "When you see them, wait ... twenty minutes, then ask once."): the
        # step's instructions, not one line of them (r49 q02)
        best_under = max(under, key=lambda c: c.sim)
        more = [c for c in under if c is not best_under and c.sim >= best_under.sim - UNDER_BAND and _instructs(c.text)]
        more = sorted(sorted(more, key=lambda c: -c.sim)[: UNDER_MAX - 1], key=lambda c: c.start)
        return [self._quote(c, "under") for c in [best_under] + more]

    def _step_of(self, doc: str, record_id: str) -> int | None:
        """The step a passage of the article belongs to: the step itself, a paragraph after it before the next
        step or heading, or any paragraph of a section headed by one step ("Step 1: Host Something")."""
        key = ("#step-of", doc)
        if key not in self._cache:
            owner: dict[str, int] = {}
            current: int | None = None
            section = None
            for r in self._article_records(doc):
                number = step_number(r.id)
                if section_of(r.id) != section or r.id.endswith(":heading"):
                    current, section = None, section_of(r.id)
                if number is not None:
                    current = number
                if current is not None:
                    owner[r.id] = current
            self._cache[key] = owner
        return self._cache[key].get(record_id)

    def _article_records(self, doc: str) -> list:
        """The post's article records in reading order; sorted once per post, not on every question."""
        key = ("#article-records", doc)
        if key not in self._cache:
            self._cache[key] = sorted((r for r in self.version.records_by_id.values() if r.doc == doc and r.kind == "article"),
                                      key=lambda r: r.start)
        return self._cache[key]

    def _pick(self, cands: list[_Candidate], exclude: list[Quote], floor: float = MIN_SCORE) -> list[Quote]:
        """Best sentences first, skipping readers' questions, near-duplicates (MMR) and over-quota units."""
        chosen: list[_Candidate] = []
        taken = {(q.start, q.end) for q in exclude}
        per_unit: dict[str, int] = {}
        vectors = self._vectors([c.vector_text for c in cands])
        index = {id(c): i for i, c in enumerate(cands)}
        for c in sorted(cands, key=lambda c: -c.score):
            if c.score < floor or (c.start, c.end) in taken or any(_overlap(c, q) for q in exclude):
                continue
            if c.source.kind == "comment" and _asks(c.text):
                continue
            if vectors is not None and chosen:
                sims = [float(vectors[index[id(c)]] @ vectors[index[id(o)]]) for o in chosen]
                if max(sims) > REDUNDANT:
                    continue
            if any(_overlap(c, o) for o in chosen):
                continue
            unit = c.record.id if c.source.kind == "comment" else c.source.chunk_id
            named = c.score >= 0.8 and c.record.author
            if per_unit.get(unit, 0) >= (3 if named else 1 if c.source.kind == "comment" else ARTICLE_MAX):
                continue
            if sum(1 for o in chosen if o.source.kind == c.source.kind) >= (ARTICLE_MAX if c.source.kind == "article" else COMMENT_MAX):
                continue
            per_unit[unit] = per_unit.get(unit, 0) + 1
            chosen.append(c)
            if len(chosen) >= MAX_QUOTES:
                break
        return [self._quote(c, "answer" if i == 0 else ("support" if c.source.kind == "article" else "reader"))
                for i, c in enumerate(chosen)]

    def _steps(self, cands: list[_Candidate], question: str = "") -> list[Quote]:
        """The article's numbered steps that were retrieved, in order: each step's opening sentence(s). When the
        best passage is an item of a list of its own ("How do I set up the Sunday meal plan?" in a post whose
        steps are its rules), that list instead."""
        items_of = self._item_list(cands, question)

        def number_of(record_id: str) -> int | None:
            if items_of is None:
                return step_number(record_id)
            return item_number(record_id) if section_of(record_id) == items_of else None

        by_step: dict[int, list[_Candidate]] = {}
        for c in cands:
            number = number_of(c.record.id)
            if number is not None:
                by_step.setdefault(number, []).append(c)
        out = []
        texts = self.version.sources
        for number in sorted(by_step):
            first = min(by_step[number], key=lambda c: c.start)
            record = first.record
            seed = texts[first.source.doc]
            spans = sentence_spans(record.text, record.start)
            end = spans[0][1]
            for s, e in spans[1:3]:  # short steps ("Leave him alone. Let him be. Don't question him.")
                if _masked(first.source, seed[s:e]):
                    break  # blanked by the safety screen: never listed
                if len(tokenize(seed[spans[0][0]:e])) <= 12:
                    end = e
            start = spans[0][0]
            m = STEP_NUMBER.match(seed[start:end])
            if m:
                start += m.end()
            text = normalise(seed[start:end])
            if POINTS_ELSEWHERE.search(text) and not IMPERATIVE.search(text):
                # "Part 2 (above) is going to prove to be the hardest": what step 3 asks comes after it
                start, end = self._step_substance(first.source.doc, record, (start, end))
                text = normalise(seed[start:end])
            out.append(Quote(first.source, start, end, text, record.id, None, "step", step=number, score=first.score))
            if items_of is None and _heading_like(text):
                out += self._step_says(first.source, record, number)
        return out

    def _step_says(self, source: Source, record, number: int) -> list[Quote]:
        """What a step that is only a heading ("Step 1: Draw the map") says to do: the first instruction of the paragraph
        under it ("In the first week, each of you claims one space that is yours alone, ..."), listed with it; none when
        the passage the step came in does not hold that paragraph."""
        seed = self.version.sources[source.doc]
        under = next((r for r in self._article_records(source.doc) if r.start >= record.end and section_of(r.id) == section_of(record.id)),
                     None)
        if under is None or under.id.endswith(":heading") or is_step(under):
            return []
        spans = [(s, e) for s, e in sentence_spans(under.text, under.start)[:3] if source.start <= s and e <= source.end]
        if not spans or _masked(source, seed[spans[0][0]:spans[0][1]]):
            return []
        i = next((i for i, (s, e) in enumerate(spans) if _instructs(text := normalise(seed[s:e])) and not _asks(text)
                  and not _cut_off(text)), None)
        if i is None:
            # no instruction near its start: its first sentence ("In the first week, each of you claims one space ..."),
            # unless it points elsewhere ("This is the 3 a.m. part, and it's the step that ...": the heading alone)
            first = normalise(seed[spans[0][0]:spans[0][1]])
            if (_asks(first) or POINTER_OPENING.match(first) or _cut_off(first)
                    or len(tokenize(first)) < 5):
                return []
            i = 0
        s, e = spans[i]
        if len(tokenize(seed[s:e])) < 4 and i + 1 < len(spans):  # "Don't say "I'll help more."" and why
            e = spans[i + 1][1]
        if len(tokenize(seed[s:e])) < 4:
            return []  # "Don't." alone says nothing
        return [Quote(source, s, e, normalise(seed[s:e]), under.id, None, "says", step=number)]

    def _item_list(self, cands: list[_Candidate], question: str) -> str | None:
        """When the best passage is an item of a list of its own, the section ("article:sunday-meal") whose items
        answer: the one whose heading shares most words with the question, then the best scored."""
        best = max(cands, key=lambda c: c.score, default=None)
        if best is None or item_number(best.record.id) is None:
            return None
        asked = set(tokenize(question))
        items = [c for c in cands if item_number(c.record.id) is not None]
        top = max(items, key=lambda c: (len(asked & set(tokenize(c.record.section or ""))), c.score))
        return section_of(top.record.id)

    def _step_substance(self, doc: str, record, span: tuple[int, int]) -> tuple[int, int]:
        """The first instruction after a step that opens by pointing at another one: in the step's own
        paragraph, else the paragraph that follows it (before the next step or heading); the sentence a
        colon introduces ("ask yourself:") is the instruction itself. ``span`` when there is none."""
        seed = self.version.sources[doc]
        records = [r for r in self._article_records(doc) if r.start >= record.start][:3]
        for i, r in enumerate(records):
            if i and (is_step(r) or r.id.endswith(":heading")):
                break
            spans = sentence_spans(seed[r.start:r.end], r.start)
            for j, (s, e) in enumerate(spans):
                if r is record and s < span[1]:
                    continue
                sentence = STEP_NUMBER.sub("", normalise(seed[s:e]))
                if sentence.rstrip().endswith(":"):
                    after = spans[j + 1:] or next((sentence_spans(seed[o.start:o.end], o.start) for o in records[i + 1:i + 2]), [])
                    return _whole(seed, after) if after else (s, e)
                if IMPERATIVE.search(sentence):
                    return _whole(seed, spans[j:])
        return span

    def _echo(self, cands: list[_Candidate]) -> list[Quote]:
        """A reader asked the same thing: their question is context, quoted as asked (never as the answer)."""
        stances = self.version.post_models.stances()
        comments = [c for c in cands if c.source.kind == "comment" and stances.get(_key(c.record)) == "question"
                    and _asks(c.text) and c.sim >= ECHO]
        best = max(comments, key=lambda c: c.sim, default=None)
        if best is None:
            return []
        return [self._quote(best, "asked", f"{best.record.author or 'A reader'} asked the same")]

    def _thread_plan(self, question: str, cands: list[_Candidate], intent) -> Plan:
        """Who said what to whom: the named commenters' words and the replies, with the relation named."""
        records = self.version.records_by_id
        names = {n.casefold() for n in intent.names}
        by_record: dict[str, list[_Candidate]] = {}
        for c in cands:
            if c.source.kind == "comment":
                by_record.setdefault(c.record.id, []).append(c)
        order = []
        for c in cands:  # sources arrive in graph order (bot/retrieve/hybrid.py search_for)
            if c.source.kind == "comment" and c.record.id not in order:
                order.append(c.record.id)
        said_back = SAID_BACK.search(question)
        replier = (said_back.group(1) or said_back.group(2)).casefold() if said_back else ""
        speaker = next((n for n in names if replier and who_named(n).casefold().split()[0] == replier), None)
        if speaker is not None:
            # "what did dana say back to the man who disagreed ...?": her replies first, the one closest to the question
            # first; the replies to her come after
            best = {rid: max(c.score for c in by_record[rid]) for rid in order}
            mine = sorted((rid for rid in order if (by_record[rid][0].record.author or "").casefold() == speaker), key=lambda rid: -best[rid])
            order = mine + [rid for rid in order if rid not in mine]
        models = self.version.post_models
        by_post_author = bool(replier) and ABOUT_AUTHOR.fullmatch(replier) is not None  # "what did the author say to ...?"

        def spoken(rid: str, record) -> bool:  # a reply by the one whose words are asked for: more than its first line
            if speaker is not None:
                return (record.author or "").casefold() == speaker
            m = models.get(_key(record)) if by_post_author and models is not None else None
            return m is not None and m.by_author
        quotes: list[Quote] = []
        for rid in order:
            record = by_record[rid][0].record
            parent = records.get(f"{by_record[rid][0].source.doc}/{record.parent}") if record.parent else None
            involved = (record.author or "").casefold() in names or (parent and (parent.author or "").casefold() in names)
            if not involved:
                continue
            asked = intent.kind == "said" and re.search(r"\bask", question, re.I)
            pool = [c for c in by_record[rid] if asked or not _asks(c.text) or record.parent]
            if not pool:
                pool = by_record[rid]
            # a reply to the reader asked about: its advice to them first ("You might have to try to be a bit cool"),
            # not the replier's own story
            advice = 0.3 if parent is not None and intent.kind == "thread" else 0.0
            top = sorted(pool, key=lambda c: -(c.score + (advice if _advises(c.text) else 0.0)))[
                : SPOKEN_REPLY if parent is not None and intent.kind == "thread" and spoken(rid, record)
                else 2 if (record.author or "").casefold() in names else 1]
            relation = (f"{record.author} added, in a later reply" if parent and parent.author and parent.author == record.author
                        else f"{record.author} replied to {parent.author}" if parent and parent.author else
                        f"{record.author or 'A reader'} wrote")
            # (a reply quoted at more length: its best sentence first, the rest in the order written)
            shown = top[:1] + sorted(top[1:], key=lambda c: c.start) if len(top) > 2 else sorted(top, key=lambda c: c.start)
            for c in shown:
                role = "reply" if parent else ("asked" if _asks(c.text) else "answer")
                quotes.append(self._quote(c, role, relation))
            if len(quotes) >= MAX_QUOTES:
                break
        posts = {c.source.doc for c in cands}  # a name may comment under other posts too
        note = self._no_replies(question, self.graph, names, posts) if intent.kind == "thread" and self.graph is not None else ""
        note = self._answered_lead(question, intent, posts) or note
        if not quotes:
            return Plan(intent.kind, self._pick(cands, []), note)
        if intent.kind == "thread" and any(q.role == "reply" for q in quotes):
            own = [q for q in quotes if q.role != "reply"]
            quotes = [q for q in quotes if q.role == "reply"] + own[:1]
        return Plan(intent.kind, _dedupe(quotes)[:MAX_QUOTES], note)

    # --- leads: the first line states the answer, read off the index (never a model's words) ---------

    def _facts(self, question: str, cands: list[_Candidate], sources: list[Source], intent) -> leads.Facts:
        """What bot/compose/leads.py may state, read off the index for the posts this answer draws on."""
        posts = list(dict.fromkeys(s.doc for s in sources))
        texts = self.version.sources
        models = self.version.post_models
        graph = self.graph
        replied: dict[str, list[str]] = {}
        if models is not None and graph is not None:
            for post in posts:
                model = models.posts.get(post)
                for r in model.comments() if model else []:
                    parent = graph.parent_of(r.key) if r.by_author else None
                    if parent and parent in graph.records:
                        replied.setdefault(post, []).append(who_named(graph.records[parent].author))
        vocabulary = frozenset().union(*(self._words_of(p, texts[p]) for p in posts if p in texts))
        vocabulary |= self._named_otherwise(question, cands, vocabulary, tuple(getattr(intent, "names", ()) or ()))
        window = self._windows(question, cands) if leads.HOW_LONG.search(question) else {}
        unanswered = {}
        if models is not None:
            for post in posts:
                unanswered.update(self._unanswered(models.posts.get(post), texts.get(post, "")))
        return leads.Facts(
            posts=posts,
            candidates=[leads.Candidate(c.source.doc, c.start, c.end, c.text, _key(c.record), c.source.kind,
                                        c.record.author, c.sim, c.score,
                                        c.record.section or "" if c.source.kind == "article" else "", window.get(id(c), 0.0))
                        for c in cands],
            vocabulary=vocabulary,
            author_comments=replied,
            authors={p: models.posts[p].author for p in posts if models is not None and p in models.posts},
            titles={p: models.posts[p].title for p in posts if models is not None and p in models.posts},
            claims={_key(c.record): models.claims(_key(c.record)) for c in cands} if models is not None else {},
            stances={k: v for c in cands if (v := models.stances().get(k := _key(c.record)))} if models is not None else {},
            names=tuple(getattr(intent, "names", ()) or ()),
            unanswered=unanswered,
            unanswered_asks=self._asking(tuple(posts))[0],
            answered_asks=self._asking(tuple(posts))[1],
            outcomes=self._outcomes(tuple(posts)),
            reports=self._reports(tuple(posts)),
            passages=self._passages(tuple(posts)),
            about_reader=bool(leads.ABOUT_READER.search(question) or leads.ABOUT_READER.search(getattr(intent, "query", "") or "")),
            mentioned=frozenset(w for w in (models.mentioned() if models is not None else ())
                                if graph is None or not graph.comments_by(w)),
            left_out=tuple((o.deferral.start, o.deferral.end, o.sim) for o in self._left_out(question, posts)),
        )

    def _named_otherwise(self, question: str, cands: list[_Candidate], vocabulary: frozenset[str], names: tuple) -> frozenset[str]:
        """The question's words the posts never use that a best passage says in other words ("instagram": "Mute people on
        social media rather than unfriending them"), as stems the posts' vocabulary then counts as theirs: no lead says
        the text doesn't mention them. Read only when such a word is asked (a few dozen short texts embedded)."""
        missing = leads.missing_words(question, vocabulary, names)
        if not missing:
            return frozenset()
        phrases: list[str] = []
        for c in sorted(cands, key=lambda c: -c.score)[:NAMED_OTHERWISE_K]:
            words = [w for w in re.findall(r"[^\W\d_]+", c.text.lower()) if len(w) >= 3 and tokenize(w)]
            phrases += words + [f"{a} {b}" for a, b in zip(words, words[1:])]
        phrases = list(dict.fromkeys(phrases))
        if not phrases:
            return frozenset()
        # (a phrase holding the word's own start is a part of it, not another name: "painkillers" / "pain", 0.61)
        close = [max((float(x) for x, p in zip(self.scorer.similarity(w, phrases), phrases)
                      if not any(part[:4] == w.lower()[:4] for part in p.split())), default=0.0) for w in missing]
        return frozenset(t for w, sim in zip(missing, close) if sim >= NAMED_OTHERWISE for t in tokenize(w)[:1])

    def _windows(self, question: str, cands: list[_Candidate]) -> dict[int, float]:
        """A how-long question: each article sentence that gives a time, read with the sentences either side of it in its
        passage, as close to the question's "how long" part (keyed by ``id`` of the candidate). The sentences' vectors
        are the index's; only the question part is embedded."""
        timed = [c for c in cands if c.source.kind == "article" and leads.DURATION.search(c.text)]
        if not timed:
            return {}
        seed = self.version.sources
        windows: list[list[str]] = []
        for c in timed:
            spans = sentence_spans(seed[c.source.doc][c.record.start : c.record.end], c.record.start)
            at = next((i for i, (s, e) in enumerate(spans) if s <= c.start < e), None)
            near = spans[max(0, at - 1) : at + 2] if at is not None else []
            windows.append([normalise(seed[c.source.doc][s:e]) for s, e in near] or [c.vector_text or c.text])
        texts = list(dict.fromkeys(t for w in windows for t in w))
        *found, asked = self.scorer.vectors(texts + [leads.how_long_part(question)])
        vectors = dict(zip(texts, found))
        out = {}
        for c, w in zip(timed, windows):
            v = np.sum([vectors[t] for t in w], axis=0)
            out[id(c)] = float(v @ asked / (np.linalg.norm(v) * np.linalg.norm(asked) or 1.0))
        return out

    def _left_out(self, question: str, posts: list[str]) -> list[LeftOut]:
        """The topics these posts' articles leave out that the question asks about (bot/retrieve/left_out.py)."""
        return left_out(question, deferrals_of(self.version.post_models, posts), self._vectors)

    def _asking(self, posts: tuple[str, ...]) -> tuple[frozenset[str], dict[str, tuple[str, ...]]]:
        """The readers' comments of these posts that ask something (the post model): those nobody answered, and those
        answered (-> the replies that answered them); read once per set of posts, not on every question."""
        key = ("#asking", posts)
        if key not in self._cache:
            models = self.version.post_models
            asking = [r for post in posts if models is not None and (m := models.posts.get(post)) is not None
                      for r in m.comments() if r.asks and not r.by_author]
            self._cache[key] = (frozenset(r.key for r in asking if not r.answered_by),
                                {r.key: tuple(r.answered_by) for r in asking if r.answered_by})
        return self._cache[key]

    def _outcomes(self, posts: tuple[str, ...]) -> dict[str, str]:
        """How each reader's story ends, from the post model ("worked" / "failed"), by the name they comment under:
        their last comment that tells."""
        models, graph = self.version.post_models, self.graph
        if models is None or graph is None:
            return {}
        key = ("#outcomes", posts)  # read once per set of posts, like their passages: not on every question
        if key not in self._cache:
            ends: dict[str, tuple[int, str]] = {}
            for post in posts:
                model = models.posts.get(post)
                for r in model.comments() if model else []:
                    record = graph.records.get(r.key)
                    if record is not None and record.author and r.outcome is not None and r.outcome.value in ("worked", "failed"):
                        name = who_named(record.author)
                        if record.start >= ends.get(name, (-1, ""))[0]:
                            ends[name] = (record.start, r.outcome.value)
            self._cache[key] = {name: end for name, (_, end) in ends.items()}
        return self._cache[key]

    def _reports(self, posts: tuple[str, ...]) -> dict[str, str]:
        """Each reader's update: their last comment that is a later reply in a thread they started (the reply graph),
        by the name they comment under; read once per set of posts."""
        graph = self.graph
        if graph is None:
            return {}
        key = ("#reports", posts)
        if key not in self._cache:
            found: dict[str, tuple[int, str]] = {}
            for k, r in graph.records.items():
                if r.doc not in posts or r.kind != "comment" or not r.author or not r.parent:
                    continue
                root = k
                while (up := graph.parent_of(root)) is not None and up in graph.records:
                    root = up
                if graph.records[root].author == r.author and r.start >= found.get(who_named(r.author), (-1, ""))[0]:
                    found[who_named(r.author)] = (r.start, k)
            self._cache[key] = {name: k for name, (_, k) in found.items()}
        return self._cache[key]

    def _passages(self, posts: tuple[str, ...]) -> tuple[tuple[str, str | None, str], ...]:
        """(kind, author, text) of every record of these posts, for "where does the article say '...'?"."""
        key = ("#passages", posts)
        if key not in self._cache:
            self._cache[key] = tuple((r.kind, r.author, normalise(r.text)) for k, r in self.version.records_by_id.items()
                                          if r.doc in posts and r.kind in ("article", "comment"))
        return self._cache[key]

    def _unanswered(self, model, text: str) -> dict[str, str]:
        """stem -> the reader who asked about it, for words that only readers' unanswered questions use."""
        if model is None:
            return {}
        key = (f"{model.post}#asked", len(text))
        if key not in self._cache:
            asks = [(r, r.asks) for r in model.comments() if r.asks and not r.answered_by and not r.by_author]
            rest = text
            for _, q in asks:
                rest = rest.replace(q, " ")
            others = leads.vocabulary_of(rest)
            records = self.version.records_by_id
            found: dict[str, str] = {}
            for r, q in asks:
                for w in leads.vocabulary_of(q) - others:
                    found.setdefault(w, who_named(records[r.key].author if r.key in records else None))
            self._cache[key] = found
        return self._cache[key]

    def _topic_words(self) -> set[str]:
        """Stems of the indexed posts' titles."""
        models = self.version.post_models
        if models is None:
            return set()
        key = ("#topic", id(models))
        if key not in self._cache:
            self._cache[key] = frozenset(tokenize(" ".join(p.title for p in models.posts.values())))
        return set(self._cache[key])

    def _words_of(self, post: str, text: str) -> frozenset[str]:
        key = (post, len(text))
        if key not in self._cache:
            self._cache[key] = leads.vocabulary_of(text)
        return self._cache[key]

    def _led(self, plan: Plan, lead: leads.Lead, cands: list[_Candidate]) -> Plan:
        """The plan under its lead: the quote the lead names first; for text that doesn't cover the
        question, only the closest passages, labelled as such."""
        quotes = list(plan.quotes)
        if lead.first is not None:
            s, e = lead.first
            hit = next((q for q in quotes if q.start < e and s < q.end), None)
            if hit is None:
                c = next((c for c in cands if c.start == s and c.end == e), None)
                hit = self._quote(c, "answer") if c is not None else None
            if hit is not None:
                quotes = [replace(hit, role="answer" if hit.role == "step" else hit.role)] + [q for q in quotes if q is not hit]
                if lead.because == "reported back":  # the rest of their update right under its start, in order
                    same = [q for q in quotes[1:] if q.record_id == hit.record_id and q.source.doc == hit.source.doc]
                    quotes = quotes[:1] + sorted(same, key=lambda q: q.start) + [q for q in quotes[1:] if q not in same]
        if lead.also:  # the readers the lead names, right under its first quote
            named = []
            for s, e in lead.also:
                hit = next((q for q in quotes if q.start < e and s < q.end), None)
                c = None if hit is not None else next((c for c in cands if c.start == s and c.end == e), None)
                quote = hit or (self._quote(c, "reader") if c is not None else None)
                if quote is not None:
                    named.append(replace(quote, role="reader"))
            head = quotes[:1] if lead.first is not None else []
            rest = [q for q in quotes[len(head):] if not any(q.start == n.start and q.end == n.end for n in named)]
            article = [q for q in rest if q.source.kind == "article"][:1]  # one more of the article's, then the readers named
            quotes = head + article + named + [q for q in rest if q.source.kind != "article"]
        if lead.closest:
            # (a reader's question the lead names stays a question asked: "Carla Mendes asked the same: ...")
            quotes = [replace(q, role="asked" if q.role == "asked" or (q.source.kind == "comment" and _asks(q.text)) else "closest")
                      for q in quotes if q.role not in ("step", "says")][:2] or quotes[:2]
        if lead.because in ("author replies", "who said") and plan.kind == "opinion":  # not a question about views
            keep = 2 if lead.because == "author replies" else 3  # "who said ...?": their words first, not stance groups
            quotes = [replace(q, role="reader" if q.source.kind == "comment" else "support") for q in quotes[:keep]]
            return Plan("fact", _dedupe(quotes), f"**{lead.text}**", lead)
        return replace(plan, quotes=_dedupe(quotes), note=f"**{lead.text}**", lead=lead)

    def _stance_lead(self, question: str, sources: list[Source]) -> str:
        """"Readers who disagreed with the article: A, B and C." The whole set, from the post model's
        stances of the posts the answer draws on, whatever the retrieval found."""
        models = self.version.post_models
        posts = list(dict.fromkeys(s.doc for s in sources))
        if models is None or not posts:
            return ""
        comments = [r for p in posts if p in models.posts for r in models.posts[p].comments() if not r.by_author]
        records = self.version.records_by_id

        def names(*stances: str) -> list[str]:
            out = [records[r.key].author for r in comments if r.stance and r.stance.value in stances and r.key in records]
            return list(dict.fromkeys(who_named(a) for a in out))

        if not SET_OF_READERS.search(question):
            return ""  # "what did the therapist think?": her words answer it, not the list of every reader
        agree = (re.search(r"\bagree[ds]?\b|\bliked?\b|\bsupport|\bhelp(?:ed|s|ful)?\b|\brang true\b|\bmatch\w*|\bresonat\w*"
                           r"|\buseful\b|\bthank\w*|\bgrateful\b|\bworked for\b", question, re.I)
                 and not re.search(r"\bdisagree|\bpush\w* back|\bcriticis|\bcriticiz|\bagainst\b", question, re.I))
        if agree and re.search(r"\bor not\b|\bor (?:dis)?agree|\bagree or\b|\bmixed\b|\bsplit\b"
                               r"|\b(?:do|did) (?:the )?(?:people|readers|commenters|they|most|others)\b[^?]{0,40}\bagree\b", question, re.I):
            # "do the people in the comments agree with this or not?": both sides, named
            found, against, partly = names("agrees"), names("disagrees"), names("nuance")
            parts = [f"Readers who agreed with the article: {and_list(found)}." if found else "No reader agreed outright.",
                     f"Readers who disagreed: {and_list(against)}." if against else "No reader disagreed outright."]
            if partly:
                parts.append(f"Readers who agreed only in part: {and_list(partly)}.")
            return "**" + " ".join(parts) + "**"
        if agree:
            found = names("agrees")
            return f"**Readers who agreed with the article: {and_list(found)}.**" if found else "**No reader agreed with the article outright.**"
        if not DISAGREE.search(question):
            return ""  # "did anyone have it go badly?": a question about outcomes, not stances
        against, partly = names("disagrees"), names("nuance")
        if not against and not partly:
            return "**No reader disagreed with the article.**"
        parts = [f"Readers who disagreed with the article: {and_list(against)}." if against else "No reader disagreed outright."]
        if partly:
            parts.append(f"Readers who agreed only in part: {and_list(partly)}.")
        return "**" + " ".join(parts) + "**"

    def _answered_lead(self, question: str, intent, posts: set[str]) -> str:
        """"Did anyone answer Veronica?" -> yes or no first, from the post model and the reply graph: who
        answered the question her comment asks, or that nobody did (and who replied about something
        else); for a comment that asks nothing, who replied to it. "Did the author reply to X?" counts
        the author's replies only."""
        models = self.version.post_models
        graph = self.graph
        # ("the woman who got let go ... did the author say anything back to her?": its last sentence asks yes or no)
        last = re.split(r"[.?!…]+\s+", question.strip())[-1]  # a follow-up joined to what it follows: its own words
        # ("Veronica asked if she could text him, did she get an answer?": its last clause asks yes or no)
        yes_no = bool(YES_NO.match(question) or YES_NO.match(last) or YES_NO.match(re.split(r"[.?!…,;]+\s*", question.strip().rstrip("?!. "))[-1]))
        # ("did he end up getting help?" asks about her story, not who helped her)
        asks_for = r"\b(?:answer\w*|(?<!getting )(?<!get )(?<!got )(?<!seek )(?<!seeking )help(?:ed)?|respond\w*" + (
            # "what did people say to her?": what was said back to a reader whose comment asks something
            r"|(?:say|said|tell|told|advise\w*) (?:to |back to )?(?:her|him|them)" if intent.kind == "thread" else "") + (
            r"|repl\w*|wrote back|push\w* back|c[oa]me back (?:and |to )(?:say|tell|post|update|answer|reply)|(?:get|got|gets) (?:told|an answer|a reply|back)|hear\w* back from (?:any|some|the author|the writer)\w*|(?:say|said) (?:anything|something) back)\b"
            if yes_no else r")\b")
        if models is None or graph is None or not re.search(asks_for, question, re.I):
            return ""
        author = bool(leads.AUTHOR.search(question))
        lines = []
        for name in intent.names:
            first = re.escape(name.split()[0])
            theirs = graph.comments_by(name, posts)  # a name may comment under other posts too
            if yes_no and re.search(leads.REPORTED_BACK, question, re.I):
                # "did she ever come back and say how thursday went?": a later comment of theirs, or none
                later = theirs[1:]
                lines.append(f"Yes: {who_named(name)} came back in a later comment." if later else
                             f"No: {who_named(name)} never came back with an update; that comment is the only one they posted.")
                continue
            if yes_no and any(re.search(rf"^\W*(?:and |so |but )?(?:did|has|does) (?:he|she|they|{first})\b[^?]{{0,20}}\b(?:answer|repl|respon|write back|wrote back|get back|got back|c[oa]me back (?:and |to )(?:say|tell|post|update|answer|reply))",
                                        q, re.I) and not GOT_ANSWER.search(q)
                                for q in (question, last if not OTHERS_REPLIED.search(question) else question)):
                # "did he answer the women who asked him?": replies BY this reader, not to them
                mine = [k for k in theirs if graph.parent_of(k)]
                to = [who_named(graph.records[p].author) for k in mine if (p := graph.parent_of(k)) in graph.records]
                # "did gordon answer her?" with her named too (intent.names): his replies to her, and nothing more; only
                # when the question names him ("and did he ever answer her?" may mean either of them)
                others = ([who_named(n) for n in intent.names if who_named(n) != who_named(name)]
                          if re.search(rf"\b{first}\b", last, re.I) else [])
                to = [w for w in to if w in others] if others else to
                lines.append(f"Yes: {who_named(name)} replied to {and_list(list(dict.fromkeys(to)))}." if to
                             else f"No: {who_named(name)} did not reply to {and_list(others) if others else 'anyone'}.")
                if others:
                    break
                continue
            keys = [k for k in theirs if (m := models.get(k)) is not None and not m.by_author]
            asking = [k for k in keys if models.get(k).asks]
            for key in (asking or keys)[:1] if yes_no else keys:  # "did anyone answer Hollie?": her question, once
                r = models.get(key)
                who = who_named(graph.records[key].author)
                replies = [k for k in graph.replies.get(key, []) if k in graph.records]
                if not (r.asks or yes_no):
                    continue  # "who responded to X?": the replies themselves answer it
                if author and yes_no:
                    mine = [k for k in replies if (m := models.get(k)) is not None and m.by_author]
                    if mine:
                        lines.append(f"Yes: the author, {bare_author(who_named(graph.records[mine[0]].author))}, replied to {who}.")
                    else:
                        others = [who_named(graph.records[k].author) for k in replies]
                        lines.append(f"No: the author did not reply to {who}" + (f"; {and_list(list(dict.fromkeys(others)))} did." if others else "."))
                    continue
                answered = [who_named(graph.records[k].author) for k in r.answered_by if k in graph.records]
                others = [who_named(graph.records[k].author) for k in replies if k not in r.answered_by]
                if r.asks and answered:
                    lines.append(f"Yes: {and_list(list(dict.fromkeys(answered)))} answered {who}’s question.")
                elif r.asks and others:
                    lines.append(f"No: nobody answered {who}’s question; {and_list(list(dict.fromkeys(others)))} "
                                 f"replied about something else.")
                elif others:
                    lines.append(f"Yes: {and_list(list(dict.fromkeys(others)))} replied to {who}.")
                else:
                    lines.append(f"No: nobody replied to {who}’s {'question' if r.asks else 'comment'}.")
                if replies and re.search(rf"[?.,;]\s*(?:and |but |so )?(?:did|has|does) (?:he|she|they|{first})\b[^?]{{0,20}}"
                                         r"\b(?:answer|repl|respon|write back|wrote back)", question, re.I):
                    # "did anybody reply to deadlock? and did he answer them back": the second question, off the graph too
                    replied_to_them = {k for key in theirs for k in graph.replies.get(key, [])}
                    back = [who_named(graph.records[p].author) for k in theirs
                            if (p := graph.parent_of(k)) in replied_to_them and p in graph.records]
                    lines.append(f"{who} answered {and_list(list(dict.fromkeys(back)))}." if back else f"{who} did not answer them.")
        if not yes_no:  # "what did people say to her?" is answered, not said yes or no to
            lines = [re.sub(r"^(?:Yes|No): (\w)", lambda m: m.group(1).upper(), line) for line in lines]
        return "**" + " ".join(dict.fromkeys(lines)) + "**" if lines else ""

    @staticmethod
    def _no_replies(question: str, graph, names: set[str], posts: set[str]) -> str:
        """"Nobody replied to Angry and Upset's comment.", read off the reply graph (bot/retrieve/hybrid.py
        ReplyGraph), when the question asks for replies to a commenter nobody answered (otherwise their
        own words would pass for a reply)."""
        if not re.search(r"\b(?:repl|respon|answer|wrote back)", question, re.I):
            return ""
        named = {rid: graph.records[rid].author for name in names for rid in graph.comments_by(name, posts)}
        answered = {named[rid] for rid in named if graph.replies.get(rid)}
        lonely = sorted(set(named.values()) - answered)
        if not lonely:
            return ""
        who = " or ".join(f"{a}’s" for a in lonely)
        # a framing line (bold): the verifier keeps it as it is, a fact of the graph and no quote
        return f"**No: nobody replied to {who} {'comment' if len(lonely) == 1 else 'comments'}. What {' and '.join(lonely)} wrote:**"

    def _opinion_plan(self, cands: list[_Candidate]) -> Plan:
        """Readers' views, grouped by their stance (the post model: reviewed where a person reviewed it)."""
        stances = self.version.post_models.stances()
        # a reader's view is in their comment as a whole: the retrieved comments count, however
        # loosely one sentence matches "who disagreed?"
        hints = self.version.post_models.quotes()
        # a reader's reviewed stance sentence speaks for their view: where it was retrieved, it is the
        # one quoted, so "push back" never heads deadlock's "As a man I completely agree with this article."
        speaks = {_key(c.record) for c in cands if hints.get(_key(c.record)) and normalise(hints[_key(c.record)]) in c.text}
        cands = [c for c in cands if _key(c.record) not in speaks or normalise(hints[_key(c.record)]) in c.text]
        for c in cands:
            if _key(c.record) in speaks:
                c.score += 0.3
        picked = self._pick([c for c in cands if c.source.kind == "comment"] or cands, [], floor=OPINION_FLOOR)
        article = self._pick([c for c in cands if c.source.kind == "article"], [])[:1]
        quotes = []
        for q in picked:
            key = f"{q.source.doc}/{q.record_id}"
            stance = stances.get(key, "")
            role = "disagrees" if stance in ("disagrees", "nuance") else "agrees" if stance == "agrees" else "reader"
            if role == "disagrees" and hints.get(key) and normalise(hints[key]) not in q.text:
                role = "reader"  # another sentence of theirs, not the one that pushes back: no such header over it
            quotes.append(replace(q, role=role))
        order = {"disagrees": 0, "agrees": 1, "reader": 2}
        quotes.sort(key=lambda q: (order[q.role], -q.score))
        return Plan("opinion", quotes + [replace(a, role="support") for a in article])

    # --- helpers ------------------------------------------------------------

    def _quote(self, c: _Candidate, role: str, relation: str = "") -> Quote:
        return Quote(c.source, c.start, c.end, c.text, c.record.id, c.record.author if c.source.kind == "comment" else None,
                     role, relation, score=c.score)

    def _vectors(self, texts: list[str]):
        if not texts:
            return None
        try:
            vecs = np.asarray(self.scorer.vectors(texts), dtype=np.float32)
        except Exception:  # a scorer without vectors: no redundancy check
            return None
        norms = np.linalg.norm(vecs, axis=1, keepdims=True)
        return vecs / np.where(norms == 0, 1, norms)


_PAIRS = (("“", "”"), ("(", ")"))
_CLOSING_SINGLE = re.compile(r"’(?![^\W\d_])")  # ’ not followed by a letter: a closing quote, not "he’ll"


def _clear_winner(scores: dict, floor: float, margin: float):
    """The key scored best, when its score reaches ``floor`` and beats the runner-up by ``margin``; else None."""
    ranked = sorted(scores.items(), key=lambda kv: -kv[1])
    if not ranked or ranked[0][1] < floor or (len(ranked) > 1 and ranked[0][1] - ranked[1][1] < margin):
        return None
    return ranked[0][0]


def _description(question: str, described: re.Pattern = DESCRIBED) -> str:
    """"the guy who works nights" in "did the author ever answer the guy who works nights about his cutoff?": the
    words that describe a reader, up to where the question goes on (empty when none do)."""
    m = described.search(question)
    if not m:
        return ""
    # "the person asking about the leash": what they asked about describes them
    ends = r"and|but|or|when|if|because|did|does|do|has|ever" if m.group("doing") else r"about|and|but|or|when|if|because|did|does|do|has|ever"
    # (the first word after "who" is theirs: "the guy who did every step by the book" did it, asked nothing)
    head = re.match(r"\s*[\w'’-]+", question[m.end():]) if not m.group("doing") else None
    cut = m.end() + (head.end() if head else 0)
    rest = re.split(rf"[?.!,;]|\s(?:{ends})\s", question[cut:], maxsplit=1)[0]
    return (question[m.start():cut] + rest).strip()


def _asks(text: str) -> bool:
    """A question: it ends with "?" (behind any closing quotes)."""
    return text.rstrip("”’\"' ").endswith("?")


def _restates(said: set[str], text: str) -> bool:
    """A short sentence that adds at most one word to what the question and the post's title say."""
    words = set(tokenize(text))
    return len(words) <= 8 and len(words - said) <= 1


def _unbalanced(text: str) -> bool:
    """An opening quote or bracket without its closing one ("( normally both !!", "thinking: ‘what?!")."""
    if text.count("‘") > len(_CLOSING_SINGLE.findall(text)):
        return True
    return any(text.count(a) > text.count(b) for a, b in _PAIRS)


def _whole(seed: str, spans: list[tuple[int, int]]) -> tuple[int, int]:
    """The first sentence of ``spans``, taken on to its closing quote (“…another woman? Or … a MAN?”)."""
    start, end = spans[0]
    for _, e in spans[1:]:
        if not _unbalanced(seed[start:end]):
            break
        end = e
    return start, end


def _overlap(a, b) -> bool:
    return a.source.doc == b.source.doc and a.start < b.end and b.start < a.end


def _masked(source: Source, text: str) -> bool:
    """Whether ``text`` (or a sentence of it) is what the safety screen blanked in ``source``."""
    if not source.masked:
        return False
    spans = sentence_spans(text) or [(0, len(text))]
    return any(_overlaps_text(normalise(text[s:e]), m) for s, e in spans for m in source.masked)


def _overlaps_text(sentence: str, masked: str) -> bool:
    return bool(sentence) and (sentence in masked or masked in sentence)


# "This is the step people skip ...", "I know. It feels like giving up.", "My daughter was 9 ...": not what the step says to do
POINTER_OPENING = re.compile(r"^\W*(?:this|that|it|here|there|remember|i|my|me)\b", re.I)


def _cut_off(text: str) -> bool:
    """A sentence that starts in lower case is the rest of one the splitter cut at a quoted question mark ("But "why wasn't
    I invited?" puts people on the defensive")."""
    return text.lstrip("“\"'(")[:1].islower()


def _heading_like(text: str) -> bool:
    """A step of a few words with no closing stop ("Find a purpose that gets you out of the house") is a heading."""
    return len(text.split()) <= HEADING_WORDS and not re.search(r"[.!?]\W*$", text)


def _shown(intent) -> set[str]:
    """The sentences the previous answer quoted (``Intent.shown``), as candidates' texts read."""
    return {normalise(q).strip("“”") for q in getattr(intent, "shown", ()) or ()}


def _all_shown(quotes: list[Quote], intent) -> bool:
    """Every one of ``quotes`` was quoted by the previous answer."""
    shown = _shown(intent)
    return bool(quotes) and all(q.text.strip("“”") in shown for q in quotes)


def _dedupe(quotes: list[Quote]) -> list[Quote]:
    out: list[Quote] = []
    for q in quotes:
        if not any(_overlap(q, o) for o in out):
            out.append(q)
    return out


# a reader's suggestion to another, said gently: "I wonder if you could just calmly tell him ...", "You might have to try ..."
SUGGESTS = re.compile(r"\byou (?:could|might|may want to|should|need to|have to|can try)\b|\bi wonder if you\b|\btry (?:to )?(?:be|talk|tell|give|let)\b", re.I)


def _advises(text: str) -> bool:
    """Advice in a sentence: the post model's imperative or "should", or a reader's gentler suggestion."""
    return bool(advice_score(text)) or bool(SUGGESTS.search(text))


def _instructs(text: str) -> bool:
    """Advice, or advice after the clause that sets it up ("When you see them, wait until ... then ask once.")."""
    setup = re.match(r"\W*(?:when|if|once|after|before|whenever|as soon as)\b[^,]{0,80},\s*", text, re.I)
    return _advises(text) or (setup is not None and _advises(text[setup.end():]))


def _key(record) -> str:
    """The post-qualified id the post model is keyed by: records of two posts share ids."""
    return f"{record.doc}/{record.id}"
