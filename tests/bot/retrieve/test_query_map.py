"""bot/retrieve/query_map.py: the learned map on question vectors, and the retriever's use of it."""

from __future__ import annotations

import numpy as np
import pytest

from bot.cite.support import SupportScorer
from bot.retrieve import query_map as Q
from bot.retrieve.hybrid import Filters, HybridRetriever
from index.store import IndexVersion


def test_a_zero_change_keeps_the_vector_and_any_change_gives_a_unit_vector():
    v = np.array([3.0, 4.0, 0.0], dtype=np.float32) / 5
    assert np.allclose(Q.QueryMap(np.zeros((3, 3), np.float32), "m").apply(v), v)
    mapped = Q.QueryMap(np.array([[0, 1, 0], [0, 0, 2], [1, 0, 0]], np.float32), "m").apply(v)
    assert np.isclose(np.linalg.norm(mapped), 1.0) and not np.allclose(mapped, v)


def test_the_map_is_used_only_for_the_model_it_was_learned_on():
    from index.embed import MODEL_NAME

    assert Q.for_model(MODEL_NAME) is not None
    assert Q.for_model(MODEL_NAME, enabled=False) is None
    assert Q.for_model("fake-bow-64") is None  # another model's vectors: another space (and size)
    assert Q.for_model(None) is None


def _towards(question: list[float], target: list[float]) -> Q.QueryMap:
    """A map sending ``question`` (and anything along it) to ``target``: I + delta = outer(question, target)."""
    q, t = np.asarray(question, np.float32), np.asarray(target, np.float32)
    return Q.QueryMap(np.outer(q, t) - np.eye(len(q), dtype=np.float32), "fake")


def test_the_retriever_ranks_passages_by_the_mapped_question(fake_store, fake_embeddings):
    """The cosine rankings (chunks, sentences) read the mapped vector: a map that sends the question onto a passage
    that shares none of its words puts that passage first of the dense ranking; without the map it is not first.
    The score it reports stays its cosine to the question as asked (the abstain bar was set on that)."""
    version = IndexVersion.open(fake_store.store_dir)
    question = "oxytocin testosterone hormone bonding"
    plain = HybridRetriever(version, SupportScorer(fake_embeddings), mode="dense")
    unmoved = plain.search(question, k=3)
    far = plain.search(question, k=40)[-1]
    mapped = HybridRetriever(version, SupportScorer(fake_embeddings), mode="dense",
                             query_map=_towards(fake_embeddings.embed_query(question), fake_embeddings.embed_query(far.text)))
    moved = mapped.search(question, k=3)
    assert unmoved[0].chunk_id != far.chunk_id
    assert moved[0].chunk_id == far.chunk_id
    assert moved[0].dense == pytest.approx(far.dense, abs=1e-5)
    scoped = mapped.search(question, k=3, filters=Filters(post=far.chunk_id.split("/")[0]))  # the per-post path too
    assert scoped[0].chunk_id == far.chunk_id and scoped[0].dense == pytest.approx(far.dense, abs=1e-5)


def test_settings_turn_the_map_off(monkeypatch, tmp_path):
    from index.config import load_settings

    monkeypatch.setenv("BOT_QUERY_MAP", "off")
    assert load_settings(store_dir=tmp_path).query_map is False
    monkeypatch.delenv("BOT_QUERY_MAP")
    assert load_settings(store_dir=tmp_path).query_map is True


def test_the_packaged_map_matches_the_training_files_and_the_packaged_model():
    """query_map.v1.npz was learned from exactly the dev question files (and their posts) it names, all in the
    repository: edit one, retrain. No test split is among them; a judged round added since is not (yet)."""
    import json

    from index.embed import MODEL_NAME

    data = np.load(Q.WEIGHTS)
    meta = json.loads(str(data["meta"]))
    files = Q.training_files(Q.trained_on())
    assert all(path.is_file() for path in files), [str(p) for p in files if not p.is_file()]
    assert meta["hash"] == Q.training_hash(files), "a training file changed: run python -m bot.retrieve.query_map"
    assert meta["model"] == MODEL_NAME and data["delta"].shape == (384, 384)
    assert meta["pairs"] == len(Q.training_pairs(files))
    names = [p.name for p in files]
    assert names and not any("test" in n for n in names)
    assert set(names) <= {p.name for p in Q.training_files()}  # every one of them still a dev file


def test_answering_sentences_are_found_through_curly_quotes_and_spacing():
    sentences = ["He’s  not  coming back.", "Something else entirely."]
    assert Q.answering(sentences, ["He's not coming back."]) == [0]
    assert Q.answering(sentences, ["short"]) == []  # too short to mean one sentence


@pytest.mark.slow
def test_the_packaged_map_brings_dev_questions_answering_sentences_up(real_embeddings):
    """On the dev questions it was learned from, the shipped map ranks the answering sentence higher than the raw
    vector (mean reciprocal rank within each post): the file holds the learned map, applied the right way round."""
    pairs = Q.training_pairs()[::4]
    shipped = Q.load()
    posts = {p: Q.post_sentences(p) for p in dict.fromkeys(p for p, _, _ in pairs)}
    banks = {p: np.asarray(real_embeddings.embed_documents(s), np.float32) for p, s in posts.items()}
    raw, mapped = [], []
    for post, question, quotes in pairs:
        found = Q.answering(posts[post], quotes)
        if not found:
            continue
        v = np.asarray(real_embeddings.embed_query(question), np.float32)
        for vector, out in ((v, raw), (shipped.apply(v), mapped)):
            order = list(np.argsort(-(banks[post] @ vector)))
            out.append(1.0 / (1 + min(order.index(i) for i in found)))
    assert len(raw) > 100
    assert np.mean(mapped) > np.mean(raw) + 0.1


def test_the_nearest_passages_are_read_off_the_question_as_asked(fake_store, fake_embeddings):
    """Whether the text covers a question is decided on the raw closeness (the abstain bars were set on it): the map's
    ranking may leave the nearest passage out, ``nearest`` brings it back; without a map there is nothing to add."""
    version = IndexVersion.open(fake_store.store_dir)
    question = "oxytocin testosterone hormone bonding"
    plain = HybridRetriever(version, SupportScorer(fake_embeddings))
    closest = plain.search(question, k=40)
    best = max(closest, key=lambda s: s.dense or 0.0)
    far = min(closest, key=lambda s: s.dense or 0.0)
    mapped = HybridRetriever(version, SupportScorer(fake_embeddings),
                             query_map=_towards(fake_embeddings.embed_query(question), fake_embeddings.embed_query(far.text)))
    assert best.chunk_id in {s.chunk_id for s in mapped.nearest(question)}
    assert max(s.dense or 0.0 for s in mapped.nearest(question)) == pytest.approx(best.dense, abs=1e-5)
    assert plain.nearest(question) == []
