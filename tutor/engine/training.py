"""Gradient descent as the post does it, repeated: online or batch, with momentum.

One iteration is one pass over all samples: `online` makes one update per sample in
order, `batch` one update from the gradient of the summed error. Each update is
    v = momentum * v - learning_rate * dE/dp;   p = p + v
(with momentum 0 this is the post's p+ = p - eta * dE/dp). Biases move only when
update_biases is on; their gradient is computed either way.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from .backprop import forward, output_delta
from .network import Network

# Above this many (weights x samples) an update is matrix work and BLAS wins; below it
# the per-call overhead of NumPy dominates and the compiled loop wins.
KERNEL_LIMIT = 20_000
MODES = ("online", "batch")


@dataclass(frozen=True)
class Settings:
    learning_rate: float = 0.5
    mode: str = "online"
    momentum: float = 0.0
    update_biases: bool = False
    # A variant, not the post's rule: hidden deltas taken through the weights of the
    # layer above *after* their update. The post's printed E_total after one update
    # (0.291027924) and its outputs after 10,000 updates come from this.
    fresh_weights: bool = False

    def with_(self, **changes) -> "Settings":
        return replace(self, **changes)


def step_numpy(net: Network, vel: np.ndarray, X: np.ndarray, T: np.ndarray, s: Settings) -> None:
    """One update from the samples X, T (all at once), in place on net.theta and vel."""
    p = forward(net, X, None)  # the update needs no error value
    rules = net.activation_rules
    delta = output_delta(net, p.nets[-1], p.outs[-1], T)
    grad = np.zeros_like(net.theta)
    for l in range(net.n_layers - 1, -1, -1):
        w0, n_w = net.weight_offset(l), net.W(l).size
        grad[w0 : w0 + n_w] = (delta.T @ p.outs[l]).reshape(-1)  # delta_to * out_from
        b0, n_b = net.bias_offset(l), net.bias_count(l)
        if n_b:
            gb = delta.sum(axis=0)
            grad[b0 : b0 + n_b] = gb.sum(keepdims=True) if n_b == 1 else gb
        if s.fresh_weights:  # update this layer before the deltas below look at it
            _apply(net, vel, grad, l, s)
        if l:
            delta = (delta @ net.W(l)) * rules[l - 1].derivative(p.nets[l - 1], p.outs[l])
    if not s.fresh_weights:
        for l in range(net.n_layers):
            _apply(net, vel, grad, l, s)


def _apply(net: Network, vel: np.ndarray, grad: np.ndarray, l: int, s: Settings) -> None:
    spans = [(net.weight_offset(l), net.W(l).size)]
    if s.update_biases:
        spans.append((net.bias_offset(l), net.bias_count(l)))
    for start, n in spans:
        sl = slice(start, start + n)
        vel[sl] = s.momentum * vel[sl] - s.learning_rate * grad[sl]
        net.theta[sl] += vel[sl]


def record_points(start: int, n: int, most: int = 1000) -> np.ndarray:
    """Iterations (counted from the start of training) at which to record the error:
    the first and last and evenly spaced ones between, at most about `most`."""
    stride = max(1, -(-n // most))
    pts = list(range(start, start + n, stride)) + [start + n]
    return np.array(pts, dtype=np.int64)


@dataclass
class Run:
    """What a call to Trainer.run produced."""
    done: int                   # iterations actually done (fewer if training diverged)
    history: list[tuple[int, float]]
    diverged: bool
    thetas: np.ndarray | None = None  # parameters at each recorded iteration, when asked for


class Trainer:
    """A network in training: parameters, momentum velocity and iteration count persist
    between calls to run(), so training can go on in pieces."""

    def __init__(self, net: Network, X, T, settings: Settings, use_kernel: bool | None = None):
        if settings.mode not in MODES:
            raise ValueError(f"unknown mode {settings.mode!r}")
        self.net = net.copy()
        self.X = np.ascontiguousarray(np.atleast_2d(X), dtype=np.float64)
        self.T = np.ascontiguousarray(np.atleast_2d(T), dtype=np.float64)
        self.settings = settings
        self.vel = np.zeros_like(self.net.theta)
        self.iteration = 0
        self._use_kernel = use_kernel

    @property
    def use_kernel(self) -> bool:
        """Small enough for the compiled loop, numba there, and a compiled rule for each of
        the network's functions? Decided on first use, so a Trainer made only to measure an
        error never imports numba."""
        if self._use_kernel is None:
            small = self.net.n_weights * len(self.X) <= KERNEL_LIMIT
            self._use_kernel = small and _kernel() is not None and _kernel().compiles(self.net)
        return self._use_kernel

    def error(self) -> float:
        return forward(self.net, self.X, self.T).error

    def outputs(self) -> np.ndarray:
        return forward(self.net, self.X, None).outs[-1]

    def _records(self, n: int, record, with_params: bool) -> tuple[np.ndarray, np.ndarray]:
        if record is None:
            record = record_points(self.iteration, n)
        record = np.asarray(record, dtype=np.int64)
        return record, np.full((len(record) if with_params else 0, self.net.theta.size), np.nan)

    def run(self, n: int, record: np.ndarray | None = None, with_params: bool = False) -> Run:
        """Train n iterations. `record`: iterations (absolute) at which to record the error
        (and, with_params, the parameters)."""
        record, thetas = self._records(n, record, with_params)
        if self.use_kernel:
            done, errors = self._run_kernel(n, record - self.iteration, thetas)
        else:
            done, errors = self._run_numpy(n, record - self.iteration, thetas)
        start = self.iteration
        self.iteration += done
        kept = [k for k, it in enumerate(record) if it - start <= done]
        history = [(int(record[k]), float(errors[k])) for k in kept]
        diverged = done < n or not np.all(np.isfinite(self.net.theta))
        return Run(done, history, diverged, thetas[kept] if with_params else None)

    def kernel_arguments(self, n: int, record: np.ndarray | None = None, with_params: bool = False) -> tuple:
        """The arguments run(n, record, with_params) hands the compiled loop (kernel.train):
        numba compiles (and caches) the loop for their types."""
        record, thetas = self._records(n, record, with_params)
        return self._arguments(n, record - self.iteration, np.full(len(record), np.nan), thetas)

    def _arguments(self, n: int, record: np.ndarray, errors: np.ndarray, thetas: np.ndarray) -> tuple:
        net = self.net
        sizes = np.array(net.sizes, dtype=np.int64)
        w_off = np.array([net.weight_offset(l) for l in range(net.n_layers)], dtype=np.int64)
        b_off = np.array([net.bias_offset(l) for l in range(net.n_layers)], dtype=np.int64)
        b_cnt = np.array([net.bias_count(l) for l in range(net.n_layers)], dtype=np.int64)
        from . import kernel   # imported already by whoever asks (the loader does not load it here)
        act, loss = kernel.codes(net)
        s = self.settings
        return (net.theta, self.vel, sizes, w_off, b_off, b_cnt, act, loss,
                self.X, self.T, float(s.learning_rate), float(s.momentum),
                s.mode == "batch", bool(s.update_biases), bool(s.fresh_weights),
                int(n), record, errors, thetas)

    def _run_kernel(self, n: int, record: np.ndarray, thetas: np.ndarray):
        errors = np.full(len(record), np.nan)
        done = _kernel().train(*self._arguments(n, record, errors, thetas))
        return int(done), errors

    def _run_numpy(self, n: int, record: np.ndarray, thetas: np.ndarray):
        errors = np.full(len(record), np.nan)
        wanted = {int(it): i for i, it in enumerate(record)}
        for it in range(n + 1):
            if it in wanted:
                errors[wanted[it]] = self.error()
                if len(thetas):
                    thetas[wanted[it]] = self.net.theta
            if it == n:
                return n, errors
            if self.settings.mode == "batch":
                step_numpy(self.net, self.vel, self.X, self.T, self.settings)
            else:
                for x, t in zip(self.X, self.T):
                    step_numpy(self.net, self.vel, x[None], t[None], self.settings)
            if not np.all(np.isfinite(self.net.theta)):
                return it + 1, errors
        return n, errors


def _kernel():
    """The compiled module (waiting for it to be ready), or None where numba cannot be
    imported (NumPy then does it all). kernel_loader.py says how it is loaded and warmed."""
    from . import kernel_loader
    return kernel_loader.load()
