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
    done = subprocess.run([sys.executable, str(BENCHMARKS / script), "--threads", "1", "--rounds", "1", "--runs", "2",
                           "--iters", "2"], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    assert expect in done.stdout


def test_overhead_script_runs_and_counts_objects():
    done = subprocess.run([sys.executable, str(BENCHMARKS / "overhead.py"), "--runs", "1", "--rounds", "1"],
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    ours = next(line for line in done.stdout.splitlines() if line.startswith("| tinygrad_edu "))
    assert float(ours.split("|")[8]) <= 3.0  # gc objects per op: the goal of issue 10


def test_rounds_of_has_the_bursts_take_turns(tmp_path, monkeypatch):
    """Each framework's child serves bursts on request; the parent alternates A B, B A, ... so that both
    go through the machine's slow spells alike, and averages each framework's figures."""
    log = tmp_path / "log"
    script = tmp_path / "fake.py"
    script.write_text(
        "import sys\n"
        f"sys.path.insert(0, {str(BENCHMARKS)!r})\n"
        "from common import serve\n"
        "name = sys.argv[sys.argv.index('--framework') + 1]\n"
        "count = []\n"
        "def burst():\n"
        "    count.append(1)\n"
        f"    open({str(log)!r}, 'a').write(name)\n"
        "    return {'wall': float(len(count)), 'name': name}\n"
        "import time\n"
        "time.sleep(0.5 if name == 'b' else 0)  # a slow set-up (an import): no burst may start before it ends\n"
        f"open({str(log)!r}, 'a').write(name.upper())\n"
        "serve(burst)\n")
    sys.path.insert(0, str(BENCHMARKS))
    try:
        import common
    finally:
        sys.path.remove(str(BENCHMARKS))
    monkeypatch.setattr(common, "PAUSE", 0.0)
    results = common.rounds_of(str(script), ["a", "b"], ["--threads", "1"], rounds=2, bursts=3)
    # each round: both set up (B takes longer) before the first burst; the second round goes on alternating
    assert log.read_text() == "AB" "abbaab" "AB" "baabba"
    assert results == {"a": {"wall": 2.0, "name": "a"}, "b": {"wall": 2.0, "name": "b"}}  # bursts 1, 2, 3 twice


def test_bare_autograd_floor_gives_the_library_s_gradients():
    """overhead.py's floor row is only a floor if it computes the same thing: bit for bit, here."""
    import numpy as np

    import tinygrad_edu as tg
    sys.path.insert(0, str(BENCHMARKS))
    try:
        import bare_autograd as bare
    finally:
        sys.path.remove(str(BENCHMARKS))
    start = np.linspace(-1, 1, 4)
    leaves = bare.Tensor(start, requires_grad=True), tg.tensor(start, requires_grad=True)
    for leaf in leaves:
        y = leaf
        for _ in range(30):
            y = (y * 1.0001 + 0.001).tanh()
        y.sum().backward()
    np.testing.assert_array_equal(leaves[0].grad, leaves[1].grad.numpy())
    assert not np.array_equal(leaves[0].grad, np.zeros(4))
