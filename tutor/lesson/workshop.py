"""For teachers: answer keys, results, gradebooks, progress, completion codes.

A completion code carries the score and a hash of (exercise, variant, score): the
teacher recomputes it with `bptutor verify`, no server needed. A code made up by hand,
edited, or copied from another learner's variant does not match. It is a check that a
learner reports their score honestly, not a proof: the recipe is in this file, so anyone
who reads it can make a valid code. Results a teacher can trust come from the room, where
the lessons run on the teacher's machine.
"""

from __future__ import annotations

import base64
import csv
import hashlib
import html
import io
import json
import time
from dataclasses import dataclass

from .catalog import bundled
from .exercise import Exercise, ExerciseError, load
from .opening import open_lesson
from .store import Store, exercise_key
from .variants import variant_worked

CODE_VERSION = "bptutor-code-1"


# --- completion codes -------------------------------------------------------------------------
def _digest(exercise: str, variant_name: str, first: int, asked: int) -> str:
    raw = hashlib.sha256(f"{CODE_VERSION}\0{exercise}\0{variant_name}\0{first}\0{asked}".encode()).digest()
    return base64.b32encode(raw).decode()[:8]


def completion_code(exercise: str, variant_name: str, first: int, asked: int) -> str:
    """e.g. 31/32-K7QX2M4A: right at the first try, steps asked, and the check."""
    return f"{first}/{asked}-{_digest(exercise, variant_name, first, asked)}"


@dataclass
class Verification:
    valid: bool
    message: str


CODE_MEANING = ("A completion code checks that a learner reports their score honestly; anyone who reads "
                "bptutor's source can make one. For results you can trust, run the lessons in a room.")


def verify(code: str, variant_name: str, exercises: list[str] | None = None) -> Verification:
    """Check a code against the named exercises (bundled names or files; default: the
    bundled ones). A file that cannot be loaded raises ExerciseError."""
    code = code.strip().upper()
    try:
        score, digest = code.split("-", 1)
        first, asked = (int(x) for x in score.split("/"))
    except ValueError:
        return Verification(False, f"{code!r} is not a completion code (they look like 31/32-K7QX2M4A).")
    for name in exercises or bundled():
        ex = load(name)
        if _digest(exercise_key(ex.name, ex.path), variant_name, first, asked) == digest:
            who = f"variant {variant_name!r}" if variant_name else "the exercise's own numbers"
            return Verification(True, f"Valid: {name} ({ex.title}), {who}, {first} of {asked} steps right at "
                                      f"the first try. {CODE_MEANING}")
    which = "" if exercises else " (a teacher's own exercise: add --exercise FILE)"
    return Verification(False, f"Not valid for variant {variant_name!r} in "
                               f"{', '.join(exercises) if exercises else 'the bundled exercises'}: made up, "
                               f"changed, or from another variant or exercise{which}.")


# --- answer keys ---------------------------------------------------------------------------------
def _key(base: Exercise, name: str):
    """(exercise, solution, rows) of variant `name`: a row per asked step."""
    worked = variant_worked(base, name)
    rows = [(s.id, s.formula, s.numbers, f"{s.value:.9g}") for s in worked.asked]
    return worked.ex, worked.solution, rows


def key_markdown(base: Exercise, variants: list[str]) -> str:
    out = []
    for name in variants:
        ex, sol, rows = _key(base, name)
        out += [f"# {ex.title}: answer key" + (f", variant {name}" if name else ""), ""]
        out.append("Parameters: " + ", ".join(f"{k} = {v:g}" for k, v in sol.parameters.items()) +
                   f"; learning rate {ex.settings.learning_rate:g}.")
        out.append("Inputs and targets: " + "; ".join(
            ", ".join(f"{v:g}" for v in x) + " -> " + ", ".join(f"{v:g}" for v in t) for x, t in zip(ex.X, ex.T)))
        out += ["", "| step | formula | with numbers | value |", "|---|---|---|---|"]
        out += [f"| {a} | `{b}` | `{c}` | {d} |" for a, b, c, d in rows]
        out += ["", f"E_total before: {sol.error:.9g}; after the update: {sol.error_after:.9g}", ""]
    return "\n".join(out)


