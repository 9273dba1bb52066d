"""The packaged MiniLM exported to ONNX fp32: the torch vectors, the same top-5 and the same answers on
the eval set, and no torch in a process that only answers."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from bot import Bot
from bot.question.condense import condense
from bot.eval.dataset import load_qa
from index.embed import PackagedEmbeddings, query_embeddings
from index.embed_export import ExportedEmbeddings, export, exported
from index.embed_onnx import OnnxEmbeddings
from index.packaged_model import MODEL_NAME
from tests.conftest import assert_same, comparable

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def models_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("models")


@pytest.fixture(scope="module")
def exported_embeddings(models_dir, real_embeddings) -> ExportedEmbeddings:
    from index.packaged_model import load_model

    path = export(models_dir, load_model())
    assert path is not None and path == exported(models_dir)
    return ExportedEmbeddings(path)


@pytest.fixture(scope="module")
def qa():
    return load_qa("qa.v1")


def queries(evalset) -> list[str]:
    """The eval questions, and for follow-ups also the query retrieval embeds."""
    out = []
    for case in evalset.cases:
        out.append(case.question)
        if case.history:
            out.append(condense(case.question, list(case.history)))
    return list(dict.fromkeys(out))


# --- choosing the query embedder (no model loaded) ----------------------------------------------


def test_without_an_export_questions_fall_back_to_torch_with_a_log_line(tmp_path, caplog):
    with caplog.at_level(logging.WARNING, logger="index.embed"):
        embeddings = query_embeddings(MODEL_NAME, tmp_path)
    assert type(embeddings) is PackagedEmbeddings
    assert "no ONNX export" in caplog.text and "bot index" in caplog.text
    assert exported(tmp_path) is None and exported(None) is None


def test_other_models_keep_their_own_embedder(tmp_path):
    assert isinstance(query_embeddings(OnnxEmbeddings.model_name, tmp_path), OnnxEmbeddings)


def test_the_exported_embeddings_are_an_embedder(tmp_path):
    from bot.interfaces import Embedder

    assert isinstance(ExportedEmbeddings(tmp_path / "not-loaded-yet.onnx"), Embedder)  # nothing loads until used


# --- the export ----------------------------------------------------------------------------------


@pytest.mark.slow
def test_a_failed_export_is_logged_and_leaves_nothing(tmp_path, caplog):
    with caplog.at_level(logging.WARNING, logger="index.embed_export"):
        assert export(tmp_path, model=object()) is None  # not a SentenceTransformer
    assert "answering will use torch" in caplog.text
    assert list(tmp_path.iterdir()) == []


@pytest.mark.slow
def test_the_export_gives_the_torch_vectors_on_the_eval_questions(exported_embeddings, real_embeddings, qa):
    texts = queries(qa)
    theirs = np.asarray(real_embeddings.embed_documents(texts))
    batched = np.asarray(exported_embeddings.embed_documents(texts))
    alone = np.asarray([exported_embeddings.embed_query(t) for t in texts])
    for ours in (batched, alone):
        cosines = (ours * theirs).sum(axis=1)
        assert cosines.min() >= 0.999, texts[int(cosines.argmin())]
    assert exported_embeddings.model_name == real_embeddings.model_name  # same space: the manifest is unchanged


@pytest.mark.slow
def test_same_top5_and_same_answers_as_torch_on_the_eval_set(real_store, exported_embeddings, real_embeddings, qa,
                                                              tmp_path):
    # each Bot embeds the safety phrases with its own embedder (its own cache folder)
    torch_bot = Bot(replace(real_store, models_dir=tmp_path / "torch"), embeddings=real_embeddings)
    onnx_bot = Bot(replace(real_store, models_dir=tmp_path / "onnx"), embeddings=exported_embeddings)
    for text in queries(qa):
        assert [s.chunk_id for s in onnx_bot.retrieve(text, k=5)] == [s.chunk_id for s in torch_bot.retrieve(text, k=5)], text
    for case in qa.cases:
        history = [tuple(turn) for turn in case.history]
        ours, theirs = onnx_bot.ask(case.question, history=history), torch_bot.ask(case.question, history=history)
        assert_same(comparable(ours), comparable(theirs), tol=1e-3, path=case.id)


@pytest.mark.slow
def test_a_new_process_answers_without_importing_torch(real_store, exported_embeddings, models_dir):
    script = (
        "import sys\n"
        "from bot.cli import main\n"
        "code = main(['ask', 'Why do men pull away?'])\n"
        "heavy = sorted(m for m in ('torch', 'transformers', 'sentence_transformers', 'sklearn') if m in sys.modules)\n"
        "print('HEAVY', heavy)\n"
        "sys.exit(code)\n"
    )
    env = {**os.environ, "BOT_STORE": str(real_store.store_dir), "BOT_MODELS_DIR": str(models_dir),
           "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    done = subprocess.run([sys.executable, "-c", script], env=env, cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "HEAVY []" in done.stdout, done.stdout[-500:]
    assert "[1]" in done.stdout
