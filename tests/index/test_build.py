from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import pytest
from dataclasses import replace

from index.build import build_index
from index.errors import InputError, StoreError
from index.store import IndexVersion
from tests.conftest import SEED, write


def _snapshot(store_dir):
    version = IndexVersion.open(store_dir)
    return version.path.name, sorted(version.chunks)


def test_build_twice_is_idempotent_and_embeds_nothing_new(settings, fake_embeddings):
    first = build_index([SEED], settings, embeddings=fake_embeddings, progress=False)
    calls_after_first = list(fake_embeddings.calls)
    second = build_index([SEED], settings, embeddings=fake_embeddings, progress=False)
    assert first.changed and not second.changed
    assert first.chunks == second.chunks == len(IndexVersion.open(settings.store_dir).chunks)
    assert fake_embeddings.calls == calls_after_first  # second run embedded nothing
    ids = IndexVersion.open(settings.store_dir).collection.get()["ids"]
    assert len(ids) == len(set(ids))


def test_changed_text_reembeds_only_changed_chunks(tmp_path, settings, fake_embeddings):
    post = write(tmp_path, "post.txt", SEED.read_text(encoding="utf-8"))
    first = build_index([post], settings, embeddings=fake_embeddings, progress=False)
    post.write_text(post.read_text(encoding="utf-8").replace("Thank you!", "Thank you so much!"), encoding="utf-8")
    second = build_index([post], settings, embeddings=fake_embeddings, progress=False)
    assert second.changed and second.embedded < first.chunks and second.reused > 0
    assert second.embedded + second.reused == second.chunks
    texts, matrix = IndexVersion.open(settings.store_dir).sentence_bank
    assert any("Thank you so much!" in t for t in texts) and len(texts) == len(matrix)


def test_an_edit_reembeds_only_chunks_whose_embedded_text_changed(tmp_path, settings, fake_embeddings):
    """Editing one comment moves the offsets (so the digests) of every chunk after it; their vectors are
    reused all the same, since a vector depends only on the text embedded (issue 23: one post edited in
    a big blog must not cost its whole tail)."""
    text = SEED.read_text(encoding="utf-8")
    post = write(tmp_path, "post.txt", text)
    build_index([post], settings, embeddings=fake_embeddings, progress=False)
    before = IndexVersion.open(settings.store_dir).chunks
    post.write_text(text.replace("Thank you!", "Thank you so much!", 1), encoding="utf-8")
    second = build_index([post], settings, embeddings=fake_embeddings, progress=False)
    after = IndexVersion.open(settings.store_dir)
    moved = [c for k, c in after.chunks.items() if k in before and before[k].digest != c.digest]
    new_texts = {c.embed_text for c in after.chunks.values()} - {c.embed_text for c in before.values()}
    assert len(moved) > len(new_texts) >= 1  # the edit shifted chunks that kept their text
    assert second.embedded == sum(1 for c in after.chunks.values() if c.embed_text in new_texts)
    assert second.embedded + second.reused == second.chunks
    vectors = after.embeddings_for(list(after.chunks))
    for key, c in after.chunks.items():  # every vector, reused or not, is the vector of its own text
        assert max(abs(a - b) for a, b in zip(vectors[key], fake_embeddings.embed_query(c.embed_text))) < 1e-6


@pytest.mark.parametrize("page", [2000, 7])
def test_an_edit_updates_a_copy_of_the_previous_chroma_to_what_a_fresh_build_holds(tmp_path, settings, fake_embeddings,
                                                                                    monkeypatch, page):
    """Issue 23: a one-post edit copies the previous version's Chroma folder and writes only the chunks that changed
    (and deletes those gone), instead of adding every vector again; the result equals a build from scratch. The
    previous digests are read in pages (page=7 here: at 1,000 posts one read of 100k ids was too many SQL variables)."""
    from dataclasses import replace

    import index.build

    monkeypatch.setattr(index.build, "ADD_BATCH", page)

    text = SEED.read_text(encoding="utf-8")
    post, other = write(tmp_path, "post.txt", text), write(tmp_path, "other.txt", text.replace("Renee", "Rita"))
    build_index([post, other], settings, embeddings=fake_embeddings, progress=False)
    post.write_text(text.replace("Thank you!", "Thank you so much!", 1), encoding="utf-8")
    build_index([post], settings, embeddings=fake_embeddings, progress=False)  # "other" removed, "post" edited
    fresh = replace(settings, store_dir=tmp_path / "fresh")
    build_index([post], fresh, embeddings=fake_embeddings, progress=False)

    def held(store_dir):
        got = IndexVersion.open(store_dir).collection.get(include=["documents", "metadatas", "embeddings"])
        return {i: (d, m, [round(float(x), 6) for x in e])
                for i, d, m, e in zip(got["ids"], got["documents"], got["metadatas"], got["embeddings"])}

    updated, scratch = held(settings.store_dir), held(fresh.store_dir)
    assert updated == scratch and not any(k.startswith("other/") for k in updated)


