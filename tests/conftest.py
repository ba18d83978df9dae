import fcntl
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pytest

import tutor

from tutor.engine.network import Network
from tutor.engine.steps import solve
from tutor.engine.training import Settings

# the smallest valid exercise file: tests change one key of it at a time
GOOD = """
title = "t"
[network]
sizes = [2, 2, 1]
activation = "sigmoid"
[parameters]
weights = [[[0.1, 0.2], [0.3, 0.4]], [[0.5, 0.6]]]
biases = [0.1, 0.2]
[data]
inputs = [[0.0, 1.0]]
targets = [[1.0]]
"""

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


def nine_digits(step) -> str:
    return f"{step.value:.9g}"


def answered_until(step_id: str | None, *, name: str = "mazur", first: tuple[str, ...] = (),
                   typed=nine_digits, leave: int = 0, variant: str = "") -> None:
    """A learner's earlier session, as the store keeps it: `first` answered at the first step
    (wrong tries, say), then every step before `step_id` answered right with `typed(step)`,
    through the same Lesson.submit a screen calls, but for the last `leave` of them. An app
    opened on the lesson then resumes there with those answers, so a test types only the keys
    it is about (`leave=1`: the answer whose feedback its screen shows) instead of walking
    there by keys (the walk itself is tested on its own: mazur's, and the library's).
    `step_id=None`: every step answered, the lesson finished."""
    from tutor.lesson.exercise import load
    from tutor.lesson.session import Lesson
    from tutor.lesson.store import Store

    store = Store()
    lesson = Lesson(load(name), variant, store)
    for text in first:
        lesson.submit(text)
    asked = [r.step.id for r in lesson.records] + [None]
    step_id = asked[asked.index(step_id) - leave]
    while lesson.current is not None and lesson.current.step.id != step_id:
        lesson.submit(typed(lesson.current.step))
    store.close()


def terminal_keys(app, text: str) -> None:
    """Keys as a terminal delivers them: each character of `text` (\\r: Enter) one key event
    through the app's driver, all at once, as pilot.press sends them, without its waits for
    the process to look idle (20 ms and more after every key)."""
    from textual import events
    from textual.keys import _character_to_key

    for ch in text:
        key = "enter" if ch == "\r" else _character_to_key(ch)
        event = events.Key(key, None if ch == "\r" else ch)
        event.set_sender(app)
        app._driver.send_message(event)


async def answer_on_screen(pilot, text: str, *, typed: bool = True, timeout: float = 30.0) -> None:
    """`text` given in the lesson on screen and Enter pressed: typed key by key
    (terminal_keys), or (typed=False) put in the answer box whole, then Enter. Back once the
    lesson has taken the answer (one more try recorded, or the lesson done) and the screen has
    been drawn after it: what a walk through a lesson waits for, and no more."""
    import asyncio
    import time

    app = pilot.app
    lesson = app.screen.lesson
    tries = sum(len(r.attempts) for r in lesson.records)
    if typed:
        terminal_keys(app, text + "\r")
    else:
        app.screen.query_one("#answer").value = text
        terminal_keys(app, "\r")
    end = time.monotonic() + timeout
    while not lesson.finished and sum(len(r.attempts) for r in lesson.records) == tries:
        if time.monotonic() > end:
            raise TimeoutError(f"the answer {text!r} was not taken in {timeout:g} s")
        await asyncio.sleep(0.002)
    drawn = asyncio.Event()
    app.call_after_refresh(drawn.set)
    await asyncio.wait_for(drawn.wait(), timeout)


async def lesson_opened(app, timeout: float = 30.0) -> None:
    """Until the lesson the app is opening (in its worker, ui.preparing) is on screen or
    refused: what a learner waits for before typing."""
    import asyncio
    import time

    end = time.monotonic() + timeout
    while getattr(app, "opening", None) is not None:
        if time.monotonic() > end:
            raise TimeoutError(f"the lesson {app.opening.title!r} did not open in {timeout:g} s")
        await asyncio.sleep(0.005)


