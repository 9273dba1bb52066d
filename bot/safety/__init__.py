"""The safety layer: checks before retrieval, screening of retrieved text, policy on the answer.

    layer = SafetyLayer(embeddings=None, cache_dir=None) # lazy: the model loads on the first check
    report = layer.check(question, history, topic)      # SafetyReport: flags, tier, scores (before retrieval)
    layer.corpus_allowed(report)                        # False for danger and check-in: no article text at all
    early = layer.short_circuit(report)                 # the whole answer for injection / off_topic, else None
    sources = layer.screen_sources(sources, report, version)   # instruction-like text blanked; withheld passages cut
    answer = layer.apply(answer, report, version, retrieve_fn)  # care, resources, plan, perspectives, note: as fields

``detect`` says how flags are found (and the failure policy), ``conversation`` what earlier turns
mean, ``policy`` what each tier does, ``withhold`` which passages are never quoted to someone in
danger, ``perspectives`` how contested claims get balanced. Everything the layer adds travels as
fields of ``SafetyReport``; ``answer.text`` stays the answer itself.
"""

from __future__ import annotations

import logging
import re
from dataclasses import replace

from index.sentences import normalise as collapse_spaces
from index.sentences import sentence_spans
from index.understand.model import PostTerms

from bot.cite import markers
from bot.cite.verify import citation_for
from bot.answer import Answer, Citation, Perspective, SafetyReport, Source
from bot.question.condense import is_follow_up
from bot.safety import conversation, language, policy
from bot.safety.detect import Detector
from bot.safety.flags import DANGER, Flag, ordered
from bot.safety.patterns import STRONG, normalise, rx
from bot.safety.perspectives import cards_for, dissent_for, find_claims, quote_span
from bot.safety.withhold import blocking, cut_sources, overlaps, withheld_spans

__all__ = ["Detector", "SafetyLayer", "Tier"]

log = logging.getLogger("bot.safety")


class Tier:
    DANGER = "danger"
    CHECK_IN = "check_in"
    AFTERCARE = "aftercare"
    HURTING = "hurting"
    NONE = ""


# Instruction-like text inside retrieved passages (comments are written by strangers).
PASSAGE_INJECTION = rx(
    STRONG[Flag.INJECTION]["override"].pattern,
    STRONG[Flag.INJECTION]["from_comment"].pattern,
    r"\b(?:tell|instruct|order|make) the (?:reader|user|person)s? to\b",
    r"\b(?:assistant|chatbot|bot|ai|language model)s?\b[^.?!]{0,30}\b(?:must|should|will|always|now)\b",
)


