"""Judging one answer to one step.

- Values, errors and gradients: right within 1e-3 relative (absolute floor 1e-9), or
  when the exact value rounds to the number as typed (at least two significant digits).
- An updated parameter is judged by the step it implies, (w - w+) against
  eta * dE/dw, at 1% relative: w1 moves by only 0.15%, so a check on w1+ itself would
  pass wrong methods.
- Too few digits to tell the right answer from a known mistake: "give more digits"; enough
  digits to tell them apart, matching the mistake and not the right value: that mistake.
  This holds inside the tolerance too (an update's 1% included), for the step's own and the
  carried mistakes: digits that do not round to the right value but to one slip's value name
  it (to two slips' values: more digits); a subtle slip (far inside the tolerance, the post's
  0.291027924 for E_total+) leaves the answer right, with a note.
  A mistake is named from a rounded answer only when its digits single it out: one
  candidate rounds to it, the right value neither rounds nor truncates to it, and it has
  at least two significant digits (0.7 for out_o1 = 0.751 could be a truncation).
- A wrong answer is compared with the known mistakes, first on the exact upstream
  values, the step's own and those made at an earlier step and carried into this one
  (carried.py: "That is w3+ with a slip in dE_total/dout_h2"); candidates that agree with
  it but give different numbers are told apart by the digits typed, else none is named;
  different slips giving the very same number are named together in one sentence (the
  step's own is the one kept for the summary); an expression shows its method, so it gets
  the first one's sentence.
  Then (follow-through) with the step done right on the learner's own earlier
  answers as typed, then with the mistakes on those.
- An answer accepted as right is right (a lesson credits nothing else): names in
  expressions stand for its exact value, and a later step worked from its rounded digits
  is right too, with a gentle note to carry more digits, never "your value was off".
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Callable, Mapping

from ..engine.steps import Step, identifier
from .answer import Answer, AnswerError, Number, parse
from .carried import carried
from .describe import meaning
from .mistakes import Context, Mistake, candidates
from .reference import printed_note

RELATIVE = 1e-3
UPDATE_RELATIVE = 1e-2
FLOOR = 1e-9


class Status(StrEnum):
    """What became of an answer; the value is what the store keeps (readable in the DB)."""
    RIGHT = "right"                    # also: right on the learner's own rounded earlier answers
    MORE_DIGITS = "more_digits"        # could be right: too few digits to tell
    MISTAKE = "mistake"                # a known mistake, named
    WRONG = "wrong"
    INVALID = "invalid"                # not readable: not an attempt
    REVEALED = "revealed"              # the answer was shown after the hints

    @property
    def credited(self) -> bool:
        return self is Status.RIGHT


@dataclass
class Verdict:
    status: Status
    message: str
    mistake: Mistake | None = None
    upstream: list[str] = field(default_factory=list)  # earlier answers whose own digits it rests on
    where: str | None = None  # a named mistake made at this earlier step and carried into this one

    def __post_init__(self) -> None:
        self.status = Status(self.status)

    @property
    def credited(self) -> bool:
        return self.status.credited


def close(a: float, b: float, rel: float = RELATIVE) -> bool:
    return abs(a - b) <= max(rel * abs(b), FLOOR)


def _lead(x: float) -> int:
    """The place of a number's first significant digit (0.0235 -> -2)."""
    return math.floor(math.log10(abs(x)))


def rounds_to(exact: float, answer: Answer) -> bool:
    """Is the number as typed the exact value rounded to its significant digits? (1 is not
    0.5933 rounded, though 0.5933 to no decimals is 1: one digit of it is 0.6; 0 is no
    value rounded.) An expression "rounds to" the values its rounded numbers allow:
    within half a unit of each (Answer.half, set by check)."""
    if not answer.literal:
        return answer.half is not None and abs(exact - answer.value) <= answer.half * (1 + 1e-9) + 1e-15
    if answer.decimals is None or answer.value == 0 or exact == 0:
        return False
    if abs(exact - answer.value) > 0.5 * 10.0 ** (-answer.decimals) * (1 + 1e-9):
        return False
    place = _lead(exact) - (answer.significant or 1) + 1  # the exact value rounded to as many digits
    return abs(exact - answer.value) <= 0.5 * 10.0 ** place * (1 + 1e-9)


