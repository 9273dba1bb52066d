"""The first line of an answer: the answer itself, in the bot's words, built from facts the index can check.

    lead = leads.lead_for(question, kind, facts)   # Lead(text, because) or None

Each lead is a template filled with facts read off the index, never free text from a model:
- "Did the author reply to anyone?"  -> yes or no, from the reply graph and the post model's
  ``by_author`` comments;
- "How long ...?" / "When ...?"       -> the duration written in the passage that answers it (an exact
  span), or that the text gives no timeframe;
- "Is that true? Any evidence?"       -> that the article states the claim without citing a study or
  source, when the post model marks the cited passage as a contested claim and it names no source;
- "Is it okay to ...?" / "Should I ...?" -> "No: the article says not to." when the passage that answers
  it best is a prohibition of what was asked ("Please don't ...");
- a question about something the post never mentions ("what supplements does it recommend?")
  -> that the article and comments don't mention it, then the closest passage, labelled as the closest.

The facts come in as data (``Facts``), so each rule is a small pure function, tested without a Bot.
"""

from __future__ import annotations

import difflib
from collections import Counter
import re
from dataclasses import dataclass, field, replace

from index.lexical import tokenize
from index.packaged_model import whole_words
from index.understand.annotate import bare_author
from index.understand.rules import DEFERS, NOT_ABOUT, endings, plain

from bot.question.intent import ABOUT_AUTHOR as AUTHOR
from bot.question.intent import QUOTED, fold
from bot.question.topic import META as _META
from bot.question.topic import topic_words as _topic_words
from bot.question.intent import TOOK_ASKED, TOOK_SAID, asking_part

# --- question shapes -------------------------------------------------------------

HOW_LONG = re.compile(
    r"\bhow long\b|\bhow many (?:days|weeks|months|years|hours|nights)\b|\bhow soon\b"
    r"|\bhow much (?:time|rest|recovery|downtime|sleep|break|notice|warning|advance warning|lead time|time off)\b"
    r"|\btime ?frame\b|\buntil when\b|^\s*(?:and |so |but )?when (?:will|would|does|do|did|should|can|is|are)\b", re.I)
HOW_MANY = re.compile(r"\bhow (?:many|much|often)\b|\bwhat number\b|\b(?:give|gives|name|names) a number\b|\bwhat percent", re.I)
NUMBER = re.compile(r"\b\d+(?:[.,]\d+)?\s*(?:%|percent|times|a day|a week|texts?|messages?|calls?|dollars?)?|\$\d[\d,]*"
                    r"|[£$€]\s?\d[\d,]*(?:\.\d+)?"  # "£100 each"
                    r"|\b(?:once|twice|three times|every (?:day|other day|week|night))\b"
                    r"|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|twenty|fifty|a hundred) (?:times|percent|texts?|messages?|calls?|dollars?)\b", re.I)
# "how often?": a frequency ("every three months", "weekly"), asked for in so many words
FREQUENCY = re.compile(r"\b(?:(?:once|twice) )?every (?:other |single )?(?:day|night|week|weekend|month|year|morning|evening)\b"
                       r"|\b(?:(?:once|twice) )?every (?:\d+|two|three|four|five|six|seven|eight|nine|ten|twelve) (?:days|weeks|months|years)\b"
                       r"|\b(?:weekly|monthly|daily|yearly|annually|fortnightly|once a (?:day|week|month|year))\b", re.I)
_SPELLED = r"(?:\d+|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|fifty|a hundred)"
_UNIT = r"(?:second|minute|hour|day|night|week|weekend|month|year)s?"
# "five friends", "four to six people", "six or seven time-outs"; a time ("two minutes") is a duration, not a count
COUNTED = re.compile(rf"\b{_SPELLED}(?:\s*(?:-|–|to|or)\s*{_SPELLED})?\s+(?!{_UNIT}\b)(?:[a-z]+\s+)?(?!{_UNIT}\b)"
                     r"(?:(?:[a-z]+-)*[a-z]{2,}s|people|men|women|children)\b", re.I)
# "what foods or supplements does the article recommend?": the thing asked for, before the verb and its
# subject (a pronoun, the article, or a name the post mentions: asked_for adds those)
# ("at what point does this stop being normal?", "by what age should ...": when, asked, not a thing asked for)
ASKED_THING = (r"(?<!\bat )(?<!\bby )(?<!\bfrom )\b(?:what|which|any) ((?:[^\W\d_]+ ){{0,2}}?[^\W\d_]+) (?:does|do|did|is|are|would|should|can) "
               r"(?:the|this|she|he|it|they|the author|the article|the post{names})\b")
# asking what a claim rests on: "does she back it up?", "is that legit or hype?", "any proof?"
ASKS_BACKING = re.compile(r"\b(?:evidence|proof|proven|prove|cite[sd]?|citing|sources?|stud(?:y|ies)|research|science|scientific|data"
                          r"|back(?:s|ed)? (?:it |this |that )?up|backing|legit|hype|myth|made[- ]up|make (?:it|that|this) up"
                          r"|based on|get (?:that|this|it) from|stats?|statistics?|(?:just|only) (?:her|his|their|an?) (?:own )?opinion)\b", re.I)
CLAIM_SIM = 0.5  # without a quoted phrase, the article's closest sentence is the claim asked about when this close
# "any supplements or protein powders she recommends?": the things asked for, before the post's subject and its verb
ASKED_ANY = (r"\b(?:any|what|which) ((?:[^\W\d_]+ ){{0,4}}?[^\W\d_]+),? (?:that |which )?(?:she|he|it|they|the author|the article"
             r"|the post{names}) (?:\w+ly )?(?:recommends?|suggests?|mentions?|uses?|likes?|swears by|advises?)\b")
REPLIED = re.compile(r"\b(?:repl\w*|respon\w*|answer\w*|(?:wrote|write|writes|written) back|comment\w* back|get back|got back"
                     r"|push(?:ed)? back on (?:him|her|them|the (?!(?:article|post|author|advice|idea|rules?|steps?|blog|writer)\b)\w+)|(?:disagree\w*|argue\w*) with (?:him|her|them)"
                     r"|(?:say|said) (?:anything|something) back|engag\w*)\b", re.I)
# doubt about a claim: "is that proven?", "where does she get that?", "isn't that a stereotype?"
EVIDENCE = re.compile(
    r"\b(?:evidence|proof|proven|backed|cite[sd]?|citing|sources?|true|legit|accurate|real thing|facts?|stats?|statistics?"
    r"|(?:just|only) (?:her|his|their|the author'?s|an?) (?:own )?opinion"
    r"|make (?:that|this|it) up|made (?:that|this|it) up|made[- ]up|a stretch|exaggerat\w*|based on|says who|who says"
    r"|where (?:does|did) (?:she|he|the author|the writer|it) get|stereotyp\w*|generali[sz]\w*|sexist|clich\w*"
    r"|(?:any|which|what|real|actual|cited?) (?:stud(?:y|ies)|research|science|data)"
    r"|where(?:'s| is| are) (?:the|her|his|your) (?:stud(?:y|ies)|research|science|data|evidence|proof|source))\b"
    r"|\b(?:stud(?:y|ies)|research|science|data) (?:says?|shows?|backs?|behind)\b", re.I)
# an objection to the article's advice or view (not a request for its evidence): "isn't that just bad advice?"
OBJECTS = re.compile(
    r"\b(?:bad|terrible|awful|horrible|harmful|toxic|unhealthy|sexist|misogyn\w*|unfair|rude|naive|outdated|old[- ]fashioned"
    r"|manipulative|disrespectful|doormat|put up with|excuses?|enabl(?:e|es|ing)|red flags?|one[- ]sided|victim[- ]blam\w*|gaslight\w*"
    r"|blam(?:e|es|ing) (?:women|us|me|the woman|the wife|the mother|the parent))\b"
    r"|\b(?:isn'?t|wouldn'?t|is) it (?:actually |really )?(?:better|healthier|smarter|fairer|kinder)\b|\bi (?:don'?t|do not) (?:agree|buy)\b"
    r"|\bi disagree\b|\bdon'?t you think\b", re.I)
AGREES = re.compile(r"\b(?:i|we) (?:\w+ )?agree with\b|\bso (?:true|right)\b", re.I)  # "As a man I completely agree with this article."
ASKS_EVIDENCE = re.compile(r"\b(?:evidence|proof|proven|cite[sd]?|citing|sources?|stud(?:y|ies)|research|science|data|made[- ]up|make (?:that|this|it) up"
                           r"|says who|who says)\b", re.I)
_CLAUSE_START = r"(?:^|[.?!,;:]\s*|\b(?:so|and|but|or|then)\s+)\s*"  # where a may-I or must-I question can begin
MAY_I = re.compile(_CLAUSE_START + r"(?:should (?:i|we|you)|can (?:i|we|you)|may (?:i|we)"
                   r"|do (?:i|we|you) (?:need|have) to|must (?:i|we))\b"
                   r"|\bam i (?:allowed|permitted) to\b|\bis it (?:ok(?:ay)?|safe|fine|alright|all right|a good idea|good|smart|wise) (?:to|if)\b", re.I)
ASKS_AGAINST = re.compile(r"\b(?:not|never|bad|wrong|dangerous|unsafe)\b", re.I)  # "is it bad to ...?": its own polarity
# "You can tell him you feel hurt": a sentence that gives leave
PERMITS = re.compile(r"^\W*(?:and |but |so |of course,? |yes,? )?(?:you can|you may|you(?:['’]re| are) allowed to|it['’]?s (?:ok(?:ay)?|fine|alright|all right) to"
                     r"|it is (?:ok(?:ay)?|fine|alright|all right) to|feel free to)\b", re.I)
# "Is that normal?", "should I be worried?": answered by a sentence that says not to worry ("don't panic if the scale goes
# up a pound or two", "Biting is not a sign you got a bad puppy")
IS_NORMAL = re.compile(r"\b(?:is|was|are) (?:this|that|it|these|those) (?:normal|common|ok(?:ay)?|expected|usual|typical)\b"
                       r"|\bis it normal\b|\bshould (?:i|we) (?:be )?(?:worr|panic|concern|scared|freak)\w*"
                       r"|\bam i doing (?:something|it|this|anything) wrong\b", re.I)
REASSURES = re.compile(r"\b(?:don['’]?t|do not|no need to|never) (?:panic|worry|be alarmed|freak out)\b|\b(?:perfectly|completely|totally"
                       r"|very|quite) (?:normal|natural|common)\b|\b(?:is|are|it['’]s) (?:normal|natural|expected|to be expected)\b"
                       r"|\b(?:is|are)(?: not|n['’]t) a sign\b|\bnot a sign (?:of|that|you)\b", re.I)
# "Every pot you use must have a drainage hole": a sentence that makes something a must
REQUIRES = re.compile(r"\b(?:must|always need to|have to always|is a must|non-negotiable)\b", re.I)
PROHIBITION = re.compile(r"^\W*(?:please,? |so,? |but,? |and,? )?(?:don['’]?t|do not|never|avoid|stop)\b", re.I)
MUST_I = re.compile(_CLAUSE_START + r"(?:do|should|must) (?:i|we) (?:really |actually |honestly |still |always )?(?:have|need|got) to\b"
                    r"|(?<!\bhow )(?<!\bwhat )(?<!\bwhen )\bam i (?:supposed|meant|expected) to\b"
                    r"|\b(?:say|says|saying|mean|means) (?:that )?(?:i|we) (?:really |actually )?(?:have|need|got) to\b", re.I)  # not "how am I meant to react?"
NOT_REQUIRED = re.compile(r"\b(?:doesn[’']?t|does not|don[’']?t|do not) (?:mean (?:that )?)?(?:you )?(?:have|need) to\b|\bno need to\b", re.I)
# "who was it that compared ...", "which commenter blamed women ...": a question whose answer is a reader
# (one person: not "which of the commenters were ...", nor "who is Renee?")
WHO_SAID = re.compile(r"^\W*(?:there(?:'s|’s| is| was)|wasn'?t there) (?:a |one |this )?(?:comment|commenter|reader|person|someone|somebody|guy|woman|girl|lady)\b"
                      r"[^?]*\b(?:right|isn'?t (?:there|it)|wasn'?t (?:there|it))\W*$"  # "there's a comment from someone where ..., right?"
                      r"|(?:^|[.!?]\s+|[,;]\s*(?=(?:who (?:was|is|'s|’s) (?:that|it|this|they|he|she)|which (?:one|commenter|reader|person) (?:was|is) (?:it|that|this|they))\W*$))\W*(?:so,? |and |but |ok,? |okay,? )?(?:who\b(?!\s*(?:is|are|were|was|'s|’s)\s+(?-i:[A-Z])|\s*(?:is|are|were|was|'s|’s)\s+(?:he|she|they|you)\b)"
                      r"|which (?:commenter|reader|person|woman|lady|one(?! (?:of (?:those|these|them|the \w+)|was number|is number))|guy|man|girl)(?:'s|’s)?\b)"
                      r"(?![^?]{0,40}\b(?:were|are|have)\b)"  # ("which one of those is the hardest?" asks for a step)
                      # "there was a guy with three stepkids ..., whats his name?", "what was his username"
                      r"|\bwhat(?:['’]?s| is| was) (?:his|her|their|the (?:guy|girl|woman|man|lady|person|reader|commenter)['’]s) (?:user ?)?name\b", re.I)
