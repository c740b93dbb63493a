"""Helpers for training loops: gradient clipping and flat parameter vectors (here), and weight norm,
spectral norm and parametrizations (the submodules weight_norm, parametrize and parametrizations,
PyTorch's paths), and padding a batch of sequences (rnn.pad_sequence)."""

from __future__ import annotations

import numpy as np

from ...autograd import no_grad
from ...creation import cat
from ...tensor import Tensor
from . import parametrizations, parametrize, rnn
from .weight_norm import remove_weight_norm, weight_norm

__all__ = ["clip_grad_norm_", "clip_grad_value_", "parameters_to_vector", "vector_to_parameters", "parametrize",
           "parametrizations", "weight_norm", "remove_weight_norm", "rnn"]


def as_list(parameters) -> list:
    return [parameters] if isinstance(parameters, Tensor) else list(parameters)


def clip_grad_norm_(parameters, max_norm: float, norm_type: float = 2.0,
                    error_if_nonfinite: bool = False, foreach: bool | None = None) -> Tensor:
    """Scale every gradient by min(1, max_norm / (total_norm + 1e-6)), where total_norm is
    the norm of all gradients taken together (the norm of the per-parameter norms).
    Returns total_norm (before clipping) as a Tensor. foreach (PyTorch's choice of a fused
    kernel) is accepted and changes nothing."""
    grads = [p.grad for p in as_list(parameters) if p.grad is not None]
    if not grads:
        return Tensor(0.0)
    norm_type = float(norm_type)
    if norm_type == np.inf:
        norms = [np.abs(g._data).max() for g in grads]
        total = np.max(norms)
    else:
        norms = [np.linalg.norm(g._data.ravel(), norm_type) for g in grads]
        total = np.linalg.norm(np.asarray(norms), norm_type)
    total = np.asarray(total, dtype=grads[0].dtype)
    if error_if_nonfinite and not np.isfinite(total):
        raise RuntimeError(f"clip_grad_norm_: the total norm of order {norm_type} of the gradients is {total}; "
                           "they cannot be clipped. Set error_if_nonfinite=False to skip this check.")
    coef = min(float(max_norm) / (float(total) + 1e-6), 1.0)
    with no_grad():
        for g in grads:
            g.mul_(coef)
    return Tensor._wrap(total)


def clip_grad_value_(parameters, clip_value: float, foreach: bool | None = None) -> None:
    """Clamp every gradient element into [-clip_value, clip_value], in place (foreach, as in
    clip_grad_norm_, changes nothing)."""
    for p in as_list(parameters):
        if p.grad is not None:
            np.clip(p.grad._data, -clip_value, clip_value, out=p.grad._data)
            p.grad._changed()  # changed in place, as clamp_ would: a graph that saved this .grad can tell


def parameters_to_vector(parameters) -> Tensor:
    """All parameters flattened and joined into one vector (differentiable)."""
    return cat([p.reshape(-1) for p in as_list(parameters)])


def vector_to_parameters(vec: Tensor, parameters) -> None:
    """Copy consecutive slices of `vec` into the parameters, in place."""
    if not isinstance(vec, Tensor):
        raise TypeError(f"vector_to_parameters: expected a Tensor, but got: {type(vec).__module__}."
                        f"{type(vec).__name__}. Hint: tinygrad_edu.tensor(values)")
    params = as_list(parameters)
    total = sum(p._data.size for p in params)
    if vec.ndim != 1 or vec.shape[0] != total:
        raise RuntimeError(f"vector_to_parameters: expected a vector of {total} elements, got shape {tuple(vec.shape)}")
    start = 0
    with no_grad():
        for p in params:
            p.copy_(vec._data[start:start + p._data.size].reshape(p.shape))
            start += p._data.size
