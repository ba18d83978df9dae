"""Per-learner variants: the same lesson with other numbers.

A variant's numbers come from its name alone, through SHA-256, so the same name gives
the same numbers on every machine and in every later version (no library's random
stream is involved). Values are rounded to a step (0.05 unless the exercise says) so that
they can be worked with by hand, as the post's are.

A variant in which a known mistake lands inside the tolerance of the right answer, or in
which two different mistakes give the same value, cannot tell the learner what they did:
it is drawn again (the draw number is part of the hash).
"""

from __future__ import annotations

import hashlib
import unicodedata
from dataclasses import replace

import numpy as np

from ..engine.network import Network
from .checking import UPDATE_RELATIVE, close
from .exercise import Exercise, ExerciseError, shown_name
from .mistakes import candidates
from .worked import Worked, build

VERSION = "bptutor-variant-1"   # part of every hash: changing it would change every variant
MAX_DRAWS = 200
DRAW_STEPS = 50_000  # draws x steps: a long update gets fewer draws (a few seconds), but every bundled
                     # exercise keeps 200, so that its learners keep their numbers (deep-tanh: 206 steps)
# What varies when an exercise has no [variants] table. The learning rate stays as written:
# it is part of what an exercise teaches. (Before, it varied too; the bundled exercises name
# it in their tables, so their learners keep the numbers they had.)
DEFAULTS = {
    "weights": (-0.9, 0.9),
    "biases": (0.05, 0.9),
    "inputs": (0.05, 0.95),
    "targets": (0.01, 0.99),
}
KINDS = ("weights", "biases", "inputs", "targets", "learning_rate")


# scripts whose accents are dropped ("José" is "Jose"); elsewhere a combining mark may make
# another letter (Japanese ガ is カ with a mark), so it stays
_ACCENTED_SCRIPTS = ("LATIN", "GREEK", "CYRILLIC")


def _without_accents(text: str) -> str:
    """NFKD, the combining marks on a Latin, Greek or Cyrillic letter dropped, NFC again (so
    that a name without such accents is as NFC gives it: Hangul recomposes)."""
    kept: list[str] = []
    drop = False  # whether the last base letter's marks are accents to drop
    for c in unicodedata.normalize("NFKD", text):
        if unicodedata.combining(c):
            if drop:
                continue
        else:
            drop = unicodedata.name(c, "").startswith(_ACCENTED_SCRIPTS)
        kept.append(c)
    return unicodedata.normalize("NFC", "".join(kept))


def same_name(name: str) -> str:
    """What of a name draws the numbers and says who a learner is: "Jo de Vries",
    "jo  DE vries " and "Jo De Vries" are one learner with one set of numbers, on a key, a
    sheet, in verify and in the room (which shows names capitalised), and so are "José García"
    and "Jose Garcia". Invisible characters, runs of spaces and accents do not count."""
    text = _without_accents(name)
    text = "".join(" " if c.isspace() else c for c in text if c.isspace() or unicodedata.category(c)[0] != "C")
    return " ".join(text.split()).casefold()


