"""Progress that is never lost: resume anywhere, after a kill, beside another process, and
sentences instead of tracebacks when the store is broken or cannot be written."""

import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from tutor.lesson.exercise import load
from tutor.lesson.session import Lesson
from tutor.lesson.store import Store

# a learner's evening: right, wrong, a mistake, hints, a reveal, garbage, follow-through
SCRIPT = [("answer", "0.3775"), ("answer", "0.6"), ("answer", "0.59"), ("hint", None), ("answer", "0.3"),
          ("answer", "0.3925"), ("hint", None), ("hint", None), ("hint", None), ("answer", "hello"),
          ("answer", "1.10459"), ("answer", "1/(1+exp(-net_o1))"), ("answer", "1/(1+exp(net_o2))"),
          ("answer", "1.224921404"), ("answer", "0.772928465")]


def act(lesson, action):
    kind, text = action
    return lesson.hint() if kind == "hint" else lesson.submit(text)


def state(lesson):
    return (lesson.index, [(r.attempts, r.hints, r.done, r.typed) for r in lesson.records], dict(lesson.mistakes))


@pytest.mark.parametrize("k", range(len(SCRIPT) + 1))
def test_resume_at_every_point(tmp_path, k):
    ex = load("mazur")
    store = Store(tmp_path / "home")
    lesson = Lesson(ex, "", store)
    for action in SCRIPT[:k]:
        act(lesson, action)
    expected = state(lesson)
    del lesson, store          # the process ends without closing anything

    again = Store(tmp_path / "home")
    resumed = Lesson(load("mazur"), "", again)
    resumed.resume(again.events("mazur", ""))
    assert state(resumed) == expected
    # and it goes on recording where it left off
    resumed.submit(repr(resumed.current.step.value))
    assert len(Store(tmp_path / "home").events("mazur", "")) == k + 1


def test_resume_after_a_kill(tmp_path):
    home = tmp_path / "home"
    code = textwrap.dedent(f"""
        import os, signal
        from tutor.lesson.exercise import load
        from tutor.lesson.session import Lesson
        from tutor.lesson.store import Store
        lesson = Lesson(load("mazur"), "", Store({str(home)!r}))
        for text in ["0.3775", "0.1", "0.593269992", "0.3925"]:
            lesson.submit(text)
        lesson.hint()
        os.kill(os.getpid(), signal.SIGKILL)
    """)
    r = subprocess.run([sys.executable, "-c", code], capture_output=True)
    assert r.returncode == -signal.SIGKILL
    store = Store(home)
    lesson = Lesson(load("mazur"), "", store)
    lesson.resume(store.events("mazur", ""))
    assert lesson.current.step.id == "out_h2" and lesson.current.hints == 1
    assert lesson.records[1].attempts == [("0.1", "wrong"), ("0.593269992", "right")]
    assert store.last() == ("mazur", "")


