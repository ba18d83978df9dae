"""The workshop room: names, the gate, the server on loopback with real HTTP and websocket
clients, the learner's restricted app, the board and the gradebook."""

from __future__ import annotations

import asyncio
import json
import os
import re
import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

pytest.importorskip("textual_serve", reason="pip install -e '.[test]' again: the room needs textual-serve")

import aiohttp  # noqa: E402 (comes with textual-serve)

from tutor.room.board import Ev, lesson_rows, room_mistakes
from tutor.room.client import ENTER, F2, PageClient
from tutor.room.config import RoomConfig, normalise_name, same_code
from tutor.room.gate import WRONG_CODES_PER_MINUTE, Bucket, Gate, Refused, read_message
from tutor.room.server import RoomServer

CODE = "K7QX2M"


# --- names and codes ---------------------------------------------------------------------------
@pytest.mark.parametrize("typed", ["ann lee ", "  ANN   LEE", "Ann\u00a0Lee", "ann\tlee", "aNN lEe\u200b"])
def test_one_learner_however_the_name_is_typed(typed):
    assert normalise_name(typed) == "Ann Lee"


def test_names_keep_their_shape():
    assert normalise_name("o'brien") == "O'Brien"
    assert normalise_name("anne-marie dupont") == "Anne-Marie Dupont"
    assert normalise_name("zoë") == "Zoë"
    assert normalise_name("") == normalise_name("   ") == normalise_name("1234") == ""
    assert normalise_name("a" * 41) == ""


@given(st.text(max_size=60))
@example("ῢ")  # capitalised, it decomposed into three code points: a second pass changed it
def test_normalising_never_fails_and_is_stable(raw):
    name = normalise_name(raw)
    assert normalise_name(name) == name
    assert len(name) <= 40 and name == name.strip()


def test_codes_compare_without_case_spaces_or_dashes():
    assert same_code("k7q-x2m", CODE) and same_code(" K7Q X2M ", CODE)
    assert not same_code("K7QX2N", CODE) and not same_code("", CODE)


# --- the gate ------------------------------------------------------------------------------------
def test_gate_refuses_a_wrong_code_and_admits_the_right_one():
    gate = Gate(CODE, 40)
    with pytest.raises(Refused, match="not this room's code"):
        gate.join("Ann", "WRONG1", "10.0.0.1")
    token, learner = gate.join("ann ", "k7qx2m", "10.0.0.1")
    assert learner == "Ann" and gate.learner(token) == "Ann" and gate.learner("forged") is None


def test_gate_caps_learners_but_lets_a_learner_back_in():
    gate = Gate(CODE, 2)
    gate.join("Ann", CODE, "a")
    gate.join("Bob", CODE, "b")
    with pytest.raises(Refused, match="full"):
        gate.join("Cat", CODE, "c")
    _, learner = gate.join(" ANN", CODE, "d")  # Ann again, from another browser
    assert learner == "Ann"


def test_gate_stops_guessing_codes():
    gate = Gate(CODE, 40)
    for _ in range(WRONG_CODES_PER_MINUTE):
        with pytest.raises(Refused):
            gate.join("Eve", "AAAAAA", "6.6.6.6", now=100.0)
    with pytest.raises(Refused, match="Too many wrong codes"):
        gate.join("Eve", CODE, "6.6.6.6", now=110.0)  # even the right code, for a minute
    gate.join("Ann", CODE, "10.0.0.1", now=110.0)  # others are not held up
    gate.join("Eve", CODE, "6.6.6.6", now=170.0)


def test_bucket_allows_typing_and_stops_a_flood():
    b = Bucket(capacity=10, rate=5)
    assert all(b.take(now=0.0) for _ in range(10))
    assert not b.take(now=0.0)
    assert b.take(now=0.2)  # one token back after 0.2 s at 5 a second


