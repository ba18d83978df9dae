"""The command line: one argparse parser, a function per command.

`bptutor` opens the lessons and `bptutor EXERCISE` one lesson: both are the `open` command
written short. Thin on purpose: it parses, asks the layers below, prints. The headless
commands never import Textual, and the parser imports neither NumPy nor Textual.

A new command is a few lines in `parser()`: `command(name, func, help)`, its arguments, and
`func(args) -> exit status`.
"""

from __future__ import annotations

import argparse
import json
import sys
import threading

from . import __version__

EXERCISE_HELP = ("a bundled exercise's name (see bptutor list), a lesson of --course DIR by its file's name, "
                 "or the path of a .toml exercise file")
COURSE_HELP = ("a teacher's course: a folder of exercise files, in the order its course.toml gives "
               "(default: the bundled lessons)")


class Parser(argparse.ArgumentParser):
    commands: list[str] = []  # filled in by parser(): the names of its commands


def parser() -> Parser:
    p = Parser(
        prog="bptutor",
        usage="bptutor [--course DIR] [EXERCISE] [--variant NAME]\n       bptutor COMMAND [options]",
        description="A terminal tutor for backpropagation, built on Matt Mazur's step-by-step example. "
                    "With no command, bptutor opens the lessons (or the one left unfinished); "
                    "bptutor EXERCISE opens that lesson.",
        epilog="bptutor COMMAND --help says more about each command.")
    p.add_argument("--version", action="version", version=f"bptutor {__version__}")
    p.add_argument("--course", metavar="DIR", help=COURSE_HELP)
    sub = p.add_subparsers(title="commands", dest="command", metavar="COMMAND", prog="bptutor")
    p.commands = []

    def command(name: str, func, help: str, description: str = "") -> argparse.ArgumentParser:
        c = sub.add_parser(name, help=help, description=description or help[0].upper() + help[1:] + ".")
        c.set_defaults(func=func)
        p.commands.append(name)
        return c

    c = command("open", _open, "open the tutor: the lessons, or one lesson (bptutor EXERCISE is short for this)",
                "Open the tutor. With no exercise: the lessons, or the lesson left unfinished. With one: that "
                "lesson, where you work out every quantity of one update.")
    c.add_argument("exercise", nargs="?", metavar="EXERCISE", help=EXERCISE_HELP)
    learner(c, "the same lesson with other numbers")
    course_option(c)

    c = command("solve", _solve, "print the worked solution of one update, every quantity")
    c.add_argument("exercise", metavar="EXERCISE", help=EXERCISE_HELP)
    course_option(c)
    c.add_argument("--json", action="store_true", help="one JSON object instead of tables")
    c.add_argument("--ids", action="store_true", help="only the id of every quantity of the update, one a line "
                   "(the ids [lesson] ask and show take)")
    who = c.add_mutually_exclusive_group()
    who.add_argument("--variant", metavar="NAME", help="a learner's numbers, drawn from NAME (as bptutor "
                     "EXERCISE --variant NAME gives them)")
    who.add_argument("--seed", type=int, metavar="N", help="another random start for an exercise without given "
                     "weights (default: the file's seed)")

    c = command("train", _train, "train the network: the live screen on a terminal, else the error and outputs",
                "Train the network. On a terminal the live training screen opens; with --json or --headless, "
                "or when the output is not a terminal, progress lines and then the final error and outputs.")
    c.add_argument("exercise", metavar="EXERCISE", help=EXERCISE_HELP)
    course_option(c)
    c.add_argument("--iterations", type=_iterations, metavar="N", help="passes over the samples "
                   "(default: the file's)")
    c.add_argument("--seed", type=int, metavar="N", help="another random start for an exercise without given "
                   "weights (default: the file's seed)")
    c.add_argument("--json", action="store_true", help="no screen: one JSON object at the end")
    c.add_argument("--headless", action="store_true", help="no screen: progress lines, then the result")

    c = command("quiz", _quiz, "single steps from several exercises and variants, one try each")
    c.add_argument("exercise", nargs="?", metavar="EXERCISE", help="only this exercise (default: all of them)")
    c.add_argument("-n", type=_questions, default=10, metavar="N", help="how many questions, 1 to 100 "
                   "(default 10)")
    course_option(c)

    course_option(command("list", _list, "the lessons in teaching order, and what each teaches"))
    course_option(command("progress", _progress, "your progress: per exercise and variant, steps done, "
                          "first-try score, mistakes met"))

    c = command("check-exercise", _check, "check an exercise file before handing it out (exit 1 on a problem)",
                "Check an exercise file: it is read as every command reads it, then checked as a lint that fails "
                "(exit status 1) on steps where a known mistake cannot be told apart, variants that cannot be "
                "drawn, an ask list that leaves nothing to do, and question tests ([[lesson.tests]]) judged "
                "otherwise than expected. Warnings: a shared bias on a softmax output, a step that is 0 for every "
                "learner.")
    c.add_argument("exercise", metavar="EXERCISE", help=EXERCISE_HELP)
    course_option(c)
    c.add_argument("--allow-collisions", action="store_true", help="the file's own numbers may hide a mistake "
                   "(as the post's do: i2 = 2 x i1); its variants still may not")

    for name, func, what in (("key", _key, "answer keys: every asked step's formula, numbers and value"),
                             ("sheet", _sheet, "question sheets: each learner's numbers and the steps to work out, "
                                               "no answers")):
        c = command(name, func, what + ", one per variant")
        c.add_argument("exercise", metavar="EXERCISE", help=EXERCISE_HELP)
        course_option(c)
        c.add_argument("--variant", action="append", metavar="NAME", help="a learner's variant (repeat for more; "
                       "default: the file's own numbers)")
        c.add_argument("--format", choices=("md", "html"), default="md", help="Markdown, or HTML that prints "
                       "cleanly, a page per learner (default: md)")

    c = command("report", _report, "every answer stored: learner, exercise, step, verdict, mistake, time")
    c.add_argument("--format", choices=("csv", "json"), default="csv", help="default: csv")

    c = command("verify", _verify, "check a learner's completion code")
    c.add_argument("code", metavar="CODE", help="the code shown at the end of a lesson, e.g. 31/32-K7QX2M4A")
    c.add_argument("--variant", required=True, metavar="NAME", help="the learner's variant (\"\" for the "
                   "exercise's own numbers)")
    c.add_argument("--exercise", action="append", metavar="EXERCISE", help="the exercise the code is for: "
                   + EXERCISE_HELP + " (repeat for more; default: every lesson of --course, else every bundled "
                   "exercise)")
    course_option(c)

    c = command("room", _room, "a workshop room: learners do the lessons in a browser, you watch the room",
                "Serve lessons to learners' browsers from this computer and show the room live. See the "
                "README's 'The workshop room' before using --host.")
    c.add_argument("exercises", nargs="*", metavar="EXERCISE", help="bundled names, lessons of --course DIR by "
                   "name, files, or a course folder (its lessons in the order of its course.toml); default: the "
                   "--course's lessons, else every bundled lesson")
    course_option(c)
    c.add_argument("--port", type=_port, default=8000, help="port to listen on (default 8000)")
    c.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1: this computer "
                   "only; 0.0.0.0: your network)")
    c.add_argument("--name", metavar="ROOM", help="the room's name (default: today's date); reopening a room by "
                   "its name keeps its code, its settings and every learner's work (a setting left out keeps "
                   "the room's; one that differs is refused)")
    c.add_argument("--code", help="the room code (default: the room's earlier code, or a new random one)")
    c.add_argument("--variants", action="store_true", default=None, help="a variant per learner, drawn from the name "
                   "(default: the same numbers for everyone)")
    c.add_argument("--hints", type=int, choices=(0, 1, 2), default=None, help="hints a step allows (default 2)")
    c.add_argument("--no-reveal", action="store_true", default=None, help="never show a learner the answer")
    c.add_argument("--max-learners", type=_learners, default=None, metavar="N", help="at most N learners, 1 to 500 "
                   "(default 40)")
    c.add_argument("--no-dashboard", action="store_true", help="serve without the dashboard (until Ctrl+C)")

    c = command("gradebook", _gradebook, "one gradebook from learners' exported reports, or a room's gradebook "
                "(or its answer log) as CSV")
    c.add_argument("reports", nargs="*", metavar="FILE", help="reports exported with bptutor report (CSV or "
                   "JSON), one or more per learner")
    c.add_argument("--room", metavar="ROOM", help="which room (default: the last one opened)")
    c.add_argument("--answers", action="store_true", help="every answer and hint instead of the gradebook")
    return p


