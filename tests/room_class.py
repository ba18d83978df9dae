"""A made-up class in a room, written to the store through real lessons (the checker gives
every verdict): for the dashboard's tests and screenshots."""

from __future__ import annotations

from tutor.lesson.exercise import load
from tutor.lesson.session import Lesson
from tutor.room.config import RoomConfig
from tutor.room.learner import room_store

NET = "net_o1*(1-net_o1)"   # the logistic derivative taken on net, at dout_o1/dnet_o1

# (learner, what they do): a number of steps right, "net" (the mistake above), "wrong",
# "hint" (one hint), "show" (the answer shown)
CLASS = [
    ("Ann Lee", [16]),
    ("Bob Okafor", [12, NET, 4]),
    ("Chen Wei", [12, NET, NET, "wrong"]),
    ("Dana Ruiz", [3, "hint", 9, NET, 1]),
    ("Emil Sørensen", [12, "show", 2]),
    ("Farah Haddad", [8, "wrong", 3]),
    ("Gus Moreau", [12, NET, 1, "hint", 7]),
    ("Hana Sato", [2, "hint", "wrong"]),
]


def fill(room: RoomConfig, people=CLASS) -> None:
    for learner, acts in people:
        store = room_store(room, learner)
        lesson = Lesson(load(room.exercises[0]), room.variant_of(learner), store)
        for act in acts:
            if isinstance(act, int):
                for _ in range(act):
                    lesson.submit(f"{lesson.current.step.value:.9g}")
            elif act == "hint":
                lesson.hint()
            elif act == "show":
                lesson.reveal()
            elif act == "wrong":
                lesson.submit("0.5")
            else:
                lesson.submit(act)


def presence() -> dict:
    """Who is connected as the board is read: everyone but Emil, who closed the tab, and Ivo,
    who came in and left before a first answer; the others typing."""
    import time

    from tutor.room.board import Presence

    now = time.time()
    here = {name: Presence(True, now) for name, _ in CLASS if name != "Emil Sørensen"}
    return {**here, "Emil Sørensen": Presence(False, now - 600), "Ivo New": Presence(False, now - 900)}
