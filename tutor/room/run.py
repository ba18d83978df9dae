"""`bptutor room` and `bptutor gradebook`: open a room, show the dashboard, close it cleanly."""

from __future__ import annotations

import signal
import socket
import sys
import threading
import time
from pathlib import Path

from .config import RoomConfig, RoomError, new_code, room_file, rooms_dir


def exercise_specs(items: list[str]) -> list[str]:
    """Bundled names and files as given; a folder gives its lessons as a course does (in the
    order of its course.toml, else its .toml files by name).
    Each is kept as where to load it from: a bundled name, or the file's absolute path."""
    from ..lesson.catalog import bundled_dir
    from ..lesson.exercise import load
    from ..lesson.worked import build

    specs: list[str] = []
    for item in items:
        path = Path(item)
        if path.is_dir():  # a course: its lessons in the order of its course.toml (else by name)
            from ..lesson.catalog import CourseError, course

            try:
                files = [e.path for e in course(path).entries]
            except CourseError as e:
                raise RoomError(str(e)) from None
        else:
            files = [item]
        for f in files:
            ex = load(str(f))
            build(ex)  # a wrong file (an unknown id in [lesson] ask too) gets its one line here, before anything opens
            path = ex.path.resolve()
            key = ex.name if path.parent == bundled_dir().resolve() else str(path)
            if key not in specs:
                specs.append(key)
    return specs


def make_room(args, home: Path) -> tuple[RoomConfig, Path]:
    from ..lesson.exercise import load

    specs = exercise_specs(args.exercises)
    name = args.name or time.strftime("%Y-%m-%d")
    path = room_file(home, name)
    code = args.code
    if path.exists() and not code:
        try:
            code = RoomConfig.load(path).code  # the same room reopened: the same code on the board
        except RoomError:
            code = None
    room = RoomConfig(room=name, code=(code or new_code()).upper(), exercises=specs,
                      titles=[load(s).title for s in specs], variants=args.variants, hints=args.hints,
                      reveal=not args.no_reveal, max_learners=args.max_learners, home=str(home))
    room.save(path)
    return room, path


def lan_address() -> str:
    """This machine's address on the local network (no packet is sent)."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        try:
            s.connect(("10.255.255.255", 1))
            return s.getsockname()[0]
        except OSError:
            return "127.0.0.1"


def address_for(host: str, port: int) -> str:
    shown = lan_address() if host in ("0.0.0.0", "::", "") else host
    return f"http://{shown}:{port}"


def room_files(room: RoomConfig) -> tuple[str, str]:
    """(gradebook, answer log) of the room as CSV, made by the store's own report functions."""
    from ..lesson import workshop
    from ..lesson.store import Store
    from .board import read_joins

    store = Store(Path(room.home))
    came_in = {learner: room.room for learner in read_joins(room)}   # also who answered nothing
    try:
        return (workshop.gradebook_text(workshop.report_rows(store, room.room), present=came_in),
                workshop.report_text(store, "csv", room.room))
    finally:
        store.close()


def write_gradebook(room: RoomConfig, folder: Path) -> list[Path]:
    book_text, log_text = room_files(room)
    book, log = folder / "gradebook.csv", folder / "answers.csv"
    book.write_text(book_text, encoding="utf-8")
    log.write_text(log_text, encoding="utf-8")
    return [book, log]


def open_room(args) -> int:
    from ..lesson.store import default_home
    from .server import RoomServer, log_to

    home = default_home()
    room, path = make_room(args, home)
    folder = path.parent
    log_to(folder / "room.log")
    server = RoomServer(room, path, host=args.host, port=args.port, lesson_titles=room.titles)
    try:
        server.start()
    except OSError as e:
        print(f"bptutor: the room cannot listen on {args.host}:{args.port} ({e.strerror or e}).", file=sys.stderr)
        return 2
    address = address_for(args.host, server.port)
    print(f"Room {room.room} is open. Learners open {address} and type the code {room.code}.", flush=True)
    if args.host in ("127.0.0.1", "localhost", "::1"):
        print("Only this computer can reach it: add --host 0.0.0.0 to open it to your network "
              "(see the README first).", flush=True)
    try:
        if args.no_dashboard:
            _wait_for_signal()
        else:
            from ..ui.dashboard import Dashboard

            Dashboard(room, address, folder, presence=server.presence,
                      write_gradebook=lambda: write_gradebook(room, folder)).run()
    finally:
        server.stop()  # every learner's process is asked to quit and waited for
    try:
        paths = write_gradebook(room, folder)
        print(f"Room {room.room} closed. Gradebook: {paths[0]}  Answers: {paths[1]}")
    except OSError as e:
        print(f"Room {room.room} closed; the gradebook could not be written ({e}). "
              f"`bptutor gradebook --room {room.room}` prints it.")
    return 0


def _wait_for_signal() -> None:
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    while not stop.wait(0.5):
        pass


def gradebook(args) -> int:
    from ..lesson.store import default_home

    home = default_home()
    names = sorted(p.parent.name for p in rooms_dir(home).glob("*/room.json"))
    if not names:
        print(f"bptutor: no room has been opened with the store in {home}.", file=sys.stderr)
        return 1
    name = args.room or max(names, key=lambda n: room_file(home, n).stat().st_mtime)
    if name not in names:
        print(f"bptutor: no room named {name!r} in {home}; rooms: {', '.join(names)}.", file=sys.stderr)
        return 1
    try:
        room = RoomConfig.load(room_file(home, name))
    except RoomError as e:
        print(f"bptutor: {e}", file=sys.stderr)
        return 1
    book, log = room_files(room)
    print(log if args.answers else book, end="")
    return 0