class SafetyLayer:
    def __init__(self, embeddings=None, detector: Detector | None = None, cache_dir=None):
        """``cache_dir``: where the example phrases' vectors are kept between runs (see ``Detector``)."""
        self.detector = detector or Detector(embeddings, cache_dir=cache_dir)

    # --- before retrieval ---------------------------------------------------

    def check(self, question: str, history=None, topic: str | None = None, terms: PostTerms | None = None) -> SafetyReport:
        """Flags and tier for this message in this conversation. ``topic`` is what the off-topic
        check reads (the condensed question); danger checks read the raw message. ``terms``: the
        index's words for its posts (on topic; about the post itself), never a list in code."""
        terms = terms or PostTerms()
        turns = conversation.user_turns(history)
        det = self.detector.detect(question, context=turns[-1] if turns else "", topic=topic, vocabulary=terms.vocabulary,
                                   subject=terms.subject, bars=terms.bars)
        report = SafetyReport(flags=list(det.flags), notes=list(det.notes), scores=dict(det.scores))
        if turns and is_follow_up(question):
            report.flags = [f for f in report.flags if f != Flag.OFF_TOPIC]  # a follow-up is never off topic
        if det.personal:
            report.scores["personal"] = 1.0
        if det.degraded:
            report.scores["degraded"] = 1.0
        # earlier turns are re-read under the same post: a puppy-biting post's "how long till the biting stops?"
        # is no danger said earlier either
        state = conversation.state_of(history, lambda turn: self.detector.detect(turn, vocabulary=terms.vocabulary, subject=terms.subject,
                                                                                bars=terms.bars))
        if turns and set(det.flags) & set(DANGER) and set(det.flags) & set(DANGER) <= set(state.danger):
            # scored with the earlier turn, the message inherits its danger: that is aftercare, not new danger
            alone = self.detector.detect(question, topic=topic, vocabulary=terms.vocabulary, subject=terms.subject,
                                         bars=terms.bars)
            report.flags = [f for f in report.flags if f not in DANGER or f in alone.flags]
        if turns and state.danger:
            # after a disclosure, a question with no word of risk that only the classifier reads as another danger
            # ("anyway. how long is the time out supposed to be?" after "he hits me": self-harm 0.71) is that same
            # conversation going on: aftercare for what was said, not a crisis of another kind
            guessed = {f for f in report.flags if f in DANGER and f not in state.danger and det.hits.get(f)
                       and all(h.startswith("classifier ") for h in det.hits[f])}
            report.flags = [f for f in report.flags if f not in guessed]
        now = [f for f in report.flags if f in DANGER]
        earlier = f"Earlier in this conversation you mentioned something serious ({', '.join(state.danger)})."

        if now:
            report.tier = Tier.DANGER
        elif state.pending and conversation.says_not_safe(question):
            report.tier = Tier.DANGER
            report.flags += state.pending_flags
            report.notes.append("You told me you are not safe right now.")
        elif state.pending and conversation.says_safe(question):
            if conversation.only_a_reply(question):
                report.resumed = state.pending
            report.notes.append(policy.RESUMED if report.resumed else "Thank you for telling me you're safe.")
        elif state.danger and state.since == "open" and conversation.clarifies(question) and state.soft:
            # "not literally, I'm fine" after a figure of speech: the earlier signal is set aside
            report.notes.append("Thanks for clarifying. I'll answer your question.")
        elif state.danger and conversation.still_unsafe(state, question):
            # the danger stays until they say they are safe: no article advice yet, check in again
            report.flags += state.danger
            still_telling = det.personal and not conversation.about_article(question, terms.about)
            if not state.soft and (conversation.retracts(question) or still_telling):
                report.tier = Tier.DANGER  # a concrete disclosure, taken back or still going on: care stays
            else:
                report.tier = Tier.CHECK_IN
            report.scores.update({f"possible_{f}": 1.0 for f in state.danger} | {"earlier_danger": 1.0})
            report.notes.append(earlier)
        elif state.danger:
            report.flags += state.danger
            report.tier = Tier.AFTERCARE
            if conversation.claims_safe(question) or conversation.says_safe(question):
                report.notes.append("Thank you for telling me you're safe.")
            report.notes.append(earlier)
        elif det.uncertain and set(det.uncertain) <= set(det.hunch) and Flag.INJECTION not in report.flags:
            # only a middling classifier score, no word of risk: answer (warmly if they are hurting), with the
            # quiet line about where to talk to someone; never a check-in on a hunch
            report.scores.update({f"hunch_{f}": det.scores.get(f, 0.0) for f in det.hunch})
            report.tier = Tier.HURTING
        elif det.uncertain and Flag.INJECTION not in report.flags:
            report.tier = Tier.CHECK_IN
            report.flags.append(Flag.CHECK_IN.value)
            report.scores.update({f"possible_{f}": 1.0 for f in det.uncertain})
        if report.tier in (Tier.DANGER, Tier.AFTERCARE):
            report.flags = [f for f in report.flags if f not in (Flag.DISTRESS, Flag.OFF_TOPIC)]
        if report.tier not in (Tier.DANGER, Tier.CHECK_IN, Tier.AFTERCARE) and conversation.disclosed(history):
            report.scores["disclosed_earlier"] = 1.0  # answered, but nothing unsafe in an abusive relationship is quoted
        if not report.tier and Flag.DISTRESS in report.flags:
            report.tier = Tier.HURTING  # hurting but safe: a warm line, then the answer (never the crisis box)
        report.reasons = _reasons(report, det, state)
        report.flags = ordered(report.flags)
        if report.flags:
            log.info("safety flags %s tier %r (hits %s)", report.flags, report.tier, det.hits)
        return report

    @staticmethod
    def corpus_allowed(report: SafetyReport) -> bool:
        """Danger and check-in answers hold care and helplines only: nothing is retrieved or generated."""
        return report.tier not in (Tier.DANGER, Tier.CHECK_IN)

    @staticmethod
    def still_off_topic(report: SafetyReport, about_commenters: bool, covered) -> bool:
        """The topic check knows relationships, not this index: a question that names a commenter (or asks
        about one) is about the comments, and one the index clearly covers (``covered()``, asked only when
        needed: "What did Veronica ask?") is not off topic. Clears the flag then; True when it stands."""
        if Flag.OFF_TOPIC.value not in report.flags:
            return False
        if about_commenters:
            report.flags.remove(Flag.OFF_TOPIC.value)
            return False
        if covered():
            report.flags.remove(Flag.OFF_TOPIC.value)
            report.notes.append("The topic check doubted this question, but the article and comments cover it.")
            return False
        return True

    @staticmethod
    def short_circuit(report: SafetyReport, title: str = "") -> str | None:
        if report.tier in (Tier.DANGER, Tier.CHECK_IN):
            return ""  # the answer is the care (fields of the report), with no text of its own
        if Flag.INJECTION in report.flags:
            return policy.decline(title)
        if Flag.OFF_TOPIC in report.flags:
            return policy.off_topic(title)
        return None

    # --- retrieved passages are data ---------------------------------------

    def screen_sources(self, sources: list[Source], report: SafetyReport | None = None, version=None) -> list[Source]:
        """Blank out (with spaces, so offsets stay exact) passage sentences that read like instructions;
        after danger in this conversation, cut out the passages that are unsafe to quote."""
        screened = []
        for src in sources:
            text, hits = src.text, []
            for s, e in sentence_spans(src.text):
                if PASSAGE_INJECTION.search(normalise(src.text[s:e])):
                    hits.append(src.text[s:e])
                    text = text[:s] + " " * (e - s) + text[e:]
            if hits:
                log.warning("safety: instruction-like text in passage %s masked", src.chunk_id)
                if report is not None:
                    report.notes.append(
                        f"A retrieved passage ({', '.join(src.record_ids) or src.chunk_id}) contained instruction-like "
                        "text; it was treated as data and left out."
                    )
                    report.scores["masked_passages"] = report.scores.get("masked_passages", 0) + 1
                src = replace(src, text=text, masked=tuple(collapse_spaces(h) for h in hits))
            screened.append(src)
        if report is not None and withholds(report) and version is not None:
            screened, withheld = cut_sources(screened, withheld_spans(version), version.sources)
            report.withheld_keys = withheld
            report.withheld = list(dict.fromkeys(key.split("/", 1)[1] for key in withheld))
        return screened

    # --- on the answer -------------------------------------------------------

    def apply(self, answer: Answer, report: SafetyReport, index_version=None, retrieve_fn=None) -> Answer:
        flags = report.flags
        danger = [f for f in DANGER if f in flags]
        text, citations = answer.text, list(answer.citations)
        data = policy.load_resources()

        if report.tier == Tier.DANGER:
            report.care = "\n\n".join([policy.CARE[Flag(f)] for f in danger] + [policy.KEEP_TALKING])
            report.plan = [step for f in danger for step in policy.PLAN[Flag(f)]]
            text, citations = "", []
        elif report.tier == Tier.CHECK_IN:
            report.care = policy.CHECK_AGAIN if report.scores.get("earlier_danger") else policy.CHECK_IN
            text, citations = "", []
        elif report.tier == Tier.AFTERCARE:
            text, citations = self._guard(text, citations, index_version, report)
            report.care = policy.left_out(_withheld_advice(index_version, report.withheld_keys)) if report.withheld else policy.STILL_HERE
        elif report.scores.get("disclosed_earlier"):
            text, citations = self._guard(text, citations, index_version, report)
            if report.withheld:
                report.care = policy.left_out(_withheld_advice(index_version, report.withheld_keys), "mentioned")
                report.reach_out = policy.REACH_OUT
        if report.tier == Tier.HURTING or (Flag.DISTRESS in flags and report.tier not in (Tier.DANGER, Tier.CHECK_IN, Tier.AFTERCARE)):
            # a warm line only for the sad ones; the quiet line for everyone on this tier
            report.care = policy.warm_line(answer.question) if Flag.DISTRESS in flags else ""
            report.reach_out = policy.REACH_OUT

        redirect = Flag.INJECTION in flags or Flag.OFF_TOPIC in flags  # the text is the decline or off-topic reply
        if text and not redirect and report.tier != Tier.DANGER:
            claims = find_claims(text, citations, answer.question, _models(index_version))
            if withholds(report):  # after a disclosure, "his stress or money worries" is the excuse, not balance
                claims = [c for c in claims if c["claim"] != "life_stress"]
            if claims:
                if Flag.CONTESTED_CLAIM not in report.flags:
                    report.flags.append(Flag.CONTESTED_CLAIM.value)
                report.claims = claims
                citations = self._perspectives(answer.question, claims, citations, report, index_version, retrieve_fn)

        wanted = list(danger)
        if report.tier == Tier.CHECK_IN:
            wanted = [f for f in DANGER if report.scores.get(f"possible_{f}")] or list(DANGER)
        if not wanted and report.scores.get("degraded"):
            wanted = list(DANGER)
            report.care = report.care or "If you are in danger or thinking about hurting yourself, please reach out now."
        report.resources = policy.resources_for(wanted, data, language.guess(answer.question)) if wanted else []
        report.emergency = data["emergency"] if report.resources else ""
        personal = report.scores.get("personal") or danger or Flag.DISTRESS in flags or report.tier
        if personal and not redirect:
            report.disclaimer = policy.NOT_PROFESSIONAL
        report.flags = ordered(report.flags)
        return replace(answer, text=text, citations=citations, safety=report)

    def _guard(self, text: str, citations: list[Citation], version, report: SafetyReport) -> tuple[str, list[Citation]]:
        """Last line after danger: no sentence that cites a withheld passage survives, whatever wrote it."""
        if version is None:
            return text, citations
        spans = withheld_spans(version)
        bad = {c.n for c in citations if overlaps(c, spans)}
        if not bad:
            return text, citations
        report.withheld = sorted(set(report.withheld) | {c.source_id for c in citations if c.n in bad})
        report.withheld_keys = sorted(set(report.withheld_keys) | {f"{c.doc}/{c.source_id}" for c in citations if c.n in bad})
        return remove_cited(text, citations, bad)

    def _perspectives(self, question, claims, citations, report, version, retrieve_fn) -> list[Citation]:
        """Another view, in proportion. A question about views or evidence ("who disagreed?", "is that
        true?") gets every card and reader the caps allow. Any other gets one: for the claim the answer
        leads with (its first citation), a reader who answers that claim or passage, else the card for it,
        else a reader who disagrees with the post."""
        ids = [c["claim"] for c in claims]
        wide = ABOUT_VIEWS.search(question) is not None
        if not wide:
            first: dict[str, int] = {}
            for c in sorted(citations, key=lambda c: c.n):
                first.setdefault(c.source_id, c.n)
            lead = min(claims, key=lambda c: (c["claim"] != "life_stress", first.get(c["source_id"], len(citations) + 1)))
            ids = [lead["claim"]]
        cards = cards_for(ids)
        citations = list(citations)
        readers = self._readers(question, ids, citations, report, version, retrieve_fn)
        if not wide:
            specific = [r for r in readers if r[-1]]
            readers = specific[:1] if specific else ([] if cards else readers[:1])
            cards = [] if readers else cards[:1]
        for card in cards:
            report.perspectives.append(Perspective(card.title, card.summary, "card", (), card.name, card.source, card.when, card.body))
        for record, start, end, stance, _ in readers:
            n = next((c.n for c in citations if c.source_id == record.id and c.doc == record.doc and c.start == start and c.end == end), None)
            if n is None:
                n = len(citations) + 1
                citations.append(citation_for(version, record, start, end, n))
            quote = version.sources[record.doc][start:end]
            report.perspectives.append(Perspective(f"{record.author or 'A reader'}, a reader", quote, "comment", (n,), stance=stance))
        return citations

    def _readers(self, question, ids, citations, report, version, retrieve_fn) -> list[tuple]:
        """(record, start, end, stance, answers this claim or a cited passage) for each dissenting reader
        whose sentence may be shown."""
        if version is None:
            return []
        models = _models(version)
        cited = {f"{c.doc}/{c.source_id}" for c in citations}
        boost = _retrieved_comment_ids(retrieve_fn, question)
        spans = withheld_spans(version) if withholds(report) else {}
        out = []
        for entry in dissent_for(models, ids, cited, boost):
            record = version.records_by_id.get(entry.key)
            if record is None:
                continue
            start, end = quote_span(record, entry.quote)
            if blocking(spans, record.doc, start, end):
                continue
            specific = bool(set(entry.counters) & set(ids)) or bool(set(entry.targets[:3]) & cited)
            out.append((record, start, end, entry.stance.value, specific))
        return out