def key_html(base: Exercise, variants: list[str]) -> str:
    e = html.escape
    parts = ["<!doctype html><html><head><meta charset='utf-8'><title>Answer keys</title><style>",
             "body{font-family:sans-serif;margin:2em} table{border-collapse:collapse;width:100%;font-size:90%}",
             "td,th{border:1px solid #999;padding:2px 6px;text-align:left} td.v{text-align:right;font-family:monospace}",
             "code{font-size:95%} section{page-break-after:always} @media print{body{margin:0}}",
             "</style></head><body>"]
    for name in variants:
        ex, sol, rows = _key(base, name)
        parts.append(f"<section><h1>{e(ex.title)}: answer key{e(', variant ' + name) if name else ''}</h1>")
        parts.append("<p>Parameters: " + e(", ".join(f"{k} = {v:g}" for k, v in sol.parameters.items())) +
                     f"; learning rate {ex.settings.learning_rate:g}.</p>")
        parts.append("<table><tr><th>step</th><th>formula</th><th>with numbers</th><th>value</th></tr>")
        parts += [f"<tr><td>{e(a)}</td><td><code>{e(b)}</code></td><td><code>{e(c)}</code></td>"
                  f"<td class='v'>{e(d)}</td></tr>" for a, b, c, d in rows]
        parts.append(f"</table><p>E_total before: {sol.error:.9g}; after the update: {sol.error_after:.9g}</p>"
                     "</section>")
    parts.append("</body></html>")
    return "\n".join(parts)


# --- results -------------------------------------------------------------------------------------
REPORT_FIELDS = ("room", "learner", "exercise", "exercise_id", "variant", "mode", "step", "event", "answer",
                 "value", "verdict", "mistake", "hints", "time")
TIME_FORMAT = "%Y-%m-%dT%H:%M:%S"


def _event(row: dict) -> str:
    if row["kind"] == "answer":
        return "answer"
    return "shown" if row["hints"] == 3 else "hint"


def report_rows(store: Store, room: str | None = None) -> list[dict]:
    """Every answer, hint and answer shown, in order."""
    out = []
    for r in store.rows(room, hints=True):
        source = r["source"] or r["exercise"]
        out.append({"room": r["room"], "learner": r["learner"], "exercise": source.rsplit("/", 1)[-1],
                    "exercise_id": r["exercise"], "variant": r["variant"], "mode": r["mode"], "step": r["step"],
                    "event": _event(r), "answer": r["text"] or "", "value": r["value"],
                    "verdict": r["verdict"] or "", "mistake": r["mistake"] or "", "hints": r["hints"],
                    "time": time.strftime(TIME_FORMAT, time.localtime(r["at"]))})
    return out


def report_text(store: Store, fmt: str, room: str | None = None) -> str:
    return _table(report_rows(store, room), REPORT_FIELDS, fmt)


def _table(rows: list[dict], fields: tuple[str, ...], fmt: str) -> str:
    if fmt == "json":
        return json.dumps(rows, indent=1)
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=fields)
    w.writeheader()
    w.writerows(rows)
    return buf.getvalue()


# --- gradebooks ------------------------------------------------------------------------------------
GRADEBOOK_FIELDS = ("room", "learner", "lessons", "steps_done", "first_try", "hints", "shown", "mistakes",
                    "minutes")
IDLE = 300.0   # seconds: a longer pause between two events counts as this much time spent
CREDITED = ("right", "follow_through")


class ReportError(Exception):
    """An exported report that cannot be read, said in one line."""


def gradebook(rows: list[dict]) -> list[dict]:
    """One row per learner, from report rows (as report_rows makes them, or read back from an
    exported CSV or JSON): lessons begun, steps done (answered right or shown, each step of
    each lesson counted once), first-try right (the first answer ever given on the step was
    right), hints, answers shown, mistakes met, and minutes spent (pauses over IDLE count as
    IDLE). Quiz answers are not lessons and are left out."""
    by_learner: dict[tuple[str, str], list[dict]] = {}
    for r in rows:
        if r.get("mode", "lesson") != "lesson":
            continue
        by_learner.setdefault((r.get("room", ""), r["learner"] or r.get("variant", "")), []).append(r)
    book = []
    for (room, learner), mine in by_learner.items():
        steps: dict[tuple, list[dict]] = {}
        for r in mine:
            steps.setdefault((r["exercise_id"] or r["exercise"], r["variant"], r["step"]), []).append(r)
        done = first = 0
        for events in steps.values():
            decisive = [r for r in events if r["event"] == "shown" or (r["event"] == "answer"
                                                                       and r["verdict"] != "invalid")]
            done += any(r["event"] == "shown" or r["verdict"] in CREDITED for r in decisive)
            first += bool(decisive) and decisive[0]["event"] == "answer" and decisive[0]["verdict"] in CREDITED
        times = sorted(_seconds(r["time"]) for r in mine)
        spent = sum(min(b - a, IDLE) for a, b in zip(times, times[1:]))
        book.append({"room": room, "learner": learner or "(no name)",
                     "lessons": len({(k[0], k[1]) for k in steps}), "steps_done": done, "first_try": first,
                     "hints": sum(r["event"] == "hint" for r in mine),
                     "shown": sum(r["event"] == "shown" for r in mine),
                     "mistakes": sum(bool(r["mistake"]) for r in mine), "minutes": round(spent / 60, 1)})
    return sorted(book, key=lambda b: (b["room"], b["learner"].casefold()))


