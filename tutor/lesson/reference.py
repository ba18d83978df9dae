"""Compare the figures a source printed with what the engine computes.

A printed figure agrees when the engine's value rounds to it at the printed precision
(0.75136507 is eight decimals: agree within half of 1e-8). A figure that does not is
tried against known variants of the computation (ways the update is often done
differently from the stated algorithm); the first variant whose value rounds to the
printed figure explains it.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from ..engine.backprop import forward
from ..engine.naming import neuron_names
from ..engine.steps import Solution
from ..engine.training import Trainer
from .exercise import Exercise, ExerciseError


@dataclass(frozen=True)
class Variant:
    name: str
    sentence: str          # {n}: the iterations the figure is about
    changes: tuple = ()    # settings that differ: (("fresh_weights", True),)
    offset: int = 0        # iterations fewer (or more) than the figure claims


VARIANTS = (
    Variant("updated output weights in the backward pass",
            "The hidden deltas were taken through the output weights after their update "
            "(w5+ .. w8+ in the post) instead of the weights the forward pass used; the post "
            "itself says to use the old ones, so this figure does not follow from it.",
            (("fresh_weights", True),)),
    Variant("error measured before the last update",
            "This is the error of the forward pass at the start of the last iteration, "
            "before that iteration's update: the error after {m} updates, not {n}.",
            offset=-1),
    Variant("computed from rounded figures",
            "The figure was worked out from earlier figures already rounded to nine decimals, "
            "as printed, and then rounded again; the exact value rounds differently."),
    Variant("biases updated too",
            "The biases were updated along with the weights, which the exercise says not to do.",
            (("update_biases", True),)),
)


@dataclass
class Comparison:
    id: str
    printed: str
    after_iterations: int
    value: float                      # the engine's, by the stated algorithm
    agrees: bool
    variant: Variant | None = None
    variant_value: float | None = None
    note: str = ""

    def explanation(self) -> str:
        if self.agrees:
            return ""
        if self.variant is None:
            return "No known variant of the computation produces this figure."
        n = self.after_iterations or 1
        return self.variant.sentence.format(n=f"{n:,}", m=f"{n + self.variant.offset:,}")

    def as_dict(self) -> dict:
        d = {"id": self.id, "printed": self.printed, "after_iterations": self.after_iterations,
             "value": self.value, "agrees": self.agrees}
        if not self.agrees:
            d["explained_by"] = None if self.variant is None else {
                "name": self.variant.name, "sentence": self.explanation(), "value": self.variant_value}
        return d


def agrees(value: float | Decimal, printed: str) -> bool:
    """Does `value` round (half away from zero) to `printed` at its number of digits?"""
    target = Decimal(printed)
    return Decimal(value).quantize(target, rounding=ROUND_HALF_UP) == target


ROUNDED = Decimal("1e-9")  # the post prints nine decimals
PRODUCTS = {"dE_dw", "delta", "dE_part_dout"}
SUMS = {"error_total", "dE_dout"}


def _from_rounded(solution: Solution, step_id: str) -> Decimal | None:
    """A product or sum step recomputed from its inputs rounded to nine decimals."""
    step = solution.step(step_id)
    if step.kind not in PRODUCTS | SUMS or (step.kind == "dE_dout" and step.phase != "hidden"):
        return None
    parts = [Decimal(solution.step(d).value).quantize(ROUNDED, rounding=ROUND_HALF_UP)
             for d in step.depends]
    if step.kind in SUMS:
        return sum(parts, Decimal(0))
    result = Decimal(1)
    for p in parts:
        result *= p
    return result


class _States:
    """Trained states of the exercise's network, by (settings changes, iterations), cached."""

    def __init__(self, ex: Exercise):
        self.ex = ex
        self.cache: dict = {}

    def after(self, changes: tuple, n: int) -> Trainer:
        key = (changes, n)
        if key not in self.cache:
            trainer = Trainer(self.ex.network, self.ex.X, self.ex.T, self.ex.settings.with_(**dict(changes)))
            trainer.run(n, record=())
            self.cache[key] = trainer
        return self.cache[key]


def _value_after(ex: Exercise, trainer: Trainer, fig_id: str) -> float | None:
    """E_total, out_oK (out_oK_sN with several samples) or a parameter, after training."""
    if fig_id == "E_total":
        return trainer.error()
    params = trainer.net.parameters()
    if fig_id in params:
        return params[fig_id]
    outs = forward(trainer.net, ex.X, ex.T).outs[-1]
    for k, name in enumerate(neuron_names(ex.network.sizes, ex.network.n_layers)):
        for s in range(len(ex.X)):
            sid = f"out_{name}" + ("" if len(ex.X) == 1 else f"_s{s + 1}")
            if fig_id == sid:
                return float(outs[s, k])
    return None


def compare(ex: Exercise, solution: Solution) -> list[Comparison]:
    states = _States(ex)
    result = []
    for i, fig in enumerate(ex.figures):
        key = f"reference.figures[{i}].id"
        if fig.after_iterations == 0:
            try:
                value = solution.step(fig.id).value
            except KeyError:
                raise ExerciseError(str(ex.path), key, f"{fig.id!r} is not a quantity of this update") from None
            is_result = fig.id.endswith("+")
        else:
            value = _value_after(ex, states.after((), fig.after_iterations), fig.id)
            if value is None:
                raise ExerciseError(str(ex.path), key, f"{fig.id!r} is not E_total, an output or a parameter")
            is_result = True
        c = Comparison(fig.id, fig.printed, fig.after_iterations, value, agrees(value, fig.printed), note=fig.note)
        if not c.agrees and is_result:
            c.variant, c.variant_value = _explain(ex, states, fig)
        elif not c.agrees:
            rounded = _from_rounded(solution, fig.id)
            if rounded is not None and agrees(rounded, fig.printed):
                c.variant = next(v for v in VARIANTS if v.name == "computed from rounded figures")
                c.variant_value = float(rounded)
        result.append(c)
    return result


def _explain(ex: Exercise, states: _States, fig) -> tuple[Variant | None, float | None]:
    """The first variant whose value rounds to the printed figure. A step-list result
    (w5+, E_total+) is the state after one iteration of a single-sample exercise."""
    n = fig.after_iterations or 1
    for v in VARIANTS:
        if v.name == "computed from rounded figures" or n + v.offset < 0:
            continue
        trainer = states.after(v.changes, n + v.offset)
        if fig.after_iterations == 0:
            fig_id = fig.id[:-1]
            value = trainer.error() if fig_id.startswith("E_total") else trainer.net.parameters().get(fig_id)
        else:
            value = _value_after(ex, trainer, fig.id)
        if value is not None and agrees(value, fig.printed):
            return v, value
    return None, None
