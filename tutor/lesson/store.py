"""Progress that is never lost: every answer and hint in SQLite, the moment it is given.

A lesson is stored as its events in order (answers with their verdicts, hints); reopening
replays them through the same checking, which brings back the same step, the earlier
answers and hints exactly. The place is BPTUTOR_HOME, else the user's data directory.

Nothing here raises at the learner: a store that cannot be read is moved aside and a new
one started; a place that cannot be written leaves bptutor running without saving. Each
case leaves one sentence in `message`.
"""

from __future__ import annotations

import os
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path

SCHEMA_VERSION = 1
SCHEMA = """
CREATE TABLE IF NOT EXISTS events (
    seq      INTEGER PRIMARY KEY AUTOINCREMENT,
    exercise TEXT NOT NULL,      -- a bundled name, or the file's absolute path
    variant  TEXT NOT NULL,      -- '' for the file's own numbers
    step     TEXT NOT NULL,
    kind     TEXT NOT NULL,      -- answer | hint | start (a fresh attempt begins)
    text     TEXT,
    value    REAL,
    verdict  TEXT,
    mistake  TEXT,
    hints    INTEGER,
    at       REAL NOT NULL       -- seconds since the epoch
);
CREATE INDEX IF NOT EXISTS events_by_lesson ON events (exercise, variant, seq);
CREATE TABLE IF NOT EXISTS state (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""


def default_home() -> Path:
    if os.environ.get("BPTUTOR_HOME"):
        return Path(os.environ["BPTUTOR_HOME"]).expanduser()
    import platformdirs

    return Path(platformdirs.user_data_dir("bptutor", appauthor=False))


@dataclass
class Event:
    step: str
    kind: str
    text: str | None
    value: float | None
    verdict: str | None
    mistake: str | None
    hints: int | None
    at: float


class Store:
    def __init__(self, home: Path | None = None):
        self.home = default_home() if home is None else Path(home)
        self.path = self.home / "progress.db"
        self.db: sqlite3.Connection | None = None
        self.message: str | None = None
        self._open()

    @property
    def saving(self) -> bool:
        return self.db is not None

    def _open(self) -> None:
        try:
            self.home.mkdir(parents=True, exist_ok=True)
        except OSError as e:
            self._off(f"Progress cannot be saved: {self.home} cannot be created ({e.strerror or e}). "
                      "bptutor works, but nothing will be kept.")
            return
        try:
            self.db = self._connect()
        except sqlite3.DatabaseError as e:
            if "readonly" in str(e).lower() or "unable to open" in str(e).lower():
                self._off(f"Progress cannot be saved: {self.path} cannot be written ({e}). "
                          "bptutor works, but nothing will be kept.")
                return
            aside = self.path.with_name(f"progress-unreadable-{time.strftime('%Y%m%d-%H%M%S')}.db")
            try:
                os.replace(self.path, aside)
                self.db = self._connect()
                self.message = (f"The progress store {self.path} could not be read ({e}); it was moved to "
                                f"{aside.name} and a fresh one started.")
            except (OSError, sqlite3.DatabaseError) as e2:
                self._off(f"Progress cannot be saved: {self.path} is unreadable and could not be replaced ({e2}).")

    def _connect(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, timeout=10, isolation_level=None)
        try:
            db.execute("PRAGMA busy_timeout = 10000")
            db.execute("PRAGMA journal_mode = WAL")  # two bptutor processes at once
            version = db.execute("PRAGMA user_version").fetchone()[0]
            if version > SCHEMA_VERSION:
                raise sqlite3.DatabaseError(f"made by a newer bptutor (schema {version})")
            db.executescript(SCHEMA)
            db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
            db.execute("SELECT count(*) FROM events").fetchone()  # reads every page header it needs
            integrity = db.execute("PRAGMA quick_check").fetchone()[0]
            if integrity != "ok":
                raise sqlite3.DatabaseError(integrity)
        except sqlite3.DatabaseError:
            db.close()
            raise
        return db

    def _off(self, message: str) -> None:
        if self.db is not None:
            try:
                self.db.close()
            except sqlite3.Error:
                pass
        self.db = None
        self.message = message

    def _write(self, sql: str, args: tuple) -> None:
        if self.db is None:
            return
        try:
            self.db.execute(sql, args)
        except sqlite3.Error as e:
            self._off(f"Progress could no longer be saved to {self.path} ({e}); bptutor goes on without saving.")

    # --- writing -------------------------------------------------------------------------------
    def answer(self, exercise: str, variant: str, step: str, text: str, value: float | None,
               verdict: str, mistake: str | None, hints: int, lesson: bool = True) -> None:
        """Store an answer; a lesson's (not a quiz's) is also the one `bptutor` reopens."""
        self._write("INSERT INTO events (exercise, variant, step, kind, text, value, verdict, mistake, hints, at) "
                    "VALUES (?, ?, ?, 'answer', ?, ?, ?, ?, ?, ?)",
                    (exercise, variant, step, text, value, verdict, mistake, hints, time.time()))
        if lesson:
            self.set_last(exercise, variant)

    def hint(self, exercise: str, variant: str, step: str, stage: int) -> None:
        self._write("INSERT INTO events (exercise, variant, step, kind, hints, at) VALUES (?, ?, ?, 'hint', ?, ?)",
                    (exercise, variant, step, stage, time.time()))
        self.set_last(exercise, variant)

    def start(self, exercise: str, variant: str) -> None:
        """A fresh attempt at a lesson finished before: resuming replays only what follows."""
        self._write("INSERT INTO events (exercise, variant, step, kind, at) VALUES (?, ?, '', 'start', ?)",
                    (exercise, variant, time.time()))

    def set_last(self, exercise: str, variant: str) -> None:
        self._write("INSERT OR REPLACE INTO state (key, value) VALUES ('last', ?)", (f"{variant}\n{exercise}",))

    # --- reading -------------------------------------------------------------------------------
    def _read(self, sql: str, args: tuple = ()) -> list[tuple]:
        if self.db is None:
            return []
        try:
            return self.db.execute(sql, args).fetchall()
        except sqlite3.Error as e:
            self._off(f"Progress could no longer be read from {self.path} ({e}); bptutor goes on without saving.")
            return []

    def events(self, exercise: str, variant: str) -> list[Event]:
        """The events of the current attempt at a lesson, in order."""
        rows = self._read("SELECT step, kind, text, value, verdict, mistake, hints, at FROM events "
                          "WHERE exercise = ? AND variant = ? AND seq > coalesce((SELECT max(seq) FROM events "
                          "WHERE exercise = ? AND variant = ? AND kind = 'start'), 0) ORDER BY seq",
                          (exercise, variant, exercise, variant))
        return [Event(*row) for row in rows]

    def last(self) -> tuple[str, str] | None:
        """(exercise, variant) of the lesson worked on most recently."""
        rows = self._read("SELECT value FROM state WHERE key = 'last'")
        if not rows:
            return None
        variant, _, exercise = rows[0][0].partition("\n")
        return exercise, variant

    def lessons(self) -> list[tuple[str, str]]:
        return [(e, v) for e, v in self._read(
            "SELECT exercise, variant FROM events GROUP BY exercise, variant ORDER BY min(seq)")]

    def rows(self) -> list[dict]:
        """Every answer: for reports."""
        keys = ("exercise", "variant", "step", "text", "value", "verdict", "mistake", "hints", "at")
        return [dict(zip(keys, r)) for r in self._read(
            f"SELECT {', '.join(keys)} FROM events WHERE kind = 'answer' ORDER BY seq")]
