"""Snapshots of the main screens at 80x24: fixed size, no cursor blink, no clocks."""

from textual.widgets import Input

from tutor.lesson.exercise import load
from tutor.ui.app import BPTutorApp


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
        async def run_before(pilot):
            await _until(pilot, "dE_o1/dout_h1")
            await _answer(pilot, "dE_total_dout_o1 * w5")
            await _still(pilot)

        assert snap_compare(BPTutorApp(load("mazur")), terminal_size=(80, 24), run_before=run_before)


class TestSummary:
    def test_summary(self, snap_compare):
        async def run_before(pilot):
            await _answer(pilot, "0.3")
            await _until(pilot, "E_total+")
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
