"""Products of tensors: dot, outer, mm, bmm, cross and einsum, from Mul, Sum and MatMul.

einsum turns any Einstein summation into diagonals, sums and one batched matmul per pair of
operands, so every derivative comes from those ops.
"""

from __future__ import annotations

import numpy as np

from ..dims import axis_of
from .movement import pad_dim, take


def dot(x, other):
    """sum(x * other) of two 1-D tensors of the same size."""
    if x.ndim != 1 or other.ndim != 1 or x.shape != other.shape:
        raise RuntimeError(f"dot: expected two 1-D tensors of the same size, got shapes {x.shape} and {other.shape}")
    return (x * other).sum()


def outer(x, other):
    """out[i, j] = x[i] * other[j] (two 1-D tensors)."""
    if x.ndim != 1 or other.ndim != 1:
        raise RuntimeError(f"outer: expected two 1-D tensors, got shapes {x.shape} and {other.shape}")
    return x.reshape(-1, 1) * other.reshape(1, -1)


def mm(x, other):
    """The matrix product of two 2-D tensors (matmul without broadcasting)."""
    if x.ndim != 2 or other.ndim != 2:
        raise RuntimeError(f"mm: expected two 2-D tensors, got shapes {x.shape} and {other.shape}. "
                           "Hint: matmul (@) handles 1-D and batched inputs")
    return x @ other


def bmm(x, other):
    """Batched matrix product: (b, n, m) @ (b, m, p) -> (b, n, p), same b on both sides."""
    if x.ndim != 3 or other.ndim != 3 or x.shape[0] != other.shape[0]:
        raise RuntimeError(f"bmm: expected two 3-D tensors with the same batch size, got shapes {x.shape} and "
                           f"{other.shape}")
    return x @ other


def cross(x, other, dim=None):
    """The cross product of 3-vectors along `dim`: (a2 b3 - a3 b2, a3 b1 - a1 b3, a1 b2 - a2 b1).
    Without dim, the first dimension of size 3 (PyTorch's old default; linalg.cross uses -1)."""
    if dim is None:
        dim = next((i for i, n in enumerate(x.shape) if n == 3), None)
        if dim is None:
            raise RuntimeError(f"cross: no dimension of size 3 in input of shape {x.shape}")
    d = axis_of(x.ndim, dim, "cross")
    if x.shape[d] != 3 or other.shape[d] != 3:
        raise RuntimeError(f"cross: inputs dimension {dim} must have length 3; got shapes {x.shape} and {other.shape}")
    a = [take(x, d, i, i + 1) for i in range(3)]
    b = [take(other, d, i, i + 1) for i in range(3)]
    parts = [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]]
    # join the three along d by padding each to length 3 and adding (cat lives in creation.py, above this module)
    return sum(pad_dim(part, d, i, 2 - i) for i, part in enumerate(parts))


def einsum(equation: str, *operands):
    """Einstein summation, e.g. einsum("ij,jk->ik", a, b) is a @ b. Built from permute, reshape,
    indexing (repeated letters: diagonals), sum and matmul: letters found in one operand only are
    summed out, then operands are contracted two at a time as one batched matmul, so every
    derivative comes from those ops. '...' is not supported: write the dimensions out."""
    if len(operands) == 1 and isinstance(operands[0], (list, tuple)):
        operands = tuple(operands[0])
    equation = equation.replace(" ", "")
    if "..." in equation:
        raise RuntimeError("einsum: '...' (ellipsis) is not supported by tinygrad_edu; name every dimension "
                           "with a letter, e.g. 'bij,bjk->bik'")
    inputs, arrow, output = equation.partition("->")
    terms = inputs.split(",")
    if not arrow:  # implicit output: the letters used once, in alphabetical order
        output = "".join(sorted(c for c in set(inputs) if c.isalpha() and inputs.count(c) == 1))
    if len(terms) != len(operands):
        raise RuntimeError(f"einsum: the equation has {len(terms)} operand(s) but {len(operands)} were given")
    pairs, sizes = [], {}
    for term, x in zip(terms, operands):
        if len(term) != x.ndim:
            raise RuntimeError(f"einsum: the subscript {term!r} has {len(term)} letters for an operand of shape "
                               f"{x.shape}")
        for letter, n in zip(term, x.shape):
            if sizes.setdefault(letter, n) != n:
                raise RuntimeError(f"einsum: letter {letter!r} is {sizes[letter]} in one place and {n} in another")
        pairs.append(diagonals(x, term))
    for letter in output:
        if letter not in sizes:
            raise RuntimeError(f"einsum: output letter {letter!r} does not appear in the inputs {inputs!r}")
    x, term = pairs[0]
    for i in range(1, len(pairs) + 1):
        later = output + "".join(t for _, t in pairs[i:])
        x, term = sum_out(x, term, later)
        if i < len(pairs):
            x, term = contract(x, term, *pairs[i], output + "".join(t for _, t in pairs[i + 1:]), sizes)
    return x.permute(*[term.index(c) for c in output]) if output else x


def diagonals(x, term: str):
    """Take the diagonal for each letter repeated in one operand ('ii' -> 'i')."""
    while len(set(term)) < len(term):
        letter = next(c for c in term if term.count(c) > 1)
        first, second = [i for i, c in enumerate(term) if c == letter][:2]
        rest = [i for i in range(len(term)) if i not in (first, second)]
        x = x.permute(first, second, *rest)
        n = np.arange(x.shape[0])
        x, term = x[n, n], letter + "".join(term[i] for i in rest)
    return x, term


def sum_out(x, term: str, needed: str):
    """Sum over the letters of `term` that `needed` does not use."""
    gone = tuple(i for i, c in enumerate(term) if c not in needed)
    if not gone:
        return x, term
    return x.sum(gone), "".join(c for c in term if c in needed)


def contract(a, term_a: str, b, term_b: str, needed: str, sizes: dict):
    """Multiply two operands and sum their shared letters that `needed` does not use, as one batched
    matmul: a as (batch, left, shared), b as (batch, shared, right)."""
    batch = [c for c in term_a if c in term_b and c in needed]
    shared = [c for c in term_a if c in term_b and c not in needed]
    left = [c for c in term_a if c not in term_b]
    right = [c for c in term_b if c not in term_a]

    def count(letters):
        return int(np.prod([sizes[c] for c in letters], dtype=np.int64))

    a = a.permute(*[term_a.index(c) for c in batch + left + shared]).reshape(count(batch), count(left), count(shared))
    b = b.permute(*[term_b.index(c) for c in batch + shared + right]).reshape(count(batch), count(shared),
                                                                              count(right))
    out = (a @ b).reshape(tuple(sizes[c] for c in batch + left + right))
    return out, "".join(batch + left + right)
