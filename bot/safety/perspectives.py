"""Balanced perspectives: find contested claims in an answer, add dissent and cards.

An answer "draws on" a contested claim when it cites a passage that the index's model of the post
says makes one (``index/understand``: computed for any post, reviewed where a person reviewed it,
e.g. ``seeds/claims.v1.yaml`` for the bundled article), or when its own words match a generic claim
pattern (a generator's paraphrase). Advice the post model tags as unsafe in a controlling
relationship counts too, unless a person reviewed the post's claims. A question about his stress,
money, job or depression draws on "life_stress". For each claim the layer adds, as
``SafetyReport.perspectives``:
- reader comments of the same post that disagree or add nuance (the post model's stances), those
  that answer the cited passage first, then those that counter the same kind of claim; similarity
  to the question (``retrieve_fn``) only breaks ties. Each is cited with its dissenting sentence.
- the perspective cards (``prompts/perspectives/*.v1.md``) whose ``applies_to`` names it.
"""

from __future__ import annotations

import re
from collections.abc import Set
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from index.bundled import bundled
from index.sentences import sentence_spans

from bot.answer import Citation

CARDS = bundled("prompts", "perspectives")
MAX_COMMENTS = 2
MAX_CARDS = 2

# Generic wording of contested claims and one-sided advice, for answers in a generator's own words.
CLAIMS: dict[str, tuple[str, re.Pattern]] = {
    "hormone": ("A hormone explanation of how men or women behave",
                re.compile(r"\boxytocin\b|\btestosterone\b|\bhormones?\b", re.I)),
    "hardwired": ("Men and women are hardwired differently",
                  re.compile(r"\bhard-?wired\b|\bin (?:a|his|her) (?:man'?s|woman'?s) dna\b|\bbecause (?:he|she)'?s a (?:man|woman)\b", re.I)),
    "leave_him_alone": ("Leave him alone and give him space when he withdraws",
                        re.compile(r"\bleave (?:him|her) alone\b|\blet (?:him|her) be\b|\bdon'?t question (?:him|her)\b|\bgive (?:him|her|a man|a woman) (?:his |her |the )?(?:space|freedom)\b|\b(?:his|her) need for freedom\b", re.I)),
    "dont_punish": ("Don't punish him for pulling away",
                    re.compile(r"\bpunish(?:ing)? (?:him|her)\b|\bwithdraw your love\b", re.I)),
    "receive_love": ("Receive him openly with love when he comes back",
                     re.compile(r"\breceiv\w* (?:him|her|a man|a woman) openly\b|\bwith love\b[^.]{0,30}\bcomes? back\b", re.I)),
    "freedom": ("What men want most is freedom",
                re.compile(r"\bneed for freedom\b|\bhis freedom\b|\bgive freedom to\b", re.I)),
}
LABELS = {
    "life_stress": "His stress, money worries or depression",
    "gender_generalisation": "A sweeping claim about men or women",
    "pseudo_science": "A scientific-sounding claim given without evidence",
    "absolute": "A rule stated with no exceptions",
    "relationship_with_man": "A one-sided claim about relationships",
    "give_space": "Give your partner space and don't pursue them",
    "go_away": "Go away and leave your partner be",
    "dont_question": "Don't question your partner",
    "dont_check": "Never check your partner's phone",
    "let_him_check": "Let your partner check your phone or location",
    "wait_it_out": "Wait it out",
    "receive_no_matter": "Welcome your partner back whatever happened",
    "receive_love": "Receive your partner with love when they come back",
    "dont_punish": "Don't hold it against your partner",
    "blames_reader": "Your feelings cause your partner's behaviour",
    "minimises": "Your partner's anger or behaviour is harmless or excusable",
    "isolate": "Keep relationship problems from friends and family",
    "obey": "Don't argue back; let your partner decide, including about money",
}
NOT_CLAIMS = ("uncertain",)  # "not sure it is safe" is a safety label, not a claim to balance


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


LIFE_STRESS = re.compile(
    r"\b(?:stress\w*|depress\w*|anxiety|burn(?:ed|t)? out|lost (?:his|my) job|unemploy\w*|job|money|debt|loan|"
    r"business|bills|rent|redundan\w*|grie\w*|ill(?:ness)?|sick|mental health|therapy|therapist)\b"
    # work the noun ("he's stressed at work", "out of work"), not the verb ("does this work for an 11 yr old?")
    r"|\b(?:at|from|after|before|to|his|her|my|out of|off|lost|new|of) work\b|\bwork (?:stress|pressure|hours|trip|problems?)\b"
    r"|\bworks? (?:late|long hours|nights|two jobs)\b", re.I)


