"""Training without a screen: what `bptutor train` does when piped or asked for --json.

The run goes in slices of about SLICE_SECONDS, so that progress shows however large the
network, and a stop asked from another thread (Ctrl+C in the command line) is seen between
two slices. When the numbers overflow, the run steps back to the last update whose
parameters were all finite and reports that state. The final error is the one recorded at
the last iteration: the same figure in the progress and in the result.
"""

from __future__ import annotations

import math
import threading
import time
from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from ..engine.training import Trainer, record_points
from .exercise import Exercise

SLICE_SECONDS = 0.1     # a slice of iterations takes about this long
PROGRESS_SECONDS = 1.0  # a progress line at least this often, besides one per tenth of the run


@dataclass
class Result:
    iterations: int                      # iterations done (the last good one after a divergence)
    error: float                         # E_total after them
    outputs: np.ndarray
    parameters: dict[str, float]
    history: list[tuple[int, float]]     # (iteration, E_total), at most about 1000 points
    diverged: bool = False               # the numbers overflowed in the next iteration
    stopped: bool = False                # stopped before the end, on request
    seconds: float = 0.0
    wanted: int = 0                      # iterations asked for


@dataclass
class Run:
    """A run of `n` iterations that another thread may stop."""
    ex: Exercise
    n: int
    stop: threading.Event = field(default_factory=threading.Event)

    def train(self, progress: Callable[[int, float], None] | None = None) -> Result:
        with np.errstate(over="ignore", invalid="ignore"):  # an overflow is reported as a divergence
            return self._train(progress)

    def _train(self, progress: Callable[[int, float], None] | None) -> Result:
        trainer = Trainer(self.ex.network, self.ex.X, self.ex.T, self.ex.settings)
        wanted = record_points(0, self.n)
        tenths = sorted({math.ceil(self.n * k / 10) for k in range(1, 11)})
        history: list[tuple[int, float]] = []
        started = last_line = time.perf_counter()
        size, diverged = 1, False
        while trainer.iteration < self.n and not self.stop.is_set():
            begin = trainer.iteration
            next_tenth = next(t for t in tenths if t > begin)
            end = min(begin + size, next_tenth)
            theta, vel = trainer.net.theta.copy(), trainer.vel.copy()
            record = np.union1d(wanted[(wanted >= begin) & (wanted <= end)], [begin, end])
            t0 = time.perf_counter()
            run = trainer.run(end - begin, record=record)
            took = time.perf_counter() - t0
            if run.diverged or not math.isfinite(run.history[-1][1]):
                diverged = True
                trainer.net.theta[:], trainer.vel[:], trainer.iteration = theta, vel, begin
                good = _last_good(trainer, end - begin)
                trainer.net.theta[:], trainer.vel[:], trainer.iteration = theta, vel, begin
                run = trainer.run(good, record=np.array([begin, begin + good]))
                _add(history, run.history[-1:], wanted, keep=begin + good)
                break
            _add(history, run.history, wanted, keep=end)
            now = time.perf_counter()
            if progress and (end == next_tenth or now - last_line >= PROGRESS_SECONDS):
                progress(end, history[-1][1])
                last_line = now
            # the next slice: about SLICE_SECONDS (doubling at most, so a first compile does not mislead)
            size = max(1, min(size * 2, int(size * SLICE_SECONDS / max(took, 1e-6))))
        if not history:
            history = [(0, trainer.error())]
        return Result(iterations=trainer.iteration, error=history[-1][1], outputs=trainer.outputs(),
                      parameters=trainer.net.parameters(), history=history, diverged=diverged,
                      stopped=trainer.iteration < self.n and not diverged,
                      seconds=time.perf_counter() - started, wanted=self.n)


def _last_good(trainer: Trainer, n: int) -> int:
    """How many of the next n iterations keep the parameters and the error finite (the
    slice is run again with the error recorded at every iteration)."""
    begin = trainer.iteration
    run = trainer.run(n, record=np.arange(begin, begin + n + 1))
    good = run.done - 1 if run.diverged else n  # update `done` made a parameter overflow
    for it, e in run.history:
        if not math.isfinite(e):
            return max(0, min(good, it - begin - 1))
    return max(0, good)


def _add(history: list[tuple[int, float]], points, wanted: np.ndarray, keep: int) -> None:
    """The recorded points that were asked for, and the slice's last one (the latest error)."""
    if history and history[-1][0] not in wanted:
        history.pop()  # the previous slice's end, kept only as the latest error
    for it, e in points:
        if (it in wanted or it == keep) and (not history or it > history[-1][0]):
            history.append((it, e))
