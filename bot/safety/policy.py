"""What each flag does to the answer, as data (``SafetyReport`` fields), never as prose in the text.

- danger (self_harm or abuse in this message): care, helplines and a safety plan, and nothing from
  the article or the comments: no retrieval, no generator, no quote. An invitation to keep talking,
  and to ask about the article later.
- check_in (a possible danger signal, not a clear one): "are you safe right now?", the helplines, no
  advice. When the person says they are safe, their earlier question is answered.
- aftercare (danger earlier in this conversation): article questions are answered only from passages
  that are safe in that context (the post model's unsafe-advice labels, ``bot/safety/withhold.py``: no
  "give him space", "don't question him", "let her check your phone", nothing that blames the reader,
  and nothing the model is unsure of); the helplines stay.
- hurting (sad, self-blaming, lonely, heartbroken, no danger): a warm first line that names the feeling
  (``WARM``), then the real answer, and one quiet line (``REACH_OUT``) in case it ever feels like too much.
  Never the crisis box.
- injection: a brief decline, nothing about prompts. off_topic: what the bot can answer.
- degraded check (the model failed): crisis and abuse helplines on every answer (fail closed).
- personal questions: "not professional advice".
Resources come from one region-tagged data file, ``prompts/resources.v1.yaml``.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from index.bundled import bundled

from bot.safety.flags import Flag

RESOURCES = bundled("prompts", "resources.v1.yaml")

NOT_PROFESSIONAL = "This is general information from one article and its readers, not professional advice."
DECLINE = (
    "I can't change how I work, play a character or share my instructions. I'm happy to answer questions about "
    "the article and its readers' comments."
)
OFF_TOPIC = (
    "I can only answer questions about the article and its readers' comments, for example: what the article "
    "says or advises, or what readers said."
)


def decline(title: str = "") -> str:
    """The injection reply; ``title`` names the post when the index holds one (from the index, never code)."""
    return DECLINE.replace("the article and", f"the article “{title}” and") if title else DECLINE


def off_topic(title: str = "") -> str:
    """The off-topic reply, naming the post when the index holds one."""
    return OFF_TOPIC.replace("the article and", f"the article “{title}” and") if title else OFF_TOPIC


CARE = {
    Flag.SELF_HARM: (
        "I'm really sorry you're going through this. It sounds like you're in a lot of pain, and you don't have "
        "to carry it alone. If you are thinking about ending your life or hurting yourself, please reach out to "
        "one of these free, confidential lines now: talking to someone trained for this can help you get "
        "through tonight."
    ),
    Flag.ABUSE: (
        "What you describe is not something to wait out or give space to, and it is not your fault. Your safety "
        "comes first. People trained for this can listen and help you, free and in confidence, whether or not "
        "you want to leave."
    ),
}
KEEP_TALKING = (
    "I'm here if you want to keep talking: tell me what's been happening. Questions about the article can wait; "
    "you can ask me about it later."
)
CHECK_IN = (
    "Before I answer, I want to check in with you: are you safe right now? Part of what you wrote sounds like "
    "it might be more than a hard week. If you are not safe, or you are thinking about hurting yourself, the "
    "lines below are free and confidential. If you are safe, just tell me, and I'll answer your question about "
    "the article."
)
CHECK_AGAIN = (
    "Before we go back to the article: what you told me earlier matters, even if it feels like too much now. "
    "Are you safe right now? If you are, just tell me and I'll answer. If you're not, or you're not sure, the "
    "lines below are free and confidential, and you can keep talking to me here."
)
AFTERCARE = (
    "Because of what you told me earlier, I've left out the parts of the article's advice that aren't safe in "
    "your situation (such as giving a partner space, waiting it out, not questioning them or letting them check "
    "your phone). The helplines are still here for you."
)
LEFT_OUT = (
    "Because of what you mentioned earlier, I've left out the parts of the article's advice that aren't safe if a "
    "partner is controlling or violent."
)
STILL_HERE = "The helplines are still here for you if you need them."


def left_out(advice: list[str], earlier: str = "told me") -> str:
    """What was withheld, named (never quoted): "Because of what you told me earlier, I haven't quoted the
    article's advice to let your partner check your phone or location and to forgive a first push: it isn't
    safe if a partner is controlling or violent." ``advice``: the withheld passages' labels, in reading order."""
    if not advice:
        return AFTERCARE if earlier == "told me" else LEFT_OUT
    named = "; ".join(advice)
    line = (f"Because of what you {earlier} earlier, I haven't quoted what the article says here ({named}): "
            "that advice isn't safe if a partner is controlling or violent.")
    return line + (" The helplines are still here for you." if earlier == "told me" else "")
DISTRESS = "That sounds really painful, and it makes sense that you're shaken."
REACH_OUT = ("If it ever feels like too much, you can talk to someone, free and in confidence: findahelpline.com "
             "lists the lines where you live.")
