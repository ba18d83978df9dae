"""Live training: the session without a screen, then the screen driven by the pilot."""

import asyncio
import math

import numpy as np
import pytest

from tutor.lesson.exercise import load
from tutor.lesson.training_session import SHADES, TrainingSession, surface_grid
from tutor.ui.app import BPTutorApp
from tutor.ui.training_dialogs import CompareScreen, SurfaceScreen, UpdateScreen
from tutor.ui.training_screen import TrainingScreen

STALL = """
title = "XOR with one hidden neuron"
[network]
sizes = [2, 1, 1]
bias = "neuron"
update_biases = true
[data]
inputs = [[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]]
targets = [[0.0], [1.0], [1.0], [0.0]]
[training]
iterations = 20000
seed = 3
"""

BLOWUP = """
title = "A linear net with a learning rate far too large"
[network]
sizes = [2, 2, 1]
activation = "identity"
bias = "neuron"
update_biases = true
[parameters]
weights = [[[0.5, -0.3], [0.2, 0.4]], [[0.6, -0.5]]]
biases = [[0.1, 0.1], [0.0]]
[data]
inputs = [[3.0, 4.0], [1.0, -2.0]]
targets = [[1.0], [0.0]]
[training]
learning_rate = 5.0
iterations = 1000
"""


@pytest.fixture
def stall(tmp_path):
    p = tmp_path / "stall.toml"
    p.write_text(STALL)
    return load(str(p))


@pytest.fixture
def blowup(tmp_path):
    p = tmp_path / "blowup.toml"
    p.write_text(BLOWUP)
    return load(str(p))


def run_out(s: TrainingSession, n: int = 500) -> None:
    s.play()
    while s.status == "running":
        s.advance(n)


# --- the session ------------------------------------------------------------------------------

def test_runs_to_the_exercise_count_with_the_engine_result():
    s = TrainingSession(load("mazur"))
    run_out(s)
    snap = s.snapshot()
    assert snap.status == "done" and snap.iteration == 10_000
    assert snap.error == pytest.approx(3.510187782978859e-05, rel=1e-9)
    assert snap.history[0] == (0, pytest.approx(0.2983711088, rel=1e-9)) and snap.history[-1][0] == 10_000
    comps = {c.id: c for c in s.final_comparisons()}
    assert set(comps) == {"E_total", "out_o1", "out_o2"} and not comps["E_total"].agrees
    big = {name for name, *_, mover in snap.parameters if mover}
    assert big == {"w5", "w6"}  # the post's largest movers


def test_single_update_is_the_lessons_update():
    s = TrainingSession(load("mazur"))
    sol = s.single_update()
    assert s.iteration == 1 and s.status == "paused"
    assert sol.step("w5+").value == pytest.approx(0.35891648, abs=5e-9)
    assert s.snapshot().error == pytest.approx(0.2910277737, rel=1e-9)


def test_changed_learning_rate_is_used_and_hides_the_posts_figures():
    s = TrainingSession(load("mazur"))
    s.set_learning_rate(2.0)
    run_out(s)
    assert s.snapshot().error == pytest.approx(9.646761508290768e-07, rel=1e-6)
    assert s.final_comparisons() == []


def test_stall_is_called_stuck_with_advice(stall):
    s = TrainingSession(stall)
    run_out(s)
    snap = s.snapshot()
    assert snap.status == "stuck" and snap.iteration < 20_000
    assert "Stuck" in snap.message and "new random start (n)" in snap.message and "more hidden neurons" in snap.message


def test_a_run_that_ends_on_a_plateau_is_stuck_too(stall):
    s = TrainingSession(stall)
    s.play()
    s.advance(20_000)   # the whole run in one slice, as at full speed
    snap = s.snapshot()
    assert snap.status == "stuck" and snap.iteration == 20_000
    assert snap.message.startswith("Finished 20,000 iterations. Stuck")


def test_divergence_stops_and_keeps_the_last_good_state(blowup):
    s = TrainingSession(blowup)
    run_out(s)
    snap = s.snapshot()
    assert snap.status == "diverged" and "learning rate is too large" in snap.message
    assert all(math.isfinite(v) for _, v, *_ in snap.parameters) and math.isfinite(snap.error)


def test_compare_and_surface():
    s = TrainingSession(load("mazur"))
    r = s.compare_rates((0.1, 0.5, 2.0))
    assert r.labels == ["η = 0.1", "η = 0.5", "η = 2"]
    assert r.finals[1] == pytest.approx(3.510187782978859e-05, rel=1e-9)
    assert r.finals[0] > r.finals[1] > r.finals[2]
    run_out(s)
    surf = s.surface("w5", "w6", size=21)
    assert surf.errors.shape == (21, 21) and len(surf.path) >= 10
    assert surf.path[0] == (0.4, 0.45)
    g = surface_grid(surf, 40, 12)
    assert len(g.rows) == 12 and all(len(r) == 40 for r in g.rows)
    assert sum(r.count("S") for r in g.rows) == 1 and sum(r.count("E") for r in g.rows) == 1
    assert set("".join(g.rows)) <= set(SHADES) | set("S•E")


