import numpy as np
import pytest

from tutor.engine.network import Network
from tutor.engine.steps import solve
from tutor.engine.training import Settings

MAZUR_THETA = [0.15, 0.20, 0.25, 0.30, 0.40, 0.45, 0.50, 0.55, 0.35, 0.60]


def mazur_network() -> Network:
    return Network((2, 2, 2), ("sigmoid", "sigmoid"), "half_sse", "shared", np.array(MAZUR_THETA))


@pytest.fixture(scope="session")
def mazur():
    return solve(mazur_network(), [[0.05, 0.10]], [[0.01, 0.99]], Settings(learning_rate=0.5))


@pytest.fixture(autouse=True)
def _private_home(tmp_path, monkeypatch):
    """Every test gets its own progress store: nothing is written to the real home."""
    monkeypatch.setenv("BPTUTOR_HOME", str(tmp_path / "bptutor-home"))
