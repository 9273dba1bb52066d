"""What kind of answer a question wants, by transparent rules (no model to download).

    intent = classify("What did Isabel say to Veronica?", authors)
    intent.kind     # "advice" | "why" | "said" | "thread" | "opinion" | "yesno" | "fact"
    intent.names    # commenters the question names, as the index spells them: ["Isabel", "Veronica"]
    intent.unknown  # names that look like a commenter's but are not one: ["Megan"]

The kind decides where the answer is looked for (thread questions read the reply graph,
opinions lean on the comments, advice on the article's steps) and how it is written
(bot/generate/extractive.py). Names are matched against the index's authors: whole words,
possessives ("Confused's"), first names of two-word names ("Marilyn"), any case.
"""

from __future__ import annotations

import difflib
import re
from functools import lru_cache
from dataclasses import dataclass, field, replace

from index.lexical import is_stopword

from bot.question.condense import POINTS_BACK

KINDS = ("advice", "why", "said", "thread", "opinion", "yesno", "fact")
COMMENT_KINDS = ("said", "thread", "opinion")

_THREAD = re.compile(
    r"\b(?:who|anyone|anybody|someone|somebody|did \w+|has \w+)\b[^?.!]{0,30}\b(?:repl(?:y|ied|ies)|respond\w*|answer\w*|wrote back|get back to|talk(?:ed)? to)\b"
    r"|\brepl(?:y|ied|ies) (?:to|under)\b|\b(?:respond\w*|answer\w*) to\b|\bwhat did \w+(?: \w+)? (?:say|tell|write|ask) (?:to|back)\b"
    r"|\bwhat (?:advice|answer|response|reply|replies) did\b|\bgot? (?:any )?(?:advice|answers?|repl(?:y|ies)|responses?)\b"
    r"|\b(?:agree|disagree|argue)\w* with (?!the article|the author|her advice|it\b)\w+|\bthread\b|\bunder (?:her|his|\w+'s) comment\b",
    re.I,
)
_OPINION = re.compile(
    r"\b(?:readers?|commenters?|people|anyone|anybody|everyone|who|the men who commented|men in the comments)\b[^?.!]{0,40}\b(?:agree|disagree|think|believe|buy|criticis\w*|critici[sz]\w*|"
    r"push(?:ed)? back|like[sd]?|object\w*|found|find|felt|feel|say about|thought|opinion|reacted|react)\b"
    r"|\b(?:in the comments|the comments|commenters|readers)\b|\bwho (?:disagreed|agreed|criticised|criticized|pushed back|liked)\b"
    r"|\bdo (?:readers|people|commenters) \w+\b|\bwhat do (?:the )?(?:readers|commenters)\b"
    r"|\b(?:did|does|do|has|have) (?:anyone|anybody|any (?:readers?|commenters?)|people|readers|commenters)\b[^?.!]{0,15}\b(?:say|said|think|find|found|feel|felt|agree|disagree|like|believe|mention|push)\w*\b",
    re.I,
)
# "i want to text him and ask what's wrong, is that a bad idea?": the reader's own plan, put to the article's advice
JUDGE_PLAN = re.compile(
    r"\b(?:is|isn'?t|would) (?:that|it|this|doing that) (?:be )?(?:a )?(?:really |very |such a )?"
    r"(?:bad|good|smart|terrible|dumb|stupid|wise|better) (?:idea|move|thing to do)\b"  # ("is it ok to ...?" asks a yes or no)
    # "should I ask him what's wrong?" (not "what should I do?", nor "why should I have to accept that?")
    r"|(?<!why )(?<!what )\bshould(?:n['’]?t)? (?:i|we) (?:just |still |really |even |maybe )?(?!(?:be|do|have|get)\b)[a-z]{2,}\b", re.I)
