"""Progress that is never lost: every answer and hint in SQLite, the moment it is given.

A lesson is stored as its events in order (answers with their verdicts, hints, steps broken
down); reopening replays them through the same checking, which brings back the same step,
the earlier answers and hints exactly. The place is BPTUTOR_HOME, else the user's data directory.
Every event is tagged with the room and the learner ('' and '' on a learner's own
machine), so one store can hold a whole workshop.

The store never destroys what it cannot read right now, and never raises at the learner:

- a file that is not a database, or fails SQLite's integrity check, is moved aside with its
  -wal and -shm (after a checkpoint attempt) and a fresh store is started;
- a locked, busy or full store, or an I/O error, is said as what it is and left alone: the
  answers given meanwhile are kept in memory and written when it can again (`flush`, tried
  again every few seconds by a thread of the store's own);
- a store made by a newer bptutor is left untouched and not used;
- a store that cannot be written (read-only file or home) is still read.

Each case leaves one sentence in `message`; every change is told to `on_status`.
"""

from __future__ import annotations

import atexit
import hashlib
import os
import shutil
import sqlite3
import threading
import time
import weakref
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

SCHEMA_VERSION = 2
SCHEMA = """
CREATE TABLE IF NOT EXISTS events (
    seq      INTEGER PRIMARY KEY AUTOINCREMENT,
    room     TEXT NOT NULL DEFAULT '',        -- the workshop room; '' on a learner's own machine
    learner  TEXT NOT NULL DEFAULT '',        -- who answered; '' for the owner of this store
    exercise TEXT NOT NULL,                   -- the exercise by content: a bundled name or 'sha256:...'
    source   TEXT NOT NULL DEFAULT '',        -- where it was opened from: a bundled name or a file's path
    variant  TEXT NOT NULL DEFAULT '',        -- whose numbers: '' for the file's own
    mode     TEXT NOT NULL DEFAULT 'lesson',  -- lesson | quiz | room (a learner came into the room)
    step     TEXT NOT NULL,
    kind     TEXT NOT NULL,                   -- answer | hint (stage 3: the answer shown) | breakdown | start | join
    text     TEXT,
    value    REAL,
    verdict  TEXT,
    mistake  TEXT,
    hints    INTEGER,
    at       REAL NOT NULL                    -- seconds since the epoch
);
CREATE INDEX IF NOT EXISTS events_by_lesson ON events (room, learner, exercise, variant, seq);
CREATE INDEX IF NOT EXISTS events_by_learner ON events (room, learner, seq);
"""
COLUMNS = ("room", "learner", "exercise", "source", "variant", "mode", "step", "kind", "text", "value",
           "verdict", "mistake", "hints", "at")
TEXT_KEPT = 400   # characters of an answer kept; more than answer.MAX_LENGTH, so a cut answer stays unreadable
RETRY_EVERY = 3.0  # seconds between attempts to write what could not be written
ANSWER_WAIT = 0.2  # seconds an answer's own write waits for a lock before it is left to the retries
WORK = ("answer", "hint", "breakdown")   # the events that are work on a lesson (not 'start', not 'join')


def default_home() -> Path:
    if os.environ.get("BPTUTOR_HOME"):
        return Path(os.environ["BPTUTOR_HOME"]).expanduser()
    import platformdirs

    return Path(platformdirs.user_data_dir("bptutor", appauthor=False))


# --- what an exercise is called in the store ------------------------------------------------------
_opened_from: dict[str, str] = {}   # exercise key -> where this process last opened it from


def exercise_key(name: str, path: Path) -> str:
    """An exercise by its content, not where its file lies: a bundled exercise by its name,
    any other file by a hash of its text (line endings aside), so the same file opened from
    another folder, or on the teacher's machine, is the same exercise."""
    from .catalog import bundled_dir

    path = Path(path).resolve()
    if path.parent == bundled_dir().resolve():
        key = source = name
    else:
        try:
            text = path.read_bytes().replace(b"\r\n", b"\n")
            key = "sha256:" + hashlib.sha256(text).hexdigest()[:16]
        except OSError:
            key = str(path)   # gone since it was loaded: known by its place, as a last resort
        source = str(path)
    _opened_from[key] = source
    return key


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


