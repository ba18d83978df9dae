"""Training: the compiled loop and the NumPy path agree, and the semantics are the stated ones."""

import itertools

import numpy as np
import pytest

from tutor.engine.backprop import gradient
from tutor.engine.network import Network, check_combination
from tutor.engine.training import Settings, Trainer, record_points, step_numpy

from ..conftest import mazur_network
from .test_gradients import random_case

KINDS = [
    (acts, loss, bias, mode, mom, ub, fresh)
    for acts, loss, bias, mode, mom, ub, fresh in itertools.product(
        [("sigmoid", "sigmoid", "sigmoid"), ("tanh", "relu", "identity"), ("relu", "tanh", "softmax"),
         ("identity", "sigmoid", "sigmoid")],
        ("half_sse", "mse", "cross_entropy"), ("shared", "neuron", "none"), ("online", "batch"),
        (0.0, 0.9), (False, True), (False, True))
    if check_combination(acts, loss) is None and not (fresh and mode == "batch")
]


@pytest.mark.parametrize("acts, loss, bias, mode, mom, ub, fresh", KINDS[::2])
def test_kernel_equals_numpy(acts, loss, bias, mode, mom, ub, fresh):
    rng = np.random.default_rng(len(KINDS))
    net, X, T = random_case(rng, (3, 4, 3, 2) if acts[-1] != "softmax" else (3, 4, 3, 3), acts, loss, bias, 3)
    s = Settings(learning_rate=0.1, mode=mode, momentum=mom, update_biases=ub, fresh_weights=fresh)
    a = Trainer(net, X, T, s, use_kernel=True)
    b = Trainer(net, X, T, s, use_kernel=False)
    ra, rb = a.run(25), b.run(25)
    np.testing.assert_allclose(a.net.theta, b.net.theta, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose([e for _, e in ra.history], [e for _, e in rb.history], rtol=1e-10)
    assert [i for i, _ in ra.history] == [i for i, _ in rb.history]


def test_one_online_update_is_the_posts_rule():
    net = mazur_network()
    X, T = np.array([[0.05, 0.10]]), np.array([[0.01, 0.99]])
    g = gradient(net, X, T)
    t = Trainer(net, X, T, Settings(learning_rate=0.5))
    t.run(1)
    expected = net.theta - 0.5 * g
    expected[-2:] = net.theta[-2:]  # biases stay: update_biases is off
    np.testing.assert_allclose(t.net.theta, expected, rtol=1e-14)


def test_batch_update_uses_the_summed_gradient():
    rng = np.random.default_rng(3)
    net, X, T = random_case(rng, (2, 3, 1), ("sigmoid", "sigmoid"), "half_sse", "neuron", 4)
    t = Trainer(net, X, T, Settings(learning_rate=0.3, mode="batch", update_biases=True))
    t.run(1)
    np.testing.assert_allclose(t.net.theta, net.theta - 0.3 * gradient(net, X, T), rtol=1e-12)


def test_online_makes_one_update_per_sample_in_order():
    rng = np.random.default_rng(4)
    net, X, T = random_case(rng, (2, 3, 1), ("sigmoid", "sigmoid"), "half_sse", "neuron", 3)
    s = Settings(learning_rate=0.3, update_biases=True)
    by_hand = net.copy()
    vel = np.zeros_like(by_hand.theta)
    for x, t in zip(X, T):
        step_numpy(by_hand, vel, x[None], t[None], s)
    t = Trainer(net, X, T, s)
    t.run(1)
    np.testing.assert_allclose(t.net.theta, by_hand.theta, rtol=1e-12)


def test_momentum_is_classical():
    net = mazur_network()
    X, T = np.array([[0.05, 0.10]]), np.array([[0.01, 0.99]])
    t = Trainer(net, X, T, Settings(learning_rate=0.5, momentum=0.9, mode="batch"))
    t.run(1)
    g1 = gradient(net, X, T)
    after1 = t.net.copy()
    t.run(1)
    g2 = gradient(after1, X, T)
    v = 0.9 * (-0.5 * g1) - 0.5 * g2
    v[-2:] = 0
    np.testing.assert_allclose(t.net.theta, after1.theta + v, rtol=1e-12)


def test_training_in_pieces_equals_one_run():
    net = mazur_network()
    X, T = [[0.05, 0.10]], [[0.01, 0.99]]
    one = Trainer(net, X, T, Settings(momentum=0.5))
    one.run(1000)
    pieces = Trainer(net, X, T, Settings(momentum=0.5))
    for _ in range(10):
        pieces.run(100)
    np.testing.assert_array_equal(one.net.theta, pieces.net.theta)
    assert pieces.iteration == 1000


def test_history_has_first_and_last_and_at_most_about_a_thousand():
    pts = record_points(0, 10_000)
    assert pts[0] == 0 and pts[-1] == 10_000 and len(pts) <= 1001
    assert list(record_points(0, 5)) == [0, 1, 2, 3, 4, 5]
    run = Trainer(mazur_network(), [[0.05, 0.1]], [[0.01, 0.99]], Settings()).run(10_000)
    assert run.history[0] == (0, pytest.approx(0.298371108760003, rel=1e-12))
    assert run.history[-1][0] == 10_000
    errors = [e for _, e in run.history]
    assert all(b < a for a, b in zip(errors, errors[1:]))  # the post's net only improves


def test_divergence_stops_and_says_so():
    net = Network((2, 2, 1), ("identity", "identity"), "half_sse", "neuron", np.full(9, 1.0))
    t = Trainer(net, [[3.0, 4.0]], [[1.0]], Settings(learning_rate=50.0, update_biases=True))
    run = t.run(10_000)
    assert run.diverged and run.done < 10_000
    assert t.iteration == run.done


def test_sigmoid_is_stable_for_huge_nets():
    net = Network((1, 1), ("sigmoid",), "cross_entropy", "none", np.array([1.0]))
    t = Trainer(net, [[1e4], [-1e4]], [[1.0], [0.0]], Settings(learning_rate=0.1))
    run = t.run(3)
    assert not run.diverged and np.isfinite(t.error())
