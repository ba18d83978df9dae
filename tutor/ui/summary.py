"""When the update is done: how it went, and the source's printed figures beside ours.

The comparison with the printed figures trains the network (seconds on a cold compile
cache), so it is worked out in another process, waited for by a worker thread, and fills
in when it is ready; the rest of
the summary is on screen at once. Enter does nothing here (the last answer's Enter, pressed
twice, must not leave a summary the learner has not read), and no key acts before the
screen was first drawn.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.markup import escape
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, Static

from ..lesson.reference import Comparison
from ..lesson.session import Lesson
from .hanging import Hanging
from .saving import SavingNotice

PREPARING = "being worked out (it trains the network)…"


def summary_text(lesson: Lesson, comparisons: list[Comparison] | str | None = None,
                 trainable: bool = True) -> str:
    """The summary; `comparisons`: the printed figures beside ours, None while they are
    being worked out, or a sentence saying why there are none; `trainable`: whether t
    opens the training here (not in a room), so it is offered only where it works."""
    s = lesson.summary(comparisons=False)
    lines = [
        f"[b]{lesson.ex.title}: the update is done.[/b]",
        "",
        f"  Right at the first try:  {s.first_try} of {s.asked}",
        f"  Hints used:              {s.hints}",
        f"  Answers shown:           {s.revealed}",
        f"  {s.error_id + ' before:':<24} {s.error_before:.9g}",
        f"  {s.error_id + ' after:':<24} {s.error_after:.9g}   (one update"
        f"{' on ' + s.samples if s.samples else ''}, learning rate {lesson.ex.settings.learning_rate:g})",
        "",
    ]
    last = _last_answer(lesson)
    if last:
        lines += [last, ""]
    if s.mistakes:
        lines.append("  Mistakes met (each was explained when it happened):")
        lines += [f"    • {name}" + (f" ×{n}" if n > 1 else "") for name, n in s.mistakes.items()]
    else:
        lines.append("  No known mistakes met.")
    from ..lesson.workshop import completion_code

    code = completion_code(lesson.key, lesson.variant, s.first_try, s.asked)
    who = f" (variant {lesson.variant})" if lesson.variant else ""
    lines += ["", f"  Completion code{who}: [b]{code}[/b]",   # a line of its own: at 80 columns the
              "  Your teacher can check it with bptutor verify.",  # command was split over two
              "  [dim]It checks that a score is reported honestly; it is no proof: anyone who reads bptutor's "
              "source can make one.[/dim]"]
    if trainable:
        lines += ["", "  Press t to watch this update repeated: the network trained live."]
    if not lesson.ex.figures:
        return "\n".join(lines)
    source = lesson.ex.source or "the source"
    if comparisons is None:
        lines += ["", f"[b]The figures printed in {source}[/b]: [i]{PREPARING}[/i]"]
    elif isinstance(comparisons, str):
        lines += ["", f"[b]The figures printed in {source}[/b]: {comparisons}"]
    else:
        good = sum(c.agrees for c in comparisons)
        lines += ["", f"[b]The figures printed in {source}[/b]: {good} of "
                  f"{len(comparisons)} follow from the algorithm as stated."]
        answered = {r.step.id: r.attempts[-1][0].strip() for r in lesson.records if r.done and r.attempts}
        for c in comparisons:
            if not c.agrees:  # a statement about the source, not a mark on the learner's answer
                where = f" after {c.after_iterations:,} updates" if c.after_iterations else ""
                gives = "the run diverged" if c.diverged else f"the algorithm gives {c.value:.10g}"
                lines.append(f"  • {c.id}{where}: printed {c.printed}, {gives}.")
                lines.append(f"    {c.explanation()}")
                if not c.after_iterations and _same_number(answered.get(c.id, ""), c.printed):
                    lines.append("    Your answer was these printed digits: right, within the tolerance of the "
                                 "algorithm's value.")
    return "\n".join(lines)


def _last_answer(lesson: Lesson) -> str:
    """What the last step's answer got: the summary replaces the lesson at once, so its
    verdict is said here too."""
    r = lesson.records[-1] if lesson.records else None
    if r is None or not r.done or r.verdict is None:
        return ""
    if r.revealed:
        return f"  The last step, {r.step.id}: its answer was shown, {r.step.value:.10g}."
    text = r.attempts[-1][0].strip() if r.attempts else ""
    said = r.verdict.message if r.verdict.message.startswith("Right") else f"Right. {r.verdict.message}"
    return f"  Your last answer, {r.step.id} = {escape(text)}: ✓ {escape(said.removesuffix(' Right.'))}"


def _same_number(typed: str, printed: str) -> bool:
    try:
        return Decimal(typed) == Decimal(printed)
    except InvalidOperation:
        return False


class SummaryScreen(Screen):
    BINDINGS = [Binding("t", "train", "Train it"), Binding("escape", "lessons", "Lessons"),
                Binding("f1", "app.help", "Help")]
    TRAINABLE = True  # t opens the training (a room's summary has none: not offered, not shown)
    HELP_TEXT = """[b]The summary[/b]
  How the lesson went: right at the first try, after more
  tries, or shown; the mistakes met; and the post's printed
  figures beside the exact ones.

  t        watch the network train on this lesson's numbers
  Escape   back to the lessons (a finished lesson opens
           here again, or starts again)
  F1       this help
  Ctrl+Q   quit (or Ctrl+C twice)"""

    @dataclass
    class Compared(Message, bubble=False):
        """The printed figures beside ours (or why there are none), from the worker."""
        comparisons: list[Comparison] | str

    def __init__(self, lesson: Lesson):
        super().__init__()
        self.lesson = lesson
        self.comparisons: list[Comparison] | str | None = None
        self.seen = False  # drawn at least once: keys before that were meant for another screen

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="summary"):
            yield Static(Hanging(summary_text(self.lesson, trainable=self.TRAINABLE)), id="summary-text")
        yield SavingNotice()  # the last answers may be waiting to be written: said below the text, not over it
        yield Footer()

    def on_mount(self) -> None:
        self.call_after_refresh(self._drawn)

    def _drawn(self) -> None:
        self.seen = True
        self.refresh_bindings()
        if self.lesson.ex.figures:  # started once the screen is up: the child competes for the CPU
            self._compare()

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        if action == "train" and not self.TRAINABLE:
            return False
        return None if action in ("train", "lessons") and not self.seen else True

    @work(thread=True, exclusive=True, group="summary-compare")
    def _compare(self) -> None:
        from textual.worker import get_current_worker

        from ..lesson.separate import comparisons_of, run_separately

        worker = get_current_worker()
        try:
            # another process: compiling the training kernel holds the GIL for long stretches
            comparisons = run_separately(comparisons_of, str(self.lesson.ex.path), self.lesson.variant,
                                         cancelled=lambda: worker.is_cancelled)
        except Exception as e:  # noqa: BLE001 - said on screen, never a traceback
            comparisons = f"they could not be worked out ({e})."
        if comparisons is not None:
            self.post_message(self.Compared(comparisons))

    def on_summary_screen_compared(self, message: Compared) -> None:
        self.comparisons = message.comparisons
        self.query_one("#summary-text", Static).update(Hanging(summary_text(self.lesson, message.comparisons, self.TRAINABLE)))

    def action_train(self) -> None:
        self.app.open_training(self.lesson.ex)

    def action_lessons(self) -> None:
        self.app.action_home()
