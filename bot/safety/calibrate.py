"""The classifier's bar for a post, from how much danger it reads into the post's own article.

The safety classifier learnt from writing about relationships. On other subjects it reads danger into
ordinary prose: the article sentences of a post about running injuries, caring for a parent or sourdough get
a median self-harm probability of 0.34-0.46 and a 95th percentile of 0.78-0.83, against 0.06 and 0.41 for
the bundled post (measured on the judged posts). A message with no word of risk that only the classifier
flags is then as likely the post's subject as a person in danger: on such a post, where 0.65 was the bar,
"is it ok to take painkillers before a run?" (0.72) and "is it selfish to take a day for myself?" got the
crisis box instead of an answer.

So a post's bar for a classifier-only flag is its article's QUANTILE probability plus MARGIN, never below
the dev-tuned bar (bot/safety/detect.py, CLEAR) and never above CAP, for a message in English (the article's
language; a message in another language keeps the dev-tuned bar). Between the classifier's POSSIBLE level and
that bar the reader is answered, warmly, with the quiet line about where to talk to someone (a hunch); any
pattern of risk (a method, a threat, "he hit me") fires as before. The article is the
blogger's prose, ordinary by construction, so it measures the classifier's base rate on the subject; the
comments are not used, because readers disclose real distress there. Read off the index's sentence
vectors: nothing is embedded.
"""

from __future__ import annotations

from typing import Callable

import numpy as np

from index.sentences import normalise as bank_key, sentence_spans

from bot.safety import classifier
from bot.safety.detect import CLEAR
from bot.safety.flags import DANGER
from bot.safety.patterns import normalise

QUANTILE = 0.95
MARGIN = 0.05
CAP = 0.95
MIN_WORDS = 4  # a heading or a fragment says nothing about the prose
MAX_POSTS = 20  # an unscoped question over more posts keeps the dev-tuned bars


def post_bars(version, post: str, banked: Callable[[list[str]], list]) -> dict[str, float]:
    """{danger flag: bar} where this post's article raises the bar above CLEAR ({} when it does not, or when
    the index has no sentence vectors). ``banked``: the index's vector of each sentence, None for one it lacks
    (``SupportScorer.banked``, the sentence bank the Bot preloads)."""
    model = classifier.load()
    if version.manifest.embedding_model != model["meta"]["model"]:
        return {}  # another encoder's vectors than the classifier reads: the dev-tuned bars
    seed = version.sources.get(post, "")
    raws = [raw[s:e] for r in version.records if r.doc == post and r.kind == "article"
            for raw in [seed[r.start : r.end]] for s, e in sentence_spans(raw)]
    found = [(vec, normalise(text)) for text, vec in zip(raws, banked([bank_key(t) for t in raws]))
             if vec is not None and len(vec) == model["w_embed"].shape[0] and len(text.split()) >= MIN_WORDS]
    if len(found) < 10:
        return {}  # no sentence vectors, or too little prose to measure a base rate: the dev-tuned bars
    probs = classifier.probabilities(np.asarray([v for v, _ in found], dtype=np.float32), [t for _, t in found], model)
    out = {}
    for flag in DANGER:
        bar = min(CAP, float(np.quantile([p.get(flag.value, 0.0) for p in probs], QUANTILE)) + MARGIN)
        if bar > CLEAR[flag]:
            out[flag.value] = round(bar, 3)
    return out


def bars_for(version, posts: list[str], banked: Callable[[list[str]], list]) -> tuple[tuple[str, float], ...]:
    """The bars a question over these posts is read with: for each flag, the lowest of the posts' (a post that
    keeps the dev-tuned bar keeps it for the question: fail closed). Over more than MAX_POSTS posts (an unscoped
    question on a large blog) the dev-tuned bars, rather than reading every post's article at its first question."""
    if not posts or len(posts) > MAX_POSTS:
        return ()
    lowest: dict[str, float] | None = None
    for post in posts:
        bars = post_bars(version, post, banked)
        lowest = bars if lowest is None else {f: min(b, bars[f]) for f, b in lowest.items() if f in bars}
        if not lowest:
            return ()  # a post keeps the dev-tuned bars: so does the question
    return tuple(sorted((lowest or {}).items()))
