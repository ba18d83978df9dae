"""Compare the figures a source printed with what the engine computes.

A printed figure agrees when the engine's value rounds to it at the printed precision
(0.75136507 is eight decimals: agree within half of 1e-8). A figure that does not is
tried against known methods of computing it (ways the update is often done differently
from the stated algorithm); the first method whose value rounds to the printed figure
explains it. A figure after training whose run overflows has no value to compare: it is
said to have diverged.

Which ids a figure may name is checked when the worked update is built (check_figures),
so every command accepts and rejects the same files.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from ..engine.backprop import forward
from ..engine.naming import neuron_names
from ..engine.steps import Solution, Step
from ..engine.training import Trainer
from .exercise import Exercise, ExerciseError, shown_name
from .nearest import nearest


@dataclass(frozen=True)
class Method:
    """A way of computing a printed figure other than the stated algorithm."""
    name: str
    sentence: str          # {n}: the iterations the figure is about
    changes: tuple = ()    # settings that differ: (("fresh_weights", True),)
    offset: int = 0        # iterations fewer (or more) than the figure claims


METHODS = (
    Method("updated output weights in the backward pass",
            "The hidden deltas were taken through the output weights after their update "
            "(w5+ .. w8+ in the post) instead of the weights the forward pass used; the post "
            "itself says to use the old ones, so this figure does not follow from it.",
            (("fresh_weights", True),)),
    Method("error measured before the last update",
            "This is the error of the forward pass at the start of the last iteration, "
            "before that iteration's update: the error after {m} updates, not {n}.",
            offset=-1),
    Method("computed from rounded figures",
            "The figure was worked out from earlier figures already rounded to nine decimals, "
            "as printed, and then rounded again; the exact value rounds differently."),
    Method("biases updated too",
            "The biases were updated along with the weights, which the exercise says not to do.",
            (("update_biases", True),)),
)


@dataclass
class Comparison:
    id: str
    printed: str
    after_iterations: int
    value: float                      # the engine's, by the stated algorithm (nan or inf: diverged)
    agrees: bool
    method: Method | None = None      # the method that explains a figure that does not agree
    method_value: float | None = None

    @property
    def diverged(self) -> bool:
        """The run overflowed before reaching the figure: there is no value to compare."""
        return not math.isfinite(self.value)

    def explanation(self) -> str:
        if self.agrees:
            return ""
        n = self.after_iterations or 1
        if self.diverged:
            return (f"The run diverged before {n:,} updates: the numbers overflowed, so the engine has "
                    "no value to set beside this figure (a smaller learning rate avoids it).")
        if self.method is None:
            return "No known method of computing it produces this figure."
        return self.method.sentence.format(n=f"{n:,}", m=f"{n + self.method.offset:,}")

    def as_dict(self) -> dict:
        d = {"id": self.id, "printed": self.printed, "after_iterations": self.after_iterations,
             "value": self.value if not self.diverged else None, "agrees": self.agrees}
        if self.diverged:
            d["diverged"] = True
        if not self.agrees:
            d["explained_by"] = None if self.method is None else {
                "name": self.method.name, "sentence": self.explanation(), "value": self.method_value}
        return d


def agrees(value: float | Decimal, printed: str) -> bool:
    """Does `value` round (half away from zero) to `printed` at its number of digits?
    A value that overflowed (nan, inf) agrees with nothing; so does one too large to be
    rounded to the printed digits within Decimal's precision."""
    if isinstance(value, float) and not math.isfinite(value):
        return False
    target = Decimal(printed)
    try:
        return Decimal(value).quantize(target, rounding=ROUND_HALF_UP) == target
    except InvalidOperation:
        return False


ROUNDED = Decimal("1e-9")  # the post prints nine decimals
PRODUCTS = {"dE_dw", "delta", "dE_part_dout"}
SUMS = {"error_total", "dE_dout"}


def _from_rounded(solution: Solution, step_id: str) -> Decimal | None:
    """A product or sum step recomputed from its inputs rounded to nine decimals."""
    step = solution.step(step_id)
    if step.kind not in PRODUCTS | SUMS or (step.kind == "dE_dout" and step.phase != "hidden"):
        return None
    try:  # a softmax delta is out - target: a target is given, not a step, and not printed rounded
        parts = [Decimal(solution.step(d).value).quantize(ROUNDED, rounding=ROUND_HALF_UP)
                 for d in step.depends]
    except KeyError:
        return None
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


