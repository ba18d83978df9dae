"""Reading a learner's answer: a number or a small arithmetic expression.

Our own evaluator over `ast.parse(mode="eval")` with an allow-list: numbers,
+ - * / ** ^ and brackets, exp log ln sqrt tanh max, e and pi, and the names it is given.
Nothing is ever passed to eval, exec or compile. Every failure is an AnswerError whose
text is one sentence for the learner.

A learner types what they read, so a quantity has every spelling the tutor shows:
`dE_total/dw5`, `∂E_total/∂w5` and `dE_total_dw5`; `w5+`, `w5⁺` and `w5_new`; `δ_o1` and
`delta_o1`; `η` for eta, `½`, a Unicode minus, full-width digits. A `/` between two parts
of one known name is that name (longest match first), anywhere else it divides.
"""

from __future__ import annotations

import ast
import functools
import math
import re
import unicodedata
from dataclasses import dataclass
from typing import Mapping

from ..engine.steps import identifier
from .nearest import nearest

MAX_LENGTH = 200       # characters: a number or a short expression is enough
MAX_NODES = 120        # syntax-tree nodes
MAX_MAGNITUDE = 1e100  # anything larger is not an answer to any step here

def _sigmoid(x: float) -> float:
    # 1 / (1 + e^-x), written so that neither side overflows
    return 1.0 / (1.0 + math.exp(-x)) if x >= 0 else math.exp(x) / (1.0 + math.exp(x))


FUNCTIONS = {
    "exp": math.exp, "log": math.log, "ln": math.log, "sqrt": math.sqrt, "tanh": math.tanh,
    "sigmoid": _sigmoid,  # the questions say "passed through the sigmoid function": learners write it
}
CONSTANTS = {"e": math.e, "pi": math.pi}
SYNTAX = ("numbers, + - * / ^ and brackets, exp ln log sqrt tanh sigmoid max, e, pi and names such as w5 or "
          "out_h1")


class AnswerError(Exception):
    """Why an answer could not be read, in one sentence."""


@dataclass(frozen=True)
class Number:
    """A number typed inside an expression: its value, half a unit of its last digit, and
    how much the expression moves per unit it moves (so its digits can be judged: 0.082167
    in `0.45 - 0.5*0.082167` carries the answer's precision; whether it stands for an exact
    value, as 0.45 for w6 does, the checking decides)."""
    value: float
    half: float            # 0.5 * 10^-decimals
    slope: float           # |d answer / d number|
    significant: int


@dataclass(frozen=True)
class Answer:
    text: str
    value: float
    literal: bool          # a plain number as typed (its digits can be judged)
    decimals: int | None   # digits after the point of a plain number
    significant: int | None
    numbers: tuple[Number, ...] = ()  # an expression's own numbers (integers left out: 1 - out, ^2)
    # an expression with rounded numbers: how far its value may be from the one they stand
    # for, when each is half a unit of its last digit off (set by the checking, which knows
    # which numbers are exact)
    half: float | None = None


_NUMBER = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")
# symbols a learner copies from the screen or a textbook, before NFKC folds the rest
# (full-width digits, ⁺); ½ and ² must go first, NFKC would make them 1⁄2 and 2
_SYMBOLS = (("½", "(1/2)"), ("²", "^2"), ("³", "^3"))
_CHARACTERS = (("−", "-"), ("–", "-"), ("×", "*"), ("·", "*"), ("÷", "/"), ("⁄", "/"), ("∂", "d"),
               ("η", "eta"), ("δ_", "delta_"), ("δ", "delta_"))


def normalise(text: str) -> str:
    text = text.strip()
    for a, b in _SYMBOLS:
        text = text.replace(a, b)
    text = unicodedata.normalize("NFKC", text)
    for a, b in _CHARACTERS:
        text = text.replace(a, b)
    if re.fullmatch(r"[+-]?\d+,\d+", text):  # 0,3775: a decimal comma
        text = text.replace(",", ".")
    return text


