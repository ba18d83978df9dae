"""Speed of the engine, side by side with its yardsticks in one run, reported as ratios.

    python benchmarks/run.py            (add --quick for fewer repeats)

1. 10,000 online updates of the post's network:
   the per-neuron pure-Python yardstick, a straightforward NumPy step, bptutor's
   engine, and the same loop in C (compiled here with cc -O2 when a compiler exists).
   Goals: bptutor at least 5x faster than the yardstick, and within 15x of C.
2. One full-batch update of a 64-32-10 sigmoid network on 1,797 samples (the size of
   the digits data set): bptutor against the textbook NumPy matrix step.
3. The batched engine: 10,000 copies of the post's network updated at once; the cost
   per network-update against the goal of 50 ns.

Each figure is the best of several repeats; machines are noisy, so read the ratios.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

from yardstick import mazur  # noqa: E402

from tutor.engine.batched import Population  # noqa: E402
from tutor.engine.network import Network  # noqa: E402
from tutor.engine.training import Settings, Trainer  # noqa: E402

N = 10_000
X, T = [[0.05, 0.10]], [[0.01, 0.99]]


def best(fn, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def post_net() -> Network:
    return Network((2, 2, 2), ("sigmoid", "sigmoid"), "half_sse", "shared",
                   [0.15, 0.2, 0.25, 0.3, 0.4, 0.45, 0.5, 0.55, 0.35, 0.6])


def yardstick() -> float:
    nn = mazur()
    for _ in range(N):
        nn.train([0.05, 0.1], [0.01, 0.99])
    return nn.total_error([0.05, 0.1], [0.01, 0.99])


def numpy_step() -> float:
    # the textbook vectorised step: a dozen small array operations per update
    W1 = np.array([[0.15, 0.2], [0.25, 0.3]]); W2 = np.array([[0.4, 0.45], [0.5, 0.55]])
    x = np.array([0.05, 0.1]); t = np.array([0.01, 0.99])
    for _ in range(N):
        h = 1 / (1 + np.exp(-(W1 @ x + 0.35)))
        o = 1 / (1 + np.exp(-(W2 @ h + 0.6)))
        d2 = (o - t) * o * (1 - o)
        d1 = (W2.T @ d2) * h * (1 - h)
        W2 -= 0.5 * np.outer(d2, h)
        W1 -= 0.5 * np.outer(d1, x)
    return 0.0


def bptutor(record: bool) -> float:
    t = Trainer(post_net(), X, T, Settings())
    t.run(N, record=None if record else np.array([], dtype=np.int64))
    return t.error()


def c_loop(repeats: int) -> float | None:
    cc = shutil.which("cc") or shutil.which("gcc")
    if cc is None:
        return None
    with tempfile.TemporaryDirectory() as tmp:
        exe = Path(tmp) / "mazur"
        subprocess.run([cc, "-O2", str(HERE / "mazur.c"), "-o", str(exe), "-lm"], check=True)
        runs = [subprocess.run([str(exe), str(N)], capture_output=True, text=True, check=True).stdout.split()
                for _ in range(repeats)]
    errors = {round(float(r[1]), 15) for r in runs}
    assert len(errors) == 1
    return min(float(r[0]) for r in runs)


def large(repeats: int) -> tuple[float, float]:
    rng = np.random.default_rng(0)
    X = rng.uniform(0, 1, (1797, 64))
    T = np.eye(10)[rng.integers(10, size=1797)]
    net = Network.random((64, 32, 10), ("sigmoid", "sigmoid"), "half_sse", "neuron", 0)
    trainer = Trainer(net, X, T, Settings(mode="batch", learning_rate=0.01, update_biases=True))
    assert not trainer.use_kernel  # big enough for BLAS

    W1, W2 = net.W(0).copy(), net.W(1).copy()
    b1, b2 = np.zeros(32), np.zeros(10)

    def textbook():
        nonlocal W1, W2, b1, b2
        h = 1 / (1 + np.exp(-(X @ W1.T + b1)))
        o = 1 / (1 + np.exp(-(h @ W2.T + b2)))
        d2 = (o - T) * o * (1 - o)
        d1 = (d2 @ W2) * h * (1 - h)
        W2 = W2 - 0.01 * d2.T @ h; b2 = b2 - 0.01 * d2.sum(0)
        W1 = W1 - 0.01 * d1.T @ X; b1 = b1 - 0.01 * d1.sum(0)

    ours = best(lambda: trainer.run(1, record=np.array([], dtype=np.int64)), repeats)
    theirs = best(textbook, repeats)
    return ours, theirs


def batched(repeats: int, K: int = 10_000, n: int = 100) -> float:
    """Seconds per network-update, the post's network, K networks at once."""
    net = post_net()
    pop = Population(net, np.repeat(net.theta[None], K, axis=0), X, T)
    pop.run(2)
    return best(lambda: pop.run(n), repeats) / (n * K)


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--quick", action="store_true")
    repeats = 3 if p.parse_args().quick else 7
    bptutor(False)  # compile (or load the compiled loop from its cache) before timing
    assert abs(bptutor(False) - yardstick()) < 1e-12  # the same computation

    t_yard = best(yardstick, repeats)
    t_np = best(numpy_step, max(2, repeats // 2))
    t_ours = best(lambda: bptutor(False), repeats)
    t_ours_hist = best(lambda: bptutor(True), repeats)
    t_c = c_loop(repeats)
    l_ours, l_np = large(repeats * 3)
    t_batched = batched(repeats)

    print(f"10,000 online updates of the post's 2-2-2 network (best of {repeats})")
    rows = [("per-neuron pure Python (yardstick)", t_yard), ("straightforward NumPy step", t_np),
            ("bptutor engine", t_ours), ("bptutor engine, recording 1,001 errors", t_ours_hist)]
    if t_c is not None:
        rows.append(("C, cc -O2", t_c))
    for name, t in rows:
        print(f"  {name:<42} {t * 1e3:9.3f} ms")
    print(f"  yardstick / bptutor = {t_yard / t_ours:6.1f}x faster   (goal: at least 5x)")
    if t_c is not None:
        print(f"  bptutor / C         = {t_ours / t_c:6.1f}x slower   (goal: at most 15x)")
    print("\nOne full-batch update, 64-32-10 sigmoid network, 1,797 samples")
    print(f"  textbook NumPy step                        {l_np * 1e3:9.3f} ms")
    print(f"  bptutor engine                             {l_ours * 1e3:9.3f} ms")
    print(f"  bptutor / textbook  = {l_ours / l_np:6.2f}x")
    print("\nMany networks at once (compare, error surface): the post's network, 10,000 copies")
    print(f"  per network-update  {t_batched * 1e9:9.1f} ns   (goal: at most 50 ns; the C loop: "
          f"{(t_c or 0) / N * 1e9:.0f} ns)")


if __name__ == "__main__":
    main()