# The first matching feeling names the warm line (patterns on the normalised message; the order matters).
WARM: tuple[tuple[str, str], ...] = (
    (r"\bcr(?:y|ied|ying)\b|\btears\b|\bsob\w*", "Crying over this night after night is exhausting, and it makes sense that you're hurting."),
    (r"\bburden\b|\btoo much\b|\ba lot\b|\bneedy\b|\bclingy\b|\bsuffocat\w*",
     "Being made to feel like too much hurts. Having feelings and wanting closeness is not a flaw."),
    (r"\bmy body\b|\bugly\b|\bfat\b|\bweight\b|\bunattractive\b|\bnot (?:pretty|good) enough\b",
     "Wondering whether it's your body is a painful place to be, and one man pulling away doesn't measure your worth."),
    (r"\balone\b|\blonely\b|\bunlovable\b|\bnobody\b|\bno one\b|\beveryone leaves\b",
     "Feeling like you'll always end up alone is a heavy thing to carry. One man pulling away doesn't decide that."),
    (r"\bmy fault\b|\bblame myself\b|\bhate myself\b|\bruin\w*\b|\bstupid\b|\bwhat did i do wrong\b|\bi messed up\b",
     "It's painful to turn this on yourself. How he handles his feelings is not all on you."),
    (r"\bangry\b|\bfurious\b|\bmad\b|\bpissed\b|\brage\b", "Your anger makes sense: being shut out without a word hurts."),
    (r"\bhumiliat\w*|\bembarrass\w*|\bashamed\b|\bshame\b", "That sounds humiliating, and it makes sense that it stings."),
    (r"\bempty\b|\bnumb\b|\bheart ?broken\b|\bheartbreak\b|\bbroken\b|\bdestroy\w*|\bdevastated\b",
     "That sounds like real heartbreak, and it makes sense that you feel this way."),
    (r"\bcan'?t stop thinking\b|\bobsess\w*|\breplay\w*|\bcan'?t sleep\b|\banxious\b|\banxiety\b|\bwaiting\b",
     "Waiting and wondering like this wears you down; it makes sense that it's on your mind all the time."),
)
LEFT_ALONE = re.compile(r"\b(?:leave|leaves|leaving|left|let|lets|letting) (?:him|her|them|it|you|me|us)(?: be)? alone\b")
RESUMED = "Thank you for telling me you're safe. Here is the answer to your earlier question."

PLAN = {
    Flag.SELF_HARM: [
        "If you might act on these thoughts, call your local emergency number or go to the nearest emergency department.",
        "Put distance between you and anything you could use to hurt yourself (pills, blades, weapons), or ask someone to hold them for you.",
        "Tell one person you trust today how bad it has been, and ask them to stay with you or check in on you.",
        "Stay with someone, or somewhere with other people, until the worst of it passes.",
    ],
    Flag.ABUSE: [
        "A safe place you could go at short notice, and how you would get there.",
        "People you can call, and a code word that tells them to come or to call for help.",
        "Copies of important documents, some money, medicines and spare keys in a bag, or with someone you trust.",
        "A charged phone and the numbers above; if your partner checks or tracks your phone, reach out from a device they can't see.",
    ],
}


@lru_cache(maxsize=4)
def load_resources(path: Path = RESOURCES) -> dict:
    import yaml

    return yaml.safe_load(Path(path).read_text(encoding="utf-8"))


def resources_for(flags, data: dict | None = None, language: str = "en") -> list[dict]:
    """The lines for these flags: those of the places that speak ``language`` first, then the general ones."""
    data = data or load_resources()
    wanted = {str(f) for f in flags}
    fitting = [r for r in data["resources"] if wanted & set(r.get("applies_to", ()))]
    local = [r for r in fitting if language in r.get("languages", ())]
    general = sorted((r for r in fitting if not r.get("languages")), key=lambda r: region_rank(r.get("region")))
    return [{k: r[k] for k in ("name", "contact", "region", "url")} for r in local + general]


def region_rank(region: str | None) -> int:
    """Where a general helpline goes in the list: US, then UK/Ireland, then other regions, "elsewhere" last."""
    r = (region or "").strip().lower()
    if r in ("us", "usa", "united states"):
        return 0
    if r.startswith(("uk", "ireland", "united kingdom")):
        return 1
    if r in ("elsewhere", "intl", "international", "worldwide", "other", ""):
        return 3
    return 2


@lru_cache(maxsize=1)
def _warm_patterns():
    import re

    return tuple((re.compile(pattern), line) for pattern, line in WARM)


def warm_line(message: str) -> str:
    """The first line for someone hurting but safe: it names the feeling their message shows."""
    from bot.safety.patterns import normalise

    text = LEFT_ALONE.sub(" ", normalise(message or ""))  # "the leave him alone part" is advice, not loneliness
    for pattern, line in _warm_patterns():
        if pattern.search(text):
            return line
    return DISTRESS