@dataclass(frozen=True)
class Status:
    """What the learner must know about saving. `message` is None when all is well."""
    saving: bool            # new answers are written (or will be, once the cause goes away)
    unsaved: int            # answers and hints given but not written yet
    message: str | None
    ok: bool = True         # writing works right now
    cause: str = ""         # why writing fails, as what it is: "the disk holding ... is full"


# SQLite's primary result codes (https://sqlite.org/rescode.html)
_DAMAGED = {11, 26}             # CORRUPT, NOTADB
_BUSY = {5, 6}                  # BUSY, LOCKED
_FULL = {13}                    # FULL
_READONLY = {3, 8, 14, 23}      # PERM, READONLY, CANTOPEN, AUTH
_IO = {10}                      # IOERR


class _Newer(Exception):
    def __init__(self, version: int):
        self.version = version


def _code(e: BaseException) -> int:
    return (getattr(e, "sqlite_errorcode", None) or 0) & 0xFF


def _why(e: BaseException, path: Path) -> str:
    """A fault said as what it is."""
    code = _code(e)
    if code in _BUSY:
        return f"{path} is locked by another program"
    if code in _FULL:
        return f"the disk holding {path} is full"
    if code in _READONLY:
        return f"{path} cannot be written"
    if code in _IO:
        try:   # a full disk often shows as an I/O error (the -wal or -shm cannot grow)
            full = shutil.disk_usage(path.parent).free < 256 * 1024
        except OSError:
            full = False
        if full:
            return f"the disk holding {path} is full"
        return f"the disk reported an error reading or writing {path} ({e})"
    if code in _DAMAGED:
        return f"{path} is damaged ({e})"
    return f"{path} could not be used ({e})"


def _unsaved(cause: str, n: int) -> str:
    return (f"Not saved: {cause}. The answer on screen" + (f" and {n - 1} before it are" if n > 1 else " is")
            + " kept in memory and saved as soon as it can be.")


