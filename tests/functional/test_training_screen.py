"""The training screen through the pilot: what a learner sees and what the keys do."""

import asyncio
import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from tutor.engine import kernel_loader
from tutor.lesson.exercise import load
from tutor.lesson.live.status import Status
from tutor.lesson.training_session import TrainingSession
from tutor.ui.app import BPTutorApp
from tutor.ui.training_dialogs import CompareScreen, SurfaceScreen, TrainingKeysScreen, UpdateScreen
from tutor.ui.training_screen import KEYS, KeyNote, Note, Preparing, TrainingScreen

from ..unit.test_training_live import BLOWUP, STALL

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module", autouse=True)
def _compiled():
    """The compiled loop ready, as after the first run (the cold start is tested on its own)."""
    kernel_loader.load()


def exercise(tmp_path, text):
    p = tmp_path / "ex.toml"
    p.write_text(text)
    return load(str(p))


async def wait_for(pilot, cond, seconds=30.0):
    for _ in range(int(seconds / 0.05)):
        if cond():
            return True
        await pilot.pause(0.05)
    return cond()


def shown(app, selector) -> str:
    return str(app.screen.query_one(selector).render())


async def full_speed(pilot):
    """] three times: 40, 100, 1,000, 10,000 a frame (the post's run in one frame)."""
    for _ in range(3):
        await pilot.press("right_square_bracket")


class TestRunning:
    """A run on screen: its curve, its numbers, and the post's figures at the end."""

    async def test_screen_runs_to_the_end_and_shows_the_posts_figures(self):
        """At full speed the post's run ends with its figures beside ours."""
        app = BPTutorApp(load("mazur"), train=True)
        async with app.run_test(size=(100, 30)) as pilot:
            assert isinstance(app.screen, TrainingScreen)
            await full_speed(pilot)
            assert await wait_for(pilot, lambda: "Done" in shown(app, "#train-message"))
            msg = shown(app, "#train-message")
            assert msg.startswith("✓ Done: 10,000 iterations") and "printed 0.0000351085" in msg
            stats = shown(app, "#train-stats")
            assert "10,000/10,000" in stats and "η 0.5" in stats

    async def test_the_default_speed_is_40_a_frame(self):
        """The post's run starts at a speed that can be watched: 40 updates a frame."""
        app = BPTutorApp(load("mazur"), train=True)
        async with app.run_test(size=(100, 30)) as pilot:
            assert await wait_for(pilot, lambda: "speed 40/frame" in shown(app, "#train-stats"))

    async def test_pause_single_update_resume_and_rate(self):
        """Space pauses, s shows one update's numbers, - halves η, Space goes on."""
        ex = load("xor")
        ex.iterations = 10_000_000
        app = BPTutorApp(ex, train=True)
        async with app.run_test(size=(100, 30)) as pilot:
            screen = app.screen
            await pilot.press("space")
            assert await wait_for(pilot, lambda: shown(app, "#train-message").startswith("❚❚ Paused."))
            it = screen.frame.iteration
            await pilot.press("s")
            assert await wait_for(pilot, lambda: isinstance(app.screen, UpdateScreen))
            assert len(app.screen.solution.steps) > 20
            assert f"The update at iteration {it + 1:,}" in shown(app, ".dialog-title")
            await pilot.press("escape")
            await pilot.press("minus")
            await pilot.press("space")
            assert await wait_for(pilot, lambda: screen.frame.iteration > it + 1)
            assert await wait_for(pilot, lambda: "η 0.25" in shown(app, "#train-stats"))

    async def test_quitting_mid_run_exits_at_once(self):
        """Ctrl+Q mid-run: the worker stops with the app."""
        ex = load("xor")
        ex.iterations = 10_000_000
        app = BPTutorApp(ex, train=True)
        async with app.run_test(size=(100, 30)) as pilot:
            assert await wait_for(pilot, lambda: app.screen.session is not None)   # prepared in the worker
            session = app.screen.session
            assert await wait_for(pilot, lambda: session.iteration > 1000)
            await pilot.press("ctrl+q")
        stopped = session.iteration
        await asyncio.sleep(0.3)
        assert session.iteration == stopped < 10_000_000

    async def test_reached_from_home(self):
        """t on the home screen opens the post's training."""
        app = BPTutorApp()
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.press("t")
            assert await wait_for(pilot, lambda: isinstance(app.screen, TrainingScreen))
            assert await wait_for(pilot, lambda: "A Step by Step" in shown(app, "#train-title"))


