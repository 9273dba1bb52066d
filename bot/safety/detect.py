"""Input checks before retrieval: self_harm, abuse (with a check-in tier), distress, injection, off_topic.

No safety classifier model can be installed offline, so the check combines curated patterns
(``patterns.py``) with embedding similarity (the packaged all-MiniLM-L6-v2) to labelled example
phrases by category (``examples.v2.yaml``):

1. The message is normalised (lower case, straight quotes, chat spellings expanded) and split into
   sentences; idioms are masked ("this waiting is killing me"). Injection is also checked on the
   decoded variants of the message (base64, hex, ROT13, reversed, leetspeak, spaced letters).
2. Patterns, per category: a *strong* hit flags on its own; a *broad* hit (risk vocabulary) needs
   the embedding check to agree. A hit is dropped when negated in its clause, when the sentence is
   about a film, a book, a friend or the article's comments, and (abuse only) when it is set in a
   finished past with nothing ongoing. Self-harm is never dropped as "past".
3. Embeddings: every sentence, the whole message, and the message with the previous user turn are
   compared with the example phrases. A flag fires when its best example reaches ``CLEAR[flag]``
   and beats the best hard negative (``none``) by ``MARGIN``, or when a broad hit has ``BROAD``.
4. Tiers: a flag that does not fire but shows a possible signal (a broad hit without agreement, or
   similarity of at least ``POSSIBLE``) is reported as *uncertain*: the policy asks "are you safe
   right now?" before answering. Its cost in false alarms is measured on the hard negatives
   (``benchmarks/safety_report.py``).
5. Failure policy (tested): if the embedding check raises, the detector logs a warning, adds a note,
   sets ``degraded`` and falls back to patterns, failing *closed* for self_harm and abuse (broad hits
   flag on their own), and the policy attaches the helplines to every answer while degraded.

Thresholds are tuned on the dev sets ``seeds/eval/safety.v1.yaml`` and ``safety.dev.v2.yaml`` only;
``safety.test.v1.yaml`` is a frozen split that is never tuned on (``benchmarks/safety_report.py``
prints dev and test side by side).
"""

from __future__ import annotations

import logging
import re
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from index.lexical import tokenize
from index.sentences import sentence_spans

from bot.safety import patterns as P
from bot.safety.conversation import states_safe
from bot.safety.deobfuscate import variants
from bot.safety.flags import DANGER, DETECTED, Flag

if TYPE_CHECKING:
    from bot.cite.support import SupportScorer

log = logging.getLogger("bot.safety")

EXAMPLES = Path(__file__).with_name("examples.v2.yaml")
# Danger and injection thresholds are on the classifier's probability (classifier.py); distress on cosine.
# Chosen on the dev sets (benchmarks/safety_report.py --sweep; classifier alone on dev, whole messages:
# self_harm p>=0.6 precision 0.91 recall 0.82, abuse p>=0.7 precision 0.96 recall 0.86).
CLEAR = {Flag.SELF_HARM: 0.65, Flag.ABUSE: 0.70, Flag.DISTRESS: 0.62, Flag.INJECTION: 0.70}
SENTENCE_EXTRA = 0.15  # one sentence of a longer message needs this much more
FRAGMENT = 3  # a question of fewer content words (after stopwords) is not read alone by the classifier
EXPLAINED = 0.95  # the bar when the other danger's patterns fired and this flag has no word of its own
BROAD = {Flag.SELF_HARM: 0.40, Flag.ABUSE: 0.40, Flag.DISTRESS: 0.45, Flag.INJECTION: 0.50}
POSSIBLE = {Flag.SELF_HARM: 0.60, Flag.ABUSE: 0.70}
# A broad word of abuse ("scared", "control", "unsafe") asks "are you safe?" only when the classifier gives abuse at
# least this much; below it the word is an everyday one ("I'm so scared I'm going to kill my new monstera": 0.01)
# and the person is answered, warmly, with the quiet line about where to talk to someone. Dev sets: the broad-only
# cases under 0.10 were all safe (3: "so sexist", "twisting the knife", "lonely, so unsafe"), the lowest danger 0.21.
# A broad word of self-harm ("burden", "hopeless", "I'm dead") likewise below 0.40: on the dev sets the broad-only
# self-harm messages scored 0.03-0.17 when safe ("I feel like such a burden to him", "I'm dead 💀 at deadlock's comment")
# and 0.56 at the lowest in danger ("she's taking all her mum's tablets tonight"); a fresh round's "is it normal to feel
# this hopeless after 6 weeks of applying" (0.397, dev r43) got "are you safe?" instead of its answer.
BROAD_FLOOR = {Flag.ABUSE: 0.10, Flag.SELF_HARM: 0.40}
# One sentence of several that the classifier alone flags, with no word of risk in the message, while the whole message
# reads below POSSIBLE, is unsure, and the reader is answered warmly with the quiet line (dev: "I'm angry at myself
# for waiting around ... 2 years of my life" 0.88, "Ok to take two paracetamol?" 0.85) unless that one sentence is all
# but certain: "After that none of this matters" (0.96) beside "What does 'receive him openly' mean?" stays danger.
FRAGMENT_SURE = 0.9
# Under a post whose own article raised a flag's bar (bot/safety/calibrate.py: a subject the classifier over-reads for that
# flag), the classifier alone, with no word of risk anywhere in the message, replaces the answer only when all but sure. Between the
# post's bar and SUBJECT_SURE the reader is answered, warmly, with the quiet line. The classifier learnt its middle range
# on writing about relationships; on other subjects the middle range reads the subject: under a post about a grown child
# who stopped calling, "going out of my mind. how long am i supposed to hold off" (0.84) and "got nothing back. so what
# now, just sit here?" (0.92) got the crisis box, while the dev disclosures under other posts that no pattern caught
# read 0.95-1.00 ("my ex still has a key to my place and ... he was just standing in" 1.00, "my boss ... grabbed my arm").
# Only the raised flag: applied to abuse too wherever self-harm was raised, it answered control and threats that its
# article never over-read ("he'll take it out on me instead", under a puppy post: cross-post v2, and fresh v4 lost 3).
SUBJECT_SURE = 0.95
ON_TOPIC = 0.30
MARGIN = 0.02

