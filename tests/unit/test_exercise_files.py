"""Exercise files: the bundled ones load and work; a wrong file gets one line naming the
file, the key and the problem, exit status 2, and no traceback."""

import subprocess
import sys

import numpy as np
import pytest

from tutor.engine.steps import solve
from tutor.engine.training import Trainer
from tutor.lesson.exercise import ExerciseError, bundled, load
from ..conftest import GOOD



def test_bundled_exercises_are_there_post_first():
    names = bundled()
    assert names[0] == "mazur"
    assert {"mazur", "xor", "deep-tanh", "softmax"} <= set(names)


def test_bundled_mazur_is_the_post():
    ex = load("mazur")
    assert ex.network.parameters() == {"w1": 0.15, "w2": 0.2, "w3": 0.25, "w4": 0.3, "w5": 0.4, "w6": 0.45,
                                       "w7": 0.5, "w8": 0.55, "b1": 0.35, "b2": 0.6}
    assert ex.settings.learning_rate == 0.5 and not ex.settings.update_biases
    assert ex.iterations == 10_000 and len(ex.figures) == 33


def test_xor_is_four_samples_from_a_random_start_that_learns():
    ex = load("xor")
    assert ex.random_start and len(ex.X) == 4
    t = Trainer(ex.network, ex.X, ex.T, ex.settings)
    t.run(ex.iterations)
    assert np.all(np.abs(t.outputs() - ex.T) < 0.1)
    assert not np.array_equal(load("xor", seed=5).network.theta, ex.network.theta)


def test_deep_exercise_has_two_hidden_layers_neuron_biases_and_batch():
    ex = load("deep-tanh")
    assert len(ex.network.sizes) == 4 and ex.network.bias == "neuron" and ex.settings.mode == "batch"
    assert set(ex.network.activations[:-1]) <= {"tanh", "relu"}
    sol = solve(ex.network, ex.X, ex.T, ex.settings)
    ids = [s.id for s in sol.steps]
    assert "net_h2_1_s2" in ids and "dE_total/dw1" in ids and "b6+" in ids
    assert sol.error_after < sol.error


BAD = [
    ("title = ", "TOML", "Invalid value"),
    (GOOD.replace('title = "t"', 'title = "t"\ncolour = "red"'), "colour", "unknown key"),
    (GOOD.replace("sizes = [2, 2, 1]", "sizes = [2, 3, 1]"), "parameters.weights[0]", "must have 3 rows, not 2"),
    (GOOD.replace("[[0.5, 0.6]]]", "[[0.5, 0.6]], [[1.0]]]"), "parameters.weights", "must hold 2 layers"),
    (GOOD.replace("sizes = [2, 2, 1]", "sizes = [2, 0, 1]"), "network.sizes[1]", "between 1 and"),
    (GOOD.replace("sizes = [2, 2, 1]", "sizes = [2, 100000, 1]"), "network.sizes[1]", "between 1 and 1,024"),
    (GOOD.replace('activation = "sigmoid"', 'activation = "sigmoind"'), "network.activation", "must be one of"),
    (GOOD.replace('activation = "sigmoid"', 'activation = ["tanh"]'), "network.activation", "one name per layer"),
    (GOOD.replace('activation = "sigmoid"', 'activation = ["softmax", "sigmoid"]'), "network", "only allowed on the output"),
    (GOOD.replace('activation = "sigmoid"', 'activation = ["tanh", "softmax"]'), "network", "cross_entropy"),
    (GOOD.replace("[[0.5, 0.6]]", "[[0.5]]"), "parameters.weights[1][0]", "must have 2 numbers"),
    (GOOD.replace("[[0.5, 0.6]]", "[[0.5, nan]]"), "parameters.weights[1][0][1]", "finite"),
    (GOOD.replace("[[0.5, 0.6]]", '[[0.5, "x"]]'), "parameters.weights[1][0][1]", "must be a number"),
    (GOOD.replace("biases = [0.1, 0.2]", "biases = [0.1]"), "parameters.biases", "2 entries"),
    (GOOD.replace("biases = [0.1, 0.2]", ""), "parameters.biases", "missing"),
    (GOOD.replace("targets = [[1.0]]", "targets = [[1.0], [0.0]]"), "data.targets", "must have 1 row, not 2"),
    (GOOD.replace("inputs = [[0.0, 1.0]]", "inputs = [[0.0, 1.0, 2.0]]"), "data.inputs[0]", "must have 2 numbers"),
    (GOOD.replace("[data]\ninputs = [[0.0, 1.0]]\ntargets = [[1.0]]", ""), "[data]", "missing"),
    (GOOD + "[training]\nlearning_rate = -1\n", "training.learning_rate", "greater than 0"),
    (GOOD + "[training]\nmode = \"minibatch\"\n", "training.mode", "online, batch"),
    (GOOD + "[training]\nmomentum = 1.5\n", "training.momentum", "below 1"),
    (GOOD + "[training]\niterations = 0\n", "training.iterations", "between 1"),
    (GOOD + "[training]\nseed = true\n", "training.seed", "whole number"),
    (GOOD + "[reference]\n[[reference.figures]]\nid = \"net_h1\"\nprinted = \"abc\"\n",
     "reference.figures[0].printed", "not a number"),
]