STANCE = re.compile(r"\b(?:dis)?agree\w*|\bpush\w* back|\bcriticis\w*|\bcriticiz\w*|\bliked\b|\bagainst\b|\bsupport\w*", re.I)
ONE_PERSON = re.compile(r"\bwho (?:was|is|'s|’s) (?:it|that|this|the (?:guy|man|woman|girl|lady|person|one|commenter|reader))\b"
                        r"|\bwhich (?:commenter|reader|person|woman|lady|one(?! of (?:those|these|them|the \w+))|guy|man|girl)\b"
                        r"|\b(?:the|a|one) (?:\w+ )?(?:guy|man|woman|girl|lady|person|one|commenter|reader) (?:in the comments )?(?:who|that)\b", re.I)
ABOUT_WRITER = re.compile(r"\b(?:wrote|write|written|writes) (?:the|this) (?:article|post|blog)\b|\bwho(?:'s| is| was) (?:the )?(?:author|writer|blogger)\b", re.I)
IN_COMMENTS = re.compile(r"\bcomments?\b|\bcommenters?\b|\breaders?\b|\bwho (?:wrote|posted)\b", re.I)
DOUBT = re.compile(r"^\s*(?:is|are|was|does|do|did|has|where|what|which|how|isn'?t|really|but|so)\b|\?|\bsays who\b|\bmade[- ]up\b"
                   r"|[.,;!…]\s*(?:is|are|does|did|where|what|which|how|isn'?t|really)\b"  # "... pop science. where is the proof"
                   r"|\b(?:does|did|is) (?:she|he|it|the (?:article|author|post|writer)) (?:\w+ly )?(?:cite|give|name|back|link|say)\b", re.I)
# "three times more likely", "90 percent": a figure the article states
STATISTIC = re.compile(r"\b\d+(?:[.,]\d+)?\s*(?:%|percent|per cent)|\b(?:\d+|two|three|four|five|ten|twice|half) (?:times )?(?:more|less) likely\b"
                       r"|\b(?:\d+|two|three|four|five|ten) times (?:more|less|as)\b|\b\d+ (?:in|out of) (?:\d+|ten|a hundred)\b", re.I)

# --- what the text says -------------------------------------------------------------

_NUMBER = (r"(?:(?:\d+|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve) and a half"  # "three and a half hours"
           r"|\d+(?:[.,]\d+)?|a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve"
           r"|(?:thir|four|fif|six|seven|eigh|nine)teen"  # "fourteen months" (dev r48)
           r"|(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)(?:[\s-](?:one|two|three|four|five|six|seven|eight|nine))?"
           r"|a few|a couple of|couple of|several|half an?|a half|many|some)")
DURATION = re.compile(
    rf"\b(?:between {_NUMBER} and {_NUMBER}|{_NUMBER}(?:\s*(?:-|–|to|or)\s*{_NUMBER})?)[\s-]*(?:more |whole |full |long |short )?"
    r"(?:minutes?|hours?|days?|nights?|weeks?|weekends?|months?|years?|yrs?|decades?)\b"
    r"|\b(?:overnight|forever|a while|for days|for weeks|for months|for years|half (?:a|the) day)\b"
    r"|\b(?:week|day|month|year)\s+(?:\d+|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)\b", re.I)  # "by week three"
# after a time: the name it is part of ("the 10-Day Rule", "the 30-Day Challenge")
NAMED_AFTER = re.compile(r"\s+(?:rule|challenge|plan|method|program|programme|reset|detox)\b", re.I)
# before "a day" / "a week": a count of things, so the time is a rate ("forty-odd messages a day", "3 texts a week")
RATE_BEFORE = re.compile(r"(?:\d|\b(?:once|twice|thrice|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|dozens?|hundreds?|(?:thir|four|fif|six|seven|eigh|nine)teen"
                         r"|(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)(?:[\s-](?:one|two|three|four|five|six|seven|eight|nine))?)(?:-odd|-ish)?)"
                         r"(?:\s+[^\W\d_]+){0,2}\s*$", re.I)
DAY_TO_DAY = re.compile(r"\bday[\s-]*(?:to|by)[\s-]*day\b|\bevery ?day\b|\bone day\b|\bsome ?day\b", re.I)
# a passage that names where a claim comes from (a study, a journal, a link): then "no source" is false
SOURCED = re.compile(r"\b(?:journal|university|according to|et al|published (?:in|by)|https?://|www\.|(?:study|survey|research|paper) (?:by|from|at|of|in) (?:the )?(?-i:[A-Z])|institute|cent(?:er|re) for"
                     r"|(?:19|20)\d\d (?:study|survey|paper)|researchers? at|(?-i:(?:Dr|Prof)\.? [A-Z]))", re.I)
# "Studies have shown", "there's a lot of research": an appeal to research that names none
VAGUE = re.compile(r"\b(?:(?:studies|research|science|scientists|experts|evidence)(?: (?:has|have))? (?:shown|show|shows|found|finds|proven|proves|says?|suggests?)"
                   r"|(?:a lot of|lots of|plenty of|much) (?:research|scientific evidence|evidence|studies)"
                   r"|research(?:ers)? (?:has|have) (?:found|shown)|it(?:['’]s| is| has been) (?:scientifically )?proven)\b", re.I)


WORD_OVER_READING = 0.3  # the one reader using the asked word wins "who said ...?" unless another reads this much closer
WHO_SIM = 0.45  # the sentence that makes a reader the answer to "who said ...?" is at least this close to it
WHO_SIM_READER = 0.35  # ... or this close, when the question says it is a reader and one reader is ahead of the rest
WHO_MARGIN = 0.05  # ... by this much (closeness plus the composer's score)
SAME_QUESTION = 0.65  # a reader's unanswered question this close to the user's asks the same thing ...
SAME_MARGIN = 0.15  # ... when nothing else in the posts comes within this much of it
SECTION_SIM = 0.5  # a passage this close, under a heading naming the question's situation, covers it
COVERED_SIM = 0.6  # a sentence this close to the question answers it, whatever words it lacks (dev: r27, lead.dev)
TOLD_SIM = 0.6  # a prohibition answers a may-I question only when this close to it
REFUSED_SIM = 0.5  # ... or what the next sentence refuses outright ("... your foot in the door. Don't."), this close
REQUIRED_SIM = 0.45  # "you don't have to" answers a must-I question this close to it
WORDED_SIM = 0.3  # ... or this close, saying back two of the words the question asks about
PUSHBACK_SIM = 0.4  # a disagreeing reader's sentence this close to an objection makes the same point
DEFER_SIM = 0.33  # the article's "that's a topic for another article" must be about the question
DEFER_TOP = 8  # ... and among the best this many sentences ("selfish or simply being a male is a whole other topic" was 8th)
DEFER_NEAR = 0.25  # ... or, anywhere among them, this close and saying two of the question's topic words back ("selfish", "man")
WINDOW_SIM = 0.3  # a timed sentence's passage this close to the how-long part at least ("90 minutes" of calm, 0.22, for
# "how long should a couple try these rules before counselling?", which the post gives no time for: dev lead split kp-12)
WINDOW_MARGIN = 0.1  # the article's own "it took" gives way to a timed sentence reading this much closer (_timed)
DURATION_SIM = 0.25  # the duration's sentence (or the last of a joined span) must be this close to the question ...
DURATION_SCORE = 0.5  # ... or ranked this high by the answer ("Yes, you may – for a couple of days at best." reads 0.09
# close to "how long would that last before i got sick of it": it answers the article's question before it)


@dataclass(frozen=True)
class Lead:
    text: str  # one sentence, the answer's first line (rendered in bold)
    because: str  # which fact: "author replies" | "outcome" | "normal" | "duration" | "no duration" | "number" | "no number" | "unsourced claim" | "prohibition" | "requirement" | "permission" | "not required" | "deferred" | "not covered" | "asked, unanswered" | "step named" | "instruction" | "answered before"
    first: tuple[int, int] | None = None  # the span (doc offsets) of the quote that should come first, if any
    also: tuple[tuple[int, int], ...] = ()  # spans of quotes that must follow it (the readers a lead names)
    closest: bool = False  # the quotes under it are the closest the text comes, not an answer


@dataclass
class Candidate:
    """One scored sentence the answer may quote (bot/compose/plan.py's candidates, as plain data)."""

    doc: str
    start: int
    end: int
    text: str
    key: str  # "post/record_id"
    kind: str  # "article" | "comment"
    author: str | None
    sim: float
    score: float
    section: str = ""  # an article sentence's section heading ("Manual or automatic?")
    # a how-long question: the sentence read with the ones either side of it, as close to the question's "how long" part
    # ("If they say no, don't turn it into a weekly fight. Wait about two weeks, then ask again" for "how long do i leave
    # it before i try again?"); 0.0 otherwise
    window: float = 0.0


@dataclass
class Facts:
    """What the index knows that a lead may state."""

    posts: list[str]  # the posts the answer draws on
    candidates: list[Candidate] = field(default_factory=list)
    vocabulary: frozenset[str] = frozenset()  # stems of every word of those posts
    author_comments: dict[str, list[str]] = field(default_factory=dict)  # post -> names replied to by its author
    authors: dict[str, str | None] = field(default_factory=dict)  # post -> its author's name, if known
    claims: dict[str, tuple[str, ...]] = field(default_factory=dict)  # record key -> contested-claim kinds
    stances: dict[str, str] = field(default_factory=dict)  # record key -> a comment's stance ("disagrees", "nuance", ...)
    names: tuple[str, ...] = ()  # commenters the question names
    unanswered: dict[str, str] = field(default_factory=dict)  # stem -> who asked about it and got no answer
    unanswered_asks: frozenset[str] = frozenset()  # keys of the readers' comments whose question nobody answered
    answered_asks: dict[str, tuple[str, ...]] = field(default_factory=dict)  # a reader's asking comment -> the replies that answer it
    passages: tuple = ()  # (kind, author, text) of every record of those posts
    mentioned: frozenset[str] = frozenset()  # names the posts mention that are no commenter's (their author, people in stories)
    outcomes: dict[str, str] = field(default_factory=dict)  # reader -> how their story ends ("worked" / "failed"), from the post model
    reports: dict[str, str] = field(default_factory=dict)  # reader -> their last later comment in their own thread (its key): the update
    about_reader: bool = False  # the question (or what it follows) is about a reader it does not name ("the one in the comments who ...")
    titles: dict[str, str] = field(default_factory=dict)  # post -> its title
    left_out: tuple[tuple[int, int, float], ...] = ()  # (start, end, closeness) of the article's sentences saying it leaves out what is asked


def lead_for(question: str, kind: str, facts: Facts) -> Lead | None:
    """The lead for this question, or None when no fact answers it directly (the quotes then lead)."""
    # a may-I question answered by a rule, a must or a leave comes before any number in it ("... if I'm careful how much I water?")
    # a remedy or topic the question names that the text lacks comes before a reader who objects to something near it ("does
    # Renee think counseling would help, or is therapy a bad idea?" is no objection to the push/pull passage; "isn't this
    # sexist?" is one, whatever words the post lacks)
    for rule in (_author_replied, _outcome, _who_said, _quoted_where, _told_not_to, _required, _allowed, _told_to, _normal, _how_long, _how_many,
                 _which_step, _other_side, _other_relation, _named_missing, _pushback, _unsourced, _not_required, _deferred, _answered_before, _asked_before,
                 _not_covered):
        lead = rule(question, kind, facts)
        if lead is not None:
            return lead
    return None


