"""The network drawn as columns of values: known ones filled in, the current question's
path marked with ▸ and shown in bold reverse (never by colour alone).

The widest form that fits the width is drawn, so that nothing has to be scrolled sideways:
the full one (connections named, old -> new weights, six digits); a compact one (four
digits, the new weight instead of the old once it is known, connection names dropped but
the one asked about); the compact one without the leading zeros (.3775); and for a net
too deep for even that (two hidden layers at 80 columns), the columns around the current
question, as many as fit, with the ones left out named on the picture's border.
"""

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

    def show(self, values: dict[str, float], path: set[str], asking: str | None, cols=None) -> None:
        """`cols`: the columns anew (with several samples, those of the sample the step is about)."""
        self.values, self.path, self.asking = values, path, asking
        if cols is not None:
            self.cols = cols
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
        left_out: tuple[list[str], list[str]] = ([], [])
        cols = self.cols
        for compact, tight in ((False, False), (True, False), (True, True)):
            cells, widths = self._cells(compact, tight)
            if self._width(widths, 1 if compact else 2) <= width:
                break
        else:  # even the tightest is too wide: the columns around the question
            lo, hi = self._window(cells, widths, width)
            titles = [title for title, _ in self.cols]
            left_out = titles[:lo], titles[hi + 1:]
            cells, widths = cells[lo:hi + 1], widths[lo:hi + 1]
            cols = self.cols[lo:hi + 1]
        self.update(self._draw(cells, widths, compact, cols))
        if self.parent is not None:  # what is not drawn is named, on the border
            self.parent.call_after_refresh(self._keep_in_sight, self._asked_line(cols))
            self.parent.border_title = f"◂ {', '.join(left_out[0])}" if left_out[0] else ""
            self.parent.border_subtitle = f"{', '.join(left_out[1])} ▸" if left_out[1] else ""

    def _lines_shown(self) -> int:
        """How many lines of the picture its box shows (its max-height, less the border): a
        taller picture scrolls down there."""
        box = self.parent
        if box is None or box.styles.max_height is None:
            return 10**6
        return int(box.styles.max_height.resolve(box.size, self.app.size)) - box.styles.gutter.height

    def _asked_line(self, cols) -> int:
        """The line of the picture (0: the titles) with the quantity asked or the weight the
        question is about, the lowest when both: what a tall picture scrolls to."""
        asked = {self.asking, self.weight_asked} - {None}
        rows = [r for _, col in cols for r, line in enumerate(col)
                if line[0].id is not None and (line[0].id in asked or line[0].after in asked)]
        return max(rows, default=-1) + 1

    def _keep_in_sight(self, line: int) -> None:
        box = self.parent
        if box is not None:
            shown = box.scrollable_content_region.height
            box.scroll_to(y=max(0, line - shown + 2), animate=False)  # +2: the line under it too (a name)

    @staticmethod
    def _width(widths: list[int], gap: int = 1) -> int:
        return sum(widths) + gap * (len(widths) - 1)

    def _window(self, cells: list[list[list[Text]]], widths: list[int], width: int) -> tuple[int, int]:
        """The columns drawn when not all fit: the one the question is about (the quantity
        asked, or the weight it is about), then on each side the neighbour with more of the
        question's path in it (the left one when even), as long as they fit."""
        def marked(c: int) -> int:
            return sum(line and line[0].plain.startswith("▸") for line in cells[c])

        asked = {self.asking, self.weight_asked} - {None}
        focus = next((c for c, (_, col) in enumerate(self.cols)
                      if any(line[0].id in asked or line[0].after in asked for line in col)), None)
        if focus is None:
            focus = max(range(len(cells)), key=lambda c: (marked(c), -c))
        lo = hi = focus
        while True:
            sides = [c for c in (lo - 1, hi + 1) if 0 <= c < len(cells)
                     and self._width(widths[min(lo, c):max(hi, c) + 1]) <= width]
            if not sides:
                return lo, hi
            c = max(sides, key=lambda c: (marked(c), -c))
            lo, hi = min(lo, c), max(hi, c)

    def _cell(self, cell: Cell, compact: bool, tight: bool = False) -> Text:
        if cell.id is None:
            return Text("" if compact else cell.label, style="dim")
        digits = 4 if compact else 6

        def number(value: float) -> str:  # tight: .3775 and -.0381, as an answer may be typed
            text = f"{value:.{digits}g}"
            return re.sub(r"^(-?)0\.", r"\1.", text) if tight else text

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
            text.append(f" {number(value)}", style="reverse" if marked else "")
        if not compact and after_known:
            text.append(f" → {number(self.values[cell.after])}", style="italic")
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
                    if len(drawn) < tallest and len(drawn) + 1 < self._lines_shown():  # +1: the titles
                        drawn.append([name])
                    else:
                        texts[1] = Text(line[1].label, style="bold")
                    return

    def _cells(self, compact: bool, tight: bool) -> tuple[list[list[list[Text]]], list[int]]:
        """Every column's lines of cells, drawn, and each column's width."""
        cells = [[[Text("") if compact and c.id is None else self._cell(c, compact, tight) for c in line]
                  for line in col] for _, col in self.cols]
        if compact:
            self._name_the_asked_connection(cells)
        widths = [max([len(title)] + [sum(t.cell_len for t in line) for line in col])
                  for (title, _), col in zip(self.cols, cells)]
        return cells, widths

    def _picture(self, compact: bool, tight: bool = False) -> Text:
        cells, widths = self._cells(compact, tight)
        return self._draw(cells, widths, compact, self.cols)

    @staticmethod
    def _draw(cells: list[list[list[Text]]], widths: list[int], compact: bool, cols) -> Text:
        """A grid laid out by hand: no wrapping is ever wanted, and a Text renders far
        faster than a Rich Table on every answer."""
        gap = " " * (1 if compact else 2)
        out = Text()
        out.append(gap.join(title.ljust(w) for (title, _), w in zip(cols, widths)).rstrip(),
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
