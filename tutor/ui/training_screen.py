"""Live training: the error curve, the numbers, and the controls.

Training runs in a worker thread in slices of about one frame; the screen reads the
session's snapshot on a timer (at most ~30 times a second), never once per update.
"""

from __future__ import annotations

import time

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Static
from textual.worker import get_current_worker

from ..lesson.training_session import SPEEDS, Snapshot, TrainingSession
from .error_plot import ErrorPlot
from .saving import SavingNotice

FRAME = 1 / 30
# At full speed the worker trains in slices of about this long: the engine runs them
# without the GIL, and each slice ends with a moment of Python that must wait for the
# screen's thread; longer slices waste less of that, and keys still act within one.
SLICE = 0.1


class TrainingScreen(Screen):
    BINDINGS = [
        Binding("space", "toggle", "Run/pause", priority=True),
        Binding("s", "single", "One update"),
        Binding("right_square_bracket", "faster", "Faster"),
        Binding("left_square_bracket", "slower", "Slower"),
        Binding("plus,equals_sign", "rate(2)", "η×2"),
        Binding("minus", "rate(0.5)", "η÷2"),
        Binding("m", "momentum", "Momentum"),
        Binding("b", "biases", "Biases"),
        Binding("r", "restart", "Restart"),
        Binding("n", "new_start", "New start"),
        Binding("c", "compare", "Compare η"),
        Binding("C", "compare_starts", "Compare starts", show=False),
        Binding("e", "surface", "Error surface"),
        Binding("escape", "app.home", "Lessons"),
    ]

    def __init__(self, session: TrainingSession, autostart: bool = True):
        super().__init__()
        self.session = session
        self.autostart = autostart
        self._drawn: tuple[int, int] | None = None  # (points, last iteration) of the curve on screen

    def compose(self) -> ComposeResult:
        yield Static(id="train-title")
        with Horizontal(id="train-body"):
            with Vertical(id="train-left"):
                yield ErrorPlot(id="train-plot")
                yield Static(id="train-stats")
            with VerticalScroll(id="train-right"):
                yield Static(id="train-outputs")
                yield Static(id="train-params")
        yield Static(id="train-message")
        yield SavingNotice()
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#train-title", Static).update(Text.assemble(
            ("Training  ", "bold"), self.session.ex.title))
        if self.autostart:
            self.session.play()
        self.set_interval(FRAME, self.redraw)
        self.train()
        self.redraw()

    # --- the worker -----------------------------------------------------------------------
    @work(thread=True, exclusive=True, group="train")
    def train(self) -> None:
        worker = get_current_worker()
        s = self.session
        chunk = 100
        while not worker.is_cancelled:
            if s.status != "running":
                time.sleep(0.02)
                continue
            if s.speed != SPEEDS[-1]:
                start = time.perf_counter()
                s.advance(s.speed)
                time.sleep(max(0.0, FRAME - (time.perf_counter() - start)))
                continue
            # full speed: slices of about SLICE seconds, so keys and quitting stay prompt
            start = time.perf_counter()
            s.advance(chunk)
            took = time.perf_counter() - start
            chunk = int(min(max(chunk * SLICE / max(took, 1e-4), 10), 2_000_000))

    # --- drawing ----------------------------------------------------------------------------
    def redraw(self) -> None:
        snap = self.session.snapshot()
        drawn = (len(snap.history), snap.history[-1][0])
        if drawn != self._drawn:
            self.query_one(ErrorPlot).show_curves([("E_total", snap.history)], snap.target)
            self._drawn = drawn
        self.query_one("#train-stats", Static).update(self._stats(snap))
        self.query_one("#train-outputs", Static).update(self._outputs(snap))
        self.query_one("#train-params", Static).update(self._params(snap))
        msg = self.query_one("#train-message", Static)
        msg.set_classes(f"-{snap.status}")
        mark = {"diverged": "! ", "stuck": "⚠ ", "done": "✓ ", "running": "▶ ", "paused": "❚❚ "}[snap.status]
        text = Text(mark + snap.message)
        if snap.status == "done":
            for c in self.session.final_comparisons():
                verdict = "agrees" if c.agrees else (
                    f"differs; the printed figure comes from: {c.method.name}" if c.method else "differs")
                text.append(f"\n  {c.id}: printed {c.printed}, ours {c.value:.9g}, {verdict}")
        msg.update(text)

    def _stats(self, s: Snapshot) -> Text:
        speed = "speed max" if s.speed == SPEEDS[-1] else f"{s.speed:,}/frame"
        rate = f"  {s.rate:,.0f} it/s" if s.status == "running" else ""
        return Text.assemble(
            ("iteration ", "dim"), f"{s.iteration:,}/{s.target:,}", ("  E_total ", "dim"), f"{s.error:.6g}",
            (rate, "dim"), "\n",
            ("η ", "dim"), f"{s.learning_rate:g}", ("  momentum ", "dim"), f"{s.momentum:g}",
            ("  biases ", "dim"), "updated" if s.update_biases else "fixed", ("  ", ""), (speed, "dim"))

    def _outputs(self, s: Snapshot) -> Text:
        names = self.session.output_names()
        t = Text("outputs against targets\n", style="bold")
        for k, (o, target) in enumerate(zip(s.outputs, self.session.ex.T)):
            prefix = f"s{k + 1} " if len(s.outputs) > 1 else ""
            t.append(prefix + "  ".join(f"{n} {v:.4f}/{tv:g}" for n, v, tv in zip(names, o, target)) + "\n")
        return t

    def _params(self, s: Snapshot) -> Text:
        t = Text(" param     now   start  change\n", style="bold")
        for name, now, start, change, big in s.parameters:
            line = f"{'▲' if big else ' '}{name:<4}{now:>8.3g}{start:>8.3g}{change:>+8.2g}\n"
            t.append(line, style="bold" if big else "")
        t.append("▲ the largest movers", style="dim")
        return t

    # --- keys -----------------------------------------------------------------------------------
    def action_toggle(self) -> None:
        if self.session.status == "running":
            self.session.pause()
        else:
            self.session.play()

    def action_single(self) -> None:
        sol = self.session.single_update()
        self.redraw()
        if sol is None:
            self.notify("Training is over (finished or blown up): press r to start again.")
        else:
            from .training_dialogs import UpdateScreen
            self.app.push_screen(UpdateScreen(sol, self.session.iteration))

    def action_faster(self) -> None:
        self.session.faster()

    def action_slower(self) -> None:
        self.session.slower()

    def action_rate(self, factor: float) -> None:
        self.session.scale_learning_rate(float(factor))

    def action_momentum(self) -> None:
        steps = (0.0, 0.5, 0.9)
        now = self.session.trainer.settings.momentum
        self.session.set_momentum(steps[(min(range(3), key=lambda i: abs(steps[i] - now)) + 1) % 3])

    def action_biases(self) -> None:
        self.session.toggle_biases()

    def action_restart(self) -> None:
        self.session.restart()
        self.session.play()

    def action_new_start(self) -> None:
        if not self.session.new_start():
            self.notify("This exercise gives its starting weights; there is no random start to redraw.")

    def action_compare(self) -> None:
        self.notify("Training four copies side by side...")
        self._compare("rates")

    def action_compare_starts(self) -> None:
        self.notify("Training four random starts side by side...")
        self._compare("starts")

    @work(thread=True, exclusive=True, group="compare")
    def _compare(self, kind: str) -> None:
        s = self.session
        result = s.compare_rates() if kind == "rates" else s.compare_starts()
        title = ("The same start, four learning rates" if kind == "rates"
                 else "Four random starts, the same learning rate")
        self.app.call_from_thread(self._show_compare, title, result)

    def _show_compare(self, title, result) -> None:
        from .training_dialogs import CompareScreen
        self.app.push_screen(CompareScreen(title, result, self.session.target))

    def action_surface(self) -> None:
        self._surface()

    @work(thread=True, exclusive=True, group="surface")
    def _surface(self) -> None:
        surface = self.session.surface()
        self.app.call_from_thread(self._show_surface, surface)

    def _show_surface(self, surface) -> None:
        from .training_dialogs import SurfaceScreen
        self.app.push_screen(SurfaceScreen(surface))
