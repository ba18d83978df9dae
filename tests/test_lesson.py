"""The lesson without a screen: asking, checking, mistakes, follow-through, hints."""

import pytest

from tutor.lesson.exercise import load
from tutor.lesson.session import Lesson

POST_ASKED = [
    "net_h1", "out_h1", "net_h2", "out_h2", "net_o1", "out_o1", "net_o2", "out_o2",
    "E_o1", "E_o2", "E_total", "dE_total/dout_o1", "dout_o1/dnet_o1", "dnet_o1/dw5", "dE_total/dw5", "w5+",
    "w6+", "w7+", "w8+", "delta_o1", "dnet_o1/dout_h1", "dE_o1/dout_h1", "dE_o2/dout_h1", "dE_total/dout_h1",
    "dout_h1/dnet_h1", "dnet_h1/dw1", "dE_total/dw1", "w1+", "w2+", "w3+", "w4+", "E_total+",
]


@pytest.fixture
def lesson():
    return Lesson(load("mazur"))


def go_to(lesson, step_id):
    while lesson.current.step.id != step_id:
        assert lesson.submit(repr(lesson.current.step.value)).status == "right"


def test_the_post_lesson_asks_what_the_post_computes(lesson):
    assert [r.step.id for r in lesson.records] == POST_ASKED


def test_whole_lesson_with_exact_answers(lesson):
    while not lesson.finished:
        assert lesson.submit(f"{lesson.current.step.value:.9g}").status == "right", lesson.current.step.id
    s = lesson.summary()
    assert s.asked == 32 and s.first_try == 32 and s.hints == 0 and s.revealed == 0 and s.mistakes == {}
    assert s.error_after == pytest.approx(0.2910277737, rel=1e-9)


@pytest.mark.parametrize("step_id, answer, status", [
    ("net_h1", "0.3775", "right"),
    ("net_h1", ".3775", "right"),
    ("net_h1", "3.775e-1", "right"),
    ("net_h1", "w1*i1 + w2*i2 + b1", "right"),
    ("out_h1", "1/(1+exp(-net_h1))", "right"),
    ("out_h1", "0.5933", "right"),
    ("out_h1", "0.59", "right"),            # the exact value rounds to it
    ("out_h1", "0.6", "more_digits"),
    ("dout_o1/dnet_o1", "out_o1*(1-out_o1)", "right"),
    ("dE_total/dout_o1", "-(0.01-out_o1)", "right"),
    ("dE_total/dout_o1", "out_o1 - target_o1", "right"),
    ("w5+", "0.35891648", "right"),
    ("w5+", "w5 - eta*dE_total_dw5", "right"),
    ("w1+", "0.1498", "more_digits"),        # too short to show a change of 0.00022
    ("w1+", "0.14978", "right"),             # implied step 0.00022 within 1%
    ("net_h1", "0.3", "wrong"),
])
def test_answers(lesson, step_id, answer, status):
    go_to(lesson, step_id)
    assert lesson.submit(answer).status == status


