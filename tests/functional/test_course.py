"""A course of a teacher's own: a folder of exercises in the order its course.toml gives,
on the home screen with where the learner stands in each, and in list, quiz and progress."""

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from textual.widgets import OptionList

from tutor import __main__ as cli
from tutor.lesson.catalog import CourseError, bundled, course
from tutor.lesson.exercise import load
from tutor.lesson.session import Lesson
from tutor.lesson.store import Store
from tutor.ui.app import BPTutorApp

EXAMPLES = Path(__file__).resolve().parents[2] / "docs" / "examples"
LONG = "a-rather-long-name-for-an-exercise"


@pytest.fixture
def folder(tmp_path):
    shutil.copy(EXAMPLES / "smallest.toml", tmp_path / f"{LONG}.toml")
    shutil.copy(EXAMPLES / "softmax-online.toml", tmp_path / "three.toml")
    (tmp_path / "course.toml").write_text(f'title = "Week 3"\nexercises = ["three", "{LONG}", "mazur"]\n')
    return tmp_path


def bptutor(*args):
    return subprocess.run([sys.executable, "-m", "tutor", *args], capture_output=True, text=True)


def test_the_course_file_gives_the_order(folder):
    c = course(folder)
    assert c.title == "Week 3" and [e.name for e in c.entries] == ["three", LONG, "mazur"]
    assert c.entries[0].teaches.startswith("Softmax with cross-entropy") and c.entries[2].spec == "mazur"


def test_without_a_course_file_every_exercise_by_name(folder):
    (folder / "course.toml").unlink()
    assert [e.name for e in course(folder).entries] == [LONG, "three"]


@pytest.mark.parametrize("text, problem", [
    ('exercises = ["nosuch"]', "exercises[0]: 'nosuch' is neither a file in"),
    ('exercises = "three"', "exercises: must be a list of file names"),
    ('order = ["three"]', "order: unknown key"),
])
def test_a_wrong_course_file_is_one_line(folder, text, problem):
    (folder / "course.toml").write_text(text)
    with pytest.raises(CourseError, match=re.escape(problem)):
        course(folder)
    r = bptutor("list", "--course", str(folder))
    assert r.returncode == 2 and problem.split(":")[0] in r.stderr and "Traceback" not in r.stderr


def test_list_keeps_its_columns_on_long_names(folder):
    out = bptutor("--course", str(folder), "list").stdout.splitlines()
    assert out[0] == "Week 3"
    titles = [line for line in out[1:] if not line.startswith(" ")]
    column = len(LONG) + 2
    assert [t[:column].strip() for t in titles] == ["three", LONG, "mazur"]
    assert all(line[column - 1] == " " and line[column] != " " for line in out[1:])


def test_the_bundled_lessons_are_in_teaching_order():
    names = bundled()
    assert names[:2] == ["mazur", "mazur-biases"] and names.index("momentum") < names.index("xor")
    assert names.index("two-samples-batch") < names.index("tanh") < names.index("deep-tanh")
    assert sorted(names) == sorted(p.stem for p in load("mazur").path.parent.glob("*.toml") if p.stem != "course")


def test_quiz_and_lessons_by_name_in_a_course(folder, monkeypatch):
    import tutor.ui.app

    seen = []

    class App:
        return_code = 0
        refused = None   # the lesson opened (BPTutorApp.refused: why it could not be)

        def __init__(self, exercise=None, variant="", quiz=None, course=None, **kw):
            seen.append((exercise, quiz, course))

        def run(self):
            pass

    monkeypatch.setattr(tutor.ui.app, "BPTutorApp", App)
    assert cli.main(["--course", str(folder), "quiz", "-n", "3"]) == 0
    assert seen[-1][1] == (3, [str(folder / "three.toml"), str(folder / f"{LONG}.toml"), "mazur"])
    assert cli.main(["three", "--course", str(folder)]) == 0
    assert seen[-1][0].ex.title == "Three classes, online" and seen[-1][2].title == "Week 3"


async def _lessons(app, pilot):
    await pilot.pause()
    await app.workers.wait_for_complete()
    await pilot.pause()
    options = app.screen.query_one(OptionList)
    return [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]


async def test_the_home_screen_shows_a_course_in_its_order(folder):
    app = BPTutorApp(course=course(folder))
    async with app.run_test(size=(100, 32)) as pilot:
        lessons = await _lessons(app, pilot)
    assert [p.split("\n")[0] for p in lessons] == [
        "▸ Three classes, online  (three)  not started", f"  One hidden layer  ({LONG})  not started",
        "  A Step by Step Backpropagation Example  (mazur)  not started"]
    assert "Teaches: Softmax with cross-entropy" in lessons[0]