@pytest.mark.parametrize("message, read", [
    ('["stdin", "0.3775\\r"]', ("stdin", "0.3775\r")),
    ('["resize", {"width": 100, "height": 32}]', ("resize", (100, 32))),
    ('["ping", "1700000000000"]', ("ping", "1700000000000")),
    ('["focus"]', ("focus", None)),
])
def test_the_pages_own_messages_are_read(message, read):
    assert read_message(message) == read


@pytest.mark.parametrize("message", [
    "hello", "", "{}", "[]", "[1]", '["stdin"]', '["stdin", 5]', '["stdin", "' + "x" * 5000 + '"]',
    '["resize", {"width": 100000, "height": 32}]', '["resize", {"width": "a", "height": 3}]',
    '["exec", "rm -rf /"]', '["quit"]', "[" * 100_000,
])
def test_anything_else_is_garbage(message):
    with pytest.raises(ValueError):
        read_message(message)


@given(st.text(max_size=200))
@settings(max_examples=300)
def test_garbage_never_gets_past_the_reader(text):
    try:
        kind, _ = read_message(text)
    except ValueError:
        return
    assert kind in ("stdin", "resize", "ping", "focus", "blur")


# --- the server, on loopback -----------------------------------------------------------------------
def make_room(home: Path, exercises=("mazur",), **kw) -> tuple[RoomConfig, Path]:
    room = RoomConfig(room="test-room", code=CODE, exercises=list(exercises), titles=list(exercises),
                      home=str(home), **kw)
    path = home / "rooms" / "test-room" / "room.json"
    room.save(path)
    return room, path


@pytest.fixture
def room_server():
    servers = []
    # a short folder: the room's folder holds the zygote's unix socket, whose path may have 107
    # bytes at most, and tmp_path under pytest-xdist (/tmp/pytest-of-root/pytest-N/popen-gw2/
    # test_a_learner_answers_reloads0/…) is longer than that
    home = Path(tempfile.mkdtemp(prefix="bptutor-room-"))

    def start(zygote: bool = True, **kw) -> RoomServer:
        room, path = make_room(home, **kw)
        server = RoomServer(room, path, port=0, zygote=zygote)
        server.start()
        servers.append(server)
        return server

    yield start
    for s in servers:
        s.stop()
    shutil.rmtree(home, ignore_errors=True)


def children() -> set[int]:
    """Processes started by this one (the learners' apps)."""
    out = set()
    for task in Path(f"/proc/{os.getpid()}/task").iterdir():
        try:
            out |= {int(p) for p in (task / "children").read_text().split()}
        except OSError:
            pass
    return out


async def test_the_join_page_warns_about_phones_and_starts_nothing(room_server):
    server = room_server()
    before = children()
    async with aiohttp.ClientSession() as s:
        async with s.get(f"http://127.0.0.1:{server.port}/") as r:
            page = await r.text()
    assert r.status == 200 and "does not work on phones or tablets" in page and "Room code" in page
    assert children() == before


async def test_no_process_before_the_code(room_server):
    server = room_server()
    before = children()
    base = f"http://127.0.0.1:{server.port}"
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as s:
        with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
            await s.ws_connect(f"{base}/ws")
        assert refused.value.status == 403
        async with s.post(f"{base}/join", data={"name": "Eve", "code": "AAAAAA"}) as r:
            assert r.status == 403 and "not this room" in await r.text()
        with pytest.raises(aiohttp.WSServerHandshakeError):  # a wrong code gives no cookie
            await s.ws_connect(f"{base}/ws")
        s.cookie_jar.update_cookies({"bptutor_room": "made-up-token"})
        with pytest.raises(aiohttp.WSServerHandshakeError):
            await s.ws_connect(f"{base}/ws")
    assert children() == before and server.connections == {}


