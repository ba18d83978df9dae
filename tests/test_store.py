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
        assert store.saving, store.message
    """)
    procs = [subprocess.Popen([sys.executable, "-c", code, str(home), name]) for name in ("ann", "bob")]
    assert [p.wait(timeout=120) for p in procs] == [0, 0]
    store = Store(home)
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
    assert store.message.startswith("Progress cannot be saved:") and "nothing will be kept" in store.message
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
