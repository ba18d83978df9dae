"""Live training, without a screen: the network trained in pieces, its history, what to
say when it stalls or blows up, comparisons and the error surface.

The screen runs `advance()` in a worker thread and reads `snapshot()` on a timer; every
number it shows comes from here.
"""

from __future__ import annotations

import math
import threading
import time
from dataclasses import dataclass, field

import numpy as np

from ..engine.backprop import forward
from ..engine.batched import Population, error_surface
from ..engine.naming import neuron_names
from ..engine.network import Network
from ..engine.steps import Solution, solve
from ..engine.training import Trainer
from .exercise import Exercise
from .reference import Comparison
from .worked import build

MAX_POINTS = 2000          # history points kept for the plot (halved by thinning when full)
STUCK_AFTER = 2000         # iterations before a run can be called stuck
STUCK_DROP = 0.01          # less than 1% fall over the last third of the run ...
STUCK_FLOOR = 0.05         # ... while still above 5% of the starting error
SPEEDS = (1, 10, 100, 1000, 10_000)   # iterations per frame; the last is "full speed"


@dataclass
class Snapshot:
    """What the screen draws, copied out under the lock."""
    iteration: int
    target: int
    error: float
    history: list[tuple[int, float]]
    outputs: np.ndarray          # (samples, outputs)
    parameters: list[tuple[str, float, float, float, bool]]  # name, now, start, change, big mover
    status: str                  # running | paused | done | diverged | stuck
    message: str
    rate: float                  # iterations per second, recently
    learning_rate: float
    momentum: float
    update_biases: bool
    speed: int


@dataclass
class CompareResult:
    labels: list[str]
    histories: list[list[tuple[int, float]]]
    finals: list[float]


@dataclass
class Surface:
    a: str
    b: str
    values_a: np.ndarray
    values_b: np.ndarray
    errors: np.ndarray            # (len(values_a), len(values_b))
    path: list[tuple[float, float]] = field(default_factory=list)


