"""The safety layer: checks before retrieval, screening of retrieved text, policy on the answer.

    layer = SafetyLayer(embeddings=None)                # lazy: the model loads on the first check
    report = layer.check(question, history)             # SafetyReport: flags + scores, before retrieval
    early = layer.short_circuit(report, question)       # full answer text for injection / off_topic, else None
    sources = layer.screen_sources(sources, report)     # instruction-like sentences in passages blanked out
    answer = layer.apply(answer, report, version, retrieve_fn)   # care, resources, perspectives, notes

``detect`` says how flags are found (and the failure policy), ``policy`` what each flag
does to the answer, ``perspectives`` how contested claims get balanced.
"""

from __future__ import annotations

import logging
from dataclasses import replace

from index.sentences import sentence_spans

from ..answer import Answer, Citation, Perspective, SafetyReport, Source
from . import policy
from .detect import DANGER, STRONG, Detector, normalise
from .perspectives import cards_for, dissent_for, find_claims, load_stances, quote_span

__all__ = ["SafetyLayer", "Detector"]

log = logging.getLogger("bot.safety")

HISTORY_TURNS = 3
# Instruction-like text inside retrieved passages (comments are written by strangers).
import re  # noqa: E402

PASSAGE_INJECTION = re.compile(
    STRONG["injection"].pattern
    + r"|\b(?:tell|instruct|order|make) the (?:reader|user|person)s? to\b"
    + r"|\b(?:assistant|chatbot|bot|ai|language model)s?\b[^.?!]{0,30}\b(?:must|should|will|always|now)\b"
    + r"|\bignore (?:your|all|the|any)\b[^.?!]{0,30}\b(?:instructions?|rules|prompt|guidelines|training)\b"
)


