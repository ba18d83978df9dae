"""The lesson: the network, the question, the answer box, feedback and progress."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import ScrollableContainer
from textual.screen import Screen
from textual.widgets import Footer, Input, Static

from ..engine.steps import identifier
from ..lesson.checking import Verdict
from ..lesson.picture import shown
from ..lesson.session import Lesson
from .answer_box import AnswerBox
from .dialogs import LookBackScreen
from .network_view import NetworkView
from .saving import SavingNotice

MARKS = {  # a mark and a word for every outcome, never colour alone
    "right": ("✓ Right.", "-right"),
    "more_digits": ("… More digits.", "-more"),
    "mistake": ("✗ Not yet.", "-wrong"),
    "wrong": ("✗ Not yet.", "-wrong"),
    "invalid": ("! Not readable.", "-invalid"),
}


def mark(status: str) -> str:
    """An outcome's mark alone (✓ ✗ … !), as look back shows it beside each answer."""
    return MARKS[status][0].split(" ")[0] if status in MARKS else ""


def show_feedback(box: Static, status: str, message: str, before: str = "", after: str = "",
                  one_try: bool = False) -> None:
    """The feedback line: a mark and a word, the message, then what to keep in mind.
    With one try (the quiz) a wrong answer is "Not right", not "Not yet"."""
    mark, cls = MARKS.get(status, ("", "-hint"))
    if one_try and mark == "✗ Not yet.":
        mark = "✗ Not right."
    box.set_classes(cls)
    text = Text()
    if mark:
        text.append(mark + " ", style="bold")
    text.append(before + message)
    if after:
        text.append("  " + after, style="bold")
    box.update(text)


def placeholder(step, known: dict[str, float]) -> str:
    """An example that fits the step and is not its answer: the names it is made from that
    an answer may use now (a name the lesson never asks is not offered)."""
    names = list(dict.fromkeys(d for d in step.depends if d != "eta" and identifier(d) in known))
    if not names and step.depends:  # E_total+ before its pass is worked: what it is made from, and how
        parts = ", ".join(step.depends[:3]) + (", …" if len(step.depends) > 3 else "")
        return f"a number (0.1234), or F4 to work out {parts} first"
    if not names:
        return "a number (0.1234) or an expression"
    if len(names) > 6:  # a wide layer: a few, said to be a few (a cut list read as the whole)
        return f"a number (0.1234) or an expression with names such as {', '.join(names[:3])}"
    return f"a number (0.1234) or an expression using {', '.join(names)}"


