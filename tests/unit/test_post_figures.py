"""Every figure printed in Mazur's post, reproduced at its printed precision, or flagged
with the method of computing it that produces it."""

import json
import subprocess
import sys

import pytest

from tutor.engine.training import Settings, Trainer
from tutor.lesson.exercise import load
from tutor.lesson.reference import agrees
from tutor.lesson.worked import build

from ..conftest import mazur_network

# (post's name, printed figure) in the order the post prints them
POST = [
    ("net_h1", "0.3775"), ("out_h1", "0.593269992"), ("out_h2", "0.596884378"),
    ("net_o1", "1.105905967"), ("out_o1", "0.75136507"), ("out_o2", "0.772928465"),
    ("E_o1", "0.274811083"), ("E_o2", "0.023560026"), ("E_total", "0.298371109"),
    ("dE_total/dout_o1", "0.74136507"), ("dout_o1/dnet_o1", "0.186815602"),
    ("dnet_o1/dw5", "0.593269992"), ("dE_total/dw5", "0.082167041"), ("w5+", "0.35891648"),
    ("w6+", "0.408666186"), ("w7+", "0.511301270"), ("w8+", "0.561370121"),
    ("dE_o1/dnet_o1", "0.138498562"), ("dnet_o1/dout_h1", "0.40"), ("dE_o1/dout_h1", "0.055399425"),
    ("dE_total/dout_h1", "0.036350306"), ("dout_h1/dnet_h1", "0.241300709"),
    ("dnet_h1/dw1", "0.05"), ("dE_total/dw1", "0.000438568"), ("w1+", "0.149780716"),
    ("w2+", "0.19956143"), ("w3+", "0.24975114"), ("w4+", "0.29950229"),
]


@pytest.mark.parametrize("qid, printed", POST)
def test_figure_reproduced_at_printed_precision(mazur, qid, printed):
    assert agrees(mazur.step(qid).value, printed), (qid, mazur.step(qid).value, printed)


def test_exact_values_of_a_few(mazur):
    assert mazur.step("net_h1").value == pytest.approx(0.3775, abs=1e-15)
    assert mazur.step("out_o1").value == pytest.approx(0.7513650695523157, rel=1e-12)
    assert mazur.step("dE_total/dw5").value == pytest.approx(0.08216704056423078, rel=1e-12)
    assert mazur.error_after == pytest.approx(0.29102777369359933, rel=1e-12)


def test_steps_hold_every_quantity_of_the_post_in_its_order(mazur):
    ids = [s.id for s in mazur.steps]
    alias = {a: s.id for s in mazur.steps for a in s.aliases}
    wanted = [alias.get(q, q) for q, _ in POST] + ["dE_o2/dout_h1", "E_total+"]
    # dE_o2/dout_h1 sits between dE_o1/dout_h1 and dE_total/dout_h1 in the post
    order = [alias.get(q, q) for q, _ in POST]
    order.insert(order.index("dE_total/dout_h1"), "dE_o2/dout_h1")
    order.append("E_total+")
    positions = [ids.index(q) for q in order]
    assert positions == sorted(positions)
    assert set(wanted) <= set(ids)
    assert len(ids) == len(set(ids))


def test_the_update_uses_the_old_output_weights(mazur):
    # the post: hidden gradients use w5..w8 as they were before the update
    assert mazur.step("dnet_o1/dout_h1").value == 0.4
    assert mazur.step("dE_o1/dout_h1").formula == "delta_o1 * dnet_o1/dout_h1"
    assert mazur.step("dE_o1/dout_h1").numbers == "0.138498562 * 0.4"


def test_rounded_figure_flagged_with_its_explanation():
    result = {(c.id, c.after_iterations): c for c in build(load("mazur")).comparisons()}
    c = result[("dE_o2/dout_h1", 0)]
    assert not c.agrees
    assert c.value == pytest.approx(-0.019049118258278, rel=1e-12)
    assert c.method.name == "computed from rounded figures"
    assert c.method_value == -0.0190491185  # round9(delta_o2) * w7 = -0.038098237 * 0.5


def test_error_after_one_update_printed_from_updated_output_weights():
    c = next(c for c in build(load("mazur")).comparisons() if c.id == "E_total+")
    assert not c.agrees and c.value == pytest.approx(0.291027773694, rel=1e-10)
    assert c.method.name == "updated output weights in the backward pass"
    assert agrees(c.method_value, "0.291027924")


def test_figures_after_ten_thousand_updates():
    after = {c.id: c for c in build(load("mazur")).comparisons() if c.after_iterations == 10000}
    assert set(after) == {"E_total", "out_o1", "out_o2"}
    # the stated algorithm
    assert after["E_total"].value == pytest.approx(3.510187783e-05, rel=1e-8)
    assert after["out_o1"].value == pytest.approx(0.01591362044, rel=1e-8)
    assert after["out_o2"].value == pytest.approx(0.9840642735, rel=1e-9)
    # what the post printed, and why
    assert after["E_total"].method.name == "error measured before the last update"
    assert "after 9,999 updates" in after["E_total"].explanation()
    assert after["out_o1"].method.name == "updated output weights in the backward pass"
    assert agrees(after["out_o1"].method_value, "0.015912196")
    assert agrees(after["out_o2"].method_value, "0.984065734")


def test_stated_algorithm_trained_ten_thousand_times():
    t = Trainer(mazur_network(), [[0.05, 0.10]], [[0.01, 0.99]], Settings())
    t.run(10_000)
    assert t.error() == pytest.approx(3.510187782978859e-05, rel=1e-9)


def test_solve_json_reference_list():
    out = subprocess.run([sys.executable, "-m", "tutor", "solve", "mazur", "--json"],
                         capture_output=True, text=True, check=True).stdout
    doc = json.loads(out)
    ref = doc["reference"]
    assert len(ref) == 33
    assert sum(not r["agrees"] for r in ref) == 5
    for r in ref:
        assert set(r) >= {"printed", "value", "agrees"}
        if not r["agrees"]:
            assert r["explained_by"]["name"] and r["explained_by"]["sentence"]
            assert agrees(r["explained_by"]["value"], r["printed"])
