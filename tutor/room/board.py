"""What the teacher sees of a room, worked out from the store: per learner and step how it
went, who is stuck, the room's mistakes, the gradebook and the answer log.

Read from the store's events only (no replay through the checker: the verdicts are stored),
so a board for 40 learners takes milliseconds. The gradebook and answer log are the store's
own (lesson.workshop). No Textual here.
"""

from __future__ import annotations

import sqlite3
import time
from dataclasses import dataclass, field
from pathlib import Path

from .config import RoomConfig

CREDITED = ("right", "follow_through")
STUCK_TRIES = 3          # answers on one step without getting it
STUCK_MINUTES = 5        # minutes on one step since the last thing done before it
IDLE_CAP = 300           # seconds: a longer pause between two events counts as this much time spent
IDLE_AFTER = 120         # seconds without a key or an answer before an online learner is idle


@dataclass
class Ev:
    learner: str
    exercise: str
    variant: str
    step: str
    kind: str            # answer | hint | start
    text: str | None
    verdict: str | None
    mistake: str | None
    hints: int | None
    at: float


# --- reading the store ---------------------------------------------------------------------------
def read_events(room: RoomConfig) -> list[Ev]:
    """Every event of the room, in order, from the teacher's store (lessons only, not quizzes)."""
    rows = _query(Path(room.home) / "progress.db", "SELECT learner, exercise, variant, step, kind, text, verdict, "
                  "mistake, hints, at FROM events WHERE room = ? AND mode = 'lesson' ORDER BY seq", (room.room,))
    return [Ev(*r) for r in rows or []]


def read_joins(room: RoomConfig) -> dict[str, float]:
    """When each learner last came into the room (their lesson process started): learners
    who left before a first answer are known by this alone."""
    rows = _query(Path(room.home) / "progress.db", "SELECT learner, max(at) FROM events WHERE room = ? "
                  "AND kind = 'join' GROUP BY learner", (room.room,))
    return dict(rows or [])


def _query(path: Path, sql: str, args: tuple) -> list[tuple] | None:
    """Rows, or None when the file or the columns are not there. Read-only: the dashboard
    never holds a write lock the learners' processes would wait for."""
    if not path.exists():
        return None
    try:
        db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=5)
    except sqlite3.Error:
        return None
    try:
        return db.execute(sql, args).fetchall()
    except sqlite3.Error:
        return None
    finally:
        db.close()


# --- one learner's lesson --------------------------------------------------------------------------
@dataclass
class StepState:
    answers: list[tuple[str, str]] = field(default_factory=list)   # (text, verdict)
    hints: int = 0               # the furthest hint stage (3: the answer was shown)
    hinted: int = 0              # hints given (stages 1 and 2; showing the answer is not one)
    done: bool = False

    @property
    def mark(self) -> str:
        """first | retried | hinted | shown | '' (open)."""
        if not self.done:
            return ""
        if self.hints >= 3:
            return "shown"
        if self.hinted:
            return "hinted"
        return "first" if self.answers and self.answers[0][1] in CREDITED else "retried"


