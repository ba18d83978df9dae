"""The home screen: the lessons of the course in teaching order, each with what it teaches
and where the learner stands in it; Enter starts one.

Titles come from the files alone (tomllib); where the learner stands is read in a worker
(it replays stored answers through the engine) and filled in when it arrives.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, OptionList, Static
from textual.widgets.option_list import Option

from ..lesson.catalog import Course, Entry, course


class HomeScreen(Screen):
    BINDINGS = [Binding("enter", "start", "Start the lesson"), Binding("t", "train", "Train it"),
                Binding("f1", "app.help", "Help")]

    @dataclass
    class Standings(Message):
        """Where the learner stands in each lesson, by spec (read in a worker)."""
        texts: dict[str, str]

    def __init__(self, lessons: Course | None = None):
        super().__init__()
        self.course = lessons if lessons is not None else course()
        self.entries = list(self.course.entries)
        self.states: dict[str, str] = {}

    def compose(self) -> ComposeResult:
        yield Static("bptutor: backpropagation, one quantity at a time", id="home-title")
        own = f"{self.course.title}. " if self.course.folder is not None else ""
        yield Static(own + "Choose a lesson and press Enter: you compute every quantity of one update, and "
                     "bptutor checks each answer and explains mistakes. Press t to watch it train.", id="home-intro")
        yield OptionList(*(self._option(i, e) for i, e in enumerate(self.entries)), id="lessons")
        yield Footer()

    def _option(self, i: int, entry: Entry) -> Option:
        return Option(self._prompt(entry), id=entry.spec, disabled=bool(entry.problem))

    def _prompt(self, entry: Entry) -> Text:
        if entry.problem:
            return Text(f"{entry.name}: {entry.problem}")
        text = Text.assemble((entry.title, "bold"), f"  ({entry.name})")
        state = self.states.get(entry.spec)
        text.append(f"  {state}" if state else "  …", style="italic" if state else "dim")
        text.append(f"\n  {entry.summary}" if entry.summary else "")
        if entry.teaches:
            text.append(f"\n  Teaches: {entry.teaches}", style="italic")
        return text

    def on_mount(self) -> None:
        lessons = self.query_one(OptionList)
        lessons.highlighted = 0
        lessons.focus()

    def on_screen_resume(self) -> None:
        store = getattr(self.app, "store", None)
        if store is not None:
            self.read_standings(store)

    @work(thread=True, exclusive=True, group="standings")
    def read_standings(self, store) -> None:
        from ..lesson.standing import standings

        found = standings(self.entries, store)
        self.post_message(self.Standings({spec: s.text() for spec, s in found.items()}))

    def on_home_screen_standings(self, message: Standings) -> None:
        self.states = message.texts
        lessons = self.query_one(OptionList)
        for i, entry in enumerate(self.entries):
            if not entry.problem:
                lessons.replace_option_prompt_at_index(i, self._prompt(entry))

    def _highlighted(self) -> Entry | None:
        lessons = self.query_one(OptionList)
        return None if lessons.highlighted is None else self.entries[lessons.highlighted]

    def action_start(self) -> None:
        entry = self._highlighted()
        if entry is not None:
            self.app.open_lesson(entry.spec)

    def action_train(self) -> None:
        entry = self._highlighted()
        if entry is not None:
            self.app.open_training(entry.spec)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.app.open_lesson(self.entries[event.option_index].spec)
