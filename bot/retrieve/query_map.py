"""A learned map on question vectors, for ranking passages: ``q -> normalise(q @ (I + delta))``.

The packaged MiniLM puts a question next to the passages that share its words and its mood; the
sentence that answers it often reads further away ("did she forgive him?" and "We're back together
and stronger than ever"). No reranker can be installed offline, so the question side is moved
instead: one 384 x 384 linear map, learned from questions whose answering sentences were marked by
hand, applied to the question's vector before the retriever's cosine rankings (chunks and sentences).

- Passage vectors do not change: an index needs no rebuild, and the map can be turned off
  (``BOT_QUERY_MAP=0``) on the same index.
- Only the retriever's rankings read the mapped vector. Coverage, the leads' closeness bars, the care
  classifier and the stance prototypes read the raw one: their thresholds were set on it.
- Learned from the judged dev rounds (``seeds/eval/judged``: a question, its post and its gold
  quotes) and ``qa.dev.v2``, never a test split. For each question, the post's sentences that hold
  a gold quote are the answers and the post's other sentences the alternatives (a softmax over the
  post's sentences, temperature TAU), with an L2 pull of ``delta`` toward zero (LAMBDA). LAMBDA was
  chosen by leaving whole rounds out (four folds, dev only): posts the map never saw rank their
  answering sentence first 31% -> 38% of the time (in the top three 52% -> 58%). Most dev questions
  are about the bundled article, so the map also learns that article's answers: the frozen test
  split gains far more there than a new post does (see README, "Retrieval").

    python -m bot.retrieve.query_map     # retrain on every judged round and qa.dev.v2 as they are now

Training runs offline (torch, a dependency of sentence-transformers), seeded, full batch; it writes
``query_map.v1.npz`` (the change as float16, the names and hash of the files it learned from, the embedding
model). Answering needs numpy only. A test checks the weights match those files: editing one means retraining; a
judged round added later joins the map only when it is retrained, and a retrained map ships only if it measures
better (README, "Retrieval").
"""

from __future__ import annotations

import hashlib
import json
import sys
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

HERE = Path(__file__).parent
WEIGHTS = HERE / "query_map.v1.npz"
DEV_SETS = ("qa.dev.v2",)  # bundled-article questions with gold quotes (the frozen qa.test.v1 never)
TAU = 0.05  # softmax temperature over a post's sentences
LAMBDA = 0.1  # L2 pull toward the identity (four-fold leave-rounds-out on dev: 10 kept nothing, 0.01 overfit)
EPOCHS = 150
LEARNING_RATE = 1e-3
SEED = 0


@dataclass(frozen=True)
class QueryMap:
    """``delta`` (dim x dim): the learned change to the identity; ``model``: the embedding model it was learned on."""

    delta: np.ndarray
    model: str

    def apply(self, vector) -> np.ndarray:
        """The question's vector for ranking passages (unit length)."""
        v = np.asarray(vector, dtype=np.float32)
        mapped = v + v @ self.delta
        norm = float(np.linalg.norm(mapped))
        return mapped / norm if norm else v


@lru_cache(maxsize=2)
def load(path: Path = WEIGHTS) -> QueryMap:
    data = np.load(path)
    meta = json.loads(str(data["meta"]))
    return QueryMap(np.asarray(data["delta"], dtype=np.float32), meta["model"])


def for_model(model_name: str | None, enabled: bool = True) -> QueryMap | None:
    """The shipped map when it was learned on ``model_name`` (the index's embedding model) and is ``enabled``."""
    if not enabled or not WEIGHTS.is_file():
        return None
    found = load()
    return found if model_name == found.model else None


# --- training (python -m bot.retrieve.query_map) ------------------------------------------------------


def _judged_dir() -> Path:
    from index.bundled import bundled

    return bundled("seeds", "eval", "judged")


def training_files(names: list[str] | None = None) -> list[Path]:
    """The question files to learn from, in a fixed order: every judged dev round, then DEV_SETS; with ``names``
    (the packaged map's own list, ``trained_on()``), those files only."""
    from index.bundled import bundled

    judged = sorted(_judged_dir().glob("*.questions.yaml"))
    files = judged + [bundled("seeds", "eval", f"{name}.yaml") for name in DEV_SETS]
    if names is None:
        return files
    by_name = {path.name: path for path in files}
    return [by_name.get(name, _judged_dir() / name) for name in names]


def trained_on(path: Path = WEIGHTS) -> list[str]:
    """The names of the question files the packaged map was learned from (a judged round added since is not among
    them until the map is retrained)."""
    return list(json.loads(str(np.load(path)["meta"]))["files"])


def training_hash(files: list[Path] | None = None) -> str:
    h = hashlib.sha1()
    for path in training_files() if files is None else files:
        h.update(path.name.encode())
        h.update(path.read_bytes())
        post = _post_of(path)
        h.update(post.read_bytes())
    return h.hexdigest()[:16]