def test_rebuild_forces_full_embedding(settings, fake_embeddings):
    build_index([SEED], settings, embeddings=fake_embeddings, progress=False)
    again = build_index([SEED], settings, rebuild=True, embeddings=fake_embeddings, progress=False)
    assert again.embedded == again.chunks and again.reused == 0


def test_several_documents(tmp_path, settings, fake_embeddings):
    other = write(tmp_path, "other.txt", "Other post\n\nBody.\n\n  • Ann\n    Hi there.\n")
    report = build_index([SEED, other], settings, embeddings=fake_embeddings, progress=False)
    version = IndexVersion.open(settings.store_dir)
    assert report.documents == 2 and {c.doc for c in version.chunks.values()} == {"why-men-pull-away", "other"}
    assert set(version.sources) == {"why-men-pull-away", "other"}


@pytest.mark.parametrize(
    "name, content, error",
    [
        ("empty.txt", "", InputError),
        ("binary.bin", b"\x00\x01\x02", InputError),
        ("nocomments.txt", "Title\n\nNo comments here.\n", InputError),
    ],
)
def test_bad_input_leaves_the_index_untouched(tmp_path, fake_store, fake_embeddings, name, content, error):
    before = _snapshot(fake_store.store_dir)
    with pytest.raises(error):
        build_index([write(tmp_path, name, content)], fake_store, embeddings=fake_embeddings, progress=False)
    assert _snapshot(fake_store.store_dir) == before


def test_corrupt_pointer_gets_a_rebuild_hint_and_rebuild_fixes_it(fake_store, fake_embeddings):
    (fake_store.store_dir / "CURRENT").write_text("{not json")
    with pytest.raises(StoreError, match="--rebuild"):
        IndexVersion.open(fake_store.store_dir)
    with pytest.raises(StoreError, match="--rebuild"):
        build_index([SEED], fake_store, embeddings=fake_embeddings, progress=False)
    build_index([SEED], fake_store, rebuild=True, embeddings=fake_embeddings, progress=False)
    assert IndexVersion.open(fake_store.store_dir).chunks


def test_incompatible_schema_and_missing_version(fake_store):
    pointer = fake_store.store_dir / "CURRENT"
    data = json.loads(pointer.read_text())
    pointer.write_text(json.dumps({**data, "schema": 1}))
    with pytest.raises(StoreError, match="incompatible"):
        IndexVersion.open(fake_store.store_dir)
    pointer.write_text(json.dumps({**data, "version": "v-gone"}))
    with pytest.raises(StoreError, match="incomplete"):
        IndexVersion.open(fake_store.store_dir)


def test_missing_index_says_run_bot_index(settings):
    with pytest.raises(StoreError, match="bot index"):
        IndexVersion.open(settings.store_dir)


def test_refuses_a_folder_that_is_not_an_index(tmp_path, fake_embeddings):
    folder = tmp_path / "home"
    folder.mkdir()
    (folder / "thesis.docx").write_text("precious")
    from index.config import Settings

    with pytest.raises(StoreError, match="not an index"):
        build_index([SEED], Settings(store_dir=folder), embeddings=fake_embeddings, progress=False)
    assert (folder / "thesis.docx").read_text() == "precious"


