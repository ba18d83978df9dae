"""A lesson being opened: the screen shown meanwhile, and the worker's message.

Opening a lesson builds its worked update and replays the learner's stored answers
(lesson.opening); with the first NumPy import on a cold start, or a few hundred stored
answers to replay, that is up to a second or more, so the app does it in a worker and
shows this screen over the one the learner came from. Keys typed meanwhile come to this
screen, which has nothing to focus: Escape goes back, Ctrl+Q quits (the app's binding),
anything else is dropped. The worker's message comes after every key typed before it, so
nothing typed while waiting reaches a lesson the learner has not seen yet.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import LoadingIndicator, Static

if TYPE_CHECKING:
    from ..lesson.opening import Opening


@dataclass
class Request:
    """One lesson asked for: what to open, with whose numbers, and how (see BPTutorApp._start)."""
    source: object             # a bundled name or a path (str), an Exercise or a Worked
    variant: str
    title: str
    only_unfinished: bool
    quiet: bool
    leave: bool = False        # the lesson the app was started for: refused, the app ends (exit status 2)


@dataclass
class LessonOpened(Message):
    """From the worker: the lesson as the store left it (fresh, resumed, or finished before)."""
    request: Request
    opening: "Opening"


@dataclass
class LessonRefused(Message):
    """From the worker: the file is wrong; `why` is ExerciseError's one line."""
    request: Request
    why: str


def title_of(source: object) -> str:
    """What the learner asked for, in the words the home screen used: a bundled lesson's
    title (read without loading it), an exercise's own title, or the file's name."""
    from pathlib import Path

    from ..lesson.catalog import bundled, peek

    if isinstance(source, str):
        if source in bundled():
            info = peek(source)
            return info[0] if isinstance(info, tuple) else source
        return _file_title(Path(source))
    ex = getattr(source, "ex", source)   # a Worked has its Exercise as .ex
    return getattr(ex, "title", "") or "the lesson"


def _file_title(path: "Path") -> str:
    """A teacher's file: its title if a small TOML file says one (the worker refuses a
    wrong file with the reason), else its name."""
    import tomllib

    try:
        if path.stat().st_size <= 64_000:
            title = tomllib.loads(path.read_text(encoding="utf-8")).get("title")
            if isinstance(title, str) and title.strip():
                return title.strip()
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        pass
    return path.name


class PreparingScreen(ModalScreen[None]):
    """'Preparing <title>…' over the screen the learner came from, until the lesson opens."""

    BINDINGS = [Binding("escape", "cancel", "Back")]
    DEFAULT_CSS = """
    PreparingScreen {
        align: center middle;
    }
    PreparingScreen > Vertical {
        width: 60;
        max-width: 90%;
        height: auto;
        border: round $primary;
        background: $surface;
        padding: 0 1;
    }
    PreparingScreen LoadingIndicator {
        height: 1;
    }
    PreparingScreen #preparing-keys {
        color: $text-muted;
    }
    """

    def __init__(self, title: str):
        super().__init__()
        self.title = title

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Text(f"Preparing {self.title}…"), id="preparing-title")  # a title is no markup
            yield LoadingIndicator()
            yield Static("Escape: back    Ctrl+Q: quit", id="preparing-keys")

    def action_cancel(self) -> None:
        self.app.cancel_opening()
