"""The post's names for everything in a network, extended to any size and depth.

- inputs i1, i2, ...; outputs o1, o2, ...
- one hidden layer: h1, h2, ... (as in the post)
- several hidden layers: h1_1, h1_2, ... for the first, h2_1, h2_2, ... for the second:
  `hL_n` is neuron n of hidden layer L, so every name stays a valid identifier
- weights w1..wN numbered layer after layer, row-major over (to-neuron, from-neuron)
- shared biases b1..bL, one per layer after the input (b1 feeds h1 and h2 in the post)
- per-neuron biases b1..bM numbered through the neurons in layer order
- quantities: net_X, out_X, target_oK, E_oK, E_total; with several samples every
  per-sample quantity carries a suffix `_sN` (net_h1_s2, E_total_s2)
"""

from __future__ import annotations

BIAS_MODES = ("shared", "neuron", "none")


def neuron_names(sizes: tuple[int, ...], layer: int) -> list[str]:
    """Names of the neurons of `layer` (0 is the input layer)."""
    n = sizes[layer]
    last = len(sizes) - 1
    if layer == 0:
        return [f"i{j}" for j in range(1, n + 1)]
    if layer == last:
        return [f"o{j}" for j in range(1, n + 1)]
    if last == 2:
        return [f"h{j}" for j in range(1, n + 1)]
    return [f"h{layer}_{j}" for j in range(1, n + 1)]


def weight_names(sizes: tuple[int, ...]) -> list[list[list[str]]]:
    """weight_names(sizes)[l][to][from]: the name of the weight into layer l+1."""
    names, k = [], 1
    for n_in, n_out in zip(sizes[:-1], sizes[1:]):
        layer = []
        for _ in range(n_out):
            layer.append([f"w{k + c}" for c in range(n_in)])
            k += n_in
        names.append(layer)
    return names


def bias_names(sizes: tuple[int, ...], bias: str) -> list[list[str]]:
    """bias_names(sizes, bias)[l]: the bias names of layer l+1 (one, one per neuron, or none)."""
    if bias == "none":
        return [[] for _ in sizes[1:]]
    if bias == "shared":
        return [[f"b{l}"] for l in range(1, len(sizes))]
    names, k = [], 1
    for n in sizes[1:]:
        names.append([f"b{k + j}" for j in range(n)])
        k += n
    return names


def parameter_names(sizes: tuple[int, ...], bias: str) -> list[str]:
    """Every parameter's name in storage order: all weights, then all biases."""
    flat = [w for layer in weight_names(sizes) for row in layer for w in row]
    return flat + [b for layer in bias_names(sizes, bias) for b in layer]