def test_cli_errors_are_one_line_with_nonzero_exit(tmp_path):
    env = {**os.environ, "BOT_STORE": str(tmp_path / "store")}
    for args in (["index", str(tmp_path / "missing.txt")], ["inspect"]):
        proc = subprocess.run([sys.executable, "-m", "bot.cli", *args], capture_output=True, text=True, env=env)
        assert proc.returncode == 2
        assert "Traceback" not in proc.stderr
        errors = [line for line in proc.stderr.splitlines() if line.startswith("error: ")]
        assert len(errors) == 1 and ("no such file" in errors[0] or "bot index" in errors[0])


@pytest.mark.slow
def test_real_model_index_inspect_json(real_store):
    proc = subprocess.run(
        [sys.executable, "-m", "bot.cli", "inspect", "--json", "--store", str(real_store.store_dir)],
        capture_output=True, text=True, check=True,
    )
    rows = json.loads(proc.stdout)
    assert len(rows) == 102
    yz = next(r for r in rows if r["id"] == "comment:27-yz")
    assert yz["parent"] == "comment:26-ac" and yz["author"] == "YZ" and yz["tokens"] > 100 and yz["chunks"]
    version = IndexVersion.open(real_store.store_dir)
    assert version.manifest.dimension == 384 and version.manifest.embedding_model == "all-MiniLM-L6-v2"