class TrainingSession:
    def __init__(self, ex: Exercise):
        self.ex = ex
        self.lock = threading.Lock()      # guards what snapshot() reads
        self.run_lock = threading.RLock() # one piece of training, restart or single update at a time
        self.seed = ex.seed
        self.speed_index = len(SPEEDS) - 1
        self._final: list[Comparison] | None = None
        self._reset(ex.network, ex.settings)

    def _reset(self, start: Network, settings) -> None:
        with self.run_lock, self.lock:
            self.start = start.copy()
            self.trainer = Trainer(self.start, self.ex.X, self.ex.T, settings)
            self.history: list[tuple[int, float]] = [(0, self.trainer.error())]
            self.path: list[tuple[int, np.ndarray]] = [(0, self.start.theta.copy())]
            self.status, self.message = "paused", "Paused. Press Space to train."
            self.marks: list[tuple[float, int]] = []   # (clock, iteration) of recent slices
            self.rate = 0.0
            self.last_update: Solution | None = None

    # --- running ---------------------------------------------------------------------------
    @property
    def iteration(self) -> int:
        return self.trainer.iteration

    @property
    def target(self) -> int:
        return self.ex.iterations

    @property
    def speed(self) -> int:
        return SPEEDS[self.speed_index]

    def advance(self, n: int | None = None) -> None:
        """Train up to `n` iterations (default: one frame's worth at the current speed),
        never past the exercise's count; record, and judge the run."""
        with self.run_lock:
            self._advance(self.speed if n is None else n)

    def _advance(self, n: int) -> None:
        n = min(n, self.target - self.iteration)
        if n <= 0:
            with self.lock:
                self._finish()
            return
        # one call to the engine per slice (it trains without the GIL, so the screen keeps
        # drawing); the path through weight space gets a point at each of ~20 records
        start, good, good_vel = self.iteration, self.trainer.net.theta.copy(), self.trainer.vel.copy()
        stride = max(1, n // 20)
        record = np.append(np.arange(start + stride, start + n, stride, dtype=np.int64), start + n)
        run = self.trainer.run(n, record=record, with_params=True)
        done = run.done
        # the engine stops at the first parameter that is not finite, so the records it
        # returns are the good ones; an error can still overflow on its own
        keep = [k for k, (_, e) in enumerate(run.history) if math.isfinite(e)]
        points = [run.history[k] for k in keep]
        thetas = [(run.history[k][0], run.thetas[k].copy()) for k in keep]
        diverged = run.diverged or len(keep) < len(run.history)
        with self.lock:
            # iterations per second as the learner sees them: over the last two seconds of
            # the clock, pauses between slices (slow speeds) included
            now = time.perf_counter()
            self.marks = [(t, i) for t, i in self.marks if now - t < 2.0] + [(now, start + done)]
            t_old, i_old = self.marks[0]
            self.rate = (start + done - i_old) / (now - t_old) if now > t_old else 0.0
            if diverged:
                # keep the last good state on screen: the last record, or the slice's start
                # (its velocity was not recorded, so momentum starts again from rest there)
                blew_up_at = self.trainer.iteration
                if thetas:
                    self.trainer.net.theta[:] = thetas[-1][1]
                    self.trainer.vel[:] = 0.0
                    self.trainer.iteration = thetas[-1][0]
                else:
                    self.trainer.net.theta[:] = good
                    self.trainer.vel[:] = good_vel
                    self.trainer.iteration = start
                self.history.extend(points)
                self.path.extend(thetas)
                self.status = "diverged"
                self.message = (f"Training blew up by iteration {blew_up_at:,}: the numbers overflowed. The "
                                "learning rate is too large for this net; lower it (-) and restart (r). The last "
                                f"good state, iteration {self.trainer.iteration:,}, is shown.")
                return
            self.history.extend(points)
            if len(self.history) > MAX_POINTS:
                self.history = self.history[:1] + self.history[1:-1:2] + self.history[-1:]
            self.path.extend(thetas)
            if len(self.path) > MAX_POINTS:
                self.path = self.path[::2] + self.path[-1:]
            if self.iteration >= self.target:
                self._finish()
            elif self._stuck():
                self.status = "stuck"
                self.message = self._stuck_message()

    def _finish(self) -> None:
        # a run that ends on a plateau is still stuck, however fast it got there
        if self._stuck():
            self.status, self.message = "stuck", f"Finished {self.iteration:,} iterations. " + self._stuck_message()
            return
        self.status = "done"
        self.message = f"Done: {self.iteration:,} iterations, E_total = {self.history[-1][1]:.6g}."

    def _stuck(self) -> bool:
        it, e_now = self.history[-1]
        if it < STUCK_AFTER:
            return False
        e0 = self.history[0][1]
        back = [e for i, e in self.history if i <= it - it // 3]
        if not back or e_now < STUCK_FLOOR * e0:
            return False
        return (back[-1] - e_now) < STUCK_DROP * back[-1]

    def _stuck_message(self) -> str:
        tips = ["a new random start (n)"] if self.ex.random_start else []
        tips += ["a larger learning rate (+)", "momentum (m)"]
        if len(self.ex.network.sizes) > 2 and min(self.ex.network.sizes[1:-1]) < 2:
            tips.append("more hidden neurons (in the exercise file)")
        return (f"Stuck: the error has hardly fallen over the last {self.iteration // 3:,} iterations and is still "
                f"{self.history[-1][1]:.3g}. The net may sit on a plateau or in a poor local minimum; try "
                + ", ".join(tips) + ".")

    # --- controls ------------------------------------------------------------------------------
    def play(self) -> None:
        with self.lock:
            if self.status in ("paused", "stuck") and self.iteration < self.target:
                self.status, self.message = "running", "Training..."

    def pause(self) -> None:
        with self.lock:
            if self.status == "running":
                self.status, self.message = "paused", "Paused."

    def single_update(self) -> Solution | None:
        """One update, worked out step by step as in the lesson, then applied."""
        if self.status in ("diverged", "done"):
            return None
        self.pause()
        with self.run_lock:
            sol = solve(self.trainer.net, self.ex.X, self.ex.T, self.trainer.settings)
            self._advance(1)
        with self.lock:
            self.last_update = sol
            if self.status != "diverged":
                self.status = "paused" if self.iteration < self.target else "done"
                self.message = (f"One update: iteration {self.iteration:,}, E_total {sol.error:.9g} -> "
                                f"{self.history[-1][1]:.9g}.")
        return sol

    def faster(self) -> None:
        self.speed_index = min(self.speed_index + 1, len(SPEEDS) - 1)

    def slower(self) -> None:
        self.speed_index = max(self.speed_index - 1, 0)

    def restart(self) -> None:
        self._reset(self.start, self.trainer.settings)

    def new_start(self) -> bool:
        """A new random start (only for exercises without given weights)."""
        if not self.ex.random_start:
            return False
        self.seed += 1
        net = self.ex.network
        self._reset(Network.random(net.sizes, net.activations, net.loss, net.bias, self.seed), self.trainer.settings)
        self.message = f"New random start (seed {self.seed}). Paused. Press Space to train."
        return True

    def set_learning_rate(self, value: float) -> None:
        with self.lock:
            self.trainer.settings = self.trainer.settings.with_(learning_rate=value)
            if self.status == "diverged":
                self.status, self.message = "paused", "Learning rate changed. Press Space to go on from the last good state."

    def scale_learning_rate(self, factor: float) -> None:
        self.set_learning_rate(float(f"{self.trainer.settings.learning_rate * factor:.3g}"))

    def set_momentum(self, value: float) -> None:
        with self.lock:
            self.trainer.settings = self.trainer.settings.with_(momentum=min(max(value, 0.0), 0.99))

    def toggle_biases(self) -> None:
        with self.lock:
            s = self.trainer.settings
            self.trainer.settings = s.with_(update_biases=not s.update_biases)

    # --- what the screen shows ---------------------------------------------------------------
    def snapshot(self) -> Snapshot:
        with self.lock:
            now = self.trainer.net.theta.copy()
            history = list(self.history)
            status, message = self.status, self.message
            s = self.trainer.settings
            iteration = self.iteration
        start = self.start.theta
        change = now - start
        big = set(np.argsort(-np.abs(change))[: max(1, len(now) // 5)]) if np.any(change) else set()
        names = self.start.names
        params = [(n, float(now[i]), float(start[i]), float(change[i]), i in big) for i, n in enumerate(names)]
        outputs = forward(self.trainer.net.copy(now), self.ex.X, None).outs[-1]
        return Snapshot(iteration, self.target, history[-1][1], history, outputs, params, status, message,
                        self.rate, s.learning_rate, s.momentum, s.update_biases, self.speed)

    def output_names(self) -> list[str]:
        return neuron_names(self.ex.network.sizes, self.ex.network.n_layers)

    def settings_as_in_file(self) -> bool:
        s, f = self.trainer.settings, self.ex.settings
        return (s.learning_rate, s.momentum, s.update_biases) == (f.learning_rate, f.momentum, f.update_biases)

    def final_comparisons(self) -> list[Comparison]:
        """The source's printed figures after this many iterations, beside the engine's
        (only when the run is the exercise's own: its start and its settings). Worked out
        once: the screen asks on every frame once the run is done."""
        figures = [f for f in self.ex.figures if f.after_iterations == self.iteration]
        if not figures or not self.settings_as_in_file() or self.seed != self.ex.seed:
            return []
        if self._final is None:
            self._final = build(self.ex).comparisons()  # the same for every run of the exercise's own
        return [c for c in self._final if c.after_iterations == self.iteration]

    # --- side by side and the error surface -----------------------------------------------------
    def compare_rates(self, rates=(0.1, 0.5, 2.0, 10.0), iterations: int | None = None) -> CompareResult:
        thetas = np.repeat(self.start.theta[None], len(rates), axis=0)
        labels = [f"η = {r:g}" for r in rates]
        return self._compare(thetas, labels, np.array(rates, dtype=float), iterations)

    def compare_starts(self, count: int = 4, iterations: int | None = None) -> CompareResult:
        net = self.ex.network
        seeds = [self.seed + k for k in range(count)]
        thetas = np.stack([Network.random(net.sizes, net.activations, net.loss, net.bias, s).theta for s in seeds])
        labels = [f"seed {s}" for s in seeds]
        return self._compare(thetas, labels, self.trainer.settings.learning_rate, iterations)

    def _compare(self, thetas, labels, rates, iterations) -> CompareResult:
        n = self.target if iterations is None else iterations
        s = self.trainer.settings
        pop = Population(self.ex.network, thetas, self.ex.X, self.ex.T, learning_rate=rates,
                         momentum=s.momentum, mode=s.mode, update_biases=s.update_biases)
        every = max(1, n // 200)
        rows = pop.run(n, record_every=every)
        its = list(range(0, n, every)) + [n]
        histories = [[(i, float(e)) for i, e in zip(its, rows[:, k]) if math.isfinite(e)] for k in range(len(labels))]
        return CompareResult(labels, histories, [float(e) for e in rows[-1]])

    def surface(self, a: str | None = None, b: str | None = None, size: int = 41) -> Surface:
        """Total error over a grid of two weights (the rest at their current values), with
        the path training took through them. Default: the two weights that moved most."""
        names = self.start.names
        with self.lock:
            path = [(it, theta.copy()) for it, theta in self.path]
            current = self.trainer.net.copy()
        if a is None or b is None:
            moved = np.abs(path[-1][1] - path[0][1])[: self.start.n_weights]
            order = np.argsort(-moved)
            a, b = names[order[0]], names[order[1]]
        ia, ib = names.index(a), names.index(b)
        pa = np.array([t[ia] for _, t in path])
        pb = np.array([t[ib] for _, t in path])
        va = _span(pa, size)
        vb = _span(pb, size)
        errors = error_surface(current, self.ex.X, self.ex.T, a, b, va, vb)
        return Surface(a, b, va, vb, errors, list(zip(pa.tolist(), pb.tolist())))


def _span(values: np.ndarray, size: int) -> np.ndarray:
    lo, hi = float(values.min()), float(values.max())
    pad = max(0.5 * (hi - lo), 0.5)
    return np.linspace(lo - pad, hi + pad, size)


SHADES = " .:-=+*#%@"   # low error to high: the heat map reads without colour too


@dataclass
class SurfaceGrid:
    rows: list[str]                      # text, a character per cell (shade, or path marks)
    levels: list[list[int]]              # 0..9 per cell, for colouring
    bounds: list[float]                  # the error at each shade boundary
    a_range: tuple[float, float]
    b_range: tuple[float, float]


def surface_grid(surface: Surface, cols: int, rows: int) -> SurfaceGrid:
    """The surface drawn in cols x rows cells: a (the first weight) across, b upwards.
    Shades are ten quantiles of log10(E); the path is •, its start S and its end E."""
    logs = np.log10(np.maximum(surface.errors, 1e-300))
    bounds = np.quantile(logs, np.linspace(0, 1, len(SHADES) + 1)[1:-1])
    ia = np.clip(np.round(np.linspace(0, len(surface.values_a) - 1, cols)).astype(int), 0, None)
    ib = np.clip(np.round(np.linspace(len(surface.values_b) - 1, 0, rows)).astype(int), 0, None)
    levels = np.searchsorted(bounds, logs[np.ix_(ia, ib)].T)   # (rows, cols), b top to bottom
    chars = [[SHADES[v] for v in row] for row in levels]
    a0, a1 = surface.values_a[0], surface.values_a[-1]
    b0, b1 = surface.values_b[0], surface.values_b[-1]

    def cell(a: float, b: float) -> tuple[int, int]:
        c = int(round((a - a0) / (a1 - a0) * (cols - 1))) if a1 > a0 else 0
        r = int(round((b1 - b) / (b1 - b0) * (rows - 1))) if b1 > b0 else 0
        return min(max(r, 0), rows - 1), min(max(c, 0), cols - 1)

    for a, b in surface.path:
        r, c = cell(a, b)
        chars[r][c] = "•"
    if surface.path:
        r, c = cell(*surface.path[0])
        chars[r][c] = "S"
        r, c = cell(*surface.path[-1])
        chars[r][c] = "E"
    return SurfaceGrid(["".join(row) for row in chars], levels.tolist(), [float(10 ** b) for b in bounds],
                       (float(a0), float(a1)), (float(b0), float(b1)))
