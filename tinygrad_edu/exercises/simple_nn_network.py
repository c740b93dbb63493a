"""The simple_nn grader's view of a learner's network: its weights, found by shape whatever their names
(attributes, a `params` dict, an nn.Module's parameters), which layer each belongs to, and the network
driven with NumPy arrays or Tensors as its weights are. simple_nn.py grades what this reads."""

from __future__ import annotations

import re

import numpy as np

import tinygrad_edu as tg

from ..nn import Module
from ..tensor import Tensor
from .grading import to_numpy

__all__ = ["Weight", "find_weights", "Learner", "layer_of", "output_first"]


# ---------------------------------------------------------------- finding the weights

class Weight:
    """One weight, found again on every read (train may rebind self.W1 or self.params), read and written in place."""

    def __init__(self, label: str, get):
        self.label, self.get = label, get

    def read(self) -> np.ndarray:
        return to_numpy(self.get())

    def write(self, values: np.ndarray) -> None:
        value = self.get()
        target = value._data if isinstance(value, Tensor) else value
        target[...] = values  # in place, cast to the learner's dtype

    def is_float32(self) -> bool:
        value = self.get()
        return (value._data if isinstance(value, Tensor) else value).dtype != np.float64


def is_float_array(value) -> bool:
    if isinstance(value, Tensor):
        value = value._data
    return isinstance(value, np.ndarray) and np.issubdtype(value.dtype, np.floating) and value.ndim in (1, 2)


def fits(shape: tuple, sizes: tuple) -> bool:
    """A weight matrix or bias of a network with these layer sizes (either orientation)."""
    layers = list(zip(sizes[:-1], sizes[1:]))
    if len(shape) == 2 and any(set(shape) == {a, b} or shape == (a, b) for a, b in layers):
        return True
    outs = {b for _, b in layers}
    return shape in {(n,) for n in outs} | {(1, n) for n in outs} | {(n, 1) for n in outs}


def find_weights(net, sizes: tuple) -> list:
    """The learner's weights: float arrays/Tensors among the attributes, dict attributes and modules."""
    found, seen = [], set()

    def consider(label, value, get):
        if is_float_array(value) and fits(tuple(value.shape), sizes) and id(value) not in seen:
            seen.add(id(value))
            found.append(Weight(label, get))

    def consider_module(get_module, prefix):
        for key, param in get_module().named_parameters():
            consider(prefix + key, param, lambda key=key: dict(get_module().named_parameters())[key])

    if isinstance(net, Module):  # an nn.Module: its parameters, by their dotted names
        consider_module(lambda: net, "")
        return found
    for name, value in list(vars(net).items()):
        if isinstance(value, dict):
            for key, item in value.items():
                consider(f"{name}[{key!r}]", item, lambda name=name, key=key: getattr(net, name)[key])
        elif isinstance(value, Module):
            consider_module(lambda name=name: getattr(net, name), name + ".")
        else:
            consider(name, value, lambda name=name: getattr(net, name))
    return found


# ---------------------------------------------------------------- running the learner's code

class Learner:
    """The learner's network and how to talk to it (NumPy in, or Tensors in when the weights are Tensors)."""

    def __init__(self, cls, sizes: tuple, learning_rate: float, seed: int = 0):
        np.random.seed(seed)
        tg.manual_seed(seed)
        self.net = cls(*sizes, learning_rate)
        self.sizes, self.learning_rate = sizes, learning_rate
        self.weights = find_weights(self.net, sizes)
        self.tensors = any(isinstance(w.get(), Tensor) for w in self.weights)

    def wrap(self, array: np.ndarray):
        return tg.tensor(array) if self.tensors else array.copy()

    def forward(self, X: np.ndarray) -> np.ndarray:
        if self.tensors:
            with tg.no_grad():
                return to_numpy(self.net.forward(self.wrap(X)))
        return to_numpy(self.net.forward(self.wrap(X)))

    def train(self, X, y, epochs: int) -> list:
        given = self.wrap(X)
        losses = self.net.train(given, self.wrap(y), epochs)
        self.changed_X = not np.array_equal(to_numpy(given), X)  # train scaled or shifted X in place
        if not hasattr(losses, "__len__"):
            raise TypeError(f"train returned {type(losses).__name__}, not the list of the losses (one per epoch)")
        return [float(to_numpy(loss)) for loss in losses]

    def read(self) -> list:
        return [w.read() for w in self.weights]

    def write(self, values: list) -> None:
        for w, v in zip(self.weights, values):
            w.write(v)


def layer_of(weight: Weight, shape: tuple, sizes: tuple) -> tuple:
    """(layer, 0 for a matrix or 1 for a bias), layer 1 being the first. A shape that fits both a matrix and a
    bias, (1, hidden) or (hidden, 1) with one output, is told by its name (b..., ...bias / W..., ...weight),
    else (1, n) is a bias row and (n, 1) a weight column, as the skeleton lays them out."""
    layers = list(zip(sizes[:-1], sizes[1:]))
    matrix = [n for n, (a, b) in enumerate(layers, 1) if len(shape) == 2 and (set(shape) == {a, b} or shape == (a, b))]
    bias = [n for n, (_, b) in enumerate(layers, 1) if shape in {(b,), (1, b), (b, 1)}]
    if matrix and bias:
        words = re.findall(r"[A-Za-z_][A-Za-z0-9_]*", weight.label)
        name = words[-1].lower() if words else ""
        if "bias" in name or name.startswith("b"):
            matrix = []
        elif "weight" in name or name.startswith("w") or shape[0] != 1:
            bias = []
    return (matrix[0], 0) if matrix else (bias[0], 1) if bias else (0, 2)


def output_first(learner: Learner) -> list:
    """The indices of the weights from the output back: the last layer's matrix and bias, then the one before."""
    keys = [layer_of(w, tuple(w.get().shape), learner.sizes) for w in learner.weights]
    return sorted(range(len(keys)), key=lambda k: (-keys[k][0], keys[k][1], k))
