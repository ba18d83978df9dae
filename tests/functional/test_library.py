"""Every bundled exercise: described, solved, trained, and walked through on screen."""

import json
import subprocess
import sys

import pytest

from tutor.lesson.catalog import bundled
from tutor.lesson.exercise import load
from tutor.lesson.training_session import Status, TrainingSession
from tutor.lesson.variants import collisions, variant

from ..conftest import answer_on_screen

LIBRARY = bundled()


def test_the_library_has_what_the_course_needs():
    assert LIBRARY[0] == "mazur"
    assert {"mazur", "mazur-biases", "neuron-biases", "two-samples-online", "two-samples-batch", "xor",
            "two-hidden", "tanh", "relu", "softmax", "momentum"} <= set(LIBRARY)


@pytest.mark.parametrize("name", LIBRARY)
def test_described(name):
    ex = load(name)
    assert ex.title and ex.summary and ex.teaches and ex.teaches.endswith(".")


@pytest.mark.parametrize("name", LIBRARY)
def test_solved(name):
    doc = json.loads(subprocess.run([sys.executable, "-m", "tutor", "solve", name, "--json"],
                                    capture_output=True, text=True, check=True).stdout)
    steps = {s["id"]: s["value"] for s in doc["steps"]}
    # one update goes downhill on the error of the samples it used (online: the first
    # sample's; the others' may rise, which is what online training is)
    after = next(s["id"] for s in doc["steps"] if s["kind"] == "error_after")
    assert steps[after] < steps[after[:-1]]


@pytest.mark.parametrize("name", LIBRARY)
def test_trained(name):
    s = TrainingSession(load(name))
    s.play()
    while s.status is Status.RUNNING:
        s.advance(5000)
    frame = s.frame()
    assert frame.status is Status.DONE and frame.error < 0.05 * frame.curve[0][1]


@pytest.mark.parametrize("name", [n for n in LIBRARY if n not in ("mazur", "mazur-biases", "momentum", "xor")])
def test_own_numbers_tell_every_mistake_apart(name):
    # the post's numbers (and its two variations) and XOR's (1, 1) are what they are; the rest are chosen clean
    assert collisions(load(name)) == []


@pytest.mark.parametrize("name", LIBRARY)
def test_variants_exist(name):
    found = collisions(variant(load(name), "workshop"))
    # XOR's variants keep its data, so its (1, 1) still hides a swapped input, and nothing else
    assert all("'wrong input for the weight'" in c for c in found) if name == "xor" else found == []


@pytest.mark.parametrize("name", LIBRARY)
async def test_walked_through_on_screen(name):
    from tutor.ui.app import BPTutorApp
    from tutor.ui.summary import SummaryScreen

    app = BPTutorApp(load(name))
    async with app.run_test(size=(100, 30)) as pilot:
        lesson = app.screen.lesson
        while not lesson.finished:   # every step answered, taken and drawn
            await answer_on_screen(pilot, f"{lesson.current.step.value:.12g}", typed=False)
        await pilot.pause()
        assert isinstance(app.screen, SummaryScreen)
        assert lesson.summary().first_try == len(lesson.records)
