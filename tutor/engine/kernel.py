"""The training loop compiled with numba, for small networks.

A straightforward NumPy step spends its time in ~30 tiny array calls, not in arithmetic
(10,000 updates of the post's network take ~150 ms that way). Here the same loops are
written out over scalars and compiled once (cached on disk), which brings 10,000 updates
down to a few milliseconds (benchmarks/run.py). Large networks go through NumPy and BLAS
instead (training.py picks). The semantics are exactly those of training.step_numpy.

Layout: theta holds all weights (layer after layer, row-major over (to, from)), then all
biases; nets, outs and deltas are flat with one slot per neuron, layer l at n_off[l].

The functions' numbers are their `code` in activations.py and losses.py; numba freezes
them into the compiled (and disk-cached) code, which is why a code never changes. The
scalar form of each function is written here, under its name, because numba keys its disk
cache on this file alone: rules compiled from another file would not be recompiled when
that file changed, and functions handed in at run time (or closures over them) are not
cached at all (both tried). To compile a new activation or loss, add its branches to
_activate and _derivative (or to _sample_error and the output deltas in _backward) and its
code to COMPILED_*; until then Trainer trains networks using it through NumPy, and `codes`
refuses them.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

from . import activations, losses

SIGMOID, TANH, RELU, IDENTITY, SOFTMAX = (a.code for a in (
    activations.SIGMOID, activations.TANH, activations.RELU, activations.IDENTITY, activations.SOFTMAX))
HALF_SSE, MSE, CROSS_ENTROPY = (f.code for f in (losses.HALF_SSE, losses.MSE, losses.CROSS_ENTROPY))
COMPILED_ACTIVATIONS = (SIGMOID, TANH, RELU, IDENTITY, SOFTMAX)
COMPILED_LOSSES = (HALF_SSE, MSE, CROSS_ENTROPY)


def compiles(net) -> bool:
    """Has this loop a rule for every function of net?"""
    return (all(f.code in COMPILED_ACTIVATIONS for f in net.activation_rules)
            and net.loss_rule.code in COMPILED_LOSSES)


def codes(net) -> tuple[np.ndarray, int]:
    """The codes of net's activations (one per layer) and of its loss, for train()."""
    for f in net.activation_rules:
        if f.code not in COMPILED_ACTIVATIONS:
            raise ValueError(f"the compiled training loop has no rule for activation {f.name!r}")
    if net.loss_rule.code not in COMPILED_LOSSES:
        raise ValueError(f"the compiled training loop has no rule for loss {net.loss!r}")
    return np.array([f.code for f in net.activation_rules], dtype=np.int64), net.loss_rule.code


@njit(cache=True)
def _activate(a, x):
    if a == SIGMOID:  # 1 / (1 + e^-x), both branches overflow-free
        if x >= 0.0:
            return 1.0 / (1.0 + math.exp(-x))
        e = math.exp(x)
        return e / (1.0 + e)
    if a == TANH:
        return math.tanh(x)
    if a == RELU:
        return x if x > 0.0 else 0.0
    return x  # IDENTITY (train() has refused any code not in COMPILED_ACTIVATIONS)


@njit(cache=True)
def _derivative(a, net, out):
    if a == SIGMOID:
        return out * (1.0 - out)  # out (1 - out)
    if a == TANH:
        return 1.0 - out * out  # 1 - out^2
    if a == RELU:
        return 1.0 if net > 0.0 else 0.0
    return 1.0  # IDENTITY


@njit(cache=True)
def _log_sigmoid(x):
    # ln(1 / (1 + e^-x)) without overflow
    if x >= 0.0:
        return -math.log1p(math.exp(-x))
    return x - math.log1p(math.exp(x))


