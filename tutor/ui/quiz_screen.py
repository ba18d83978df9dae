"""A quiz: one step at a time, with the values it is made from, one try each.

Drawing the questions works out a variant's update per question (about 0.1 s each), so it
runs in a worker while the screen says what it is preparing; the answer box opens when the
questions are there.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, Input, Static

from ..lesson.quiz import Quiz
from .lesson_screen import show_feedback
from .saving import SavingNotice


class QuizScreen(Screen):
    BINDINGS = [Binding("escape", "app.home", "Lessons", priority=True)]

    @dataclass
    class Drawn(Message, bubble=False):
        """The questions, from the worker (or why they could not be drawn)."""
        quiz: Quiz | None
        error: str = ""

    def __init__(self, questions: int, exercises: list[str] | None = None, store=None, rng=None):
        """rng: a random.Random for the draw (a fixed one gives the same quiz every time)."""
        super().__init__()
        self.request = (questions, exercises, store)
        self.rng = rng
        self.quiz: Quiz | None = None

    def compose(self) -> ComposeResult:
        yield Static(Text(f"Quiz: preparing {self.request[0]} questions…", style="bold"), id="progress")
        with VerticalScroll(id="quiz-body"):
            yield Static(id="quiz-given")
            yield Static(id="question")
        yield Input(placeholder="a number or an expression; one try", id="answer", select_on_focus=False,
                    disabled=True)
        yield Static(id="feedback")
        yield SavingNotice()
        yield Footer()

    def on_mount(self) -> None:
        self._draw()

    @work(thread=True, exclusive=True, group="quiz-draw")
    def _draw(self) -> None:
        from ..lesson.exercise import ExerciseError
        from ..lesson.quiz import make_quiz

        n, names, store = self.request
        try:
            self.post_message(self.Drawn(make_quiz(n, names, store, self.rng)))
        except ExerciseError as e:
            self.post_message(self.Drawn(None, str(e)))

    def on_quiz_screen_drawn(self, message: Drawn) -> None:
        if message.quiz is None:
            self.query_one("#progress", Static).update(Text("The quiz could not be made.", style="bold"))
            self.query_one("#quiz-given", Static).update(message.error)
            return
        self.quiz = message.quiz
        box = self.query_one(Input)
        box.disabled = False
        self.show_question()
        box.focus()

    def show_question(self) -> None:
        quiz, q = self.quiz, self.quiz.current
        self.query_one("#progress", Static).update(Text(
            f"Quiz: question {min(quiz.index + 1, len(quiz.questions))} of {len(quiz.questions)}  ·  "
            f"right so far: {quiz.score}", style="bold"))
        if q is None:
            self._finish()
            return
        given = Text(f"{q.ex.title} (variant {q.variant})\n", style="dim")
        for name, value in q.given.items():
            given.append(f"  {name} = {value:.9g}\n")
        self.query_one("#quiz-given", Static).update(given)
        self.query_one("#question", Static).update(Text(q.text, style="bold"))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        q = self.quiz.current if self.quiz is not None else None
        if q is None:
            return
        verdict = self.quiz.submit(event.value)
        answered = verdict.status != "invalid"
        if answered:
            event.input.value = ""
        show_feedback(self.query_one("#feedback", Static), verdict.status,
                      "" if verdict.message == "Right." else verdict.message,
                      before=f"{q.step.id} = {q.step.value:.9g}. " if answered else "", one_try=True)
        self.show_question()

    def _finish(self) -> None:
        quiz = self.quiz
        lines = Text(f"Quiz done: {quiz.score} of {len(quiz.questions)} right at the one try.\n\n", style="bold")
        if quiz.mistakes:
            lines.append("Mistakes met:\n")
            for name, n in quiz.mistakes.most_common():
                lines.append(f"  • {name}" + (f" x{n}" if n > 1 else "") + "\n")
        missed = [q.step.id for q in quiz.questions if q.verdict is not None and not q.verdict.credited]
        if missed:
            lines.append("\nSteps missed: " + ", ".join(missed) + ". Steps of these kinds come up more often in "
                         "later quizzes.\n")
        lines.append("\nEscape: back to the lessons.", style="dim")
        self.query_one("#quiz-given", Static).update(lines)
        self.query_one("#question", Static).update("")
        self.query_one(Input).display = False
