"""The worked update of an exercise is built once (tutor/lesson/worked.py), so every command
and the tutor accept and reject the same files, with the same line, before anything starts;
and opening a lesson is one policy (tutor/lesson/opening.py)."""

import json

import pytest

from tutor.__main__ import main
from tutor.lesson.exercise import ExerciseError, load
from tutor.lesson.opening import State, open_lesson, start_again
from tutor.lesson.session import Lesson
from tutor.lesson.store import Store
from tutor.lesson.worked import build

GOOD = """
title = "t"
[network]
sizes = [2, 2, 1]
activation = "sigmoid"
[parameters]
weights = [[[0.1, 0.2], [0.3, 0.4]], [[0.5, 0.6]]]
biases = [0.1, 0.2]
[data]
inputs = [[0.0, 1.0]]
targets = [[1.0]]
"""

FIGURE = '[reference]\n[[reference.figures]]\nid = "{id}"\nprinted = "0.5"\n{after}'

# (what the file adds, the key named, the problem said)
WRONG = [
    (FIGURE.format(id="w99", after="after_iterations = 10\n"), "reference.figures[0].id",
     "'w99' is not E_total, an output or a parameter"),
    (FIGURE.format(id="net_h9", after=""), "reference.figures[0].id",
     "'net_h9' is not a quantity of this update (did you mean net_h"),
    (FIGURE.format(id="E_total", after="after_iterations = 0\n"), "reference.figures[0].after_iterations",
     "must be between 1 and"),
    ('[lesson]\nask = ["net_h1", "net_h9"]\n', "lesson.ask[1]",
     "'net_h9' is not a step of this update (did you mean net_h"),
    ('[lesson]\nshow = ["out_o9"]\n', "lesson.show[0]", "'out_o9' is not a step of this update (did you mean out_"),
    ('[lesson]\nask = []\n', "lesson.ask", "asks nothing"),
]


def _file(tmp_path, extra: str):
    path = tmp_path / "bad.toml"
    path.write_text(GOOD + extra)
    return path


@pytest.mark.parametrize("extra, key, problem", WRONG)
def test_a_wrong_file_is_refused_by_building_its_update(tmp_path, extra, key, problem):
    """Today net_h9 and w99 pass load() and crash the lesson at its summary; ask = [] opens
    "step 0 of 0"; a bad ask passes solve and train."""
    path = _file(tmp_path, extra)
    with pytest.raises(ExerciseError) as info:
        build(load(str(path)))
    assert str(info.value).startswith(f"{path}: {key}: ") and problem in str(info.value)


@pytest.mark.parametrize("command", [["solve"], ["solve", "--json"], ["train", "--json"], ["check-exercise"],
                                     ["key"], []])
@pytest.mark.parametrize("case", range(len(WRONG)))
def test_every_command_refuses_the_same_files_in_one_line(tmp_path, capsys, command, case):
    """solve, train, check-exercise, key and the tutor (`bptutor FILE`, refused before the app
    starts): exit 2, nothing on stdout, one line on stderr."""
    extra, key, problem = WRONG[case]
    path = _file(tmp_path, extra)
    argv = [*command[:1], str(path), *command[1:]]
    assert main(argv) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.startswith(f"bptutor: {path}: {key}: ") and problem in err and err.count("\n") == 1


def test_show_takes_the_aliases_ask_takes(tmp_path):
    """One alias map: today show refuses dE_o1/dnet_o1, which ask accepts."""
    path = _file(tmp_path, '[lesson]\nask = ["dE_o1/dnet_o1"]\nshow = ["dE_o1/dnet_o1", "delta_o1"]\n')
    worked = build(load(str(path)))
    assert [s.id for s in worked.asked] == ["delta_o1"] and worked.shown == {"delta_o1"}


def test_ids_are_every_step_of_the_update():
    worked = build(load("mazur"))
    assert worked.ids[:3] == ["net_h1", "out_h1", "net_h2"] and worked.ids[-1] == "E_total+"
    assert len(worked.ids) == len(set(worked.ids)) == 58  # the post asks 32 of them ([lesson] ask)
    assert len(worked.asked) == 32 and set(s.id for s in worked.asked) < set(worked.ids)


OVERFLOW = """
title = "Overflow"
[network]
sizes = [2, 2, 1]
activation = "identity"
[parameters]
weights = [[[0.1, 0.2], [0.3, 0.4]], [[0.5, 0.6]]]
biases = [0.1, 0.2]
[data]
inputs = [[1.0, 2.0]]
targets = [[1.0]]
[training]
learning_rate = 1000
[reference]
[[reference.figures]]
id = "E_total"
printed = "0.5"
after_iterations = 100
[[reference.figures]]
id = "w1"
printed = "0.1"
after_iterations = 100
"""


def test_figures_of_a_run_that_overflows_are_said_to_have_diverged(tmp_path, capsys):
    """Today: decimal.InvalidOperation, a traceback and exit 1 from solve; the lesson crashes
    at its summary."""
    path = tmp_path / "over.toml"
    path.write_text(OVERFLOW)
    lesson = Lesson(load(str(path)))
    comparisons = lesson.summary().comparisons
    assert [(c.id, c.agrees, c.diverged) for c in comparisons] == [("E_total", False, True), ("w1", False, True)]
    assert comparisons[0].explanation().startswith("The run diverged before 100 updates")
    assert main(["solve", str(path)]) == 0
    out = capsys.readouterr().out
    assert "engine diverged after 100 updates" in out and "The run diverged" in out
    assert main(["solve", str(path), "--json"]) == 0
    doc = json.loads(capsys.readouterr().out, parse_constant=lambda c: pytest.fail(f"{c} is not JSON"))
    assert doc["reference"][0] == {"id": "E_total", "printed": "0.5", "after_iterations": 100, "value": None,
                                   "agrees": False, "diverged": True, "explained_by": None}


# --- opening a lesson -----------------------------------------------------------------------------

def test_opening_is_fresh_then_resumed_then_finished(tmp_path):
    store = Store(tmp_path / "home")
    first = open_lesson("mazur", "", store)
    assert first.state is State.FRESH and first.lesson.index == 0
    first.lesson.submit("0.3775")
    again = open_lesson("mazur", "", store)
    assert again.state is State.RESUMED and again.lesson.current.step.id == "out_h1"
    while not again.lesson.finished:
        again.lesson.reveal()
    done = open_lesson("mazur", "", store)
    assert done.state is State.FINISHED and done.finished and done.lesson.finished
    fresh = start_again(done)
    assert fresh.index == 0 and open_lesson("mazur", "", store).state is State.FRESH


def test_opening_a_learners_numbers_and_a_lesson_kept_in_this_run(tmp_path):
    kept = {}
    alice = open_lesson("mazur", "alice", None, kept=kept)
    assert alice.lesson.exact["w1"] == -0.2 and alice.lesson.variant == "alice"
    alice.lesson.submit(repr(alice.lesson.current.step.value))
    # without a store that saves, the lesson open in this run is the one reopened
    back = open_lesson("mazur", "alice", None, kept=kept)
    assert back.lesson is alice.lesson and back.state is State.RESUMED


def test_opening_a_wrong_file_opens_nothing(tmp_path):
    path = _file(tmp_path, '[lesson]\nask = ["net_h9"]\n')
    store = Store(tmp_path / "home")
    with pytest.raises(ExerciseError, match="lesson.ask"):
        open_lesson(str(path), "", store)
    assert store.lessons() == []
