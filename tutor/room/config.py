"""What a room is: its name, code, lessons and the teacher's choices, kept as one JSON file.

The teacher's `bptutor room` writes it; every learner's process reads it (the file's place
and the learner's name reach that process through its environment). Nothing here imports
Textual, aiohttp or the engine.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import time
import unicodedata
from dataclasses import asdict, dataclass, field
from pathlib import Path

# no 0/O, 1/I/L: a code read aloud or written on a board is typed right
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 6
MAX_NAME = 40

ENV_ROOM_FILE = "BPTUTOR_ROOM_FILE"
ENV_LEARNER = "BPTUTOR_LEARNER"


class RoomError(Exception):
    """A room that cannot be opened, in one sentence."""


@dataclass
class RoomConfig:
    room: str                     # the room's name: the store's `room` column
    code: str                     # what learners type to join
    exercises: list[str]          # bundled names or absolute paths, in the teacher's order
    titles: list[str] = field(default_factory=list)  # the lessons' titles, in the same order
    variants: bool = False        # True: a variant per learner, drawn from the name
    hints: int = 2                # hint stages a step allows (0, 1 or 2)
    reveal: bool = True           # may a learner have the answer shown (ends the step, no credit)
    max_learners: int = 40
    home: str = ""                # the teacher's store folder (BPTUTOR_HOME of the learners)
    opened: float = field(default_factory=time.time)

    def save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        # the code is in it: readable by the teacher only
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(asdict(self), f, indent=1)
        os.replace(tmp, path)

    @classmethod
    def load(cls, path: Path) -> "RoomConfig":
        try:
            data = json.loads(Path(path).read_text(encoding="utf-8"))
            return cls(**data)
        except (OSError, ValueError, TypeError) as e:
            raise RoomError(f"The room file {path} cannot be read ({e}).") from None

    def variant_of(self, learner: str) -> str:
        """The variant a learner's numbers are drawn from: their name, or '' for the file's own."""
        return learner if self.variants else ""


def rooms_dir(home: Path) -> Path:
    return Path(home) / "rooms"


def room_file(home: Path, room: str) -> Path:
    return rooms_dir(home) / safe_folder(room) / "room.json"


def safe_folder(room: str) -> str:
    """A room name as a folder name: letters, digits, dot, dash and underscore only."""
    return re.sub(r"[^A-Za-z0-9._-]+", "-", room).strip(".-") or "room"


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def same_code(typed: str, code: str) -> bool:
    """Codes compared without case, spaces or dashes, in constant time."""
    cleaned = re.sub(r"[\s-]+", "", typed or "").upper()
    return secrets.compare_digest(cleaned.encode(), code.upper().encode())


def normalise_name(raw: str) -> str:
    """"  ann   LEE " -> "Ann Lee": one learner however the name was typed; '' if unusable.

    Control and format characters are dropped, runs of spaces become one, each word is
    capitalised (O'Brien, Anne-Marie)."""
    text = unicodedata.normalize("NFC", raw or "")
    text = "".join(" " if c.isspace() else c for c in text
                   if c.isspace() or unicodedata.category(c)[0] != "C")
    text = " ".join(text.split())
    if not any(c.isalpha() for c in text) or len(text) > MAX_NAME:
        return ""
    # capitalising can decompose a letter (ῢ -> Ϋ̀ as three code points, ῲ -> Ὼ and a combining
    # iota that splits the word): composed again and repeated until it holds, so that a name
    # normalised twice is the same name
    for _ in range(4):
        done = unicodedata.normalize("NFC", re.sub(r"[^\W\d_]+", lambda m: m.group(0).capitalize(), text.lower()))
        if done == text:
            break
        text = done
    return text
