"""Start-up and answer feedback of the tutor, against a minimal Textual app in the same run.

    python benchmarks/tutor_speed.py [startup] [training] [stalls] [feedback] [summary]   (all by default)

Start-up: a fresh process from launch until its first screen has been drawn (headless),
for a minimal Textual app (one Static), for `bptutor` (home screen) and for
`bptutor mazur` (the lesson). Goal: at most 1.3x the minimal app.
Feedback: from Enter on an answer until the feedback is on screen, in a running app.
Goal: within 50 ms.
Training: updates per second with the training screen up at full speed against the
headless engine, side by side in one process (bursts in turn), with the load average and
the CPU each thread used. Goal: at least 70%.
UI stalls: the longest gap between ticks of a 10 ms timer, in a fresh process, on a cold
start (numba's cache empty, as after installing) and a warm one: the training screen from
its first frame, 2 s at the default speed and 3 s at full speed, and the lesson's last
answer through its summary; as wall clock and as the UI thread's own CPU time. Yardstick:
the same timer in a minimal Textual app in the same run. Goal: under 100 ms.
Summary: from Enter on the lesson's last answer until the summary shows the post's printed
figures beside ours (worked out in a child Python that trains), in a fresh process, the
lesson resumed at its last step (so its warm-up of the compiled loop starts just before),
on an empty numba cache and on a warm one. Yardstick: the cold compile alone (a process that
only compiles the loop, timed in the same run). Goal: the cold case within one compile.
"""

from __future__ import annotations

import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

MINIMAL = """
from textual.app import App
from textual.widgets import Static
class Minimal(App):
    def compose(self):
        yield Static("hello")
    def on_mount(self):
        self.call_after_refresh(self.exit)
Minimal().run(headless=True)
"""

TUTOR = """
import sys
sys.path.insert(0, {root!r})
{imports}
from tutor.ui.app import BPTutorApp
class Timed(BPTutorApp):
    def on_mount(self):
        super().on_mount()
        self.call_after_refresh(self.drawn)
    def drawn(self):   # a lesson being opened (in a worker) first opens
        if self.opening is None:
            self.call_after_refresh(self.exit)
        else:
            self.set_timer(0.002, self.drawn)
Timed({exercise}).run(headless=True)
"""


def launch(code: str) -> float:
    # an empty progress store: a new learner's `bptutor` opens the home screen (a returning
    # one with a lesson left open gets that lesson: the "bptutor mazur" case)
    with tempfile.TemporaryDirectory() as home:
        env = {**os.environ, "BPTUTOR_HOME": home}
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, env=env)
        return time.perf_counter() - start


async def feedback_latency(n: int = 40) -> list[float]:
    """From the start of the answer's handler to the end of the next screen refresh that
    follows it: what the learner waits for (the pilot's own waiting is not counted)."""
    sys.path.insert(0, str(ROOT))
    from tutor.lesson.exercise import load
    from tutor.ui.app import BPTutorApp

    from textual.screen import Screen

    from tutor.ui.lesson_screen import LessonScreen

    marks: dict[str, float] = {}
    handler, refresh = LessonScreen.on_input_submitted, Screen._compositor_refresh

    def timed_handler(self, event):
        marks["start"] = time.perf_counter()
        handler(self, event)

    def timed_refresh(self):
        refresh(self)
        if "start" in marks and "end" not in marks:
            marks["end"] = time.perf_counter()

    # Textual finds handlers on the class, so the timing goes there (this process only)
    LessonScreen.on_input_submitted, Screen._compositor_refresh = timed_handler, timed_refresh
    app = BPTutorApp(load("mazur"))
    times: list[float] = []
    async with app.run_test(size=(100, 30)) as pilot:
        while app.opening is not None:   # the lesson is opened in a worker
            await asyncio.sleep(0.005)
        await pilot.pause()
        screen = app.screen
        for k in range(n):
            lesson = screen.lesson
            # alternate a wrong answer (diagnosed against every known mistake) and the right one
            text = "0.123" if k % 2 == 0 else f"{lesson.current.step.value:.9g}"
            screen.query_one("#answer").value = text
            marks.clear()
            await pilot.press("enter")
            deadline = time.perf_counter() + 5
            while "end" not in marks and time.perf_counter() < deadline:
                await asyncio.sleep(0.001)
            times.append(marks["end"] - marks["start"])
            if lesson.finished:
                break
    return times


