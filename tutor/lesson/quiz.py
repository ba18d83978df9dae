"""Quizzes: single steps drawn across exercises and variants, one try each.

A question gives the values its step is made from and asks for the step, without the
walk-through around it. The kinds of step a learner has missed in earlier quizzes (as
stored) come back more often: a kind's weight is 1 plus three times its miss rate.
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass, field

from ..engine.steps import Step, identifier
from .answer import AnswerError, parse, sample_of
from .catalog import bundled
from .checking import Status, Verdict, check
from .exercise import Exercise, load
from .mistakes import Context
from .session import exercise_key, question_text
from .store import Store
from .variants import variant_worked

KINDS = {  # the kind of a step, from its id as stored
    "net": "net input", "out": "output", "error": "error", "error_total": "total error",
    "dE_dout": "dE/dout", "dout_dnet": "activation slope", "dnet_dw": "dnet/dw", "dE_dw": "weight gradient",
    "dE_db": "bias gradient", "delta": "node delta", "dnet_dout": "connecting weight",
    "dE_part_dout": "error through one neuron", "update": "new weight", "error_after": "error after",
}


@dataclass
class Question:
    ex: Exercise
    variant: str
    step: Step
    context: Context
    exact: dict[str, float]
    given: dict[str, float]        # what the question shows: the step's inputs
    verdict: Verdict | None = None
    answer: str = ""

    @property
    def text(self) -> str:
        return question_text(self.step, self.context) + " What is it?"


@dataclass
class Quiz:
    questions: list[Question]
    store: Store | None = None
    index: int = 0
    mistakes: Counter = field(default_factory=Counter)

    @property
    def current(self) -> Question | None:
        return self.questions[self.index] if self.index < len(self.questions) else None

    @property
    def finished(self) -> bool:
        return self.index >= len(self.questions)

    def submit(self, text: str) -> Verdict:
        q = self.current
        names = {identifier(k): v for k, v in q.given.items()}
        try:
            answer = parse(text, names, ids={identifier(k): k for k in [*q.given, q.step.id]}, asking=q.step.name,
                           sample=sample_of([q.step.id, *q.step.depends]))
        except AnswerError as e:
            return Verdict(Status.INVALID, str(e))  # unreadable: say why, and the one try is not used up
        verdict = check(q.step, answer, q.context, q.exact, {}, upstream=False)  # its inputs are given
        q.verdict, q.answer = verdict, text
        if verdict.mistake is not None:
            self.mistakes[verdict.mistake.name] += 1
        if self.store is not None:
            self.store.answer(exercise_key(q.ex), q.variant, q.step.id, text, answer.value,
                              verdict.status, verdict.mistake.name if verdict.mistake else None, 0,
                              lesson=False)
        self.index += 1
        return verdict

    @property
    def score(self) -> int:
        return sum(1 for q in self.questions if q.verdict is not None and q.verdict.credited)


def kind_of(step_id: str) -> str:
    """A stored step's kind, from its id alone (the same names as Step.kind)."""
    if step_id.endswith("+"):
        if step_id.startswith("E_total"):   # (a batch's E_total_s1+ too: its pass, never quizzed)
            return "error_after"
        if step_id[0] in "wb" and step_id[1:-1].isdigit():
            return "update"
        return kind_of(step_id[:-1])         # the pass after the update: out_h1+ is an out
    if step_id.startswith("delta_"):
        return "delta"
    if "/" not in step_id:
        return {"net": "net", "out": "out"}.get(step_id.split("_")[0]) or (
            "error_total" if step_id.startswith("E_total") else "error")
    top, bottom = step_id.split("/", 1)
    if top.startswith("dout_"):
        return "dout_dnet"
    if top.startswith("dnet_"):
        return "dnet_dout" if bottom.startswith("dout_") else "dnet_dw"
    if bottom.startswith("dout_"):
        return "dE_dout" if top.startswith("dE_total") else "dE_part_dout"
    return "dE_db" if bottom.startswith("db") else "dE_dw"


def weights(store: Store | None) -> dict[str, float]:
    """1 + 3 x (the share of earlier quiz answers of that kind that were not right)."""
    tried, missed = Counter(), Counter()
    for row in store.rows() if store is not None else []:
        if row["mode"] == "quiz" and row["kind"] == "answer" and row["verdict"] != "invalid":
            kind = kind_of(row["step"])
            tried[kind] += 1
            missed[kind] += row["verdict"] not in ("right", "follow_through")
    return {k: 1.0 + 3.0 * (missed[k] / tried[k] if tried[k] else 0.0) for k in KINDS}


def make_quiz(n: int, exercises: list[str] | None = None, store: Store | None = None,
              rng: random.Random | None = None) -> Quiz:
    rng = rng or random.Random()
    names = exercises or bundled()
    w = weights(store)
    questions = []
    for _ in range(n):
        name = f"q{rng.randrange(10**6)}"
        worked = variant_worked(load(rng.choice(names)), name)
        steps = [s for s in worked.asked if s.kind in KINDS and s.kind != "error_after"]
        step = rng.choices(steps, weights=[w[s.kind] for s in steps])[0]
        questions.append(Question(worked.ex, name, step, worked.context, worked.exact,
                                  _given(step, worked.solution, worked.exact)))
    return Quiz(questions, store)


def _given(step: Step, sol, exact: dict[str, float]) -> dict[str, float]:
    """The values a question shows: what the step is made from. For dnet/dw and
    dnet/dout, whose answer is one of those values, the whole net input it comes from,
    so that picking the right one is the question."""
    by_id = {s.id: s for s in sol.steps}
    if step.kind in ("dnet_dw", "dnet_dout"):
        net_id = step.id.split("/")[0][1:]
        source = by_id.get(net_id)
        if source is not None:
            return {d: exact[d] for d in source.depends if d in exact}
    return {d: exact[d] for d in step.depends if d in exact}
