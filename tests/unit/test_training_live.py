"""Live training without a screen: the session and its parts (run, curve and path, stuck
advice, learning-rate bounds, speeds, side-by-side runs, the error surface, the switch from
NumPy to the compiled loop)."""

import math

import numpy as np
import pytest

from tutor.engine import kernel_loader
from tutor.engine.network import Network
from tutor.lesson.exercise import load
from tutor.lesson.live import controls
from tutor.lesson.live.history import DRAWN_POINTS, MAX_POINTS, PATH_FLOATS
from tutor.lesson.live.status import Status
from tutor.lesson.live.surface import SHADES, legend, surface_grid
from tutor.lesson.training_session import TrainingSession

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


@pytest.fixture(scope="module", autouse=True)
def _compiled():
    """The compiled loop ready, as after the first run (the cold start is tested on its own)."""
    kernel_loader.load()


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
    while s.status is Status.RUNNING:
        s.advance(n)


class TestRun:
    """A run goes to the exercise's count and ends done, stuck or blown up."""

    def test_runs_to_the_exercise_count_with_the_engine_result(self):
        """The post's 10,000 updates end with the engine's error and the post's figures beside it."""
        s = TrainingSession(load("mazur"))
        run_out(s)
        f = s.frame()
        assert f.status is Status.DONE and f.iteration == 10_000
        assert f.error == pytest.approx(3.510187782978859e-05, rel=1e-9)
        assert f.curve[0] == (0, pytest.approx(0.2983711088, rel=1e-9)) and f.curve[-1][0] == 10_000
        comps = {c.id: c for c in f.final}
        assert set(comps) == {"E_total", "out_o1", "out_o2"} and not comps["E_total"].agrees
        assert {p.name for p in f.parameters if p.big_mover} == {"w5", "w6"}  # the post's largest movers

    def test_single_update_is_the_lessons_update(self):
        """s: one update, worked out as in the lesson, then applied."""
        s = TrainingSession(load("mazur"))
        sol, why = s.single_update()
        assert s.iteration == 1 and s.status is Status.PAUSED and why == ""
        assert sol.step("w5+").value == pytest.approx(0.35891648, abs=5e-9)
        assert s.frame().error == pytest.approx(0.2910277737, rel=1e-9)

    def test_changed_learning_rate_is_used_and_hides_the_posts_figures(self):
        """The post's figures are shown only for the run the post made."""
        s = TrainingSession(load("mazur"))
        s.set_learning_rate(2.0)
        run_out(s)
        assert s.frame().error == pytest.approx(9.646761508290768e-07, rel=1e-6)
        assert s.frame().final == ()

    def test_a_learning_rate_changed_mid_run_and_back_is_not_the_posts_run(self):
        """Learner trial 18:50 #5: + during the run, - after it: the post's figures were shown with
        "ours" from the post's run, contradicting the E_total the screen had just shown."""
        s = TrainingSession(load("mazur"))
        s.play()
        s.advance(3000)               # under way ...
        s.scale_learning_rate(2)
        run_out(s)
        assert s.frame().final == ()   # η 1 now: not the post's settings (as before)
        s.scale_learning_rate(0.5)    # back to the post's η, after the run
        f = s.frame()
        assert f.status is Status.DONE and f.error < 3e-5 and f.final == ()
        assert f.final_note == ("The source's printed figures are for its own run (η 0.5 from its start, "
                                "unchanged throughout); this run was not made that way, so they are left "
                                "out: press r to see them beside a run made that way.")
        s.restart()                   # r: the post's run again
        run_out(s)
        assert {c.id for c in s.frame().final} == {"E_total", "out_o1", "out_o2"} and s.frame().final_note == ""

    def test_the_note_says_what_to_set_back(self):
        s = TrainingSession(load("mazur"))
        s.play()
        s.advance(3000)
        for _ in range(14):
            s.scale_learning_rate(2)   # 8192, as in the trial
        s.cycle_momentum()
        run_out(s)
        assert s.frame().final == ()
        assert s.frame().final_note.endswith("left out: set η back to 0.5 (+ or -), momentum 0 (m) and press r "
                                             "to see them.")

    def test_divergence_stops_and_keeps_the_last_good_state(self, blowup):
        """Overflow: the run stops, says the learning rate is too large, shows finite numbers."""
        s = TrainingSession(blowup)
        run_out(s)
        f = s.frame()
        assert f.status is Status.DIVERGED and "learning rate (η 5) is too large" in f.message
        assert all(math.isfinite(p.now) for p in f.parameters) and math.isfinite(f.error)

    def test_new_start_only_for_random_exercises(self):
        """n draws a new start for XOR; the post gives its weights, and says so."""
        xor = TrainingSession(load("xor"))
        before = xor.run.start.theta.copy()
        assert xor.new_start() == "" and not np.array_equal(before, xor.run.start.theta)
        assert TrainingSession(load("mazur")).new_start() == (
            "n draws a new random start, but this exercise gives its starting weights: r starts again from them.")