def _author_replied(question: str, kind: str, facts: Facts) -> Lead | None:
    named = [a for a in facts.authors.values() if a and re.search(rf"\b{re.escape(a.split()[0])}\b", question, re.I)]

    def replies(w: str) -> bool:  # "did Renee (ever) write back ...": the name is the one who replies
        return bool(re.search(rf"\b(?:did|does|has|had|will|would) {re.escape(w)}(?: \w+)? {REPLIED.pattern}", question, re.I))

    # "did Renee reply to any of the commenters?", "did Renee ever write back to the married woman whose ...?": a name the
    # post mentions that wrote no comment, asked about as the one who replies
    outsider = [w for w in facts.mentioned if re.search(rf"(?<=[\w,] ){re.escape(w)}\b", question)  # mid-sentence: "Did" is no name
                and (re.search(r"\b(?:any|the|other) (?:of the )?(?:comments?|commenters?|readers?|people)\b|\banyone\b", question, re.I)
                     or replies(w))]
    if not (AUTHOR.search(question) or named or outsider) or not REPLIED.search(question):
        return None
    authors = {a for a in facts.authors.values() if a}
    readers = [n for n in facts.names if n not in authors and bare_author(n) not in authors and n not in outsider]
    # with a reader named, only a name that is no part of theirs and is asked about as the one replying ("did Renee reply
    # to Veronica?"; not "did anyone reply to Hannah?", where "Hannah" is the short name of the commenter Hannah Price)
    replier = [w for w in outsider if not any(w in n.split() for n in facts.names) and replies(w)]
    if facts.names and not (readers and replier and not named and not AUTHOR.search(question)):
        return None  # "did the author reply to Veronica?": the thread's own lead says who did (bot/compose/plan.py)
    replied = sorted({n for p in facts.posts for n in facts.author_comments.get(p, [])})
    who = next((a for p in facts.posts if (a := facts.authors.get(p))), None)
    if outsider and not named and not AUTHOR.search(question):
        # the name nearest the end ("the Dear Renee comment": Renee), never whichever a set yields first
        name = max(replier if facts.names else outsider, key=lambda w: (question.rfind(w), w))
        if readers:  # "did Renee answer Veronica?": nobody by that name commented at all
            return Lead(f"No: {name} did not reply to {and_list([who_named(r) for r in readers])}; no comment is by {name}.",
                        "author replies")
        return Lead(f"No: {name} did not reply to any comment; none is by {name}.", "author replies")
    the_author = f"the author, {who}," if who else "the article’s author"
    if replied:
        return Lead(f"Yes: {the_author} replied to {and_list(replied)}.", "author replies")
    return Lead(f"No: {the_author} did not reply to any comment.", "author replies")


def _who_said(question: str, kind: str, facts: Facts) -> Lead | None:
    """"Which commenter compared him to a soldier?" -> "It was deadlock, in the comments.": the writer of the
    comment sentence that answers best (closeness to the question plus the composer's score), when that sentence
    is close enough and, unless the question asks about the comments, closer than the article's."""
    if not WHO_SAID.search(question) or facts.names or REPLIED.search(question) or ABOUT_WRITER.search(question):
        return None
    if STANCE.search(question) and not ONE_PERSON.search(question):
        return None  # "who disagreed with the article?": every reader with that stance (the stance lead), not one
    comments = [c for c in facts.candidates if c.kind == "comment" and c.author]
    if ONE_PERSON.search(question) and not AUTHOR.search(question):
        # "who was the lady who figured out it was her coffee creamer?": a reader, not the author guessing at it
        comments = [c for c in comments if bare_author(c.author or "") != facts.authors.get(c.doc)]
    if not comments:
        return None
    best = max(comments, key=lambda c: c.sim + c.score)  # close to the question and well placed by the composer
    article = _article_best(facts)
    asked = _topic_words(question)
    # "which commenter is a therapist?": the one reader whose words hold every word asked about, in a long sentence
    # that reads far from the question ("I'm a licensed marriage and family therapist and I've spent ...")
    worded = {c.author for c in comments if asked and asked <= set(tokenize(c.text))}
    only_one = worded == {best.author} and bool(IN_COMMENTS.search(question))
    alone = (_only_reader_using(asked, facts) or _reader_covering(asked, facts)
             if ONE_PERSON.search(question) or IN_COMMENTS.search(question) else None)
    if not only_one and alone is not None:
        # "who was the lady who figured out it was her coffee creamer?": the one reader whose comment says "creamer"
        mine = [c for c in comments if c.author == alone]
        hit = max((c for c in mine if asked & set(tokenize(c.text))), key=lambda c: c.sim, default=None)
        # (unless another reader's comment reads far closer: "awful" in one comment's aside does not make its writer the
        # one who "said the weekly talks were awful at the start but got better")
        if hit is not None and best.sim + best.score - max(c.sim + c.score for c in mine) <= WORD_OVER_READING:
            best, only_one = hit, True
    if not only_one and (best.sim < WHO_SIM or (article > best.sim and not IN_COMMENTS.search(question))):
        # the question says the answer is a reader ("someone in the comments had a cute idea about a childhood pic, who was
        # that"): a weaker closeness will do when one reader reads clearly closer than every other (dev r48 q08, q09)
        others = [c.sim + c.score for c in comments if c.author != best.author]
        if not (IN_COMMENTS.search(question) and ONE_PERSON.search(question) and best.sim >= WHO_SIM_READER
                and best.sim + best.score - max(others, default=0.0) >= WHO_MARGIN):
            return None
    return Lead(f"It was {_who(best, facts).rstrip(',')}, in the comments.", "who said", first=(best.start, best.end))


def _only_reader_using(asked: set[str], facts: Facts) -> str | None:
    """The one reader (not the post's author) whose comments use a word the question asks about that the article
    and every other comment never use; None when no word, or different words, point at one reader."""
    authors = set(facts.authors.values())
    found = {who for stem in asked if (who := one_reader_using(stem, facts.passages)) and bare_author(who) not in authors}
    return found.pop() if len(found) == 1 else None


def one_reader_using(stem: str, passages) -> str | None:
    """The one named commenter whose comments alone use the word ("target"): not the article, no other comment; None
    when none or several do. ``passages``: (kind, author, text) of the posts' records."""
    users = {who for kind_, who, text in passages if kind_ == "comment" and stem in tokenize(text)}
    if len(users) != 1 or any(stem in tokenize(text) for kind_, _, text in passages if kind_ == "article"):
        return None
    return users.pop() or None


