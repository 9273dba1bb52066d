"""The int8 ONNX embedder: same vector space as the torch model, selectable, recorded in the manifest."""

from __future__ import annotations

import math

import pytest

from bot import Bot
from bot.cli import main
from index.build import build_index
from index.chunk import chunk_records
from index.embed import EMBEDDERS, PackagedEmbeddings, embeddings_for_model, make_embeddings
from index.embed_onnx import MAX_TOKENS, OnnxEmbeddings, load_session
from index.errors import InputError, StoreError
from index.packaged_model import MODEL_NAME
from index.parse import parse_text
from index.store import IndexVersion
from tests.conftest import SEED


def dot(a, b):
    return sum(x * y for x, y in zip(a, b))


@pytest.fixture(scope="module")
def onnx():
    return OnnxEmbeddings(batch_size=4)


@pytest.fixture(scope="module")
def seed_chunks():
    text = SEED.read_text(encoding="utf-8")
    return chunk_records(text, parse_text(text, doc="seed"))


@pytest.mark.slow  # loads the real int8 ONNX model
def test_vectors_are_unit_384_and_in_input_order(onnx, seed_chunks):
    texts = [c.text for c in seed_chunks[:9]] + ["", "space"]
    vectors = onnx.embed_documents(texts)  # sorted by length inside, in 3 batches
    assert len(vectors) == len(texts)
    for text, vector in zip(texts, vectors):
        assert len(vector) == onnx.dimension == 384
        assert math.isclose(math.sqrt(dot(vector, vector)), 1.0, rel_tol=1e-5)
        alone = onnx.embed_query(text)  # no padding: padded batches must not change a vector
        assert dot(vector, alone) > 0.9999, text[:40]


@pytest.mark.slow  # loads the real int8 ONNX model
def test_similar_texts_are_closer_than_unrelated_ones(onnx):
    a, b, c = onnx.embed_documents([
        "He pulled away and stopped calling me.",
        "My boyfriend withdrew and does not phone any more.",
        "The recipe needs two cups of flour and an egg.",
    ])
    assert dot(a, b) > dot(a, c) + 0.3


@pytest.mark.slow  # loads the real int8 ONNX model
def test_long_texts_are_cut_at_the_full_models_limit(onnx):
    _, tokenizer = load_session()
    long = "space " * 2000
    assert len(tokenizer.encode(long).ids) == MAX_TOKENS
    cut = onnx.embed_query(long)
    assert dot(cut, onnx.embed_query("space " * (MAX_TOKENS - 2))) > 0.9999


def test_embedder_names_map_to_distinct_models():
    assert make_embeddings("torch").model_name == MODEL_NAME
    assert isinstance(make_embeddings("onnx-int8"), OnnxEmbeddings)
    assert EMBEDDERS["onnx-int8"] == OnnxEmbeddings.model_name != MODEL_NAME
    assert isinstance(embeddings_for_model(None), PackagedEmbeddings)
    with pytest.raises(InputError, match="torch, onnx-int8"):
        make_embeddings("tensorflow")
    with pytest.raises(StoreError, match="--rebuild"):
        embeddings_for_model("some-other-model")


@pytest.mark.slow  # runs the real int8 ONNX encoder over the seed
def test_index_built_with_onnx_is_queried_with_onnx(tmp_path, fake_embeddings, capsys):
    store = tmp_path / "store"
    assert main(["index", "--embedder", "onnx-int8", "--store", str(store), "--quiet"]) == 0
    version = IndexVersion.open(store)
    assert version.manifest.embedding_model == OnnxEmbeddings.model_name
    assert version.manifest.dimension == 384

    bot = Bot(store_dir=store, safety=False)  # no embeddings injected: taken from the manifest
    assert isinstance(bot.embeddings, OnnxEmbeddings)
    sources = bot.retrieve("Does giving him space mean no contact at all?", k=5)
    assert any(s.author == "Veronica" for s in sources), [s.author for s in sources]


@pytest.mark.slow  # runs the real int8 ONNX encoder over the seed
def test_switching_embedder_reembeds_everything(tmp_path, fake_embeddings):
    from index.config import Settings

    settings = Settings(store_dir=tmp_path / "store")
    build_index([SEED], settings, embeddings=fake_embeddings, progress=False)
    again = build_index([SEED], settings, embeddings=OnnxEmbeddings(), progress=False)
    assert again.changed and again.reused == 0 and again.embedded == again.chunks
    assert IndexVersion.open(settings.store_dir).manifest.embedding_model == OnnxEmbeddings.model_name


@pytest.mark.slow
def test_onnx_vectors_agree_with_the_torch_model(onnx, seed_chunks, real_embeddings):
    texts = [c.text for c in seed_chunks]
    ours = onnx.embed_documents(texts)
    theirs = real_embeddings.embed_documents(texts)
    cosines = [dot(a, b) for a, b in zip(ours, theirs)]
    assert sum(cosines) / len(cosines) > 0.995
    assert min(cosines) > 0.98

    queries = ["why does he pull away", "should I text him first", "is it my body", "give him space"]
    for query in queries:
        q_ours, q_theirs = onnx.embed_query(query), real_embeddings.embed_query(query)
        top_ours = sorted(range(len(texts)), key=lambda i: -dot(q_ours, ours[i]))[:5]
        top_theirs = sorted(range(len(texts)), key=lambda i: -dot(q_theirs, theirs[i]))[:5]
        assert len(set(top_ours) & set(top_theirs)) >= 3, query
