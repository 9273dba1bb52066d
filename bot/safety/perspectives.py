"""Balanced perspectives: find contested claims in an answer, add dissent and cards.

An answer "draws on" a contested claim when it cites a passage annotated with that claim in
``seeds/claims.v1.yaml`` (so any wording of the question and any generator get the same
balance), or when its text or a cited quote matches a claim pattern below (for other posts,
which have no annotation). A question about his stress, money, job or depression draws on
"life_stress". For each claim the layer adds, as ``SafetyReport.perspectives``:
- reader comments that push back or add nuance, chosen *by stance* from the reviewed
  annotation ``seeds/stances.v1.yaml`` (stance disagrees/nuance and the claim in
  ``counters``), not by similarity; similarity to the question (``retrieve_fn``) only
  orders them. Each is cited with the exact seed sentence named in the annotation.
- the perspective cards (``prompts/perspectives/*.v1.md``) whose ``applies_to`` names it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from index.bundled import bundled
from index.sentences import sentence_spans

from ..answer import Citation

STANCES = bundled("seeds", "stances.v1.yaml")
CLAIMS_FILE = bundled("seeds", "claims.v1.yaml")
CARDS = bundled("prompts", "perspectives")
STANCE_VALUES = ("agrees", "disagrees", "nuance", "question", "personal story")
DISSENT = ("disagrees", "nuance")
MAX_COMMENTS = 2
MAX_CARDS = 2

CLAIMS: dict[str, tuple[str, re.Pattern]] = {
    "hormone": ("Bonding hormones make men pull away (oxytocin lowers testosterone)",
                re.compile(r"\boxytocin\b|\btestosterone\b|\bhormones?\b", re.I)),
    "hardwired": ("Men and women are hardwired differently",
                  re.compile(r"\bhard-?wired\b|\bin a woman'?s dna\b|\bbecause he'?s a man\b|\bwant to feel like,? and be a man\b", re.I)),
    "leave_him_alone": ("Leave him alone and give him space when he withdraws",
                        re.compile(r"\bleave him alone\b|\blet him be\b|\bdon'?t question him\b|\bgive (?:him|a man) (?:his |the )?(?:space|freedom)\b|\bhis need for freedom\b", re.I)),
    "dont_punish": ("Don't punish him for pulling away",
                    re.compile(r"\bpunish(?:ing)? him\b|\bwithdraw your love\b|\bact all snooty\b", re.I)),
    "receive_love": ("Receive him openly with love when he comes back",
                     re.compile(r"\breceiv\w* (?:him|a man) openly\b|\bwith love\b[^.]{0,30}\bcomes? back\b", re.I)),
    "freedom": ("What men want most is freedom",
                re.compile(r"\bneed for freedom\b|\bhis freedom\b|\bwant to experience most is freedom\b|\bgive freedom to\b", re.I)),
    "relationship_with_man": ("“Do you want to be in a relationship with a MAN?”",
                              re.compile(r"\brelationship with (?:a|another) (?:man|woman)\b", re.I)),
}


@dataclass(frozen=True)
class Card:
    name: str  # file name, e.g. "stonewalling.v1.md"
    title: str
    applies_to: tuple[str, ...]
    source: str
    body: str

    @property
    def summary(self) -> str:
        """The card's first paragraph, without its "Not from the article." lead (the page's box says so)."""
        first = self.body.split("\n\n")[0].replace("\n", " ").strip()
        return first.removeprefix("Not from the article.").strip()

    @property
    def when(self) -> str:
        """The card's "When it applies:" paragraph, without the label."""
        for para in self.body.split("\n\n"):
            if para.startswith("When it applies:"):
                return " ".join(para[len("When it applies:"):].split())
        return ""


@lru_cache(maxsize=2)
def load_cards(folder: Path = CARDS) -> tuple[Card, ...]:
    import yaml

    cards = []
    for path in sorted(Path(folder).glob("*.v*.md")):
        _, front, body = path.read_text(encoding="utf-8").split("---", 2)
        meta = yaml.safe_load(front)
        cards.append(Card(path.name, meta["title"], tuple(meta["applies_to"]), " ".join(meta["source"].split()), body.strip()))
    return tuple(cards)


@lru_cache(maxsize=2)
def load_stances(path: Path = STANCES) -> dict:
    import yaml

    return yaml.safe_load(Path(path).read_text(encoding="utf-8"))