normalise = P.normalise


@dataclass
class Detection:
    flags: list[str] = field(default_factory=list)
    uncertain: list[str] = field(default_factory=list)  # danger flags with a possible, not clear, signal
    # the uncertain flags whose only evidence is the classifier's middling probability (no word of risk):
    # not enough to hold back an answer ("fail open for everyone else")
    hunch: list[str] = field(default_factory=list)
    scores: dict[str, float] = field(default_factory=dict)
    hits: dict[str, list[str]] = field(default_factory=dict)  # flag -> what counted ("method: how many pills")
    notes: list[str] = field(default_factory=list)
    degraded: bool = False
    personal: bool = False


_CONDITION = re.compile(r"\b(?:if|unless|when|whenever|because|cause|until|till)\b")


def _negated(sentence: str, start: int) -> bool:
    """A negation in the five words before ``start``, in the same clause, and not inside a condition
    ("he has never hit me" is negated; "if I don't come back he'll send the pics" is not)."""
    before = sentence[:start]
    cut = max((m.end() for m in P.CLAUSE.finditer(before)), default=0)
    clause = P.NOT_NEGATING.sub(" ", before[cut:])
    words = clause.split()
    window = " ".join(words[-5:])
    found = list(P.NEGATION.finditer(window))
    if not found:
        return False
    offset = len(" ".join(words[:-5])) + 1 if len(words) > 5 else 0
    condition = [m for m in _CONDITION.finditer(clause) if m.start() < offset + found[-1].start()]
    return not condition


def _mask(sentence: str) -> str:
    return P.IDIOMS.sub(lambda m: "~" * len(m.group()), sentence)


def _past(sentence: str, flag: Flag) -> bool:
    """Abuse that is over (self-harm is never set aside as past)."""
    return flag is Flag.ABUSE and bool(P.PAST.search(sentence)) and not P.ONGOING.search(sentence)


def _about_others(sentence: str) -> bool:
    """About a film, a book, a friend or the comments with nothing about the writer; or a question
    about what the text covers."""
    if P.ABOUT_TEXT.search(sentence):
        return True
    return bool(P.STORY.search(sentence)) and not P.FIRST_PERSON.search(P.STORY.sub(" ", sentence))


def _quoted(sentence: str, at: int) -> bool:
    return sentence[:at].count("'") % 2 == 1 or sentence[:at].count('"') % 2 == 1


def _clause(sentence: str, at: int) -> str:
    starts = [0] + [m.end() for m in P.CLAUSE.finditer(sentence) if m.end() <= at]
    ends = [m.start() for m in P.CLAUSE.finditer(sentence) if m.start() > at] + [len(sentence)]
    return sentence[max(starts) : min(ends)]


