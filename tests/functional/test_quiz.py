"""Quizzes: single steps with what they are made from, one try, and missed kinds back more often."""

import random
import subprocess
import sys

import pytest

from tutor.engine.steps import solve
from tutor.lesson.catalog import bundled
from tutor.lesson.exercise import load
from tutor.lesson.quiz import kind_of, make_quiz, weights
from tutor.lesson.store import Store


@pytest.mark.parametrize("name", bundled())
def test_a_steps_kind_is_known_from_its_id(name):
    ex = load(name)
    for step in solve(ex.network, ex.X, ex.T, ex.settings).steps:
        # a sample's error after a batch update (E_total_s1+, F4's pass) reads as the error after
        if step.kind != "gradient" and not (step.breakdown_only and step.kind == "error_total"):
            assert kind_of(step.id) == step.kind, step.id


def test_questions_give_what_the_step_is_made_of_but_not_the_step(tmp_path):
    quiz = make_quiz(30, store=Store(tmp_path / "home"), rng=random.Random(3))
    assert len(quiz.questions) == 30 and len({q.ex.name for q in quiz.questions}) > 3
    for q in quiz.questions:
        assert q.step.id not in q.given and q.given
        assert q.variant.startswith("q")


def test_one_try_each_stored_and_scored(tmp_path):
    store = Store(tmp_path / "home")
    quiz = make_quiz(3, ["mazur"], store, random.Random(5))
    first = quiz.current
    assert quiz.submit("gibberish(").status == "invalid" and quiz.current is first   # unreadable: try again
    assert quiz.submit(repr(first.step.value)).status == "right"
    quiz.submit("0.123456")
    quiz.submit(repr(quiz.current.step.value))
    assert quiz.finished and quiz.score == 2
    rows = store.rows()
    assert [(r["mode"], r["variant"]) for r in rows] == [("quiz", q.variant) for q in quiz.questions]


def test_missed_kinds_come_back_more_often(tmp_path):
    store = Store(tmp_path / "home")
    for _ in range(5):
        store.answer("mazur", "x", "delta_o1", "0", 0.0, "wrong", None, 0, lesson=False)
        store.answer("mazur", "x", "net_h1", "0.3775", 0.3775, "right", None, 0, lesson=False)
    w = weights(store)
    assert w["delta"] == 4.0 and w["net"] == 1.0 and w["update"] == 1.0
    fresh = Store(tmp_path / "other")

    def deltas(s):
        quiz = make_quiz(60, ["mazur"], s, random.Random(11))
        return sum(q.step.kind == "delta" for q in quiz.questions)

    assert deltas(store) > 2 * deltas(fresh)


async def test_the_quiz_on_screen(tmp_path):
    from tutor.ui.app import BPTutorApp
    from tutor.ui.quiz_screen import QuizScreen

    app = BPTutorApp(quiz=(3, ["mazur"]))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, QuizScreen)
        await app.workers.wait_for_complete()
        await pilot.pause()
        quiz = app.screen.quiz
        for k in range(3):
            # the draw is random: 0.5 was once net_o1 (0.4998…, which rounds to it: right)
            app.screen.query_one("#answer").value = "12345" if k == 1 else repr(quiz.current.step.value)
            await pilot.press("enter")
            await pilot.pause()
            if k == 1:  # one try: a wrong answer is not right, never "not yet"
                said = str(app.screen.query_one("#feedback").render())
                assert said.startswith("✗ Not right.") and "Not yet" not in said
        shown = str(app.screen.query_one("#quiz-given").render())
        assert shown.startswith(f"Quiz done: {quiz.score} of 3 right at the one try.")


def test_quiz_command_with_a_wrong_exercise():
    r = subprocess.run([sys.executable, "-m", "tutor", "quiz", "nosuch"], capture_output=True, text=True)
    assert r.returncode == 2 and r.stderr.startswith("bptutor: nosuch: no such file") and "Traceback" not in r.stderr


def test_a_quiz_is_not_a_lesson_to_reopen_or_replay(tmp_path):
    from tutor.lesson.session import Lesson
    from tutor.lesson.workshop import progress_lines

    store = Store(tmp_path / "home")
    lesson = Lesson(load("mazur"), "", store)
    lesson.submit("0.3775")
    quiz = make_quiz(2, ["mazur"], store, random.Random(2))
    quiz.submit(repr(quiz.current.step.value))
    quiz.submit("0.123")
    assert store.last() == ("mazur", "")          # plain `bptutor` reopens the lesson, not the quiz
    assert progress_lines(store) == [
        "A Step by Step Backpropagation Example (mazur, own numbers): 1 of 32 steps done, at out_h1; "
        "right at the first try: 1; mistakes met: none",
        "Quizzes: 2 steps answered, 1 right."]


def test_a_quiz_answer_may_use_the_names_as_shown():
    """The quiz reads dE_total/dout_o1 as the name shown, and the step's own name is not an answer."""
    import random

    from tutor.lesson.quiz import make_quiz

    quiz = make_quiz(30, ["mazur"], rng=random.Random(3))
    quiz.index = next(i for i, q in enumerate(quiz.questions) if q.step.kind == "dE_dw")
    q = quiz.current
    own = quiz.submit(q.step.id)
    assert own.status == "invalid" and "the quantity this step asks for" in own.message
    chain = " * ".join(q.step.depends)   # dE_total/dout_o1 * dout_o1/dnet_o1 * dnet_o1/dw5, as shown
    assert quiz.submit(chain).status == "right"
