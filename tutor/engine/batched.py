"""Many networks of one shape, trained at once: for comparing learning rates or random
starts side by side, and for the error surface over a grid of two weights.

The networks lie along the *last* axis: theta has a row per parameter and a column per
network, so every operation is one contiguous vector operation over all networks (the
post's update for 10,000 networks costs ~30 ns per network). The loops left in Python
run over neurons and weights, never over networks. The rules are those of activations.py
and losses.py (their in-place forms); results equal Trainer's to rounding.
"""

from __future__ import annotations

import numpy as np

from .naming import bias_names, weight_names
from .network import Network


class Population:
    def __init__(self, net: Network, thetas, X, T, learning_rate=0.5, momentum=0.0,
                 mode: str = "online", update_biases: bool = False):
        self.net = net
        self.rules, self.loss = net.activation_rules, net.loss_rule  # ValueError for unknown names
        thetas = np.atleast_2d(np.asarray(thetas, dtype=np.float64))
        self.K = len(thetas)
        self.theta = np.ascontiguousarray(thetas.T)       # (P, K): a row per parameter
        self.vel = np.zeros_like(self.theta)
        self.X = np.atleast_2d(np.asarray(X, dtype=np.float64))
        self.T = np.atleast_2d(np.asarray(T, dtype=np.float64))
        self.eta = np.broadcast_to(np.asarray(learning_rate, dtype=np.float64), (self.K,)).copy()
        self.mu = np.broadcast_to(np.asarray(momentum, dtype=np.float64), (self.K,)).copy()
        self.mode, self.update_biases = mode, update_biases
        index = {name: i for i, name in enumerate(net.names)}
        wn, bn = weight_names(net.sizes), bias_names(net.sizes, net.bias)
        # rows of theta: w_rows[l][o][j]; b_rows[l][o] (the same row for a shared bias)
        self.w_rows = [[[index[w] for w in row] for row in layer] for layer in wn]
        self.b_rows = [[index[b[0 if len(b) == 1 else o]] for o in range(net.sizes[l + 1])] if b else None
                       for l, b in enumerate(bn)]
        L, K = net.n_layers, self.K
        self.nets = [np.empty((n, K)) for n in net.sizes[1:]]
        self.outs = [np.empty((n, K)) for n in net.sizes]
        self.deltas = [np.empty((n, K)) for n in net.sizes[1:]]
        self.grad = np.zeros_like(self.theta)
        self.tk = np.empty(K)
        self.tmp = [np.empty((n, K)) for n in net.sizes[1:]]
        self.L = L

    # --- forward -------------------------------------------------------------------------
    def _forward(self, x: np.ndarray) -> None:
        th, tk = self.theta, self.tk
        self.outs[0][:] = x[:, None]
        for l in range(self.L):
            prev, net = self.outs[l], self.nets[l]
            for o, row in enumerate(self.w_rows[l]):
                np.multiply(th[row[0]], prev[0], out=net[o])      # net = sum_j w_oj * out_j
                for j in range(1, len(row)):
                    np.multiply(th[row[j]], prev[j], out=tk)
                    net[o] += tk
                if self.b_rows[l] is not None:
                    net[o] += th[self.b_rows[l][o]]               # + b * 1
            self.rules[l].forward_into(net, self.outs[l + 1])

    def _sample_error(self, t: np.ndarray) -> np.ndarray:
        # the loss's own rule, with the layer along the last axis as it expects
        net, out = self.nets[-1].T, self.outs[-1].T
        return self.loss.per_output(self.rules[-1].name, net, out, t[None, :]).sum(axis=-1)

    def errors(self) -> np.ndarray:
        """Total error of every network over all samples, (K,)."""
        with np.errstate(over="ignore", invalid="ignore"):
            total = np.zeros(self.K)
            for x, t in zip(self.X, self.T):
                self._forward(x)
                total += self._sample_error(t)
        return total

    # --- backward and update ------------------------------------------------------------------
    def _backward(self, t: np.ndarray, accumulate: bool) -> None:
        net_, th, tk, g = self.net, self.theta, self.tk, self.grad
        L = self.L
        out, d, f = self.outs[-1], self.deltas[-1], self.rules[-1]
        if f.name in self.loss.delta_is_out_minus_target:
            np.subtract(out, t[:, None], out=d)
        else:  # delta_o = dE_total/dout_o * dout_o/dnet_o
            self.loss.d_out(out, t[:, None], out.shape[0], into=d)
            f.times_derivative(self.nets[-1], out, d, self.tmp[-1])
        for l in range(L - 1, -1, -1):
            d, prev = self.deltas[l], self.outs[l]
            if l:  # delta_h = (sum_o delta_o w_oh) * dout_h/dnet_h, with the weights before the update
                below = self.deltas[l - 1]
                for j in range(net_.sizes[l]):
                    np.multiply(th[self.w_rows[l][0][j]], d[0], out=below[j])
                    for o in range(1, len(self.w_rows[l])):
                        np.multiply(th[self.w_rows[l][o][j]], d[o], out=tk)
                        below[j] += tk
                self.rules[l - 1].times_derivative(self.nets[l - 1], prev, below, self.tmp[l - 1])
            for o, row in enumerate(self.w_rows[l]):
                for j, r in enumerate(row):
                    if accumulate:
                        np.multiply(d[o], prev[j], out=tk)            # dE/dw = delta_to * out_from
                        g[r] += tk
                    else:
                        np.multiply(d[o], prev[j], out=g[r])
            if self.b_rows[l] is not None:
                rows = self.b_rows[l]
                if not accumulate:
                    g[sorted(set(rows))] = 0.0
                for o, r in enumerate(rows):
                    g[r] += d[o]                                      # dE/db: the deltas it feeds

    def _apply(self) -> None:
        # v = mu v - eta g; p = p + v, per network (weights; biases only when they move)
        n = self.net.n_weights if not self.update_biases else self.theta.shape[0]
        v, g = self.vel[:n], self.grad[:n]
        v *= self.mu
        v -= self.eta * g
        self.theta[:n] += v

    def run(self, n: int, record_every: int = 0) -> np.ndarray:
        """n iterations; returns the errors (rows: recorded iterations incl. first and
        last, when record_every > 0; otherwise just the final errors), (R, K)."""
        rows = []
        with np.errstate(over="ignore", invalid="ignore"):
            for it in range(n):
                if record_every and it % record_every == 0:
                    rows.append(self.errors())
                if self.mode == "batch":
                    self.grad[:] = 0.0
                    for x, t in zip(self.X, self.T):
                        self._forward(x)
                        self._backward(t, accumulate=True)
                    self._apply()
                else:
                    for x, t in zip(self.X, self.T):
                        self._forward(x)
                        self._backward(t, accumulate=False)
                        self._apply()
        rows.append(self.errors())
        return np.array(rows)

    def thetas(self) -> np.ndarray:
        """(K, P): each network's parameters in the engine's order."""
        return self.theta.T.copy()


def error_surface(net: Network, X, T, a: str, b: str, values_a, values_b) -> np.ndarray:
    """Total error over a grid of two parameters, the others held at net's values:
    result[i, j] is the error with a = values_a[i] and b = values_b[j]."""
    va, vb = np.asarray(values_a, dtype=np.float64), np.asarray(values_b, dtype=np.float64)
    names = net.names
    thetas = np.repeat(net.theta[None, :], va.size * vb.size, axis=0)
    thetas[:, names.index(a)] = np.repeat(va, vb.size)
    thetas[:, names.index(b)] = np.tile(vb, va.size)
    return Population(net, thetas, X, T).errors().reshape(va.size, vb.size)