def _seconds(stamp: str) -> float:
    return time.mktime(time.strptime(stamp, TIME_FORMAT))


def read_report(path: str) -> list[dict]:
    """The rows of a report exported with `bptutor report` (CSV or JSON). A learner without a
    name in it is named after the file (ann.csv: ann)."""
    from pathlib import Path

    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        raise ReportError(f"{path}: cannot be read ({getattr(e, 'strerror', None) or e})") from None
    needed = {"learner", "exercise", "variant", "step", "event", "verdict", "mistake", "time"}
    try:
        if text.lstrip().startswith("["):
            rows = json.loads(text)
        else:
            reader = csv.DictReader(io.StringIO(text))
            missing = needed - set(reader.fieldnames or ())
            if missing:
                raise ReportError(f"{path}: is not a report from bptutor report (no column {', '.join(sorted(missing))})")
            rows = list(reader)
    except (json.JSONDecodeError, csv.Error) as e:
        raise ReportError(f"{path}: is not a report from bptutor report ({e})") from None
    if not isinstance(rows, list):
        raise ReportError(f"{path}: is not a report from bptutor report (not a list of rows)")
    for i, r in enumerate(rows):
        if not isinstance(r, dict) or not needed <= r.keys():
            missing = ", ".join(sorted(needed - set(r))) if isinstance(r, dict) else "everything"
            raise ReportError(f"{path}: row {i + 1}: not a row of bptutor report (missing {missing})")
        r = {k: "" if v is None else str(v) for k, v in r.items()}
        try:
            _seconds(r["time"])
        except ValueError:
            raise ReportError(f"{path}: row {i + 1}: time {r['time']!r} is not like 2026-01-31T14:05:00") from None
        r.setdefault("exercise_id", "")
        r.setdefault("mode", "lesson")
        r.setdefault("room", "")
        if not r["learner"] and not r["variant"]:
            r["learner"] = p.stem
        rows[i] = r
    return rows


def gradebook_text(rows: list[dict], fmt: str = "csv") -> str:
    return _table(gradebook(rows), GRADEBOOK_FIELDS, fmt)


def progress_lines(store: Store) -> list[str]:
    lines = []
    quiz = [r for r in store.rows() if r["mode"] == "quiz" and r["kind"] == "answer" and r["verdict"] != "invalid"]
    for key, source, variant_name in store.lessons():
        who = f"variant {variant_name!r}" if variant_name else "own numbers"
        try:
            lesson = open_lesson(source, variant_name, store).lesson
        except ExerciseError as e:
            lines.append(f"{source} ({who}): cannot be opened now: {e.problem}")
            continue
        if lesson.key != key:
            lines.append(f"{source} ({who}): the file has changed since; its answers are kept in the store.")
            continue
        done = sum(r.done for r in lesson.records)
        first = sum(r.first_try for r in lesson.records)
        state = "finished" if lesson.finished else f"at {lesson.current.step.id}"
        mistakes = ", ".join(f"{m}" + (f" x{n}" if n > 1 else "") for m, n in lesson.mistakes.items()) or "none"
        lines.append(f"{lesson.ex.title} ({source}, {who}): {done} of {len(lesson.records)} steps done, {state}; "
                     f"right at the first try: {first}; mistakes met: {mistakes}")
    if quiz:
        right = sum(r["verdict"] in CREDITED for r in quiz)
        lines.append(f"Quizzes: {len(quiz)} steps answered, {right} right.")
    return lines or ["No progress yet: run bptutor and start a lesson."]
