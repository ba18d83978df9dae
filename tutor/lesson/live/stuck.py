"""When a run is stuck, and what to try: advice that fits the run's own settings."""

from __future__ import annotations

from dataclasses import dataclass

STUCK_AFTER = 2000         # iterations before a run can be called stuck
STUCK_DROP = 0.01          # less than 1% fall over the last third of the run ...
STUCK_FLOOR = 0.05         # ... while still above 5% of the starting error


def is_stuck(points: list[tuple[int, float]]) -> bool:
    """The error has hardly fallen over the last third of the run, and is still large."""
    it, e_now = points[-1]
    if it < STUCK_AFTER:
        return False
    e0 = points[0][1]
    back = [e for i, e in points if i <= it - it // 3]
    if not back or e_now < STUCK_FLOOR * e0:
        return False
    return (back[-1] - e_now) < STUCK_DROP * back[-1]


@dataclass(frozen=True)
class Situation:
    """What the advice depends on."""
    iteration: int
    error: float
    learning_rate: float
    file_learning_rate: float     # the exercise's own
    largest_learning_rate: float  # the top of the range the keys allow
    momentum: float
    random_start: bool
    smallest_hidden_layer: int | None   # None: no hidden layer


def is_large(learning_rate: float, file_learning_rate: float) -> bool:
    """Large enough that steps overshoot and throw neurons into saturation: above four
    times the exercise's own rate, and above 4."""
    return learning_rate > max(4 * file_learning_rate, 4.0)


def stuck_message(s: Situation) -> str:
    tips = ["a new random start (n)"] if s.random_start else []
    if is_large(s.learning_rate, s.file_learning_rate):
        tips.append("a smaller learning rate (-): steps this large throw the neurons into the flat ends of "
                    "their activation, where the gradient almost vanishes")
    elif s.learning_rate * 2 <= s.largest_learning_rate:
        tips.append("a larger learning rate (+)")
    if s.momentum == 0:
        tips.append("momentum (m)")
    if s.smallest_hidden_layer is not None and s.smallest_hidden_layer < 2:
        tips.append("more hidden neurons (in the exercise file)")
    advice = "; try " + ", ".join(tips) if tips else ""
    return (f"Stuck: the error has hardly fallen over the last {s.iteration // 3:,} iterations and is still "
            f"{s.error:.3g}. The net may sit on a plateau or in a poor local minimum{advice}.")
