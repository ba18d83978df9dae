"""One lesson: the steps of one update, asked one at a time, with hints and a summary.

An answer accepted is right: in later answers its name stands for the exact value, and
the numbers the lesson shows are the exact ones. The learner's answers as typed are kept
too: a later step worked by hand from their rounded digits is also right.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..engine.steps import Step, identifier
from .answer import AnswerError, parse, sample_of
from .carried import prepare
from .checking import Status, Verdict, check
from .describe import meaning
from .exercise import Exercise
from .mistakes import Context
from .reference import Comparison
from .store import Event, Store
from .worked import Worked, build


@dataclass
class Record:
    step: Step
    attempts: list[tuple[str, Status]] = field(default_factory=list)  # (text, status)
    hints: int = 0                 # hint stages seen (3 = the answer was shown)
    done: bool = False
    verdict: Verdict | None = None  # the verdict that closed the step
    # once credited: the value as typed (a later step may be worked from its digits);
    # in later answers the step's name stands for the exact value
    typed: float | None = None
    part_of: str | None = None   # asked by a breakdown of this step (w6+), not by the lesson

    @property
    def first_try(self) -> bool:
        return (self.done and self.hints < 3 and len(self.attempts) >= 1
                and self.attempts[0][1].credited)

    @property
    def revealed(self) -> bool:
        return self.hints >= 3


@dataclass
class Summary:
    asked: int
    first_try: int
    hints: int
    revealed: int
    mistakes: dict[str, int]
    error_before: float
    error_after: float
    comparisons: list[Comparison]
    error_id: str = "E_total"      # the error the lesson asked: E_total_s1 when it updates on sample 1 only
    samples: str = ""              # "sample 1" when the update used some of the exercise's samples


def exercise_key(ex: Exercise) -> str:
    """How the store names an exercise: by its content (store.exercise_key)."""
    from .store import exercise_key as key

    return key(ex.name, ex.path)


def question_text(step: Step, ctx: Context) -> str:
    """"net_h1 is the total net input of h1: ...": the step in symbols and in words."""
    act = ctx.activation_of(step.id) if step.kind in ("out", "net") else "sigmoid"
    return f"{step.symbol} is {meaning(step, act)}."


class Lesson:
    def __init__(self, worked: Worked | Exercise, variant: str = "", store: Store | None = None):
        """A lesson over a worked update (an Exercise is worked here, through build)."""
        self.worked = worked if isinstance(worked, Worked) else build(worked)
        self.ex = self.worked.ex
        self.variant = variant
        self.store = store
        self.key = exercise_key(self.ex)
        self.solution = self.worked.solution
        self.ctx = self.worked.context
        prepare(self.ctx)  # the update's formulas read for naming carried slips (1-4 ms), not at the first answer
        self.shown = self.worked.shown
        self.records = [Record(s) for s in self.worked.asked]
        self.steps = self.worked.steps
        self.index = 0
        self._order = {s.id: i for i, s in enumerate(self.steps)}   # id -> place in the update
        self.given, self.exact = self.worked.given, self.worked.exact
        self.mistakes: dict[str, int] = {}  # mistake name -> how often it was met

    # --- where we are ---------------------------------------------------------------
    @property
    def finished(self) -> bool:
        return self.index >= len(self.records)

    @property
    def current(self) -> Record | None:
        return None if self.finished else self.records[self.index]

    def question(self, record: Record | None = None) -> str:
        return question_text((record or self.current).step, self.ctx)

    @property
    def _reach(self) -> int:
        """How far into the update the learner has come: the place of the current step or of
        the furthest step done (a step asked by a breakdown comes before steps already done)."""
        if self.finished:
            return len(self.steps)
        return max(self._order[r.step.id] for r in self.records[: self.index + 1])

    def _shown_so_far(self) -> list[Step]:
        """The [lesson].show steps the learner has been given by now (never the current one)."""
        reach, now = self._reach, (None if self.finished else self.current.step.id)
        return [s for s in self.steps[:reach] if s.id in self.shown and s.id != now]

    def _had(self) -> dict[str, float]:
        """What the learner has: parameters, inputs, targets, eta, and every quantity shown
        or done so far, each at its exact value (an answer accepted is right)."""
        names = {identifier(k): v for k, v in self.given.items()}
        for s in [r.step for r in self.records if r.done] + self._shown_so_far():
            for name in self._names_of(s):
                names[name] = s.value
        return names

    def known(self) -> dict[str, float]:
        """Names an answer may use: what the learner has, and every quantity (but the step
        asked) whose every part they have: at w6+, delta_o1 once dE_total/dout_o1 and
        dout_o1/dnet_o1 are done, as the post uses it there. One level: a quantity made
        from such a quantity is not (dE_total/dw6 at w6+ is still to be worked out)."""
        had = self._had()
        names = dict(had)
        now = None if self.finished else self.current.step.id
        for s in self.steps:
            if (s.depends and s.id != now and s.name not in had
                    and all(identifier(d) in had for d in s.depends)):
                for name in self._names_of(s):
                    names[name] = s.value
        return names

    @staticmethod
    def _names_of(s: Step) -> list[str]:
        """Every identifier of a step: delta_o1 is also the post's dE_o1/dnet_o1."""
        return [s.name] + [identifier(a) for a in s.aliases]

    def spellings(self) -> dict[str, str]:
        """identifier -> the id as shown, for every quantity and alias (dE_total_dw5 ->
        dE_total/dw5), so that an answer may use either."""
        ids = {identifier(k): k for k in self.given}
        for s in self.steps:
            ids[s.name] = s.id
            ids.update({identifier(a): a for a in s.aliases})
        return ids

    def known_ids(self) -> set[str]:
        """Ids whose values the learner has (for the picture of the network)."""
        ids = {r.step.id for r in self.records if r.done}
        ids |= {s.id for s in self._shown_so_far()}
        if self.finished:
            ids |= {s.id for s in self.steps}
        return ids

    def pending(self, known: dict[str, float] | None = None) -> dict[str, str]:
        """Names of quantities not known yet, with what to do ("X is not known yet: ..."):
        press F4 when breaking the step down asks it, else the step that asks it, else (never
        asked) write it out from its parts. One whose parts are all known is known (known)."""
        known = self.known() if known is None else known
        asked = {r.step.id: k for k, r in enumerate(self.records)}
        breakdown = {s.id for s in self.missing()}
        out = {}
        for s in self.steps:
            if s.id in breakdown:
                when = "press F4 to work it out first"
            elif s.id in asked:
                when = f"it is asked at step {asked[s.id] + 1}"
            elif s.depends:
                when = f"this lesson does not ask for it, so write it out from its parts ({', '.join(s.depends)})"
            else:
                when = "this lesson does not ask for it"
            for name in self._names_of(s):
                if name not in known:
                    out[name] = when
        return out

    def own_values(self) -> dict[str, float]:
        """The learner's earlier answers as typed, by id (follow-through works from these)."""
        return {r.step.id: r.typed for r in self.records if r.done and r.typed is not None}

    # --- acting ---------------------------------------------------------------------------
    def submit(self, text: str) -> Verdict:
        r = self.current
        if r is None:
            return Verdict(Status.INVALID, "The lesson is finished.")
        known = self.known()
        try:
            answer = parse(text, known, self.pending(known), ids=self.spellings(),
                           asking=tuple(self._names_of(r.step)), sample=sample_of([r.step.id, *r.step.depends]))
        except AnswerError as e:
            verdict = Verdict(Status.INVALID, str(e))
            self._record_answer(r, text, None, verdict)
            return verdict
        verdict = check(r.step, answer, self.ctx, self.exact, self.own_values())
        self._record_answer(r, text, answer.value, verdict)
        r.attempts.append((text, verdict.status))
        if verdict.mistake is not None:
            self.mistakes[verdict.mistake.name] = self.mistakes.get(verdict.mistake.name, 0) + 1
        if verdict.credited:
            r.done, r.verdict, r.typed = True, verdict, answer.value
            self.index += 1
        return verdict

    def hint(self) -> tuple[int, str]:
        """The next hint stage and its text; stage 3 shows the answer and closes the step."""
        r = self.current
        if r is None:
            return 0, "The lesson is finished."
        if r.hints >= 2:
            return 3, self.reveal()
        r.hints += 1
        if self.store is not None:
            self.store.hint(self.key, self.variant, r.step.id, r.hints)
        return r.hints, self.hint_text(r, r.hints)

    def hint_text(self, r: Record, stage: int) -> str:
        """The words of hint 1 (meaning and formula) or 2 (the formula with numbers)."""
        if stage == 1:
            return f"{self.question(r)} Formula: {r.step.id} = {r.step.formula}"
        return f"With the numbers: {r.step.id} = {r.step.numbers}"

    def reveal(self) -> str:
        r = self.current
        r.hints = 3
        if self.store is not None:
            self.store.hint(self.key, self.variant, r.step.id, 3)
        r.done, r.typed = True, r.step.value
        r.verdict = Verdict(Status.REVEALED, "Shown.")
        self.index += 1
        return f"The answer: {r.step.id} = {r.step.numbers} = {r.step.value:.10g}. (No first-try credit for this step.)"

    def missing(self) -> list[Step]:
        """The steps the current one is made from that the learner has not worked out and
        has not been shown, in the update's order (one level: each may be broken down again).
        The error after the update is the forward pass again with the new parameters: all of
        that pass that is missing (net_h1+, out_h1+, ..., E_o1+), as the post works it."""
        r = self.current
        if r is None:
            return []
        had, asked = self._had(), {x.step.id for x in self.records}
        by_id = {s.id: s for s in self.steps}

        def lacking(step: Step) -> list[Step]:
            return [by_id[d] for d in step.depends
                    if d in by_id and d not in asked and by_id[d].name not in had]

        out = {s.id: s for s in lacking(r.step)}
        if r.step.kind == "error_after":
            todo = [s for s in out.values() if s.breakdown_only]
            while todo:
                for s in lacking(todo.pop()):
                    if s.id not in out:
                        out[s.id] = s
                        if s.breakdown_only:
                            todo.append(s)
        return sorted(out.values(), key=lambda s: self._order[s.id])

    def breakdown(self) -> tuple[list[Step], str]:
        """Break the current step down: what it is made from and is not known yet is asked
        first, in place (dE_total/dw6 before w6+, delta_o2 before dE_o2/dout_h1), then the
        step itself. Returns the steps inserted (none when all is known) and what to say."""
        r = self.current
        if r is None:
            return [], "The lesson is finished."
        parts = self.missing()
        if not parts:
            if not r.step.depends:
                return [], f"{r.step.id} has no smaller steps: {r.step.formula}."
            return [], f"Everything {r.step.id} is made from is known: {', '.join(r.step.depends)}."
        self.records[self.index:self.index] = [Record(s, part_of=r.step.id) for s in parts]
        if self.store is not None:
            self.store.breakdown(self.key, self.variant, r.step.id)
        if r.step.kind == "error_after" and len(parts) > 1:
            return parts, (f"{r.step.id} comes from the forward pass again, with the new parameters: its "
                           f"{len(parts)} quantities ({parts[0].id} .. {parts[-1].id}) are asked first, "
                           f"then {r.step.id} = {r.step.formula}.")
        names = ", ".join(s.id for s in parts)
        return parts, (f"{r.step.id} is made from {', '.join(r.step.depends)}. Not worked out yet: {names}; "
                       + ("it is" if len(parts) == 1 else "they are") + f" asked first, then {r.step.id}.")

    def _record_answer(self, r: Record, text: str, value: float | None, verdict: Verdict) -> None:
        if self.store is not None:
            self.store.answer(self.key, self.variant, r.step.id, text, value, verdict.status,
                              verdict.mistake.name if verdict.mistake else None, r.hints)

    def resume(self, events: list[Event]) -> int:
        """Replay stored events through the same checking: the same step, answers and hints
        come back. An event for another step than the current one (a second window on the
        same lesson answered a step this replay has passed, or the file has changed) is
        passed over, not an end: the lesson resumes at the furthest point reached. A hint
        is replayed only when it goes further than the step's hints so far; a breakdown
        inserts its steps again (only those still missing)."""
        store, self.store = self.store, None  # what is replayed is stored already
        done = 0
        try:
            for e in events:
                if self.finished:
                    break
                if e.step != self.current.step.id:
                    continue
                if e.kind == "hint":
                    if (e.hints or 0) <= self.current.hints:
                        continue
                    if e.hints == 3:
                        self.reveal()
                    else:
                        self.hint()
                elif e.kind == "answer":
                    self.submit(e.text or "")
                elif e.kind == "breakdown":
                    if not self.missing():
                        continue
                    self.breakdown()
                else:
                    continue
                done += 1
        finally:
            self.store = store
        return done

    def comparisons(self) -> list[Comparison]:
        return self.worked.comparisons()

    def summary(self, comparisons: bool = True) -> Summary:
        """How the lesson went; `comparisons=False` leaves out the printed figures, which
        train the network (a screen works them out in a worker)."""
        return Summary(
            asked=len(self.records),
            first_try=sum(r.first_try for r in self.records),
            hints=sum(min(r.hints, 2) for r in self.records),
            revealed=sum(r.revealed for r in self.records),
            mistakes=dict(self.mistakes),
            **self._error_asked(),
            comparisons=self.comparisons() if comparisons else [],
        )

    def _error_asked(self) -> dict:
        """The error before and after as the lesson asked them: the update's own samples
        (E_total_s1 and E_total_s1+ for an online lesson on sample 1), not the error over
        every sample, which the learner never worked out (and which may go up)."""
        sol = self.solution
        after = next((s for s in reversed(sol.steps) if s.kind == "error_after"), None)
        before = next((s for s in sol.steps if after is not None and s.id == after.id[:-1]), None)
        if after is None or before is None:
            return {"error_before": sol.error, "error_after": sol.error_after}
        used = [i + 1 for i in sol.samples]
        some = len(used) < len(self.ex.X)
        return {"error_before": before.value, "error_after": after.value, "error_id": before.id,
                "samples": (f"sample{'s' if len(used) > 1 else ''} " + ", ".join(map(str, used))) if some else ""}
