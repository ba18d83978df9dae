"""A multilayer perceptron: its shape, functions and parameters.

All parameters live in one float64 vector `theta`, in the order of their names
(w1..wN layer after layer, then the biases), so a name is an index and the compiled
training loop, the gradient check and the JSON all share one layout.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from . import activations, losses, naming


@dataclass
class Network:
    sizes: tuple[int, ...]
    activations: tuple[str, ...]  # one per layer after the input
    loss: str
    bias: str  # shared | neuron | none
    theta: np.ndarray = field(repr=False)

    def __post_init__(self) -> None:
        self.sizes = tuple(int(n) for n in self.sizes)
        self.activations = tuple(self.activations)
        if len(self.activations) != len(self.sizes) - 1:
            raise ValueError("one activation per layer after the input")
        problem = check_combination(self.activations, self.loss)  # unknown names included
        if problem:
            raise ValueError(problem)
        self._look_up()
        if self.bias not in naming.BIAS_MODES:
            raise ValueError(f"unknown bias mode {self.bias!r}")
        self.theta = np.array(self.theta, dtype=np.float64).reshape(-1)
        if self.theta.size != self.n_parameters:
            raise ValueError(f"expected {self.n_parameters} parameters, got {self.theta.size}")

    # --- functions ------------------------------------------------------------
    # Looked up once, and again only if a field was replaced since: a training step asks
    # several times, and a fresh lookup each time would cost a few % of a small step.
    @property
    def activation_rules(self) -> tuple[activations.Activation, ...]:
        """The definition of each layer's activation (ValueError for a name not registered)."""
        c = self._rules
        if c[0] is not self.activations or c[1] is not self.loss:
            c = self._look_up()
        return c[2]

    @property
    def loss_rule(self) -> losses.Loss:
        c = self._rules
        if c[0] is not self.activations or c[1] is not self.loss:
            c = self._look_up()
        return c[3]

    def _look_up(self) -> tuple:
        self._rules = (self.activations, self.loss,
                       tuple([activations.get(n) for n in self.activations]), losses.get(self.loss))
        return self._rules

    # --- layout -------------------------------------------------------------
    @property
    def n_layers(self) -> int:
        """Layers with weights (the post's network has 2)."""
        return len(self.sizes) - 1

    def bias_count(self, layer: int) -> int:
        """How many bias values layer `layer` (0-based, after the input) owns."""
        return {"shared": 1, "neuron": self.sizes[layer + 1], "none": 0}[self.bias]

    @property
    def n_weights(self) -> int:
        return sum(a * b for a, b in zip(self.sizes[:-1], self.sizes[1:]))

    @property
    def n_parameters(self) -> int:
        return self.n_weights + sum(self.bias_count(l) for l in range(self.n_layers))

    def weight_offset(self, layer: int) -> int:
        return sum(a * b for a, b in zip(self.sizes[:layer], self.sizes[1 : layer + 1]))

    def bias_offset(self, layer: int) -> int:
        return self.n_weights + sum(self.bias_count(l) for l in range(layer))

    def W(self, layer: int) -> np.ndarray:
        """The weights into layer+1 as a view: rows to-neuron, columns from-neuron."""
        start = self.weight_offset(layer)
        n_in, n_out = self.sizes[layer], self.sizes[layer + 1]
        return self.theta[start : start + n_in * n_out].reshape(n_out, n_in)

    def b(self, layer: int) -> np.ndarray:
        """The bias of every neuron of layer+1 (a shared bias repeated; zeros for none)."""
        start, n = self.bias_offset(layer), self.bias_count(layer)
        values = self.theta[start : start + n]
        return np.broadcast_to(values if n else 0.0, (self.sizes[layer + 1],)).astype(np.float64)

    @property
    def names(self) -> list[str]:
        return naming.parameter_names(self.sizes, self.bias)

    def parameters(self) -> dict[str, float]:
        return {name: float(v) for name, v in zip(self.names, self.theta)}

    def copy(self, theta: np.ndarray | None = None) -> "Network":
        return Network(self.sizes, self.activations, self.loss, self.bias,
                       self.theta.copy() if theta is None else theta)

    # --- construction ---------------------------------------------------------
    @classmethod
    def random(cls, sizes, activations_, loss, bias, seed: int) -> "Network":
        """Glorot-uniform weights (limit sqrt(6 / (n_in + n_out))), biases uniform in
        [-0.5, 0.5]: a bias of exactly 0 would make "bias left out" look right."""
        rng = np.random.default_rng(seed)
        net = cls(tuple(sizes), tuple(activations_), loss, bias,
                  np.zeros(cls._count(sizes, bias)))
        for l in range(net.n_layers):
            n_in, n_out = net.sizes[l], net.sizes[l + 1]
            limit = np.sqrt(6.0 / (n_in + n_out))
            net.W(l)[...] = rng.uniform(-limit, limit, size=(n_out, n_in))
        net.theta[net.n_weights:] = rng.uniform(-0.5, 0.5, size=net.n_parameters - net.n_weights)
        return net

    @staticmethod
    def _count(sizes, bias) -> int:
        return len(naming.parameter_names(tuple(sizes), bias))


def check_combination(activations_: tuple[str, ...], loss: str) -> str | None:
    """Why this choice of functions cannot be trained, or None when it can."""
    try:
        rules = [activations.get(name) for name in activations_]
        rule = losses.get(loss)
    except ValueError as e:
        return str(e)
    for a in rules[:-1]:
        if not a.elementwise:
            return f"{a.name} is only allowed on the output layer"
    out = rules[-1]
    if not out.elementwise and out.name not in rule.delta_is_out_minus_target:
        fits = [f.name for f in losses.REGISTRY.values() if out.name in f.delta_is_out_minus_target]
        fits = " or ".join(f'"{n}"' for n in fits)
        return f"{out.name} outputs need loss = {fits}"
    if rule.delta_is_out_minus_target and out.name not in rule.delta_is_out_minus_target:
        return (f"{rule.name} needs {' or '.join(rule.delta_is_out_minus_target)} outputs "
                "(ln of the output must exist)")
    return None
