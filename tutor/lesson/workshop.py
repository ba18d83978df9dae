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
from .printout import describe
from .session import Lesson, question_text
from .store import Store, exercise_key
from .variants import same_name, variant_worked

CODE_VERSION = "bptutor-code-1"


# --- completion codes -------------------------------------------------------------------------
def _digest(exercise: str, variant_name: str, first: int, asked: int) -> str:
    # the name as variants draw from it: "cy diaz" verifies the code Cy Diaz was shown
    raw = hashlib.sha256(f"{CODE_VERSION}\0{exercise}\0{same_name(variant_name)}\0{first}\0{asked}".encode()).digest()
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
    which = "" if exercises else " (a teacher's own exercise: add --exercise FILE, or --course FOLDER)"
    if not exercises:
        tried = "the bundled exercises"
    elif len(exercises) <= 3:
        tried = ", ".join(load(name).name if len(exercises) > 1 else name for name in exercises)
    else:
        tried = f"any of the {len(exercises)} exercises tried"
    return Verification(False, f"Not valid for variant {variant_name!r} in {tried}: made up, "
                               f"changed, or from another variant or exercise{which}.")


# --- answer keys and question sheets ------------------------------------------------------------
@dataclass
class Page:
    """One learner's page: what is given, then a row per asked step."""
    title: str
    given: list[str]
    head: tuple[str, ...]
    rows: list[tuple[str, ...]]      # cells; the last one of a key is the value (right-aligned)
    after: str = ""


def _pages(base: Exercise, variants: list[str], answers: bool) -> list[Page]:
    """A key (answers) or a question sheet (no answers) per variant."""
    pages = []
    for name in variants:
        worked = variant_worked(base, name)
        ex, sol = worked.ex, worked.solution
        what = "answer key" if answers else "questions"
        title = f"{ex.title}: {what}" + (f", variant {name}" if name else "")
        given = [describe(ex),
                 "Parameters: " + ", ".join(f"{k} = {v:g}" for k, v in sol.parameters.items()) +
                 f"; learning rate {ex.settings.learning_rate:g}.",
                 "Inputs and targets: " + "; ".join(
                     ", ".join(f"{v:g}" for v in x) + " -> " + ", ".join(f"{v:g}" for v in t)
                     for x, t in zip(ex.X, ex.T))]
        if worked.shown:
            given.append("Given: " + ", ".join(f"{s.id} = {s.value:.9g}" for s in worked.steps if s.id in worked.shown))
        if answers:
            rows = [(s.id, s.formula, s.numbers, f"{s.value:.9g}") for s in worked.asked]
            pages.append(Page(title, given, ("step", "formula", "with numbers", "value"), rows,
                              f"E_total before: {sol.error:.9g}; after the update: {sol.error_after:.9g}"))
        else:
            rows = [(s.id, _what(question_text(s, worked.context), s.symbol), "") for s in worked.asked]
            pages.append(Page(title, given, ("step", "what it is", "your answer"), rows,
                              "Give at least four significant digits; check your answers with bptutor "
                              + (f"{_opened_as(ex)} --variant \"{name}\"." if name else f"{_opened_as(ex)}.")))
    return pages


def _opened_as(ex: Exercise) -> str:
    """How a learner opens the exercise: a bundled one by name, a teacher's file by its path."""
    from .catalog import bundled_dir

    path = ex.path.resolve()
    if path.parent == bundled_dir().resolve():
        return ex.name
    text = str(ex.path)
    return f'"{text}"' if " " in text else text


def _what(question: str, symbol: str) -> str:
    """"net_h1 is the total net input of h1: ..." -> "The total net input of h1: ..."."""
    text = question.removeprefix(f"{symbol} is ")
    return text[:1].upper() + text[1:]


def markdown(pages: list[Page]) -> str:
    out = []
    for page in pages:
        out += [f"# {page.title}", "", *(line + "  " for line in page.given), ""]
        out += ["| " + " | ".join(page.head) + " |", "|" + "---|" * len(page.head)]
        for row in page.rows:
            cells = [row[0], *(f"`{c}`" if c and i < 2 and len(row) == 4 else c for i, c in enumerate(row[1:]))]
            out.append("| " + " | ".join(c if c else " " for c in cells) + " |")
        out += ["", page.after, ""]
    return "\n".join(out)


def page_html(pages: list[Page], title: str) -> str:
    """One section per page, each printed on a page of its own."""
    e = html.escape
    parts = [f"<!doctype html><html><head><meta charset='utf-8'><title>{e(title)}</title><style>",
             "body{font-family:sans-serif;margin:2em} table{border-collapse:collapse;width:100%;font-size:90%}",
             "td,th{border:1px solid #999;padding:2px 6px;text-align:left} td.v{text-align:right;font-family:monospace}",
             "td.blank{width:12em;height:1.6em} p.given{margin:0.2em 0}",
             "code{font-size:95%} section{page-break-after:always} @media print{body{margin:0}}",
             "</style></head><body>"]
    for page in pages:
        parts.append(f"<section><h1>{e(page.title)}</h1>")
        parts += [f"<p class='given'>{e(line)}</p>" for line in page.given]
        parts.append("<table><tr>" + "".join(f"<th>{e(h)}</th>" for h in page.head) + "</tr>")
        for row in page.rows:
            if len(row) == 4:  # a key: step, formula, with numbers, value
                a, b, c, d = row
                parts.append(f"<tr><td>{e(a)}</td><td><code>{e(b)}</code></td><td><code>{e(c)}</code></td>"
                             f"<td class='v'>{e(d)}</td></tr>")
            else:              # a sheet: step, what it is, room for the answer
                a, b, _ = row
                parts.append(f"<tr><td>{e(a)}</td><td>{e(b)}</td><td class='blank'></td></tr>")
        parts.append(f"</table><p>{e(page.after)}</p></section>")
    parts.append("</body></html>")
    return "\n".join(parts)