_ADVICE = re.compile(
    r"\b(?:what|how) (?:should|do|can|could|would|am) i\b|\bwhat (?:to|can i) do\b|\bhow (?:to|do you|should you)\b"
    r"|\btells? (?:me|you|us|women) to\b|\bfirst thing\b|\bwhat (?:do|should) (?:we|women|you) do\b"
    r"|\b(?:should|shall|must|do|shouldn'?t|shouldn’t) (?:i|we)\b|\b(?:i|we) should (?:do|change|try|stop|start)\b|\bwhat(?:'s| is) the (?:first|next|best) (?:thing|step)\b|\bsteps?\b|\badvi[cs]e\b|\bsupposed to\b(?! (?:work|be|mean|happen|help|go)\b)"
    # "what does this guy actually recommend for splitting housework?", "how does he suggest we split the chores?"
    r"|\b(?:what|how) does (?:the (?:article|author|post|blog|writer|guy|man|woman|lady)|this (?:guy|man|woman|lady|article|post|author|writer)"
    r"|she|he|it|they) (?:actually |really |even )?(?:tell|advise|suggest|recommend|say to do|want)\b|\bmeant to\b"
    r"|\b(?:anything|something) (?:she|he|it|they|the (?:article|author|post)) says? to do\b"
    r"|\b(?:now what|what now)\b|"  # "i did the yelp and he bit me again. now what"
    + JUDGE_PLAN.pattern,
    re.I,
)
# "what should I do?": the post's answer is its whole list of steps (bot/retrieve/hybrid.py fetches them, bot/compose/plan.py lists them first)
WHAT_TO_DO = re.compile(r"\bwhat (?:should|do|can|could|am) (?:i|we) (?:actually |really |even |just )?(?:do|supposed to do|meant to do|try)\b|\bwhat to do\b"
                        r"|\b(?:now what|what now)\b"
                        r"|\bwhat (?:i'?m|i am|im|we'?re|we are|i|we) (?:should|supposed to|meant to|ought to|need to|have to) do\b"  # "i dont know what im supposed to do"
                        r"|\bwhat (?:does|do|would) (?:she|he|they|it|this|(?:the|this) (?:article|post|author|blog|writer)) (?:actually |really |even )?"
                        r"(?:(?:want|expect|tell|advise|suggest)s? (?:me|us|you|women|people|readers) (?:to )?do"
                        r"|say (?:i|we|you)(?:'m| am|'re| are)? (?:should|supposed to|meant to|need to|have to) do)\b"
                        r"|\bhow (?:do|should|can|could) (?:i|we) (?:handle|deal|cope|get through|react|respond|act|fix)\b"
                        r"|\bhow (?:am|are) (?:i|we) (?:meant|supposed) to (?:handle|deal|cope|react|respond|act|behave|be)\b"
                        r"|\bwhat does (?:the|this) (?:article|post|author|blog) (?:advise|recommend|suggest)\W*$"
                        r"|\bwhat does (?:(?:the|this) (?:article|post|author|blog)|this) (?:say|think|suggest) (?:i|we|you|couples|people)"
                        r" (?:should|ought to|need to) (?:actually |really )?do\b", re.I)
# "what are the steps?", "list the five rules": the whole list, in order (never step 3 as if it were the answer)
ALL_STEPS = re.compile(
    r"\bwhat (?:are|were) (?:the |her |his |its |your |all the )?(?:\w+ )?(?:steps|rules|fixes|habits|tips|promises)\b"
    r"|\b(?:list|give me|tell me|show me|name) (?:all )?(?:of )?(?:the |her |his |its |your )?(?:\w+ )?(?:steps|rules|fixes|habits|tips|promises)\b"
    r"|\bstep by step\b|\ball (?:the |of the )?(?:\w+ )?(?:steps|rules|fixes|habits|tips|promises)\b", re.I)
# the post's own writer, as readers call them
ABOUT_AUTHOR = re.compile(r"\b(?:the )?(?:author|writer|blogger|coach)\b", re.I)
# a question about the post as a whole ("what's the main point?"): it is answered whatever its words match
ABOUT_POST = re.compile(
    r"\b(?:main (?:point|idea|message|takeaway|argument)s?|summar\w*|tl;?dr|in a nutshell|gist|key (?:points|takeaways)"
    r"|what(?: is|'s) (?:the|this) (?:article|post|blog(?: post)?) about|what does (?:the|this) (?:article|post|author|blog) "
    r"(?:say|advise|recommend|suggest|teach|argue)\W*$)", re.I)


# "what's the first thing she says to do?", "what does rule 2 say?": one step of the list, by its place in it
ASKED_STEP = re.compile(
    r"\b(?:(first|second|third|fourth|fifth|sixth|seventh|eighth|last|final|1st|2nd|3rd|4th|5th|6th|7th|8th) (?:step|thing|part|one|rule|fix|tip)"
    r"|(?:step|part|rule|fix|tip|no\.?|number|#) ?(one|two|three|four|five|six|seven|eight|[1-9])\b(?! (?:times|nights|days|weeks|months|years|hours|minutes)\b)"
    r"|^\W*(?:ok\W*|so\W*)?(?:and )?(?:what about )?the (first|second|third|fourth|fifth|sixth|seventh|eighth|last|final)\W*$)", re.I)


