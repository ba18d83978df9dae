"""Judging one answer to one step.

- Values, errors and gradients: right within 1e-3 relative (absolute floor 1e-9), or
  when the exact value rounds to the number as typed (at least two significant digits).
- An updated parameter is judged by the step it implies, (w - w+) against
  eta * dE/dw, at 1% relative: w1 moves by only 0.15%, so a check on w1+ itself would
  pass wrong methods.
- Too few digits to tell the right answer from a known mistake: "give more digits"; enough
  digits to tell them apart, matching the mistake and not the right value: that mistake.
- A wrong answer is compared with the known mistakes, first on the exact upstream
  values, then (follow-through) with the step done right on the learner's own earlier
  values, then with the mistakes on the learner's values.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Mapping

from ..engine.steps import Step, identifier
from .answer import Answer, AnswerError, parse
from .mistakes import Context, Mistake, candidates

RELATIVE = 1e-3
UPDATE_RELATIVE = 1e-2
FLOOR = 1e-9


@dataclass
class Verdict:
    status: str                 # right | follow_through | more_digits | mistake | wrong
    message: str
    mistake: Mistake | None = None
    upstream: list[str] = field(default_factory=list)  # earlier steps a follow-through rests on

    @property
    def credited(self) -> bool:
        return self.status in ("right", "follow_through")


def close(a: float, b: float, rel: float = RELATIVE) -> bool:
    return abs(a - b) <= max(rel * abs(b), FLOOR)


def rounds_to(exact: float, answer: Answer) -> bool:
    """Does the exact value round to the number as the learner typed it?"""
    if not answer.literal or answer.decimals is None:
        return False
    return abs(exact - answer.value) <= 0.5 * 10.0 ** (-answer.decimals) * (1 + 1e-9)


def matches(answer: Answer, exact: float) -> bool:
    return close(answer.value, exact) or rounds_to(exact, answer)


def _implied_step_matches(answer: Answer, before: float, step: float) -> bool:
    return abs((before - answer.value) - step) <= max(UPDATE_RELATIVE * abs(step), FLOOR)


def check(step: Step, answer: Answer, ctx: Context, exact: Mapping[str, float],
          own: Mapping[str, float]) -> Verdict:
    """exact: every quantity's exact value (by id); own: the learner's values of earlier steps."""
    get_exact = exact.__getitem__
    get_own = lambda q: own.get(q, exact[q])  # noqa: E731
    if step.kind == "update":
        return _check_update(step, answer, ctx, exact, get_own)
    mistakes = list(candidates(step, get_exact, ctx))
    if matches(answer, step.value) and not rounds_to(step.value, answer):
        # within tolerance, but the digits as typed pin down a known mistake's value and
        # not the right one (the post's 0.291027924 against 0.291027774): say which
        for mistake, value, fields in mistakes:
            if rounds_to(value, answer):
                return Verdict("mistake", _fill(mistake, fields), mistake)
    if matches(answer, step.value):
        if not close(answer.value, step.value):
            if answer.significant is not None and answer.significant < 2 and step.value != 0:
                return Verdict("more_digits", "Give more digits: one significant digit cannot show the method.")
            clash = [m for m, v, _ in mistakes if rounds_to(v, answer) and not close(v, step.value)]
            if clash:
                return Verdict("more_digits", "Give more digits: at this precision your answer could also come "
                               f"from a known slip ({clash[0].name}).")
        return Verdict("right", "Right.")
    return _diagnose(step, answer, ctx, exact, get_own, mistakes, matches)


def _check_update(step: Step, answer: Answer, ctx: Context, exact, get_own) -> Verdict:
    param, _eta, grad = step.depends
    before = exact[param]
    eta = ctx.eta
    if _implied_step_matches(answer, before, eta * exact[grad]) or close(answer.value, step.value, 1e-12):
        return Verdict("right", "Right.")
    if rounds_to(step.value, answer):
        return Verdict("more_digits", f"Give more digits: {param} moves by only {abs(eta * exact[grad]):.3g}, so "
                       "the change has to be visible in your answer.")

    def implied(a: Answer, value: float) -> bool:
        return _implied_step_matches(a, before, before - value)

    mistakes = list(candidates(step, exact.__getitem__, ctx))
    return _diagnose(step, answer, ctx, exact, get_own, mistakes, implied)


def _diagnose(step, answer, ctx, exact, get_own, mistakes, same) -> Verdict:
    for mistake, value, fields in mistakes:
        if same(answer, value):
            return Verdict("mistake", _fill(mistake, fields), mistake)
    # follow-through: the step done right on the learner's own earlier values
    differing = [d for d in step.depends if d in exact and not close(get_own(d), exact[d])]
    if differing:
        names = {identifier(k): get_own(k) for k in exact}
        try:
            value = parse(step.expression, names).value
        except AnswerError:  # an expression the learner's values make undefined (ln of a negative)
            value = math.nan
        if math.isfinite(value) and same(answer, value):
            which = ", ".join(differing)
            return Verdict("follow_through", f"Right method, worked on your earlier value of {which}, which was "
                           f"off (exact {which.split(', ')[0]} = {exact[differing[0]]:.9g}). Credit for this step.",
                           upstream=differing)
        for mistake, value, fields in candidates(step, get_own, ctx):
            if same(answer, value):
                return Verdict("mistake", _fill(mistake, fields) + f" (Worked on your value of {differing[0]}.)",
                               mistake)
    return Verdict("wrong", f"Not this. The formula is {step.formula}.")


def _fill(mistake: Mistake, fields: dict) -> str:
    try:
        return mistake.explanation.format(**fields)
    except (KeyError, IndexError):
        return mistake.explanation