@functools.lru_cache(maxsize=64)
def _spelled(ids: tuple[tuple[str, str], ...]) -> tuple[re.Pattern | None, list[str]]:
    """One pattern for the spellings with / or + of the quantities in `ids` (identifier,
    id as shown), longest first, so that dE_total/dw5 is one name and not a division;
    and the identifier each alternative stands for."""
    parts, idents = [], []
    for ident, shown in sorted(ids, key=lambda kv: -len(kv[1])):
        if shown == ident:
            continue
        if shown.endswith("+"):
            # w5+ is the name when nothing follows that could be added: w5+w6 is a sum
            body = re.escape(shown[:-1]) + r"\+(?=\s*(?:$|[)*/^=,])|\s+[-+]\s)"
        else:
            body = r"\s*/\s*".join(re.escape(p) for p in shown.split("/"))
        parts.append(f"(?P<q{len(parts)}>{body})")
        idents.append(ident)
    if not parts:
        return None, idents
    return re.compile(r"(?<![\w.])(?:" + "|".join(parts) + r")(?![\w])"), idents


# dA/dB left after the known names are read as one (_respell): both parts begin with d
_QUOTIENT = re.compile(r"(?<![\w.])(d[A-Za-z_]\w*)\s*/\s*(d[A-Za-z_]\w*)(?![\w(])")
_SAMPLE_TAG = re.compile(r"_s(\d+)(?=_|$)")   # a sample's tag inside a name: out_h1_s2, dE_total_s1_dw7


def _one_sample(ids: Mapping[str, str], k: int | None) -> list[tuple[str, str]]:
    """In a step of one sample, its quantities' spellings without the sample's tag
    (dnet_o1/dw7 for dnet_o1_s1/dw7), where no other quantity is spelled so."""
    if k is None:
        return []
    taken = {*ids, *ids.values()}
    tag = re.compile(rf"_s{k}(?=\W|_|$)")
    out = []
    for ident, shown in ids.items():
        bare = tag.sub("", shown)
        if bare != shown and bare not in taken:
            out.append((ident, bare))
    return out


def sample_of(names) -> int | None:
    """The one sample a step is about, from its id and what it is made from (net_h1_s2 -> 2;
    an online w7+ from dE_total_s1/dw7 -> 1); None for a step over several samples, or none."""
    found = {int(m.group(1)) for a in names for m in _SAMPLE_TAG.finditer(identifier(a))}
    return found.pop() if len(found) == 1 else None


def _respell(text: str, ids: Mapping[str, str], more: list[tuple[str, str]] = ()) -> str:
    pattern, idents = _spelled(tuple(sorted([*ids.items(), *more])))
    if pattern is None:
        return text
    return pattern.sub(lambda m: idents[int(m.lastgroup[1:])], text)