def _post_of(path: Path) -> Path:
    """The post a question file asks about: ``<name>.txt`` beside a judged file, else the bundled article."""
    from index.config import DEFAULT_SEED

    own = path.parent / f"{path.name.split('.')[0]}.txt"
    return own if path.parent == _judged_dir() and own.is_file() else DEFAULT_SEED


def training_pairs(files: list[Path] | None = None) -> list[tuple[Path, str, list[str]]]:
    """(post, question, gold quotes) for each dev question with gold quotes, from ``files`` (default: every training file)."""
    return [pair for path in (training_files() if files is None else files) for pair in training_pairs_of(path)]


def training_pairs_of(path: Path) -> list[tuple[Path, str, list[str]]]:
    """One question file's pairs. Left out: "not covered" questions (their quotes are only the closest passage) and
    follow-ups ("what was the 2nd one again?" says what it asks only with the turns before it)."""
    import yaml

    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    post = _post_of(path)
    pairs = []
    for case in data.get("questions") or data.get("cases") or []:
        quotes = case.get("gold_quotes") or (case.get("gold") or {}).get("quotes") or []
        if quotes and case.get("kind") != "not_covered" and not case.get("history"):
            pairs.append((post, case["question"], [str(q) for q in quotes]))
    return pairs


def _fold(text: str) -> str:
    from index.sentences import normalise

    return normalise(text).translate(str.maketrans("‘’“”", "''\"\"")).casefold()


def post_sentences(post: Path) -> list[str]:
    from index.sentences import normalise, sentence_spans

    text = post.read_text(encoding="utf-8")
    return [s for s in (normalise(text[a:b]) for a, b in sentence_spans(text)) if len(s) > 3]


def answering(sentences: list[str], quotes: list[str]) -> list[int]:
    """The sentences that hold a gold quote, or are held by one."""
    folded = [_fold(q) for q in quotes if len(q.strip()) > 8]
    return [i for i, s in enumerate(sentences) if any(_fold(s) in q or q in _fold(s) for q in folded)]


def train(embeddings, pairs: list[tuple[Path, str, list[str]]] | None = None, lam: float = LAMBDA) -> np.ndarray:
    """The change ``delta`` learned from ``pairs`` (default: training_pairs())."""
    import torch

    torch.manual_seed(SEED)
    pairs = training_pairs() if pairs is None else pairs
    sentences = {post: post_sentences(post) for post in dict.fromkeys(p for p, _, _ in pairs)}
    banks = {post: torch.tensor(np.asarray(embeddings.embed_documents(s), dtype=np.float32)) for post, s in sentences.items()}
    groups: dict[Path, tuple[list[str], list[list[int]]]] = {}
    for post, question, quotes in pairs:
        rows = answering(sentences[post], quotes)
        if rows:
            groups.setdefault(post, ([], []))
            groups[post][0].append(question)
            groups[post][1].append(rows)
    questions = {post: torch.tensor(np.asarray(embeddings.embed_documents(qs), dtype=np.float32)) for post, (qs, _) in groups.items()}
    masks = {}
    for post, (_, answers) in groups.items():
        mask = torch.zeros(len(answers), banks[post].shape[0], dtype=torch.bool)
        for row, columns in enumerate(answers):
            mask[row, columns] = True
        masks[post] = mask
    n = sum(len(qs) for qs, _ in groups.values())
    dim = next(iter(banks.values())).shape[1]
    delta = torch.zeros(dim, dim, requires_grad=True)
    optimiser = torch.optim.Adam([delta], lr=LEARNING_RATE)
    for _ in range(EPOCHS):
        optimiser.zero_grad()
        loss = lam * (delta**2).sum()
        for post, q in questions.items():
            mapped = torch.nn.functional.normalize(q + q @ delta, dim=1)
            logits = mapped @ banks[post].T / TAU
            answers = logits.masked_fill(~masks[post], float("-inf"))
            loss = loss + (torch.logsumexp(logits, 1) - torch.logsumexp(answers, 1)).sum() / n
        loss.backward()
        optimiser.step()
    return delta.detach().numpy()


def main(argv=None) -> int:
    from index.embed import PackagedEmbeddings

    embeddings = PackagedEmbeddings()
    files = training_files()
    pairs = training_pairs(files)
    delta = train(embeddings, pairs)
    meta = {"hash": training_hash(files), "model": embeddings.model_name, "lambda": LAMBDA, "tau": TAU, "epochs": EPOCHS,
            "pairs": len(pairs), "files": [path.name for path in files]}
    np.savez_compressed(WEIGHTS, delta=delta.astype(np.float16), meta=np.array(json.dumps(meta)))
    print(f"wrote {WEIGHTS.name}: {meta}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
