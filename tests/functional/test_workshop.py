"""Variants, answer keys, results, completion codes, and the commands around them."""

import csv
import io
import json
import subprocess
import sys

import numpy as np
import pytest

from tutor.lesson.exercise import load
from tutor.lesson.session import Lesson
from tutor.lesson.store import Store
from tutor.lesson.variants import collisions, draw, variant
from tutor.lesson.workshop import (completion_code, key_html, key_markdown, progress_lines, report_rows,
                                    report_text, verify)

from ..conftest import answer_on_screen


def run(*args, ok=True):
    r = subprocess.run([sys.executable, "-m", "tutor", *args], capture_output=True, text=True)
    if ok:
        assert r.returncode == 0, r.stderr
    return r


# --- variants ------------------------------------------------------------------------------------

def test_variant_numbers_are_pinned():
    # these numbers must never change: teachers hand out names and keep the keys
    v = variant(load("mazur"), "alice")
    assert v.network.parameters() == {"w1": -0.2, "w2": -0.15, "w3": 0.1, "w4": 0.65, "w5": 0.55, "w6": -0.45,
                                      "w7": 0.7, "w8": 0.1, "b1": 0.65, "b2": 0.6}
    assert v.X.tolist() == [[0.55, 0.25]] and v.T.tolist() == [[0.14, 0.66]]
    assert v.settings.learning_rate == 0.55
    b = variant(load("mazur"), "bob")
    assert b.network.parameters()["w1"] == 0.45 and b.X.tolist() == [[0.35, 0.8]] and b.settings.learning_rate == 0.45


def test_same_name_same_numbers_other_name_other_numbers():
    a1, a2, c = variant(load("mazur"), "alice"), variant(load("mazur"), "alice"), variant(load("mazur"), "carol")
    assert np.array_equal(a1.network.theta, a2.network.theta) and not np.array_equal(a1.network.theta, c.network.theta)
    assert variant(load("mazur"), "").network.parameters()["w1"] == 0.15   # no name: the file's numbers


def test_a_colliding_draw_is_drawn_again():
    ex = load("mazur")
    # alice's first two draws are ambiguous (the draws are pinned, so this never changes):
    # draw 0 makes the updated-weights slip on w3+ look right, draw 1 has i1 = i2
    assert any("w3+: the mistake 'already-updated weights" in c for c in collisions(draw(ex, "alice", 0)))
    second = draw(ex, "alice", 1)
    assert second.X[0, 0] == second.X[0, 1]
    assert any("'wrong input for the weight' gives 0.35, which counts as the right answer" in c
               for c in collisions(second))
    chosen = variant(ex, "alice")
    first_clear = next(k for k in range(20) if not collisions(draw(ex, "alice", k)))
    assert first_clear >= 2 and not collisions(chosen)
    assert np.array_equal(chosen.network.theta, draw(ex, "alice", first_clear).network.theta)


@pytest.mark.parametrize("name", [f"learner {k}" for k in range(25)])
def test_every_variant_tells_mistakes_apart(name):
    assert collisions(variant(load("mazur"), name)) == []


def test_the_posts_own_numbers_hide_one_mistake():
    # i2 = 2 x i1 in the post: a swapped input looks like a gradient not halved
    found = collisions(load("mazur"))
    assert found == ["dE_total/dw1: the mistakes 'wrong input for the weight' and 'the 2 and the 1/2 not "
                     "cancelled' both give 0.000877135"]


def test_exercise_ranges_are_used(tmp_path):
    text = load("mazur").path.read_text().split("\n[variants]")[0] + "\n[variants]\nweights = [0.1, 0.2]\nlearning_rate = [0.1, 0.2]\nstep = 0.01\n"
    path = tmp_path / "narrow.toml"
    path.write_text(text)
    v = variant(load(str(path)), "dan")
    assert all(0.1 <= v.network.parameters()[f"w{k}"] <= 0.2 for k in range(1, 9))
    assert 0.1 <= v.settings.learning_rate <= 0.2


# --- completion codes ------------------------------------------------------------------------------

def test_completion_codes_verify_and_forgeries_fail():
    code = completion_code("mazur", "alice", 31, 32)
    assert verify(code, "alice").valid
    assert "mazur" in verify(code, "alice").message and "31 of 32" in verify(code, "alice").message
    assert not verify(code, "bob").valid                                   # copied from another learner
    assert not verify(code.replace("31/32", "32/32"), "alice").valid      # score changed
    assert not verify("32/32-ABCDEFGH", "alice").valid                    # made up
    assert not verify("hello", "alice").valid