async def test_the_lesson_page_needs_nothing_from_the_internet(room_server):
    server = room_server()
    base = f"http://127.0.0.1:{server.port}"
    c = PageClient(base)
    try:
        assert await c.join("Ann", CODE) == 200
        async with c.session.get(f"{base}/") as r:
            page = await r.text()
        assert f'data-session-websocket-url="ws://127.0.0.1:{server.port}/ws"' in page
        assert "https://" not in page and "googleapis" not in page
        for asset in re.findall(r"(?:src|href)=\"(/static/[^\"]+)\"|url\('(/static/[^']+)'\)", page):
            async with c.session.get(base + "".join(asset)) as r:
                assert r.status == 200, asset
    finally:
        await c.close()


async def test_the_cap_on_learners(room_server):
    server = room_server(max_learners=1)
    base = f"http://127.0.0.1:{server.port}"
    ann, bob = PageClient(base), PageClient(base)
    try:
        assert await ann.join("Ann", CODE) == 200
        assert await bob.join("Bob", CODE) == 403
        assert await PageClient(base, ann.session).join("ann", CODE) == 200  # Ann again
    finally:
        await ann.close()
        await bob.close()


@pytest.mark.parametrize("send", ["garbage", "binary", "flood"])
async def test_a_bad_connection_is_closed_and_its_process_ended(room_server, send):
    server = room_server()
    c = PageClient(f"http://127.0.0.1:{server.port}")
    try:
        assert await c.join("Mallory", CODE) == 200
        await c.connect()
        if send == "garbage":
            await c.ws.send_str("GET /etc/passwd")
        elif send == "binary":
            await c.ws.send_bytes(b"\x00\x01\x02")
        else:
            for _ in range(3000):
                await c.ws.send_str(json.dumps(["stdin", "x"]))
        code, _ = await c.wait_closed(timeout=20)
        assert code == aiohttp.WSCloseCode.POLICY_VIOLATION
        for _ in range(100):  # the process is ended, and the connection forgotten
            if not server.connections:
                break
            await asyncio.sleep(0.1)
        assert server.connections == {}
        assert server.closed_for["flood" if send == "flood" else "garbage"] == 1
    finally:
        await c.close()


@pytest.mark.parametrize("zygote", [True, False])
async def test_a_learner_answers_reloads_and_comes_back_to_the_same_step(room_server, tmp_path, zygote):
    from tutor.room.server import Forked

    server = room_server(zygote=zygote)
    base = f"http://127.0.0.1:{server.port}"
    c = PageClient(base)
    try:
        assert await c.join(" ann  lee", CODE) == 200
        await c.connect()
        await c.wait_for("step 1 of 32", timeout=60)
        process = server.connections["Ann Lee"].process._process
        assert isinstance(process, Forked) == zygote  # forked from the warm zygote, or started afresh
        mark = c.mark()
        await c.keys("0.3775" + ENTER)
        assert await c.wait_for("✓ Right.", "✗ Not yet.", since=mark) == "✓ Right."
        await c.wait_for("step 2 of 32", since=mark)
        mark = c.mark()
        await c.keys("0.5" + ENTER)
        await c.wait_for("✗ Not yet.", since=mark)
        await c.ws.close()  # the tab is closed
        await c.wait_closed()
        c2 = PageClient(base, c.session)  # the same browser, reloading
        await c2.connect()
        await c2.wait_for("step 2 of 32", timeout=60)
        mark = c2.mark()
        await c2.keys(F2)
        await c2.wait_for("Hint 1 of 3", since=mark)
        await c2.close()
        if zygote:
            for _ in range(100):  # the learner's process has ended with the connection
                if not process._alive():
                    break
                await asyncio.sleep(0.1)
            assert not process._alive()
    finally:
        await c.close()
    from tutor.room.board import read_events

    events = read_events(server.config)
    assert [(e.learner, e.step, e.kind, e.text, e.verdict) for e in events] == [
        ("Ann Lee", "net_h1", "answer", "0.3775", "right"),
        ("Ann Lee", "out_h1", "answer", "0.5", "wrong"),
        ("Ann Lee", "out_h1", "hint", None, None),
    ]