def _drop(sentence: str, flag: Flag, at: int) -> bool:
    """A danger hit at ``at`` that is about someone else's story, or abuse that is over."""
    if flag not in DANGER:
        return False
    clause = _clause(sentence, at)
    if P.META.search(clause):
        return True
    if P.STORY.search(sentence) and (not P.FIRST_PERSON.search(P.STORY.sub(" ", clause)) or _quoted(sentence, at)):
        return True
    return _past(sentence, flag)


def pattern_hits(sentence: str, flag: Flag | str, tier: str = "strong") -> list[str]:
    """"category: matched text" for the patterns of ``flag`` in one normalised sentence that count."""
    flag = Flag(flag)
    masked = _mask(sentence)
    if tier == "strong":
        tables = P.STRONG.get(flag, {})
    else:  # "broad" or "weak": one pattern per flag
        table = P.BROAD if tier == "broad" else P.WEAK
        tables = {tier: table[flag]} if flag in table else {}
    out = []
    for category, rx in tables.items():
        for m in rx.finditer(masked):
            if not _negated(masked, m.start()) and not _drop(masked, flag, m.start()):
                out.append(f"{category}: {m.group().strip()}")
    return out


def _unidiom(text: str) -> str:
    """What the embedding reads: the text without its idioms ("i could kill him for ..." -> "for ...")."""
    return " ".join(P.IDIOMS.sub(" ", text).split()) or text


def _negated_only(sentence: str, flag: Flag) -> bool:
    """The sentence names the danger only to deny it ("I'm not suicidal"): skip its similarity."""
    if flag not in DANGER:
        return False
    masked = _mask(sentence)
    found = [m for rx in P.STRONG[flag].values() for m in rx.finditer(masked)] + list(P.BROAD[flag].finditer(masked))
    return bool(found) and all(_negated(masked, m.start()) for m in found)


