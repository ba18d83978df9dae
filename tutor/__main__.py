"""The command line: `bptutor [EXERCISE]` opens the tutor; `bptutor solve|train EXERCISE`.

Thin on purpose: it parses, asks the layers below, prints. The headless commands never
import Textual.
"""

from __future__ import annotations

import argparse
import json
import sys
import time


def _parser() -> argparse.ArgumentParser:
    from .lesson.catalog import bundled

    names = ", ".join(bundled())
    p = argparse.ArgumentParser(
        prog="bptutor",
        usage="bptutor [EXERCISE] | bptutor {solve,train} EXERCISE [options]",
        description="A terminal tutor for backpropagation, built on Matt Mazur's step-by-step example. "
                    "With no command, bptutor opens the lessons; bptutor EXERCISE opens one directly.",
        epilog=f"EXERCISE is a bundled name ({names}) or the path of a .toml exercise file.")
    sub = p.add_subparsers(dest="command")
    solve = sub.add_parser("solve", help="print the worked solution of one update, every quantity")
    solve.add_argument("exercise", metavar="EXERCISE")
    solve.add_argument("--json", action="store_true", help="print one JSON object instead of tables")
    solve.add_argument("--seed", type=int, help="seed for a random start (default: the file's)")
    solve.add_argument("--ids", action="store_true",
                       help="print only the id of every step, one a line (what [lesson] ask and show may name)")
    train = sub.add_parser("train", help="train the network and print the error and outputs")
    train.add_argument("exercise", metavar="EXERCISE")
    train.add_argument("--iterations", type=int, metavar="N", help="passes over the samples (default: the file's)")
    train.add_argument("--json", action="store_true", help="print one JSON object instead of progress")
    train.add_argument("--seed", type=int, help="seed for a random start (default: the file's)")
    quiz = sub.add_parser("quiz", help="single steps from several exercises and variants, one try each")
    quiz.add_argument("exercise", nargs="?", metavar="EXERCISE", help="only this exercise (default: all)")
    quiz.add_argument("-n", type=int, default=10, metavar="N", help="how many questions (default 10)")
    sub.add_parser("list", help="the bundled exercises and what each teaches")
    sub.add_parser("progress", help="your progress: per exercise and variant, steps done, first-try score, mistakes")
    check = sub.add_parser("check-exercise", help="validate an exercise file and report colliding mistakes in it")
    check.add_argument("exercise", metavar="EXERCISE")
    key = sub.add_parser("key", help="answer keys, one per variant")
    key.add_argument("exercise", metavar="EXERCISE")
    key.add_argument("--variant", action="append", metavar="NAME", help="a learner's variant (repeat for more)")
    key.add_argument("--format", choices=("md", "html"), default="md")
    report = sub.add_parser("report", help="every answer stored: learner, exercise, step, verdict, mistake, time")
    report.add_argument("--format", choices=("csv", "json"), default="csv")
    verify = sub.add_parser("verify", help="check a learner's completion code")
    verify.add_argument("code")
    verify.add_argument("--variant", required=True, metavar="NAME")
    verify.add_argument("--exercise", action="append", metavar="FILE",
                        help="the exercise the code is for: a bundled name or your own file (repeat for more; "
                             "default: every bundled exercise)")
    _room_parsers(sub)
    return p


def _room_parsers(sub) -> None:
    room = sub.add_parser("room", help="a workshop room: learners do the lessons in a browser, you watch the room",
                          description="Serve lessons to learners' browsers from this computer and show the "
                                      "room live. See the README's 'Workshop room' before using --host.")
    room.add_argument("exercises", nargs="+", metavar="EXERCISE", help="bundled names, files or a course folder")
    room.add_argument("--port", type=int, default=8000, help="port to listen on (default 8000)")
    room.add_argument("--host", default="127.0.0.1",
                      help="address to listen on (default 127.0.0.1: this computer only; 0.0.0.0: your network)")
    room.add_argument("--name", metavar="ROOM", help="the room's name (default: today's date); reopening a "
                      "room by its name keeps its code and every learner's work")
    room.add_argument("--code", help="the room code (default: the room's earlier code, or a new random one)")
    room.add_argument("--variants", action="store_true", help="a variant per learner, drawn from the name "
                      "(default: the same numbers for everyone)")
    room.add_argument("--hints", type=int, choices=(0, 1, 2), default=2, help="hints a step allows (default 2)")
    room.add_argument("--no-reveal", action="store_true", help="never show a learner the answer")
    room.add_argument("--max-learners", type=int, default=40, metavar="N", help="at most N learners (default 40)")
    room.add_argument("--no-dashboard", action="store_true", help="serve without the dashboard (until Ctrl+C)")
    grade = sub.add_parser("gradebook", help="one gradebook from learners' exported reports, or a room's gradebook "
                           "(or its answer log) as CSV")
    grade.add_argument("reports", nargs="*", metavar="FILE",
                       help="reports exported with bptutor report (CSV or JSON), one or more per learner")
    grade.add_argument("--room", metavar="ROOM", help="which room (default: the last one opened)")
    grade.add_argument("--answers", action="store_true", help="every answer and hint instead of the gradebook")


