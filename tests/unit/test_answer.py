"""Reading answers: numbers, expressions, names; anything else is one sentence."""

import math

import pytest
from hypothesis import HealthCheck, assume, given, settings, strategies as st

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


class TestNoAnswerCrashes:
    """Issue 9: answers that crashed the lesson or the checker get one sentence."""

    @pytest.mark.parametrize("text", ["max(5)", "max(w5)", "max()"])
    def test_max_of_one_number(self, text):
        """max with fewer than two numbers is a sentence, not a KeyError."""
        with pytest.raises(AnswerError, match="max takes two or more numbers"):
            parse(text, NAMES)

    @pytest.mark.parametrize("text", ["0e400", "0.0e309", "-0E999"])
    def test_zero_with_a_huge_exponent_is_zero(self, text):
        """A zero's exponent does not overflow the digit count the checker uses."""
        a = parse(text, NAMES)
        assert a.value == 0.0 and 10.0 ** (-a.decimals) >= 0

    def test_a_huge_integer_inside_an_expression(self):
        """An integer of 309 digits inside an expression overflows a float: a sentence."""
        with pytest.raises(AnswerError, match="too large"):
            parse("1" + "0" * 190 + "**2+1", NAMES)


IDS = {"dE_total_dw5": "dE_total/dw5", "dout_o1_dnet_o1": "dout_o1/dnet_o1", "w5_new": "w5+",
       "E_total_new": "E_total+", "delta_o1": "delta_o1", "dE_o1_dnet_o1": "dE_o1/dnet_o1"}
SPELLED = {**NAMES, "dE_total_dw5": 0.08, "dout_o1_dnet_o1": 0.2, "w5_new": 0.36, "E_total_new": 0.29,
           "delta_o1": 0.14, "dE_o1_dnet_o1": 0.14}


class TestOneSpelling:
    """Issue 10 §3: a learner types what the screen shows, and every spelling works."""

    @pytest.mark.parametrize("text, value", [
        ("dE_total/dw5", 0.08), ("dE_total_dw5", 0.08), ("∂E_total/∂w5", 0.08), ("dE_total / dw5", 0.08),
        ("w5 - η*dE_total/dw5", 0.4 - 0.5 * 0.08), ("dout_o1/dnet_o1*2", 0.4), ("w5+", 0.36), ("w5⁺", 0.36),
        ("w5_new", 0.36), ("w5+ - 0.06", 0.30), ("w5+w5", 0.8), ("(w5+)*2", 0.72), ("E_total+", 0.29),
        ("δ_o1", 0.14), ("δo1", 0.14), ("dE_o1/dnet_o1", 0.14), ("½*w5", 0.2), ("−w5", -0.4), ("１.５", 1.5),
        ("w5/i1", 8.0), ("out_h1²", 0.593269992 ** 2),
    ])
    def test_every_spelling_of_a_name(self, text, value):
        """The forms with / and +, the symbols ∂ δ η ⁺ ½, Unicode minus and full width all read."""
        assert parse(text, SPELLED, ids=IDS).value == pytest.approx(value, rel=1e-12)

    def test_the_name_repeated_before_the_value(self):
        """`E_o2 = 0.0235` is read as 0.0235 when E_o2 is the step's quantity."""
        a = parse("E_o2 = 0.0235", NAMES, {"E_o2": ""}, asking="E_o2")
        assert a.value == 0.0235 and a.literal and a.decimals == 4

    def test_another_name_before_the_value(self):
        """`w5 = 0.3` while the step asks for E_o2: a sentence that says which is asked."""
        with pytest.raises(AnswerError, match="w5 is another quantity: this step asks for E_o2"):
            parse("w5 = 0.3", NAMES, {"E_o2": ""}, asking="E_o2")

    @pytest.mark.parametrize("text", ["dE_total_dw5", "dE_total/dw5", "∂E_total/∂w5"])
    def test_the_steps_own_quantity(self, text):
        """Naming the quantity the step asks for says so, in any spelling."""
        with pytest.raises(AnswerError, match=r"dE_total/dw5 is the quantity this step asks for"):
            parse(text, NAMES, {"dE_total_dw5": "it is asked at step 15"}, ids=IDS, asking="dE_total_dw5")

    def test_a_name_known_later_says_when(self):
        """A quantity not known yet says at which step it comes, in the spelling shown."""
        with pytest.raises(AnswerError, match=r"E_total\+ is not known yet: it is asked at step 32\."):
            parse("E_total+ - 0.1", NAMES, {"E_total_new": "it is asked at step 32"}, ids=IDS)

    @pytest.mark.parametrize("text, typed, meant", [
        ("w5 - eta * dE_totl/dw5", "dE_totl/dw5", "dE_total/dw5"),
        ("0.5*dout_o1/dnet_o", "dout_o1/dnet_o", "dout_o1/dnet_o1"),
        ("w5 - eta*∂E_total/∂w55", "dE_total/dw55", "dE_total/dw5"),
        ("de_total / dw5", "de_total/dw5", "dE_total/dw5"),
    ])
    def test_a_slip_inside_a_derivatives_name_suggests_the_derivative(self, text, typed, meant):
        """Learner trial 18:50 #12: `w8 - eta * dE_totl/dw8` got "did you mean E_total?"."""
        with pytest.raises(AnswerError) as e:
            parse(text, SPELLED, ids=IDS)
        assert str(e.value) == f"I do not know the name {typed!r}; did you mean {meant}?"

    def test_a_derivative_meant_that_is_not_known_yet_says_so_too(self):
        with pytest.raises(AnswerError) as e:
            parse("w8 - eta*dE_totl/dw8", NAMES, {"dE_total_dw8": "press F4 to work it out first"},
                  ids={"dE_total_dw8": "dE_total/dw8"})
        assert str(e.value) == ("I do not know the name 'dE_totl/dw8'; did you mean dE_total/dw8? "
                                "(dE_total/dw8 is not known yet: press F4 to work it out first.)")

    def test_a_division_of_known_names_stays_a_division(self):
        names = {**SPELLED, "dnet": 3.0, "dout": 2.0}
        assert parse("dnet/dout", names).value == 1.5
        assert parse("dE_total_dw5/dout_o1_dnet_o1", SPELLED, ids=IDS).value == pytest.approx(0.4)

    @pytest.mark.parametrize("text, suggestion", [("outh1", "out_h1"), ("out_h1_", "out_h1"), ("w55", "w5")])
    def test_a_name_close_to_a_known_one_is_suggested(self, text, suggestion):
        """A near miss gets "did you mean"."""
        with pytest.raises(AnswerError, match=f"did you mean {suggestion}\\?"):
            parse(text, NAMES)