def trained_ids(ex: Exercise) -> list[str]:
    """What a figure after training may name: E_total, an output (out_oK, or out_oK_sN with
    several samples) or a parameter."""
    outs = [f"out_{n}" + ("" if len(ex.X) == 1 else f"_s{s + 1}")
            for s in range(len(ex.X)) for n in neuron_names(ex.network.sizes, ex.network.n_layers)]
    return ["E_total", *outs, *ex.network.names]


def check_figures(ex: Exercise, steps: dict[str, Step]) -> None:
    """Every figure names a quantity the engine computes: a step of the update (by id or
    alias, `steps`) or, after training, one of trained_ids. Raises ExerciseError."""
    after = trained_ids(ex) if any(f.after_iterations for f in ex.figures) else []
    for i, fig in enumerate(ex.figures):
        known, what = (after, "E_total, an output or a parameter") if fig.after_iterations else (
            steps, "a quantity of this update")
        if fig.id not in known:
            hint = suggest(fig.id, known) or (
                f" ({after[0]}, {after[1]}, ..., {after[-1]})" if fig.after_iterations else "")
            raise ExerciseError(shown_name(ex.path), f"reference.figures[{i}].id", f"{fig.id!r} is not {what}{hint}")


def suggest(word: str, known) -> str:
    """" (did you mean net_h1 or net_h2?)": the nearest real ids in the order given, or nothing."""
    known = list(known)
    near = nearest(word, known, n=3)
    near.sort(key=known.index)
    # with several samples the likely slip is the sample's suffix: net_h1 -> net_h1_s1
    per_sample = [k for k in known if k.startswith(word + "_s") and k[len(word) + 2:].isdigit()]
    if per_sample:
        near = per_sample[:1] + [n for n in near if n != per_sample[0]][:2]
    return f" (did you mean {' or '.join(near)}?)" if near else ""


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
    """Each printed figure beside the engine's value (ids checked by check_figures)."""
    states = _States(ex)
    result = []
    for fig in ex.figures:
        if fig.after_iterations == 0:
            value = solution.step(fig.id).value
            is_result = fig.id.endswith("+")
        else:
            value = _value_after(ex, states.after((), fig.after_iterations), fig.id)
            is_result = True
        c = Comparison(fig.id, fig.printed, fig.after_iterations, value, agrees(value, fig.printed))
        if c.agrees or c.diverged:
            pass
        elif is_result:
            c.method, c.method_value = _explain(ex, states, fig)
        else:
            rounded = _from_rounded(solution, fig.id)
            if rounded is not None and agrees(rounded, fig.printed):
                c.method = next(m for m in METHODS if m.name == "computed from rounded figures")
                c.method_value = float(rounded)
        result.append(c)
    return result


def _explain(ex: Exercise, states: _States, fig) -> tuple[Method | None, float | None]:
    """The first method whose value rounds to the printed figure. A step-list result
    (w5+, E_total+) is the state after one iteration of a single-sample exercise."""
    n = fig.after_iterations or 1
    for m in METHODS:
        if m.name == "computed from rounded figures" or n + m.offset < 0:
            continue
        trainer = states.after(m.changes, n + m.offset)
        if fig.after_iterations == 0:
            fig_id = fig.id[:-1]
            value = trainer.error() if fig_id.startswith("E_total") else trainer.net.parameters().get(fig_id)
        else:
            value = _value_after(ex, trainer, fig.id)
        if value is not None and agrees(value, fig.printed):
            return m, value
    return None, None


def printed_note(ex: Exercise, solution: Solution, step_id: str, typed: str) -> str:
    """What to say to an answer typed as the source's printed figure of this step when that
    figure does not follow from the algorithm (the post's -0.019049119 for dE_o2/dout_h1,
    exactly -0.0190491183, worked from rounded figures), so that the verdict says what the
    summary's list of figures says; '' otherwise. No training: a result (w5+, E_total+) whose
    figure needs another method to explain is said without the method."""
    for fig in ex.figures:
        if fig.after_iterations:
            continue
        try:
            step = solution.step(fig.id)
            same = Decimal(typed.strip()) == Decimal(fig.printed)
        except (KeyError, InvalidOperation):
            continue
        if step.id != step_id or not same or agrees(step.value, fig.printed):
            continue
        source = ex.source or "the source"
        rounded = _from_rounded(solution, step.id)
        why = ("; it was worked out from earlier figures already rounded to nine decimals"
               if rounded is not None and agrees(rounded, fig.printed) else "")
        return (f"These are the digits {source} prints; worked exactly, {step.id} = {step.value:.10g}"
                f"{why}.")
    return ""
