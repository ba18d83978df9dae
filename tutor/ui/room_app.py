"""The learner's app in a room: the tutor, restricted to the teacher's lessons.

It runs on the teacher's machine, one process per learner, shown in the learner's browser
by textual-serve. What a learner can reach: the room's lessons, hints as the teacher allows,
look-back and help. Not: the list of all lessons, training, the quiz, the command palette
(screenshots, themes), answer keys, files, or anybody else's work.
"""

from __future__ import annotations

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Footer, OptionList, Static
from textual.widgets.option_list import Option

from ..room.config import RoomConfig
from .app import BPTutorApp
from .lesson_screen import LessonScreen
from .summary import SummaryScreen


class RoomHomeScreen(Screen):
    """The room's lessons, and whose work this is."""

    BINDINGS = [Binding("enter", "start", "Start the lesson"), Binding("f1", "app.help", "Help")]

    def __init__(self, titles: list[tuple[str, str]], learner: str):
        super().__init__()
        self.titles, self.learner = titles, learner

    def compose(self) -> ComposeResult:
        yield Static(f"bptutor · {self.learner}", id="home-title")
        yield Static("Choose a lesson and press Enter: you compute every quantity of one update, and "
                     "bptutor checks each answer and explains mistakes. Your teacher sees your progress.",
                     id="home-intro")
        yield OptionList(*(Option(Text(title, style="bold"), id=spec) for spec, title in self.titles),
                         id="lessons")
        yield Footer()

    def on_mount(self) -> None:
        lessons = self.query_one(OptionList)
        lessons.highlighted = 0
        lessons.focus()

    def action_start(self) -> None:
        lessons = self.query_one(OptionList)
        if lessons.highlighted is not None:
            self.app.open_lesson(lessons.get_option_at_index(lessons.highlighted).id)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.app.open_lesson(event.option.id)


class RoomLessonScreen(LessonScreen):
    """The lesson with the teacher's rules for hints and shown answers."""

    def action_hint(self) -> None:
        lesson, room = self.lesson, self.app.room
        r = lesson.current
        if r is None:
            return
        if r.hints < room.hints:
            return super().action_hint()
        if not room.reveal:
            allowed = {0: "no hints", 1: "one hint", 2: "two hints"}[room.hints]
            self.say("hint", f"In this room a step has {allowed}, and answers are not shown: "
                             "try it, or ask the teacher.")
            return
        text = lesson.reveal()
        self.say("hint", f"Answer shown. {text}")
        self.query_one("#answer").value = ""
        self.refresh_view()
        if lesson.finished:
            self.app.show_summary(lesson)


class RoomSummaryScreen(SummaryScreen):
    TRAINABLE = False  # training is not part of the room: neither offered nor in the footer


class RoomApp(BPTutorApp):
    ENABLE_COMMAND_PALETTE = False   # it offers screenshots (files on the teacher's disk) and more
    BINDINGS = [Binding("ctrl+q", "quit", "Leave", priority=True)]

    def __init__(self, room: RoomConfig, learner: str, titles: list[tuple[str, str]] | None = None):
        super().__init__()
        self.room, self.learner = room, learner
        self.titles = titles or [(spec, spec) for spec in room.exercises]
        self.sub_title = learner

    def get_default_screen(self) -> RoomHomeScreen:
        return RoomHomeScreen(self.titles, self.learner)

    def on_mount(self, event: events.Mount) -> None:
        from ..room.learner import room_store

        event.prevent_default()  # not BPTutorApp's on_mount: its store is nobody's in particular

        self.store = room_store(self.room, self.learner)
        self.store.on_status = self._store_status   # a write that fails later is said at once too
        status = self.store.status
        self.saving_problem = "" if status.ok else self.saving_words(status)
        self.store.join()         # the teacher's dashboard lists them from now on, answer or not
        last = self.store.last()  # back after a reload or a lost connection: the same lesson
        if last is not None and last[0] in self.room.exercises:
            self.open_lesson(last[0])
        elif len(self.room.exercises) == 1:
            self.open_lesson(self.room.exercises[0])

    def saving_words(self, status) -> str:
        """As the store says it, without the teacher's paths (not the learner's business)."""
        if status.ok:
            return "Your answers are saved again on the teacher's computer."
        if not status.saving:
            return "Your answers cannot be saved on the teacher's computer: tell the teacher."
        return ("Not saved on the teacher's computer just now: your answers are kept and saved as soon as it can "
                "be. Tell the teacher if this stays.")

    def open_lesson(self, name: str) -> None:
        """One of the room's lessons, with the learner's numbers, where they left it (the
        app's one way of opening lessons; errors quiet: they would name the teacher's files)."""
        if name not in self.room.exercises:
            return
        self._start(name, self.room.variant_of(self.learner))

    def opening_refused(self, why: str, quiet: bool) -> None:
        self.notify("This lesson cannot be opened just now: tell the teacher.", severity="error", timeout=15)

    def push_screen(self, screen, *args, **kwargs):
        if type(screen) is LessonScreen:  # the app opens lessons; the room adds its rules for hints
            screen = RoomLessonScreen(screen.lesson)
        return super().push_screen(screen, *args, **kwargs)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # Ctrl+C in a browser copies; the learner leaves with Ctrl+Q (or by closing the page)
        return action != "quit_asked"

    def action_help(self) -> None:
        from .dialogs import HelpScreen, room_help

        if not isinstance(self.screen, HelpScreen):  # F2 as this room's rules allow it
            self.push_screen(HelpScreen(room_help(self.room.hints, self.room.reveal)))

    def open_training(self, which) -> None:
        self.notify("Training is not part of this room.", timeout=5)

    def show_summary(self, lesson) -> None:
        self.push_screen(RoomSummaryScreen(lesson))