class TestWhatLearnersWrite:
    """Ways of writing that a learner's trial ran into: the questions say "passed through the
    sigmoid function"; the post writes ½(target - out)²; with several samples i1 is i1_s1."""

    def test_sigmoid_is_a_function(self):
        assert parse("sigmoid(0.3775)", NAMES).value == pytest.approx(0.593269992, abs=1e-9)
        assert parse("sigmoid(-800)", NAMES).value == 0.0 and parse("sigmoid(800)", NAMES).value == 1.0

    def test_a_number_before_a_bracket_says_to_put_a_star(self):
        with pytest.raises(AnswerError, match=r"Put \* between a number and a bracket"):
            parse("½(0.01-out_o1)^2", NAMES)

    def test_a_name_before_a_bracket_says_to_put_a_star(self):
        with pytest.raises(AnswerError, match=r"Put \* between out_o1 and the bracket"):
            parse("out_o1(1-out_o1)", NAMES)

    @pytest.mark.parametrize("text", ["__import__('os').system('echo hi')", "out_o1.real(2)", "exp(1)(2)"])
    def test_a_call_that_is_no_number_before_a_bracket_is_not_called_one(self, text):
        """The learner's trial: __import__('os')... was told to put * between a number and a bracket."""
        with pytest.raises(AnswerError) as e:
            parse(text, NAMES)
        assert "number and a bracket" not in str(e.value)

    def test_a_name_without_its_sample_suffix_suggests_each_samples(self):
        """A step over all samples (a batch gradient): i1 could be any sample's."""
        with pytest.raises(AnswerError, match="with several samples each has its own: did you mean i1_s1 or i1_s2?"):
            parse("w1*i1", {"w1": 0.1, "i1_s1": 0.05, "i1_s2": 0.9}, asking="dE_total_dw1")

    def test_in_a_step_of_one_sample_a_name_without_its_suffix_is_that_samples(self):
        """A trial typed E_o1 + E_o2 + E_o3 for E_total_s1 and was told it did not know E_o1."""
        names = {"w1": 0.1, "i1_s1": 0.05, "i1_s2": 0.9, "E_o1_s1": 0.25, "E_o2_s1": 0.5, "E_o1_s2": 7.0,
                 "dE_total_s2_dout_h1_s2": 0.125, "dout_h1_s2_dnet_h1_s2": 0.5}
        assert parse("w1*i1", names, asking="net_h1_s2").value == pytest.approx(0.09)
        assert parse("E_o1 + E_o2", names, asking="E_total_s1").value == 0.75
        assert parse("dE_total_dout_h1 * dout_h1_dnet_h1", names, asking="delta_h1_s2").value == 0.0625
        with pytest.raises(AnswerError, match="E_total_s1 is the quantity this step asks for"):
            parse("E_total", {**names, "E_total_s1": 0}, asking="E_total_s1")
        with pytest.raises(AnswerError, match="out_o1_s1 is not known yet: it is asked at step 9"):
            parse("out_o1", names, {"out_o1_s1": "it is asked at step 9"}, asking="net_o1_s1")