class Detector:
    """Patterns + embedding similarity to labelled phrases. ``embeddings`` is a LangChain ``Embeddings``."""

    def __init__(self, embeddings=None, examples: Path = EXAMPLES, patterns: bool = True, cache_dir: Path | None = None):
        """``patterns=False`` measures the embedding side alone (benchmarks/safety_report.py).
        ``cache_dir``: where the example phrases' vectors are kept between runs (keyed by the phrases
        and the model, index/vector_cache.py); None embeds them once per process."""
        self.patterns = patterns
        self._embeddings = embeddings
        self._examples_path = examples
        self._cache_dir = cache_dir
        self._bank: tuple[Any, Any] | None = None  # (flag of each phrase, matrix), numpy arrays embedded once
        self._vectors: SupportScorer | None = None  # cache of sentence vectors (follow-ups repeat history turns)
        self._lock = threading.Lock()  # detect() runs in many threads at once: lazy parts are built once

    @property
    def embeddings(self):
        with self._lock:
            if self._embeddings is None:
                from index.embed import PackagedEmbeddings

                self._embeddings = PackagedEmbeddings()
            return self._embeddings

    def _load_bank(self):
        embeddings = self.embeddings
        with self._lock:
            if self._bank is None:
                import numpy as np
                import yaml

                from index.vector_cache import cached_vectors

                data = yaml.safe_load(self._examples_path.read_text(encoding="utf-8"))
                labels, texts = [], []
                for key, phrases in data.items():
                    if isinstance(phrases, list):
                        labels += [key.split("/")[0]] * len(phrases)
                        texts += [normalise(p) for p in phrases]
                self._bank = (np.array(labels), cached_vectors("safety-bank", texts, embeddings, self._cache_dir))
            return self._bank

    def _sentence_vectors(self):
        embeddings = self.embeddings
        with self._lock:
            if self._vectors is None:
                from bot.cite.support import SupportScorer

                self._vectors = SupportScorer(embeddings, recent=2048)
            return self._vectors

    def prepare(self) -> None:
        """Embed the example phrases now (or read them from the cache), not on the first question."""
        self._load_bank()

    def similarities(self, texts: list[str]) -> list[dict[str, float]]:
        """Per text: best cosine to each label's example phrases (``distress``, ``none``, ``on_topic``,
        ``off_topic``, ...) and, under ``p_<flag>``, the classifier's probability of each danger flag."""
        import numpy as np

        from bot.safety import classifier

        labels, bank = self._load_bank()
        vectors = self._sentence_vectors().vectors(texts)
        sims = vectors @ bank.T
        names = np.unique(labels)
        out = [{lab: float(row[labels == lab].max()) for lab in names} for row in sims]
        for row, probs in zip(out, classifier.probabilities(vectors, texts)):
            row.update({f"p_{label}": p for label, p in probs.items()})
        return out

    def detect(self, text: str, context: str = "", topic: str | None = None,
               vocabulary: frozenset[str] = frozenset(), subject: frozenset[str] = frozenset(),
               bars: tuple[tuple[str, float], ...] = ()) -> Detection:
        """``context``: the previous user turn (scored with this message); ``topic``: the text the
        off-topic check reads (the condensed question in a conversation; the message by default);
        ``vocabulary``: the indexed posts' own words (a message using one is on topic); ``bars``: the posts'
        own bars for the classifier alone, where their article raises them (bot/safety/calibrate.py)."""
        # the post's own bar holds for a message in the post's language ("painkillers before a run" under a running
        # post): its English prose measured the classifier; a message in another language keeps the dev-tuned bars
        over_read = {Flag(f) for f, _ in bars} if bars and _english(text) else set()  # flags this subject raises (SUBJECT_SURE)
        clear = {**CLEAR, **{Flag(f): bar for f, bar in bars}} if over_read else dict(CLEAR)
        det = Detection()
        norm = normalise(text)
        sentences = [norm[s:e] for s, e in sentence_spans(norm)] or [norm]
        det.personal = bool(P.PERSONAL.search(norm))
        fired: dict[Flag, list[str]] = {}
        broad: dict[Flag, list[list[str]]] = {}
        weak: set[Flag] = set()
        # each sentence's pattern hits, once: they fire flags (with patterns on) and tell the two
        # dangers apart sentence by sentence (always)
        strong_of = {flag: [pattern_hits(s, flag) for s in sentences] for flag in (Flag.SELF_HARM, Flag.ABUSE, Flag.INJECTION)}
        broad_of = {flag: [pattern_hits(s, flag, "broad") for s in sentences] for flag in strong_of}
        # "list the five rules": a word the indexed post itself uses ("rules", "instructions", "character")
        # is the post's, not a request about the bot's own; only a strong pattern makes it an injection
        post_word = [any(w in vocabulary for h in hits for w in _matched_words(h)) for hits in broad_of[Flag.INJECTION]]
        broad_of[Flag.INJECTION] = [[] if mine else hits for hits, mine in zip(broad_of[Flag.INJECTION], post_word)]
        # "pregnant" under a post about IVF: a broad word of danger that is one of the posts' own subject words (their
        # titles, headings and frequent words) is the post's subject, no word of risk; the classifier alone reads the
        # message then (its bars; a strong pattern still fires)
        for flag in DANGER:
            broad_of[flag] = [[h for h in hits if not _post_words(h, vocabulary)] for hits in broad_of[flag]]
        if self.patterns:
            for flag in (Flag.SELF_HARM, Flag.ABUSE, Flag.INJECTION):
                strong = [h for hits in strong_of[flag] for h in hits]
                if strong:
                    fired[flag] = strong
                broad[flag] = broad_of[flag]
                if any(pattern_hits(s, flag, "weak") for s in sentences):
                    weak.add(flag)
            hidden = [h for v in variants(text) for s in [normalise(v)] for h in pattern_hits(s, Flag.INJECTION)]
            if hidden:
                fired.setdefault(Flag.INJECTION, []).extend(f"decoded {h}" for h in hidden)
            distress = [m.group() for s in sentences if P.FIRST_PERSON.search(s) for m in P.DISTRESS.finditer(_mask(s))]
            if distress:
                fired[Flag.DISTRESS] = distress
            broad[Flag.DISTRESS] = [[m.group() for m in P.DISTRESS_BROAD.finditer(_mask(s))] for s in sentences]

        wholes = [norm] if len(sentences) > 1 else []
        if context:
            wholes.append(normalise(context) + " " + norm)
        try:
            sims = self.similarities([_unidiom(t) for t in sentences + wholes])
        except Exception as exc:  # any failure of the model: patterns only, failing closed (docstring, 5)
            log.warning("safety: embedding check failed (%s: %s); using patterns only", type(exc).__name__, exc)
            det.degraded = True
            det.notes.append(
                "The safety check ran on patterns only (the similarity model failed), so crisis and abuse "
                "resources are included as a precaution."
            )
            for flag in DANGER:
                extra = [h for hits in broad.get(flag, []) for h in hits]
                if extra:
                    fired.setdefault(flag, []).extend(extra)
            if not _on_topic(normalise(topic or text), vocabulary) and not fired:
                fired[Flag.OFF_TOPIC] = ["no relationship or article words"]
            return self._finish(det, fired)

        in_context = sims[len(sentences) + len(wholes) - 1] if context else None  # context + this message
        # "I'm safe now. I left last year." answers a check-in: with no word of risk in it, the classifier's
        # reading of "left" or "safe" is no new danger (its own patterns still fire: "I'm safe, but I want to die")
        stated_safe = states_safe(norm)
        # "how long till the biting stops?" under "Why Your Puppy Won't Stop Biting": a post whose title is about a
        # harm of everyday life (biting, fighting, burnout) is read as about that (below: subject_only)
        own_subject = _own_subject(wholes[-1] if context else norm, subject)  # with the turn it follows (wholes' last)
        explained = set()
        for flag, other in ((Flag.SELF_HARM, Flag.ABUSE), (Flag.ABUSE, Flag.SELF_HARM)):
            if other in fired and flag not in fired and flag not in weak and not any(broad.get(flag) or []):
                explained.add(flag)
        for flag in (Flag.SELF_HARM, Flag.ABUSE, Flag.DISTRESS, Flag.INJECTION):
            key = flag.value if flag is Flag.DISTRESS else f"p_{flag.value}"
            det.scores[flag.value] = round(max(s.get(key, 0.0) for s in sims), 3)
            possible, worded = False, flag in weak
            # no word of this danger anywhere in the message: only the classifier reads it (fragment, subject_unsure)
            unworded = flag not in weak and not any(strong_of.get(flag, ())) and not any(broad_of.get(flag, ()))
            for i, sim in enumerate(sims):
                sentence = sentences[i] if i < len(sentences) else norm
                if flag in DANGER:
                    if stated_safe and flag not in weak and not any(strong_of[flag]) and not any(broad_of[flag]):
                        continue
                    masked = _mask(sentence)
                    if _about_others(masked) or _past(masked, flag) or (self.patterns and _negated_only(sentence, flag)):
                        continue
                    other = Flag.ABUSE if flag is Flag.SELF_HARM else Flag.SELF_HARM
                    if i < len(sentences) and strong_of[other][i] and not (strong_of[flag][i] or broad_of[flag][i]):
                        continue  # the other danger explains this sentence ("cutting myself again" is not abuse)
                    if (i < len(sentences) and len(sentences) > 1 and sentence.rstrip().endswith("?")
                            and len(tokenize(sentence)) < FRAGMENT and not (strong_of[flag][i] or broad_of[flag][i])
                            and flag not in weak):
                        continue  # "...after how long tho?": a question fragment asks nothing alone; the whole message is read
                if flag is Flag.DISTRESS:
                    pos, beats = sim.get(flag.value, 0.0), sim.get(flag.value, 0.0) - sim.get("none", 0.0) >= MARGIN
                else:  # the classifier's probability
                    pos, beats = sim.get(f"p_{flag.value}", 0.0), True
                flag_broad = broad.get(flag) or []
                has_broad = i < len(flag_broad) and bool(flag_broad[i])
                if (flag in DANGER and context and in_context is not None and i < len(sentences) and not has_broad
                        and flag not in weak and not strong_of[flag][i]):
                    # a follow-up with no word of risk ("tell me more about the last one") is read with the
                    # question it follows: alone it can sound like anything
                    pos = min(pos, in_context.get(f"p_{flag.value}", 0.0))
                part = i < len(sentences) and len(sentences) > 1  # one sentence of several: less context, higher bar
                bar = clear[flag] + (SENTENCE_EXTRA if part and flag is not Flag.DISTRESS else 0.0)
                if flag in explained:  # the other danger's patterns explain the message, this one's have nothing
                    bar = max(bar, EXPLAINED)
                if flag is Flag.INJECTION and i < len(post_word) and post_word[i] and not strong_of[flag][i]:
                    bar = max(bar, EXPLAINED)  # the post's own word: the classifier alone must be all but certain
                # under a post whose title names an everyday harm ("...Won't Stop Biting"), a message naming it with no
                # word of danger of its own is about that subject: the classifier alone never replaces the answer (at most
                # the quiet line about where to talk), and a word of fear ("im scared we ended up with an aggressive one")
                # counts only where the classifier sees a possible danger in it
                subject_only = flag in DANGER and own_subject and not any(strong_of[flag]) and flag not in weak
                # one sentence of several, read alone by the classifier with no word of risk anywhere, while the whole
                # message reads far lower ("is it wrong to tell him it hurt? i dont wanna come off clingy": 0.80 alone,
                # 0.20 whole): unsure, so the reader is answered warmly with the quiet line, not given the crisis box
                # (one sentence of several: ``sims`` holds the whole message right after the sentences)
                fragment = (flag in DANGER and part and pos < FRAGMENT_SURE and unworded
                            and sims[len(sentences)].get(f"p_{flag.value}", 0.0) < POSSIBLE[flag])
                # the classifier alone on a subject it over-reads (SUBJECT_SURE)
                subject_unsure = flag in over_read and pos < SUBJECT_SURE and unworded
                if pos >= bar and beats and (fragment or subject_unsure):
                    possible = True
                elif pos >= bar and beats and not (subject_only and not has_broad):
                    fired.setdefault(flag, []).append(f"classifier {flag.value} ({pos:.2f})" if flag is not Flag.DISTRESS else f"similar to distress examples ({pos:.2f})")
                elif has_broad and pos >= (POSSIBLE[flag] if subject_only else BROAD[flag]) and beats:
                    fired.setdefault(flag, []).append(f"{broad[flag][i][0]} ({pos:.2f})")
                elif flag in POSSIBLE and (has_broad or (pos >= POSSIBLE[flag] and beats)):
                    possible = True
                    worded = worded or (has_broad and not subject_only and pos >= BROAD_FLOOR.get(flag, 0.0))
            if (possible or flag in weak) and flag not in fired:
                det.uncertain.append(flag.value)
                if not worded:
                    det.hunch.append(flag.value)

        topic_norm = normalise(topic) if topic else norm
        whole = self.similarities([topic_norm])[0] if topic else (sims[len(sentences)] if wholes else sims[0])
        on, off = whole.get("on_topic", 0.0), whole.get("off_topic", 0.0)
        det.scores["on_topic"] = round(on, 3)
        if not _on_topic(topic_norm, vocabulary) and not fired and (off > on or on < ON_TOPIC):
            fired[Flag.OFF_TOPIC] = [f"no relationship or article words; on-topic similarity {on:.2f}"]
        return self._finish(det, fired)

    @staticmethod
    def _finish(det: Detection, fired: dict[Flag, list[str]]) -> Detection:
        if any(f in fired for f in DANGER):
            fired.pop(Flag.DISTRESS, None)
            det.uncertain = [f for f in det.uncertain if Flag(f) not in fired]
        det.flags = [f.value for f in DETECTED if f in fired]
        det.hits = {f.value: fired[f] for f in DETECTED if f in fired}
        for f in det.flags:
            det.scores.setdefault(f, 1.0)
        return det


