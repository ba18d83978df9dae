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
it lists in `kernel.COMPILED`; a network using any other trains through NumPy instead.
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
    forward_into: Callable[[np.ndarray, np.ndarray], None] | None = None
    times_derivative_into: Callable[[np.ndarray, np.ndarray, np.ndarray, np.ndarray], None] | None = None

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

    def into(self, net: np.ndarray, out: np.ndarray) -> None:
        """out[...] = f(net), in place when this function has an in-place form."""
        if self.forward_into is not None:
            self.forward_into(net, out)
        else:
            out[...] = self.forward(net)

    def times_derivative(self, net: np.ndarray, out: np.ndarray, d: np.ndarray, tmp: np.ndarray) -> None:
        """d *= d out / d net, in place (tmp: scratch of d's shape)."""
        if self.times_derivative_into is not None:
            self.times_derivative_into(net, out, d, tmp)
        else:
            d *= self.derivative(net, out)


# --- sigmoid ---------------------------------------------------------------------------
def _sigmoid(net):
    # out_h1 = 1 / (1 + e^-net_h1), written so that neither branch can overflow:
    # for net < 0 it is e^net / (1 + e^net)
    net = np.asarray(net, dtype=np.float64)
    e = np.exp(-np.abs(net))
    r = 1.0 / (1.0 + e)
    return np.where(net >= 0, r, e * r)


def _sigmoid_derivative(net, out):
    # dout_h1/dnet_h1 = out_h1 (1 - out_h1)
    return out * (1.0 - out)


def _sigmoid_into(net, out):
    # 1 / (1 + e^-net); e^-net overflowing to inf gives exactly 0, as it should
    np.negative(net, out=out)
    np.exp(out, out=out)
    out += 1.0
    np.reciprocal(out, out=out)


def _sigmoid_times_derivative(net, out, d, tmp):
    # d * out (1 - out)
    np.subtract(1.0, out, out=tmp)
    tmp *= out
    d *= tmp


SIGMOID = Activation(name="sigmoid", code=0, forward=_sigmoid, formula="1/(1+exp(-{net}))",
                     derivative=_sigmoid_derivative, derivative_formula="{out}*(1-{out})",
                     forward_into=_sigmoid_into, times_derivative_into=_sigmoid_times_derivative)


# --- tanh ------------------------------------------------------------------------------
def _tanh_derivative(net, out):
    # dout/dnet = 1 - out^2
    return 1.0 - out * out


def _tanh_into(net, out):
    np.tanh(net, out=out)


def _tanh_times_derivative(net, out, d, tmp):
    # d * (1 - out^2)
    np.multiply(out, out, out=tmp)
    np.subtract(1.0, tmp, out=tmp)
    d *= tmp


TANH = Activation(name="tanh", code=1, forward=np.tanh, formula="tanh({net})",
                  derivative=_tanh_derivative, derivative_formula="1-{out}^2",
                  forward_into=_tanh_into, times_derivative_into=_tanh_times_derivative)


# --- relu ------------------------------------------------------------------------------
def _relu(net):
    # out = max(0, net)
    return np.maximum(net, 0.0)


def _relu_derivative(net, out):
    # dout/dnet = 1 where net > 0, else 0
    return (net > 0).astype(np.float64)


def _relu_into(net, out):
    np.maximum(net, 0.0, out=out)


def _relu_times_derivative(net, out, d, tmp):
    d *= net > 0


RELU = Activation(name="relu", code=2, forward=_relu, formula="max(0, {net})",
                  derivative=_relu_derivative, derivative_formula="(1 if {net} > 0 else 0)",
                  forward_into=_relu_into, times_derivative_into=_relu_times_derivative)


# --- identity --------------------------------------------------------------------------
def _identity(net):
    # out = net
    return np.array(net, dtype=np.float64)


def _identity_derivative(net, out):
    # dout/dnet = 1
    return np.ones_like(out)


def _identity_into(net, out):
    out[...] = net


def _identity_times_derivative(net, out, d, tmp):
    pass  # d * 1


IDENTITY = Activation(name="identity", code=3, forward=_identity, formula="{net}",
                      derivative=_identity_derivative, derivative_formula="1",
                      forward_into=_identity_into, times_derivative_into=_identity_times_derivative)


# --- softmax ---------------------------------------------------------------------------
def _softmax(net):
    # out_k = e^net_k / sum_j e^net_j, shifted by the largest net so exp cannot overflow
    z = net - np.max(net, axis=-1, keepdims=True)
    e = np.exp(z)
    return e / np.sum(e, axis=-1, keepdims=True)


def _softmax_into(net, out):
    # the same over axis 0, the layer, for every network
    np.subtract(net, net.max(axis=0), out=out)
    np.exp(out, out=out)
    out /= out.sum(axis=0)


# {sum_exp}: exp of every net of the layer, added
SOFTMAX = Activation(name="softmax", code=4, forward=_softmax, formula="exp({net})/({sum_exp})",
                     forward_into=_softmax_into)


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

