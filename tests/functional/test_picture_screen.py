"""The picture and the question line on screen: the sample a step is about, the learning
rate of an update, no slot left "?" that the lesson never asks, and help that says what
the picture's marks mean (learner trial of 18:05, items 3, 9, 20, 21)."""

import re

import pytest

from tutor.lesson.exercise import load
from tutor.ui.app import BPTutorApp

from ..conftest import answered_until

SIZES = [(80, 24), (100, 32)]


def picture(app) -> str:
    return str(app.screen.query_one("#network").render())


def question(app) -> str:
    return str(app.screen.query_one("#question").render())


async def opened(pilot, step_id):
    app = pilot.app
    for _ in range(200):
        await pilot.pause()
        if getattr(app.screen, "lesson", None) is not None:
            break
    assert app.screen.lesson.current.step.id == step_id
    await pilot.pause()


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("step_id, drawn", [
    ("net_h1_1_s2", r"▸i1 0?\.3\b"),     # sample 2's inputs (0.3, 0.8), marked: net is made from them
    ("out_h1_1_s2", r"▸h1_1 net -0?\.24\b"),  # sample 2's net, marked: out is made from it
    ("delta_o1_s2", r"▸o1 net"),
])
async def test_a_step_of_sample_2_shows_sample_2(size, step_id, drawn):
    """deep-tanh's steps 15-28 ask sample 2: the picture showed sample 1 (i1 0.9, h1_1 net
    0.66), nothing of sample 2, no ▸ on the inputs and nothing marked at out_h1_1_s2."""
    answered_until(step_id, name="deep-tanh")
    app = BPTutorApp(load("deep-tanh"))
    async with app.run_test(size=size) as pilot:
        await opened(pilot, step_id)
        view = app.screen.query_one("#network")
        text = picture(app)
        assert "??" in text                     # the quantity asked is drawn
        ids = {cell.id for _, col in view.cols for line in col for cell in line}
        assert {"i1_s2", "net_h1_1_s2", "delta_o1_s2"} <= ids and not any("_s1" in i for i in ids if i)
        titles = [title for title, _ in view.cols if title != "weights"]
        assert titles and all(title.endswith(" s2") for title in titles)
        if size == (100, 32) or step_id != "delta_o1_s2":
            assert re.search(drawn, text), text


@pytest.mark.parametrize("size", SIZES)
async def test_an_update_says_its_learning_rate(size):
    """deep-tanh updates with η = 1.5; a learner met that figure first in the summary, after
    `w1 - 0.5*dE_total/dw1` had been judged wrong."""
    answered_until("w1+", name="deep-tanh")
    app = BPTutorApp(load("deep-tanh"))
    async with app.run_test(size=size) as pilot:
        await opened(pilot, "w1+")
        assert "learning rate η = 1.5" in question(app).splitlines()[0]
        await pilot.press(*"w1 - 1.5*dE_total/dw1", "enter")
        await pilot.pause()
        assert app.screen.lesson.current.step.id == "dE_total/dw2"


async def test_a_gradient_step_does_not_name_a_learning_rate():
    answered_until("dE_total/dw1", name="deep-tanh")
    app = BPTutorApp(load("deep-tanh"))
    async with app.run_test(size=(80, 24)) as pilot:
        await opened(pilot, "dE_total/dw1")
        assert "η" not in question(app)


@pytest.mark.parametrize("size", SIZES)
async def test_the_last_step_leaves_no_slot_to_do_but_its_own(size):
    """mazur never asks delta_o2, delta_h1 and delta_h2: at E_total+ they read "δ ?", the
    picture looked unfinished."""
    answered_until("E_total+")
    app = BPTutorApp(load("mazur"))
    async with app.run_test(size=size) as pilot:
        await opened(pilot, "E_total+")
        text = picture(app)
        assert "?" not in text.replace("E_total+ ??", "")
        assert text.count("δ") == 4


async def test_help_says_what_the_pictures_marks_mean():
    app = BPTutorApp(load("mazur"))
    async with app.run_test(size=(80, 24)) as pilot:
        await opened(pilot, "net_h1")
        await pilot.press("f1")
        await pilot.pause()
        text = str(app.screen.query_one("#help-text").render())
        assert re.search(r"\?\?\s+the quantity asked now", text)
        assert re.search(r"▸\s+what the quantity asked is made from", text)
        assert re.search(r"the\s+values of sample 2, the one the step is about", text)
