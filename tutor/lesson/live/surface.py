"""The error surface over two weights, the others held where they are, with the path training
took through them; and the surface drawn as a text grid (shades readable without colour)."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ...engine.batched import error_surface
from ...engine.network import Network
from .history import Path


@dataclass
class Surface:
    a: str
    b: str
    values_a: np.ndarray
    values_b: np.ndarray
    errors: np.ndarray            # (len(values_a), len(values_b))
    path: list[tuple[float, float]] = field(default_factory=list)


def surface(current: Network, path: Path, X, T, a: str | None = None, b: str | None = None,
            size: int = 41) -> Surface:
    """Total error over a grid of two weights (the rest at their current values), with
    the path training took through them. Default: the two weights that moved most."""
    names = current.names
    if a is None or b is None:
        moved = np.abs(path.points[-1][1] - path.points[0][1])[: current.n_weights]
        order = np.argsort(-moved, kind="stable")
        a, b = names[order[0]], names[order[1]]
    pa, pb = path.coordinates(names.index(a), names.index(b))
    va, vb = _span(pa, size), _span(pb, size)
    errors = error_surface(current, X, T, a, b, va, vb)
    return Surface(a, b, va, vb, errors, list(zip(pa.tolist(), pb.tolist())))


def _span(values: np.ndarray, size: int) -> np.ndarray:
    lo, hi = float(values.min()), float(values.max())
    pad = max(0.5 * (hi - lo), 0.5)
    return np.linspace(lo - pad, hi + pad, size)


SHADES = " .:-=+*#%@"   # low error to high: the heat map reads without colour too


@dataclass
class SurfaceGrid:
    rows: list[str]                      # text, a character per cell (shade, or path marks)
    levels: list[list[int]]              # 0..9 per cell, for colouring
    bounds: list[float]                  # the error at each shade boundary
    a_range: tuple[float, float]
    b_range: tuple[float, float]


def legend(bounds: list[float]) -> list[str]:
    """The shade boundaries with as few digits as tell neighbours apart (2 to 6
    significant): at two digits a flat surface read '<0.0001' three times over."""
    for digits in range(2, 7):
        labels = [f"{b:.{digits}g}" for b in bounds]
        if all(x != y for x, y, a, b in zip(labels, labels[1:], bounds, bounds[1:]) if a != b):
            return labels
    return labels


def surface_grid(surface: Surface, cols: int, rows: int) -> SurfaceGrid:
    """The surface drawn in cols x rows cells: a (the first weight) across, b upwards.
    Shades are ten quantiles of log10(E); the path is •, its start S and its end E."""
    logs = np.log10(np.maximum(surface.errors, 1e-300))
    bounds = np.quantile(logs, np.linspace(0, 1, len(SHADES) + 1)[1:-1])
    ia = np.clip(np.round(np.linspace(0, len(surface.values_a) - 1, cols)).astype(int), 0, None)
    ib = np.clip(np.round(np.linspace(len(surface.values_b) - 1, 0, rows)).astype(int), 0, None)
    levels = np.searchsorted(bounds, logs[np.ix_(ia, ib)].T)   # (rows, cols), b top to bottom
    chars = [[SHADES[v] for v in row] for row in levels]
    a0, a1 = surface.values_a[0], surface.values_a[-1]
    b0, b1 = surface.values_b[0], surface.values_b[-1]

    def cell(a: float, b: float) -> tuple[int, int]:
        c = int(round((a - a0) / (a1 - a0) * (cols - 1))) if a1 > a0 else 0
        r = int(round((b1 - b) / (b1 - b0) * (rows - 1))) if b1 > b0 else 0
        return min(max(r, 0), rows - 1), min(max(c, 0), cols - 1)

    for a, b in surface.path:
        r, c = cell(a, b)
        chars[r][c] = "•"
    if surface.path:
        r, c = cell(*surface.path[0])
        chars[r][c] = "S"
        r, c = cell(*surface.path[-1])
        chars[r][c] = "E"
    return SurfaceGrid(["".join(row) for row in chars], levels.tolist(), [float(10 ** b) for b in bounds],
                       (float(a0), float(a1)), (float(b0), float(b1)))
