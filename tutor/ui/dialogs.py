"""Help and look-back, shown over the lesson; Escape returns to the current step."""

from __future__ import annotations

import re

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from rich.cells import cell_len, chop_cells
from rich.text import Text
from textual.widgets import DataTable, Static

# lines of at most 64 cells: the dialog at 80 columns shows them whole, so a wrapped line
# never loses its indentation
F2_LINES = """  F2       a hint: what the quantity means and its formula;
           again: the formula with numbers; again: the answer
           (no first-try credit for that step)"""

HELP_TEMPLATE = """[b]Keys[/b]
  Enter    check your answer
{f2}
  F4       break the step down: what it is made from and
           you have not worked out yet is asked first
  F3       look back at the steps you have done
  Up/Down  your earlier answers to this step
  F1       this help
  Escape   back to the lessons
{quit}

[b]Answers[/b]
  A number: 0.3775   .3775   3.775e-1
  (more digits are always safe)
  Or an expression: numbers, + - * / ^ and brackets,
  exp ln log sqrt tanh sigmoid max, e, pi, and names:
    out_h1*(1-out_h1)     -(0.01-out_o1)
    w5 - eta*dE_total/dw5
  A quantity already worked out is used by its name, as the
  screen shows it (dE_total/dw5, w5+, δ_o1, η) or as one word
  (dE_total_dw5, w5_new). After a wrong answer its text is
  selected: typing replaces it.

[b]Marks[/b]
  ✓ right          ✗ not right
  … give more digits    ! not readable

[b]The picture[/b]
  ??  the quantity asked now      ?  not worked out yet
  ▸   what the quantity asked is made from
  s2  (inputs s2, hidden s2 ...) with several samples: the
      values of sample 2, the one the step is about (a step
      over every sample shows the last sample's values)"""
HELP = HELP_TEMPLATE.format(f2=F2_LINES, quit="  Ctrl+Q   quit (or Ctrl+C twice)")


def room_help(hints: int, reveal: bool) -> str:
    """The help as a room's rules allow: F2 offers only the hints (0-2) and the shown
    answer the teacher allowed."""
    import textwrap

    parts = ["what the quantity means and its formula", "the formula with numbers"][:hints]
    if reveal:
        parts.append("the answer (no first-try credit for that step)")
    if not parts:
        f2 = "  F2       no hints in this room: ask the teacher"
    else:
        f2 = ("a hint: " if hints else "") + "; again: ".join(parts)
        f2 = "\n".join(textwrap.wrap(f2, 64, initial_indent="  F2       ", subsequent_indent=" " * 11))
    return HELP_TEMPLATE.format(f2=f2, quit="  Ctrl+Q   quit")  # Ctrl+C copies in the browser


class HelpScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,f1,q", "dismiss", "Back")]

    def __init__(self, text: str = HELP):
        super().__init__()
        self.text = text

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static("Help", classes="dialog-title")
            with VerticalScroll(id="help-scroll"):  # scrolls with Up/Down when it does not fit
                yield Static(self.text, id="help-text")
            yield Static("Escape: back   Up/Down: scroll", classes="dialog-keys")

    def on_mount(self) -> None:
        self.query_one("#help-scroll").focus()


class LookBackScreen(ModalScreen[None]):
    """Every step so far: what you answered (each answer whole, with its mark), how it went
    and the exact value, in columns sized to the terminal so that nothing hides to the
    right; a step's answers wrap onto as many lines as they need (rows scroll, with a bar)."""
    BINDINGS = [Binding("escape,f3,q", "dismiss", "Back")]

    def __init__(self, rows: list[tuple[str, list[tuple[str, str]], str, str]]):
        """rows: (step, your answers oldest first as (mark, text), result, exact value)."""
        super().__init__()
        self.rows = rows

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static("Your steps so far", classes="dialog-title")
            yield DataTable(id="lookback", cursor_type="row", zebra_stripes=True)
            yield Static("Escape: back to the current step   Up/Down: scroll", classes="dialog-keys")

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        # the dialog is 90% of the screen (at most 100), less its border and padding; each
        # column has a cell of padding each side; 2 for the scrollbar
        inner = min(int(self.app.size.width * 0.9), 100) - 4 - 2
        fixed = [max([len("step")] + [len(r[0]) for r in self.rows]),
                 max([len("result")] + [len(r[2]) for r in self.rows]),
                 max([len("exact value")] + [len(r[3]) for r in self.rows])]
        answers = max(8, inner - sum(fixed) - 4 * 2)
        table.add_column("step", width=fixed[0])
        table.add_column("your answers", width=answers)
        table.add_column("result", width=fixed[1])
        table.add_column("exact value", width=fixed[2])
        for step, given, result, exact in self.rows:
            table.add_row(step, answer_lines(given, answers), result, exact, height=None)  # as tall as they need
        if self.rows:
            table.move_cursor(row=len(self.rows) - 1)
        table.focus()


