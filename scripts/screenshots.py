"""Make the SVG screenshots in screenshots/ from the real app, driven by Textual's pilot.

    python scripts/screenshots.py

The app runs against a store of its own in a throwaway directory (BPTUTOR_HOME), so the
pictures are those of a first run whatever the user's own progress is.
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tutor.lesson.exercise import load  # noqa: E402
from tutor.ui.app import BPTutorApp  # noqa: E402

OUT = ROOT / "screenshots"
SIZE = (100, 32)


async def answer(pilot, text: str) -> None:
    pilot.app.screen.query_one("#answer").value = text
    await pilot.press("enter")
    await pilot.pause()


async def until(pilot, step_id: str) -> None:
    await wait(pilot, lambda: pilot.app.opening is None and hasattr(pilot.app.screen, "lesson"))  # opened in a worker
    await pilot.pause()
    lesson = pilot.app.screen.lesson
    while lesson.current.step.id != step_id:
        await answer(pilot, f"{lesson.current.step.value:.9g}")


async def room_dashboard() -> None:
    """The teacher's dashboard over a made-up class (tests/room_class.py), written through
    real lessons into a throwaway store."""
    import tempfile

    from tests.room_class import fill
    from tutor.room.config import RoomConfig
    from tutor.ui.dashboard import Dashboard

    with tempfile.TemporaryDirectory() as home:
        room = RoomConfig(room="backprop-monday", code="K7QX2M", exercises=["mazur"],
                          titles=[load("mazur").title], home=home)
        fill(room)
        from tests.room_class import presence

        app = Dashboard(room, "http://192.168.1.20:8000", Path(home), presence=presence)
        async with app.run_test(size=(110, 30)) as pilot:
            await wait(pilot, lambda: app.board is not None)
            await pilot.pause(0.2)
            app.save_screenshot("room-dashboard.svg", path=str(OUT))


async def main() -> None:
    import os
    import tempfile

    OUT.mkdir(exist_ok=True)
    os.environ["BPTUTOR_HOME"] = tempfile.mkdtemp(prefix="bptutor-screenshots-")
    if sys.argv[1:] == ["room"]:
        return await room_dashboard()
    await room_dashboard()
    app = BPTutorApp()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()   # where the learner stands, read in a worker
        await pilot.pause()
        app.save_screenshot("home.svg", path=str(OUT))

    app = BPTutorApp(load("mazur"))
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, "dE_total/dw5")
        await answer(pilot, "dE_total_dout_o1*out_h1")  # the derivative left out
        app.save_screenshot("lesson-output-layer.svg", path=str(OUT))
        await until(pilot, "dE_total/dw1")
        await pilot.press("f2")
        await pilot.pause()
        app.save_screenshot("lesson-hidden-layer.svg", path=str(OUT))
        await pilot.press("f1")
        await pilot.pause()
        app.save_screenshot("help.svg", path=str(OUT))
        await pilot.press("escape")
        await until(pilot, "E_total+")
        await answer(pilot, "0.291027774")
        # the post's figures in (on a first run the child process compiles the training loop)
        await wait(pilot, lambda: getattr(app.screen, "comparisons", None) is not None, seconds=300)
        await pilot.pause()
        app.save_screenshot("summary.svg", path=str(OUT))
    app = BPTutorApp(load("mazur"), train=True)
    async with app.run_test(size=SIZE) as pilot:
        for _ in range(3):   # 10,000 updates a frame: the post's run in one
            await pilot.press("right_square_bracket")
        await wait(pilot, lambda: app.screen.frame is not None and bool(app.screen.frame.final))
        await pilot.pause(0.2)
        app.save_screenshot("training.svg", path=str(OUT))
        await pilot.press("c")
        await wait(pilot, lambda: type(app.screen).__name__ == "CompareScreen")
        await pilot.pause(0.2)
        app.save_screenshot("training-compare.svg", path=str(OUT))
        await pilot.press("escape")
        await pilot.press("e")
        await wait(pilot, lambda: type(app.screen).__name__ == "SurfaceScreen")
        await pilot.pause(0.3)
        app.save_screenshot("training-error-surface.svg", path=str(OUT))
    print(f"wrote {', '.join(p.name for p in sorted(OUT.glob('*.svg')))}")


async def wait(pilot, cond, seconds: float = 30.0) -> None:
    for _ in range(int(seconds / 0.05)):
        if cond():
            return
        await pilot.pause(0.05)


if __name__ == "__main__":
    asyncio.run(main())
