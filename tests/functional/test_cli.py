"""The command line as a user runs it: one parser, `solve`, headless `train`."""

import ast
import json
import os
import queue
import signal
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import pytest

import tutor
from tutor import __main__ as cli


def run(*args):
    r = subprocess.run([sys.executable, "-m", "tutor", *args], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    return r.stdout


def test_solve_mazur_prints_every_phase_with_nine_digits():
    out = run("solve", "mazur")
    for title in ("Forward pass", "Error", "Backward pass: output layer", "Backward pass: hidden layer",
                  "New parameters"):
        assert f"\n{title}\n" in out
    assert "0.5932699921" in out and "0.7513650696" in out and "0.3589164797" in out
    assert "E_total after the update:  0.2910277737" in out
    assert "28 of 33 follow from the algorithm as stated" in out
    assert "error after 9,999 updates, not 10,000" in out


def test_solve_json_has_what_other_tools_need():
    doc = json.loads(run("solve", "mazur", "--json"))
    assert set(doc) >= {"exercise", "parameters", "steps", "error", "gradients", "updated", "error_after",
                        "reference"}
    assert doc["parameters"]["w5"] == 0.4
    assert doc["steps"][0] == {**doc["steps"][0], "id": "net_h1", "formula": "w1*i1 + w2*i2 + b1*1",
                               "value": 0.3775}
    assert doc["gradients"]["b1"] == pytest.approx(0.01872560939, rel=1e-9)  # also when not updated
    assert doc["updated"]["b1"] == 0.35 and doc["updated"]["w5"] == pytest.approx(0.35891648, abs=5e-9)
    assert doc["error"] == pytest.approx(0.298371109, abs=5e-10)
    assert doc["error_after"] == pytest.approx(0.2910277737, rel=1e-9)


def test_solve_a_file_by_path(tmp_path):
    path = tmp_path / "one.toml"
    path.write_text('title = "One neuron"\n[network]\nsizes = [1, 1]\nbias = "none"\n'
                    '[parameters]\nweights = [[[2.0]]]\n[data]\ninputs = [[1.0]]\ntargets = [[0.0]]\n')
    doc = json.loads(run("solve", str(path), "--json"))
    assert [s["id"] for s in doc["steps"]] == [
        "net_o1", "out_o1", "E_o1", "E_total", "dE_total/dout_o1", "dout_o1/dnet_o1", "dnet_o1/dw1",
        "dE_total/dw1", "w1+", "delta_o1", "net_o1+", "out_o1+", "E_o1+", "E_total+"]


def test_train_json_for_xor():
    doc = json.loads(run("train", "xor", "--iterations", "5000", "--json"))
    assert doc["iterations"] == 5000
    assert len(doc["outputs"]) == 4 and len(doc["outputs"][0]) == 1
    assert doc["history"][0][0] == 0 and doc["history"][-1][0] == 5000
    assert len(doc["history"]) <= 1001
    assert doc["history"][-1][1] == pytest.approx(doc["error"], rel=1e-12)
    assert set(doc["parameters"]) == {f"w{i}" for i in range(1, 7)} | {"b1", "b2", "b3"}


def test_train_mazur_prints_progress_and_the_result():
    out = run("train", "mazur")
    assert out.count("iteration") >= 10
    assert "After 10,000 iterations" in out and "E_total = 3.510187783e-05" in out
    assert "out_o1 0.01591362044 (target 0.01)" in out


def test_seed_changes_a_random_start_only():
    a = json.loads(run("solve", "xor", "--json", "--seed", "1"))["parameters"]
    b = json.loads(run("solve", "xor", "--json", "--seed", "2"))["parameters"]
    assert a != b
    assert json.loads(run("solve", "mazur", "--json", "--seed", "2"))["parameters"]["w1"] == 0.15


def test_headless_commands_do_not_import_textual():
    code = ("import sys; from tutor.__main__ import main; main(['solve', 'mazur', '--json']);"
            "main(['train', 'mazur', '--iterations', '10', '--json']);"
            "sys.stderr.write(str(sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'rich'))))")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert r.returncode == 0 and r.stderr == "[]"


def test_bad_iterations_are_a_usage_error():
    r = subprocess.run([sys.executable, "-m", "tutor", "train", "mazur", "--iterations", "0"],
                       capture_output=True, text=True)
    assert r.returncode == 2 and "--iterations: must be between 1" in r.stderr and "Traceback" not in r.stderr
    assert r.stderr.startswith("usage: bptutor train ")


def bptutor(*args, stdin=None):
    return subprocess.run([sys.executable, "-m", "tutor", *args], capture_output=True, text=True, stdin=stdin)


class TestOneParser:
    def test_version(self):
        r = bptutor("--version")
        assert r.returncode == 0 and r.stdout.strip() == f"bptutor {tutor.__version__}"

    def test_a_mistyped_command_gets_did_you_mean(self):
        r = bptutor("slove", "mazur")
        assert r.returncode == 2
        assert r.stderr.strip().endswith("'slove' is neither a command nor an exercise; did you mean solve?")

    def test_an_unknown_exercise_still_names_the_bundled_ones(self):
        r = bptutor("nosuchthing")
        assert r.returncode == 2 and "no bundled exercise of that name" in r.stderr and "mazur" in r.stderr

    def test_help_lists_every_command_with_a_line_each(self):
        out = bptutor("--help").stdout
        for name in cli.parser().commands:
            assert f"\n    {name}" in out
        assert {"open", "solve", "train", "quiz", "list", "progress", "check-exercise", "key", "report",
                "verify"} <= set(cli.parser().commands)

    @pytest.mark.parametrize("command", ["solve", "train", "quiz", "key", "verify", "check-exercise", "open"])
    def test_each_command_has_its_own_usage(self, command):
        r = bptutor(command, "--help")
        assert r.returncode == 0 and r.stdout.startswith(f"usage: bptutor {command} ")
        assert "EXERCISE] |" not in r.stdout and "[EXERCISE] [--variant" not in r.stdout.splitlines()[0]

    def test_every_argument_has_help(self):
        p = cli.parser()
        sub = next(a for a in p._actions if isinstance(a, type(p._subparsers._group_actions[0])))
        for name, c in sub.choices.items():
            assert c.description, name
            for a in c._actions:
                assert a.help, f"{name} {a.dest}"

    def test_the_lesson_form_takes_a_variant_and_seed_means_one_thing(self):
        """--variant NAME gives a learner's numbers; --seed is a random start (solve, train)
        and nothing else, so the lesson form does not take it."""
        p = cli.parser()
        args = p.parse_args(cli.route(p, ["mazur", "--variant", "Ann Lee"]))
        assert (args.func, args.exercise, args.variant) == (cli._open, "mazur", "Ann Lee")
        args = p.parse_args(cli.route(p, []))
        assert (args.func, args.exercise) == (cli._open, None)
        args = p.parse_args(cli.route(p, ["xor", "--variant", "3"]))
        assert (args.exercise, args.variant) == ("xor", "3")
        with pytest.raises(SystemExit):
            p.parse_args(cli.route(p, ["--seed", "3", "xor"]))

    def test_a_file_named_like_a_command_is_an_exercise(self, tmp_path, monkeypatch):
        monkeypatch.chdir(tmp_path)
        (tmp_path / "sovle").write_text("")
        p = cli.parser()
        assert cli.route(p, ["sovle"]) == ["open", "sovle"]


class TestTrainOnATerminal:
    """`bptutor train X` with --seed or --iterations still opens the screen on a terminal."""

    @pytest.fixture
    def opened(self, monkeypatch, capsys):
        import tutor.ui.app

        seen = []

        class App:
            return_code = 0

            def __init__(self, ex, train=False, **kw):
                seen.append((ex, train))

            def run(self):
                pass

        monkeypatch.setattr(tutor.ui.app, "BPTutorApp", App)
        monkeypatch.setattr(cli, "on_a_terminal", lambda: True)
        return seen

    def test_seed_and_iterations_keep_the_screen(self, opened, capsys):
        assert cli.main(["train", "xor", "--seed", "7", "--iterations", "500"]) == 0
        (worked, train), = opened
        ex = worked.ex
        assert train and ex.seed == 7 and ex.iterations == 500 and capsys.readouterr().out == ""

    def test_headless_when_asked(self, opened, capsys):
        assert cli.main(["train", "mazur", "--iterations", "20", "--headless"]) == 0
        assert opened == [] and "After 20 iterations" in capsys.readouterr().out


class TestALessonOnATerminal:
    """`bptutor EXERCISE` on a terminal starts the app before anything slow, so its first frame
    ("Preparing …") comes as soon as the bare home screen's; the lesson is built in the app's
    worker. A wrong file still ends it with exit status 2 and one sentence, printed once the
    terminal is restored. Today the CLI built the lesson first (NumPy's import, the update,
    the mistake context): up to a second of blank terminal."""

    SCRIPT = textwrap.dedent('''
        import sys
        import tutor.__main__ as cli

        seen = {}

        def run_app(app):
            seen["numpy"] = "numpy" in sys.modules   # imported before the first frame?
            seen["exercise"] = app.exercise
            return 0

        cli.on_a_terminal = lambda: True
        cli._run_app = run_app
        status = cli.main(sys.argv[1:])
        print(status, seen["numpy"], repr(seen["exercise"]))
    ''')

    def test_nothing_slow_before_the_app_starts(self, tmp_path):
        r = subprocess.run([sys.executable, "-c", self.SCRIPT, "mazur", "--variant", "ann"],
                           capture_output=True, text=True, env={**os.environ, "BPTUTOR_HOME": str(tmp_path)})
        assert r.returncode == 0, r.stderr
        assert r.stdout.split() == ["0", "False", "'mazur'"]

    def test_a_wrong_file_ends_the_app_with_one_sentence_and_status_2(self, tmp_path, monkeypatch, capsys):
        from tests.conftest import GOOD

        path = tmp_path / "bad.toml"
        path.write_text(GOOD + '[lesson]\nask = ["net_h1", "net_h9"]\n')
        ran = []

        def headless(app):   # the real app, without a terminal to draw on
            app.run(headless=True)
            ran.append(app)
            return app.return_code or 0

        monkeypatch.setattr(cli, "on_a_terminal", lambda: True)
        monkeypatch.setattr(cli, "_run_app", headless)
        assert cli.main([str(path)]) == 2
        out, err = capsys.readouterr()
        assert ran and out == ""
        assert err == (f"bptutor: {path}: lesson.ask[1]: 'net_h9' is not a step of this update "
                       "(did you mean net_h1 or net_h2 or net_h1+?)\n")


def test_main_is_thin_no_private_imports_no_training_loop():
    tree = ast.parse(Path(cli.__file__).read_text())
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            assert not any(a.name.startswith("_") and not a.name.startswith("__") for a in node.names), ast.dump(node)
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
            assert not (node.attr.startswith("_") and node.value.id in ("report", "workshop", "variants")), node.attr
        assert not (isinstance(node, ast.Name) and node.id == "Trainer")


class TestHeadlessTraining:
    def test_one_run_one_final_error(self):
        out = run("train", "mazur", "--iterations", "1000000")
        last = [line for line in out.splitlines() if line.strip().startswith("iteration")][-1]
        final = next(line for line in out.splitlines() if line.startswith("After"))
        assert last.split("E_total")[1].strip() == final.split("E_total =")[1].strip()

    def test_json_after_a_divergence_is_valid_and_keeps_the_last_good_state(self, tmp_path):
        path = tmp_path / "steep.toml"  # w grows 99-fold an update: the error overflows in update 77
        path.write_text('title = "Too large a step"\n[network]\nsizes = [1, 1]\nactivation = "identity"\n'
                        'bias = "none"\n[parameters]\nweights = [[[2.0]]]\n[data]\ninputs = [[10.0]]\n'
                        'targets = [[0.0]]\n[training]\nlearning_rate = 1.0\niterations = 1000\n')
        text = run("train", str(path), "--json")
        doc = json.loads(text, parse_constant=lambda c: pytest.fail(f"{c} is not JSON"))
        assert doc["diverged"] is True and doc["diverged_in_iteration"] == 77 and doc["iterations"] == 76
        assert doc["parameters"]["w1"] == pytest.approx(2.0 * (-99.0) ** 76, rel=1e-9)
        assert doc["error"] == pytest.approx(0.5 * (20.0 * 99.0 ** 76) ** 2, rel=1e-9)
        assert doc["history"][-1] == [76, doc["error"]]
        out = run("train", str(path))
        assert "Training diverged in iteration 77" in out and "After 76 iterations" in out and "inf" not in out

    def test_a_long_run_shows_progress_and_stops_on_ctrl_c(self, tmp_path):
        path = tmp_path / "long.toml"  # ~10 ms an iteration: old code printed nothing for hours (a tenth)
        inputs = [[round((s * 7 + j * 3) % 10 / 10 + 0.05, 2) for j in range(4)] for s in range(1000)]
        targets = [[round(1 - x, 2) for x in row] for row in inputs]
        path.write_text(f'title = "A long run"\n[network]\nsizes = [4, 8, 4]\n[data]\ninputs = {inputs}\n'
                        f'targets = {targets}\n[training]\niterations = 10000000\n')
        p = subprocess.Popen([sys.executable, "-m", "tutor", "train", str(path)], stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True)
        lines = queue.Queue()
        threading.Thread(target=lambda: [lines.put(line) for line in p.stdout], daemon=True).start()
        try:
            line = ""
            while not line.strip().startswith("iteration"):
                line = lines.get(timeout=30)  # a guard against a silent run, not a speed goal
            p.send_signal(signal.SIGINT)
            rc = p.wait(timeout=10)
            err = p.stderr.read()
            assert rc == 130 and "bptutor: stopped" in err and "Traceback" not in err
        finally:
            p.kill()
            p.wait()


def test_solve_shows_a_learners_numbers():
    doc = json.loads(run("solve", "mazur", "--variant", "alice", "--json"))
    assert doc["parameters"]["w1"] == -0.2 and doc["data"][0]["i1"] == 0.55
    assert doc["exercise"]["learning_rate"] == 0.55


def test_solve_ids_lists_every_id_of_the_update():
    ids = run("solve", "two-samples-online", "--ids").split()
    assert ids[:2] == ["net_h1_s1", "out_h1_s1"]
    assert "dE_total_s1/dw1" in ids and "w1+" in ids and ids[-1] == "E_total_s1+" and "w1+_s1" not in ids


def test_a_zero_prints_as_0_never_minus_0():
    out = run("solve", "relu")
    w8 = next(line for line in out.splitlines() if line.strip().startswith("w8+"))
    assert "0.55 - 0.5*0 " in w8 and "*-0" not in out
    dw8 = next(line for line in out.splitlines() if line.strip().startswith("dE_total/dw8"))
    assert dw8.split()[-1] == "0"


def test_solve_prints_a_samples_own_error_after_the_update():
    """Online with several samples the last step is E_total_s1+, the first sample's error after
    its update; the text shows it as well as E_total after (over every sample)."""
    out = subprocess.run([sys.executable, "-m", "tutor", "solve", str(Path(__file__).resolve().parents[2] / "docs" / "examples" /
                          "softmax-online.toml")], capture_output=True, text=True, check=True).stdout
    assert "After the update" in out and "\n  E_total_s1+ " in out and "E_total after the update:" in out


@pytest.mark.parametrize("argv", [["solve", "mazr"], ["key", "mazr"], ["sheet", "mazr"], ["mazr"],
                                  ["verify", "31/32-K7QX2M4A", "--variant", "Ann", "--exercise", "mazr"]])
def test_a_mistyped_exercise_name_gets_the_nearest_name(argv, capsys):
    from tutor.__main__ import main

    assert main(argv) == 2
    assert capsys.readouterr().err == ("bptutor: mazr: no such file and no bundled exercise of that name; "
                                       "did you mean mazur?\n")


def test_a_mistyped_course_lesson_gets_the_nearest_of_the_course(tmp_path, capsys):
    from tutor.__main__ import main
    from tutor.lesson.catalog import bundled_dir

    (tmp_path / "one-neuron.toml").write_text((bundled_dir() / "mazur.toml").read_text())
    assert main(["--course", str(tmp_path), "solve", "one-nueron"]) == 2
    assert capsys.readouterr().err == (f"bptutor: one-nueron: no such file and no lesson of that name in {tmp_path}; "
                                       "did you mean one-neuron?\n")