def test_verify_command():
    code = completion_code("mazur", "alice", 30, 32)
    assert "Valid: mazur" in run("verify", code, "--variant", "alice").stdout
    r = run("verify", code, "--variant", "bob", ok=False)
    assert r.returncode == 1 and "Not valid" in r.stdout


# --- keys, results, progress ------------------------------------------------------------------------

def test_answer_keys():
    ex = load("mazur")
    md = key_markdown(ex, ["alice", "bob"])
    assert md.count("# A Step by Step Backpropagation Example: answer key, variant") == 2
    alice = variant(ex, "alice")
    lesson = Lesson(alice, "alice")
    for r in lesson.records:
        assert f"| {r.step.id} |" in md and f"{r.step.value:.9g}" in md
    page = key_html(ex, ["alice", "<script>"])
    assert page.count("<section>") == 2 and "<script>" not in page and "&lt;script&gt;" in page
    assert "page-break-after" in page


def test_report_and_progress(tmp_path):
    store = Store(tmp_path / "home")
    lesson = Lesson(variant(load("mazur"), "alice"), "alice", store)
    lesson.submit("0.1")
    lesson.submit(repr(lesson.current.step.value))
    lesson.hint()
    rows = list(csv.DictReader(io.StringIO(report_text(store, "csv"))))
    assert [(r["learner"], r["variant"], r["exercise"], r["step"], r["event"], r["answer"], r["verdict"])
            for r in rows] == [
        ("", "alice", "mazur", "net_h1", "answer", "0.1", "wrong"),
        ("", "alice", "mazur", "net_h1", "answer", repr(lesson.records[0].step.value), "right"),
        ("", "alice", "mazur", "out_h1", "hint", "", "")]
    assert json.loads(report_text(store, "json"))[0]["variant"] == "alice"
    lines = progress_lines(store)
    assert lines == ["A Step by Step Backpropagation Example (mazur, variant 'alice'): 1 of 32 steps done, at out_h1; "
                     "right at the first try: 0; mistakes met: none"]


def test_commands_on_a_store(tmp_path, monkeypatch):
    home = tmp_path / "home"
    monkeypatch.setenv("BPTUTOR_HOME", str(home))
    lesson = Lesson(load("mazur"), "", Store(home))
    lesson.submit("0.0275")   # the bias left out
    assert "mistakes met: bias left out of a net input" in run("progress").stdout
    assert "bias left out of a net input" in run("report").stdout
    assert run("list").stdout.startswith("mazur")


def test_check_exercise_command(tmp_path):
    out = run("check-exercise", "mazur", "--allow-collisions").stdout
    assert "the file is valid" in out and "both give 0.000877135" in out
    bad = tmp_path / "bad.toml"
    bad.write_text("title = 1")
    r = run("check-exercise", str(bad), ok=False)
    assert r.returncode == 2 and r.stderr.startswith(f"bptutor: {bad}: title:") and "Traceback" not in r.stderr


async def test_a_variant_lesson_ends_with_a_code_the_teacher_accepts():
    from tutor.ui.app import BPTutorApp
    from tutor.ui.summary import SummaryScreen

    app = BPTutorApp(variant(load("mazur"), "alice"), variant="alice")
    async with app.run_test(size=(100, 30)) as pilot:
        lesson = app.screen.lesson
        assert lesson.variant == "alice" and lesson.exact["w1"] == -0.2
        while not lesson.finished:
            await answer_on_screen(pilot, f"{lesson.current.step.value:.9g}", typed=False)
        await pilot.pause()
        assert isinstance(app.screen, SummaryScreen)
        text = str(app.screen.query_one("#summary-text").render())
        code = text.split("Completion code (variant alice): ")[1].split()[0]
        assert verify(code, "alice").valid and "32 of 32" in verify(code, "alice").message


# --- gradebooks ---------------------------------------------------------------------------------------

def finish_with(lesson, plan):
    """plan: per step, 'r' right, 'w' wrong then right, 'h' a hint then right, 's' shown."""
    for p in plan:
        step = lesson.current.step
        if p == "w":
            lesson.submit("0.0001")
        if p == "h":
            lesson.hint()
        if p == "s":
            lesson.hint(), lesson.hint(), lesson.hint()
            continue
        lesson.submit(repr(step.value))


def test_report_has_rows_for_hints_and_answers_shown(tmp_path):
    """Today a step finished by "answer shown" had no row: 10 of 11 looked like 11 of 11."""
    store = Store(tmp_path / "home")
    finish_with(Lesson(load("mazur"), "", store), "rrs")
    rows = report_rows(store)
    assert [(r["step"], r["event"], r["hints"]) for r in rows] == [
        ("net_h1", "answer", 0), ("out_h1", "answer", 0),
        ("net_h2", "hint", 1), ("net_h2", "hint", 2), ("net_h2", "shown", 3)]