@pytest.mark.parametrize("text, key, problem", BAD)
def test_bad_file_gets_one_line(tmp_path, text, key, problem):
    path = tmp_path / "bad.toml"
    path.write_text(text)
    with pytest.raises(ExerciseError) as info:
        load(str(path))
    message = str(info.value)
    assert message.startswith(f"{path}: {key}: ") or (key == "TOML" and message.startswith(f"{path}: TOML: "))
    assert problem in message
    assert "\n" not in message


def test_unknown_reference_id_is_named(tmp_path):
    path = tmp_path / "r.toml"
    path.write_text(GOOD + '[reference]\n[[reference.figures]]\nid = "net_h9"\nprinted = "1.0"\n')
    r = subprocess.run([sys.executable, "-m", "tutor", "solve", str(path)], capture_output=True, text=True)
    assert r.returncode == 2
    assert "reference.figures[0].id: 'net_h9' is not a quantity of this update" in r.stderr


@pytest.mark.parametrize("args", [["solve"], ["train"], ["solve", "--json"]])
@pytest.mark.parametrize("case", [0, 2, 10, 16])
def test_cli_bad_file_exit_2_without_traceback(tmp_path, args, case):
    path = tmp_path / "bad.toml"
    path.write_text(BAD[case][0])
    r = subprocess.run([sys.executable, "-m", "tutor", args[0], str(path), *args[1:]],
                       capture_output=True, text=True)
    assert r.returncode == 2
    assert r.stdout == ""
    assert "Traceback" not in r.stderr
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"bptutor: {path}: {BAD[case][1]}: ")


@pytest.mark.parametrize("spec, problem", [
    ("nosuch", "no such file and no bundled exercise of that name (bundled: mazur"),
    ("mazr", "no such file and no bundled exercise of that name; did you mean mazur?"),
    ("missing/file.toml", "no such file"),
])
def test_cli_unknown_exercise(spec, problem):
    r = subprocess.run([sys.executable, "-m", "tutor", "solve", spec], capture_output=True, text=True)
    assert r.returncode == 2
    assert r.stderr.startswith(f"bptutor: {spec}: {problem}") and len(r.stderr.splitlines()) == 1


def test_not_utf8_and_directory(tmp_path):
    path = tmp_path / "b.toml"
    path.write_bytes(b"\xff\xfe\x00")
    with pytest.raises(ExerciseError, match="is not UTF-8 text"):
        load(str(path))


@pytest.mark.parametrize("text, said", [
    # tomllib notices an unclosed array on the next line: where it was opened is said too
    ('title = "x"\n\n[network]\nsizes = [2, 2, 2]\n\nactivation = ["tanh", "sigmoid"\nloss = "half_sse"\n',
     "TOML: Unclosed array (noticed at line 7, column 1); the [ opened at line 6 is not closed"),
    ('title = """A title\n\n[network]\nsizes = [2, 2, 2]\n',
     'TOML: Unterminated string (noticed at the end of the file); the """ opened at line 1 is not closed'),
    ('title = "x"\nsizes = = 2\n', "TOML: Invalid value (noticed at line 2, column 9)"),
])
def test_a_toml_error_says_where_it_was_noticed_and_what_is_left_open(tmp_path, text, said):
    path = tmp_path / "bad.toml"
    path.write_text(text)
    with pytest.raises(ExerciseError) as e:
        load(str(path))
    assert str(e.value) == f"{path}: {said}"