@pytest.fixture(autouse=True)
def _pilot_waits_for_lessons(request, monkeypatch):
    """The pilot waits as a learner does: at the start of run_test (and of an auto-pilot, as
    snapshots use) and in every wait of its own (press, click, pause), a lesson being
    opened first opens. Tests of the wait itself
    (the preparing screen, keys typed meanwhile) are marked `opening` and see it as it is."""
    if request.node.get_closest_marker("opening"):
        return
    from contextlib import asynccontextmanager

    from textual.app import App
    from textual.pilot import Pilot

    wait_for_screen, run_test, run_async = Pilot._wait_for_screen, App.run_test, App.run_async

    async def wait(self, timeout: float = 30.0) -> bool:
        await lesson_opened(self.app, timeout)
        return await wait_for_screen(self, timeout)

    @asynccontextmanager
    async def run_test_opened(self, *args, **kwargs):
        async with run_test(self, *args, **kwargs) as pilot:
            await pilot._wait_for_screen()
            yield pilot

    async def run_async_opened(self, *args, auto_pilot=None, **kwargs):
        if auto_pilot is not None:
            given = auto_pilot

            async def auto_pilot(pilot):
                await pilot._wait_for_screen()
                await given(pilot)
        return await run_async(self, *args, auto_pilot=auto_pilot, **kwargs)

    monkeypatch.setattr(Pilot, "_wait_for_screen", wait)
    monkeypatch.setattr(App, "run_async", run_async_opened)
    monkeypatch.setattr(App, "run_test", run_test_opened)


# --- in parallel ----------------------------------------------------------------------------------
# Most of the suite's time is waiting (pilot pauses, child Pythons, the browser test): the CPU
# was busy half of the wall time in one process. So more workers than the 2 cores.
# loadgroup: tests marked xdist_group("cold-compile") run on one worker, one after the other:
# each compiles the training loop from an empty cache in a child (7-26 s of CPU) while it
# checks that a screen keeps answering, and two at once starved each other on 2 cores.
WORKERS = 4


@pytest.hookimpl(tryfirst=True)
def pytest_cmdline_main(config):
    """`pytest` alone runs in WORKERS xdist workers; -n N (-n0: one process), -p no:xdist, --pdb,
    or a venv without pytest-xdist: as asked, in one process."""
    if hasattr(config, "workerinput") or os.environ.get("PYTEST_XDIST_WORKER"):
        # a worker itself (xdist sets its numprocesses to None): it must not start workers; it
        # reads loadgroup from its own command line, which is the controller's without it
        if os.environ.get(LOADGROUP):
            config.option.loadgroup = True
        return
    if getattr(config.option, "numprocesses", "absent") is None and not config.option.usepdb:
        config.option.numprocesses = WORKERS
        if config.option.dist == "no":
            config.option.dist = "loadgroup"
            os.environ[LOADGROUP] = "1"   # for the workers, started after this with this environment


LOADGROUP = "BPTUTOR_TESTS_LOADGROUP"


def pytest_configure(config):
    config.addinivalue_line("markers", "opening: the pilot does not wait for a lesson being opened")
    config.addinivalue_line("markers", "alone: no other test of this run runs meanwhile (see ALONE)")
    if not hasattr(config, "workerinput"):   # the run's first process: xdist's controller, or the only one
        _fill_the_kernel_cache()
        _make_alone_locks()


def pytest_unconfigure(config):
    for name in (KERNEL_LOCK, ALONE):
        lock = os.environ.pop(name, None)
        if lock and not hasattr(config, "workerinput"):
            for path in lock.split(os.pathsep):
                Path(path).unlink(missing_ok=True)


