"""More of PyTorch's math on tensors: tan, the hyperbolic functions, erf and friends, atan2, hypot,
logit, frac, degrees and radians, hardshrink; the fused formulas addcmul, addcdiv, addmm, addmv, baddbmm and
dist; index_fill and fill_diagonal_; and the in-place form of each one that PyTorch has.

Learners' PyTorch code calls these names (optimizers written by hand use addcmul_ and addcdiv_,
makemore's exercises lerp_ and erf), and without them it stops with an AttributeError. Each is a
primitive of math_ops.py or a line of other Tensor ops, so autograd differentiates it.

MathMethods is a base class of Tensor (tensor.py): these are Tensor's methods, kept here so that
tensor.py holds the core.
"""

from __future__ import annotations

import math

import numpy as np

from . import math_ops
from .arrays import index_key, is_float
from .dims import axis_of


def require_float(x, op: str) -> None:
    """PyTorch implements frac and hypot for floating tensors only."""
    if not is_float(x.dtype):
        raise RuntimeError(f"{op}: not implemented for {x.dtype} tensors (PyTorch's \"{op}_cpu\" neither); "
                           f"convert first with .float()")


def check_dims(op: str, *pairs) -> None:
    """Raise naming `op` unless each (tensor, wanted ndim, name) has that many dimensions."""
    for x, ndim, name in pairs:
        if x.ndim != ndim:
            raise RuntimeError(f"{op}: {name} must be a {ndim}-D tensor, got shape {tuple(x.shape)}")


def shrunk(x, lambd: float):
    """True outside [-lambd, lambd], and at NaN (which the shrinks pass through, as PyTorch's)."""
    return ~((x >= -lambd) & (x <= lambd))


