"""Getting the compiled loop ready: in the background, once, and never leaving anyone waiting."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

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


# --- an empty cache, warmed once -------------------------------------------------------------------
# What the lesson's warm-up child runs (kernel_loader.WARM_UP), and the summary's comparison
# child (separate.comparisons_of): each says whether it compiled the loop or loaded it.
COMPILES = """
import json, sys
sys.path.insert(0, {root!r})
{work}
from tutor.engine import kernel
print(json.dumps(len(kernel.train.stats.cache_misses)))
"""
WARM_UP = "from tutor.engine import kernel_loader; kernel_loader.load()"
COMPARISON = "from tutor.lesson.separate import comparisons_of; comparisons_of('mazur')"

# Then a new process on that cache, as `bptutor train <lesson>` is: what it says before the
# loop is there, whether numba's index holds each lesson's training call, and whether
# training each (live, to the end, and headless) compiled anything.
EVERY_LESSON = """
import json, sys
sys.path.insert(0, {root!r})
from tutor.engine import kernel, kernel_loader
from tutor.engine.training import Trainer
from tutor.lesson.catalog import bundled
from tutor.lesson.exercise import load
from tutor.lesson.live.status import Status
from tutor.lesson.training_session import TrainingSession
out = {{"cached": {{}}, "said": {{}}}}
for name in bundled():
    ex = load(name)
    session = TrainingSession(ex)   # starts loading the loop in the background
    if not session.run.wants_kernel:
        continue
    out["said"][name] = session.frame().preparing
    live = Trainer(ex.network, ex.X, ex.T, ex.settings, use_kernel=True)
    out["cached"][name] = [kernel_loader.cached_for(kernel, live.kernel_arguments(100, with_params=True)),
                           kernel_loader.cached_for(kernel, live.kernel_arguments(100))]
kernel_loader.load()
for name in out["cached"]:
    ex = load(name)
    session = TrainingSession(ex)
    session.play()
    while session.status is Status.RUNNING:
        session.advance(2000)
    Trainer(ex.network, ex.X, ex.T, ex.settings).run(ex.iterations)   # as `bptutor train --json`
out["compiled"] = len(kernel.train.stats.cache_misses)
out["state"] = kernel_loader.state().name
print(json.dumps(out))
"""


def child(code: str, cache: Path) -> subprocess.Popen:
    env = {**os.environ, "NUMBA_CACHE_DIR": str(cache), "PYTHONPATH": str(ROOT)}
    return subprocess.Popen([sys.executable, "-c", code], env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def result(process: subprocess.Popen):
    out, err = process.communicate(timeout=600)
    assert process.returncode == 0, err[-2000:]
    return json.loads(out.strip().splitlines()[-1])


@pytest.mark.xdist_group("cold-compile")   # never beside the other cold compiles (conftest.py)
class TestAnEmptyCacheIsFilledOnce:
    @pytest.fixture(scope="class")
    def warmed(self, tmp_path_factory):
        """An empty cache, and the lesson's warm-up and the summary's comparison started side
        by side on it (a lesson resumed at its last step and answered): how many compiled."""
        cache = tmp_path_factory.mktemp("numba-cache")
        both = [child(COMPILES.format(root=str(ROOT), work=work), cache) for work in (WARM_UP, COMPARISON)]
        return cache, [result(p) for p in both]

    def test_two_processes_side_by_side_compile_once(self, warmed):
        """One of them compiles, the other waits for it and loads what it wrote (before, both
        compiled, on both cores: the summary's comparison took 35-40 s on a busy machine)."""
        _, compiled = warmed
        assert sorted(compiled) == [0, 1]

    def test_after_the_warm_up_no_lesson_compiles_or_says_so(self, warmed):
        """After the warm-up, `bptutor train <lesson>` in a new process finds every bundled
        lesson's training call in numba's cache, says nothing of a first-run compile while
        the loop loads, and trains every lesson (live and headless) without compiling."""
        cache, _ = warmed
        out = result(child(EVERY_LESSON.format(root=str(ROOT)), cache))
        assert len(out["cached"]) >= 10 and "mazur" in out["cached"]
        assert all(all(c) for c in out["cached"].values()), out["cached"]
        assert out["said"] == {name: "" for name in out["cached"]}
        assert out["compiled"] == 0 and out["state"] == "READY"
