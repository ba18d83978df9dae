"""Losses: the error of one sample, per output neuron, and its derivative.

half_sse       E = sum_k 1/2 (t_k - o_k)^2            (the post)
mse            E = 1/n sum_k (t_k - o_k)^2            (mean over the n outputs)
cross_entropy  E = -sum_k t_k ln o_k                  with softmax outputs
               E = -sum_k [t_k ln o_k + (1-t_k) ln(1-o_k)]   with sigmoid outputs (binary)

Cross-entropy is computed from net, not out, so that o = 0 or 1 in floating point
cannot give ln 0; its node delta is out - target for both output functions.
"""

from __future__ import annotations

import numpy as np

NAMES = ("half_sse", "mse", "cross_entropy")


def _log_sigmoid(x: np.ndarray) -> np.ndarray:
    # ln(1 / (1 + e^-x)) = -ln(1 + e^-x), stable for both signs
    return -np.logaddexp(0.0, -x)


def per_output(loss: str, activation: str, net: np.ndarray, out: np.ndarray, target: np.ndarray) -> np.ndarray:
    """E_ok for every output k (same shape as out); E_total is their sum."""
    if loss == "half_sse":
        return 0.5 * (target - out) ** 2
    if loss == "mse":
        return (target - out) ** 2 / out.shape[-1]
    if loss == "cross_entropy":
        if activation == "softmax":
            z = net - np.max(net, axis=-1, keepdims=True)
            log_out = z - np.log(np.sum(np.exp(z), axis=-1, keepdims=True))
            return -target * log_out
        # binary form: ln o = log_sigmoid(net), ln(1-o) = log_sigmoid(-net)
        return -(target * _log_sigmoid(net) + (1.0 - target) * _log_sigmoid(-net))
    raise ValueError(f"unknown loss {loss!r}")


def d_out(loss: str, out: np.ndarray, target: np.ndarray) -> np.ndarray:
    """dE_total / d out_k for the element-wise losses."""
    if loss == "half_sse":
        return -(target - out)  # -(target - out), the post's sign
    if loss == "mse":
        return -2.0 * (target - out) / out.shape[-1]
    if loss == "cross_entropy":
        return -(target / out - (1.0 - target) / (1.0 - out))
    raise ValueError(f"unknown loss {loss!r}")
