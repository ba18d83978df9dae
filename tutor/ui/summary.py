"""When the update is done: how it went, and the source's printed figures beside ours."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Static

from ..lesson.session import Lesson


def summary_text(lesson: Lesson) -> str:
    s = lesson.summary()
    lines = [
        f"[b]{lesson.ex.title}: the update is done.[/b]",
        "",
        f"  Right at the first try:  {s.first_try} of {s.asked}",
        f"  Hints used:              {s.hints}",
        f"  Answers shown:           {s.revealed}",
        f"  E_total before:          {s.error_before:.9g}",
        f"  E_total after:           {s.error_after:.9g}   (one update, learning rate "
        f"{lesson.ex.settings.learning_rate:g})",
        "",
    ]
    if s.mistakes:
        lines.append("  Mistakes met (each was explained when it happened):")
        lines += [f"    • {name}" + (f" ×{n}" if n > 1 else "") for name, n in s.mistakes.items()]
    else:
        lines.append("  No known mistakes met.")
    from ..lesson.workshop import completion_code

    code = completion_code(lesson.key, lesson.variant, s.first_try, s.asked)
    who = f" (variant {lesson.variant})" if lesson.variant else ""
    lines += ["", f"  Completion code{who}: [b]{code}[/b]   (your teacher can check it with bptutor verify)",
              "  [dim]It checks that a score is reported honestly; it is no proof: anyone who reads bptutor's "
              "source can make one.[/dim]",
              "", "  Press t to watch this update repeated: the network trained live."]
    if s.comparisons:
        good = sum(c.agrees for c in s.comparisons)
        lines += ["", f"[b]The figures printed in {lesson.ex.source or 'the source'}[/b]: {good} of "
                  f"{len(s.comparisons)} follow from the algorithm as stated."]
        for c in s.comparisons:
            if not c.agrees:
                where = f" after {c.after_iterations:,} updates" if c.after_iterations else ""
                gives = "the run diverged" if c.diverged else f"the algorithm gives {c.value:.10g}"
                lines.append(f"  ✗ {c.id}{where}: printed {c.printed}, {gives}.")
                lines.append(f"    {c.explanation()}")
    return "\n".join(lines)


class SummaryScreen(Screen):
    BINDINGS = [Binding("t", "train", "Train it"), Binding("escape,enter", "app.home", "Lessons"),
                Binding("f1", "app.help", "Help")]

    def action_train(self) -> None:
        self.app.open_training(self.lesson.ex)

    def __init__(self, lesson: Lesson):
        super().__init__()
        self.lesson = lesson

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="summary"):
            yield Static(summary_text(self.lesson), id="summary-text")
        yield Footer()
