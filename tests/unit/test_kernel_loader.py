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

    def test_what_numba_brings_in_is_out_of_the_collectors_full_passes(self):
        """numba's import and the loop's loading are frozen out of the collector's full passes
        (which scanned them every time, 100-250 ms with the GIL held: the training screen's
        longest stalls), with the collector on again afterwards; a collection set off while
        they were made would have run on the kernel's thread."""
        setup = ("import gc\nruns = []\n"
                 "gc.callbacks.append(lambda phase, info: phase == 'start' and info['generation'] == 2 "
                 "and runs.append(threading.current_thread().name))\n"
                 "import atexit\natexit.register(lambda: print(gc.get_freeze_count() > 20_000, gc.isenabled(), "
                 "'bptutor-kernel' in runs))")
        assert run(setup)[3:] == ["True", "True", "False"]

    def test_the_compiler_runs_in_a_session_of_its_own(self):
        """On a cold cache the loop is compiled in a child process in a session of its own:
        Linux shares the CPU between sessions first, so in the app's session the compiler took
        its CPU from the screen. (The cache counts as cold here, and the child started in
        its place prints its session; the loop then loads from the real cache.)"""
        setup = ("import os, subprocess\nkernel_loader._cached = lambda kernel: False\n"
                 "real = subprocess.run\n"
                 "def spy(cmd, **kw):\n"
                 "    out = real([cmd[0], '-c', 'import os; print(os.getsid(0))'], **{**kw, 'capture_output': True})\n"
                 "    print('own' if int(out.stdout) != os.getsid(0) else 'shared')\n"
                 "    return out\n"
                 "subprocess.run = spy")
        assert run(setup) == ["own", "READY", "False", "True"]