def _reader_covering(asked: set[str], facts: Facts) -> str | None:
    """The reader (not the post's author) one of whose comments holds the most words the question asks about,
    three quarters of them at least and more than anyone else's ("the commenter who said she likes it when he
    withdraws because she gets time to miss him": Karen's "...great for a man to withdraw. This time also gives me
    time to think and miss him.")."""
    if len(asked) < 3:
        return None
    authors = set(facts.authors.values())
    held: dict[str, int] = {}
    for kind_, who, text in facts.passages:
        if kind_ == "comment" and who and bare_author(who) not in authors:
            held[who] = max(held.get(who, 0), len(asked & set(tokenize(text))))
    ranked = sorted(held.items(), key=lambda kv: -kv[1])
    if not ranked or ranked[0][1] < -(-3 * len(asked) // 4) or (len(ranked) > 1 and ranked[1][1] == ranked[0][1]):
        return None
    return ranked[0][0]


def _quoted_where(question: str, kind: str, facts: Facts) -> Lead | None:
    """"Where in the article is the 'do you admire him' part?": a phrase the question quotes that the article
    never says, but a reader does: say so (a fact of the text, found by exact search)."""
    m = QUOTED.search(question)
    asks_where = re.search(r"\bwhere\b|\b(?:does|did) (?:the article|the post|it|she|he|the author) (?:say|mention|use|write)\b"
                           r"|\bin the (?:article|post)\b", question, re.I)
    if not m or not asks_where or not facts.passages:
        return None
    about = ABOUT_X.search(question) or DIRECT_X.search(question)
    if about is not None and not about.start("x") <= m.start() < about.end("x"):
        return None  # "He told me he 'needs space' ... Does the article say anything about dating apps?": asks about apps
    phrase = fold(m.group(1))
    in_article = any(phrase in fold(text) for kind_, _, text in facts.passages if kind_ == "article")
    readers = [who for kind_, who, text in facts.passages if kind_ == "comment" and phrase in fold(text)]
    if in_article or not readers:
        return None
    names = list(dict.fromkeys(who_named(who) for who in readers))
    return Lead(f"The article doesn’t say “{m.group(1).strip()}”; only {and_list(names)}’s comment does.", "quoted, not in article")


INTENDED = re.compile(r"\b(?:meaning|meant|planning|planned|intending|intended|hoping|hoped|wanting|wanted|supposed|going) to\b(?:\s+\w+){0,2}\s*$", re.I)


def _how_long(question: str, kind: str, facts: Facts) -> Lead | None:
    m = HOW_LONG.search(question)
    if not m or re.search(r"\b(?:(?:tell|ask|remind) (?:him|her|them)|mention|bring up)\s*$", question[: m.start()], re.I):
        return None  # "should I tell him how long it's been?" asks what to say, not how long
    # of the article's sentences that give a time, the one whose passage reads closest to what is timed
    timed = [c for c in facts.candidates if c.window >= WINDOW_SIM and c.sim >= DURATION_SIM and _duration(c.text, question)]
    best = max(timed, key=_timed) if timed and not (facts.names or facts.about_reader) else None
    found = []
    if TOOK_ASKED.search(question) and not facts.names and not facts.about_reader:
        # "how long did the whole thing take her?": the article's own "It took us 23 nights", wherever it ranked
        took = [(c, t) for c in facts.candidates if c.kind == "article" and (t := TOOK_SAID.search(c.text)) is not None]
        if took:
            c, t = min(took, key=lambda ct: (ct[0].doc, ct[0].start))
            # (unless a timed sentence reads far closer: "how long does it take before a stepfamily feels like a family?"
            # is the therapists' "four and seven years", not the author's own "It took 14 months before Josh hugged me")
            closer = best is not None and best is not c and _timed(c) < _timed(best) - WINDOW_MARGIN
            # the time it says it took, not another duration later in the sentence ("It then took us fourteen months
            # to get from that first text to ... more than the six years did": fourteen months, dev r48 q05)
            if not closer and t is not None and (m := _duration(c.text[t.start():t.end()], question)):
                return Lead(f"{_whose(c)} gives this timeframe: “{m.group(0).strip()}”.", "duration", first=(c.start, c.end))
    answering = _answering(facts, 6 if facts.names or facts.about_reader else 3, ranked=True)  # a reader's story: read more of it
    if best is not None:
        # the article's sentence whose passage reads closest to what is timed, first, wherever it ranked ("Wait about two
        # weeks, then ask again" was 6th for "how long do i leave it before i try again?", behind "seven months" of recovery)
        answering = [best] + [c for c in answering if c is not best]
    for top in answering:
        # the answering sentence, or another sentence of its article paragraph ("...in those 90 minutes") that is not
        # itself among the answering (it is read there, as said directly); a reader's story is full of incidental
        # durations: only the sentence itself counts there
        same = [top] + ([c for c in facts.candidates if c.key == top.key and c is not top and c not in answering]
                        if top.kind == "article" else [])
        c, m = next(((c, m) for c in same if (m := _duration(c.text, question))), (top, None))
        if m:
            found.append((c, m))
    if found and not ELAPSED_ASKED.search(how_long_part(question)):  # how long it lasts: a point in time ("a year in") only when nothing else
        found = [(c, m) for c, m in found if not ELAPSED.match(c.text, m.end())] or found
    # what was only meant ("meaning to take a year") when something took a time ("it took me 11 months")
    found = [(c, m) for c, m in found if not INTENDED.search(c.text[max(0, m.start() - 30):m.start()])] or found
    if found:
        # of the answering sentences' durations, the one said in the question's words ("how long before I see the
        # scale go down?": "see the scale move by the end of week three", not "after six weeks" of being stuck)
        asked = set(tokenize(question))
        # a number the reader brings ("my instructor said maybe 20??") is what they doubt, not the text's answer to it
        theirs = set(re.findall(r"\d+", question))
        # an answering sentence's own duration (a paragraph's other sentences are never among the answering, above) before
        # one its paragraph has ("Within a month of that conversation, invite ...", not "over about five months" beside
        # the best sentence, r49 q05)
        c, m = max(found, key=lambda cm: (not set(re.findall(r"\d+", cm[1].group(0))) & theirs,
                                          len(asked & set(tokenize(cm[0].text[max(0, cm[1].start() - 50):cm[1].end() + 15]))),
                                          cm[0] in answering, -found.index(cm)))
        return Lead(f"{_whose(c)} gives this timeframe: “{m.group(0).strip()}”.", "duration", first=(c.start, c.end))
    if facts.about_reader and not facts.names:
        return None  # which reader is meant is not known for sure: no claim that nobody gives one
    return Lead(f"{_none_given(facts)} no timeframe for that.", "no duration")


def _how_many(question: str, kind: str, facts: Facts) -> Lead | None:
    """"How many texts a day is too many?": the number the answering sentence gives, or that there is none."""
    if not HOW_MANY.search(question) or HOW_LONG.search(question):
        return None
    answering = _answering(facts, 3)
    # "how many people should be on that list?": a sentence that counts things first, then any number
    things = re.search(r"\bhow many\b", question, re.I) and not re.search(rf"\bhow many {_UNIT}\b", question, re.I)
    ordered = sorted(answering, key=lambda c: not COUNTED.search(c.text)) if things else answering
    bare = False
    for c in ordered:
        m = _number(c.text, question)
        if m and re.fullmatch(r"\d+(?:[.,]\d+)?", m.group(0).strip()):
            bare = True  # "gives this number: “1”" (of "1 minute of easy running") says nothing: the quotes lead
        elif m:
            return Lead(f"{_whose(c)} gives this number: “{m.group(0).strip()}”.", "number", first=(c.start, c.end))
    return None if bare else Lead(f"{_none_given(facts)} no number for that.", "no number")


def _number(text: str, question: str):
    """The number in ``text`` that the question asks about: of several ("the five friends ... at least once every
    10 days"), the one whose words around it share most with the question ("how many people on that list?")."""
    counted = list(COUNTED.finditer(text)) if re.search(r"\bhow many\b", question, re.I) else []  # "five friends": a count
    if re.search(rf"\bhow many {_UNIT}\b", question, re.I):  # "how many minutes of walks?": a time is the count asked
        counted += list(DURATION.finditer(text))
    elif counted:  # "how many people should be on that list?": "the five friends", not "every 10 days"
        return _asked(counted, text, question, before=40)
    if re.search(r"\bhow often\b", question, re.I) and (often := list(FREQUENCY.finditer(text))):
        return _asked(often, text, question, before=40)
    found = list(NUMBER.finditer(text)) + counted
    if re.search(r"\bhow much\b", question, re.I):  # an amount: "once" (how many times) is no answer to it
        found = [m for m in found if not TIMES.fullmatch(m.group(0).strip())]
    return _asked(found, text, question, before=40)


TIMES = re.compile(r"once|twice|three times|every (?:day|other day|week|night)", re.I)


def _answering(facts: Facts, n: int, ranked: bool = False) -> list[Candidate]:
    """The best ``n`` sentences that may hold a timeframe or a number: a named reader's own ("how long had
    Munchkins been with him?"), a reader's a question describes ("the guy in the comments whose phone got stolen"),
    otherwise the article's (readers' stories are full of durations of their own: "he wants to be alone for two
    weeks!" is no rule). ``ranked``: a sentence the answer ranks high counts however few words it shares (DURATION_SCORE)."""
    pool = [c for c in facts.candidates if c.sim >= DURATION_SIM or (ranked and c.score >= DURATION_SCORE)]
    if facts.names:
        pool = [c for c in pool if c.author in facts.names]
    elif facts.about_reader:
        pool = [c for c in pool if c.kind == "comment"]
    else:
        pool = [c for c in pool if c.kind == "article"]
    return sorted(pool, key=lambda c: -c.score)[:n]


# a question about a reader it does not name: "the one in the comments who said his phone got stolen"
ABOUT_READER = re.compile(r"\bin the comments\b|\b(?:a|the|that|this|one|some) (?:reader|commenter|poster)\b|\bthe one (?:who|whose|in)\b"
                          r"|\b(?:that|the|this|one|a) (?:comment|reply|story) (?:where|about|from|by|with)\b"
                          r"|\b(?:that|the|this) (?:guy|girl|woman|lady|man|person|mom|mum|dad) (?:who|whose|in|from|with)\b", re.I)


def _whose(c: Candidate) -> str:
    return "The article" if c.kind == "article" else f"{c.author or 'A reader'}’s comment"


def _none_given(facts: Facts) -> str:
    return "The article gives" if not facts.names else f"{and_list(list(facts.names))}’s comments give"


def _duration(text: str, question: str = ""):
    """The duration in ``text`` that the question asks about: of several ("2 months after ... with my
    partner for almost 5 years"), the one whose words around it share most with the question. A question about how
    long something lasts ("how long are the money chats supposed to go on for?") is no question about a point in
    time: "a year in", "two months later" count only when nothing else does."""
    found = [m for m in DURATION.finditer(DAY_TO_DAY.sub(lambda x: "#" * len(x.group(0)), text))
             if not re.search(r"\bhow\s+$", text[max(0, m.start() - 5):m.start()], re.I)  # "how many hours" asks, gives none
             and not (m.group(0).lower().startswith(("a ", "an ")) and RATE_BEFORE.search(text[max(0, m.start() - 40):m.start()]))
             and not NAMED_AFTER.match(text, m.end())  # "Follow the 10-Day Rule": a name, not a time
             and not re.search(r"[$£€]\s*$", text[max(0, m.start() - 2):m.start()])  # "our $1,850-a-month apartment": a price
             and not re.match(r"\s+(?:away|drive|walk|by car|on foot)\b", text[m.end():], re.I)]  # "twenty minutes away": a distance
    # ("another 100 to 200 a day", "forty-odd messages a day" are rates, not times)
    if re.search(rf"\bhow many {_UNIT}\b", question, re.I):
        # "how many hours ...?": "most of the adults I know needed somewhere between 40 and 60" (the unit is the question's)
        found += [m for m in BARE_RANGE.finditer(text) if not any(f.start() <= m.start() < f.end() for f in found)]
    if found and not ELAPSED_ASKED.search(how_long_part(question)):
        found = [m for m in found if not ELAPSED.match(text, m.end())] or found
        # "how long had they been together?": "with my partner for almost 5 years", not "2 months after she has ..."
        found = [m for m in found if SPAN.search(text, 0, m.start())] or found
    return _asked(found, text, question, before=50)


BARE_RANGE = re.compile(r"\bbetween \d+ and \d+\b(?!\s*(?:%|percent|[a-z]))|\b\d+\s*(?:-|–|to)\s*\d+\b(?!\s*(?:%|percent|[a-z]|[.,]\d))")
ELAPSED = re.compile(r",?\s+(?:in\b(?!\s+(?:a|an|the|total|all)\b)|into\b|later\b|ago\b|after\b|before\b"
                     r"|on\b(?!\s+(?:end|the)\b))")  # "a year in, our talk is ...", "2 months after she ..."
SPAN = re.compile(r"\b(?:for|lasts?|lasting|takes?|taking)\s+(?:about |almost |nearly |over |around |roughly |just |only |at least |up to )?"
                  r"(?:(?:a|the) (?:full|whole|good|further|first) )?$", re.I)  # "Keep going for a full 12 weeks"
def _timed(c: Candidate) -> float:
    """How well a sentence that gives a time answers a how-long question: its passage's closeness and its own score."""
    return c.window + c.score


def how_long_part(question: str) -> str:
    """The question from its "how long" on: "the first time he asked for space years ago, how long did she give him"
    asks how long she gave him, not how long ago."""
    m = HOW_LONG.search(question)
    return question[m.start():] if m else question


ELAPSED_ASKED = re.compile(r"\b(?:before|until|till|since|ago|after|later|when)\b", re.I)  # "how long before he came back?"


def _asked(found: list, text: str, question: str, before: int):
    """Of several matches in ``text``, the one whose words around it (``before`` characters before, 15 after) share
    most with the question; the first on a tie; None for none."""
    asked = set(tokenize(question))
    return max(found, key=lambda m: (len(asked & set(tokenize(text[max(0, m.start() - before):m.end() + 15]))), -m.start()),
               default=None)


def _unsourced(question: str, kind: str, facts: Facts) -> Lead | None:
    lead = _unsourced_claim(question, facts)
    if lead is None or _readers_named(facts):  # a reader's claim: the author answered no one about it
        return lead
    # "where does that 70 percent number come from?": the post's author answered a reader about it in the comments
    figures = [f for f in re.findall(r"\d+(?:[.,]\d+)?", question) if len(f) >= 2]
    asked = _topic_words(question)
    # ... or in reply to a reader who asked the same ("Where does the 6 to 8 weeks come from though?": "Honest answer:
    # it's my experience ..., not a study", r55 q14)
    same = _asked_same("fact", facts, frozenset(facts.answered_asks))
    to_same = set(facts.answered_asks.get(same.key, ())) if same is not None else set()
    word = next((c for c in sorted(facts.candidates, key=lambda c: -c.score)
                 if c.kind == "comment" and c.author and bare_author(c.author) == facts.authors.get(c.doc)
                 and SOURCE_WORDS.search(c.text)
                 and (any(f in c.text for f in figures) or asked & set(tokenize(c.text)) or c.key in to_same)), None)
    if word is None:
        return lead
    return replace(lead, text=f"{lead.text[:-1]}; the author, {bare_author(word.author or '')}, answered a reader about it in the comments.",
                   also=lead.also + ((word.start, word.end),))


SOURCE_WORDS = re.compile(r"\b(?:stud(?:y|ies)|sources?|evidence|research|data|numbers?|figures?|stats?|statistics?)\b", re.I)


def _unsourced_claim(question: str, facts: Facts) -> Lead | None:
    if not (EVIDENCE.search(question) and DOUBT.search(question)):
        return None
    readers = _readers_named(facts)
    if readers:  # "Kevin says only a small minority of women don't nag. Where is he getting that from?": his claim
        asked = _topic_words(question)
        theirs = sorted((c for c in facts.candidates if c.author in readers),
                        key=lambda c: (-len(asked & set(tokenize(c.text))), -c.score))
        if theirs and not any(SOURCED.search(c.text) for c in theirs):
            c = theirs[0]
            return Lead(f"{who_named(c.author)}’s comment gives no source or evidence for it: it is the commenter’s own view.",
                        "unsourced claim", first=(c.start, c.end))
        return None
    figures = [f for f in re.findall(r"\d+(?:[.,]\d+)?", question) if len(f) >= 2]  # "the 68 percent figure": that sentence
    article = sorted((c for c in facts.candidates if c.kind == "article" and (c.sim >= DURATION_SIM or any(f in c.text for f in figures))),
                     key=lambda c: (not any(f in c.text for f in figures), -c.score))
    for c in article[:4]:  # the article's own appeal to research that names none: quote it
        if (m := VAGUE.search(c.text)) and not SOURCED.search(c.text):
            return Lead(f"The article names no study or source: it says only “{m.group(0).strip()}”.", "unsourced claim",
                        first=(c.start, c.end))
    for c in article[:2]:  # a figure ("three times more likely") given with no source, when the question is about it
        if ((m := STATISTIC.search(c.text)) and not SOURCED.search(c.text) and _topic_words(question) & set(tokenize(c.text))
                and not any(m.group(0) in text and SOURCED.search(text) for kind_, _, text in facts.passages if kind_ == "article")):
            return Lead(f"The article gives the figure “{m.group(0).strip()}” without citing a study or any source.",
                        "unsourced claim", first=(c.start, c.end))
    for c in article[:3]:
        kinds = facts.claims.get(c.key) or ()
        if kinds and not SOURCED.search(c.text):
            if "gender_generalisation" in kinds:
                return Lead("The article states this about men and women in general, without citing any evidence.",
                            "unsourced claim", first=(c.start, c.end))
            return Lead("The article states this as fact without citing a study or any source.", "unsourced claim",
                        first=(c.start, c.end))
    # "is that legit? does she back it up with anything?": asked for its backing, the claim the question quotes, or the
    # article's sentence that reads closest to it, given with no source anywhere in the article
    quoted = QUOTED.search(question)
    claim = next((c for c in article[:3] if quoted and fold(quoted.group(1)) in fold(c.text)), None) or \
        next((c for c in article[:1] if c.sim >= CLAIM_SIM), None)
    if (claim is not None and ASKS_BACKING.search(question) and not figures and not SOURCED.search(claim.text)
            and not any(SOURCED.search(text) for kind_, _, text in facts.passages if kind_ == "article" and claim.text in text)):
        return Lead("The article states this without citing a study or any source.", "unsourced claim",
                    first=(claim.start, claim.end))
    return None


def _pushback(question: str, kind: str, facts: Facts) -> Lead | None:
    """"Isn't 'just leave him alone' telling women to put up with being treated badly?" -> "Some readers push back
    on the article here: Angry and Upset.": readers the post model marks as disagreeing
    whose own sentence is close to the objection; the article's passage first, then theirs. A question asking
    for evidence is _unsourced's."""
    if not OBJECTS.search(question) or not DOUBT.search(question) or facts.names or ASKS_EVIDENCE.search(question):
        return None
    closest: dict[str, Candidate] = {}
    for c in sorted(facts.candidates, key=lambda c: -c.sim):
        if (c.kind == "comment" and c.author and c.sim >= PUSHBACK_SIM and facts.stances.get(c.key) == "disagrees"
                and bare_author(c.author) != facts.authors.get(c.doc) and not AGREES.search(c.text)):
            closest.setdefault(c.author, c)
    readers = list(closest.values())[:3]
    if not readers:
        return None
    article = max((c for c in facts.candidates if c.kind == "article"), key=lambda c: c.score, default=None)
    text = f"Some readers push back on the article here: {and_list([who_named(c.author) for c in readers])}."
    spans = tuple((c.start, c.end) for c in readers)
    if article is None or article.sim < readers[0].sim:  # a reader says it closer than the article: their words first
        return Lead(text, "pushback", first=spans[0], also=spans[1:])
    return Lead(text, "pushback", first=(article.start, article.end), also=spans)


def _told_not_to(question: str, kind: str, facts: Facts) -> Lead | None:
    """"Is it okay to preheat an empty glass dish?" -> "No: the author says not to.", when the passage that
    answers best is a prohibition ("Please don't preheat an empty glass dish at 500°F.") on what was asked."""
    if not MAY_I.search(question) or ASKS_AGAINST.search(question):
        return None
    top = max(facts.candidates, key=lambda c: c.score, default=None)
    if top is None or not ((top.sim >= TOLD_SIM and PROHIBITION.search(top.text))
                           or (top.sim >= REFUSED_SIM and _then_refused(top, facts))):
        return None
    if len(_topic_words(question) & set(tokenize(top.text))) < 2:
        return None  # a prohibition about something else
    return Lead(f"No: {_who(top, facts)} says not to.", "prohibition", first=(top.start, top.end))


ALTERNATIVE = re.compile(r"\binstead\b|\brather than\b|\bversus\b|\bvs\.?\b|\bor (?:should|do|would|can) (?:i|we|you)\b", re.I)
# "Use a patch for the steady background dose and something fast, like gum or a lozenge": an instruction
INSTRUCTION = re.compile(r"^\W*(?:please,? |so,? |and,? |then,? |just )?(?:use|give|tell|let|leave|take|keep|make|ask|try|write|say|set|pick"
                         r"|put|get|buy|go|call|text|wait|move|walk|sit|change|agree|drink|throw|remember|plan|book|apply|choose|read"
                         r"|practi[cs]e|spend|add|cut|turn|show|stay|check|expect|allow|bring|send|accept|start|do|be|have|aim|push|swap)\b", re.I)


def _told_to(question: str, kind: str, facts: Facts) -> Lead | None:
    """"can you use the gum and a patch at the same time?" -> "Yes: the article says to.", when one of the article's
    best passages is an instruction to do what was asked ("Use a patch ... and something fast, like gum"): two of
    the question's topic words in it."""
    may = MAY_I.search(question)
    if may is None or ASKS_AGAINST.search(question) or facts.names or ALTERNATIVE.search(question):
        return None
    asked = _topic_words(asking_part(question) or question)
    if any(not _known(w, facts.vocabulary) for w in asked):
        return None  # "should I ask my GP for tablets ...?": a yes says the article tells you to do what it never names
    best = sorted((c for c in facts.candidates if c.kind == "article"), key=lambda c: -c.score)[:3]
    doing = set(tokenize(question[may.end():]))  # what the reader asks to do: "use the gum and a patch"
    # the instruction tells them to do that very thing ("Use a patch ..."; not "Keep going for 12 weeks" for "can I stop
    # now?") to what they asked about: two of its topic words besides the verb
    c = next((c for c in best if c.sim >= REQUIRED_SIM and (verb := INSTRUCTION.search(c.text)) and not PROHIBITION.search(c.text)
              and set(tokenize(verb.group(0).split()[-1])) <= doing
              and len((asked & set(tokenize(c.text))) - set(tokenize(verb.group(0)))) >= 2), None)
    return Lead(f"Yes: {_who(c, facts)} says to.", "instruction", first=(c.start, c.end)) if c else None


REFUSED = re.compile(r"\s*(?:don['’]?t|do not|never|no)(?: do (?:it|that|this))?\s*[.!]", re.I)


def _then_refused(c: Candidate, facts: Facts) -> bool:
    """"Everyone will tell you to take a step down to get your foot in the door. Don't.": what the next sentence refuses."""
    for kind, _, text in facts.passages:
        at = text.find(c.text)
        if at >= 0 and kind == c.kind:
            return bool(REFUSED.match(text, at + len(c.text)))
    return False


def _allowed(question: str, kind: str, facts: Facts) -> Lead | None:
    """"Am I allowed to tell him it hurt?" -> "Yes: the article says you can.", when a passage that answers it
    well gives leave ("You can tell him you feel hurt") for what was asked (a word of its topic)."""
    if not MAY_I.search(question) or ASKS_AGAINST.search(question):
        return None
    c = _saying(PERMITS, question, facts, 4)
    return Lead(f"Yes: {_who(c, facts)} says you can.", "permission", first=(c.start, c.end)) if c else None


# "did she ever report back?", "did he post an update?": how the reader's story went, told in the thread later on
REPORTED_BACK = (r"\b(?:report(?:ed)? back|(?:give|gave|post(?:ed)?) (?:us )?an update|update us|post(?:ed)? (?:a |any )?follow[- ]?up"
                 r"|c[oa]me back (?:and|to) (?:say|tell|update|let|post|share))\b")  # "did she ever come back and say how it went?"
# "did the mom whose 27 yr old went silent ever get a call back?": whether what she waited for came, told later on
HEARD_BACK = r"\b(?:ever|finally|eventually) (?:get|got|hear|heard)\b[^?.!]{0,20}\bback\b"
# "Update for anyone who finds this later.": a sentence that only announces the update after it
ANNOUNCES_UPDATE = re.compile(r"^\W*(?:(?:a |an |quick |small |little )?update|following up|follow-up|coming back)\b[^.!?:]{0,50}[.!]?\W*$", re.I)
# "did staying silent end up working for Dee?", "did it work for her?", "how did things turn out for Brenda?"
DID_IT_WORK = re.compile(r"\b(?:did|does|has|have)\b[^?.!]{0,80}?\b(?:work|help)(?:ed|s|ing)?(?: out)?\b|\bwork(?:ed)? out\b"
                         r"|\bhow did (?:it|that|this|things|everything) (?:turn out|end|go|work out)\b|\bdid (?:it|that|this) (?:pay off|fix it)\b"
                         r"|\bwhat happened\b[^?.!]{0,30}?\b(?:in the end|after that|next|eventually)\b|\bhow did (?:it|things) end up\b"
                         r"|\bwhat (?:ever )?happened (?:with|to) (?:the|that|this) (?:girl|guy|man|woman|lady|person|reader|commenter|one|mom|mum|dad)\b"
                         r"|\bwhat (?:ended up|eventually) happen(?:ing|ed)\b|\bhow did (?:it|things|that) (?:end|go) for\b"
                         r"|\b(?:did|has) (?:it|she|he|they|(?:her|his|their) (?:\w+ )?\w+) (?:ever |finally )?(?:get there|come good|turn out)\b"
                         r"|\b(?:did|has|have) (?:it|things|that|this) (?:ever |actually |finally )?(?:get better|improve)\b"
                         r"|\b(?:did|has|have) (?:it|things|that|this|everything) (?:ever |eventually |finally )?turn(?:ed)? (?:around|out)\b"
                         r"|\bdid (?:he|she|they|it) (?:ever |eventually |finally )?end up\b"
                         rf"|{REPORTED_BACK}|{HEARD_BACK}"
                         r"|\b(?:say|said|tell|told|let (?:us|anyone) know|post(?:ed)?) how (?:it|things|that|they) (?:went|turned out|ended|worked out|got on)\b", re.I)
# a yes/no question, at its start or as the clause that ends it ("the woman who went back full time, did it get better?")
YES_NO_Q = re.compile(r"^\W*(?:and |so |but |ok,? )?(?:did|does|do|has|have|had|was|were|is|are|will|would|could|can)\b"
                      r"|[,;:]\s+(?:and |so |but )?(?:did|does|has|have|was|were|is|are)\b[^,;:.!?]*\?\s*$", re.I)


def _outcome(question: str, kind: str, facts: Facts) -> Lead | None:
    """"Did staying silent end up working for Dee?" -> "No: Dee’s story ends with it not working.": how the one named
    reader's story ends, as the post model read it, with their sentence that tells it first."""
    if len(facts.names) != 1 or not DID_IT_WORK.search(question):
        return None
    name = facts.names[0]
    end = facts.outcomes.get(who_named(name)) or facts.outcomes.get(name)
    if end not in ("worked", "failed"):
        # how it ended is not read in so many words ("He's had three sessions now."), but they came back in their own
        # thread with an update: that is said first, and their update quoted under it, from its start
        report = facts.reports.get(who_named(name)) or facts.reports.get(name)
        update = sorted((c for c in facts.candidates if report and c.key == report), key=lambda c: c.start)
        # (past "Update for anyone who finds this later.", which only announces it)
        told = next((c for c in update if not ANNOUNCES_UPDATE.match(c.text)), update[0] if update else None)
        if told is None:
            return None
        return Lead(f"{who_named(name)} came back later in the comments to say how it went.", "reported back",
                    first=(told.start, told.end))
    theirs = [c for c in facts.candidates if c.kind == "comment" and c.author and who_named(c.author) == who_named(name)]
    said = next((c for c in sorted(theirs, key=lambda c: -c.start) if endings(c.text)[0 if end == "worked" else 1]), None)
    if said is None:
        return None  # the ending is stated only with their own sentence that tells it under it
    text = f"{who_named(name)}’s story ends with it working." if end == "worked" else \
        f"{who_named(name)}’s story ends with it not working."
    if YES_NO_Q.search(question):  # "did it work for her?"; not "what happened in the end with her?"
        text = ("Yes: " if end == "worked" else "No: ") + text
    return Lead(text, "outcome", first=(said.start, said.end))


def _normal(question: str, kind: str, facts: Facts) -> Lead | None:
    """"I'm up 2 lbs since I started lifting. Is that normal?" -> "Yes: the article says this is normal.", when a passage
    that answers it well says not to worry ("don't panic if the scale goes up a pound or two")."""
    if not IS_NORMAL.search(question) or facts.names:
        return None
    c = _saying(REASSURES, question, facts, 8, worded=1)
    return Lead(f"Yes: {_who(c, facts)} says this is normal.", "normal", first=(c.start, c.end)) if c else None


def _required(question: str, kind: str, facts: Facts) -> Lead | None:
    """"Can I get away with a pot with no drainage hole?" -> "No: the article says it is a must.", when the
    passage that answers best requires what the question would go without ("must have a drainage hole")."""
    m = MAY_I.search(question)
    without = re.search(r"\b(?:no|without|skip|skipping|forget|leave out)\s+(?:a |an |the |any )?((?:[^\W\d_]+ ){0,2}[^\W\d_]+)", question[m.end():], re.I) if m else None
    if not without:
        return None
    wanted = set(tokenize(without.group(1))) - _META
    for c in sorted(facts.candidates, key=lambda c: -c.score)[:3]:
        if c.sim >= REQUIRED_SIM and (r := REQUIRES.search(c.text)) and wanted & set(tokenize(c.text[r.end():r.end() + 60])):
            return Lead(f"No: {_who(c, facts)} says it is a must.", "requirement", first=(c.start, c.end))
    return None


def _who(c: Candidate, facts: Facts) -> str:
    """Who says what ``c`` says: the article, the author (in a comment), or the reader by name."""
    if c.kind == "article":
        return "the article"
    bare = bare_author(c.author or "")  # "Maggie (author)", as the comments spell her
    if bare and facts.authors.get(c.doc) == bare:
        return f"the author, {bare},"
    return who_named(c.author, "a reader")


def _not_required(question: str, kind: str, facts: Facts) -> Lead | None:
    """"Do I have to act like everything is fine?" -> "No: the article says you don’t have to." when a passage
    that answers it well says so ("... doesn’t mean you have to pretend to be happy")."""
    must = bool(MUST_I.search(question))
    leave = bool(ASKS_LEAVE.search(question) and re.search(r"\b(?:have|need|got) to\b|\bmust\b|\bsupposed to\b|\bshould (?:i|we)\b", question, re.I))
    if not must and not leave:
        return None
    # "... doesn't mean you have to pretend to be happy" for "am I supposed to act happy and pretend?": the words
    # asked about, said back, answer it even when the sentence as a whole reads far from a question in slang
    c = (_saying(NOT_REQUIRED, question, facts, 8, worded=2) or _not_required_to(question, facts)) if must else None
    if c is None and leave:
        # "do I have to get his ok before I buy anything big?": "You don't need permission; you just need to mention it."
        c = next((c for c in sorted(facts.candidates, key=lambda c: -c.score)[:8] if NO_LEAVE_NEEDED.search(c.text)), None)
        return Lead(f"No: {_who(c, facts)} says you don’t need permission.", "not required", first=(c.start, c.end)) if c else None
    return Lead(f"No: {_who(c, facts)} says you don’t have to.", "not required", first=(c.start, c.end)) if c else None


def _not_required_to(question: str, facts: Facts, n: int = 12) -> Candidate | None:
    """"do i have to fake being fine? i'm not good at pretending": a sentence that says you don't have to do the very
    thing asked about ("... doesn't mean you have to pretend to be happy"), among the ``n`` best, close enough."""
    asked = _topic_words(question)
    for c in sorted(facts.candidates, key=lambda c: -c.score)[:n]:
        m = NOT_REQUIRED.search(c.text)
        verb = re.match(r"\s*([^\W\d_]+)", c.text[m.end():]) if m else None
        if verb and c.sim >= WORDED_SIM and set(tokenize(verb.group(1))) & asked:
            return c
    return None


# leave asked for ("get his ok", "ask her permission first") and a sentence that says none is needed
ASKS_LEAVE = re.compile(r"\b(?:his|her|their|my partner'?s|the other person'?s) (?:ok|okay|approval|permission|blessing|say-so|sign-off)\b"
                        r"|\b(?:ask|get) (?:him|her|them) (?:for )?(?:permission|approval|first)\b", re.I)
NO_LEAVE_NEEDED = re.compile(r"\b(?:don[’']?t|do not|doesn[’']?t|does not|never) (?:need|have to (?:ask|get)) (?:(?:his|her|their|anyone[’']?s|"
                             r"your partner[’']?s|the other person[’']?s) )?(?:permission|approval|ok|okay|blessing|say-so|sign-off)\b", re.I)


def _saying(says: re.Pattern, question: str, facts: Facts, n: int, worded: int = 0) -> Candidate | None:
    """Of the ``n`` best sentences, the first that says it (``says``), answers well and shares a topic word;
    ``worded``: a sentence sharing this many topic words with the question needs only WORDED_SIM."""
    asked = _topic_words(question)

    def answers(c: Candidate) -> bool:
        shared = len(asked & set(tokenize(c.text)))
        return bool(shared) and (c.sim >= REQUIRED_SIM or (worded > 0 and shared >= worded and c.sim >= WORDED_SIM))

    return next((c for c in sorted(facts.candidates, key=lambda c: -c.score)[:n] if says.search(c.text) and answers(c)), None)


def _deferred(question: str, kind: str, facts: Facts) -> Lead | None:
    """The article itself says the question is for another day ("a whole other topic ... for a separate
    article"): say that it does not answer it, and show where it says so."""
    if kind in ("said", "thread", "opinion") or facts.names or facts.about_reader or WHO_SAID.search(question):
        return None  # ("that woman who got into a bump ... did she ever start driving again?" asks about a reader; "..., who was that?" for one)
    for s, e, _ in facts.left_out:  # the post model's deferrals the question reads close to (bot/retrieve/left_out.py)
        c = next((c for c in facts.candidates if c.start <= s < c.end or s <= c.start < e), None)
        if c is not None:
            said = ("it says that isn’t what it is about" if NOT_ABOUT.search(plain(c.text)) and not DEFERS.search(plain(c.text))
                    else "it leaves it for another article")  # "It isn't about the stages of grief or the funeral."
            return Lead(f"The article doesn’t answer this: {said}.", "deferred", first=(c.start, c.end))
    title = _title_stems(facts)
    words_asked = set(tokenize(question))
    own = {w for w in words_asked if w[:4] in title}  # the post's own subject ("driving", "drive") names nothing deferred
    asked = _topic_words(question) - own
    for rank, c in enumerate(sorted(facts.candidates, key=lambda c: -c.score)):
        if c.kind != "article" or not DEFERS.search(plain(c.text)):
            continue
        words = set(tokenize(f"{c.section} {c.text}"))  # "Manual or automatic?" heads "I'm not going to get into it here"
        shared = asked & words  # deferred *this*: a shared topic word; lower down, two of them ("selfish", "man")
        if shared and ((rank < DEFER_TOP and c.sim >= DEFER_SIM)
                       or (c.sim >= DEFER_NEAR and len((words_asked - own) & words) >= 2)):
            return Lead("The article doesn’t answer this: it leaves it for another article.", "deferred", first=(c.start, c.end))
    return None


def missing_words(question: str, vocabulary: frozenset[str], names=()) -> list[str]:
    """The question's topic words that appear nowhere in the posts, as the question spells them: a word
    of the question counts when it is specific (not among the encoder's ~30k common wordpieces, or an
    acronym such as "pH" or "UK"), so a paraphrase in everyday words ("distant" for "pull away") never
    reads as a topic the text lacks; near-spellings of the posts' words (typos) count as present."""
    skip = {w for n in names for w in tokenize(n)}
    asked = asking_part(question)
    if asked and not POINTS_BACK.search(asked):
        # the sentences that ask, not the reader's story around them ("It's telling women to accept crumbs."); unless they
        # ask about "that", which the story names ("i'm scared about health insurance until medicare starts. does the post
        # say how they handled that?")
        question = asked
    question = FEELING.sub(" ", question)  # "even though im gutted": how the reader feels is no topic of the post
    out = []
    for i, word in enumerate(re.findall(r"[^\W\d_]+(?:['’][^\W\d_]+)?", question)):
        stems = tokenize(word)
        acronym = i > 0 and bool(re.fullmatch(r"[A-Z]{2,5}|[a-z][A-Z]", word))
        if not stems or (len(word) < 4 and not acronym):
            continue
        s = stems[0]
        if s in skip or _known(s, vocabulary) or _CONTRACTED.fullmatch(word):
            continue
        if not acronym and _common(word):
            continue
        if _typo_of(s, vocabulary):
            continue  # "boyfreind": a typo of a word the post uses
        out.append(word if acronym else word.lower())
    return list(dict.fromkeys(out))


# an asking sentence about a thing the sentences before it named: "does the post say how they handled that?"
POINTS_BACK = re.compile(r"\b(?:about|handle[sd]?|deal(?:t|s)? with|cover(?:s|ed)?|mention(?:s|ed)?|say (?:anything )?about|with|do about) "
                         r"(?:that|this|it|any of (?:that|this))\W*$", re.I)
# the reader's own state, named after "I'm" / "I feel": "im gutted", "i feel so gutted", "i'm absolutely knackered"
FEELING = re.compile(r"\b(?:i['’]?m|im|i am|i was|i feel|i felt|feeling)\s+(?:so |really |absolutely |just |totally |completely |a bit |pretty )?"
                     r"[^\W\d_]+\b", re.I)
# "cant", "dont", "wouldnt", "youre", "theyve": a contraction typed without its apostrophe is no topic
_CONTRACTED = re.compile(r"(?:ca|do|wo|did|does|is|are|was|were|have|has|had|should|would|could|must|ai|need)nt"
                         r"|(?:you|they|we)(?:re|ve|ll|d)|(?:i|you|they|we|he|she|it|that|there|what|who)(?:ve|ll)", re.I)


def _known(stem: str, vocabulary: frozenset[str]) -> bool:
    """A word the posts use (or a variant of one), or a word about the text itself ("article", "say")."""
    return stem in _META or stem in vocabulary or _variant_in(stem, vocabulary) or _compound_of(stem, vocabulary)


def _compound_of(stem: str, vocabulary: frozenset[str]) -> bool:
    """"stepkids" under a post of "stepson", "stepdad" and "kids": a word made of the start of the posts' own compounds
    (4+ letters, begun by at least two of their words) and a word they use (3+ letters) names nothing new (r53: "The
    article and its comments don’t mention “stepkids”" for the stepdad of three in its comments)."""
    for cut in range(4, len(stem) - 2):
        head, tail = stem[:cut], stem[cut:]
        if (tail in vocabulary or (len(tail) >= 4 and any(v.startswith(tail) for v in vocabulary))) \
                and sum(v.startswith(head) and v != head for v in vocabulary) >= 2:
            return True
    return False


def _typo_of(stem: str, vocabulary: frozenset[str]) -> bool:
    """A near-spelling of a word the posts use ("boyfreind"); slow, so asked last. A typo keeps the first letter:
    "app" is no typo of "yapp"."""
    return any(w[:1] == stem[:1] for w in difflib.get_close_matches(stem, vocabulary, n=3, cutoff=0.84))


def asked_for(question: str, vocabulary: frozenset[str], names=()) -> list[str]:
    """What the question asks the text for, when the post never uses it: "what supplements does the
    article recommend?" asks for supplements, however everyday the word. ``names``: people the post
    mentions, who may be the subject ("what foods does Renee recommend?")."""
    subjects = "".join(f"|{re.escape(n)}" for n in sorted(names))
    m = re.search(ASKED_THING.format(names=subjects), question, re.I) or re.search(ASKED_ANY.format(names=subjects), question, re.I)
    if not m:
        return []
    # "supplements or protein powders": every thing asked for lacks a word in the post ("powders" in a post that
    # says "protein"), and one lacks every word ("supplements"); a single thing must lack every word
    things = [[w for w in re.findall(r"[^\W\d_]+", part) if w.lower() not in ("kind", "kinds", "type", "types", "sort", "of")
               and tokenize(w)] for part in re.split(r"\b(?:or|and)\b|,", m.group(1))]
    things = [t for t in things if t]
    unknown = [[not _known(tokenize(w)[0], vocabulary) for w in t] for t in things]
    if things and all(any(u) for u in unknown) and any(all(u) for u in unknown):
        return [" ".join(t).lower() for t in things]
    return []


# "is there anything here about X?", "does it say anything about X?", "does the article mention X?": the reader
# asks whether the text covers X. X ends where the question goes on about the reader ("... when they won't talk",
# "? we live 3 hours apart").
ABOUT_X = re.compile(
    r"\b(?:is there|are there|(?:say|says|said|mention|mentions|talk|talks|cover|covers|discuss|discusses|address|addresses))"
    r"\s+(?:anything|something|much)\s+(?:at all\s+)?(?:here\s+|in (?:the|this) (?:article|post)\s+)?(?:about|on|regarding)"
    r"\s+(?P<x>[^?.!;:,—–-]+)", re.I)
# "any tips in here for long distance?": the topic advice is asked for
TIPS_X = re.compile(r"\b(?:any|some)\s+(?:tips|advice|help|ideas|guidance|pointers)\s+(?:in here\s+|in (?:the|this) (?:article|post)\s+|here\s+)?"
                    r"(?:for|on|about|regarding)\s+(?P<x>[^?.!;:,—–-]+)", re.I)
# "does the post mention attachment styles?", "does it consider that?": the topic named right after the verb
DIRECT_X = re.compile(
    r"\b(?:does|did|do) (?:she|he|it|they|the (?:article|author|writer|blogger|post|text)|(?-i:[A-Z][a-z]+))(?: \w+ly| ever| even)? "
    r"(?:mention|cover|discuss|address|consider|talk about|deal with|account for|get into|go into|recommend|suggest|advise) "
    r"(?!anything\b|something\b|much\b|when\b|whether\b|if\b|how\b|what\b|why\b|who\b|for\b)(?P<x>[^?.!;:,—–-]+)", re.I)
_X_ENDS = re.compile(r"\s(?:when|if|because|since|while|after|before|so|but|like|as if|we|i|i'm|im|my|he|she|they'?re"
                     r"|who|that|which|where|at all|ever|really|though|anyway)\s", re.I)  # a clause is not the topic's name: "men who were raised to ..."
_ANAPHORA = {"that", "this", "it", "them", "those", "these", "situation", "thing", "things", "stuff", "case", "one"}


# "does any of this change for long distance?", "does it apply to same-sex couples?": whether the advice covers a case
APPLIES_TO = re.compile(r"\b(?:does|do|would|will) (?:any of )?(?:this|that|it|these|the (?:advice|steps|article|rules))"
                        r" (?:still )?(?:change|apply|work|hold) (?:for|to|with|in|when) (?P<x>[^?.!;:,—–-]+)", re.I)
# "does she ever say when it's time to see a counselor?", "does it mention how to handle his mother?": whether
# the text covers the case the rest of the question names
SAYS_WHEN = re.compile(
    r"\b(?:does|did|do) (?:she|he|it|they|the (?:article|author|writer|blogger|post))(?: \w+ly| ever| even)? "
    r"(?:(?:say|mention|talk about|discuss|cover|address|get into|go into|explain) (?:when|whether|if|how|what|why|who)"
    r"|(?:recommend|suggest|advise|say) (?:anything )?for)\b(?P<x>[^?.!;]+)", re.I)


# "would couples counseling help?", "should we try therapy?", "is he pulling away because he's depressed?": a remedy or a
# reason the reader brings, in the reader's words: named missing when its last word is one the post never uses
TRY_X = re.compile(
    r"\b(?:would|will|could|can|might|does|do) (?:(?:going to|trying|doing|getting|seeing|starting|some|a|an|the)\s+)*"
    r"(?P<x>(?:[^\W\d_]+\s+){0,2}?[^\W\d_]+)\s+(?:help|work|fix (?:it|this|that|things))\b"
    r"|\bshould (?:i|we|he|she|they|you) (?:try|do|go to|get|see|consider|start|book|look into)\s+(?:a |an |some |the )?"
    r"(?P<y>(?:[^\W\d_]+ ?){1,3})"
    r"|\bbecause (?:he|she|they)(?:['’]?s|['’]?re| is| are| was| were) (?:actually |just |really |secretly )?(?P<z>[^\W\d_]{5,})\b"
    r"|\b(?:think|thinks|say|says|feel|believe)\s+(?P<w>(?:[^\W\d_]+\s+)?[^\W\d_]+) (?:would|will|could|might|can) (?:really |actually )?(?:help|work)\b",
    re.I)  # "does Renee think couples counseling would help?"


_WHEN_HOW = {"together", "first", "again", "now", "instead", "too", "anymore", "more", "soon", "later", "already", "yet",
             "sometime", "someday", "ever"}


def asked_to_try(question: str, vocabulary: frozenset[str]) -> list[str]:
    """The remedy or reason the reader names (TRY_X) when its last word is none the post uses, nor a variant or a
    near-spelling of one: "would couples counseling help with this?" in a post that never says "counseling"."""
    for words in _named_phrases(question, (TRY_X,)):
        if _unused(words[-1:], vocabulary):  # its last word, the thing itself, is none the post uses (nor short, nor about when)
            return [" ".join(words).lower()]
    return []


def _named_phrases(question: str, patterns: tuple[re.Pattern, ...]):
    """The words of each remedy, reason or topic the patterns find the question naming, up to where the question goes on
    about something else; none that only points ("would that help?")."""
    for pattern in patterns:
        for m in pattern.finditer(question):
            phrase = _X_ENDS.split(f" {next((g for g in m.groups() if g), '')} ", maxsplit=1)[0]
            words = [w for w in re.findall(r"[^\W\d_]+", phrase) if tokenize(w)]
            while words and words[-1].lower() in _WHEN_HOW:
                words.pop()  # "see a therapist together": the thing is the therapist
            if words and not {w.lower() for w in words} & (_ANAPHORA | {"anything", "something", "everything", "him", "her"}):
                yield words


def asked_about(question: str, vocabulary: frozenset[str]) -> list[str]:
    """The words of X that the post never uses (nor a near-spelling or a variant of them), for a question that
    asks whether the text covers X. The reader names the topic, so an everyday word counts here ("long distance":
    a post that never says "distance"). A topic only pointed at ("what if he's depressed? does it say anything
    about that?") is read off the rest of the question: its longer words the post never uses."""
    m = ABOUT_X.search(question) or DIRECT_X.search(question) or TIPS_X.search(question) or APPLIES_TO.search(question)
    if not m:
        w = SAYS_WHEN.search(question)
        if not w:
            return []
        # "does the article say whether i should push him to see a therapist?": the case is what follows "I should"
        case = re.sub(r"^\s*(?:i|we|you)(?:'d| would| should| could| can| need to| have to| must)?\s+", "", w.group("x"), flags=re.I)
        return _unused(re.findall(r"[^\W\d_]+", _X_ENDS.split(f" {case} ", maxsplit=1)[0]), vocabulary)
    # "what it means when he's on dating apps": the case named after "when"
    topic = re.sub(r"^\s*what (?:it|this|that) (?:means|says) (?:when|if) (?:he|she|they)(?:'s|’s| is| are|'re)?\s*", "", m.group("x"), flags=re.I)
    pointed = re.findall(r"[^\W\d_]+", topic)
    if 0 < len(pointed) <= 2 and pointed[0].lower() in _ANAPHORA:  # "about that (situation)"
        rest = question[: m.start()] + " " + question[m.end():]
        return _last_phrases(re.findall(r"[^\W\d_]+", rest), vocabulary)
    x = _X_ENDS.split(f" {topic} ", maxsplit=1)[0]
    words = [w for w in re.findall(r"[^\W\d_]+", x) if tokenize(w)]
    if not words or {w.lower() for w in words} & _ANAPHORA:
        return []
    if len(words) == 1 and _common(words[0]):
        return []  # one everyday word ("overthinking"): the post may say it otherwise; missing_words reads rare ones
    out = []
    for w in words:
        t = tokenize(w)[0]
        if len(w) < 4 or _known(t, vocabulary) or _typo_of(t, vocabulary):
            continue
        out.append(w.lower())
    if out and len(words) <= 3:  # a short phrase is the topic itself: "attachment styles", not "styles"
        return [re.sub(r"^(?:(?:the|a|an|any|some|on|in|at|with|about|from|for)\s+)+", "", " ".join(x.split()), flags=re.I).lower()]
    return list(dict.fromkeys(out))


def _last_phrases(words: list[str], vocabulary: frozenset[str], n: int = 1) -> list[str]:
    """The last ``n`` runs of words the post never uses, nearest the "that" that points at them: "he's twisting the
    knife by being all happy on social media. does it say anything about that?" -> "social media"."""
    unused = set(_unused(words, vocabulary))
    runs: list[list[str]] = []
    for i, w in enumerate(words):
        if w.lower() in unused:
            if runs and i > 0 and words[i - 1].lower() in unused and runs[-1][-1] == words[i - 1].lower():
                runs[-1].append(w.lower())
            else:
                runs.append([w.lower()])
    return list(dict.fromkeys(" ".join(r) for r in runs[-n:]))


def _unused(words: list[str], vocabulary: frozenset[str]) -> list[str]:
    """The words (five letters or more, not about the text) that the post never uses, nor a variant or a
    near-spelling of them: what a reader's case names that the text does not."""
    out = []
    for w in words:
        t = tokenize(w)
        if len(w) < 5 or not t or _known(t[0], vocabulary) or w.lower() in _STOP or _typo_of(t[0], vocabulary):
            continue
        out.append(w.lower())
    return list(dict.fromkeys(out))


_STOP = {"about", "there", "their", "these", "those", "would", "could", "should", "which", "while", "where", "after",
         "before", "because", "since", "still", "other", "again", "being", "going", "doing", "having", "really", "started",
         "whose", "whom", "whether", "without", "within", "minutes", "hours", "weeks", "months", "years", "today",
         "tonight", "yesterday", "lately", "recently"}  # when, not what: "5 months pregnant" names pregnancy


def _readers_named(facts: Facts) -> list[str]:
    """The commenters the question names, but for the post's own author ("does Tessa recommend …?" asks the article)."""
    authors = {a for a in facts.authors.values() if a}
    return [n for n in facts.names if n not in authors and bare_author(n) not in authors]


# Two sides of one relation: a post about one side ("Why do men pull away?", "a noisy upstairs neighbour") does not cover
# the other ("my girlfriend is the one going distant", "my downstairs neighbour complains about me")
SIDES = (
    (frozenset("men man guy guys boyfriend boyfriends bf husband husbands hubby male males boy boys".split()),
     frozenset("women woman girl girls girlfriend girlfriends gf wife wives female females".split())),
    (frozenset({"upstairs"}), frozenset({"downstairs"})),
    (frozenset({"landlord", "landlords"}), frozenset({"tenant", "tenants", "renter", "renters"})),
)
_SELF = re.compile(r"\b(?:i'?m|i am|im|as) an? (?:\w+ )?(?:guy|man|woman|girl|male|female)\b|\bnot an? (?:\w+ )?(?:guy|man|woman|girl)\b"
                   r"|^\W*(?:\w+ )?(?:guy|man|woman|girl|dude|male|female) here\b", re.I)  # "guy here, my girlfriend is the one ..."
SIDE_DOES = 4  # "my girlfriend (is the one) pulling away": the title's verb within this many words of a side's word
_IS_THE_ONE = re.compile(r"\b(?:is|are|was|were) the ones? (?:who|that|going|doing|pulling|being|getting)\b", re.I)
_WRITTEN_OUT = {"gf": "girlfriend", "bf": "boyfriend", "hubby": "husband"}  # a lead names what the reader wrote short in full
# the reader is the one doing it: "I'm the one who needs space", "it's flipped", "it's the other way round"
_READER_IS_THE_ONE = re.compile(r"\b(?:i'?m|i am|im|it'?s me|its me) (?:actually |really )?the one (?:who |that )?(?P<does>(?:\w+\W+){0,3}\w+)"
                                r"|\b(?:it'?s|its) (?:all )?(?P<flipped>flipped|reversed|the other way (?:a)?round)\b", re.I)
_COVERS = re.compile(r"\b(?:does|do|did|would|will) (?:any of )?(?:this|it|that|the (?:article|post|advice))\b[^?.!]{0,20}\b"
                     r"(?:cover|apply|work|explain|say|talk|mention|include|have anything)\w*\b"
                     r"|\banything (?:in (?:here|this|there|it) )?(?:for|about) (?:me|us|my|our|that|this|the other)\b", re.I)


def _other_side(question: str, kind: str, facts: Facts) -> Lead | None:
    """"does it explain why women pull away too?" on "Why do men pull away?": the post is about one side of a relation
    and the question about the other; said when the question is about that other side (it asks whether the text
    covers it, uses the title's other words, or says the other side "is the one"), not merely naming it."""
    if kind in ("said", "thread", "opinion") or _readers_named(facts) or len(facts.titles) != 1:
        return None
    title = next(iter(facts.titles.values()))
    title_words = {w.lower() for w in re.findall(r"[^\W\d_]+", title)}
    asked = _SELF.sub(" ", QUOTED.sub(" ", question))  # the article's own words, quoted back ("another woman"), are no case
    words = {w.lower() for w in re.findall(r"[^\W\d_]+", asked)}

    def rest_of(side) -> set[str]:  # the title's other words ("pull away", "neighbour")
        return set(tokenize(title)) - set(tokenize(" ".join(side)))

    sequence = [w.lower() for w in re.findall(r"[^\W\d_]+", asked)]

    def does(side, rest, one: bool = False) -> bool:
        """A word of this side soon followed by the title's verb ("his girlfriend pulls away"); ``one``: a word for one
        person ("do women pull away as well?" asks what the article says of women: it says they do, sometimes)."""
        return any(w in side and not (one and (w.endswith("s") or w in ("men", "women")))
                   and any(set(tokenize(x)) & rest for x in sequence[i + 1:i + 1 + SIDE_DOES]) for i, w in enumerate(sequence))

    for a, b in SIDES:
        for ours, theirs in ((a, b), (b, a)):
            if not title_words & ours or not words & theirs:
                continue
            rest = rest_of(ours)
            # both named ("what should a man do when his girlfriend pulls away?"): about the other side when it is the
            # one doing what the title says and ours is not
            if words & ours and not (does(theirs, rest, one=True) and not does(ours, rest)):
                continue
            if not (_COVERS.search(asked) or _IS_THE_ONE.search(asked) or rest & set(tokenize(asked))):
                continue
            said, other = sorted(title_words & ours)[0], sorted(words & theirs)[0]
            other = _WRITTEN_OUT.get(other, other)
            return Lead(f"The article doesn’t cover this: it is about “{said}”, not “{other}”.", "not covered", closest=True)
        # "what if it's flipped and I'm the one who needs space and my boyfriend gets hurt?": the reader does what the
        # title's side does, to someone of that side
        one = _READER_IS_THE_ONE.search(question)  # (the question as written: its apostrophes are no quotes)
        if title_words & a and words & a and one and (one.group("flipped") or set(tokenize(one.group("does") or "")) & rest_of(a)):
            said = sorted(title_words & a)[0]
            return Lead(f"The article doesn’t cover this: it is about when “{said}” do it, not when you do.", "not covered", closest=True)
    return None


# the people a post is about, by relation: a post about friend groups does not cover sisters
RELATIONS = {
    "siblings": frozenset("sister sisters brother brothers sibling siblings sis bro half-brother half-sister stepbrother stepsister".split()),
    "parents": frozenset("mom moms mum mums mother mothers dad dads father fathers parent parents".split()),
    "children": frozenset("son sons daughter daughters kid kids child children toddler toddlers teen teens teenager teenagers "
                          "stepson stepdaughter stepkids stepchildren".split()),
    "partners": frozenset("boyfriend boyfriends girlfriend girlfriends bf gf husband husbands wife wives partner partners spouse "
                          "fiance fiancee".split()),
    "friends": frozenset("friend friends bestie besties".split()),
    "coworkers": frozenset("boss bosses coworker coworkers co-worker co-workers colleague colleagues manager".split()),
    "relatives": frozenset("cousin cousins aunt aunts uncle uncles in-laws relatives".split()),
}
RELATION_SUBJECT = 4  # the post is about a relation its article names this often ...
RELATION_RARE = 1  # ... and not about one it names at most this often
# "does this work with siblings too?", "would any of this apply to my sister?", "what if it's my brother?", "mine isn't friends, it's my sisters"
APPLIES_TO_WHO = re.compile(r"\b(?:work|works|apply|applies|the same|same thing|any different|different)\s+(?:\w+\s+){0,2}?(?:with|for|to|if it'?s)\s+(?:(?:my|our|your|a|an|the)\s+)?(?P<who>[\w-]+)"
                        r"|\bwhat (?:about|if it'?s|if its)\s+(?:(?:my|our|your|a|an)\s+)?(?P<who2>[\w-]+)"
                        r"|\b(?:it'?s|its|they'?re|theyre) (?:my|our) (?P<who3>[\w-]+)", re.I)


def _other_relation(question: str, kind: str, facts: Facts) -> Lead | None:
    """"mine isn't friends, it's my sisters ... does this stuff work with siblings too?" on a post about friend groups:
    the post's article is about one relation (it names it again and again) and the question asks whether it applies to
    another it hardly names."""
    if kind in ("said", "thread", "opinion") or _readers_named(facts) or not facts.passages:
        return None
    asked = [w.lower() for m in APPLIES_TO_WHO.finditer(question) for w in m.groups() if w]
    wanted = next(((group, w) for w in asked for group, words in RELATIONS.items() if w in words), None)
    if wanted is None:
        return None
    group, word = wanted
    counts = _relation_counts(facts)
    subject = _relation_of(facts, counts)
    if subject is None or subject == group or counts.get(group, 0) > RELATION_RARE:
        return None
    return Lead(f"The article doesn’t cover this: it is about {subject}, not {_WRITTEN_OUT.get(word, word)}.", "not covered", closest=True)


def _relation_of(facts: Facts, counts: dict[str, int]) -> str | None:
    """The relation the post is about: the one its title names ("Estranged from your sibling?"), else the one its article
    names (``counts``: _relation_counts) at least RELATION_SUBJECT times and twice as often as any other; None for a post
    about no relation."""
    if len(facts.titles) != 1:
        return None
    title = {w.lower() for w in re.findall(r"[\w-]+", next(iter(facts.titles.values())))}
    named = [group for group, words in RELATIONS.items() if title & words]
    if len(named) == 1:
        return named[0]
    ranked = sorted(counts.items(), key=lambda kv: -kv[1])
    if ranked and ranked[0][1] >= RELATION_SUBJECT and (len(ranked) == 1 or ranked[0][1] >= 2 * ranked[1][1]):
        return ranked[0][0]
    return None


def _relation_counts(facts: Facts) -> dict[str, int]:
    """How often the posts' articles name each relation."""
    words = Counter(w.lower() for kind, _, text in facts.passages if kind == "article" for w in re.findall(r"[\w-]+", text))
    return {group: n for group, names in RELATIONS.items() if (n := sum(words[w] for w in names))}


def _named_missing(question: str, kind: str, facts: Facts) -> Lead | None:
    """The thing, topic, remedy or reason the question names in so many words, when the post never uses it (and no
    specific word of the question is missing: _not_covered names that one)."""
    if (not _may_be_missing(kind, facts, named=_asks_coverage(question)) or missing_words(question, facts.vocabulary, facts.names)
            or _asked_unanswered(question, facts)):
        return None  # (a topic only a reader's unanswered question raises: _not_covered says who asked)
    named = _named_things(question, facts)
    return Lead(f"The article and its comments don’t mention {_or(named)}.", "not covered", closest=True) if named else None


def _asks_coverage(question: str) -> bool:
    """"does it say anything about that?", "does the article mention X?": the question asks whether the text covers a topic."""
    return bool(ABOUT_X.search(question) or DIRECT_X.search(question) or TIPS_X.search(question))


def _named_things(question: str, facts: Facts) -> list[str]:
    """What the question asks the text for, the topic it asks whether the text covers, or the remedy it asks about,
    when the post never uses it."""
    return (asked_for(question, facts.vocabulary, facts.mentioned) or asked_about(question, facts.vocabulary)
            or asked_to_try(question, facts.vocabulary))


def _may_be_missing(kind: str, facts: Facts, named: bool = False) -> bool:
    """``named``: the question names what it asks about in so many words, and the post never uses them ("what if he's
    depressed, not just rebuilding testosterone? does it say anything about that"): a passage close to the rest of the
    question does not cover it."""
    if kind in ("said", "thread", "opinion") or _readers_named(facts) or not facts.vocabulary:
        return False
    return named or max((c.sim for c in facts.candidates), default=0.0) < COVERED_SIM


WHICH_STEP = re.compile(r"\bwhich (?:one|step|part|bit|rule|of (?:those|these|them|the steps))\b", re.I)
SUPERLATIVE = re.compile(r"\b(?:hardest|easiest|toughest|most (?:important|difficult|crucial)|biggest|key|make[- ]or[- ]break"
                         r"|(?:actually )?decides? whether)\b", re.I)
STEP_NAMED = re.compile(r"\b(?:step|part|no\.?|number)\s*\(?\s*(\d|one|two|three|four|five|six|seven|eight)\b", re.I)
_STEP_NUMBER = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8}


