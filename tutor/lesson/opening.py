"""Opening a lesson: fresh, resumed where the store left it, or finished before.

One policy for the app, the command line and the room: the lesson's worked update is
built (so a wrong file is refused before anything opens), then the store's events of the
current attempt are replayed through the same checking. What to do with a lesson finished
before (look at it, or start again) is the caller's choice; start_again records a fresh
attempt.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from .exercise import Exercise, load
from .session import Lesson, exercise_key
from .store import Store
from .variants import variant_worked
from .worked import Worked, build


class State(enum.Enum):
    FRESH = "fresh"          # nothing stored: the first step
    RESUMED = "resumed"      # at the step left, with the earlier answers and hints
    FINISHED = "finished"    # every step was done before: the lesson as it ended


@dataclass
class Opening:
    lesson: Lesson
    state: State

    @property
    def finished(self) -> bool:
        return self.state is State.FINISHED


def worked_for(source: str | Exercise | Worked, variant: str = "") -> Worked:
    """The worked update a lesson is made of. A name or path is loaded and variant
    `variant` of it drawn; an Exercise is taken with the numbers it has; ExerciseError
    for a wrong file."""
    if isinstance(source, Worked):
        return source
    if isinstance(source, Exercise):
        return build(source)
    return variant_worked(load(source), variant)


def open_lesson(source: str | Exercise | Worked, variant: str, store: Store | None,
                kept: dict[tuple[str, str], Lesson] | None = None) -> Opening:
    """The lesson of `source` for learner numbers `variant`, as the store left it.
    `kept`: lessons already open in this process, by (exercise key, variant); an
    unfinished one is taken as it is (it holds answers a store that cannot save lost)."""
    worked = worked_for(source, variant)
    key = (exercise_key(worked.ex), variant)
    lesson = kept.get(key) if kept is not None else None
    if lesson is not None and not lesson.finished:
        return Opening(lesson, State.RESUMED if any(r.attempts or r.hints or r.part_of for r in lesson.records)
                       else State.FRESH)
    lesson = Lesson(worked, variant, store)
    events = store.events(*key) if store is not None else []
    lesson.resume(events)
    if kept is not None:
        kept[key] = lesson
    if lesson.finished:
        return Opening(lesson, State.FINISHED)
    return Opening(lesson, State.RESUMED if events else State.FRESH)


def start_again(opening: Opening, kept: dict[tuple[str, str], Lesson] | None = None) -> Lesson:
    """A fresh attempt at a lesson finished before; the old answers stay in the store."""
    old = opening.lesson
    if old.store is not None:
        old.store.start(old.key, old.variant)
    lesson = Lesson(old.worked, old.variant, old.store)
    if kept is not None:
        kept[(old.key, old.variant)] = lesson
    return lesson
