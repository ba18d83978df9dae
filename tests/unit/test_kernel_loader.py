"""Getting the compiled loop ready: in the background, once, and never leaving anyone waiting."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

SCRIPT = """
import sys, threading
sys.path.insert(0, {root!r})
from tutor.engine import kernel_loader
{setup}
kernel_loader.warm_in_background()
kernel_loader.warm_in_background()          # a second call starts nothing more
assert threading.active_count() <= 2
module = kernel_loader.load()                # waits for the background, does not compile again
print(kernel_loader.state().name, module is None, kernel_loader.ready())
"""


def run(setup=""):
    """In a fresh process (the loader's state is per process), with numba's usual cache."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    out = subprocess.run([sys.executable, "-c", SCRIPT.format(root=str(ROOT), setup=setup)], env=env,
                         capture_output=True, text=True, timeout=600)
    assert out.returncode == 0, out.stderr[-2000:]
    return out.stdout.split()


class TestKernelLoader:
    def test_prepared_in_the_background_then_ready(self):
        """The loop is prepared once in the background, and load() then returns it."""
        assert run() == ["READY", "False", "True"]

    def test_a_failure_releases_those_waiting(self):
        """If preparing fails, the loop counts as absent (NumPy trains) and nobody waits forever."""
        setup = ("def broken():\n    raise RuntimeError('no compiler')\n"
                 "kernel_loader._load_compiling_elsewhere = broken")
        assert run(setup) == ["ABSENT", "True", "True"]
