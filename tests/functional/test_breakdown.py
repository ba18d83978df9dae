"""Breaking a step down (F4): where the post jumps (w6+ without dE_total/dw6, dE_o2/dout_h1
without delta_o2), what the step is made from and is not known yet is asked first, in place."""

import math

import pytest

from tutor.lesson.exercise import load
from tutor.lesson.session import Lesson
from tutor.lesson.store import Store
from tutor.lesson.workshop import gradebook, report_rows
from tutor.room.board import Ev, lesson_rows
from tutor.ui.app import BPTutorApp
from tutor.ui.dialogs import HELP

from ..conftest import answer_on_screen, answered_until


def go_to(lesson, step_id):
    while lesson.current.step.id != step_id:
        assert lesson.submit(repr(lesson.current.step.value)).credited


def ids(lesson, start, end):
    return [r.step.id for r in lesson.records[start:end]]


def test_nothing_missing_says_what_the_step_is_made_from():
    lesson = Lesson(load("mazur"))
    go_to(lesson, "w5+")
    n = len(lesson.records)
    parts, text = lesson.breakdown()
    assert parts == [] and len(lesson.records) == n and lesson.current.step.id == "w5+"
    assert text == "Everything w5+ is made from is known: w5, eta, dE_total/dw5."


def test_w6_plus_asks_its_gradient_first_and_the_name_is_usable_after():
    lesson = Lesson(load("mazur"))
    go_to(lesson, "w6+")
    k, n = lesson.index, len(lesson.records)
    assert "dE_total_dw6" not in lesson.known()
    parts, text = lesson.breakdown()
    # only what is missing: w6 and eta are given, dE_total/dw6 is never asked in the post
    assert [s.id for s in parts] == ["dE_total/dw6"]
    assert ids(lesson, k, k + 3) == ["dE_total/dw6", "w6+", "w7+"] and len(lesson.records) == n + 1
    assert lesson.current.step.id == "dE_total/dw6" and lesson.current.part_of == "w6+"
    assert "dE_total/dw6" in text and "asked first, then w6+" in text
    # the gradient is worked from names already known (dnet_o1/dw6 is out_h2)
    assert lesson.submit("dE_total/dout_o1 * dout_o1/dnet_o1 * out_h2").status == "right"
    assert lesson.known()["dE_total_dw6"] == lesson.exact["dE_total/dw6"]
    assert lesson.current.step.id == "w6+"
    assert lesson.submit("w6 - eta*dE_total/dw6").status == "right"
    assert lesson.current.step.id == "w7+"
    s = lesson.summary(comparisons=False)
    assert s.asked == n + 1 and s.first_try == k + 2


def test_delta_o2_before_dE_o2_dout_h1_one_level_at_a_time():
    lesson = Lesson(load("mazur"))
    go_to(lesson, "dE_o2/dout_h1")
    k = lesson.index
    assert lesson.submit("delta_o2 * w7").status == "invalid"   # never asked: cannot be typed
    parts, _ = lesson.breakdown()
    # one level: the two quantities dE_o2/dout_h1 is made from, in the update's order
    assert [s.id for s in parts] == ["delta_o2", "dnet_o2/dout_h1"]
    assert ids(lesson, k, k + 3) == ["delta_o2", "dnet_o2/dout_h1", "dE_o2/dout_h1"]
    # delta_o2 is made from two more unknowns: F4 again breaks it down in turn
    parts, _ = lesson.breakdown()
    assert [s.id for s in parts] == ["dE_total/dout_o2", "dout_o2/dnet_o2"]
    # steps done before stay usable while answering a step inserted before them in the update
    assert "dE_o1_dout_h1" in lesson.known()
    for answer in ("-(target_o2 - out_o2)", "out_o2*(1-out_o2)", "dE_total/dout_o2 * dout_o2/dnet_o2", "w7",
                   "delta_o2 * dnet_o2/dout_h1"):
        assert lesson.submit(answer).status == "right", (lesson.current.step.id, answer)
    assert lesson.current.step.id == "dE_total/dout_h1"
    assert lesson.known()["delta_o2"] == lesson.exact["delta_o2"]


def _sigmoid(x):
    return 1 / (1 + math.exp(-x))