def find_claims(text: str, citations: list[Citation], question: str = "", models=None) -> list[dict]:
    """Contested claims the answer draws on: {claim, label, source_id}, one per claim. ``models`` is
    the index's ``PostModels`` (what each cited passage claims); without it only the patterns read."""
    found: dict[str, dict] = {}
    labels = {**LABELS, **_labels(models)}
    for c in citations:
        for claim in _claims_of(models, c):
            if claim not in found:
                found[claim] = {"claim": claim, "label": _label(claim, labels), "source_id": c.source_id}
    if question and LIFE_STRESS.search(question) and _about_withdrawal(models, {c.doc for c in citations}):
        found["life_stress"] = {"claim": "life_stress", "label": LABELS["life_stress"], "source_id": "question"}
    for c in citations:
        if models is not None and models.get(f"{c.doc}/{c.source_id}") is not None:
            continue  # the post model knows this passage: its (reviewed or computed) labels decide
        for claim, (label, rx) in CLAIMS.items():
            if claim not in found and rx.search(c.quote):
                found[claim] = {"claim": claim, "label": _label(claim, labels), "source_id": c.source_id}
    for s, e in sentence_spans(text):
        sentence = text[s:e]
        cited = [c for c in citations if f"[{c.n}]" in sentence]
        if cited and models is not None and all(models.get(f"{c.doc}/{c.source_id}") is not None for c in cited):
            continue  # a quote of known passages: their labels already spoke
        for claim, (label, rx) in CLAIMS.items():
            if claim not in found and rx.search(sentence):
                found[claim] = {"claim": claim, "label": _label(claim, labels), "source_id": cited[0].source_id if cited else "answer"}
    order = {c: i for i, c in enumerate(list(CLAIMS) + list(LABELS))}
    return sorted(found.values(), key=lambda f: order.get(f["claim"], len(order)))


# "His stress or depression" balances advice about a partner's withdrawal; the post model says whether a post gives any
WITHDRAWAL = frozenset({"leave_him_alone", "give_space", "go_away", "freedom", "dont_punish", "receive_love",
                        "relationship_with_man"})


def _about_withdrawal(models, posts: set[str]) -> bool:
    """Does a post the answer cites advise on a partner's withdrawal (its model holds such a claim or advice, in the
    article or the author's replies)? A post on a diet plateau or a biting puppy does not: "the guy who works nights"
    there is no partner under stress. With no post model (patterns only), assume it does."""
    if models is None:
        return True
    return any(set(r.claims) & WITHDRAWAL or set(r.unsafe) & WITHDRAWAL
               for p in posts if p in models.posts for r in models.posts[p].records.values() if r.stance is None or r.by_author)


def _claims_of(models, c: Citation) -> tuple[str, ...]:
    if models is None:
        return ()
    r = models.get(f"{c.doc}/{c.source_id}")
    if r is None or c.kind != "article":
        return ()
    claims = tuple(r.claims)
    reviewed = r.claims_label is not None and r.claims_label.source == "reviewed"
    if not reviewed:  # computed: one-sided advice is a claim to balance too
        claims += tuple(t for t in r.unsafe if t not in claims and t not in NOT_CLAIMS)
    return claims


def _labels(models) -> dict[str, str]:
    if models is None:
        return {}
    return {k: v for p in models.posts.values() for k, v in p.labels.items()}


def _label(claim: str, labels: dict[str, str]) -> str:
    return labels.get(claim) or CLAIMS.get(claim, (claim.replace("_", " "),))[0]


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
    "gender_generalisation": ("generalisations", "space-in-words"),
    "pseudo_science": ("unsupported-science",),
    "give_space": ("space-in-words", "stonewalling"),
    "wait_it_out": ("stonewalling", "your-needs"),
    "dont_question": ("your-needs", "stonewalling"),
    "receive_no_matter": ("your-needs",),
    "blames_reader": ("your-needs",),
    "minimises": ("your-needs", "stonewalling"),
    "let_him_check": ("control",),
    "dont_check": ("your-needs",),
    "isolate": ("control",),
    "obey": ("control",),
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


def dissent_for(models, claims: list[str], cited: set[str], boost: Set[str] = frozenset()) -> list:
    """Readers of the cited posts who disagree or add nuance on these claims (``RecordModel`` of each),
    best first: by claims countered, then those answering a cited passage, then ``boost`` (retrieved
    for the question), then post order; when none counters them, one reader who disagrees with the post
    (retrieved for the question first). Never from a post the answer did not cite."""
    if models is None:
        return []
    posts = {key.split("/", 1)[0] for key in cited}
    ranked = []
    for order, r in enumerate(c for post in sorted(posts) for c in models.dissent(post)):
        answers = bool(set(r.targets[:3]) & cited)
        overlap = len(set(r.counters) & set(claims))
        if answers or overlap:
            ranked.append((-overlap, not answers, r.key not in boost, order, r))
    ranked.sort(key=lambda t: t[:4])
    if not ranked and set(claims) - {"life_stress"}:  # nobody answered these claims in particular: a reader who disagrees with the post still speaks to it
        everyone = [c for post in sorted(posts) for c in models.dissent(post) if c.stance.value == "disagrees"]
        return sorted(everyone, key=lambda c: c.key not in boost)[:1]
    return [t[-1] for t in ranked[:MAX_COMMENTS]]


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