def truncates_to(exact: float, answer: Answer) -> bool:
    """Is the number as typed the exact value with its last digits cut off (0.7 for 0.751)?
    Its first digit is the exact value's first digit (0 and 1 are not 0.5933 cut short)."""
    if not answer.literal or answer.decimals is None or answer.value == 0 or exact == 0:
        return False
    cut = abs(exact) - abs(answer.value)
    same_side = exact * answer.value >= 0
    return same_side and -1e-12 <= cut < 10.0 ** (-answer.decimals) and _lead(exact) == _lead(answer.value)


def matches(answer: Answer, exact: float) -> bool:
    return close(answer.value, exact) or rounds_to(exact, answer)


def _implied_step_matches(answer: Answer, before: float, step: float) -> bool:
    return abs((before - answer.value) - step) <= max(UPDATE_RELATIVE * abs(step), FLOOR)


def check(step: Step, answer: Answer, ctx: Context, exact: Mapping[str, float],
          own: Mapping[str, float], *, upstream: bool = True) -> Verdict:
    """exact: every quantity's exact value (by id); own: the learner's answers to earlier
    steps as typed (each was accepted as right); upstream: also name slips made at earlier
    steps and carried into this one (a quiz gives those steps' values, so it says False)."""
    verdict = _check(step, answer, ctx, exact, own, upstream)
    if verdict.status is Status.RIGHT and verdict.message == "Right." and answer.literal:
        # the source's own printed digits, off the exact value: said here as in the summary
        note = printed_note(ctx.ex, ctx.solution, step.id, answer.text)
        if note:
            verdict.message = f"Within the tolerance. {note}"
    return verdict


def _check(step: Step, answer: Answer, ctx: Context, exact: Mapping[str, float],
           own: Mapping[str, float], upstream: bool) -> Verdict:
    get_exact = exact.__getitem__
    numbers = _rounded_numbers(step, answer, ctx, exact)
    if numbers:
        return _check_numbers(step, answer, ctx, exact, own, numbers, upstream)
    if step.kind == "update":
        return _check_update(step, answer, ctx, exact, own, upstream)
    mistakes = list(candidates(step, get_exact, ctx))
    if matches(answer, step.value):
        pinned = _pinned_within(step, answer, _options(step, ctx, exact, mistakes, upstream, answer, own))
        if pinned is not None:
            return pinned
        if answer.literal and (answer.significant or 0) < 2 and not close(answer.value, step.value, 1e-9):
            return Verdict(Status.MORE_DIGITS, ONE_DIGIT)
        return Verdict(Status.RIGHT, "Right.")
    return _diagnose(step, answer, ctx, exact, own, mistakes, lambda a, v: close(a.value, v), upstream)


ONE_DIGIT = "One significant digit is too few to judge: give two or more."


def _rounded_numbers(step: Step, answer: Answer, ctx: Context, exact: Mapping[str, float]) -> list[Number]:
    """The numbers of an expression that are rounded quantities: not the exact value of
    something the step is made from (0.45 for w6 and 0.5 for eta in w6+, 0.05 for i1), nor
    the 1/2 of a squared error. 0.6 in `0.6*(1-0.6)` for dout_h1/dnet_h1 is out_h1 rounded,
    though b2 is 0.6: b2 is not part of it."""
    if not answer.numbers:
        return []
    values = [exact[q] for q in _made_from(step.id, ctx) if q in exact] + [0.5]
    return [n for n in answer.numbers if not any(abs(n.value - v) <= 1e-12 * max(1.0, abs(v)) for v in values)]


def _made_from(step_id: str, ctx: Context) -> set[str]:
    """Every quantity a step is made from, down to the given values (w6, eta, i1)."""
    seen: set[str] = set()
    todo = [step_id]
    while todo:
        for d in getattr(ctx.by_id.get(todo.pop()), "depends", ()):
            if d not in seen:
                seen.add(d)
                todo.append(d)
    return seen


def _check_numbers(step: Step, answer: Answer, ctx: Context, exact, own, numbers: list[Number],
                   upstream: bool) -> Verdict:
    """An expression with rounded numbers in it (`0.45 - 0.5*0.082167` for w6+): its
    precision is its numbers', not a fixed tolerance (0.1%, an update's 1% of its step), which
    numbers that are exact (w6, eta) would stretch. Each rounded number may be off as much as a
    plain answer to what it stands for may (0.1% of it, or half a unit of its last digit): the
    answer is right when its value is within what they allow together of the exact value, and
    each has two significant digits or more (one: more digits). Outside: wrong, with a slip
    named when one is within what they allow; inside, digits that fit a slip's value and not
    the right one name it, as for a number."""
    answer = replace(answer, half=sum(n.slope * n.half for n in numbers))
    allowed = sum(n.slope * max(RELATIVE * abs(n.value), n.half) for n in numbers)

    def near(a: Answer, value: float) -> bool:
        return abs(a.value - value) <= allowed * (1 + 1e-9) + FLOOR

    mistakes = list(candidates(step, exact.__getitem__, ctx))
    if not near(answer, step.value):
        return _diagnose(step, answer, ctx, exact, own, mistakes, near, upstream)
    pinned = _pinned_within(step, answer, _options(step, ctx, exact, mistakes, upstream, answer, own))
    if pinned is not None:
        return pinned
    if any(n.significant < 2 for n in numbers):
        return Verdict(Status.MORE_DIGITS, "A number with one significant digit is too short to judge: "
                       "give two or more in each.")
    return Verdict(Status.RIGHT, "Right.")


