"""`bptutor solve` and `bptutor train` as a user runs them."""

import json
import subprocess
import sys

import pytest


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
        "dE_total/dw1", "w1+", "delta_o1", "E_total+"]


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
    assert r.returncode == 2 and "--iterations must be between 1" in r.stderr and "Traceback" not in r.stderr
