"""torch.distributions.constraints: what values a parameter or a sample may take.

A constraint is an object with one method, `check(value)`, which answers elementwise with a bool
tensor: is this value allowed? Distributions use them in two places:

- `arg_constraints`: a parameter's domain. Normal's scale must be `positive`, Bernoulli's probs in
  `unit_interval`. Checked once, when the distribution is made.
- `support`: where the samples live. Normal's is `real`, Bernoulli's `boolean`. Checked on the value
  given to log_prob and cdf.

`event_dim` says how many rightmost dims make up one event: a simplex is a whole vector (1), a
covariance matrix a whole matrix (2). check() then answers once per event, not per element.

The reprs are PyTorch's (`GreaterThan(lower_bound=0.0)`), so error messages read the same.
"""

from __future__ import annotations

from ..linalg import cholesky_ex

__all__ = ["Constraint", "boolean", "greater_than", "greater_than_eq", "integer_interval", "interval",
           "less_than", "lower_cholesky", "nonnegative", "positive", "positive_definite", "real", "real_vector",
           "simplex", "unit_interval", "independent"]


class Constraint:
    """The base class: a region of values. `is_discrete` for integer supports, `event_dim` for how many
    rightmost dims form one event."""

    is_discrete = False
    event_dim = 0

    def check(self, value):
        """A bool tensor, True where `value` satisfies the constraint."""
        raise NotImplementedError

    def __repr__(self) -> str:
        return type(self).__name__[1:] + "()"  # _Real -> Real()


class _Real(Constraint):
    """Any real number; NaN is not one (NaN != NaN)."""

    def check(self, value):
        return value == value


class _Boolean(Constraint):
    """The two values 0 and 1."""

    is_discrete = True

    def check(self, value):
        return (value == 0) | (value == 1)


class _GreaterThan(Constraint):
    """(lower_bound, inf)."""

    def __init__(self, lower_bound):
        self.lower_bound = lower_bound

    def check(self, value):
        return self.lower_bound < value

    def __repr__(self) -> str:
        return f"GreaterThan(lower_bound={self.lower_bound})"


class _GreaterThanEq(Constraint):
    """[lower_bound, inf)."""

    def __init__(self, lower_bound):
        self.lower_bound = lower_bound

    def check(self, value):
        return self.lower_bound <= value

    def __repr__(self) -> str:
        return f"GreaterThanEq(lower_bound={self.lower_bound})"


class _LessThan(Constraint):
    """(-inf, upper_bound)."""

    def __init__(self, upper_bound):
        self.upper_bound = upper_bound

    def check(self, value):
        return value < self.upper_bound

    def __repr__(self) -> str:
        return f"LessThan(upper_bound={self.upper_bound})"


class _Interval(Constraint):
    """[lower_bound, upper_bound]."""

    def __init__(self, lower_bound, upper_bound):
        self.lower_bound, self.upper_bound = lower_bound, upper_bound

    def check(self, value):
        return (self.lower_bound <= value) & (value <= self.upper_bound)

    def __repr__(self) -> str:
        return f"Interval(lower_bound={self.lower_bound}, upper_bound={self.upper_bound})"


class _IntegerInterval(Constraint):
    """The integers lower_bound, ..., upper_bound (a Categorical's class indices)."""

    is_discrete = True

    def __init__(self, lower_bound, upper_bound):
        self.lower_bound, self.upper_bound = lower_bound, upper_bound

    def check(self, value):
        return (value % 1 == 0) & (self.lower_bound <= value) & (value <= self.upper_bound)

    def __repr__(self) -> str:
        return f"IntegerInterval(lower_bound={self.lower_bound}, upper_bound={self.upper_bound})"


class _Simplex(Constraint):
    """Vectors of non-negative numbers that sum to 1 (within 1e-6), along the last dim."""

    event_dim = 1

    def check(self, value):
        return (value >= 0).all(dim=-1) & ((value.sum(-1) - 1).abs() < 1e-6)


class _IndependentConstraint(Constraint):
    """A base constraint that must hold for every element of the rightmost `reinterpreted_batch_ndims` dims
    at once: `independent(real, 1)` is a vector of reals (MultivariateNormal's loc, Categorical's logits)."""

    def __init__(self, base_constraint: Constraint, reinterpreted_batch_ndims: int):
        self.base_constraint = base_constraint
        self.reinterpreted_batch_ndims = reinterpreted_batch_ndims
        self.event_dim = base_constraint.event_dim + reinterpreted_batch_ndims
        self.is_discrete = base_constraint.is_discrete

    def check(self, value):
        result = self.base_constraint.check(value)
        if result.dim() < self.reinterpreted_batch_ndims:
            raise ValueError(f"Expected value.dim() >= {self.event_dim} but got {value.dim()}")
        keep = result.shape[:result.dim() - self.reinterpreted_batch_ndims]
        return result.reshape(tuple(keep) + (-1,)).all(-1)

    def __repr__(self) -> str:
        return f"IndependentConstraint({self.base_constraint!r}, {self.reinterpreted_batch_ndims})"


class _LowerCholesky(Constraint):
    """Lower-triangular square matrices with a positive diagonal: a Cholesky factor L of LL^T."""

    event_dim = 2

    def check(self, value):
        lower_triangular = (value.tril() == value).all(-1).all(-1)
        positive_diagonal = (value.diagonal(dim1=-2, dim2=-1) > 0).all(-1)
        return lower_triangular & positive_diagonal


class _PositiveDefinite(Constraint):
    """Symmetric matrices (within 1e-6) whose Cholesky factorisation succeeds: x^T A x > 0 for every x != 0."""

    event_dim = 2

    def check(self, value):
        symmetric = value.isclose(value.mT, atol=1e-6).all(-2).all(-1)
        if not bool(symmetric.all()):
            return symmetric
        return cholesky_ex(value).info == 0


def greater_than(lower_bound) -> Constraint:
    return _GreaterThan(lower_bound)


def greater_than_eq(lower_bound) -> Constraint:
    return _GreaterThanEq(lower_bound)


def less_than(upper_bound) -> Constraint:
    return _LessThan(upper_bound)


def interval(lower_bound, upper_bound) -> Constraint:
    return _Interval(lower_bound, upper_bound)


def integer_interval(lower_bound, upper_bound) -> Constraint:
    return _IntegerInterval(lower_bound, upper_bound)


def independent(base_constraint: Constraint, reinterpreted_batch_ndims: int) -> Constraint:
    return _IndependentConstraint(base_constraint, reinterpreted_batch_ndims)


# The shared instances, under PyTorch's names.
real = _Real()
boolean = _Boolean()
positive = _GreaterThan(0.0)
nonnegative = _GreaterThanEq(0.0)
unit_interval = _Interval(0.0, 1.0)
simplex = _Simplex()
real_vector = _IndependentConstraint(real, 1)
lower_cholesky = _LowerCholesky()
positive_definite = _PositiveDefinite()
