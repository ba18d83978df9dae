"""The state of a live run, with the mark and word the screen shows for it."""

from __future__ import annotations

from enum import Enum


class Status(Enum):
    """Each status carries its mark, so a new one cannot be added without one."""
    PAUSED = "paused", "❚❚"
    RUNNING = "running", "▶"
    DONE = "done", "✓"
    STUCK = "stuck", "⚠"
    DIVERGED = "diverged", "!"

    def __init__(self, word: str, mark: str):
        self.word, self.mark = word, mark

    @property
    def can_run(self) -> bool:
        """Space starts training from here (a stuck run may go on; done and blown-up runs
        need r, or a change of learning rate for the latter)."""
        return self in (Status.PAUSED, Status.STUCK)
