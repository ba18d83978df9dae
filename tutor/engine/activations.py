"""The activation functions, each defined once: its forward rule, its derivative, the formula
a learner sees, and what the batched engine and the compiled loop need.

The post differentiates the logistic function through its output,
d out / d net = out (1 - out); tanh does the same (1 - out^2); relu needs net.
softmax couples the outputs of a layer, so it has no element-wise derivative: it is only
allowed on the output layer with cross-entropy, where the node delta is out - target.

Every path looks a name up here (`get`), so a name this registry does not know is an
error everywhere. Adding an activation is one `Activation(...)` below, given the next
unused `code`: backprop, training through NumPy, the batched engine and the worked steps
then all use it. The compiled loop (kernel.py) has scalar rules only for the functions
it lists in `kernel.COMPILED_ACTIVATIONS`; a network using any other trains through NumPy.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np


@dataclass(frozen=True)
class Activation:
    name: str
    # The compiled loop's number for this function. A code is never reused or changed:
    # the loop's disk cache remembers it (see kernel.py).
    code: int
    forward: Callable[[np.ndarray], np.ndarray]           # out = f(net), last axis: the layer
    formula: str              # out in the post's notation; {net} is the neuron's net
    # d out / d net from (net, out), element-wise; None when the function couples the
    # layer (softmax), and the loss then gives the node delta directly.
    derivative: Callable[[np.ndarray, np.ndarray], np.ndarray] | None = None
    derivative_formula: str = ""  # with {out} or {net}: steps.py names the one it uses
    # The batched engine's in-place forms over (neurons, networks) arrays. Without them it
    # falls back on forward and derivative (correct, but allocating at every call).
    forward_in_place: Callable[[np.ndarray, np.ndarray], None] | None = None
    times_derivative_in_place: Callable[[np.ndarray, np.ndarray, np.ndarray, np.ndarray], None] | None = None

    @property
    def elementwise(self) -> bool:
        return self.derivative is not None

    @property
    def derivative_of(self) -> str | None:
        """Which quantity the derivative's formula is written in: "out", "net" or None."""
        for symbol in ("out", "net"):
            if "{" + symbol + "}" in self.derivative_formula:
                return symbol
        return None

    def forward_into(self, net: np.ndarray, out: np.ndarray) -> None:
        """out[...] = f(net), in place when this function has an in-place form."""
        if self.forward_in_place is not None:
            self.forward_in_place(net, out)
        else:
            out[...] = self.forward(net)

    def times_derivative(self, net: np.ndarray, out: np.ndarray, d: np.ndarray, tmp: np.ndarray) -> None:
        """d *= d out / d net, in place (tmp: scratch of d's shape)."""
        if self.times_derivative_in_place is not None:
            self.times_derivative_in_place(net, out, d, tmp)
        else:
            d *= self.derivative(net, out)


# Each function below: the post's formula in a comment, the NumPy line under it; its
# derivative right after; then the batched engine's in-place forms of the same two rules.

def _sigmoid(net):
    # out_h1 = 1 / (1 + e^-net_h1), written so that neither branch can overflow:
    # for net < 0 it is e^net / (1 + e^net)
    net = np.asarray(net, dtype=np.float64)
    e = np.exp(-np.abs(net))
    r = 1.0 / (1.0 + e)
    return np.where(net >= 0, r, e * r)


def _sigmoid_in_place(net, out):
    # 1 / (1 + e^-net); e^-net overflowing to inf gives exactly 0, as it should
    np.negative(net, out=out)
    np.exp(out, out=out)
    out += 1.0
    np.reciprocal(out, out=out)


def _sigmoid_times_derivative(net, out, d, tmp):
    np.subtract(1.0, out, out=tmp)
    tmp *= out
    d *= tmp


SIGMOID = Activation(
    name="sigmoid", code=0,
    forward=_sigmoid, formula="1/(1+exp(-{net}))",
    # dout_h1/dnet_h1 = out_h1 (1 - out_h1)
    derivative=lambda net, out: out * (1.0 - out), derivative_formula="{out}*(1-{out})",
    forward_in_place=_sigmoid_in_place, times_derivative_in_place=_sigmoid_times_derivative,
)


def _tanh_times_derivative(net, out, d, tmp):
    np.multiply(out, out, out=tmp)
    np.subtract(1.0, tmp, out=tmp)
    d *= tmp


TANH = Activation(
    name="tanh", code=1,
    # out = tanh(net)
    forward=np.tanh, formula="tanh({net})",
    # dout/dnet = 1 - out^2
    derivative=lambda net, out: 1.0 - out * out, derivative_formula="1-{out}^2",
    forward_in_place=lambda net, out: np.tanh(net, out=out),
    times_derivative_in_place=_tanh_times_derivative,
)


def _relu_times_derivative(net, out, d, tmp):
    d *= net > 0


RELU = Activation(
    name="relu", code=2,
    # out = max(0, net)
    forward=lambda net: np.maximum(net, 0.0), formula="max(0, {net})",
    # dout/dnet = 1 where net > 0, else 0 (net, not out, decides)
    derivative=lambda net, out: (net > 0).astype(np.float64), derivative_formula="(1 if {net} > 0 else 0)",
    forward_in_place=lambda net, out: np.maximum(net, 0.0, out=out),
    times_derivative_in_place=_relu_times_derivative,
)


def _identity_in_place(net, out):
    out[...] = net


IDENTITY = Activation(
    name="identity", code=3,
    # out = net
    forward=lambda net: np.array(net, dtype=np.float64), formula="{net}",
    # dout/dnet = 1
    derivative=lambda net, out: np.ones_like(out), derivative_formula="1",
    forward_in_place=_identity_in_place,
    times_derivative_in_place=lambda net, out, d, tmp: None,  # d * 1
)


def _softmax(net):
    # out_o1 = e^net_o1 / sum_j e^net_j, shifted by the largest net so exp cannot overflow
    z = net - np.max(net, axis=-1, keepdims=True)
    e = np.exp(z)
    return e / np.sum(e, axis=-1, keepdims=True)


def _softmax_in_place(net, out):
    # the same along axis 0, the layer, for every network
    np.subtract(net, net.max(axis=0), out=out)
    np.exp(out, out=out)
    out /= out.sum(axis=0)


SOFTMAX = Activation(
    name="softmax", code=4,
    # {sum_exp}: exp of every net of the layer, added. No element-wise derivative: with
    # cross-entropy the loss gives the node delta, out - target (losses.py).
    forward=_softmax, formula="exp({net})/({sum_exp})",
    forward_in_place=_softmax_in_place,
)


# --- the registry ----------------------------------------------------------------------
REGISTRY: dict[str, Activation] = {a.name: a for a in (SIGMOID, TANH, RELU, IDENTITY, SOFTMAX)}
NAMES = REGISTRY.keys()  # a live view: what is registered is what every path accepts


def get(name: str) -> Activation:
    """The activation called `name`; ValueError in one sentence when there is none."""
    try:
        return REGISTRY[name]
    except (KeyError, TypeError):
        raise ValueError(f"unknown activation {name!r} (known: {', '.join(REGISTRY)})") from None


def register(activation: Activation) -> Activation:
    """Add an activation (its name and code must be new); returns it."""
    if activation.name in REGISTRY:
        raise ValueError(f"an activation called {activation.name!r} is already registered")
    if any(a.code == activation.code for a in REGISTRY.values()):
        raise ValueError(f"activation code {activation.code} is already taken")
    REGISTRY[activation.name] = activation
    return activation