def test_a_gradebook_from_the_store_one_row_per_learner(tmp_path):
    from tutor.lesson.workshop import gradebook

    ann = Store(tmp_path / "home", room="R1", learner="Ann")
    bob = Store(tmp_path / "home", room="R1", learner="Bob")
    finish_with(Lesson(load("mazur"), "", ann), "rwhsr")
    finish_with(Lesson(load("xor"), "", ann), "r")
    finish_with(Lesson(load("mazur"), "", bob), "ww")
    book = gradebook(report_rows(Store(tmp_path / "home"), room="R1"))
    assert [{k: v for k, v in row.items() if k != "minutes"} for row in book] == [
        {"room": "R1", "learner": "Ann", "lessons": 2, "steps_done": 6, "first_try": 4, "after_tries": 1, "shown": 1,
         "answers": 6, "right": 5, "wrong": 1, "mistakes": 0, "unreadable": 0, "hints": 3},
        {"room": "R1", "learner": "Bob", "lessons": 1, "steps_done": 2, "first_try": 0, "after_tries": 2, "shown": 0,
         "answers": 4, "right": 2, "wrong": 2, "mistakes": 0, "unreadable": 0, "hints": 0}]
    assert all(row["minutes"] >= 0 for row in book)


def test_every_answer_in_the_log_is_in_a_gradebook_column(tmp_path):
    """Today a plain wrong answer (no known mistake) was in the answer log and in no column of
    the gradebook. Now steps_done = first_try + after_tries + shown, and the answer rows of
    the log = right + wrong + unreadable; hints and shown are the log's hint and shown rows."""
    from tutor.lesson.workshop import gradebook

    store = Store(tmp_path / "home", room="R1", learner="Ann")
    lesson = Lesson(load("mazur"), "", store)
    lesson.submit("0.0001")                             # net_h1: plain wrong,
    lesson.submit("hello")                              # unreadable,
    lesson.submit(repr(lesson.current.step.value))      # right: after tries
    lesson.submit("0.6")                                # out_h1: too few digits,
    lesson.hint(), lesson.hint(), lesson.hint()         # then shown
    lesson.submit(repr(lesson.current.step.value))      # net_h2: right at the first try
    while lesson.current.step.id != "dout_o1/dnet_o1":
        lesson.submit(repr(lesson.current.step.value))
    lesson.submit("net_o1*(1-net_o1)")                  # a named mistake
    lesson.hint()
    lesson.submit(repr(lesson.current.step.value))
    log = report_rows(Store(tmp_path / "home"), room="R1")
    row, = gradebook(log)
    answers = [r for r in log if r["event"] == "answer"]
    assert {k: row[k] for k in ("steps_done", "first_try", "after_tries", "shown", "answers", "right", "wrong",
                                "mistakes", "unreadable", "hints")} == {
        "steps_done": 13, "first_try": 10, "after_tries": 2, "shown": 1, "answers": 16, "right": 12, "wrong": 3,
        "mistakes": 1, "unreadable": 1, "hints": 3}
    assert row["answers"] == len(answers) == row["right"] + row["wrong"] + row["unreadable"]
    assert row["steps_done"] == row["first_try"] + row["after_tries"] + row["shown"]
    assert row["wrong"] == sum(r["verdict"] in ("wrong", "mistake", "more_digits") for r in answers)
    assert row["hints"] == sum(r["event"] == "hint" for r in log)
    assert row["shown"] == sum(r["event"] == "shown" for r in log)


def test_a_gradebook_from_exported_reports(tmp_path):
    from tutor.lesson.workshop import ReportError, gradebook, read_report

    for name, plan, fmt in (("ann", "rrs", "csv"), ("bob", "wr", "json")):
        store = Store(tmp_path / name)
        finish_with(Lesson(load("mazur"), "", store), plan)
        (tmp_path / f"{name}.{fmt}").write_text(report_text(store, fmt))
    rows = read_report(str(tmp_path / "ann.csv")) + read_report(str(tmp_path / "bob.json"))
    book = gradebook(rows)
    assert [(b["learner"], b["steps_done"], b["first_try"], b["hints"], b["shown"]) for b in book] == [
        ("ann", 3, 2, 2, 1), ("bob", 2, 1, 0, 0)]
    (tmp_path / "bad.csv").write_text("a,b\n1,2\n")
    with pytest.raises(ReportError, match=r"bad.csv: is not a report from bptutor report \(no column event, "):
        read_report(str(tmp_path / "bad.csv"))
    (tmp_path / "bad.json").write_text('[{"learner": "x"}]')
    with pytest.raises(ReportError, match=r"bad.json: row 1: not a row of bptutor report \(missing event, "):
        read_report(str(tmp_path / "bad.json"))


