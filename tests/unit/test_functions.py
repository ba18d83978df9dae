"""Each activation and loss is defined once (activations.py, losses.py): every path (the
network, backprop, training through NumPy and compiled, the batched engine, the worked
steps) takes its rules from there, and a name none of them knows is an error in each."""

import numpy as np
import pytest

from tutor.engine import activations, kernel, losses
from tutor.engine.backprop import gradient, total_error
from tutor.engine.batched import Population
from tutor.engine.network import Network, check_combination
from tutor.engine.steps import identifier, solve
from tutor.engine.training import Settings, Trainer
from tutor.lesson.answer import parse

from ..conftest import mazur_network
from .test_gradients import numeric_gradient

X, T = [[0.05, 0.10]], [[0.01, 0.99]]


def _renamed(activation=None, loss=None) -> Network:
    """The post's network with a function renamed after construction, as a caller that
    changes a field would leave it."""
    net = mazur_network()
    if activation is not None:
        net.activations = ("sigmoid", activation)
    if loss is not None:
        net.loss = loss
    return net


# --- a name no path knows ------------------------------------------------------------------

def test_network_refuses_an_unknown_activation():
    with pytest.raises(ValueError, match=r"^unknown activation 'softplu' \(known: sigmoid, tanh, relu"):
        Network((2, 2, 2), ("sigmoid", "softplu"), "half_sse", "shared", np.zeros(10))


def test_network_refuses_an_unknown_loss():
    with pytest.raises(ValueError, match=r"^unknown loss 'hinge' \(known: half_sse, mse, cross_entropy\)$"):
        Network((2, 2, 2), ("sigmoid", "sigmoid"), "hinge", "shared", np.zeros(10))


def test_network_refuses_a_combination_no_path_can_train():
    with pytest.raises(ValueError, match="^softmax is only allowed on the output layer$"):
        Network((2, 2, 2), ("softmax", "sigmoid"), "half_sse", "shared", np.zeros(10))
    with pytest.raises(ValueError, match='^softmax outputs need loss = "cross_entropy"$'):
        Network((2, 2, 2), ("sigmoid", "softmax"), "mse", "shared", np.zeros(10))


@pytest.mark.parametrize("use_kernel", [True, False])
def test_trainer_refuses_unknown_names(use_kernel):
    with pytest.raises(ValueError, match="unknown loss 'hinge'"):
        Trainer(_renamed(loss="hinge"), X, T, Settings(), use_kernel=use_kernel)
    with pytest.raises(ValueError, match="unknown activation 'softplu'"):
        Trainer(_renamed(activation="softplu"), X, T, Settings(), use_kernel=use_kernel)


def test_population_refuses_unknown_names():
    """Today's batched engine took any unknown activation for softmax."""
    net = _renamed(activation="softplu")
    with pytest.raises(ValueError, match="unknown activation 'softplu'"):
        Population(net, net.theta[None], X, T)
    net = _renamed(loss="hinge")
    with pytest.raises(ValueError, match="unknown loss 'hinge'"):
        Population(net, net.theta[None], X, T)


def test_steps_refuse_unknown_names():
    with pytest.raises(ValueError, match=r"unknown activation 'softplu' \(known:"):
        solve(_renamed(activation="softplu"), X, T, Settings())
    with pytest.raises(ValueError, match=r"unknown loss 'hinge' \(known:"):
        solve(_renamed(loss="hinge"), X, T, Settings())


def test_the_compiled_loop_refuses_codes_it_has_no_rule_for():
    """Today's kernel took any unknown activation code for identity."""
    net = mazur_network()
    sizes = np.array(net.sizes, dtype=np.int64)
    offsets = [np.array(v, dtype=np.int64) for v in ([0, 4], [8, 9], [1, 1])]
    for act, loss in (([0, 99], 0), ([0, 0], 99)):
        with pytest.raises(ValueError, match="no .*rule"):
            kernel.train(net.theta.copy(), np.zeros(10), sizes, *offsets, np.array(act, dtype=np.int64), loss,
                    np.array(X), np.array(T), 0.5, 0.0, False, False, False, 1,
                    np.array([], dtype=np.int64), np.zeros(0), np.zeros((0, 10)))


def test_check_combination_names_the_unknown_function():
    assert check_combination(("sigmoid", "softplu"), "half_sse").startswith("unknown activation 'softplu'")
    assert check_combination(("sigmoid", "sigmoid"), "hinge").startswith("unknown loss 'hinge'")
    assert check_combination(("softmax", "sigmoid"), "half_sse") == "softmax is only allowed on the output layer"
    assert check_combination(("sigmoid", "softmax"), "mse") == 'softmax outputs need loss = "cross_entropy"'


# --- one registry for every path -------------------------------------------------------------

