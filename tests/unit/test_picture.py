"""What the picture of the network shows at each step (lesson/picture.py; no Textual):
the values of the sample the step is about, the quantity asked drawn and marked, and no
"?" left for a quantity the lesson never asks once the update is past it."""

import re

import pytest

from tutor.lesson.catalog import bundled
from tutor.lesson.exercise import load
from tutor.lesson.picture import shown
from tutor.lesson.session import Lesson

# the kinds of quantity the picture has a cell for (gradients are not drawn)
DRAWN = {"net", "out", "delta", "error", "error_total", "error_after", "update"}
PER_SAMPLE = re.compile(r"^(?:i\d+|(?:net|out|delta|E|target)_\w+?)_s(\d+)$")
SEVERAL = [n for n in bundled() if len(load(n).X) > 1]


def _cells(picture):
    return [c for _, col in picture.cols for line in col for c in line if c.id is not None]


def _walk(lesson):
    """Every step of the lesson, answered right in turn; yields at each before its answer."""
    while lesson.current is not None:
        yield lesson.current.step
        lesson.submit(f"{lesson.current.step.value:.12g}")


def test_the_bundled_lessons_with_several_samples_are_the_ones_checked():
    assert {"deep-tanh", "two-samples-batch", "two-samples-online", "softmax", "xor"} <= set(SEVERAL)


@pytest.mark.parametrize("name", SEVERAL)
def test_every_step_draws_the_sample_it_is_about_and_the_quantity_asked(name):
    """Learner trial #3: at deep-tanh's net_h1_1_s2 the picture showed sample 1's inputs and
    net values, no ▸ on the inputs, nothing marked at out_h1_1_s2; xor's E_total_s1 was never
    drawn (the cell was the batch's E_total)."""
    ex = load(name)
    lesson = Lesson(ex)
    seen = set()
    for step in _walk(lesson):
        picture = shown(lesson)
        cells = _cells(picture)
        ids = {c.id for c in cells} | {c.after for c in cells if c.after}
        if step.kind in DRAWN:
            assert step.id in ids, f"{name}: {step.id} is asked but not drawn"
        tags = {int(m.group(1)) for q in [step.id, *step.depends] if (m := PER_SAMPLE.match(q))}
        if len(tags) == 1:  # a step of one sample: its values, what it is made from marked
            s = tags.pop()
            seen.add(s)
            assert picture.sample == s
            assert {c.id for c in cells if PER_SAMPLE.match(c.id)} == {
                c.id for c in cells if PER_SAMPLE.match(c.id) and c.id.endswith(f"_s{s}")}
            for k, x in enumerate(ex.X[s - 1]):
                assert picture.values[f"i{k + 1}_s{s}"] == pytest.approx(x)
            made_of = [d for d in step.depends if PER_SAMPLE.match(d)]
            assert set(made_of) <= {c.id for c in cells if c.id in picture.path}, step.id
        assert all(f"s{picture.sample}" in title for title, _ in picture.cols if title != "weights")
    used = {1} if ex.settings.mode == "online" else set(range(1, len(ex.X) + 1))
    assert seen == used


def test_a_step_over_every_sample_shows_the_last_samples_values():
    """A batch's E_total, dE_total/dw1 and w1+ take both samples: the picture keeps the
    values of the sample before (its columns say s2), the batch's E_total has a cell of its own."""
    lesson = Lesson(load("two-samples-batch"))
    for step in _walk(lesson):
        if step.id in ("E_total", "dE_total/dw1", "w1+"):
            picture = shown(lesson)
            assert picture.sample == 2
            assert {"E_total", "E_total_s2"} <= {c.id for c in _cells(picture)}
            assert "eta" in picture.path if step.id == "w1+" else True


def test_a_quantity_never_asked_shows_its_value_once_the_update_is_past_it():
    """Learner trial #9: mazur never asks delta_o2, delta_h1, delta_h2; at its last step their
    cells still read "δ ?", as if something were left to do."""
    lesson = Lesson(load("mazur"))
    for step in _walk(lesson):
        if step.id == "E_total+":
            break
    picture = shown(lesson)
    for q in ("delta_o2", "delta_h1", "delta_h2"):
        assert picture.values[q] == lesson.exact[q]
    unknown = [c.id for c in _cells(picture) if c.id not in picture.values and c.after is None]
    assert unknown == ["E_total+"]


def test_a_quantity_never_asked_is_not_shown_before_the_update_gets_there():
    """delta_o2 is not given away in the forward pass, nor while a step still to answer is
    made from it (dE_o2/dout_h1, where its answer and F4 say it is still to be worked out):
    it fills in once that step is done."""
    lesson = Lesson(load("mazur"))
    for step in _walk(lesson):
        if step.id in ("E_o1", "dnet_o1/dout_h1", "dE_o2/dout_h1"):
            assert "delta_o2" not in shown(lesson).values, step.id
        if step.id == "dE_total/dout_h1":  # the one after dE_o2/dout_h1
            assert shown(lesson).values["delta_o2"] == pytest.approx(lesson.exact["delta_o2"])
            break
