from __future__ import annotations

import pytest

from index.chunk import chunk_records, count_tokens
from index.parse import parse_file
from index.sentences import normalise, sentence_spans
from tests.conftest import SEED


@pytest.fixture(scope="module")
def parsed():
    return SEED.read_text(encoding="utf-8"), parse_file(SEED)


@pytest.mark.parametrize("size, overlap", [(180, 30), (64, 10), (400, 0)])
def test_chunks_respect_budget_units_and_spans(parsed, size, overlap):
    source, records = parsed
    by_id = {r.id: r for r in records}
    chunks = chunk_records(source, records, size, overlap)
    for c in chunks:
        assert c.tokens <= size + 4, c.id  # joining sentences may add a separator token
        raw = source[c.start : c.end]
        assert normalise(raw).startswith(c.text[:20]) and raw.strip() == raw
        members = [by_id[rid] for rid in c.record_ids]
        assert len({m.kind for m in members}) == 1, "article text and a comment mixed"
        if c.kind == "comment":
            assert len(members) == 1, "two comments mixed"
            m = members[0]
            assert (c.author, c.parent, c.depth) == (m.author, m.parent, m.depth)
            assert m.start <= c.start and c.end <= m.end
        else:
            assert len({m.section for m in members}) == 1


def test_long_comment_becomes_several_chunks_with_overlap(parsed):
    source, records = parsed
    joni = [c for c in chunk_records(source, records, 180, 30) if c.record_ids == ("comment:02-joni",)]
    assert len(joni) >= 3
    assert all(c.author == "Joni" for c in joni)
    assert [c.id for c in joni] == [f"comment:02-joni#{n}" for n in range(1, len(joni) + 1)]
    # overlap carries whole trailing sentences that fit in overlap_tokens
    wide = [c for c in chunk_records(source, records, 180, 80) if c.record_ids == ("comment:02-joni",)]
    assert any(b.start < a.end for a, b in zip(wide, wide[1:])), "no overlap between consecutive chunks"
    none = [c for c in chunk_records(source, records, 180, 0) if c.record_ids == ("comment:02-joni",)]
    assert all(b.start > a.end for a, b in zip(none, none[1:]))


def test_chunk_text_covers_every_sentence(parsed):
    source, records = parsed
    chunks = chunk_records(source, records, 120, 20)
    covered = set()
    for c in chunks:
        covered.update(range(c.start, c.end))
    for r in records:
        for s, e in sentence_spans(r.text, r.start):
            assert s in covered and e - 1 in covered, (r.id, source[s:e][:40])


def test_over_long_sentence_is_cut_at_words():
    from index.parse import parse_text

    text = "T\n\nA " + "word " * 400 + "end.\n\n  • Ann\n    " + "very " * 300 + "long.\n"
    records = parse_text(text)
    chunks = chunk_records(text, records, 64, 8)
    assert all(c.tokens <= 68 for c in chunks)
    assert sum(1 for c in chunks if c.kind == "comment") >= 4


def test_ids_are_stable_across_runs(parsed):
    source, records = parsed
    a = [(c.id, c.digest) for c in chunk_records(source, records)]
    b = [(c.id, c.digest) for c in chunk_records(source, parse_file(SEED))]
    assert a == b


def test_token_counts_use_the_offline_encoding():
    assert count_tokens("hello world") == 2


@pytest.mark.parametrize("size, overlap", [(8, 0), (100, 60), (100, -1)])
def test_bad_chunk_settings(parsed, size, overlap):
    source, records = parsed
    with pytest.raises(ValueError):
        chunk_records(source, records, size, overlap)
