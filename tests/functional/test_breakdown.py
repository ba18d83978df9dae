"""Breaking a step down (F4): where the post jumps (w6+ without dE_total/dw6, dE_o2/dout_h1
without delta_o2), what the step is made from and is not known yet is asked first, in place."""

from tutor.lesson.exercise import load
from tutor.lesson.session import Lesson
from tutor.lesson.store import Store
from tutor.lesson.workshop import gradebook, report_rows
from tutor.room.board import Ev, lesson_rows
from tutor.ui.app import BPTutorApp
from tutor.ui.dialogs import HELP


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


def test_the_last_step_has_nothing_to_break_down():
    lesson = Lesson(load("mazur"))
    go_to(lesson, "E_total+")
    parts, text = lesson.breakdown()
    assert parts == [] and text.startswith("E_total+ has no smaller steps")


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
