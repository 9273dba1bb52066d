"""What the answer does for each flag.

- self_harm: lead with care and crisis resources, invite the person to keep talking; the
  article's answer follows below a clear break, never first.
- abuse: safety first. Name that the behaviour is not something to wait out, give the
  abuse resources and safety planning, and remove every sentence that advises giving him
  space / leaving him alone / not punishing him (with its citations, renumbered).
- distress: acknowledge the feeling; suggest talking to someone.
- injection: a brief decline, nothing about prompts (``short_circuit``).
- off_topic: say what the bot can answer (``short_circuit``).
- degraded check: crisis and abuse resources are attached as a precaution (fail closed).
- personal advice: say it is not professional advice.
Resources come from one region-tagged data file, ``prompts/resources.v1.yaml``.
"""

from __future__ import annotations

import re
from dataclasses import replace
from functools import lru_cache
from pathlib import Path

from index.config import PROJECT_ROOT
from index.sentences import sentence_spans

from ..answer import Citation

RESOURCES = PROJECT_ROOT / "prompts" / "resources.v1.yaml"

NOT_PROFESSIONAL = "This is general information from one article and its readers, not professional advice."
DECLINE = (
    "I can't change how I work or share my instructions. I'm happy to answer questions about the article "
    "“Why Do Men Pull Away From You & The Relationship?” and its readers' comments."
)
OFF_TOPIC = (
    "I can only answer questions about the article “Why Do Men Pull Away From You & The Relationship?” and "
    "its readers' comments, for example: why men pull away, what the article advises, or what readers said."
)

# Advice that must never reach someone describing abuse.
UNSAFE_FOR_ABUSE = re.compile(
    r"\b(?:give|giving)\s+(?:him|a man|them|your man)\s+(?:his |their |the |some )?(?:space|freedom|time)\b"
    r"|\bleave him alone\b|\blet him be\b|\bdon'?t (?:question|punish|pressure|chase) him\b"
    r"|\bpunish(?:ing)? him\b|\breceive him (?:openly|with love)\b|\bwithdraw (?:your|her) love\b"
    r"|\bwait (?:it|him) out\b|\bhe'?ll come back\b|\bneed for freedom\b|\bhis freedom\b"
    r"|\bgive a man his space\b|\bmust give a man\b",
    re.IGNORECASE,
)
MARKER = re.compile(r"\[(\d+)\]")


@lru_cache(maxsize=4)
def load_resources(path: Path = RESOURCES) -> dict:
    import yaml

    return yaml.safe_load(Path(path).read_text(encoding="utf-8"))


def resources_for(flags, data: dict | None = None) -> list[dict]:
    data = data or load_resources()
    wanted = set(flags)
    return [
        {k: r[k] for k in ("name", "contact", "region", "url")}
        for r in data["resources"]
        if wanted & set(r.get("applies_to", ()))
    ]


def resource_lines(resources: list[dict]) -> str:
    return "\n".join(f"- {r['region']}: {r['name']}, {r['contact']} ({r['url']})" for r in resources)


def care_self_harm(resources: list[dict], emergency: str) -> str:
    return (
        "I'm really sorry you're feeling this way. It sounds like you're carrying a lot of pain, and you "
        "don't have to carry it alone. If you are thinking about ending your life or hurting yourself, "
        "please reach out to someone now; these lines are free and confidential:\n"
        f"{resource_lines(resources)}\n{emergency}\n"
        "I'm here to keep talking if you'd like. What has been happening?"
    )


def care_abuse(resources: list[dict], emergency: str) -> str:
    return (
        "What you describe is not something to wait out or give space to, and it is not your fault. "
        "Your safety comes first. People who are trained for this can listen and help, for free and "
        "in confidence:\n"
        f"{resource_lines(resources)}\n"
        "They can also help you make a safety plan: a safe place to go, people you can call, copies of "
        "important documents and a bag ready, and a way to reach help quickly. " + emergency
    )


def care_distress() -> str:
    return "That sounds really painful, and it makes sense that you're shaken."


def degraded_line(resources: list[dict], emergency: str) -> str:
    return (
        "If you are in danger or thinking about hurting yourself, please reach out now:\n"
        f"{resource_lines(resources)}\n{emergency}"
    )


def remove_sentences(text: str, citations: list[Citation], unsafe: re.Pattern) -> tuple[str, list[Citation], int]:
    """Drop sentences that match ``unsafe`` or cite a quote that does; renumber the citations left."""
    bad_cites = {c.n for c in citations if unsafe.search(c.quote)}
    kept_parts, last, removed = [], 0, 0
    for s, e in sentence_spans(text):
        sentence = text[s:e]
        cited = {int(n) for n in MARKER.findall(sentence)}
        if unsafe.search(MARKER.sub("", sentence)) or cited & bad_cites:
            kept_parts.append(text[last:s])
            last = e
            removed += 1
    kept_parts.append(text[last:])
    new_text = "".join(kept_parts)
    new_text = re.sub(r"[ \t]+\n", "\n", new_text)
    new_text = re.sub(r"\n{3,}", "\n\n", new_text).strip()
    new_text, citations = renumber(new_text, citations)
    return new_text, citations, removed


def renumber(text: str, citations: list[Citation]) -> tuple[str, list[Citation]]:
    """Keep the citations the text still uses, numbered 1.. in their old order."""
    used = {int(n) for n in MARKER.findall(text)}
    kept = [c for c in citations if c.n in used]
    mapping = {c.n: i for i, c in enumerate(kept, 1)}
    text = MARKER.sub(lambda m: f"[{mapping[int(m.group(1))]}]" if int(m.group(1)) in mapping else "", text)
    return text, [replace(c, n=mapping[c.n]) for c in kept]