def course_option(c: argparse.ArgumentParser) -> None:
    """--course DIR, also after the command (the top level's value is kept when it is not given)."""
    c.add_argument("--course", metavar="DIR", default=argparse.SUPPRESS, help=COURSE_HELP)


def learner(c: argparse.ArgumentParser, what: str) -> None:
    """--variant NAME: a learner's numbers. (--seed is one thing everywhere: a random start.)"""
    c.add_argument("--variant", metavar="NAME", help=f"{what}, drawn from NAME (the same on every machine; "
                   "any text, a number too)")


def _between(lo: int, hi: int):
    """An argparse type: a whole number from lo to hi (1,000 and 1_000 read as 1000)."""
    def read(text: str) -> int:
        n = _int(text)
        if not lo <= n <= hi:
            raise argparse.ArgumentTypeError(f"must be between {lo:,} and {hi:,}, not {n:,}")
        return n
    return read


def _iterations(text: str) -> int:
    from .lesson.exercise import MAX_ITERATIONS  # not at import: the parser is built on every start

    return _between(1, MAX_ITERATIONS)(text)


_port = _between(0, 65535)
_learners = _between(1, 500)
_questions = _between(1, 100)


def _int(text: str) -> int:
    try:
        return int(text.replace(",", "").replace("_", ""))
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None


