"""What an exercise may cost: every accepted file's worked update, lesson and checks fit in
a few seconds and a few megabytes on a laptop.

A lesson is for a net a person computes by hand. The cost of everything built from an
exercise (the worked update, the mistake context, the collision check of a learner's
numbers, answer keys, the quiz) grows with the number of steps of its update, so that
number is bounded, counted from the file before anything is solved. Training costs about
the same per (iteration x sample x (weight + neuron)): figures printed after training are
bounded by it, since solve trains up to four times to explain one. The run a file asks for
(training.iterations) is not: `train` shows its progress throughout and stops on Ctrl+C.

Measured on the shared 2-core machine (busy), steps as steps.solve makes them:
    [2, 2, 2]       1 sample          58 steps     10 ms to solve
    [2, 64, 2]      1 sample       1,360 steps    0.46 s
    [2, 32, 32, 2]  1 sample       5,969 steps    4.3 s
    [2, 2, 1]       64 in a batch  2,256 steps    1.5 s
    [2, 2, 1]       256 in a batch 8,976 steps    4.5 s
    [2, 200, 200, 1]             ~211,000 steps   20 s, 1.8 GB (accepted before these bounds)
about 0.3-0.7 ms and 100 characters of formula text a step, a little more for longer
updates; the mistake context and the collision check cost about as much again, and a
learner's variant repeats both for every draw. The bundled exercises have at most 206
steps (deep-tanh: two hidden layers, a batch of 2). Training with the compiled loop:
40-300 ns per iteration x sample x (weight + neuron), the small nets the dearest.
At the limits ([2, 23, 2]: 499 steps; 13 samples in a batch: 471), `bptutor solve` and
`check-exercise` take under a second from the command line, 38 MB; a learner's variant that
finds no draw free of colliding mistakes gives up after 24 draws, 3.4 s.
"""

from __future__ import annotations

from .exercise import Exercise, ExerciseError, shown_name

MAX_STEPS = 500                   # the post's update has 58, deep-tanh's 206
MAX_FIGURE_WORK = 4_000_000       # per training run to explain a printed figure: ~1 s

WHY = "a lesson is for a net a person computes by hand"


def update_steps(ex: Exercise) -> int:
    """How many steps the worked update of `ex` has, from its sizes alone (as steps.solve
    builds them: forward and error per sample; backward per sample; in a batch of several
    samples, the summed gradients; the new parameters; the error after). The forward pass
    after the update that F4 asks for the error after (out_o1+, about one forward pass
    more) is not counted: a lesson asks it only when broken down."""
    net = ex.network
    sizes, acts = net.sizes, net.activations
    batch = ex.settings.mode == "batch" and len(ex.X) > 1
    samples = len(ex.X) if batch else 1
    moves_biases = ex.settings.update_biases
    per_neuron = net.bias == "neuron"
    shared = net.bias == "shared"
    forward = 2 * sum(sizes[1:]) + sizes[-1] + 1
    backward = 0
    for l in range(1, len(sizes)):
        n, below = sizes[l], sizes[l - 1]
        if l == len(sizes) - 1:
            signal = n if acts[-1] == "softmax" else 2 * n           # dE/dout and dout/dnet, or the delta
        else:
            signal = n * (2 * sizes[l + 1] + 2)                       # per connection above, and the sum
        deltas = 0 if (l == len(sizes) - 1 and acts[-1] == "softmax") else n
        backward += (signal + n * below * (2 + (not batch))           # dnet/dw, dE/dw (and w+ online)
                     + (n * (1 + (moves_biases and not batch)) if per_neuron else 0)
                     + deltas + ((1 + (moves_biases and not batch)) if shared else 0))
    steps = samples * (forward + backward) + 1                        # + the error after
    if batch:
        n_biases = net.n_parameters - net.n_weights
        steps += 1 + net.n_parameters + net.n_weights + (n_biases if moves_biases else 0)
    return steps


def training_work(ex: Exercise, iterations: int) -> int:
    """iterations x samples x (weights + neurons): what a training run costs."""
    net = ex.network
    return iterations * len(ex.X) * (net.n_weights + sum(net.sizes[1:]))


def check(ex: Exercise) -> None:
    """ExerciseError when the exercise costs more than a lesson may; says which limit and why."""
    where = shown_name(ex.path)
    steps = update_steps(ex)
    if steps > MAX_STEPS:
        net = ex.network
        batch = ex.settings.mode == "batch" and len(ex.X) > 1
        shape = f"{list(net.sizes)} ({net.n_weights:,} weights)"
        key, what = ("data.inputs", f"{len(ex.X):,} samples worked together (batch) on {shape}") if batch else (
            "network.sizes", shape)
        raise ExerciseError(where, key, f"{what} make an update of {steps:,} steps, more than the "
                                        f"{MAX_STEPS:,} a lesson may have: {WHY}")
    for i, fig in enumerate(ex.figures):
        work = training_work(ex, fig.after_iterations)
        if work > MAX_FIGURE_WORK:
            raise ExerciseError(where, f"reference.figures[{i}].after_iterations",
                                f"{fig.after_iterations:,} iterations over {_samples(ex)} of this net are "
                                f"{work:,} units of training (iterations x samples x (weights + neurons)), "
                                f"more than the {MAX_FIGURE_WORK:,} a printed figure may ask for: solve "
                                "trains up to four times to explain one, and should answer in seconds")


def _samples(ex: Exercise) -> str:
    return f"{len(ex.X):,} sample" + ("s" if len(ex.X) != 1 else "")