class TestTheScreenOnlyRenders:
    """The screen draws frames the worker made; it never builds one itself."""

    async def test_frames_are_made_off_the_screens_thread(self, monkeypatch):
        """Every frame the screen draws was made in another thread."""
        threads = []
        frame = TrainingSession.frame

        def recorded(self):
            threads.append(threading.current_thread())
            return frame(self)

        monkeypatch.setattr(TrainingSession, "frame", recorded)
        app = BPTutorApp(load("mazur"), train=True)
        async with app.run_test(size=(100, 30)) as pilot:
            assert await wait_for(pilot, lambda: len(threads) > 5)
        assert threading.main_thread() not in threads


    async def test_only_what_changed_is_redrawn(self, monkeypatch):
        """A frame redraws a text only when it changed: the title once for the whole run, the
        message only when it says something new (each redraw costs the screen's thread CPU
        that, on a busy machine, the training thread of the same process does not get)."""
        from textual.widgets import Static

        updates: dict[str, list[str]] = {}
        update = Static.update

        def recorded(self, content="", **kw):
            updates.setdefault(self.id, []).append(str(content))
            return update(self, content, **kw)

        monkeypatch.setattr(Static, "update", recorded)
        app = BPTutorApp(load("mazur"), train=True)
        async with app.run_test(size=(100, 30)) as pilot:
            assert await wait_for(pilot, lambda: app.screen.frame is not None and app.screen.frame.iteration > 400)
            await full_speed(pilot)
            assert await wait_for(pilot, lambda: "Done" in shown(app, "#train-message"))
            await pilot.pause(0.2)
        assert len(updates["train-stats"]) > 5   # the run was drawn as it went
        assert len(updates["train-title"]) == 1
        said = updates["train-message"]
        assert all(a != b for a, b in zip(said, said[1:])), said


class TestKeysThatDoNothingSayWhy:
    """Keys that cannot act say why, on screen."""

    async def test_space_and_s_after_done(self):
        """After Done, Space and s each say the run is over and r starts again."""
        notes = []
        app = BPTutorApp(load("mazur"), train=True)
        async with app.run_test(size=(100, 30), message_hook=lambda m: isinstance(m, Note) and notes.append(m.text)) as pilot:
            await full_speed(pilot)
            assert await wait_for(pilot, lambda: "Done" in shown(app, "#train-message"))
            await pilot.press("space")
            await pilot.press("s")
            assert await wait_for(pilot, lambda: len(notes) >= 2)
            assert isinstance(app.screen, TrainingScreen)
        assert "The run is over (10,000 of 10,000 iterations): r starts it again." in notes
        assert "The run is over (10,000 iterations): press r to start again." in notes


class TestLearningRateKeys:
    """+ and - keep η within its range, show it exactly and say when a bound is hit."""

    async def test_plus_many_times_stops_at_the_bound(self):
        """Twenty presses of + show η 8192 (exact), never inf, and say where the keys stop."""
        notes = []
        app = BPTutorApp(load("mazur"), train=True)
        async with app.run_test(size=(100, 30), message_hook=lambda m: isinstance(m, Note) and notes.append(m.text)) as pilot:
            await pilot.press("space")
            for _ in range(20):
                await pilot.press("plus")
            assert await wait_for(pilot, lambda: "η 8192 " in shown(app, "#train-stats"))
            await pilot.press("minus")
            assert await wait_for(pilot, lambda: "η 4096 " in shown(app, "#train-stats"))
        assert "η stays at 8192: the keys go up to 10000 (beyond it the steps overflow)." in notes

    async def test_minus_many_times_stays_above_zero(self):
        """Twenty presses of - stop at 0.0001220703125, never 0."""
        app = BPTutorApp(load("mazur"), train=True)
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.press("space")
            for _ in range(20):
                await pilot.press("minus")
            assert await wait_for(pilot, lambda: "η 0.0001220703125 " in shown(app, "#train-stats"))