def thread_cpu() -> dict[int, float]:
    """CPU seconds used so far by each thread of this process (Linux: /proc), by native id."""
    out: dict[int, float] = {}
    tick = os.sysconf("SC_CLK_TCK")
    for tid in os.listdir("/proc/self/task"):
        try:
            with open(f"/proc/self/task/{tid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:   # the thread ended meanwhile
            continue
        out[int(tid)] = (int(fields[11]) + int(fields[12])) / tick   # utime + stime
    return out


async def training_throughput(burst: float = 1.5, pairs: int = 5) -> dict[str, float]:
    """Updates per second of the post's network with the training screen up at full speed,
    against the headless engine, side by side in one process: bursts of each in turn (the
    screen paused while the engine trains alone), the ratio of each pair, the median of those.
    Also the frames the screen drew a second, and the CPU its thread and the training
    thread used (cores) while the screen was up."""
    sys.path.insert(0, str(ROOT))
    import threading

    import numpy as np

    from tutor.engine.training import Trainer
    from tutor.lesson.exercise import load
    from tutor.lesson.live.status import Status
    from tutor.lesson.training_session import TrainingSession
    from tutor.ui.app import BPTutorApp
    from tutor.ui.training_screen import Progress

    ex = load("mazur")
    ex.iterations = 10**9
    trainer = Trainer(ex.network, ex.X, ex.T, ex.settings)
    trainer.run(1000)  # compile or load the kernel first

    def headless(seconds: float) -> tuple[float, float]:
        """(updates/s, CPU share of this thread) for the engine alone."""
        n, start, cpu = 0, time.perf_counter(), time.thread_time()
        while time.perf_counter() - start < seconds:
            trainer.run(100_000, record=np.array([trainer.iteration + 100_000]))
            n += 100_000
        took = time.perf_counter() - start
        return n / took, (time.thread_time() - cpu) / took

    redraws = [0]

    def counted(message):   # frames the screen drew (a newer Progress replaces one not yet drawn)
        if isinstance(message, Progress):
            redraws[0] += 1

    ratios, screens, alones, fps, ui_cpu, worker_cpu, alone_cpu = [], [], [], [], [], [], []
    ui = threading.get_native_id()
    app = BPTutorApp(ex, train=True)
    async with app.run_test(size=(100, 30), message_hook=counted) as pilot:
        while app.screen.session is None:   # prepared in the screen's worker
            await pilot.pause(0.01)
        session: TrainingSession = app.screen.session
        for _ in range(len(session.speeds)):
            await pilot.press("right_square_bracket")   # full speed
        await pilot.pause(1.0)  # settle: the slice size adapts to the frame
        for _ in range(pairs):
            it0, r0, c0, t0 = session.iteration, redraws[0], thread_cpu(), time.perf_counter()
            await pilot.pause(burst)
            took, c1 = time.perf_counter() - t0, thread_cpu()
            screen = (session.iteration - it0) / took
            fps.append((redraws[0] - r0) / took)
            used = {tid: c1[tid] - c0.get(tid, 0.0) for tid in c1}
            ui_cpu.append(used.get(ui, 0.0) / took)
            worker_cpu.append(max((u for tid, u in used.items() if tid != ui), default=0.0) / took)
            await pilot.press("space")   # pause: the engine alone now, the screen idle
            while session.status is not Status.PAUSED:
                await pilot.pause(0.01)
            alone, cpu = await asyncio.to_thread(headless, burst)
            alone_cpu.append(cpu)
            await pilot.press("space")
            await pilot.pause(0.3)
            screens.append(screen)
            alones.append(alone)
            ratios.append(screen / alone)
    med = statistics.median
    return {"ratio": med(ratios), "ratio_low": min(ratios), "ratio_high": max(ratios), "screen": med(screens),
            "headless": med(alones), "fps": med(fps), "ui_cpu": med(ui_cpu), "worker_cpu": med(worker_cpu),
            "alone_cpu": med(alone_cpu)}


STALLS = """
import asyncio, sys, time
sys.path.insert(0, {root!r})
def worst(ticks):
    # (the longest wall-clock gap, the UI thread's CPU time within it, its longest CPU gap)
    gaps = [(b[0] - a[0], b[1] - a[1]) for a, b in zip(ticks, ticks[1:])]
    return max(gaps) + (max(g[1] for g in gaps),)
{body}
"""

STALL_MINIMAL = """
from textual.app import App
from textual.widgets import Static
class Minimal(App):
    def compose(self):
        yield Static("hello")
async def main():
    ticks = []
    app = Minimal()
    async with app.run_test(size=(100, 30)) as pilot:
        app.set_interval(0.01, lambda: ticks.append((time.perf_counter(), time.thread_time())))
        await pilot.pause(4.0)
    print(*worst(ticks))
asyncio.run(main())
"""

STALL_TRAINING = """
from tutor.lesson.exercise import load
from tutor.ui.app import BPTutorApp
async def main():
    ticks = []
    app = BPTutorApp(load("mazur"), train=True)
    async with app.run_test(size=(100, 30)) as pilot:
        while getattr(app.screen, "frame", None) is None:   # from the screen's first frame on
            await pilot.pause(0.01)
        app.set_interval(0.01, lambda: ticks.append((time.perf_counter(), time.thread_time())))
        await pilot.pause(2.0)                               # the default speed
        for _ in range(4):
            await pilot.press("right_square_bracket")       # up to full speed
        await pilot.pause(3.0)
    print(*worst(ticks))
asyncio.run(main())
"""

STALL_LESSON = """
from tutor.lesson.exercise import load
from tutor.ui.app import BPTutorApp
async def main():
    ticks = []
    app = BPTutorApp(load("mazur"))
    async with app.run_test(size=(100, 30)) as pilot:
        while app.opening is not None:   # the lesson is opened in a worker
            await asyncio.sleep(0.005)
        await pilot.pause()
        lesson = app.screen.lesson
        for _ in range(200):
            if lesson.finished:
                break
            if not ticks and lesson.current.step.id == "E_total+":   # the last step
                app.set_interval(0.01, lambda: ticks.append((time.perf_counter(), time.thread_time())))
                await pilot.pause(0.1)
            app.screen.query_one("#answer").value = f"{lesson.current.step.value:.9g}"
            await pilot.press("enter")
            await pilot.pause()
        await pilot.pause(3.0)   # the summary, and whatever it works out
    print(*worst(ticks))
asyncio.run(main())
"""


SUMMARY = """
import asyncio, sys, time
sys.path.insert(0, {root!r})
from tutor.lesson.exercise import load
from tutor.lesson.session import Lesson
from tutor.lesson.store import Store
from tutor.ui.app import BPTutorApp
from tutor.ui.summary import SummaryScreen
store = Store()
lesson = Lesson(load("mazur"), "", store)
while lesson.current.step.id != "E_total+":   # a learner at the last step
    lesson.submit(f"{{lesson.current.step.value:.9g}}")
store.close()
async def main():
    app = BPTutorApp(load("mazur"))
    async with app.run_test(size=(100, 30)) as pilot:
        while app.opening is not None:   # the lesson is opened in a worker
            await asyncio.sleep(0.005)
        await pilot.pause()
        lesson = app.screen.lesson
        app.screen.query_one("#answer").value = f"{{lesson.current.step.value:.9g}}"
        start = time.perf_counter()
        await pilot.press("enter")
        while not (isinstance(app.screen, SummaryScreen) and app.screen.comparisons is not None):
            await asyncio.sleep(0.01)
        took = time.perf_counter() - start
        assert isinstance(app.screen.comparisons, list), app.screen.comparisons
    print(took)
asyncio.run(main())
"""


def summary_wait(cache: str) -> float:
    """Seconds from the last answer's Enter to the summary's printed figures on screen."""
    with tempfile.TemporaryDirectory() as home:
        env = {**os.environ, "BPTUTOR_HOME": home, "NUMBA_CACHE_DIR": cache}
        run = subprocess.run([sys.executable, "-c", SUMMARY.format(root=str(ROOT))], env=env,
                             capture_output=True, text=True, timeout=900, check=True)
        return float(run.stdout.strip().splitlines()[-1])


def compile_alone(cache: str) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", f"import sys; sys.path.insert(0, {str(ROOT)!r}); "
                    "from tutor.engine import kernel_loader; kernel_loader.load()"],
                   env={**os.environ, "NUMBA_CACHE_DIR": cache}, check=True)
    return time.perf_counter() - start


