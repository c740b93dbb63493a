"""Ops built from other ops: they need no backward of their own.

Each function here takes a Tensor `x` and uses only Tensor methods, so autograd
differentiates it through the primitives it is made of (ops.py, movement_ops.py),
to any order. tensor.py binds them as methods: `x.mean()` is `reductions.mean(x)`.

One module per family:
- reductions.py: mean, min, var, std, logsumexp, softmax, prod, norm, cumsum, cumprod
- movement.py: transpose, squeeze, flatten, split, chunk, flip, roll, repeat, select, narrow, ...
- indexing.py: gather, sort, topk, scatter, diagonal, tril, triu, masked_fill
- order_statistics.py: median, quantile, kthvalue, mode, cummax, logcumsumexp, searchsorted, ...
- products.py: dot, outer, mm, bmm, cross, einsum
- elementwise.py: log10, log1p, expm1, rsqrt, reciprocal, minimum, lerp, ...
"""
