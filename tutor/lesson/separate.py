"""Slow pure work in a process of its own, so that the screen's thread keeps the GIL.

A worker thread is not enough for some work: compiling the training kernel (numba, then
LLVM) and loading llvmlite hold the GIL for up to a quarter of a second at a time, and the
screen stops answering meanwhile (measured: 0.05 s idle, 0.22 s beside a cold compile in a
thread, on a busy 2-core machine). A child Python computes the result and hands it back
pickled through a file (multiprocessing cannot start one under Textual, whose captured
stderr has no file descriptor); the numba cache it writes serves the app's own training
later. The child runs at a lower priority, so that the screen's process gets the CPU first.
If the child cannot run, the work is done here instead.
"""

from __future__ import annotations

import pickle
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Callable, TypeVar

T = TypeVar("T")

CHILD = ("import os, pickle, sys\n"
         "os.nice(10)\n"  # the screen's process goes first when the CPU is short
         "fn, args = pickle.loads(open(sys.argv[1], 'rb').read())\n"
         "result = pickle.dumps(fn(*args))\n"
         "open(sys.argv[2], 'wb').write(result)\n")


def run_separately(fn: Callable[..., T], *args, cancelled: Callable[[], bool] = lambda: False) -> T | None:
    """fn(*args) in a child Python (fn importable at module level, args and result
    picklable); here, when the child cannot run. Call it from a worker thread; when
    `cancelled()` turns true (the screen has gone), the child is stopped and None returned."""
    with tempfile.TemporaryDirectory(prefix="bptutor-") as tmp:
        given, result = Path(tmp) / "in.pickle", Path(tmp) / "out.pickle"
        try:
            given.write_bytes(pickle.dumps((fn, args)))
            child = subprocess.Popen([sys.executable, "-c", CHILD, str(given), str(result)],
                                     stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            while True:
                try:
                    code = child.wait(timeout=0.1)
                    break
                except subprocess.TimeoutExpired:
                    if cancelled():
                        child.kill()
                        child.wait()
                        return None
            if code == 0:
                return pickle.loads(result.read_bytes())
        except (OSError, pickle.PicklingError, pickle.UnpicklingError, EOFError, AttributeError, TypeError):
            pass  # cannot be sent, started or read back: done here instead
    return fn(*args)


def comparisons_of(source: str, variant: str = ""):
    """The printed figures of an exercise file (its learner numbers `variant`) beside the
    engine's values (reference.compare). By name, so that the child can load it itself."""
    from .opening import worked_for

    return worked_for(source, variant).comparisons()
