"""A hypothesis state machine that mixes everything a learner does with autograd.

It builds expressions from two leaves, calls backward with and without
retain_graph, zeroes gradients, detaches, works under no_grad and updates
the leaves in place, and after every step checks each leaf's accumulated
.grad against finite differences of a NumPy model of the same expressions.
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
    fn: object            # dict of leaf values -> array: the same expression in NumPy
    leaves: frozenset     # leaves a gradient can flow to
    parts: frozenset      # ids of the graph pieces it is built from


def numeric_grad(fn, values: dict, leaf: str, eps: float = 1e-6) -> np.ndarray:
    grad = np.zeros_like(values[leaf])
    for i in range(grad.size):
        plus = {k: v.copy() for k, v in values.items()}
        minus = {k: v.copy() for k, v in values.items()}
        plus[leaf].flat[i] += eps
        minus[leaf].flat[i] -= eps
        grad.flat[i] = (np.sum(fn(plus)) - np.sum(fn(minus))) / (2 * eps)
    return grad


class AutogradMachine(RuleBasedStateMachine):
    def __init__(self):
        super().__init__()
        rng = np.random.default_rng(0)
        self.values = {name: rng.uniform(-1, 1, 3) for name in LEAVES}
        self.leaves = {name: tg.tensor(self.values[name], requires_grad=True) for name in LEAVES}
        self.expected = {name: None for name in LEAVES}
        self.pool: list[Expr] = []
        self.freed: set = set()
        self.next_id = 0

    def new_part(self) -> frozenset:
        self.next_id += 1
        return frozenset([self.next_id])

    def add(self, expr: Expr) -> None:
        self.pool = (self.pool + [expr])[-12:]

    def leaf_exprs(self) -> list:
        return [Expr(self.leaves[n], lambda v, n=n: v[n], frozenset([n]), frozenset()) for n in LEAVES]

    @initialize()
    def start_from_the_leaves(self):
        self.pool = self.leaf_exprs()

    @precondition(lambda self: self.pool)
    @rule(data=st.data(), op=st.sampled_from(sorted(UNARY)), under_no_grad=st.booleans())
    def unary(self, data, op, under_no_grad):
        a = data.draw(st.sampled_from(self.pool))
        make, ref = UNARY[op]
        if under_no_grad:
            with tg.no_grad():
                t = make(a.tensor)
            value = ref(a.fn(self.values))
            self.add(Expr(t, lambda v, c=value: c, frozenset(), frozenset()))
        else:
            self.add(Expr(make(a.tensor), lambda v: ref(a.fn(v)), a.leaves, a.parts | self.new_part()))

    @precondition(lambda self: self.pool)
    @rule(data=st.data(), op=st.sampled_from(sorted(BINARY)))
    def binary(self, data, op):
        a, b = data.draw(st.sampled_from(self.pool)), data.draw(st.sampled_from(self.pool))
        make, ref = BINARY[op]
        self.add(Expr(make(a.tensor, b.tensor), lambda v: ref(a.fn(v), b.fn(v)), a.leaves | b.leaves,
                      a.parts | b.parts | self.new_part()))

    @precondition(lambda self: self.pool)
    @rule(data=st.data())
    def detach(self, data):
        a = data.draw(st.sampled_from(self.pool))
        value = a.fn(self.values)
        self.add(Expr(a.tensor.detach(), lambda v, c=value: c, frozenset(), frozenset()))

    @precondition(lambda self: self.pool)
    @rule(data=st.data(), retain=st.booleans())
    def backward(self, data, retain):
        e = data.draw(st.sampled_from(self.pool[-3:]))  # the newest: the deepest graphs
        loss = e.tensor.sum()
        if not e.leaves:
            with pytest.raises(RuntimeError, match="does not require grad"):
                loss.backward()
            return
        if e.parts & self.freed:
            with pytest.raises(RuntimeError, match="retain_graph=True"):
                loss.backward(retain_graph=retain)
            # How far that backward got before it hit the freed node is not modelled: forget its pieces.
            self.pool = [x for x in self.pool if not (x.parts & e.parts)]
            return
        loss.backward(retain_graph=retain)
        for name in e.leaves:
            g = numeric_grad(e.fn, self.values, name)
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
        # Graphs built before the update saved the old values: backward through them now
        # raises (checked in test_autograd); the machine starts from fresh expressions.
        self.pool = self.leaf_exprs()

    @invariant()
    def gradients_match_finite_differences(self):
        for name in LEAVES:
            grad, want = self.leaves[name].grad, self.expected[name]
            if want is None:
                assert grad is None, f"{name}.grad should be None, got {grad}"
            else:
                np.testing.assert_allclose(grad.data, want, rtol=1e-5, atol=1e-7)
            np.testing.assert_array_equal(self.leaves[name].data, self.values[name])


AutogradMachine.TestCase.settings = settings(max_examples=60, stateful_step_count=30, deadline=None)
TestAutograd = AutogradMachine.TestCase
