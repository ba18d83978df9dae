"""The network drawn as columns of values: known ones filled in, the current question's
path marked with ▸ and shown in bold reverse (never by colour alone)."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.widgets import Static

from ..lesson.picture import Cell, columns


def _fmt(v: float) -> str:
    return f"{v:.6g}"


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
        self.update(self._picture())

    def _cell(self, cell: Cell) -> Text:
        if cell.id is None:
            return Text(cell.label, style="dim")
        marked = cell.id in self.path or (cell.after in self.path if cell.after else False)
        asked = cell.id == self.asking or cell.after == self.asking
        value = self.values.get(cell.id)
        text = Text("▸" if marked else " ")
        text.append(cell.label, style="bold" if marked else "")
        if value is None:
            text.append(" ?" if not asked else " ??", style="reverse bold" if asked else "dim")
        else:
            text.append(f" {_fmt(value)}", style="reverse" if marked else "")
        if cell.after and cell.after in self.values:
            text.append(f" → {_fmt(self.values[cell.after])}", style="italic")
        elif cell.after and cell.after == self.asking:
            text.append(" → ??", style="reverse bold")
        return text

    def _picture(self) -> Table:
        grid = Table.grid(padding=(0, 2))
        for title, _ in self.cols:
            grid.add_column(header=title, no_wrap=True)
        grid.show_header = True
        grid.header_style = "bold underline"
        height = max(len(col) for _, col in self.cols)
        for r in range(height):
            row = []
            for _, col in self.cols:
                if r < len(col):
                    t = Text()
                    for cell in col[r]:
                        t.append_text(self._cell(cell))
                    row.append(t)
                else:
                    row.append(Text(""))
            grid.add_row(*row)
        return grid
