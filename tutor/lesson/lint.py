"""`bptutor check-exercise`: is this a file a teacher can hand out?

Errors make the command fail: steps where a known mistake cannot be told apart (unless the
teacher allows them, as the post's own numbers need), variants that cannot be drawn, an
`ask` list that leaves nothing to do, and question tests ([[lesson.tests]]) that the checker
judges otherwise than the teacher expects. Warnings point at what makes a step meaningless:
a shared bias on a softmax output (its gradient is 0 whatever the numbers), a step that is
exactly 0 for every learner.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..engine.steps import identifier
from .answer import AnswerError, parse
from .checking import check
from .exercise import ExerciseError, QuestionTest
from .variants import collisions, spreads, variant_worked
from .worked import Worked, step_map

LEARNERS = 5           # variants drawn to see that they can be made
ZERO = 1e-12           # |value| below this counts as 0 (a softmax bias's gradient comes out as -5.55e-17)
EXPECT = {"right": "right", "wrong": "wrong", "more digits": "more_digits", "more_digits": "more_digits",
          "follow-through": "follow_through", "follow_through": "follow_through"}


@dataclass
class Report:
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def lint(worked: Worked, allow_collisions: bool = False, learners: int = LEARNERS) -> Report:
    r = Report()
    ex = worked.ex
    to_do = [s for s in worked.asked if s.id not in worked.shown]
    if not to_do:
        r.errors.append("lesson.ask leaves nothing for the learner to do" +
                        (" (every asked step is also shown)" if worked.asked else ""))

    found = collisions(worked)
    if found:
        head = f"{len(found)} step(s) where a known mistake cannot be told apart with the file's numbers"
        if allow_collisions:
            r.notes.append(head + " (allowed):")
            r.notes += ["  " + f for f in found]
        else:
            r.errors.append(head + " (--allow-collisions if they are meant):")
            r.errors += ["  " + f for f in found]

    drawn = [worked]
    if spreads(ex):
        try:
            drawn += [variant_worked(ex, f"learner {k + 1}") for k in range(learners)]
            r.notes.append(f"Variants: {learners} learners' numbers drawn, each telling the known mistakes apart.")
        except ExerciseError as e:
            r.errors.append(f"variants cannot be made: {e.problem}")
    else:
        r.notes.append("Variants: the [variants] table lets nothing vary, so every learner gets the file's numbers.")

    net = ex.network
    if net.activations[-1] == "softmax" and net.bias == "shared":
        b = f"b{net.n_layers}"
        r.warnings.append(f"the output layer's shared bias {b} feeds a softmax: its gradient dE_total/d{b} is the sum "
                          "of the output deltas, which is 0 whatever the numbers; use bias = \"neuron\"")
    zero = _zero_for_everyone(drawn, {s.id for s in to_do})
    if zero:
        r.warnings.append(f"{len(zero)} asked step(s) are exactly 0 for every learner, so any way of reaching 0 is "
                          "judged right: " + ", ".join(zero))
    for i, t in enumerate(ex.tests):
        problem = question_test(worked, t)
        if problem:
            r.errors.append(f"lesson.tests[{i}] ({t.step}, answer {t.answer}): {problem}")
    if ex.tests and not any(e.startswith("lesson.tests") for e in r.errors):
        r.notes.append(f"Question tests: all {len(ex.tests)} judged as expected.")
    return r


def _zero_for_everyone(drawn: list[Worked], ids: set[str]) -> list[str]:
    zero: list[str] | None = None
    for w in drawn:
        here = [s.id for s in w.steps if s.id in ids and s.phase != "error" and abs(s.value) < ZERO]
        zero = here if zero is None else [z for z in zero if z in here]
    return zero or []


def question_test(worked: Worked, t: QuestionTest) -> str:
    """Type the test's answer into the checker at its step; "" when judged as expected, else why not."""
    step = step_map(worked.steps).get(t.step)
    if step is None:
        return f"{t.step!r} is not a step of this update (bptutor solve FILE --ids lists them)"
    before = worked.steps[: worked.steps.index(step)]
    names = {identifier(k): v for k, v in worked.given.items()} | {s.name: s.value for s in before}
    try:
        answer = parse(t.answer, names, {s.name: s.id for s in worked.steps if s.name not in names})
    except AnswerError as e:
        return f"the answer cannot be read: {e}"
    verdict = check(step, answer, worked.context, worked.exact, {})
    got = verdict.mistake.name if verdict.mistake is not None else verdict.status
    want = t.expect.strip()
    if verdict.mistake is not None and want in (verdict.mistake.name, verdict.mistake.key):
        return ""
    if verdict.mistake is None and EXPECT.get(want.lower()) == verdict.status:
        return ""
    said = f"the mistake '{got}'" if verdict.mistake is not None else _status(verdict.status)
    return f"expected {want!r}, judged {said}"


def _status(status) -> str:
    """The word a teacher writes in `expect` for a status (a Status or its stored text)."""
    word = getattr(status, "value", status)
    return {"more_digits": "'more digits'", "follow_through": "'follow-through'"}.get(word, repr(word))
