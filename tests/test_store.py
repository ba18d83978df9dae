"""Progress that is never lost: resume anywhere, after a kill, beside another process, and
sentences instead of tracebacks when the store is broken or cannot be written."""

import signal
import sqlite3
import subprocess
import sys
import textwrap

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
        for text in ["0.3775", "0.5", "0.593269992", "0.3925"]:
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
    assert lesson.records[1].attempts == [("0.5", "wrong"), ("0.593269992", "right")]
    assert store.last() == ("mazur", "")


def test_two_processes_answering_at_once(tmp_path):
    home = tmp_path / "home"
    Store(home)  # create it first
    code = textwrap.dedent("""
        import sys
        from tutor.lesson.store import Store
        store = Store(sys.argv[1])
        for i in range(300):
            store.answer("mazur", sys.argv[2], "net_h1", str(i), float(i), "wrong", None, 0)
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
        assert any("Progress cannot be saved" in str(n.message) for n in app._notifications)
        app.screen.query_one("#answer").value = "0.3775"
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen.lesson.current.step.id == "out_h1"   # the lesson goes on


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
    rows = store.rows()
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
    assert [(r["room"], r["learner"], r["kind"]) for r in me.rows()] == [
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
