"""Train an MLP and a small CNN on scikit-learn's 8x8 digits; print test accuracy and seconds per epoch.

The data: the 1797 bundled images (no download; needs scikit-learn), a seeded
80/20 split (1437 train, 360 test). Both models train with Adam (lr 3e-3) and
cross-entropy on shuffled mini-batches of 32, seeded, so the accuracies are
reproducible; the times are the median epoch (evaluation not included).

    python benchmarks/digits.py [--epochs 15]
"""

from __future__ import annotations

import argparse
import platform
import statistics
import time

import numpy as np
from common import ROOT  # noqa: F401  (puts this checkout's tinygrad_edu first on sys.path)

import tinygrad_edu as tg
import tinygrad_edu.nn.functional as F
from tinygrad_edu import nn, optim
from tinygrad_edu.data import DataLoader, TensorDataset, load_digits

TEST_SIZE, BATCH, LR = 360, 32, 3e-3


def make_mlp() -> nn.Module:
    """64 pixels -> 128 -> 10 logits."""
    return nn.Sequential(nn.Linear(64, 128), nn.ReLU(), nn.Linear(128, 10))


class Reshape(nn.Module):
    """(B, 64) -> (B, 1, 8, 8): the flat pixels as a one-channel image."""

    def __init__(self, shape: tuple):
        super().__init__()
        self.shape = shape

    def forward(self, x: tg.Tensor) -> tg.Tensor:
        return x.reshape(self.shape)


def make_cnn() -> nn.Module:
    """Two conv+pool blocks: (1, 8, 8) -> conv 3x3, 16 -> pool -> (16, 4, 4) -> conv 3x3, 32 -> pool
    -> (32, 2, 2) -> 10 logits."""
    return nn.Sequential(
        Reshape((-1, 1, 8, 8)),
        nn.Conv2d(1, 16, kernel_size=3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(16, 32, kernel_size=3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(32 * 2 * 2, 10))


def accuracy(model: nn.Module, X: tg.Tensor, y: tg.Tensor) -> float:
    model.eval()
    with tg.no_grad():
        predicted = model(X).argmax(dim=1).numpy()
    model.train()
    return float((predicted == y.numpy()).mean())


def train(model: nn.Module, loader: DataLoader, epochs: int) -> list[float]:
    """Returns the seconds each epoch took."""
    optimizer = optim.Adam(model.parameters(), lr=LR)
    seconds = []
    for _ in range(epochs):
        start = time.perf_counter()
        for X, y in loader:
            loss = F.cross_entropy(model(X), y)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
        seconds.append(time.perf_counter() - start)
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=15)
    args = parser.parse_args()
    X, y = load_digits()
    order = np.random.default_rng(0).permutation(len(y))
    X_train, y_train = X[order[:-TEST_SIZE]], y[order[:-TEST_SIZE]]
    X_test, y_test = X[order[-TEST_SIZE:]], y[order[-TEST_SIZE:]]
    print(f"machine: {platform.processor() or platform.machine()}, Python {platform.python_version()}, "
          f"NumPy {np.__version__}")
    print(f"digits: {len(y_train)} train / {len(y_test)} test images, Adam lr {LR}, batch {BATCH}, "
          f"{args.epochs} epochs, seed 0")
    print(f"\n| {'model':<38} | {'parameters':>10} | {'s/epoch':>7} | {'test accuracy':>13} |")
    print(f"|{'-' * 40}|{'-' * 11}:|{'-' * 8}:|{'-' * 14}:|")
    models = {"MLP 64-128-10": make_mlp,
              "CNN conv16-pool-conv32-pool-linear": make_cnn}
    for name, make in models.items():
        tg.manual_seed(0)
        model = make()
        loader = DataLoader(TensorDataset(X_train, y_train), batch_size=BATCH, shuffle=True, seed=0)
        seconds = train(model, loader, args.epochs)
        n_params = sum(p.numel() for p in model.parameters())
        print(f"| {name:<38} | {n_params:>10} | {statistics.median(seconds):>7.3f} | "
              f"{accuracy(model, X_test, y_test):>13.1%} |")


if __name__ == "__main__":
    main()