def parse(text: str, names: Mapping[str, float], pending: Mapping[str, str] | None = None, *,
          ids: Mapping[str, str] | None = None, asking: str | tuple[str, ...] = (),
          sample: int | None = None) -> Answer:
    """The value of an answer.

    names:   identifier -> value, what can be used (w5, i1, out_h1, dE_total_dw5...)
    pending: identifier -> when it will be known ("it is asked at step 15"), for quantities
             that exist but are not known yet
    ids:     identifier -> the id as the screen shows it (dE_total/dw5, w5+), for spellings
             and for messages
    asking:  the identifier(s) of the quantity the step asks for: `E_o2 = 0.0235` is read
             as 0.0235, and the name alone is not an answer
    sample:  the one sample the step is about, if any (`sample_of`; else read from `asking`):
             its quantities may then be named without their tag (E_o1 for E_o1_s1)
    """
    asking = (asking,) if isinstance(asking, str) else tuple(asking)
    if len(text) > MAX_LENGTH:
        raise AnswerError(f"That answer is too long ({len(text):,} characters); "
                          "a number or a short expression is enough.")
    ids = ids or {}
    sample = sample if sample is not None else sample_of(asking)
    text = _respell(normalise(text), ids, _one_sample(ids, sample))
    pending = pending or {}
    text = _value_after_own_name(text, asking, names, pending, ids)
    if not text:
        raise AnswerError("Type a number or an expression, then press Enter.")
    if _NUMBER.match(text):
        value = float(text)
        if not math.isfinite(value) or abs(value) > MAX_MAGNITUDE:
            raise AnswerError("That number is too large to be an answer here.")
        decimals, significant = _digits(text)
        return Answer(text, value, True, decimals, significant)
    source = text.replace("^", "**")
    try:
        tree = ast.parse(source, mode="eval")
    except SyntaxError as e:
        where = f" near character {e.offset}" if e.offset else ""
        raise AnswerError(f"I could not read that as a number or an expression{where}.") from None
    except (ValueError, RecursionError, MemoryError):
        raise AnswerError("I could not read that as a number or an expression.") from None
    if sum(1 for _ in ast.walk(tree)) > MAX_NODES:
        raise AnswerError("That expression is too long; a number or a short expression is enough.")
    evaluator = _Evaluator(names, pending, ids, asking, sample)
    evaluator.derivatives(text)
    value = evaluator.eval(tree.body)
    return Answer(text, value, False, None, None, _numbers_in(tree, source, evaluator, value))


def _digits(text: str) -> tuple[int, int]:
    """(the place of the last digit typed, significant digits) of a plain number."""
    mantissa = text.lstrip("+-").split("e")[0].split("E")[0]
    digits = mantissa.replace(".", "").lstrip("0") or "0"
    decimals = len(mantissa.split(".")[1]) if "." in mantissa else 0
    exponent = int(text.lower().split("e")[1]) if "e" in text.lower() else 0
    # a zero's exponent says nothing more (0e400), and 10.0 ** 309 would overflow
    return max(decimals - exponent, -300), len(digits)


def _numbers_in(tree: ast.Expression, source: str, evaluator: "_Evaluator", value: float) -> tuple[Number, ...]:
    """The expression's numbers with a fractional part, each with half a unit of its last
    digit and the expression's slope in it (worked out by moving it half a unit each way)."""
    out = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Constant) and isinstance(node.value, float)):
            continue
        typed = ast.get_source_segment(source, node) or ""
        if not _NUMBER.match(typed) or "." not in typed:
            continue  # an integer (1 - out, ^2, 1/2) is exact
        decimals, significant = _digits(typed)
        half = 0.5 * 10.0 ** -decimals
        if not 0 < half < math.inf:  # a last digit past what a float holds (2.2e-309): exact enough
            continue
        slopes = []
        for moved in (node.value + half, node.value - half):
            evaluator.moved = {id(node): moved}
            try:
                slopes.append(abs(evaluator.eval(tree.body) - value) / half)
            except (AnswerError, ArithmeticError):  # past the edge of a function's domain: the other side
                pass
        evaluator.moved = {}
        slope = max(slopes, default=0.0)
        out.append(Number(node.value, half, slope if math.isfinite(slope) else 0.0, significant))
    return tuple(out)


def _value_after_own_name(text: str, asking: tuple[str, ...], names, pending, ids) -> str:
    """`E_o2 = 0.0235`: the name repeated before the value is read as the value."""
    m = re.fullmatch(r"\s*([A-Za-z_]\w*)\s*=(?!=)\s*(.*)", text, re.S)
    if m is None:
        return text
    name, rest = m.groups()
    if name in asking:
        return rest.strip()
    if asking and (name in names or name in pending):
        raise AnswerError(f"{ids.get(name, name)} is another quantity: this step asks for "
                          f"{ids.get(asking[0], asking[0])}, so give its value alone.")
    return text


