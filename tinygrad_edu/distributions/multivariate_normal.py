"""MultivariateNormal(loc, covariance_matrix=S | precision_matrix=P | scale_tril=L): the Gaussian in d dims.

Everything is computed from L, the lower-triangular Cholesky factor with S = L L^T (given as scale_tril,
or found with linalg.cholesky from S, or from S = P^-1):

    rsample   x = mu + L eps, eps ~ N(0, I_d)     (then Cov(x) = L I L^T = S)
    log_prob  -(d log(2 pi) + M) / 2 - sum(log diag L),   M = |L^-1 (x - mu)|^2 (Mahalanobis)
    entropy   d (1 + log(2 pi)) / 2 + sum(log diag L)

log|S| = 2 sum(log diag L), and L^-1 (x - mu) is one triangular solve: no inverse or determinant of S.
batch_shape is loc's leading dims broadcast with the matrix's; event_shape is (d,).
"""

from __future__ import annotations

import math

from ..creation import randn
from ..dtypes import Size
from ..linalg import cholesky, inv, solve_triangular
from ..tensor import Tensor
from ..tensor_functions import broadcast_shapes
from . import constraints
from .distribution import Distribution
from .utils import lazy_property

__all__ = ["MultivariateNormal"]


def batch_mahalanobis(scale_tril: Tensor, diff: Tensor) -> Tensor:
    """|L^-1 diff|^2 over the last dim: diff^T S^-1 diff with S = L L^T, L broadcast to diff's batch dims."""
    n = diff.size(-1)
    batch = broadcast_shapes(scale_tril.shape[:-2], diff.shape[:-1])
    scale_tril = scale_tril.expand(batch + (n, n))
    solved = solve_triangular(scale_tril, diff.expand(batch + (n,)).unsqueeze(-1), upper=False)
    return solved.squeeze(-1).pow(2).sum(-1)


def half_log_det(scale_tril: Tensor) -> Tensor:
    """log|S| / 2 = sum(log diag L)."""
    return scale_tril.diagonal(dim1=-2, dim2=-1).log().sum(-1)


class MultivariateNormal(Distribution):
    """MultivariateNormal(loc, covariance_matrix=None, precision_matrix=None, scale_tril=None): loc of at least
    one dim, and exactly one of the three matrices (positive definite, or lower triangular with a positive
    diagonal for scale_tril).

    >>> m = MultivariateNormal(torch.zeros(2), torch.eye(2))
    >>> m.sample()  # normally distributed with mean=`[0,0]` and covariance_matrix=`I`
    """

    arg_constraints = {"loc": constraints.real_vector, "covariance_matrix": constraints.positive_definite,
                       "precision_matrix": constraints.positive_definite, "scale_tril": constraints.lower_cholesky}
    support = constraints.real_vector
    has_rsample = True

    def __init__(self, loc, covariance_matrix=None, precision_matrix=None, scale_tril=None,
                 validate_args: bool | None = None):
        if loc.dim() < 1:
            raise ValueError("loc must be at least one-dimensional.")
        given = {"covariance_matrix": covariance_matrix, "precision_matrix": precision_matrix,
                 "scale_tril": scale_tril}
        given = {name: matrix for name, matrix in given.items() if matrix is not None}
        if len(given) != 1:
            raise ValueError("Exactly one of covariance_matrix or precision_matrix or scale_tril may be specified.")
        ((name, matrix),) = given.items()
        if matrix.dim() < 2:
            what = "scale_tril matrix" if name == "scale_tril" else name
            raise ValueError(f"{what} must be at least two-dimensional, with optional leading batch dimensions")
        batch_shape = broadcast_shapes(matrix.shape[:-2], loc.shape[:-1])
        setattr(self, name, matrix.expand(batch_shape + (-1, -1)))
        self.loc = loc.expand(batch_shape + (-1,))
        super().__init__(batch_shape, self.loc.shape[-1:], validate_args=validate_args)
        if name == "scale_tril":
            self._unbroadcasted_scale_tril = matrix
        elif name == "covariance_matrix":
            self._unbroadcasted_scale_tril = cholesky(matrix)
        else:
            self._unbroadcasted_scale_tril = cholesky(inv(matrix))  # S = P^-1

    def expand(self, batch_shape, _instance=None):
        new = self._get_checked_instance(MultivariateNormal, _instance)
        batch_shape = Size(batch_shape)
        matrix_shape = batch_shape + self.event_shape + self.event_shape
        new.loc = self.loc.expand(batch_shape + self.event_shape)
        new._unbroadcasted_scale_tril = self._unbroadcasted_scale_tril
        for name in ("covariance_matrix", "scale_tril", "precision_matrix"):
            if name in self.__dict__:
                setattr(new, name, self.__dict__[name].expand(matrix_shape))
        Distribution.__init__(new, batch_shape, self.event_shape, validate_args=False)
        new._validate_args = self._validate_args
        return new

    def _matrix_shape(self) -> Size:
        return self._batch_shape + self._event_shape + self._event_shape

    @lazy_property
    def scale_tril(self) -> Tensor:
        """L, lower triangular, S = L L^T."""
        return self._unbroadcasted_scale_tril.expand(self._matrix_shape())

    @lazy_property
    def covariance_matrix(self) -> Tensor:
        """S = L L^T."""
        scale_tril = self._unbroadcasted_scale_tril
        return (scale_tril @ scale_tril.mT).expand(self._matrix_shape())

    @lazy_property
    def precision_matrix(self) -> Tensor:
        """P = S^-1 = L^-T L^-1."""
        scale_tril = self._unbroadcasted_scale_tril
        return (scale_tril @ scale_tril.mT).inverse().expand(self._matrix_shape())

    @property
    def mean(self) -> Tensor:
        return self.loc

    @property
    def mode(self) -> Tensor:
        return self.loc

    @property
    def variance(self) -> Tensor:
        """diag(S) = the squared lengths of L's rows."""
        return self._unbroadcasted_scale_tril.pow(2).sum(-1).expand(self._batch_shape + self._event_shape)

    def rsample(self, sample_shape=()) -> Tensor:
        shape = self._extended_shape(sample_shape)
        eps = randn(shape, dtype=self.loc.dtype)
        return self.loc + (self._unbroadcasted_scale_tril @ eps.unsqueeze(-1)).squeeze(-1)

    def log_prob(self, value):
        if self._validate_args:
            self._validate_sample(value)
        diff = value - self.loc
        mahalanobis = batch_mahalanobis(self._unbroadcasted_scale_tril, diff)
        d = self._event_shape[0]
        return -0.5 * (d * math.log(2 * math.pi) + mahalanobis) - half_log_det(self._unbroadcasted_scale_tril)

    def entropy(self):
        d = self._event_shape[0]
        entropy = 0.5 * d * (1.0 + math.log(2 * math.pi)) + half_log_det(self._unbroadcasted_scale_tril)
        if len(self._batch_shape) == 0:
            return entropy
        return entropy.expand(self._batch_shape)