def lines_of(widget) -> list[str]:
    """Every line a widget draws, at its width on screen, scrolled out of sight or not."""
    return [widget.render_line(y).text for y in range(widget.size.height)]


# how F1 writes a key -> the key the pilot presses
PRESS = {"Space": "space", "+": "plus", "-": "minus", "]": "right_square_bracket", "[": "left_square_bracket",
         "F1": "f1", "Escape": "escape", "Ctrl+Q": "ctrl+q"}


async def f1_keys(pilot) -> list[str]:
    """The keys F1 lists (as the pilot presses them), read off the dialog; F1 closed again."""
    app = pilot.app
    await pilot.press("f1")
    assert await wait_for(pilot, lambda: isinstance(app.screen, TrainingKeysScreen))
    await pilot.pause(0.1)
    keys = []
    for line in lines_of(app.screen.query_one("#train-keys")):
        words = line[:10].replace("▪", " ").split()   # the key, right-aligned in its column
        if words:   # (a line of "what it does" wrapped has nothing there)
            keys.append(PRESS.get(words[0], words[0]))
    await pilot.press("escape")
    return keys


def footer_keys(app) -> list:
    from textual.widgets._footer import FooterKey

    return list(app.screen.query(FooterKey))


class TestHelp:
    """F1 lists every key of the training screen, the footer shows what fits, and they agree."""

    async def test_f1_lists_every_key(self):
        """Each key of the screen is in the list, with its name and what it does."""
        app = BPTutorApp(load("mazur"), train=True)
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.press("f1")
            # until the list is drawn (at a load of 30 it was read once as pushed, still empty)
            assert await wait_for(pilot, lambda: isinstance(app.screen, TrainingKeysScreen)
                                  and "".join(lines_of(app.screen.query_one("#train-keys"))).strip())
            text = " ".join(" ".join(lines_of(app.screen.query_one("#train-keys"))).split())
            for k in KEYS:
                assert f"{k.shown} {k.name} {' '.join(k.what.split()[:3])}" in text
            await pilot.press("escape")
            assert isinstance(app.screen, TrainingScreen)

    @pytest.mark.parametrize("size", [(80, 24), (100, 32)])
    async def test_footer_keys_are_in_f1_and_fit(self, size):
        """Every key in the footer is in F1; the footer fits the width; e is in the footer
        where there is room for it (100 columns), one F1 away at 80."""
        app = BPTutorApp(load("mazur"), train=True)
        async with app.run_test(size=size) as pilot:
            await pilot.press("space")
            await pilot.pause(0.2)
            footer = footer_keys(app)
            listed = await f1_keys(pilot)
            assert {k.key for k in footer} <= set(listed), {k.key for k in footer} - set(listed)
            assert max(k.region.right for k in footer) <= size[0]
            assert ("e" in {k.key for k in footer}) == (size[0] >= 100)
            assert {"space", "s", "plus", "minus", "c", "f1", "escape", "ctrl+q"} <= {k.key for k in footer}

    async def test_every_key_f1_lists_works(self):
        """Each key F1 lists does something a learner sees: a dialog, a sentence, or a change
        on the screen (and Escape goes back to the lessons, Ctrl+Q quits)."""
        from tutor.ui.home import HomeScreen

        notes = []
        app = BPTutorApp(load("mazur"), train=True)
        async with app.run_test(size=(80, 24), message_hook=lambda m: isinstance(m, Note) and notes.append(m.text)) as pilot:
            screen = app.screen
            await pilot.press("space")
            assert await wait_for(pilot, lambda: screen.frame is not None and screen.frame.status.word == "paused")
            listed = await f1_keys(pilot)
            assert len(listed) == len(KEYS)

            def seen():
                f = screen.frame
                return (len(notes), app.screen, f.status, f.speed, f.learning_rate, f.momentum, f.update_biases,
                        f.iteration)

            for key in listed:
                if key in ("escape", "ctrl+q"):
                    continue
                before = seen()
                await pilot.press(key)
                assert await wait_for(pilot, lambda: seen() != before), key
                if app.screen is not screen:
                    await pilot.pause(0.1)
                    await pilot.press("escape")
                    assert await wait_for(pilot, lambda: app.screen is screen), key
                if screen.frame.status.word == "running":
                    await pilot.press("space")
                    assert await wait_for(pilot, lambda: screen.frame.status.word != "running"), key
            await pilot.press("escape")
            assert await wait_for(pilot, lambda: isinstance(app.screen, HomeScreen))
            await pilot.press("ctrl+q")
        assert app.return_code == 0