class _Evaluator:
    def __init__(self, names: Mapping[str, float], pending: Mapping[str, str],
                 ids: Mapping[str, str] | None = None, asking: tuple[str, ...] = (), sample: int | None = None):
        self.names, self.pending, self.ids, self.asking, self.sample = names, pending, ids or {}, asking, sample
        self.moved: dict[int, float] = {}  # id(number node) -> the value it stands at (_numbers_in)

    def eval(self, node: ast.AST) -> float:
        value = self._eval(node)
        if not math.isfinite(value) or abs(value) > MAX_MAGNITUDE:
            raise AnswerError("That works out to a number too large to be an answer here.")
        return value

    def _eval(self, node: ast.AST) -> float:
        if isinstance(node, ast.Constant):
            if id(node) in self.moved:
                return self.moved[id(node)]
            if isinstance(node.value, bool) or not isinstance(node.value, (int, float)):
                raise AnswerError(f"Only numbers and names can be used here: {SYNTAX}.")
            try:
                return float(node.value)
            except OverflowError:  # an integer of 309 digits or more
                raise AnswerError("That number is too large to be an answer here.") from None
        if isinstance(node, ast.Name):
            return self._name(node.id)
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.UAdd, ast.USub)):
            v = self.eval(node.operand)
            return -v if isinstance(node.op, ast.USub) else v
        if (isinstance(node, ast.BinOp) and isinstance(node.op, ast.Div) and isinstance(node.left, ast.Name)
                and isinstance(node.right, ast.Name) and not self._known(node.left.id)
                and self._samples_of(f"{node.left.id}_{node.right.id}")):
            # dE_total/dout_o1: a derivative's name, without its samples' tags
            return self._name(f"{node.left.id}_{node.right.id}", typed=f"{node.left.id}/{node.right.id}")
        if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Sub, ast.Mult, ast.Div, ast.Pow)):
            a, b = self.eval(node.left), self.eval(node.right)
            return _arith(node.op, a, b)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and not node.keywords:
            name = node.func.id
            if name in self.names or name in self.ids:  # out_o1(1 - out_o1): a name before a bracket
                raise AnswerError(f"Put * between {self.ids.get(name, name)} and the bracket, as in "
                                  f"{self.ids.get(name, name)}*(…).")
            if name not in FUNCTIONS and name != "max":  # say so before touching the arguments
                raise AnswerError(f"{name[:30]!r} is not a function I know; the functions are exp, ln, "
                                  "log, sqrt, tanh, sigmoid and max.")
            return self._call(name, [self.eval(a) for a in node.args])
        # ½(t - o)^2 or 2(x): a number before a bracket
        if isinstance(node, ast.Call) and isinstance(node.func, (ast.Constant, ast.BinOp, ast.UnaryOp)):
            raise AnswerError("Put * between a number and a bracket, as in ½*(target_o1 - out_o1)^2.")
        if isinstance(node, ast.IfExp) and isinstance(node.test, ast.Compare):
            return self.eval(node.body) if self._compare(node.test) else self.eval(node.orelse)
        raise AnswerError(f"That is not something I can work out; use {SYNTAX}.")

    def _compare(self, node: ast.Compare) -> bool:
        if len(node.ops) != 1 or not isinstance(node.ops[0], (ast.Gt, ast.GtE, ast.Lt, ast.LtE)):
            raise AnswerError(f"That is not something I can work out; use {SYNTAX}.")
        a, b = self.eval(node.left), self.eval(node.comparators[0])
        return {ast.Gt: a > b, ast.GtE: a >= b, ast.Lt: a < b, ast.LtE: a <= b}[type(node.ops[0])]

    def _name(self, name: str, typed: str = "") -> float:
        shown = self.ids.get(name, name)
        if name in self.asking:
            raise AnswerError(f"{shown} is the quantity this step asks for: work it out from the values "
                              "it is made from.")
        if name in self.names:
            return float(self.names[name])
        if name in CONSTANTS:
            return CONSTANTS[name]
        if name in self.pending:
            raise AnswerError(f"{shown} is not known yet: {self.pending[name] or 'it is worked out at a later step'}.")
        if name in FUNCTIONS or name == "max":
            raise AnswerError(f"{name} is a function: write it with brackets, as in {name}(0.5).")
        own = self._samples_of(name)
        if own:   # several samples, each with its own: a step of one sample means that sample's
            if self.sample in own:
                return self._name(own[self.sample])
            shown = " or ".join(self.ids.get(n, n) for _, n in sorted(own.items())[:3])
            raise AnswerError(f"I do not know the name {(typed or name)[:30]!r}; with several samples each has its own: "
                              f"did you mean {shown}?")
        close = nearest(name, [*self.names, *self.pending, *CONSTANTS], cutoff=0.75)
        if close:
            self._did_you_mean(name, close[0])
        raise AnswerError(f"I do not know the name {name[:30]!r}; you can use {SYNTAX}.")

    def derivatives(self, text: str) -> None:
        """dE_totl/dw8, dout_h1/dnet_h: a derivative's name with a slip in it (the known ones
        are one name already, _respell), not a division of two names that are not known: the
        derivative it most likely meant, as one name (not 'did you mean E_total?')."""
        for m in _QUOTIENT.finditer(text):
            top, bottom = m.groups()
            joined = f"{top}_{bottom}"
            if (self._known(top) and self._known(bottom)) or self._known(joined) or self._samples_of(joined):
                continue  # a division of known names, or a derivative the evaluator reads
            close = nearest(joined, [*self.names, *self.pending], cutoff=0.75)
            if close:
                self._did_you_mean(f"{top}/{bottom}", close[0])

    def _did_you_mean(self, typed: str, close: str) -> None:
        shown = self.ids.get(close, close)
        later = f" ({shown} is not known yet: {self.pending[close]}.)" if close in self.pending else ""
        raise AnswerError(f"I do not know the name {typed[:30]!r}; did you mean {shown}?{later}")

    def _known(self, name: str) -> bool:
        return name in self.names or name in self.pending or name in CONSTANTS

    def _samples_of(self, name: str) -> dict[int, str]:
        """Sample -> the name with that sample's tags: E_o1 -> E_o1_s1, dE_total_dout_h1 ->
        dE_total_s1_dout_h1_s1."""
        out = {}
        for known in (*self.names, *self.pending):
            for k in {m.group(1) for m in _SAMPLE_TAG.finditer(known)}:
                if re.sub(rf"_s{k}(?=_|$)", "", known) == name:
                    out[int(k)] = known
        return out

    def _call(self, name: str, args: list[float]) -> float:
        if name == "max":
            if len(args) < 2:
                raise AnswerError("max takes two or more numbers, as in max(0, net_h1).")
            return max(args)
        if len(args) != 1:
            raise AnswerError(f"{name} takes one number, as in {name}(0.5).")
        try:
            return FUNCTIONS[name](args[0])
        except OverflowError:
            raise AnswerError("That works out to a number too large to be an answer here.") from None
        except ValueError:
            what = "a number at or below 0" if name in ("log", "ln") else "a negative number"
            raise AnswerError(f"{name} of {what} is not defined.") from None


def _arith(op: ast.operator, a: float, b: float) -> float:
    try:
        if isinstance(op, ast.Add):
            return a + b
        if isinstance(op, ast.Sub):
            return a - b
        if isinstance(op, ast.Mult):
            return a * b
        if isinstance(op, ast.Div):
            return a / b
        if a < 0 and not float(b).is_integer():
            raise AnswerError("A negative number to a fractional power is not a real number.")
        return math.pow(a, b)
    except ZeroDivisionError:
        raise AnswerError("That divides by zero.") from None
    except OverflowError:
        raise AnswerError("That works out to a number too large to be an answer here.") from None
    except ValueError:
        raise AnswerError("That power is not defined for these numbers.") from None
