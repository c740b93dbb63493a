"""The benchmark scripts still run (tiny sizes; nothing is timed here: the figures come from running them by hand)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"


@pytest.mark.parametrize("script, expect", [("mlp_step.py", "float32 throughout (graph inputs, gradients, loss): yes"),
                                            ("conv.py", "tinygrad_edu phases")])
def test_benchmark_script_runs_and_checks_itself(script, expect):
    done = subprocess.run([sys.executable, str(BENCHMARKS / script), "--threads", "1", "--runs", "1", "--iters", "2"],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    assert expect in done.stdout


def test_overhead_script_runs_and_counts_objects():
    done = subprocess.run([sys.executable, str(BENCHMARKS / "overhead.py"), "--runs", "1", "--rounds", "1"],
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    ours = next(line for line in done.stdout.splitlines() if line.startswith("| tinygrad_edu "))
    assert float(ours.split("|")[8]) <= 3.0  # gc objects per op: the goal of issue 10