def key_markdown(base: Exercise, variants: list[str]) -> str:
    return markdown(_pages(base, variants, answers=True))


def key_html(base: Exercise, variants: list[str]) -> str:
    return page_html(_pages(base, variants, answers=True), "Answer keys")


def sheet_markdown(base: Exercise, variants: list[str]) -> str:
    return markdown(_pages(base, variants, answers=False))


def sheet_html(base: Exercise, variants: list[str]) -> str:
    return page_html(_pages(base, variants, answers=False), "Questions")


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
GRADEBOOK_FIELDS = ("room", "learner", "lessons", "steps_done", "first_try", "after_tries", "shown", "answers",
                    "right", "wrong", "mistakes", "unreadable", "hints", "minutes")
IDLE = 300.0   # seconds: a longer pause between two events counts as this much time spent
CREDITED = ("right", "follow_through")


class ReportError(Exception):
    """An exported report that cannot be read, said in one line."""


def step_outcome(events: list[dict]) -> str:
    """How one step went, from its report rows in order: 'first' (the first answer that
    could be read was right), 'after' (right after wrong answers or hints), 'shown' (the
    answer was shown before any right answer), or '' (not done)."""
    decisive = [r for r in events if r["event"] == "shown" or (r["event"] == "answer" and r["verdict"] != "invalid")]
    ends = [r for r in decisive if r["event"] == "shown" or r["verdict"] in CREDITED]
    if not ends:
        return ""
    if ends[0]["event"] == "shown":
        return "shown"
    return "first" if decisive[0] is ends[0] else "after"


def gradebook(rows: list[dict], present: dict[str, str] | None = None) -> list[dict]:
    """One row per learner, from report rows (as report_rows makes them, or read back from an
    exported CSV or JSON). Quiz answers are not lessons and are left out.

    Steps (each step of each lesson counted once, by how it first went):
    steps_done = first_try + after_tries + shown. Rows of the answer log:
    answers = right + wrong + unreadable ('wrong' is every answer not accepted that could be
    read: plain wrong, a named mistake, too few digits; 'mistakes' is those of them with a
    named mistake); hints are hint rows (the answer shown is not one), shown is the steps
    whose answer was shown. Minutes: pauses over IDLE count as IDLE.
    `present`: learner -> room of everyone who came in (a room's joins), so that a learner who
    answered nothing has a row of noughts too."""
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
        outcomes = [step_outcome(events) for events in steps.values()]
        answers = [r for r in mine if r["event"] == "answer"]
        right = sum(r["verdict"] in CREDITED for r in answers)
        unreadable = sum(r["verdict"] == "invalid" for r in answers)
        times = sorted(_seconds(r["time"]) for r in mine)
        spent = sum(min(b - a, IDLE) for a, b in zip(times, times[1:]))
        book.append({"room": room, "learner": learner or "(no name)",
                     "lessons": len({(k[0], k[1]) for k in steps}), "steps_done": sum(map(bool, outcomes)),
                     "first_try": outcomes.count("first"), "after_tries": outcomes.count("after"),
                     "shown": outcomes.count("shown"), "answers": len(answers), "right": right,
                     "wrong": len(answers) - right - unreadable,
                     "mistakes": sum(bool(r["mistake"]) for r in answers), "unreadable": unreadable,
                     "hints": sum(r["event"] == "hint" for r in mine), "minutes": round(spent / 60, 1)})
    listed = {(b["room"], b["learner"]) for b in book}
    for learner, room in (present or {}).items():
        if (room, learner) not in listed:
            book.append({"room": room, "learner": learner, **{f: 0 for f in GRADEBOOK_FIELDS[2:]}})
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


def gradebook_text(rows: list[dict], fmt: str = "csv", present: dict[str, str] | None = None) -> str:
    return _table(gradebook(rows, present), GRADEBOOK_FIELDS, fmt)


def _earlier_attempts(store: Store, lesson: Lesson) -> list[str]:
    """One line for each attempt finished before the current one began (a finished lesson
    opened again starts afresh, and its old answers stay in the store)."""
    lines = []
    for events in store.attempts(lesson.key, lesson.variant)[:-1]:
        earlier = Lesson(lesson.worked, lesson.variant)
        earlier.resume(events)
        if not events:
            continue
        when = time.strftime("%Y-%m-%d %H:%M", time.localtime(events[-1].at))
        first = sum(r.first_try for r in earlier.records)
        state = "finished" if earlier.finished else f"left at {earlier.current.step.id}"
        lines.append(f"    earlier attempt ({when}): {state}; right at the first try: {first} of {len(earlier.records)}")
    return lines


def progress_lines(store: Store, only: set[str] | None = None) -> list[str]:
    """`only`: the exercise keys to report (a course's), or None for all."""
    lines = []
    quiz = [r for r in store.rows() if r["mode"] == "quiz" and r["kind"] == "answer" and r["verdict"] != "invalid"]
    for key, source, variant_name in store.lessons():
        if only is not None and key not in only:
            continue
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
        lines += _earlier_attempts(store, lesson)
    if quiz:
        right = sum(r["verdict"] in CREDITED for r in quiz)
        lines.append(f"Quizzes: {len(quiz)} steps answered, {right} right.")
    return lines or ["No progress yet: run bptutor and start a lesson."]
