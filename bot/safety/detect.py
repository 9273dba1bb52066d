"""Input checks before retrieval: self_harm, abuse, distress, injection, off_topic.

Method (offline; no classifier model exists as a package, see /work/shared/OFFLINE.md):

1. Normalise the message (lower case, straight quotes) and split it into sentences
   (``index.sentences.sentence_spans``). Known idioms are masked first ("this waiting is
   killing me", "I'm dying to see him", "I'd kill for ...", "it hit me that ...").
2. Curated patterns, two tiers per flag:
   - *strong* patterns are precise first-person phrases ("kill myself", "he hits me",
     "showed up at my door", "reveal your system prompt"); a strong hit flags on its own,
   - *broad* patterns are a risk vocabulary ("hopeless", "afraid", "controlling") that
     flags only when the embedding check agrees (or when it cannot run, see 4).
   A hit is dropped when a negation precedes it in the same clause ("I'm not suicidal",
   "he has never hit me"), when the sentence is about a film, a book or the article's
   comments ("in the comments, P says ..."), and, for abuse and distress only, when the
   sentence is set in a finished past ("years ago", "my last relationship ... long over")
   with no sign that it goes on. Self-harm is never dropped as "past".
3. Embedding similarity: every sentence is embedded with the packaged all-MiniLM-L6-v2
   and compared (cosine) with labelled example phrases (``examples.v1.yaml``): positives
   per flag and hard negatives (``none``: idioms, negations, third-person). A sentence
   fires a flag when its best positive is >= ``THRESHOLDS[flag]`` and beats the best hard
   negative by ``MARGIN``; a broad hit needs only ``BROAD_THRESHOLDS[flag]``.
   ``off_topic`` fires when no relationship/article word occurs, no other flag fired, and
   the message is closer to off-topic examples than to on-topic ones (or below
   ``THRESHOLDS['on_topic']``). Danger supersedes distress: with self_harm or abuse, distress
   is not reported separately.
4. Failure policy (tested): if the embedding check raises, the detector logs a warning,
   adds a note, sets ``degraded`` and falls back to patterns only, *failing closed* for
   self_harm and abuse: broad hits then flag on their own (more false alarms, no silent
   misses), and the policy attaches the crisis and abuse resources to every answer while
   degraded. Distress keeps strong + broad patterns; injection strong patterns only;
   off_topic the word check only.

Thresholds were tuned on ``seeds/eval/safety.v1.yaml`` with
``benchmarks/safety_report.py --sweep``: recall of self_harm and abuse stays 1.0 for every
value swept (patterns carry it); precision is 1.0 from 0.60 to 0.75 and falls below 0.60, so
0.62 is the low end of that plateau (more room for unseen phrasings). The example phrases are written
separately from the eval cases; with ~110 cases the numbers are a sanity check, not a
guarantee (see the README section "Safety layer").
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from pathlib import Path

from index.sentences import sentence_spans

log = logging.getLogger("bot.safety")

EXAMPLES = Path(__file__).with_name("examples.v1.yaml")
FLAGS = ("self_harm", "abuse", "distress", "injection", "off_topic")
DANGER = ("self_harm", "abuse")

THRESHOLDS = {"self_harm": 0.62, "abuse": 0.62, "distress": 0.62, "injection": 0.62, "on_topic": 0.30}
BROAD_THRESHOLDS = {"self_harm": 0.45, "abuse": 0.45, "distress": 0.45, "injection": 0.55}
MARGIN = 0.02


def _rx(*parts: str) -> re.Pattern:
    return re.compile("|".join(f"(?:{p})" for p in parts))


_NT = r"(?:n'?t|not)"  # "don't", "dont", "do not"

IDIOMS = _rx(
    r"\bkilling me\b",
    r"\bdying (?:to|for)\b",
    r"\b(?:could|would|nearly|almost|just) (?:just )?die(?:d)? (?:of|from|laughing)\b",
    r"\bdied laughing\b",
    r"\b(?:i'?d|i would|could) kill for\b",
    r"\bkill(?:ed|s)? it\b",
    r"\bdead tired\b",
    r"\bto die for\b",
    r"\bit (?:hit|hits) me\b",
    r"\bdriv(?:e|es|ing) me (?:crazy|mad|insane|nuts)\b",
    r"\bfollow(?:s|ed|ing)? me on (?:insta\w*|twitter|tiktok|facebook|social)\b",
)

STRONG = {
    "self_harm": _rx(
        r"\b(?:kill|killing|hurt|hurting|harm|harming|cut|cutting|burn|burning|starve|starving)\s+(?:my ?self)\b",
        r"\bsuicid(?:e|al)\b",
        r"\b(?:end|ending|take|taking)\s+my(?: own)? life\b",
        r"\bend (?:it all|everything)\b",
        rf"\b(?:do{_NT}|no longer|never)\s+want\s+to\s+(?:be here|live|be alive|exist|wake up|go on)\b",
        r"\bwant(?:ed)? to die\b|\bwish (?:i was|i were|i'?d be) dead\b",
        r"\bbetter off without me\b",
        rf"\b(?:no|do{_NT} see (?:a|any)|not any|lost (?:the|my)) (?:reason|point) (?:to|in|for) (?:live|living|keep going|go on|going on|being alive|stay alive|be here)\b",
        r"\bwhat'?s the point (?:of|in) (?:living|life|going on|being alive|being here)\b",
        r"\b(?:never|not to|not) wake up\b",
        r"\b(?:goodbye|suicide) (?:letters?|notes?)\b",
        r"\bdisappear (?:forever|for good|permanently)\b",
        r"\boverdos\w*\b",
        r"\bhow many\b[^.?!]{0,40}\bpills?\b|\bpills? (?:saved|stockpiled|ready)\b",
        r"\b(?:if|when) i(?:'?m| was| were) gone\b|\bnobody would (?:even )?(?:notice|care|miss me)\b",
        r"\btired of (?:living|being alive)\b|\bwant (?:it|this|everything) (?:all )?to (?:stop|end) for good\b",
    ),
    "abuse": _rx(
        r"\b(?:hit|hits|hitting|beat|beats|beating|punch\w*|slap\w*|kick\w*|chok\w*|strangl\w*|push(?:es|ed)?|shov\w*|grabb?\w*|threw|throws?|smack\w*|bit|bites)\b[^.?!]{0,25}?\b(?:me|my)\b(?! away)",
        r"\bthreat\w*\b[^.?!]{0,40}\b(?:hurt|kill|beat|post|share|send|take|ruin|tell)\b",
        r"\b(?:he'?ll|he will|he would|he'?d|going to|gonna)\s+(?:kill|hurt|beat)\s+me\b|\bkill me if\b",
        r"\b(?:show(?:s|ed)?|turn(?:s|ed)?|came|comes|wait(?:s|ed|ing)?)\s+(?:up\s+)?(?:at|outside|to)\s+my\s+(?:door|house|home|work|job|place|apartment|flat|office|car)\b",
        r"\b(?:keeps?|kept|started|is|been) follow\w* me\b|\bstalk\w* me\b|\bfrom (?:new|different|fake) (?:numbers?|accounts?)\b",
        r"\bblocked\b[^.?!]{0,80}\b(?:showed up|turned up|came|keeps?|still|anyway)\b",
        r"\btrack(?:s|ing|ed)? (?:my|me)\b|\b(?:checks?|goes through|reads?|monitors?) my (?:phone|messages|texts|emails?)\b",
        rf"\b(?:wo{_NT}|does{_NT}|will not|never) let me\b[^.?!]{{0,40}}\b(?:see|have|go|talk|leave|work|use|spend|out|visit)\b",
        r"\bisolat\w+ me\b|\bcontrols? (?:all )?(?:of )?(?:the |my |our )?(?:money|finances|spending|accounts?)\b",
        r"\btakes? my (?:whole |entire )?(?:pay|paycheck|salary|wages|money|card|cards)\b|\bask (?:him )?(?:for|permission) [^.?!]{0,20}\b(?:cash|money)\b",
        r"\b(?:pressur\w+|forc\w+|coerc\w+|makes?|made|guilt\w*)\s+me\s+(?:into\s+|to\s+)?(?:have\s+|do\s+)?(?:sex|sexual|sleep with)\b",
        r"\bforc\w+ me to\b|\bforced himself on me\b|\brap(?:e|ed|ing)\b",
        r"\b(?:scared|afraid|terrified|frightened) of (?:him|what he)\b|\bfear for my (?:life|safety)\b",
        r"\btake (?:the|my|our) (?:kids|children|baby)\b",
        r"\b(?:private|intimate|nude) (?:photos?|pictures?|pics|images|videos?)\b|\bnudes\b",
        r"\b(?:he'?s|he is|he was|is being|been) (?:so |really |very )?(?:abusive|violent)\b|\babus(?:es|ed|ing) me\b",
    ),
    "distress": _rx(
        r"\b(?:can'?t|cannot) stop crying\b|\bcrying (?:all|every) (?:night|day)\b",
        r"\bheart ?broken\b|\bpanic attacks?\b|\bfalling apart\b|\bdevastated\b|\bunbearable\b",
        r"\b(?:can'?t|cannot|haven'?t|barely|hardly) (?:sleep|slept|eat|eaten|breathe|focus|function)\b",
        r"\b(?:so|completely|totally|utterly) (?:lost|alone|lonely|broken|hopeless|empty|miserable)\b",
        r"\ba (?:wreck|mess)\b|\banxiety\b|\bhopeless\b|\bdepress\w+\b|\boverwhelm\w*\b|\bhurts? so (?:much|bad)\b",
    ),
    "injection": _rx(
        r"\b(?:ignore|disregard|forget|override|bypass)\b[^.?!]{0,40}\b(?:instructions?|rules?|prompts?|guidelines|everything (?:you|above|before)|previous|above|system)\b",
        r"\bsystem\s*(?:prompt|message)\b|^\s*system\s*:|</?\s*(?:passages?|system|context|instructions?)\s*>",
        r"\byou are now\b|\bfrom now on,? (?:you|answer|respond|act)\b|\bdeveloper mode\b|\bjailbreak\w*\b",
        r"\b(?:reveal|print|show|repeat|output|display|translate|give me|tell me)\b[^.?!]{0,30}\b(?:your|the|initial|hidden|system|secret)\s+(?:\w+\s+)?(?:prompts?|instructions|rules|guidelines|configuration|config)\b",
        r"\b(?:secret|hidden|internal|initial|original)\s+(?:prompt|instructions?|configuration|config|rules|settings)\b",
        r"\b(?:repeat|output|print)\b[^.?!]{0,20}\b(?:text|everything|words) above\b",
        r"\bpretend (?:that )?you (?:have no|don'?t have|are an? (?:ai|assistant|bot|model|chatbot|different))\b|\b(?:without|no) (?:rules|restrictions|guidelines|filters|limits)\b",
        r"\bfilters? (?:disabled|off|removed)\b|\bwhat (?:were|are) you told\b|\bword for word\b",
        r"\bnew (?:system )?(?:instructions?|rules|message)\b",
    ),
}

BROAD = {
    "self_harm": _rx(
        r"\bhopeless\b|\bworthless\b|\bcan'?t go on\b|\bgive up on (?:life|everything)\b|\bway out\b",
        r"\bpills?\b|\bnot worth it\b|\bno point\b|\bcan'?t do this anymore\b",
        # "disappear", "gone", "dead" are this corpus's everyday words for HIM pulling away
        # ("is it rude to disappear for days?"): they only count with a first-person subject.
        r"\b(?:i|i'?m|me|myself)\b[^.?!]{0,40}\b(?:disappear\w*|gone|die|dead)\b",
    ),
    "abuse": _rx(
        r"\bcontrol\w*\b|\bviolen\w*\b|\babus\w*\b|\bscared\b|\bafraid\b|\bunsafe\b|\bthreat\w*\b|\bstalk\w*\b",
        r"\bhurts? me\b|\byell\w*\b|\bscream\w*\b|\bblocked\b|\bmoney\b|\bloans?\b|\bbank\b|\bsex\w*\b|\bforce\w*\b",
    ),
    "distress": _rx(
        r"\bcry\w*\b|\bsad\b|\blonely\b|\balone\b|\blost\b|\bhurt\w*\b|\bpain\w*\b|\bbroken\b|\banxious\b|\bempty\b",
    ),
    "injection": _rx(r"\binstructions?\b|\bprompts?\b|\bignore\b|\brules\b"),
}

NEGATION = re.compile(
    r"\b(?:not|never|no|nor|without|(?:do|does|did|is|was|are|were|wo|ca|could|would|should|has|have|had)n'?t|cannot)\b"
)
NOT_NEGATING = re.compile(r"\b(?:can'?t|cannot|couldn'?t|won'?t|don'?t|not) (?:stop|help|know|see why|be sure|sure)\b|\bno one\b")
CLAUSE = re.compile(r"[,;:]|\bbut\b|\band\b(?= i\b)")
META = re.compile(
    r"\bin (?:the|a|that) (?:movie|film|book|novel|show|series|song|story|article|comments?|post)\b"
    r"|\b(?:movie|film|novel|tv show|character)\b|\bthe (?:commenter|author|article)\b"
    r"|\b(?:comment|post) (?:by|from)\b|\b\w+'s comment\b|\bin the comments\b"
)
PAST = re.compile(r"\b(?:years ago|months ago|long ago|used to|when i was|back then|as a teenager|my last relationship|an ex|my ex|long over|in the past|previous relationship)\b")
ONGOING = re.compile(r"\b(?:still|again|keeps?|kept on|currently|right now|tonight|today|these days|anymore)\b")
ON_TOPIC = re.compile(
    r"\b(?:he|him|his|she|her|boyfriend|girlfriend|bf|gf|husband|wife|partner|spouse|ex|man|men|guy|guys|woman|women"
    r"|relationship\w*|dating|date|dates|love\w*|text\w*|call\w*|space|withdr\w*|pull\w*|distant|commit\w*|marri\w*"
    r"|divorce|breakup|break up|single|feel\w*|hurt\w*|miss\w*|articles?|comments?|comment\w+|author|renee|blog|post"
    r"|oxytocin|testosterone|hormones?|attach\w*|attract\w*|masculin\w*|feminin\w*|freedom|needy|jealous\w*|trust"
    r"|argument|fight|silence|silent|ghost\w*|disappear\w*|vanish\w*|ignor\w*|rude|crush|sex\w*|david|polariz\w*|lonely|alone|cry\w*|sad|heart\w*"
    r"|wait\w*|reach out|contact|players?|narcissis\w*|deadlock|kevin|clair|joni|jess|yz|munchkins|edwige|karen|anita)\b"
)
PERSONAL = re.compile(
    r"\b(?:should i|do i|can i|shall i|how (?:do|can|should) i|what (?:do|should|can) i|my (?:boyfriend|husband|partner|bf|wife|girlfriend|ex|man|guy)|i feel|i'?m|i am|me)\b"
)


def normalise(text: str) -> str:
    text = text.replace("’", "'").replace("‘", "'").replace("“", '"').replace("”", '"')
    return " ".join(text.lower().split())


@dataclass
class Detection:
    flags: list[str] = field(default_factory=list)
    scores: dict[str, float] = field(default_factory=dict)
    hits: dict[str, list[str]] = field(default_factory=dict)  # flag -> matched phrases that counted
    notes: list[str] = field(default_factory=list)
    degraded: bool = False
    personal: bool = False


def _negated(sentence: str, start: int) -> bool:
    before = sentence[:start]
    cut = max((m.end() for m in CLAUSE.finditer(before)), default=0)
    words = " ".join(before[cut:].split()[-5:])
    return bool(NEGATION.search(NOT_NEGATING.sub(" ", words)))


def pattern_hits(sentence: str, flag: str, table: dict) -> list[str]:
    """Matches of ``table[flag]`` in one normalised sentence that are not negated or about fiction/the past."""
    rx = table.get(flag)
    if rx is None:
        return []
    masked = IDIOMS.sub(lambda m: "~" * len(m.group()), sentence)
    if flag in DANGER and META.search(masked):
        return []
    if flag in ("abuse", "distress") and PAST.search(masked) and not ONGOING.search(masked):
        return []
    return [m.group() for m in rx.finditer(masked) if not _negated(masked, m.start())]


class Detector:
    """Patterns + embedding similarity to labelled phrases. ``embeddings`` is a LangChain ``Embeddings``."""

    def __init__(self, embeddings=None, examples: Path = EXAMPLES, patterns: bool = True):
        """``patterns=False`` measures the embedding side alone (benchmarks/safety_report.py)."""
        self.patterns = patterns
        self._embeddings = embeddings
        self._examples_path = examples
        self._bank = None  # (labels, matrix) of example phrases, embedded once
        self._vectors = None  # cache of sentence vectors (follow-ups repeat history turns)

    @property
    def embeddings(self):
        if self._embeddings is None:
            from index.embed import PackagedEmbeddings

            self._embeddings = PackagedEmbeddings()
        return self._embeddings

    def _load_bank(self):
        if self._bank is None:
            import numpy as np
            import yaml

            data = yaml.safe_load(self._examples_path.read_text(encoding="utf-8"))
            labels, texts = [], []
            for label, phrases in data.items():
                if isinstance(phrases, list):
                    labels += [label] * len(phrases)
                    texts += [normalise(p) for p in phrases]
            self._bank = (np.array(labels), np.array(self.embeddings.embed_documents(texts), dtype="float32"))
        return self._bank

    def similarities(self, sentences: list[str]) -> list[dict[str, float]]:
        """Per sentence: best cosine to each label's example phrases."""
        import numpy as np

        labels, bank = self._load_bank()
        if self._vectors is None:
            from bot.support import SupportScorer

            self._vectors = SupportScorer(self.embeddings, recent=2048)
        sims = self._vectors.vectors(sentences) @ bank.T
        return [{lab: float(row[labels == lab].max()) for lab in np.unique(labels)} for row in sims]

    def detect(self, text: str) -> Detection:
        det = Detection()
        norm = normalise(text)
        sentences = [norm[s:e] for s, e in sentence_spans(norm)] or [norm]
        det.personal = bool(PERSONAL.search(norm))
        strong_table, broad_table = (STRONG, BROAD) if self.patterns else ({}, {})
        strong = {f: [h for s in sentences for h in pattern_hits(s, f, strong_table)] for f in STRONG}
        broad = {f: [pattern_hits(s, f, broad_table) for s in sentences] for f in BROAD}
        fired: dict[str, list[str]] = {f: list(strong[f]) for f in STRONG if strong[f]}

        try:
            sims = self.similarities(sentences + ([norm] if len(sentences) > 1 else []))
        except Exception as exc:  # any failure of the model: fall back to patterns, fail closed (docstring, 4)
            log.warning("safety: embedding check failed (%s: %s); using patterns only", type(exc).__name__, exc)
            det.degraded = True
            det.notes.append(
                "The safety check ran on patterns only (the similarity model failed), so crisis and abuse "
                "resources are included as a precaution."
            )
            for flag in DANGER:
                extra = [h for hits in broad[flag] for h in hits]
                if extra:
                    fired.setdefault(flag, []).extend(extra)
            if not ON_TOPIC.search(norm) and not fired:
                fired["off_topic"] = ["no relationship or article words"]
            return self._finish(det, fired)

        whole = sims[-1] if len(sims) > len(sentences) else sims[0]
        for flag in ("self_harm", "abuse", "distress", "injection"):
            det.scores[flag] = round(max(s.get(flag, 0.0) for s in sims), 3)
            for i, sim in enumerate(sims):
                sentence = sentences[i] if i < len(sentences) else norm
                if flag in DANGER and META.search(sentence):
                    continue
                if self.patterns and _negated_only(sentence, flag):
                    continue
                pos, neg = sim.get(flag, 0.0), sim.get("none", 0.0)
                beats = pos - neg >= MARGIN
                if pos >= THRESHOLDS[flag] and beats:
                    fired.setdefault(flag, []).append(f"similar to {flag} examples ({pos:.2f})")
                elif i < len(sentences) and broad[flag][i] and pos >= BROAD_THRESHOLDS[flag] and beats:
                    fired.setdefault(flag, []).append(f"{broad[flag][i][0]} ({pos:.2f})")
        on, off = whole.get("on_topic", 0.0), whole.get("off_topic", 0.0)
        det.scores["on_topic"] = round(on, 3)
        if not ON_TOPIC.search(norm) and not fired and (off > on or on < THRESHOLDS["on_topic"]):
            fired["off_topic"] = [f"no relationship or article words; on-topic similarity {on:.2f}"]
        return self._finish(det, fired)

    @staticmethod
    def _finish(det: Detection, fired: dict[str, list[str]]) -> Detection:
        if any(f in fired for f in DANGER):
            fired.pop("distress", None)
        det.flags = [f for f in FLAGS if f in fired]
        det.hits = {f: fired[f] for f in det.flags}
        for f in det.flags:
            det.scores.setdefault(f, 1.0)
        return det


def _negated_only(sentence: str, flag: str) -> bool:
    """The sentence names the danger only to deny it ("I'm not suicidal"): skip its similarity."""
    rx = STRONG.get(flag)
    if rx is None or flag not in DANGER:
        return False
    masked = IDIOMS.sub(lambda m: "~" * len(m.group()), sentence)
    found = list(rx.finditer(masked)) + list(BROAD[flag].finditer(masked))
    return bool(found) and all(_negated(masked, m.start()) for m in found)
