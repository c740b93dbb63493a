"""A hypothesis state machine that mixes everything a learner does with autograd.

It builds expressions from two leaves, calls backward with and without
retain_graph, zeroes gradients, detaches, works under no_grad and updates
the leaves in place, and after every step checks each leaf's accumulated
.grad against finite differences of a NumPy model of the same expressions.

The model knows what the engine must do after an in-place update: a graph
in which an op read the updated leaf (mul, sin, ...) must refuse to
backpropagate, while one that only added it (add, sub) still gives the
gradient at the values it was built with.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pytest
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

import tinygrad_edu as tg

LEAVES = ("x", "y")
UNARY = {"sin": (lambda t: t.sin(), np.sin), "tanh": (lambda t: t.tanh(), np.tanh),
         "sigmoid": (lambda t: t.sigmoid(), lambda a: 1 / (1 + np.exp(-a))),
         "half": (lambda t: t * 0.5, lambda a: a * 0.5)}
BINARY = {"add": (lambda a, b: a + b, np.add), "sub": (lambda a, b: a - b, np.subtract),
          "mul": (lambda a, b: a * b, np.multiply)}


@dataclass
class Expr:
    tensor: tg.Tensor
    fn: object            # leaf perturbations {name: array} -> array: the same expression in NumPy
    leaves: frozenset     # leaves a gradient can flow to
    parts: frozenset      # ids of the graph pieces it is built from
    reads: dict = None        # {leaf: its update count then} for each leaf an op of the graph read (and saved)
    alias: str | None = None  # the leaf whose memory this tensor is (a leaf, or its detach())


NO_CHANGE = {name: 0.0 for name in LEAVES}


def merged(*reads: dict) -> dict:
    """Reads of combined graphs: the oldest read of each leaf decides whether it is stale."""
    out = {}
    for r in reads:
        for leaf, count in r.items():
            out[leaf] = min(count, out.get(leaf, count))
    return out


def numeric_grad(fn, leaf: str, eps: float = 1e-6) -> np.ndarray:
    """d sum(fn) / d leaf by central differences around the values the expression was built with."""
    grad = np.zeros(3)
    for i in range(3):
        plus, minus = dict(NO_CHANGE), dict(NO_CHANGE)
        plus[leaf], minus[leaf] = np.eye(3)[i] * eps, -np.eye(3)[i] * eps
        grad[i] = (np.sum(fn(plus)) - np.sum(fn(minus))) / (2 * eps)
    return grad


class AutogradMachine(RuleBasedStateMachine):
    def __init__(self):
        super().__init__()
        rng = np.random.default_rng(0)
        self.values = {name: rng.uniform(-1, 1, 3) for name in LEAVES}
        self.leaves = {name: tg.tensor(self.values[name], requires_grad=True) for name in LEAVES}
        self.expected = {name: None for name in LEAVES}
        self.updates = {name: 0 for name in LEAVES}
        self.pool: list[Expr] = []
        self.freed: set = set()
        self.next_id = 0

    def new_part(self) -> frozenset:
        self.next_id += 1
        return frozenset([self.next_id])

    def add(self, expr: Expr) -> None:
        expr.reads = expr.reads or {}
        self.pool = (self.pool + [expr])[-12:]

    def leaf_expr(self, n: str) -> Expr:
        base = self.values[n].copy()
        return Expr(self.leaves[n], lambda d: base + d[n], frozenset([n]), frozenset(), alias=n)

    @initialize()
    def start_from_the_leaves(self):
        for n in LEAVES:
            self.add(self.leaf_expr(n))

    def constant(self, tensor, value, alias=None) -> Expr:
        return Expr(tensor, lambda d: value, frozenset(), frozenset(), alias=alias)

    @precondition(lambda self: self.pool)
    @rule(data=st.data(), op=st.sampled_from(sorted(UNARY)), under_no_grad=st.booleans())
    def unary(self, data, op, under_no_grad):
        a = data.draw(st.sampled_from(self.pool))
        make, ref = UNARY[op]
        if under_no_grad:
            with tg.no_grad():
                self.add(self.constant(make(a.tensor), ref(a.fn(NO_CHANGE))))
        else:  # sin saves its input; tanh and sigmoid their output; half (x * 0.5) nothing of x
            reads = merged(a.reads, {a.alias: self.updates[a.alias]} if a.alias and op == "sin" else {})
            self.add(Expr(make(a.tensor), lambda d: ref(a.fn(d)), a.leaves, a.parts | self.new_part(), reads))

    @precondition(lambda self: self.pool)
    @rule(data=st.data(), op=st.sampled_from(sorted(BINARY)))
    def binary(self, data, op):
        a, b = data.draw(st.sampled_from(self.pool)), data.draw(st.sampled_from(self.pool))
        make, ref = BINARY[op]
        reads = merged(a.reads, b.reads)
        if op == "mul":  # mul saves each factor that the other's gradient needs; add and sub nothing
            saved = [x for x, other in ((a, b), (b, a)) if x.alias and other.tensor.requires_grad]
            reads = merged(reads, {x.alias: self.updates[x.alias] for x in saved})
        self.add(Expr(make(a.tensor, b.tensor), lambda d: ref(a.fn(d), b.fn(d)), a.leaves | b.leaves,
                      a.parts | b.parts | self.new_part(), reads))

    @precondition(lambda self: self.pool)
    @rule(data=st.data())
    def detach(self, data):
        a = data.draw(st.sampled_from(self.pool))
        self.add(self.constant(a.tensor.detach(), a.fn(NO_CHANGE), alias=a.alias))  # shares a's memory

    @precondition(lambda self: self.pool)
    @rule(data=st.data(), retain=st.booleans(), newest=st.booleans())
    def backward(self, data, retain, newest):
        # The newest expression is the deepest graph; any other may be freed or stale by now.
        e = self.pool[-1] if newest else data.draw(st.sampled_from(self.pool))
        loss = e.tensor.sum()
        if not e.leaves:
            with pytest.raises(RuntimeError, match="does not require grad"):
                loss.backward()
            return
        changed = {n for n, count in e.reads.items() if self.updates[n] != count}
        if e.parts & self.freed or changed:
            with pytest.raises(RuntimeError, match="retain_graph=True|modified by an inplace operation"):
                loss.backward(retain_graph=retain)
            # How far that backward got before it raised is not modelled: forget its pieces.
            self.pool = [x for x in self.pool if not (x.parts & e.parts)]
            return
        loss.backward(retain_graph=retain)
        for name in e.leaves:
            g = numeric_grad(e.fn, name)
            self.expected[name] = g if self.expected[name] is None else self.expected[name] + g
        if not retain:
            self.freed |= e.parts

    @rule()
    def zero_grad(self):
        for name in LEAVES:
            self.leaves[name].grad = None
            self.expected[name] = None

    @rule(name=st.sampled_from(LEAVES), step=st.sampled_from([0.1, -0.2]))
    def update_in_place(self, name, step):
        with tg.no_grad():
            self.leaves[name] -= step
        self.values[name] = self.values[name] - step
        self.updates[name] += 1
        # The leaf and its detached copies now hold new values: new ones replace them in the pool.
        # Graphs built from them before stay; `reads` says which of those must now refuse backward.
        fresh = self.leaf_expr(name)
        fresh.reads = {}
        self.pool = [fresh] + [x for x in self.pool if x.alias != name]  # the newest graph stays last

    @invariant()
    def gradients_match_finite_differences(self):
        for name in LEAVES:
            grad, want = self.leaves[name].grad, self.expected[name]
            if want is None:
                assert grad is None, f"{name}.grad should be None, got {grad}"
            else:
                np.testing.assert_allclose(grad._data, want, rtol=1e-5, atol=1e-7)
            np.testing.assert_array_equal(self.leaves[name]._data, self.values[name])


AutogradMachine.TestCase.settings = settings(max_examples=150, stateful_step_count=30, deadline=None)
TestAutograd = AutogradMachine.TestCase
