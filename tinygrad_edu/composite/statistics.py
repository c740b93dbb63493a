"""Statistics and combinations that tutorials and lectures call by PyTorch's names: std_mean and
var_mean, the NaN-skipping nansum and nanmean, nan_to_num, logaddexp, cov and corrcoef, kron and
broadcast_to.

Code written for PyTorch stops with an AttributeError without them, and each is a few lines of
other Tensor ops, so autograd differentiates it with no derivative of its own (the gradients are
PyTorch's: nan_to_num's is grad where x is finite and 0 elsewhere, nansum's and nanmean's are 0
at the NaNs).

StatisticsMethods is a base class of Tensor (tensor.py): the ones PyTorch has as Tensor methods
(x.nansum(), x.nan_to_num(), x.kron(y), ...) are these functions; tensor_functions.py exports them
as tinygrad_edu.nansum and so on.
"""

from __future__ import annotations

import numbers
import warnings

import numpy as np

from ..arrays import is_float


def require_float(x, op: str) -> None:
    if not is_float(x.dtype):
        raise RuntimeError(f"{op}(): expected input to have floating point dtype but got {x.dtype}; "
                           f"convert first with .float()")


def var_mean(input, dim=None, unbiased=None, keepdim=False, *, correction=None):
    """(var, mean) over `dim`, as a tuple: var's options (correction= or unbiased=, PyTorch's
    `var_mean(x, dim, unbiased, keepdim)` positional form too)."""
    if isinstance(dim, bool):  # var_mean(x, False): the bool is `unbiased`, over all elements
        dim, unbiased = None, dim
    return input.var(dim, unbiased, keepdim, correction=correction), input.mean(dim, keepdim)


def std_mean(input, dim=None, unbiased=None, keepdim=False, *, correction=None):
    """(std, mean) over `dim`, as a tuple (see var_mean)."""
    if isinstance(dim, bool):
        dim, unbiased = None, dim
    return input.std(dim, unbiased, keepdim, correction=correction), input.mean(dim, keepdim)


def nansum(input, dim=None, keepdim=False, *, dtype=None):
    """The sum of the elements that are not NaN (0 if all are); their gradient is 1, the NaNs' 0."""
    if dtype is not None:
        input = input.to(dtype)
    if not is_float(input.dtype):  # integers have no NaN
        return input.sum(dim, keepdim)
    return input.where(~input.isnan(), 0.0).sum(dim, keepdim)


def nanmean(input, dim=None, keepdim=False, *, dtype=None):
    """nansum / (how many are not NaN): NaN where all are NaN, as PyTorch."""
    if dtype is not None:
        input = input.to(dtype)
    require_float(input, "nanmean")
    counted = (~input.isnan()).sum(dim, keepdim)
    return nansum(input, dim, keepdim) / counted.to(input.dtype)


def nan_to_num(input, nan=0.0, posinf=None, neginf=None):
    """NaN -> `nan`, +inf -> `posinf`, -inf -> `neginf`; the infinities default to the largest and
    smallest finite values of the dtype. Integer tensors come back unchanged (as a copy)."""
    if not is_float(input.dtype):
        return input.clone()
    data = input._data
    largest = np.finfo(data.dtype).max
    posinf = largest if posinf is None else posinf
    neginf = -largest if neginf is None else neginf
    with np.errstate(over="ignore"):  # a replacement too big for float16 becomes inf, as PyTorch's
        replacement = np.where(np.isnan(data), nan, np.where(data > 0, posinf, neginf)).astype(data.dtype)
    return input.where(input.isfinite(), replacement)


def logaddexp(input, other):
    """log(exp(x) + exp(y)) computed as m + log(exp(x - m) + exp(y - m)) with m = max(x, y) held
    constant (as logsumexp), so exp never overflows. d/dx = sigmoid(x - y)."""
    require_float(input, "logaddexp")
    if isinstance(other, numbers.Number):
        raise TypeError(f"logaddexp(): argument 'other' (position 1) must be Tensor, not {type(other).__name__}")
    m = input.detach().maximum(other.detach())
    m = m.where(m.isfinite(), 0.0)  # both -inf (or +inf): avoid -inf - -inf = nan
    return ((input - m).exp() + (other - m).exp()).log() + m


