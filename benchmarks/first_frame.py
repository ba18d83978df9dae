"""Time to the first frame on a terminal, as a learner sees it: `bptutor mazur` against
`bptutor` (the home screen) and a minimal Textual app, side by side in one run.

Each command runs in a pseudo-terminal of 100x32 (so the command line and Textual behave as
on a real one) with an empty progress store; the time is from launch until the first text
of its first frame arrives on the terminal, and for `bptutor mazur` also until the lesson's
own screen does. Reported as the best of N, interleaved, and as ratios to the minimal app.
Before the lesson was built in the app's worker, `bptutor mazur` built it first (NumPy's
import, the update, the mistake context) and the terminal stayed blank meanwhile.

    python benchmarks/first_frame.py [N]
"""

from __future__ import annotations

import fcntl
import os
import pty
import select
import struct
import subprocess
import sys
import tempfile
import termios
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

MINIMAL = """
from textual.app import App
from textual.widgets import Static
class Minimal(App):
    def compose(self):
        yield Static("minimal app ready")
Minimal().run()
"""

# (command, text of its first frame, text of the screen it is for)
CASES = {
    "minimal": ([sys.executable, "-c", MINIMAL], [b"minimal app ready"], b"minimal app ready"),
    "home": ([sys.executable, "-m", "tutor"], [b"Choose a lesson"], b"Choose a lesson"),
    "mazur": ([sys.executable, "-m", "tutor", "mazur"], [b"Preparing", b"step 1 of"], b"step 1 of"),
}


def timed(command: list[str], first: list[bytes], ready: bytes, size=(100, 32), limit: float = 60,
          root: Path = ROOT) -> tuple[float, float]:
    """(seconds to the first frame, seconds to the screen `ready` names) of `command` on a
    new pseudo-terminal, with the tutor of the tree at `root`."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", size[1], size[0], 0, 0))
    with tempfile.TemporaryDirectory() as home:
        env = {**os.environ, "BPTUTOR_HOME": home, "PYTHONPATH": str(root), "TERM": "xterm-256color"}
        start = time.perf_counter()
        proc = subprocess.Popen(command, stdin=slave, stdout=slave, stderr=slave, env=env, cwd=root,
                                start_new_session=True)
        os.close(slave)
        seen, got_first, got_ready = b"", None, None
        try:
            while got_ready is None and time.perf_counter() - start < limit:
                if select.select([master], [], [], 0.5)[0]:
                    try:
                        seen += os.read(master, 65536)
                    except OSError:
                        break
                    now = time.perf_counter() - start
                    if got_first is None and any(t in seen for t in first):
                        got_first = now
                    if ready in seen:
                        got_ready = now
        finally:
            proc.kill()
            proc.wait()
            os.close(master)
    return got_first or float("nan"), got_ready or float("nan")


def first_frame(repeats: int = 7) -> dict[str, tuple[float, float]]:
    """Best (first frame, ready) of each case over `repeats` interleaved runs."""
    for command, first, ready in CASES.values():   # warm the disk cache
        timed(command, first, ready)
    runs: dict[str, list[tuple[float, float]]] = {k: [] for k in CASES}
    for _ in range(repeats):
        for key, (command, first, ready) in CASES.items():
            runs[key].append(timed(command, first, ready))
    return {k: (min(f for f, _ in v), min(r for _, r in v)) for k, v in runs.items()}


def report(repeats: int = 7) -> None:
    load = os.getloadavg()[0]
    best = first_frame(repeats)
    m = best["minimal"][0]
    print(f"\nFirst frame on a 100x32 terminal (best of {repeats}, load average {load:.1f} -> {os.getloadavg()[0]:.1f})")
    print(f"  minimal Textual app        {m * 1e3:7.0f} ms")
    print(f"  bptutor (home)             {best['home'][0] * 1e3:7.0f} ms   {best['home'][0] / m:.2f}x")
    print(f"  bptutor mazur              {best['mazur'][0] * 1e3:7.0f} ms   {best['mazur'][0] / m:.2f}x"
          f"   (the lesson on screen: {best['mazur'][1] * 1e3:.0f} ms, {best['mazur'][1] / m:.2f}x)")


if __name__ == "__main__":
    report(int(sys.argv[1]) if len(sys.argv) > 1 else 7)
