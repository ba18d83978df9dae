"""Whether answers are being saved: a line that stays on screen while they are not.

The store tells the app of every change (from whichever thread wrote); the app keeps the
sentence in `saving_problem`, and every screen that takes answers shows this widget, which
follows it. It is hidden while all is well.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual.message import Message
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