@pytest.mark.slow
def test_sigkill_mid_build_leaves_previous_index_usable(tmp_path, real_store):
    """Kill `bot index --rebuild` as soon as its build folder appears; the old index must still answer."""
    store = tmp_path / "store"
    subprocess.run([sys.executable, "-m", "bot.cli", "index", "--quiet", "--store", str(store)], check=True)
    before = _snapshot(store)
    big = "Big post\n\nBody text here.\n\n" + "".join(
        f"  • Reader {i}\n    Comment number {i} says he pulled away after {i} days and I wonder why.\n\n"
        for i in range(1500)
    )
    path = write(tmp_path, "big.txt", big)
    proc = subprocess.Popen(
        [sys.executable, "-m", "bot.cli", "index", "--quiet", "--rebuild", "--store", str(store), str(path)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 300
    while not list(store.glob(".build-*")) and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.005)
    assert proc.poll() is None, "build finished before it could be killed"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert _snapshot(store) == before
    version = IndexVersion.open(store)
    hit = version.collection.query(query_embeddings=[[0.05] * 384], n_results=3)
    assert len(hit["ids"][0]) == 3
    # the documented recovery: run again; the stale build folder is cleaned up
    subprocess.run([sys.executable, "-m", "bot.cli", "index", "--quiet", "--store", str(store)], check=True)
    assert not list(store.glob(".build-*"))
    assert _snapshot(store) == before


def test_sentence_vectors_can_be_skipped_for_big_corpora(settings, fake_embeddings):
    from dataclasses import replace

    from bot import Bot

    report = build_index([SEED], replace(settings, sentence_vectors=False), embeddings=fake_embeddings, progress=False)
    texts, matrix = IndexVersion.open(settings.store_dir).sentence_bank
    assert report.changed and texts == [] and len(matrix) == 0
    answer = Bot(settings, embeddings=fake_embeddings, safety=False).ask("why do men pull away in relationships?")
    assert answer.citations  # sentences are embedded on demand instead


# --- a folder per post (index/segment.py): an edit rewrites one post's files --------------------------------------------

def _held(store_dir):
    """Everything a version serves, as data: chunks, records, sources, bank, post models, BM25 ids, vectors."""
    v = IndexVersion.open(store_dir)
    texts, matrix = v.sentence_bank
    vectors = v.embeddings_for(list(v.chunks))
    return {"chunks": v.chunks, "records": v.records, "sources": v.sources, "bank": (texts, matrix.tolist()),
            "models": v.post_models.to_dict(), "bm25": v.lexical().ids,
            "vectors": {k: [round(float(x), 6) for x in vec] for k, vec in vectors.items()}}


def test_an_edit_links_the_unchanged_posts_and_writes_only_the_edited_one(tmp_path, settings, fake_embeddings):
    """Issue 23: a one-post edit in a big blog must cost about that post. The other posts' folders are hard links to
    the previous version's files (neither parsed, read nor written), and the index equals a build from scratch."""
    from dataclasses import replace

    text = SEED.read_text(encoding="utf-8")
    paths = [write(tmp_path, f"{name}.txt", text.replace("Renee", name.title())) for name in ("ann", "bea", "cat")]
    build_index(paths, settings, embeddings=fake_embeddings, progress=False)
    before = IndexVersion.open(settings.store_dir)
    paths[1].write_text(paths[1].read_text(encoding="utf-8").replace("Thank you!", "Thank you so much!", 1),
                        encoding="utf-8")
    calls = len(fake_embeddings.calls)
    report = build_index(paths, settings, embeddings=fake_embeddings, progress=False)
    after = IndexVersion.open(settings.store_dir)
    assert report.changed and report.understood["computed"] == ["bea"] and report.understood["reused"] == ["ann", "cat"]
    assert 0 < report.embedded < report.chunks // 3 and len(fake_embeddings.calls) > calls
    for doc in ("ann", "cat"):
        for name in ("source.txt", "chunks.jsonl", "sentences.npy", "model.json", "lexical.json"):
            assert (after.path / "posts" / doc / name).stat().st_ino == (before.path / "posts" / doc / name).stat().st_ino
    assert (after.path / "posts/bea/source.txt").stat().st_ino != (before.path / "posts/bea/source.txt").stat().st_ino

    fresh = replace(settings, store_dir=tmp_path / "fresh")
    build_index(paths, fresh, embeddings=fake_embeddings, progress=False)
    assert _held(settings.store_dir) == _held(fresh.store_dir)
    # the previous version still answers from its own files (a server reading it keeps working)
    assert "Thank you so much!" not in before.sources["bea"] and "Thank you so much!" in after.sources["bea"]


def test_removing_a_post_drops_its_chunks_everywhere(tmp_path, settings, fake_embeddings):
    text = SEED.read_text(encoding="utf-8")
    one, two = write(tmp_path, "one.txt", text), write(tmp_path, "two.txt", text.replace("Renee", "Rita"))
    build_index([one, two], settings, embeddings=fake_embeddings, progress=False)
    report = build_index([one], settings, embeddings=fake_embeddings, progress=False)
    version = IndexVersion.open(settings.store_dir)
    assert report.changed and report.embedded == 0 and report.understood["reused"] == ["one"]
    assert {c.doc for c in version.chunks.values()} == {"one"} and set(version.sources) == {"one"}
    assert not any(k.startswith("two/") for k in version.collection.get()["ids"] + version.lexical().ids)
    assert not (version.path / "posts" / "two").exists()


def test_a_change_to_the_parsing_code_rewrites_every_post_without_embedding(tmp_path, settings, fake_embeddings,
                                                                            monkeypatch):
    """A post's key holds the code that parses, chunks and tokenizes it: that code changing is a change to every post
    (parsed again; vectors reused by text), though no post's text changed."""
    import index.segment

    build_index([SEED], settings, embeddings=fake_embeddings, progress=False)
    monkeypatch.setattr(index.segment, "_CODE", "another parser")
    report = build_index([SEED], settings, embeddings=fake_embeddings, progress=False)
    assert report.changed and report.embedded == 0 and report.reused == report.chunks


def test_a_parser_that_renames_records_recomputes_the_post_model(tmp_path, settings, fake_embeddings, monkeypatch):
    """A post model is keyed by record ids. Reading a new heading ("Manual or automatic?") renames the records after it
    though the text is the same: the cached model (same text, same annotator) labelled records that no longer exist."""
    import index.build
    import index.segment
    from index.parse import parse_text

    build_index([SEED], settings, embeddings=fake_embeddings, progress=False)

    def renamed(text, doc, *args, **kwargs):  # the same text, read by a parser that names its records otherwise
        return [replace(r, id=r.id.replace("article:", "article:x-")) for r in parse_text(text, doc, *args, **kwargs)]

    monkeypatch.setattr(index.segment, "_CODE", "another parser")
    monkeypatch.setattr(index.build, "parse_text", renamed)
    report = build_index([SEED], settings, embeddings=fake_embeddings, progress=False)
    assert report.understood["computed"] == [SEED.stem] and report.understood["reused"] == []
    version = IndexVersion.open(settings.store_dir)
    assert set(version.post_models.posts[SEED.stem].records) == {f"{SEED.stem}/{r.id}" for r in version.records}


def _to_whole_index_layout(store_dir):
    """Rewrite the current version as the code before posts had folders wrote it: whole-index files."""
    import shutil

    v = IndexVersion.open(store_dir)
    texts, matrix = v.sentence_bank
    (v.path / "sources").mkdir()
    for doc, text in v.sources.items():
        (v.path / "sources" / f"{doc}.txt").write_text(text, encoding="utf-8")
    (v.path / "records.jsonl").write_text("".join(json.dumps(r.to_dict()) + "\n" for r in v.records), encoding="utf-8")
    (v.path / "chunks.jsonl").write_text("".join(json.dumps({"key": c.key, "text": c.text, "meta": c.metadata()}) + "\n"
                                                 for c in v.chunks.values()), encoding="utf-8")
    (v.path / "sentences.json").write_text(json.dumps(texts), encoding="utf-8")
    import numpy as np

    np.save(v.path / "sentences.npy", matrix)
    (v.path / "post_model.json").write_text(json.dumps(v.post_model_file), encoding="utf-8")
    shutil.rmtree(v.path / "posts")
    manifest = json.loads((v.path / "manifest.json").read_text())
    manifest["documents"] = [{k: d[k] for k in ("doc", "path", "chars", "sha1")} for d in manifest["documents"]]
    manifest["content"] = "0" * 40  # that code hashed the content otherwise
    (v.path / "manifest.json").write_text(json.dumps(manifest))


def test_an_index_from_before_posts_had_folders_is_read_and_upgraded_without_embedding(tmp_path, settings,
                                                                                      fake_embeddings):
    from bot import Bot

    text = SEED.read_text(encoding="utf-8")
    paths = [write(tmp_path, "one.txt", text), write(tmp_path, "two.txt", text.replace("Renee", "Rita"))]
    build_index(paths, settings, embeddings=fake_embeddings, progress=False)
    held = _held(settings.store_dir)
    question = "why do men pull away?"
    answer = Bot(settings, embeddings=fake_embeddings, safety=False).ask(question).text
    _to_whole_index_layout(settings.store_dir)
    assert not IndexVersion.open(settings.store_dir).per_post
    assert _held(settings.store_dir) == held
    assert Bot(settings, embeddings=fake_embeddings, safety=False).ask(question).text == answer

    calls = len(fake_embeddings.calls)
    report = build_index(paths, settings, embeddings=fake_embeddings, progress=False)
    assert report.changed and report.embedded == 0 and len(fake_embeddings.calls) == calls  # sentences too
    assert report.understood["reused"] == ["one", "two"]  # written anew from the old models: not annotated again
    upgraded = IndexVersion.open(settings.store_dir)
    assert upgraded.per_post and _held(settings.store_dir) == held


def test_a_kept_post_missing_a_file_says_rebuild(tmp_path, settings, fake_embeddings):
    """BM25 tokens are read by builds only: a lost file shows at the next `bot index`, which says what to do."""
    text = SEED.read_text(encoding="utf-8")
    paths = [write(tmp_path, "one.txt", text), write(tmp_path, "two.txt", text.replace("Renee", "Rita"))]
    build_index(paths, settings, embeddings=fake_embeddings, progress=False)
    before = _snapshot(settings.store_dir)
    (IndexVersion.open(settings.store_dir).path / "posts/two/lexical.json").unlink()
    paths[0].write_text(text + "\n", encoding="utf-8")
    with pytest.raises(StoreError, match="--rebuild"):
        build_index(paths, settings, embeddings=fake_embeddings, progress=False)
    assert _snapshot(settings.store_dir) == before and not list(settings.store_dir.glob(".build-*"))
    build_index(paths, settings, rebuild=True, embeddings=fake_embeddings, progress=False)
    assert (IndexVersion.open(settings.store_dir).path / "posts/two/lexical.json").is_file()