class TestKeysThatDoNothingSayWhy:
    """A key that cannot act returns the sentence the screen shows."""

    def test_space_after_done(self):
        """Space after the run is done: it is over, and r starts it again."""
        s = TrainingSession(load("mazur"))
        run_out(s, 5000)
        assert s.play() == "The run is over (10,000 of 10,000 iterations): r starts it again."
        assert s.status is Status.DONE

    def test_space_after_blowing_up(self, blowup):
        """Space after an overflow: lower the learning rate or restart."""
        s = TrainingSession(blowup)
        run_out(s)
        assert "lower the learning rate (-)" in s.play() and s.status is Status.DIVERGED

    def test_speed_keys_at_their_ends(self):
        """] at full speed and [ at one update a frame say so."""
        s = TrainingSession(load("mazur"))
        while not s.faster().startswith("Already"):
            pass
        assert s.frame().speed == "full speed" and s.faster() == "Already at full speed."
        while not s.slower().startswith("Already"):
            pass
        assert s.frame().speed == "1/frame"


class TestLearningRateBounds:
    """+ and - keep the learning rate finite and positive, exactly doubled or halved."""

    def test_doubling_stops_at_the_top_and_says_so(self):
        """Thirty presses of + never reach inf; the last ones say where the keys stop."""
        s = TrainingSession(load("mazur"))
        notes = [s.scale_learning_rate(2) for _ in range(30)]
        eta = s.frame().learning_rate
        assert eta == 0.5 * 2 ** 14 == 8192 and math.isfinite(eta)
        assert notes[13] == "η doubled: 8192."
        assert notes[14] == "η stays at 8192: the keys go up to 10000 (beyond it the steps overflow)."
        assert s.scale_learning_rate(0.5) == "η halved: 4096." and s.frame().learning_rate == 4096

    def test_halving_stops_above_zero(self):
        """Thirty presses of - never reach 0; the value shown is exact."""
        s = TrainingSession(load("mazur"))
        notes = [s.scale_learning_rate(0.5) for _ in range(30)]
        assert s.frame().learning_rate == 0.5 / 2 ** 12 > 0
        assert notes[-1] == "η stays at 0.0001220703125: the keys go down to 0.0001 (below it the weights barely move)."

    def test_exact_text(self):
        """Doubling shows the exact learning rate: 4096, not 4080 (rounded to three digits)."""
        assert controls.eta_text(0.5 * 2 ** 13) == "4096"
        assert controls.eta_text(0.1) == "0.1"