def _reasons(report: SafetyReport, det, state) -> list[dict]:
    """Why this tier, as data: each pattern or classifier hit, and what the conversation contributed."""
    out = []
    for flag, hits in det.hits.items():
        for hit in hits:
            out.append({"signal": flag, "detail": hit})
    for flag in det.uncertain:
        out.append({"signal": f"possible_{flag}", "detail": "a weak or uncertain signal",
                    "score": det.scores.get(flag)})
    if state.danger and report.tier in (Tier.AFTERCARE, Tier.DANGER, Tier.CHECK_IN) and not det.hits.keys() & set(DANGER):
        out.append({"signal": "conversation", "detail": f"danger said earlier: {', '.join(state.danger)}"})
    if state.pending:
        out.append({"signal": "conversation", "detail": "answering a check-in"})
    return out


def remove_cited(text: str, citations: list[Citation], bad: set[int]) -> tuple[str, list[Citation]]:
    """Drop the sentences that cite any of ``bad``; renumber the citations left."""
    kept_parts, last = [], 0
    for s, e in sentence_spans(text):
        if set(markers.all_numbers(text[s:e])) & bad:
            kept_parts.append(text[last:s])
            last = e
    kept_parts.append(text[last:])
    new_text = re.sub(r"[ \t]+\n", "\n", "".join(kept_parts))
    new_text = re.sub(r"\n{3,}", "\n\n", new_text).strip()
    return renumber(new_text, citations)


