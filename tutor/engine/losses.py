"""The losses, each defined once: the error of one sample per output neuron, its
derivative, the formulas a learner sees, and the compiled loop's code.

half_sse       E = sum_k 1/2 (t_k - o_k)^2            (the post)
mse            E = 1/n sum_k (t_k - o_k)^2            (mean over the n outputs)
cross_entropy  E = -sum_k t_k ln o_k                  with softmax outputs
               E = -sum_k [t_k ln o_k + (1-t_k) ln(1-o_k)]   with sigmoid outputs (binary)

Cross-entropy is computed from net, not out, so that o = 0 or 1 in floating point
cannot give ln 0; its node delta is out - target for both output functions.

As with activations, every path looks a name up here (`get`); adding a loss is one
`Loss(...)` below with the next unused code (and its scalar rule in kernel.py if the
compiled loop is to train it; otherwise networks using it train through NumPy).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import numpy as np


@dataclass(frozen=True)
class Loss:
    name: str
    code: int  # the compiled loop's number for it; never reused or changed (kernel.py)
    # E_ok for every output k from (output activation's name, net, out, target), with the
    # outputs along the last axis; E_total is their sum.
    per_output: Callable[[str, np.ndarray, np.ndarray, np.ndarray], np.ndarray]
    # dE_total/dout_k from (out, target, n outputs); `into`, when given, receives it in place
    d_out: Callable[..., np.ndarray]
    formula: str            # E_ok with {target}, {out} and {n}
    d_out_formula: str      # dE_total/dout_ok, the same names
    # when the output function is one of these, delta_o = out - target (the ratios cancel)
    delta_is_out_minus_target: tuple[str, ...] = ()
    formula_by_output: dict[str, str] = field(default_factory=dict)  # E_ok for that output

    def error_formula(self, output_activation: str) -> str:
        return self.formula_by_output.get(output_activation, self.formula)


# Each loss below: E_o1 as the post writes it, the NumPy line under it; then its
# derivative dE_total/dout_o1 the same way.

HALF_SSE = Loss(
    name="half_sse", code=0,
    # E_o1 = 1/2 (target_o1 - out_o1)^2                                   (the post)
    per_output=lambda activation, net, out, target: 0.5 * (target - out) ** 2,
    formula="1/2*({target} - {out})^2",
    # dE_total/dout_o1 = -(target_o1 - out_o1), which is out_o1 - target_o1 exactly
    d_out=lambda out, target, n, into=None: np.subtract(out, target, out=into),
    d_out_formula="-({target} - {out})",
)


def _mse_d_out(out, target, n, into=None):
    # dE_total/dout_o1 = -2/n (target_o1 - out_o1), as 2 (out_o1 - target_o1) / n
    d = np.subtract(out, target, out=into)
    d *= 2.0
    d /= n
    return d


MSE = Loss(
    name="mse", code=1,
    # E_o1 = 1/n (target_o1 - out_o1)^2, n outputs
    per_output=lambda activation, net, out, target: (target - out) ** 2 / out.shape[-1],
    formula="1/{n}*({target} - {out})^2",
    d_out=_mse_d_out, d_out_formula="-2/{n}*({target} - {out})",
)


def _log_sigmoid(x):
    # ln(1 / (1 + e^-x)) = -ln(1 + e^-x), stable for both signs
    return -np.logaddexp(0.0, -x)


def _cross_entropy(activation, net, out, target):
    if activation == "softmax":
        # E_o1 = -target_o1 ln out_o1, with ln out_o1 = net_o1 - ln sum_j e^net_j
        z = net - np.max(net, axis=-1, keepdims=True)
        log_out = z - np.log(np.sum(np.exp(z), axis=-1, keepdims=True))
        return -target * log_out
    # binary: E_o1 = -(t ln o + (1-t) ln(1-o)), ln o = log_sigmoid(net), ln(1-o) = log_sigmoid(-net)
    return -(target * _log_sigmoid(net) + (1.0 - target) * _log_sigmoid(-net))


CROSS_ENTROPY = Loss(
    name="cross_entropy", code=2,
    per_output=_cross_entropy,
    formula="-({target}*ln({out}) + (1-{target})*ln(1-{out}))",
    formula_by_output={"softmax": "-{target}*ln({out})"},
    # dE_total/dout_o1 = -(t / o - (1-t) / (1-o)); shown in the steps of a sigmoid output,
    # though the node delta is taken as out - target, where the ratios cancel
    d_out=lambda out, target, n, into=None: np.negative(target / out - (1.0 - target) / (1.0 - out), out=into),
    d_out_formula="-({target}/{out} - (1-{target})/(1-{out}))",
    delta_is_out_minus_target=("sigmoid", "softmax"),
)


# --- the registry ----------------------------------------------------------------------
REGISTRY: dict[str, Loss] = {f.name: f for f in (HALF_SSE, MSE, CROSS_ENTROPY)}
NAMES = REGISTRY.keys()


def get(name: str) -> Loss:
    """The loss called `name`; ValueError in one sentence when there is none."""
    try:
        return REGISTRY[name]
    except (KeyError, TypeError):
        raise ValueError(f"unknown loss {name!r} (known: {', '.join(REGISTRY)})") from None
