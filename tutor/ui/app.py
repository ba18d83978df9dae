"""The bptutor application: home, lesson, summary, help."""

from __future__ import annotations

import gc
from pathlib import Path

from typing import TYPE_CHECKING

from textual.app import App
from textual.binding import Binding
from textual.reactive import reactive

from .home import HomeScreen

if TYPE_CHECKING:
    from ..lesson.catalog import Course
    from ..lesson.exercise import Exercise
    from ..lesson.session import Lesson
    from ..lesson.worked import Worked

# The lesson screens and the NumPy engine under them are imported when a lesson opens,
# so that the home screen comes up as fast as a bare Textual app.


class BPTutorApp(App):
    CSS_PATH = Path(__file__).with_name("app.tcss")
    TITLE = "bptutor"
    BINDINGS = [Binding("ctrl+q", "quit", "Quit", priority=True)]
    saving_problem = reactive("")  # why answers are not being saved right now ('' while they are)

    def __init__(self, exercise: "Exercise | Worked | None" = None, train: bool = False, variant: str = "",
                 quiz: "tuple[int, list[str] | None] | None" = None, course: "Course | None" = None):
        super().__init__()
        self.course = course      # the lessons the home screen lists (None: the bundled ones)
        self.exercise = exercise  # the lesson's numbers as they are (a variant already drawn)
        self.quiz_request = quiz  # `bptutor quiz`: (questions, exercises or None for all)
        self.variant = variant
        self.train_first = train  # `bptutor train EXERCISE` on a terminal
        # lessons opened in this run, by (exercise, variant); across runs the store resumes them
        self.lessons: dict[tuple[str, str], "Lesson"] = {}

    def get_default_screen(self) -> HomeScreen:
        return HomeScreen(self.course)  # the bottom of the stack: Escape always comes back here

    def on_mount(self) -> None:
        from ..lesson.store import Store

        self.store = Store(on_status=self._store_status)
        status = self.store.status
        if status.ok and status.message:   # moved aside: said once; any lasting problem stays on screen
            self.notify(status.message, severity="warning", timeout=15)
        self.saving_problem = "" if status.ok else self.saving_words(status)
        if self.quiz_request is not None:
            from .quiz_screen import QuizScreen

            n, names = self.quiz_request
            self.push_screen(QuizScreen(n, names, self.store))
        elif self.exercise is not None and self.train_first:
            self.open_training(self.exercise)
        elif self.exercise is not None:
            self._start(self.exercise, self.variant)
        else:
            self._resume_last()
        # what start-up built (Textual, NumPy, the lesson) lives as long as the app: leave
        # it out of the garbage collector's full passes, which stalled the screen 0.3-0.6 s
        gc.freeze()

    def _store_status(self, status) -> None:
        """The store's callback, from whichever thread wrote: handled on the UI thread."""
        from .saving import StoreChanged

        self.post_message(StoreChanged(status))

    def saving_words(self, status) -> str:
        """What the learner is told about saving: the store's own sentence (what, where)."""
        return status.message or ""

    def on_store_changed(self, message) -> None:
        status = message.status
        words = self.saving_words(status)
        if status.ok:
            if self.saving_problem and words:
                self.notify(words, title="Saved", timeout=8)
            self.saving_problem = ""
        else:
            self.saving_problem = words

    def _resume_last(self) -> None:
        """`bptutor` reopens the lesson worked on last, if it is not finished."""
        last = self.store.last()
        if last is None:
            return  # a new learner: the home screen, without loading the engine
        exercise, variant = last
        self._start(exercise, variant, only_unfinished=True, quiet=True)

    def _start(self, source: "str | Exercise | Worked", variant: str = "", only_unfinished: bool = False,
               quiet: bool = False) -> None:
        """Open a lesson (lesson.opening decides: fresh, resumed, or finished before).
        A wrong file is said in a message and nothing opens; `quiet`: not even that (the
        lesson reopened at start-up whose file has gone: the home screen it is)."""
        from ..lesson.exercise import ExerciseError
        from ..lesson.opening import open_lesson, start_again
        from .lesson_screen import LessonScreen

        try:
            opening = open_lesson(source, variant, self.store, kept=self.lessons)
        except ExerciseError as e:
            if not quiet:
                self.notify(str(e), title="This lesson cannot be opened", severity="error", timeout=10)
            return
        lesson = opening.lesson
        if opening.finished:  # done before: look at how it went, or start again
            if only_unfinished:
                return
            from .dialogs import FinishedScreen

            def chosen(choice: str | None) -> None:
                if choice == "look":
                    self.show_summary(opening.lesson)
                elif choice == "again":  # the old answers stay in the store
                    self.push_screen(LessonScreen(start_again(opening, kept=self.lessons)))

            self.push_screen(FinishedScreen(lesson.ex.title, lesson.summary(comparisons=False)), chosen)
            return
        self.push_screen(LessonScreen(lesson))

    def open_lesson(self, name: str) -> None:
        self._start(name)

    def open_training(self, which: "str | Exercise | Worked") -> None:
        from ..lesson.exercise import ExerciseError
        from ..lesson.opening import worked_for
        from ..lesson.training_session import TrainingSession
        from .training_screen import TrainingScreen

        try:
            ex = worked_for(which).ex  # checked as a lesson is: the same files are refused
        except ExerciseError as e:
            self.notify(str(e), title="This exercise cannot be trained", severity="error", timeout=10)
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
