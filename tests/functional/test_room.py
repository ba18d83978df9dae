"""The workshop room: names, the gate, the server on loopback with real HTTP and websocket
clients, the learner's restricted app, the board and the gradebook."""

from __future__ import annotations

import asyncio
import json
import os
import re
import shutil
import tempfile
import time
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

pytest.importorskip("textual_serve", reason="pip install -e '.[test]' again: the room needs textual-serve")

import aiohttp  # noqa: E402 (comes with textual-serve)

from tutor.lesson.exercise import load
from tutor.lesson.session import Lesson
from tutor.lesson.store import Store
from tutor.lesson.workshop import report_rows
from tutor.room.board import Ev, lesson_rows, room_mistakes
from tutor.room.client import ENTER, F2, PageClient
from tutor.room.config import RoomConfig, normalise_name, same_code
from tutor.room.learner import room_store
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
@example("ῲA")  # capitalised, a combining iota split the word: a second pass capitalised the A
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


def test_a_learner_back_without_accents_is_the_same_learner():
    gate = Gate(CODE, 1)
    assert gate.join("José García", CODE, "a")[1] == "José García"
    assert gate.join("jose garcia", CODE, "b")[1] == "José García"  # not a second learner: not full
    with pytest.raises(Refused, match="full"):
        gate.join("Josefa García", CODE, "c")


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
        assert not server.presence()["Ann Lee"].online          # the code given: known, not connected yet
        await c.connect()
        await c.wait_for("step 1 of 32", timeout=60)
        process = server.connections["Ann Lee"].process._process
        assert isinstance(process, Forked) == zygote  # forked from the warm zygote, or started afresh
        seen = server.presence()["Ann Lee"]
        assert seen.online
        mark = c.mark()
        await c.keys("0.3775" + ENTER)
        assert await c.wait_for("✓ Right.", "✗ Not yet.", since=mark) == "✓ Right."
        assert server.presence()["Ann Lee"].seen > seen.seen        # a key: seen again (not idle)
        await c.wait_for("step 2 of 32", since=mark)
        mark = c.mark()
        await c.keys("0.1" + ENTER)  # no slip nor the right value gives 0.1 (0.5 could be 0.593 cut short)
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

    from tutor.room.board import read_joins

    for _ in range(100):   # the connection's end reaches the server
        if not server.presence()["Ann Lee"].online:
            break
        await asyncio.sleep(0.1)
    assert not server.presence()["Ann Lee"].online
    assert list(read_joins(server.config)) == ["Ann Lee"]      # the learner's process said they came in
    events = read_events(server.config)
    assert [(e.learner, e.step, e.kind, e.text, e.verdict) for e in events] == [
        ("Ann Lee", "net_h1", "answer", "0.3775", "right"),
        ("Ann Lee", "out_h1", "answer", "0.1", "wrong"),
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
async def open_dashboard(room, folder, size=(120, 36), **kw):
    from tutor.ui.dashboard import Dashboard

    app = Dashboard(room, "http://127.0.0.1:8000", folder, **kw)
    return app, app.run_test(size=size)


async def board_read(app, pilot):
    for _ in range(400):
        await pilot.pause(0.05)
        if app.board is not None:
            break
    await pilot.pause()


async def test_dashboard_shows_the_room(tmp_path):
    from textual.widgets import DataTable, Static

    from tests.room_class import fill
    from tutor.room.board import Presence

    room, path = make_room(tmp_path / "home")
    fill(room)
    written = []
    now = time.time()
    app, running = await open_dashboard(room, path.parent, presence=lambda: {
        "Ann Lee": Presence(True, now), "Chen Wei": Presence(True, now), "Ivo New": Presence(True, now)},
        write_gradebook=lambda: written.append(1) or [path.parent / "gradebook.csv"])
    async with running as pilot:
        await board_read(app, pilot)
        table = app.query_one(DataTable)
        assert table.row_count == 9  # eight with answers, and Ivo, online before a first answer
        ann = [str(c) for c in table.get_row("Ann Lee")]
        assert ann == ["Ann Lee", "answering", "16/32", "16", "✓✓✓✓✓✓✓✓ ✓✓✓✓✓✓✓✓ ▸······· ········", "w6+"]
        chen = [str(c) for c in table.get_row("Chen Wei")]
        assert chen[5] == "dout_o1/dnet_o1: stuck: 3 tries" and chen[3] == "12" and chen[1] == "answering"
        hana = [str(c) for c in table.get_row("Hana Sato")]
        assert hana[1].startswith("gone ") and hana[5] == "net_h2: 1 try, 1 hint"   # gone: said, not 'stuck'

        assert str(table.get_row("Dana Ruiz")[4]) == "✓✓✓h✓✓✓✓ ✓✓✓✓✗▸·· ········ ········"
        assert str(table.get_row("Emil Sørensen")[4]) == "✓✓✓✓✓✓✓✓ ✓✓✓✓s✓✓▸ ········ ········"
        assert [str(c) for c in table.get_row("Ivo New")] == [
            "Ivo New", "joined", "0/32", "0", "▸······· ········ ········ ········", "net_h1"]
        mistakes = str(app.query_one("#mistakes", Static).render())
        assert "4 of 5: derivative taken on net instead of out, at dout_o1/dnet_o1" in mistakes
        # plain wrong answers too: Chen's 0.5 at dout_o1/dnet_o1, Farah's at step 9, Hana's at net_h2
        assert "wrong answers, by step: dout_o1/dnet_o1 4 of 5 · E_o1 1 of 7 · net_h2 1 of 8" in mistakes
        head = str(app.query_one("#room-head", Static).render())
        assert CODE in head and "http://127.0.0.1:8000" in head
        assert "9 came in: 2 answering, 0 idle, 1 joined, 6 gone" in head
        await pilot.press("g")
        await pilot.pause(0.3)
        assert written == [1]
        assert "· 1 stuck" in head   # Chen, still there
        await pilot.press("ctrl+c")   # by habit: the room stays open and says how to close it
        await pilot.pause()
        assert app.is_running and any("Ctrl+C again" in str(n.message) for n in app._notifications)
        await pilot.press("ctrl+c")
        await pilot.pause()
        assert not app.is_running


def test_everyone_who_came_in_is_on_the_board_with_when_last_seen(tmp_path):
    """Today a learner who joined and left before a first answer was neither counted nor
    listed. Their process records that they came in (a 'join' event in the store), the
    server knows who is connected and when each was last seen."""
    from tutor.room.board import Presence, make_board
    from tutor.room.learner import room_store

    room, _ = make_room(tmp_path / "home")
    steps = {"mazur": ["net_h1", "out_h1"]}
    room_store(room, "Ivo New").join()                                 # came in, left, nothing answered
    ann = room_store(room, "Ann Lee")
    ann.join()
    Lesson(load("mazur"), "", ann).submit("0.3775")
    now = time.time()
    board = make_board(room, steps, now + 10, {"Ann Lee": Presence(True, now + 5),
                                               "Bo Chen": Presence(True, now + 8),    # joined, typing
                                               "Cy Diaz": Presence(True, now - 200)})
    states = {p.learner: (p.state, p.status(now + 10)) for p in board.people}
    assert states["Ann Lee"] == ("answering", "answering") and states["Bo Chen"] == ("joined", "joined")
    assert states["Ivo New"][0] == "gone" and states["Ivo New"][1] == "gone " + time.strftime(
        "%H:%M", time.localtime(next(p.seen for p in board.people if p.learner == "Ivo New")))
    board = make_board(room, steps, now + 400, {"Ann Lee": Presence(True, now + 5)})
    ann_now, = [p for p in board.people if p.learner == "Ann Lee"]
    assert (ann_now.state, ann_now.status(now + 400)) == ("idle", "idle 6 min")
    assert board.counts() == {"answering": 0, "idle": 1, "joined": 0, "gone": 1}
    # the learner's own lesson, reports and `bptutor` know nothing of the join
    assert ann.last() == ("mazur", "") and room_store(room, "Ivo New").last() is None
    assert [r["learner"] for r in report_rows(Store(room.home), room.room)] == ["Ann Lee"]
    # and the room's gradebook has a row for everyone who came in, a learner who answered nothing too
    from tutor.room.run import room_files

    book = room_files(room)[0].splitlines()
    assert [line.split(",")[1] for line in book[1:]] == ["Ann Lee", "Ivo New"]
    assert book[2] == "test-room,Ivo New," + ",".join(["0"] * 12)


async def test_the_learners_process_says_they_came_in(tmp_path):
    from tutor.room.board import make_board
    from tutor.ui.room_app import RoomApp

    room, _ = make_room(tmp_path / "home", exercises=("mazur", "xor"))
    async with RoomApp(room, "Ivo New").run_test(size=(80, 24)) as pilot:
        await pilot.pause()
    board = make_board(room, {"mazur": [], "xor": []})
    assert [(p.learner, p.state, p.working) for p in board.people] == [("Ivo New", "gone", False)]


async def test_a_room_of_the_teachers_own_files_names_them_as_the_teacher_did(tmp_path):
    """In the teacher's trial a learner working on another lesson of the room read
    'in sha256:7aee92a167030fdf: dE_total/dw5' (the store's name for a teacher's file)."""
    from textual.widgets import DataTable, Static

    from tutor.lesson.catalog import bundled_dir

    own = tmp_path / "week3-xor.toml"
    own.write_text((bundled_dir() / "xor.toml").read_text())
    room, path = make_room(tmp_path / "home", exercises=(str(own), "mazur"))
    app, running = await open_dashboard(room, path.parent)
    async with running as pilot:
        await board_read(app, pilot)
        assert "Nobody has come in yet" in str(app.query_one("#room-head", Static).render())
        Lesson(load(str(own)), "", room_store(room, "Ann Lee")).submit("0.5")
        await pilot.press("n")   # the room's second lesson
        app.read_board()
        for _ in range(200):
            await pilot.pause(0.05)
            if app.query_one(DataTable).row_count:
                break
        assert [str(c) for c in app.query_one(DataTable).get_row("Ann Lee")][5] == "in week3-xor: net_h1_s1"
        assert str(app.query_one("#mistakes", Static).render()).startswith(
            "Lesson 2 of 2, mazur: mistakes in the room")   # the title (the test room is titled by name)


def test_the_wrong_answers_line_keeps_its_items_whole():
    """In the trial '… out_h1 3' ended a line and 'of 26' began the next."""
    from tutor.ui.dashboard import as_fits

    items = ["out_h2 7 of 24", "net_h2 7 of 26", "out_o1 5 of 19", "E_total 4 of 13"]
    assert as_fits("  wrong: ", items, " · ", 50) == "  wrong: out_h2 7 of 24 · net_h2 7 of 26"
    assert as_fits("  wrong: ", items, " · ", 10) == "  wrong: out_h2 7 of 24"   # one at least


def test_the_compact_form_shows_the_marks_near_the_current_step():
    from tutor.ui.dashboard import window

    def shown(states):
        return str(window(states, 2))

    begun = ["first"] * 20 + ["current"] + [""] * 21
    assert shown(begun) == " 9 ✓✓✓✓✓✓✓✓ ✓✓✓✓▸···"
    assert shown([""] * 42) == " 1 ········ ········"            # not started: from the first step (not 25)
    assert shown(["first"] * 42) == "33 ✓✓✓✓✓✓✓✓ ✓✓"               # finished: the last ones


def test_hints_and_tries_on_the_current_step_are_said_in_words():
    """Today a learner with hints on the current step showed only ▸."""
    events = [ev("Ann", "net_h1", "answer", "right", at=0), ev("Ann", "out_h1", "hint", hints=1, at=10),
              ev("Ann", "out_h1", "answer", "wrong", at=20), ev("Ann", "out_h1", "hint", hints=2, at=30)]
    ann, = lesson_rows(events, STEPS)
    assert ann.where(now=40) == ("out_h1", "1 try, 2 hints")
    assert ann.where(now=10 + 6 * 60) == ("out_h1", "stuck: 1 try, 2 hints, 6 min")
    events += [ev("Ann", "out_h1", "answer", "mistake", "wrong input", at=50),
               ev("Ann", "out_h1", "answer", "invalid", at=55), ev("Ann", "out_h1", "answer", "more_digits", at=60)]
    ann, = lesson_rows(events, STEPS)
    assert ann.where(now=70) == ("out_h1", "stuck: 3 tries, 2 hints")
    assert ann.where(now=10 + 6 * 60, present=False) == ("out_h1", "3 tries, 2 hints")   # gone: nobody waits
    assert lesson_rows(events[:1], STEPS)[0].where(now=5) == ("out_h1", "")


def test_a_breakdowns_parts_are_where_the_learner_is_and_not_counted_as_the_lessons_steps():
    steps = {"mazur": ["w5+", "w6+", "w7+"]}
    events = [ev("Ann", "w5+", "answer", "right", at=0), ev("Ann", "w6+", "breakdown", at=1, text=None),
              ev("Ann", "dE_total/dw6", "answer", "wrong", at=2)]
    ann, = lesson_rows(events, steps)
    assert ann.where(now=3) == ("dE_total/dw6 (for w6+)", "1 try") and ann.done == 1
    events += [ev("Ann", "dE_total/dw6", "answer", "right", at=4), ev("Ann", "w6+", "answer", "right", at=5)]
    ann, = lesson_rows(events, steps)
    assert ann.where(now=6) == ("w7+", "") and (ann.done, ann.first_try) == (2, 2)   # of the lesson's 3 steps


@pytest.mark.parametrize("size", [(120, 40), (100, 32)])
async def test_every_step_of_a_long_lesson_is_on_screen(tmp_path, size):
    """Today the marks of a 122-step lesson stopped at ~84 in 120 columns: the rest was past
    the edge. They wrap now, each line numbered, and the table is never wider than the screen."""
    from textual.widgets import DataTable

    from tests.room_class import fill

    room, path = make_room(tmp_path / "home", exercises=("deep-tanh",))   # 206 steps
    fill(room, [("Ann Lee", [130]), ("Bo Chen", [3, "hint"])])
    app, running = await open_dashboard(room, path.parent, size=size)
    async with running as pilot:
        await board_read(app, pilot)
        table = app.query_one(DataTable)
        # at first compact (a line a learner, the marks near the current step, numbered by the first)
        marks = str(table.get_row("Ann Lee")[4])
        first, shown = marks.split(None, 1)
        assert "\n" not in marks and "▸" in shown and int(first) > 1 and int(first) % 8 == 1
        assert "".join(c for c in shown if c in "✓▸·") == ("✓" * 130 + "▸" + "·" * 75)[int(first) - 1:][:len(
            shown.replace(" ", ""))]
        assert table.virtual_size.width <= table.size.width
        await pilot.press("c")   # every step
        await pilot.pause()
        marks = str(table.get_row("Ann Lee")[4])
        lines = marks.split("\n")
        assert len(lines) > 1 and [line.split()[0] for line in lines][:2] == ["1", str(1 + 8 * len(lines[0].split()[1:]))]
        assert "".join(c for c in marks if c in "✓▸·") == "✓" * 130 + "▸" + "·" * 75
        assert table.virtual_size.width <= table.size.width   # nothing past the right edge
        assert "Steps: 1 " not in str(app.query_one("#mistakes").render())   # 206 names would fill the screen
        bo = [str(c) for c in table.get_row("Bo Chen")]
        assert bo[5].replace("\n", " ") == "out_h1_2_s1: 1 hint"


async def test_the_teachers_place_in_the_table_stays_when_it_is_read_again(tmp_path):
    """The board is read every two seconds; today each reading put the cursor and the scroll
    back at the top, so a teacher could not look at learner 25 of 30."""
    from textual.widgets import DataTable

    from tests.room_class import fill

    room, path = make_room(tmp_path / "home")
    fill(room, [(f"Learner {i:02d}", [i % 7]) for i in range(30)])
    app, running = await open_dashboard(room, path.parent, size=(100, 32))
    async with running as pilot:
        await board_read(app, pilot)
        table = app.query_one(DataTable)
        table.focus()
        for _ in range(24):
            await pilot.press("down")
        await pilot.pause()
        y = table.scroll_y
        assert table.cursor_row == 24 and y > 0
        app.show(app.board)   # what every reading does
        await pilot.pause()
        await pilot.pause()
        assert table.cursor_row == 24 and table.scroll_y == y


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


def test_the_zygote_ends_when_the_rooms_process_is_killed(tmp_path):
    """In the teacher's trial a room whose terminal was closed left its zygote running, one per
    room opened: it waited for requests from a server that was gone."""
    import signal
    import subprocess
    import sys

    home = Path(tempfile.mkdtemp(prefix="bptutor-z-"))
    try:
        _, path = make_room(home)
        code = (f"import sys, time; from pathlib import Path; from tutor.room.config import RoomConfig; "
                f"from tutor.room.server import RoomServer; p = Path({str(path)!r}); "
                f"s = RoomServer(RoomConfig.load(p), p, port=0, zygote=True); s.start(); "
                f"print(s.zygote.process.pid if s.zygote.ready else 0, flush=True); time.sleep(600)")
        room = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
        zygote = int(room.stdout.readline())
        assert zygote and Path(f"/proc/{zygote}").exists()
        room.send_signal(signal.SIGKILL)
        room.wait()
        for _ in range(200):
            if not Path(f"/proc/{zygote}").exists() or "Z" in Path(f"/proc/{zygote}/stat").read_text().split()[2]:
                break
            time.sleep(0.05)
        else:
            os.kill(zygote, signal.SIGKILL)
            raise AssertionError("the zygote outlived the room's process")
    finally:
        shutil.rmtree(home, ignore_errors=True)


def test_the_zygote_ends_when_the_room_died_while_it_was_still_loading(tmp_path):
    """Six zygotes were found running with parent 1 after suites whose rooms were killed early:
    the room had gone before the zygote first looked at its parent (after loading), so parent 1
    was taken for the room. The room now gives its pid; here it is one already gone."""
    import subprocess
    import sys

    home = Path(tempfile.mkdtemp(prefix="bptutor-z-"))
    try:
        _, path = make_room(home)
        gone = subprocess.Popen([sys.executable, "-c", "pass"])
        gone.wait()
        zygote = subprocess.Popen([sys.executable, "-m", "tutor.room.zygote", str(path),
                                   str(path.parent / "zygote.sock"), str(gone.pid)],
                                  stdout=subprocess.PIPE, text=True, cwd=path.parent)
        try:
            assert zygote.stdout.readline().strip() == "ready"
            assert zygote.wait(timeout=60) == 0   # ended by itself, a look or two after
        finally:
            zygote.kill()
    finally:
        shutil.rmtree(home, ignore_errors=True)


async def test_the_rooms_summary_and_help_offer_only_what_the_room_allows(tmp_path):
    from textual.widgets import Static

    from tutor.ui.dialogs import HelpScreen
    from tutor.ui.room_app import RoomApp, RoomSummaryScreen

    room, _ = make_room(tmp_path / "home", exercises=("xor",), hints=1, reveal=False)
    app = RoomApp(room, "Ann Lee")
    async with app.run_test(size=(100, 32)) as pilot:
        await pilot.pause()
        lesson = app.screen.lesson
        while not lesson.finished:
            lesson.reveal()
        app.show_summary(lesson)
        await pilot.pause()
        await pilot.pause()
        assert isinstance(app.screen, RoomSummaryScreen)
        text = str(app.screen.query_one("#summary-text", Static).render())
        assert "the update is done" in text and "Press t" not in text and "trained live" not in text
        assert "train" not in {b.binding.action for b in app.screen.active_bindings.values() if b.enabled}
        await pilot.press("t")
        await pilot.pause()
        assert isinstance(app.screen, RoomSummaryScreen)
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        help_text = str(app.screen.query_one("#help-text", Static).render())
        assert "its formula" in help_text and "the formula with numbers" not in help_text
        assert "the answer" not in help_text  # one hint, no answers shown in this room


# --- opening a room: once at a time, as it was, recorded only once it listens ------------------
def room_process(home: Path, *args: str):
    import subprocess
    import sys

    return subprocess.Popen([sys.executable, "-m", "tutor", "room", "mazur", "--no-dashboard", "--port", "0", *args],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env=dict(os.environ, BPTUTOR_HOME=str(home)))


def room_opened(process) -> int:
    """The port of a room started by room_process, once it says it is open."""
    line = process.stdout.readline()
    assert "is open" in line, line + process.stderr.read()
    return int(re.search(r":(\d+) and type", line).group(1))


async def test_a_room_open_is_refused_a_second_time_and_reopens_after_a_crash():
    """The teacher's trial: a second `bptutor room --name ws1` served beside the first without
    a word, and closing it removed the zygote's socket under every learner of the first."""
    import signal
    import subprocess
    import sys

    home = Path(tempfile.mkdtemp(prefix="bptutor-lock-"))
    first = room_process(home, "--name", "ws1")
    try:
        port = room_opened(first)
        folder = home / "rooms" / "ws1"
        code = RoomConfig.load(folder / "room.json").code
        c = PageClient(f"http://127.0.0.1:{port}")
        try:
            assert await c.join("Ann Lee", code) == 200
            await c.connect()
            await c.wait_for("step 1 of 32", timeout=60)
            second = await asyncio.to_thread(subprocess.run, [sys.executable, "-m", "tutor", "room", "mazur",
                                             "--name", "ws1", "--port", "0", "--no-dashboard"],
                                             capture_output=True, text=True, timeout=120,
                                             env=dict(os.environ, BPTUTOR_HOME=str(home)))
            assert second.returncode == 2 and second.stdout == ""
            assert second.stderr == (f"bptutor: room ws1 is already open (on 127.0.0.1:{port}, process "
                                     f"{first.pid}): close it first, or give another --name.\n")
            # the first room still serves, its zygote too, and its learner stays
            assert first.poll() is None and (folder / "zygote.sock").exists()
            mark = c.mark()
            await c.keys("0.3775" + ENTER)
            assert await c.wait_for("✓ Right.", "✗ Not yet.", since=mark) == "✓ Right."
            assert await PageClient(f"http://127.0.0.1:{port}").join("Bo Chen", code) == 200
        finally:
            await c.close()
        first.send_signal(signal.SIGKILL)   # a crash: the kernel lets the lock go
        first.wait()
        again = room_process(home, "--name", "ws1")
        try:
            room_opened(again)
            assert again.stdout.readline().startswith("Reopened as it was: 1 lesson; the same numbers")
        finally:
            again.send_signal(signal.SIGTERM)
            again.wait(timeout=60)
    finally:
        for p in (first,):
            if p.poll() is None:
                p.kill()
        shutil.rmtree(home, ignore_errors=True)


def reopen(home: Path, *argv: str):
    """`bptutor room ...` as far as the room to open (nothing listens)."""
    from tutor.__main__ import parser, route
    from tutor.room.run import make_room as room_to_open

    p = parser()
    args = p.parse_args(route(p, ["room", *argv]))
    args.exercises_given = bool(args.exercises)
    if not args.exercises:
        args.exercises = ["mazur", "xor"]
    return room_to_open(args, home)[0]


def test_reopening_a_room_keeps_its_settings_or_says_why_not(capsys):
    """The teacher's trial: reopening ws1 without --variants wrote "variants": false to its
    file; the running room gave new learners the shared numbers and a returning learner lost
    her variant."""
    from tutor.__main__ import main

    home = Path(os.environ["BPTUTOR_HOME"])
    room = reopen(home, "mazur", "--name", "ws1", "--variants", "--hints", "1", "--no-reveal")
    room.save(home / "rooms" / "ws1" / "room.json")
    stored = RoomConfig.load(home / "rooms" / "ws1" / "room.json")
    # no settings, or the same ones: the room as it was (a flag left out keeps the room's)
    for argv in ([], ["mazur"], ["--variants"], ["mazur", "--variants", "--hints", "1", "--no-reveal"]):
        again = reopen(home, "--name", "ws1", *argv)
        assert (again.exercises, again.variants, again.hints, again.reveal, again.code) == (
            ["mazur"], True, 1, False, stored.code)
    # a setting that differs: refused in one sentence, the file untouched
    before = (home / "rooms" / "ws1" / "room.json").read_bytes()
    for argv, said in [(["--hints", "2"], "room ws1 allows 1 hint a step: open it with --hints 1 (or without "
                                          "--hints), or give another --name."),
                       (["xor"], "room ws1 has the lessons A Step by Step Backpropagation Example: open it without lessons or "
                                 "--course (or with the same ones), or give another --name."),
                       (["mazur", "xor", "--hints", "0"], "room ws1 has the lessons A Step by Step Backpropagation Example; it "
                        "allows 1 hint a step: open it without lessons or --course (or with the same ones) and "
                        "with --hints 1 (or without --hints), or give another --name.")]:
        assert main(["room", *argv, "--name", "ws1", "--port", "0", "--no-dashboard"]) == 2
        assert capsys.readouterr().err == f"bptutor: {said}\n"
    plain = reopen(home, "mazur", "--name", "ws2")
    plain.save(home / "rooms" / "ws2" / "room.json")
    assert main(["room", "mazur", "--name", "ws2", "--variants", "--port", "0", "--no-dashboard"]) == 2
    assert capsys.readouterr().err == ("bptutor: room ws2 gives everyone the same numbers: open it without "
                                       "--variants, or give another --name.\n")
    plain.reveal = False
    plain.save(home / "rooms" / "ws2" / "room.json")
    assert reopen(home, "--name", "ws2").reveal is False
    assert (home / "rooms" / "ws1" / "room.json").read_bytes() == before


def test_a_room_that_could_not_listen_is_not_recorded(capsys):
    """The teacher's trial: `bptutor room mazur --name ws2` on a busy port exited cleanly, but
    ws2 stayed (in the rooms, a stale zygote.sock), and plain `bptutor gradebook` then printed
    ws2's empty gradebook instead of the room that had opened."""
    import socket

    from tests.room_class import fill
    from tutor.__main__ import main

    home = Path(os.environ["BPTUTOR_HOME"])
    room, _ = make_room(home)
    fill(room)
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = str(busy.getsockname()[1])
        assert main(["room", "mazur", "--name", "ws2", "--port", port, "--no-dashboard"]) == 2
        assert "cannot listen on 127.0.0.1:" + port in capsys.readouterr().err
        assert not (home / "rooms" / "ws2").exists()
        # a room reopened on a busy port keeps its file as it was
        before = (home / "rooms" / "test-room" / "room.json").read_bytes()
        os.utime(home / "rooms" / "test-room" / "room.json", (0, 0))
        assert main(["room", "mazur", "--name", "test-room", "--port", port, "--no-dashboard"]) == 2
        assert (home / "rooms" / "test-room" / "room.json").read_bytes() == before
        assert not (home / "rooms" / "test-room" / "zygote.sock").exists()
    capsys.readouterr()
    assert main(["gradebook"]) == 0   # the last room that opened
    assert capsys.readouterr().out.splitlines()[1].startswith("test-room,Ann Lee,")
    empty = RoomConfig(room="ws3", code=CODE, exercises=["mazur"], home=str(home), opened=time.time() - 5)
    empty.save(home / "rooms" / "ws3" / "room.json")
    assert main(["gradebook", "--room", "ws3"]) == 0
    said = capsys.readouterr()
    assert said.err == "room ws3: nobody came in.\n" and said.out.startswith("room,learner,")


async def test_a_learner_who_gave_the_code_and_never_opened_the_page_has_a_gradebook_row(room_server):
    """Zed gave the code and never opened the lesson's page: the dashboard counted and listed
    him ('Zed gone 16:47'), the gradebook had no row for him."""
    from tutor.room.board import make_board
    from tutor.room.run import room_files

    server = room_server()
    c = PageClient(f"http://127.0.0.1:{server.port}")
    try:
        assert await c.join("zed", CODE) == 200
    finally:
        await c.close()
    board = make_board(server.config, {"mazur": []}, presence=server.presence())
    assert [p.learner for p in board.people] == ["Zed"]
    book = room_files(server.config)[0].splitlines()
    assert book[1:] == ["test-room,Zed," + ",".join(["0"] * 12)]
