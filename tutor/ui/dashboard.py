"""The teacher's dashboard: the room live, read from the store in a worker every two seconds.

One row per learner who came in (answering, idle, joined before a first answer, or gone, with
when last seen), a mark per step of the lesson shown (wrapped to the terminal's width, each
line numbered, so every step of a long lesson is on screen), where each learner is and what
they tried there; who is stuck; the room's known mistakes by step; the gradebook and answer
log written on request.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from rich.cells import cell_len
from rich.text import Text
from textual import work
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.css.query import NoMatches
from textual.widgets import DataTable, Footer, Static

from ..room.board import Board, Presence, make_board, room_lessons
from ..room.config import RoomConfig

REFRESH = 2.0  # seconds between two readings of the store
NAME_WIDE = 20   # a longer learner's name wraps in its cell
AT_NARROW = 16   # "now at" is given at least this much before the marks wrap ...
AT_WIDE = 28     # ... and at most this much once they do
CLOSE_AGAIN = 5.0   # seconds within which a second Ctrl+C closes the room
COMPACT_AFTER = 1   # lines of marks a learner: more, and the board starts compact (c: every step)

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


def step_marks(states: list[str], per_line: int | None = None) -> Text:
    """A mark per step, in groups of eight; `per_line` groups a line (None: one line). When
    the marks take several lines, each starts with the number of its first step, so every
    step of a long lesson is on screen and can be counted."""
    groups = [states[i:i + 8] for i in range(0, len(states), 8)]
    per_line = per_line or max(len(groups), 1)
    lines = [groups[i:i + per_line] for i in range(0, len(groups), per_line)]
    width = len(str(len(states)))
    text = Text()
    for k, line in enumerate(lines):
        if k:
            text.append("\n")
        if len(lines) > 1:
            text.append(f"{k * per_line * 8 + 1:>{width}} ", style="dim")
        for j, group in enumerate(line):
            if j:
                text.append(" ")
            for state in group:
                text.append(*MARKS[state])
    return text


def step_ruler(n: int, per_line: int | None = None) -> str:
    """The steps column's header: the number of the first step of each group of eight (of the
    first line, after the room the lines' own numbers take, when the marks wrap)."""
    groups = (n + 7) // 8
    per_line = per_line or max(groups, 1)
    ruler = "".join(f"{i * 8 + 1:<9}" for i in range(min(per_line, groups))).rstrip() or "steps"
    return (" " * (len(str(n)) + 1) + ruler) if groups > per_line else ruler


def window(states: list[str], per_line: int) -> Text:
    """The compact form: one line of `per_line` groups, the one with the current step in it
    (finished: the last step done; not started: the first), after as many groups before it as
    fit; numbered by its first step."""
    groups = (len(states) + 7) // 8
    marked = [i for i, state in enumerate(states) if state]   # the current step, else the last done, else 1
    at = (states.index("current") if "current" in states else marked[-1] if marked else 0) // 8
    start = max(0, min(at - per_line + 1, groups - per_line))
    text = Text(f"{start * 8 + 1:>{len(str(len(states)))}} ", style="dim")
    text.append_text(step_marks(states[start * 8:(start + per_line) * 8]))
    return text


def as_fits(head: str, items: list[str], between: str, width: int) -> str:
    """head and the first items that fit `width` cells (at least one): never an item cut in two."""
    line = head + items[0]
    for item in items[1:]:
        if cell_len(line + between + item) > width:
            break
        line += between + item
    return line


