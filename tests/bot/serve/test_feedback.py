"""The feedback store: ratings in SQLite, export, concurrent writers, drafts for the eval set."""

from __future__ import annotations

import csv
import io
import json
import threading

import pytest
import yaml

from bot.answer import Answer, AnswerMeta, Citation
from bot.serve.feedback import FeedbackLog, FeedbackStore, export, read_export
from index.errors import InputError
from index.store import StoreLayout


def answer(n: int = 0) -> Answer:
    cite = Citation(n=1, source_id="article:intro:p1", kind="article", author=None, quote="Men withdraw.",
                    start=10, end=23, doc="why-men-pull-away", section="Intro")
    return Answer(text=f"Answer {n} [1].", question=f"Question {n}?", citations=[cite],
                  meta=AnswerMeta(answer_id=f"id{n:05d}", generator="extractive", prompt_version="answer.v1"))


@pytest.fixture
def log(tmp_path) -> FeedbackLog:
    return FeedbackLog(FeedbackStore(tmp_path / "store" / "feedback.sqlite3"))


def test_a_rating_stores_the_answer_with_its_context_and_nothing_else(log):
    a = answer(1)
    log.remember(a, [("Earlier?", "Earlier answer.")], "v-123")
    record = log.rate("id00001", "down", "the quote is off")
    assert record["question"] == "Question 1?" and record["answer"] == "Answer 1 [1]."
    assert record["history"] == [["Earlier?", "Earlier answer."]]
    assert record["citations"][0]["quote"] == "Men withdraw." and record["citations"][0]["start"] == 10
    assert (record["generator"], record["index_version"], record["rating"]) == ("extractive", "v-123", "down")
    assert record["comment"] == "the quote is off" and record["created"].endswith("+00:00")
    assert set(record) == {"answer_id", "rating", "comment", "question", "history", "answer", "citations",
                           "generator", "prompt_version", "index_version", "created", "updated"}


def test_rating_again_replaces_the_rating_and_keeps_the_comment_unless_given(log):
    log.remember(answer(2), [], "v")
    log.rate("id00002", "up", "nice")
    record = log.rate("id00002", "down")
    assert record["rating"] == "down" and record["comment"] == "nice"
    assert log.comment("id00002", "changed my mind")["comment"] == "changed my mind"
    assert log.store.count() == 1


def test_unknown_answers_and_bad_ratings(log):
    assert log.rate("nope", "up") is None
    assert log.comment("nope", "x") is None
    log.remember(answer(3), [], "v")
    with pytest.raises(InputError, match="up.*down"):
        log.rate("id00003", "meh")
    with pytest.raises(InputError, match="under 1000"):
        log.rate("id00003", "up", "x" * 1001)
    assert log.store.count() == 0


def test_only_recent_answers_can_be_rated_and_stored_ones_stay_rateable(tmp_path):
    log = FeedbackLog(FeedbackStore(tmp_path / "f.sqlite3"), remembered=2)
    for n in range(3):
        log.remember(answer(n), [], "v")
    assert log.rate("id00000", "up") is None  # forgotten: only 2 are kept
    assert log.rate("id00002", "up")["rating"] == "up"
    fresh = FeedbackLog(FeedbackStore(tmp_path / "f.sqlite3"))  # e.g. after a restart
    assert fresh.rate("id00002", "down")["rating"] == "down"


