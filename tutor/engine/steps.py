"""Every quantity a learner computes in one update, in the post's order.

For one sample (the post):
  forward   net_h1, out_h1, net_h2, out_h2, net_o1, out_o1, ...
  error     E_o1, E_o2, E_total
  output    dE_total/dout_o1, dout_o1/dnet_o1, dnet_o1/dw5, dE_total/dw5, w5+, ...,
            then the node deltas delta_o1 (the post's dE_o1/dnet_o1), ... and bias gradients
  hidden    per hidden neuron: dnet_o1/dout_h1 (= w5), dE_o1/dout_h1, ..., dE_total/dout_h1,
            dout_h1/dnet_h1, dnet_h1/dw1, dE_total/dw1, w1+, ...; then the deltas
  after     the forward pass again with the updated parameters (net_h1+, out_h1+, ...,
            E_o1+), then E_total+, the error after the update
Each hidden layer of a deeper net repeats the hidden block, taking the deltas of the
layer above in place of the outputs'. dE_X/dout_Y is the part of dE_total/dout_Y that
flows through neuron X: delta_X * (the weight from Y to X).

With several samples, per-sample quantities carry `_sN` (net_h1_s2). Online: the steps
of the first sample's update. Batch: forward, error and backward of every sample, then
dE_total/dw = the sum over samples, then the updates.

Every step has a formula written with names and the same formula with the numbers in
it; the values come from the engine's arrays, not from evaluating those strings.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np

from . import naming
from .backprop import backward, forward, total_error
from .network import Network
from .training import Settings, Trainer


@dataclass
class Step:
    id: str            # the post's name: net_h1, dE_total/dw5, delta_o1, w5+
    kind: str          # net, out, error, error_total, dE_dout, dout_dnet, dnet_dw, dE_dw, ...
    phase: str         # forward | error | output | hidden | gradient | update | after
    formula: str       # with names:   w1*i1 + w2*i2 + b1*1
    numbers: str       # with numbers: 0.15*0.05 + 0.2*0.1 + 0.35*1
    value: float
    expression: str = ""  # the formula in identifiers (dE_total_dout_o1 * ...), to evaluate
    depends: list[str] = field(default_factory=list)
    aliases: list[str] = field(default_factory=list)
    layer: str = ""    # which layer a backward step belongs to: "o", "h", "h2"

    @property
    def symbol(self) -> str:
        """The id in mathematical notation: ∂E_total/∂w5, δ_o1, w5⁺."""
        s = self.id
        if s.endswith("+"):
            s = s[:-1] + "⁺"
        if s.startswith("delta_"):
            return "δ_" + s[6:]
        if s.startswith("d") and "/d" in s:
            top, bottom = s.split("/d", 1)
            return f"∂{top[1:]}/∂{bottom}"
        return s

    @property
    def breakdown_only(self) -> bool:
        """A quantity of the forward pass after the update (out_o1+, E_o1+): asked when the
        error after is broken down (F4), not by a lesson that asks every step."""
        return self.phase == "after" and self.kind != "error_after"

    @property
    def name(self) -> str:
        """An identifier for the same quantity, usable inside an expression."""
        return identifier(self.id)

    def as_dict(self) -> dict:
        return {"id": self.id, "symbol": self.symbol, "name": self.name, "kind": self.kind,
                "phase": self.phase, "layer": self.layer, "formula": self.formula,
                "numbers": self.numbers, "value": self.value, "expression": self.expression,
                "depends": self.depends,
                "aliases": self.aliases}


def identifier(id_: str) -> str:
    """dE_total/dw5 -> dE_total_dw5, w5+ -> w5_new: a quantity's name inside an expression."""
    return id_.replace("/", "_").replace("+", "_new")


