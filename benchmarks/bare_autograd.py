"""The least a reverse-mode autograd on NumPy must do per op: the floor under overhead.py's figures.

overhead.py times tinygrad_edu's per-op cost against PyTorch's. This file answers the other question:
how much of that cost is Python itself, whatever the library does? It is a whole autograd for the
chain overhead.py times, (x * c + c).tanh() and a sum, and nothing more: no type promotion, no
checks of shapes or dtypes, no version counters (so no error when a saved tensor is changed in
place), no hooks, no retain_grad, no create_graph, no anomaly mode, no broadcasting, no module names
for the graph drawing, NumPy's warnings left on. Each op makes its output tensor and one node holding
its inputs and what its backward reads; backward visits the nodes newest first, as tinygrad_edu's
engine does, and adds each input's gradient into a dict (leaves into .grad).

    python benchmarks/overhead.py     (prints its row, "bare autograd (the floor)")

tests/test_benchmarks.py checks that its gradients are tinygrad_edu's.
"""

from __future__ import annotations

import heapq
import itertools

import numpy as np

_SEQUENCE = itertools.count()  # creation order: a node is newer than the nodes of its inputs


class Tensor:
    __slots__ = ("data", "grad", "node", "requires_grad")

    def __init__(self, data, requires_grad: bool = False, node=None):
        self.data, self.grad, self.node, self.requires_grad = data, None, node, requires_grad

    def __mul__(self, c):
        return Mul.apply(self, c)

    def __add__(self, c):
        return Add.apply(self, c)

    def tanh(self):
        return Tanh.apply(self)

    def sum(self):
        return Sum.apply(self)

    def backward(self) -> None:
        run_backward(self)


class Node:
    """An op applied to a tensor x and a constant c: forward(x, c) on the arrays, backward(g) -> dL/dx."""
    __slots__ = ("x", "seq", "saved")

    @classmethod
    def apply(cls, x: Tensor, c=None) -> Tensor:
        node = cls()
        out = node.forward(x.data, c)
        if not x.requires_grad:
            return Tensor(out)
        node.x, node.seq = x, next(_SEQUENCE)
        return Tensor(out, True, node)


class Mul(Node):
    __slots__ = ()

    def forward(self, x, c):
        self.saved = c
        return x * c

    def backward(self, g):
        return g * self.saved


class Add(Node):
    __slots__ = ()

    def forward(self, x, c):
        return x + c

    def backward(self, g):
        return g


class Tanh(Node):
    __slots__ = ()

    def forward(self, x, c):
        self.saved = np.tanh(x)
        return self.saved

    def backward(self, g):
        return g * (1 - self.saved * self.saved)


class Sum(Node):
    __slots__ = ()

    def forward(self, x, c):
        self.saved = x.shape
        return x.sum()

    def backward(self, g):
        return np.broadcast_to(g, self.saved)


def run_backward(root: Tensor) -> None:
    """Newest node first (all its consumers are done by then), each input's gradient added where it waits."""
    pending = {root.node: np.ones_like(root.data)}
    ready = [(-root.node.seq, root.node)]
    while ready:
        node = heapq.heappop(ready)[1]
        g = node.backward(pending.pop(node))
        x = node.x
        key = x if x.node is None else x.node
        if key in pending:
            pending[key] = pending[key] + g
        else:
            pending[key] = g
            if x.node is not None:
                heapq.heappush(ready, (-x.node.seq, x.node))
        node.x = node.saved = None  # free as we go, as a backward without retain_graph does
    for leaf, g in pending.items():
        leaf.grad = g if leaf.grad is None else leaf.grad + g
