"""Getting the compiled training loop (kernel.py) ready: imported, compiled or loaded from
numba's on-disk cache, and called once, so that the next call runs at full speed.

On a machine where the cache is empty (the first run after installing) this takes seconds
(7 s on an idle 2-core machine, 26 s on a busy one); with the cache warm, about 0.4 s (the
import of numba and the cache load). Callers choose:

- `load()` waits for it: headless training, benchmarks, tests;
- `warm_in_background()` starts it in a daemon thread and returns at once, and `ready()`
  says when it is done: the live training screen trains with NumPy meanwhile. When numba's
  cache holds no compiled loop yet, that thread has a separate process compile it into the
  cache and then loads it from there: compiling in a thread of this process holds the GIL
  for up to ~100 ms at a time (measured: 40-80 ms stalls of the other threads on an idle
  machine), which a screen would show as stutter; loading from the cache does not.

Both go through one lock, so the kernel is compiled once however many ask.
"""

from __future__ import annotations

import gc
import os
import subprocess
import sys
import threading
from contextlib import contextmanager, nullcontext
from enum import Enum
from types import ModuleType


class KernelState(Enum):
    """Where the compiled loop is."""
    NOT_STARTED = "not started"
    PREPARING = "preparing"
    READY = "ready"
    ABSENT = "absent"       # numba cannot be imported: NumPy does everything


_lock = threading.RLock()
_ready = threading.Event()
_module: ModuleType | None = None
_state = KernelState.NOT_STARTED
_thread: threading.Thread | None = None


def state() -> KernelState:
    return _state


def ready() -> bool:
    """True once the kernel can be called without compiling (or is known to be absent)."""
    return _ready.is_set()


def module() -> ModuleType | None:
    """The kernel if it is ready, else None (never waits)."""
    return _module if _ready.is_set() else None


def load() -> ModuleType | None:
    """The compiled kernel, waiting for it to be imported and warmed; None without numba."""
    global _module, _state
    if _ready.is_set():
        return _module
    if _thread is not None and _thread is not threading.current_thread():
        _ready.wait()   # being prepared in the background: wait for it rather than compile twice
        return _module
    with _lock:
        if _ready.is_set() or _module is not None:   # done, or being warmed by this thread
            return _module
        _state = KernelState.PREPARING
        try:
            from . import kernel
        except ImportError:
            _state = KernelState.ABSENT
            _ready.set()
            return None
        _module = kernel
        _warm()
        _state = KernelState.READY
        _ready.set()
        return _module


def warm_in_background() -> None:
    """Start getting the kernel ready in a daemon thread (once); returns at once."""
    global _thread, _state
    with _lock:
        if _ready.is_set() or _thread is not None:
            return
        _state = KernelState.PREPARING
        _thread = threading.Thread(target=_prepare, name="bptutor-kernel", daemon=True)
        _thread.start()


def _prepare() -> None:
    """The background thread: whatever happens, those waiting are released (a loop that
    could not be prepared counts as absent, and NumPy does the training)."""
    global _module, _state
    try:
        _load_compiling_elsewhere()
    except Exception:
        _module, _state = None, KernelState.ABSENT
    finally:
        _ready.set()


@contextmanager
def _no_full_collections():
    """numba's import and the loop's loading make tens of thousands of objects that live as
    long as the process; the collector's full passes set off meanwhile scanned them all, in
    100-250 ms stretches with the GIL held, on this thread: the app's screen stood still
    through each. So no collection while they are made, and then they are frozen (out of
    every later full pass)."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if was:
            gc.enable()


def _load_compiling_elsewhere() -> None:
    try:
        with _no_full_collections():
            from . import kernel
    except ImportError:
        load()   # says it is absent
        return
    if not _cached(kernel):
        root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
        code = f"import sys; sys.path.insert(0, {root!r}); from tutor.engine import kernel_loader; kernel_loader.load()"
        try:
            # in a session of its own: Linux shares the CPU between sessions first (autogroups),
            # so the compiler, in ours, took its CPU from the app's screen (a busy machine gives
            # a session a fraction of a core); in its own it competes with the other sessions
            subprocess.run([sys.executable, "-c", code], capture_output=True, timeout=600, check=False,
                           start_new_session=True,
                           preexec_fn=_die_with_parent if sys.platform == "linux" else None)
        except (OSError, subprocess.SubprocessError):
            pass   # then it is compiled here, as load() always can
    # loaded from the cache: quiet; compiled here after all (seconds): the collector stays on
    with _no_full_collections() if _cached(kernel) else nullcontext():
        load()


def _die_with_parent() -> None:
    # Linux: the compiling process gets SIGTERM when this thread (and so bptutor) ends, so
    # quitting during the first run leaves no compiler behind
    try:
        import ctypes
        ctypes.CDLL(None).prctl(1, 15)   # PR_SET_PDEATHSIG, SIGTERM
    except Exception:
        pass


def _cached(kernel: ModuleType) -> bool:
    """Does numba's on-disk cache hold a compiled loop for this source and numba version?
    (numba's own index, read as numba reads it; any doubt counts as no.)"""
    try:
        return bool(kernel.train._cache._cache_file._load_index())
    except Exception:
        return False


def _warm() -> None:
    # One call through Trainer, so the arguments have exactly the types of every later call
    # and numba compiles (or loads from its cache) the one signature training uses.
    import numpy as np

    from .network import Network
    from .training import Settings, Trainer

    net = Network.random([1, 1, 1], ["sigmoid", "sigmoid"], "half_sse", "shared", 0)
    Trainer(net, np.zeros((1, 1)), np.zeros((1, 1)), Settings(), use_kernel=True).run(
        1, with_params=True)
