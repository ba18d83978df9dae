"""Live training: the error curve, the numbers, and the controls.

A worker thread owns the session: it trains in slices, applies the learner's keys between
slices, and posts what to draw as messages (a Progress that replaces the one before it, and
dataclass messages for notes and results). The screen only renders those and forwards keys:
nothing here copies parameters, runs a forward pass or waits for training.
"""

from __future__ import annotations

import queue
import time
from dataclasses import dataclass, replace
from typing import Callable

from rich.cells import cell_len
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import ActiveBinding, Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, Static
from textual.worker import get_current_worker

from ..engine.steps import Solution
from ..lesson.live.controls import FPS, FULL, eta_text, speed_text
from ..lesson.live.frame import Frame
from ..lesson.live.status import Status
from ..lesson.training_session import CompareResult, Surface, TrainingSession
from .error_plot import ErrorPlot
from .preparing import title_of   # here, not in on_mount: its import was a third of the screen's first stall
from .saving import SavingNotice

FRAME = 1 / FPS
# At full speed the worker trains in slices of SLICE seconds and posts a frame after each:
# the screen is drawn FULL_SPEED_FPS times a second. The engine runs a slice without the
# GIL; drawing a frame costs the screen's thread 5-9 ms of CPU (the plot ~3 ms, the numbers,
# the compositor), and on a busy machine Linux shares the CPU between sessions, not threads,
# so what the screen's thread spends, the training thread of the same process does not get
# (benchmarks/tutor_speed.py). Drawing ~12 whole frames a second took 0.19 cores there and
# left the run at 39% of the headless engine's speed; with the plot at PLOT_FPS and only
# changed text redrawn, 0.1 cores and ~70%. Keys act within a slice. The slow speeds keep
# FPS: there the frames are what is being watched.
FULL_SPEED_FPS = 12
SLICE = 1 / FULL_SPEED_FPS
PLOT_FPS = 4   # at full speed the plot, ~half a frame's cost, is redrawn this often
SAMPLES_SHOWN = 40   # outputs against targets: of the first this many samples

WIDE = 100   # columns from which the footer has room for the keys marked WIDE_FOOTER


@dataclass(frozen=True)
class Key:
    """One key of the training screen: the footer and F1 (the list of every key) are both
    made from KEYS, so they name each key alike."""
    key: str          # Textual's names for it, comma-separated
    shown: str        # how F1 (and the README) write it
    action: str
    name: str         # its short name: the footer's label, and F1's
    what: str         # what it does, in F1
    footer: str = ""  # ALWAYS_FOOTER: in the footer at every width; WIDE_FOOTER: from WIDE columns


ALWAYS_FOOTER, WIDE_FOOTER = "always", "wide"
# The footer at 80 columns has room for eight keys: running, one update, the learning rate,
# compare, this list, leaving and quitting. From 100 columns it adds the error surface (a
# look at a run, not needed to watch one); everything else is one F1 away at every width
# (the default speed is made to be watched, so ] and [ wait there too).
KEYS: list[Key] = [
    Key("space", "Space", "toggle", "Run/pause", "run or pause", ALWAYS_FOOTER),
    Key("s", "s", "single", "Step", "one update, its numbers worked out as in the lesson", ALWAYS_FOOTER),
    Key("plus,equals_sign", "+", "rate(2)", "η×2", "learning rate doubled (up to 1e4)", ALWAYS_FOOTER),
    Key("minus", "-", "rate(0.5)", "η÷2", "learning rate halved (down to 1e-4)", ALWAYS_FOOTER),
    Key("c", "c", "compare", "Compare", "four learning rates from the same start, side by side", ALWAYS_FOOTER),
    Key("e", "e", "surface", "Surface", "the error surface over the two weights that moved most, with the path",
        WIDE_FOOTER),
    Key("right_square_bracket", "]", "faster", "Faster", "faster (up to full speed)"),
    Key("left_square_bracket", "[", "slower", "Slower", "slower (down to one update a frame)"),
    Key("f1", "F1", "keys", "Keys", "this list of keys", ALWAYS_FOOTER),
    Key("m", "m", "momentum", "Momentum", "momentum: 0, 0.5, 0.9"),
    Key("b", "b", "biases", "Biases", "bias updates on or off"),
    Key("r", "r", "restart", "Restart", "restart from the same start"),
    Key("n", "n", "new_start", "New start", "a new random start (exercises without given weights)"),
    Key("C", "C", "compare_starts", "Starts", "four random starts side by side"),
    Key("escape", "Escape", "app.home", "Lessons", "back to the lessons", ALWAYS_FOOTER),
    Key("ctrl+q", "Ctrl+Q", "app.quit", "Quit", "quit bptutor", ALWAYS_FOOTER),
]


