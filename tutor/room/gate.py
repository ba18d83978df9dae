"""The room's door: who may start a process, how many, and what a connection may send.

textual-serve starts a process for every websocket and passes on whatever it is sent; the
room checks all of that first. Pure logic, no network: the server asks, the tests too.
"""

from __future__ import annotations

import json
import secrets
import time
from dataclasses import dataclass

from ..lesson.variants import same_name
from .config import normalise_name, same_code

WRONG_CODES_PER_MINUTE = 10      # per address: a 6-letter code cannot be guessed at this pace
MAX_STDIN = 4096                 # characters in one message: a pasted answer is far shorter
MAX_SIZE = (500, 200)            # columns, rows a browser may ask for


class Refused(Exception):
    """Why someone may not join, in a sentence for the join page."""


@dataclass
class Bucket:
    """A token bucket: `take` fails when a client sends faster than `rate` for long."""
    capacity: float
    rate: float                   # tokens per second
    tokens: float = -1.0
    at: float = 0.0

    def take(self, n: float = 1.0, now: float | None = None) -> bool:
        now = time.monotonic() if now is None else now
        if self.tokens < 0:  # full at the first message
            self.tokens, self.at = self.capacity, now
        self.tokens = min(self.capacity, self.tokens + (now - self.at) * self.rate)
        self.at = now
        if self.tokens < n:
            return False
        self.tokens -= n
        return True


def key_buckets() -> tuple[Bucket, Bucket]:
    """(messages, characters). Typing, key repeat and a mouse swept across the page stay far
    below these (xterm.js sends one message per key or mouse cell, ~100 a second at most);
    a script pushing keys does not."""
    return Bucket(capacity=1200, rate=400), Bucket(capacity=64_000, rate=16_000)


class Gate:
    """Room code, learners' tokens and the cap on learners."""

    def __init__(self, code: str, max_learners: int):
        self.code = code
        self.max_learners = max_learners
        self.tokens: dict[str, str] = {}        # token -> learner
        self.learners: dict[str, str] = {}       # everyone who joined: same_name -> the name first typed
        self.wrong: dict[str, list[float]] = {}  # address -> times of wrong codes

    def join(self, name: str, code: str, address: str, now: float | None = None) -> tuple[str, str]:
        """(token, learner) for a right code and a usable name; Refused otherwise."""
        now = time.monotonic() if now is None else now
        recent = [t for t in self.wrong.get(address, []) if now - t < 60]
        self.wrong[address] = recent
        if len(recent) >= WRONG_CODES_PER_MINUTE:
            raise Refused("Too many wrong codes from this computer: wait a minute, then ask the teacher for the code.")
        if not same_code(code, self.code):
            recent.append(now)
            raise Refused("That is not this room's code. Check it with your teacher.")
        learner = normalise_name(name)
        if not learner:
            raise Refused("Type your name (letters, at most 40 characters): the teacher sees your work under it.")
        key = same_name(learner)  # "Jose Garcia" back in as "José García": the same learner
        if key not in self.learners and len(self.learners) >= self.max_learners:
            raise Refused(f"The room is full ({self.max_learners} learners). Ask the teacher.")
        learner = self.learners.setdefault(key, learner)
        token = secrets.token_urlsafe(24)
        self.tokens[token] = learner
        return token, learner

    def learner(self, token: str | None) -> str | None:
        return self.tokens.get(token or "")


def read_message(data: str) -> tuple[str, object]:
    """One message of textual-serve's page, checked: ("stdin", text), ("resize", (w, h)),
    ("ping", text), ("focus"|"blur", None). ValueError for anything else."""
    try:
        envelope = json.loads(data)
    except (ValueError, RecursionError):
        raise ValueError("not JSON") from None
    if not isinstance(envelope, list) or not envelope or not isinstance(envelope[0], str):
        raise ValueError("not a message")
    kind = envelope[0]
    arg = envelope[1] if len(envelope) > 1 else None
    if kind == "stdin" and isinstance(arg, str) and len(arg) <= MAX_STDIN:
        return kind, arg
    if kind == "resize" and isinstance(arg, dict):
        w, h = arg.get("width"), arg.get("height")
        if isinstance(w, int) and isinstance(h, int) and 1 <= w <= MAX_SIZE[0] and 1 <= h <= MAX_SIZE[1]:
            return kind, (w, h)
    if kind == "ping" and isinstance(arg, str) and len(arg) <= 64:
        return kind, arg
    if kind in ("focus", "blur") and len(envelope) == 1:
        return kind, None
    raise ValueError(f"unexpected {kind[:20]!r} message")
