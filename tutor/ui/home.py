"""The home screen: the lessons, the post's first and selected; Enter starts one."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Footer, OptionList, Static
from textual.widgets.option_list import Option

from ..lesson.catalog import bundled, peek


class HomeScreen(Screen):
    BINDINGS = [Binding("enter", "start", "Start the lesson"), Binding("t", "train", "Train it"),
                Binding("f1", "app.help", "Help")]

    def compose(self) -> ComposeResult:
        yield Static("bptutor: backpropagation, one quantity at a time", id="home-title")
        yield Static("Choose a lesson and press Enter: you compute every quantity of one update, and "
                     "bptutor checks each answer and explains mistakes. Press t to watch it train.", id="home-intro")
        options = []
        for name in bundled():
            info = peek(name)  # the title only: the lesson itself is loaded when it opens
            if isinstance(info, str):
                options.append(Option(f"{name}: {info}", id=name, disabled=True))
                continue
            title, summary, teaches = info
            text = Text.assemble((title, "bold"), f"  ({name})\n  {summary}")
            if teaches:
                text.append(f"\n  Teaches: {teaches}", style="italic")
            options.append(Option(text, id=name))
        yield OptionList(*options, id="lessons")
        yield Footer()

    def on_mount(self) -> None:
        lessons = self.query_one(OptionList)
        lessons.highlighted = 0
        lessons.focus()

    def action_start(self) -> None:
        lessons = self.query_one(OptionList)
        if lessons.highlighted is not None:
            self.app.open_lesson(lessons.get_option_at_index(lessons.highlighted).id)

    def action_train(self) -> None:
        lessons = self.query_one(OptionList)
        if lessons.highlighted is not None:
            self.app.open_training(lessons.get_option_at_index(lessons.highlighted).id)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.app.open_lesson(event.option.id)
