"""Known mistakes carried into later steps.

A learner who skips a breakdown and computes w3+ in one go may make, on the way, a slip the
tutor knows at an earlier step (one output's part of dE_total/dout_h2 left out, the
derivative taken on net). For a step S, every quantity U upstream of it (asked, shown or
never asked) is replaced in turn by the value each of U's known mistakes gives, and S is
worked again through the update's own expressions from U up to S, everything else at its
exact value (an answer accepted as right stands for the exact value). The checker names
such a (U, mistake) under the same rules as a mistake of S itself. The same slip made at
every step of one kind in a layer (the logistic function at each softmax output, the
derivative on net at both outputs) is one more candidate: a slip of method is made everywhere.

The step expressions are read once into small Python closures (they are the engine's own
text, never the learner's) when a lesson is made, and the carried values of a step are
worked out the first time it is checked and kept on the Context: the worst step of the
largest bundled lesson (deep-tanh, w5+: 199 carried slips) takes ~4 ms of CPU.
"""

from __future__ import annotations

import ast
import math
import re
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
    at: tuple[str, ...]  # the upstream step where the slip is made (or each, for the same slip in a layer)


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
                # the pass after the update (out_o1+, E_total+) starts from the new parameters
                # as judged at their own steps: a slip is carried within that pass only
                if d in self.order and (s.phase != "after" or self.steps[self.order[d]].phase == "after"):
                    cone.add(d)
                    cone |= self.cones[d]
            self.cones[s.id] = frozenset(cone)
        self.ident = {s.id: identifier(s.id) for s in self.steps}
        self.by_name: dict[str, float] | None = None   # every exact value, by identifier
        self._found: dict[str, list] = {}
        self.cache: dict[str, list[Carried]] = {}

    def found(self, u: str, exact: Mapping[str, float], ctx: Context) -> list[tuple[Mistake, float, dict]]:
        """The known mistakes of step u on the exact values (those that change it)."""
        if u not in self._found:
            self._found[u] = [(m, v, f) for m, v, f in candidates(self.steps[self.order[u]], exact.__getitem__, ctx)
                              if v != exact[u]]
        return self._found[u]


def prepare(ctx: Context) -> None:
    """Read the update's expressions and cones once: a Lesson does it when it is made, in the
    worker that opens it (1-4 ms of CPU), so that a variant drawn or an update solved does not."""
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
    if graph.by_name is None:
        graph.by_name = {identifier(k): v for k, v in exact.items()}
    cone = graph.cones[step.id]
    path = sorted(cone | {step.id}, key=graph.order.__getitem__)
    target = identifier(step.id)

    def worked(changes: dict[str, float], above: list[str]) -> float | None:
        """The step's value with these upstream values changed, worked again along `above`
        (the steps downstream of them, in order), everything else exact."""
        values = graph.by_name.copy()
        for u, v in changes.items():
            values[identifier(u)] = v
        env = values.__getitem__
        try:
            for x in above:
                values[graph.ident[x]] = float(graph.compiled[x](env))
        except (ArithmeticError, ValueError, TypeError):  # ln of a negative, 1/0 on that path
            return None
        v = values[target]
        return v if math.isfinite(v) and v != step.value else None

    out: list[Carried] = []
    below: dict[str, list[str]] = {}   # u -> the steps of the path downstream of it
    groups: dict[tuple, list[tuple[str, Mistake, float, dict]]] = {}
    for u in sorted(cone, key=graph.order.__getitem__, reverse=True):  # nearest first
        found = graph.found(u, exact, ctx)
        if not found:
            continue
        below[u] = [x for x in path if u in graph.cones[x]]
        for mistake, value, fields in found:
            v = worked({u: value}, below[u])
            if v is not None:
                out.append(Carried(mistake, v, fields, (u,)))
        keys = [m.key for m, _, _ in found]
        upstream = graph.steps[graph.order[u]]
        for mistake, value, fields in found:
            if keys.count(mistake.key) == 1:  # one way to make it here: the same slip can be made everywhere
                layer, sample = _layer_of(upstream), tuple(_SAMPLE.findall(u))
                for key in ((mistake.key, upstream.kind, layer, sample), (mistake.key, upstream.kind, layer)):
                    groups.setdefault(key, []).append((u, mistake, value, fields))
    seen: set[tuple[str, ...]] = set()
    for members in groups.values():
        at = tuple(sorted((u for u, *_ in members), key=graph.order.__getitem__))
        if len(at) < 2 or at in seen:
            continue
        seen.add(at)
        above = sorted({x for u in at for x in below[u]} - set(at), key=graph.order.__getitem__)
        v = worked({u: value for u, _, value, _ in members}, above)
        if v is not None:
            first = min(members, key=lambda m: graph.order[m[0]])
            out.append(Carried(first[1], v, first[3], at))
    return out


_SAMPLE = re.compile(r"_s(\d+)\b")


def _layer_of(s: Step) -> str:
    """The layer a step belongs to, for the same slip made in all of it: its backward
    label (o, h, h2), or for net_h1_2 / out_o1_s2 / E_o1 the neuron's name without its number."""
    if s.layer:
        return s.layer
    neuron = _SAMPLE.sub("", s.id).split("/")[0].split("_", 1)[-1]
    return neuron.rstrip("0123456789")