async def test_closing_the_room_ends_every_learners_process_and_keeps_their_answers(tmp_path):
    from tutor.room.board import read_events

    room, path = make_room(tmp_path / "home")
    server = RoomServer(room, path, port=0)
    server.start()
    c = PageClient(f"http://127.0.0.1:{server.port}")
    try:
        assert await c.join("Ann Lee", CODE) == 200
        await c.connect()
        await c.wait_for("step 1 of 32", timeout=60)
        process = server.connections["Ann Lee"].process._process
        mark = c.mark()
        await c.keys("0.3775" + ENTER)
        await c.wait_for("✓ Right.", since=mark)
        await asyncio.get_running_loop().run_in_executor(None, server.stop)  # Ctrl+C on the dashboard
        code, _ = await c.wait_closed()
        assert code == aiohttp.WSCloseCode.GOING_AWAY
        assert process.returncode is not None or not process._alive()
        assert not (path.parent / "zygote.sock").exists()
    finally:
        await c.close()
        server.stop()
    assert [(e.learner, e.step, e.verdict) for e in read_events(room)] == [("Ann Lee", "net_h1", "right")]


# --- the learner's app: the room's rules ----------------------------------------------------------
async def test_the_learner_app_keeps_to_the_room(tmp_path):
    from textual.widgets import Input, Static

    from tutor.ui.room_app import RoomApp, RoomLessonScreen

    room, _ = make_room(tmp_path / "home", exercises=("mazur",), hints=1, reveal=False)
    app = RoomApp(room, "Ann Lee")
    async with app.run_test(size=(100, 32)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, RoomLessonScreen)  # one lesson: straight into it
        assert not app.ENABLE_COMMAND_PALETTE
        await pilot.press("f2")
        assert "Hint 1 of 3" in str(app.screen.query_one("#feedback", Static).render())
        await pilot.press("f2")
        feedback = str(app.screen.query_one("#feedback", Static).render())
        assert "one hint" in feedback and "not shown" in feedback
        assert app.screen.lesson.index == 0  # nothing revealed
        app.open_lesson("xor")  # not one of the room's lessons
        app.open_training("mazur")
        await pilot.pause()
        assert isinstance(app.screen, RoomLessonScreen) and app.screen.lesson.ex.name == "mazur"
        app.screen.query_one(Input).value = "0.3775"
        await pilot.press("enter")
        assert app.screen.lesson.index == 1
    assert (app.store.room, app.store.learner) == ("test-room", "Ann Lee")


async def test_lessons_opened_from_the_rooms_list_are_stored_under_the_learner(tmp_path):
    from textual.widgets import Input

    from tutor.room.board import read_events
    from tutor.ui.room_app import RoomApp, RoomHomeScreen, RoomLessonScreen

    room, _ = make_room(tmp_path / "home", exercises=("mazur", "xor"))
    app = RoomApp(room, "Ann Lee")
    async with app.run_test(size=(100, 32)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, RoomHomeScreen)  # two lessons: the room's list, not every lesson
        assert len(app.screen.query_one("#lessons").options) == 2
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, RoomLessonScreen)
        app.screen.query_one(Input).value = "0.3775"
        await pilot.press("enter")
    assert [(e.learner, e.exercise, e.step, e.verdict) for e in read_events(room)] == [
        ("Ann Lee", "mazur", "net_h1", "right")]


async def test_a_variant_per_learner_when_the_teacher_chooses(tmp_path):
    from tutor.ui.room_app import RoomApp

    room, _ = make_room(tmp_path / "home", exercises=("mazur",), variants=True)
    app = RoomApp(room, "Ann Lee")
    async with app.run_test(size=(100, 32)) as pilot:
        await pilot.pause()
        lesson = app.screen.lesson
        assert lesson.variant == "Ann Lee" and lesson.given["w1"] != 0.15


