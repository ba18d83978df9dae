"""What each kind of quantity means, in words, for questions and first hints."""

from __future__ import annotations

import re

from ..engine.steps import Step


def _neuron(q: str) -> str:
    """net_h1 -> h1; net_h1_1_s2 -> h1_1 (sample 2)."""
    name = q.split("_", 1)[1] if "_" in q else q
    m = re.fullmatch(r"(.+)_s(\d+)", name)
    return f"{m.group(1)} (sample {m.group(2)})" if m else name


def meaning(step: Step, activation: str = "sigmoid") -> str:
    s, d = step, step.depends
    kind = s.kind
    if kind == "net":
        return (f"the total net input of {_neuron(s.id)}: each incoming value times the weight on its "
                "connection, added up, plus the bias")
    if kind == "out":
        return f"the output of {_neuron(s.id)}: its net input passed through the {activation} function"
    if kind == "error":
        return f"the error of output {_neuron(s.id)}: how far its output is from its target, as the loss measures it"
    if kind == "error_total":
        return "the total error: the errors added up"
    if kind == "dE_dout" and s.phase == "output":
        return f"how fast the total error changes when {s.id.split('/d', 1)[1]} changes"
    if kind == "dE_dout":
        return (f"how fast the total error changes when {s.id.split('/d', 1)[1]} changes; that neuron feeds "
                "every neuron above it, so add up the part that flows through each")
    if kind == "dout_dnet":
        return f"the slope of the activation: how fast {s.id.split('/')[0][1:]} changes with its net input"
    if kind == "dnet_dw":
        return f"how fast {s.id.split('/')[0][1:]} changes with {s.id.split('/d', 1)[1]}: the value that weight multiplies"
    if kind in ("dE_dw", "dE_db"):
        return (f"the gradient of the error with respect to {s.id.split('/d', 1)[1]}: the factors of the chain "
                "rule from the error down to it, multiplied")
    if kind == "delta":
        return f"the node delta of {_neuron(s.id)}: how fast the total error changes with its net input"
    if kind == "dnet_dout":
        return f"how fast {s.id.split('/')[0][1:]} changes with {s.id.split('/d', 1)[1]}: the weight on that connection"
    if kind == "dE_part_dout":
        return (f"the part of the error's slope at {s.id.split('/d', 1)[1]} that flows through "
                f"{_neuron(d[0])}: its node delta times the connecting weight")
    if kind == "update":
        p = s.id[:-1]
        return f"the new value of {p}: one step downhill, {p} minus the learning rate times its gradient"
    if kind == "error_after":
        return "the total error again, after the update: the forward pass once more with the new parameters"
    return s.id