# "how long did the whole thing take her?": the time the writer's own story took, said in so many words
TOOK_ASKED = re.compile(r"\bhow long (?:did|does|will|would|has|is) (?:it|this|that|the whole (?:thing|process)|the process|everything)"
                        r" (?:\w+ )?(?:take|taken|taking)\b", re.I)
TOOK_SAID = re.compile(r"\btook (?:us|me|her|him|them|you)?\s*(?:just |only |about |around |over |nearly |almost |roughly |exactly )?"
                       r"(?:\d+|a|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|\w+teen|twenty\w*) "
                       r"(?:more |whole |full |long )?(?:minutes?|hours?|days?|nights?|weeks?|months?|years?)\b", re.I)


def asks_for_list(question: str) -> bool:
    """"What are the steps?", "what's the main point?": the list itself, not a situation one step may answer."""
    return bool(ALL_STEPS.search(question) or ABOUT_POST.search(question))


def wants_whole_list(question: str) -> bool:
    """"What should I do?", "list the rules", "what's the main point?": the article's whole list of steps
    answers it (bot/retrieve/hybrid.py fetches them, bot/compose/plan.py puts them first)."""
    return bool(WHAT_TO_DO.search(question) or ALL_STEPS.search(question) or ABOUT_POST.search(question))
_WHY = re.compile(r"^\s*(?:so,? |and |but |ok,? )?(?:why|how come)\b|\bwhat(?:'s| is| are) the (?:reason|cause)s?\b|\breason\b", re.I)
_YESNO = re.compile(r"^\s*(?:so,? |and |but |ok,? )?(?:is|are|do|does|did|can|could|should|will|would|has|have|was|were|isn'?t|doesn'?t)\b", re.I)
# "how long was it before that guy in the comments came back?": a fact about a reader, not what readers think
_ASKS_FACT = re.compile(r"^\W*(?:how long|how many|how old|how much|how often|when (?:did|was|were|is|will))\b", re.I)
_SAID = re.compile(r"\bwhat did\b|\bwhat (?:does|was|is)\b[^?.!]{0,20}'s (?:comment|story|point|advice|question)\b|\bsa(?:y|id)\b|\bwr(?:ite|ote)\b|\bask(?:ed)?\b|\bcomment\b", re.I)
# Capitalised words that name something else than a commenter in this corpus or in questions.
_NOT_NAMES = set(
    """I I'm Is Are Do Does Did Can Could Should Would Will What Why How When Where Who Which The A An And But So Or If
    Ok OK Yes No Hi Hey God Valentine Valentine's Thursday Friday Monday Tuesday Wednesday Saturday Sunday
    New Orleans UM Part Step Disclaimer Science Men Women He She His Her My Me It Its That This They Their Was Were
    Has Have According Per Tell Give Please Thanks Thank Also Then Any Anyone Anybody Someone Everyone Nobody Dear Ladies""".split()
)
_NAME_AFTER = re.compile(
    r"(?:\bcommenters?\s+(?:called\s+|named\s+)?|\breader\s+(?:called\s+|named\s+)?)([A-Z][a-z]{2,})\b"
    r"|(?:\b(?:did|does|was|is|has)\s+|\bby\s+|\bto\s+|\bfrom\s+|\bfor\s+)([A-Z][a-z]{2,})(?=\s+(?:say|said|write|wrote|ask|asked|reply|replied|think|mean|comment|post|answer|get|give|tell|\?|$)|'s\b|\s*\?)"
    r"|\b([A-Z][a-z]{2,})'s\s+(?:comment|story|question|post|reply|advice|point)\b",
)
_SHORT_NAME = re.compile(r"\b[A-Z]{1,2}\b")


@dataclass(frozen=True)
class Intent:
    kind: str
    names: tuple[str, ...] = ()  # authors named, as the index spells them
    unknown: tuple[str, ...] = ()  # look like a commenter's name but are not one
    near: dict = field(default_factory=dict)  # unknown name -> closest authors
    query: str = ""  # what the answer is scored against: the question, or a follow-up with what it follows
    shown: tuple[str, ...] = ()  # a follow-up: the quotes the previous answer showed (it moves on from them)

    @property
    def wants_comments(self) -> bool:
        return self.kind in COMMENT_KINDS or bool(self.names)