@njit(cache=True)
def _forward(theta, sizes, w_off, b_off, b_cnt, act, x, nets, outs, n_off):
    L = sizes.shape[0] - 1
    for j in range(sizes[0]):
        outs[j] = x[j]
    for l in range(L):
        n_in, n_out = sizes[l], sizes[l + 1]
        po, qo = n_off[l], n_off[l + 1]
        for k in range(n_out):
            s = 0.0
            row = w_off[l] + k * n_in
            for j in range(n_in):
                s += theta[row + j] * outs[po + j]  # net = sum w * out_prev
            if b_cnt[l] == 1:
                s += theta[b_off[l]]  # + b * 1
            elif b_cnt[l] > 1:
                s += theta[b_off[l] + k]
            nets[qo + k] = s
        if act[l] == SOFTMAX:  # shifted by the largest net
            m = nets[qo]
            for k in range(1, n_out):
                m = max(m, nets[qo + k])
            total = 0.0
            for k in range(n_out):
                outs[qo + k] = math.exp(nets[qo + k] - m)
                total += outs[qo + k]
            for k in range(n_out):
                outs[qo + k] /= total
        else:
            for k in range(n_out):
                outs[qo + k] = _activate(act[l], nets[qo + k])


@njit(cache=True)
def _sample_error(sizes, act, loss, nets, outs, n_off, t):
    L = sizes.shape[0] - 1
    qo, n = n_off[L], sizes[L]
    e = 0.0
    if loss == CROSS_ENTROPY and act[L - 1] == SOFTMAX:
        m = nets[qo]
        for k in range(1, n):
            m = max(m, nets[qo + k])
        s = 0.0
        for k in range(n):
            s += math.exp(nets[qo + k] - m)
        lse = m + math.log(s)
        for k in range(n):
            e -= t[k] * (nets[qo + k] - lse)  # -t ln o, ln o = net - logsumexp
        return e
    for k in range(n):
        o = outs[qo + k]
        if loss == HALF_SSE:
            e += 0.5 * (t[k] - o) ** 2
        elif loss == MSE:
            e += (t[k] - o) ** 2 / n
        else:  # CROSS_ENTROPY, binary, on a sigmoid output
            z = nets[qo + k]
            e -= t[k] * _log_sigmoid(z) + (1.0 - t[k]) * _log_sigmoid(-z)
    return e


@njit(cache=True)
def _apply(theta, vel, grad, start, stop, eta, mu):
    # classical momentum: v = mu v - eta g; p = p + v   (mu = 0: p = p - eta g)
    for i in range(start, stop):
        vel[i] = mu * vel[i] - eta * grad[i]
        theta[i] += vel[i]


@njit(cache=True)
def _backward(theta, vel, grad, sizes, w_off, b_off, b_cnt, act, loss, nets, outs, deltas,
              n_off, t, eta, mu, online, update_biases, fresh):
    """Deltas and gradient of one sample. online: apply each layer's update at once;
    otherwise add the gradient into grad. fresh: take hidden deltas through the
    already-updated weights above (a variant readers meet, not the post's rule)."""
    L = sizes.shape[0] - 1
    qo, n = n_off[L], sizes[L]
    for k in range(n):
        o = outs[qo + k]
        if loss == CROSS_ENTROPY:
            deltas[qo + k] = o - t[k]  # out - target: the ratios cancel
        elif loss == HALF_SSE:
            deltas[qo + k] = (o - t[k]) * _derivative(act[L - 1], nets[qo + k], o)
        else:  # MSE
            deltas[qo + k] = 2.0 * (o - t[k]) / n * _derivative(act[L - 1], nets[qo + k], o)
    for l in range(L - 1, -1, -1):
        n_in, n_out = sizes[l], sizes[l + 1]
        po, qo = n_off[l], n_off[l + 1]
        if l > 0 and not fresh:
            _delta_below(theta, sizes, w_off, act, nets, outs, deltas, n_off, l)
        w0 = w_off[l]
        if online:
            for k in range(n_out):
                for j in range(n_in):
                    grad[w0 + k * n_in + j] = deltas[qo + k] * outs[po + j]
        else:
            for k in range(n_out):
                for j in range(n_in):
                    grad[w0 + k * n_in + j] += deltas[qo + k] * outs[po + j]
        b0, nb = b_off[l], b_cnt[l]
        if nb > 0:
            if online:
                for i in range(nb):
                    grad[b0 + i] = 0.0
            for k in range(n_out):
                grad[b0 + (0 if nb == 1 else k)] += deltas[qo + k]
        if online:
            _apply(theta, vel, grad, w0, w0 + n_out * n_in, eta, mu)
            if update_biases and nb > 0:
                _apply(theta, vel, grad, b0, b0 + nb, eta, mu)
        if l > 0 and fresh:
            _delta_below(theta, sizes, w_off, act, nets, outs, deltas, n_off, l)