LIFE_STRESS = re.compile(
    r"\b(?:stress\w*|depress\w*|anxiety|burn(?:ed|t)? out|lost (?:his|my) job|unemploy\w*|job|work|money|debt|loan|"
    r"business|bills|rent|redundan\w*|grie\w*|ill(?:ness)?|sick|mental health|therapy|therapist)\b", re.I)
LABELS = {"life_stress": "His stress, money worries or depression"}


@lru_cache(maxsize=2)
def load_claims(path: Path = CLAIMS_FILE) -> dict[str, tuple[str, ...]]:
    """Record id -> the contested claims that passage makes (``seeds/claims.v1.yaml``)."""
    import yaml

    data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    return {rid: tuple(claims) for rid, claims in (data.get("records") or {}).items()}


def find_claims(text: str, citations: list[Citation], question: str = "") -> list[dict]:
    """Contested claims the answer draws on: {claim, label, source_id}, one per claim."""
    found: dict[str, dict] = {}
    annotated = load_claims()
    for c in citations:
        for claim in annotated.get(c.source_id, ()):
            if claim not in found:
                found[claim] = {"claim": claim, "label": CLAIMS.get(claim, (claim,))[0], "source_id": c.source_id}
    if question and LIFE_STRESS.search(question):
        found["life_stress"] = {"claim": "life_stress", "label": LABELS["life_stress"], "source_id": "question"}
    for c in citations:
        for claim, (label, rx) in CLAIMS.items():
            if claim not in found and rx.search(c.quote):
                found[claim] = {"claim": claim, "label": label, "source_id": c.source_id}
    for s, e in sentence_spans(text):
        sentence = text[s:e]
        for claim, (label, rx) in CLAIMS.items():
            if claim not in found and rx.search(sentence):
                cited = [c.source_id for c in citations if f"[{c.n}]" in sentence]
                found[claim] = {"claim": claim, "label": label, "source_id": cited[0] if cited else "answer"}
    order = list(CLAIMS) + ["life_stress"]
    return [found[c] for c in order if c in found]


# Which card speaks most directly to each claim, best first.
CARD_ORDER = {
    "life_stress": ("stress-depression",),
    "hormone": ("hormones",),
    "hardwired": ("anxious-avoidant", "space-in-words"),
    "leave_him_alone": ("space-in-words", "stonewalling", "anxious-avoidant"),
    "dont_punish": ("your-needs", "stonewalling", "space-in-words"),
    "receive_love": ("your-needs", "stonewalling"),
    "freedom": ("space-in-words", "your-needs"),
    "relationship_with_man": ("your-needs", "space-in-words"),
}


def cards_for(claims: list[str]) -> list[Card]:
    """One card per claim (the most direct one not already picked), at most MAX_CARDS; his stress or
    depression first, then the claims in the order the answer draws on them."""
    by_stem = {card.name.split(".")[0]: card for card in load_cards()}
    picked: list[Card] = []
    for claim in sorted(claims, key=lambda c: c != "life_stress"):
        stems = CARD_ORDER.get(claim, ()) + tuple(by_stem)
        card = next((by_stem[s] for s in stems if s in by_stem and claim in by_stem[s].applies_to
                     and by_stem[s] not in picked), None)
        if card:
            picked.append(card)
    return picked[:MAX_CARDS]


def dissent_for(claims: list[str], boost: set[str] = frozenset()) -> list[tuple[str, dict]]:
    """Dissenting comments for these claims, by stance: most claims countered first, then ``boost``."""
    comments = load_stances()["comments"]
    ranked = []
    for order, (cid, entry) in enumerate(comments.items()):
        if entry.get("stance") not in DISSENT:
            continue
        overlap = len(set(entry.get("counters", ())) & set(claims))
        if overlap:
            ranked.append((-overlap, cid not in boost, order, cid, entry))
    ranked.sort(key=lambda t: t[:3])
    return [(cid, entry) for *_, cid, entry in ranked[:MAX_COMMENTS]]


def quote_span(record, hint: str | None) -> tuple[int, int]:
    """Absolute span of the record sentence that starts with (or contains) ``hint``; first sentence otherwise."""
    spans = sentence_spans(record.text, offset=record.start)
    if hint:
        at = record.text.find(hint)
        if at >= 0:
            at += record.start
            for s, e in spans:
                if s <= at < e:
                    return s, e
    return spans[0] if spans else (record.start, record.end)