class TestSingleUpdateFits:
    """s: the update's three columns whole, at 80x24 and at 100 columns."""

    @pytest.mark.parametrize("size", [(80, 24), (100, 32)])
    async def test_every_column_readable(self, size):
        """Every quantity, its value, and each term of its formula with numbers are on the
        dialog's lines whole (scrolled to, not cut at the edge)."""
        app = BPTutorApp(load("mazur"), train=True)
        async with app.run_test(size=size) as pilot:
            await pilot.press("space")
            await pilot.pause(0.1)
            await pilot.press("s")
            assert await wait_for(pilot, lambda: isinstance(app.screen, UpdateScreen))
            await pilot.pause(0.2)
            text = "\n".join(lines_of(app.screen.query_one("#update-steps")))
            words = set(text.split())
            for step in [s for s in app.screen.solution.steps if not s.breakdown_only]:  # not F4's pass
                assert step.id in words and f"{step.value:.10g}" in words, step.id
                for term in step.numbers.split():
                    assert term in words, (step.id, term)


class TestEndOfRunFits:
    """The end-of-run message is on screen, above the footer, at 80x24."""

    async def test_done_message_is_above_the_footer(self):
        """All four lines of the post's comparison lie between the plot and the footer."""
        from textual.widgets import Footer

        app = BPTutorApp(load("mazur"), train=True)
        async with app.run_test(size=(80, 24)) as pilot:
            await full_speed(pilot)
            assert await wait_for(pilot, lambda: "Done" in shown(app, "#train-message"))
            await pilot.pause(0.2)
            box = app.screen.query_one("#train-message-box").region
            footer = app.screen.query_one(Footer).region
            assert box.bottom <= footer.y and box.height >= 4
            assert app.screen.query_one("#train-message").region.height <= box.height


class TestCompareAndSurface:
    """c and e run in workers with a visible preparing line, then open their dialogs."""

    async def test_compare_and_error_surface_screens(self):
        """Compare shows four marked curves and their ends; the surface shows S, E and the shades."""
        preparing = []
        app = BPTutorApp(load("mazur"), train=True)
        async with app.run_test(size=(100, 30), message_hook=lambda m: isinstance(m, Preparing)
                                and preparing.append((m.what, m.fraction))) as pilot:
            await pilot.press("c")
            assert await wait_for(pilot, lambda: isinstance(app.screen, CompareScreen), seconds=120)  # four runs in a child: slow on a loaded machine
            assert preparing[0] == ("Training four learning rates side by side", 0.0)
            # a newer Preparing replaces one not yet handled, so not every fraction arrives
            assert ("", None) in preparing
            await pilot.pause(0.2)
            finals = shown(app, "#compare-finals")
            assert "4 η = 10: 2.99e-12" in finals and "1 η = 0.1:" in finals
            def on_plot() -> str:
                canvas = app.screen.query_one("#compare-plot #plot")
                w, h = canvas.size
                return "".join(canvas.get_pixel(x, y)[0] for y in range(h) for x in range(w))

            assert await wait_for(pilot, lambda: "1" in on_plot())
            await pilot.pause(0.2)
            drawn = on_plot()
            assert all(drawn.count(m) == 2 for m in "1234"), [drawn.count(m) for m in "1234"]   # each curve's marker on it, twice
            assert not app.screen.query_one("#compare-plot #legend").display   # no legend over the curves
            await pilot.press("escape")
            await pilot.press("e")
            assert await wait_for(pilot, lambda: isinstance(app.screen, SurfaceScreen))
            await pilot.pause(0.2)
            drawn = shown(app, "#surface")
            assert "S" in drawn and "E" in drawn and "@" in drawn

    async def test_compare_says_which_runs_blew_up(self, tmp_path):
        """On an exercise that overflows, the dialog names the runs that blew up."""
        app = BPTutorApp(exercise(tmp_path, BLOWUP), train=True)
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.press("c")
            assert await wait_for(pilot, lambda: isinstance(app.screen, CompareScreen)
                                  and app.screen.query("#compare-finals"), seconds=120)   # mounted
            finals = shown(app, "#compare-finals")
            assert "2 η = 0.5: blew up by iteration" in finals and "3 of 4 runs blew up" in finals


