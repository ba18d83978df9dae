"""Opening a lesson never freezes the screen: it is prepared in a worker (ui.preparing)
while the app keeps answering, with 'Preparing <title>…' on screen, and keys typed
meanwhile reach no screen the learner has not seen."""

import asyncio
import threading
import time

import pytest

import tutor.lesson.opening as opening
from tutor.lesson.opening import worked_for
from tutor.lesson.session import Lesson, exercise_key
from tutor.lesson.store import Store
from tutor.ui.app import BPTutorApp
from tutor.ui.dialogs import FinishedScreen
from tutor.ui.home import HomeScreen
from tutor.ui.lesson_screen import LessonScreen
from tutor.ui.preparing import PreparingScreen

from ..conftest import lesson_opened

# Two hidden layers of 7: 473 steps, near the 500 a lesson may have (lesson.bounds).
LARGE = """title = "Two hidden layers of seven"
[network]
sizes = [2, 7, 7, 2]
activation = "sigmoid"
loss = "half_sse"
bias = "neuron"
update_biases = true
[data]
inputs = [[1.0, 0.5]]
targets = [[0.2, 0.7]]
[training]
learning_rate = 0.5
iterations = 100
mode = "online"
momentum = 0.0
seed = 1
"""


class Ticking(BPTutorApp):
    """The app with a timer every 10 ms from its first moment, before it opens anything:
    `ticks` are (wall clock, CPU time of the UI thread) at each."""

    def on_mount(self) -> None:
        self.ticks = [(time.perf_counter(), time.thread_time())]
        self.set_interval(0.01, lambda: self.ticks.append((time.perf_counter(), time.thread_time())))
        super().on_mount()


def longest_gaps(ticks) -> tuple[float, float]:
    wall = max(b[0] - a[0] for a, b in zip(ticks, ticks[1:]))
    cpu = max(b[1] - a[1] for a, b in zip(ticks, ticks[1:]))
    return wall, cpu


@pytest.mark.alone   # its measure is the UI thread's CPU time: no other test beside it (conftest.py)
async def test_resuming_a_large_lesson_at_start_up_keeps_the_app_answering(tmp_path, record_property):
    """`bptutor` reopens the lesson worked on last: here a learner half-way through a
    lesson of 473 steps, 236 answers to replay (0.6-0.7 s of checking on the 2-core machine,
    all of it on the UI thread before). The gap is measured in the UI thread's own CPU time between two ticks, so a
    busy machine that stops the process for a while cannot fail it; the wall-clock gap is
    in the message."""
    path = tmp_path / "large.toml"
    path.write_text(LARGE)
    worked = worked_for(str(path))
    records = Lesson(worked, "", None).records
    assert len(records) == 473
    store = Store()
    for r in records[:236]:
        store.answer(exercise_key(worked.ex), "", r.step.id, repr(r.step.value), r.step.value, "right", None, 0)
    store.close()

    app = Ticking()
    async with app.run_test(size=(100, 32)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, LessonScreen)
        assert app.screen.lesson.index == 236  # where it was left
        wall, cpu = longest_gaps(app.ticks)
    record_property("ui_thread_cpu", cpu)   # (in --junitxml: the figures of many runs)
    assert cpu < 0.1, f"the UI thread worked {cpu:.3f} s without a tick (wall clock: {wall:.3f} s)"



@pytest.fixture
def gate(monkeypatch):
    """Lessons open only when the test says so: `gate.open()`; `gate.done` is set when the
    worker's opening has returned (or failed)."""
    real = opening.open_lesson

    class Gate:
        def __init__(self):
            self.released, self.done = threading.Event(), threading.Event()

        def open(self):
            self.released.set()

        async def finished(self):
            await asyncio.to_thread(self.done.wait, 30)

    g = Gate()

    def gated(*args, **kwargs):
        try:
            g.released.wait(30)
            return real(*args, **kwargs)
        finally:
            g.done.set()

    monkeypatch.setattr(opening, "open_lesson", gated)
    return g


def shown(screen) -> str:
    return " ".join(str(w.render()) for w in screen.query("Static"))


@pytest.mark.opening
async def test_the_lesson_being_prepared_is_named_and_keys_typed_meanwhile_are_dropped(gate):
    app = BPTutorApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("enter")  # the post's lesson, from the home screen
        assert isinstance(app.screen, PreparingScreen)
        assert "Preparing A Step by Step Backpropagation Example…" in shown(app.screen)
        assert "Escape: back" in shown(app.screen)
        await pilot.press("0", ".", "3", "enter", "enter", "t")  # an impatient learner
        assert isinstance(app.screen, PreparingScreen)
        gate.open()
        await lesson_opened(app)
        await pilot.pause()
        assert isinstance(app.screen, LessonScreen)
        lesson = app.screen.lesson
        assert app.screen.query_one("#answer").value == ""  # nothing typed reached the answer box
        assert lesson.index == 0 and not lesson.records[0].attempts
        assert app.store.events(lesson.key, "") == []
        await pilot.press("escape")
        assert isinstance(app.screen, HomeScreen)