def groups_per_line(n: int, width: int) -> int:
    """How many groups of eight marks fit `width` cells (a line's number taken off when
    they do not all fit on one line); at least one."""
    groups = (n + 7) // 8
    if 9 * groups - 1 <= width:
        return max(groups, 1)
    return max(1, (width - len(str(n)) - 1 + 1) // 9)


@dataclass
class BoardReady(Message):
    board: Board


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
        Binding("c", "compact", "Compact / all steps"),
        Binding("ctrl+c,ctrl+q", "close_room", "Close the room (twice)", priority=True),
    ]

    def __init__(self, room: RoomConfig, address: str, folder: Path,
                 presence: Callable[[], dict[str, Presence]] = dict,
                 write_gradebook: Callable[[], list[Path]] | None = None, clock: Callable[[], float] = time.time):
        super().__init__()
        self.room, self.address, self.folder = room, address, folder
        self.presence, self.write_gradebook, self.clock = presence, write_gradebook, clock
        self.steps: dict[str, list[str]] | None = None
        self.names: dict[str, str] = {}   # the store's name for an exercise -> as the teacher named it
        self.board: Board | None = None
        self.shown_lesson = 0
        self.close_asked = float("-inf")   # when Ctrl+C was pressed last
        self.showing_compact = False
        self.compact: bool | None = None   # a line per learner, the marks near the current step;
        # None: when every step would take more than COMPACT_AFTER lines

    def compose(self) -> ComposeResult:
        yield Static(self.head(None), id="room-head")
        yield Static(LEGEND, id="legend")
        yield DataTable(id="learners", zebra_stripes=True, cursor_type="row")
        yield Static("Preparing the room's lessons…", id="mistakes")
        yield Footer()

    def on_mount(self) -> None:
        self.read_board()
        self.set_interval(REFRESH, self.read_board)

    def on_resize(self) -> None:
        if self.board is not None:   # the marks wrap to the new width
            self.show(self.board)

    # --- reading, off the UI thread --------------------------------------------------------
    @work(thread=True, exclusive=True, group="board")
    def read_board(self) -> None:
        if self.steps is None:
            lessons = room_lessons(self.room)  # imports the engine: once, here
            self.names = {key: name for key, name, _ in lessons}
            self.steps = {key: steps for key, _, steps in lessons}
        self.post_message(BoardReady(make_board(self.room, self.steps, self.clock(), self.presence())))

    def on_board_ready(self, message: BoardReady) -> None:
        self.board = message.board
        try:
            self.show(message.board)
        except NoMatches:  # the room is closing: its widgets went before the last reading came
            pass

    # --- drawing ---------------------------------------------------------------------------
    def head(self, board: Board | None) -> Text:
        r = self.room
        hints = {0: "no hints", 1: "1 hint a step", 2: "2 hints a step"}[r.hints]
        text = Text.assemble(("Room ", ""), (r.room, "bold"), "   code ", (r.code, "bold reverse"),
                             "   learners open ", (self.address, "bold underline"))
        if board is None:
            text.append("\nReading the room…")
        elif not board.people:
            text.append("\nNobody has come in yet")
        else:
            counts = board.counts()
            here = {p.learner for p in board.people if p.state != "gone"}
            stuck = sum(row.learner in here and bool(row.stuck(board.at)) for row in board.rows)
            text.append(f"\n{len(board.people)} came in: " + ", ".join(f"{n} {state}" for state, n in counts.items())
                        + (f" · {stuck} stuck" if stuck else ""))
        text.append(f" · {hints}, answers {'may be shown' if r.reveal else 'never shown'} · "
                    f"{'a variant per learner' if r.variants else 'the same numbers for all'} · "
                    f"at most {r.max_learners} learners")
        return text

    def show(self, board: Board) -> None:
        self.query_one("#room-head", Static).update(self.head(board))
        specs = list(board.steps)
        spec = specs[self.shown_lesson % len(specs)] if specs else ""
        steps = board.steps.get(spec, [])
        title = self.room.titles[self.shown_lesson % len(specs)] if self.room.titles and specs else spec
        rows = {row.learner: row for row in board.rows if row.exercise == spec}
        elsewhere = {row.learner: row for row in sorted(board.rows, key=lambda r: r.last_at)}  # the latest lesson
        lines = []   # (learner, status, done, first, marks, where)
        for person in board.people:
            row = rows.get(person.learner)
            status = person.status(board.at)
            if row is not None:
                marks = ["current" if s == row.current else (row.states[s].mark if s in row.states else "")
                         for s in steps]
                here = person.state != "gone"
                step, details = row.where(board.at, present=here)
                where = Text(step)
                if details:
                    where.append(f": {details}", style="bold red" if here and row.stuck(board.at) else "")
                lines.append((person.learner, status, f"{row.done}/{len(steps)}", str(row.first_try), marks, where))
                continue
            other = elsewhere.get(person.learner)
            if other is not None:       # working on another of the room's lessons
                name = self.names.get(other.exercise, other.exercise)
                where = Text(f"in {name}: {other.current or 'finished'}")
                marks = [""] * len(steps)
            elif len(specs) == 1 and person.state != "gone":   # the lesson opens as they come in
                where, marks = Text(steps[0] if steps else ""), (["current"] + [""] * (len(steps) - 1) if steps else [])
            else:
                where, marks = Text("not started"), [""] * len(steps)
            lines.append((person.learner, status, f"0/{len(steps)}", "0", marks, where))

        # the marks on one line when they fit beside the other columns, "now at" wrapping
        # within what is left; else "now at" at most AT_WIDE and the marks wrapped, each line
        # numbered. A row is as tall as its tallest cell.
        table = self.query_one(DataTable)
        fixed = [min(max([cell_len(str(line[i])) for line in lines] + [len(label)]), cap)
                 for i, label, cap in ((0, "learner", NAME_WIDE), (1, "status", 99), (2, "done", 99), (3, "1st", 99))]
        natural = max([cell_len(line[5].plain) for line in lines] + [len("now at")])
        free = self.size.width - sum(fixed) - 2 * table.cell_padding * 6 - 2   # 2: the scrollbar
        one_line = 9 * ((len(steps) + 7) // 8) - 1
        if free - one_line >= min(natural, AT_NARROW):
            at_width = min(natural, free - one_line)
            per_line = None
        else:
            at_width = min(natural, AT_WIDE)
            per_line = groups_per_line(len(steps), free - at_width)

        kept_row = kept_y = None
        if table.row_count:
            kept_row = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
            kept_y = table.scroll_y
        table.clear(columns=True)
        table.add_column("learner", key="learner", width=fixed[0])
        table.add_column("status", key="status")
        table.add_column("done", key="done")
        table.add_column("1st", key="first")
        lines_each = -(-((len(steps) + 7) // 8) // per_line) if per_line else 1
        compact = per_line is not None and (self.compact if self.compact is not None else lines_each > COMPACT_AFTER)
        table.add_column(f"{'':>{len(str(len(steps)))}} near ▸ (c: all)" if compact
                         else step_ruler(len(steps), per_line), key="steps")
        table.add_column("now at", key="at", width=at_width)
        self.showing_compact = compact
        for learner, status, done, first, marks, where in lines:
            text = window(marks, per_line) if compact else step_marks(marks, per_line)
            if where.cell_len > at_width and ": " in where.plain:   # the step on a line, what was tried below
                cut = where.plain.index(": ")
                where = Text.assemble(where[:cut], "\n", where[cut + 2:])
            height = max(len(text.plain.split("\n")), len(where.wrap(self.console, at_width)),
                         len(Text(learner).wrap(self.console, fixed[0])))
            table.add_row(Text(learner), status, done, first, text, where, key=learner, height=height)
        if kept_row is not None:   # read again every two seconds: the teacher's place in the table stays
            keys = [line[0] for line in lines]
            if kept_row in keys:
                table.move_cursor(row=keys.index(kept_row), animate=False, scroll=False)
            table.call_after_refresh(table.scroll_to, y=kept_y, animate=False)

        text = Text()
        mistakes = [m for m in board.mistakes if m.exercise == spec]
        which = f"Lesson {self.shown_lesson % len(specs) + 1} of {len(specs)}, " if len(specs) > 1 else ""
        text.append(f"{which}{title}: mistakes in the room", style="bold")
        if not mistakes:
            text.append("  none known yet")
        for m in mistakes[:5]:
            text.append(f"\n  {m}")
        hard = [str(h) for h in board.hard if h.exercise == spec]
        if hard:   # plain wrong answers too, which no known mistake names; as many as fit a line
            text.append("\n" + as_fits("  wrong answers, by step: ", hard, " · ", self.size.width - 2))
        numbered = "Steps: " + "  ".join(f"{i + 1} {s}" for i, s in enumerate(steps))
        if steps and self.size.height >= 40 and len(Text(numbered).wrap(self.console, self.size.width - 2)) <= 3:
            text.append("\n" + numbered, style="dim")   # the steps by number, when there is room for them
        self.query_one("#mistakes", Static).update(text)

    # --- acting ----------------------------------------------------------------------------
    def action_next_lesson(self) -> None:
        self.shown_lesson += 1
        if self.board is not None:
            self.show(self.board)

    def action_compact(self) -> None:
        """A long lesson on a narrow terminal: a line per learner (the marks around the current
        step), or every step, wrapped."""
        self.compact = not self.showing_compact
        if self.board is not None:
            self.show(self.board)

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
        """Ctrl+C twice: once by habit (to copy, to stop something) must not end a workshop."""
        now = self.clock()
        if now - self.close_asked <= CLOSE_AGAIN:
            self.exit()
            return
        self.close_asked = now
        self.notify(f"Press Ctrl+C again within {CLOSE_AGAIN:g} seconds to close the room: every learner is "
                    "disconnected (their answers are kept; opening the room again by its name lets them back in).",
                    title="Close the room?", timeout=CLOSE_AGAIN)