def num(v: float) -> str:
    """A number as it appears inside a formula: nine significant digits, negatives bracketed
    (a zero is 0, whatever its sign bit: 0.55 - 0.5*0, not 0.55 - 0.5*-0)."""
    v = v + 0.0  # -0.0 + 0.0 is 0.0
    text = f"{v:.9g}"
    return f"({text})" if v < 0 else text


def _unbracket(text: str) -> str:
    """tanh((-0.06)) -> tanh(-0.06): a negative number already inside brackets needs no more."""
    return re.sub(r"\(\((-[0-9.e+-]+)\)\)", r"(\1)", text)


class _Builder:
    def __init__(self, net: Network, settings: Settings):
        self.net, self.settings = net, settings
        self.rules, self.loss = net.activation_rules, net.loss_rule  # ValueError for unknown names
        self.steps: list[Step] = []
        self.values: dict[str, float] = dict(net.parameters())
        self.values["eta"] = float(settings.learning_rate)
        self.wn = naming.weight_names(net.sizes)
        self.bn = naming.bias_names(net.sizes, net.bias)

    def add(self, id_, kind, phase, template, refs, value, layer="", aliases=()):
        names = [str(r) for r in refs]
        self.values[id_] = float(value)
        self.steps.append(Step(
            id=id_, kind=kind, phase=phase,
            formula=template.format(*names),
            numbers=_unbracket(template.format(*[num(self.values[r]) for r in names])),
            value=float(value), depends=list(dict.fromkeys(names)), aliases=list(aliases),
            layer=layer, expression=template.format(*[identifier(r) for r in names])))

    def update(self, param: str, grad_id: str) -> None:
        # the post's rule: p+ = p - eta * dE_total/dp (the first update starts from rest,
        # so momentum adds nothing to it)
        self.add(f"{param}+", "update", "update", "{0} - {1}*{2}", [param, "eta", grad_id],
                 self.values[param] - self.settings.learning_rate * self.values[grad_id])

    # --- one sample -------------------------------------------------------------------
    def sample(self, x, t, sfx: str, *, interleave: bool, backward_pass: bool = True,
               forward_pass: bool = True) -> dict[str, str]:
        """Steps of one sample; returns param name -> the id of its gradient step."""
        net = self.net
        q = lambda name: name + sfx  # noqa: E731  per-sample quantity names
        L = net.n_layers
        sizes = net.sizes
        p = backward(net, forward(net, x[None], t[None]), t[None])
        ins = naming.neuron_names(sizes, 0)
        outs_n = naming.neuron_names(sizes, L)
        for j, name in enumerate(ins):
            self.values[q(name)] = float(x[j])
        for k, name in enumerate(outs_n):
            self.values[q(f"target_{name}")] = float(t[k])

        def src(l: int, j: int) -> str:  # what feeds layer l+1 from neuron j of layer l
            return q(ins[j]) if l == 0 else q(f"out_{naming.neuron_names(sizes, l)[j]}")

        if forward_pass:
            self._forward(p, q, src)
            self._error(p, q)
        if not backward_pass:
            return {}
        return self._backward(p, t, q, src, interleave)

    def _forward(self, p, q, src, param=lambda name: name, phase="forward"):
        """net and out of every neuron; `param` names the parameter used (w5, or w5+ in the
        forward pass after the update)."""
        net = self.net
        for l in range(net.n_layers):
            names = naming.neuron_names(net.sizes, l + 1)
            f = self.rules[l]
            for k, nk in enumerate(names):
                refs, parts = [], []
                for j in range(net.sizes[l]):
                    parts.append(f"{{{len(refs)}}}*{{{len(refs) + 1}}}")
                    refs += [param(self.wn[l][k][j]), src(l, j)]
                if self.bn[l]:
                    parts.append(f"{{{len(refs)}}}*1")
                    refs.append(param(self.bn[l][0 if len(self.bn[l]) == 1 else k]))
                self.add(q(f"net_{nk}"), "net", phase, " + ".join(parts), refs, p.nets[l][0, k])
                if f.elementwise:
                    self.add(q(f"out_{nk}"), "out", phase, f.formula.format(net="{0}"),
                             [q(f"net_{nk}")], p.outs[l + 1][0, k])
            if not f.elementwise:  # softmax: every output needs every net, so the nets come first
                sum_exp = " + ".join(f"exp({{{j}}})" for j in range(len(names)))
                refs = [q(f"net_{n}") for n in names]
                for k, nk in enumerate(names):
                    self.add(q(f"out_{nk}"), "out", phase,
                             f.formula.format(net=f"{{{k}}}", sum_exp=sum_exp), refs, p.outs[l + 1][0, k])

    def _error(self, p, q, target=None, phase="error", total_kind="error_total"):
        """Each output's error and their sum (`target` names the targets when `q` names
        the quantities of the pass after the update: target_o1 is no quantity of it)."""
        net = self.net
        target = target or q
        names = naming.neuron_names(net.sizes, net.n_layers)
        n = len(names)
        template = self.loss.error_formula(net.activations[-1]).format(target="{0}", out="{1}", n=n)
        for k, nk in enumerate(names):
            self.add(q(f"E_{nk}"), "error", phase, template,
                     [target(f"target_{nk}"), q(f"out_{nk}")], p.errors[0, k])
        self.add(q("E_total"), total_kind, phase, " + ".join(f"{{{k}}}" for k in range(n)),
                 [q(f"E_{nk}") for nk in names], p.errors[0].sum())

    def after(self, updated: Network, X, T, used: list[int], S: int) -> None:
        """The error after the update, worked the way the post works it: the forward pass
        again with the new parameters (w5+; b1+ where the biases learn), net_h1+, out_h1+,
        ..., each output's error E_o1+, then E_total+ (per sample, E_total_s1+, and their
        sum in a batch). F4 on the error after asks this pass (Lesson.missing)."""
        def param(name: str) -> str:
            return f"{name}+" if f"{name}+" in self.values else name

        sizes = self.net.sizes
        ins = naming.neuron_names(sizes, 0)
        batch = len(used) > 1
        for s in used:
            sfx = "" if S == 1 else f"_s{s + 1}"

            def q(name: str, sfx=sfx) -> str:
                return f"{name}{sfx}+"

            def src(l: int, j: int, sfx=sfx, q=q) -> str:
                return f"{ins[j]}{sfx}" if l == 0 else q(f"out_{naming.neuron_names(sizes, l)[j]}")

            p = forward(updated, X[s][None], T[s][None])
            self._forward(p, q, src, param, "after")
            self._error(p, q, lambda name, sfx=sfx: f"{name}{sfx}", "after",
                        "error_total" if batch else "error_after")
        if batch:
            totals = [f"E_total_s{s + 1}+" for s in used]
            self.add("E_total+", "error_after", "after", " + ".join(f"{{{i}}}" for i in range(len(totals))),
                     totals, sum(self.values[t] for t in totals))

    def _backward(self, p, t, q, src, interleave):
        net = self.net
        L = net.n_layers
        E = q("E_total")
        grads: dict[str, str] = {}
        last = L - 1
        names = naming.neuron_names(net.sizes, L)
        f = self.rules[last]
        # error signal into each neuron of the layer being worked on:
        # (id of dE/dout, id of dout/dnet) or, for softmax with cross-entropy, the delta id
        chain: dict[str, tuple[str, ...]] = {}
        for k, nk in enumerate(names):
            out, netk, tk = q(f"out_{nk}"), q(f"net_{nk}"), q(f"target_{nk}")
            if not f.elementwise:  # softmax: with cross-entropy, delta = out - target
                delta = q(f"delta_{nk}")
                self.add(delta, "delta", "output", "{0} - {1}", [out, tk], p.deltas[last][0, k],
                         "o", aliases=[f"d{E}/d{netk}"])
                chain[nk] = (delta,)
            else:
                d_out = f"d{E}/d{out}"
                template = self.loss.d_out_formula.format(target="{0}", out="{1}", n=len(names))
                value = self.loss.d_out(p.outs[-1][0], t, len(names))[k]
                self.add(d_out, "dE_dout", "output", template, [tk, out], value, "o")
                chain[nk] = (d_out, self._dout_dnet(nk, q, p, last, k, "output", "o"))
            self._weights(last, k, nk, chain[nk], q, src, E, grads, interleave, "output", "o", p)
        self._deltas(last, names, chain, q, p, "output", "o", E, grads, interleave)
        for l in range(L - 2, -1, -1):
            label = "h" if L == 2 else f"h{l + 1}"
            names = naming.neuron_names(net.sizes, l + 1)
            above = naming.neuron_names(net.sizes, l + 2)
            chain = {}
            for j, hj in enumerate(names):
                out_h = q(f"out_{hj}")
                parts = []
                for k, nk in enumerate(above):
                    w = self.wn[l + 1][k][j]
                    dnet = f"d{q(f'net_{nk}')}/d{out_h}"
                    self.add(dnet, "dnet_dout", "hidden", "{0}", [w], self.values[w], label)
                    part = f"d{q(f'E_{nk}')}/d{out_h}"
                    self.add(part, "dE_part_dout", "hidden", "{0} * {1}",
                             [q(f"delta_{nk}"), dnet], self.values[q(f"delta_{nk}")] * self.values[w],
                             label)
                    parts.append(part)
                d_out = f"d{E}/d{out_h}"
                self.add(d_out, "dE_dout", "hidden", " + ".join(f"{{{i}}}" for i in range(len(parts))),
                         parts, sum(self.values[x] for x in parts), label)
                chain[hj] = (d_out, self._dout_dnet(hj, q, p, l, j, "hidden", label))
                self._weights(l, j, hj, chain[hj], q, src, E, grads, interleave, "hidden", label, p)
            self._deltas(l, names, chain, q, p, "hidden", label, E, grads, interleave)
        return grads

    def _dout_dnet(self, nk, q, p, l, k, phase, label) -> str:
        f = self.rules[l]
        template = f.derivative_formula.format(out="{0}", net="{0}")
        refs = {"out": [q(f"out_{nk}")], "net": [q(f"net_{nk}")], None: []}[f.derivative_of]
        value = f.derivative(p.nets[l][0], p.outs[l + 1][0])[k]
        sid = f"d{q(f'out_{nk}')}/d{q(f'net_{nk}')}"
        self.add(sid, "dout_dnet", phase, template, refs, value, label)
        return sid

    def _weights(self, l, k, nk, chain, q, src, E, grads, interleave, phase, label, p):
        """dnet/dw, dE_total/dw (and w+) for every weight into neuron nk; its own bias."""
        netk = q(f"net_{nk}")
        product = " * ".join(f"{{{i}}}" for i in range(len(chain) + 1))
        for j in range(self.net.sizes[l]):
            w = self.wn[l][k][j]
            dnet = f"d{netk}/d{w}"
            self.add(dnet, "dnet_dw", phase, "{0}", [src(l, j)], self.values[src(l, j)], label)
            g = f"d{E}/d{w}"
            value = float(np.prod([self.values[c] for c in chain])) * self.values[src(l, j)]
            self.add(g, "dE_dw", phase, product, [*chain, dnet], value, label)
            grads[w] = g
            if interleave:
                self.update(w, g)
        if len(self.bn[l]) > 1:  # a bias of its own: dnet/db = 1
            b = self.bn[l][k]
            g = f"d{E}/d{b}"
            value = float(np.prod([self.values[c] for c in chain]))
            self.add(g, "dE_db", phase, " * ".join(f"{{{i}}}" for i in range(len(chain))) + " * 1",
                     list(chain), value, label)
            grads[b] = g
            if interleave and self.settings.update_biases:
                self.update(b, g)

    def _deltas(self, l, names, chain, q, p, phase, label, E, grads, interleave):
        """Node deltas delta = dE_total/dnet of the layer, then a shared bias's gradient."""
        for k, nk in enumerate(names):
            if len(chain[nk]) == 1:
                continue  # softmax: the delta came first
            netk = q(f"net_{nk}")
            aliases = [f"d{E}/d{netk}"]
            if phase == "output":
                aliases.insert(0, f"d{q(f'E_{nk}')}/d{netk}")  # the post's dE_o1/dnet_o1
            self.add(q(f"delta_{nk}"), "delta", phase, "{0} * {1}", list(chain[nk]),
                     p.deltas[l][0, k], label, aliases=aliases)
        if len(self.bn[l]) == 1:  # shared: dE/db = sum of the deltas of the neurons it feeds
            b = self.bn[l][0]
            refs = [q(f"delta_{nk}") for nk in names]
            g = f"d{E}/d{b}"
            self.add(g, "dE_db", phase, " + ".join(f"{{{i}}}*1" for i in range(len(refs))), refs,
                     sum(self.values[r] for r in refs), label)
            grads[b] = g
            if interleave and self.settings.update_biases:
                self.update(b, g)