def test_the_error_after_is_the_forward_pass_with_the_new_weights_asked_in_place():
    """Learner trial 18:50 #8: F4 at E_total+ said it "has no smaller steps", hint 2 repeated
    hint 1, the whole pass was too long to type. Now F4 asks the post's forward pass with
    w1+ .. w8+ (b1, b2 as they were), each quantity usable by name afterwards."""
    lesson = Lesson(load("mazur"))
    go_to(lesson, "E_total+")
    k, n = lesson.index, len(lesson.records)
    r = lesson.current
    assert lesson.hint_text(r, 1).endswith("Formula: E_total+ = E_o1+ + E_o2+")
    assert lesson.hint_text(r, 2) == "With the numbers: E_total+ = 0.267976501 + 0.0230512724"
    assert lesson.submit("out_o1+").message == "out_o1+ is not known yet: press F4 to work it out first."
    parts, text = lesson.breakdown()
    after = ["net_h1+", "out_h1+", "net_h2+", "out_h2+", "net_o1+", "out_o1+", "net_o2+", "out_o2+",
             "E_o1+", "E_o2+"]
    assert [s.id for s in parts] == after and ids(lesson, k, k + 11) == [*after, "E_total+"]
    assert len(lesson.records) == n + 10 and lesson.current.part_of == "E_total+"
    assert text == ("E_total+ comes from the forward pass again, with the new parameters: its 10 quantities "
                    "(net_h1+ .. E_o2+) are asked first, then E_total+ = E_o1+ + E_o2+.")
    # the pass worked by hand from the new weights, each answer by name as the post writes it
    w = {p: lesson.exact[f"{p}+"] for p in ("w1", "w2", "w3", "w4", "w5", "w6", "w7", "w8")}
    h1 = _sigmoid(w["w1"] * 0.05 + w["w2"] * 0.10 + 0.35)
    h2 = _sigmoid(w["w3"] * 0.05 + w["w4"] * 0.10 + 0.35)
    o1 = _sigmoid(w["w5"] * h1 + w["w6"] * h2 + 0.60)
    o2 = _sigmoid(w["w7"] * h1 + w["w8"] * h2 + 0.60)
    for answer, value in [("w1+*i1 + w2+*i2 + b1", None), ("sigmoid(net_h1+)", h1), ("w3+*i1 + w4+*i2 + b1", None),
                          ("1/(1+exp(-net_h2+))", h2), ("w5+*out_h1+ + w6+*out_h2+ + b2", None),
                          ("sigmoid(net_o1+)", o1), ("w7⁺*out_h1⁺ + w8⁺*out_h2⁺ + b2", None),
                          ("sigmoid(net_o2+)", o2), ("½*(target_o1 - out_o1+)^2", (0.01 - o1) ** 2 / 2),
                          ("½(0.99 - out_o2+)²".replace("½(", "½*("), (0.99 - o2) ** 2 / 2),
                          ("E_o1+ + E_o2+", 0.29102777369359933)]:
        step = lesson.current.step
        assert lesson.submit(answer).status == "right", (step.id, answer)
        if value is not None:
            assert step.value == pytest.approx(value, rel=1e-12), step.id
    assert lesson.finished and lesson.exact["E_total+"] == lesson.solution.error_after == 0.29102777369359933
    s = lesson.summary(comparisons=False)
    assert (s.asked, s.first_try, s.error_after) == (n + 10, n + 10, 0.29102777369359933)


# every bundled lesson's last step: (the step, what F4 asks first, the error after)
LAST = [
    ("mazur", "E_total+", 10, 0.29102777369359933),
    ("mazur-biases", "E_total+", 10, 0.2857508866992965),
    ("deep-tanh", "E_total+", 28, 0.048027710777604725),       # two samples in a batch: a pass for each
    ("two-samples-batch", "E_total+", 22, 0.511805836018882),
    ("softmax", "E_total_s1+", 15, 0.5954547964499725),        # online: the update's own sample only
    ("two-samples-online", "E_total_s1+", 10, 0.29189232199765364),
]


