"""The network as a picture: columns of labelled cells, each tied to a quantity's id.

inputs | weights into layer 1 | layer 1 (net, out, delta) | weights ... | outputs | errors

The UI styles the cells (known, unknown, on the current path); what goes where, which
values are known and which cells belong to the current question is decided here.

With several samples the picture shows one sample's values: the one the current step is
about (net_h1_s2: sample 2), or for a step over every sample (a batch's E_total,
dE_total/dw5, w5+) the sample of the step before it. Its columns say which (inputs s2).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..engine.naming import bias_names, neuron_names, weight_names
from ..engine.steps import Step
from .answer import sample_of

if TYPE_CHECKING:
    from .session import Lesson


@dataclass(frozen=True)
class Cell:
    label: str
    id: str | None = None       # the quantity whose value fills the cell
    after: str | None = None    # a second value shown as "-> new" (w5+)


Column = list[list[Cell]]       # lines of cells


def columns(sizes: tuple[int, ...], bias: str, samples: int, sample: int = 1,
            batch: bool = False) -> list[tuple[str, Column]]:
    """The picture's columns, with the values of `sample` (1-based) where a lesson has several;
    `batch`: its update takes every sample (E_total is then the batch's, E_total_s2 a sample's)."""
    sfx = "" if samples == 1 else f"_s{sample}"
    own = "" if samples == 1 else f" s{sample}"   # a column of one sample's values says whose
    L = len(sizes) - 1
    wn, bn = weight_names(sizes), bias_names(sizes, bias)
    cols: list[tuple[str, Column]] = []
    ins = neuron_names(sizes, 0)
    cols.append(("inputs" + own, [[Cell(n, n + sfx)] for n in ins]))
    for l in range(L):
        src, dst = neuron_names(sizes, l), neuron_names(sizes, l + 1)
        lines = [[Cell(w, w, after=f"{w}+"), Cell(f" {src[j]}→{dst[k]}")]
                 for k, row in enumerate(wn[l]) for j, w in enumerate(row)]
        lines += [[Cell(b, b, after=f"{b}+")] for b in bn[l]]
        cols.append(("weights", lines))
        layer: Column = []
        for n in dst:
            layer += [[Cell(f"{n} net", f"net_{n}{sfx}")], [Cell("   out", f"out_{n}{sfx}")],
                      [Cell("   δ", f"delta_{n}{sfx}")]]
        cols.append(("outputs" + own if l == L - 1 else "hidden" + own, layer))
    outs = neuron_names(sizes, L)
    err: Column = []
    for n in outs:
        err += [[Cell(f"target_{n}", f"target_{n}{sfx}")], [Cell(f"E_{n}", f"E_{n}{sfx}")]]
    if samples > 1 and batch:  # the sample's own total, then the batch's
        err += [[Cell(f"E_total{sfx}", f"E_total{sfx}")]]
        sfx = ""
    # one sample's update (online): its error before and after, E_total_s1 and E_total_s1+
    err += [[Cell("E_total", f"E_total{sfx}")], [Cell("E_total+", f"E_total{sfx}+")]]
    cols.append(("error" + own, err))
    return cols


FORWARD = ("net", "out", "error", "error_total")
# a quantity of the pass after the update (out_h1+) has no cell: it names none
_QUANTITY = re.compile(r"(net|out|delta|E|target)_[A-Za-z0-9_]+(?![\w+])|[wb]\d+|i\d+(_s\d+)?")


def on_path(step: Step, by_id: dict[str, Step]) -> set[str]:
    """The ids the current question touches: what it is made from, all the way back to
    values the picture shows, and the quantities its own name mentions (the post's
    figures trace w5 -> net_o1 -> out_o1 -> E_total the same way)."""
    seen: set[str] = set()
    todo = [step.id]
    while todo:
        q = todo.pop()
        if q in seen:
            continue
        seen.add(q)
        s = by_id.get(q)
        # a forward quantity is a leaf of the path unless it is the question itself; so is a
        # new weight (w5+ in the pass after the update: the path ends at its cell)
        if s is not None and (q == step.id or s.kind not in (*FORWARD, "update")):
            todo += s.depends
    named = set()
    for q in seen:
        parts = [p[1:] for p in q.split("/")] if "/" in q else [q]  # dA/dB names A and B
        for part in parts:
            named |= {m.group(0) for m in _QUANTITY.finditer(part)}
    if step.kind == "update":
        named.add(step.id)
    return seen | named


@dataclass(frozen=True)
class Shown:
    """What the picture shows at one moment of a lesson."""
    cols: list[tuple[str, Column]]
    values: dict[str, float]     # id -> value, for every quantity known or worked out
    path: set[str]               # the ids the current question is made from (marked ▸)
    asking: str | None           # the id asked now
    sample: int                  # whose values the per-sample cells show (1-based)


def sample_shown(lesson: Lesson) -> int:
    """The sample the current step is about; for a step over every sample (a batch's
    E_total, dE_total/dw5, w5+) the one of the latest step of one sample before it."""
    if len(lesson.ex.X) == 1:
        return 1
    upto = min(lesson.index, len(lesson.records) - 1)
    for r in reversed(lesson.records[: upto + 1]):
        s = sample_of([r.step.id, *r.step.depends])
        if s is not None:
            return s
    return 1


def worked_out(lesson: Lesson) -> set[str]:
    """The ids whose values the learner has: worked out, shown, given, and those the lesson
    never asks that follow from them once the update has come that far and no step still
    to answer is made from them (mazur's delta_h1 and delta_h2 at E_total+, delta_o2 once
    dE_o2/dout_h1 is done): such a cell shows its value instead of a "?" that reads as
    still to do."""
    known = lesson.known_ids() | set(lesson.given)
    if lesson.finished:
        return known
    asked = {r.step.id for r in lesson.records}
    # what a step still to answer is made from stays to be worked out, as its answer and F4
    # have it (mazur's delta_o2 until dE_o2/dout_h1 is done)
    asked |= {d for r in lesson.records[lesson.index:] for d in r.step.depends}
    for s in lesson.steps[: lesson._reach]:  # in the update's order: what a step is made from comes first
        if s.id not in asked and s.id not in known and all(d in known for d in s.depends):
            known.add(s.id)
    return known


def shown(lesson: Lesson) -> Shown:
    """The picture of `lesson` at its current step."""
    ex, r = lesson.ex, lesson.current
    sample = sample_shown(lesson)
    cols = columns(tuple(ex.network.sizes), ex.network.bias, len(ex.X), sample,
                   batch=ex.settings.mode == "batch")
    known = worked_out(lesson)
    values = {k: v for k, v in lesson.exact.items() if k in known}
    path = on_path(r.step, {s.id: s for s in lesson.steps}) if r else set()
    return Shown(cols, values, path, r.step.id if r else None, sample)