# --- the board -----------------------------------------------------------------------------------
def ev(learner, step, kind, verdict=None, mistake=None, hints=None, at=0.0, text="x"):
    return Ev(learner, "mazur", "", step, kind, text, verdict, mistake, hints, at)


STEPS = {"mazur": ["net_h1", "out_h1", "net_o1"]}
EVENTS = [
    ev("Ann", "net_h1", "answer", "right", at=0),
    ev("Bob", "net_h1", "answer", "wrong", "wrong input", at=10),
    ev("Ann", "out_h1", "hint", hints=1, at=20),
    ev("Bob", "net_h1", "answer", "right", at=30),
    ev("Ann", "out_h1", "answer", "right", at=40),
    ev("Bob", "out_h1", "hint", hints=3, at=50),
    ev("Ann", "net_o1", "answer", "wrong", "wrong input", at=60),
    ev("Ann", "net_o1", "answer", "wrong", None, at=70),
    ev("Ann", "net_o1", "answer", "mistake", "bias left out", at=80),
    ev("Cat", "net_h1", "answer", "invalid", at=5),
]


def test_board_marks_each_step_and_finds_who_is_stuck():
    rows = {r.learner: r for r in lesson_rows(EVENTS, STEPS)}
    ann, bob, cat = rows["Ann"], rows["Bob"], rows["Cat"]
    assert [ann.states[s].mark for s in STEPS["mazur"]] == ["first", "hinted", ""]
    assert [bob.states[s].mark for s in STEPS["mazur"]] == ["retried", "shown", ""]
    assert (ann.current, ann.tries_on_current, ann.stuck(now=90)) == ("net_o1", 3, "3 tries at net_o1")
    assert bob.current == "net_o1" and bob.stuck(now=60) == ""
    assert bob.stuck(now=50 + 5 * 60) == "5 min at net_o1"  # five minutes since the step before
    assert cat.current == "net_h1" and cat.tries_on_current == 0  # unreadable answers are not tries
    assert (ann.done, ann.first_try, ann.hints, ann.shown, ann.mistakes) == (2, 2, 1, 0, 2)
    assert (bob.done, bob.first_try, bob.hints, bob.shown, bob.mistakes) == (2, 0, 0, 1, 1)


def test_room_mistakes_count_learners_among_those_who_reached_the_step():
    found = [str(m) for m in room_mistakes(EVENTS)]
    assert found == ["1 of 1: bias left out, at net_o1", "1 of 1: wrong input, at net_o1",
                     "1 of 3: wrong input, at net_h1"]


# --- the dashboard ----------------------------------------------------------------------------------
async def test_dashboard_shows_the_room(tmp_path):
    from textual.widgets import DataTable, Static

    from tests.room_class import fill
    from tutor.ui.dashboard import Dashboard

    room, path = make_room(tmp_path / "home")
    fill(room)
    written = []
    app = Dashboard(room, "http://127.0.0.1:8000", path.parent, online=lambda: {"Ann Lee": 0.0, "Ivo New": 0.0},
                    write_gradebook=lambda: written.append(1) or [path.parent / "gradebook.csv"])
    async with app.run_test(size=(120, 36)) as pilot:
        for _ in range(200):
            await pilot.pause(0.05)
            if app.board is not None:
                break
        await pilot.pause()
        table = app.query_one(DataTable)
        assert table.row_count == 9  # eight with answers, and Ivo, online before a first answer
        ann = [str(c) for c in table.get_row("Ann Lee")]
        assert ann == ["Ann Lee", "●", "16/32", "16", "✓✓✓✓✓✓✓✓ ✓✓✓✓✓✓✓✓ ▸······· ········", "w6+"]
        chen = [str(c) for c in table.get_row("Chen Wei")]
        assert chen[5] == "stuck: 3 tries at dout_o1/dnet_o1" and chen[3] == "12"
        assert str(table.get_row("Dana Ruiz")[4]) == "✓✓✓h✓✓✓✓ ✓✓✓✓✗▸·· ········ ········"
        assert str(table.get_row("Emil Sørensen")[4]) == "✓✓✓✓✓✓✓✓ ✓✓✓✓s✓✓▸ ········ ········"
        assert str(table.get_row("Ivo New")[4]) == "▸······· ········ ········ ········"
        mistakes = str(app.query_one("#mistakes", Static).render())
        assert "4 of 5: derivative taken on net instead of out, at dout_o1/dnet_o1" in mistakes
        head = str(app.query_one("#room-head", Static).render())
        assert CODE in head and "http://127.0.0.1:8000" in head and "9 joined, 2 online" in head
        await pilot.press("g")
        await pilot.pause(0.3)
        assert written == [1]


