"""Which lessons there are, in teaching order, and what each is called, without loading them.

A course is a folder of exercise files with a small `course.toml` that gives their order
(as rustlings' info.toml does):

    title = "Backpropagation, week 3"
    exercises = ["one-neuron", "xor-batch", "mazur"]   # files in the folder (.toml may be
                                                        # left out), or bundled exercises' names

Without course.toml, every .toml file in the folder, by name. The bundled exercises are a
course too (exercises/course.toml: the post, its variations, then the other kinds).

The home screen lists lessons at start-up; reading titles needs only tomllib, not the
NumPy engine, so this module imports neither.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

from .nearest import nearest as _nearest

COURSE_FILE = "course.toml"


class CourseError(Exception):
    """A course folder or its course.toml that cannot be used, said in one line."""


@dataclass(frozen=True)
class Entry:
    """One lesson of a course."""
    spec: str            # what load() takes: a bundled name or a file's path
    name: str            # as shown: the file's name without .toml
    path: Path
    title: str = ""
    summary: str = ""
    teaches: str = ""
    problem: str = ""    # why the file cannot be read ("" when it can)


@dataclass(frozen=True)
class Course:
    title: str
    entries: tuple[Entry, ...]
    folder: Path | None = None   # None: the bundled exercises

    @property
    def specs(self) -> list[str]:
        return [e.spec for e in self.entries if not e.problem]


def nearest(word: str, names) -> str | None:
    """The name a mistyped `word` most likely meant ("mazr" -> "mazur", "sovle" -> "solve"),
    or None: how every command names what it could not find."""
    close = _nearest(word, names)
    return close[0] if close else None


def bundled_dir() -> Path:
    """Inside the installed package, or the checkout's top-level exercises/ folder."""
    here = Path(__file__).resolve().parent.parent
    for candidate in (here / "exercises", here.parent / "exercises"):
        if candidate.is_dir():
            return candidate
    return here / "exercises"


def bundled() -> list[str]:
    """Names of the bundled exercises, in teaching order (the post's first)."""
    folder = bundled_dir()
    try:
        order = _order(folder, _read_course_file(folder / COURSE_FILE))
    except CourseError:
        order = []
    names = [p.stem for p in order if p.parent == folder]
    rest = sorted(p.stem for p in folder.glob("*.toml") if p.name != COURSE_FILE and p.stem not in names)
    return names + rest


def course(folder: str | Path | None = None) -> Course:
    """The lessons of a teacher's course folder (None: the bundled exercises), in order."""
    if folder is None:
        try:
            title = _read_course_file(bundled_dir() / COURSE_FILE).get("title", "The bundled lessons")
        except CourseError:
            title = "The bundled lessons"
        return Course(title, tuple(_entry(n, bundled_dir() / f"{n}.toml") for n in bundled()))
    folder = Path(folder)
    if not folder.is_dir():
        raise CourseError(f"{folder}: " + ("is a file, not a course folder" if folder.exists()
                                          else "no such folder"))
    doc = _read_course_file(folder / COURSE_FILE)
    title = doc.get("title", folder.resolve().name)
    if not isinstance(title, str):
        raise CourseError(f"{folder / COURSE_FILE}: title: must be text")
    paths = _order(folder, doc) if "exercises" in doc else sorted(
        p for p in folder.glob("*.toml") if p.name != COURSE_FILE)
    if not paths:
        raise CourseError(f"{folder}: no exercise files (.toml) in it")
    entries = tuple(_entry(p.stem if p.parent == bundled_dir() else str(p), p) for p in paths)
    return Course(title.strip(), entries, folder)


def _read_course_file(path: Path) -> dict:
    if not path.is_file():
        return {}
    try:
        text = path.read_text(encoding="utf-8")
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        from .toml_errors import toml_problem

        raise CourseError(f"{path}: cannot be read ({toml_problem(text, e)})") from None
    except (OSError, UnicodeDecodeError) as e:
        raise CourseError(f"{path}: cannot be read ({e})") from None
    unknown = set(doc) - {"title", "exercises"}
    if unknown:
        raise CourseError(f"{path}: {sorted(unknown)[0]}: unknown key (known: exercises, title)")
    return doc


def _order(folder: Path, doc: dict) -> list[Path]:
    """The files course.toml names, in its order."""
    names = doc.get("exercises", [])
    where = folder / COURSE_FILE
    if not isinstance(names, list) or not all(isinstance(n, str) and n.strip() for n in names):
        raise CourseError(f"{where}: exercises: must be a list of file names, such as [\"one-neuron\", \"xor\"]")
    out = []
    for i, name in enumerate(names):
        name = name.strip()
        here = folder / (name if name.endswith(".toml") else f"{name}.toml")
        there = bundled_dir() / f"{name.removesuffix('.toml')}.toml"
        if here.is_file():
            out.append(here)
        elif there.is_file() and "/" not in name:
            out.append(there)
        else:
            raise CourseError(f"{where}: exercises[{i}]: {name!r} is neither a file in {folder} nor a bundled "
                              "exercise")
        if out[-1] in out[:-1]:
            raise CourseError(f"{where}: exercises[{i}]: {name!r} is named twice")
    return out


def _entry(spec: str, path: Path) -> Entry:
    info = peek_file(path)
    if isinstance(info, str):
        return Entry(spec, path.stem, path, problem=info)
    return Entry(spec, path.stem, path, *info)


def peek(name: str) -> tuple[str, str, str] | str:
    """(title, summary, teaches) of a bundled exercise, or why it cannot be read."""
    return peek_file(bundled_dir() / f"{name}.toml")


def peek_file(path: Path) -> tuple[str, str, str] | str:
    """(title, summary, teaches) of an exercise file, or why it cannot be read."""
    try:
        doc = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as e:
        return f"cannot be read ({e.__class__.__name__})"
    title, summary, teaches = doc.get("title"), doc.get("summary", ""), doc.get("teaches", "")
    if not all(isinstance(v, str) for v in (title, summary, teaches)):
        return "has no title"
    return title.strip(), summary.strip(), teaches.strip()