def _which_step(question: str, kind: str, facts: Facts) -> Lead | None:
    """"which one of those does she say is the hardest?" -> "The article says step 2 is the hardest.": its own
    sentence that names a step and says the same superlative ("Part 2 (above) is going to prove to be the hardest")."""
    asked = SUPERLATIVE.search(question)
    if not WHICH_STEP.search(question) or asked is None or facts.names:
        return None
    for c in sorted(facts.candidates, key=lambda c: -c.score)[:5]:
        said, step = SUPERLATIVE.search(c.text), STEP_NAMED.search(c.text)
        if c.kind == "article" and said and step and said.group(0).split()[-1].lower() == asked.group(0).split()[-1].lower():
            n = step.group(1).lower()
            return Lead(f"The article says step {_STEP_NUMBER.get(n, n)} is the {said.group(0).lower()}.", "step named",
                        first=(c.start, c.end))
    return None


def _asked_same(kind: str, facts: Facts, asks: frozenset[str]) -> Candidate | None:
    """The sentence of a reader's asking comment (``asks``: their keys) closest to the question, when it reads as the same
    question (SAME_QUESTION); never the post author's own, and never for a question about readers."""
    if kind in ("said", "thread", "opinion") or facts.names or facts.about_reader or not asks:
        return None
    theirs = [c for c in facts.candidates if c.kind == "comment" and c.key in asks
              and bare_author(c.author or "") != facts.authors.get(c.doc)]
    best = max(theirs, key=lambda c: c.sim, default=None)
    return best if best is not None and best.sim >= SAME_QUESTION else None