def test_a_code_from_a_teachers_own_exercise_verifies(tmp_path):
    """Today the code hashed the file's absolute path on the learner's laptop, and verify tried
    only the bundled lessons: a real code from a teacher's file never verified."""
    text = load("mazur").path.read_text().replace('title = "', 'title = "Workshop: ')
    (tmp_path / "learner").mkdir()
    (tmp_path / "teacher").mkdir()
    (tmp_path / "learner" / "w1.toml").write_text(text)
    (tmp_path / "teacher" / "week1.toml").write_text(text)
    lesson = Lesson(variant(load(str(tmp_path / "learner" / "w1.toml")), "Ann Lee"), "Ann Lee")
    code = completion_code(lesson.key, "Ann Lee", 30, 32)
    out = run("verify", code, "--variant", "Ann Lee", "--exercise", str(tmp_path / "teacher" / "week1.toml")).stdout
    assert out.startswith(f"Valid: {tmp_path / 'teacher' / 'week1.toml'} (Workshop: ")
    assert "30 of 32" in out and "anyone who reads bptutor's source can make one" in out
    r = run("verify", code, "--variant", "Ann Lee", ok=False)
    assert r.returncode == 1 and "add --exercise FILE" in r.stdout
    r = run("verify", code, "--variant", "Ann Lee", "--exercise", str(tmp_path / "nope.toml"), ok=False)
    assert r.returncode == 2 and "no such file" in r.stderr and "Traceback" not in r.stderr


def test_gradebook_command_from_exported_reports(tmp_path):
    for name, plan in (("ann", "rws"), ("bob", "r")):
        store = Store(tmp_path / name)
        finish_with(Lesson(load("mazur"), "", store), plan)
        (tmp_path / f"{name}.csv").write_text(report_text(store, "csv"))
    out = run("gradebook", str(tmp_path / "ann.csv"), str(tmp_path / "bob.csv")).stdout
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [(r["learner"], r["steps_done"], r["first_try"], r["hints"], r["shown"]) for r in rows] == [
        ("ann", "3", "1", "2", "1"), ("bob", "1", "1", "0", "0")]
    (tmp_path / "x.csv").write_text("nonsense")
    r = run("gradebook", str(tmp_path / "x.csv"), ok=False)
    assert r.returncode == 2 and r.stderr.startswith(f"bptutor: {tmp_path / 'x.csv'}: ") and "Traceback" not in r.stderr


def test_gradebook_command_from_the_store_when_no_room_was_opened(tmp_path, monkeypatch):
    home = tmp_path / "home"
    monkeypatch.setenv("BPTUTOR_HOME", str(home))
    finish_with(Lesson(variant(load("mazur"), "alice"), "alice", Store(home)), "rs")
    rows = list(csv.DictReader(io.StringIO(run("gradebook").stdout)))
    assert [(r["learner"], r["steps_done"], r["first_try"], r["shown"]) for r in rows] == [("alice", "2", "1", "1")]


async def test_a_lessons_header_says_whose_numbers_it_has():
    from tutor.ui.app import BPTutorApp

    app = BPTutorApp(variant(load("mazur"), "Ann Lee"), variant="Ann Lee")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert "Ann Lee's numbers" in str(app.screen.query_one("#progress").render())


def test_progress_keeps_a_finished_attempt_after_starting_again(tmp_path):
    """Opening a finished lesson and starting again must not make the finished attempt
    vanish from bptutor progress: it stays as an earlier attempt with its score."""
    from tutor.lesson.opening import open_lesson, start_again

    store = Store(tmp_path / "home")
    opening = open_lesson("mazur", "", store)
    lesson = opening.lesson
    lesson.submit("0.1")                       # one wrong answer, then every step right
    while not lesson.finished:
        lesson.submit(repr(lesson.current.step.value))
    again = open_lesson("mazur", "", store)
    assert again.finished
    fresh = start_again(again)
    fresh.submit(repr(fresh.current.step.value))
    lines = progress_lines(store)
    assert lines[0].startswith("A Step by Step Backpropagation Example (mazur, own numbers): 1 of 32 steps done, "
                               "at out_h1; right at the first try: 1;")
    assert len(lines) == 2 and lines[1].startswith("    earlier attempt (")
    assert lines[1].endswith("): finished; right at the first try: 31 of 32")
