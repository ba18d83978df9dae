"""The bptutor application: home, lesson, summary, help."""

from __future__ import annotations

from pathlib import Path

from textual.app import App
from textual.binding import Binding

from ..lesson.exercise import Exercise, ExerciseError, load
from ..lesson.session import Lesson
from .dialogs import HelpScreen
from .home import HomeScreen
from .lesson_screen import LessonScreen
from .summary import SummaryScreen


class BPTutorApp(App):
    CSS_PATH = Path(__file__).with_name("app.tcss")
    TITLE = "bptutor"
    BINDINGS = [Binding("ctrl+q", "quit", "Quit", priority=True)]

    def __init__(self, exercise: Exercise | None = None):
        super().__init__()
        self.exercise = exercise

    def on_mount(self) -> None:
        self.push_screen(HomeScreen())
        if self.exercise is not None:
            self._start(self.exercise)

    def _start(self, ex: Exercise) -> None:
        try:
            lesson = Lesson(ex)
        except ExerciseError as e:
            self.notify(str(e), severity="error", timeout=10)
            return
        self.push_screen(LessonScreen(lesson))

    def open_lesson(self, name: str) -> None:
        try:
            ex = load(name)
        except ExerciseError as e:
            self.notify(str(e), severity="error", timeout=10)
            return
        self._start(ex)

    def show_summary(self, lesson: Lesson) -> None:
        self.push_screen(SummaryScreen(lesson))

    def action_home(self) -> None:
        while len(self.screen_stack) > 2 and not isinstance(self.screen, HomeScreen):
            self.pop_screen()

    def action_help(self) -> None:
        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())
