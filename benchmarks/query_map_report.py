"""Does the learned query map (bot/retrieve/query_map.py) bring the answering sentence up, on posts it never saw?

Sentence level: each question against every sentence of its post; a hit is a sentence holding one of the
question's gold quotes. Printed: the share of questions whose answering sentence ranks first, in the top
three, in the top five, and the mean reciprocal rank, for the raw vector and the mapped one.

- dev, rounds left out: the judged dev rounds (and qa.dev.v2) in four folds of whole rounds; each fold is
  scored with a map learned on the other three. New posts (the rounds' own posts) and the bundled article
  are shown apart: the bundled article is in every fold's training, a new post never is.
- test: the frozen qa.test.v1 (never learned from) with the shipped map, and with a map learned without
  any bundled-article question (what a post the map was not trained on can expect).

    .venv/bin/python benchmarks/query_map_report.py      # ~6 minutes on 2 cores
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.retrieve import query_map as Q  # noqa: E402
from index.config import DEFAULT_SEED  # noqa: E402

FOLDS = 4


def test_pairs() -> list[tuple[Path, str, list[str]]]:
    """The frozen split's single-turn questions with gold quotes, as the map's pairs."""
    from bot.eval.dataset import load_qa

    return [(DEFAULT_SEED, c.question, list(c.gold_quotes)) for c in load_qa("qa.test.v1").cases
            if c.gold_quotes and not c.history]


def ranks(embeddings, pairs, delta: np.ndarray | None, banks: dict) -> list[int]:
    mapped = Q.QueryMap(delta, "") if delta is not None else None
    out = []
    for post, question, quotes in pairs:
        sentences, matrix = banks[post]
        found = Q.answering(sentences, quotes)
        if not found:
            continue
        v = np.asarray(embeddings.embed_query(question), np.float32)
        v = mapped.apply(v) if mapped is not None else v
        order = list(np.argsort(-(matrix @ v), kind="stable"))
        out.append(1 + min(order.index(i) for i in found))
    return out


def line(name: str, r: list[int]) -> str:
    a = np.asarray(r)
    return (f"{name:<44} first {np.mean(a <= 1):.3f}  top3 {np.mean(a <= 3):.3f}  top5 {np.mean(a <= 5):.3f}  "
            f"MRR {np.mean(1 / a):.3f}  n={len(a)}")


def main() -> None:
    from index.embed import PackagedEmbeddings

    embeddings = PackagedEmbeddings()
    labelled = []  # (round, pair)
    for path in Q.training_files():
        pairs = Q.training_pairs_of(path)
        labelled += [(path.name.split(".")[0].replace("post", ""), p) for p in pairs]
    tests = test_pairs()
    posts = {p for _, (p, _, _) in labelled} | {DEFAULT_SEED}
    banks = {p: (s := Q.post_sentences(p), np.asarray(embeddings.embed_documents(s), np.float32)) for p in posts}
    rounds = sorted({r for r, _ in labelled})
    random.Random(1).shuffle(rounds)
    folds = [set(rounds[k::FOLDS]) for k in range(FOLDS)]
    raw_new, map_new, raw_b, map_b = [], [], [], []
    for held in folds:
        train = [p for r, p in labelled if r not in held]
        delta = Q.train(embeddings, train)
        new = [p for r, p in labelled if r in held and p[0] != DEFAULT_SEED]
        bundled = [p for r, p in labelled if r in held and p[0] == DEFAULT_SEED]
        raw_new += ranks(embeddings, new, None, banks)
        map_new += ranks(embeddings, new, delta, banks)
        raw_b += ranks(embeddings, bundled, None, banks)
        map_b += ranks(embeddings, bundled, delta, banks)
    print("dev, whole rounds left out (four folds):")
    print(line("  new posts, raw vector", raw_new))
    print(line("  new posts, map learned without them", map_new))
    print(line("  bundled article, raw vector", raw_b))
    print(line("  bundled article, map (other questions on it)", map_b))
    without = Q.train(embeddings, [p for _, p in labelled if p[0] != DEFAULT_SEED])
    print("test (qa.test.v1, frozen, never learned from):")
    print(line("  raw vector", ranks(embeddings, tests, None, banks)))
    print(line("  shipped map", ranks(embeddings, tests, Q.load().delta, banks)))
    print(line("  map learned without the bundled article", ranks(embeddings, tests, without, banks)))


if __name__ == "__main__":
    main()
