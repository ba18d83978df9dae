"""The network as a picture: columns of labelled cells, each tied to a quantity's id.

inputs | weights into layer 1 | layer 1 (net, out, delta) | weights ... | outputs | errors

The UI styles the cells (known, unknown, on the current path); what goes where and
which cells belong to the current question is decided here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..engine.naming import bias_names, neuron_names, weight_names
from ..engine.steps import Step


@dataclass(frozen=True)
class Cell:
    label: str
    id: str | None = None       # the quantity whose value fills the cell
    after: str | None = None    # a second value shown as "-> new" (w5+)


Column = list[list[Cell]]       # lines of cells


def columns(sizes: tuple[int, ...], bias: str, samples: int) -> list[tuple[str, Column]]:
    sfx = "" if samples == 1 else "_s1"
    L = len(sizes) - 1
    wn, bn = weight_names(sizes), bias_names(sizes, bias)
    cols: list[tuple[str, Column]] = []
    ins = neuron_names(sizes, 0)
    cols.append(("inputs", [[Cell(n, n + sfx)] for n in ins]))
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
        cols.append(("outputs" if l == L - 1 else "hidden", layer))
    outs = neuron_names(sizes, L)
    err: Column = []
    for n in outs:
        err += [[Cell(f"target_{n}", f"target_{n}{sfx}")], [Cell(f"E_{n}", f"E_{n}{sfx}")]]
    err += [[Cell("E_total", "E_total")], [Cell("E_total+", "E_total+")]]
    cols.append(("error", err))
    return cols


FORWARD = ("net", "out", "error", "error_total")
_QUANTITY = re.compile(r"(net|out|delta|E|target)_[A-Za-z0-9_]+|[wb]\d+|i\d+(_s\d+)?")


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
        # a forward quantity is a leaf of the path unless it is the question itself
        if s is not None and (q == step.id or s.kind not in FORWARD):
            todo += s.depends
    named = set()
    for q in seen:
        parts = [p[1:] for p in q.split("/")] if "/" in q else [q]  # dA/dB names A and B
        for part in parts:
            named |= {m.group(0) for m in _QUANTITY.finditer(part)}
    if step.kind == "update":
        named.add(step.id)
    return seen | named
