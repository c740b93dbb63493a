"""One training step of an MLP: tinygrad_edu against hand-written NumPy and PyTorch CPU.

The step: a 784-128-64-10 MLP with ReLUs, a float32 batch of 128, softmax
cross-entropy, backward, SGD update (lr 0.1). The NumPy version writes every
line of that step out by hand (forward, softmax cross-entropy, backward, SGD),
so the ratio is what the framework costs over doing it yourself. All versions
start from the same weights and the same batch, and the script checks that one
step gives the same loss and the same updated weights in each.

Prints, for 1 and then 2 threads (see common.py), the MEAN milliseconds per step,
collections included. Each framework is timed in processes of its own, with only
it loaded (--rounds processes each, each timing --runs bursts of --iters steps,
the frameworks' bursts taking turns; see common.rounds_of): in one process, PyTorch's import
leaves ~140,000 objects for Python's cycle collector, which then charges its
full collections to whichever framework makes objects. PyTorch's figure is
printed when torch is installed (never required).

    python benchmarks/mlp_step.py [--rounds 4] [--runs 5] [--iters 200] [--profile]
"""

from __future__ import annotations

import sys

import numpy as np
from common import (
    MLP_SIZES,
    machine_line,
    mlp,
    mlp_weights,
    numpy_mlp_step,
    parse,
    rounds_of,
    run_per_thread_count,
    serve_step,
    table,
    use_threads,
)

import tinygrad_edu as tg
import tinygrad_edu.nn.functional as F
from tinygrad_edu import nn, optim

BATCH, LR = 128, 0.1
GOAL = 1.25  # at most this many times hand-written NumPy


def make_arrays():
    """Weights in PyTorch's layout (out, in) with PyTorch's default init range, a batch, labels."""
    rng = np.random.default_rng(0)
    weights = mlp_weights(rng)
    x = rng.random((BATCH, MLP_SIZES[0]), dtype=np.float32)
    y = rng.integers(0, MLP_SIZES[-1], BATCH)
    return weights, x, y


# ---------------------------------------------------------------- the three implementations

def step_numpy(weights, x, y):
    """The whole step written out in NumPy (common.numpy_mlp_step); returns step() -> loss."""
    params = [w.copy() for w in weights]

    def step():
        return numpy_mlp_step(params, x, y, LR)
    return step, params


def make_model(weights) -> nn.Sequential:
    model = mlp(nn)
    for param, array in zip(model.parameters(), weights):
        param._data[...] = array
    return model


def step_tinygrad(weights, x, y):
    """The PyTorch-style loop: model, F.cross_entropy, zero_grad, backward, SGD.step."""
    model = make_model(weights)
    optimizer = optim.SGD(model.parameters(), lr=LR)
    xt, yt = tg.tensor(x), tg.tensor(y)  # tensor(): int labels stay int64 (Tensor() makes float32, as torch.Tensor)

    def step():
        optimizer.zero_grad()
        loss = F.cross_entropy(model(xt), yt)
        loss.backward()
        optimizer.step()
        return loss.item()
    return step, [p._data for p in model.parameters()]


def step_torch(weights, x, y):
    import torch
    model = mlp(torch.nn)
    with torch.no_grad():
        for param, array in zip(model.parameters(), weights):
            param.copy_(torch.from_numpy(array))
    optimizer = torch.optim.SGD(model.parameters(), lr=LR)
    xt, yt = torch.from_numpy(x), torch.from_numpy(y)

    def step():
        optimizer.zero_grad()
        loss = torch.nn.functional.cross_entropy(model(xt), yt)
        loss.backward()
        optimizer.step()
        return loss.item()
    return step, [p.detach().numpy() for p in model.parameters()]


# ---------------------------------------------------------------- measuring

def check_same_step(makers: dict, weights, x, y) -> None:
    """One step from the same start must give the same loss and weights everywhere (float32 tolerance),
    and tinygrad_edu must keep every parameter float32."""
    results = {}
    for name, make in makers.items():
        step, params = make(weights, x, y)
        loss = step()
        results[name] = (loss, [np.array(p) for p in params])
    (ref_loss, ref_params), = [results["hand-written NumPy"]]
    for name, (loss, params) in results.items():
        assert abs(loss - ref_loss) < 1e-4, f"{name}: loss {loss} differs from NumPy's {ref_loss}"
        for p, q in zip(params, ref_params):
            np.testing.assert_allclose(p, q, rtol=1e-4, atol=1e-5, err_msg=f"{name}: weights after one step")
    for p in results["tinygrad_edu"][1]:
        assert p.dtype == np.float32, f"tinygrad_edu: a parameter became {p.dtype}"


