"""The guide for teachers says what the engine does: each of its examples is a file that is
loaded, solved and checked here, and the text on the page is that file."""

import re
from pathlib import Path

import pytest

from tutor.lesson.exercise import load
from tutor.lesson.lint import lint
from tutor.lesson.worked import build

ROOT = Path(__file__).resolve().parents[2]
GUIDE = ROOT / "docs" / "exercises.md"
EXAMPLES = sorted(p for p in (ROOT / "docs" / "examples").glob("*.toml") if p.name != "course.toml")
SHOWN = re.findall(r"<!-- example: (\S+) -->\n```toml\n(.*?)```\n", GUIDE.read_text(), re.S)


def test_every_example_on_the_page_is_a_file_verbatim():
    assert {name for name, _ in SHOWN} == {f"docs/examples/{p.name}" for p in EXAMPLES} | {"docs/examples/course.toml"}
    for name, text in SHOWN:
        assert (ROOT / name).read_text() == text, name


def test_no_toml_on_the_page_escapes_the_tests():
    assert GUIDE.read_text().count("```toml") == len(SHOWN)


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_each_example_loads_solves_and_passes_check_exercise(path):
    worked = build(load(str(path)))
    assert worked.asked
    report = lint(worked)
    assert report.errors == [] and report.warnings == []


def test_the_step_ids_the_guide_names_are_real():
    ids = build(load(str(ROOT / "docs/examples/all-keys.toml"))).ids
    for q in ("net_h1_s1", "E_total_s1", "dE_total_s1/dout_o1_s1", "dnet_h1_s1/dw1", "dE_total_s1/dw1",
              "delta_o1_s1", "w1+", "dE_total/dw1", "E_total", "E_total+"):
        assert q in ids, q
    online = build(load("two-samples-online")).ids
    assert online[-1] == "E_total_s1+" and "w1+" in online


def test_what_the_guide_says_the_engine_computes():
    import numpy as np

    from tutor.engine.steps import solve
    # mse is the mean over the outputs: with two outputs it is half_sse
    a = load("mazur")
    half = solve(a.network, a.X, a.T, a.settings).error
    from dataclasses import replace

    from tutor.engine.network import Network
    net = a.network
    mse = solve(Network(net.sizes, net.activations, "mse", net.bias, net.theta), a.X, a.T, a.settings).error
    assert mse == pytest.approx(half, rel=1e-12)
    # several samples: E_total is the sum, the batch gradient the sum of the samples' gradients
    b = build(load("two-samples-batch"))
    assert b.exact["E_total"] == pytest.approx(b.exact["E_total_s1"] + b.exact["E_total_s2"], rel=1e-12)
    assert b.exact["dE_total/dw5"] == pytest.approx(b.exact["dE_total_s1/dw5"] + b.exact["dE_total_s2/dw5"],
                                                    rel=1e-12)
    # online: the worked update is the first sample's; solve's error after is over all samples
    o = build(load("two-samples-online"))
    s1 = replace(o.ex, X=o.ex.X[:1], T=o.ex.T[:1])
    assert o.exact["w5+"] == build(s1).exact["w5+"]
    assert o.solution.error_after != o.exact["E_total_s1+"]
    assert np.isclose(o.solution.error, o.exact["E_total_s1"] + solve(
        o.ex.network, o.ex.X[1:], o.ex.T[1:], o.ex.settings).error)


def test_the_examples_folder_is_the_course_the_guide_shows():
    from tutor.lesson.catalog import course

    c = course(ROOT / "docs" / "examples")
    assert [e.name for e in c.entries] == ["smallest", "all-keys", "xor-cross-entropy", "softmax-online", "mazur"]
    assert not any(e.problem for e in c.entries)
