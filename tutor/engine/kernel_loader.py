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

Both go through one lock, so the kernel is compiled once however many ask in this process;
and a compile takes a lock on a file in numba's cache folder, so that processes started side
by side (the lesson's warm-up child and the summary's comparison child, on an empty cache)
compile it once: the second waits, then loads what the first wrote.

Whether the cache holds the loop is known once numba is imported (`compiling()`): a warm
cache is only loaded (~0.4 s), and the screens say nothing of a first-run compile then.
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
    PREPARING = "preparing"   # numba being imported: not known yet whether it compiles
    LOADING = "loading"       # numba's cache holds the loop: loading it (~0.4 s)
    COMPILING = "compiling"   # the cache is empty: compiling (seconds), here or in a child
    READY = "ready"
    ABSENT = "absent"       # numba cannot be imported: NumPy does everything


_lock = threading.RLock()
_ready = threading.Event()
_module: ModuleType | None = None
_state = KernelState.NOT_STARTED
_thread: threading.Thread | None = None


def state() -> KernelState:
    return _state


def compiling() -> bool:
    """True while the loop is being compiled (not merely loaded from numba's cache)."""
    return _state is KernelState.COMPILING


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
        if _cached(kernel):
            _state = KernelState.LOADING
            _warm()
        else:
            _state = KernelState.COMPILING
            with _compile_lock(kernel):   # another process compiling: wait, then load what it wrote
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


# what the child compiling the loop runs (the tests' and the benchmarks' warm-ups too)
WARM_UP = "import sys; sys.path.insert(0, {root!r}); from tutor.engine import kernel_loader; kernel_loader.load()"


def _load_compiling_elsewhere() -> None:
    try:
        with _no_full_collections():
            from . import kernel
    except ImportError:
        load()   # says it is absent
        return
    global _state
    cached = _cached(kernel)
    _state = KernelState.LOADING if cached else KernelState.COMPILING
    if not cached:
        root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
        code = WARM_UP.format(root=root)
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
    """Does numba's on-disk cache hold the compiled loop training calls, for this source,
    numba version and CPU? (numba's own index, read as numba reads it; any doubt counts as no.)"""
    return cached_for(kernel, _warm_arguments())


def cached_for(kernel: ModuleType, args: tuple) -> bool:
    """Does numba's on-disk cache hold kernel.train compiled for arguments of these types
    (`args` as Trainer passes them), so that calling it loads instead of compiling?"""
    try:
        from numba import typeof

        train = kernel.train
        cache = train._cache
        key = cache._index_key(tuple(typeof(a) for a in args), train.targetctx.codegen())
        return key in cache._cache_file._load_index()
    except Exception:
        return False


@contextmanager
def _compile_lock(kernel: ModuleType):
    """An exclusive lock on a file in numba's cache folder, for as long as this process
    compiles the loop: a second process compiling into the same cache waits here, and then
    numba finds the loop in the index and loads it (numba looks there before every compile).
    The lock goes with the process, also when it is killed. Without a folder to lock in,
    no lock (each compiles, as numba alone does)."""
    try:
        import fcntl

        cache = kernel.train._cache
        cache._impl.locator.ensure_cache_path()
        fd = os.open(os.path.join(cache._cache_path, "bptutor-compiling.lock"), os.O_RDWR | os.O_CREAT, 0o644)
    except Exception:
        yield
        return
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)   # releases the lock


def _warm_trainer():
    import numpy as np

    from .network import Network
    from .training import Settings, Trainer

    net = Network.random([1, 1, 1], ["sigmoid", "sigmoid"], "half_sse", "shared", 0)
    return Trainer(net, np.zeros((1, 1)), np.zeros((1, 1)), Settings(), use_kernel=True)


def _warm_arguments() -> tuple:
    """The arguments of the warm-up's call, whose types are those of every training call."""
    return _warm_trainer().kernel_arguments(1, with_params=True)


def _warm() -> None:
    # One call through Trainer, so the arguments have exactly the types of every later call
    # and numba compiles (or loads from its cache) the one signature training uses.
    _warm_trainer().run(1, with_params=True)
