"""Learner trial 18:50, item 2: an answer equal to the post's printed figure gets a verdict
and a summary that agree, the last answer's verdict is in the summary (which replaces the
lesson at once), and the summary's list of the post's figures that do not follow is a
statement about the post, not a ✗ on the learner."""

from __future__ import annotations

from tutor.lesson.exercise import load
from tutor.lesson.session import Lesson
from tutor.ui.summary import summary_text


def finished(last: str) -> Lesson:
    lesson = Lesson(load("mazur"))
    while lesson.current.step.id != "E_total+":
        lesson.submit(repr(lesson.current.step.value))
    lesson.submit(last)
    assert lesson.finished
    return lesson


def test_the_summary_says_what_the_last_answer_got_and_marks_no_printed_figure():
    """The post's E_total+ (0.291027924; exactly 0.291027774): accepted as within the
    tolerance, with a note; the summary says so, beside the post's figure, with no ✗."""
    lesson = finished("0.291027924")
    verdict = lesson.records[-1].verdict
    assert verdict.credited and "0.291027774" in verdict.message
    text = summary_text(lesson, lesson.comparisons())
    assert "Your last answer, E_total+ = 0.291027924: ✓" in text and "0.291027774" in text
    figures = text[text.index("The figures printed in"):]
    assert "28 of 33 follow from the algorithm as stated" in figures
    assert "✗" not in figures
    assert "E_total+: printed 0.291027924, the algorithm gives 0.2910277737." in figures
    assert "Your answer was these printed digits: right, within the tolerance" in figures


def test_a_right_last_answer_is_said_plainly():
    lesson = finished("0.291027774")
    text = summary_text(lesson, [])
    assert "Your last answer, E_total+ = 0.291027774: ✓ Right." in text and "Right. Right" not in text
