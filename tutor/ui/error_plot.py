"""The error curve: textual-plot wrapped in one module, so it can be swapped.

textual-plot has no log axis, so the curve is drawn as log10(E) and the ticks are
labelled 1e-1, 1e-2, ...
"""

from __future__ import annotations

import math
from typing import Sequence

import numpy as np
from textual_plot import HiResMode, PlotWidget
from textual_plot.axis_formatter import AxisFormatter

COLOURS = ("bright_cyan", "bright_yellow", "bright_magenta", "bright_green", "bright_red", "white")
MARKERS = "123456"   # a curve's own mark, drawn on it: curves are told apart without colour


class PowersOfTen(AxisFormatter):
    """Ticks at whole powers of ten of a log10 axis, labelled 1e-k."""

    def get_ticks(self, min_: float, max_: float, max_ticks: int = 8) -> list[float]:
        lo, hi = math.ceil(min_), math.floor(max_)
        ticks = list(range(lo, hi + 1))
        step = max(1, math.ceil(len(ticks) / max(max_ticks, 1)))
        return [float(t) for t in ticks[::step]] or [float(round(min_))]

    def get_labels_for_ticks(self, ticks: Sequence[float]) -> list[str]:
        return [f"1e{int(t)}" if t else "1" for t in ticks]


class Iterations(AxisFormatter):
    """At most five round ticks, labelled 2k, 1.5M: readable at 80 columns."""

    def get_ticks(self, min_: float, max_: float, max_ticks: int = 8) -> list[float]:
        span = max(max_ - min_, 1.0)
        raw = span / 4
        step = 10 ** math.floor(math.log10(raw))
        step *= next(m for m in (1, 2, 2.5, 5, 10) if step * m >= raw)
        first = math.ceil(min_ / step) * step
        return [first + k * step for k in range(int((max_ - first) / step) + 1)]

    def get_labels_for_ticks(self, ticks: Sequence[float]) -> list[str]:
        def short(t: float) -> str:
            for size, suffix in ((1e6, "M"), (1e3, "k")):
                if abs(t) >= size:
                    return f"{t / size:g}{suffix}"
            return f"{t:g}"
        return [short(t) for t in ticks]


class ErrorPlot(PlotWidget, can_focus=False):  # its zoom keys would hide the screen's own
    DEFAULT_CSS = """
    ErrorPlot { height: 1fr; min-height: 8; }
    """

    def on_mount(self) -> None:
        super().on_mount()
        self.set_xlabel("iteration")
        self.set_ylabel("log E")
        self.set_y_formatter(PowersOfTen())
        self.set_x_formatter(Iterations())

    def show_curves(self, curves: list[tuple[str, list[tuple[int, float]]]], x_max: int,
                    marked: bool = False) -> None:
        """Draw each (label, [(iteration, error), ...]) as log10 of the error. marked: each
        curve carries its marker (MARKERS) at a staggered point and at its end, and there is
        no legend on the plot (the caller shows the key to the markers outside it)."""
        self.clear()
        lows, highs, marks = [], [], []
        for k, (label, history) in enumerate(curves):
            pts = [(i, e) for i, e in history if e > 0 and math.isfinite(e)]
            if not pts:
                continue
            x = np.array([p[0] for p in pts], dtype=float)
            y = np.log10([p[1] for p in pts])
            lows.append(y.min())
            highs.append(y.max())
            colour = COLOURS[k % len(COLOURS)]
            self.plot(x, y, line_style=colour, hires_mode=HiResMode.BRAILLE,
                      label=label if len(curves) > 1 and not marked else None)
            if marked:
                # one mark a different way along each curve (so marks on curves that run
                # together do not land on each other), and one where the curve ends (the
                # right edge itself falls outside the canvas)
                at = int(round((0.15 + 0.6 * k / max(len(curves) - 1, 1)) * (len(x) - 1)))
                end = min(x[-1], 0.98 * x_max)
                marks.append(([x[at], end], [y[at], y[-1]], MARKERS[k % len(MARKERS)], f"bold {colour}"))
        for xs, ys, marker, style in marks:   # after every line, so no line covers a mark
            self.scatter(xs, ys, marker=marker, marker_style=style)
        if lows:
            self.set_ylimits(math.floor(min(lows)), math.ceil(max(highs)) or 0.0)
        self.set_xlimits(0, max(x_max, 1))
        self.show_legend(is_visible=len(curves) > 1 and not marked)
