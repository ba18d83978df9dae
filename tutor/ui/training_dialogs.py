"""Over the training screen: one update worked out, the comparison, the error surface, keys."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from ..engine.steps import Solution
from ..lesson.live.compare import CompareResult
from ..lesson.live.surface import Surface, legend, surface_grid
from .error_plot import MARKERS, ErrorPlot

HEAT = ("#1a9850", "#66bd63", "#a6d96a", "#d9ef8b", "#ffffbf", "#fee08b", "#fdae61", "#f46d43", "#d73027", "#a50026")


def update_table(solution: Solution) -> Table:
    """The update's steps in three columns: the quantity and its value never cut, the
    formula with numbers wrapped within what is left (at its spaces, between terms), so
    every column is whole at 80 columns too."""
    table = Table(box=None, padding=(0, 2, 0, 0), expand=True, header_style="bold")
    table.add_column("quantity", no_wrap=True)
    table.add_column("value", no_wrap=True)    # the value before the long formula
    table.add_column("with numbers", overflow="fold", ratio=1)
    for s in solution.steps:
        if not s.breakdown_only:  # the pass after the update: E_total+ says where it ends
            table.add_row(s.id, f"{s.value:.10g}", s.numbers)
    return table


class UpdateScreen(ModalScreen[None]):
    """This update's numbers, as in the lesson: net, out, deltas, gradients, new weights."""
    BINDINGS = [Binding("escape,q,s", "dismiss", "Back")]

    def __init__(self, solution: Solution, iteration: int):
        super().__init__()
        self.solution, self.iteration = solution, iteration

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static(f"The update at iteration {self.iteration:,}: E_total {self.solution.error:.9g} -> "
                         f"{self.solution.error_after:.9g}", classes="dialog-title")
            with VerticalScroll(id="update-scroll"):   # focused: Up, Down, Page Up/Down scroll
                yield Static(update_table(self.solution), id="update-steps")
            yield Static("Up/Down: scroll   Escape: back to training", classes="dialog-keys")


class CompareScreen(ModalScreen[None]):
    """The curves of runs side by side; each curve carries its own marker (1, 2, 3, 4), so they
    are told apart without colour, and the key to the markers sits below the plot, not on it."""
    BINDINGS = [Binding("escape,q,c", "dismiss", "Back")]

    def __init__(self, result: CompareResult):
        super().__init__()
        self.result = result

    def compose(self) -> ComposeResult:
        r = self.result
        with Vertical(id="dialog"):
            yield Static(r.title, classes="dialog-title")
            yield ErrorPlot(id="compare-plot")
            ends = Text("E_total at the end:")
            for k, end in enumerate(r.ends()):   # two a line, so an entry is never split
                ends.append("\n" if k % 2 == 0 else "    ")
                ends.append(f"{MARKERS[k]} ", style="bold")
                ends.append(end)
            if r.summary():
                ends.append("\n" + r.summary())
            if r.note:
                ends.append("\n" + r.note)
            yield Static(ends, id="compare-finals")
            yield Static("Escape: back to training", classes="dialog-keys")

    def on_mount(self) -> None:
        self.call_after_refresh(self._draw)   # once the plot itself is mounted

    def _draw(self) -> None:
        self.query_one(ErrorPlot).show_curves(list(zip(self.result.labels, self.result.histories)),
                                              self.result.iterations, marked=True)


class TrainingKeysScreen(ModalScreen[None]):
    """Every key of the training screen, with its name (the footer's word for it) and what it
    does; ▪ marks the keys the footer shows at this width."""
    BINDINGS = [Binding("escape,f1,q", "dismiss", "Back")]

    def __init__(self, keys: list, in_footer: set[str]):
        super().__init__()
        self.keys, self.in_footer = keys, in_footer

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static("Keys on the training screen", classes="dialog-title")
            with VerticalScroll():
                table = Table.grid(padding=(0, 1), expand=True)
                table.add_column(no_wrap=True)
                table.add_column(no_wrap=True, justify="right", style="bold")
                table.add_column(no_wrap=True, style="bold")
                table.add_column(ratio=1)   # what it does, wrapped in its own column
                for k in self.keys:
                    table.add_row("▪" if k.key in self.in_footer else "", k.shown, k.name, k.what)
                yield Static(table, id="train-keys")
                yield Static(Text(
                    "▪ in the footer at this width (a wider terminal shows more there); the others work all the "
                    "same. The curve is E_total on a log scale; the x axis is the exercise's iteration count. "
                    "Messages under the curve say when a run is done, stuck or blew up, and what to try.",
                    style="dim"), id="train-keys-notes")
            yield Static("Escape: back to training", classes="dialog-keys")


class SurfaceScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,q,e", "dismiss", "Back")]

    def __init__(self, surface: Surface):
        super().__init__()
        self.surface = surface

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            s = self.surface
            yield Static(f"E_total over {s.a} (across) and {s.b} (up), the other parameters as they are now; "
                         "S where training started, • its path, E where it is now.", classes="dialog-title")
            with VerticalScroll():
                yield Static(id="surface")
            yield Static(id="surface-legend")
            yield Static("Escape: back to training", classes="dialog-keys")

    def on_mount(self) -> None:
        self.call_after_refresh(self._draw)

    def _draw(self) -> None:
        box = self.query_one("#surface", Static)
        cols = max(20, min(box.size.width - 8, 90))
        rows = max(10, min(self.query_one(VerticalScroll).size.height - 2, 30))
        g = surface_grid(self.surface, cols, rows)
        text = Text()
        for r, (line, levels) in enumerate(zip(g.rows, g.levels)):
            label = f"{g.b_range[1]:7.3g} " if r == 0 else f"{g.b_range[0]:7.3g} " if r == rows - 1 else " " * 8
            text.append(label, style="dim")
            for ch, lv in zip(line, levels):
                style = f"bold black on {HEAT[lv]}" if ch in "S•E" else f"black on {HEAT[lv]}"
                text.append(ch, style=style)
            text.append("\n")
        text.append(" " * 8 + f"{g.a_range[0]:<.3g}".ljust(cols - 8) + f"{g.a_range[1]:>8.3g}", style="dim")
        box.update(text)
        shades = "  ".join(f"{ch!r}<{b}" for ch, b in zip(" .:-=+*#%", legend(g.bounds)))
        self.query_one("#surface-legend", Static).update(Text(f"low error {shades}  '@' highest", style="dim"))
