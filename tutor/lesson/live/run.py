"""One run of training, advanced in slices: the trainer, its curve and path, its status, and
the rollback to the last good state when the numbers overflow.

The compiled loop may not be ready when a run starts (numba compiles it on the first run
after installing: seconds). Meanwhile the run trains with NumPy, and once the loop is ready
it switches. The two paths agree to 1e-15 relative, not to the last bit (they sum in another
order, and NumPy's exp is not libm's), so a switch made by just carrying on would leave the
run a few ulps off the run the compiled loop would have made. Instead, when nothing was
changed since the start, the compiled loop replays the run from its start to the same
iteration, recording the same points (it does in ~1/35 of the time what NumPy did): the
curve, the path and the parameters are then exactly the compiled loop's. After a change of
settings or a rollback mid-run, the run carries on from where it is (and may differ from a
compiled-only run in its last digits).
"""

from __future__ import annotations

import math

import numpy as np

from ...engine import kernel_loader
from ...engine.network import Network
from ...engine.training import KERNEL_LIMIT, Settings, Trainer
from .history import Curve, Path
from .status import Status
from .stuck import is_flat, is_stuck, saturated_outputs


class Run:
    def __init__(self, start: Network, X: np.ndarray, T: np.ndarray, settings: Settings, target: int):
        self.start = start.copy()
        self.X, self.T, self.target = X, T, target
        small = start.n_weights * len(X) <= KERNEL_LIMIT
        self.wants_kernel = small and kernel_loader.state() != kernel_loader.KernelState.ABSENT
        if self.wants_kernel and not kernel_loader.ready():
            kernel_loader.warm_in_background()
        kernel = kernel_loader.module()
        if kernel is not None and not kernel.compiles(start):
            self.wants_kernel = False   # a function the compiled loop has no rule for
        use = self.wants_kernel and kernel is not None
        self.trainer = Trainer(self.start, X, T, settings, use_kernel=use)
        self.on_kernel = use
        self.replayable = True       # nothing changed since the start: a switch can replay it
        self.curve = Curve((0, self.trainer.error()))
        self.path = Path(self.start.theta)
        self.status = Status.PAUSED
        self.blew_up_at: int | None = None

    @property
    def iteration(self) -> int:
        return self.trainer.iteration

    @property
    def settings(self) -> Settings:
        return self.trainer.settings

    @settings.setter
    def settings(self, value: Settings) -> None:
        self.trainer.settings = value
        self.replayable = False

    @property
    def preparing_kernel(self) -> bool:
        return self.wants_kernel and not self.on_kernel

    def advance(self, n: int) -> None:
        """Train up to n iterations (never past the target), record, judge the run."""
        self._maybe_switch()
        n = min(n, self.target - self.iteration)
        if n <= 0:
            if self.iteration >= self.target:
                self._finish()
            return
        start = self.iteration
        good, good_vel = self.trainer.net.theta.copy(), self.trainer.vel.copy()
        k = self.path.per_slice()
        stride = max(1, n // k)
        record = np.append(np.arange(start + stride, start + n, stride, dtype=np.int64), start + n)
        run = self.trainer.run(n, record=record, with_params=True)
        # the engine stops at the first parameter that is not finite, so the records it
        # returns are the good ones; an error can still overflow on its own
        keep = [i for i, (_, e) in enumerate(run.history) if math.isfinite(e)]
        self.curve.extend([run.history[i] for i in keep])
        self.path.extend([(run.history[i][0], run.thetas[i].copy()) for i in keep])
        if run.diverged or len(keep) < len(run.history):
            self._roll_back(keep, run, good, good_vel, start)
        elif self.iteration >= self.target:
            self._finish()
        elif self._stuck():
            self.status = Status.STUCK

    def _roll_back(self, keep, run, good, good_vel, start) -> None:
        # keep the last good state: the last good record, or the slice's start (a record's
        # velocity was not kept, so momentum starts again from rest there)
        self.blew_up_at = self.trainer.iteration
        if keep:
            it, theta = self.path.points[-1]
            self.trainer.net.theta[:] = theta
            self.trainer.vel[:] = 0.0
            self.trainer.iteration = it
        else:
            self.trainer.net.theta[:] = good
            self.trainer.vel[:] = good_vel
            self.trainer.iteration = start
        self.status = Status.DIVERGED
        self.replayable = False

    def _finish(self) -> None:
        # a run that ends on a plateau is still stuck, however fast it got there
        self.status = Status.STUCK if self._stuck() else Status.DONE

    def _stuck(self) -> bool:
        """On a plateau, or standing still with saturated outputs (however small the error)."""
        return is_stuck(self.curve.points) or bool(self.saturated())

    def saturated(self) -> tuple[str, ...]:
        """The saturated outputs of a run whose error stands still (none otherwise)."""
        if not is_flat(self.curve.points):
            return ()
        return saturated_outputs(self.trainer.net, self.X, self.T)

    def _maybe_switch(self) -> None:
        kernel = kernel_loader.module()
        if not self.preparing_kernel or kernel is None:
            return
        if not kernel.compiles(self.start):
            self.wants_kernel = False
            return
        t = self.trainer
        if not (self.replayable and self._replay()):
            carried = Trainer(t.net, self.X, self.T, t.settings, use_kernel=True)
            carried.vel[:] = t.vel
            carried.iteration = t.iteration
            self.trainer = carried
        self.on_kernel = True

    def _replay(self) -> bool:
        """The run so far again on the compiled loop, recording the same points; False (and
        nothing changed) if it does not get as far without overflowing."""
        t = self.trainer
        fresh = Trainer(self.start, self.X, self.T, t.settings, use_kernel=True)
        its = sorted({i for i, _ in self.curve.points[1:]} | {i for i, _ in self.path.points[1:]})
        if t.iteration:
            replay = fresh.run(t.iteration, record=np.array(its or [t.iteration], dtype=np.int64), with_params=True)
            at = {i: (e, theta) for (i, e), theta in zip(replay.history, replay.thetas)}
            if replay.diverged or replay.done != t.iteration or any(i not in at for i in its):
                return False
            self.curve.points = self.curve.points[:1] + [(i, at[i][0]) for i, _ in self.curve.points[1:]]
            self.path.points = self.path.points[:1] + [(i, at[i][1].copy()) for i, _ in self.path.points[1:]]
        self.trainer = fresh
        return True