def check_float32(weights, x, y) -> list[str]:
    """Every array made during one tinygrad_edu step (forward, backward, update), listed if not float32."""
    model = make_model(weights)
    xt, yt = tg.tensor(x), tg.tensor(y)  # tensor(): int labels stay int64 (Tensor() makes float32, as torch.Tensor)
    loss = F.cross_entropy(model(xt), yt)
    found, seen, stack = [], set(), [loss._ctx]
    while stack:  # walk the graph: every node's inputs
        node = stack.pop()
        if node is None or node in seen:
            continue
        seen.add(node)
        for parent in node.inputs:
            if isinstance(parent, tg.Tensor):
                if parent.dtype.is_floating_point and parent.dtype != np.float32:
                    found.append(f"{node.name()} input {parent.dtype}")
                stack.append(parent._ctx)
    loss.backward()
    found += [f"grad of {name}: {p.grad.dtype}" for name, p in model.named_parameters() if p.grad.dtype != np.float32]
    if loss.dtype != np.float32:
        found.append(f"loss {loss.dtype}")
    return found


def profile(weights, x, y, steps: int = 500) -> None:
    import cProfile
    import pstats
    step, _ = step_tinygrad(weights, x, y)
    for _ in range(50):
        step()
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(steps):
        step()
    profiler.disable()
    print(f"\ncProfile of {steps} tinygrad_edu steps (tottime, the top 25):")
    pstats.Stats(profiler).sort_stats("tottime").print_stats(25)


MAKERS = {"hand-written NumPy": step_numpy, "tinygrad_edu": step_tinygrad, "PyTorch CPU": step_torch}


def main() -> None:
    def options(parser):
        parser.add_argument("--runs", type=int, default=5, help="timed bursts per process")
        parser.add_argument("--iters", type=int, default=200, help="steps per timed run")
        parser.add_argument("--rounds", type=int, default=4, help="processes per framework")
        parser.add_argument("--framework", default=None, help="(a child: time this framework alone)")
        parser.add_argument("--profile", action="store_true", help="cProfile tinygrad_edu's step afterwards")
    args = parse(__doc__.splitlines()[0], options)
    if args.threads is None:
        run_per_thread_count(__file__, sys.argv[1:])
        return
    if args.framework is not None:
        make = MAKERS[args.framework]
        serve_step(args.framework, lambda: make(*make_arrays())[0], args.threads, args.iters, warmup=10)
        return
    torch = use_threads(args.threads)
    weights, x, y = make_arrays()
    names = [name for name in MAKERS if torch is not None or name != "PyTorch CPU"]
    print(machine_line())
    print(f"MLP {'-'.join(map(str, MLP_SIZES))}, batch {BATCH}, float32, cross-entropy, SGD lr {LR}: mean ms per step, "
          f"{args.rounds} processes per framework with only it loaded, each {args.runs} bursts of {args.iters} steps, "
          "the frameworks' bursts taking turns, collections included"
          + ("" if torch is not None else " (torch is not installed: no comparison)"))
    upcasts = check_float32(weights, x, y)
    print("float32 throughout (graph inputs, gradients, loss):", "yes" if not upcasts else f"NO: {upcasts}")
    check_same_step({name: MAKERS[name] for name in names}, weights, x, y)
    results = rounds_of(__file__, names, ["--threads", str(args.threads), "--iters", str(args.iters)],
                        args.rounds, args.runs)
    wall = {name: results[name]["wall"] for name in names}
    cpu = {name: results[name]["cpu"] for name in names}
    rows = []
    for name in names:
        rows.append((name, wall[name], f"{wall[name] / wall['hand-written NumPy']:.2f}x",
                     f"{wall[name] / wall['PyTorch CPU']:.2f}x" if torch is not None else "-",
                     cpu[name], f"{cpu[name] / cpu['hand-written NumPy']:.2f}x",
                     f"{cpu[name] / cpu['PyTorch CPU']:.2f}x" if torch is not None else "-"))
    print(table(rows, ("framework", "ms/step", "vs NumPy", "vs PyTorch", "CPU ms/step", "vs NumPy", "vs PyTorch")))
    for kind, figures in (("wall", wall), ("CPU", cpu)):
        ours, numpy_ms = figures["tinygrad_edu"], figures["hand-written NumPy"]
        print(f"goals ({kind}): <= {GOAL}x hand-written NumPy: {'met' if ours <= GOAL * numpy_ms else 'NOT met'}"
              + (f"; <= PyTorch CPU: {'met' if ours <= figures['PyTorch CPU'] else 'NOT met'}"
                 if torch is not None else ""))
    if args.profile:
        profile(weights, x, y)


if __name__ == "__main__":
    main()