# --- the teacher's command ---------------------------------------------------------------------------
def test_a_course_folder_gives_its_exercises_in_order_and_a_wrong_file_its_one_line(tmp_path):
    from tutor.lesson.catalog import bundled_dir
    from tutor.lesson.exercise import ExerciseError
    from tutor.room.run import exercise_specs

    course = tmp_path / "course"
    course.mkdir()
    for name in ("b-xor", "a-mazur"):
        (course / f"{name}.toml").write_text((bundled_dir() / f"{name[2:]}.toml").read_text())
    assert exercise_specs(["mazur", str(course)]) == [
        "mazur", str((course / "a-mazur.toml").resolve()), str((course / "b-xor.toml").resolve())]
    (course / "c-bad.toml").write_text("title = 3")
    with pytest.raises(ExerciseError, match="c-bad.toml"):
        exercise_specs([str(course)])


def test_a_room_refuses_a_file_whose_lesson_cannot_be_built(tmp_path):
    """A file that loads but whose [lesson] asks a step the update does not have is refused
    when the room opens, with its one line, not when a learner picks it in the browser."""
    from tutor.lesson.catalog import bundled_dir
    from tutor.lesson.exercise import ExerciseError
    from tutor.room.run import exercise_specs

    text = (bundled_dir() / "mazur.toml").read_text()
    bad = tmp_path / "ask.toml"
    bad.write_text(text.split("[lesson]")[0] + '[lesson]\nask = ["net_h9"]\n' if "[lesson]" in text
                   else text + '\n[lesson]\nask = ["net_h9"]\n')
    with pytest.raises(ExerciseError, match=r"ask.toml: lesson.ask\[0\]: 'net_h9' is not a step"):
        exercise_specs([str(bad)])


def test_bptutor_gradebook_after_the_room_closed(tmp_path, capsys):
    from tests.room_class import fill
    from tutor.__main__ import main

    home = Path(os.environ["BPTUTOR_HOME"])
    room, _ = make_room(home)
    fill(room)
    assert main(["gradebook", "--room", "test-room"]) == 0
    book = capsys.readouterr().out.splitlines()
    assert book[0] == ("room,learner,lessons,steps_done,first_try,after_tries,shown,answers,right,wrong,mistakes,"
                       "unreadable,hints,minutes")
    assert len(book) == 1 + 8 and book[1].startswith("test-room,Ann Lee,1,16,16,0,0,16,16,0,0,0,0,")
    assert book[3].startswith("test-room,Chen Wei,1,12,12,0,0,15,12,3,2,0,0,")   # net, net, then plain wrong
    assert book[5].startswith("test-room,Emil Sørensen,1,15,14,0,1,14,14,0,0,0,0,")  # the answer shown counts as done
    assert main(["gradebook", "--answers"]) == 0  # the last room opened
    log = capsys.readouterr().out.splitlines()
    assert sum(",Chen Wei," in line for line in log) == 12 + 3
    assert main(["gradebook", "--room", "nosuch"]) == 1
    assert capsys.readouterr().err == f"bptutor: no room named 'nosuch' in {home}; rooms: test-room.\n"