@dataclass
class LessonRow:
    learner: str
    exercise: str
    variant: str
    states: dict[str, StepState]
    current: str | None          # the step being worked on (None: finished)
    tries_on_current: int
    arrived: float | None        # when the learner reached the current step (None: unknown)
    first_at: float
    last_at: float
    seconds: float               # time spent: gaps between events, each at most IDLE_CAP
    mistakes: int
    asked: list[str] = field(default_factory=list)   # the lesson's steps (a breakdown's parts are not)
    part: str | None = None      # a part of the current step asked by a breakdown (F4), being worked on

    def _asked(self) -> list[StepState]:
        return [self.states[s] for s in self.asked if s in self.states]

    @property
    def done(self) -> int:
        return sum(s.done for s in self._asked())

    @property
    def first_try(self) -> int:
        return sum(s.mark in ("first",) or (s.mark == "hinted" and s.answers and s.answers[0][1] in CREDITED)
                   for s in self._asked())

    @property
    def here(self) -> StepState:
        """The step being worked on (a breakdown's part, if one is open), as it stands."""
        return self.states.get(self.part or self.current or "", StepState())

    def where(self, now: float, present: bool = True) -> tuple[str, str]:
        """Where the learner is, in words: the step ("dE_total/dw6 (for w6+)" inside a
        breakdown), and what they have tried there ("3 tries, 1 hint", "stuck: 3 tries, 6 min"
        when they look stuck; '' when nothing yet). Not `present` (gone): what they tried,
        neither minutes nor 'stuck' (nobody is waiting for help)."""
        if self.current is None:
            return "finished", ""
        here = self.here
        tries = sum(v not in CREDITED and v != "invalid" for _, v in here.answers)
        said = [f"{tries} {'try' if tries == 1 else 'tries'}" if tries else "",
                f"{here.hinted} {'hint' if here.hinted == 1 else 'hints'}" if here.hinted else ""]
        minutes = self.minutes_here(now)
        if present and minutes >= STUCK_MINUTES:
            said.append(f"{minutes} min")
        details = ", ".join(w for w in said if w)
        step = f"{self.part} (for {self.current})" if self.part else self.current
        return step, (f"stuck: {details}" if present and self.stuck(now) else details)

    def minutes_here(self, now: float) -> int:
        """Whole minutes since the learner reached the current step (0 when unknown or gone
        for half an hour: the step is not what holds them)."""
        if self.arrived is None or now - self.last_at >= 30 * 60:
            return 0
        return int((now - self.arrived) // 60)

    @property
    def hints(self) -> int:
        return sum(s.hinted for s in self.states.values())

    @property
    def shown(self) -> int:
        return sum(s.hints >= 3 for s in self.states.values())

    def stuck(self, now: float) -> str:
        """Why this learner looks stuck ('' if not)."""
        if self.current is None:
            return ""
        if self.tries_on_current >= STUCK_TRIES:
            return f"{self.tries_on_current} tries at {self.current}"
        if self.minutes_here(now) >= STUCK_MINUTES:
            return f"{self.minutes_here(now)} min at {self.current}"
        return ""


def lesson_rows(events: list[Ev], steps: dict[str, list[str]]) -> list[LessonRow]:
    """One row per learner and exercise, from the events of their latest attempt.

    `steps` gives each exercise's asked steps in order (the board's columns)."""
    by_lesson: dict[tuple[str, str], list[Ev]] = {}
    for e in events:
        by_lesson.setdefault((e.learner, e.exercise), []).append(e)
    rows = []
    for (learner, exercise), evs in by_lesson.items():
        order = steps.get(exercise, [])
        seconds = sum(min(b.at - a.at, IDLE_CAP) for a, b in zip(evs, evs[1:]))
        starts = [i for i, e in enumerate(evs) if e.kind == "start"]
        attempt = evs[starts[-1] + 1:] if starts else evs
        states = {s: StepState() for s in order}
        arrived: float | None = None
        mistakes = 0
        for e in attempt:
            st = states.setdefault(e.step, StepState())
            if e.kind == "hint":
                st.hints = max(st.hints, e.hints or 0)
                st.hinted += (e.hints or 0) < 3
                if st.hints >= 3:
                    st.done, arrived = True, e.at
            elif e.kind == "answer":
                st.answers.append((e.text or "", e.verdict or ""))
                mistakes += e.mistake is not None
                if e.verdict in CREDITED:
                    st.done, arrived = True, e.at
        current = next((s for s in order if not states[s].done), None)
        # a breakdown's part being worked on: the last step touched, not done and not asked itself
        touched = [e.step for e in attempt if e.kind in ("answer", "hint", "breakdown")]
        part = touched[-1] if touched and touched[-1] not in order and not states[touched[-1]].done else None
        tries = 0
        if current is not None:
            tries = sum(v not in CREDITED and v != "invalid" for _, v in states[current].answers)
            if arrived is None:  # the first step: from the first thing done on it
                own = [e.at for e in attempt if e.step == current]
                arrived = own[0] if own else None
        variant = attempt[-1].variant if attempt else evs[-1].variant
        rows.append(LessonRow(learner, exercise, variant, states, current, tries, arrived,
                              evs[0].at, evs[-1].at, seconds, mistakes, order, part if current else None))
    rows.sort(key=lambda r: (r.learner.lower(), order_of(r.exercise, steps)))
    return rows


def order_of(exercise: str, steps: dict[str, list[str]]) -> int:
    keys = list(steps)
    return keys.index(exercise) if exercise in keys else len(keys)


# --- who came in ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Presence:
    """What the server knows of a learner this run: connected now, and when last seen (a key
    typed, the connection opened or closed, the code given)."""
    online: bool
    seen: float


@dataclass(frozen=True)
class Person:
    learner: str
    state: str           # joined (online, nothing done yet) | answering | idle | gone
    seen: float          # last seen: the latest of a key, an answer, a hint, coming in, leaving
    working: bool        # has answered or asked for a hint in one of the room's lessons

    def status(self, now: float) -> str:
        """The state in a word or two, with when last seen where it says something: "answering",
        "idle 6 min", "joined", "gone 14:05"."""
        if self.state == "idle":
            return f"idle {max(1, int((now - self.seen) // 60))} min"
        if self.state == "gone":
            return "gone " + time.strftime("%H:%M" if now - self.seen < 20 * 3600 else "%b %d", time.localtime(self.seen))
        return self.state


STATES = ("answering", "idle", "joined", "gone")


def people(events: list[Ev], joins: dict[str, float], presence: dict[str, Presence], now: float) -> list[Person]:
    """Everyone who came into the room: who answered, who only joined (and maybe left before a
    first answer), who is connected now. Online with nothing done yet: joined; online and a key,
    an answer or a hint within IDLE_AFTER seconds: answering; online otherwise: idle; not
    connected: gone (presence unknown, as after the room was closed and opened again: gone)."""
    last: dict[str, float] = dict(joins)
    working: set[str] = set()
    for e in events:
        last[e.learner] = max(last.get(e.learner, e.at), e.at)
        working.add(e.learner)
    out = []
    for learner in set(last) | set(presence):
        p = presence.get(learner)
        seen = max(last.get(learner, 0.0), p.seen if p else 0.0)
        if p is None or not p.online:
            state = "gone"
        elif learner not in working:
            state = "joined"
        else:
            state = "answering" if now - seen < IDLE_AFTER else "idle"
        out.append(Person(learner, state, seen, learner in working))
    return sorted(out, key=lambda p: p.learner.lower())


# --- the room's mistakes -----------------------------------------------------------------------------
@dataclass
class RoomMistake:
    learners: int        # how many made it at this step
    reached: int         # how many answered this step at all
    mistake: str
    step: str
    exercise: str

    def __str__(self) -> str:
        return f"{self.learners} of {self.reached}: {self.mistake}, at {self.step}"


def room_mistakes(events: list[Ev]) -> list[RoomMistake]:
    """Known mistakes by step, most widespread first: "9 of 24: derivative taken on net, at ..."."""
    who: dict[tuple[str, str, str], set[str]] = {}
    reached: dict[tuple[str, str], set[str]] = {}
    for e in events:
        if e.kind != "answer":
            continue
        reached.setdefault((e.exercise, e.step), set()).add(e.learner)
        if e.mistake:
            who.setdefault((e.exercise, e.step, e.mistake), set()).add(e.learner)
    out = [RoomMistake(len(names), len(reached[(ex, step)]), m, step, ex) for (ex, step, m), names in who.items()]
    out.sort(key=lambda m: (-m.learners, -m.learners / max(m.reached, 1), m.step, m.mistake))
    return out


@dataclass
class HardStep:
    learners: int        # how many answered it wrong at least once
    reached: int         # how many answered it at all
    step: str
    exercise: str

    def __str__(self) -> str:
        return f"{self.step} {self.learners} of {self.reached}"


def hard_steps(events: list[Ev]) -> list[HardStep]:
    """Steps by how many learners gave them a wrong answer (a plain wrong one too, which no
    known mistake explains), most first: where the room needs the board."""
    who: dict[tuple[str, str], set[str]] = {}
    reached: dict[tuple[str, str], set[str]] = {}
    for e in events:
        if e.kind != "answer" or e.verdict == "invalid":
            continue
        reached.setdefault((e.exercise, e.step), set()).add(e.learner)
        if e.verdict not in CREDITED:
            who.setdefault((e.exercise, e.step), set()).add(e.learner)
    out = [HardStep(len(names), len(reached[key]), key[1], key[0]) for key, names in who.items()]
    out.sort(key=lambda h: (-h.learners, -h.learners / max(h.reached, 1), h.step))
    return out


# --- the columns --------------------------------------------------------------------------------------
def asked_step_ids(room: RoomConfig) -> dict[str, list[str]]:
    """Each room exercise's asked steps in order, by the store's name for the exercise, in the
    room's order (imports the engine: call it off the UI thread)."""
    return {key: steps for key, _, steps in room_lessons(room)}


def room_lessons(room: RoomConfig) -> list[tuple[str, str, list[str]]]:
    """(the store's name for the exercise, its short name as the teacher gave it: a bundled
    name or the file's name, its asked steps in order) of each of the room's lessons, in the
    room's order (imports the engine: call it off the UI thread)."""
    from ..lesson.exercise import ExerciseError, load
    from ..lesson.session import Lesson

    out = []
    for spec in room.exercises:
        try:
            lesson = Lesson(load(spec))
            out.append((lesson.key, lesson.ex.name, [r.step.id for r in lesson.records]))
        except ExerciseError:
            out.append((spec, Path(spec).stem, []))
    return out


@dataclass
class Board:
    """Everything the dashboard shows, made in a worker."""
    steps: dict[str, list[str]]
    rows: list[LessonRow]
    mistakes: list[RoomMistake]
    events: int
    at: float
    people: list[Person] = field(default_factory=list)
    hard: list[HardStep] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        """How many learners are in each state, in STATES' order."""
        return {s: sum(p.state == s for p in self.people) for s in STATES}


def make_board(room: RoomConfig, steps: dict[str, list[str]], now: float | None = None,
               presence: dict[str, Presence] | None = None) -> Board:
    events = read_events(room)
    now = time.time() if now is None else now
    work = [e for e in events if e.kind in ("answer", "hint", "breakdown")]
    return Board(steps, lesson_rows(events, steps), room_mistakes(events), len(events), now,
                 people(work, read_joins(room), presence or {}, now), hard_steps(events))