def summary() -> None:
    load = os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as cold:
        alone = compile_alone(cold)
    with tempfile.TemporaryDirectory() as cold:
        cold_wait = summary_wait(cold)
        warm_wait = summary_wait(cold)   # the same cache, now filled
    print(f"\nFrom the last answer to the summary's printed figures (load average {load:.1f} -> "
          f"{os.getloadavg()[0]:.1f}): empty cache {cold_wait:.1f} s ({cold_wait / alone:.2f}x a compile alone, "
          f"{alone:.1f} s; goal: within one compile), warm cache {warm_wait:.1f} s")


def stall(body: str, cache: str) -> tuple[float, float, float]:
    """The worst gap between timer ticks in a fresh process, with numba's cache at `cache`,
    in seconds: the longest wall-clock gap, the UI thread's own CPU time within it, and the
    UI thread's longest stretch of CPU time between two ticks. The wall gap is what the
    learner sees; the CPU times are what the UI thread itself did (a busy machine that
    stops the process, or another thread holding the GIL, widens the first, not these)."""
    with tempfile.TemporaryDirectory() as home:
        env = {**os.environ, "BPTUTOR_HOME": home, "NUMBA_CACHE_DIR": cache}
        run = subprocess.run([sys.executable, "-c", STALLS.format(root=str(ROOT), body=body)], env=env,
                             capture_output=True, text=True, timeout=600, check=True)
        wall, within, cpu = run.stdout.strip().splitlines()[-1].split()
        return float(wall), float(within), float(cpu)


