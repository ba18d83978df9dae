"""Whether answers are being saved: a line that stays on screen while they are not, and a
question before quitting would lose some.

The store tells the app of every change (from whichever thread wrote); the app keeps the
sentence in `saving_problem`, and every screen that takes answers shows this widget, which
follows it. It is hidden while all is well.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Static

from ..lesson.store import Status


@dataclass
class StoreChanged(Message):
    """Posted by the store's callback (any thread): what the learner must know about saving."""
    status: Status


class SavingNotice(Static):
    DEFAULT_CSS = """
    SavingNotice {
        display: none;
        height: auto;
        max-height: 4;
        padding: 0 1;
        background: $warning 25%;
    }
    SavingNotice.-problem {
        display: block;
    }
    """

    def on_mount(self) -> None:
        if hasattr(self.app, "saving_problem"):   # a screen shown by another app (tests) has no store
            self.watch(self.app, "saving_problem", self._show, init=True)

    def _show(self, problem: str) -> None:
        self.set_class(bool(problem), "-problem")
        self.update(Text.assemble(("⚠ ", "bold"), problem) if problem else "")


def not_saved(status: Status, lost: bool = False) -> str:
    """What quitting loses (or lost), and why: one sentence."""
    n = status.unsaved
    what = ("answer or hint " if n == 1 else f"{n} answers and hints ") + (
        ("was" if n == 1 else "were") + " not saved" if lost else ("is" if n == 1 else "are") + " not saved yet")
    return f"Your last {what}: {status.cause or 'the store could not be written'}."


class UnsavedScreen(ModalScreen[bool]):
    """Quitting while answers wait to be written: say so, keep trying, and quit by itself
    once they are in (the store's own thread retries every few seconds)."""
    BINDINGS = [Binding("q", "leave(True)", "Quit without them"), Binding("escape", "leave(False)", "Back")]

    def __init__(self, status: Status):
        super().__init__()
        self.status = status

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="-small"):
            yield Static("Quit bptutor?", classes="dialog-title")
            yield Static(id="unsaved-text")

    def on_mount(self) -> None:
        self._say(self.status)
        self.watch(self.app, "saving_problem", self._changed)

    def _changed(self, problem: str) -> None:
        status = self.app.store.status
        if status.unsaved == 0:   # written after all: quit, as asked
            self.dismiss(True)
        else:
            self._say(status)

    def _say(self, status: Status) -> None:
        self.query_one("#unsaved-text", Static).update(
            f"{not_saved(status)}\n\nbptutor keeps trying every few seconds and quits by itself "
            "once they are saved.\n\n  q        quit now, without them\n  Escape   go back")

    def action_leave(self, quit: bool) -> None:
        self.dismiss(quit)