def test_codes_are_unique_and_the_kernel_takes_them_from_the_registry():
    for registry in (activations.REGISTRY, losses.REGISTRY):
        codes = [f.code for f in registry.values()]
        assert len(set(codes)) == len(codes)
    assert set(kernel.COMPILED_ACTIVATIONS) <= {a.code for a in activations.REGISTRY.values()}
    assert set(kernel.COMPILED_LOSSES) <= {f.code for f in losses.REGISTRY.values()}
    net = Network.random((2, 3, 3, 3), ("tanh", "relu", "softmax"), "cross_entropy", "neuron", 1)
    act, loss = kernel.codes(net)
    assert list(act) == [activations.TANH.code, activations.RELU.code, activations.SOFTMAX.code]
    assert loss == losses.CROSS_ENTROPY.code


def test_the_worked_steps_show_the_registrys_formulas(mazur):
    assert mazur.step("out_h1").formula == activations.SIGMOID.formula.format(net="net_h1")
    assert mazur.step("dout_o1/dnet_o1").formula == activations.SIGMOID.derivative_formula.format(out="out_o1")
    assert mazur.step("E_o1").formula == losses.HALF_SSE.formula.format(target="target_o1", out="out_o1")
    assert mazur.step("dE_total/dout_o1").formula == "-(target_o1 - out_o1)"


# --- adding an activation is one definition -------------------------------------------------

def _softplus(net):
    # out = ln(1 + e^net), stable for both signs
    return np.logaddexp(0.0, net)


def _softplus_derivative(net, out):
    # dout/dnet = 1 / (1 + e^-net), the logistic function of net
    return activations.SIGMOID.forward(net)


SOFTPLUS = activations.Activation(
    name="softplus", code=100, forward=_softplus, formula="ln(1+exp({net}))",
    derivative=_softplus_derivative, derivative_formula="1/(1+exp(-{net}))")


@pytest.fixture
def softplus():
    """softplus registered for one test only: the one change a new activation needs."""
    yield activations.register(SOFTPLUS)
    del activations.REGISTRY["softplus"]


def _softplus_case():
    rng = np.random.default_rng(2)
    net = Network.random((3, 4, 2), ("softplus", "sigmoid"), "half_sse", "neuron", 3)
    return net, rng.uniform(-1, 1, (3, 3)), rng.uniform(0.1, 0.9, (3, 2))


def test_a_new_activation_is_accepted_by_every_check(softplus):
    assert "softplus" in activations.NAMES
    assert check_combination(("softplus", "sigmoid"), "half_sse") is None
    with pytest.raises(ValueError, match="already registered"):
        activations.register(softplus)


def test_a_new_activation_backpropagates_like_finite_differences(softplus):
    net, X_, T_ = _softplus_case()
    np.testing.assert_allclose(gradient(net, X_, T_), numeric_gradient(net, X_, T_), rtol=1e-5, atol=1e-8)


def test_a_new_activation_trains_through_numpy_and_the_batched_engine_alike(softplus):
    net, X_, T_ = _softplus_case()
    trainer = Trainer(net, X_, T_, Settings(learning_rate=0.3))
    assert not trainer.use_kernel  # the compiled loop has no rule for it
    before = total_error(net, X_, T_)
    trainer.run(20)
    assert trainer.error() < before
    pop = Population(net, net.theta[None], X_, T_, learning_rate=0.3)
    pop.run(20)
    np.testing.assert_allclose(pop.thetas()[0], trainer.net.theta, rtol=1e-9, atol=1e-12)
    with pytest.raises(ValueError, match="compiled training loop has no rule for activation 'softplus'"):
        Trainer(net, X_, T_, Settings(), use_kernel=True).run(1)


def test_a_new_activation_is_worked_with_its_own_formulas(softplus):
    net, X_, T_ = _softplus_case()
    sol = solve(net, X_[:1], T_[:1], Settings(learning_rate=0.3))
    assert sol.step("out_h1").formula == "ln(1+exp(net_h1))"
    assert sol.step("dout_h1/dnet_h1").formula == "1/(1+exp(-net_h1))"
    known = {identifier(k): v for k, v in net.parameters().items()} | {"eta": 0.3}
    known |= {f"i{j + 1}": v for j, v in enumerate(X_[0])} | {f"target_o{k + 1}": v for k, v in enumerate(T_[0])}
    for step in sol.steps:
        if step.kind != "error_after":
            assert parse(step.expression, known).value == pytest.approx(step.value, rel=1e-9, abs=1e-12), step.id
        known[step.name] = step.value


def test_the_mistake_of_a_derivative_on_net_takes_the_registrys_rule_and_formula():
    """The mistake catalogue works "derivative on net" from the activation's own derivative
    (tanh here: 1 - net^2 typed for 1 - out^2), and quotes its formula."""
    from tutor.lesson.exercise import load
    from tutor.lesson.session import Lesson

    from .test_lesson import go_to

    lesson = Lesson(load("deep-tanh"))
    step_id = "dout_h2_1_s1/dnet_h2_1_s1"
    go_to(lesson, step_id)
    net = lesson.records[[r.step.id for r in lesson.records].index("net_h2_1_s1")].step.value
    verdict = lesson.submit(repr(1 - net * net))
    assert verdict.mistake.name == "derivative taken on net instead of out"
    assert "1-out_h2_1_s1^2" in verdict.message