# a phrase the question quotes: "the 'give two choices' thing", "what does she mean by “polarized”?"; a single quote
# opens only where no letter comes before it and closes only where none comes after ("if it's the woman who's pulling
# away" quotes nothing)
QUOTED = re.compile(r"(?:[\"“]|(?<![^\W\d_])[‘'])([^\"”’']{6,80})(?:[\"”]|[’'](?![^\W\d_]))")


def fold(text: str) -> str:
    """Lowercase words only, curly apostrophes straightened: a quoted phrase is found in the text however it is typed."""
    return " ".join(re.sub(r"[^\w\s]", " ", text.casefold().replace("’", "'")).split())


def _words(text: str) -> list[str]:
    return re.findall(r"[^\W_]+", text.casefold())


@dataclass(frozen=True)
class _Names:
    """The commenters' names, indexed once per list of authors: a question looks up its own words, so
    its cost does not grow with the number of commenters (a loop over 10k names took ~85 ms a question)."""

    order: dict[str, int]  # author -> position in the list (first occurrence)
    whole: dict[str, list[str]]  # a name's words, joined by spaces (names of 3+ letters) -> authors
    first: dict[str, list[str]]  # the first word (4+ letters) of a name of several words -> authors
    brief: dict[str, list[str]]  # the first word of two or three letters ("Jo" of "Jo Pearson") -> authors
    short: frozenset[str]  # names of one or two letters, matched only as written capitals
    longest: int  # words in the longest name
    known: frozenset[str]  # every word of every name


@lru_cache(maxsize=16)
def _names(authors: tuple) -> _Names:
    order: dict[str, int] = {}
    whole: dict[str, list[str]] = {}
    first: dict[str, list[str]] = {}
    brief: dict[str, list[str]] = {}
    short: set[str] = set()
    longest = 0
    known: set[str] = set()
    for author in dict.fromkeys(a for a in authors if a):
        parts = _words(author)
        known.update(parts)
        if not parts:
            continue
        order[author] = len(order)
        if len("".join(parts)) < 3:
            short.add(author)
            continue
        whole.setdefault(" ".join(parts), []).append(author)
        longest = max(longest, len(parts))
        if len(parts) > 1 and len(parts[0]) >= 4:
            first.setdefault(parts[0], []).append(author)
        elif len(parts) > 1 and len(parts[0]) >= 2 and parts[0].isalpha() and not is_stopword(parts[0]):
            brief.setdefault(parts[0], []).append(author)
    return _Names(order, whole, first, brief, frozenset(short), longest, frozenset(known))


def _writes_capitals(question: str) -> bool:
    """The writer starts the question with a capital: then a name they mean is written with its capital too
    ("Which commenter ...? That one made me angry." names nobody; "what did marilyn say" names Marilyn)."""
    first = re.search(r"[^\W\d_]", question)
    return first is not None and first.group().isupper()


def _as_name(word: str, question: str) -> bool:
    """A lowercase word used as a name: "the angry comment", "replies to angry", "angry's reply"."""
    w = re.escape(word)
    return bool(re.search(rf"\b(?:the|by|to|from|did|does|and|with) {w}\b|\b{w}(?:['’]s| comment| commenter| one| reader)\b",
                          question, re.I))


def _inside_another(name: str, parts: dict[str, list[str]], by_word: dict[str, list[str]]) -> bool:
    """Are all of ``name``'s words among the words of a longer name found ("B" in "Dima B")? Only names holding
    its rarest word are compared: a pass over every pair cost ~1 s for the 1,350 "Veronica N" of a large blog."""
    own = set(parts[name])
    if not own:
        return any(parts[other] for other in parts if other != name)
    rarest = min(own, key=lambda w: len(by_word.get(w, ())), default="")
    return any(other != name and own < set(parts[other]) for other in by_word.get(rarest, ()))


