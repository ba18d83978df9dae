"""Learner trial 18:50, items 1 and 6: how many digits an answer needs, one rule for every
lesson, and an expression typed with numbers judged by the digits of its numbers.

The rule: a number is right when it is the exact value, or has two significant digits or
more and is within 0.1% of the exact value or the exact value rounded to them; the right
value's first digits that are not right by that rule (one significant digit, or cut short
instead of rounded) get "more digits"; anything else is not yet. An expression's digits are
those of its rounded numbers (numbers that are the exact value of what the step is made
from, as 0.45 for w6 and 0.5 for eta, carry no precision)."""

from __future__ import annotations

import functools

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from tutor.lesson.answer import parse
from tutor.lesson.checking import Status, check
from tutor.lesson.exercise import load
from tutor.lesson.worked import build


@functools.lru_cache(maxsize=None)
def worked(name: str):
    return build(load(name))


def judge(name: str, step_id: str, text: str):
    w = worked(name)
    step = next(s for s in w.steps if s.id == step_id)
    names = {k.replace("/", "_").replace("+", "_new"): v for k, v in w.exact.items()}
    return check(step, parse(text, names), w.context, w.exact, {})


# --- 1. an expression's precision is its numbers' -----------------------------------------

def test_a_number_from_a_slip_in_an_expression_is_that_slip():
    """w6+ = 0.408666186 (the post); 0.082167 is dE_total/dw5 (0.082167041), not dE_total/dw6
    (0.082667628): 0.45 - 0.5*0.082167 = 0.4089165 is the same slip as the names typed, though
    its implied step is within 1% of the right one. eta 0.5 and w6 0.45 are exact: they do
    not make the answer's precision."""
    by_names = judge("mazur", "w6+", "w6 - eta*dE_total_dw5")
    by_numbers = judge("mazur", "w6+", "0.45 - 0.5*0.082167")
    assert by_names.status is Status.MISTAKE
    assert by_numbers.status is Status.MISTAKE, by_numbers.message
    assert by_numbers.mistake.key == by_names.mistake.key and by_numbers.where == by_names.where


@pytest.mark.parametrize("text, status", [
    ("0.45 - 0.5*0.082668", "right"),      # dE_total/dw6 = 0.082667628 rounded
    ("0.45 - 0.5*0.0827", "right"),
    ("0.45 - 0.5*0.083", "right"),         # two digits, rounded: as a plain 0.083 would be
    ("0.45 - 0.5*0.0825", "wrong"),        # 0.2% off dE_total/dw6: a plain 0.0825 is wrong too
    ("0.45 - 0.5*0.08", "more_digits"),    # one significant digit
    ("0.45 - 0.5*0.1385*0.5969", "right"),  # delta_o1 0.138498562, out_h2 0.596884378
    ("0.45 - 0.5*0.1385*0.5933", "mistake"),  # out_h1 0.593269992 for out_h2
])
def test_a_new_weight_typed_with_numbers_is_judged_by_their_digits(text, status):
    v = judge("mazur", "w6+", text)
    assert v.status == status, v.message


@pytest.mark.parametrize("step_id, text, status", [
    ("dout_h1/dnet_h1", "0.5933*(1-0.5933)", "right"),
    ("dout_h1/dnet_h1", "0.59*(1-0.59)", "right"),
    # 0.6 is out_h1 cut to one digit, not b2 (0.6): b2 is no part of dout_h1/dnet_h1
    ("dout_h1/dnet_h1", "0.6*(1-0.6)", "more_digits"),
    ("E_total", "0.2748 + 0.02356", "right"),           # E_o1 0.274811083, E_o2 0.023560026
    ("E_total", "0.2748 + 0.0235", "right"),            # within what four digits each allow
    ("E_total", "0.2748 + 0.0255", "wrong"),
])
def test_an_expression_with_numbers_in_other_steps(step_id, text, status):
    v = judge("mazur", step_id, text)
    assert v.status == status, v.message


# --- 6. one rule for "right", "more digits" and "not yet" ---------------------------------

@pytest.mark.parametrize("name, step_id, text, status", [
    ("mazur", "dnet_o1/dw5", "1", "wrong"),          # 0.5933 to one digit is 0.6, not 1
    ("deep-tanh", "dE_total_s1/db6", "0", "wrong"),  # -0.0231: zero is no value rounded
    ("deep-tanh", "dE_o1_s1/dout_h2_2_s1", "0.03", "more_digits"),   # 0.030022: one digit
    ("deep-tanh", "dE_o1_s1/dout_h2_2_s1", "0.030", "right"),
    ("mazur", "out_h1", "0.59", "right"),             # 0.593269992
    ("mazur", "out_o1", "0.75", "right"),             # 0.75136507
    ("mazur", "dout_h2/dnet_h2", "0.24", "right"),    # 0.240613417, though a slip rounds to 0.24 too
    ("mazur", "out_o1", "0.8", "more_digits"),        # rounded to one digit
    ("mazur", "out_o1", "0.7", "more_digits"),        # cut short or a slip rounded: the next digits tell
    ("mazur", "E_o2", "0.0235", "more_digits"),       # 0.023560026 cut short
    ("mazur", "E_o2", "0.0236", "right"),
    ("mazur", "dnet_h1/dw1", "0.05", "right"),        # i1 = 0.05 exactly: one digit is all of it
    ("mazur", "net_h1", "0.2", "wrong"),              # 0.3775
])
def test_one_rule_for_digits(name, step_id, text, status):
    v = judge(name, step_id, text)
    assert v.status == status, v.message


LESSONS = ("mazur", "deep-tanh", "softmax", "two-hidden", "relu")


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(LESSONS), st.data(), st.integers(1, 6))
def test_the_exact_value_rounded_is_right_from_two_digits_and_more_digits_below(name, data, digits):
    """Every lesson, every step but a new weight (judged by the step it implies): the exact
    value rounded to two or more significant digits is right, whatever slips round to it too;
    to one, "more digits" (unless that one digit is all of it)."""
    w = worked(name)
    step = data.draw(st.sampled_from([s for s in w.steps if s.kind != "update" and s.value != 0]))
    text = f"{step.value:#.{digits}g}"  # trailing zeros kept: 0.30 is two digits
    v = judge(name, step.id, text)
    if digits >= 2 or float(text) == step.value:
        assert v.status is Status.RIGHT, (step.id, text, v.message)
    else:
        assert v.status is Status.MORE_DIGITS, (step.id, text, v.message)


# --- 2. the post's own printed digits: the verdict says what the summary says ---------------

def test_the_posts_printed_figure_typed_is_right_and_said_to_be_the_posts():
    """dE_o2/dout_h1: the post prints -0.019049119, worked from rounded figures; exactly it is
    -0.01904911826. Right (within 0.1%), and the verdict says whose digits they are."""
    v = judge("mazur", "dE_o2/dout_h1", "-0.019049119")
    assert v.status is Status.RIGHT
    assert "prints" in v.message and "-0.01904911826" in v.message and "rounded to nine decimals" in v.message
    assert judge("mazur", "dE_o2/dout_h1", "-0.0190491183").message == "Right."