def test_new_start_only_for_random_exercises():
    xor = TrainingSession(load("xor"))
    before = xor.start.theta.copy()
    assert xor.new_start() and not np.array_equal(before, xor.start.theta)
    assert not TrainingSession(load("mazur")).new_start()


# --- the screen --------------------------------------------------------------------------------

async def wait_for(pilot, cond, seconds=20.0):
    for _ in range(int(seconds / 0.05)):
        if cond():
            return True
        await pilot.pause(0.05)
    return cond()


async def test_screen_runs_to_the_end_and_shows_the_posts_figures():
    app = BPTutorApp(load("mazur"), train=True)
    async with app.run_test(size=(100, 30)) as pilot:
        assert isinstance(app.screen, TrainingScreen)
        assert await wait_for(pilot, lambda: app.screen.session.status == "done")
        await pilot.pause(0.1)
        msg = str(app.screen.query_one("#train-message").render())
        assert msg.startswith("✓ Done: 10,000 iterations") and "printed 0.0000351085" in msg
        stats = str(app.screen.query_one("#train-stats").render())
        assert "10,000/10,000" in stats and "η 0.5" in stats


async def test_pause_single_update_resume_and_rate():
    ex = load("xor")
    ex.iterations = 10_000_000  # so that it cannot finish before the keys arrive
    app = BPTutorApp(ex, train=True)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = app.screen
        await pilot.press("space")              # pause (it starts running)
        await wait_for(pilot, lambda: screen.session.status == "paused")
        it = screen.session.iteration
        await pilot.press("s")
        await pilot.pause(0.1)
        assert isinstance(app.screen, UpdateScreen) and screen.session.iteration == it + 1
        assert app.screen.query_one("#update-steps").row_count > 20
        await pilot.press("escape")
        await pilot.press("minus")
        assert screen.session.trainer.settings.learning_rate == 0.25
        await pilot.press("space")
        assert await wait_for(pilot, lambda: screen.session.iteration > it + 1)
        await pilot.pause(0.2)
        assert "η 0.25" in str(screen.query_one("#train-stats").render())


async def test_compare_and_error_surface_screens():
    app = BPTutorApp(load("mazur"), train=True)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(pilot, lambda: app.screen.session.status == "done")
        await pilot.press("c")
        assert await wait_for(pilot, lambda: isinstance(app.screen, CompareScreen))
        assert "η = 10: 2.99e-12" in str(app.screen.query_one("#compare-finals").render())
        await pilot.press("escape")
        await pilot.press("e")
        assert await wait_for(pilot, lambda: isinstance(app.screen, SurfaceScreen))
        await pilot.pause(0.2)
        drawn = str(app.screen.query_one("#surface").render())
        assert "S" in drawn and "E" in drawn and "@" in drawn


async def test_divergence_and_stuck_on_screen(blowup, stall):
    for ex, mark, word in ((blowup, "!", "Training blew up"), (stall, "⚠", "Stuck")):
        app = BPTutorApp(ex, train=True)
        async with app.run_test(size=(100, 30)) as pilot:
            assert await wait_for(pilot, lambda: app.screen.session.status in ("diverged", "stuck"))
            await pilot.pause(0.1)
            shown = str(app.screen.query_one("#train-message").render())
            assert shown.startswith(mark) and word in shown


async def test_quitting_mid_run_exits_at_once():
    ex = load("xor")
    ex.iterations = 10_000_000
    app = BPTutorApp(ex, train=True)
    async with app.run_test(size=(100, 30)) as pilot:
        session = app.screen.session
        assert await wait_for(pilot, lambda: session.iteration > 1000)
        await pilot.press("ctrl+q")
    stopped = session.iteration
    await asyncio.sleep(0.3)
    assert session.iteration == stopped < 10_000_000  # the worker stopped with the app


async def test_single_update_after_the_end_says_why_not():
    app = BPTutorApp(load("mazur"), train=True)
    async with app.run_test(size=(100, 30)) as pilot:
        assert await wait_for(pilot, lambda: app.screen.session.status == "done")
        await pilot.press("s")
        await pilot.pause(0.1)
        assert isinstance(app.screen, TrainingScreen)
        assert any("press r to start again" in str(n.message) for n in app._notifications)


async def test_reached_from_the_lesson_summary_and_home():
    app = BPTutorApp()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("t")
        await pilot.pause(0.2)
        assert isinstance(app.screen, TrainingScreen) and app.screen.session.ex.name == "mazur"