async def test_the_home_screen_says_where_the_learner_stands():
    store = Store()
    started = Lesson(load("mazur-biases"), store=store)
    for _ in range(3):
        started.submit(f"{started.current.step.value:.9g}")
    done = Lesson(load("relu"), store=store)
    done.submit("0.1")  # a wrong first try
    while not done.finished:
        done.submit(f"{done.current.step.value:.9g}")
    store.close()
    app = BPTutorApp()
    async with app.run_test(size=(100, 32)) as pilot:
        app.action_home()  # bptutor reopens the unfinished lesson; the home screen is under it
        lessons = {p.split("  (")[1].split(")")[0]: p.split("\n")[0] for p in await _lessons(app, pilot)}
    n = len(started.records)
    assert lessons["mazur-biases"].endswith(f"step 4 of {n}")
    assert lessons["relu"].endswith(f"done: {len(done.records) - 1} of {len(done.records)} right at the first try")
    assert lessons["mazur"].endswith("not started")


def test_a_room_takes_a_course_in_its_order(folder):
    from tutor.room.run import exercise_specs

    assert exercise_specs([str(folder)]) == [str((folder / "three.toml").resolve()),
                                             str((folder / f"{LONG}.toml").resolve()), "mazur"]


def test_room_takes_the_course_option(folder, monkeypatch):
    from tutor.room import run

    seen = []
    monkeypatch.setattr(run, "open_room", lambda args: seen.append(run.exercise_specs(args.exercises)) or 0)
    assert cli.main(["room", "--course", str(folder)]) == 0
    assert cli.main(["--course", str(folder), "room"]) == 0
    assert seen[0] == seen[1] == run.exercise_specs([str(folder)])
    assert cli.main(["room"]) == 0 and seen[2] == bundled()


def test_progress_with_a_course_shows_its_lessons_only(folder):
    store = Store()
    for name in ("mazur", "relu"):
        Lesson(load(name), store=store).submit("0.1")
    store.close()
    out = bptutor("progress", "--course", str(folder)).stdout
    assert "(mazur, own numbers)" in out and "relu" not in out
    assert "(relu, own numbers)" in bptutor("progress").stdout


def test_every_teacher_command_takes_a_course_lesson_by_name(folder, monkeypatch, capsys):
    """solve, train, check-exercise, key, sheet, verify and room take a course's lesson by
    its file's name, with --course before or after the command, as open and quiz do."""
    from tutor.lesson.store import exercise_key
    from tutor.lesson.workshop import completion_code
    from tutor.room import run

    for where in ("before", "after"):
        def cmd(*args):
            c = ["--course", str(folder)]
            return cli.main(c + list(args) if where == "before" else list(args) + c)

        for args in (["solve", "three"], ["train", "three", "--json", "--iterations", "3"],
                     ["check-exercise", "three"], ["key", "three"], ["sheet", "three", "--variant", "Ann Lee"]):
            assert cmd(*args) == 0, (where, args, capsys.readouterr().err)
            assert "Three classes, online" in capsys.readouterr().out, (where, args)
        # a code a learner saw at the end of the course's lesson: by --course alone, or by its name
        code = completion_code(exercise_key("three", folder / "three.toml"), "Ann Lee", 5, 7)
        assert cmd("verify", code, "--variant", "Ann Lee") == 0
        assert capsys.readouterr().out.startswith(f"Valid: {folder / 'three.toml'} (Three classes, online)")
        assert cmd("verify", code, "--variant", "Ann Lee", "--exercise", "three") == 0
        assert cmd("verify", code, "--variant", "Bo Chen") == 1
        assert f"in three, {LONG}, mazur: made up" in capsys.readouterr().out
        seen = []
        monkeypatch.setattr(run, "open_room", lambda args: seen.append(run.exercise_specs(args.exercises)) or 0)
        assert cmd("room", "three", "mazur") == 0
        assert seen == [[str((folder / "three.toml").resolve()), "mazur"]]
        monkeypatch.undo()
    r = bptutor("verify", "--help")
    assert "--course DIR" in r.stdout and "a lesson of --course DIR by its file's name" in " ".join(r.stdout.split())


def test_list_marks_a_lesson_that_cannot_be_opened(folder, capsys):
    """A file with a title reads as a lesson, but one that opening would refuse (an unknown
    activation) is marked so in list, with its reason, and the others are listed as ever."""
    three = folder / "three.toml"
    three.write_text(re.sub(r'activation = \[\s*"\w+"', 'activation = ["tanhh"', three.read_text(), count=1))
    assert 'activation = ["tanhh"' in three.read_text()
    assert cli.main(["--course", str(folder), "list"]) == 0
    out = capsys.readouterr().out.splitlines()
    column = len(LONG) + 2
    line = next(x for x in out if x.startswith("three "))
    assert line[column:].startswith("cannot be opened: network.activation") and "tanhh" in line
    assert out[out.index(line) + 1].startswith(LONG)  # no teaching line under it
    assert next(x for x in out if x.startswith("mazur "))[column:] == load("mazur").title
