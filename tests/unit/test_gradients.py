"""The engine's gradients against finite differences, for every supported kind of network."""

import itertools

import numpy as np
import pytest
from hypothesis import assume, given, settings, strategies as st

from tutor.engine.backprop import gradient, total_error
from tutor.engine.network import Network, check_combination
from tutor.engine.steps import solve
from tutor.engine.training import Settings

ACTS = ("sigmoid", "tanh", "relu", "identity")


def numeric_gradient(net, X, T, h=1e-6):
    g = np.zeros_like(net.theta)
    for i in range(net.theta.size):
        plus, minus = net.copy(), net.copy()
        plus.theta[i] += h
        minus.theta[i] -= h
        g[i] = (total_error(plus, X, T) - total_error(minus, X, T)) / (2 * h)
    return g


def random_case(rng, sizes, acts, loss, bias, samples):
    net = Network.random(sizes, acts, loss, bias, int(rng.integers(1 << 30)))
    n_b = net.n_parameters - net.n_weights
    net.theta[net.n_weights:] = rng.uniform(-0.5, 0.5, n_b)
    X = rng.uniform(-1, 1, (samples, sizes[0]))
    if loss == "cross_entropy" and acts[-1] == "softmax":
        T = np.eye(sizes[-1])[rng.integers(sizes[-1], size=samples)]
    else:
        T = rng.uniform(0.05, 0.95, (samples, sizes[-1]))
    return net, X, T


CASES = [
    (hidden, out, loss, bias)
    for hidden, out, loss, bias in itertools.product(
        ACTS, ("sigmoid", "tanh", "identity", "softmax"), ("half_sse", "mse", "cross_entropy"),
        ("shared", "neuron", "none"))
    if check_combination((hidden, hidden, out), loss) is None
]


@pytest.mark.parametrize("hidden, out, loss, bias", CASES)
def test_gradient_matches_finite_differences(hidden, out, loss, bias):
    rng = np.random.default_rng(hash((hidden, out, loss, bias)) % (1 << 32))
    net, X, T = random_case(rng, (3, 4, 3, 3), (hidden, hidden, out), loss, bias, samples=3)
    if hidden == "relu":  # keep every net away from relu's kink at 0
        net.theta[net.n_weights:] += 0.05
    np.testing.assert_allclose(gradient(net, X, T), numeric_gradient(net, X, T), rtol=1e-5, atol=1e-8)


@pytest.mark.parametrize("hidden, out, loss, bias", CASES[::3])
def test_step_list_gradients_equal_engine_gradients(hidden, out, loss, bias):
    rng = np.random.default_rng(7)
    net, X, T = random_case(rng, (2, 3, 2, 2), (hidden, hidden, out), loss, bias, samples=2)
    for mode in ("online", "batch"):
        sol = solve(net, X, T, Settings(mode=mode, update_biases=True))
        used = [0] if mode == "online" else [0, 1]
        g = gradient(net, X[used], T[used])
        for name, value in zip(net.names, g):
            assert sol.gradients[name] == pytest.approx(value, rel=1e-12, abs=1e-15)
        gid = {s.id: s for s in sol.steps}
        suffix = "" if mode == "batch" else "_s1"
        for name, value in zip(net.names, g):
            assert gid[f"dE_total{suffix}/d{name}"].value == pytest.approx(value, rel=1e-10, abs=1e-14)


activation = st.sampled_from(ACTS)


@settings(max_examples=60, deadline=None)
@given(
    sizes=st.lists(st.integers(1, 5), min_size=2, max_size=5),
    hidden=activation,
    out=st.sampled_from(("sigmoid", "tanh", "identity", "relu", "softmax")),
    loss=st.sampled_from(("half_sse", "mse", "cross_entropy")),
    bias=st.sampled_from(("shared", "neuron", "none")),
    samples=st.integers(1, 4),
    seed=st.integers(0, 2**31),
)
def test_random_networks(sizes, hidden, out, loss, bias, samples, seed):
    acts = (hidden,) * (len(sizes) - 2) + (out,)
    assume(check_combination(acts, loss) is None)
    rng = np.random.default_rng(seed)
    net, X, T = random_case(rng, tuple(sizes), acts, loss, bias, samples)
    g = gradient(net, X, T)
    assert g.shape == net.theta.shape and np.all(np.isfinite(g))
    kinky = "relu" in acts and np.any(np.abs(np.concatenate(
        [z.ravel() for z in __import__("tutor.engine.backprop", fromlist=["x"]).forward(net, X, T).nets])) < 1e-4)
    if not kinky:
        np.testing.assert_allclose(g, numeric_gradient(net, X, T), rtol=1e-4, atol=1e-7)
    # and the worked solution agrees with it and ends in a finite error
    sol = solve(net, X, T, Settings(mode="batch", update_biases=True))
    np.testing.assert_allclose([sol.gradients[n] for n in net.names], g, rtol=1e-10, atol=1e-14)
    assert np.isfinite(sol.error_after)


@pytest.mark.parametrize("hidden, out, loss, bias", CASES[::4])
def test_every_formula_evaluates_to_its_value(hidden, out, loss, bias):
    """The formula each step shows is the one that gives its value (checked with the
    learner's own evaluator, on exact values)."""
    from tutor.engine.steps import identifier
    from tutor.lesson.answer import parse

    rng = np.random.default_rng(11)
    net, X, T = random_case(rng, (2, 3, 2, 2), (hidden, hidden, out), loss, bias, samples=2)
    for mode in ("online", "batch"):
        sol = solve(net, X, T, Settings(mode=mode, update_biases=True, learning_rate=0.3))
        known = {identifier(k): v for k, v in net.parameters().items()}
        known["eta"] = 0.3
        for s, (x, t) in enumerate(zip(X, T)):
            sfx = "" if len(X) == 1 else f"_s{s + 1}"
            known.update({f"i{j + 1}{sfx}": v for j, v in enumerate(x)})
            known.update({f"target_o{k + 1}{sfx}": v for k, v in enumerate(t)})
        for step in sol.steps:
            if step.kind != "error_after":
                assert parse(step.expression, known).value == pytest.approx(step.value, rel=1e-9, abs=1e-12), step.id
            known[step.name] = step.value
