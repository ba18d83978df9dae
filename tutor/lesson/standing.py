"""Where the learner stands in each lesson of a course, for the home screen: not started,
step k of n, or done with its first-try score.

A lesson with nothing in the store is "not started" without opening it, so a new learner's
home screen needs no engine. The others are replayed through the checker (lesson.opening)
to count their steps: that takes NumPy and some milliseconds per lesson, so the home screen
asks for it from a worker thread.
"""

from __future__ import annotations

from dataclasses import dataclass

from .catalog import Entry
from .store import Store, exercise_key


@dataclass(frozen=True)
class Standing:
    started: bool = False
    finished: bool = False
    done: int = 0        # steps done
    steps: int = 0       # steps the lesson asks
    first_try: int = 0   # of them right at the first try, without the answer shown
    problem: str = ""    # why the lesson cannot be opened now

    def text(self) -> str:
        if self.problem:
            return f"cannot be opened: {self.problem}"
        if self.finished:
            return f"done: {self.first_try} of {self.steps} right at the first try"
        if self.started:
            return f"step {self.done + 1} of {self.steps}"
        return "not started"


NEW = Standing()


def standings(entries: list[Entry], store: Store, variant: str = "") -> dict[str, Standing]:
    """Each entry's standing (by spec) for the learner's numbers `variant`."""
    stored = {(ex, var) for ex, _, var in store.lessons()}
    out = {}
    for entry in entries:
        if entry.problem or (exercise_key(entry.name, entry.path), variant) not in stored:
            out[entry.spec] = NEW
            continue
        from .exercise import ExerciseError
        from .opening import open_lesson

        try:
            lesson = open_lesson(entry.spec, variant, store).lesson
        except ExerciseError as e:
            out[entry.spec] = Standing(problem=e.problem)
            continue
        out[entry.spec] = of_lesson(lesson)
    return out


def of_lesson(lesson) -> Standing:
    """Where the learner stands in a lesson open in this run (no replay needed)."""
    records = lesson.records
    return Standing(True, lesson.finished, sum(r.done for r in records), len(records),
                    sum(r.first_try for r in records))
