"""The network drawn as columns of values: known ones filled in, the current question's
path marked with ▸ and shown in bold reverse (never by colour alone).

Two forms: the full one (connections named, old -> new weights, six digits) and, when
that does not fit the width, a compact one (four digits, the new weight instead of the
old once it is known)."""

from __future__ import annotations

import re

from rich.cells import cell_len
from rich.text import Text
from textual.widgets import Static

from ..lesson.picture import Cell, columns


class NetworkView(Static):
    DEFAULT_CSS = """
    NetworkView { height: auto; width: auto; padding: 0 1; }
    """

    def __init__(self, sizes, bias: str, samples: int, **kwargs):
        super().__init__(**kwargs)
        self.cols = columns(tuple(sizes), bias, samples)
        self.values: dict[str, float] = {}
        self.path: set[str] = set()
        self.asking: str | None = None
        self.weight_asked: str | None = None

    def show(self, values: dict[str, float], path: set[str], asking: str | None) -> None:
        self.values, self.path, self.asking = values, path, asking
        # the weight the question is about (w6+, dE_total/dw6, dnet_o1/dw6): the compact
        # picture keeps the name of its connection (h2→o1), the one it drops elsewhere
        m = re.search(r"(?:^|/d)([wb]\d+)\+?$", asking or "")
        self.weight_asked = m.group(1) if m else None
        self.redraw()

    def on_resize(self) -> None:
        self.redraw()

    def redraw(self) -> None:
        # the widget is as wide as its picture; what may not be wider is the box around it
        width = (self.parent.scrollable_content_region.width - 2 if self.parent else 0) or self.app.console.width
        full = self._picture(compact=False)
        widest = max(cell_len(line) for line in full.plain.split("\n"))
        self.update(full if widest <= width else self._picture(compact=True))

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
            text.append("→??" if compact else " → ??", style="reverse bold")
        return text

    def _name_the_asked_connection(self, cells: list[list[list[Text]]]) -> None:
        """The compact picture drops the connections' names (h2→o1) but keeps that of the
        weight asked about: on a free line under its column (the weights columns are shorter
        than the neurons' next to them), else beside the weight."""
        tallest = max(len(col) for col in cells)
        for (_, col), drawn in zip(self.cols, cells):
            for line, texts in zip(col, drawn):
                if line[0].id is not None and line[0].id == self.weight_asked and len(line) > 1:
                    name = Text(f" {line[0].label}:{line[1].label}", style="bold")
                    if len(drawn) < tallest:
                        drawn.append([name])
                    else:
                        texts[1] = Text(line[1].label, style="bold")
                    return

    def _picture(self, compact: bool) -> Text:
        """A grid laid out by hand: no wrapping is ever wanted, and a Text renders far
        faster than a Rich Table on every answer."""
        gap = " " * (1 if compact else 2)
        cells = [[[Text("") if compact and c.id is None else self._cell(c, compact) for c in line]
                  for line in col] for _, col in self.cols]
        if compact:
            self._name_the_asked_connection(cells)
        widths = [max([len(title)] + [sum(t.cell_len for t in line) for line in col])
                  for (title, _), col in zip(self.cols, cells)]
        out = Text()
        out.append(gap.join(title.ljust(w) for (title, _), w in zip(self.cols, widths)).rstrip(),
                   style="bold underline")
        for r in range(max(len(col) for col in cells)):
            out.append("\n")
            row = Text()
            for c, (col, w) in enumerate(zip(cells, widths)):
                cell = Text()
                for t in col[r] if r < len(col) else []:
                    cell.append_text(t)
                cell.pad_right(w - cell.cell_len)
                row.append_text(cell)
                if c < len(cells) - 1:
                    row.append(gap)
            row.rstrip()
            out.append_text(row)
        return out
