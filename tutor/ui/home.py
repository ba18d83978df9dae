"""The home screen: the lessons of the course in teaching order, each with what it teaches
and where the learner stands in it; Enter starts one.

Titles come from the files alone (tomllib); where the learner stands is read in a worker
(it replays stored answers through the engine) and filled in when it arrives.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, OptionList, Static
from textual.widgets.option_list import Option

from ..lesson.catalog import Course, Entry, course
from .hanging import Hanging


# lines of at most 64 cells, as the lesson's help: whole in the dialog at 80 columns
HOME_HELP = """[b]The lessons[/b]
  Up/Down  choose a lesson (▸ marks the one Enter opens)
  Enter    start it, or go on where you left off; a lesson
           done before asks: look at its summary, or start
           again
  t        watch the network train on the lesson's numbers
  F1       this help
  Ctrl+Q   quit (or Ctrl+C twice)

[b]In a lesson[/b]
  You work out one update of the network, a quantity at a
  time: type its value or an expression and press Enter.
  F1 there lists the lesson's keys (hints, breaking a step
  down, looking back) and how answers are written.

[b]From the shell[/b]
  bptutor quiz         single steps from the lessons
  bptutor train NAME   watch a lesson's network train
  bptutor progress     your progress, lesson by lesson
  bptutor list         every lesson and what it teaches"""


class HomeScreen(Screen):
    BINDINGS = [Binding("enter", "start", "Start the lesson"), Binding("t", "train", "Train it"),
                Binding("f1", "app.help", "Help")]
    HELP_TEXT = HOME_HELP   # what F1 shows over this screen

    @dataclass
    class Standings(Message):
        """Where the learner stands in each lesson, by spec (read in a worker)."""
        texts: dict[str, str]

    def __init__(self, lessons: Course | None = None):
        super().__init__()
        self.course = lessons if lessons is not None else course()
        self.entries = list(self.course.entries)
        self.states: dict[str, str] = {}
        self.marked: int | None = 0  # the lesson drawn with ▸

    def compose(self) -> ComposeResult:
        yield Static("bptutor: backpropagation, one quantity at a time", id="home-title")
        own = f"{self.course.title}. " if self.course.folder is not None else ""
        yield Static(own + "Choose a lesson and press Enter: you compute every quantity of one update, and "
                     "bptutor checks each answer and explains mistakes. Press t to watch it train.", id="home-intro")
        yield OptionList(*(self._option(i, e) for i, e in enumerate(self.entries)), id="lessons")
        yield Footer()

    def _option(self, i: int, entry: Entry) -> Option:
        return Option(self._prompt(entry, i == 0), id=entry.spec, disabled=bool(entry.problem))

    def _prompt(self, entry: Entry, selected: bool = False) -> Hanging:
        """A lesson as listed: ▸ before the one Enter starts (a mark that reads without
        colour, in grey or to a screen reader), then its title, name and where the learner
        stands; under it what it is and teaches, wrapped lines indented under their text."""
        mark = "▸ " if selected else "  "
        if entry.problem:
            return Hanging(Content.assemble(mark, f"{entry.name}: {entry.problem}"))
        state = self.states.get(entry.spec)
        parts: list = [mark, (entry.title, "bold"), f"  ({entry.name})",
                       (f"  {state}", "italic") if state else ("  …", "dim")]
        if entry.summary:
            parts.append(f"\n    {entry.summary}")
        if entry.teaches:
            parts.append((f"\n    Teaches: {entry.teaches}", "italic"))
        return Hanging(Content.assemble(*parts))

    def _show(self, index: int | None) -> None:
        """Redraw the lesson at `index` (its state or its mark changed)."""
        if index is not None and 0 <= index < len(self.entries):
            lessons = self.query_one(OptionList)
            lessons.replace_option_prompt_at_index(index, self._prompt(self.entries[index], index == lessons.highlighted))

    def on_mount(self) -> None:
        lessons = self.query_one(OptionList)
        lessons.highlighted = 0
        lessons.focus()

    def on_screen_resume(self) -> None:
        self._open_in_this_run()
        store = getattr(self.app, "store", None)
        if store is not None:
            self.read_standings(store)

    def _open_in_this_run(self) -> None:
        """The lessons worked on in this run are known without a replay: shown at once (the
        worker's reading of the store took a second or more, showing the step before)."""
        from ..lesson.standing import of_lesson
        from ..lesson.store import exercise_key

        kept = {key: lesson for (key, variant), lesson in getattr(self.app, "lessons", {}).items() if not variant}
        if not kept:
            return
        for i, entry in enumerate(self.entries):
            if entry.problem:
                continue
            lesson = kept.get(exercise_key(entry.name, entry.path))
            if lesson is not None and lesson.records:
                self.states[entry.spec] = of_lesson(lesson).text()
                self._show(i)

    @work(thread=True, exclusive=True, group="standings")
    def read_standings(self, store) -> None:
        from ..lesson.standing import standings

        found = standings(self.entries, store)
        self.post_message(self.Standings({spec: s.text() for spec, s in found.items()}))

    def on_home_screen_standings(self, message: Standings) -> None:
        self.states = message.texts
        for i in range(len(self.entries)):
            self._show(i)

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        """The mark moves with the highlight."""
        before, self.marked = self.marked, event.option_index
        self._show(before)
        self._show(event.option_index)

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