class TestStuckAdvice:
    """Stuck runs are named, with advice that fits the run's settings."""

    def test_stall_is_called_stuck_with_advice(self, stall):
        """XOR with one hidden neuron stalls: a new start, a larger rate, momentum, more neurons."""
        s = TrainingSession(stall)
        run_out(s)
        f = s.frame()
        assert f.status is Status.STUCK and f.iteration < 20_000
        assert "Stuck" in f.message and "new random start (n)" in f.message and "more hidden neurons" in f.message
        assert "a larger learning rate (+)" in f.message and "momentum (m)" in f.message

    def test_a_run_that_ends_on_a_plateau_is_stuck_too(self, stall):
        """The whole run in one slice (full speed) still ends stuck."""
        s = TrainingSession(stall)
        s.play()
        s.advance(20_000)
        f = s.frame()
        assert f.status is Status.STUCK and f.iteration == 20_000
        assert f.message.startswith("Finished 20,000 iterations. Stuck")

    def test_a_huge_learning_rate_gets_a_smaller_one_suggested(self, stall):
        """At η 4096 (the case met in a trial) the advice is a smaller rate, never a larger one."""
        s = TrainingSession(stall)
        s.set_learning_rate(4096.0)
        run_out(s)
        f = s.frame()
        assert f.status is Status.STUCK
        assert "a smaller learning rate (-)" in f.message and "larger learning rate" not in f.message

    def test_saturated_outputs_are_stuck_not_done(self):
        """Learner trial 18:50 #14: the post's net at η 8192 stood at E_total 0.0001 for 9,600
        iterations with o1 0.0000 and o2 1.0000, and ended "✓ Done" without a word."""
        s = TrainingSession(load("mazur"))
        s.play()
        s.advance(40)
        s.set_learning_rate(8192.0)
        run_out(s, 400)
        f = s.frame()
        assert f.status is Status.STUCK and f.error == pytest.approx(1e-4, rel=1e-9) and f.iteration < 10_000
        assert f.message == (
            f"Stuck: E_total has not moved over the last {f.iteration // 3:,} iterations (0.0001). The outputs are "
            "saturated: o1 at 0.0000 (target 0.01) and o2 at 1.0000 (target 0.99), at the flat end of the sigmoid, "
            "where its slope is zero to the last digit, so no update moves them and going on will not help. Try a "
            "smaller learning rate (-), then r to start again: steps this large (η 8192) throw the neurons there.")

    def test_a_net_that_fits_exactly_stands_still_at_zero_and_is_done(self):
        """η 8192 from iteration 1000 lands on the targets to the last digit: E_total 0, done."""
        s = TrainingSession(load("mazur"))
        s.play()
        s.advance(1000)
        s.set_learning_rate(8192.0)
        run_out(s, 400)
        assert s.status is Status.DONE and s.frame().error == 0.0

    def test_momentum_already_on_is_not_suggested(self, stall):
        """With momentum 0.9 the advice does not suggest momentum."""
        s = TrainingSession(stall)
        s.set_momentum(0.9)
        s.set_learning_rate(0.05)
        run_out(s)
        assert s.status is Status.STUCK and "momentum (m)" not in s.frame().message


class TestWatchableSpeed:
    """The default speed shows a run over several seconds; the keys still reach full speed."""

    def test_default_speed_is_sized_to_the_run(self):
        """10,000 updates at 40 a frame, 30 frames a second: about 8 seconds."""
        s = TrainingSession(load("mazur"))
        assert s.frame().speed == "40/frame"
        assert controls.watch_speed(10_000) * controls.FPS * controls.WATCH_SECONDS == pytest.approx(10_000, rel=0.1)
        assert s.speeds[-1] == controls.FULL

    def test_every_speed_in_the_ladder_is_reachable(self):
        """] goes 100, 1,000, 10,000, then full speed."""
        s = TrainingSession(load("mazur"))
        assert [s.faster() for _ in range(4)] == ["Speed: 100/frame.", "Speed: 1,000/frame.",
                                                  "Speed: 10,000/frame.", "Speed: full speed."]


class TestBoundedMemory:
    """What a run keeps stays bounded whatever the net's size."""

    @staticmethod
    def big(n_in=100, hidden=500):
        ex = load("mazur")
        ex.network = Network.random((n_in, hidden, hidden, 1), ("sigmoid",) * 3, "half_sse", "shared", 1)
        ex.X = np.random.default_rng(0).uniform(0, 1, (1, n_in))
        ex.T = np.array([[0.5]])
        ex.figures = []
        return ex

    def test_path_of_a_big_net_stays_within_its_budget(self):
        """A 300,000-parameter net: the path keeps at most PATH_FLOATS numbers (it grew to 1.4 GB)."""
        s = TrainingSession(self.big())
        size = s.run.start.theta.size
        assert size > 300_000
        s.play()
        for _ in range(12):
            s.advance(20)
        assert len(s.run.path.points) * size <= PATH_FLOATS and len(s.run.path.points) >= 2
        assert s.run.path.points[0][0] == 0 and s.run.path.points[-1][0] == s.iteration == 240

    def test_a_big_net_shows_its_largest_movers_only(self):
        """The frame lists at most 40 parameters of a big net, largest change first."""
        s = TrainingSession(self.big())
        s.play()
        s.advance(3)
        f = s.frame()
        assert len(f.parameters) == 40 and f.parameter_count > 300_000
        changes = [abs(p.change) for p in f.parameters]
        assert changes == sorted(changes, reverse=True) and changes[0] > 0

    def test_curve_is_thinned_to_its_bound(self):
        """The error curve keeps at most MAX_POINTS points and the screen is sent at most
        DRAWN_POINTS of them, the first and the last among them."""
        ex = load("mazur")
        ex.iterations = 200_000
        s = TrainingSession(ex)
        s.play()
        for _ in range(400):
            s.advance(500)
        kept, drawn = s.run.curve.points, s.frame().curve
        assert len(kept) <= MAX_POINTS and kept[0][0] == 0 and kept[-1][0] == 200_000
        assert len(drawn) <= DRAWN_POINTS and drawn[0] == kept[0] and drawn[-1] == kept[-1]