# --- tests that measure the UI thread run alone ---------------------------------------------------
# A test marked `alone` (the UI thread's CPU time between timer ticks, against a 100 ms bound)
# runs while no other test of this run does: alone it read 0.04-0.07 s; beside three workers
# on two cores the same work read 0.10-0.13 s of the thread's own CPU time (cores shared with
# hyper-threads, caches and memory bandwidth taken by the others: a thread's CPU time is not
# its work). Every test holds a shared lock on a file while it runs (set-up to tear-down), an
# `alone` one an exclusive lock; a second file is the gate that makes the others wait behind
# an `alone` test waiting for its turn (without it, three workers' shared locks, overlapping,
# could keep it waiting for the whole run). Other programs on the machine are not stopped.
ALONE = "BPTUTOR_TESTS_ALONE_LOCKS"


def _make_alone_locks() -> None:
    paths = []
    for part in ("gate", "run"):
        fd, path = tempfile.mkstemp(prefix=f"bptutor-tests-alone-{part}-", suffix=".lock")
        os.close(fd)
        paths.append(path)
    os.environ[ALONE] = os.pathsep.join(paths)   # xdist's workers are started after this


@pytest.hookimpl(hookwrapper=True, tryfirst=True)
def pytest_runtest_protocol(item, nextitem):
    paths = os.environ.get(ALONE, "").split(os.pathsep)
    if len(paths) != 2:
        yield
        return
    try:
        gate, run = (os.open(p, os.O_RDWR) for p in paths)
    except OSError:
        yield
        return
    try:
        if item.get_closest_marker("alone"):
            fcntl.flock(gate, fcntl.LOCK_EX)   # no test starts now
            fcntl.flock(run, fcntl.LOCK_EX)    # those running have ended
        else:
            fcntl.flock(gate, fcntl.LOCK_SH)   # behind an `alone` test waiting or running
            fcntl.flock(run, fcntl.LOCK_SH)
            fcntl.flock(gate, fcntl.LOCK_UN)
        yield
    finally:
        os.close(run)
        os.close(gate)


# --- numba's cache filled once per run ------------------------------------------------------------
# On a fresh install (CI) numba's cache is empty, and every process that trains first compiles
# the training loop (7 s of CPU on an idle machine, 26 s on a busy one): each xdist worker and
# each child Python a test starts (`bptutor solve`, the summary's comparison) at once, the
# same compile many times over on two cores. So one child compiles it while the workers start
# and collect, holding a lock on a file until it ends; every test process waits for that lock
# before its first test (with the cache warm the child only loads it: ~0.5 s, hidden by the
# start-up). Tests of the cold start itself use a cache folder of their own (NUMBA_CACHE_DIR).
KERNEL_LOCK = "BPTUTOR_TESTS_KERNEL_LOCK"


def _fill_the_kernel_cache() -> None:
    fd, path = tempfile.mkstemp(prefix="bptutor-tests-kernel-", suffix=".lock")
    fcntl.flock(fd, fcntl.LOCK_EX)
    root = str(Path(tutor.__file__).resolve().parent.parent)   # the tutor these tests import
    code = f"import sys; sys.path.insert(0, {root!r}); from tutor.engine import kernel_loader; kernel_loader.load()"
    try:
        # the child inherits the locked file: the lock is released when the child ends
        subprocess.Popen([sys.executable, "-c", code], pass_fds=(fd,), stdin=subprocess.DEVNULL,
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    except OSError:
        return   # then each process compiles when it first trains, as before
    finally:
        os.close(fd)
    os.environ[KERNEL_LOCK] = path   # xdist's workers are started after this, with this environment


@pytest.fixture(scope="session", autouse=True)
def _kernel_cache_filled():
    """Before the first test of this process: the child filling numba's cache has ended."""
    path = os.environ.get(KERNEL_LOCK)
    if not path:
        return
    try:
        with open(path) as f:
            end = time.monotonic() + 900
            while time.monotonic() < end:
                try:
                    fcntl.flock(f, fcntl.LOCK_SH | fcntl.LOCK_NB)
                    return
                except BlockingIOError:
                    time.sleep(0.1)
    except OSError:
        pass