# --- what the worker posts -----------------------------------------------------------------------
class Progress(Message, bubble=False):
    """The latest frame; a newer one replaces it in the queue (the screen draws only the last).
    It stops at the screen (the app has nothing to do with it)."""

    def __init__(self, frame: Frame) -> None:
        super().__init__()
        self.frame = frame

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, Progress)


class Preparing(Message):
    """Slow work under way in a worker: what, and how far (0..1, or None)."""

    def __init__(self, what: str, fraction: float | None = None) -> None:
        super().__init__()
        self.what, self.fraction = what, fraction

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, Preparing)


@dataclass
class Note(Message):
    """A sentence about the key just pressed (why it did nothing, or what it set), and the
    run it was said in (a note about a run goes when another starts)."""
    text: str
    run: int = 0


NOTE_SECONDS = 6


class KeyNote(Static):
    """What the key just pressed says: one note at a time, top right over the numbers (at the
    bottom it covered the message under the curve: a run's end, its advice, the source's
    figures), for NOTE_SECONDS, and gone at once when a new run starts. Not Textual's toasts:
    a toast replaced by the next left an empty row in their rack, so after twenty presses
    of + the note showed at the bottom of the screen or below it (learner trial: "three
    presses of + showed nothing")."""

    DEFAULT_CSS = """
    KeyNote {
        layer: note;
        dock: right;
        width: 60;
        max-width: 50%;
        height: auto;
        margin-top: 2;
        padding: 1 1;
        background: $panel-lighten-1;
        border-left: outer $success;
        display: none;
    }
    """

    def __init__(self, **kw) -> None:
        super().__init__(**kw)
        self.run: int | None = None   # the run the note is about
        self._timer = None

    def say(self, text: str, run: int | None = None) -> None:
        if self._timer is not None:
            self._timer.stop()
        self.update(text)
        self.run = run
        self.display = True
        self._timer = self.set_timer(NOTE_SECONDS, self.clear)

    def clear(self) -> None:
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        self.display = False
        self.run = None

    @property
    def text(self) -> str:
        return str(self.render()) if self.display else ""


@dataclass
class Refused(Message):
    """The exercise cannot be trained: ExerciseError's one line (file, key, problem)."""
    why: str


@dataclass
class UpdateWorked(Message):
    solution: Solution
    iteration: int


@dataclass
class CompareReady(Message):
    result: CompareResult


@dataclass
class SurfaceReady(Message):
    surface: Surface


