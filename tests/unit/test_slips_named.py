"""Learner trial 18:50, items 7, 10 and 22: a slip's words follow the exercise's loss, a slip
is never blamed on a step already judged right nor on a term the step does not have, the
summary's names say which slip it was, and "The formula is" never gives the answer away."""

from __future__ import annotations

import pytest

from tutor.lesson.checking import Status
from tutor.lesson.exercise import load
from tutor.lesson.session import Lesson


def at(name: str, step_id: str) -> Lesson:
    """A lesson at `step_id`, every step before it answered right, as a learner does."""
    lesson = Lesson(load(name))
    while lesson.current.step.id != step_id:
        assert lesson.submit(repr(lesson.current.step.value)).credited
    return lesson


# --- 7. the sign's words follow the loss ---------------------------------------------------

def test_the_sign_of_a_cross_entropy_delta_is_said_in_cross_entropy_words():
    """softmax, cross-entropy: delta_o1_s1 = out - target; dE/dout is -target/out there, so
    the half squared error's dE/dout = -(target - out) is not what went wrong."""
    v = at("softmax", "delta_o1_s1").submit("target_o1_s1 - out_o1_s1")
    assert v.status is Status.MISTAKE and v.mistake.key == "sign"
    assert "-(target - out)" not in v.message and "dE/dout" not in v.message
    assert "cross-entropy" in v.message and "out_o1_s1 - target_o1_s1" in v.message


def test_the_sign_in_the_posts_lesson_keeps_its_words():
    v = at("mazur", "delta_o1").submit("-0.138498562")
    assert v.message == "Mind the sign of delta_o1: dE/dout = -(target - out) = out - target."


# --- 10. a slip is named where it can have been made -----------------------------------------

def test_a_part_subtracted_is_not_blamed_on_the_part_already_right():
    """dE_o2/dout_h1 was judged right a step before; subtracting it is the slip."""
    lesson = at("mazur", "dE_total/dout_h1")
    v = lesson.submit("dE_o1/dout_h1 - dE_o2/dout_h1")
    assert v.status is Status.MISTAKE and v.where is None, v.message
    assert "dE_o2/dout_h1" in v.message and "subtracted" in v.message


def test_a_step_judged_right_is_not_where_a_later_slip_was_made():
    """0.235 for dout_h1/dnet_h1 (0.2413): net_h1*(1 - net_h1); out_h1 was judged right, so
    "net used as the output in out_h1" is no option."""
    v = at("mazur", "dout_h1/dnet_h1").submit("0.235")
    assert v.mistake is not None and v.mistake.key == "derivative_on_net", v.message
    assert "in out_h1" not in v.message


def test_no_half_to_cancel_in_a_hidden_neurons_sum():
    """w1+ = 0.149561 (the learning rate forgotten): no "the 2 and the 1/2 not cancelled in
    dE_total/dout_h1", a sum of parts with no 1/2 in it (and answered right before)."""
    v = at("mazur", "w1+").submit("0.149561")
    assert "1/2" not in v.message, v.message


def test_a_loss_the_post_never_uses_is_not_guessed_from_digits():
    """0.74137 for delta_o1: no "another loss than the exercise's"."""
    v = at("mazur", "delta_o1").submit("0.74137")
    assert "another loss" not in v.message, v.message


def test_the_summary_names_the_slip_made():
    """two-hidden: one neuron above left out of dE_total/dout_h1_1 is not "one output's"; a
    part's sign slip is not a bare "sign"."""
    lesson = at("two-hidden", "dE_total/dout_h1_1")
    v = lesson.submit("0.00315866")
    assert v.mistake.name == "only one of the neurons above", v.message
    lesson = at("mazur", "dE_o2/dout_h1")
    v = lesson.submit("0.019049118")
    assert v.mistake.name == "sign of a part of dE/dout", v.message


# --- 22. the fallback never gives the answer away; three slips named ---------------------------

@pytest.mark.parametrize("name, step_id, text, answer", [
    ("deep-tanh", "dnet_o1_s1/dw13", "out_h1_1_s1", "out_h2_1_s1"),
    ("mazur", "dnet_o1/dw5", "1", "out_h1"),
])
def test_a_formula_of_one_name_is_not_said_after_a_wrong_try(name, step_id, text, answer):
    v = at(name, step_id).submit(text)
    assert v.status is Status.WRONG
    assert answer not in v.message and "The formula is" not in v.message
    assert v.message.startswith(f"{step_id} is how fast")


@pytest.mark.parametrize("name, step_id, text, key", [
    # the logistic function's slope at a tanh layer (1 - out^2 belongs)
    ("deep-tanh", "dout_h2_1_s1/dnet_h2_1_s1", "out_h2_1_s1*(1-out_h2_1_s1)", "sigmoid_slope"),
    # the batch's E_total+ (0.0480277) as the mean of its two samples'
    ("deep-tanh", "E_total+", "0.0240139", "mean_for_sum"),
    # the shared bias b2 with one output's delta: that lesson's point
    ("mazur-biases", "dE_total/db2", "δ_o1", "one_delta_only"),
])
def test_three_slips_are_named(name, step_id, text, key):
    v = at(name, step_id).submit(text)
    assert v.status is Status.MISTAKE and v.mistake.key == key, v.message
    assert "The formula is" not in v.message
