"""torch.distributions.Distribution: the base class every distribution here derives from.

A distribution has parameters (Normal: loc and scale) and two shapes:

- batch_shape: how many independent distributions the parameters describe. Normal(zeros(3), 1.0) is
  three normals side by side, batch_shape (3,).
- event_shape: the shape of one draw of one of them. () for a number (Normal, Bernoulli, Categorical),
  (d,) for a vector (MultivariateNormal in d dims).

sample(sample_shape) returns a tensor of shape sample_shape + batch_shape + event_shape, and
log_prob(value) one number per distribution in the batch (the event dims are summed over).

Validation (PyTorch's default, `validate_args=None`): a parameter outside its constraint, or a value
outside the support given to log_prob/cdf, raises ValueError naming the constraint. Turn it off per
distribution with validate_args=False, or for all with Distribution.set_default_validate_args(False);
like PyTorch, `python -O` turns it off by default.
"""

from __future__ import annotations

from ..autograd import no_grad
from ..dtypes import Size
from ..tensor import Tensor

__all__ = ["Distribution"]


class Distribution:
    """The interface: sample, rsample, log_prob, cdf, icdf, entropy, mean, variance, stddev, expand."""

    has_rsample = False
    has_enumerate_support = False
    _validate_args = __debug__  # on unless Python runs with -O, as PyTorch's

    @staticmethod
    def set_default_validate_args(value: bool) -> None:
        """Turn argument validation on or off for every distribution made afterwards without validate_args."""
        if value not in [True, False]:
            raise ValueError
        Distribution._validate_args = value

    def __init__(self, batch_shape=(), event_shape=(), validate_args: bool | None = None):
        self._batch_shape = Size(batch_shape)
        self._event_shape = Size(event_shape)
        if validate_args is not None:
            self._validate_args = validate_args
        if self._validate_args:
            self._check_parameters()

    def _check_parameters(self) -> None:
        """Raise ValueError for the first parameter outside its constraint. A parameter that is not set
        (Bernoulli(probs=...) has no logits until they are read) is derived from a valid one: skipped."""
        for param, constraint in self.arg_constraints.items():
            if param not in self.__dict__:
                continue
            value = getattr(self, param)
            if not bool(constraint.check(value).all()):
                raise ValueError(f"Expected parameter {param} ({type(value).__name__} of shape {tuple(value.shape)}) "
                                 f"of distribution {self!r} to satisfy the constraint {constraint!r}, "
                                 f"but found invalid values:\n{value}")

    @property
    def batch_shape(self) -> Size:
        """The shape over which the parameters are batched."""
        return self._batch_shape

    @property
    def event_shape(self) -> Size:
        """The shape of one sample of one distribution of the batch."""
        return self._event_shape

    @property
    def arg_constraints(self) -> dict:
        """{parameter name: constraint} for the parameters validation checks."""
        raise NotImplementedError

    @property
    def support(self):
        """The constraint samples satisfy."""
        raise NotImplementedError

    @property
    def mean(self) -> Tensor:
        raise NotImplementedError

    @property
    def mode(self) -> Tensor:
        raise NotImplementedError(f"{self.__class__} does not implement mode")

    @property
    def variance(self) -> Tensor:
        raise NotImplementedError

    @property
    def stddev(self) -> Tensor:
        """sqrt(variance)."""
        return self.variance.sqrt()

    def expand(self, batch_shape, _instance=None):
        """The same distribution with its parameters expanded (no copy) to a larger batch_shape."""
        raise NotImplementedError

    def sample(self, sample_shape=()) -> Tensor:
        """A draw of shape sample_shape + batch_shape + event_shape, outside the graph (no gradient)."""
        with no_grad():
            return self.rsample(sample_shape)

    def rsample(self, sample_shape=()) -> Tensor:
        """A reparameterized draw: a differentiable function of the parameters and of parameter-free noise
        (Normal: loc + scale * eps, eps ~ N(0, 1)), so gradients flow from the sample to the parameters."""
        raise NotImplementedError

    def log_prob(self, value: Tensor) -> Tensor:
        """log p(value): the log density (continuous) or log probability (discrete), one per batch element."""
        raise NotImplementedError

    def cdf(self, value: Tensor) -> Tensor:
        """P(X <= value)."""
        raise NotImplementedError

    def icdf(self, value: Tensor) -> Tensor:
        """The value x with cdf(x) = value (the quantile function)."""
        raise NotImplementedError

    def enumerate_support(self, expand: bool = True) -> Tensor:
        """Every value a discrete distribution can take, along dim 0."""
        raise NotImplementedError

    def entropy(self) -> Tensor:
        """H = -E[log p(X)], one per batch element."""
        raise NotImplementedError

    def perplexity(self) -> Tensor:
        """exp(entropy)."""
        return self.entropy().exp()

    def _extended_shape(self, sample_shape=()) -> Size:
        """sample_shape + batch_shape + event_shape: the shape of sample(sample_shape)."""
        return Size(sample_shape) + self._batch_shape + self._event_shape

    def _validate_sample(self, value) -> None:
        """Raise ValueError unless `value` is a tensor that broadcasts with batch_shape + event_shape and lies
        in the support."""
        if not isinstance(value, Tensor):
            raise ValueError("The value argument to log_prob must be a Tensor")
        start = value.dim() - len(self._event_shape)
        if value.size()[start:] != self._event_shape:
            raise ValueError(f"The right-most size of value must match event_shape: "
                             f"{value.size()} vs {self._event_shape}.")
        expected = self._batch_shape + self._event_shape
        for i, j in zip(reversed(value.size()), reversed(expected)):
            if i != 1 and j != 1 and i != j:
                raise ValueError(f"Value is not broadcastable with batch_shape+event_shape: "
                                 f"{value.size()} vs {expected}.")
        support = self.support
        if not bool(support.check(value).all()):
            raise ValueError(f"Expected value argument ({type(value).__name__} of shape {tuple(value.shape)}) "
                             f"to be within the support ({support!r}) of the distribution {self!r}, "
                             f"but found invalid values:\n{value}")

    def _get_checked_instance(self, cls, _instance=None):
        """A blank instance for expand(): `_instance` when a subclass made one, else a new object of this type."""
        if _instance is None and type(self).__init__ != cls.__init__:
            raise NotImplementedError(f"Subclass {self.__class__.__name__} of {cls.__name__} that defines a custom "
                                      "__init__ method must also define a custom .expand() method.")
        return self.__new__(type(self)) if _instance is None else _instance

    def __repr__(self) -> str:
        """Normal(loc: 0.0, scale: 1.0): each parameter that is set, as its value if it has one element,
        else as its shape."""
        parts = []
        for name in self.arg_constraints:
            if name in self.__dict__:
                value = self.__dict__[name]
                parts.append(f"{name}: {value if value.numel() == 1 else value.size()}")
        return f"{type(self).__name__}({', '.join(parts)})"
