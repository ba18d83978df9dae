"""The keys that change a run's settings: learning rate within bounds, momentum in steps,
and the speed ladder (with the default speed sized so a run can be watched)."""

from __future__ import annotations

import math

# Below 1e-4 the weights of the bundled nets barely move in a run's length; above 1e4 a step
# of a sigmoid net overflows or saturates every neuron at once. The file may set any rate;
# the keys keep within this range.
LEARNING_RATE_RANGE = (1e-4, 1e4)
MOMENTUM_STEPS = (0.0, 0.5, 0.9)
FPS = 30                  # frames a second the screen shows at the slow speeds
WATCH_SECONDS = 8         # the default speed shows a whole run in about this long
LADDER = (1, 10, 100, 1000, 10_000)   # iterations per frame; then full speed
FULL = 0                  # the speed value meaning "as fast as it goes"


def eta_text(value: float) -> str:
    """The learning rate exactly: 4096, 0.0001220703125 (doubling and halving are exact)."""
    return repr(float(value)).removesuffix(".0")


def scale_learning_rate(value: float, factor: float) -> tuple[float, str]:
    """The new learning rate and what to say; the value is kept when the step would leave the
    range (and the note says why)."""
    lo, hi = LEARNING_RATE_RANGE
    new = value * factor
    if factor > 1 and new > hi:
        return value, f"η stays at {eta_text(value)}: the keys go up to {hi:g} (beyond it the steps overflow)."
    if factor < 1 and new < lo:
        return value, f"η stays at {eta_text(value)}: the keys go down to {lo:g} (below it the weights barely move)."
    word = "doubled" if factor == 2 else "halved" if factor == 0.5 else f"times {factor:g}"
    return new, f"η {word}: {eta_text(new)}."


def next_momentum(value: float) -> float:
    nearest = min(range(len(MOMENTUM_STEPS)), key=lambda i: abs(MOMENTUM_STEPS[i] - value))
    return MOMENTUM_STEPS[(nearest + 1) % len(MOMENTUM_STEPS)]


def watch_speed(target: int) -> int:
    """Iterations per frame that show `target` iterations in about WATCH_SECONDS, to one
    significant digit (10,000 -> 40 a frame, 1,200 a second)."""
    raw = max(1.0, target / (WATCH_SECONDS * FPS))
    step = 10 ** math.floor(math.log10(raw))
    return int(max(1, round(raw / step) * step))


def speed_ladder(target: int) -> tuple[int, ...]:
    """The speeds ] and [ step through, slowest first, full speed (FULL) last."""
    return tuple(sorted(set(LADDER) | {watch_speed(target)})) + (FULL,)


def speed_text(speed: int) -> str:
    return "full speed" if speed == FULL else f"{speed:,}/frame"
