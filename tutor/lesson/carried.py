"""Known mistakes carried into later steps.

A learner who skips a breakdown and computes w3+ in one go may make, on the way, a slip the
tutor knows at an earlier step (one output's part of dE_total/dout_h2 left out, the
derivative taken on net). For a step S, every quantity U upstream of it (asked, shown or
never asked) is replaced in turn by the value each of U's known mistakes gives, and S is
worked again through the update's own expressions from U up to S, everything else at its
exact value (an answer accepted as right stands for the exact value). The checker names
such a (U, mistake) under the same rules as a mistake of S itself.

The step expressions are read once into small Python closures (they are the engine's own
text, never the learner's) when the update is built, and the carried values of a step are
worked out the first time it is checked and kept on the Context: the worst step of the
largest bundled lesson (deep-tanh, w6+: 154 carried slips) takes ~9 ms on a busy machine.
"""

from __future__ import annotations

import ast
import math
from dataclasses import dataclass
from typing import Callable, Mapping

from ..engine.steps import Step, identifier
from .answer import FUNCTIONS
from .mistakes import Context, Mistake, candidates

Env = Callable[[str], float]          # identifier -> value
Compiled = Callable[[Env], float]


@dataclass(frozen=True)
class Carried:
    mistake: Mistake
    value: float      # what the step comes to with that slip at `at`
    fields: dict
    at: str           # the id of the upstream step where the slip is made


_BINARY = {ast.Add: lambda a, b: a + b, ast.Sub: lambda a, b: a - b, ast.Mult: lambda a, b: a * b,
           ast.Div: lambda a, b: a / b, ast.Pow: math.pow}
_COMPARE = {ast.Gt: lambda a, b: a > b, ast.GtE: lambda a, b: a >= b,
            ast.Lt: lambda a, b: a < b, ast.LtE: lambda a, b: a <= b}


def compile_expression(text: str) -> Compiled | None:
    """A step's expression (w5*out_h1 + w6*out_h2 + b2*1, 1/(1+exp(-net_o1)), ...) as a
    function of a name lookup; None for one that is not a formula (E_total+)."""
    try:
        return _node(ast.parse(text.replace("^", "**"), mode="eval").body)
    except (SyntaxError, ValueError):
        return None


def _node(n: ast.AST) -> Compiled:
    if isinstance(n, ast.Constant) and isinstance(n.value, (int, float)):
        c = float(n.value)
        return lambda env: c
    if isinstance(n, ast.Name):
        name = n.id
        return lambda env: env(name)
    if isinstance(n, ast.UnaryOp) and isinstance(n.op, (ast.USub, ast.UAdd)):
        inner = _node(n.operand)
        return (lambda env: -inner(env)) if isinstance(n.op, ast.USub) else inner
    if isinstance(n, ast.BinOp) and type(n.op) in _BINARY:
        a, b, op = _node(n.left), _node(n.right), _BINARY[type(n.op)]
        return lambda env: op(a(env), b(env))
    if isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and not n.keywords:
        args = [_node(x) for x in n.args]
        if n.func.id == "max":
            return lambda env: max(f(env) for f in args)
        if n.func.id in FUNCTIONS and len(args) == 1:
            fn, arg = FUNCTIONS[n.func.id], args[0]
            return lambda env: fn(arg(env))
    if (isinstance(n, ast.IfExp) and isinstance(n.test, ast.Compare) and len(n.test.ops) == 1
            and type(n.test.ops[0]) in _COMPARE):
        left, right = _node(n.test.left), _node(n.test.comparators[0])
        test, body, orelse = _COMPARE[type(n.test.ops[0])], _node(n.body), _node(n.orelse)
        return lambda env: body(env) if test(left(env), right(env)) else orelse(env)
    raise ValueError(f"not a step formula: {ast.dump(n)[:60]}")


class _Graph:
    """The update's steps as a graph: each step's compiled expression, and its cone."""

    def __init__(self, ctx: Context):
        self.steps = ctx.solution.steps
        self.order = {s.id: i for i, s in enumerate(self.steps)}
        self.compiled = {s.id: compile_expression(s.expression) if s.depends else None for s in self.steps}
        self.cones: dict[str, frozenset[str]] = {}
        for s in self.steps:  # in order: every step's inputs come before it
            cone: set[str] = set()
            for d in s.depends:
                if d in self.order:
                    cone.add(d)
                    cone |= self.cones[d]
            self.cones[s.id] = frozenset(cone)
        self.cache: dict[str, list[Carried]] = {}


def prepare(ctx: Context) -> None:
    """Read the update's expressions and cones once (worked.build, off the UI thread: 1-10 ms)."""
    if ctx.carried is None:
        ctx.carried = _Graph(ctx)


def carried(step: Step, ctx: Context, exact: Mapping[str, float]) -> list[Carried]:
    """Every (upstream slip, the value `step` comes to with it), nearest slips first; worked
    out the first time the step is checked (at most ~10 ms on the largest bundled lesson)."""
    prepare(ctx)
    graph = ctx.carried
    if step.id not in graph.cache:
        graph.cache[step.id] = _work_out(step, ctx, exact, graph)
    return graph.cache[step.id]


def _work_out(step: Step, ctx: Context, exact: Mapping[str, float], graph: _Graph) -> list[Carried]:
    if graph.compiled.get(step.id) is None:
        return []
    by_name = {identifier(k): v for k, v in exact.items()}
    cone = graph.cones[step.id]
    path = sorted(cone | {step.id}, key=graph.order.__getitem__)
    out: list[Carried] = []
    for u in sorted(cone, key=graph.order.__getitem__, reverse=True):  # nearest first
        above = [x for x in path if u in graph.cones[x]]  # the steps between u and `step`, and `step`
        for mistake, value, fields in candidates(graph.steps[graph.order[u]], exact.__getitem__, ctx):
            if value == exact[u]:
                continue
            changed = {identifier(u): value}
            env = lambda name: changed[name] if name in changed else by_name[name]  # noqa: E731
            try:
                for x in above:
                    changed[identifier(x)] = float(graph.compiled[x](env))
            except (ArithmeticError, ValueError, TypeError):  # ln of a negative, 1/0 on that path
                continue
            v = changed[identifier(step.id)]
            if math.isfinite(v) and v != step.value:
                out.append(Carried(mistake, v, fields, u))
    return out
