"""nn.utils.parametrizations: weight_norm and spectral_norm as parametrizations (nn/utils/parametrize.py),
PyTorch's current way to write them.

weight norm (Salimans and Kingma 2016) writes a weight as w = g * v / ||v||: its direction v and its
length g are trained apart, ||v|| taken over every dim but `dim` (one length per output). The state_dict
holds `parametrizations.weight.original0` (g) and `original1` (v).

spectral norm (Miyato et al. 2018) divides a weight by its largest singular value sigma, so the layer is
1-Lipschitz (GAN discriminators): sigma = u . (W v), with u and v estimated by power iteration (u = Wv / |Wv|,
v = W^T u / |W^T u|), kept in the buffers `_u` and `_v`, improved by n_power_iterations steps at every
forward in training mode (15 at the start) and left as they are in eval mode. The gradient flows through
W in both W and sigma, not through u and v, as in PyTorch.
"""

from __future__ import annotations

from ...autograd import no_grad
from ...random import generator
from ...tensor import Tensor
from ..conv import ConvTranspose1d, ConvTranspose2d
from ..distance_functions import normalize
from ..module import Module
from .parametrize import register_parametrization

__all__ = ["weight_norm", "spectral_norm", "norm_except_dim", "weight_normed"]


def norm_except_dim(v: Tensor, dim: int) -> Tensor:
    """The 2-norm of v over every dim but `dim`, keeping v's number of dims (shape 1 except at dim);
    dim=-1 means the norm of all of v (shape ()), as PyTorch's norm_except_dim."""
    if dim == -1:
        return (v * v).sum().sqrt()
    others = tuple(axis for axis in range(v.ndim) if axis != dim)
    return (v * v).sum(others, keepdim=True).sqrt()


def weight_normed(v: Tensor, g: Tensor, dim: int) -> Tensor:
    """w = v * g / ||v||, the norm over every dim but `dim` (PyTorch's _weight_norm)."""
    return v * (g / norm_except_dim(v, dim))


class _WeightNorm(Module):
    """The parametrization w = g * v / ||v|| of weight_norm; right_inverse splits w into (||w||, w)."""

    def __init__(self, dim: int | None = 0):
        super().__init__()
        self.dim = -1 if dim is None else dim

    def forward(self, weight_g: Tensor, weight_v: Tensor) -> Tensor:
        return weight_normed(weight_v, weight_g, self.dim)

    def right_inverse(self, weight: Tensor) -> tuple[Tensor, Tensor]:
        return norm_except_dim(weight, self.dim), weight


def weight_norm(module: Module, name: str = "weight", dim: int = 0) -> Module:
    """Reparametrize module.<name> as g * v / ||v|| (norm over every dim but `dim`; None: over all dims)."""
    register_parametrization(module, name, _WeightNorm(dim), unsafe=True)
    return module


class _SpectralNorm(Module):
    """The parametrization W / sigma(W) of spectral_norm (see the module docstring)."""

    def __init__(self, weight: Tensor, n_power_iterations: int = 1, dim: int = 0, eps: float = 1e-12):
        super().__init__()
        ndim = weight.ndim
        if dim >= ndim or dim < -ndim:
            raise IndexError(f"Dimension out of range (expected to be in range of [-{ndim}, {ndim - 1}] but got {dim})")
        if n_power_iterations <= 0:
            raise ValueError(f"Expected n_power_iterations to be positive, but got "
                             f"n_power_iterations={n_power_iterations}")
        self.dim = dim % ndim
        self.eps = eps
        if ndim > 1:
            self.n_power_iterations = n_power_iterations
            matrix = self.as_matrix(weight)
            rows, columns = matrix.shape
            dtype = weight._data.dtype
            u = Tensor._wrap(generator().standard_normal(rows).astype(dtype))
            v = Tensor._wrap(generator().standard_normal(columns).astype(dtype))
            self.register_buffer("_u", normalize(u, dim=0, eps=eps))
            self.register_buffer("_v", normalize(v, dim=0, eps=eps))
            self.power_method(matrix, 15)

    def as_matrix(self, weight: Tensor) -> Tensor:
        """The weight as a matrix: `dim` first, the other dims flattened into columns."""
        if self.dim != 0:
            weight = weight.permute(self.dim, *(d for d in range(weight.ndim) if d != self.dim))
        return weight.reshape(weight.shape[0], -1)

    def power_method(self, matrix: Tensor, iterations: int) -> None:
        """u = W v / |W v|, v = W^T u / |W^T u|, `iterations` times, in place in the buffers."""
        with no_grad():
            for _ in range(iterations):
                self._u.copy_(normalize(matrix @ self._v, dim=0, eps=self.eps))
                self._v.copy_(normalize(matrix.T @ self._u, dim=0, eps=self.eps))

    def forward(self, weight: Tensor) -> Tensor:
        if weight.ndim == 1:  # a vector's only singular value is its norm
            return normalize(weight, dim=0, eps=self.eps)
        matrix = self.as_matrix(weight)
        if self.training:
            self.power_method(matrix, self.n_power_iterations)
        u, v = self._u.clone(), self._v.clone()  # constants: a later forward's update must not change them
        sigma = (u * (matrix @ v)).sum()
        return weight / sigma

    def right_inverse(self, value: Tensor) -> Tensor:
        return value


def spectral_norm(module: Module, name: str = "weight", n_power_iterations: int = 1, eps: float = 1e-12,
                  dim: int | None = None) -> Module:
    """Reparametrize module.<name> as W / sigma(W), sigma its largest singular value estimated by power
    iteration; dim (default 0, 1 for ConvTranspose) is the dim of the outputs, the matrix's rows."""
    weight = getattr(module, name, None)
    if not isinstance(weight, Tensor):
        raise ValueError(f"Module '{module}' has no parameter or buffer with name '{name}'")
    if dim is None:
        dim = 1 if isinstance(module, (ConvTranspose1d, ConvTranspose2d)) else 0
    register_parametrization(module, name, _SpectralNorm(weight, n_power_iterations, dim, eps))
    return module

