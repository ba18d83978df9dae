"""What a run keeps of its past, within bounds whatever the net's size or the run's length.

The error curve keeps at most MAX_POINTS points (iteration, E_total). The path through
weight space (for the error surface) keeps full parameter vectors, at most PATH_FLOATS
numbers in all: 2,000 points for the post's 10 parameters, 13 for a net of 300,000 (whose
path, unbounded, reached 1.4 GB). Both halve by thinning when full, keeping first and last.
"""

from __future__ import annotations

import numpy as np

MAX_POINTS = 2000
DRAWN_POINTS = 400         # what the screen plots of the curve
PATH_FLOATS = 4_000_000    # 32 MB of float64


class Curve:
    def __init__(self, first: tuple[int, float]):
        self.points: list[tuple[int, float]] = [first]

    def extend(self, points: list[tuple[int, float]]) -> None:
        self.points.extend(points)
        if len(self.points) > MAX_POINTS:
            self.points = self.points[:1] + self.points[1:-1:2] + self.points[-1:]

    @property
    def last(self) -> tuple[int, float]:
        return self.points[-1]

    def drawn(self, most: int = DRAWN_POINTS) -> tuple[tuple[int, float], ...]:
        """At most `most` points, evenly taken, first and last kept: a plot is a few hundred
        braille dots wide, and every point costs the screen's thread time to draw."""
        pts = self.points
        if len(pts) <= most:
            return tuple(pts)
        step = len(pts) / (most - 1)
        return tuple(pts[int(k * step)] for k in range(most - 1)) + (pts[-1],)


class Path:
    def __init__(self, start: np.ndarray):
        self.capacity = int(min(MAX_POINTS, max(2, PATH_FLOATS // max(start.size, 1))))
        self.points: list[tuple[int, np.ndarray]] = [(0, start.copy())]

    def extend(self, points: list[tuple[int, np.ndarray]]) -> None:
        self.points.extend(points)
        while len(self.points) > self.capacity:
            self.points = self.points[:-1:2] + self.points[-1:]

    def copy(self) -> "Path":
        """Another list of the same points (each point's array is never changed once kept)."""
        other = Path.__new__(Path)
        other.capacity, other.points = self.capacity, list(self.points)
        return other

    def per_slice(self) -> int:
        """How many points a slice of training should record (a quarter of the room)."""
        return max(1, min(20, self.capacity // 4))

    def coordinates(self, i: int, j: int) -> tuple[np.ndarray, np.ndarray]:
        """The path in two parameters (by index)."""
        return (np.array([t[i] for _, t in self.points]), np.array([t[j] for _, t in self.points]))