class SafetyLayer:
    def __init__(self, embeddings=None, detector: Detector | None = None):
        self.detector = detector or Detector(embeddings)

    # --- before retrieval ---------------------------------------------------

    def check(self, question: str, history=None) -> SafetyReport:
        det = self.detector.detect(question)
        report = SafetyReport(flags=list(det.flags), notes=list(det.notes), scores=dict(det.scores))
        if det.personal:
            report.scores["personal"] = 1.0
        if det.degraded:
            report.scores["degraded"] = 1.0
        for earlier in _user_turns(history)[-HISTORY_TURNS:]:
            missing = [f for f in DANGER if f not in report.flags]
            if not missing:
                break
            carried = [f for f in self.detector.detect(earlier).flags if f in missing]
            if carried:
                report.flags = [f for f in report.flags if f != "distress"] + carried
                report.notes.append(f"Earlier in this conversation you mentioned something serious ({', '.join(carried)}).")
        report.flags = _ordered(report.flags)
        if report.flags:
            log.info("safety flags %s (hits %s)", report.flags, det.hits)
        return report

    def short_circuit(self, report: SafetyReport, question: str) -> str | None:
        if any(f in report.flags for f in DANGER):
            return None  # care comes first, through apply()
        if "injection" in report.flags:
            return policy.DECLINE
        if "off_topic" in report.flags:
            return policy.OFF_TOPIC
        return None

    # --- retrieved passages are data ---------------------------------------

    def screen_sources(self, sources: list[Source], report: SafetyReport | None = None) -> list[Source]:
        """Blank out (with spaces, so offsets stay exact) passage sentences that read like instructions."""
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
                src = replace(src, text=text)
            screened.append(src)
        return screened

    # --- on the answer -------------------------------------------------------

    def apply(self, answer: Answer, report: SafetyReport, index_version=None, retrieve_fn=None) -> Answer:
        flags = report.flags
        danger = [f for f in DANGER if f in flags]
        text, citations = answer.text, list(answer.citations)
        early = text in (policy.DECLINE, policy.OFF_TOPIC)

        if "abuse" in flags:
            text, citations, removed = policy.remove_sentences(text, citations, policy.UNSAFE_FOR_ABUSE)
            if removed:
                report.notes.append(f"Left out {removed} sentence(s) advising to give him space or not to push back: not safe advice here.")

        section = ""
        if not early:
            claims = find_claims(text, citations)
            if claims:
                if "contested_claim" not in report.flags:
                    report.flags.append("contested_claim")
                report.claims = claims
                section, citations = self._perspectives(answer.question, claims, citations, report, index_version, retrieve_fn)

        data = policy.load_resources()
        res_flags = list(danger) or (["self_harm", "abuse"] if report.scores.get("degraded") else [])
        report.resources = policy.resources_for(res_flags, data) if res_flags else []

        parts = []
        if "self_harm" in flags:
            parts.append(policy.care_self_harm(policy.resources_for(["self_harm"], data), data["emergency"]))
        if "abuse" in flags:
            parts.append(policy.care_abuse(policy.resources_for(["abuse"], data), data["emergency"]))
        if "distress" in flags and not danger:
            parts.append(policy.care_distress())
        if danger:
            if text and not answer.abstained:
                parts.append("About your question, from the article and its readers (this can wait):\n" + text)
        else:
            parts.append(text)
        if section:
            parts.append(section)
        if report.scores.get("degraded") and not danger:
            parts.append(policy.degraded_line(report.resources, data["emergency"]))
        personal = report.scores.get("personal") or danger or "distress" in flags
        if personal and not early:
            parts.append(policy.NOT_PROFESSIONAL)
            if policy.NOT_PROFESSIONAL not in report.notes:
                report.notes.append(policy.NOT_PROFESSIONAL)
        report.flags = _ordered(report.flags)
        return replace(answer, text="\n\n".join(p for p in parts if p), citations=citations, safety=report)

    def _perspectives(self, question, claims, citations, report, version, retrieve_fn):
        ids = [c["claim"] for c in claims]
        lines = ["Another perspective (not from the article):"]
        for card in cards_for(ids):
            lines.append(f"- {card.title}. {card.summary} (Where this comes from: {card.source})")
            report.perspectives.append(Perspective(card.title, card.body, "card", (), card.name))
        citations = list(citations)
        if version is not None:
            doc = load_stances().get("doc")
            boost = _retrieved_comment_ids(retrieve_fn, question)
            for cid, entry in dissent_for(ids, boost):
                record = version.records_by_id.get(f"{doc}/{cid}")
                if record is None:
                    continue
                start, end = quote_span(record, entry.get("quote"))
                quote = version.sources[record.doc][start:end]
                n = next((c.n for c in citations if c.source_id == record.id and c.start == start and c.end == end), None)
                if n is None:
                    n = len(citations) + 1
                    parent = version.records_by_id.get(f"{record.doc}/{record.parent}") if record.parent else None
                    citations.append(Citation(
                        n=n, source_id=record.id, kind=record.kind, author=record.author, quote=quote,
                        start=start, end=end, doc=record.doc, section=record.section, parent=record.parent,
                        parent_author=parent.author if parent else None,
                    ))
                who = record.author or "A reader"
                lines.append(f"- {who}, a reader ({entry['stance']}): “{' '.join(quote.split())}” [{n}]")
                report.perspectives.append(Perspective(f"{who} ({entry['stance']})", quote, "comment", (n,)))
        return "\n".join(lines), citations


def _retrieved_comment_ids(retrieve_fn, question: str) -> set[str]:
    if retrieve_fn is None:
        return set()
    try:
        return {rid for s in retrieve_fn(question, k=8, filters={"kind": "comment"}) for rid in s.record_ids}
    except Exception as exc:  # ordering only: the stance file already chose the comments
        log.warning("safety: retrieval for perspective ordering failed (%s)", exc)
        return set()


def _user_turns(history) -> list[str]:
    turns = []
    for turn in history or []:
        if isinstance(turn, dict):
            if turn.get("role") == "user" and isinstance(turn.get("content"), str):
                turns.append(turn["content"])
        elif isinstance(turn, (list, tuple)) and turn and isinstance(turn[0], str):
            turns.append(turn[0])
    return turns


def _ordered(flags: list[str]) -> list[str]:
    order = ("self_harm", "abuse", "distress", "injection", "off_topic", "contested_claim")
    return [f for f in order if f in flags]
