"""Iterations per second as the learner sees them."""

from __future__ import annotations

import time
from typing import Callable

WINDOW = 2.0   # seconds of the clock the rate is taken over


class RateClock:
    """Over the last WINDOW seconds, pauses between slices (slow speeds) included."""

    def __init__(self, clock: Callable[[], float] = time.perf_counter):
        self.clock = clock
        self.marks: list[tuple[float, int]] = []   # (time, iteration) at the end of each slice
        self.rate = 0.0

    def reset(self) -> None:
        self.marks, self.rate = [], 0.0

    def tick(self, iteration: int) -> float:
        now = self.clock()
        self.marks = [(t, i) for t, i in self.marks if now - t < WINDOW] + [(now, iteration)]
        t_old, i_old = self.marks[0]
        self.rate = (iteration - i_old) / (now - t_old) if now > t_old else 0.0
        return self.rate
