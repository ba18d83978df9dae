"""What `bptutor solve` and `bptutor train` print: plain text tables and JSON objects.
(`bptutor report`, the stored answers, is workshop.report_text.)

Values show ten significant digits, so every nine-digit figure of the post can be
checked against them.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from ..engine.naming import neuron_names
from ..engine.steps import Solution, Step
from .exercise import Exercise
from .reference import Comparison

if TYPE_CHECKING:
    from .headless import Result


def value(v: float) -> str:
    return f"{v + 0.0:.10g}"  # + 0.0: a zero prints as 0, never -0


def describe(ex: Exercise) -> str:
    net, s = ex.network, ex.settings
    acts = net.activations[0] if len(set(net.activations)) == 1 else "/".join(net.activations)
    bias = {"shared": "one bias per layer", "neuron": "a bias per neuron", "none": "no biases"}[net.bias]
    moved = "updated" if s.update_biases else "not updated"
    start = f"random start (seed {ex.seed})" if ex.random_start else "given start"
    samples = f"{len(ex.X)} sample" + ("s" if len(ex.X) != 1 else "")
    parts = [f"{'-'.join(map(str, net.sizes))} {acts}", net.loss,
             bias + ("" if net.bias == "none" else f" ({moved})"),
             f"learning rate {s.learning_rate:g}", s.mode, f"momentum {s.momentum:g}", samples, start]
    return ", ".join(parts)


def _table(title: str, steps: list[Step]) -> list[str]:
    rows = [(s.id, s.formula, s.numbers, value(s.value)) for s in steps]
    head = ("quantity", "formula", "with numbers", "value")
    widths = [max(len(r[i]) for r in rows + [head]) for i in range(3)]
    lines = [title, "  " + "  ".join(h.ljust(w) for h, w in zip(head, widths)) + "  " + head[3]]
    for r in rows:
        lines.append("  " + "  ".join(c.ljust(w) for c, w in zip(r, widths)) + "  " + r[3])
    return lines + [""]


PHASES = ("forward", "error", "output", "hidden", "gradient", "update", "after")


def _section(step: Step) -> str:
    if step.phase in ("output", "hidden"):
        if step.phase == "output":
            return "Backward pass: output layer"
        return "Backward pass: hidden layer" + ("" if step.layer == "h" else f" {step.layer[1:]}")
    return {"forward": "Forward pass", "error": "Error", "gradient": "Gradient of the summed error",
            "update": "New parameters", "after": "After the update"}[step.phase]


def solve_text(ex: Exercise, sol: Solution, comparisons: list[Comparison]) -> str:
    lines = [f"{ex.title}  ({ex.name})"]
    if ex.summary:
        lines.append(ex.summary)
    lines += [describe(ex), ""]
    which = ("the first sample's update (online: one update per sample)" if sol.samples == [0] and len(ex.X) > 1
             else "one update from all samples (batch)" if len(sol.samples) > 1 else "one update")
    lines += [f"Worked solution of {which}.", ""]
    lines.append("Parameters before the update")
    lines.append("  " + "  ".join(f"{k} = {value(v)}" for k, v in sol.parameters.items()))
    lines.append("")
    groups: dict[str, list[Step]] = {}
    # the update steps sit among the derivatives (w5+ right after dE_total/dw5, as in the
    # post); the tables gather them at the end, phase by phase
    for step in sorted(sol.steps, key=lambda s: PHASES.index(s.phase)):
        # E_total+ is the line under the tables; a sample's own error after the update
        # (E_total_s1+, online) is a step of its own and gets its table
        if step.phase != "after" or step.id != "E_total+":
            groups.setdefault(_section(step), []).append(step)
    for title, steps in groups.items():
        lines += _table(title, steps)
    lines.append(f"E_total before the update: {value(sol.error)}")
    lines.append(f"E_total after the update:  {value(sol.error_after)}")
    if comparisons:
        lines += ["", *compare_text(ex, comparisons)]
    return "\n".join(lines)


def compare_text(ex: Exercise, comparisons: list[Comparison]) -> list[str]:
    good = sum(c.agrees for c in comparisons)
    lines = [f"Figures printed in {ex.source or 'the source'}: {good} of {len(comparisons)} follow "
             "from the algorithm as stated."]
    width = max(len(c.id) for c in comparisons) + 1
    for c in comparisons:
        where = f" after {c.after_iterations:,} updates" if c.after_iterations else ""
        mark = "✓ agrees " if c.agrees else "✗ differs"
        engine = "diverged" if c.diverged else value(c.value)
        lines.append(f"  {mark}  {c.id.ljust(width)} printed {c.printed:<14} engine {engine}{where}")
        if not c.agrees:
            if c.method is not None:
                lines.append(f"      {c.method.name} gives {value(c.method_value)}: {c.explanation()}")
            else:
                lines.append(f"      {c.explanation()}")
    return lines


def solve_json(ex: Exercise, sol: Solution, comparisons: list[Comparison]) -> dict:
    return {
        "exercise": exercise_json(ex),
        "parameters": sol.parameters,
        "data": _data(ex),
        "update_samples": [s + 1 for s in sol.samples],
        "steps": [s.as_dict() for s in sol.steps],
        "error": sol.error,
        "gradients": sol.gradients,
        "updated": sol.updated,
        "error_after": sol.error_after,
        "reference": [c.as_dict() for c in comparisons],
    }


def exercise_json(ex: Exercise) -> dict:
    net, s = ex.network, ex.settings
    return {"name": ex.name, "title": ex.title, "path": str(ex.path), "sizes": list(net.sizes),
            "activations": list(net.activations), "loss": net.loss, "bias": net.bias,
            "update_biases": s.update_biases, "learning_rate": s.learning_rate, "mode": s.mode,
            "momentum": s.momentum, "random_start": ex.random_start, "seed": ex.seed}


def _data(ex: Exercise) -> list[dict]:
    ins = neuron_names(ex.network.sizes, 0)
    outs = neuron_names(ex.network.sizes, ex.network.n_layers)
    return [{**{n: float(v) for n, v in zip(ins, x)}, **{f"target_{n}": float(v) for n, v in zip(outs, t)}}
            for x, t in zip(ex.X, ex.T)]


def outputs_text(ex: Exercise, outputs) -> list[str]:
    names = neuron_names(ex.network.sizes, ex.network.n_layers)
    lines = []
    for s, (o, t) in enumerate(zip(outputs, ex.T)):
        pairs = "  ".join(f"out_{n} {value(v)} (target {t[k]:g})" for k, (n, v) in enumerate(zip(names, o)))
        lines.append(f"  sample {s + 1}: {pairs}" if len(ex.X) > 1 else f"  {pairs}")
    return lines


def train_text(ex: Exercise, r: "Result") -> list[str]:
    """After the progress lines: how the run ended, its one final error, the outputs."""
    lines = [""]
    if r.diverged:
        lines += [f"Training diverged in iteration {r.iterations + 1:,}: the numbers overflowed. "
                  "A smaller learning rate usually helps. The last good state:"]
    lines.append(f"After {r.iterations:,} iterations ({r.seconds:.2f} s): E_total = {value(r.error)}")
    return lines + outputs_text(ex, r.outputs)


def train_json(ex: Exercise, r: "Result") -> dict:
    """Valid JSON whatever happened: a number that overflowed is null, and `diverged` says so."""
    return {"exercise": exercise_json(ex), "iterations": r.iterations, "error": _finite(r.error),
            "outputs": [[_finite(v) for v in row] for row in r.outputs.tolist()], "targets": ex.T.tolist(),
            "parameters": {k: _finite(v) for k, v in r.parameters.items()},
            "history": [[it, _finite(e)] for it, e in r.history], "diverged": r.diverged,
            "diverged_in_iteration": r.iterations + 1 if r.diverged else None, "seconds": r.seconds}


def _finite(v: float) -> float | None:
    return v if math.isfinite(v) else None
