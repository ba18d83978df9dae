"""The source's printed figures after training, beside the engine's."""

from __future__ import annotations

from ..exercise import Exercise
from ..reference import Comparison
from ..worked import build


class FinalFigures:
    """Worked out once per exercise (the same for every run of the exercise's own), and
    only asked for when the run is the exercise's own: its start and its settings."""

    def __init__(self, ex: Exercise):
        self.ex = ex
        self._all: list[Comparison] | None = None

    def at(self, iteration: int) -> tuple[Comparison, ...]:
        if not any(f.after_iterations == iteration for f in self.ex.figures):
            return ()
        if self._all is None:
            self._all = build(self.ex).comparisons()
        return tuple(c for c in self._all if c.after_iterations == iteration)
