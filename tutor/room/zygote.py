"""A warm parent for the learners' processes.

A learner's process starts in about a second of imports (Python, Textual, NumPy, the
lessons); thirty learners arriving together on two cores then wait half a minute. The zygote
imports all of that once, then forks a learner's process for each browser connection: a few
milliseconds, and the imported pages stay shared between learners (copy-on-write).

    python -m tutor.room.zygote ROOM_FILE SOCKET

Over the unix socket (in the room's folder, the teacher's user only) the server sends one
JSON object {"env": {...}} with three file descriptors: the learner's stdin, stdout and
stderr. The zygote forks, the child takes them as 0, 1 and 2 and runs the learner's app; the
zygote answers with the child's pid. It prints "ready" when it takes requests. Children are
reaped by the system (SIGCHLD ignored); the server watches their pipes. When the room's
process ends without stopping it (killed, or its terminal closed), the zygote ends too.
"""

from __future__ import annotations

import gc
import json
import os
import signal
import socket
import sys


PARENT_CHECK = 1.0   # seconds between two looks at whether the room's process is still there


def preload(room_file: str) -> None:
    """Everything a learner's process imports, and the room's lessons built once."""
    import textual.drivers.web_driver  # noqa: F401
    import textual.layouts.factory  # noqa: F401
    import textual.layouts.horizontal  # noqa: F401
    import textual.layouts.stream  # noqa: F401
    import textual.widgets  # noqa: F401
    from rich.cells import cell_len

    cell_len("✓ δ ∂ η σ ▸ é")  # loads rich's table of character widths

    from ..lesson.opening import worked_for
    from ..ui import dialogs, lesson_screen, network_view, summary  # noqa: F401
    from ..ui.room_app import RoomApp  # noqa: F401
    from .config import RoomConfig

    room = RoomConfig.load(room_file)
    for spec in room.exercises:
        try:
            worked_for(spec, "")  # loads the engine's code paths too
        except Exception:  # a file that went wrong since the room opened: the learner's app says so
            pass


def serve(room_file: str, path: str, room_pid: int | None = None) -> None:
    # the room's process, as it was when it started us: a room killed while we were still
    # loading had left us with parent 1 before we looked, and we waited for it for ever
    parent = room_pid if room_pid is not None else os.getppid()
    preload(room_file)
    gc.freeze()  # what is loaded now is never touched by the collector: its pages stay shared
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)
    if os.path.exists(path):
        os.unlink(path)
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    old = os.umask(0o177)
    try:
        listener.bind(path)
    finally:
        os.umask(old)
    listener.listen(64)
    listener.settimeout(PARENT_CHECK)
    print("ready", flush=True)
    while True:
        try:
            conn, _ = listener.accept()
        except TimeoutError:
            if os.getppid() != parent:   # the room's process ended without stopping us (killed,
                listener.close()         # its terminal closed): nobody will ask for a learner again
                try:
                    os.unlink(path)
                except OSError:
                    pass
                return
            continue
        conn.settimeout(None)
        with conn:
            try:
                data, fds, _, _ = socket.recv_fds(conn, 1 << 16, 3)
            except OSError:
                continue
            try:
                env = json.loads(data)["env"]
                if len(fds) != 3 or not isinstance(env, dict):
                    raise ValueError("a request is an environment and three file descriptors")
            except (ValueError, KeyError, TypeError):
                for fd in fds:
                    os.close(fd)
                continue
            pid = os.fork()
            if pid == 0:
                listener.close()
                conn.close()
                _child(fds, env)  # never returns
            for fd in fds:
                os.close(fd)
            try:
                conn.sendall(f"{pid}\n".encode())
            except OSError:
                pass


def _child(fds: list[int], env: dict[str, str]) -> None:
    code = 1
    try:
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        for target, fd in enumerate(fds):
            os.dup2(fd, target)
        for fd in fds:
            if fd > 2:
                os.close(fd)
        os.environ.update({str(k): str(v) for k, v in env.items()})
        from .learner import main  # (no gc.unfreeze: the frozen pages stay shared)

        code = main()
    except BaseException:  # noqa: BLE001 - whatever happens, the zygote's loop must not run on here
        import traceback

        traceback.print_exc()
    finally:
        try:
            sys.stdout.flush()
        except Exception:
            pass
        os._exit(code)


if __name__ == "__main__":
    serve(sys.argv[1], sys.argv[2], int(sys.argv[3]) if len(sys.argv) > 3 else None)