def kron(input, other):
    """The Kronecker product: every element of `input` times the whole of `other`, blocks laid out
    as `input`'s elements. Both are given the same number of dims, then x[i, j] * y[k, l] lands at
    [i * K + k, j * L + l]: a broadcast product of (I, 1, J, 1) and (1, K, 1, L), reshaped."""
    ndim = max(input.ndim, other.ndim)
    x_shape = (1,) * (ndim - input.ndim) + tuple(input.shape)
    y_shape = (1,) * (ndim - other.ndim) + tuple(other.shape)
    x = input.reshape(tuple(n for size in x_shape for n in (size, 1)))
    y = other.reshape(tuple(n for size in y_shape for n in (1, size)))
    return (x * y).reshape(tuple(a * b for a, b in zip(x_shape, y_shape)))


def broadcast_to(input, shape):
    """`input` expanded to `shape` (-1 keeps a size): the view PyTorch's broadcast_to returns."""
    return input.expand(tuple(shape))


def cov(input, *, correction=1, fweights=None, aweights=None):
    """The covariance matrix of the variables in the rows of `input` (observations in the columns;
    a 1-D input is one variable): sum_k w_k (x_ik - m_i)(x_jk - m_j) / (sum w - correction), with
    weights w = fweights * aweights (1 without them), and with aweights the correction scaled by
    sum(w * aweights) / sum(w), NumPy's and PyTorch's rule. A 1x1 result is squeezed to 0-d."""
    if input.ndim > 2:
        raise ValueError(f"cov(): expected input to have two or fewer dimensions but got an input with "
                         f"{input.ndim} dimensions")
    x = input.reshape(1, -1) if input.ndim < 2 else input
    if not is_float(x.dtype):
        x = x.float()
    observations = x.shape[1]
    if fweights is not None and (is_float(fweights.dtype) or bool((fweights < 0).any())):
        raise RuntimeError("cov(): fweights must be non-negative integers (frequencies), got "
                           f"{fweights.dtype} {fweights.tolist()}")
    if aweights is not None and not is_float(aweights.dtype):
        raise RuntimeError(f"cov(): expected aweights to have floating point dtype but got {aweights.dtype}")
    weights = fweights
    if aweights is not None:
        weights = aweights if weights is None else weights * aweights
    if weights is None:
        weight_sum, average = observations, x.mean(1, keepdim=True)
    else:
        weights = weights.to(x.dtype)
        weight_sum = weights.sum()
        average = (x * weights).sum(1, keepdim=True) / weight_sum
    if weights is not None and aweights is not None and correction != 0:
        norm = weight_sum - correction * (weights * aweights).sum() / weight_sum
    else:
        norm = weight_sum - correction
    if float(norm) <= 0:
        warnings.warn("cov(): degrees of freedom is <= 0. Correction should be strictly less than the number "
                      "of observations.", stacklevel=2)
        norm = max(norm, 0) if weights is None else norm.clamp_min(0)  # PyTorch's: a division giving inf or nan
    centred = x - average
    weighted = centred if weights is None else centred * weights
    return (weighted @ centred.mT / norm).squeeze()


def corrcoef(input):
    """Pearson's correlation coefficients: cov(x)[i, j] / sqrt(cov[i, i] cov[j, j]), clipped to
    [-1, 1] as PyTorch (rounding can step past them)."""
    c = cov(input)
    if c.ndim == 0:  # one variable: x / x, 1 (or nan where the variance is 0 or nan)
        return c / c
    stddev = c.diagonal().sqrt()
    c = c / stddev.reshape(-1, 1) / stddev.reshape(1, -1)
    return c.clamp(-1, 1)


class StatisticsMethods:
    """Tensor's methods of the same names (a base class of Tensor: `self` is a Tensor)."""
    __slots__ = ()
    nansum = nansum
    nanmean = nanmean
    nan_to_num = nan_to_num
    logaddexp = logaddexp
    kron = kron
    broadcast_to = broadcast_to
    cov = cov
    corrcoef = corrcoef

    def nan_to_num_(self, nan=0.0, posinf=None, neginf=None):
        """nan_to_num in place."""
        return self._apply_("nan_to_num_", lambda t: nan_to_num(t, nan, posinf, neginf))