def _tutor_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="bptutor", usage="bptutor [EXERCISE] [--variant NAME | --seed N]",
                                description="Open the tutor (see bptutor --help for the other commands).")
    p.add_argument("exercise", nargs="?", metavar="EXERCISE")
    who = p.add_mutually_exclusive_group()
    who.add_argument("--variant", metavar="NAME", help="the same lesson with other numbers, drawn from NAME")
    who.add_argument("--seed", type=int, metavar="N", help="the same lesson with other numbers, drawn from N")
    return p


COMMANDS = ("solve", "train", "quiz", "list", "progress", "check-exercise", "key", "report", "verify",
            "room", "gradebook")


def main(argv: list[str] | None = None) -> int:
    from .lesson.exercise import ExerciseError

    argv = sys.argv[1:] if argv is None else argv
    if not argv or (argv[0] not in COMMANDS and argv[0] not in ("-h", "--help")):
        try:
            return _tutor(_tutor_parser().parse_args(argv))
        except ExerciseError as e:
            print(f"bptutor: {e}", file=sys.stderr)
            return 2
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        if args.command == "solve":
            return _solve(args)
        if args.command == "train":
            return _train(args, parser)
        if args.command == "quiz":
            return _quiz(args, parser)
        if args.command in ("list", "progress", "check-exercise", "key", "report", "verify"):
            return _workshop(args)
        if args.command in ("room", "gradebook"):
            return _room(args, parser)
    except ExerciseError as e:
        print(f"bptutor: {e}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("bptutor: stopped", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    parser.print_help()
    return 0


def _room(args, parser) -> int:
    from .room.config import RoomError

    if args.command == "room" and not 1 <= args.max_learners <= 500:
        parser.error("--max-learners must be between 1 and 500")
    if args.command == "room" and not 0 <= args.port <= 65535:
        parser.error("--port must be between 0 and 65535")
    from .room import run

    try:
        if args.command == "gradebook" and (args.reports or (not args.room and not _rooms_opened())):
            return _gradebook(args)
        return run.open_room(args) if args.command == "room" else run.gradebook(args)
    except RoomError as e:
        print(f"bptutor: {e}", file=sys.stderr)
        return 2


def _rooms_opened() -> bool:
    from .lesson.store import default_home
    from .room.config import rooms_dir

    return any(rooms_dir(default_home()).glob("*/room.json"))


def _gradebook(args) -> int:
    """`bptutor gradebook FILE...`: one row per learner from reports learners exported; with no
    file (and no room), from this computer's store."""
    from .lesson import workshop
    from .lesson.store import Store

    try:
        if args.reports:
            rows = [row for path in args.reports for row in workshop.read_report(path)]
        else:
            store = Store()
            if store.message:
                print(f"bptutor: {store.message}", file=sys.stderr)
            rows = workshop.report_rows(store)
    except workshop.ReportError as e:
        print(f"bptutor: {e}", file=sys.stderr)
        return 2
    print(workshop.gradebook_text(rows), end="")
    return 0


def _tutor(args) -> int:
    """`bptutor` opens the lessons (or the one left unfinished); `bptutor EXERCISE` that lesson."""
    exercise, name = None, ""
    if args.exercise:  # the engine is imported only when a lesson is named; the home screen needs none
        from .lesson.opening import worked_for
        from .lesson.variants import seed_name

        name = args.variant if args.variant is not None else (seed_name(args.seed) if args.seed is not None else "")
        exercise = worked_for(args.exercise, name)  # a wrong file: one line and exit 2, before the app
    elif args.variant is not None or args.seed is not None:
        print("bptutor: name the exercise for a variant, e.g. bptutor mazur --variant alice", file=sys.stderr)
        return 2
    from .ui.app import BPTutorApp

    return _run_app(BPTutorApp(exercise, variant=name))


def _run_app(app) -> int:
    """Run the tutor; its exit status: 0 after a quit, non-zero when it ended on an
    unhandled exception (Textual sets return_code to 1 and prints the traceback)."""
    app.run()
    return app.return_code or 0


def _quiz(args, parser) -> int:
    if not 1 <= args.n <= 100:
        parser.error("-n must be between 1 and 100")
    names = None
    if args.exercise:
        from .lesson.opening import worked_for

        worked_for(args.exercise)  # a wrong name or file gets its one line here, before the screen opens
        names = [args.exercise]
    from .ui.app import BPTutorApp

    return _run_app(BPTutorApp(quiz=(args.n, names)))


def _workshop(args) -> int:
    from .lesson import workshop
    from .lesson.catalog import bundled
    from .lesson.exercise import load
    from .lesson.opening import worked_for
    from .lesson.store import Store

    if args.command == "list":
        for name in bundled():
            ex = load(name)
            print(f"{name:<14} {ex.title}\n{'':<14} {ex.teaches or ex.summary}")
        return 0
    if args.command == "check-exercise":
        from .lesson.variants import collisions

        worked = worked_for(args.exercise)
        found = collisions(worked)
        print(f"{args.exercise}: the file is valid ({worked.ex.title}).")
        if found:
            print(f"{len(found)} step(s) where a known mistake cannot be told apart with these numbers:")
            print("\n".join("  " + f for f in found))
        else:
            print("No known mistake collides with a right answer or with another mistake.")
        return 0
    if args.command == "key":
        ex = worked_for(args.exercise).ex
        variants = args.variant or [""]
        print(workshop.key_html(ex, variants) if args.format == "html" else workshop.key_markdown(ex, variants))
        return 0
    if args.command == "verify":
        result = workshop.verify(args.code, args.variant, args.exercise)
        print(result.message)
        return 0 if result.valid else 1
    store = Store()
    if store.message:
        print(f"bptutor: {store.message}", file=sys.stderr)
    if args.command == "report":
        print(workshop.report_text(store, args.format), end="")
    else:
        print("\n".join(workshop.progress_lines(store)))
    return 0


def _solve(args) -> int:
    from .lesson import printout
    from .lesson.exercise import load
    from .lesson.worked import build

    worked = build(load(args.exercise, seed=args.seed))
    if args.ids:
        print("\n".join(worked.ids))
        return 0
    ex, sol, comparisons = worked.ex, worked.solution, worked.comparisons()
    if args.json:
        print(json.dumps(printout.solve_json(ex, sol, comparisons), indent=1))
    else:
        print(printout.solve_text(ex, sol, comparisons))
    return 0


def _train(args, parser) -> int:
    if not args.json and args.iterations is None and args.seed is None and sys.stdout.isatty() and sys.stdin.isatty():
        # on a terminal: the live training screen (headless with --json, or when piped)
        from .lesson.opening import worked_for
        from .ui.app import BPTutorApp

        return _run_app(BPTutorApp(worked_for(args.exercise), train=True))
    from .engine.training import Trainer, record_points
    from .lesson import printout
    from .lesson.exercise import MAX_ITERATIONS, load
    from .lesson.worked import build

    ex = build(load(args.exercise, seed=args.seed)).ex  # checked as every command checks it
    n = ex.iterations if args.iterations is None else args.iterations
    if not 1 <= n <= MAX_ITERATIONS:
        parser.error(f"--iterations must be between 1 and {MAX_ITERATIONS:,}")
    trainer = Trainer(ex.network, ex.X, ex.T, ex.settings)
    wanted = record_points(0, n)
    started = time.perf_counter()
    history: list[tuple[int, float]] = []
    if not args.json:
        print(f"{ex.title}  ({ex.name})\n{printout.describe(ex)}\n")
    # ten pieces, so a long run shows that it is alive
    pieces = sorted({round(n * k / 10) for k in range(1, 11)} - {0})
    done_before = 0
    diverged = False
    for stop in pieces:
        chunk = stop - done_before
        record = wanted[(wanted >= done_before) & (wanted <= stop)]
        run = trainer.run(chunk, record=record)
        history += [h for h in run.history if not history or h[0] > history[-1][0]]
        done_before = trainer.iteration
        if not args.json:
            print(f"  iteration {trainer.iteration:>{len(f'{n:,}')},}  E_total {printout.value(run.history[-1][1])}",
                  flush=True)
        if run.diverged:
            diverged = True
            break
    seconds = time.perf_counter() - started
    outputs = trainer.outputs()
    error = trainer.error()
    if args.json:
        print(json.dumps({
            "exercise": printout._exercise(ex), "iterations": trainer.iteration, "error": error,
            "outputs": outputs.tolist(), "targets": ex.T.tolist(), "parameters": trainer.net.parameters(),
            "history": [[it, e] for it, e in history], "diverged": diverged, "seconds": seconds,
        }, indent=1))
        return 0
    if diverged:
        print(f"\nTraining diverged at iteration {trainer.iteration:,}: the numbers overflowed. "
              "A smaller learning rate usually helps.")
    print(f"\nAfter {trainer.iteration:,} iterations ({seconds:.2f} s): E_total = {printout.value(error)}")
    print("\n".join(printout.outputs_text(ex, outputs)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