def _check_update(step: Step, answer: Answer, ctx: Context, exact, own, upstream: bool) -> Verdict:
    param, _eta, grad = step.depends
    before = exact[param]
    eta = ctx.eta
    if close(answer.value, step.value, 1e-12):
        return Verdict(Status.RIGHT, "Right.")
    if _implied_step_matches(answer, before, eta * exact[grad]):
        # within 1% of the step, but the digits typed may be a slip's (out_h1 for out_h2 in w6+)
        mistakes = list(candidates(step, exact.__getitem__, ctx))
        pinned = _pinned_within(step, answer, _options(step, ctx, exact, mistakes, upstream, answer, own))
        return pinned if pinned is not None else Verdict(Status.RIGHT, "Right.")
    if rounds_to(step.value, answer):
        # rounds to w+, but the step it implies, w - w+, is more than 1% off (0.3473 for two-hidden's
        # w5+ = 0.3472688: a step of 0.0027 for 0.00273): the step is what is judged
        return Verdict(Status.MORE_DIGITS, f"{param} moves by only {abs(eta * exact[grad]):.3g}: give enough digits "
                       f"that {param} - {step.id} comes to that within 1%.")

    def implied(a: Answer, value: float) -> bool:
        return _implied_step_matches(a, before, before - value)

    mistakes = list(candidates(step, exact.__getitem__, ctx))
    return _diagnose(step, answer, ctx, exact, own, mistakes, implied, upstream)


def _options(step: Step, ctx: Context, exact, mistakes: list, upstream: bool, answer: Answer | None,
             own: Mapping[str, float]) -> list[tuple]:
    """(mistake, value, fields, at): the step's own mistakes, then (upstream) the slips
    carried into it from earlier steps, nearest first; at is None for the step's own.
    Left out: a mistake named only from a method shown (Mistake.shown_only) when a number was
    typed; a slip carried from a step named in the expression (its name stands for the exact
    value: dE_o1/dout_h1 - dE_o2/dout_h1 has no slip in dE_o2/dout_h1); and one carried from
    a step the learner has answered right when another option gives the same number (0.235
    for dout_h1/dnet_h1 is the derivative taken on net, not "or net as the output in out_h1")."""
    literal = answer is not None and answer.literal   # None: every option (the sweep's list)
    options = [(m, v, f, None) for m, v, f in mistakes if not (m.shown_only and literal)]
    if upstream:
        named = set(re.findall(r"[A-Za-z_]\w*", answer.text)) if answer is not None and not literal else set()
        late = []
        for c in carried(step, ctx, exact):
            if (c.mistake.shown_only and literal) or any(identifier(a) in named for a in c.at):
                continue
            (late if any(a in own for a in c.at) else options).append((c.mistake, c.value, c.fields, c.at))
        options += [o for o in late if not any(_one_value([o[1], k[1]]) for k in options)]
    return _one_per_slip(options)


def _one_per_slip(options: list[tuple]) -> list[tuple]:
    """One option for each slip. A slip carried through several steps comes up at each of
    them with the same number (out_h1 for out_h2 in dnet_o1/dw6, and so in dE_total/dw6):
    it is said in one place whatever the digits that named it, the first of them: the step's
    own when it is one, else the nearest upstream (carried slips come nearest first), the
    step the learner worked on last before this one."""
    kept: list[tuple] = []
    for o in options:
        if not any(k[0].key == o[0].key and _one_value([k[1], o[1]]) for k in kept):
            kept.append(o)
    return kept