class TestSideBySide:
    """Compare runs: the curves, and which runs blew up."""

    def test_compare_rates(self):
        """Four rates from the post's start: the post's own ends at the engine's error."""
        s = TrainingSession(load("mazur"))
        r = s.compare_rates((0.1, 0.5, 2.0))
        assert r.labels == ("η = 0.1", "η = 0.5", "η = 2")
        assert r.finals[1] == pytest.approx(3.510187782978859e-05, rel=1e-9)
        assert r.finals[0] > r.finals[1] > r.finals[2] and r.blew_up == (None, None, None)
        assert r.summary() == "" and len(r.histories[0]) == 201

    def test_four_starts_say_their_learning_rate_and_why_curves_stand_still(self):
        """Learner trial 18:50 #14: C at η 8192 said "the same learning rate" without saying
        which, and three curves stood flat at 0.0001, unexplained."""
        s = TrainingSession(load("mazur"))
        s.set_learning_rate(8192.0)
        r = s.compare_starts()
        assert r.title == "Four random starts, each at η = 8192"
        assert r.flat() == [0, 1, 3] and r.finals[0] == pytest.approx(1e-4, rel=1e-9)
        assert r.note == ("seed 0, seed 1 and seed 3 stand still: at η 8192 (the exercise's is 0.5) the outputs "
                          "saturate, at the flat ends of the sigmoid where no update moves them. A smaller learning "
                          "rate avoids it.")
        assert s.compare_rates().note == ""   # the post's four rates all keep falling

    def test_runs_that_blow_up_are_named(self, blowup):
        """On an exercise that overflows, the result says which runs blew up and when."""
        s = TrainingSession(blowup)
        r = s.compare_rates()
        assert all(at is not None for at in r.blew_up[1:])
        assert r.summary() == "3 of 4 runs blew up (the numbers overflowed); their curves stop where it happened."
        assert r.ends()[0].startswith("η = 0.1: ") and r.ends()[1].startswith("η = 0.5: blew up by iteration ")
        assert all(math.isfinite(e) for h in r.histories for _, e in h)

    def test_compare_can_stop_and_reports_progress(self):
        """Progress comes in fractions up to 1; a cancelled compare returns nothing."""
        s = TrainingSession(load("mazur"))
        seen = []
        s.compare_rates(progress=seen.append)
        assert seen[-1] == 1.0 and seen == sorted(seen) and len(seen) > 1
        assert s.compare_rates(cancelled=lambda: True) is None


class TestSurface:
    """The error surface over the two weights that moved most, with the path."""

    def test_surface_and_grid(self):
        """A grid of errors, the path from the post's start, S and E drawn once each."""
        s = TrainingSession(load("mazur"))
        run_out(s)
        surf = s.surface("w5", "w6", size=21)
        assert surf.errors.shape == (21, 21) and len(surf.path) >= 10
        assert surf.path[0] == (0.4, 0.45)
        g = surface_grid(surf, 40, 12)
        assert len(g.rows) == 12 and all(len(r) == 40 for r in g.rows)
        assert sum(r.count("S") for r in g.rows) == 1 and sum(r.count("E") for r in g.rows) == 1
        assert set("".join(g.rows)) <= set(SHADES) | set("S•E")

    def test_default_weights_are_the_largest_movers(self):
        """Without names, the surface is over w6 and w5, the post's largest movers."""
        s = TrainingSession(load("mazur"))
        run_out(s, 5000)
        assert {s.surface(size=5).a, s.surface(size=5).b} == {"w5", "w6"}