@njit(cache=True)
def _delta_below(theta, sizes, w_off, act, nets, outs, deltas, n_off, l):
    # delta_h = (sum_o delta_o * w_ho) * dout_h/dnet_h, for the neurons of layer l
    n_in, n_out = sizes[l], sizes[l + 1]
    po, qo = n_off[l], n_off[l + 1]
    for j in range(n_in):
        s = 0.0
        for k in range(n_out):
            s += deltas[qo + k] * theta[w_off[l] + k * n_in + j]
        deltas[po + j] = s * _derivative(act[l - 1], nets[po + j], outs[po + j])


@njit(cache=True, nogil=True)  # the worker trains on one core while the screen draws on the other
def train(theta, vel, sizes, w_off, b_off, b_cnt, act, loss, X, T, eta, mu, batch,
          update_biases, fresh, n_iter, record_at, errors, thetas):
    """Run n_iter iterations (passes over all samples) in place on theta and vel.
    errors[r] is the total error after record_at[r] iterations, and thetas[r] the
    parameters then (when thetas has rows). Returns the number of iterations done:
    fewer than n_iter when a parameter stopped being finite."""
    L = sizes.shape[0] - 1
    for l in range(L):
        if act[l] not in COMPILED_ACTIVATIONS:
            raise ValueError("the compiled training loop has no rule for this activation code")
    if loss not in COMPILED_LOSSES:
        raise ValueError("the compiled training loop has no rule for this loss code")
    n_off = np.zeros(L + 2, dtype=np.int64)
    for l in range(L + 1):
        n_off[l + 1] = n_off[l] + sizes[l]
    nets = np.zeros(n_off[L + 1])
    outs = np.zeros(n_off[L + 1])
    deltas = np.zeros(n_off[L + 1])
    grad = np.zeros(theta.shape[0])
    n_w = b_off[0]
    S = X.shape[0]
    r = 0
    for it in range(n_iter + 1):
        if r < record_at.shape[0] and record_at[r] == it:
            e = 0.0
            for s in range(S):
                _forward(theta, sizes, w_off, b_off, b_cnt, act, X[s], nets, outs, n_off)
                e += _sample_error(sizes, act, loss, nets, outs, n_off, T[s])
            errors[r] = e
            if thetas.shape[0] > r:
                thetas[r, :] = theta
            r += 1
        if it == n_iter:
            return n_iter
        if batch:
            grad[:] = 0.0
        for s in range(S):
            _forward(theta, sizes, w_off, b_off, b_cnt, act, X[s], nets, outs, n_off)
            _backward(theta, vel, grad, sizes, w_off, b_off, b_cnt, act, loss, nets, outs,
                      deltas, n_off, T[s], eta, mu, not batch, update_biases, fresh)
        if batch:
            _apply(theta, vel, grad, 0, n_w, eta, mu)
            if update_biases:
                _apply(theta, vel, grad, n_w, theta.shape[0], eta, mu)
        for i in range(theta.shape[0]):
            if not math.isfinite(theta[i]):
                return it + 1
    return n_iter
