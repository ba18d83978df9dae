"""Help and look-back, shown over the lesson; Escape returns to the current step."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import DataTable, Static

from ..lesson.answer import SYNTAX

HELP = f"""[b]Keys[/b]
  Enter     check your answer
  F2        a hint: first what the quantity means and its formula, then the formula
            with numbers, then the answer itself (no first-try credit for that step)
  F3        look back at the steps you have done
  F1        this help          Escape   back to the lessons          Ctrl+Q  quit

[b]Answers[/b]
  A number: 0.3775   .3775   3.775e-1   (more digits are always safe)
  Or an expression of {SYNTAX}.
  Examples: out_h1*(1-out_h1)    -(0.01-out_o1)    w5 - η*dE_total/dw5
  A quantity you have already worked out can be used by its name, written as the
  screen shows it (dE_total/dw5, w5+, δ_o1, η) or as one word (dE_total_dw5, w5_new).

[b]Marks[/b]
  ✓ right   ✗ not right   … give more digits   ! not readable"""


class HelpScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,f1,q", "dismiss", "Back")]

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static("Help", classes="dialog-title")
            yield Static(HELP, id="help-text")
            yield Static("Escape: back", classes="dialog-keys")


class LookBackScreen(ModalScreen[None]):
    """Every step so far: what you answered and the exact value."""
    BINDINGS = [Binding("escape,f3,q", "dismiss", "Back")]

    def __init__(self, rows: list[tuple[str, str, str, str]]):
        super().__init__()
        self.rows = rows

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static("Your steps so far", classes="dialog-title")
            with VerticalScroll():
                table = DataTable(id="lookback", cursor_type="row", zebra_stripes=True)
                table.add_columns("step", "your answers", "result", "exact value")
                for row in self.rows:
                    table.add_row(*row)
                yield table
            yield Static("Escape: back to the current step", classes="dialog-keys")