class TestStuckAndDiverged:
    """Stuck and blown-up runs are marked and said."""

    async def test_divergence_and_stuck_on_screen(self, tmp_path):
        for text, mark, word in ((BLOWUP, "!", "Training blew up"), (STALL, "⚠", "Stuck")):
            app = BPTutorApp(exercise(tmp_path, text), train=True)
            async with app.run_test(size=(100, 30)) as pilot:
                await full_speed(pilot)
                assert await wait_for(pilot, lambda: word in shown(app, "#train-message"))
                assert shown(app, "#train-message").startswith(mark)


COLD = """
import asyncio, json, sys, time
sys.path.insert(0, {root!r})
from tutor.engine import kernel_loader
from tutor.lesson.exercise import load
from tutor.ui.app import BPTutorApp

async def main():
    app = BPTutorApp(load("mazur"), train=True)
    out = {{}}
    async with app.run_test(size=(80, 24)) as pilot:
        screen = app.screen
        for _ in range(400):   # the first frame moving once the compile is known (numba imported)
            await pilot.pause(0.05)
            if screen.frame is not None and screen.frame.iteration > 0 and screen.frame.preparing:
                break
        out["moving_while_preparing"] = bool(screen.frame.preparing) and not kernel_loader.ready()
        start = time.perf_counter()
        await pilot.press("space")   # pause: handled while the loop is still being compiled
        for _ in range(400):
            await pilot.pause(0.01)
            if screen.frame.status.word == "paused":
                break
        out["pause_took"] = time.perf_counter() - start
        out["paused"] = screen.frame.status.word
        out["still_preparing"] = not kernel_loader.ready()
        out["preparing_shown"] = "Preparing the compiled training loop" in str(screen.query_one("#train-message").render())
    print(json.dumps(out))

asyncio.run(main())
"""


class TestColdStart:
    """The first run after installing (numba's cache empty): training moves at once and keys
    act while the compiled loop is prepared elsewhere. Today's screen sat at 0 it/s and took
    7 s to act on a key while numba compiled."""

    @pytest.mark.xdist_group("cold-compile")   # never beside the other cold compile (conftest.py)
    def test_training_screen_answers_keys_while_the_loop_compiles(self, tmp_path):
        """Training moves on NumPy with "Preparing" on screen, and Space pauses it while the
        loop is still being compiled (before, the key waited 7-26 s for the compiler). No wall
        clock bound: on a loaded machine it measured the machine, not the screen."""
        env = {**os.environ, "NUMBA_CACHE_DIR": str(tmp_path / "numba-cache"), "BPTUTOR_HOME": str(tmp_path / "home")}
        run = subprocess.run([sys.executable, "-c", COLD.format(root=str(ROOT))], env=env, capture_output=True,
                             text=True, timeout=300)
        assert run.returncode == 0, run.stderr[-2000:]
        out = json.loads(run.stdout.strip().splitlines()[-1])
        assert out["moving_while_preparing"] and out["preparing_shown"]
        assert out["paused"] == "paused" and out["still_preparing"]


def many_samples(n_inputs: int = 40, n_samples: int = 1000) -> str:
    """An exercise file of 1,000 samples of 40 inputs (430 KB): reading and checking it takes
    the better part of a second of CPU on the 2-core machine."""
    import random

    rng = random.Random(1)
    rows = ",\n".join("  [" + ", ".join(f"{rng.uniform(-1, 1):.6f}" for _ in range(n_inputs)) + "]"
                      for _ in range(n_samples))
    targets = ",\n".join(f"  [{rng.random():.4f}]" for _ in range(n_samples))
    return (f'title = "Many samples"\n[network]\nsizes = [{n_inputs}, 3, 1]\nactivation = "sigmoid"\n'
            f'loss = "half_sse"\nbias = "neuron"\nupdate_biases = true\n[data]\ninputs = [\n{rows}]\n'
            f'targets = [\n{targets}]\n[training]\nlearning_rate = 0.5\niterations = 1000\nmode = "online"\n'
            'momentum = 0.0\nseed = 1\n')