class MathMethods:
    """Tensor's further math methods (a base class of Tensor: `self` is a Tensor)."""
    __slots__ = ()

    # ------------------------------------------------------------ primitives (math_ops.py)
    tan = lambda self: math_ops.Tan.apply(self)  # noqa: E731
    sinh = lambda self: math_ops.Sinh.apply(self)  # noqa: E731
    cosh = lambda self: math_ops.Cosh.apply(self)  # noqa: E731
    asinh = arcsinh = lambda self: math_ops.Asinh.apply(self)  # noqa: E731
    acosh = arccosh = lambda self: math_ops.Acosh.apply(self)  # noqa: E731
    atanh = arctanh = lambda self: math_ops.Atanh.apply(self)  # noqa: E731
    erf = lambda self: math_ops.Erf.apply(self)  # noqa: E731
    erfc = lambda self: math_ops.Erfc.apply(self)  # noqa: E731
    erfinv = lambda self: math_ops.Erfinv.apply(self)  # noqa: E731

    def atan2(self, other):
        """The angle of the point (other, self), in (-pi, pi]: atan2(y, x) is y.atan2(x)."""
        return math_ops.Atan2.apply(self, other)

    arctan2 = atan2

    def hypot(self, other):
        """sqrt(self**2 + other**2), without overflow."""
        require_float(self, "hypot")
        return math_ops.Hypot.apply(self, other)

    def logit(self, eps: float | None = None):
        """log(p / (1 - p)), sigmoid's inverse; with eps, p is self clamped to [eps, 1 - eps]."""
        return math_ops.Logit.apply(self, eps=eps)

    # ------------------------------------------------------------ composites
    def frac(self):
        """The fractional part, x - trunc(x) (its sign is x's). Its gradient is 1 everywhere, as in
        PyTorch: trunc's is 0."""
        require_float(self, "frac")
        return self - self.trunc()

    def hardshrink(self, lambd: float = 0.5):
        """x where |x| > lambd, 0 elsewhere (nn.functional.hardshrink). Slope 1 outside, 0 inside and
        at +-lambd themselves (PyTorch's)."""
        if not is_float(self.dtype):
            raise NotImplementedError(f"hardshrink: not implemented for '{self.dtype.legacy_name}' tensors, as in "
                                      "PyTorch. Hint: convert first with x.float()")
        return self.where(shrunk(self, lambd), 0.0)

    def deg2rad(self):
        return self * (math.pi / 180)

    def rad2deg(self):
        return self * (180 / math.pi)

    def addcmul(self, tensor1, tensor2, *, value=1):
        """self + value * tensor1 * tensor2 (Adam's moving averages are written with it)."""
        product = tensor1 * tensor2
        return self + (product if value == 1 else value * product)

    def addcdiv(self, tensor1, tensor2, *, value=1):
        """self + value * tensor1 / tensor2. Integer tensor1 and tensor2 are refused, as in PyTorch."""
        if not (is_float(tensor1.dtype) or is_float(tensor2.dtype)):
            raise RuntimeError("addcdiv: integer division with addcdiv is no longer supported, and in a future "
                               "release addcdiv will perform a true division of tensor1 and tensor2. Use "
                               "addcdiv(input, tensor1.float(), tensor2) for a true division")
        quotient = tensor1 / tensor2
        return self + (quotient if value == 1 else value * quotient)

    def _beta_plus_alpha(self, product, beta, alpha, op: str):
        """beta * self + alpha * product, self broadcast to product's shape; with beta = 0 self is
        ignored (nan and inf in it do not spread) and its gradient is 0, as in PyTorch."""
        try:
            shape = np.broadcast_shapes(tuple(self.shape), tuple(product.shape))
        except ValueError:
            shape = None
        if shape != tuple(product.shape):
            raise RuntimeError(f"{op}: input of shape {tuple(self.shape)} cannot be broadcast to the product's "
                               f"shape {tuple(product.shape)}")
        product = product if alpha == 1 else alpha * product
        if beta == 0:
            return product + self.masked_fill(np.ones(self.shape, dtype=bool), 0)
        return product + (self if beta == 1 else beta * self)

    def addmm(self, mat1, mat2, *, beta=1, alpha=1):
        """beta * self + alpha * (mat1 @ mat2), for 2-D mat1 and mat2 (nn.Linear's formula)."""
        check_dims("addmm", (mat1, 2, "mat1"), (mat2, 2, "mat2"))
        return self._beta_plus_alpha(mat1 @ mat2, beta, alpha, "addmm")

    def addmv(self, mat, vec, *, beta=1, alpha=1):
        """beta * self + alpha * (mat @ vec), for a 2-D mat and a 1-D vec."""
        check_dims("addmv", (mat, 2, "mat"), (vec, 1, "vec"))
        return self._beta_plus_alpha(mat @ vec, beta, alpha, "addmv")

    def baddbmm(self, batch1, batch2, *, beta=1, alpha=1):
        """beta * self + alpha * bmm(batch1, batch2), for 3-D batch1 and batch2."""
        return self._beta_plus_alpha(batch1.bmm(batch2), beta, alpha, "baddbmm")

    def dist(self, other, p=2):
        """The p-norm of self - other (a 0-d tensor)."""
        return (self - other).norm(p)

    def index_fill(self, dim: int, index, value):
        """self with `value` (a number or a 0-d tensor) in the slices at `index` (a 1-D or 0-d integer
        tensor) along `dim`."""
        d = axis_of(self.ndim, dim, "index_fill") if self.ndim else 0
        key = index_key(index)
        size = self.shape[d] if self.ndim else 1
        if key.ndim > 1 or key.dtype.kind not in "iu" or (key.size and not -size <= key.min() <= key.max() < size):
            raise IndexError(f"index_fill: index must be a 1-D integer tensor of positions -{size}..{size - 1} "
                             f"along dim {dim}; got {key.dtype} of shape {key.shape}")
        chosen = np.zeros(size, dtype=bool)
        chosen[key] = True
        mask = chosen.reshape((-1,) + (1,) * (self.ndim - d - 1)) if self.ndim else chosen.reshape(())
        return self.masked_fill(mask, value)

    # ------------------------------------------------------------ in place
    tan_ = lambda self: self._apply_("tan_", lambda t: t.tan())  # noqa: E731
    sinh_ = lambda self: self._apply_("sinh_", lambda t: t.sinh())  # noqa: E731
    cosh_ = lambda self: self._apply_("cosh_", lambda t: t.cosh())  # noqa: E731
    asinh_ = arcsinh_ = lambda self: self._apply_("asinh_", lambda t: t.asinh())  # noqa: E731
    acosh_ = arccosh_ = lambda self: self._apply_("acosh_", lambda t: t.acosh())  # noqa: E731
    atanh_ = arctanh_ = lambda self: self._apply_("atanh_", lambda t: t.atanh())  # noqa: E731
    asin_ = arcsin_ = lambda self: self._apply_("asin_", lambda t: t.asin())  # noqa: E731
    acos_ = arccos_ = lambda self: self._apply_("acos_", lambda t: t.acos())  # noqa: E731
    atan_ = arctan_ = lambda self: self._apply_("atan_", lambda t: t.atan())  # noqa: E731
    erf_ = lambda self: self._apply_("erf_", lambda t: t.erf())  # noqa: E731
    erfc_ = lambda self: self._apply_("erfc_", lambda t: t.erfc())  # noqa: E731
    erfinv_ = lambda self: self._apply_("erfinv_", lambda t: t.erfinv())  # noqa: E731
    frac_ = lambda self: self._apply_("frac_", lambda t: t.frac())  # noqa: E731
    deg2rad_ = lambda self: self._apply_("deg2rad_", lambda t: t.deg2rad())  # noqa: E731
    rad2deg_ = lambda self: self._apply_("rad2deg_", lambda t: t.rad2deg())  # noqa: E731
    logit_ = lambda self, eps=None: self._apply_("logit_", lambda t: t.logit(eps))  # noqa: E731
    atan2_ = arctan2_ = lambda self, other: self._apply_("atan2_", lambda t: t.atan2(other), other)  # noqa: E731
    hypot_ = lambda self, other: self._apply_("hypot_", lambda t: t.hypot(other), other)  # noqa: E731

    def addcmul_(self, tensor1, tensor2, *, value=1):
        return self._apply_("addcmul_", lambda t: t.addcmul(tensor1, tensor2, value=value), tensor1, tensor2)

    def addcdiv_(self, tensor1, tensor2, *, value=1):
        return self._apply_("addcdiv_", lambda t: t.addcdiv(tensor1, tensor2, value=value), tensor1, tensor2)

    def lerp_(self, end, weight):
        return self._apply_("lerp_", lambda t: t.lerp(end, weight), end, weight)

    def addmm_(self, mat1, mat2, *, beta=1, alpha=1):
        return self._apply_("addmm_", lambda t: t.addmm(mat1, mat2, beta=beta, alpha=alpha), mat1, mat2)

    def addmv_(self, mat, vec, *, beta=1, alpha=1):
        return self._apply_("addmv_", lambda t: t.addmv(mat, vec, beta=beta, alpha=alpha), mat, vec)

    def baddbmm_(self, batch1, batch2, *, beta=1, alpha=1):
        return self._apply_("baddbmm_", lambda t: t.baddbmm(batch1, batch2, beta=beta, alpha=alpha), batch1, batch2)

    def index_fill_(self, dim: int, index, value):
        return self._apply_("index_fill_", lambda t: t.index_fill(dim, index, value), value)

    def fill_diagonal_(self, fill_value, wrap: bool = False):
        """Write fill_value on the main diagonal of a matrix (or of a tensor whose dimensions are all
        equal: the elements [i, i, ..., i]). With wrap=True the diagonal of a tall matrix starts again
        after every (columns + 1) rows, as PyTorch's (and NumPy's fill_diagonal)."""
        if self.ndim < 2:
            raise RuntimeError(f"fill_diagonal_: dimensions must be larger than 1, got shape {tuple(self.shape)}")
        if self.ndim > 2 and len(set(self.shape)) != 1:
            raise RuntimeError(f"fill_diagonal_: all dimensions of input must be of equal length, got shape "
                               f"{tuple(self.shape)}")
        mask = np.zeros(self.shape, dtype=bool)
        np.fill_diagonal(mask, True, wrap=wrap)
        return self._apply_("fill_diagonal_", lambda t: t.masked_fill(mask, fill_value), fill_value)
