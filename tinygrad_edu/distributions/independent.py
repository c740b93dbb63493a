"""Independent(base_distribution, reinterpreted_batch_ndims): some batch dims of a distribution read as event dims.

A VAE's encoder gives a mean and a standard deviation per latent coordinate. Normal(mu, std) is then a batch
of one-dimensional normals, batch_shape (B, d), and its log_prob is one number per coordinate. The latent is
one d-dimensional draw per example, so the loss wants one log-density per example: the coordinates' log_probs
summed. Independent(Normal(mu, std), 1) is that distribution, a normal with a diagonal covariance:

    batch_shape (B, d), event_shape ()  ->  batch_shape (B,), event_shape (d,)
    log_prob(x) = Normal's log_prob(x) summed over the last dim (the coordinates are independent,
                  so their densities multiply and their log-densities add)
    entropy()   = Normal's entropy() summed likewise

With reinterpreted_batch_ndims = n, the rightmost n batch dims move to the event shape. Everything else
(mean, mode, variance, sample, rsample) is the base distribution's, element for element.
"""

from __future__ import annotations

from ..dtypes import Size
from ..tensor import Tensor
from . import constraints
from .distribution import Distribution
from .utils import sum_rightmost

__all__ = ["Independent"]


class Independent(Distribution):
    """Independent(base_distribution, reinterpreted_batch_ndims): the base's rightmost reinterpreted_batch_ndims
    batch dims become event dims.

    >>> normal = Normal(torch.zeros(3), torch.ones(3))
    >>> [normal.batch_shape, normal.event_shape]
    [torch.Size([3]), torch.Size([])]
    >>> diagn = Independent(normal, 1)
    >>> [diagn.batch_shape, diagn.event_shape]
    [torch.Size([]), torch.Size([3])]
    """

    arg_constraints = {}

    def __init__(self, base_distribution: Distribution, reinterpreted_batch_ndims: int,
                 validate_args: bool | None = None):
        if reinterpreted_batch_ndims > len(base_distribution.batch_shape):
            raise ValueError("Expected reinterpreted_batch_ndims <= len(base_distribution.batch_shape), "
                             f"actual {reinterpreted_batch_ndims} vs {len(base_distribution.batch_shape)}")
        shape = base_distribution.batch_shape + base_distribution.event_shape
        event_dim = reinterpreted_batch_ndims + len(base_distribution.event_shape)
        batch_shape = shape[:len(shape) - event_dim]
        event_shape = shape[len(shape) - event_dim:]
        self.base_dist = base_distribution
        self.reinterpreted_batch_ndims = reinterpreted_batch_ndims
        super().__init__(batch_shape, event_shape, validate_args=validate_args)

    def expand(self, batch_shape, _instance=None):
        """The base expanded to batch_shape + the reinterpreted dims, which keep their sizes."""
        new = self._get_checked_instance(Independent, _instance)
        batch_shape = Size(batch_shape)
        new.base_dist = self.base_dist.expand(batch_shape + self.event_shape[:self.reinterpreted_batch_ndims])
        new.reinterpreted_batch_ndims = self.reinterpreted_batch_ndims
        Distribution.__init__(new, batch_shape, self.event_shape, validate_args=False)
        new._validate_args = self._validate_args
        return new

    @property
    def has_rsample(self) -> bool:
        return self.base_dist.has_rsample

    @property
    def has_enumerate_support(self) -> bool:
        """False once a dim is reinterpreted: the support would be a cartesian product of the base's."""
        if self.reinterpreted_batch_ndims > 0:
            return False
        return self.base_dist.has_enumerate_support

    @property
    def support(self):
        """The base's support, required of every element of an event at once."""
        result = self.base_dist.support
        if self.reinterpreted_batch_ndims:
            result = constraints.independent(result, self.reinterpreted_batch_ndims)
        return result

    @property
    def mean(self) -> Tensor:
        return self.base_dist.mean

    @property
    def mode(self) -> Tensor:
        return self.base_dist.mode

    @property
    def variance(self) -> Tensor:
        return self.base_dist.variance

    def sample(self, sample_shape=()) -> Tensor:
        return self.base_dist.sample(sample_shape)

    def rsample(self, sample_shape=()) -> Tensor:
        return self.base_dist.rsample(sample_shape)

    def log_prob(self, value):
        """The base's log_prob (which validates the value), summed over the reinterpreted dims."""
        return sum_rightmost(self.base_dist.log_prob(value), self.reinterpreted_batch_ndims)

    def entropy(self):
        """The base's entropy summed over the reinterpreted dims: independent parts' entropies add."""
        return sum_rightmost(self.base_dist.entropy(), self.reinterpreted_batch_ndims)

    def enumerate_support(self, expand: bool = True) -> Tensor:
        if self.reinterpreted_batch_ndims > 0:
            raise NotImplementedError("Enumeration over cartesian product is not implemented")
        return self.base_dist.enumerate_support(expand=expand)

    def __repr__(self) -> str:
        """Independent(Normal(loc: tinygrad_edu.Size([3]), scale: tinygrad_edu.Size([3])), 1)."""
        return f"{type(self).__name__}({self.base_dist}, {self.reinterpreted_batch_ndims})"
