"""The bptutor application: home, lesson, summary, help."""

from __future__ import annotations

from pathlib import Path

from typing import TYPE_CHECKING

from textual.app import App
from textual.binding import Binding

from .home import HomeScreen

if TYPE_CHECKING:
    from ..lesson.exercise import Exercise
    from ..lesson.session import Lesson

# The lesson screens and the NumPy engine under them are imported when a lesson opens,
# so that the home screen comes up as fast as a bare Textual app.


class BPTutorApp(App):
    CSS_PATH = Path(__file__).with_name("app.tcss")
    TITLE = "bptutor"
    BINDINGS = [Binding("ctrl+q", "quit", "Quit", priority=True)]

    def __init__(self, exercise: "Exercise | None" = None, train: bool = False, variant: str = "",
                 quiz: "tuple[int, list[str] | None] | None" = None):
        super().__init__()
        self.exercise = exercise
        self.quiz_request = quiz  # `bptutor quiz`: (questions, exercises or None for all)
        self.variant = variant
        self.train_first = train  # `bptutor train EXERCISE` on a terminal
        # lessons opened in this run, by (exercise, variant); across runs the store resumes them
        self.lessons: dict[tuple[str, str], "Lesson"] = {}

    def get_default_screen(self) -> HomeScreen:
        return HomeScreen()  # the bottom of the stack: Escape always comes back here

    def on_mount(self) -> None:
        from ..lesson.store import Store

        self.store = Store()
        if self.store.message:
            self.notify(self.store.message, severity="warning", timeout=15)
        if self.quiz_request is not None:
            from ..lesson.quiz import make_quiz
            from .quiz_screen import QuizScreen

            n, names = self.quiz_request
            self.push_screen(QuizScreen(make_quiz(n, names, self.store)))
        elif self.exercise is not None and self.train_first:
            self.open_training(self.exercise)
        elif self.exercise is not None:
            self._start(self.exercise, self.variant)
        else:
            self._resume_last()

    def _resume_last(self) -> None:
        """`bptutor` reopens the lesson worked on last, if it is not finished."""
        last = self.store.last()
        if last is None:
            return  # a new learner: the home screen, without loading the engine
        from ..lesson.exercise import ExerciseError, load
        from ..lesson.variants import variant as draw_variant

        exercise, variant = last
        try:
            ex = draw_variant(load(exercise), variant)
        except ExerciseError:
            return  # the file has gone: the home screen it is
        self._start(ex, variant, only_unfinished=True)

    def _start(self, ex: "Exercise", variant: str = "", only_unfinished: bool = False) -> None:
        from ..lesson.exercise import ExerciseError
        from ..lesson.session import Lesson, exercise_key
        from .lesson_screen import LessonScreen

        key = (exercise_key(ex), variant)
        lesson = self.lessons.get(key)
        if lesson is None or lesson.finished:
            try:
                lesson = Lesson(ex, variant, self.store)
            except ExerciseError as e:
                self.notify(str(e), severity="error", timeout=10)
                return
            lesson.resume(self.store.events(*key))
            if lesson.finished:  # done before: start it afresh (the old answers stay in the store)
                if only_unfinished:
                    return
                self.store.start(*key)
                lesson = Lesson(ex, variant, self.store)
            self.lessons[key] = lesson
        self.push_screen(LessonScreen(lesson))

    def open_lesson(self, name: str) -> None:
        from ..lesson.exercise import ExerciseError, load

        try:
            ex = load(name)
        except ExerciseError as e:
            self.notify(str(e), severity="error", timeout=10)
            return
        self._start(ex)

    def open_training(self, which: "str | Exercise") -> None:
        from ..lesson.exercise import ExerciseError, load
        from ..lesson.training_session import TrainingSession
        from .training_screen import TrainingScreen

        try:
            ex = load(which) if isinstance(which, str) else which
        except ExerciseError as e:
            self.notify(str(e), severity="error", timeout=10)
            return
        self.push_screen(TrainingScreen(TrainingSession(ex)))

    def show_summary(self, lesson: "Lesson") -> None:
        from .summary import SummaryScreen

        self.push_screen(SummaryScreen(lesson))

    def action_home(self) -> None:
        while len(self.screen_stack) > 1 and not isinstance(self.screen, HomeScreen):
            self.pop_screen()

    def action_help(self) -> None:
        from .dialogs import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())
