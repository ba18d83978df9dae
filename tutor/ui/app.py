"""The bptutor application: home, lesson, summary, help."""

from __future__ import annotations

import gc
import time
from pathlib import Path

from typing import TYPE_CHECKING

from textual import work
from textual.app import App
from textual.binding import Binding
from textual.reactive import reactive
from textual.worker import get_current_worker

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
    BINDINGS = [Binding("ctrl+q", "quit", "Quit", priority=True),
                # as the room's dashboard: Ctrl+C twice quits (once by habit only says how)
                Binding("ctrl+c", "quit_asked", "Quit (twice)", show=False, priority=True)]
    QUIT_AGAIN = 5.0  # seconds within which a second Ctrl+C quits
    quit_asked_at = float("-inf")  # when Ctrl+C was pressed last
    saving_problem = reactive("")  # why answers are not being saved right now ('' while they are)

    def __init__(self, exercise: "str | Exercise | Worked | None" = None, train: bool = False, variant: str = "",
                 quiz: "tuple[int, list[str] | None] | None" = None, course: "Course | None" = None):
        super().__init__()
        self.course = course      # the lessons the home screen lists (None: the bundled ones)
        # the lesson to open at once: a name or path (opened and checked in the worker, so the
        # first frame does not wait for NumPy), or an Exercise or Worked with its numbers as they are
        self.exercise = exercise
        self.refused: str | None = None  # why that lesson could not be opened (the app then ends, status 2)
        self.quiz_request = quiz  # `bptutor quiz`: (questions, exercises or None for all)
        self.variant = variant
        self.train_first = train  # `bptutor train EXERCISE` on a terminal
        # lessons opened in this run, by (exercise, variant); across runs the store resumes them
        self.lessons: dict[tuple[str, str], "Lesson"] = {}
        self.opening = None  # the lesson being prepared in a worker (a preparing.Request), if any

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
            self._start(self.exercise, self.variant, leave=True)
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
               quiet: bool = False, leave: bool = False) -> None:
        """Open a lesson (lesson.opening decides: fresh, resumed, or finished before) in a
        worker, with 'Preparing <title>…' on screen meanwhile (ui.preparing). A wrong file is
        said in a message and nothing opens; `quiet`: not even that (the lesson reopened at
        start-up whose file has gone: the home screen it is); `leave`: the app ends with exit
        status 2 and the sentence in `refused` (the lesson named on the command line)."""
        from .preparing import PreparingScreen, Request, title_of

        request = Request(source, variant, title_of(source), only_unfinished, quiet, leave)
        if self.opening is not None and isinstance(self.screen, PreparingScreen):
            self.pop_screen()  # another lesson asked for meanwhile (the room's reload): this one
        self.opening = request
        self.push_screen(PreparingScreen(request.title))
        # what the app holds so far lives as long as it does: out of the collector's full
        # passes, which the worker's thousands of new objects would set off (50-120 ms each
        # on the 2-core machine, the GIL held throughout, on whichever thread allocates)
        gc.freeze()
        # started once "Preparing" is drawn: the worker's imports hold the GIL for long
        # stretches, and started at once they kept the first frame off the screen
        self.call_after_refresh(self._open_in_worker, request, dict(self.lessons))

    @work(thread=True, exclusive=True, group="open")
    def _open_in_worker(self, request, kept: dict) -> None:
        """The slow part, off the UI thread: the first NumPy import, the worked update, the
        replay of stored answers (a copy of the open lessons: the app's own is the UI
        thread's). The lesson screens are imported here too, so the UI thread finds them."""
        from ..lesson.exercise import ExerciseError
        from ..lesson.opening import open_lesson
        from . import lesson_screen  # noqa: F401 (imported for the UI thread)
        from .preparing import LessonOpened, LessonRefused

        try:
            message = LessonOpened(request, open_lesson(request.source, request.variant, self.store, kept=kept))
        except ExerciseError as e:
            message = LessonRefused(request, str(e))
        if not get_current_worker().is_cancelled:
            self.post_message(message)

    def cancel_opening(self) -> None:
        """Escape while a lesson is being prepared: back where the learner was."""
        from .preparing import PreparingScreen

        self.opening = None
        self.workers.cancel_group(self, "open")
        if isinstance(self.screen, PreparingScreen):
            self.pop_screen()

    def _arrived(self, request) -> bool:
        """Whether a worker's message is for the lesson still awaited; its screen goes."""
        from .preparing import PreparingScreen

        if request is not self.opening:
            return False  # cancelled, or another lesson asked for since
        self.opening = None
        if isinstance(self.screen, PreparingScreen):
            self.pop_screen()
        return True

    def on_lesson_refused(self, message) -> None:
        if not self._arrived(message.request):
            return
        if message.request.leave:  # the command line prints it once the terminal is restored
            self.refused = message.why
            self.exit(return_code=2)
            return
        self.opening_refused(message.why, message.request.quiet)

    def opening_refused(self, why: str, quiet: bool) -> None:
        if not quiet:
            self.notify(why, title="This lesson cannot be opened", severity="error", timeout=10)

    def on_lesson_opened(self, message) -> None:
        if not self._arrived(message.request):
            return
        from ..lesson.opening import start_again
        from .lesson_screen import LessonScreen

        opening = message.opening
        lesson = opening.lesson
        self.lessons[(lesson.key, lesson.variant)] = lesson
        if opening.finished:  # done before: look at how it went, or start again
            if message.request.only_unfinished:
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
        """The training screen; it builds and checks the worked update in its worker (a wrong
        file is said there, and the screen goes)."""
        from .training_screen import TrainingScreen

        self.push_screen(TrainingScreen(source=which))

    def show_summary(self, lesson: "Lesson") -> None:
        from .summary import SummaryScreen

        self.push_screen(SummaryScreen(lesson))

    def action_home(self) -> None:
        while len(self.screen_stack) > 1 and not isinstance(self.screen, HomeScreen):
            self.pop_screen()

    def action_quit_asked(self) -> None:
        """Ctrl+C: what a learner presses to quit a terminal program; a second press quits."""
        now = time.monotonic()
        if now - self.quit_asked_at <= self.QUIT_AGAIN:
            self.quit_asked_at = float("-inf")
            self.action_quit()
            return
        self.quit_asked_at = now
        self.notify("Press Ctrl+C again to quit, or Ctrl+Q.",
                    title="Quit bptutor?", timeout=self.QUIT_AGAIN)

    def action_quit(self) -> None:
        """Ctrl+Q: quit, unless answers given are not written yet: then say so first."""
        from .saving import UnsavedScreen

        store = getattr(self, "store", None)
        status = store.status if store is not None else None
        if status is None or not status.unsaved:
            self.exit()
        elif not isinstance(self.screen, UnsavedScreen):
            self.push_screen(UnsavedScreen(status), lambda quit: self.exit() if quit else None)

    def action_help(self) -> None:
        from .dialogs import HelpScreen

        if not isinstance(self.screen, HelpScreen):   # a screen with keys of its own says them
            text = getattr(self.screen, "HELP_TEXT", None)
            self.push_screen(HelpScreen(text) if text else HelpScreen())
