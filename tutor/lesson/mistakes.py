"""Known mistakes, recognised by their numbers.

Each step kind has an ordered list of mistakes. A mistake is a function of the step and
of the values upstream of it (`get(id)`), giving the value that mistake would produce.
The checker evaluates them twice: on the exact upstream values and on the learner's own;
carried.py works each one through to the later steps it feeds (w3+ with a slip in
dE_total/dout_h2).
Every explanation names the mistake and says what to do instead.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Callable, Iterable

import numpy as np

from ..engine import activations, losses
from ..engine.naming import weight_names
from ..engine.steps import Solution, Step, identifier
from ..engine.training import Trainer
from .answer import AnswerError, parse
from .exercise import Exercise


@dataclass(frozen=True)
class Mistake:
    key: str
    name: str          # short, for the summary: "derivative taken on net"
    explanation: str   # a format string over the fields its function returns
    # recognisable only from many digits (it moves the value by far less than the
    # tolerance), so it cannot make a variant ambiguous: the checker names it when the
    # digits typed match it and not the right answer
    subtle: bool = False
    # whether a variant is drawn again where this mistake would look right; False for one
    # added after learners were given their numbers (they keep them): where it cannot be
    # told from the right answer it is not named
    redraws: bool = True
    # named only from an expression, whose method shows it, never guessed from digits (a loss
    # the lesson never mentions, cross-entropy in the post's lesson)
    shown_only: bool = False


Get = Callable[[str], float]


class Context:
    """What the mistake functions need to know about the exercise beyond a step's inputs."""

    def __init__(self, ex: Exercise, solution: Solution):
        self.ex, self.solution = ex, solution
        self.by_id = {s.id: s for s in solution.steps}
        self.eta = ex.settings.learning_rate
        self.updated = solution.updated
        self.where: dict[str, tuple[int, int, int]] = {}
        self.names = weight_names(ex.network.sizes)
        for l, layer in enumerate(self.names):
            for k, row in enumerate(layer):
                for j, w in enumerate(row):
                    self.where[w] = (l, k, j)
        # the update as it comes out when the backward pass uses already-updated weights
        fresh = Trainer(ex.network, ex.X[solution.samples], ex.T[solution.samples],
                        ex.settings.with_(fresh_weights=True), use_kernel=False)
        fresh.run(1, record=())
        self.fresh = fresh.net.parameters()
        self.fresh_error = fresh.error()
        self.carried = None  # carried.py's graph of the steps and the values it has worked out

    def activation_of(self, neuron_quantity: str) -> str:
        """The activation of the layer a quantity such as out_h1 or net_o2_s3 belongs to."""
        name = neuron_quantity.split("_", 1)[1]
        acts = self.ex.network.activations
        if name.startswith("o"):
            return acts[-1]
        deep = re.match(r"h(\d+)_\d", name) if len(self.ex.network.sizes) > 3 else None
        return acts[int(deep.group(1)) - 1] if deep else acts[0]


def _sig(x: float) -> float:
    return float(activations.SIGMOID.forward(x))


def _split(step_id: str) -> tuple[str, str]:
    """'dout_o1/dnet_o1' -> ('out_o1', 'net_o1')."""
    top, bottom = step_id.split("/d", 1)
    return top[1:], bottom


# --- one function per mistake: (step, get, ctx) -> [(value, fields), ...] ---------------------

def _bias_left_out(s: Step, get: Get, ctx: Context):
    if len(s.depends) % 2 == 1:  # w, x, w, x, ..., b
        b = s.depends[-1]
        yield get(s.id) - get(b), {"b": b, "q": s.id}


def _sigmoid_twice(s, get, ctx):
    if ctx.activation_of(s.id) == "sigmoid":
        yield _sig(get(s.id)), {"q": s.id, "net": s.depends[0]}


def _exponent_sign(s, get, ctx):
    if ctx.activation_of(s.id) == "sigmoid":
        yield _sig(-get(s.depends[0])), {"q": s.id, "net": s.depends[0]}


