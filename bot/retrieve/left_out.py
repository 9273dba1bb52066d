"""Topics the article says it leaves out ("a whole other topic, for a separate article"), and whether a question asks
about one of them.

    deferrals_of(models, posts) -> the deferrals of these posts' articles, from the post models
    left_out(question, deferrals, vectors) -> the deferrals the question asks about, closest first

The deferrals come from the post model (index/understand: each with the texts that name what it leaves out); a
question asks about one when it, or its asking sentence without the reader's story, reads close to one of those
texts and shares a topic word with it ("adopt" shares with "adoption"). The retriever
brings such a sentence into the answer's passages; the composer's lead says the article does not answer it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import re

import numpy as np

from index.lexical import tokenize
from index.understand.model import Deferral

from bot.question.intent import asking_part
from bot.question.topic import topic_words

LEFT_OUT_SIM = 0.45  # this close to what the article leaves out, sharing a topic word with it ...
LEFT_OUT_NEAR = 0.3  # ... or this close, sharing two ("sits up screaming and thrashing" / "a child screams and thrashes")
# (dev, every judged question of a post that leaves a topic out: 17 of the 18 asking about it, 1 other, itself about it;
# with the asking sentence and shared word starts, 5 more of the 35 not-covered questions, and no other question)
SHARED_START = 5  # a stem this long that starts another shares a word with it ("adopt", "adoption"; not "runn", "runner")
# telling two things apart: a question that asks how to tell A from B ("how do i tell if he's playing me or just needs
# space?") asks about a deferral that is such a choice ("whether a man is selfish or simply being a male") at this
# closeness, whatever words they share
LEFT_OUT_CHOICE = 0.2
CHOICE_ASKED = re.compile(r"\b(?:tell|know|figure out|work out|be sure|distinguish|spot|see)\b(?: (?:the )?difference)?[^?.!]{0,70}?"
                          r"\b(?:or|vs\.?|versus)\b|\bdifference between\b", re.I)
CHOICE_LEFT = re.compile(r"\bwhether\b[^.;:]{3,80}?\bor\b|\bdifference between\b", re.I)


@dataclass(frozen=True)
class LeftOut:
    deferral: Deferral
    sim: float  # the question's cosine to the closest text naming what is left out
    shared: frozenset[str]  # the topic words they share


def deferrals_of(models, posts: Sequence[str]) -> list[Deferral]:
    """What these posts' articles say they leave out (``models``: the index version's PostModels, or None)."""
    return [d for post in posts if models is not None and (m := models.posts.get(post)) is not None for d in m.deferred]


def left_out(question: str, deferrals: Sequence[Deferral], vectors: Callable[[list[str]], np.ndarray | None]) -> list[LeftOut]:
    """The deferrals ``question`` asks about, closest first. ``vectors``: unit vectors of texts, or None when there are none."""
    if not deferrals:
        return []
    texts = [t for d in deferrals for t in d.topics]
    if not texts:
        return []
    asking = asking_part(question)  # "can i adopt my stepdaughter?" read without "her real dad hasn't been ..."
    asks = [question] + ([asking] if asking and asking != question else [])
    raw = vectors(asks + texts)
    if raw is None:  # a scorer without vectors: nothing is known to be left out
        return []
    matrix = np.asarray(raw, dtype=np.float32)
    sims = (matrix[len(asks):] @ matrix[: len(asks)].T).max(axis=1)
    asked = topic_words(question)
    choice = CHOICE_ASKED.search(question) is not None
    out, i = [], 0
    for d in deferrals:
        best: LeftOut | None = None
        for text in d.topics:
            sim, shared = float(sims[i]), _shared(asked, set(tokenize(text)))
            i += 1
            if ((sim >= LEFT_OUT_SIM and shared) or (sim >= LEFT_OUT_NEAR and len(shared) >= 2)
                    or (choice and sim >= LEFT_OUT_CHOICE and CHOICE_LEFT.search(text))):
                if best is None or sim > best.sim:
                    best = LeftOut(d, sim, shared)
        if best is not None:
            out.append(best)
    return sorted(out, key=lambda o: -o.sim)


def _shared(asked: set[str], named: set[str]) -> frozenset[str]:
    """The question's topic words the text names: the same stem, or one that starts the other."""
    return frozenset(a for a in asked if a in named or any(
        len(short) >= SHARED_START and long.startswith(short) for n in named for short, long in [sorted((a, n), key=len)]))