def _article_best(facts: Facts) -> float:
    """How close the article's closest passage reads to the question."""
    return max((c.sim for c in facts.candidates if c.kind == "article"), default=0.0)


def _title_stems(facts: Facts) -> set[str]:
    """The posts' titles, as 4-letter stems: the post's own subject ("driving", "smoking"), which names nothing in it."""
    return {t[:4] for t in tokenize(" ".join(facts.titles.values())) if len(t) >= 4}


def _answered_before(question: str, kind: str, facts: Facts) -> Lead | None:
    """"what time should I set the clock to?" -> "The author, Megan Hollis, answered this in the comments, when Aisha
    Noor asked the same.": a reader's question that the post model marks as answered by the post's author reads very
    close to the question (SAME_QUESTION) and at least as close as anything in the article, and the author's reply is
    among the passages (it comes first)."""
    best = _asked_same(kind, facts, frozenset(facts.answered_asks))
    if best is None or best.sim < _article_best(facts):
        return None  # (the article reads closer: it answers it itself)
    # the post's author answering: another reader's answer is their own story ("Then something came up and we had a
    # conflict ..."), no match for the article's advice (dev: r28 g12, r31 m22)
    replies = [c for c in facts.candidates if c.key in facts.answered_asks[best.key]
               and bare_author(c.author or "") == facts.authors.get(c.doc)]
    reply = max(replies, key=lambda c: c.score, default=None)
    if reply is None:
        return None
    return Lead(f"The author, {bare_author(reply.author or '')}, answered this in the comments, when {who_named(best.author)} "
                f"asked the same.", "answered before",
                first=(reply.start, reply.end), also=((best.start, best.end),))


