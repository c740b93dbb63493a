"""The `tinygrad-edu` command (also `python -m tinygrad_edu`).

    tinygrad-edu xor                 train SimpleNN on XOR, print a table, write the figures
    tinygrad-edu tour --out DIR      run the whole curriculum and write DIR/index.html
    tinygrad-edu <lesson> --help     the options of one lesson
    tinygrad-edu exercise [NAME]     list the exercises, or write NAME.py, a skeleton to fill in
    tinygrad-edu check NAME FILE     grade your solution: one line per check, exit 0 when all pass

Every lesson writes into --out (default ./tinygrad_edu_out/<command>).

Piped into a reader that stops early (`tinygrad-edu xor | head -1`), the
command stops quietly with exit code 1, as Python's docs recommend for a
broken pipe (the lesson did not finish, so it is not a success); no traceback.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

from . import exercises
from .curriculum import LESSONS
from .curriculum.common import DEFAULT_OUT, out_folder, quiet

# The training options each lesson understands (argparse dest -> run() keyword).
OPTIONS = {
    "xor": ("epochs", "lr", "hidden"),
    "perceptron": ("epochs", "lr"),
    "backprop": ("epochs", "lr", "hidden"),
    "gd": ("epochs", "lr"),
    "gradients": ("depth",),
    "digits": ("epochs", "lr", "hidden", "batch_size"),
    "forward": ("batch_size",),
}


def positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
    if not value > 0:
        raise argparse.ArgumentTypeError(f"must be greater than 0, got {value}")
    return value


def add_common(parser: argparse.ArgumentParser, name: str) -> None:
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT / name, metavar="DIR",
                        help=f"folder for the figures (default: ./{DEFAULT_OUT / name})")
    parser.add_argument("--seed", type=int, default=0, help="random seed (default: 0)")
    parser.add_argument("--quiet", action="store_true", help="print nothing but errors; no progress bar")


def depth(text: str) -> int:
    """--depth: at least 2 layers (one layer has no activation in it and no layer-to-layer growth to
    measure); deeper than MAX_DEPTH, the exploding network's gradient overflows even float64."""
    value = positive_int(text)
    if value < 2:
        raise argparse.ArgumentTypeError(f"at least 2, got {value}: with one layer there is no activation "
                                         "between layers and no growth from layer to layer to measure")
    if value > MAX_DEPTH:
        raise argparse.ArgumentTypeError(f"at most {MAX_DEPTH}, got {value}: deeper, the exploding network's "
                                         "gradient overflows float64")
    return value


MAX_DEPTH = 300


def add_training(parser: argparse.ArgumentParser, options: tuple) -> None:
    help_for = {"epochs": "training epochs (steps for gd)", "lr": "learning rate", "hidden": "hidden units",
                "depth": f"number of layers (default 10, at least 2, at most {MAX_DEPTH})",
                "batch_size": "mini-batch size"}
    kinds = {"lr": positive_float, "depth": depth}
    for option in options:
        kind = kinds.get(option, positive_int)
        parser.add_argument("--" + option.replace("_", "-"), type=kind, default=None, help=help_for[option])


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="tinygrad-edu", description="Learn how neural networks work from the inside: run a lesson "
        "of the curriculum, or the whole tour.")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for lesson in sorted(LESSONS, key=lambda lesson: lesson.command != "xor"):
        command = sub.add_parser(lesson.command, help=f"lesson {lesson.number}: {lesson.title}",
                                 description=lesson.summary,
                                 epilog=f"The lesson's code, text and all: examples/{lesson.example} "
                                        f"(runs alone too: python examples/{lesson.example}).")
        add_common(command, lesson.command)
        command.add_argument("--quick", action="store_true", help="fewer epochs (as in the test suite)")
        add_training(command, OPTIONS.get(lesson.command, ()))
    tour = sub.add_parser("tour", help="run every lesson and write one HTML page, DIR/index.html",
                          description="Run the whole curriculum (quick mode) and write DIR/index.html.")
    add_common(tour, "tour")
    tour.add_argument("--full", action="store_true", help="full-length training instead of quick mode")
    run = sub.add_parser("run", help="run a PyTorch script on tinygrad_edu (import torch -> tinygrad_edu)",
                         description="Run a script written for PyTorch, unchanged: `import torch` (and torch.nn, "
                         "torch.optim, ...) load tinygrad_edu. Options go before the script; what follows it is "
                         "the script's own arguments.")
    run.add_argument("--graph", type=Path, metavar="OUT.svg", help="draw the graph of the last loss to this file")
    run.add_argument("--trace", action="store_true", help="print the backward pass of the last loss, step by step")
    run.add_argument("script", type=Path, help="the Python file to run")
    run.add_argument("args", nargs=argparse.REMAINDER, help="arguments passed to the script")
    exercises.add_commands(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the command; 0 on success, 1 on an error (or when the reader of stdout went away), 2 on bad arguments."""
    try:
        code = run(argv)
        sys.stdout.flush()  # a pipe buffers: flush here, where a broken pipe is caught, not at exit
        return code
    except BrokenPipeError:
        # Python's docs ("Note on SIGPIPE" in the signal module): point stdout at devnull, so the
        # interpreter's own flush at exit does not raise a second time, and stop.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 1


def run(argv: list[str] | None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 0
    if args.command == "run":
        from .torch_compat import run_command
        return run_command(args.script, args.args, graph=args.graph, trace=args.trace)
    if args.command in ("exercise", "check"):
        return exercises.run_command(args)
    log = quiet if args.quiet else print
    started = time.perf_counter()
    try:
        out_folder(args.out, args.command)  # fail before training, not after, when --out is unusable
        if args.command == "tour":
            from .tour import build_tour
            index, failures = build_tour(args.out, seed=args.seed, quick=not args.full, log=log,
                                         progress_bar=not args.quiet)
            log(f"wrote {index} in {time.perf_counter() - started:.1f} s")
            for failure in failures:
                print(f"tinygrad-edu: tour: {failure}", file=sys.stderr)
            return 1 if failures else 0
        lesson = next(lesson for lesson in LESSONS if lesson.command == args.command)
        options = {name: getattr(args, name) for name in OPTIONS.get(args.command, ())
                   if getattr(args, name) is not None}
        result = lesson.load().run(quick=args.quick, out_dir=args.out, seed=args.seed, log=log,
                                   progress_bar=not args.quiet, **options)
    except BrokenPipeError:
        raise  # not an error to report: main stops quietly
    except OSError as err:
        print(f"tinygrad-edu: error: {err}", file=sys.stderr)
        return 1
    log(f"wrote {', '.join(Path(f).name for f in result['figures'])} to {args.out} "
        f"({time.perf_counter() - started:.1f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
