"""A learner's process in the room: `python -m tutor.room.learner`, started by the room's
server for one browser connection, with the room file and the learner's name in its
environment. Its stdout is textual-serve's protocol; its stderr goes to the room's log."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from .config import ENV_LEARNER, ENV_ROOM_FILE, RoomConfig, RoomError, normalise_name


def room_store(room: RoomConfig, learner: str):
    """The teacher's store, writing and reading under this room and learner."""
    from ..lesson.store import Store

    return Store(Path(room.home), room=room.room, learner=learner)


def main() -> int:
    room_file, learner = os.environ.get(ENV_ROOM_FILE), normalise_name(os.environ.get(ENV_LEARNER, ""))
    if not room_file or not learner:
        print("bptutor: this program is started by `bptutor room`, not by hand.", file=sys.stderr)
        return 2
    try:
        room = RoomConfig.load(Path(room_file))
    except RoomError as e:
        print(f"bptutor: {e}", file=sys.stderr)
        return 2
    log = open(Path(room_file).with_name("learners.log"), "a", encoding="utf-8")
    os.dup2(log.fileno(), 2)  # anything said on stderr would be lost in textual-serve's relay
    os.environ["BPTUTOR_HOME"] = room.home
    from ..ui.room_app import RoomApp

    RoomApp(room, learner, list(zip(room.exercises, room.titles or room.exercises))).run()
    return 0


if __name__ == "__main__":
    sys.exit(main())