def _pinned_within(step: Step, answer: Answer, options: list[tuple]) -> Verdict | None:
    """An answer within tolerance whose digits as typed do not round to the right value but
    single out one known or carried slip's value (round to it, or agree with it to full
    precision): that slip, named (the post's 0.291027924 against 0.291027774). A subtle
    slip, far inside the tolerance, is no mistake: right, with the slip as a note. None
    when the digits point at no slip, or cannot tell the slip from the right value."""
    if rounds_to(step.value, answer) or close(answer.value, step.value, 1e-9):
        return None
    if answer.literal and ((answer.significant or 0) < 2 or truncates_to(step.value, answer)):
        return None
    pinned = [o for o in options if rounds_to(o[1], answer) or close(answer.value, o[1], 1e-9)]
    if not pinned:
        return None
    if not _one_value([o[1] for o in pinned]):  # the digits fit two slips' numbers: no single name
        names = _described(pinned)
        return Verdict(Status.MORE_DIGITS, "Your digits fit known slips better than the right value: "
                       f"{'; or '.join(names[:3])}. With more of them I can tell which.")
    mistake, _, fields, at = pinned[0]
    if mistake.subtle and at is None:
        tolerance = UPDATE_RELATIVE if step.kind == "update" else RELATIVE
        return Verdict(Status.RIGHT, f"Within {tolerance:g} of the exact {step.value:.9g}. Your digits match "
                       f"another figure: {_fill(mistake, fields)}")
    return _verdict(step, pinned[0], alike=pinned if answer.literal else ())


def _described(options: list[tuple]) -> list[str]:
    """Each slip among these candidates in a few words, where it is made when that is
    upstream (the words its own verdict would use), each once."""
    return list(dict.fromkeys(m.name if at is None else f"{m.name} in {', '.join(at)}" for m, _, _, at in options))


def _one_value(values: list[float]) -> bool:
    """Do these candidates all give the same number (to the last few bits)?"""
    first = values[0]
    return all(abs(v - first) <= 1e-9 * max(abs(v), abs(first)) + 1e-15 for v in values)


def _name_mistake(answer: Answer, right: float, options: list[tuple], same: Callable[[Answer, float], bool]
                  ) -> tuple[str, tuple | None]:
    """("named", option) when the answer singles out one mistake's value; ("several",
    option) when mistakes of different values agree with it and its digits cannot tell
    which; ("short", option) when one mistake agrees but the digits are too few to single it
    out (one significant digit, or the right value cut short: 0.549 for b2+ = 0.54980 is that
    or a slip's 0.54942 rounded); ("none", None) otherwise. Candidates that give the very
    same number are one value: the first of them is named (the step's own mistakes come
    before carried ones)."""
    agreeing = [o for o in options if same(answer, o[1])]
    rounded = [o for o in options if rounds_to(o[1], answer)]
    pool = agreeing + [o for o in rounded if o not in agreeing]  # every candidate the answer may be
    if not pool:
        return "none", None

    def told_apart(o: tuple) -> str:
        """Do the digits typed single out o's value rather than the right one cut short? An
        expression is worked to full precision; a number typed as the slip's value exactly is it."""
        sure = (not answer.literal or close(answer.value, o[1], 1e-9)
                or ((answer.significant or 0) >= 2 and not truncates_to(right, answer)))
        return "named" if sure else "short"

    if agreeing and _one_value([o[1] for o in pool]):  # full agreement, digits to spare
        return told_apart(agreeing[0]), agreeing[0]
    if agreeing:  # several numbers: the digits typed must pick one (0.1497 for w1+ fits two slips)
        pinned = [o for o in pool if rounds_to(o[1], answer) or close(answer.value, o[1], 1e-9)]
        if pinned and _one_value([o[1] for o in pinned]):
            return told_apart(pinned[0]), pinned[0]
        return "several", agreeing[0]
    return (told_apart(rounded[0]) if _one_value([o[1] for o in rounded]) else "several"), rounded[0]


def _slip_in(at: tuple[str, ...]) -> str:
    return f"a slip in {at[0]}" if len(at) == 1 else f"the same slip in {', '.join(at[:-1])} and {at[-1]}"


def _verdict(step: Step, option: tuple, note: str = "", alike: list[tuple] = ()) -> Verdict:
    """A named mistake: its own sentence, and where it was made when that is upstream.
    alike: candidates that may give the very same number; when some of them are other
    slips, the digits cannot tell which was made, so the sentence names them all (the
    mistake kept is the first, the step's own before carried ones)."""
    mistake, value, fields, at = option
    others = _described([o for o in alike if o is not option and _one_value([o[1], value])])
    if others:
        first = mistake.name if at is None else f"{mistake.name} in {', '.join(at)}"
        names = [first, *others[:2]]
        text = (f"{'Two' if len(names) == 2 else 'Several'} slips give exactly this number ({value:.6g}): "
                f"{'; '.join(names[:-1])}; or {names[-1]}. I cannot tell which you made. "
                f"If it is the first: {_fill(mistake, fields)}")
        return Verdict(Status.MISTAKE, text + note, mistake, where=None if at is None else ", ".join(at))
    text = _fill(mistake, fields)
    if at is not None:
        text = f"That is {step.id} with {_slip_in(at)}. {text}"
    return Verdict(Status.MISTAKE, text + note, mistake, where=None if at is None else ", ".join(at))


