"""Copies of the net trained side by side (four learning rates, or four random starts), in
chunks so that the caller can show how far it is and stop it."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable

import numpy as np

from ...engine.batched import Population
from ...engine.network import Network
from ...engine.training import Settings
from .controls import eta_text
from .stuck import is_flat, is_large

RATES = (0.1, 0.5, 2.0, 10.0)
POINTS = 200        # recorded errors per curve


@dataclass(frozen=True)
class CompareResult:
    title: str
    iterations: int
    labels: tuple[str, ...]
    histories: tuple[tuple[tuple[int, float], ...], ...]   # the finite part of each curve
    finals: tuple[float, ...]                              # nan for a run that blew up
    blew_up: tuple[int | None, ...]   # the first recorded iteration with no finite error, or None
    rates: tuple[float, ...] = ()     # each run's learning rate
    note: str = ""                    # why some curves stand still (flat_note), "" when none do

    def flat(self) -> list[int]:
        """The runs whose error stands still over the last third (not at zero)."""
        return [k for k, (h, at) in enumerate(zip(self.histories, self.blew_up))
                if at is None and len(h) > 1 and is_flat(list(h))]

    def summary(self) -> str:
        """One sentence on the runs that overflowed, "" when none did."""
        gone = sum(at is not None for at in self.blew_up)
        if not gone:
            return ""
        if gone == len(self.labels):
            return "Every run blew up: the numbers overflowed. Try smaller learning rates."
        return (f"{gone} of {len(self.labels)} runs blew up (the numbers overflowed); "
                + ("its curve stops" if gone == 1 else "their curves stop") + " where it happened.")

    def ends(self) -> list[str]:
        """Each run's end: its final error, or when it blew up."""
        return [f"{label}: " + (f"blew up by iteration {at:,}" if at is not None else f"{e:.3g}")
                for label, e, at in zip(self.labels, self.finals, self.blew_up)]


def compare_rates(net: Network, X, T, settings: Settings, iterations: int, rates=RATES, **kw) -> CompareResult:
    thetas = np.repeat(net.theta[None], len(rates), axis=0)
    labels = tuple(f"η = {eta_text(r)}" for r in rates)
    return _compare("The same start, four learning rates", net, thetas, labels, np.array(rates, dtype=float),
                    X, T, settings, iterations, **kw)


def compare_starts(net: Network, X, T, settings: Settings, iterations: int, seed: int, count: int = 4,
                   **kw) -> CompareResult:
    seeds = [seed + k for k in range(count)]
    thetas = np.stack([Network.random(net.sizes, net.activations, net.loss, net.bias, s).theta for s in seeds])
    labels = tuple(f"seed {s}" for s in seeds)
    return _compare(f"Four random starts, each at η = {eta_text(settings.learning_rate)}", net, thetas, labels,
                    settings.learning_rate, X, T, settings, iterations, **kw)


def _compare(title, net, thetas, labels, rates, X, T, s: Settings, n: int,
             progress: Callable[[float], None] | None = None,
             cancelled: Callable[[], bool] = lambda: False) -> CompareResult | None:
    pop = Population(net, thetas, X, T, learning_rate=rates, momentum=s.momentum, mode=s.mode,
                     update_biases=s.update_biases)
    every = max(1, n // POINTS)
    chunk = every * max(1, 2000 // every)          # a whole number of record intervals
    rows: list[np.ndarray] = []
    done = 0
    while done < n:
        if cancelled():
            return None
        step = min(chunk, n - done)
        part = pop.run(step, record_every=every)
        rows.extend(part[:-1])   # done is a multiple of `every`, so these are its records
        done += step
        if progress:
            progress(done / n)
    with np.errstate(over="ignore", invalid="ignore"):
        rows.append(pop.errors())
    table = np.array(rows)
    its = list(range(0, n, every)) + [n]
    histories, blew = [], []
    for k in range(len(labels)):
        finite = [math.isfinite(e) for e in table[:, k]]
        first_bad = finite.index(False) if not all(finite) else None
        blew.append(its[first_bad] if first_bad is not None else None)
        stop = first_bad if first_bad is not None else len(its)
        histories.append(tuple((i, float(e)) for i, e in zip(its[:stop], table[:stop, k])))
    rates = tuple(float(r) for r in np.broadcast_to(np.asarray(rates, dtype=float), (len(labels),)))
    return CompareResult(title, n, labels, tuple(histories), tuple(float(e) for e in table[-1]), tuple(blew),
                         rates)


def flat_note(result: CompareResult, file_learning_rate: float, activation: str) -> str:
    """Why curves stand still: saturated outputs when their learning rate is large (at η 8192
    three of four starts stood at E_total 0.0001 from the first few hundred updates, unexplained),
    a plateau otherwise."""
    flat = result.flat()
    if not flat:
        return ""
    names = [result.labels[k] for k in flat]
    which = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
    verb = "stands" if len(names) == 1 else "stand"
    if all(is_large(result.rates[k], file_learning_rate) for k in flat):
        lo = min(result.rates[k] for k in flat)
        more = " and more" if any(result.rates[k] != lo for k in flat) else ""
        return (f"{which} {verb} still: at η {eta_text(lo)}{more} (the exercise's is {eta_text(file_learning_rate)}) "
                f"the outputs saturate, at the flat ends of the {activation} where no update moves them. A smaller "
                "learning rate avoids it.")
    return (f"{which} {verb} still: the error stopped moving on a plateau or in a poor minimum; another "
            "start or learning rate may get out of it.")
