"""Issue 10 §1 / 8 §3: nothing slow on the UI thread, a cold start included.

The app runs in a subprocess with an empty numba cache (NUMBA_CACHE_DIR pointing at a new
directory, so the training kernel compiles from nothing, as on the first run after
`pip install .`). A timer ticks every 10 ms while the last step is answered and the summary
works out the comparison with the post. Between two ticks, the UI thread's own CPU time
(time.thread_time) is how long it worked without answering: that must stay under 100 ms.
The wall-clock gap is reported too, but not asserted: on a shared 2-core machine an idle
app's timer is already late by up to ~0.1 s when the others load it (the main thread was
found waiting in select then). Today's code trained the network inside the summary's
compose: 10.8 s cold, 0.57 s warm, all of it on the UI thread.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

import pytest

SCRIPT = textwrap.dedent('''
    import asyncio, json, time

    from tutor.lesson.exercise import load
    from tutor.ui.app import BPTutorApp
    from tutor.ui.lesson_screen import LessonScreen
    from tutor.ui.summary import SummaryScreen


    async def main():
        app = BPTutorApp(load("mazur"))
        gaps, busy, last = [], [], [0.0, 0.0]

        def tick():
            now, cpu = time.monotonic(), time.thread_time()
            gaps.append(now - last[0])
            busy.append(cpu - last[1])
            last[:] = now, cpu

        async with app.run_test(size=(80, 24)) as pilot:
            while not isinstance(app.screen, LessonScreen):  # the lesson opens in a worker
                await pilot.pause(0.05)
            lesson = app.screen.lesson
            while lesson.current.step.id != "E_total+":
                app.screen.query_one("#answer").value = repr(lesson.current.step.value)
                await pilot.press("enter")
            await pilot.pause()
            last[:] = time.monotonic(), time.thread_time()
            app.set_interval(0.01, tick)
            await pilot.press(*"0.2910277737", "enter")
            shown, end = None, time.monotonic() + 480
            while time.monotonic() < end:  # the comparison is there within minutes even on a busy machine
                await pilot.pause(0.05)
                if isinstance(app.screen, SummaryScreen) and shown is None:
                    shown = time.monotonic()
                if isinstance(app.screen, SummaryScreen) and getattr(app.screen, "comparisons", "in compose") is not None:
                    break
            text = str(app.screen.query_one("#summary-text").render())
            print(json.dumps({"busy": max(busy), "worst": max(gaps), "ticks": len(gaps), "summary": isinstance(app.screen, SummaryScreen),
                              "compared": "follow from the algorithm as stated" in text, "text": text[-300:]}))

    if __name__ == "__main__":
        asyncio.run(main())
''')


@pytest.mark.xdist_group("cold-compile")   # never beside the other cold compile (conftest.py)
def test_the_last_step_and_the_summary_keep_the_app_answering_on_a_cold_start(tmp_path):
    """Cold numba cache: the UI thread never works 100 ms without answering while the
    summary trains the network for its comparison with the post, which then fills in."""
    env = {**os.environ, "NUMBA_CACHE_DIR": str(tmp_path / "numba-cache"), "BPTUTOR_HOME": str(tmp_path / "home")}
    run = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, env=env, timeout=600)
    assert run.returncode == 0, run.stderr[-2000:]
    result = json.loads(run.stdout.strip().splitlines()[-1])
    assert result["summary"] and result["compared"] and result["ticks"] > 10, result["text"]
    assert result["busy"] < 0.1, (f"the UI thread worked {result['busy']:.2f} s without answering "
                                  f"(longest gap between ticks: {result['worst']:.2f} s)")
