"""`bptutor check-exercise` is a lint that fails: what it finds, and the bundled exercises pass it."""

import subprocess
import sys
from pathlib import Path

import pytest

from tutor.lesson.catalog import bundled
from tutor.lesson.exercise import load
from tutor.lesson.lint import lint
from tutor.lesson.worked import build

MAZUR = load("mazur").path.read_text().split("\n[lesson]")[0]  # the post, without its lesson, variants, tests
INHERENT = {"mazur", "mazur-biases", "momentum", "xor"}  # the post's i2 = 2 x i1; XOR's (1, 1)


def write(tmp_path, text):
    path = tmp_path / "ex.toml"
    path.write_text(text)
    return build(load(str(path)))


def check(*args):
    return subprocess.run([sys.executable, "-m", "tutor", "check-exercise", *args], capture_output=True, text=True)


def test_collisions_fail_unless_allowed():
    r = check("mazur")
    assert r.returncode == 1 and "error: 1 step(s) where a known mistake cannot be told apart" in r.stdout
    r = check("mazur", "--allow-collisions")
    assert r.returncode == 0 and "(allowed)" in r.stdout and "Question tests: all 8 judged as expected." in r.stdout


@pytest.mark.parametrize("name", bundled())
def test_every_bundled_exercise_passes(name):
    # only the post's numbers (and its variations) and XOR's are allowed their collisions
    report = lint(build(load(name)), allow_collisions=name in INHERENT)
    assert report.errors == [] and report.warnings == []
    assert load(name).tests, "each bundled exercise carries question tests for what it teaches"


def test_a_shared_bias_on_a_softmax_output_is_a_warning(tmp_path):
    text = (load("softmax").path.read_text().split("\n[variants]")[0]
            .replace('bias = "neuron"', 'bias = "shared"'))
    start = text.index("\nbiases = ") + 1
    text = text[:start] + "biases = [0.35, 0.6]" + text[text.index("\n", start):]
    report = lint(write(tmp_path, text))
    assert any("shared bias b2 feeds a softmax" in w for w in report.warnings)


def test_a_step_zero_for_every_learner_is_a_warning(tmp_path):
    text = MAZUR.replace("inputs = [[0.05, 0.10]]", "inputs = [[0.0, 0.10]]") + "\n[variants]\nweights = [-0.9, 0.9]\n"
    report = lint(write(tmp_path, text), allow_collisions=True)
    zero = next(w for w in report.warnings if "exactly 0 for every learner" in w)
    assert zero.endswith("judged right: dnet_h1/dw1, dE_total/dw1, dnet_h2/dw3, dE_total/dw3")


def test_an_ask_list_leaving_nothing_to_do_fails(tmp_path):
    report = lint(write(tmp_path, MAZUR + '\n[lesson]\nask = ["net_h1"]\nshow = ["net_h1"]\n'), allow_collisions=True)
    assert "lesson.ask leaves nothing for the learner to do (every asked step is also shown)" in report.errors


def test_a_question_test_judged_otherwise_fails(tmp_path):
    text = MAZUR + ('\n[lesson]\n[[lesson.tests]]\nstep = "dE_total/dout_o1"\nanswer = "-0.741365"\n'
                    'expect = "the 1/2 of the error forgotten"\n'
                    '[[lesson.tests]]\nstep = "dE_o1/dnet_o1"\nanswer = "0.138498562"\nexpect = "right"\n')
    report = lint(write(tmp_path, text), allow_collisions=True)
    assert report.errors == ["lesson.tests[0] (dE_total/dout_o1, answer -0.741365): expected 'the 1/2 of the "
                             "error forgotten', judged the mistake 'sign of -(target - out)'"]


def test_variants_that_cannot_be_made_fail(tmp_path):
    # every weight 0.5 for every learner: the wrong connecting weight always looks right
    report = lint(write(tmp_path, MAZUR + "\n[variants]\nweights = 0.5\ninputs = [0.05, 0.95]\n"),
                  allow_collisions=True)
    assert any(e.startswith("variants cannot be made: no variant without colliding mistakes") for e in report.errors)


def test_a_question_test_judged_right_says_right_in_words(tmp_path):
    """The lint names a status as a teacher writes it in `expect`, never as a Python value."""
    text = MAZUR + '\n[lesson]\n[[lesson.tests]]\nstep = "out_o1"\nanswer = "0.75136507"\nexpect = "wrong"\n'
    report = lint(write(tmp_path, text), allow_collisions=True)
    assert report.errors == ["lesson.tests[0] (out_o1, answer 0.75136507): expected 'wrong', judged 'right'"]


def test_an_id_without_its_sample_suffix_suggests_it_first(tmp_path):
    """With several samples, `net_h1` is most likely meant as `net_h1_s1`."""
    from tutor.lesson.exercise import ExerciseError

    example = (Path(__file__).resolve().parents[2] / "docs" / "examples" / "softmax-online.toml").read_text()
    text = example.split("\n[lesson]")[0] + '\n[lesson]\nask = ["net_h1"]\n'
    with pytest.raises(ExerciseError, match=r"'net_h1' is not a step of this update \(did you mean net_h1_s1 or"):
        write(tmp_path, text)


def test_softmax_targets_must_add_up_to_one(tmp_path):
    """Soft labels that do not sum to 1 would make out - target a wrong node delta."""
    from tutor.lesson.exercise import ExerciseError

    example = (Path(__file__).resolve().parents[2] / "docs" / "examples" / "softmax-online.toml").read_text()
    text = example.replace("targets = [[1.0, 0.0, 0.0]", "targets = [[0.3, 1.0, 0.0]")
    with pytest.raises(ExerciseError, match=r"data.targets\[0\]: softmax targets are a distribution: they must add "
                                            r"up to 1, not 1.3"):
        write(tmp_path, text)


def test_a_sheet_for_a_teachers_file_names_the_file(tmp_path):
    """Learners are told to check with the command that opens the teacher's file, by its path."""
    from tutor.lesson.workshop import sheet_markdown

    path = tmp_path / "my ex.toml"
    path.write_text(MAZUR)
    sheet = sheet_markdown(load(str(path)), ["Ann"])
    assert f'check your answers with bptutor "{path}" --variant "Ann".' in sheet