class TestSwitchToTheCompiledLoop:
    """A run that starts on NumPy (compiled loop not ready) and switches ends exactly where a
    compiled-only run ends: the switch replays the run on the compiled loop."""

    @pytest.mark.parametrize("name", ["mazur", "momentum", "two-samples-batch"])
    def test_switching_mid_run_gives_the_compiled_numbers_to_the_last_bit(self, name, monkeypatch):
        """Curve, path and parameters equal bit for bit."""
        compiled_only = TrainingSession(load(name))
        run_out(compiled_only, 300)
        ready = kernel_loader.module
        monkeypatch.setattr(kernel_loader, "module", lambda: None)
        monkeypatch.setattr(kernel_loader, "ready", lambda: False)
        monkeypatch.setattr(kernel_loader, "compiling", lambda: True)
        s = TrainingSession(load(name))
        s.play()
        for _ in range(4):
            s.advance(300)
        assert s.run.preparing_kernel and "Preparing the compiled training loop" in s.frame().preparing
        monkeypatch.setattr(kernel_loader, "module", ready)
        monkeypatch.undo()
        while s.status is Status.RUNNING:
            s.advance(300)
        assert not s.run.preparing_kernel and s.frame().preparing == ""
        assert s.run.curve.points == compiled_only.run.curve.points
        assert np.array_equal(s.run.trainer.net.theta, compiled_only.run.trainer.net.theta)
        assert all(i == j and np.array_equal(a, b)
                   for (i, a), (j, b) in zip(s.run.path.points, compiled_only.run.path.points, strict=True))

    def test_a_changed_setting_carries_on_from_where_it_is(self, monkeypatch):
        """After a change mid-run the run goes on from its state (no replay of another history)."""
        ready = kernel_loader.module
        monkeypatch.setattr(kernel_loader, "module", lambda: None)
        s = TrainingSession(load("mazur"))
        s.play()
        s.advance(500)
        s.set_learning_rate(1.0)
        s.advance(500)
        before = s.run.trainer.net.theta.copy()
        monkeypatch.setattr(kernel_loader, "module", ready)
        s.advance(0)
        assert s.run.on_kernel and s.iteration == 1000 and np.array_equal(s.run.trainer.net.theta, before)


class TestStatus:
    """Statuses are an enum whose members each carry their mark and word."""

    def test_every_status_has_a_mark_and_a_word(self):
        """A new status cannot be added without what the screen shows for it."""
        assert len({s.mark for s in Status}) == len(Status) and all(s.word for s in Status)


class TestNothingWaitsForTheCompiledLoop:
    """A run that ends before the compiled loop is ready shows its end at once."""

    def test_the_posts_figures_wait_for_the_loop_not_the_run(self, monkeypatch):
        """Done on NumPy: no figures yet, and the preparing line says they wait; then they come."""
        monkeypatch.setattr(kernel_loader, "module", lambda: None)
        monkeypatch.setattr(kernel_loader, "ready", lambda: False)
        monkeypatch.setattr(kernel_loader, "compiling", lambda: True)
        s = TrainingSession(load("mazur"))
        run_out(s, 5000)
        f = s.frame()
        assert f.status is Status.DONE and f.final == ()
        assert f.preparing.endswith("takes a few seconds); the source's printed figures wait for it.")
        monkeypatch.undo()
        f = s.frame()
        assert f.preparing == "" and {c.id for c in f.final} == {"E_total", "out_o1", "out_o2"}

    def test_a_loop_loaded_from_the_cache_is_no_first_run(self, monkeypatch):
        """numba's cache holds the loop (a lesson's warm-up or an earlier run filled it), so it
        is only being loaded: no word of a first-run compile while training (a learner's second
        `bptutor train mazur` read "the first run after installing takes a few seconds" again),
        and only the figures waiting for it are said."""
        monkeypatch.setattr(kernel_loader, "module", lambda: None)
        monkeypatch.setattr(kernel_loader, "ready", lambda: False)
        monkeypatch.setattr(kernel_loader, "compiling", lambda: False)
        s = TrainingSession(load("mazur"))
        assert s.run.preparing_kernel and s.frame().preparing == ""
        s.play()
        s.advance(300)
        assert s.frame().preparing == ""
        run_out(s, 5000)
        f = s.frame()
        assert f.status is Status.DONE and f.final == ()
        assert f.preparing == "Loading the compiled training loop; the source's printed figures wait for it."


def test_the_surface_legend_tells_neighbouring_shades_apart():
    """The learner's trial read '-'<0.0001 '='<0.0001 '+'<0.0001 at two digits."""
    assert legend([1.02e-4, 1.04e-4, 1.21e-4, 0.3]) == ["0.000102", "0.000104", "0.000121", "0.3"]
    assert legend([0.01, 0.02, 0.5]) == ["0.01", "0.02", "0.5"]
    assert legend([0.2, 0.2]) == ["0.2", "0.2"]   # a flat stretch: equal bounds, equal labels