@pytest.mark.parametrize("step_id, answer, name", [
    ("net_h1", "0.0275", "bias left out of a net input"),
    ("out_h1", "1/(1+exp(-1/(1+exp(-0.3775))))", "logistic function applied twice"),
    ("out_h1", "1/(1+exp(0.3775))", "sign of the exponent"),
    ("E_o1", "(0.01 - out_o1)^2", "the 1/2 of the error forgotten"),
    ("dE_total/dout_o1", "0.01 - out_o1", "sign of -(target - out)"),
    ("dout_o1/dnet_o1", "net_o1*(1-net_o1)", "derivative taken on net instead of out"),
    ("dnet_o1/dw5", "out_h2", "wrong input for the weight"),
    ("dE_total/dw5", "dE_total_dout_o1*out_h1", "the output's derivative left out"),
    ("w5+", "0.4 - 0.082167041", "the learning rate forgotten"),
    ("w5+", "0.4 + 0.5*0.082167041", "gradient added instead of subtracted"),
    ("delta_o1", "dE_total_dout_o1", "the output's derivative left out of a delta"),
    ("dnet_o1/dout_h1", "0.35891648", "already-updated weights used on the way back"),
    ("dnet_o1/dout_h1", "0.45", "the wrong connecting weight"),
    ("dE_o1/dout_h1", "dE_total_dout_o1 * w5", "dE/dout used where the node delta belongs"),
    ("dE_total/dout_h1", "dE_o1_dout_h1", "only one output's contribution"),
    ("E_total+", "0.291027924", "already-updated weights used on the way back"),
])
def test_mistakes_are_named(lesson, step_id, answer, name):
    go_to(lesson, step_id)
    v = lesson.submit(answer)
    assert v.status == "mistake", (v.status, v.message)
    assert v.mistake.name == name
    assert v.message.endswith(".") and len(v.message) > 30
    assert lesson.current.step.id == step_id  # the step stays open
    assert lesson.summary().mistakes == {name: 1}


def test_hidden_gradient_with_updated_output_weights(lesson):
    go_to(lesson, "w1+")
    # w1+ as it comes out when dE_total/dw1 is taken through w5+..w8+
    assert lesson.submit("0.1498176").mistake.name == "already-updated weights used on the way back"


def test_follow_through_on_a_rounded_earlier_answer(lesson):
    go_to(lesson, "out_h1")
    assert lesson.submit("0.59").status == "right"
    go_to(lesson, "net_o1")
    # done right with the learner's own out_h1 = 0.59: 0.4*0.59 + 0.45*out_h2 + 0.6
    v = lesson.submit("1.10459")
    assert v.status == "follow_through" and v.upstream == ["out_h1"]
    assert "out_h1" in v.message and "0.593269992" in v.message
    assert lesson.current.step.id == "out_o1"


def test_garbage_and_hostile_input_get_a_sentence(lesson):
    for text in ["", "abc", "__import__('os').system('echo hi')", "9**9**9**9", "x" * 10_000, "1/0", "out_o2"]:
        v = lesson.submit(text)
        assert v.status == "invalid" and v.message.endswith(".")
    assert lesson.current.step.id == "net_h1"
    assert all(r.attempts == [] for r in lesson.records)


def test_hints_in_stages_then_the_answer(lesson):
    stage, text = lesson.hint()
    assert stage == 1 and "net input of h1" in text and "w1*i1 + w2*i2 + b1*1" in text
    stage, text = lesson.hint()
    assert stage == 2 and "0.15*0.05 + 0.2*0.1 + 0.35*1" in text
    stage, text = lesson.hint()
    assert stage == 3 and "0.3775" in text and "No first-try credit" in text
    assert lesson.current.step.id == "out_h1"
    s = lesson.summary()
    assert s.revealed == 1 and s.first_try == 0 and s.hints == 2


def test_a_hint_does_not_forfeit_first_try(lesson):
    lesson.hint()
    assert lesson.submit("0.3775").status == "right"
    assert lesson.records[0].first_try


def test_lesson_ask_must_name_steps(tmp_path):
    from tutor.lesson.exercise import ExerciseError
    text = (load("mazur").path.read_text().split("[lesson]")[0] + '[lesson]\nask = ["net_h1", "net_h9"]\n')
    path = tmp_path / "m.toml"
    path.write_text(text)
    with pytest.raises(ExerciseError, match=r"lesson.ask\[1\]: 'net_h9' is not a step of this update"):
        Lesson(load(str(path)))


@pytest.mark.parametrize("name", ["xor", "deep-tanh", "softmax"])
def test_other_exercises_can_be_done(name):
    lesson = Lesson(load(name))
    while not lesson.finished:
        assert lesson.submit(f"{lesson.current.step.value:.12g}").status == "right", lesson.current.step.id