@dataclass
class Solution:
    """One update, worked: the steps and what the JSON of `solve` reports."""
    steps: list[Step]
    parameters: dict[str, float]
    gradients: dict[str, float]   # dE_total/dp over the samples of this update
    updated: dict[str, float]
    error: float                  # total error over all samples, before
    error_after: float            # and after this one update
    samples: list[int]            # which samples (0-based) this update uses

    def step(self, id_: str) -> Step:
        for s in self.steps:
            if s.id == id_ or id_ in s.aliases:
                return s
        raise KeyError(id_)


def solve(net: Network, X, T, settings: Settings) -> Solution:
    """Work one update: the first sample's (online) or all samples' together (batch)."""
    X = np.atleast_2d(np.asarray(X, dtype=np.float64))
    T = np.atleast_2d(np.asarray(T, dtype=np.float64))
    S = len(X)
    used = [0] if settings.mode == "online" else list(range(S))
    b = _Builder(net, settings)
    if len(used) == 1:
        grads = b.sample(X[0], T[0], "" if S == 1 else "_s1", interleave=True)
    else:
        for s in used:
            b.sample(X[s], T[s], f"_s{s + 1}", interleave=False, backward_pass=False)
        b.add("E_total", "error_total", "error", " + ".join(f"{{{i}}}" for i in range(S)),
              [f"E_total_s{s + 1}" for s in used], sum(b.values[f"E_total_s{s + 1}"] for s in used))
        per_sample = [b.sample(X[s], T[s], f"_s{s + 1}", interleave=False, forward_pass=False)
                      for s in used]
        grads = {}
        for name in net.names:
            if name not in per_sample[0]:
                continue
            refs = [g[name] for g in per_sample]
            gid = f"dE_total/d{name}"
            b.add(gid, "dE_dw" if name.startswith("w") else "dE_db", "gradient",
                  " + ".join(f"{{{i}}}" for i in range(len(refs))), refs,
                  sum(b.values[r] for r in refs))
            grads[name] = gid
            if name.startswith("w") or settings.update_biases:
                b.update(name, gid)
    trainer = Trainer(net, X[used], T[used], settings.with_(mode="batch"), use_kernel=False)
    trainer.run(1, record=())
    new = trainer.net.parameters()
    b.after(trainer.net, X, T, used, S)
    grad_vec = backward(net, forward(net, X[used], T[used]), T[used]).grad
    return Solution(
        steps=b.steps,
        parameters=net.parameters(),
        gradients={n: float(g) for n, g in zip(net.names, grad_vec)},
        updated=new,
        error=total_error(net, X, T),
        error_after=total_error(trainer.net, X, T),
        samples=used,
    )