class Ticking(BPTutorApp):
    """The app with a timer every 10 ms from its first moment: `ticks` are (wall clock, CPU
    time of the UI thread) at each (as in test_preparing)."""

    def on_mount(self) -> None:
        import time

        self.ticks = [(time.perf_counter(), time.thread_time())]
        self.set_interval(0.01, lambda: self.ticks.append((time.perf_counter(), time.thread_time())))
        super().on_mount()


class TestPreparing:
    """Opening the training screen builds and checks the exercise's worked update in the
    screen's worker, "Preparing <title>…" on screen meanwhile; before, open_training did it on
    the UI thread (a few ms for the bundled files, most of a second for a large file)."""

    @pytest.mark.alone   # its measure is the UI thread's CPU time: no other test beside it (conftest.py)
    async def test_a_large_exercise_keeps_the_app_answering(self, tmp_path, record_property):
        """Training a file of 1,000 samples: the UI thread never works 0.1 s without a tick
        (its own CPU time, so a busy machine stopping the process cannot fail it), and the
        run starts."""
        path = tmp_path / "many.toml"
        path.write_text(many_samples())
        app = Ticking()
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            start = len(app.ticks)
            app.open_training(str(path))
            assert isinstance(app.screen, TrainingScreen)
            assert await wait_for(pilot, lambda: app.screen.frame is not None, seconds=60)
            assert "Many samples" in shown(app, "#train-title")
            ticks = app.ticks[start - 1:]
        wall = max(b[0] - a[0] for a, b in zip(ticks, ticks[1:]))
        cpu = max(b[1] - a[1] for a, b in zip(ticks, ticks[1:]))
        record_property("ui_thread_cpu", cpu)   # (in --junitxml: the figures of many runs)
        assert cpu < 0.1, f"the UI thread worked {cpu:.3f} s without a tick (wall clock: {wall:.3f} s)"

    async def test_preparing_is_on_screen_and_keys_wait_for_it(self, monkeypatch):
        """While the update is built the screen names what it prepares; a key typed then
        (pause) acts once training is there, in order."""
        import tutor.lesson.opening as opening

        released = threading.Event()
        real = opening.worked_for

        def gated(*args, **kwargs):
            released.wait(30)
            return real(*args, **kwargs)

        monkeypatch.setattr(opening, "worked_for", gated)
        app = BPTutorApp()
        async with app.run_test(size=(80, 24)) as pilot:
            app.open_training("mazur")
            await pilot.pause(0.2)
            assert app.screen.session is None
            assert shown(app, "#train-message") == "⧗ Preparing A Step by Step Backpropagation Example…"
            await pilot.press("space")   # pause, typed while preparing
            released.set()
            assert await wait_for(pilot, lambda: app.screen.frame is not None
                                  and app.screen.frame.status.word == "paused")
            await pilot.pause(0.3)
            assert app.screen.frame.status.word == "paused" and app.screen.frame.iteration == 0

    async def test_a_wrong_file_is_said_and_the_screen_goes(self, tmp_path):
        """A file the lesson would refuse: one sentence naming it, and back where the learner was."""
        from tutor.ui.home import HomeScreen

        path = tmp_path / "wrong.toml"
        path.write_text(many_samples(2, 2).replace("sizes = [2, 3, 1]", "sizes = [2, 3]\nbogus = 1"))
        app = BPTutorApp()
        async with app.run_test(size=(80, 24)) as pilot:
            app.open_training(str(path))
            assert await wait_for(pilot, lambda: isinstance(app.screen, HomeScreen)
                                  and any("cannot be trained" in str(n.title) for n in app._notifications))
            said = [str(n.message) for n in app._notifications]
            assert any("wrong.toml" in m for m in said), said


