"""The forward and backward pass of the post, for a batch of samples at once.

Rows are samples, columns neurons. For each layer:
    net = out_prev @ W.T + b            net_h1 = w1*i1 + w2*i2 + b1*1
    out = f(net)                         out_h1 = 1 / (1 + e^-net_h1)
Backwards, the node delta of a neuron is dE/dnet:
    output layer  delta_o = dE/dout_o * dout_o/dnet_o   (out - target for cross-entropy)
    hidden layer  delta_h = (sum_o delta_o * w_ho) * dout_h/dnet_h
and dE/dw = delta_to * out_from, dE/db = delta (summed over the neurons a shared bias feeds).
The gradient of several samples is the sum of theirs (the error is their summed loss).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .network import Network


@dataclass
class Pass:
    """Everything one forward and backward pass computed (rows: samples)."""
    nets: list[np.ndarray]      # per layer after the input
    outs: list[np.ndarray]      # outs[0] is the input itself
    errors: np.ndarray | None   # E_ok per sample and output (None when no targets given)
    deltas: list[np.ndarray] | None = None
    grad: np.ndarray | None = None  # dE_total/dtheta, summed over the samples

    @property
    def error(self) -> float:
        return float(self.errors.sum())


def forward(net: Network, X: np.ndarray, T: np.ndarray | None) -> Pass:
    """Nets and outs of every layer; with targets T also the error of every output."""
    X = np.atleast_2d(np.asarray(X, dtype=np.float64))
    outs, nets = [X], []
    for l, f in enumerate(net.activation_rules):
        z = outs[-1] @ net.W(l).T + net.b(l)
        nets.append(z)
        outs.append(f.forward(z))
    if T is None:
        return Pass(nets, outs, None)
    T = np.atleast_2d(np.asarray(T, dtype=np.float64))
    errors = net.loss_rule.per_output(net.activations[-1], nets[-1], outs[-1], T)
    return Pass(nets, outs, errors)


def output_delta(net: Network, z: np.ndarray, out: np.ndarray, T: np.ndarray) -> np.ndarray:
    """delta_o = dE_total/dout_o * dout_o/dnet_o, or out - target where the ratios cancel
    (cross-entropy on sigmoid or softmax outputs)."""
    loss, f = net.loss_rule, net.activation_rules[-1]
    if f.name in loss.delta_is_out_minus_target:
        return out - T
    return loss.d_out(out, T, out.shape[-1]) * f.derivative(z, out)


def backward(net: Network, p: Pass, T: np.ndarray) -> Pass:
    """Fill in the node deltas and the gradient of the summed error."""
    T = np.atleast_2d(np.asarray(T, dtype=np.float64))
    L = net.n_layers
    deltas: list[np.ndarray] = [None] * L  # type: ignore[list-item]
    deltas[L - 1] = output_delta(net, p.nets[-1], p.outs[-1], T)
    grad = np.zeros_like(net.theta)
    for l in range(L - 1, -1, -1):
        d = deltas[l]
        gw = d.T @ p.outs[l]  # dE/dw_(to,from) = sum over samples delta_to * out_from
        start = net.weight_offset(l)
        grad[start : start + gw.size] = gw.reshape(-1)
        n_b = net.bias_count(l)
        if n_b:
            gb = d.sum(axis=0)
            start = net.bias_offset(l)
            grad[start : start + n_b] = gb.sum(keepdims=True) if n_b == 1 else gb
        if l:
            back = d @ net.W(l)  # sum_o delta_o * w_ho
            deltas[l - 1] = back * net.activation_rules[l - 1].derivative(p.nets[l - 1], p.outs[l])
    p.deltas, p.grad = deltas, grad
    return p


def gradient(net: Network, X: np.ndarray, T: np.ndarray) -> np.ndarray:
    """dE_total/dtheta over the given samples."""
    return backward(net, forward(net, X, T), T).grad


def total_error(net: Network, X: np.ndarray, T: np.ndarray) -> float:
    return forward(net, X, T).error