def uniform(name: str, label: str, k: int) -> float:
    """A number in [0, 1) from the name (as same_name gives it), what it is for, and which draw."""
    digest = hashlib.sha256(f"{VERSION}\0{same_name(name)}\0{label}\0{k}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


def _value(name: str, label: str, spread, step: float, draw: int, nonzero: bool = False) -> float:
    """A number within `spread`: (lo, hi) on multiples of `step`, or one of a list of values."""
    if isinstance(spread, list):
        return spread[min(int(uniform(name, f"{label}#{draw}", 0) * len(spread)), len(spread) - 1)]
    lo, hi = spread
    for k in range(1000):
        u = uniform(name, f"{label}#{draw}", k)
        v = round(round((lo + u * (hi - lo)) / step) * step, 10)
        v = min(max(v, lo), hi)
        if not (nonzero and abs(v) < step / 2):
            return v
    return hi


def spreads(ex: Exercise) -> dict:
    """What varies in this exercise's variants, kind by kind; a kind not here stays as written."""
    if ex.variant_ranges is not None:
        return dict(ex.variant_ranges)
    keep = {} if _free_targets(ex) else {"targets": None}
    return {k: v for k, v in DEFAULTS.items() if k not in keep}


def varying_kinds(ex: Exercise) -> tuple[str, ...]:
    """The kinds of number this exercise has that a [variants] table may let vary."""
    return tuple(k for k in KINDS if not (k == "biases" and ex.network.bias == "none")
                 and not (k == "targets" and ex.network.activations[-1] == "softmax"))


def _free_targets(ex: Exercise) -> bool:
    """Targets drawn by default only for sigmoid outputs with a squared error (a softmax's
    targets are a distribution; cross-entropy's are usually 0 and 1)."""
    return ex.network.activations[-1] == "sigmoid" and ex.network.loss != "cross_entropy"


def draw(ex: Exercise, name: str, draw_no: int = 0) -> Exercise:
    """The exercise with the numbers of variant `name` (one draw, not yet checked)."""
    r = spreads(ex)
    step = ex.variant_step
    net = ex.network
    theta = net.theta.copy()
    for i, p in enumerate(net.names):
        kind = "weights" if p.startswith("w") else "biases"
        if kind in r:
            theta[i] = _value(name, p, r[kind], step, draw_no, nonzero=kind == "weights")
    new_net = Network(net.sizes, net.activations, net.loss, net.bias, theta)
    X, T = ex.X.copy(), ex.T.copy()
    if "inputs" in r:
        X = np.array([[_value(name, f"i{j + 1}_s{s + 1}", r["inputs"], step, draw_no) for j in range(X.shape[1])]
                      for s in range(len(X))])
    if "targets" in r:
        T = np.array([[_value(name, f"target_o{k + 1}_s{s + 1}", r["targets"], 0.01, draw_no)
                       for k in range(T.shape[1])] for s in range(len(T))])
    settings = ex.settings
    if "learning_rate" in r:
        settings = settings.with_(learning_rate=_value(name, "learning_rate", r["learning_rate"], step, draw_no))
    return replace(ex, network=new_net, X=X, T=T, settings=settings, random_start=False, figures=[])


def collisions(worked: Worked | Exercise) -> list[str]:
    """Steps where a known mistake cannot be told from the right answer, or two mistakes
    from each other: a sentence for each (an Exercise is worked first)."""
    return [text for _, text in _collisions(worked)]


def _collisions(worked: Worked | Exercise) -> list[tuple[tuple, str]]:
    """(what collides: step id and mistake names, a sentence) for each collision."""
    worked = worked if isinstance(worked, Worked) else build(worked)
    ctx, exact = worked.context, worked.exact
    found = []
    for step in worked.asked:
        values = [(m, v) for m, v, _ in candidates(step, exact.__getitem__, ctx)
                  if not m.subtle and m.redraws]
        base = exact[step.depends[0]] if step.kind == "update" else 0.0
        for m, v in values:
            # a zero (gradient, or step) is right whichever way it was reached: nothing to tell apart
            if _same(step, base, v, step.value) and not (v == base and step.value == base):
                found.append(((step.id, m.name), f"{step.id}: the mistake '{m.name}' gives {v:.6g}, which counts "
                              f"as the right answer {step.value:.6g}"))
        for i, (m1, v1) in enumerate(values):
            for m2, v2 in values[i + 1:]:
                if m1.name != m2.name and _same(step, base, v1, v2) and not _same(step, base, v1, step.value):
                    found.append(((step.id, m1.name, m2.name),
                                  f"{step.id}: the mistakes '{m1.name}' and '{m2.name}' both give {v1:.6g}"))
    return found


def _same(step, base: float, a: float, b: float) -> bool:
    """Could the checker tell a from b? An update is judged by the step it implies."""
    if step.kind == "update":
        return close(base - a, base - b, UPDATE_RELATIVE)
    return close(a, b)


def variant_worked(ex: Exercise, name: str) -> Worked:
    """The worked update of variant `name` of the exercise (its own numbers when the name
    is empty), drawn again until no mistake collides. The exercise itself is worked first,
    so a wrong file is named as such whichever variant is asked for.

    When the [variants] table keeps some kind of number as written, a collision those
    numbers make in the file itself (XOR's equal inputs hide a swapped one) is not the
    draw's to remove: it is accepted, and only new ones are drawn away."""
    worked = build(ex)
    r = spreads(ex)
    if not name or not r:
        return worked  # no name, or nothing varies: the file's own numbers
    inherent = {key for key, _ in _collisions(worked)} if set(r) < set(varying_kinds(ex)) else set()
    draws = max(1, min(MAX_DRAWS, DRAW_STEPS // len(worked.steps)))
    for k in range(draws):
        candidate = draw(ex, name, k)
        values = np.concatenate([candidate.network.theta, candidate.X.ravel(), candidate.T.ravel()])
        if not np.all(np.isfinite(values)):
            continue
        worked = build(candidate)
        if not {key for key, _ in _collisions(worked)} - inherent:
            return worked
    raise ExerciseError(shown_name(ex.path), "variants", f"no variant without colliding mistakes in {draws} draws "
                        f"(varying {', '.join(r)}; widen a range or let more kinds of number vary)")


def variant(ex: Exercise, name: str) -> Exercise:
    """Variant `name` of the exercise (its numbers; see variant_worked)."""
    return variant_worked(ex, name).ex


