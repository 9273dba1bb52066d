"""Which language a message is in, roughly: enough to put the helplines of the places that speak it first.

Common function words per language, counted on the normalised message; English is the default. A guess
needs two words of one language and more of them than English words, so a single "no" or "que" in an
English message changes nothing. Languages: es, pt, fr, de, it, hi (Devanagari script or romanised).
"""

from __future__ import annotations

import re

WORDS = {
    "en": "i me my the and is am to of it not want don't can't life he she you".split(),
    "es": "yo me mi mis que no quiero estoy soy la el los las y de muy vida morir matarme nadie puedo más ya".split(),
    "pt": "eu meu minha que não quero estou sou o os as e de muito vida morrer me matar ninguém posso mais já".split(),
    "fr": "je ne pas mon ma mes suis veux est et de la le les vie mourir personne plus peux".split(),
    "de": "ich nicht mein meine bin will und der die das ist leben sterben niemand kann mehr mich".split(),
    "it": "io non mio mia sono voglio e di la il vita morire nessuno posso più mi".split(),
    "hi": "mujhe main mera meri nahi hai hoon jeena marna zindagi koi kya bas ab".split(),
}
_DEVANAGARI = re.compile(r"[\u0900-\u097F]")


def guess(text: str) -> str:
    """"es", "pt", ... or "en" (also when unsure)."""
    if _DEVANAGARI.search(text or ""):
        return "hi"
    words = re.findall(r"[a-zà-ÿ']+", (text or "").lower())
    counts = {lang: sum(1 for w in words if w in vocab) for lang, vocab in WORDS.items()}
    best = max((lang for lang in counts if lang != "en"), key=lambda lang: counts[lang])
    if counts[best] >= 2 and counts[best] > counts["en"]:
        return best
    return "en"