def test_concurrent_writes_from_many_threads_lose_nothing(log):
    threads, per_thread = 16, 25
    for n in range(threads * per_thread):
        log.remember(answer(n), [], "v")
    errors = []

    def rate(t):
        try:
            for i in range(per_thread):
                n = t * per_thread + i
                assert log.rate(f"id{n:05d}", "up" if n % 2 else "down", f"comment {n}") is not None
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    workers = [threading.Thread(target=rate, args=(t,)) for t in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    assert not errors
    records = log.store.records()
    assert len(records) == threads * per_thread
    assert {r["comment"] for r in records} == {f"comment {n}" for n in range(threads * per_thread)}
    assert len(log.store.records("down")) == threads * per_thread // 2


def test_export_as_jsonl_and_csv_reads_back(log, tmp_path):
    log.remember(answer(4), [("q, with \"quotes\"", "a\nb")], "v")
    log.rate("id00004", "down", "comma, and\nnewline")
    records = log.store.records()
    lines = export(records, "jsonl").splitlines()
    assert json.loads(lines[0])["history"] == [['q, with "quotes"', "a\nb"]]
    table = list(csv.DictReader(io.StringIO(export(records, "csv"))))
    assert table[0]["comment"] == "comma, and\nnewline" and json.loads(table[0]["citations"])[0]["end"] == 23
    for name, fmt in (("f.jsonl", "jsonl"), ("f.csv", "csv")):
        (tmp_path / name).write_text(export(records, fmt), encoding="utf-8")
        back = read_export(tmp_path / name)
        assert back[0]["answer_id"] == "id00004" and back[0]["history"] == records[0]["history"]
    assert read_export(log.store.path)[0]["answer_id"] == "id00004"  # the database itself
    with pytest.raises(InputError, match="unknown export format"):
        export(records, "xml")


def test_the_feedback_file_beside_the_index_does_not_block_bot_index(log):
    StoreLayout(log.store.path.parent).check_ours()  # would raise "holds files that are not an index"


def test_thumbs_down_become_draft_eval_cases_with_empty_gold(log, tmp_path):
    from bot.eval.dataset import load_qa
    from bot.eval.drafts import drafts_from_feedback

    log.remember(answer(5), [], "v")
    log.rate("id00005", "down", "misses the point")
    log.remember(answer(6), [("Why?", "Because.")], "v")
    log.rate("id00006", "down")
    log.remember(answer(7), [], "v")
    log.rate("id00007", "up")
    out = tmp_path / "drafts.yaml"
    (tmp_path / "fb.jsonl").write_text(export(log.store.records(), "jsonl"), encoding="utf-8")
    assert drafts_from_feedback(tmp_path / "fb.jsonl", out) == 2
    data = yaml.safe_load(out.read_text(encoding="utf-8"))
    cases = data["cases"]
    assert [c["question"] for c in cases] == ["Question 5?", "Question 6?"]
    assert cases[0]["gold"] == {"ids": [], "quotes": []} and cases[0]["rejected"]["answer"] == "Answer 5 [1]."
    assert cases[0]["rejected"]["comment"] == "misses the point"
    assert cases[1]["type"] == "followup" and cases[1]["history"] == [["Why?", "Because."]]
    # a draft is not a case until a person fills in the gold: the loader says what is missing
    with pytest.raises(InputError, match="needs gold sources"):
        load_qa(out, check_source=False)
    cases[0].update(gold={"ids": ["article:intro:p1"], "quotes": ["Men withdraw from the relationship"]})
    data["cases"] = cases[:1]
    out.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    promoted = load_qa(out)
    assert promoted.cases[0].gold_ids == ("article:intro:p1",)


def test_feedback_commands_list_export_and_draft(log, tmp_path, capsys):
    from bot.cli import main

    log.remember(answer(8), [], "v")
    log.rate("id00008", "down", "wrong person quoted")
    log.remember(answer(9), [], "v")
    log.rate("id00009", "up")
    db = str(log.store.path)
    assert main(["feedback", "list", "--feedback-path", db]) == 0
    out = capsys.readouterr().out
    assert "Question 8?" in out and '"wrong person quoted"' in out and "2 rated answers: 1 up, 1 down" in out
    assert main(["feedback", "export", "--format", "csv", "--rating", "down", "--feedback-path", db]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert [r["answer_id"] for r in rows] == ["id00008"]
    drafts = tmp_path / "drafts.yaml"
    assert main(["eval", "--from-feedback", db, "--drafts", str(drafts)]) == 0
    assert "wrote 1 draft case" in capsys.readouterr().out
    assert yaml.safe_load(drafts.read_text(encoding="utf-8"))["cases"][0]["id"] == "feedback-id00008"
    assert main(["feedback", "list", "--feedback-path", str(tmp_path / "none.sqlite3")]) == 2
    assert "no feedback yet" in capsys.readouterr().err


@pytest.mark.parametrize("env, message", [({"BOT_RATE_LIMIT": "lots"}, "BOT_RATE_LIMIT"),
                                          ({"BOT_CONCURRENCY": "0"}, "BOT_CONCURRENCY")])
def test_serving_settings_from_the_environment_are_checked(monkeypatch, env, message):
    from index.config import load_settings

    for key, value in env.items():
        monkeypatch.setenv(key, value)
    with pytest.raises(InputError, match=message):
        load_settings()


def test_serving_settings_defaults_and_flags(monkeypatch, tmp_path):
    from index.config import feedback_db, load_settings

    monkeypatch.setenv("BOT_API_KEY", "from-env")
    monkeypatch.setenv("BOT_FEEDBACK", "off")
    s = load_settings(store_dir=tmp_path, rate_limit=5)
    assert (s.api_key, s.rate_limit, s.feedback, s.concurrency) == ("from-env", 5, False, 4)  # 4: measured, see Settings
    assert "from-env" not in repr(s)  # a secret never lands in a log line
    assert feedback_db(s) == tmp_path / "feedback.sqlite3"
    assert feedback_db(load_settings(store_dir=tmp_path, feedback_path=tmp_path / "x.db")) == tmp_path / "x.db"
    with pytest.raises(InputError):
        load_settings(rate_limit=-1)