def test_two_processes_answering_at_once(tmp_path):
    home = tmp_path / "home"
    Store(home)  # create it first
    code = textwrap.dedent("""
        import sys, time
        from tutor.lesson.store import Store
        store = Store(sys.argv[1])
        for i in range(300):
            store.answer("mazur", sys.argv[2], "net_h1", str(i), float(i), "wrong", None, 0)
        for _ in range(100):   # on a loaded machine a write may wait past the busy timeout: kept, retried
            if store.flush():
                break
            time.sleep(0.1)
        assert store.saving and store.status.unsaved == 0, store.message
    """)
    procs = [subprocess.Popen([sys.executable, "-c", code, str(home), name]) for name in ("ann", "bob")]
    assert [p.wait(timeout=120) for p in procs] == [0, 0]
    store = Store(home)
    assert store.message is None
    for name in ("ann", "bob"):
        assert [e.text for e in store.events("mazur", name)] == [str(i) for i in range(300)]
    assert sqlite3.connect(home / "progress.db").execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_a_corrupt_store_is_moved_aside(tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    (home / "progress.db").write_bytes(b"this is not a database" * 100)
    store = Store(home)
    assert store.saving
    assert "could not be read" in store.message and "moved to progress-unreadable-" in store.message
    assert len(list(home.glob("progress-unreadable-*.db"))) == 1
    store.answer("mazur", "", "net_h1", "0.3775", 0.3775, "right", None, 0)
    assert len(Store(home).events("mazur", "")) == 1


def test_a_place_that_cannot_be_written(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    store = Store(blocker / "home")
    assert not store.saving
    assert store.message.startswith("Progress cannot be saved:") and "new answers will not be kept" in store.message
    lesson = Lesson(load("mazur"), "", store)   # the lesson works all the same
    assert lesson.submit("0.3775").status == "right"
    assert store.events("mazur", "") == []


async def test_bptutor_reopens_where_the_learner_left_off(tmp_path, monkeypatch):
    from tutor.ui.app import BPTutorApp
    from tutor.ui.lesson_screen import LessonScreen

    monkeypatch.setenv("BPTUTOR_HOME", str(tmp_path / "home"))
    app = BPTutorApp(load("mazur"))
    async with app.run_test(size=(80, 24)) as pilot:
        for text in ("0.3775", "0.5933"):
            app.screen.query_one("#answer").value = text
            await pilot.press("enter")
            await pilot.pause()
        await pilot.press("f2")
        await pilot.pause()
    app = BPTutorApp()   # plain `bptutor`, a new process in real life
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, LessonScreen)
        lesson = app.screen.lesson
        assert lesson.current.step.id == "net_h2" and lesson.current.hints == 1
        assert "step 3 of 32" in str(app.screen.query_one("#progress").render())


def test_a_fresh_attempt_after_finishing(tmp_path):
    store = Store(tmp_path / "home")
    lesson = Lesson(load("mazur"), "", store)
    while not lesson.finished:
        lesson.submit(repr(lesson.current.step.value))
    store.start("mazur", "")
    again = Lesson(load("mazur"), "", store)
    again.submit("0.3775")
    resumed = Lesson(load("mazur"), "", Store(tmp_path / "home"))
    resumed.resume(Store(tmp_path / "home").events("mazur", ""))
    assert resumed.current.step.id == "out_h1"
    assert len(Store(tmp_path / "home").rows()) == 33   # every answer of both attempts is kept


def notice(screen) -> str:
    """The saving notice as the learner sees it ('' when it is hidden)."""
    from tutor.ui.saving import SavingNotice

    widget = screen.query_one(SavingNotice)
    return str(widget.render()) if widget.display else ""


async def test_the_app_says_when_it_cannot_save(tmp_path, monkeypatch):
    from tutor.ui.app import BPTutorApp
    from tutor.ui.lesson_screen import LessonScreen

    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("BPTUTOR_HOME", str(blocker / "home"))
    app = BPTutorApp(load("mazur"))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, LessonScreen)
        assert "Progress cannot be saved" in notice(app.screen)   # on screen for as long as it is true
        await pilot.press(*"0.3775", "enter")
        await pilot.pause()
        assert app.screen.lesson.current.step.id == "out_h1"   # the lesson goes on
        assert "new answers will not be kept" in notice(app.screen)


async def test_a_write_that_fails_mid_lesson_is_said_at_once_and_retried(tmp_path, monkeypatch):
    """Today a full disk mid-session stopped saving silently while the screen moved on."""
    from tutor.ui.app import BPTutorApp

    monkeypatch.setenv("BPTUTOR_HOME", str(tmp_path / "home"))
    app = BPTutorApp(load("mazur"))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert notice(app.screen) == ""
        store = app.store
        store.retry_every = None   # the test frees the disk and retries by hand
        pages = store.db.execute("PRAGMA page_count").fetchone()[0]
        store.db.execute(f"PRAGMA max_page_count = {pages}")
        for presses in range(1, 300):   # fills the page left, then the disk is full
            app.screen.query_one("#answer").value = "0.1"
            await pilot.press("enter")
            await pilot.pause()
            if notice(app.screen):
                break
        shown = notice(app.screen)
        assert shown.startswith("⚠ Not saved: the disk holding ") and "The answer on screen" in shown
        assert "kept in memory" in shown
        store.db.execute("PRAGMA max_page_count = 1000000")
        assert store.flush()
        await pilot.pause()
        assert notice(app.screen) == ""
        assert any(str(n.message).startswith("Saving again") for n in app._notifications)
    assert [e.text for e in Store(tmp_path / "home").events("mazur", "")] == ["0.1"] * presses


