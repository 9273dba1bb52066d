"""Vectors that do not depend on the question are embedded once and read back from disk."""

from __future__ import annotations

import numpy as np

from bot.safety.detect import Detector
from index.vector_cache import cache_path, cached_vectors


def test_vectors_are_embedded_once_per_texts_and_model(tmp_path, fake_embeddings):
    texts = ["he pulled away", "give him space"]
    first = cached_vectors("bank", texts, fake_embeddings, tmp_path)
    again = cached_vectors("bank", texts, fake_embeddings, tmp_path)
    assert fake_embeddings.calls == [2]  # the second call read the file
    assert np.array_equal(first, again) and again.dtype == np.float32
    cached_vectors("bank", texts + ["a new phrase"], fake_embeddings, tmp_path)
    assert fake_embeddings.calls == [2, 3]  # other texts: another file
    assert cache_path("bank", texts, "model-a", tmp_path) != cache_path("bank", texts, "model-b", tmp_path)


def test_no_folder_or_a_damaged_file_means_embedding_again(tmp_path, fake_embeddings):
    texts = ["one", "two"]
    cached_vectors("bank", texts, fake_embeddings, None)
    cached_vectors("bank", texts, fake_embeddings, None)
    assert fake_embeddings.calls == [2, 2]
    path = cache_path("bank", texts, fake_embeddings.model_name, tmp_path)
    path.parent.mkdir(parents=True)
    path.write_bytes(b"not a numpy file")
    vectors = cached_vectors("bank", texts, fake_embeddings, tmp_path)
    assert vectors.shape == (2, 64) and np.array_equal(np.load(path), vectors)  # replaced whole
    assert not list(path.parent.glob(".*.tmp"))


def test_the_safety_phrases_are_embedded_once_per_machine(tmp_path, fake_embeddings):
    Detector(fake_embeddings, cache_dir=tmp_path).prepare()
    embedded = sum(fake_embeddings.calls)
    assert embedded > 100  # the example bank
    second = Detector(fake_embeddings, cache_dir=tmp_path)  # a new process, say
    second.prepare()
    assert sum(fake_embeddings.calls) == embedded
    assert second.detect("he choked me last night").flags == Detector(fake_embeddings).detect("he choked me last night").flags
