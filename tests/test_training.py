"""Training tests: real models, trained the PyTorch way, must reach a stated accuracy.

Each test is seeded (the library's generator for the initial weights, a seed
for the data and the batch order) and takes a second or two, so a failure is
a real regression (in an op, a gradient, a layer's init, an optimizer), not
bad luck. The thresholds are below what the seeded runs reach, by a margin
that a harmless change in rounding cannot cross.
"""

from __future__ import annotations

import numpy as np
import pytest

import tinygrad_edu as tg
import tinygrad_edu.nn.functional as F
from tinygrad_edu import nn, optim
from tinygrad_edu.curriculum import load
from tinygrad_edu.data import DataLoader, TensorDataset, make_moons, make_xor, random_split

DigitCNN = load("digits").DigitCNN  # lesson 8's CNN: examples/08_digits.py


def accuracy(model: nn.Module, X: tg.Tensor, y: tg.Tensor) -> float:
    """The fraction of samples whose largest logit is the right class (eval mode, no graph)."""
    model.eval()
    with tg.no_grad():
        predicted = model(X).argmax(dim=1)
    model.train()
    return float((predicted.numpy() == y.numpy()).mean())


def fit(model: nn.Module, loader, optimizer: optim.Optimizer, epochs: int) -> list[float]:
    """The standard loop; returns the mean loss of each epoch."""
    history = []
    for _ in range(epochs):
        losses = []
        for X, y in loader:
            loss = F.cross_entropy(model(X), y)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            losses.append(loss.item())
        history.append(float(np.mean(losses)))
    return history


def split(X: tg.Tensor, y: tg.Tensor, test_size: int, seed: int):
    """Train/test tensors from a seeded permutation: the last `test_size` samples are the test set."""
    order = np.random.default_rng(seed).permutation(len(y))
    train, test = order[:-test_size], order[-test_size:]
    return X[train], y[train], X[test], y[test]


def digits():
    pytest.importorskip("sklearn", reason="load_digits reads scikit-learn's bundled copy: "
                                          'pip install "tinygrad-edu[datasets]" (the test extra has it)')
    from tinygrad_edu.data import load_digits
    return load_digits()


# ---------------------------------------------------------------- toy problems

def test_xor_reaches_full_accuracy():
    """The classic: not linearly separable, so it needs the hidden layer."""
    tg.manual_seed(0)
    X, y = make_xor()
    model = nn.Sequential(nn.Linear(2, 8), nn.Tanh(), nn.Linear(8, 2))
    optimizer = optim.SGD(model.parameters(), lr=0.5, momentum=0.9)
    losses = fit(model, [(X, y)], optimizer, epochs=200)
    assert accuracy(model, X, y) == 1.0
    assert losses[-1] < 0.05 < losses[0]
    assert all(p.dtype == np.float32 for p in model.parameters())


def test_xor_without_hidden_layer_cannot_be_learnt():
    """The counterpart: a linear model stays at or below 3 of 4 (a sanity check of the test above)."""
    tg.manual_seed(0)
    X, y = make_xor()
    model = nn.Linear(2, 2)
    fit(model, [(X, y)], optim.SGD(model.parameters(), lr=0.5, momentum=0.9), epochs=200)
    assert accuracy(model, X, y) <= 0.75


def test_moons_reaches_97_percent_on_held_out_points():
    """Seeds 0-4 all reach 100% with noise 0.1 (with noise 0.15 the classes overlap: 97.5-99%)."""
    tg.manual_seed(0)
    X, y = make_moons(600, noise=0.1, seed=0)
    X_train, y_train, X_test, y_test = split(X, y, test_size=200, seed=0)
    model = nn.Sequential(nn.Linear(2, 32), nn.ReLU(), nn.Linear(32, 32), nn.ReLU(), nn.Linear(32, 2))
    loader = DataLoader(TensorDataset(X_train, y_train), batch_size=32, shuffle=True, seed=0)
    losses = fit(model, loader, optim.Adam(model.parameters(), lr=0.01), epochs=40)
    assert losses[-1] < losses[0] / 3
    assert accuracy(model, X_test, y_test) >= 0.97


# ---------------------------------------------------------------- handwritten digits

def test_digits_mlp_reaches_95_percent_test_accuracy():
    """An 80/20 random_split; seed 0 reaches 98.6% (seeds 0-4: 96.1-98.6%)."""
    tg.manual_seed(0)
    X, y = digits()
    train, test = random_split(TensorDataset(X, y), [0.8, 0.2], seed=0)
    X_test, y_test = (X[np.array(test.indices)], y[np.array(test.indices)])
    model = nn.Sequential(nn.Linear(64, 128), nn.ReLU(), nn.Linear(128, 10))
    loader = DataLoader(train, batch_size=32, shuffle=True, seed=0)
    losses = fit(model, loader, optim.Adam(model.parameters(), lr=3e-3), epochs=15)
    assert losses[-1] < 0.1 < losses[0]
    assert accuracy(model, X_test, y_test) >= 0.95


def test_digits_cnn_reaches_95_percent_in_five_epochs():
    """The digits lesson's CNN: conv 3x3 (8 channels) -> ReLU -> max-pool 2 -> linear.
    A seeded 1437/360 split; seed 0 reaches 96.9% (seeds 0-3: 95.6-96.9%)."""
    tg.manual_seed(0)
    X, y = digits()
    X_train, y_train, X_test, y_test = split(X, y, test_size=360, seed=0)
    model = DigitCNN()
    loader = DataLoader(TensorDataset(X_train, y_train), batch_size=32, shuffle=True, seed=0)
    fit(model, loader, optim.Adam(model.parameters(), lr=1e-2), epochs=5)
    assert accuracy(model, X_test, y_test) >= 0.95
