"""The `tinygrad-edu` command."""

from __future__ import annotations

import argparse
import sys

import numpy as np

import tinygrad_edu as tg


def train_xor(epochs: int = 2000, lr: float = 1.0, hidden: int = 4, seed: int = 0, quiet: bool = False) -> float:
    """A 2-hidden-unit... network on XOR with the core alone (placeholder until the curriculum lands)."""
    tg.manual_seed(seed)
    X = tg.tensor([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=np.float32)
    y = tg.tensor([[0], [1], [1], [0]], dtype=np.float32)
    w1 = (tg.randn(2, hidden) * 1.0).requires_grad_()
    b1 = tg.zeros(hidden, requires_grad=True)
    w2 = (tg.randn(hidden, 1) * 1.0).requires_grad_()
    b2 = tg.zeros(1, requires_grad=True)
    params = [w1, b1, w2, b2]
    for _ in range(epochs):
        pred = ((X @ w1 + b1).tanh() @ w2 + b2).sigmoid()
        loss = ((pred - y) ** 2).mean()
        for p in params:
            p.grad = None
        loss.backward()
        with tg.no_grad():
            for p in params:
                p -= lr * p.grad
    if not quiet:
        print("x1 x2 | prediction target")
        for xi, pi, ti in zip(X.tolist(), pred.tolist(), y.tolist()):
            print(f" {xi[0]:.0f}  {xi[1]:.0f} |   {pi[0]:.3f}      {ti[0]:.0f}")
        print(f"final loss {loss.item():.5f}")
    return loss.item()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="tinygrad-edu", description="Learn how neural networks work from the inside.")
    sub = parser.add_subparsers(dest="command")
    xor = sub.add_parser("xor", help="train a small network on XOR")
    xor.add_argument("--epochs", type=int, default=2000)
    xor.add_argument("--lr", type=float, default=1.0)
    xor.add_argument("--hidden", type=int, default=4)
    xor.add_argument("--seed", type=int, default=0)
    xor.add_argument("--quiet", action="store_true")
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 0
    if args.command == "xor":
        train_xor(args.epochs, args.lr, args.hidden, args.seed, args.quiet)
    return 0


if __name__ == "__main__":
    sys.exit(main())