class Store:
    def __init__(self, home: Path | str | None = None, *, room: str = "", learner: str = "",
                 busy_timeout: float = 5.0, retry_every: float | None = RETRY_EVERY,
                 on_status: Callable[[Status], None] | None = None):
        self.home = default_home() if home is None else Path(home)
        self.path = self.home / "progress.db"
        self.room, self.learner = room, learner
        self.busy_timeout = busy_timeout   # seconds a write waits for another's lock (retries, opening)
        self.answer_wait = min(ANSWER_WAIT, busy_timeout)   # ... an answer on the UI thread waits
        self.retry_every = retry_every
        self.on_status = on_status
        self.db: sqlite3.Connection | None = None   # what is read (and written, when `_writable`)
        self._writable = False
        self._final = False          # no writing this run, whatever happens (newer, read-only)
        self._pending: list[dict] = []   # written when the store can again, in order
        self._problem: str | None = None  # what the learner is told while writing fails
        self._cause = ""                  # why it fails: "the disk holding ... is full"
        self._lock = threading.RLock()      # the pending list and the state, held briefly
        self._db_lock = threading.RLock()   # the connection (a write may wait for a lock)
        self._retrying: threading.Thread | None = None
        self.message: str | None = None
        self._open()
        atexit.register(_last_try, weakref.ref(self))

    # --- state --------------------------------------------------------------------------------
    @property
    def saving(self) -> bool:
        """New answers are kept: written now, or as soon as the cause goes away."""
        return not self._final

    @property
    def status(self) -> Status:
        with self._lock:
            return Status(self.saving, len(self._pending), self.message,
                          ok=self.saving and self._problem is None, cause=self._cause)

    def _tell(self) -> None:
        if self.on_status is not None:
            self.on_status(self.status)

    # --- opening ------------------------------------------------------------------------------
    def _open(self) -> None:
        try:
            self.home.mkdir(parents=True, exist_ok=True)
        except OSError as e:
            self._stop(f"Progress cannot be saved: {self.home} cannot be created ({e.strerror or e}). "
                       "bptutor works, but new answers will not be kept.")
            return
        try:
            damage = self._probe()
            if damage is not None:
                self._move_aside(damage)
                return
            self.db, self._writable = self._connect(), True
            return
        except _Newer as e:
            self._stop(f"Progress is not used: {self.path} was made by a newer bptutor (schema {e.version}; "
                       f"this one knows {SCHEMA_VERSION}). It is left as it is; bptutor works, but new "
                       "answers will not be kept. Update bptutor to go on with it.")
            return
        except sqlite3.Error as e:
            error = e
        code = _code(error)
        if code in _DAMAGED:
            self._move_aside(error)
        elif code in _READONLY:
            self._read_only(f"Progress cannot be saved: {self.path} cannot be written. Your progress so far "
                            "is shown, but new answers will not be kept.", final=True)
        else:  # locked, busy, full, I/O: said as what it is, the file left alone, tried again later
            self._cause = _why(error, self.path)
            self._read_only(f"Progress is not being saved right now: {self._cause}. "
                            "Answers are kept in memory and saved when it can again.", final=False)
            self._problem = self.message
            self._start_retrying()

    def _connect(self) -> sqlite3.Connection:
        """The store, read-write, at this schema (made or migrated). Raises what went wrong."""
        db = sqlite3.connect(self.path, timeout=self.busy_timeout, isolation_level=None,
                             check_same_thread=False)
        try:
            db.execute(f"PRAGMA busy_timeout = {int(self.busy_timeout * 1000)}")
            version = db.execute("PRAGMA user_version").fetchone()[0]   # NOTADB shows here
            if version > SCHEMA_VERSION:
                raise _Newer(version)
            if db.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
                db.execute("PRAGMA journal_mode = WAL")  # several bptutor processes at once
            if version < SCHEMA_VERSION:
                _upgrade(db, version)
            else:   # SQLite opens a read-only file without a word, and fails at the first answer
                wal = Path(f"{self.path}-wal")
                if not os.access(self.path, os.W_OK) or not os.access(wal if wal.exists() else self.home, os.W_OK):
                    e = sqlite3.OperationalError("attempt to write a readonly database")
                    e.sqlite_errorcode = 8  # type: ignore[attr-defined]   # SQLITE_READONLY
                    raise e
        except BaseException:
            db.close()
            raise
        return db

    def _probe(self) -> sqlite3.Error | None:
        """Is the file damaged (not a database, or failing SQLite's integrity check)? Looked at
        read-only first: a read-write connection to a file that is not a database deletes
        its -wal when it closes. Other faults (locked, I/O) are for the read-write attempt."""
        if not self.path.exists():
            return None
        try:
            db = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, timeout=self.busy_timeout)
        except sqlite3.Error:
            return None
        try:
            if db.execute("PRAGMA user_version").fetchone()[0] > SCHEMA_VERSION:
                return None   # not ours to judge
            integrity = db.execute("PRAGMA quick_check").fetchone()[0]
            if integrity != "ok":
                e = sqlite3.DatabaseError(f"integrity check: {integrity}")
                e.sqlite_errorcode = 11  # type: ignore[attr-defined]   # SQLITE_CORRUPT
                return e
            return None
        except sqlite3.Error as e:
            return e if _code(e) in _DAMAGED else None
        finally:
            db.close()

    def _read_only(self, message: str, final: bool) -> None:
        """Read what is there without writing a byte: a copy in memory, migrated if it is old."""
        self._final = final
        self.message = message
        if not self.path.exists():
            return
        for uri in (f"file:{self.path}?mode=ro", f"file:{self.path}?immutable=1"):
            try:
                src = sqlite3.connect(uri, uri=True, timeout=self.busy_timeout, check_same_thread=False)
                version = src.execute("PRAGMA user_version").fetchone()[0]
                if version > SCHEMA_VERSION:
                    src.close()
                    return
                mem = sqlite3.connect(":memory:", isolation_level=None, check_same_thread=False)
                src.backup(mem)
                src.close()
                if version < SCHEMA_VERSION:
                    _upgrade(mem, version)
                self.db = mem
                return
            except sqlite3.Error:
                continue

    def _move_aside(self, error: sqlite3.Error) -> None:
        """Move a damaged store aside with its -wal and -shm, and start a fresh one. The -wal
        is copied first; then, if the file is a database at all, a checkpoint is tried, so
        that what the -wal holds is in the file kept aside, and nothing is lost either way."""
        stamp = time.strftime("%Y%m%d-%H%M%S")
        aside = self.path.with_name(f"progress-unreadable-{stamp}.db")
        wal, shm = Path(f"{self.path}-wal"), Path(f"{self.path}-shm")
        try:
            if wal.exists():
                shutil.copy2(wal, f"{aside}-wal")
            if _code(error) not in (26,):   # a database that fails its check: try to checkpoint it
                try:
                    db = sqlite3.connect(self.path, timeout=self.busy_timeout)
                    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
                    db.close()
                except sqlite3.Error:
                    pass
            os.replace(self.path, aside)
            if wal.exists():
                os.replace(wal, f"{aside}-wal")
            if shm.exists():
                os.replace(shm, f"{aside}-shm")
            self.db, self._writable = self._connect(), True
            self.message = (f"The progress store {self.path} could not be read ({error}); it was moved to "
                            f"{aside.name} (with its -wal and -shm) and a fresh one started.")
        except (OSError, sqlite3.Error, _Newer) as e2:
            self._stop(f"Progress cannot be saved: {self.path} is unreadable and could not be replaced ({e2}).")

    def _stop(self, message: str) -> None:
        self._final = True
        self.message = message
        self._pending.clear()

    # --- writing ------------------------------------------------------------------------------
    def _add(self, **event) -> None:
        row = {"room": self.room, "learner": self.learner, "source": _opened_from.get(event["exercise"], ""),
               "mode": "lesson", "text": None, "value": None, "verdict": None, "mistake": None, "hints": None,
               "at": time.time(), **event}
        with self._lock:
            if self._final:
                return
            self._pending.append(row)
            direct = self._problem is None   # while writing fails, the retrying thread writes, in order
            if not direct:
                self._problem = self.message = _unsaved(self._cause, len(self._pending))
        if direct:
            self._write_pending(self.answer_wait)
        else:
            self._tell()

    def _reconnect(self) -> None:
        """The store read-write again, in place of a read-only copy."""
        fresh = self._connect()
        if self.db is not None:
            self.db.close()
        self.db, self._writable = fresh, True

    def _write_pending(self, wait: float | None = None) -> bool:
        """Write every pending event in one transaction, waiting at most `wait` seconds for a
        lock (default: busy_timeout); on failure keep them, say why, retry."""
        with self._db_lock:
            with self._lock:
                batch = list(self._pending)
                before = self._problem
            if not batch:
                return True
            try:
                if not self._writable:
                    self._reconnect()
                self.db.execute(f"PRAGMA busy_timeout = {int((wait or self.busy_timeout) * 1000)}")
                self.db.execute("BEGIN IMMEDIATE")
                try:
                    self.db.executemany(
                        f"INSERT INTO events ({', '.join(COLUMNS)}) VALUES ({', '.join('?' * len(COLUMNS))})",
                        [tuple(row[c] for c in COLUMNS) for row in batch])
                    self.db.execute("COMMIT")
                except BaseException:
                    if self.db.in_transaction:
                        self.db.execute("ROLLBACK")
                    raise
            except _Newer as e:
                with self._lock:
                    self._stop(f"Progress is no longer saved: {self.path} was replaced by a newer bptutor's "
                               f"store (schema {e.version}).")
                self._tell()
                return False
            except sqlite3.Error as e:
                with self._lock:
                    self._cause = _why(e, self.path)
                    self._problem = self.message = _unsaved(self._cause, len(self._pending))
                self._tell()
                self._start_retrying()
                return False
            with self._lock:
                del self._pending[:len(batch)]
                if before is not None:
                    self._problem = None
                    self.message = f"Saving again: every answer is now in {self.path}."
            if before is not None:
                self._tell()
            return True

    def flush(self, wait: float | None = None) -> bool:
        """Try now to write what could not be written, waiting at most `wait` seconds for a
        lock (default: busy_timeout). True when nothing is left unsaved."""
        with self._lock:
            idle = not self._pending and self._problem is not None and not self._final
        if idle:   # nothing waits: only see whether the store can be written again
            with self._db_lock:
                try:
                    if not self._writable:
                        self._reconnect()
                except (sqlite3.Error, _Newer):
                    return True
                with self._lock:
                    self._problem = None
                    self.message = f"Saving again to {self.path}."
            self._tell()
            return True
        return self._write_pending(wait)

    def _start_retrying(self) -> None:
        if self.retry_every is None or (self._retrying is not None and self._retrying.is_alive()):
            return

        def retry() -> None:
            while True:
                time.sleep(self.retry_every)
                with self._lock:
                    if self._final or self._problem is None:
                        return
                self.flush(wait=min(1.0, self.busy_timeout))   # short: the UI may want to read meanwhile

        self._retrying = threading.Thread(target=retry, name="bptutor-store-retry", daemon=True)
        self._retrying.start()

    def answer(self, exercise: str, variant: str, step: str, text: str, value: float | None,
               verdict: str, mistake: str | None, hints: int, lesson: bool = True) -> None:
        """Store an answer of a lesson (or, lesson=False, of a quiz). An empty Enter is not
        stored; a long paste is cut to TEXT_KEPT characters."""
        if not text.strip():
            return
        if len(text) > TEXT_KEPT:
            text = text[:TEXT_KEPT] + f"… ({len(text):,} characters in all)"
        self._add(exercise=exercise, variant=variant, step=step, kind="answer", text=text, value=value,
                  verdict=str(verdict), mistake=mistake, hints=hints, mode="lesson" if lesson else "quiz")

    def hint(self, exercise: str, variant: str, step: str, stage: int) -> None:
        """A hint seen; stage 3 is the answer shown."""
        self._add(exercise=exercise, variant=variant, step=step, kind="hint", hints=stage)

    def breakdown(self, exercise: str, variant: str, step: str) -> None:
        """A step broken down: what it is made from and was not known is asked before it."""
        self._add(exercise=exercise, variant=variant, step=step, kind="breakdown")

    def join(self) -> None:
        """The learner came into the room (a room's dashboard lists everyone who came in, also
        those who leave before a first answer). Not a lesson's event: no exercise, no step."""
        self._add(exercise="", variant="", step="", kind="join", mode="room")

    def start(self, exercise: str, variant: str) -> None:
        """A fresh attempt at a lesson finished before: resuming replays only what follows."""
        self._add(exercise=exercise, variant=variant, step="", kind="start")

    # --- reading ------------------------------------------------------------------------------
    def _read(self, sql: str, args: tuple = ()) -> list[tuple]:
        with self._db_lock:
            if self.db is None:
                return []
            try:
                return self.db.execute(sql, args).fetchall()
            except sqlite3.Error as e:
                self.message = f"Progress could not be read: {_why(e, self.path)}."
                self._tell()
                return []

    def _pending_rows(self, **match) -> list[dict]:
        with self._lock:
            return [r for r in self._pending if all(r[k] == v for k, v in match.items())]

    def events(self, exercise: str, variant: str) -> list[Event]:
        """The events of this learner's current attempt at a lesson, in order (those not
        written yet included)."""
        return self.attempts(exercise, variant)[-1]

    @staticmethod
    def attempts_of(events: list[Event]) -> list[list[Event]]:
        """A lesson's events cut into attempts: a 'start' event begins a fresh one."""
        attempts: list[list[Event]] = [[]]
        for e in events:
            if e.kind == "start":
                attempts.append([])
            else:
                attempts[-1].append(e)
        return attempts

    def attempts(self, exercise: str, variant: str) -> list[list[Event]]:
        """Every attempt at a lesson by this learner, oldest first (the last is the current one)."""
        rows = self._read("SELECT step, kind, text, value, verdict, mistake, hints, at FROM events "
                          "WHERE room = ? AND learner = ? AND exercise = ? AND variant = ? AND mode = 'lesson' "
                          "ORDER BY seq", (self.room, self.learner, exercise, variant))
        events = [Event(*row) for row in rows]
        events += [Event(*(r[c] for c in ("step", "kind", "text", "value", "verdict", "mistake", "hints", "at")))
                   for r in self._pending_rows(room=self.room, learner=self.learner, exercise=exercise,
                                               variant=variant, mode="lesson")]
        return self.attempts_of(events)

    def last(self) -> tuple[str, str] | None:
        """(where to open it from, variant) of this learner's lesson worked on most recently:
        the latest answer, hint or breakdown (a learner who pressed F4 and left comes back to
        the steps it asked)."""
        pending = [r for r in self._pending_rows(room=self.room, learner=self.learner, mode="lesson")
                   if r["kind"] in WORK]
        if pending:
            return pending[-1]["source"] or pending[-1]["exercise"], pending[-1]["variant"]
        rows = self._read("SELECT exercise, source, variant FROM events WHERE room = ? AND learner = ? "
                          f"AND mode = 'lesson' AND kind IN ({', '.join('?' * len(WORK))}) ORDER BY seq DESC LIMIT 1",
                          (self.room, self.learner, *WORK))
        if not rows:
            return None
        exercise, source, variant = rows[0]
        return source or exercise, variant

    def lessons(self) -> list[tuple[str, str, str]]:
        """(exercise, where to open it from, variant) of this learner's lessons, first begun first."""
        rows = self._read("SELECT exercise, variant, max(seq), min(seq) FROM events WHERE room = ? AND learner = ? "
                          "AND mode = 'lesson' GROUP BY exercise, variant ORDER BY min(seq)",
                          (self.room, self.learner))
        out = []
        for exercise, variant, newest, _ in rows:
            source = self._read("SELECT source FROM events WHERE seq = ?", (newest,))
            out.append((exercise, (source[0][0] if source else "") or exercise, variant))
        return out

    def rows(self, room: str | None = None, hints: bool = False) -> list[dict]:
        """Every answer in the store (of one room, if given; with the hints and answers shown,
        if asked), in order: for reports."""
        kinds = ("answer", "hint") if hints else ("answer",)
        where = f"kind IN ({', '.join('?' * len(kinds))})" + (" AND room = ?" if room is not None else "")
        args = kinds + ((room,) if room is not None else ())
        rows = [dict(zip(COLUMNS, r)) for r in self._read(
            f"SELECT {', '.join(COLUMNS)} FROM events WHERE {where} ORDER BY seq", args)]
        rows += [dict(r) for r in self._pending_rows() if r["kind"] in kinds and (room is None or r["room"] == room)]
        return rows

    def close(self) -> None:
        with self._db_lock:
            if self.db is not None:
                try:
                    self.db.close()
                except sqlite3.Error:
                    pass
            self.db = None