class TestNotesLeaveTheMessage:
    """What a key says (a toast) never covers the message under the curve, where a run's end,
    its advice and the source's figures are."""

    @pytest.mark.parametrize("size", [(80, 24), (100, 32)])
    async def test_a_note_is_shown_away_from_the_message(self, size, tmp_path):
        app = BPTutorApp(exercise(tmp_path, STALL), train=True)
        async with app.run_test(size=size) as pilot:
            await full_speed(pilot)
            assert await wait_for(pilot, lambda: "Stuck" in shown(app, "#train-message"))
            await pilot.press("plus")   # says η doubled
            note = app.screen.query_one(KeyNote)
            assert await wait_for(pilot, lambda: "η doubled" in note.text)
            await pilot.pause(0.3)
            box = app.screen.query_one("#train-message-box").region
            assert note.region.height and not note.region.overlaps(box), (note.region, box)


class TestNotesStayOutOfTheWay:
    """A key's note (m, b, n, ], +) is a toast over the screen, one at a time: it never moves
    the curve or the stats. In rows of their own (as the lesson screen has them) four notes
    squeezed the curve to three lines; fifteen presses of + stacked fifteen toasts."""

    async def test_notes_in_a_row_leave_the_curve_where_it_was(self):
        app = BPTutorApp(load("mazur"), train=True)
        async with app.run_test(size=(100, 32)) as pilot:
            await pilot.press("space")
            await pilot.pause()
            plot, stats = app.screen.query_one("#train-plot").region, app.screen.query_one("#train-stats").region
            for key in ("m", "b", "n", "right_square_bracket", "plus", "plus", "plus"):
                await pilot.press(key)
            await pilot.pause(0.3)
            assert app.screen.query_one("#train-plot").region == plot
            assert app.screen.query_one("#train-stats").region == stats
            assert app.screen.query_one(KeyNote).text == "η doubled: 4."   # the last note only


def screen_lines(app) -> list[str]:
    """The screen as the learner sees it, a string per row."""
    return [strip.text for strip in app.screen._compositor.render_strips()]


def near_the_top(app, words: str, rows: int = 8) -> bool:
    """Whether `words` show in the top rows (where a key's note is), joined across a wrap."""
    top = " ".join(" ".join(line.split()) for line in screen_lines(app)[:rows])
    return words in top


class TestNotesShowWhereTheyShould:
    """Learner trial 18:50 #14, #15: at η 8192 three presses of + "showed nothing", and n on
    the post's network said nothing. They did say, lower down each time: every note left an
    empty row behind in Textual's toast rack, and after twenty the note was at the bottom of
    the screen or below it. #13: a note that the run was over stayed for seconds while the
    new run, started by r, was on screen."""

    @pytest.mark.parametrize("size", [(80, 24), (100, 32)])
    async def test_a_note_after_twenty_is_at_the_top_like_the_first(self, size):
        app = BPTutorApp(load("mazur"), train=True)
        async with app.run_test(size=size) as pilot:
            await pilot.press("space")   # paused, as in the trial
            assert await wait_for(pilot, lambda: app.screen.frame is not None
                                  and app.screen.frame.status is Status.PAUSED)
            for _ in range(20):          # 13 doublings to 8192, then "stays"
                await pilot.press("plus")
            assert await wait_for(pilot, lambda: near_the_top(app, "η stays at 8192"))
            await pilot.press("n")
            assert await wait_for(pilot, lambda: near_the_top(app, "n draws a new random"))
            assert not near_the_top(app, "η stays at 8192", rows=size[1])   # one note at a time

    async def test_the_runs_over_note_goes_when_r_starts_a_new_run(self):
        app = BPTutorApp(load("mazur"), train=True)
        async with app.run_test(size=(100, 32)) as pilot:
            screen = app.screen
            await full_speed(pilot)
            assert await wait_for(pilot, lambda: "Done" in shown(app, "#train-message"))
            for _ in range(3):
                await pilot.press("left_square_bracket")   # back to 40 a frame: the new run is watched
            await pilot.press("space")
            assert await wait_for(pilot, lambda: near_the_top(app, "The run is over"))
            await pilot.press("r")
            assert await wait_for(pilot, lambda: screen.frame.status is Status.RUNNING
                                  and screen.frame.iteration < 10_000)
            await pilot.pause()
            assert not near_the_top(app, "The run is over", rows=32), screen_lines(app)