def _diagnose(step, answer, ctx, exact, own, mistakes, same, upstream=True) -> Verdict:
    options = _options(step, ctx, exact, mistakes, upstream, answer, own)
    outcome, option = _name_mistake(answer, step.value, options, same)
    if outcome == "named" and option[3] is None:
        return _verdict(step, option, alike=options if answer.literal else ())
    held = option if outcome == "named" else None  # a slip upstream: named unless the answer is right after all
    unsure = {outcome} - {"named", "none"}  # why no slip could be named: "several", "short"
    # follow-through: the step done right on the learner's own earlier values
    get_own = lambda q: own.get(q, exact[q])  # noqa: E731
    differing = [d for d in step.depends if d in own and not close(own[d], exact[d])]
    if differing:
        names = {identifier(k): get_own(k) for k in exact}
        try:
            value = parse(step.expression, names).value
        except AnswerError:  # an expression the learner's values make undefined (ln of a negative)
            value = math.nan
        if math.isfinite(value) and (same(answer, value) or (rounds_to(value, answer)
                                                             and (answer.significant or 0) >= 2)):
            # worked from the digits of an earlier right answer: right, with a gentle word
            yours = ", ".join(f"{d} = {own[d]:.6g} (exact {exact[d]:.9g})" for d in differing)
            return Verdict(Status.RIGHT, f"Worked from your {yours}: carry more digits, so that later "
                           "steps stay close to the exact values.", upstream=differing)
    if held is not None:
        return _verdict(step, held, alike=options if answer.literal else ())
    if truncates_to(step.value, answer):  # the right value's first digits: it may be right
        if unsure:
            return Verdict(Status.MORE_DIGITS, "That could be the right value cut short or a known slip rounded: "
                           "the next digits will tell.")
        if (answer.significant or 0) >= 2:
            return Verdict(Status.MORE_DIGITS, "Close, but cut short: round the last digit rather than "
                           "dropping the rest, or type more of them.")
    if differing:
        used: set[str] = set()

        def tracked(q: str) -> float:
            used.add(q)
            return get_own(q)

        options, inputs = [], []  # each option with the ids its value was made from
        for mistake, value, fields in candidates(step, tracked, ctx):
            got = set(used)
            used.clear()
            if options and options[-1][0] is mistake:
                got |= inputs[-1]
            if mistake.shown_only and answer.literal:
                continue
            options.append((mistake, value, fields, None))
            inputs.append(got)
        outcome, option = _name_mistake(answer, step.value, options, same)
        if outcome == "named":
            yours = [f"{d} = {own[d]:.6g}" for d in differing if d in inputs[options.index(option)]]
            note = f" (Worked from your {', '.join(yours)}.)" if yours else ""
            return _verdict(step, option, note)
        unsure |= {outcome} - {"named", "none"}
    if "several" in unsure:
        return Verdict(Status.WRONG, "That is not it, and more than one slip gives about this much: with "
                       f"more digits I can say which. {_formula(step, ctx)}")
    if unsure:
        return Verdict(Status.WRONG, "That is not it, and one significant digit cannot show what was done. "
                       f"{_formula(step, ctx)}")
    return Verdict(Status.WRONG, _formula(step, ctx))


def _formula(step: Step, ctx: Context) -> str:
    """The step's formula, to go on from; a formula that is one name (dnet_o1/dw13 =
    out_h2_1_s1, a known value) would be the answer itself, so its meaning is said instead."""
    if re.fullmatch(r"[A-Za-z_]\w*(\s*\*\s*1)?", step.formula.strip()):
        act = ctx.activation_of(step.id) if step.kind in ("out", "net") else "sigmoid"
        return f"{step.id} is {meaning(step, act)}."
    return f"The formula is {step.formula}."


def _fill(mistake: Mistake, fields: dict) -> str:
    try:
        return mistake.explanation.format(**fields)
    except (KeyError, IndexError):
        return mistake.explanation
