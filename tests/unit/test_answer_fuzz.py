"""Issue 9: no answer crashes. Random text and grammar-built expressions thrown at the
evaluator and at `Lesson.submit` of several exercises at several points of a lesson:
nothing but the evaluator's own one-sentence error may come out."""

from __future__ import annotations

import functools

from hypothesis import HealthCheck, given, settings, strategies as st

from tutor.lesson.answer import AnswerError, parse
from tutor.lesson.exercise import load
from tutor.lesson.session import Lesson

EXERCISES = ("mazur", "xor", "softmax", "two-samples-batch")
POINTS = (0, 0.4, 0.95)   # where in the lesson: the first step, a backward step, the last steps


@functools.lru_cache(maxsize=None)
def lesson_at(name: str, where: float) -> Lesson:
    lesson = Lesson(load(name))
    stop = int(where * (len(lesson.records) - 1))
    while lesson.index < stop:
        lesson.submit(repr(lesson.current.step.value))
    return lesson


def names_of(lesson: Lesson) -> tuple[str, ...]:
    """What a learner might type: every name known, pending and shown, in every spelling."""
    known = lesson.known()
    return tuple(sorted({*known, *lesson.pending(known), *lesson.spellings().values(), "e", "pi", "eta"}))


NUMBERS = st.one_of(
    st.floats(allow_nan=False, allow_infinity=False).map(repr),
    st.integers(-10**30, 10**30).map(str),
    st.sampled_from(["0e400", "1e308", "1e-400", "-0E999", ".5", "5.", "0,5", "１", "½", "9" * 199,
                     "1" + "0" * 320, "0x10", "1_000", "1j", "nan", "inf"]),
)
OPERATORS = ["+", "-", "*", "/", "^", "**", "%", "//", "<", "==", " if 1 else ", ",", "=", " / "]
FUNCTIONS = ["exp", "ln", "log", "sqrt", "tanh", "max", "min", "abs", "print", "__import__", ""]


@functools.lru_cache(maxsize=None)
def expressions(names: tuple[str, ...]):
    leaf = st.one_of(NUMBERS, st.sampled_from(names))
    return st.recursive(leaf, lambda inner: st.one_of(
        st.tuples(inner, st.sampled_from(OPERATORS), inner).map("".join),
        st.tuples(st.sampled_from(["-", "+", "−", "not ", "~"]), inner).map("".join),
        st.tuples(st.sampled_from(FUNCTIONS), st.lists(inner, max_size=3)).map(lambda t: f"{t[0]}({', '.join(t[1])})"),
        inner.map(lambda x: f"({x})"),
    ), max_leaves=12)


def assert_one_sentence(error: AnswerError) -> None:
    text = str(error)
    assert text.endswith((".", "?")) and "\n" not in text and len(text) < 400, text


@functools.lru_cache(maxsize=None)
def names_at(name: str, where: float) -> tuple[str, ...]:
    return names_of(lesson_at(name, where))

SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


class TestTheEvaluator:
    @SETTINGS
    @given(text=st.text(max_size=60))
    def test_random_text(self, text):
        """Any text at all: a value, or one sentence."""
        try:
            parse(text, {"w5": 0.4, "out_h1": 0.59})
        except AnswerError as e:
            assert_one_sentence(e)

    @SETTINGS
    @given(text=st.deferred(lambda: expressions(names_at("mazur", 0.4))))
    def test_grammar_built_expressions(self, text):
        """Expressions over numbers, names in every spelling, operators and functions."""
        lesson = lesson_at("mazur", 0.4)
        known = lesson.known()
        try:
            a = parse(text, known, lesson.pending(known), ids=lesson.spellings(), asking=("delta_o1",))
        except AnswerError as e:
            assert_one_sentence(e)
        else:
            assert a.value == a.value and abs(a.value) <= 1e100


class TestLessonSubmit:
    @SETTINGS
    @given(name=st.sampled_from(EXERCISES), where=st.sampled_from(POINTS), data=st.data())
    def test_submit_never_raises(self, name, where, data):
        """Lesson.submit of several exercises at several points: a verdict, every time."""
        lesson = lesson_at(name, where)
        text = data.draw(st.one_of(st.text(max_size=40), expressions(names_at(name, where))))
        if lesson.finished:
            lesson_at.cache_clear()
            lesson = lesson_at(name, where)
        v = lesson.submit(text)
        assert v.message.endswith((".", "?")) and "\n" not in v.message