def renumber(text: str, citations: list[Citation]) -> tuple[str, list[Citation]]:
    """Keep the citations the text still uses, numbered 1.. in their old order."""
    used = set(markers.all_numbers(text))
    kept = [c for c in citations if c.n in used]
    mapping = {c.n: i for i, c in enumerate(kept, 1)}
    text = markers.renumber(text, mapping)
    return text, [replace(c, n=mapping[c.n]) for c in kept]


# a question about views or evidence: every other view the caps allow, not one
ABOUT_VIEWS = re.compile(
    r"\b(?:disagree\w*|agree\w*|criticis\w*|criticiz\w*|push\w* back|other (?:side|view|views|perspective)|balanced"
    r"|evidence|proof|proven|research|stud(?:y|ies)|scien\w*|true|really so|accurate|fair|one-sided|bias\w*"
    r"|what do (?:readers|people|commenters|others) think|readers? (?:think|say))\b", re.I)


def withholds(report: SafetyReport) -> bool:
    """Unsafe advice is cut from what this answer may quote: after danger, or danger words earlier in the conversation."""
    return report.tier == Tier.AFTERCARE or bool(report.scores.get("disclosed_earlier"))


def _withheld_advice(version, keys: list[str]) -> list[str]:
    """What the withheld passages ("post/record id") advise, as their post's model labels it (never their
    words), at most three. Keys name the post: another post's record with the same id never lends its label."""
    from bot.safety.perspectives import LABELS

    models = _models(version)
    if models is None:
        return []
    out: list[str] = []
    for key in keys:
        model = models.get(key)
        for tag in (model.unsafe if model else ()):
            label = LABELS.get(tag)
            if label and label.lower() not in out:
                out.append(label.lower())
    return out[:3]


def _models(version):
    """The index's model of its posts, or None (a test double without one, no index)."""
    return getattr(version, "post_models", None) if version is not None else None


def _retrieved_comment_ids(retrieve_fn, question: str) -> set[str]:
    """``post/record_id`` of the comments retrieved for the question."""
    if retrieve_fn is None:
        return set()
    try:
        return {f"{s.doc}/{rid}" for s in retrieve_fn(question, k=8, filters={"kind": "comment"}) for rid in s.record_ids}
    except Exception as exc:  # ordering only: the stance file already chose the comments
        log.warning("safety: retrieval for perspective ordering failed (%s)", exc)
        return set()
