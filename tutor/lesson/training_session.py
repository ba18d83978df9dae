"""Live training without a screen: the parts in live/ put together behind one lock.

The screen's worker thread calls advance() and frame(), and applies the learner's keys
through the control methods (each returns the sentence to show, "" when there is nothing
to say); compare and surface run in workers of their own. Every number the screen shows
comes from a Frame made here.
"""

from __future__ import annotations

import threading
import time
from dataclasses import replace
from typing import Callable

from ..engine import kernel_loader
from ..engine.backprop import forward
from ..engine.naming import neuron_names
from ..engine.network import Network
from ..engine.steps import Solution, solve
from .exercise import Exercise
from .live import compare as side_by_side
from .live.clock import RateClock
from .live.compare import CompareResult
from .live.controls import (LEARNING_RATE_RANGE, eta_text, next_momentum, scale_learning_rate,
                            speed_ladder, speed_text, watch_speed)
from .live.final import FinalFigures
from .live.frame import Frame, parameter_rows
from .live.run import Run
from .live.status import Status
from .live.stuck import Situation, stuck_message
from .live.surface import Surface, surface

__all__ = ["TrainingSession", "Status", "Frame", "CompareResult", "Surface"]


class TrainingSession:
    def __init__(self, ex: Exercise, clock: Callable[[], float] = time.perf_counter):
        self.ex = ex
        self.lock = threading.RLock()
        self.seed = ex.seed
        self.clock = RateClock(clock)
        self.speeds = speed_ladder(ex.iterations)
        self.speed_index = self.speeds.index(watch_speed(ex.iterations))
        self.final = FinalFigures(ex)
        self.runs = 0   # counts the runs started (r, n): a note about one run is not left over the next
        self._reset(ex.network, ex.settings)

    def _reset(self, start: Network, settings, message: str = "Paused. Press Space to train.") -> None:
        with self.lock:
            self.run = Run(start, self.ex.X, self.ex.T, settings, self.ex.iterations)
            self.runs += 1
            self.changed = False   # settings changed once the run was under way (and maybe back)
            self.clock.reset()
            self.message = message

    # --- what the run is -----------------------------------------------------------------------
    @property
    def status(self) -> Status:
        return self.run.status

    @property
    def iteration(self) -> int:
        return self.run.iteration

    @property
    def target(self) -> int:
        return self.ex.iterations

    @property
    def speed(self) -> int:
        """Iterations per frame; FULL (0) for as fast as it goes."""
        return self.speeds[self.speed_index]

    def preparing(self) -> str:
        """What is being got ready meanwhile, and what waits for it, in a sentence ("" when
        nothing is, or nothing waits)."""
        if not self.run.wants_kernel or kernel_loader.ready():
            return ""
        # compiling (numba's cache empty: the first run after installing) takes seconds and is
        # said; loading a compiled loop from the cache takes well under a second, and NumPy
        # trains meanwhile unseen: said only when something waits for it
        compiling = kernel_loader.compiling()
        if self.run.status in (Status.RUNNING, Status.PAUSED, Status.STUCK):
            return (self.COMPILING + "NumPy trains meanwhile.") if compiling else ""
        if self.run.status is Status.DONE and self.ex.figures and self.runs_as_in_file():
            return (self.COMPILING if compiling else self.LOADING) + "the source's printed figures wait for it."
        return ""

    COMPILING = "Preparing the compiled training loop (the first run after installing takes a few seconds); "
    LOADING = "Loading the compiled training loop; "

    # --- training (the worker) -------------------------------------------------------------------
    def advance(self, n: int | None = None) -> None:
        """Train up to n iterations (default: one frame's worth at the current speed; at full
        speed the caller picks n), never past the exercise's count; record, and judge."""
        with self.lock:
            before = self.run.status
            self.run.advance(n if n is not None else (self.speed or 10_000))
            self.clock.tick(self.iteration)
            after = self.run.status
            if after is not before or after in (Status.DONE, Status.STUCK, Status.DIVERGED):
                self.message = self._status_message()

    def _status_message(self) -> str:
        r = self.run
        if r.status is Status.DIVERGED:
            return (f"Training blew up by iteration {r.blew_up_at:,}: the numbers overflowed. The learning rate "
                    f"(η {eta_text(r.settings.learning_rate)}) is too large for this net; lower it (-) to go on from "
                    f"the last good state, iteration {r.iteration:,}, which is shown, or restart (r).")
        if r.status is Status.STUCK:
            words = stuck_message(self._situation())
            return f"Finished {r.iteration:,} iterations. " + words if r.iteration >= self.target else words
        if r.status is Status.DONE:
            return f"Done: {r.iteration:,} iterations, E_total = {r.curve.last[1]:.6g}."
        return self.message

    def _situation(self) -> Situation:
        sizes = self.ex.network.sizes
        return Situation(self.iteration, self.run.curve.last[1], self.run.settings.learning_rate,
                         self.ex.settings.learning_rate, LEARNING_RATE_RANGE[1], self.run.settings.momentum,
                         self.ex.random_start, min(sizes[1:-1]) if len(sizes) > 2 else None,
                         self.run.saturated(), self.ex.network.activations[-1])

    def frame(self) -> Frame:
        """Everything the screen draws, copied out (made in the worker, never on the screen's thread)."""
        with self.lock:
            r = self.run
            net = r.trainer.net.copy()
            s = r.settings
            # the source's figures are worked out with the compiled loop (reference.py trains
            # them); until it is ready they wait, rather than the worker (and the keys) waiting
            ended = r.status in (Status.DONE, Status.STUCK) and r.iteration >= self.target
            own = self.runs_as_in_file()
            final = self.final.at(r.iteration) if ended and own and not self.preparing() else ()
            note = self._figures_left_out() if ended and not own and self._has_figures(r.iteration) else ""
            rows, count = parameter_rows(net.names, net.theta, r.start.theta)
            return Frame(
                title=self.ex.title, iteration=r.iteration, target=self.target, error=r.curve.last[1],
                curve=r.curve.drawn(), output_names=tuple(neuron_names(net.sizes, net.n_layers)),
                outputs=forward(net, self.ex.X, None).outs[-1], targets=self.ex.T.copy(),
                parameters=rows, parameter_count=count, status=r.status, message=self.message,
                rate=self.clock.rate, learning_rate=s.learning_rate, momentum=s.momentum,
                update_biases=s.update_biases, speed=speed_text(self.speed), preparing=self.preparing(),
                final=final, run=self.runs, final_note=note)

    # --- controls: each returns what to say ------------------------------------------------------
    def play(self) -> str:
        with self.lock:
            st = self.run.status
            if st.can_run and self.iteration < self.target:
                self.run.status, self.message = Status.RUNNING, "Training..."
                return ""
            if st is Status.DIVERGED:
                return "The run blew up: lower the learning rate (-) to go on from the last good state, or restart (r)."
            if st is Status.RUNNING:
                return ""
            return f"The run is over ({self.iteration:,} of {self.target:,} iterations): r starts it again."

    def pause(self) -> None:
        with self.lock:
            if self.run.status is Status.RUNNING:
                self.run.status, self.message = Status.PAUSED, "Paused."

    def toggle(self) -> str:
        with self.lock:
            if self.run.status is Status.RUNNING:
                self.pause()
                return ""
            return self.play()

    def single_update(self) -> tuple[Solution | None, str]:
        """One update, worked out step by step as in the lesson, then applied."""
        with self.lock:
            r = self.run
            if r.status is Status.DIVERGED:
                return None, "The run blew up: lower the learning rate (-) or restart (r) before one more update."
            if self.iteration >= self.target:
                return None, f"The run is over ({self.iteration:,} iterations): press r to start again."
            self.pause()
            sol = solve(r.trainer.net, self.ex.X, self.ex.T, r.settings)
            r.advance(1)
            if r.status is not Status.DIVERGED:
                r.status = Status.PAUSED if self.iteration < self.target else r.status
                self.message = (f"One update: iteration {self.iteration:,}, E_total {sol.error:.9g} -> "
                                f"{r.curve.last[1]:.9g}.")
                if r.status is not Status.PAUSED:
                    self.message = self._status_message()
            else:
                self.message = self._status_message()
            return sol, ""

    def faster(self) -> str:
        with self.lock:
            if self.speed_index == len(self.speeds) - 1:
                return "Already at full speed."
            self.speed_index += 1
            return f"Speed: {speed_text(self.speed)}."

    def slower(self) -> str:
        with self.lock:
            if self.speed_index == 0:
                return "Already at the slowest, one update a frame (s does a single update)."
            self.speed_index -= 1
            return f"Speed: {speed_text(self.speed)}."

    def restart(self) -> str:
        with self.lock:
            self._reset(self.run.start, self.run.settings)
        return ""

    def new_start(self) -> str:
        """A new random start (only for exercises without given weights)."""
        if not self.ex.random_start:
            return "n draws a new random start, but this exercise gives its starting weights: r starts again from them."
        with self.lock:
            self.seed += 1
            net = self.ex.network
            self._reset(Network.random(net.sizes, net.activations, net.loss, net.bias, self.seed), self.run.settings,
                        f"New random start (seed {self.seed}). Paused. Press Space to train.")
        return ""

    def set_learning_rate(self, value: float) -> None:
        with self.lock:
            self._settings_changed()
            self.run.settings = self.run.settings.with_(learning_rate=value)
            if self.run.status is Status.DIVERGED:
                self.run.status = Status.PAUSED
                self.message = "Learning rate changed. Press Space to go on from the last good state."

    def scale_learning_rate(self, factor: float) -> str:
        with self.lock:
            old = self.run.settings.learning_rate
            new, note = scale_learning_rate(old, factor)
            if new != old:
                self.set_learning_rate(new)
            return note

    def set_momentum(self, value: float) -> None:
        with self.lock:
            self._settings_changed()
            self.run.settings = self.run.settings.with_(momentum=min(max(value, 0.0), 0.99))

    def cycle_momentum(self) -> str:
        with self.lock:
            self.set_momentum(next_momentum(self.run.settings.momentum))
            return f"Momentum {self.run.settings.momentum:g}."

    def toggle_biases(self) -> str:
        with self.lock:
            s = self.run.settings
            self._settings_changed()
            self.run.settings = s.with_(update_biases=not s.update_biases)
            return "Biases are updated now." if not s.update_biases else "Biases stay fixed now."

    def runs_as_in_file(self) -> bool:
        """The run is the source's own: its start, its settings from the first update to the
        last (a learning rate doubled mid-run and halved back made other figures than the
        printed ones, and "ours" beside them contradicted the run on screen)."""
        s, f = self.run.settings, self.ex.settings
        return ((s.learning_rate, s.momentum, s.update_biases) == (f.learning_rate, f.momentum, f.update_biases)
                and self.seed == self.ex.seed and not self.changed)

    def _settings_changed(self) -> None:
        if self.iteration > 0:
            self.changed = True

    def _has_figures(self, iteration: int) -> bool:
        return any(f.after_iterations == iteration for f in self.ex.figures)

    def _figures_left_out(self) -> str:
        """Why the source's printed figures are not beside this run, and how to see them."""
        f, s = self.ex.settings, self.run.settings
        own = [f"η {eta_text(f.learning_rate)}"] + ([f"momentum {f.momentum:g}"] if f.momentum else [])
        own += ["biases updated"] if f.update_biases else []
        back = [f"η back to {eta_text(f.learning_rate)} (+ or -)"] if s.learning_rate != f.learning_rate else []
        back += [f"momentum {f.momentum:g} (m)"] if s.momentum != f.momentum else []
        back += [f"biases {'updated' if f.update_biases else 'fixed'} (b)"] if s.update_biases != f.update_biases else []
        if self.seed != self.ex.seed:
            how = "they belong to the file's own start"
        else:
            how = ("set " + ", ".join(back) + " and press r to see them" if back
                   else "press r to see them beside a run made that way")
        return (f"The source's printed figures are for its own run ({', '.join(own)} from its start, unchanged "
                f"throughout); this run was not made that way, so they are left out: {how}.")

    # --- side by side and the error surface (their own workers) -----------------------------------
    def compare_rates(self, rates=side_by_side.RATES, iterations: int | None = None, **kw) -> CompareResult:
        with self.lock:
            start, settings = self.run.start.copy(), self.run.settings
        return self._explained(side_by_side.compare_rates(start, self.ex.X, self.ex.T, settings,
                                                          iterations or self.target, rates, **kw))

    def compare_starts(self, count: int = 4, iterations: int | None = None, **kw) -> CompareResult:
        with self.lock:
            settings = self.run.settings
        return self._explained(side_by_side.compare_starts(self.ex.network, self.ex.X, self.ex.T, settings,
                                                           iterations or self.target, self.seed, count, **kw))

    def _explained(self, result: CompareResult | None) -> CompareResult | None:
        """The result with a sentence on the curves that stand still."""
        if result is None:
            return None
        note = side_by_side.flat_note(result, self.ex.settings.learning_rate, self.ex.network.activations[-1])
        return replace(result, note=note)

    def surface(self, a: str | None = None, b: str | None = None, size: int = 41) -> Surface:
        with self.lock:
            current = self.run.trainer.net.copy()
            path = self.run.path.copy()
        return surface(current, path, self.ex.X, self.ex.T, a, b, size)
