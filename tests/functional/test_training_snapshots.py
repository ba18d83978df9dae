"""Snapshots of the training screen's states and dialogs at 80x24, reached by typing keys.

The screen's training worker is replaced by one that applies each key at once and draws
the session's frame, and the rate clock ticks by a fixed step: nothing in the picture
depends on the machine's speed."""

import itertools

import pytest
from textual.app import App

from tutor.engine import kernel_loader
from tutor.lesson.exercise import load
from tutor.lesson.live.status import Status
from tutor.lesson.training_session import TrainingSession
from tutor.ui.app import BPTutorApp
from tutor.ui.training_dialogs import CompareScreen, SurfaceScreen
from tutor.ui.training_screen import Note, Progress, TrainingScreen

from ..unit.test_training_live import BLOWUP, STALL

SIZE = (80, 24)


@pytest.fixture(scope="module", autouse=True)
def _compiled():
    kernel_loader.load()


class Stepped(TrainingScreen):
    """The training screen without its timing: keys are applied at once, then drawn."""

    def _train(self) -> None:
        self.post_message(Progress(self.session.frame()))

    def _do(self, job) -> None:
        said = job(self.session)
        if isinstance(said, str) and said:
            self.post_message(Note(said))
        self.post_message(Progress(self.session.frame()))


def screen_app(session: TrainingSession) -> App:
    class One(App):
        CSS_PATH = BPTutorApp.CSS_PATH

        def on_mount(self):
            self.push_screen(Stepped(session, autostart=False))

    return One()


def session_of(ex) -> TrainingSession:
    ticks = itertools.count(0.0, 0.25)
    return TrainingSession(ex, clock=lambda: next(ticks))


def finished(ex) -> TrainingSession:
    s = session_of(ex)
    s.play()
    while s.status is Status.RUNNING:
        s.advance(1000)
    return s


def exercise(tmp_path, text):
    p = tmp_path / "ex.toml"
    p.write_text(text)
    return load(str(p))


async def until(pilot, cond):
    for _ in range(600):
        if cond():
            break
        await pilot.pause(0.05)
    await pilot.pause(0.2)


class TestRunning:
    def test_running(self, snap_compare):
        """Mid-run: the curve so far, the numbers, the rate, ▶ Training... above the footer."""
        s = session_of(load("mazur"))
        s.play()
        for _ in range(50):
            s.advance(40)
        assert snap_compare(screen_app(s), terminal_size=SIZE)


class TestDone:
    def test_done_with_the_posts_figures(self, snap_compare):
        """The post's run at its end: Done, and its three printed figures beside ours."""
        assert snap_compare(screen_app(finished(load("mazur"))), terminal_size=SIZE)


class TestStuck:
    def test_stuck_with_advice(self, snap_compare, tmp_path):
        """XOR with one hidden neuron: stuck, and what to try."""
        assert snap_compare(screen_app(finished(exercise(tmp_path, STALL))), terminal_size=SIZE)


class TestDiverged:
    def test_blown_up(self, snap_compare, tmp_path):
        """An overflow: the last good state, and the learning rate named."""
        assert snap_compare(screen_app(finished(exercise(tmp_path, BLOWUP))), terminal_size=SIZE)


class TestKeys:
    def test_f1_lists_every_key(self, snap_compare):
        """F1: every key with what it does."""
        assert snap_compare(screen_app(session_of(load("mazur"))), terminal_size=SIZE, press=["f1"])


class TestSingleUpdate:
    def test_one_update_worked_out(self, snap_compare):
        """s: the update's quantities, with numbers, as in the lesson."""
        assert snap_compare(screen_app(session_of(load("mazur"))), terminal_size=SIZE, press=["s"])

    def test_one_update_at_100_columns(self, snap_compare):
        """s at 100x32: the formulas with numbers whole, a long one wrapped in its column."""
        assert snap_compare(screen_app(session_of(load("mazur"))), terminal_size=(100, 32), press=["s"])


class TestCompare:
    def test_four_learning_rates(self, snap_compare):
        """c: four curves told apart by their markers 1-4, the key below the plot."""
        async def run_before(pilot):
            await pilot.press("c")
            await until(pilot, lambda: isinstance(pilot.app.screen, CompareScreen))

        assert snap_compare(screen_app(session_of(load("mazur"))), terminal_size=SIZE, run_before=run_before)

    def test_runs_that_blew_up_are_named(self, snap_compare, tmp_path):
        """c on an exercise that overflows: which runs blew up, and when."""
        async def run_before(pilot):
            await pilot.press("c")
            await until(pilot, lambda: isinstance(pilot.app.screen, CompareScreen))

        assert snap_compare(screen_app(session_of(exercise(tmp_path, BLOWUP))), terminal_size=SIZE,
                            run_before=run_before)


class TestSurface:
    def test_error_surface(self, snap_compare):
        """e after the post's run: the surface over w5 and w6 with the path from S to E."""
        async def run_before(pilot):
            await pilot.press("e")
            await until(pilot, lambda: isinstance(pilot.app.screen, SurfaceScreen))

        assert snap_compare(screen_app(finished(load("mazur"))), terminal_size=SIZE, run_before=run_before)