ENGLISH = 0.6  # a message this share of whose words are the encoder's whole English words reads as English


def _english(text: str) -> bool:
    """ENGLISH of the message's words of 3+ letters are the encoder's everyday English words (German 0.47, Portuguese
    0.14, Hinglish 0.17; English with typos and slang 0.73-1.0)."""
    from index.packaged_model import whole_words

    words = re.findall(r"[^\W\d_]{3,}", normalise(text))
    english = whole_words()
    return bool(words) and sum(w in english for w in words) >= ENGLISH * len(words)


def _matched_words(hit: str) -> list[str]:
    """The words a pattern hit matched ("broad: rules" -> rules), not its label."""
    return re.findall(r"[a-z]+", hit.split(": ", 1)[-1].lower())


def _post_words(hit: str, vocabulary) -> bool:
    """A pattern hit ("broad: pregnant") whose matched words are all words of the indexed posts' own vocabulary."""
    words = _matched_words(hit)
    return bool(words) and all(w in vocabulary for w in words)


def _own_subject(text: str, subject: frozenset[str]) -> bool:
    """The message names the everyday harm the post's title is about, in any form of the word ("bite", "bites"
    under "...Won't Stop Biting": same first three letters, both words of everyday harm)."""
    harms = {w[:3] for w in subject if P.EVERYDAY_HARM.search(w)}
    return bool(harms) and any(w[:3] in harms and P.EVERYDAY_HARM.search(w) for w in re.findall(r"[a-z]+", text))


def _on_topic(text: str, vocabulary: frozenset[str]) -> bool:
    """Relationship or article words, or a word of the indexed posts themselves."""
    if P.ON_TOPIC.search(text):
        return True
    return bool(vocabulary) and any(w in vocabulary for w in re.findall(r"[a-z][a-z'-]{3,}", text))