def named_authors(question: str, authors) -> list[str]:
    """Authors the question names: the whole name, or the first word of a longer name (4+ letters);
    names of one or two letters ("P", "AC", "YZ") only when written as capitals."""
    words = _words(question)
    joined = " " + " ".join(words) + " "
    capitals = set(_SHORT_NAME.findall(question)) - {"I", "A", "OK"}
    names = _names(tuple(authors))
    hits = {a for a in capitals if a in names.short}
    for size in range(1, min(names.longest, len(words)) + 1):
        for i in range(len(words) - size + 1):
            hits.update(names.whole.get(" ".join(words[i : i + size]), ()))
    for word in set(words):
        if names.first.get(word) and (not _writes_capitals(question) or word.capitalize() in question
                                      or _as_name(word, question)):
            hits.update(names.first[word])  # "Marilyn" for "Marilyn Crosbie"; "made me angry" is not "Angry and Upset"
        elif names.brief.get(word) and (word.capitalize() in re.findall(r"\b[A-Z][a-z]+\b", question) or _as_name(word, question)):
            hits.update(names.brief[word])  # "what happened with jo in the end?" names Jo Pearson; "so do i" names no "Do Kim"
    found = sorted(hits, key=names.order.__getitem__)  # the authors' order, as a loop over them gave
    # a short name inside a longer one found ("B" in "Dima B") is not a name of its own
    parts = {a: _words(a) for a in found}  # once each: "Veronica" may name hundreds of "Veronica N"
    by_word: dict[str, list[str]] = {}  # word -> the found names holding it
    for a in found:
        for w in set(parts[a]):
            by_word.setdefault(w, []).append(a)
    found = [a for a in found if not _inside_another(a, parts, by_word)]
    # order of appearance in the question
    return sorted(found, key=lambda a: joined.find(" " + parts[a][0] + " ") % (len(joined) + 1))


def classify(question: str, authors=(), mentioned: frozenset[str] = frozenset()) -> Intent:
    """``mentioned``: capitalised words the indexed posts use (the author, people in the stories): a
    name among them is not an unknown commenter."""
    names = tuple(named_authors(question, authors))
    unknown, near = [], {}
    known = _names(tuple(authors)).known | {m.casefold() for m in mentioned}
    for m in _NAME_AFTER.finditer(question):
        name = next((g for g in m.groups() if g), None)
        if name and name not in _NOT_NAMES and name.casefold() not in known:
            unknown.append(name)
            near[name] = difflib.get_close_matches(name, [a for a in authors if a], n=3, cutoff=0.5)
    q = question.strip()
    if _THREAD.search(q) and (names or re.search(r"\b(?:her|his|their|the) comment\b|\banyone\b|\banybody\b", q, re.I)):
        kind = "thread"
    elif _THREAD.search(q) and re.search(r"\bwho\b", q, re.I):
        kind = "thread"
    elif names and _SAID.search(q):
        kind = "said"
    elif _OPINION.search(q) and not names and not _ASKS_FACT.search(q):
        kind = "opinion"
    elif wants_whole_list(q):
        kind = "advice"  # "what's the main point?", "what should we do?": the article's steps and what it adds
    elif _WHY.search(q):
        kind = "why"
    elif _ADVICE.search(q):
        kind = "advice"
    elif _YESNO.search(q):
        kind = "yesno"
    elif names:
        kind = "said"
    else:
        kind = "fact"
    return Intent(kind, names, tuple(dict.fromkeys(unknown)), near)


# a follow-up pointing back at a list (bot/question/condense.py's), or naming one of its items ("the 2nd step", "and the third?")
_POINTS_BACK = re.compile(
    POINTS_BACK.pattern + r"|\b(?:first|second|third|fourth|fifth|last|next|other|1st|2nd|3rd|4th|5th) (?:step|rule)\b"
    r"|^\W*(?:ok\W*|so\W*)?(?:and )?(?:what about )?the (?:first|second|third|fourth|fifth|last|final)\W*$", re.I)
_REFERS = re.compile(r"\b(?:he|him|his|she|her|they|them|their|that|after that)\b", re.I)


def shown_in(answer: str) -> tuple[str, ...]:
    """The quotes an earlier answer showed (its “…” spans), so a follow-up can move on from them."""
    return tuple(q.strip() for q in re.findall(r"“([^”]{12,}?)”(?= \[\d)", answer or ""))