@pytest.mark.opening
async def test_escape_while_preparing_goes_back_and_the_lesson_never_shows(gate):
    app = BPTutorApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("enter")
        assert isinstance(app.screen, PreparingScreen)
        await pilot.press("escape")
        assert isinstance(app.screen, HomeScreen) and app.opening is None
        gate.open()
        await gate.finished()
        await pilot.pause(0.05)
        assert isinstance(app.screen, HomeScreen) and len(app.screen_stack) == 1
        await pilot.press("down", "enter")  # another lesson can be opened after
        await lesson_opened(app)
        await pilot.pause()
        assert isinstance(app.screen, LessonScreen) and app.screen.lesson.ex.name != "mazur"


@pytest.mark.opening
async def test_ctrl_q_while_preparing_quits(gate):
    app = BPTutorApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("enter")
        assert isinstance(app.screen, PreparingScreen)
        await pilot.press("ctrl+q")
        assert app.return_code == 0
        gate.open()


async def test_a_wrong_file_is_said_in_one_line_and_the_learner_stays_where_they_were(tmp_path):
    path = tmp_path / "wrong.toml"
    path.write_text(LARGE.replace("[2, 7, 7, 2]", "[2, 9, 9, 2]"))  # 693 steps: too many for a lesson
    app = BPTutorApp()
    async with app.run_test(size=(80, 24)) as pilot:
        app.open_lesson(str(path))
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen) and len(app.screen_stack) == 1
        (note,) = app._notifications
        assert note.title == "This lesson cannot be opened"
        assert note.message.startswith(f"{path}: network.sizes: [2, 9, 9, 2] (117 weights) make an update of 693 steps")
        assert "\n" not in note.message


async def test_a_lesson_finished_before_is_not_reopened_at_start_up_but_is_from_the_list_after_asking():
    from tutor.lesson.opening import open_lesson

    store = Store()
    lesson = open_lesson("mazur", "", store).lesson
    while not lesson.finished:
        lesson.reveal()
    store.close()
    app = BPTutorApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen) and len(app.screen_stack) == 1
        await pilot.press("enter")
        assert isinstance(app.screen, FinishedScreen)  # look at it or start again
        await pilot.press("a")
        assert isinstance(app.screen, LessonScreen) and app.screen.lesson.index == 0


@pytest.mark.opening
async def test_a_teachers_file_is_named_by_its_own_title_as_it_is(gate, tmp_path):
    path = tmp_path / "mine.toml"
    path.write_text(LARGE.replace("Two hidden layers of seven", "Nets [/b] and [red]layers"))
    app = BPTutorApp()
    async with app.run_test(size=(80, 24)) as pilot:
        app.open_lesson(str(path))
        await pilot.pause()
        assert "Preparing Nets [/b] and [red]layers…" in shown(app.screen)
        gate.open()


@pytest.mark.opening
async def test_a_lesson_named_on_the_command_line_is_prepared_on_screen(gate):
    """`bptutor mazur`: the app gets the name, not a built lesson, and its first screen is
    'Preparing …' over the lessons while the worker builds it."""
    app = BPTutorApp("mazur")
    async with app.run_test(size=(80, 24)) as pilot:
        assert isinstance(app.screen, PreparingScreen)
        assert "Preparing A Step by Step Backpropagation Example…" in shown(app.screen)
        gate.open()
        await lesson_opened(app)
        await pilot.pause()
        assert isinstance(app.screen, LessonScreen) and app.screen.lesson.current.step.id == "net_h1"


async def test_a_wrong_file_named_on_the_command_line_ends_the_app_with_its_sentence(tmp_path):
    path = tmp_path / "wrong.toml"
    path.write_text(LARGE.replace("[2, 7, 7, 2]", "[2, 9, 9, 2]"))  # 693 steps: too many for a lesson
    app = BPTutorApp(str(path))
    async with app.run_test(size=(80, 24)) as pilot:
        for _ in range(200):
            if app.refused is not None:
                break
            await pilot.pause(0.05)
    assert app.return_code == 2 and not app._notifications
    assert app.refused.startswith(f"{path}: network.sizes: [2, 9, 9, 2] (117 weights) make an update of 693 steps")