def ui_stalls() -> dict[str, tuple[float, float, float]]:
    out = {}
    for name, body in (("training", STALL_TRAINING), ("lesson", STALL_LESSON)):
        with tempfile.TemporaryDirectory() as cold:
            out[f"{name} cold"] = stall(body, cold)
            subprocess.run([sys.executable, "-c", f"import sys; sys.path.insert(0, {str(ROOT)!r}); "
                            "from tutor.engine import kernel_loader; kernel_loader.load()"],
                           env={**os.environ, "NUMBA_CACHE_DIR": cold}, check=True)   # now warm
            out[f"{name} warm"] = stall(body, cold)
    out["minimal"] = stall(STALL_MINIMAL, tempfile.gettempdir())
    return out


def startup(repeats: int = 7) -> None:
    minimal_code = MINIMAL
    # as the command line does it: the engine is imported only when a lesson is named
    home_code = TUTOR.format(root=str(ROOT), imports="", exercise="")
    lesson_code = TUTOR.format(root=str(ROOT), imports="from tutor.lesson.exercise import load",
                               exercise="load('mazur')")
    for code in (minimal_code, home_code, lesson_code):  # warm the disk cache
        launch(code)
    runs = {"minimal": [], "home": [], "lesson": []}
    for _ in range(repeats):  # interleaved, so a noisy moment hits all three
        runs["minimal"].append(launch(minimal_code))
        runs["home"].append(launch(home_code))
        runs["lesson"].append(launch(lesson_code))
    best = {k: min(v) for k, v in runs.items()}
    print(f"Start-up to the first screen (best of {repeats}, headless)")
    print(f"  minimal Textual app        {best['minimal'] * 1e3:7.0f} ms")
    print(f"  bptutor (home)             {best['home'] * 1e3:7.0f} ms   {best['home'] / best['minimal']:.2f}x  (goal: at most 1.3x)")
    print(f"  bptutor mazur (lesson)     {best['lesson'] * 1e3:7.0f} ms   {best['lesson'] / best['minimal']:.2f}x")


def training() -> None:
    load = os.getloadavg()[0]
    t = asyncio.run(training_throughput())
    print(f"\nTraining the post's network at full speed, side by side (load average {load:.1f} -> "
          f"{os.getloadavg()[0]:.1f}): headless {t['headless']:,.0f} updates/s, with the screen up "
          f"{t['screen']:,.0f} updates/s = {t['ratio']:.0%} (pairs {t['ratio_low']:.0%}-{t['ratio_high']:.0%}; "
          f"goal: at least 70%) at {t['fps']:.0f} frames drawn/s; CPU: screen's thread {t['ui_cpu']:.2f} cores, "
          f"training thread {t['worker_cpu']:.2f}, the engine alone {t['alone_cpu']:.2f}")


def stalls() -> None:
    load = os.getloadavg()[0]
    found = ui_stalls()
    print(f"\nWorst UI stall (longest gap between 10 ms timer ticks; goal: under 100 ms; load average "
          f"{load:.1f} -> {os.getloadavg()[0]:.1f}): the longest wall-clock gap, the UI thread's CPU time in it, "
          "and its longest stretch of CPU time")
    for key in ("minimal", "training cold", "training warm", "lesson cold", "lesson warm"):
        wall, within, cpu = found[key]
        print(f"  {key:<14} wall {wall * 1e3:6.0f} ms ({wall / found['minimal'][0]:4.1f}x the minimal app), "
              f"UI thread CPU in it {within * 1e3:4.0f} ms; longest CPU stretch {cpu * 1e3:4.0f} ms")


def feedback() -> None:
    times = asyncio.run(feedback_latency())
    print(f"\nFeedback after Enter, {len(times)} answers: median {statistics.median(times) * 1e3:.1f} ms, "
          f"worst {max(times) * 1e3:.1f} ms  (goal: within 50 ms)")


PARTS = {"startup": startup, "training": training, "stalls": stalls, "feedback": feedback, "summary": summary}


def main() -> None:
    """All parts, or those named: python benchmarks/tutor_speed.py training stalls"""
    for name in sys.argv[1:] or PARTS:
        PARTS[name]()


if __name__ == "__main__":
    main()
