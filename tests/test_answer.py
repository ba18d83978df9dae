"""Reading answers: numbers, expressions, names; anything else is one sentence."""

import math

import pytest

from tutor.lesson.answer import AnswerError, parse

NAMES = {"w5": 0.4, "i1": 0.05, "out_h1": 0.593269992, "out_o1": 0.75136507, "eta": 0.5}


@pytest.mark.parametrize("text, value", [
    ("0.3775", 0.3775), (".3775", 0.3775), ("3.775e-1", 0.3775), ("  0.3775 ", 0.3775), ("0,3775", 0.3775),
    ("−0.5", -0.5), ("1/(1+exp(-0.3775))", 1 / (1 + math.exp(-0.3775))), ("2^3", 8.0), ("2**3", 8.0),
    ("out_h1*(1-out_h1)", 0.593269992 * (1 - 0.593269992)), ("-(0.01-out_o1)", 0.74136507),
    ("w5*i1", 0.02), ("ln(e)", 1.0), ("sqrt(4)", 2.0), ("max(0, -2)", 0.0), ("2×3", 6.0),
])
def test_values(text, value):
    assert parse(text, NAMES).value == pytest.approx(value, rel=1e-15)


def test_digits_of_plain_numbers():
    a = parse("0.5933", NAMES)
    assert a.literal and a.decimals == 4 and a.significant == 4
    b = parse("5.933e-1", NAMES)
    assert b.decimals == 4 and b.significant == 4
    assert not parse("0.5+0.0933", NAMES).literal


@pytest.mark.parametrize("text, says", [
    ("", "Type a number or an expression"),
    ("abc", "I do not know the name 'abc'"),
    ("out_o2", "out_o2 is not known yet"),
    ("0.3.4", "could not read that"),
    ("__import__('os')", "'__import__' is not a function I know"),
    ("().__class__", "not something I can work out"),
    ("9**9**9**9", "too large"),
    ("10**400", "too large"),
    ("1/0", "divides by zero"),
    ("ln(0)", "ln of a number at or below 0 is not defined"),
    ("sqrt(-1)", "sqrt of a negative number is not defined"),
    ("(-8)**0.5", "not a real number"),
    ("exp(1000)", "too large"),
    ("x" * 10_000, "too long (10,000 characters)"),
    ("'text'", "Only numbers and names"),
    ("True", "Only numbers and names"),
    ("1 if 2 else 3", "not something I can work out"),
    ("lambda: 1", "not something I can work out"),
    ("[1, 2]", "not something I can work out"),
    ("exp", "exp is a function"),
    ("exp(1, 2)", "exp takes one number"),
    ("open(1)", "'open' is not a function I know"),
    ("1e999", "too large"),
    ("(" * 150 + "1" + ")" * 150, "too long"),
    ("-" * 199 + "1", "too long"),
])
def test_everything_else_is_a_sentence(text, says):
    with pytest.raises(AnswerError) as info:
        parse(text, NAMES, pending={"out_o2": "out_o2"})
    message = str(info.value)
    assert says in message and message.endswith(".") and "\n" not in message