class TestLegend:
    async def test_the_movers_legend_only_when_one_is_marked(self):
        """XOR after n: nothing has moved, nothing is marked ▲, and no legend for it."""
        app = BPTutorApp(load("xor"), train=True)
        async with app.run_test(size=(100, 32)) as pilot:
            screen = app.screen
            await pilot.press("n")
            assert await wait_for(pilot, lambda: screen.frame is not None and screen.frame.iteration == 0
                                  and "New random start" in screen.frame.message)
            assert "▲" not in shown(app, "#train-params")
            await pilot.press("space")
            assert await wait_for(pilot, lambda: screen.frame.iteration > 100)
            assert await wait_for(pilot, lambda: "▲ the largest movers" in shown(app, "#train-params"))


class TestThePostsFiguresOnlyBesideThePostsRun:
    async def test_eta_doubled_mid_run_and_halved_back(self):
        """Learner trial 18:50 #5: + during the run, then - : "ours" beside the post's figures
        contradicted the E_total just shown. Now they are left out, and the screen says why."""
        app = BPTutorApp(load("mazur"), train=True)
        async with app.run_test(size=(100, 32)) as pilot:
            screen = app.screen
            assert await wait_for(pilot, lambda: screen.frame is not None and screen.frame.iteration > 0)
            await pilot.press("plus")
            await full_speed(pilot)
            assert await wait_for(pilot, lambda: "Done" in shown(app, "#train-message"))
            await pilot.press("minus")
            assert await wait_for(pilot, lambda: "η 0.5 " in shown(app, "#train-stats"))
            await pilot.pause(0.2)
            msg = " ".join(shown(app, "#train-message").split())
            assert "printed 0.0000351085" not in msg and ", ours " not in msg
            assert "for its own run (η 0.5 from its start, unchanged throughout)" in msg


class TestSaturatedIsNotDone:
    async def test_eta_8192_says_stuck_saturated_not_done(self):
        """Learner trial 18:50 #14: + pressed up to η 8192 early in the run; the error stood
        at 0.0001 with o1 0.0000/0.01, o2 1.0000/0.99, and the screen said "✓ Done"."""
        app = BPTutorApp(load("mazur"), train=True)
        async with app.run_test(size=(100, 32)) as pilot:
            screen = app.screen
            await pilot.press("space")
            assert await wait_for(pilot, lambda: screen.frame is not None and screen.frame.status is Status.PAUSED)
            for _ in range(14):
                await pilot.press("plus")
            await full_speed(pilot)
            await pilot.press("r")   # from the start at η 8192 (where the pause fell varies)
            assert await wait_for(pilot, lambda: screen.frame.learning_rate == 8192
                                  and screen.frame.status in (Status.STUCK, Status.DONE))
            msg = " ".join(shown(app, "#train-message").split())
            assert msg.startswith("⚠ Stuck: E_total has not moved") and "Done" not in msg
            assert "o1 at 0.0000 (target 0.01) and o2 at 1.0000 (target 0.99)" in msg
            assert "Try a smaller learning rate (-), then r" in msg


class TestCompareStartsSaysItsRate:
    async def test_title_names_the_rate_and_flat_curves_are_explained(self):
        """Learner trial 18:50 #14: C at η 8192: which rate, and why three curves are flat."""
        app = BPTutorApp(load("mazur"), train=True)
        async with app.run_test(size=(100, 32)) as pilot:
            screen = app.screen
            await pilot.press("space")
            assert await wait_for(pilot, lambda: screen.frame is not None and screen.frame.status is Status.PAUSED)
            for _ in range(14):
                await pilot.press("plus")
            assert await wait_for(pilot, lambda: screen.frame.learning_rate == 8192)
            await pilot.press("C")
            assert await wait_for(pilot, lambda: isinstance(app.screen, CompareScreen)
                                  and app.screen.query("#compare-finals"), seconds=120)   # mounted
            assert shown(app, ".dialog-title") == "Four random starts, each at η = 8192"
            finals = " ".join(shown(app, "#compare-finals").split())
            assert "seed 0, seed 1 and seed 3 stand still" in finals and "the outputs saturate" in finals
