"""For teachers: answer keys, results, progress, completion codes.

A completion code carries the score and a hash of (exercise, variant, score): the
teacher recomputes it with `bptutor verify`, no server needed. A code made up, edited,
or copied from another learner's variant does not match.
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
from .exercise import Exercise, ExerciseError
from .opening import open_lesson
from .quiz import QUIZ_PREFIX
from .store import Store
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


def verify(code: str, variant_name: str, exercises: list[str] | None = None) -> Verification:
    code = code.strip().upper()
    try:
        score, digest = code.split("-", 1)
        first, asked = (int(x) for x in score.split("/"))
    except ValueError:
        return Verification(False, f"{code!r} is not a completion code (they look like 31/32-K7QX2M4A).")
    for name in exercises or bundled():
        if _digest(name, variant_name, first, asked) == digest:
            who = f"variant {variant_name!r}" if variant_name else "the exercise's own numbers"
            return Verification(True, f"Valid: {name}, {who}, {first} of {asked} steps right at the first try.")
    return Verification(False, f"Not valid for variant {variant_name!r}: made up, changed, or from another variant.")


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
REPORT_FIELDS = ("learner", "exercise", "step", "answer", "value", "verdict", "mistake", "hints", "time")


def report_rows(store: Store) -> list[dict]:
    return [{"learner": r["variant"], "exercise": r["exercise"], "step": r["step"], "answer": r["text"],
             "value": r["value"], "verdict": r["verdict"], "mistake": r["mistake"] or "", "hints": r["hints"],
             "time": time.strftime("%Y-%m-%dT%H:%M:%S", time.localtime(r["at"]))} for r in store.rows()]


def report_text(store: Store, fmt: str) -> str:
    rows = report_rows(store)
    if fmt == "json":
        return json.dumps(rows, indent=1)
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=REPORT_FIELDS)
    w.writeheader()
    w.writerows(rows)
    return buf.getvalue()


def progress_lines(store: Store) -> list[str]:
    lines = []
    quiz = [r for r in store.rows() if r["variant"].startswith(QUIZ_PREFIX) and r["verdict"] != "invalid"]
    for exercise, variant_name in store.lessons():
        if variant_name.startswith(QUIZ_PREFIX):
            continue  # quiz answers are single steps, not a lesson to replay
        who = f"variant {variant_name!r}" if variant_name else "own numbers"
        try:
            lesson = open_lesson(exercise, variant_name, store).lesson
        except ExerciseError as e:
            lines.append(f"{exercise} ({who}): cannot be opened now: {e.problem}")
            continue
        done = sum(r.done for r in lesson.records)
        first = sum(r.first_try for r in lesson.records)
        state = "finished" if lesson.finished else f"at {lesson.current.step.id}"
        mistakes = ", ".join(f"{m}" + (f" x{n}" if n > 1 else "") for m, n in lesson.mistakes.items()) or "none"
        lines.append(f"{lesson.ex.title} ({exercise}, {who}): {done} of {len(lesson.records)} steps done, {state}; "
                     f"right at the first try: {first}; mistakes met: {mistakes}")
    if quiz:
        right = sum(r["verdict"] in ("right", "follow_through") for r in quiz)
        lines.append(f"Quizzes: {len(quiz)} steps answered, {right} right.")
    return lines or ["No progress yet: run bptutor and start a lesson."]
