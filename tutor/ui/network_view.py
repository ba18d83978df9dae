"""The network drawn as columns of values: known ones filled in, the current question's
path marked with ▸ and shown in bold reverse (never by colour alone).

Two forms: the full one (connections named, old -> new weights, six digits) and, when
that does not fit the width, a compact one (four digits, the new weight instead of the
old once it is known)."""

from __future__ import annotations

from rich.measure import Measurement
from rich.table import Table
from rich.text import Text
from textual.widgets import Static

from ..lesson.picture import Cell, columns


class NetworkView(Static):
    DEFAULT_CSS = """
    NetworkView { height: auto; padding: 0 1; }
    """

    def __init__(self, sizes, bias: str, samples: int, **kwargs):
        super().__init__(**kwargs)
        self.cols = columns(tuple(sizes), bias, samples)
        self.values: dict[str, float] = {}
        self.path: set[str] = set()
        self.asking: str | None = None

    def show(self, values: dict[str, float], path: set[str], asking: str | None) -> None:
        self.values, self.path, self.asking = values, path, asking
        self.redraw()

    def on_resize(self) -> None:
        self.redraw()

    def redraw(self) -> None:
        full = self._picture(compact=False)
        width = self.content_size.width or self.app.console.width
        unbounded = self.app.console.options.update(max_width=10_000)  # else it clamps to the console
        fits = Measurement.get(self.app.console, unbounded, full).maximum <= width
        self.update(full if fits else self._picture(compact=True))

    def _cell(self, cell: Cell, compact: bool) -> Text:
        if cell.id is None:
            return Text("" if compact else cell.label, style="dim")
        digits = 4 if compact else 6
        marked = cell.id in self.path or (cell.after in self.path if cell.after else False)
        asked = cell.id == self.asking or cell.after == self.asking
        after_known = cell.after is not None and cell.after in self.values
        label, value = cell.label, self.values.get(cell.id)
        if compact and after_known and not (cell.id in self.path and cell.after not in self.path):
            # the new value replaces the old, except where the question uses the old one
            # (the hidden gradients take w5..w8 as they were in the forward pass)
            label, value = f"{cell.label}+", self.values[cell.after]
        text = Text("▸" if marked else " ")
        text.append(label, style="bold" if marked else "")
        if value is None:
            text.append(" ??" if asked else " ?", style="reverse bold" if asked else "dim")
        else:
            text.append(f" {value:.{digits}g}", style="reverse" if marked else "")
        if not compact and after_known:
            text.append(f" → {self.values[cell.after]:.{digits}g}", style="italic")
        elif cell.after and cell.after == self.asking:
            text.append(" → ??", style="reverse bold")
        return text

    def _picture(self, compact: bool) -> Table:
        grid = Table.grid(padding=(0, 1 if compact else 2))
        for title, _ in self.cols:
            grid.add_column(header=title, no_wrap=True)
        grid.show_header = True
        grid.header_style = "bold underline"
        height = max(len(col) for _, col in self.cols)
        for r in range(height):
            row = []
            for _, col in self.cols:
                t = Text()
                for cell in col[r] if r < len(col) else []:
                    t.append_text(self._cell(cell, compact))
                row.append(t)
            grid.add_row(*row)
        return grid