def _not_squashed(s, get, ctx):
    # identity and (active) relu pass net through unchanged: no slip to see there
    if ctx.activation_of(s.id) not in ("identity", "relu"):
        yield get(s.depends[0]), {"q": s.id, "net": s.depends[0]}


def _half_forgotten(s, get, ctx):
    if ctx.ex.network.loss == "half_sse":
        yield 2 * get(s.id), {"q": s.id}


def _sign(s, get, ctx):
    if get(s.id) != 0:  # a zero has no sign to get wrong
        yield -get(s.id), {"q": s.id, "rule": _sign_rule(s, ctx)}


def _sign_half_sse(s, get, ctx):
    if ctx.ex.network.loss == "half_sse":
        yield from _sign(s, get, ctx)


def _sign_other_loss(s, get, ctx):
    if ctx.ex.network.loss != "half_sse":
        yield from _sign(s, get, ctx)


def _sign_rule(s: Step, ctx: Context) -> str:
    """Where a step's sign comes from, in the exercise's own loss: the half squared error's
    dE/dout = -(target - out); with cross-entropy at a softmax or logistic output the delta
    is out - target (dE/dout itself is -target/out there), so its words say that."""
    loss = losses.get(ctx.ex.network.loss)
    if loss.name == "half_sse":
        return "dE/dout = -(target - out) = out - target"
    outputs = ctx.ex.network.activations[-1]
    if outputs in loss.delta_is_out_minus_target:
        return (f"with {_LOSS_WORDS.get(loss.name, loss.name)}, each output's delta is out - target, "
                f"not target - out; {s.id} = {s.formula}")
    return f"{s.id} = {s.formula}"


def _square_not_halved(s, get, ctx):
    # a hidden neuron's dE/dout is a sum of parts: it has no square of its own to halve
    if ctx.ex.network.loss == "half_sse" and not (s.kind == "dE_dout" and s.phase == "hidden"):
        yield 2 * get(s.id), {"q": s.id}


def _slope_of_sigmoid(s, get, ctx):
    """The logistic function's slope, out(1 - out), at a layer of another activation (tanh's
    is 1 - out^2)."""
    out, net = _split(s.id)
    act = ctx.activation_of(out)
    if act not in ("sigmoid", "softmax"):
        yield get(out) * (1 - get(out)), {"q": s.id, "out": out, "act": act, "formula": s.formula}


def _part_subtracted(s, get, ctx):
    """A hidden neuron's dE/dout with one of its parts subtracted instead of added."""
    if s.phase == "hidden" and len(s.depends) >= 2:
        total = get(s.id)
        for part in s.depends:
            yield total - 2 * get(part), {"q": s.id, "part": part}


def _shared_bias_one_delta(s, get, ctx):
    """A bias shared by a layer with the delta of one of its neurons only."""
    if len(s.depends) >= 2 and all(d.startswith("delta_") for d in s.depends):
        b = s.id.split("/d", 1)[1]
        for d in s.depends:
            n = len(s.depends)
            yield get(d), {"q": s.id, "b": b, "used": d, "all": "both" if n == 2 else f"all {n}", "formula": s.formula}


def _error_after_mean(s, get, ctx):
    """E_total+ of a batch as the mean of its samples' errors, where their sum belongs."""
    n = len(ctx.solution.samples)
    if n > 1:
        yield get(s.id) / n, {"q": s.id, "n": n}


def _derivative_on_net(s, get, ctx):
    out, net = _split(s.id)
    f = activations.get(ctx.activation_of(out))
    if f.derivative_of == "out":  # a derivative written in out, worked with net in its place
        yield float(f.derivative(None, get(net))), {"out": out, "net": net,
                                                    "formula": f.derivative_formula.format(out=out)}


