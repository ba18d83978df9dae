"""The teacher's dashboard: the room live, read from the store in a worker every two seconds.

One row per learner, one column per step of the lesson shown; who is stuck; the room's
known mistakes by step; the gradebook and answer log written on request.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from rich.text import Text
from textual import work
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.widgets import DataTable, Footer, Static

from ..room.board import Board, asked_step_ids, make_board
from ..room.config import RoomConfig

REFRESH = 2.0  # seconds between two readings of the store

# a mark for every state, never colour alone
MARKS = {
    "first": ("✓", "green"),
    "retried": ("✗", "yellow"),      # done after mistakes
    "hinted": ("h", "cyan"),
    "shown": ("s", "magenta"),
    "current": ("▸", "bold"),
    "": ("·", "dim"),
}
LEGEND = "✓ first try   ✗ right after mistakes   h hinted   s shown   ▸ current   · not yet"


def step_marks(states: list[str]) -> Text:
    """A mark per step, in groups of eight."""
    text = Text()
    for i, state in enumerate(states):
        if i and i % 8 == 0:
            text.append(" ")
        text.append(*MARKS[state])
    return text


def step_ruler(n: int) -> str:
    """The steps column's header: the number of the first step of each group of eight."""
    return "".join(f"{i + 1:<9}" for i in range(0, n, 8)).rstrip() or "steps"


@dataclass
class BoardReady(Message):
    board: Board
    online: dict[str, float]


class Dashboard(App):
    CSS = """
    #room-head { height: auto; padding: 0 1; background: $boost; }
    #legend { height: 1; padding: 0 1; color: $text-muted; }
    #learners { height: 1fr; }
    #mistakes { height: auto; max-height: 12; padding: 0 1; border-top: solid $primary-darken-2; }
    """
    TITLE = "bptutor room"
    ENABLE_COMMAND_PALETTE = False
    BINDINGS = [
        Binding("n", "next_lesson", "Next lesson"),
        Binding("g", "gradebook", "Write gradebook"),
        Binding("ctrl+c,ctrl+q", "close_room", "Close the room", priority=True),
    ]

    def __init__(self, room: RoomConfig, address: str, folder: Path,
                 online: Callable[[], dict[str, float]] = dict,
                 write_gradebook: Callable[[], list[Path]] | None = None, clock: Callable[[], float] = time.time):
        super().__init__()
        self.room, self.address, self.folder = room, address, folder
        self.online, self.write_gradebook, self.clock = online, write_gradebook, clock
        self.steps: dict[str, list[str]] | None = None
        self.board: Board | None = None
        self.shown_lesson = 0

    def compose(self) -> ComposeResult:
        yield Static(self.head(None, {}), id="room-head")
        yield Static(LEGEND, id="legend")
        yield DataTable(id="learners", zebra_stripes=True, cursor_type="row")
        yield Static("Preparing the room's lessons…", id="mistakes")
        yield Footer()

    def on_mount(self) -> None:
        self.read_board()
        self.set_interval(REFRESH, self.read_board)

    # --- reading, off the UI thread --------------------------------------------------------
    @work(thread=True, exclusive=True, group="board")
    def read_board(self) -> None:
        if self.steps is None:
            self.steps = asked_step_ids(self.room)  # imports the engine: once, here
        self.post_message(BoardReady(make_board(self.room, self.steps, self.clock()), self.online()))

    def on_board_ready(self, message: BoardReady) -> None:
        self.board = message.board
        self.show(message.board, message.online)

    # --- drawing ---------------------------------------------------------------------------
    def head(self, board: Board | None, online: dict[str, float]) -> Text:
        r = self.room
        learners = {row.learner for row in board.rows} if board else set()
        hints = {0: "no hints", 1: "1 hint a step", 2: "2 hints a step"}[r.hints]
        text = Text.assemble(("Room ", ""), (r.room, "bold"), "   code ", (r.code, "bold reverse"),
                             "   learners open ", (self.address, "bold underline"))
        text.append(f"\n{len(learners | set(online))} joined, {len(online)} online · {hints}, answers "
                    f"{'may be shown' if r.reveal else 'never shown'} · "
                    f"{'a variant per learner' if r.variants else 'the same numbers for all'} · "
                    f"at most {r.max_learners} learners")
        return text

    def show(self, board: Board, online: dict[str, float]) -> None:
        self.query_one("#room-head", Static).update(self.head(board, online))
        specs = list(board.steps)
        spec = specs[self.shown_lesson % len(specs)] if specs else ""
        steps = board.steps.get(spec, [])
        title = self.room.titles[self.shown_lesson % len(specs)] if self.room.titles and specs else spec
        table = self.query_one(DataTable)
        table.clear(columns=True)
        table.add_column("learner", key="learner")
        table.add_column("on", key="online")
        table.add_column("done", key="done")
        table.add_column("1st", key="first")
        table.add_column(step_ruler(len(steps)), key="steps")
        table.add_column("now at", key="at")
        rows = {row.learner: row for row in board.rows if row.exercise == spec}
        for learner in sorted(set(rows) | set(online), key=str.lower):
            row = rows.get(learner)
            dot = "●" if learner in online else " "
            if row is None:  # joined, nothing answered yet
                marks = ["current"] + [""] * (len(steps) - 1) if steps else []
                table.add_row(learner, dot, f"0/{len(steps)}", "0", step_marks(marks), steps[0] if steps else "",
                              key=learner)
                continue
            marks = ["current" if s == row.current else (row.states[s].mark if s in row.states else "")
                     for s in steps]
            stuck = row.stuck(board.at)
            at = Text(f"stuck: {stuck}", style="bold red") if stuck else Text(row.current or "finished")
            table.add_row(learner, dot, f"{row.done}/{len(steps)}", str(row.first_try), step_marks(marks), at,
                          key=learner)
        lines = Text()
        mistakes = [m for m in board.mistakes if m.exercise == spec]
        lines.append(f"{title}: mistakes in the room", style="bold")
        if not mistakes:
            lines.append("  none yet")
        for m in mistakes[:6]:
            lines.append(f"\n  {m}")
        if steps and self.size.height >= 40:  # the steps by number, when there is room for them
            lines.append("\nSteps: " + "  ".join(f"{i + 1} {s}" for i, s in enumerate(steps)), style="dim")
        self.query_one("#mistakes", Static).update(lines)

    # --- acting ----------------------------------------------------------------------------
    def action_next_lesson(self) -> None:
        self.shown_lesson += 1
        if self.board is not None:
            self.show(self.board, self.online())

    def action_gradebook(self) -> None:
        self._write_gradebook()

    @work(thread=True, exclusive=True, group="gradebook")
    def _write_gradebook(self) -> None:
        if self.write_gradebook is None:
            return
        try:
            paths = self.write_gradebook()
        except OSError as e:
            self.call_from_thread(self.notify, f"The gradebook could not be written: {e}", severity="error",
                                  timeout=10)
            return
        self.call_from_thread(self.notify, "Written: " + ", ".join(str(p) for p in paths), timeout=10)

    def action_close_room(self) -> None:
        self.exit()
