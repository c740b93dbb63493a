"""Normal(loc, scale): the Gaussian, N(mu, sigma^2), with mu = loc and sigma = scale.

    density   p(x) = exp(-(x - mu)^2 / (2 sigma^2)) / (sigma sqrt(2 pi))
    log_prob  -(x - mu)^2 / (2 sigma^2) - log(sigma) - log(sqrt(2 pi))
    cdf       (1 + erf((x - mu) / (sigma sqrt(2)))) / 2
    entropy   1/2 + log(2 pi)/2 + log(sigma)

rsample is the reparameterization trick of a VAE: x = mu + sigma * eps with eps ~ N(0, 1) drawn apart
from the parameters, so dx/dmu = 1 and dx/dsigma = eps, and a loss on x trains mu and sigma.
"""

from __future__ import annotations

import math
import numbers

from ..creation import randn
from ..dtypes import Size
from ..tensor import Tensor
from . import constraints
from .distribution import Distribution
from .utils import broadcast_all

__all__ = ["Normal"]


class Normal(Distribution):
    """Normal(loc, scale): loc and scale are numbers or tensors (broadcast together); scale > 0.

    >>> m = Normal(torch.tensor([0.0]), torch.tensor([1.0]))
    >>> m.sample()  # normally distributed with loc=0 and scale=1
    """

    arg_constraints = {"loc": constraints.real, "scale": constraints.positive}
    support = constraints.real
    has_rsample = True

    def __init__(self, loc, scale, validate_args: bool | None = None):
        self.loc, self.scale = broadcast_all(loc, scale)
        if isinstance(loc, numbers.Number) and isinstance(scale, numbers.Number):
            batch_shape = Size()
        else:
            batch_shape = self.loc.size()
        super().__init__(batch_shape, validate_args=validate_args)

    def expand(self, batch_shape, _instance=None):
        new = self._get_checked_instance(Normal, _instance)
        batch_shape = Size(batch_shape)
        new.loc = self.loc.expand(batch_shape)
        new.scale = self.scale.expand(batch_shape)
        Distribution.__init__(new, batch_shape, validate_args=False)
        new._validate_args = self._validate_args
        return new

    @property
    def mean(self) -> Tensor:
        return self.loc

    @property
    def mode(self) -> Tensor:
        return self.loc

    @property
    def stddev(self) -> Tensor:
        return self.scale

    @property
    def variance(self) -> Tensor:
        return self.stddev.pow(2)

    def rsample(self, sample_shape=()) -> Tensor:
        """loc + eps * scale, eps ~ N(0, 1) of shape sample_shape + batch_shape."""
        shape = self._extended_shape(sample_shape)
        eps = randn(shape, dtype=self.loc.dtype)
        return self.loc + eps * self.scale

    def log_prob(self, value):
        if self._validate_args:
            self._validate_sample(value)
        var = self.scale ** 2
        return -((value - self.loc) ** 2) / (2 * var) - self.scale.log() - math.log(math.sqrt(2 * math.pi))

    def cdf(self, value):
        if self._validate_args:
            self._validate_sample(value)
        return 0.5 * (1 + ((value - self.loc) * self.scale.reciprocal() / math.sqrt(2)).erf())

    def icdf(self, value):
        """loc + scale * sqrt(2) * erfinv(2 p - 1)."""
        return self.loc + self.scale * (2 * value - 1).erfinv() * math.sqrt(2)

    def entropy(self):
        return 0.5 + 0.5 * math.log(2 * math.pi) + self.scale.log()
