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
    train = sub.add_parser("train", help="train the network and print the error and outputs")
    train.add_argument("exercise", metavar="EXERCISE")
    train.add_argument("--iterations", type=int, metavar="N", help="passes over the samples (default: the file's)")
    train.add_argument("--json", action="store_true", help="print one JSON object instead of progress")
    train.add_argument("--seed", type=int, help="seed for a random start (default: the file's)")
    return p


COMMANDS = ("solve", "train")


def main(argv: list[str] | None = None) -> int:
    from .lesson.exercise import ExerciseError

    argv = sys.argv[1:] if argv is None else argv
    if not argv or (argv[0] not in COMMANDS and not argv[0].startswith("-")):
        try:
            return _tutor(argv)
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


def _tutor(argv: list[str]) -> int:
    """`bptutor` opens the lessons; `bptutor EXERCISE` opens that lesson."""
    if len(argv) > 1:
        print(f"bptutor: one exercise at a time (got {len(argv)}); see bptutor --help", file=sys.stderr)
        return 2
    exercise = None
    if argv:  # the engine is imported only when a lesson is named; the home screen needs none
        from .lesson.exercise import load

        exercise = load(argv[0])
    from .ui.app import BPTutorApp

    BPTutorApp(exercise).run()
    return 0


def _solve(args) -> int:
    from .engine.steps import solve
    from .lesson import report
    from .lesson.exercise import load
    from .lesson.reference import compare

    ex = load(args.exercise, seed=args.seed)
    sol = solve(ex.network, ex.X, ex.T, ex.settings)
    comparisons = compare(ex, sol)
    if args.json:
        print(json.dumps(report.solve_json(ex, sol, comparisons), indent=1))
    else:
        print(report.solve_text(ex, sol, comparisons))
    return 0


def _train(args, parser) -> int:
    if not args.json and args.iterations is None and args.seed is None and sys.stdout.isatty() and sys.stdin.isatty():
        # on a terminal: the live training screen (headless with --json, or when piped)
        from .lesson.exercise import load
        from .ui.app import BPTutorApp

        BPTutorApp(load(args.exercise), train=True).run()
        return 0
    from .engine.training import Trainer, record_points
    from .lesson import report
    from .lesson.exercise import MAX_ITERATIONS, load

    ex = load(args.exercise, seed=args.seed)
    n = ex.iterations if args.iterations is None else args.iterations
    if not 1 <= n <= MAX_ITERATIONS:
        parser.error(f"--iterations must be between 1 and {MAX_ITERATIONS:,}")
    trainer = Trainer(ex.network, ex.X, ex.T, ex.settings)
    wanted = record_points(0, n)
    started = time.perf_counter()
    history: list[tuple[int, float]] = []
    if not args.json:
        print(f"{ex.title}  ({ex.name})\n{report.describe(ex)}\n")
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
            print(f"  iteration {trainer.iteration:>{len(f'{n:,}')},}  E_total {report.value(run.history[-1][1])}",
                  flush=True)
        if run.diverged:
            diverged = True
            break
    seconds = time.perf_counter() - started
    outputs = trainer.outputs()
    error = trainer.error()
    if args.json:
        print(json.dumps({
            "exercise": report._exercise(ex), "iterations": trainer.iteration, "error": error,
            "outputs": outputs.tolist(), "targets": ex.T.tolist(), "parameters": trainer.net.parameters(),
            "history": [[it, e] for it, e in history], "diverged": diverged, "seconds": seconds,
        }, indent=1))
        return 0
    if diverged:
        print(f"\nTraining diverged at iteration {trainer.iteration:,}: the numbers overflowed. "
              "A smaller learning rate usually helps.")
    print(f"\nAfter {trainer.iteration:,} iterations ({seconds:.2f} s): E_total = {report.value(error)}")
    print("\n".join(report.outputs_text(ex, outputs)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