def _lesson_at(name, step_id):
    from tutor.lesson.opening import worked_for
    from tutor.lesson.session import Lesson

    lesson = Lesson(worked_for(name), "", None)
    while lesson.current.step.id != step_id:
        lesson.submit(repr(lesson.current.step.value))
    return lesson


@pytest.mark.parametrize("lesson, step, typed, status", [
    ("softmax", "E_total_s1", "E_o1 + E_o2 + E_o3", "right"),            # the step is sample 1's
    ("softmax", "dE_total_s1/dw7", "delta_o1*dnet_o1/dw7", "right"),
    ("softmax", "w7+", "w7 - eta*dE_total/dw7", "right"),                # online: made from sample 1's gradient
    ("two-samples-batch", "w5+", "w5 - eta*dE_total/dw5", "right"),       # the batch's own dE_total/dw5
    ("two-samples-batch", "dE_total/dw5", "dE_total_s1/dw5 + dE_total_s2/dw5", "right"),
])
def test_a_step_of_one_sample_takes_its_names_without_the_tag(lesson, step, typed, status):
    assert _lesson_at(lesson, step).submit(typed).status.value == status


def test_a_step_over_all_samples_asks_which_sample_was_meant():
    verdict = _lesson_at("two-samples-batch", "dE_total/dw5").submit("dE_total/dout_o1 * 2")
    assert verdict.status.value == "invalid"
    assert verdict.message == ("I do not know the name 'dE_total/dout_o1'; with several samples each has its own: "
                               "did you mean dE_total_s1/dout_o1_s1 or dE_total_s2/dout_o1_s2?")


# --- issue 10 §3: a near miss suggests the name the learner meant, in every bundled lesson --------

def _lessons():
    from tutor.lesson.catalog import bundled
    from tutor.lesson.exercise import load
    from tutor.lesson.session import Lesson
    from tutor.lesson.worked import build

    return {name: Lesson(build(load(name))) for name in bundled()}


_LESSONS: dict = {}


def lesson_names(name: str):
    """(known, pending, ids) of a bundled lesson at its first step: every name it has."""
    if not _LESSONS:
        _LESSONS.update(_lessons())
    lesson = _LESSONS[name]
    known = lesson.known()
    return known, lesson.pending(known), lesson.spellings()


def test_outh1_in_two_hidden_suggests_the_first_hidden_layer():
    """The learner's trial: `outh1` in two-hidden suggested out_h2_1; h1 is the layer typed."""
    known, pending, ids = lesson_names("two-hidden")
    with pytest.raises(AnswerError, match=r"did you mean out_h1_1\?"):
        parse("outh1", known, pending, ids=ids)


@st.composite
def near_misses(draw):
    """(lesson, a name it has, that name typed without underscores, in another case, or
    with one separator dropped)."""
    from tutor.lesson.catalog import bundled

    lesson = draw(st.sampled_from(bundled()))
    known, pending, ids = lesson_names(lesson)
    name = draw(st.sampled_from(sorted([*known, *pending])))
    seps = [i for i, c in enumerate(name) if c == "_"]
    ways = ["no underscores", "upper", "swapcase", "title"] + (["one separator"] if seps else [])
    way = draw(st.sampled_from(ways))
    if way == "no underscores":
        typed = name.replace("_", "")
    elif way == "one separator":
        i = draw(st.sampled_from(seps))
        typed = name[:i] + name[i + 1:]
    else:
        typed = getattr(name, way)()
    return lesson, name, typed


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(near_misses())
def test_a_near_miss_suggests_that_very_name(case):
    lesson, name, typed = case
    known, pending, ids = lesson_names(lesson)
    assume(typed != name and typed not in known and typed not in pending and typed.isidentifier())
    with pytest.raises(AnswerError) as e:
        parse(typed, known, pending, ids=ids)
    # (one not known yet says so after the question: "did you mean E_o1? (E_o1 is not known yet: ...)")
    assert f"did you mean {ids.get(name, name)}?" in str(e.value), (lesson, typed, str(e.value))