def answer_lines(answers: list[tuple[str, str]], width: int) -> Text:
    """The answers oldest first, each after its mark, laid out in lines of `width` cells:
    an answer moves to the next line whole rather than being split from its mark, and one
    longer than a line wraps between names and numbers (after an operator, a bracket or a
    space), its continuation lines indented under its text, all of it kept."""
    if not answers:
        return Text("—")
    lines: list[str] = []
    room = False  # whether the last line may take another answer (not the end of a wrapped one)
    for mark, text in answers:
        item = f"{mark} {text}" if mark else text
        if room and cell_len(lines[-1]) + 3 + cell_len(item) <= width:
            lines[-1] += "   " + item
        else:
            cut = wrap_expression(text, width, f"{mark} " if mark else "")
            lines += cut
            room = len(cut) == 1
    return Text("\n".join(lines), no_wrap=True)


# what an answer is made of: a name (dE_total/dw5 and ∂E_total/∂w5 whole), a number, or one
# character between them; a line may end after any piece but in the middle of none
_PIECE = re.compile(r"[d∂]\w+/[d∂]\w+\+?|\d*\.?\d+(?:[eE][+-]?\d+)?|\w+\+?|\s+|.", re.UNICODE)


def wrap_expression(text: str, width: int, mark: str = "") -> list[str]:
    """`mark` and `text` in lines of at most `width` cells, broken between the pieces of the
    expression, preferably after a + or - (w5*out_h1+ / w6*out_h2+b2), never inside a name
    or a number unless one alone is wider than a line; lines after the first are indented
    by the mark's width."""
    indent = " " * cell_len(mark)
    if width - len(indent) < 8:
        indent = ""
    pieces = [m.group(0) for m in _PIECE.finditer(text)]
    depth, level = [], 0  # how many brackets are open at each piece: terms break at the outermost
    for piece in pieces:
        level += (piece == "(") - (piece == ")")
        depth.append(level)
    lines: list[str] = []
    line, room = mark, width - cell_len(mark)
    while pieces:
        # the breaks on this line: after a + or - between terms (best), after any piece but an
        # opening bracket, after an opening bracket (when nothing else fits)
        fit, after_term, after_piece = 0, 0, 0
        for i, piece in enumerate(pieces):
            if cell_len("".join(pieces[:i + 1]).rstrip()) > room:
                break
            fit = i + 1
            before = next((p for p in reversed(pieces[:i]) if p.strip()), "(")
            if piece[-1] in "+-" and depth[i] <= min(depth) and (len(piece) > 1 or before[-1] not in "(*/^+-eE"):
                after_term = fit
            if piece != "(":
                after_piece = fit
        if fit == len(pieces):
            lines.append(line + "".join(pieces).rstrip())
            break
        if fit == 0:  # one piece wider than a whole line: cut it, nothing is lost
            head = chop_cells(pieces[0], room)[0]
            pieces[0] = pieces[0][len(head):]
            lines.append(line + head)
        else:
            used = [cell_len("".join(pieces[:n])) for n in (after_term, after_piece)]
            take = after_term if used[0] * 2 >= room else after_piece if used[1] * 2 >= room else fit
            lines.append((line + "".join(pieces[:take])).rstrip())
            pieces, depth = pieces[take:], depth[take:]
            while pieces and not pieces[0].strip():
                pieces, depth = pieces[1:], depth[1:]
        line, room = indent, width - len(indent)
    return lines


class FinishedScreen(ModalScreen[str | None]):
    """A lesson finished before: look at its summary again, or start it again."""
    BINDINGS = [Binding("l", "choose('look')", "Look at it"), Binding("a", "choose('again')", "Start again"),
                Binding("escape", "choose", "Back")]

    def __init__(self, title: str, summary):
        super().__init__()
        self.title_text, self.summary = title, summary

    def compose(self) -> ComposeResult:
        s = self.summary
        with Vertical(id="dialog", classes="-small"):
            yield Static(f"{self.title_text}: done before", classes="dialog-title")
            yield Static(f"Right at the first try: {s.first_try} of {s.asked}.\n\n"
                         "  l   look at its summary again\n"
                         "  a   start again (the answers you gave stay saved)\n"
                         "  Escape   back", id="finished-text")

    def action_choose(self, choice: str | None = None) -> None:
        self.dismiss(choice)
