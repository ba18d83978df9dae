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
from ..conftest import GOOD


FIGURE = '[reference]\n[[reference.figures]]\nid = "{id}"\nprinted = "0.5"\n{after}'

# (what the file adds, the key named, the problem said)
WRONG = [
    (FIGURE.format(id="w99", after="after_iterations = 10\n"), "reference.figures[0].id",
     "'w99' is not E_total, an output or a parameter (E_total, out_o1, ..., b2)"),
    (FIGURE.format(id="net_h9", after=""), "reference.figures[0].id",
     "'net_h9' is not a quantity of this update (did you mean net_h1 or net_h2 or net_h1+?)"),
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
                                     ["key"], ["quiz"], []])
@pytest.mark.parametrize("case", range(len(WRONG)))
def test_every_command_refuses_the_same_files_in_one_line(tmp_path, capsys, command, case):
    """solve, train, check-exercise, key, quiz and the tutor (`bptutor FILE`, refused before the app
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
    # the post asks 32 of them ([lesson] ask); 10 are the forward pass after the update (F4 at E_total+)
    assert len(worked.ids) == len(set(worked.ids)) == 68
    assert [s.id for s in worked.steps if s.breakdown_only][::9] == ["net_h1+", "E_o2+"]
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


# --- loader messages that point at the right place --------------------------------------------------

NEURON_BIASES = GOOD.replace('activation = "sigmoid"', 'activation = "sigmoid"\nbias = "neuron"').replace(
    "biases = [0.1, 0.2]", "biases = [[0.1], [0.2]]")


@pytest.mark.parametrize("text, key, problem", [
    (NEURON_BIASES, "parameters.biases[0]", "must have 2 numbers, not 1"),
    (NEURON_BIASES.replace("[[0.1], [0.2]]", "[0.1, [0.2]]"), "parameters.biases[0]", "must be a list of 2 numbers"),
    (NEURON_BIASES.replace("[[0.1], [0.2]]", "[[0.1, 0.2], [0.2, 0.3]]"), "parameters.biases[1]",
     "must have 1 number, not 2"),
    (GOOD.replace("targets = [[1.0]]", "targets = [[1.0], [0.0]]"), "data.targets", "must have 1 row, not 2"),
    (GOOD.replace("[[0.5, 0.6]]]", "[[0.5, 0.6]], [[1.0]]]"), "parameters.weights", "must hold 2 layers of"),
])
def test_messages_point_at_the_right_place_and_count_in_words(tmp_path, text, key, problem):
    path = tmp_path / "bad.toml"
    path.write_text(text)
    with pytest.raises(ExerciseError) as info:
        load(str(path))
    assert str(info.value) == f"{path}: {key}: {problem}" or str(info.value).startswith(f"{path}: {key}: {problem}")


def test_a_directory_a_device_and_a_bom_are_named(tmp_path):
    with pytest.raises(ExerciseError, match="is a directory"):
        load(str(tmp_path))
    with pytest.raises(ExerciseError, match="is not a file"):
        load("/dev/null")
    bom = tmp_path / "bom.toml"
    bom.write_bytes(b"\xef\xbb\xbf" + GOOD.encode())
    with pytest.raises(ExerciseError, match=r"bom.toml: starts with a byte-order mark \(BOM\)"):
        load(str(bom))


def test_lists_nested_a_thousand_deep_are_one_line_exit_2(tmp_path, capsys):
    """Today: a 3,002-line RecursionError traceback from inside tomllib."""
    path = tmp_path / "deep.toml"
    path.write_text(GOOD + "[variants]\nweights = " + "[" * 1000 + "]" * 1000 + "\n")
    for argv in (["solve", str(path)], ["check-exercise", str(path)], [str(path)]):
        assert main(argv) == 2
        out, err = capsys.readouterr()
        assert err == f"bptutor: {path}: TOML: lists or tables nested too deeply to be read\n" and out == ""


# --- the tutor's exit status ------------------------------------------------------------------------------

@pytest.mark.parametrize("crash, status", [(True, 1), (False, 0)])
def test_the_tutor_exits_non_zero_when_it_crashed(monkeypatch, crash, status):
    """Today every crash exits 0, so a script cannot tell a crash from a quit."""
    from tutor.ui.app import BPTutorApp

    def on_mount(self):
        if crash:
            raise RuntimeError("a crash on the way in")
        self.call_after_refresh(self.exit)  # a quit, once the home screen is up

    run = BPTutorApp.run
    monkeypatch.setattr(BPTutorApp, "on_mount", on_mount)
    monkeypatch.setattr(BPTutorApp, "run", lambda self, **kw: run(self, headless=True, **kw))
    assert main([]) == status


# --- every file that validates runs within bounds ------------------------------------------------------

def _sized(tmp_path, sizes, samples=1, mode="online", extra=""):
    inputs = [[0.1 + 0.8 * (s * 7 + j) % 1 for j in range(sizes[0])] for s in range(samples)]
    targets = [[0.25] * sizes[-1] for _ in range(samples)]
    path = tmp_path / "sized.toml"
    path.write_text(f'title = "sized"\n[network]\nsizes = {sizes}\n[data]\ninputs = {inputs}\n'
                    f'targets = {targets}\n[training]\nmode = "{mode}"\n{extra}')
    return str(path)


@pytest.mark.parametrize("sizes, samples, mode, extra", [
    ([2, 2, 2], 1, "online", ""), ([3, 2, 4], 3, "batch", 'update_biases = true\n'),
    ([2, 3, 2, 1], 2, "batch", ""), ([2, 2, 3], 2, "online", ""),
])
def test_the_steps_of_an_update_are_counted_before_it_is_solved(tmp_path, sizes, samples, mode, extra):
    from tutor.lesson.bounds import update_steps

    text = _sized(tmp_path, sizes, samples, mode)
    ex = load(text)
    assert update_steps(ex) == len([s for s in build(ex).steps if not s.breakdown_only])


@pytest.mark.parametrize("sizes, samples, mode, steps", [([2, 23, 2], 1, "online", 499), ([2, 2, 1], 13, "batch", 471)])
def test_a_file_at_the_limits_is_worked(tmp_path, sizes, samples, mode, steps):
    """Just inside MAX_STEPS: solved, and the lesson opens (a few tenths of a second here)."""
    from tutor.lesson.bounds import MAX_STEPS

    worked = build(load(_sized(tmp_path, sizes, samples, mode)))
    assert len([s for s in worked.steps if not s.breakdown_only]) == steps <= MAX_STEPS
    assert Lesson(worked).current.step.id == ("net_h1_s1" if samples > 1 else "net_h1")


@pytest.mark.parametrize("sizes, samples, mode, key, what", [
    ([2, 24, 2], 1, "online", "network.sizes", "[2, 24, 2] (96 weights) make an update of 520 steps"),
    ([2, 2, 1], 14, "batch", "data.inputs", "14 samples worked together (batch) on [2, 2, 1]"),
    # the sizes the issue found taking the machine down, refused before anything is solved
    ([2, 200, 200, 1], 1, "online", "network.sizes", "[2, 200, 200, 1] (40,600 weights)"),
    ([2, 1024, 1024, 1], 1, "online", "network.sizes", "[2, 1024, 1024, 1]"),
    ([2] + [200] * 10 + [1], 1, "online", "network.sizes", "360,600 weights"),
])
def test_a_file_past_the_limits_is_refused_with_the_reason(tmp_path, sizes, samples, mode, key, what):
    path = _sized(tmp_path, sizes, samples, mode)
    with pytest.raises(ExerciseError) as info:
        build(load(path))
    message = str(info.value)
    assert message.startswith(f"{path}: {key}: ") and what in message
    assert message.endswith("more than the 500 a lesson may have: a lesson is for a net a person computes by hand")


def test_samples_and_figures_after_training_are_bounded(tmp_path):
    with pytest.raises(ExerciseError, match=r"data.inputs: has 1,001 samples, more than the 1,000"):
        load(_sized(tmp_path, [2, 2, 1], 1001))
    assert len(build(load(_sized(tmp_path, [2, 2, 1], 1000))).ex.X) == 1000
    # mazur: 12 weights and neurons, one sample: 333,333 iterations are 3,999,996 units
    from dataclasses import replace

    from tutor.lesson import bounds

    mazur = load("mazur")
    figure = replace(mazur.figures[-1], after_iterations=333_333)
    bounds.check(replace(mazur, figures=[figure]))
    with pytest.raises(ExerciseError, match=r"reference.figures\[0\].after_iterations: 10,000,000 iterations over 1 "
                                            r"sample of this net are 120,000,000 units"):
        bounds.check(replace(mazur, figures=[replace(figure, after_iterations=10_000_000)]))
    with pytest.raises(ExerciseError, match="more than the 4,000,000 a printed figure may ask for"):
        bounds.check(replace(mazur, figures=[replace(figure, after_iterations=333_334)]))


def test_an_update_that_overflows_is_refused(tmp_path):
    path = _sized(tmp_path, [1] * 12, 1, extra="learning_rate = 1e6\n")
    text = open(path).read().replace('[network]\n', '[network]\nactivation = "identity"\nbias = "none"\n')
    text += "[parameters]\nweights = [" + ", ".join(["[[1e6]]"] * 11) + "]\n"
    text = text.replace("inputs = [[0.1]]", "inputs = [[1e6]]")
    open(path, "w").write(text)
    # the first quantity that overflows: in the forward pass after the update
    with pytest.raises(ExerciseError, match=r"network: the update overflows at net_h3_1\+ \(-inf\)"):
        build(load(path))


def test_solve_ids_lists_what_ask_and_show_may_name(capsys):
    assert main(["solve", "mazur", "--ids"]) == 0
    ids = capsys.readouterr().out.splitlines()
    assert ids == build(load("mazur")).ids and ids[:2] == ["net_h1", "out_h1"] and "dE_total/dw5" in ids


async def test_a_lesson_whose_figures_diverge_reaches_its_summary(tmp_path):
    """Today the lesson crashes at its summary (decimal.InvalidOperation)."""
    from tutor.ui.app import BPTutorApp
    from tutor.ui.summary import SummaryScreen

    path = tmp_path / "over.toml"
    path.write_text(OVERFLOW)
    app = BPTutorApp(load(str(path)))
    async with app.run_test(size=(100, 40)) as pilot:
        lesson = app.screen.lesson
        while not lesson.finished:
            lesson.reveal()
        app.show_summary(lesson)
        await pilot.pause()
        assert isinstance(app.screen, SummaryScreen)
        await app.workers.wait_for_complete()   # the comparison is worked out in a worker
        await pilot.pause()
        text = str(app.screen.query_one("#summary-text").render())
        assert "E_total after 100 updates: printed 0.5, the run diverged." in text and "nan" not in text
        assert "The run diverged before 100 updates" in text
