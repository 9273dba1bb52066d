"""Ratings of answers (thumbs up/down, an optional short comment), kept in SQLite.

    log = FeedbackLog(FeedbackStore(path))        # what `bot serve` holds
    log.remember(answer, history, index_version)  # every answer served (in memory, bounded)
    log.rate(answer_id, "down", "wrong quote")    # -> the stored record, or None for an unknown id
    FeedbackStore(path).records()                 # `bot feedback list / export`

Only rated answers are written to disk. A record holds the question, the history, the
answer text, its citations, the generator, the index version and the time, and nothing
else about the person who asked. One record per answer: rating it again replaces the
rating (the latest wins). The database is stdlib sqlite3 in WAL mode; every call opens
its own connection, so any number of threads may write at once.
"""

from __future__ import annotations

import csv
import io
import json
import sqlite3
import threading
from collections import OrderedDict
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path

from index.errors import InputError, StoreError

from bot.serve.http.serialize import citation_payload

RATINGS = ("up", "down")
MAX_COMMENT = 1000  # characters: a short comment, not an essay
REMEMBERED = 10_000  # answers kept in memory so that they can be rated
FIELDS = ("answer_id", "rating", "comment", "question", "history", "answer", "citations",
          "generator", "prompt_version", "index_version", "created", "updated")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS feedback (
    answer_id     TEXT PRIMARY KEY,
    rating        TEXT NOT NULL CHECK (rating IN ('up', 'down')),
    comment       TEXT NOT NULL DEFAULT '',
    question      TEXT NOT NULL,
    history       TEXT NOT NULL,   -- JSON [[question, answer], ...]
    answer        TEXT NOT NULL,
    citations     TEXT NOT NULL,   -- JSON [{n, source_id, quote, start, end, ...}]
    generator     TEXT NOT NULL,
    prompt_version TEXT,
    index_version TEXT,
    created       TEXT NOT NULL,   -- UTC, ISO 8601: first rated
    updated       TEXT NOT NULL    -- UTC, ISO 8601: last changed
);
"""


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def check_rating(rating, comment) -> tuple[str, str | None]:
    """Validate a rating and comment from outside; raises InputError with what to send instead."""
    if rating not in RATINGS:
        raise InputError(f'`rating` must be "up" or "down", not {rating!r}.', "rating")
    if comment is not None and not isinstance(comment, str):
        raise InputError("`comment` must be a string (or left out).", "comment")
    if comment is not None and len(comment) > MAX_COMMENT:
        raise InputError(f"`comment` is {len(comment)} characters; keep it under {MAX_COMMENT}.", "comment")
    return rating, comment


class FeedbackStore:
    """The SQLite file of rated answers."""

    def __init__(self, path: Path | str):
        self.path = Path(path)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self._connect() as db:
                db.execute("PRAGMA journal_mode=WAL")
                db.executescript(_SCHEMA)
        except sqlite3.Error as exc:
            raise StoreError(f"cannot open the feedback database {self.path} ({exc}). "
                             "Pass another --feedback-path, or --no-feedback.") from None

    @contextmanager
    def _connect(self):
        db = sqlite3.connect(self.path, timeout=30, isolation_level=None)  # autocommit; writers wait their turn
        try:
            db.row_factory = sqlite3.Row
            yield db
        finally:
            db.close()

    def save(self, record: dict) -> dict | None:
        """Insert or replace the rating of one answer; a comment of None keeps the stored one (None only if
        the record was deleted again between the two statements)."""
        now = _now()
        row = {k: record.get(k) for k in FIELDS}
        row.update(history=json.dumps(record["history"], ensure_ascii=False),
                   citations=json.dumps(record["citations"], ensure_ascii=False),
                   created=now, updated=now)
        keep_comment = row["comment"] is None
        row["comment"] = row["comment"] or ""
        with self._connect() as db:
            db.execute(
                f"INSERT INTO feedback ({', '.join(FIELDS)}) VALUES ({', '.join(':' + k for k in FIELDS)}) "
                "ON CONFLICT(answer_id) DO UPDATE SET rating = excluded.rating, updated = excluded.updated"
                + ("" if keep_comment else ", comment = excluded.comment"),
                row,
            )
        return self.get(record["answer_id"])

    def update(self, answer_id: str, rating: str | None = None, comment: str | None = None) -> dict | None:
        """Change the rating and/or comment of a stored record; None when there is none."""
        changes = {k: v for k, v in (("rating", rating), ("comment", comment)) if v is not None}
        with self._connect() as db:
            db.execute(
                f"UPDATE feedback SET {''.join(f'{k} = :{k}, ' for k in changes)}updated = :updated "
                "WHERE answer_id = :answer_id",
                {**changes, "updated": _now(), "answer_id": answer_id},
            )
        return self.get(answer_id)

    def delete(self, answer_id: str) -> None:
        with self._connect() as db:
            db.execute("DELETE FROM feedback WHERE answer_id = ?", (answer_id,))

    def get(self, answer_id: str) -> dict | None:
        with self._connect() as db:
            row = db.execute("SELECT * FROM feedback WHERE answer_id = ?", (answer_id,)).fetchone()
        return _decode(row) if row else None

    def records(self, rating: str | None = None) -> list[dict]:
        """Every record, oldest first; only one rating when given."""
        sql = "SELECT * FROM feedback"
        args: tuple[str, ...] = ()
        if rating:
            sql, args = sql + " WHERE rating = ?", (rating,)
        with self._connect() as db:
            return [_decode(r) for r in db.execute(sql + " ORDER BY created, rowid", args)]

    def count(self) -> int:
        with self._connect() as db:
            return db.execute("SELECT COUNT(*) FROM feedback").fetchone()[0]


def _decode(row: sqlite3.Row) -> dict:
    record = dict(row)
    record["history"] = json.loads(record["history"])
    record["citations"] = json.loads(record["citations"])
    return record


def export(records: list[dict], fmt: str) -> str:
    """The records as JSON Lines or CSV (history and citations as JSON text in their CSV cells)."""
    if fmt == "jsonl":
        return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=FIELDS, lineterminator="\n")
        writer.writeheader()
        for r in records:
            writer.writerow({**r, "history": json.dumps(r["history"], ensure_ascii=False),
                             "citations": json.dumps(r["citations"], ensure_ascii=False)})
        return out.getvalue()
    raise InputError(f"unknown export format {fmt!r}: use jsonl or csv.")


def read_export(path: Path | str) -> list[dict]:
    """Records from a JSON Lines or CSV export, or straight from a feedback database."""
    path = Path(path)
    if not path.exists():
        raise InputError(f"{path}: no such file. Pass a feedback export (.jsonl, .csv) or the database.")
    with open(path, "rb") as fh:
        if fh.read(16) == b"SQLite format 3\x00":
            return FeedbackStore(path).records()
    text = path.read_text(encoding="utf-8")
    try:
        if path.suffix == ".csv":
            rows = list(csv.DictReader(io.StringIO(text)))
            for r in rows:
                r["history"], r["citations"] = json.loads(r["history"] or "[]"), json.loads(r["citations"] or "[]")
            return rows
        return [json.loads(line) for line in text.splitlines() if line.strip()]
    except (ValueError, KeyError) as exc:
        raise InputError(f"{path}: not a feedback export ({exc}). Make one with `bot feedback export`.") from None


class FeedbackLog:
    """What the server keeps: the recent answers (in memory) and the ratings (in the store)."""

    def __init__(self, store: FeedbackStore, remembered: int = REMEMBERED):
        self.store = store
        self._recent: OrderedDict[str, dict] = OrderedDict()
        self._size = remembered
        self._lock = threading.Lock()

    def remember(self, answer, history, index_version: str | None) -> None:
        """Keep what a rating of this answer would store; the oldest are forgotten past the bound."""
        answer_id = answer.meta.answer_id
        if not answer_id:
            return
        record = {
            "answer_id": answer_id,
            "question": answer.question,
            "history": [list(turn) for turn in history or []],
            "answer": answer.text,
            "citations": [citation_payload(c) for c in answer.citations],
            "generator": str(answer.meta.generator or ""),
            "prompt_version": answer.meta.prompt_version,
            "index_version": index_version,
        }
        with self._lock:
            self._recent[answer_id] = record
            while len(self._recent) > self._size:
                self._recent.popitem(last=False)

    def rate(self, answer_id: str, rating: str, comment: str | None = None) -> dict | None:
        """Store a rating; None when the answer is unknown (never served here, or long forgotten)."""
        rating, comment = check_rating(rating, comment)
        with self._lock:
            record = self._recent.get(answer_id)
        if record is None:  # not served recently: it can still be re-rated if it was stored before
            return self.store.update(answer_id, rating, comment)
        return self.store.save({**record, "rating": rating, "comment": comment})

    def comment(self, answer_id: str, comment: str) -> dict | None:
        """Add a comment to a rated answer; None when it was not rated."""
        check_rating("up", comment)
        return self.store.update(answer_id, comment=comment)

    def unrate(self, answer_id: str) -> None:
        self.store.delete(answer_id)
