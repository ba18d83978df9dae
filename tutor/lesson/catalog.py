"""Where the bundled exercises are and what they are called, without loading them.

The home screen lists lessons at start-up; reading a title needs only tomllib, not the
NumPy engine, so this module imports neither.
"""

from __future__ import annotations

import tomllib
from pathlib import Path


def bundled_dir() -> Path:
    """Inside the installed package, or the checkout's top-level exercises/ folder."""
    here = Path(__file__).resolve().parent.parent
    for candidate in (here / "exercises", here.parent / "exercises"):
        if candidate.is_dir():
            return candidate
    return here / "exercises"


def bundled() -> list[str]:
    """Names of the bundled exercises, the post's first."""
    names = sorted(p.stem for p in bundled_dir().glob("*.toml"))
    return sorted(names, key=lambda n: n != "mazur")


def peek(name: str) -> tuple[str, str, str] | str:
    """(title, summary, teaches) of a bundled exercise, or why it cannot be read."""
    try:
        doc = tomllib.loads((bundled_dir() / f"{name}.toml").read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as e:
        return f"cannot be read ({e.__class__.__name__})"
    title, summary, teaches = doc.get("title"), doc.get("summary", ""), doc.get("teaches", "")
    if not all(isinstance(v, str) for v in (title, summary, teaches)):
        return "has no title"
    return title.strip(), summary.strip(), teaches.strip()