def _other_input(s, get, ctx):
    net, w = _split(s.id)
    sources = ctx.by_id[net].depends[1::2][: len(ctx.by_id[net].depends) // 2]
    for src in sources:
        if src != s.depends[0]:
            yield get(src), {"w": w, "right": s.depends[0], "used": src}


def _weight_itself(s, get, ctx):
    net, w = _split(s.id)
    yield get(w), {"w": w, "right": s.depends[0]}


def _chain_without_dout(s, get, ctx):
    """dE/dw or a delta with the neuron's dout/dnet left out."""
    chain = [d for d in s.depends if not (d.startswith("dout_") and "/dnet_" in d)]
    if len(chain) < len(s.depends):
        dropped = next(d for d in s.depends if d.startswith("dout_"))
        if get(dropped) != 1.0:  # an active relu's slope is 1: leaving it out changes nothing
            yield math.prod(get(d) for d in chain), {"q": s.id, "dout": dropped}


def _gradient_other_input(s, get, ctx):
    *chain, dnet = s.depends
    if not dnet.startswith("dnet_"):
        return
    net, w = _split(dnet)
    factor = math.prod(get(d) for d in chain)
    for src in ctx.by_id[net].depends[1::2]:
        if src != ctx.by_id[dnet].depends[0]:
            yield factor * get(src), {"w": w, "right": ctx.by_id[dnet].depends[0], "used": src}


def _gradient_from_updated_weights(s, get, ctx):
    w = s.id.split("/d", 1)[1]
    if s.phase == "hidden" and w in ctx.fresh and ctx.fresh[w] != ctx.updated[w]:
        yield (ctx.ex.network.parameters()[w] - ctx.fresh[w]) / ctx.eta, {"q": s.id}


def _eta_forgotten(s, get, ctx):
    p, _eta, g = s.depends
    yield get(p) - get(g), {"p": p, "g": g, "eta": f"{ctx.eta:g}"}


def _gradient_added(s, get, ctx):
    p, _eta, g = s.depends
    yield get(p) + ctx.eta * get(g), {"p": p, "g": g}


def _update_from_updated_weights(s, get, ctx):
    p = s.id[:-1]
    if (ctx.by_id.get(s.depends[2]) is not None and ctx.by_id[s.depends[2]].phase == "hidden"
            and p in ctx.fresh and ctx.fresh[p] != ctx.updated[p]):
        yield ctx.fresh[p], {"p": p}


def _updated_connecting_weight(s, get, ctx):
    w = s.depends[0]
    if w in ctx.updated and ctx.updated[w] != get(w):
        yield ctx.updated[w], {"w": w, "q": s.id}


def _other_connecting_weight(s, get, ctx):
    w = s.depends[0]
    l, k, j = ctx.where[w]
    layer = ctx.names[l]
    others = [layer[k][jj] for jj in range(len(layer[k])) if jj != j] + \
             [layer[kk][j] for kk in range(len(layer)) if kk != k]
    for o in others:
        yield get(o), {"w": w, "used": o, "q": s.id}


def _part_with_updated_weight(s, get, ctx):
    delta, dnet = s.depends
    w = ctx.by_id[dnet].depends[0]
    if w in ctx.updated and ctx.updated[w] != ctx.ex.network.parameters()[w]:  # a weight that moved
        yield get(delta) * ctx.updated[w], {"w": w}


def _part_with_other_weight(s, get, ctx):
    delta, dnet = s.depends
    for value, fields in _other_connecting_weight(ctx.by_id[dnet], get, ctx):
        yield get(delta) * value, {**fields, "q": s.id}


def _part_with_dE_dout(s, get, ctx):
    delta, dnet = s.depends
    neuron = delta[len("delta_"):]
    candidates = [x for x in ctx.by_id if x.startswith("dE_") and x.endswith(f"/dout_{neuron}")
                  and ctx.by_id[x].phase == "output"]
    for c in candidates:
        yield get(c) * get(dnet), {"delta": delta, "dE": c}


def _all(n: int) -> str:
    """"both" for two, "all 3" for more: never "all 2 neurons"."""
    return "both" if n == 2 else f"all {n}"


def _one_output_only(s, get, ctx):
    if s.phase != "hidden" or len(s.depends) < 2 or not _feeds_outputs(s):
        return
    yield from _one_part_only(s, get, ctx)


def _one_neuron_only(s, get, ctx):
    if s.phase != "hidden" or len(s.depends) < 2 or _feeds_outputs(s):
        return
    yield from _one_part_only(s, get, ctx)


def _feeds_outputs(s: Step) -> bool:
    """Are the parts of a hidden dE/dout the ones through output neurons (dE_o1/dout_h1)?"""
    return all(re.match(r"dE_o\d", p) for p in s.depends)


def _one_part_only(s, get, ctx):
    for part in s.depends:
        yield get(part), {"q": s.id, "part": part, "all": _all(len(s.depends))}


def _bias_one_output_only(s, get, ctx):
    """A hidden bias's gradient with every hidden delta made of one output's part only:
    sum over the neurons h it feeds of dE_o/dout_h * dout_h/dnet_h, for one output o."""
    if s.phase != "hidden":
        return
    # a bias of its own: (dE_total/dout_h, dout_h/dnet_h); shared: the deltas of its layer
    chains = [ctx.by_id[d].depends for d in s.depends] if s.depends[0].startswith("delta_") else [s.depends]
    parts = [ctx.by_id[d_out].depends for d_out, _dnet in chains]
    if len(parts[0]) < 2:
        return
    for i, part in enumerate(parts[0]):
        value = sum(get(p[i]) * get(dnet) for p, (_, dnet) in zip(parts, chains))
        yield value, {"q": s.id, "output": part.split("/")[0][len("dE_"):], "all": _all(len(parts[0]))}


def _slope_after_cancelled(s, get, ctx):
    """Softmax (or logistic) outputs with cross-entropy: the delta is out - target, the
    activation's slope already cancelled; multiplied by out(1 - out) once more."""
    loss = losses.get(ctx.ex.network.loss)
    if s.phase != "output" or len(s.depends) != 2 or not s.depends[0].startswith("out_"):
        return
    out, target = s.depends
    if ctx.activation_of(out) in loss.delta_is_out_minus_target:
        slope = activations.SIGMOID  # softmax's own slope, dout_k/dnet_k, is the logistic's: out(1 - out)
        yield ((get(out) - get(target)) * float(slope.derivative(None, get(out))),
               {"q": s.id, "slope": slope.derivative_formula.format(out=out), "formula": s.formula})


def _sum_of_parts(s, get, ctx, part_mistake):
    """A sum of parts (dE_total/dout_h of its parts through each output; E_total of each
    output's error, or in a batch of each sample's E_total) with the same slip made in every
    part; a part that is itself such a sum is worked the same way. Its fields: those every
    part has alike (the other loss's name), and q."""
    total, fields = 0.0, None
    for part in s.depends:
        step = ctx.by_id[part]
        values = list(_sum_of_parts(step, get, ctx, part_mistake) if step.kind == s.kind
                      else part_mistake(step, get, ctx))
        if not values:
            return
        total += values[0][0]
        mine = values[0][1]
        fields = mine if fields is None else {k: v for k, v in fields.items() if mine.get(k) == v}
    yield total, {**(fields or {}), "q": s.id}


def _sum_with_updated_weights(s, get, ctx):
    if s.phase == "hidden":
        yield from _sum_of_parts(s, get, ctx, _part_with_updated_weight)


def _sum_with_dE_dout(s, get, ctx):
    if s.phase == "hidden":
        yield from _sum_of_parts(s, get, ctx, _part_with_dE_dout)


def _mean_for_sum(s, get, ctx):
    """A batch's total error or gradient (the samples' added up) divided by their number."""
    if len(s.depends) > 1 and (s.phase == "gradient" or all(d.startswith("E_total_s") for d in s.depends)):
        yield get(s.id) / len(s.depends), {"q": s.id, "n": len(s.depends)}


# what a layer's output is, said to a learner who used the logistic function there instead
_SIGMOID_FOR = {
    "softmax": "You used the logistic function of {net} alone; {q} is a softmax output: exp({net}) divided by "
               "the sum of exp over every net input of the layer, so that the outputs add up to 1.",
}


def _sigmoid_for(act: str) -> tuple[Mistake, Callable]:
    """The logistic function 1/(1+e^-net) where another activation `act` belongs (a tanh
    hidden layer's out_h1 typed as 1/(1+exp(-net_h1))): one mistake per activation, named
    after it; the checker leaves it unnamed where its value cannot be told from the right one."""
    def mistake(s, get, ctx):
        if ctx.activation_of(s.id) == act:
            net = "net_" + s.id.split("_", 1)[1]
            yield _sig(get(net)), {"q": s.id, "net": net}

    said = _SIGMOID_FOR.get(act, "You used the logistic function, 1/(1+e^-{net}); this layer's activation is "
                                 f"{act}: {{q}} = {activations.get(act).formula}.")
    return M(f"sigmoid_for_{act}", f"the logistic function where {act} belongs", said, redraws=False), mistake


# the loss a learner may take for the exercise's own: the post's half squared error for
# cross-entropy and the other way round (cross-entropy only where it is defined: outputs
# between 0 and 1 that the engine's cross-entropy knows, sigmoid and softmax)
_OTHER_LOSS = {"cross_entropy": losses.HALF_SSE, "half_sse": losses.CROSS_ENTROPY}
_LOSS_WORDS = {"cross_entropy": "the cross-entropy", "half_sse": "the half squared error"}


def _other_loss(s: Step, ctx: Context):
    """For one output's error or its dE/dout (made from target and out): (the other loss,
    the output's activation, target, out). None for any other step, or where the other loss
    does not apply (cross-entropy only for outputs it knows, between 0 and 1)."""
    if len(s.depends) != 2 or not s.depends[0].startswith("target_"):
        return None
    other = _OTHER_LOSS.get(ctx.ex.network.loss)
    target, out = s.depends
    act = ctx.activation_of(out)
    if other is None or (other is losses.CROSS_ENTROPY and act not in other.delta_is_out_minus_target):
        return None
    return other, act, target, out


def _other_loss_fields(s: Step, ctx: Context, other, used: str) -> dict:
    return {"q": s.id, "used": used.format(target=s.depends[0], out=s.depends[1], n=len(ctx.names[-1])),
            "formula": s.formula, "other": _LOSS_WORDS[other.name], "own": _LOSS_WORDS[ctx.ex.network.loss]}


def _error_of_other_loss(s, get, ctx):
    found = _other_loss(s, ctx)
    if found is not None:
        other, act, target, out = found
        net = "net_" + out.split("_", 1)[1]
        value = other.per_output(act, np.array([get(net)]), np.array([get(out)]), np.array([get(target)]))[0]
        yield value, _other_loss_fields(s, ctx, other, other.error_formula(act))


def _total_of_other_loss(s, get, ctx):
    """E_total with the other loss taken for every output (of every sample, in a batch)."""
    yield from _sum_of_parts(s, get, ctx, _error_of_other_loss)


def _d_out_of_other_loss(s, get, ctx):
    found = _other_loss(s, ctx)
    if found is not None:
        other, _act, target, out = found
        value = other.d_out(np.array([get(out)]), np.array([get(target)]), len(ctx.names[-1]))[0]
        yield value, _other_loss_fields(s, ctx, other, other.d_out_formula)


def _unmet(fn):
    """The other loss in a lesson of the half squared error (the post's), which never
    mentions cross-entropy: named only from an expression that shows it (Mistake.shown_only)."""
    def mistake(s, get, ctx):
        if ctx.ex.network.loss == "half_sse":
            yield from fn(s, get, ctx)
    return mistake


def _met(fn):
    def mistake(s, get, ctx):
        if ctx.ex.network.loss != "half_sse":
            yield from fn(s, get, ctx)
    return mistake


def _error_after_fresh(s, get, ctx):
    yield ctx.fresh_error, {}


M = Mistake
MISTAKES: dict[str, list[tuple[Mistake, Callable]]] = {
    "net": [
        (M("bias_left_out", "bias left out of a net input",
           "You left out the bias: {q} is the weighted sum of the inputs plus {b}*1."), _bias_left_out),
    ],
    "out": [
        (M("sigmoid_twice", "logistic function applied twice",
           "You squashed twice: {q} = 1/(1+e^-{net}), applied once to {net}, not to a value that is already an output."),
         _sigmoid_twice),
        (M("exponent_sign", "sign of the exponent",
           "Check the exponent's sign: the logistic function is 1/(1+e^(-{net})), with minus {net}."), _exponent_sign),
        *(_sigmoid_for(act) for act in activations.NAMES if act != "sigmoid"),
        (M("not_squashed", "net used as the output",
           "That is {net} itself: {q} is {net} passed through the neuron's activation function."), _not_squashed),
    ],
    "error": [
        (M("half_forgotten", "the 1/2 of the error forgotten",
           "You left out the 1/2: {q} = 1/2 (target - out)^2."), _half_forgotten),
        (M("other_loss", "another loss than the exercise's",
           "You used {used}, {other}; this exercise's loss is {own}: {q} = {formula}."), _met(_error_of_other_loss)),
        (M("other_loss", "another loss than the exercise's",
           "You used {used}, {other}; this exercise's loss is {own}: {q} = {formula}.", shown_only=True),
         _unmet(_error_of_other_loss)),
    ],
    "error_total": [
        (M("half_forgotten", "the 1/2 of the error forgotten",
           "Each output's error carries a 1/2: {q} = sum of 1/2 (target - out)^2."), _half_forgotten),
        (M("other_loss", "another loss than the exercise's",
           "You added up {other} of every output; this exercise's loss is {own}."), _met(_total_of_other_loss)),
        (M("other_loss", "another loss than the exercise's",
           "You added up {other} of every output; this exercise's loss is {own}.", shown_only=True),
         _unmet(_total_of_other_loss)),
        (M("mean_for_sum", "the mean over samples where the sum belongs",
           "You took the mean over the {n} samples; {q} of a batch adds their errors up."), _mean_for_sum),
    ],
    "dE_dout": [
        (M("sign", "sign of -(target - out)",
           "Mind the sign: {q} = -(target - out) = out - target; the minus comes from differentiating (target - out) "
           "with respect to out."), _sign_half_sse),
        (M("sign_of_loss", "sign of dE/dout", "Mind the sign: {rule}."), _sign_other_loss),
        (M("square_not_halved", "the 2 and the 1/2 not cancelled",
           "The 2 from the square and the 1/2 in front cancel: {q} is -(target - out), not -2(target - out)."),
         _square_not_halved),
        (M("other_loss", "another loss than the exercise's",
           "You used {used}, the slope of {other}; this exercise's loss is {own}: {q} = {formula}."),
         _met(_d_out_of_other_loss)),
        (M("other_loss", "another loss than the exercise's",
           "You used {used}, the slope of {other}; this exercise's loss is {own}: {q} = {formula}.",
           shown_only=True), _unmet(_d_out_of_other_loss)),
        (M("part_subtracted", "a part subtracted where the parts add up",
           "The parts add up, each with its own sign: {q} is their sum; you subtracted {part}."), _part_subtracted),
        (M("one_output_only", "only one output's contribution",
           "This hidden neuron feeds {all} neurons above it, so {q} sums the parts through each of them; "
           "you used only {part}."), _one_output_only),
        (M("one_neuron_only", "only one of the neurons above",
           "This hidden neuron feeds {all} neurons above it, so {q} sums the parts through each of them; "
           "you used only {part}.", redraws=False), _one_neuron_only),
        (M("updated_weights", "already-updated weights used on the way back",
           "You used weights that were already updated; every gradient is taken with the weights of the forward "
           "pass, and the new weights are put in only at the end."), _sum_with_updated_weights),
        (M("dE_dout_for_delta", "dE/dout used where the node delta belongs",
           "Each part is a node delta times a weight: use delta = dE/dout * dout/dnet, not dE/dout alone."),
         _sum_with_dE_dout),
    ],
    "dout_dnet": [
        (M("derivative_on_net", "derivative taken on net instead of out",
           "The derivative is written with the output: {formula}, using {out}, not {net}."), _derivative_on_net),
        (M("sigmoid_slope", "the logistic function's slope at another activation",
           "That is the logistic function's slope, out(1 - out); this layer's activation is {act}, whose slope "
           "is {q} = {formula}.", redraws=False), _slope_of_sigmoid),
    ],
    "dnet_dw": [
        (M("wrong_input", "wrong input for the weight",
           "dnet/d{w} is what {w} multiplies: {right}, the value coming from where {w} starts; you used {used}."),
         _other_input),
        (M("weight_itself", "the weight instead of its input",
           "dnet/d{w} is what {w} multiplies ({right}), not {w} itself."), _weight_itself),
    ],
    "dE_dw": [
        (M("sign", "sign of the gradient",
           "Mind the sign: {rule}."), _sign),
        (M("derivative_left_out", "the output's derivative left out",
           "You left out {dout}: the error reaches the weight through the neuron's activation, so multiply by it too."),
         _chain_without_dout),
        (M("wrong_input", "wrong input for the weight",
           "The last factor is what {w} multiplies: {right}; you used {used}."), _gradient_other_input),
        (M("updated_weights", "already-updated weights used on the way back",
           "You used output weights that were already updated; take every gradient with the weights of the "
           "forward pass and put the new weights in only at the end."), _gradient_from_updated_weights),
        (M("square_not_halved", "the 2 and the 1/2 not cancelled",
           "That is twice the gradient: the 2 from the square cancels the 1/2 of the error."), _square_not_halved),
        (M("mean_for_sum", "the mean over samples where the sum belongs",
           "You took the mean over the {n} samples; {q} is their sum: the error of a batch is the samples' "
           "errors added up, so its gradient adds theirs."), _mean_for_sum),
    ],
    "dE_db": [
        (M("one_delta_only", "one neuron's delta for a bias shared by a layer",
           "{b} feeds {all} neurons of its layer, so its gradient adds their deltas: {q} = {formula}; you used "
           "{used} alone.", redraws=False), _shared_bias_one_delta),
        (M("one_output_only", "only one output's contribution",
           "Each hidden neuron feeds {all} outputs, so its delta sums the parts through each of them; "
           "you used only the part through {output}."), _bias_one_output_only),
        (M("sign", "sign of the gradient", "Mind the sign: the gradient is out - target times the rest, "
           "not target - out."), _sign),
        (M("mean_for_sum", "the mean over samples where the sum belongs",
           "You took the mean over the {n} samples; {q} is their sum: the error of a batch is the samples' "
           "errors added up, so its gradient adds theirs."), _mean_for_sum),
    ],
    "delta": [
        (M("slope_not_cancelled", "the slope multiplied in where cross-entropy cancels it",
           "With cross-entropy the output's slope and the loss's derivative cancel, so {q} = {formula}; "
           "you multiplied by {slope} once more."), _slope_after_cancelled),
        (M("derivative_left_out", "the output's derivative left out of a delta",
           "A node delta is dE/dout times dout/dnet; you left out {dout}."), _chain_without_dout),
        (M("sign", "sign of the delta", "Mind the sign of {q}: {rule}."), _sign),
    ],
    "dnet_dout": [
        (M("updated_weights", "already-updated weights used on the way back",
           "Use {w} as it was in the forward pass, not {w}+: the new weights go in only after every gradient "
           "is computed."), _updated_connecting_weight),
        (M("wrong_weight", "the wrong connecting weight",
           "{q} is the weight on that one connection, {w}; you used {used}."), _other_connecting_weight),
    ],
    "dE_part_dout": [
        (M("dE_dout_for_delta", "dE/dout used where the node delta belongs",
           "Multiply the node delta {delta} (= dE/dout * dout/dnet) by the weight, not {dE} alone."),
         _part_with_dE_dout),
        (M("updated_weights", "already-updated weights used on the way back",
           "Use {w} as it was in the forward pass, not {w}+: the new weights go in only at the end."),
         _part_with_updated_weight),
        (M("wrong_weight", "the wrong connecting weight",
           "The weight here is the one on the connection itself, {w}; you used {used}."), _part_with_other_weight),
        (M("sign", "sign of a part of dE/dout", "Mind the sign: the part keeps the sign of the node delta."), _sign),
    ],
    "update": [
        (M("eta_forgotten", "the learning rate forgotten",
           "You forgot the learning rate: {p}+ = {p} - eta * {g}, with eta = {eta}."), _eta_forgotten),
        (M("gradient_added", "gradient added instead of subtracted",
           "The gradient points uphill; to go down, subtract it: {p}+ = {p} - eta * {g}."), _gradient_added),
        (M("updated_weights", "already-updated weights used on the way back",
           "This is what you get when the hidden gradient uses output weights that were already updated; "
           "use the forward pass's weights throughout."), _update_from_updated_weights),
    ],
    "error_after": [
        (M("updated_weights", "already-updated weights used on the way back",
           "That is the error after an update whose hidden gradients used the already-updated output weights "
           "(the figure the post prints); the update as stated uses the old weights throughout.", subtle=True),
         _error_after_fresh),
        (M("mean_for_sum", "the mean over samples where the sum belongs",
           "You took the mean over the {n} samples; {q} adds their errors up, as E_total did.", redraws=False),
         _error_after_mean),
    ],
}


def _before_update(s, get, ctx):
    """The pass after the update (out_h1+, E_total+) worked with values from before it: all of
    them (the quantity as it was: out_h1 for out_h1+), or one (w5 in place of w5+). They may
    differ from the right value by far less than the tolerance (net_h1+ by 0.01%), so an
    answer whose digits or expression give the value before is named, not passed."""
    if s.phase != "after":
        return
    new = [d for d in s.depends if d.endswith("+")]
    if not new:
        return
    yield get(s.id[:-1]), {"q": s.id, "what": f"That is {s.id[:-1]}, the value before the update",
                           "new": ", ".join(new)}
    if len(new) < 2:
        return
    params = [d for d in new if re.fullmatch(r"[wb]\d+\+", d)]   # w5+, b1+; the rest: out_h1+
    inputs = [d for d in new if d not in params]
    for group in [[d] for d in new] + [g for g in (params, inputs) if len(g) > 1 and len(g) < len(new)]:
        names = {identifier(x): get(x) for x in s.depends}
        names.update({identifier(d): get(d[:-1]) for d in group})
        try:
            value = parse(s.expression, names).value
        except AnswerError:  # too large to be anyone's answer
            continue
        yield value, {"q": s.id, "new": ", ".join(group),
                      "what": f"You used {', '.join(d[:-1] for d in group)}, from before the update"}


# one more mistake of the kinds the pass after the update is made of
_BEFORE_UPDATE = (M("before_update", "a value from before the update in the pass after it",
                    "{what}: {q} is worked with the new values ({new}).",
                    redraws=False), _before_update)
for _kind in ("net", "out", "error", "error_total", "error_after"):
    MISTAKES[_kind].append(_BEFORE_UPDATE)


def candidates(step: Step, get: Get, ctx: Context) -> Iterable[tuple[Mistake, float, dict]]:
    """Every (mistake, the value it gives, fields for its sentence) for this step."""
    for mistake, fn in MISTAKES.get(step.kind, []):
        try:
            for value, fields in fn(step, get, ctx):
                if value is not None and math.isfinite(value):
                    yield mistake, float(value), fields
        except (KeyError, ValueError, ZeroDivisionError, OverflowError):
            continue