def intent_for(question: str, query: str, authors=(), mentioned: frozenset[str] = frozenset(), answered: str = "") -> Intent:
    """The intent of a question in a conversation: its own kind and names; a follow-up that refers to
    someone ("did anyone reply to her?") takes the names of what it follows (``query``), or else of the lead of
    the answer it follows (``answered``: "who was that?" -> "**It was deadlock, in the comments.**" -> "did he
    ever answer them?" is about deadlock)."""
    intent = classify(question, authors, mentioned)
    if query != question and intent.kind in ("fact", "yesno") and _POINTS_BACK.search(question):
        earlier = classify(query, authors, mentioned)
        if earlier.kind == "advice":  # "what's the 2nd one again?" after the steps: still about the steps
            intent = replace(intent, kind="advice")
    if not intent.names and query != question and (_REFERS.search(question) or intent.kind in ("said", "thread")):
        earlier = classify(query, authors, mentioned)
        if earlier.names:
            kind = intent.kind if intent.kind in ("said", "thread", "opinion") else earlier.kind
            intent = replace(intent, names=earlier.names, kind=kind)
        elif _REFERS.search(question) and (lead := _lead_of(answered)):
            intent = _about_the_one_named(intent, lead, authors)
    elif not intent.names and _ASKS_ABOUT_THEM.match(question) and (lead := _lead_of(answered)):
        # a longer question that opens on the reader just named ("It was Marcus D., in the comments." -> "so did he end up
        # finding new people or just give up on friends altogether"): about that reader, however many words it has
        intent = _about_the_one_named(intent, lead, authors)
    return replace(intent, query=query)


def _about_the_one_named(intent: Intent, lead: str, authors) -> Intent:
    named = tuple(named_authors(lead, authors))
    if len(named) != 1:  # the one reader the bot itself named, not a list of them
        return intent
    return replace(intent, names=named, kind=intent.kind if intent.kind in ("said", "thread", "opinion") else "said")


# "so did he end up ...", "and has she ever ...", "what did they say back": a question whose subject is someone just named
_ASKS_ABOUT_THEM = re.compile(r"^\W*(?:(?:so|and|but|ok|okay|wait|then|oh)[,.]?\s+)*(?:(?:did|does|has|had|is|was|will|would)\s+(?:he|she|they)"
                              r"|(?:what|how|why|when)\s+(?:did|does|has|had|is|was)\s+(?:he|she|they))\b", re.I)


_QUOTED_BY = re.compile(r"^(?:\*\*)?(.+?) (?:wrote|also wrote|replied to .+?|added, in a later reply): “", re.M)


def first_reader(answer: str, authors, besides: frozenset[str] | None = None) -> str:
    """The reader an earlier answer quoted first ("Louise M wrote: “I don't think it was anyone's fault.”"), as the
    index spells them; "" when it quoted none. ``besides``: who is not the reader meant (the post's author: in
    "Gordon Pell replied to Lorraine Haskett: “...”" the reader is Lorraine Haskett)."""
    for m in _QUOTED_BY.finditer(answer or ""):
        named = [n for n in named_authors(m.group(0) if besides else m.group(1), authors) if n not in (besides or ())]
        if len(named) == 1:
            return named[0]
    return ""


def _lead_of(answer: str) -> str:
    """The bold first line of an answer ("**It was deadlock, in the comments.**"), or ""."""
    first = answer.lstrip().split("\n", 1)[0].strip()
    return first.strip("*") if first.startswith("**") and first.endswith("**") else ""


_ASKING = re.compile(r"^(?:(?:so|and|but|ok|okay|now|then|like|also|anyway)[,.]?\s+)*(?:what|how|why|when|where|who|which|whose"
                     r"|is|are|was|were|do|does|did|can|could|should|would|will|am|any|anything)\b", re.I)


def asks_anything(text: str) -> bool:
    """Does the message ask at all? "the one i know i'll struggle with is straight after tea" tells; it asks nothing."""
    return "?" in text or any(_ASKING.match(t.strip()) or _REQUEST.match(t.strip())
                              for t in re.split(r"(?<=[.!,;])\s+|\n+", text) if t.strip())


# "give me the short version", "tell me what she says", "list the steps": a request asks too
_REQUEST = re.compile(r"^(?:(?:so|and|but|ok|okay|now|then|also|anyway|please|pls|can you|could you)[,.]?\s+)*"
                      r"(?:give|tell|show|list|explain|summari[sz]e|sum up|remind|walk me|break (?:it|that) down|help)\b", re.I)


def asking_part(question: str) -> str:
    """The sentences that ask, without the reader's story before them: those ending in "?", or with none, those that
    open like a question ("my lab chomps my hand. what am i supposed to do when he bites" -> "what am i supposed to do
    when he bites"); "" when nothing is set apart (one sentence, or no sentence asks)."""
    asked = [q.strip() for q in re.findall(r"[^.?!]*\?", question) if q.strip()]
    if not asked:
        sentences = [t.strip() for t in re.split(r"(?<=[.!])\s+|\n+", question) if t.strip()]
        asked = [t for t in sentences if _ASKING.match(t)] if len(sentences) > 1 else []
    return " ".join(asked)