class LessonScreen(Screen):
    BINDINGS = [
        Binding("f2", "hint", "Hint", priority=True),
        Binding("f4", "breakdown", "Break down", priority=True),
        Binding("f3", "look_back", "Look back", priority=True),
        Binding("f1", "app.help", "Help", priority=True),
        Binding("escape", "app.home", "Lessons", priority=True),
    ]

    def __init__(self, lesson: Lesson):
        super().__init__()
        self.lesson = lesson

    def compose(self) -> ComposeResult:
        ex = self.lesson.ex
        yield Static(id="progress")
        with ScrollableContainer(id="picture"):  # a wide net scrolls sideways, never wraps
            yield NetworkView(ex.network.sizes, ex.network.bias, len(ex.X), id="network")
        yield Static(id="question")
        yield AnswerBox(id="answer")
        yield Static(id="feedback")
        yield SavingNotice()
        # the lesson's keys take the whole of an 80-column footer: the command palette (Ctrl+P,
        # nothing a lesson needs) is left out of it, which went one cell past the edge
        yield Footer(show_command_palette=False)

    def on_mount(self) -> None:
        self.refresh_view()
        self.query_one(Input).focus()
        # the summary and training use the compiled loop: get it ready in the background now
        # (on the first run after installing it compiles for seconds, in its own process)
        from ..engine import kernel_loader
        kernel_loader.warm_in_background()

    def on_resize(self) -> None:
        # the picture is as wide as its drawing, so a narrower terminal does not resize it:
        # it learns here that its box changed, once the new layout is made
        view = self.query_one(NetworkView)
        self.call_after_refresh(view.redraw)

    # --- drawing -----------------------------------------------------------------------
    def refresh_view(self) -> None:
        lesson = self.lesson
        done = sum(r.done for r in lesson.records)
        first = sum(r.first_try for r in lesson.records)
        r = lesson.current
        where = f"step {min(lesson.index + 1, len(lesson.records))} of {len(lesson.records)}"
        self.query_one("#progress", Static).update(Text.assemble(
            (f"{where}  ·  first try {first}/{done}", "bold"),
            f"  ·  {lesson.variant}'s numbers" if lesson.variant else "", f"  ·  {lesson.ex.title}"))
        picture = shown(lesson)
        self.query_one(NetworkView).show(picture.values, picture.path, picture.asking, picture.cols)
        if r:
            self.query_one(AnswerBox).placeholder = placeholder(r.step, lesson.known())
            q = Text()
            q.append(f"{r.step.symbol}", style="bold")
            if "eta" in r.step.depends:  # an update: the learning rate it takes, in sight
                q.append(f"   learning rate η = {lesson.given['eta']:g}")
            if r.part_of:  # asked by a breakdown (F4)
                q.append(f"   (first, for {r.part_of})")
            q.append("\n" + lesson.question(r))
            # the hints of this step stay in sight, each below the one before
            for stage in range(1, min(r.hints, 2) + 1):
                text = lesson.hint_text(r, stage)
                if stage == 1:  # its first sentence is the question, already on screen
                    text = text.removeprefix(lesson.question(r)).strip()
                q.append(f"\nHint {stage} of 3: ", style="bold")
                q.append(text)
            question = self.query_one("#question", Static)
            question.update(q)
            if r.hints:  # the newest hint in sight, should the question's area be too short for all
                question.call_after_refresh(question.scroll_end, animate=False)

    def say(self, status: str, message: str, extra: str = "") -> None:
        show_feedback(self.query_one("#feedback", Static), status, message, after=extra)

    # --- acting ------------------------------------------------------------------------
    def on_input_submitted(self, event: Input.Submitted) -> None:
        step = self.lesson.current
        if step is None:
            return
        verdict: Verdict = self.lesson.submit(event.value)
        extra = f"{step.step.id} = {step.step.value:.10g}" if verdict.credited else ""
        self.query_one(AnswerBox).answered(event.value, verdict.credited)
        message = "" if verdict.message == "Right." else verdict.message
        self.say(verdict.status, message, extra)
        self.refresh_view()
        if self.lesson.finished:
            self.app.show_summary(self.lesson)

    def action_hint(self) -> None:
        if self.lesson.current is None:
            return
        stage, text = self.lesson.hint()
        if stage < 3:  # shown with the question, where the earlier hints stay
            self.say("hint", f"Hint {stage} of 3 is under the question; F2 again for "
                     + ("the formula with the numbers." if stage == 1 else "the answer (no first-try credit)."))
            self.refresh_view()
            return
        self.say("hint", f"Answer shown. {text}")
        if stage == 3:
            self.query_one(AnswerBox).answered(self.query_one(AnswerBox).value, True)
            self.refresh_view()
            if self.lesson.finished:
                self.app.show_summary(self.lesson)

    def action_breakdown(self) -> None:
        """F4: what the step is made from and is not known yet is asked first (the lesson
        decides; the progress line's "of n" grows)."""
        if self.lesson.current is None:
            return
        parts, text = self.lesson.breakdown()
        if parts:
            self.query_one(AnswerBox).answered(self.query_one(AnswerBox).value, True)
        self.say("hint", text)
        self.refresh_view()

    def action_look_back(self) -> None:
        rows = []
        for r in self.lesson.records:
            if not r.attempts and not r.done:
                continue
            result = ("✓ first try" if r.first_try else "shown" if r.revealed
                      else "✓ retried" if r.done else "open")
            if r.hints and not r.revealed:   # the hints taken stay part of how it went
                result += f", {r.hints} hint" + ("s" if r.hints > 1 else "")
            given = [(mark(status), text) for text, status in r.attempts]
            rows.append((r.step.id, given, result, f"{r.step.value:.9g}" if r.done else "?"))
        self.app.push_screen(LookBackScreen(rows))
