"""`bptutor room` and `bptutor gradebook`: open a room, show the dashboard, close it cleanly."""

from __future__ import annotations

import os
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
    """The room to open: a new one from the flags, or the stored one reopened as it was.

    Reopening keeps every setting that decides what learners get (lessons, variants, hints,
    reveal): a flag left out keeps the stored value, and one that differs is refused in one
    sentence (a learner would lose her variant, her lesson or her hints mid-workshop)."""
    from ..lesson.exercise import load

    name = args.name or time.strftime("%Y-%m-%d")
    path = room_file(home, name)
    stored = None
    if path.exists():
        try:
            stored = RoomConfig.load(path)
        except RoomError:
            stored = None
    given = getattr(args, "exercises_given", True)
    specs = exercise_specs(args.exercises) if given or stored is None else stored.exercises
    wanted = {"variants": bool(args.variants) if args.variants is not None else None,
              "hints": args.hints, "reveal": False if args.no_reveal else None}
    if stored is not None:
        differences = _differences(stored, specs, wanted)
        if differences:
            raise RoomError(f"room {name} {'; it '.join(d for d, _ in differences)}: open it "
                            f"{' and '.join(f for _, f in differences)}, or give another --name.")
        code = (args.code or stored.code).upper()
        room = RoomConfig(room=name, code=code, exercises=stored.exercises, titles=stored.titles,
                          variants=stored.variants, hints=stored.hints, reveal=stored.reveal,
                          max_learners=args.max_learners or stored.max_learners, home=str(home))
    else:
        room = RoomConfig(room=name, code=(args.code or new_code()).upper(), exercises=specs,
                          titles=[load(s).title for s in specs], variants=bool(wanted["variants"]),
                          hints=2 if args.hints is None else args.hints, reveal=wanted["reveal"] is not False,
                          max_learners=args.max_learners or 40, home=str(home))
    return room, path


def _differences(stored: RoomConfig, specs: list[str], wanted: dict) -> list[tuple[str, str]]:
    """(what the stored room does, how to open it so) for each setting given that differs."""
    out = []
    if specs != stored.exercises:
        out.append((f"has the lessons {', '.join(stored.titles or stored.exercises)}",
                    "without lessons or --course (or with the same ones)"))
    if wanted["variants"] is not None and wanted["variants"] != stored.variants:
        out.append(("gives everyone the same numbers", "without --variants"))
    if wanted["hints"] is not None and wanted["hints"] != stored.hints:
        out.append((f"allows {stored.hints} hint{'s' * (stored.hints != 1)} a step",
                    f"with --hints {stored.hints} (or without --hints)"))
    if wanted["reveal"] is not None and wanted["reveal"] != stored.reveal:
        out.append(("shows a learner the answer on request", "without --no-reveal"))
    return out


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


def hold_room(folder: Path, name: str):
    """The room's lock, held for the room process's life (the kernel lets it go when the
    process ends, a crash or kill -9 too: a room that died never blocks its reopening).
    A second `bptutor room` of the same name is refused: it would serve beside the first and,
    closing, remove the zygote's socket under the first room's learners."""
    import fcntl

    folder.mkdir(parents=True, exist_ok=True)
    fd = os.open(folder / "room.lock", os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        held = os.read(fd, 200).decode("utf-8", "replace").split()
        os.close(fd)
        where = f"on {held[0]}, process {held[1]}" if len(held) == 2 else "being opened"
        raise RoomError(f"room {name} is already open ({where}): close it first, or give another --name.") from None
    return fd


def _say_where(fd: int, host: str, port: int) -> None:
    """What a refused second opening tells the teacher: where the room listens, and its process."""
    os.ftruncate(fd, 0)
    os.pwrite(fd, f"{host}:{port} {os.getpid()}\n".encode(), 0)


def settings_line(room: RoomConfig) -> str:
    return (f"{len(room.exercises)} lesson{'s' * (len(room.exercises) != 1)}; "
            f"{'a variant per learner' if room.variants else 'the same numbers for everyone'}; "
            f"{room.hints} hint{'s' * (room.hints != 1)} a step; "
            f"{'answers shown on request' if room.reveal else 'answers never shown'}")


def open_room(args) -> int:
    from ..lesson.store import default_home

    home = default_home()
    name = args.name or time.strftime("%Y-%m-%d")
    folder = room_file(home, name).parent
    new = not folder.exists()
    lock = hold_room(folder, name)
    try:
        return _open_held(args, home, folder, new, lock)
    finally:
        os.close(lock)   # the room is closed (or never opened): it may be opened again


def _open_held(args, home: Path, folder: Path, new: bool, lock: int) -> int:
    import shutil

    from .server import RoomServer, log_to

    try:
        room, path = make_room(args, home)
    except BaseException:
        if new:
            shutil.rmtree(folder, ignore_errors=True)
        raise
    earlier = path.read_bytes() if path.exists() else None
    room.save(path)   # the learners' processes read it
    log_to(folder / "room.log")
    server = RoomServer(room, path, host=args.host, port=args.port, lesson_titles=room.titles)
    try:
        server.start()
    except OSError as e:
        # not opened: not recorded (a new room's folder goes, a reopened one keeps its file as it was)
        if new:
            shutil.rmtree(folder, ignore_errors=True)
        elif earlier is not None:
            path.write_bytes(earlier)
        print(f"bptutor: the room cannot listen on {args.host}:{args.port} ({e.strerror or e}).", file=sys.stderr)
        return 2
    _say_where(lock, args.host, server.port)
    address = address_for(args.host, server.port)
    print(f"Room {room.room} is open. Learners open {address} and type the code {room.code}.", flush=True)
    if earlier is not None:
        print(f"Reopened as it was: {settings_line(room)}.", flush=True)
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
    name = args.room or max(names, key=lambda n: _opened(room_file(home, n)))
    if name not in names:
        print(f"bptutor: no room named {name!r} in {home}; rooms: {', '.join(names)}.", file=sys.stderr)
        return 1
    try:
        room = RoomConfig.load(room_file(home, name))
    except RoomError as e:
        print(f"bptutor: {e}", file=sys.stderr)
        return 1
    book, log = room_files(room)
    if len(book.splitlines()) <= 1:   # the header alone: say whose gradebook it is
        print(f"room {room.room}: nobody came in.", file=sys.stderr)
    print(log if args.answers else book, end="")
    return 0


def _opened(path: Path) -> float:
    """When a room last opened (a room is recorded only once it listens)."""
    try:
        return RoomConfig.load(path).opened
    except RoomError:
        return path.stat().st_mtime