def _last_try(ref: "weakref.ref[Store]") -> None:
    """At exit, one more attempt at what could not be written."""
    store = ref()
    if store is not None and store.status.unsaved:
        store.flush()


# --- schema versions -------------------------------------------------------------------------------
def _upgrade(db: sqlite3.Connection, version: int) -> None:
    """Bring a store to this schema in one transaction (nothing changes if it fails)."""
    db.execute("BEGIN IMMEDIATE")
    try:
        version = db.execute("PRAGMA user_version").fetchone()[0]   # another process may have done it
        if version >= SCHEMA_VERSION:
            db.execute("COMMIT")
            return
        if version == 0:
            _create(db)
        elif version == 1:
            _from_1(db)
        db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        db.execute("COMMIT")
    except BaseException:
        if db.in_transaction:
            db.execute("ROLLBACK")
        raise


def _create(db: sqlite3.Connection) -> None:
    """SCHEMA, statement by statement (executescript would end the transaction)."""
    import re

    for statement in re.sub(r"--[^\n]*", "", SCHEMA).split(";"):
        if statement.strip():
            db.execute(statement)


def _from_1(db: sqlite3.Connection) -> None:
    """Schema 1 -> 2: quiz answers leave the "quiz:" prefix of the variant for a mode of their own;
    a file known by its path becomes known by its content (where the file can still be read);
    the room and the learner get columns; the "last lesson" row is read from the events."""
    from .catalog import bundled

    names = set(bundled())
    db.execute("ALTER TABLE events RENAME TO events_v1")
    db.execute("DROP INDEX IF EXISTS events_by_lesson")
    _create(db)
    db.execute(
        "INSERT INTO events (seq, exercise, source, variant, mode, step, kind, text, value, verdict, mistake, "
        "hints, at) SELECT seq, exercise, exercise, "
        "CASE WHEN variant LIKE 'quiz:%' THEN substr(variant, 6) ELSE variant END, "
        "CASE WHEN variant LIKE 'quiz:%' THEN 'quiz' ELSE 'lesson' END, "
        "step, kind, text, value, verdict, mistake, hints, at FROM events_v1 ORDER BY seq")
    db.execute("DROP TABLE events_v1")
    for (exercise,) in db.execute("SELECT DISTINCT exercise FROM events").fetchall():
        if exercise in names or not Path(exercise).is_file():
            continue
        key = exercise_key(Path(exercise).stem, Path(exercise))
        db.execute("UPDATE events SET exercise = ? WHERE exercise = ?", (key, exercise))
    columns = [r[1] for r in db.execute("PRAGMA table_info(state)").fetchall()]
    if columns == ["key", "value"]:   # schema 1's own; a table of that name made by anything else stays
        db.execute("DROP TABLE state")