def _asked_before(question: str, kind: str, facts: Facts) -> Lead | None:
    """"our 2 year old shares a room with her brother ... how do i do the chair part without waking him?" -> "The
    article doesn’t say directly: Carla Mendes asked the same in the comments, and nobody answered.": a reader's comment
    whose question got no answer (the post model) reads much closer to the question than anything else (SAME_MARGIN),
    and no passage of the article is close enough to answer it (COVERED_SIM)."""
    best = _asked_same(kind, facts, facts.unanswered_asks)
    if best is None:
        return None
    others = max((c.sim for c in facts.candidates if c.key != best.key), default=0.0)
    if best.sim - others < SAME_MARGIN:
        return None  # the article (or another reader) reads about as close: it may well answer it
    if _article_best(facts) >= COVERED_SIM:
        return None  # a passage of the article this close answers it
    return Lead(f"The article doesn’t say directly: {who_named(best.author)} asked the same in the comments, and nobody answered.",
                "asked, unanswered", first=(best.start, best.end), closest=True)


def _not_covered(question: str, kind: str, facts: Facts) -> Lead | None:
    if not _may_be_missing(kind, facts):
        return None
    # a specific word the post lacks; the thing asked for; the topic a coverage question names, in any words
    # ("is there anything about long distance relationships?" in a post that never says "distance")
    specific = missing_words(question, facts.vocabulary, facts.names)
    missing = specific or _named_things(question, facts)
    if missing and _section_covers(question, facts):
        return None  # "my flatmate smokes ... how am i meant to quit living with that": "If you live with a smoker" covers it
    # a topic only a reader's unanswered question raises ("any tips for a stiff levain?"), before any other word it lacks
    asked = _asked_unanswered(question, facts)
    if asked and not specific:
        who = facts.unanswered[tokenize(asked[0])[0]]
        return Lead(f"The article doesn’t cover {_or([w.lower() for w in asked])}: {who} asked about it in the comments "
                    f"and nobody answered.", "asked, unanswered", closest=True)
    if missing:
        return Lead(f"The article and its comments don’t mention {_or(missing)}.", "not covered", closest=True)
    aside = [w for w in _named_case(question) if _in_one_comment(w, facts)]
    if aside:
        return Lead(f"The article doesn’t mention {_or(aside)}; only one comment does.", "one comment", closest=True)
    return None