class TrainingScreen(Screen):
    DEFAULT_CSS = "TrainingScreen { layers: default note; }"   # KeyNote's layer, over the rest
    BINDINGS = [Binding(k.key, k.action, k.name, show=bool(k.footer), priority=(k.key == "space"))
                for k in KEYS]

    def __init__(self, session: TrainingSession | None = None, autostart: bool = True, source: object = None):
        """A session to train, or `source` (a bundled name, a path, an Exercise or a Worked):
        its worked update is built and checked in the training worker first (a large file
        takes a while), with "Preparing <title>…" on screen; a wrong file is said and the
        screen goes."""
        super().__init__()
        self.session = session   # set once, by the worker, when made from `source`
        self.source = source
        self.autostart = autostart
        self.frame: Frame | None = None
        self._jobs: queue.Queue[Callable[[TrainingSession], object]] = queue.Queue()
        self._drawn: tuple[int, int] | None = None  # (points, last iteration) of the curve on screen
        self._preparing = ""
        self._preparing_title = ""   # what is being prepared, while the session is not there yet
        self._wide: bool | None = None   # whether the footer shows the WIDE_FOOTER keys
        self._plotted = 0.0   # when the plot was last redrawn (time.perf_counter)
        self._shown: dict[str, Text] = {}   # what each Static shows now

    def compose(self) -> ComposeResult:
        yield Static(id="train-title")
        with Horizontal(id="train-body"):
            with Vertical(id="train-left"):
                yield ErrorPlot(id="train-plot")
                yield Static(id="train-stats")
            with VerticalScroll(id="train-right"):
                yield Static(id="train-outputs")
                yield Static(id="train-params")
        with VerticalScroll(id="train-message-box"):
            yield Static(id="train-message")
        yield SavingNotice()
        yield KeyNote(id="train-note")
        yield Footer(show_command_palette=False)

    def on_mount(self) -> None:
        if self.session is None:
            self._preparing_title = title_of(self.source)
            self._show("#train-title", Text.assemble(("Training  ", "bold"), self._preparing_title))
            self._show("#train-message", Text(f"⧗ Preparing {self._preparing_title}…", style="italic"))
        if self.autostart:
            self._jobs.put(TrainingSession.play)
        self._train()

    # --- the worker: owns the session ---------------------------------------------------------
    def _do(self, job: Callable[[TrainingSession], object]) -> None:
        """Run job(session) in the training worker, between slices; a str it returns is shown.
        Keys typed while the session is being prepared (on this screen, which says so) act,
        in order, once it is there."""
        self._jobs.put(job)

    def _prepare(self) -> TrainingSession | None:
        """The session from `source` (in the worker), or None when the file is refused."""
        from ..lesson.exercise import ExerciseError
        from ..lesson.opening import worked_for

        try:
            ex = worked_for(self.source).ex   # checked as a lesson is: the same files are refused
        except ExerciseError as e:
            self.post_message(Refused(str(e)))
            return None
        return TrainingSession(ex)

    @work(thread=True, exclusive=True, group="train")
    def _train(self) -> None:
        worker = get_current_worker()
        if self.session is None:
            session = self._prepare()
            if session is None or worker.is_cancelled:
                return
            self.session = session
        s = self.session
        chunk, last_posted = 100, None
        while not worker.is_cancelled:
            busy = s.status is Status.RUNNING
            try:   # every key typed since the last slice, in order (waiting a frame when idle)
                jobs = [self._jobs.get(timeout=0 if busy else FRAME)]
                while not self._jobs.empty():
                    jobs.append(self._jobs.get_nowait())
            except queue.Empty:
                jobs = []
            for job in jobs:
                said = job(s)
                if isinstance(said, str) and said:
                    self.post_message(Note(said, s.runs))
            if s.status is Status.RUNNING:
                # a frame's worth at most (then the rest of the frame asleep), or at full
                # speed a slice of about SLICE; `chunk` is what fits in that time
                speed = s.speed
                n = min(speed, chunk) if speed else chunk
                start = time.perf_counter()
                s.advance(n)
                took = time.perf_counter() - start
                chunk = int(min(max(n * (FRAME if speed else SLICE) / max(took, 1e-4), 10), 2_000_000))
                if speed:
                    time.sleep(max(0.0, FRAME - took))
            key = (s.iteration, s.status, s.message, s.preparing(), s.speed, id(s.run), s.run.settings)
            if key != last_posted:
                self.post_message(Progress(s.frame()))
                last_posted = key

    # --- drawing -----------------------------------------------------------------------------
    @on(Progress)
    def _progress(self, message: Progress) -> None:
        self.frame = f = message.frame
        note = self.query_one(KeyNote)
        if note.display and note.run != f.run:   # said of another run (or before training was there)
            note.clear()
        self._show("#train-title", Text.assemble(("Training  ", "bold"), f.title))
        drawn = (len(f.curve), f.curve[-1][0])
        now = time.perf_counter()
        # at full speed the plot (the costliest part of a frame) is redrawn PLOT_FPS times
        # a second; a frame that ends the run, or any at the slow speeds, is drawn whole
        hurried = f.status is Status.RUNNING and f.speed == speed_text(FULL) and now - self._plotted < 1 / PLOT_FPS
        if drawn != self._drawn and not hurried:
            self.query_one(ErrorPlot).show_curves([("E_total", list(f.curve))], f.target)
            self._drawn, self._plotted = drawn, now
        self._show("#train-stats", self._stats(f))
        self._show("#train-outputs", self._outputs(f))
        self._show("#train-params", self._params(f))
        self._message()

    def _show(self, selector: str, text: Text) -> None:
        """Put text in a Static, if it changed; without a layout pass when it takes as many
        lines as before, none of them wrapped (a layout pass costs more than the text)."""
        widget = self.query_one(selector, Static)
        before = self._shown.get(selector)
        if before == text:
            return
        width = widget.content_region.width

        def lines(t: Text) -> int | None:   # None: a line wraps, or the width is not known yet
            rows = t.plain.split("\n")
            return len(rows) if width and max(cell_len(r) for r in rows) <= width else None

        same = before is not None and lines(before) is not None and lines(before) == lines(text)
        widget.update(text, layout=not same)
        self._shown[selector] = text

    def _message(self) -> None:
        f = self.frame
        if f is None:
            return
        msg = self.query_one("#train-message", Static)
        msg.set_classes(f"-{f.status.word}")
        text = Text(f"{f.status.mark} {f.message}")
        for c in f.final:
            verdict = "agrees" if c.agrees else (
                f"differs; the printed figure comes from: {c.method.name}" if c.method else "differs")
            text.append(f"\n  {c.id}: printed {c.printed}, ours {c.value:.9g}, {verdict}")
        if f.final_note:
            text.append(f"\n{f.final_note}", style="dim")
        for line in filter(None, (f.preparing, self._preparing)):
            text.append(f"\n⧗ {line}", style="italic")
        self._show("#train-message", text)

    @on(Refused)
    def _refused(self, message: Refused) -> None:
        self.app.notify(message.why, title="This exercise cannot be trained", severity="error", timeout=10)
        if self in self.app.screen_stack:   # with whatever the learner opened over it meanwhile
            while self.app.screen is not self:
                self.app.pop_screen()
            self.app.pop_screen()

    @on(Preparing)
    def _show_preparing(self, message: Preparing) -> None:
        far = f" {message.fraction:.0%}" if message.fraction is not None else ""
        self._preparing = f"{message.what}{far}" if message.what else ""
        self._message()

    @on(Note)
    def _note(self, message: Note) -> None:
        self.query_one(KeyNote).say(message.text, message.run)

    def _stats(self, f: Frame) -> Text:
        rate = f"  {f.rate:,.0f} it/s" if f.status is Status.RUNNING else ""
        return Text.assemble(
            ("iteration ", "dim"), f"{f.iteration:,}/{f.target:,}", ("  E_total ", "dim"), f"{f.error:.6g}", "\n",
            ("η ", "dim"), eta_text(f.learning_rate), ("  momentum ", "dim"), f"{f.momentum:g}",
            ("  biases ", "dim"), "updated" if f.update_biases else "fixed", "\n",
            ("speed ", "dim"), f.speed, (rate, "dim"))

    def _outputs(self, f: Frame) -> Text:
        # at most SAMPLES_SHOWN samples, as the parameters show their 40 largest movers: every
        # frame redraws this text on the UI thread, and 1,000 samples' lines took it 50-100 ms
        # a frame (laid out and wrapped whole, though a few rows show)
        t = Text("outputs against targets\n", style="bold")
        for k, (o, target) in enumerate(zip(f.outputs[:SAMPLES_SHOWN], f.targets)):
            prefix = f"s{k + 1} " if len(f.outputs) > 1 else ""
            t.append(prefix + "  ".join(f"{n} {v:.4f}/{tv:g}" for n, v, tv in zip(f.output_names, o, target)) + "\n")
        if len(f.outputs) > SAMPLES_SHOWN:
            t.append(f"the first {SAMPLES_SHOWN} of {len(f.outputs):,} samples (E_total is over all)\n", style="dim")
        return t

    def _params(self, f: Frame) -> Text:
        t = Text(" param     now   start  change\n", style="bold")
        for p in f.parameters:
            line = f"{'▲' if p.big_mover else ' '}{p.name:<4}{p.now:>8.3g}{p.start:>8.3g}{p.change:>+8.2g}\n"
            t.append(line, style="bold" if p.big_mover else "")
        if f.parameter_count > len(f.parameters):
            t.append(f"the {len(f.parameters)} largest movers of {f.parameter_count:,}\n", style="dim")
        if any(p.big_mover for p in f.parameters):   # none before the first update (XOR after n)
            t.append("▲ the largest movers", style="dim")
        t.rstrip()
        return t

    # --- keys: forwarded to the worker --------------------------------------------------------
    def action_toggle(self) -> None:
        self._do(TrainingSession.toggle)

    def action_single(self) -> None:
        def one(s: TrainingSession) -> str:
            sol, why = s.single_update()
            if sol is not None:
                self.post_message(UpdateWorked(sol, s.iteration))
            return why
        self._do(one)

    @on(UpdateWorked)
    def _show_update(self, message: UpdateWorked) -> None:
        from .training_dialogs import UpdateScreen
        self.app.push_screen(UpdateScreen(message.solution, message.iteration))

    def action_faster(self) -> None:
        self._do(TrainingSession.faster)

    def action_slower(self) -> None:
        self._do(TrainingSession.slower)

    def action_rate(self, factor: float) -> None:
        self._do(lambda s: s.scale_learning_rate(float(factor)))

    def action_momentum(self) -> None:
        self._do(TrainingSession.cycle_momentum)

    def action_biases(self) -> None:
        self._do(TrainingSession.toggle_biases)

    def action_restart(self) -> None:
        def again(s: TrainingSession) -> str:
            s.restart()
            return s.play()
        self._do(again)

    def action_new_start(self) -> None:
        self._do(TrainingSession.new_start)

    def action_keys(self) -> None:
        from .training_dialogs import TrainingKeysScreen
        self.app.push_screen(TrainingKeysScreen(KEYS, self._footer_keys()))

    # --- the footer: what fits at this width -------------------------------------------------
    def _footer_keys(self) -> set[str]:
        wide = self.size.width >= WIDE
        return {k.key for k in KEYS if k.footer == ALWAYS_FOOTER or (wide and k.footer == WIDE_FOOTER)}

    @property
    def active_bindings(self) -> dict[str, ActiveBinding]:
        """Textual's, with the keys the footer has no room for at this width not shown."""
        keys = {name for k in self._footer_keys() for name in k.split(",")}
        out = {}
        for key, active in super().active_bindings.items():
            if active.node is self and active.binding.show and key not in keys:
                active = active._replace(binding=replace(active.binding, show=False))
            out[key] = active
        return out

    def on_resize(self) -> None:
        wide = self.size.width >= WIDE
        if wide != self._wide:
            self._wide = wide
            self.refresh_bindings()

    # --- side by side and the surface: workers of their own, with a visible "preparing" ---------
    def _ready(self) -> bool:
        """Whether the session is there for a worker of its own (else the key says why not)."""
        if self.session is None:
            self.query_one(KeyNote).say(f"Preparing {self._preparing_title}: this key works once training is on screen.")
            return False
        return True

    def action_compare(self) -> None:
        if self._ready():
            self._compare("rates")

    def action_compare_starts(self) -> None:
        if self._ready():
            self._compare("starts")

    @work(thread=True, exclusive=True, group="compare")
    def _compare(self, kind: str) -> None:
        worker = get_current_worker()
        s = self.session
        what = ("Training four learning rates side by side" if kind == "rates"
                else "Training four random starts side by side")
        self.post_message(Preparing(what, 0.0))
        kw = dict(progress=lambda f: self.post_message(Preparing(what, f)), cancelled=lambda: worker.is_cancelled)
        result = s.compare_rates(**kw) if kind == "rates" else s.compare_starts(**kw)
        self.post_message(Preparing(""))
        if result is not None:
            self.post_message(CompareReady(result))

    @on(CompareReady)
    def _show_compare(self, message: CompareReady) -> None:
        from .training_dialogs import CompareScreen
        if self.app.screen is self:   # not over a dialog the learner opened meanwhile
            self.app.push_screen(CompareScreen(message.result))

    def action_surface(self) -> None:
        if self._ready():
            self._surface()

    @work(thread=True, exclusive=True, group="surface")
    def _surface(self) -> None:
        self.post_message(Preparing("Working out the error surface"))
        surface = self.session.surface()
        self.post_message(Preparing(""))
        self.post_message(SurfaceReady(surface))

    @on(SurfaceReady)
    def _show_surface(self, message: SurfaceReady) -> None:
        from .training_dialogs import SurfaceScreen
        if self.app.screen is self:
            self.app.push_screen(SurfaceScreen(message.surface))
