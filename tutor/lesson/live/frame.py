"""What the training screen draws, built off the screen's thread: the worker makes one after
each slice and posts it, so the screen never copies parameters or runs a forward pass."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..reference import Comparison
from .status import Status

MAX_ROWS = 40      # parameter rows shown: all of a small net, the largest movers of a big one


@dataclass(frozen=True)
class ParameterRow:
    name: str
    now: float
    start: float
    change: float
    big_mover: bool       # among the fifth that moved most


@dataclass(frozen=True)
class Frame:
    title: str
    iteration: int
    target: int
    error: float
    curve: tuple[tuple[int, float], ...]   # the error curve as drawn: at most DRAWN_POINTS of it
    output_names: tuple[str, ...]
    outputs: np.ndarray            # (samples, outputs)
    targets: np.ndarray            # (samples, outputs)
    parameters: tuple[ParameterRow, ...]
    parameter_count: int           # all of them (more than shown for a big net)
    status: Status
    message: str
    rate: float                    # iterations per second, recently
    learning_rate: float
    momentum: float
    update_biases: bool
    speed: str
    preparing: str                 # what is being got ready meanwhile ("" when nothing)
    final: tuple[Comparison, ...]  # the source's figures at this iteration, when the run is its own
    run: int = 0                   # which run this is: r and n start a new one (a note about the old one goes)
    final_note: str = ""           # why the source's figures are left out of a run that is not its own


def parameter_rows(names: list[str], now: np.ndarray, start: np.ndarray) -> tuple[tuple[ParameterRow, ...], int]:
    change = now - start
    size = len(names)
    big = np.zeros(size, dtype=bool)
    if np.any(change):
        top = max(1, size // 5)
        big[np.argpartition(-np.abs(change), top - 1)[:top]] = True
    if size <= MAX_ROWS:
        shown = range(size)
    else:   # the largest movers, largest first
        part = np.argpartition(-np.abs(change), MAX_ROWS - 1)[:MAX_ROWS]
        shown = part[np.argsort(-np.abs(change[part]), kind="stable")]
    return tuple(ParameterRow(names[i], float(now[i]), float(start[i]), float(change[i]), bool(big[i]))
                 for i in shown), size