@pytest.mark.parametrize("name, last, count, error_after", LAST)
def test_every_bundled_lessons_error_after_breaks_down_and_each_part_is_usable_by_name(name, last, count, error_after):
    """The last step of each bundled lesson: hint 2 gives numbers, F4 asks the pass after the
    update, and every inserted step is answered by its own formula, by the names before it."""
    lesson = Lesson(load(name))
    while not lesson.current.step.kind == "error_after":
        assert lesson.submit(repr(lesson.current.step.value)).credited
    r = lesson.current
    assert r.step.id == last and lesson.hint_text(r, 2) != "With the numbers: " + lesson.hint_text(r, 1).split(
        "Formula: ")[1]
    assert lesson.missing() and all(s.id.endswith("+") for s in lesson.missing())
    parts, _ = lesson.breakdown()
    assert len(parts) == count and all(s.phase == "after" for s in parts)
    assert lesson.breakdown()[0] == []     # asked already: a second F4 asks nothing more
    while not lesson.finished:
        step = lesson.current.step
        assert lesson.submit(step.formula).status == "right", (step.id, step.formula)
    assert lesson.exact[last] == error_after
    assert sum(lesson.exact[d] for d in lesson.solution.step(last).depends) == pytest.approx(error_after, rel=1e-15)


def test_a_name_not_known_yet_says_what_to_do():
    """Learner trial 18:50 #9: "delta_o2 is not known yet: this lesson does not ask for it; use
    the values it is made from", and then F4 asked it. Now: F4 when breaking the step down asks
    it, the step that asks it, or (never asked) its parts; and a quantity whose every part the
    learner has is a name they may use (the post's delta_o1 at w6+, delta_h1 at w2+)."""
    lesson = Lesson(load("mazur"))
    go_to(lesson, "dE_total/dout_o1")
    assert lesson.submit("delta_o1").message == "delta_o1 is not known yet: it is asked at step 20."
    go_to(lesson, "w6+")
    assert lesson.submit("w6 - eta*dE_total/dw6").message == "dE_total/dw6 is not known yet: press F4 to work it out first."
    assert lesson.submit("w6 - eta*δ_o1*out_h2").status == "right"
    go_to(lesson, "w8+")
    assert lesson.submit("w8 - eta*dE_total/dw8").message == "dE_total/dw8 is not known yet: press F4 to work it out first."
    go_to(lesson, "dE_o2/dout_h1")
    assert lesson.submit("δ_o2*w7").message == "delta_o2 is not known yet: press F4 to work it out first."
    go_to(lesson, "dE_total/dout_h1")
    assert lesson.submit("delta_o1*w5 + delta_o2*w7").message == (
        "delta_o2 is not known yet: this lesson does not ask for it, so write it out from its parts "
        "(dE_total/dout_o2, dout_o2/dnet_o2).")
    # its parts are made from what the learner has: usable by name (one level, not delta_o2 itself)
    assert lesson.submit("dE_o1/dout_h1 + dE_total/dout_o2*dout_o2/dnet_o2*w7").status == "right"
    go_to(lesson, "w2+")
    assert lesson.submit("w2 - eta*δ_h1*i2").status == "right"


def state(lesson):
    return (lesson.index, [(r.step.id, r.part_of, r.attempts, r.hints, r.done) for r in lesson.records])


def test_a_breakdown_is_stored_and_resumed_to_the_same_place(tmp_path):
    store = Store(tmp_path / "home")
    lesson = Lesson(load("mazur"), "", store)
    go_to(lesson, "w6+")
    lesson.breakdown()
    lesson.submit("0.08")                     # a wrong answer at the inserted step
    lesson.hint()
    expected = state(lesson)
    del lesson, store

    again = Store(tmp_path / "home")
    events = again.events("mazur", "")
    assert [e.kind for e in events[-3:]] == ["breakdown", "answer", "hint"] and events[-3].step == "w6+"
    resumed = Lesson(load("mazur"), "", again)
    resumed.resume(events)
    assert state(resumed) == expected and resumed.current.step.id == "dE_total/dw6"
    # reports and the gradebook leave breakdowns out; the room's board passes over them
    rows = report_rows(again)
    assert {r["event"] for r in rows} == {"answer", "hint"}
    assert gradebook(rows)[0]["steps_done"] == 16
    evs = [Ev("ann", "mazur", "", e.step, e.kind, e.text, e.verdict, e.mistake, e.hints, e.at) for e in events]
    row, = lesson_rows(evs, {"mazur": [r.step.id for r in Lesson(load("mazur")).records]})
    assert row.current == "w6+"


