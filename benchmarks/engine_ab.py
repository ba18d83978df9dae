"""The engine in this tree against the engine at a git revision, in one process.

    python benchmarks/engine_ab.py 835245e          (add --rounds N; default 200)

On a shared machine two runs of run.py minutes apart differ by 2x and more, so a change
to the engine cannot be judged that way. Here both engines are loaded side by side (the
revision's tutor/engine is copied out as a package of its own, with its own compile
cache) and each workload runs in short bursts, the two engines alternating and taking
turns to go first; the figure is the median of the per-pair ratios, with its quartiles.
"""

from __future__ import annotations

import argparse
import importlib
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
POST = [0.15, 0.2, 0.25, 0.3, 0.4, 0.45, 0.5, 0.55, 0.35, 0.6]
X, T = np.array([[0.05, 0.10]]), np.array([[0.01, 0.99]])


def copy_engine(rev: str | None, into: Path, name: str) -> None:
    """tutor/engine at `rev` (None: this tree) as the package `name` under `into`."""
    target = into / name
    if rev is None:
        shutil.copytree(ROOT / "tutor" / "engine", target, ignore=shutil.ignore_patterns("__pycache__"))
        return
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", rev, "tutor/engine"],
                             capture_output=True, check=True).stdout
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive, check=True)
    (into / "tutor" / "engine").rename(target)


def workloads(pkg: str) -> dict:
    """Each a burst of a few milliseconds: short enough for the pairs to share conditions."""
    m = {n: importlib.import_module(f"{pkg}.{n}") for n in ("network", "training", "batched", "steps")}
    Network, Settings, Trainer = m["network"].Network, m["training"].Settings, m["training"].Trainer
    post = Network((2, 2, 2), ("sigmoid", "sigmoid"), "half_sse", "shared", POST)
    none = np.array([], dtype=np.int64)
    rng = np.random.default_rng(0)
    XL, TL = rng.uniform(0, 1, (1797, 64)), np.eye(10)[rng.integers(10, size=1797)]
    big = Trainer(Network.random((64, 32, 10), ("sigmoid", "sigmoid"), "half_sse", "neuron", 0), XL, TL,
                  Settings(mode="batch", learning_rate=0.01, update_biases=True))
    pop = m["batched"].Population(post, np.repeat(post.theta[None], 10_000, axis=0), X, T)
    stepped, vel, online = post.copy(), np.zeros(10), Settings()
    return {
        "compiled loop, 10,000 online updates": lambda: Trainer(post, X, T, online).run(10_000, record=none),
        "NumPy step, 50 online updates": lambda: [m["training"].step_numpy(stepped, vel, X, T, online)
                                                  for _ in range(50)],
        "3 full-batch updates, 64-32-10": lambda: big.run(3, record=none),
        "batched, 10,000 nets x 2 iterations": lambda: pop.run(2),
        "worked update (solve), post's net x5": lambda: [m["steps"].solve(post, X, T, online) for _ in range(5)],
    }


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("rev", help="git revision whose engine is the baseline")
    p.add_argument("--rounds", type=int, default=200)
    args = p.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        copy_engine(args.rev, Path(tmp), "engine_base")
        copy_engine(None, Path(tmp), "engine_new")
        sys.path.insert(0, tmp)
        base, new = workloads("engine_base"), workloads("engine_new")
        for w in (base, new):
            for f in w.values():
                f()  # compile the loops (a fresh cache in tmp) before timing
        print(f"engine here / engine at {args.rev}: median of {args.rounds} paired bursts (quartiles)")
        for k in base:
            ratios = []
            for r in range(args.rounds):
                first, second = (base[k], new[k]) if r % 2 else (new[k], base[k])
                t0 = time.perf_counter(); first(); t1 = time.perf_counter(); second(); t2 = time.perf_counter()
                a, b = (t1 - t0, t2 - t1) if r % 2 else (t2 - t1, t1 - t0)  # a: base, b: new
                ratios.append(b / a)
            q1, med, q3 = np.percentile(ratios, [25, 50, 75])
            print(f"  {k:<40} {med:6.3f}   ({q1:.3f}-{q3:.3f})")


if __name__ == "__main__":
    main()
