"""When a run is stuck, and what to try: advice that fits the run's own settings."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ...engine.backprop import forward
from ...engine.naming import neuron_names
from ...engine.network import Network
from .controls import eta_text

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


FLAT = 1e-12               # a change over the last third below this (relative): the error stands still
SATURATED = 1e-9           # d out / d net below this: an output at the flat end of its function


def is_flat(points: list[tuple[int, float]]) -> bool:
    """The error has not moved at all over the last third of the run, and is not zero (a
    net that fits its targets exactly stands still at 0, and is done)."""
    it, e_now = points[-1]
    if it < STUCK_AFTER or not e_now > 0:
        return False
    back = [e for i, e in points if i <= it - it // 3]
    return bool(back) and abs(back[-1] - e_now) <= FLAT * back[-1]


def saturated_outputs(net: Network, X, T) -> tuple[str, ...]:
    """The outputs sitting at a flat end of their function away from their target, where the
    gradient through them is zero to the last digit ("o1 at 0 (target 0.01)"): steps too
    large threw them there (the post's net at η 8192 stood at E_total 0.0001 for 9,600
    iterations) and no number of further steps brings them back."""
    rule = net.activation_rules[-1]
    if not rule.elementwise:
        return ()
    p = forward(net, X, None)
    z, out = p.nets[-1], p.outs[-1]
    slope = np.abs(rule.derivative(z, out))
    T = np.atleast_2d(T)
    stuck = (slope < SATURATED) & (np.abs(out - T) > 1e-6)
    names = neuron_names(net.sizes, net.n_layers)
    said = []
    for j in np.flatnonzero(stuck.any(axis=0)):
        k = int(np.flatnonzero(stuck[:, j])[0])
        where = f" in sample {k + 1}" if len(out) > 1 else ""
        said.append(f"{names[j]} at {out[k, j]:.4f}{where} (target {T[k, j]:g})")
    return tuple(said)


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
    saturated: tuple[str, ...] = ()     # outputs at a flat end of their function (saturated_outputs)
    activation: str = ""                # the output layer's function


def is_large(learning_rate: float, file_learning_rate: float) -> bool:
    """Large enough that steps overshoot and throw neurons into saturation: above four
    times the exercise's own rate, and above 4."""
    return learning_rate > max(4 * file_learning_rate, 4.0)


def stuck_message(s: Situation) -> str:
    if s.saturated:
        return saturated_message(s)
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


def saturated_message(s: Situation) -> str:
    """A run standing still because its outputs saturated: going on cannot help."""
    outputs = " and ".join(s.saturated)
    if is_large(s.learning_rate, s.file_learning_rate):
        tip = (f"Try a smaller learning rate (-), then r to start again: steps this large (η {eta_text(s.learning_rate)}) "
               "throw the neurons there")
    else:
        tip = "Try r to start again" + (", or a new random start (n)" if s.random_start else "")
        tip += ", with a smaller learning rate (-)"
    return (f"Stuck: E_total has not moved over the last {s.iteration // 3:,} iterations ({s.error:.3g}). "
            f"The outputs are saturated: {outputs}, at the flat end of the {s.activation or 'activation'}, where "
            f"its slope is zero to the last digit, so no update moves them and going on will not help. {tip}.")
