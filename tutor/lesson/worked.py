"""The worked update of an exercise, built once and checked once.

Everything that starts from an exercise (the lesson, a learner's variant, the quiz, answer
keys, `solve`, `train`, `check-exercise`) starts from build(): it solves the update, makes
the mistake context and the given and exact values, resolves the asked and shown steps
through one alias map and checks the reference figures' ids. So a file that one command
rejects, every command rejects, with the same line, before anything starts.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from ..engine.naming import neuron_names
from ..engine.steps import Solution, Step, solve
from . import bounds
from .exercise import Exercise, ExerciseError, shown_name
from .mistakes import Context
from .reference import Comparison, check_figures, compare, suggest


@dataclass
class Worked:
    """One update of an exercise (with its numbers), worked and checked."""
    ex: Exercise
    solution: Solution
    context: Context
    given: dict[str, float]        # known before any step: parameters, eta, inputs, targets
    exact: dict[str, float]        # those and every step's exact value, by id
    asked: list[Step]              # [lesson].ask (or every step but the pass after the update,
                                   # which F4 asks), in the order of the update
    shown: set[str]                # [lesson].show: ids given to the learner, not asked
    _comparisons: list[Comparison] | None = field(default=None, repr=False)

    @property
    def steps(self) -> list[Step]:
        return self.solution.steps

    @property
    def ids(self) -> list[str]:
        """Every step id of the update, in order (what [lesson] ask and show may name)."""
        return [s.id for s in self.solution.steps]

    def comparisons(self) -> list[Comparison]:
        """The reference figures beside the engine's values. Figures after training train
        the network, so this is worked out when first asked for, then kept."""
        if self._comparisons is None:
            self._comparisons = compare(self.ex, self.solution)
        return self._comparisons


def step_map(steps: list[Step]) -> dict[str, Step]:
    """Every id and alias (dE_o1/dnet_o1 for delta_o1) to its step: the one alias map."""
    by_key: dict[str, Step] = {s.id: s for s in steps}
    for s in steps:
        for a in s.aliases:
            by_key.setdefault(a, s)
    return by_key


def known_values(ex: Exercise, solution: Solution) -> tuple[dict[str, float], dict[str, float]]:
    """(given, exact): the values known before any step (parameters, eta, inputs,
    targets), and those plus every step's exact value, all by id."""
    given: dict[str, float] = dict(solution.parameters)
    given["eta"] = ex.settings.learning_rate
    ins = neuron_names(ex.network.sizes, 0)
    outs = neuron_names(ex.network.sizes, ex.network.n_layers)
    for n, (x, t) in enumerate(zip(ex.X, ex.T)):
        sfx = "" if len(ex.X) == 1 else f"_s{n + 1}"
        given.update({f"{name}{sfx}": float(v) for name, v in zip(ins, x)})
        given.update({f"target_{name}{sfx}": float(v) for name, v in zip(outs, t)})
    return given, {**given, **{s.id: s.value for s in solution.steps}}


def _resolve(ex: Exercise, ids: list[str], by_key: dict[str, Step], key: str) -> list[str]:
    out = []
    for i, q in enumerate(ids):
        if q not in by_key:
            raise ExerciseError(shown_name(ex.path), f"lesson.{key}[{i}]",
                                f"{q!r} is not a step of this update{suggest(q, by_key)}")
        out.append(by_key[q].id)
    return out


def build(ex: Exercise) -> Worked:
    """The worked update of `ex`, or ExerciseError (one line: file, key, problem)."""
    bounds.check(ex)  # before anything is solved: the cost is known from the sizes
    with np.errstate(over="ignore", invalid="ignore"):  # an overflow is said below, in one line
        solution = solve(ex.network, ex.X, ex.T, ex.settings)
    steps = solution.steps
    blown = next((s for s in steps if not math.isfinite(s.value)), None)
    if blown is not None:
        raise ExerciseError(shown_name(ex.path), "network",
                            f"the update overflows at {blown.id} ({blown.value}): numbers this large cannot be "
                            "worked by hand (smaller parameters, inputs or learning rate)")
    by_key = step_map(steps)
    order = {s.id: i for i, s in enumerate(steps)}
    asked_ids = ([s.id for s in steps if not s.breakdown_only] if ex.ask is None
                 else _resolve(ex, ex.ask, by_key, "ask"))
    asked = [by_key[i] for i in sorted(set(asked_ids), key=order.__getitem__)]
    shown = set(_resolve(ex, ex.show, by_key, "show"))
    check_figures(ex, by_key)
    given, exact = known_values(ex, solution)
    return Worked(ex, solution, Context(ex, solution), given, exact, asked, shown)