def _asked_unanswered(question: str, facts: Facts) -> list[str]:
    """The question's words (four letters or more, not everyday ones) that only a reader's unanswered question uses."""
    return [w for w in re.findall(r"[^\W\d_]+", question)
            if len(w) >= 4 and (t := tokenize(w)) and t[0] in facts.unanswered and not _common(w)]


def _section_covers(question: str, facts: Facts) -> bool:
    """One of the best passages sits under a heading that names the question's situation in its own words ("If you
    live with a smoker" for "how am i meant to quit living with that?"), besides the post's subject (its title)."""
    title = _title_stems(facts)
    asked = {w[:4] for w in _topic_words(asking_part(question) or question) if len(w) >= 3 and w[:4] not in title}
    for c in sorted(facts.candidates, key=lambda c: -c.score)[:3]:
        if c.kind == "article" and c.section and c.sim >= SECTION_SIM and not c.section.startswith("By "):
            heading = {t[:4] for t in tokenize(c.section) if len(t) >= 3 and t[:4] not in title}
            if any(a.startswith(h) or h.startswith(a) for a in asked for h in heading):  # "liv(ing)", "live"
                return True
    return False


def _named_case(question: str) -> list[str]:
    """The last word of the remedy, reason or topic the question names in so many words ("because he's cheating",
    "would therapy help?", "does it say anything about altitude?"), lower-cased."""
    return list(dict.fromkeys(words[-1].lower() for words in _named_phrases(question, (TRY_X, ABOUT_X, DIRECT_X, APPLIES_TO))))


def _in_one_comment(word: str, facts: Facts) -> bool:
    """A word (five letters or more) the article never uses and a single comment does: "because he's cheating" where
    one reader mentions "a lying, cheating ex" in passing. Counted off the posts' records."""
    t = tokenize(word)
    if len(word) < 5 or not t or t[0] in _META or word in _STOP or t[0] not in facts.vocabulary:
        return False
    counts = {"article": 0, "comment": 0}
    for kind, _, text in facts.passages:
        if t[0][:4] in text.lower() and t[0] in tokenize(text):
            counts[kind] = counts.get(kind, 0) + 1
    return counts["article"] == 0 and counts["comment"] == 1


def _common(word: str) -> bool:
    """An everyday word: in the encoder's vocabulary, give or take an ending ("nags") or a prefix
    ("overthinking" is "thinking")."""
    w = word.lower().replace("’", "'").split("'")[0]
    vocab = whole_words()

    def known(x: str) -> bool:
        return x in vocab or any(x.endswith(e) and x[: -len(e)] in vocab for e in ("s", "es", "ed", "ing", "ly", "d"))

    return known(w) or any(w.startswith(p) and len(w) - len(p) >= 4 and known(w[len(p):]) for p in _PREFIXES)


_PREFIXES = ("over", "under", "out", "self", "non", "mis", "pre", "re", "un")


def _variant_in(stem: str, vocabulary: frozenset[str]) -> bool:
    """"recovers" / "recovery", "supplement" / "supplements": one stem a prefix of another (5+ letters)."""
    if len(stem) < 5:
        return False
    return any(v.startswith(stem[:5]) and (v.startswith(stem) or stem.startswith(v)) for v in vocabulary if len(v) >= 5)


def vocabulary_of(*texts: str) -> frozenset[str]:
    return frozenset(w for t in texts for w in tokenize(t))


def and_list(names: list[str]) -> str:
    """"A", "A and B", "A, B and C"."""
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def who_named(author: str | None, nobody: str = "a reader who left no name") -> str:
    """A commenter as an answer names them; ``nobody`` for a comment with no name."""
    from index.parse import NO_AUTHOR

    return author if author and author != NO_AUTHOR else nobody


def _or(words: list[str]) -> str:
    words = [f"“{w}”" for w in words[:3]]
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " or " + words[-1]