async def full_mid_lesson(app, pilot, answer="0.3775"):
    """The disk fills up under a lesson: the next answer waits in memory."""
    store = app.store
    store.retry_every = None   # the test frees the disk and retries by hand
    fill(store)
    app.screen.query_one("#answer").value = answer
    await pilot.press("enter")
    await pilot.pause()
    assert store.status.unsaved == 2


async def test_quitting_with_answers_not_saved_asks_and_quits_once_they_are(tmp_path, monkeypatch):
    """Today Ctrl+Q on a full disk quit at once and the answers on screen were gone without a word."""
    from tutor.ui.app import BPTutorApp
    from tutor.ui.saving import UnsavedScreen

    monkeypatch.setenv("BPTUTOR_HOME", str(tmp_path / "home"))
    app = BPTutorApp(load("mazur"))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await full_mid_lesson(app, pilot)
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert isinstance(app.screen, UnsavedScreen) and app.is_running
        text = str(app.screen.query_one("#unsaved-text").render())
        assert text.startswith("Your last 2 answers and hints are not saved yet: the disk holding ")
        assert " is full." in text and "quits by itself once they are saved" in text
        await pilot.press("escape")   # back to the lesson, the answer still there
        await pilot.pause()
        assert app.screen.lesson.current.step.id == "out_h1"
        await pilot.press("ctrl+c", "ctrl+c")   # the other way to quit asks too
        await pilot.pause()
        assert isinstance(app.screen, UnsavedScreen)
        app.store.db.execute("PRAGMA max_page_count = 1000000")   # space freed
        assert app.store.flush()
        for _ in range(40):
            await pilot.pause(0.05)
            if not app.is_running:
                break
        assert not app.is_running   # quit, as asked, once all was written
    assert [e.text for e in Store(tmp_path / "home").events("mazur", "")] == ["0.3775"]


async def test_quitting_without_them_says_what_was_lost(tmp_path, monkeypatch, capsys):
    from tutor.__main__ import _said_lost
    from tutor.ui.app import BPTutorApp

    monkeypatch.setenv("BPTUTOR_HOME", str(tmp_path / "home"))
    app = BPTutorApp(load("mazur"))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await full_mid_lesson(app, pilot)
        await pilot.press("ctrl+q", "q")
        await pilot.pause()
        assert not app.is_running
    _said_lost(app)
    err = capsys.readouterr().err
    assert err.startswith("bptutor: Your last 2 answers and hints were not saved: the disk holding ")
    assert err.count("\n") == 1


async def test_quitting_with_everything_saved_quits_at_once(tmp_path, monkeypatch):
    from tutor.ui.app import BPTutorApp

    monkeypatch.setenv("BPTUTOR_HOME", str(tmp_path / "home"))
    app = BPTutorApp(load("mazur"))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press(*"0.3775", "enter", "ctrl+q")
        await pilot.pause()
        assert not app.is_running


@pytest.mark.parametrize("size", [(80, 24), (100, 32)])
async def test_on_the_summary_no_notice_covers_the_text(tmp_path, monkeypatch, size):
    """The disk fills at the last step: the summary says the last answers are not saved,
    in a line of its own below the text; when they are written, the "Saved" toast takes
    rows of its own too. Today the summary had no saving line at all, and the toast lay
    over the bottom right of the text, where the comparison with the post fills in."""
    from textual.widgets._toast import Toast

    from tutor.ui.app import BPTutorApp
    from tutor.ui.saving import SavingNotice
    from tutor.ui.summary import SummaryScreen

    monkeypatch.setenv("BPTUTOR_HOME", str(tmp_path / "home"))
    app = BPTutorApp(load("mazur"))
    async with app.run_test(size=size, notifications=True) as pilot:
        lesson = app.screen.lesson
        while lesson.current.step.id != "E_total+":
            lesson.submit(repr(lesson.current.step.value))
        store = app.store
        store.retry_every = None   # the test frees the disk and retries by hand
        store.db.execute(f"PRAGMA max_page_count = {store.db.execute('PRAGMA page_count').fetchone()[0]}")
        while not notice(app.screen):   # wrong answers until the disk is full
            app.screen.query_one("#answer").value = "0.1"
            await pilot.press("enter")
            await pilot.pause()
        await pilot.press(*"0.2910277737", "enter")
        await pilot.pause()
        assert isinstance(app.screen, SummaryScreen)
        text = app.screen.query_one("#summary")
        assert notice(app.screen).startswith("⚠ Not saved: the disk holding ")
        assert not app.screen.query_one(SavingNotice).region.overlaps(text.region)
        store.db.execute("PRAGMA max_page_count = 1000000")
        assert store.flush()
        await pilot.pause(0.3)
        assert notice(app.screen) == ""
        toasts = list(app.screen.query(Toast))
        assert toasts and "Saving again" in str(toasts[0].render())
        assert all(not t.region.overlaps(text.region) for t in toasts)
        assert text.region.height >= 5   # the text still has room