# --- dispatch ------------------------------------------------------------------------------
def main(argv: list[str] | None = None) -> int:
    from .lesson.catalog import CourseError
    from .lesson.errors import ExerciseError  # not .exercise: that imports NumPy, before the screen

    p = parser()
    args = p.parse_args(route(p, sys.argv[1:] if argv is None else list(argv)))
    try:
        return args.func(args)
    except (ExerciseError, CourseError) as e:
        print(f"bptutor: {e}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("bptutor: stopped", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0


def route(p: Parser, argv: list[str]) -> list[str]:
    """`bptutor [EXERCISE] [options]` is `bptutor open [EXERCISE] [options]`. A first word that is
    neither a command nor an exercise but is close to a command is a mistyped command."""
    i = 0
    while i < len(argv) and (argv[i] in ("-h", "--help", "--version", "--course") or argv[i].startswith("--course=")):
        i += 2 if argv[i] == "--course" else 1
    if i < len(argv) and argv[i] in p.commands:
        return argv
    if i < len(argv) and not argv[i].startswith("-") and not _is_exercise(argv[i], argv):
        from .lesson.catalog import nearest

        close = nearest(argv[i], p.commands)
        if close:
            p.error(f"{argv[i]!r} is neither a command nor an exercise; did you mean {close}?")
    if i == len(argv) and any(a in ("-h", "--help", "--version") for a in argv):
        return argv  # -h or --version: they answer by themselves
    return argv[:i] + ["open"] + argv[i:]


def _is_exercise(word: str, argv: list[str]) -> bool:
    """A bundled name, a file, or the name of a lesson of the course named in argv."""
    from pathlib import Path

    from .lesson.catalog import CourseError, bundled, course

    if word in bundled() or Path(word).exists() or Path(f"{word}.toml").exists():
        return True
    folders = [b for a, b in zip(argv, argv[1:]) if a == "--course"]
    folders += [a.split("=", 1)[1] for a in argv if a.startswith("--course=")]
    try:
        return any(word == e.name for f in folders for e in course(f).entries)
    except CourseError:
        return False  # said when the command reads the course


def _course(args):
    """The course of --course DIR, or None for the bundled lessons."""
    folder = getattr(args, "course", None)
    if folder is None:
        return None
    from .lesson.catalog import course

    return course(folder)


def _spec(args, name: str) -> str:
    """An exercise as named on the command line: in a course, its entries' names come first."""
    lessons = _course(args)
    if lessons is not None:
        for entry in lessons.entries:
            if name == entry.name:
                return entry.spec
        from pathlib import Path

        from .lesson.catalog import bundled, nearest
        from .lesson.exercise import ExerciseError

        names = [e.name for e in lessons.entries]
        close = nearest(name, names + [b for b in bundled() if b not in names])
        if close and name not in bundled() and not Path(name).exists():
            raise ExerciseError(name, "", f"no such file and no lesson of that name in {lessons.folder}; "
                                          f"did you mean {close}?")
    return name


# --- the commands ----------------------------------------------------------------------------
def _open(args) -> int:
    """`bptutor` opens the lessons (or the one left unfinished); `bptutor EXERCISE` that lesson.

    On a terminal the app starts at once and builds the lesson in its worker ("Preparing …"
    is the first frame, as soon as the bare home screen's; building first, with NumPy's
    import, left the terminal blank for up to a second); a wrong file ends it with exit
    status 2, and its one sentence is printed here once the terminal is restored. With no
    terminal there is no frame to hurry: the file is checked before anything starts."""
    exercise, name = None, ""
    if args.exercise:
        name = args.variant or ""
        exercise = _spec(args, args.exercise)
        if not on_a_terminal():
            from .lesson.opening import worked_for

            exercise = worked_for(exercise, name)  # a wrong file: one line, exit 2, before the app
    elif args.variant is not None:
        print("bptutor: name the exercise for a variant, e.g. bptutor mazur --variant alice", file=sys.stderr)
        return 2
    from .ui.app import BPTutorApp

    app = BPTutorApp(exercise, variant=name, course=_course(args))
    status = _run_app(app)
    if app.refused is not None:
        print(f"bptutor: {app.refused}", file=sys.stderr)
        return 2
    return status


def _run_app(app) -> int:
    """Run the tutor; its exit status: 0 after a quit, non-zero when it ended on an
    unhandled exception (Textual sets return_code to 1 and prints the traceback)."""
    app.run()
    _said_lost(app)
    return app.return_code or 0


def _said_lost(app) -> None:
    """Quit without answers that could not be written (the app asked first): say so, once
    more tried, on the restored terminal."""
    store = getattr(app, "store", None)
    if store is not None and store.status.unsaved and not store.flush(wait=1.0):
        from .ui.saving import not_saved

        print(f"bptutor: {not_saved(store.status, lost=True)}", file=sys.stderr)


def _quiz(args) -> int:
    lessons = _course(args)
    names = lessons.specs if lessons is not None else None
    if args.exercise:
        from .lesson.opening import worked_for

        names = [_spec(args, args.exercise)]
        worked_for(names[0])  # a wrong name or file gets its one line here, before the screen opens
    from .ui.app import BPTutorApp

    return _run_app(BPTutorApp(quiz=(args.n, names)))


def _list(args) -> int:
    from .lesson.catalog import course

    lessons = _course(args) or course()
    width = max(len(e.name) for e in lessons.entries) + 2  # long names keep the columns
    if lessons.folder is not None:
        print(lessons.title)
    for e in lessons.entries:
        why = e.problem or _unopenable(e, lessons)
        print(f"{e.name:<{width}}{why or e.title}")
        if not why and (e.teaches or e.summary):
            print(f"{'':<{width}}{e.teaches or e.summary}")
    return 0


def _unopenable(entry, lessons) -> str:
    """Why a course's lesson that has a title cannot be opened all the same ('' when it can):
    a teacher's file is read whole, as opening it would (the bundled ones are checked by their tests)."""
    if lessons.folder is None:
        return ""
    from .lesson.exercise import ExerciseError, load

    try:
        load(entry.spec)
    except ExerciseError as e:
        return "cannot be opened: " + (f"{e.key}: {e.problem}" if e.key else e.problem)
    return ""


def _check(args) -> int:
    from .lesson.lint import lint
    from .lesson.opening import worked_for

    worked = worked_for(_spec(args, args.exercise))
    report = lint(worked, allow_collisions=args.allow_collisions)
    print(f"{args.exercise}: the file is valid ({worked.ex.title}).")
    print("\n".join([*report.notes, *("warning: " + w for w in report.warnings),
                     *("error: " + e if not e.startswith("  ") else e for e in report.errors)]))
    if report.ok:
        print("No problem found." if not report.warnings else "No error found.")
        return 0
    print(f"{sum(not e.startswith('  ') for e in report.errors)} problem(s): the file is not ready to hand out.")
    return 1


def _key(args) -> int:
    return _pages(args, answers=True)


def _sheet(args) -> int:
    return _pages(args, answers=False)


def _pages(args, answers: bool) -> int:
    from .lesson import workshop
    from .lesson.opening import worked_for

    ex = worked_for(_spec(args, args.exercise)).ex
    variants = args.variant or [""]
    if answers:
        print(workshop.key_html(ex, variants) if args.format == "html" else workshop.key_markdown(ex, variants))
    else:
        print(workshop.sheet_html(ex, variants) if args.format == "html" else workshop.sheet_markdown(ex, variants))
    return 0


def _verify(args) -> int:
    from .lesson import workshop

    lessons = _course(args)
    if args.exercise:
        exercises = [_spec(args, name) for name in args.exercise]
    else:
        exercises = lessons.specs if lessons is not None else None
    result = workshop.verify(args.code, args.variant, exercises)
    print(result.message)
    return 0 if result.valid else 1


def _room(args) -> int:
    from .lesson.catalog import bundled
    from .room import run
    from .room.config import RoomError

    folder = getattr(args, "course", None)
    args.exercises_given = bool(args.exercises or folder)   # none: a reopened room keeps its lessons
    if not args.exercises:  # the course's lessons, or the bundled ones
        args.exercises = [folder] if folder else bundled()
    else:
        args.exercises = [_spec(args, name) for name in args.exercises]
    try:
        return run.open_room(args)
    except RoomError as e:
        print(f"bptutor: {e}", file=sys.stderr)
        return 2


def _gradebook(args) -> int:
    """`bptutor gradebook FILE...`: one row per learner from reports learners exported; with no
    file, a room's gradebook, or (no room opened here) this computer's store's."""
    from .lesson import workshop

    if not args.reports and (args.room or _rooms_opened()):
        from .room import run
        from .room.config import RoomError

        try:
            return run.gradebook(args)
        except RoomError as e:
            print(f"bptutor: {e}", file=sys.stderr)
            return 2
    try:
        rows = ([row for path in args.reports for row in workshop.read_report(path)] if args.reports
                else workshop.report_rows(_store()))
    except workshop.ReportError as e:
        print(f"bptutor: {e}", file=sys.stderr)
        return 2
    print(workshop.gradebook_text(rows), end="")
    return 0


def _rooms_opened() -> bool:
    from .lesson.store import default_home
    from .room.config import rooms_dir

    return any(rooms_dir(default_home()).glob("*/room.json"))


def _store():
    from .lesson.store import Store

    store = Store()
    if store.message:
        print(f"bptutor: {store.message}", file=sys.stderr)
    return store


def _report(args) -> int:
    from .lesson import workshop

    print(workshop.report_text(_store(), args.format), end="")
    return 0


def _progress(args) -> int:
    from .lesson import workshop

    lessons = _course(args)
    if lessons is None:
        print("\n".join(workshop.progress_lines(_store())))
        return 0
    from .lesson.store import exercise_key

    only = {exercise_key(e.name, e.path) for e in lessons.entries if not e.problem}
    print("\n".join(workshop.progress_lines(_store(), only)))
    return 0


def _solve(args) -> int:
    from .lesson import printout
    from .lesson.exercise import load
    from .lesson.variants import variant_worked
    from .lesson.worked import build

    ex = load(_spec(args, args.exercise), seed=args.seed)
    worked = build(ex) if args.variant is None else variant_worked(ex, args.variant)
    if args.ids:
        print("\n".join(worked.ids))
        return 0
    ex, sol, comparisons = worked.ex, worked.solution, worked.comparisons()
    if args.json:
        print(json.dumps(printout.solve_json(ex, sol, comparisons), indent=1))
    else:
        print(printout.solve_text(ex, sol, comparisons))
    return 0


def _train(args) -> int:
    from dataclasses import replace

    from .lesson.exercise import load
    from .lesson.worked import build

    ex = load(_spec(args, args.exercise), seed=args.seed)
    if args.iterations is not None:
        ex = replace(ex, iterations=args.iterations)
    worked = build(ex)  # checked as every command checks it
    if not (args.json or args.headless) and on_a_terminal():
        from .ui.app import BPTutorApp

        return _run_app(BPTutorApp(worked, train=True))
    from .lesson import printout
    from .lesson.headless import Run

    run = Run(ex, ex.iterations)
    if not args.json:
        print(f"{ex.title}  ({ex.name})\n{printout.describe(ex)}\n", flush=True)
    width = len(f"{run.n:,}")
    progress = None if args.json else (
        lambda it, e: print(f"  iteration {it:>{width},}  E_total {printout.value(e)}", flush=True))
    result = _in_a_thread(run, progress)
    if args.json:
        print(json.dumps(printout.train_json(ex, result), indent=1, allow_nan=False))
    else:
        print("\n".join(printout.train_text(ex, result)))
    return 0


def on_a_terminal() -> bool:
    """A screen can be shown: both input and output are a terminal."""
    return sys.stdout.isatty() and sys.stdin.isatty()


def _in_a_thread(run, progress):
    """The run in a worker thread, so that Ctrl+C is answered at once: the run stops after
    its current slice, or is left behind if that takes longer than half a second."""
    box, failed = [], []

    def work():
        try:
            box.append(run.train(progress))
        except BaseException as e:  # noqa: BLE001 - raised again in the main thread
            failed.append(e)

    worker = threading.Thread(target=work, daemon=True)
    worker.start()
    try:
        while worker.is_alive():
            worker.join(0.05)
    except KeyboardInterrupt:
        run.stop.set()
        worker.join(0.4)
        done = f" after {box[0].iterations:,} of {run.n:,} iterations" if box else ""
        print(f"bptutor: stopped{done}", file=sys.stderr, flush=True)
        raise SystemExit(130) from None
    if failed:
        raise failed[0]
    return box[0]


if __name__ == "__main__":
    sys.exit(main())
