"""Many networks at once give each network exactly what training it alone gives."""

import numpy as np
import pytest

from tutor.engine.backprop import total_error
from tutor.engine.batched import Population, error_surface
from tutor.engine.training import Settings, Trainer

from ..conftest import mazur_network
from .test_gradients import random_case
from .test_training import KINDS


@pytest.mark.parametrize("acts, loss, bias, mode, mom, ub, fresh", [k for k in KINDS if not k[-1]][::3])
def test_population_equals_trainer(acts, loss, bias, mode, mom, ub, fresh):
    rng = np.random.default_rng(5)
    sizes = (3, 4, 3, 2) if acts[-1] != "softmax" else (3, 4, 3, 3)
    nets = [random_case(rng, sizes, acts, loss, bias, 3) for _ in range(3)]
    net, X, T = nets[0]
    thetas = np.stack([n.theta for n, _, _ in nets])
    rates = np.array([0.05, 0.1, 0.2])
    pop = Population(net, thetas, X, T, learning_rate=rates, momentum=mom, mode=mode, update_biases=ub)
    errors = pop.run(20, record_every=5)
    for k, (n, _, _) in enumerate(nets):
        t = Trainer(n, X, T, Settings(learning_rate=rates[k], mode=mode, momentum=mom, update_biases=ub),
                    use_kernel=False)
        run = t.run(20, record=np.array([0, 5, 10, 15, 20]))
        np.testing.assert_allclose(pop.thetas()[k], t.net.theta, rtol=1e-9, atol=1e-12)
        np.testing.assert_allclose(errors[:, k], [e for _, e in run.history], rtol=1e-9)


def test_the_posts_network_ten_thousand_times_over():
    net = mazur_network()
    pop = Population(net, np.repeat(net.theta[None], 1000, axis=0), [[0.05, 0.1]], [[0.01, 0.99]])
    final = pop.run(10_000)[-1]
    assert final == pytest.approx(np.full(1000, 3.510187782978859e-05), rel=1e-9)


def test_learning_rates_side_by_side_and_divergence_stays_contained():
    net = mazur_network()
    pop = Population(net, np.repeat(net.theta[None], 3, axis=0), [[0.05, 0.1]], [[0.01, 0.99]],
                     learning_rate=[0.1, 0.5, 2.0])
    e = pop.run(1000)[-1]
    assert e[0] > e[1] > e[2]   # on this net a larger step learns faster


def test_error_surface_matches_single_networks():
    net = mazur_network()
    X, T = [[0.05, 0.1]], [[0.01, 0.99]]
    va, vb = np.linspace(-1, 1, 5), np.linspace(0, 2, 4)
    surf = error_surface(net, X, T, "w5", "w6", va, vb)
    assert surf.shape == (5, 4)
    probe = net.copy()
    probe.theta[4], probe.theta[5] = va[3], vb[1]
    assert surf[3, 1] == pytest.approx(total_error(probe, X, T), rel=1e-12)
    assert np.unravel_index(surf.argmin(), surf.shape)[0] == 0  # lower w5 means a smaller out_o1
