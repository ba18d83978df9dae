"""Snapshots of the main screens at 80x24: fixed size, no cursor blink, no clocks."""

import pytest
from textual.widgets import Input

from tutor.lesson.exercise import load
from tutor.ui.app import BPTutorApp

from ..conftest import answered_until


async def _still(pilot):
    for inp in pilot.app.screen.query(Input):
        inp.cursor_blink = False
    await pilot.pause()


async def _answer(pilot, text):
    """Typed key by key, as a learner types it."""
    await pilot.press(*text, "enter")
    await pilot.pause()


async def _until(pilot, step_id):
    lesson = pilot.app.screen.lesson
    while lesson.current.step.id != step_id:
        await _answer(pilot, f"{lesson.current.step.value:.9g}")


class TestHome:
    def test_home(self, snap_compare):
        assert snap_compare(BPTutorApp(), terminal_size=(80, 24), run_before=_still)


class TestLesson:
    def test_first_step(self, snap_compare):
        assert snap_compare(BPTutorApp(load("mazur")), terminal_size=(80, 24), run_before=_still)

    def test_hidden_layer_with_a_mistake(self, snap_compare):
        answered_until("dE_o1/dout_h1")

        async def run_before(pilot):
            await _answer(pilot, "dE_total_dout_o1 * w5")
            await _still(pilot)

        assert snap_compare(BPTutorApp(load("mazur")), terminal_size=(80, 24), run_before=run_before)


class TestSummary:
    def test_summary(self, snap_compare):
        answered_until("E_total+", first=("0.3",))

        async def run_before(pilot):
            await _answer(pilot, "0.2910277737")
            await pilot.app.workers.wait_for_complete()  # the comparison with the post, from its worker
            await _still(pilot)

        assert snap_compare(BPTutorApp(load("mazur")), terminal_size=(80, 24), run_before=run_before)



class TestSaving:
    def test_a_lesson_whose_answers_cannot_be_saved(self, snap_compare, monkeypatch):
        """The notice stays under the feedback for as long as answers are not saved."""
        monkeypatch.setenv("BPTUTOR_HOME", "/dev/null/bptutor")   # a place no one can create

        async def run_before(pilot):
            await _answer(pilot, "0.3775")
            await _still(pilot)

        assert snap_compare(BPTutorApp(load("mazur")), terminal_size=(80, 24), run_before=run_before)


async def _to(pilot, step_id):
    """Every step before `step_id` answered right, typed."""
    await _until(pilot, step_id)
    await _still(pilot)


class TestHelp:
    def test_help_at_80x24(self, snap_compare):
        """F1 over the first step: every line whole and indented, a scrollbar for the rest."""
        async def run_before(pilot):
            await pilot.press("f1")
            await pilot.pause()

        assert snap_compare(BPTutorApp(load("mazur")), terminal_size=(80, 24), run_before=run_before)


class TestLookBack:
    def test_look_back_at_80x24(self, snap_compare):
        """F3 after a wrong try and some steps: answers, result and exact value, nothing hidden right."""
        answered_until("E_o1", first=("0.5",), leave=1)

        async def run_before(pilot):
            await _to(pilot, "E_o1")
            await pilot.press("f3")
            await pilot.pause()

        assert snap_compare(BPTutorApp(load("mazur")), terminal_size=(80, 24), run_before=run_before)

    @pytest.mark.parametrize("size", [(80, 24), (100, 32)])
    def test_a_step_with_many_answers(self, snap_compare, size):
        """Eight answers to out_h1, long expressions among them: every one whole, after its mark."""
        async def run_before(pilot):
            await _answer(pilot, "0.3775")
            for text in ("0.15*0.05 + 0.2*0.1 + 0.35", "1/(1+exp(-0.3775))*0.99", "0.7",
                         "1/(1+exp(-(w1*i1 + w2*i2 + b1))) + 0.01*(w5+w6+w7+w8)", "net_h1*(1-net_h1)",
                         "sigmoid(net_h1) + 0.01", "exp(-net_h1)", "0.61", "0.593269992"):
                await _answer(pilot, text)
            await pilot.press("f3")
            await pilot.pause()

        assert snap_compare(BPTutorApp(load("mazur")), terminal_size=size, run_before=run_before)


class TestCompactPicture:
    def test_w6_asked_at_80_columns(self, snap_compare):
        """The compact picture at 80 columns, asking w6+: the connection h2→o1 is named."""
        answered_until("w6+", leave=1)

        async def run_before(pilot):
            await _to(pilot, "w6+")

        assert snap_compare(BPTutorApp(load("mazur")), terminal_size=(80, 24), run_before=run_before)


class TestHints:
    def test_two_hints_under_the_question(self, snap_compare):
        """F2 twice at dE_total/dw5: both hints under the question, the second below the first."""
        answered_until("dE_total/dw5")

        async def run_before(pilot):
            await pilot.press("f2", "f2")
            await _still(pilot)

        assert snap_compare(BPTutorApp(load("mazur")), terminal_size=(100, 32), run_before=run_before)


class TestQuiz:
    def test_a_quiz_question(self, snap_compare):
        """A quiz drawn from a fixed seed, its first question after one answer typed."""
        import random

        from textual.app import App

        from tutor.ui.quiz_screen import QuizScreen

        class One(App):
            CSS_PATH = BPTutorApp.CSS_PATH

            def on_mount(self):
                self.push_screen(QuizScreen(3, ["mazur"], rng=random.Random(4)))

        async def run_before(pilot):
            await pilot.app.workers.wait_for_complete()
            await pilot.pause()
            await _answer(pilot, "0.5")
            await _still(pilot)

        assert snap_compare(One(), terminal_size=(80, 24), run_before=run_before)


class TestFinished:
    def test_a_finished_lesson_asks(self, snap_compare):
        """Enter on a lesson finished before: look at it, or start again."""
        from tutor.lesson.session import Lesson
        from tutor.lesson.store import Store

        store = Store()
        lesson = Lesson(load("mazur"), "", store)
        while not lesson.finished:
            lesson.submit(repr(lesson.current.step.value))
        store.close() if hasattr(store, "close") else None

        async def run_before(pilot):
            await pilot.pause()
            await pilot.press("enter")
            await pilot.pause()

        assert snap_compare(BPTutorApp(), terminal_size=(80, 24), run_before=run_before)