async def test_the_quiz_and_training_screens_show_the_notice(tmp_path, monkeypatch):
    from tutor.ui.app import BPTutorApp

    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("BPTUTOR_HOME", str(blocker / "home"))
    for app in (BPTutorApp(quiz=(2, ["mazur"])), BPTutorApp(load("mazur"), train=True)):
        async with app.run_test(size=(100, 32)) as pilot:
            await pilot.pause()
            assert "Progress cannot be saved" in notice(app.screen), type(app.screen)


# --- schema 2: room and learner, quiz answers and the last lesson in columns of their own ----------

V1 = """
CREATE TABLE events (seq INTEGER PRIMARY KEY AUTOINCREMENT, exercise TEXT NOT NULL, variant TEXT NOT NULL,
    step TEXT NOT NULL, kind TEXT NOT NULL, text TEXT, value REAL, verdict TEXT, mistake TEXT, hints INTEGER,
    at REAL NOT NULL);
CREATE INDEX events_by_lesson ON events (exercise, variant, seq);
CREATE TABLE state (key TEXT PRIMARY KEY, value TEXT NOT NULL);
PRAGMA user_version = 1;
"""


def v1_store(home, rows, last):
    home.mkdir(parents=True)
    db = sqlite3.connect(home / "progress.db")
    db.executescript(V1)
    db.executemany("INSERT INTO events (exercise, variant, step, kind, text, value, verdict, mistake, hints, at) "
                   "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
    db.execute("INSERT INTO state VALUES ('last', ?)", (last,))
    db.commit()
    db.close()


def test_a_schema_1_store_is_migrated_in_place(tmp_path):
    """A store written by the previous bptutor keeps every answer: quiz answers lose their
    "quiz:" variant prefix for a mode of their own, a file known by its path becomes known by
    its content, and the lesson to reopen is still the last one worked on."""
    own = tmp_path / "mine.toml"
    own.write_text(load("mazur").path.read_text().replace('title = "', 'title = "Mine: '))
    v1_store(tmp_path / "home", [
        ("mazur", "alice", "net_h1", "answer", "0.1", 0.1, "wrong", None, 0, 1.0),
        ("mazur", "quiz:q42", "delta_o1", "answer", "0.7", 0.7, "right", None, 0, 2.0),
        (str(own), "", "net_h1", "answer", "0.3775", 0.3775, "right", None, 0, 3.0),
        (str(own), "", "out_h1", "hint", None, None, None, None, 1, 4.0),
    ], last=f"\n{own}")
    store = Store(tmp_path / "home")
    assert store.saving and store.message is None
    db = sqlite3.connect(tmp_path / "home" / "progress.db")
    assert db.execute("PRAGMA user_version").fetchone()[0] == 2
    assert db.execute("SELECT count(*) FROM sqlite_master WHERE name = 'state'").fetchone()[0] == 0
    rows = store.rows(hints=True)
    assert [(r["exercise"], r["variant"], r["mode"], r["step"]) for r in rows] == [
        ("mazur", "alice", "lesson", "net_h1"), ("mazur", "q42", "quiz", "delta_o1"),
        (rows[2]["exercise"], "", "lesson", "net_h1"), (rows[2]["exercise"], "", "lesson", "out_h1")]
    assert rows[2]["exercise"].startswith("sha256:") and rows[2]["source"] == str(own)
    assert store.last() == (str(own), "")
    lesson = Lesson(load(str(own)), "", store)
    lesson.resume(store.events(lesson.key, ""))
    assert lesson.current.step.id == "out_h1" and lesson.current.hints == 1
    # and the migrated store takes new answers
    lesson.submit("0.593269992")
    assert len(Store(tmp_path / "home").events(lesson.key, "")) == 3


def test_a_foreign_state_table_does_not_stop_saving(tmp_path):
    """Today a `state` table of another shape made every answer fail to save, silently."""
    v1_store(tmp_path / "home", [], last="x")
    db = sqlite3.connect(tmp_path / "home" / "progress.db")
    db.executescript("DROP TABLE state; CREATE TABLE state (id INTEGER PRIMARY KEY, note TEXT);")
    db.close()
    store = Store(tmp_path / "home")
    lesson = Lesson(load("mazur"), "", store)
    lesson.submit("0.3775")
    lesson.hint()
    assert store.saving and store.message is None
    assert [e.kind for e in Store(tmp_path / "home").events("mazur", "")] == ["answer", "hint"]
    assert Store(tmp_path / "home").last() == ("mazur", "")
    tables = {r[0] for r in sqlite3.connect(tmp_path / "home" / "progress.db").execute(
        "SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert "state" in tables   # not ours: left as it was


def test_an_exercise_is_known_by_its_content_not_its_folder(tmp_path):
    text = load("mazur").path.read_text().replace('title = "', 'title = "Copied: ')
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    (tmp_path / "a" / "ex.toml").write_text(text)
    (tmp_path / "b" / "same.toml").write_text(text.replace("\n", "\r\n"))   # and line endings aside
    store = Store(tmp_path / "home")
    lesson = Lesson(load(str(tmp_path / "a" / "ex.toml")), "", store)
    lesson.submit("0.3775")
    lesson.submit("0.593269992")
    moved = Lesson(load(str(tmp_path / "b" / "same.toml")), "", store)
    moved.resume(store.events(moved.key, ""))
    assert moved.current.step.id == "net_h2"
    moved.submit("0.3925")
    assert store.last() == (str((tmp_path / "b" / "same.toml").resolve()), "")


def test_room_and_learner_tag_every_event(tmp_path):
    ann = Store(tmp_path / "home", room="R7", learner="Ann Lee")
    bob = Store(tmp_path / "home", room="R7", learner="Bob")
    me = Store(tmp_path / "home")
    Lesson(load("mazur"), "", ann).submit("0.3775")
    b = Lesson(load("mazur"), "", bob)
    b.submit("0.1")
    b.hint()
    assert [e.text for e in ann.events("mazur", "")] == ["0.3775"]
    assert [e.kind for e in bob.events("mazur", "")] == ["answer", "hint"]
    assert me.events("mazur", "") == [] and me.last() is None
    assert [(r["room"], r["learner"], r["kind"]) for r in me.rows(hints=True)] == [
        ("R7", "Ann Lee", "answer"), ("R7", "Bob", "answer"), ("R7", "Bob", "hint")]
    assert me.rows(room="other") == []


def test_two_windows_on_one_lesson_resume_at_the_furthest_point(tmp_path):
    """Answers interleaved from two windows: today resume stopped at the first answer that did
    not fit (step 2 of 32 here); every answer is kept and the lesson goes on from the furthest."""
    home = tmp_path / "home"
    one, two = (Lesson(load("mazur"), "", Store(home)) for _ in range(2))
    for k in range(4):
        for window in (one, two):
            window.submit(repr(window.current.step.value) if k != 1 else "0.5")  # a wrong one on step 2
            if k == 1:
                window.submit(repr(window.current.step.value))
    assert one.index == two.index == 4
    store = Store(home)
    assert len(store.events("mazur", "")) == 10
    resumed = Lesson(load("mazur"), "", store)
    resumed.resume(store.events("mazur", ""))
    assert resumed.index == 4 and resumed.current.step.id == "net_o1"
    assert [len(r.attempts) for r in resumed.records[:4]] == [1, 2, 1, 1]


def test_an_unreadable_answer_is_not_kept_in_full(tmp_path):
    from tutor.lesson.answer import MAX_LENGTH
    from tutor.lesson.store import TEXT_KEPT

    store = Store(tmp_path / "home")
    lesson = Lesson(load("mazur"), "", store)
    assert lesson.submit("").status == "invalid"
    assert lesson.submit("   ").status == "invalid"
    assert lesson.submit("1" * 1_000_000).status == "invalid"
    events = Store(tmp_path / "home").events("mazur", "")
    assert len(events) == 1   # no empty Enter
    assert len(events[0].text) < TEXT_KEPT + 40 and events[0].text.endswith("(1,000,000 characters in all)")
    assert TEXT_KEPT > MAX_LENGTH   # what is kept is still too long to read: replayed, it is unreadable again
    again = Lesson(load("mazur"), "", store)
    again.resume(events)
    assert again.index == 0


# --- faults: a full disk, a lock, read-only, newer, damaged ----------------------------------------

def fill(store, lesson_or_none=None, limit=5000):
    """Answer until the database is full (PRAGMA max_page_count on the store's connection)."""
    pages = store.db.execute("PRAGMA page_count").fetchone()[0]
    store.db.execute(f"PRAGMA max_page_count = {pages + 1}")
    for i in range(limit):
        store.answer("filler", "", "net_h1", f"{i} " + "x" * 300, None, "wrong", None, 0)
        if store.status.unsaved:
            return i + 1
    raise AssertionError("the store never filled up")


def test_a_full_disk_keeps_answers_in_memory_and_writes_them_when_space_is_free(tmp_path):
    """Today the first failed write turned saving off for good and the answers were lost."""
    seen = []
    store = Store(tmp_path / "home", retry_every=None, on_status=seen.append)
    written = fill(store)
    status = store.status
    assert status.saving and not status.ok and status.unsaved == 1
    assert status.message.startswith("Not saved: the disk holding ") and " is full." in status.message
    assert seen and seen[-1] == status   # said at once, not at the next start
    lesson = Lesson(load("mazur"), "", store)
    lesson.submit("0.3775")
    lesson.hint()
    assert store.status.unsaved == 3 and "and 2 before it are kept in memory" in store.status.message
    assert [e.kind for e in store.events("mazur", "")] == ["answer", "hint"]   # the lesson still sees them
    assert not store.flush()          # still full: nothing lost, still waiting
    store.db.execute("PRAGMA max_page_count = 1000000")   # space freed
    assert store.flush() and store.status.ok and store.status.unsaved == 0
    assert seen[-1].message.startswith("Saving again")
    again = Store(tmp_path / "home")
    assert len([r for r in again.rows() if r["exercise"] == "filler"]) == written
    assert [e.kind for e in again.events("mazur", "")] == ["answer", "hint"]
    assert list((tmp_path / "home").glob("progress-unreadable-*")) == []


def test_a_full_disk_is_retried_by_the_store_itself(tmp_path):
    store = Store(tmp_path / "home", retry_every=0.05)
    fill(store)
    store.db.execute("PRAGMA max_page_count = 1000000")
    for _ in range(400):
        if store.status.ok:
            break
        time.sleep(0.05)
    assert store.status.ok and store.status.unsaved == 0


def hold_lock(path):
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    other.execute("INSERT INTO events (exercise, step, kind, at) VALUES ('theirs', 'net_h1', 'answer', 0)")
    return other


def test_a_locked_store_is_left_alone_and_written_when_free(tmp_path):
    """Today a long lock made the store look unreadable: it was moved aside, answers lost."""
    home = tmp_path / "home"
    Lesson(load("mazur"), "", Store(home)).submit("0.3775")
    other = hold_lock(home / "progress.db")
    store = Store(home, busy_timeout=0.05, retry_every=None)
    assert store.status.ok and store.message is None      # reading is not blocked by a writer
    lesson = Lesson(load("mazur"), "", store)
    lesson.resume(store.events("mazur", ""))
    assert lesson.current.step.id == "out_h1"
    lesson.submit("0.593269992")
    assert not store.status.ok and store.status.unsaved == 1
    assert store.status.message.startswith(f"Not saved: {home / 'progress.db'} is locked by another program.")
    other.execute("COMMIT")   # their answer is kept too
    other.close()
    assert store.flush()
    rows = Store(home).rows()
    assert [r["exercise"] for r in rows] == ["mazur", "theirs", "mazur"]
    assert list(home.glob("progress-unreadable-*")) == []


def test_a_locked_store_at_opening_is_not_moved_aside(tmp_path):
    """A schema 1 store locked while it should be migrated: read from a copy in memory, left
    alone, migrated and written once the lock is gone."""
    home = tmp_path / "home"
    v1_store(home, [("mazur", "", "net_h1", "answer", "0.3775", 0.3775, "right", None, 0, 1.0)], last="\nmazur")
    other = sqlite3.connect(home / "progress.db", isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    store = Store(home, busy_timeout=0.05, retry_every=None)
    assert store.saving and not store.status.ok and "is locked by another program" in store.message
    assert [e.text for e in store.events("mazur", "")] == ["0.3775"]
    store.answer("mazur", "", "out_h1", "0.5933", 0.5933, "right", None, 0)
    other.execute("ROLLBACK")
    other.close()
    assert store.flush() and store.status.ok
    assert [e.text for e in Store(home).events("mazur", "")] == ["0.3775", "0.5933"]
    assert list(home.glob("progress-unreadable-*")) == []


def test_a_store_from_a_newer_bptutor_is_left_untouched(tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    db = sqlite3.connect(home / "progress.db")
    db.execute("CREATE TABLE future (x)")
    db.execute("PRAGMA user_version = 7")
    db.commit()
    db.close()
    before = (home / "progress.db").read_bytes()
    store = Store(home)
    assert not store.saving and "made by a newer bptutor (schema 7" in store.message
    store.answer("mazur", "", "net_h1", "0.3775", 0.3775, "right", None, 0)
    assert store.events("mazur", "") == [] and store.status.unsaved == 0
    assert (home / "progress.db").read_bytes() == before and sorted(p.name for p in home.iterdir()) == ["progress.db"]


def test_a_damaged_store_is_moved_aside_with_its_wal(tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    (home / "progress.db").write_bytes(b"this is not a database" * 100)
    (home / "progress.db-wal").write_bytes(b"wal" * 10)
    store = Store(home)
    aside = list(home.glob("progress-unreadable-*.db"))
    assert len(aside) == 1 and Path(f"{aside[0]}-wal").read_bytes() == b"wal" * 10
    assert store.status.ok and "moved to progress-unreadable-" in store.message and "-wal" in store.message


READER = textwrap.dedent("""
    import json, sys
    from tutor.lesson.exercise import load
    from tutor.lesson.session import Lesson
    from tutor.lesson.store import Store
    store = Store(sys.argv[1])
    lesson = Lesson(load("mazur"), "", store)
    lesson.resume(store.events("mazur", ""))
    before = lesson.current.step.id
    lesson.submit("0.593269992")
    print(json.dumps({"saving": store.saving, "message": store.message, "at": before,
                      "after": lesson.current.step.id, "last": store.last()}))
""")


def without_root_privilege():
    """In the child before exec: drop CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH from the bounding
    set, so that root (tests run as root) meets file permissions like anyone else."""
    import ctypes

    libc = ctypes.CDLL(None, use_errno=True)
    for cap in (1, 2):   # PR_CAPBSET_DROP = 24
        if libc.prctl(24, cap, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP)")


def as_reader(home):
    """Run READER where the store and its folder cannot be written."""
    import json
    import os

    kw = {"preexec_fn": without_root_privilege} if os.geteuid() == 0 else {}
    r = subprocess.run([sys.executable, "-c", READER, str(home)], capture_output=True, text=True, timeout=120, **kw)
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout)


def test_a_store_that_cannot_be_written_is_still_read(tmp_path):
    """A read-only home and file: progress is shown and resumed, the learner told new answers are
    not kept (today: 'cannot be saved' and nothing shown). Root writes through any permission, so
    the reader runs without that privilege."""
    home = tmp_path / "home"
    lesson = Lesson(load("mazur"), "", Store(home))
    lesson.submit("0.3775")
    for p in home.iterdir():
        p.chmod(0o444)
    home.chmod(0o555)
    try:
        seen = as_reader(home)
    finally:
        home.chmod(0o755)
    assert seen["at"] == "out_h1" and seen["after"] == "net_h2" and seen["last"] == ["mazur", ""]
    assert not seen["saving"], seen
    assert seen["message"].startswith(f"Progress cannot be saved: {home / 'progress.db'}")
    assert "new answers will not be kept" in seen["message"]
    assert len(Store(home).events("mazur", "")) == 1




def test_a_migration_that_lost_the_race_does_nothing(tmp_path):
    """Two processes open a schema 1 store: both read version 1, one migrates, the other then
    takes the write lock. It must see the new version and not migrate again (which would
    mangle every row)."""
    from tutor.lesson.store import _upgrade

    home = tmp_path / "home"
    v1_store(home, [("mazur", "quiz:q1", "net_h1", "answer", "0.3775", 0.3775, "right", None, 0, 1.0)], last="")
    late = sqlite3.connect(home / "progress.db", isolation_level=None)
    assert late.execute("PRAGMA user_version").fetchone()[0] == 1      # read before the other migrated
    Store(home, learner="first")                                         # the other process
    _upgrade(late, 1)
    assert [(r["variant"], r["mode"], r["source"]) for r in Store(home).rows()] == [("q1", "quiz", "mazur")]


async def test_a_learner_in_the_room_is_told_at_once_without_the_teachers_paths(tmp_path):
    from tests.functional.test_room import make_room
    from tutor.ui.room_app import RoomApp

    room, _ = make_room(tmp_path / "home")
    app = RoomApp(room, "Ann Lee")
    async with app.run_test(size=(100, 32)) as pilot:
        await pilot.pause()
        assert notice(app.screen) == ""
        store = app.store
        store.retry_every = None
        fill(store)   # the teacher's disk fills up during the lesson
        app.screen.query_one("#answer").value = "0.3775"
        await pilot.press("enter")
        await pilot.pause()
        shown = notice(app.screen)
        assert shown.startswith("⚠ Not saved on the teacher's computer just now") and str(tmp_path) not in shown
        store.db.execute("PRAGMA max_page_count = 1000000")
        assert store.flush()
        await pilot.pause()
        assert notice(app.screen) == ""
    assert [e.text for e in Store(tmp_path / "home", room="test-room", learner="Ann Lee").events("mazur", "")] == [
        "0.3775"]


# --- a breakdown (F4) is work on a lesson: where the learner left it --------------------------------
def _asks_w6_first(tmp_path) -> Path:
    """The post with w6+ as its first step: F4 is the first thing a learner can do there."""
    from tutor.lesson.catalog import bundled_dir

    text = (bundled_dir() / "mazur.toml").read_text()
    head, rest = text.split("[lesson]\n", 1)
    path = tmp_path / "w6-first.toml"
    path.write_text(head + '[lesson]\nask = ["w6+", "w7+"]\n' + rest.split("]\n", 1)[1])
    return path


def test_a_breakdown_with_nothing_after_it_is_where_the_learner_left(tmp_path):
    from tutor.lesson.opening import State, open_lesson

    store = Store(tmp_path / "home")
    mazur = Lesson(load("mazur"), "", store)
    while mazur.current.step.id != "w6+":
        mazur.submit(repr(mazur.current.step.value))
    Lesson(load("xor"), "", store).submit("0.5")           # then another lesson
    again = open_lesson("mazur", "", store).lesson           # back to the post: F4, and nothing typed
    again.breakdown()
    assert Store(tmp_path / "home").last() == ("mazur", "")

    own = _asks_w6_first(tmp_path)
    store = Store(tmp_path / "other")
    kept: dict = {}
    opening = open_lesson(str(own), "", store, kept)
    assert opening.state is State.FRESH
    opening.lesson.breakdown()                                # the only event of this learner
    assert Store(tmp_path / "other").last() == (str(own.resolve()), "")
    assert open_lesson(str(own), "", store, kept).state is State.RESUMED            # still open in this process
    reopened = open_lesson(str(own), "", Store(tmp_path / "other"))                  # a new process
    assert reopened.state is State.RESUMED and reopened.lesson.current.step.id == "dE_total/dw6"


async def test_bptutor_reopens_a_lesson_left_after_f4(tmp_path, monkeypatch):
    from tutor.ui.app import BPTutorApp
    from tutor.ui.lesson_screen import LessonScreen

    monkeypatch.setenv("BPTUTOR_HOME", str(tmp_path / "home"))
    own = _asks_w6_first(tmp_path)
    app = BPTutorApp(load(str(own)))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f4")
        await pilot.pause()
        assert app.screen.lesson.current.step.id == "dE_total/dw6"
    app = BPTutorApp()   # plain `bptutor`, a new process in real life
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, LessonScreen)
        assert app.screen.lesson.current.step.id == "dE_total/dw6"
        assert "step 1 of 3" in str(app.screen.query_one("#progress").render())
