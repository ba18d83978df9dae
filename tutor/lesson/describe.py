"""What each kind of quantity means, in words, for questions and first hints."""

from __future__ import annotations

import re

from ..engine.steps import Step


def _neuron(q: str) -> str:
    """net_h1 -> h1; net_h1_1_s2 -> h1_1 (sample 2); out_h1+ -> h1 after the update."""
    after = q.endswith("+")
    name = q.removesuffix("+")
    name = name.split("_", 1)[1] if "_" in name else name
    m = re.fullmatch(r"(.+)_s(\d+)", name)
    name = f"{m.group(1)} (sample {m.group(2)})" if m else name
    return f"{name} after the update" if after else name


def _total(step_id: str, plain: str = "the total error") -> str:
    """Whose total error a step is about: "the total error", or "sample 2's total error"
    when one sample of several is meant (E_total_s2, dE_total_s2/dw5, delta_o1_s2)."""
    m = re.search(r"_s(\d+)(?!\d)", step_id)
    return f"sample {m.group(1)}'s total error" if m else plain


def meaning(step: Step, activation: str = "sigmoid") -> str:
    s, d = step, step.depends
    kind = s.kind
    if s.phase == "after" and kind == "error_total":  # a sample's error after a batch update
        return f"{_total(s.id)} after the update: the errors of its outputs with the new parameters, added up"
    if kind == "net":
        bias = len(d) % 2 == 1  # w, x, w, x, ..., and the bias last
        new = "new " if s.phase == "after" else ""
        return (f"the total net input of {_neuron(s.id)}: each incoming value times the {new}weight on its "
                "connection, added up" + (", plus the bias" if bias else ""))
    if kind == "out" and activation == "softmax":
        return (f"the output of {_neuron(s.id)}: e to the power of its net input, divided by the same for every "
                "neuron of its layer, added up (softmax)")
    if kind == "out":
        return f"the output of {_neuron(s.id)}: its net input passed through the {activation} function"
    if kind == "error":
        return f"the error of output {_neuron(s.id)}: how far its output is from its target, as the loss measures it"
    if kind == "error_total" and len(d) > 1 and all(x.startswith("E_total_s") for x in d):
        return f"the total error of the batch: the total errors of its {len(d)} samples, added up"
    if kind == "error_total":
        return f"{_total(s.id)}: the errors of the outputs, added up"
    if kind == "dE_dout" and s.phase == "output":
        return f"how fast {_total(s.id)} changes when {s.id.split('/d', 1)[1]} changes"
    if kind == "dE_dout":
        return (f"how fast {_total(s.id)} changes when {s.id.split('/d', 1)[1]} changes; that neuron feeds "
                "every neuron above it, so add up the part that flows through each")
    if kind == "dout_dnet":
        return f"the slope of the activation: how fast {s.id.split('/')[0][1:]} changes with its net input"
    if kind == "dnet_dw":
        return f"how fast {s.id.split('/')[0][1:]} changes with {s.id.split('/d', 1)[1]}: the value that weight multiplies"
    if kind in ("dE_dw", "dE_db") and s.phase == "gradient":  # a batch: dE_total/dw5 = sum over samples
        return (f"the gradient of the batch's total error with respect to {s.id.split('/d', 1)[1]}: the "
                f"gradients of the {len(d)} samples, added up")
    if kind == "dE_db" and d == [x for x in d if x.startswith("delta_")] and len(d) == 1:  # one neuron's bias
        b = s.id.split('/d', 1)[1]
        return (f"the gradient of {_total(s.id, 'the error')} with respect to {b}: the node delta of "
                f"{_neuron(d[0])} times 1, as its net input changes one for one with {b}")
    if kind == "dE_db" and all(x.startswith("delta_") for x in d):  # a bias shared by a layer
        b = s.id.split('/d', 1)[1]
        return (f"the gradient of {_total(s.id, 'the error')} with respect to {b}: the node deltas of the "
                f"neurons {b} feeds, added up (each of their net inputs changes one for one with {b})")
    if kind in ("dE_dw", "dE_db"):
        return (f"the gradient of {_total(s.id, 'the error')} with respect to {s.id.split('/d', 1)[1]}: the "
                "factors of the chain rule from the error down to it, multiplied")
    if kind == "delta":
        return f"the node delta of {_neuron(s.id)}: how fast {_total(s.id)} changes with its net input"
    if kind == "dnet_dout":
        return f"how fast {s.id.split('/')[0][1:]} changes with {s.id.split('/d', 1)[1]}: the weight on that connection"
    if kind == "dE_part_dout":
        return (f"the part of the error's slope at {s.id.split('/d', 1)[1]} that flows through "
                f"{_neuron(d[0])}: its node delta times the connecting weight")
    if kind == "update":
        p = s.id[:-1]
        return f"the new value of {p}: one step downhill, {p} minus the learning rate times its gradient"
    if kind == "error_after":
        return (f"{_total(s.id)} again, after the update: the forward pass once more with the new parameters "
                "(net and out of every neuron, then each output's error)")
    return s.id