def test_help_names_the_key():
    assert "F4       break the step down" in HELP


async def test_f4_on_the_lesson_screen_inserts_the_step_and_the_progress_grows():
    app = BPTutorApp(load("mazur"))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = app.screen
        go_to(screen.lesson, "w6+")
        screen.refresh_view()
        assert "step 17 of 32" in str(screen.query_one("#progress").render())
        await pilot.press("f4")
        await pilot.pause()
        assert screen.lesson.current.step.id == "dE_total/dw6"
        assert "step 17 of 33" in str(screen.query_one("#progress").render())
        assert "(first, for w6+)" in str(screen.query_one("#question").render())
        assert "asked first, then w6+" in str(screen.query_one("#feedback").render())
        screen.query_one("#answer").value = "dE_total/dout_o1 * dout_o1/dnet_o1 * out_h2"
        await pilot.press("enter")
        await pilot.pause()
        assert screen.lesson.current.step.id == "w6+"
        await pilot.press("f4")
        await pilot.pause()
        assert "Everything w6+ is made from is known: w6, eta, dE_total/dw6." in str(
            screen.query_one("#feedback").render())
        assert "step 18 of 33" in str(screen.query_one("#progress").render())


async def test_f4_at_the_error_after_on_the_screen_and_the_placeholder_names_its_parts():
    """The trial's last step: the placeholder named nothing; now it names what E_total+ is made
    from and how to get it, and F4 puts the pass after the update on screen, step by step."""
    answered_until("E_total+")
    app = BPTutorApp(load("mazur"))
    async with app.run_test(size=(100, 32)) as pilot:
        await pilot.pause()
        screen = app.screen
        box = screen.query_one("#answer")
        assert screen.lesson.current.step.id == "E_total+"
        assert box.placeholder == "a number (0.1234), or F4 to work out E_o1+, E_o2+ first"
        await pilot.press("f4")
        await pilot.pause()
        assert "step 32 of 42" in str(screen.query_one("#progress").render())
        assert "(first, for E_total+)" in str(screen.query_one("#question").render())
        assert box.placeholder == "a number (0.1234) or an expression using w1+, i1, w2+, i2, b1"
        await answer_on_screen(pilot, "w1+*i1 + w2+*i2 + b1")
        assert screen.lesson.current.step.id == "out_h1+" and screen.lesson.records[31].done
        assert "net_h1+" in box.placeholder


def test_a_value_from_before_the_update_in_the_pass_after_it_is_named():
    """net_h1+ is 0.3774452, net_h1 0.3775: 0.01% apart, inside the tolerance. The old value
    (an expression giving it, or its digits) is that slip, named; the new one is right."""
    lesson = Lesson(load("mazur"))
    go_to(lesson, "E_total+")
    v = lesson.submit("E_o1 + E_o2")
    assert v.status == "mistake" and v.message == (
        "That is E_total, the value before the update: E_total+ is worked with the new values (E_o1+, E_o2+).")
    lesson.breakdown()
    v = lesson.submit("w1*i1 + w2*i2 + b1")
    assert v.status == "mistake" and v.message == (
        "That is net_h1, the value before the update: net_h1+ is worked with the new values (w1+, w2+).")
    assert lesson.submit("0.3775").status == "more_digits"
    assert lesson.submit("0.37745").status == "right"          # exact 0.377445179
    assert lesson.submit("0.593269992").message == (          # out_h1, the post's figure before the update
        "That is out_h1, the value before the update: out_h1+ is worked with the new values (net_h1+).")
    assert lesson.submit("sigmoid(net_h1+)").status == "right"
    go_to(lesson, "net_o1+")
    assert lesson.submit("w5+*out_h1 + w6+*out_h2 + b2").message == (
        "You used out_h1, out_h2, from before the update: net_o1+ is worked with the new values (out_h1+, out_h2+).")
    assert lesson.submit("w5*out_h1+ + w6+*out_h2+ + b2").message == (
        "You used w5, from before the update: net_o1+ is worked with the new values (w5+).")
    assert lesson.submit("w5+*out_h1+ + w6+*out_h2+ + b2").status == "right"
    assert lesson.summary(comparisons=False).mistakes == {"a value from before the update in the pass after it": 5}
