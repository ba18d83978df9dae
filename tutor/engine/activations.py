"""Activation functions, each with its derivative written in terms of what the post uses.

The post differentiates the logistic function through its output:
d out / d net = out (1 - out). tanh does the same (1 - out^2); relu needs net.
softmax couples the outputs of a layer, so it has no element-wise derivative here: it
is only allowed on the output layer with cross-entropy, where delta = out - target.
"""

from __future__ import annotations

import numpy as np

NAMES = ("sigmoid", "tanh", "relu", "identity", "softmax")


def sigmoid(net: np.ndarray) -> np.ndarray:
    # 1 / (1 + e^-net), written so that neither branch can overflow:
    # for net < 0 use e^net / (1 + e^net).
    net = np.asarray(net, dtype=np.float64)
    e = np.exp(-np.abs(net))
    r = 1.0 / (1.0 + e)
    return np.where(net >= 0, r, e * r)


def softmax(net: np.ndarray) -> np.ndarray:
    # e^net_k / sum_j e^net_j, shifted by the largest net so exp cannot overflow
    z = net - np.max(net, axis=-1, keepdims=True)
    e = np.exp(z)
    return e / np.sum(e, axis=-1, keepdims=True)


def activate(name: str, net: np.ndarray) -> np.ndarray:
    """out = f(net) for a whole layer (last axis: neurons)."""
    if name == "sigmoid":
        return sigmoid(net)
    if name == "tanh":
        return np.tanh(net)
    if name == "relu":
        return np.maximum(net, 0.0)
    if name == "identity":
        return np.array(net, dtype=np.float64)
    if name == "softmax":
        return softmax(net)
    raise ValueError(f"unknown activation {name!r}")


def derivative(name: str, net: np.ndarray, out: np.ndarray) -> np.ndarray:
    """d out / d net, element-wise (not defined for softmax)."""
    if name == "sigmoid":
        return out * (1.0 - out)  # out (1 - out)
    if name == "tanh":
        return 1.0 - out * out  # 1 - out^2
    if name == "relu":
        return (net > 0).astype(np.float64)  # 1 where net > 0, else 0
    if name == "identity":
        return np.ones_like(out)
    raise ValueError(f"{name} has no element-wise derivative")
