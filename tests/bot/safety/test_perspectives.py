"""Balanced perspectives: contested claims in an answer bring cited dissent and cards (as data)."""

from __future__ import annotations

import pytest

from bot.answer import Answer, SafetyReport
from bot.safety import SafetyLayer, policy
from bot.safety.detect import Detector
from bot.safety.perspectives import load_cards
from index.bundled import bundled
from index.understand.model import STANCES as STANCE_VALUES
from index.understand.reviewed import load_reviewed
from index.config import PROJECT_ROOT
from index.parse import parse_file
from index.store import IndexVersion

from tests.conftest import SEED, cite as _cite
from tests.fakes import BrokenEmbeddings


@pytest.fixture
def version(fake_store):
    return IndexVersion.open(fake_store.store_dir)


@pytest.fixture
def layer():
    return SafetyLayer(detector=Detector(embeddings=BrokenEmbeddings()))


def test_contested_claim_adds_cited_dissent_and_a_card(layer, version):
    c1 = _cite(version, "article:science-man:p4", 1)
    out = layer.apply(Answer(f"The article says: “{c1.quote}” [1]", "Why does he pull away?", [c1]), SafetyReport(), version)
    assert "contested_claim" in out.safety.flags
    assert [c["claim"] for c in out.safety.claims] == ["hormone"]
    assert out.safety.claims[0]["source_id"] == "article:science-man:p4"
    cards = [p for p in out.safety.perspectives if p.origin == "card"]
    assert cards and cards[0].card == "hormones.v1.md" and cards[0].source and cards[0].when
    assert "Another perspective" not in out.text  # perspectives are fields, not text
    for p in (p for p in out.safety.perspectives if p.origin == "comment"):
        (n,) = p.citations
        c = out.citations[n - 1]
        assert c.n == n > 1 and c.kind == "comment" and p.stance in ("disagrees", "nuance")
        assert version.post_models.stance(f"{c.doc}/{c.source_id}") in ("disagrees", "nuance")
        assert version.sources[c.doc][c.start : c.end] == c.quote == p.text


def test_leave_him_alone_brings_one_reader_who_pushes_back_on_it(layer, version):
    """An ordinary question gets one other view, in proportion: the reader who answers that claim."""
    c1 = _cite(version, "article:men-want:step1", 1, "Leave him alone.")
    out = layer.apply(Answer(f"The article says: “{c1.quote}” [1]", "what should I do?", [c1]), SafetyReport(), version)
    assert [p.origin for p in out.safety.perspectives] == ["comment"]
    assert [c.source_id for c in out.citations[1:]] == ["comment:01-angry-and-upset"]  # "disappearing for days is rude"


def test_a_question_about_views_or_evidence_gets_every_other_view(layer, version):
    c1 = _cite(version, "article:men-want:step1", 1, "Leave him alone.")
    out = layer.apply(Answer(f"The article says: “{c1.quote}” [1]", "is that really true? who disagreed?", [c1]),
                      SafetyReport(), version)
    assert "comment:01-angry-and-upset" in {c.source_id for c in out.citations[1:]}
    assert {p.card for p in out.safety.perspectives if p.origin == "card"} & {"space-in-words.v1.md", "stonewalling.v1.md"}
    assert len(out.safety.perspectives) > 2


def test_every_seed_comment_has_a_reviewed_stance():
    records = {r.id: r for r in parse_file(SEED) if r.kind == "comment"}
    import yaml

    data = yaml.safe_load(bundled("seeds", "stances.v1.yaml").read_text(encoding="utf-8"))
    load_reviewed(bundled("seeds", "stances.v1.yaml"))  # reads as a reviewed-labels file
    assert set(data["comments"]) == set(records)
    for cid, entry in data["comments"].items():
        assert entry["reason"].strip(), cid
        if entry["stance"] == "none":
            assert not records[cid].text.strip(), f"{cid} has a body, so it needs a real stance"
        else:
            assert entry["stance"].replace("personal story", "story") in STANCE_VALUES, cid
        if entry.get("quote"):
            assert entry["quote"] in records[cid].text, cid
        if entry["stance"] in ("disagrees", "nuance"):
            assert entry.get("counters") and entry.get("quote"), cid


def test_cards_say_they_are_not_from_the_article_when_they_apply_and_their_source():
    cards = {c.name: c for c in load_cards()}
    assert {"hormones.v1.md", "stonewalling.v1.md", "anxious-avoidant.v1.md", "space-in-words.v1.md"} <= set(cards)
    for card in cards.values():
        assert card.body.startswith("Not from the article.")
        assert card.when and card.source and card.applies_to
    assert "Gottman" in cards["stonewalling.v1.md"].source


def test_resources_file_has_the_exact_numbers():
    text = (PROJECT_ROOT / "prompts/resources.v1.yaml").read_text(encoding="utf-8")
    for needle in ("988", "116 123", "findahelpline.com", "1-800-799-7233", "START to 88788", "0808 2000 247"):
        assert needle in text
    for r in policy.load_resources()["resources"]:
        assert {"name", "contact", "region", "url", "applies_to"} <= set(r)


@pytest.mark.parametrize("question, stress", [
    ("does this work for an 11 yr old or is it only for older teens", False),  # work the verb (a post nobody built for)
    ("will this work if he's the one who left?", False),
    ("he's been so stressed at work and pulled away", True),
    ("he lost his job and stopped texting", True),
    ("he works long hours and barely talks to me", True),
])
def test_the_stress_card_reads_work_the_noun_not_the_verb(question, stress):
    from bot.safety.perspectives import find_claims

    claims = {c["claim"] for c in find_claims("", [], question)}
    assert ("life_stress" in claims) == stress
