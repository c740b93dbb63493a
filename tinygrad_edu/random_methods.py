"""Tensor methods that draw random numbers: the in-place fills PyTorch has beside uniform_ and
normal_ (bernoulli_, exponential_, geometric_, cauchy_, log_normal_, random_), and x.bernoulli()
and x.multinomial(), which torch.bernoulli and torch.multinomial call.

Every draw comes from the library's default generator (random.py), or from `generator=`, so
manual_seed makes them reproducible; the numbers are NumPy's, not PyTorch's, and the tests check
their distributions, not their values. A fill writes through copy_ (inplace.py's _fill_random_):
in a graph it is recorded, and what was there before gets no gradient.

RandomMethods is a base class of Tensor (tensor.py): these are Tensor's methods.
"""

from __future__ import annotations

import numpy as np

from .arrays import is_float
from .autograd import TensorBase
from .rng import numpy_rng

# the largest whole numbers random_() draws by default, as PyTorch: those a float's mantissa holds exactly
MANTISSA_LIMIT = {np.dtype(np.float16): 2 ** 11, np.dtype(np.float32): 2 ** 24, np.dtype(np.float64): 2 ** 53}


def check_range(op: str, name: str, value, low, high, closed: str = "[]") -> None:
    """Raise naming `op` unless low <= value <= high (closed='()' excludes both ends)."""
    ok = (low <= value <= high) if closed == "[]" else (low < value < high)
    if not ok:
        interval = f"[{low}, {high}]" if closed == "[]" else f"({low}, {high})"
        raise RuntimeError(f"{op}: expects {name} to be in {interval}, but got {name}={value}")


def check_probabilities(op: str, probs: np.ndarray) -> None:
    if np.any(probs < 0) or np.any(probs > 1) or np.any(np.isnan(probs)):
        raise RuntimeError(f"{op}: expected all probabilities to be in [0, 1]")


class RandomMethods:
    """Tensor's random methods (a base class of Tensor: `self` is a Tensor)."""
    __slots__ = ()

    def _fill_continuous_(self, name: str, draw, generator):
        """A fill from a continuous distribution: floating tensors only, as in PyTorch."""
        if not is_float(self.dtype):
            raise RuntimeError(f"{name}: the distribution is continuous, so the tensor must be floating point, "
                               f"but it is {self.dtype}. Make it with dtype=float32 or call .float() first")
        rng = numpy_rng(generator, name)
        return self._fill_random_(name, lambda shape: draw(rng, shape))

    def bernoulli_(self, p=0.5, *, generator=None):
        """1 with probability p (a number, or a tensor broadcast to self's shape), else 0."""
        probs = p._data if isinstance(p, TensorBase) else np.asarray(p, dtype=np.float64)
        if probs.ndim == 0:
            check_range("bernoulli_", "p", float(probs), 0, 1)
        check_probabilities("bernoulli_", probs)
        rng = numpy_rng(generator, "bernoulli_")
        return self._fill_random_("bernoulli_", lambda shape: rng.random(shape) < probs)

    def exponential_(self, lambd: float = 1.0, *, generator=None):
        """Draws with density lambd * exp(-lambd * x), x >= 0 (mean 1 / lambd)."""
        if not lambd > 0:
            raise RuntimeError(f"exponential_: expects lambda > 0.0, but found lambda={lambd}")
        return self._fill_continuous_("exponential_", lambda rng, shape: rng.exponential(1 / lambd, shape), generator)

    def geometric_(self, p: float, *, generator=None):
        """The number of trials up to and including the first success, each succeeding with
        probability p: k = 1, 2, ... with probability (1 - p)**(k - 1) * p."""
        check_range("geometric_", "p", p, 0, 1, closed="()")
        rng = numpy_rng(generator, "geometric_")
        return self._fill_random_("geometric_", lambda shape: rng.geometric(p, shape))

    def cauchy_(self, median: float = 0.0, sigma: float = 1.0, *, generator=None):
        """Draws with density 1 / (pi * sigma * (1 + ((x - median) / sigma)**2))."""
        return self._fill_continuous_(
            "cauchy_", lambda rng, shape: median + sigma * rng.standard_cauchy(shape), generator)

    def log_normal_(self, mean: float = 1.0, std: float = 2.0, *, generator=None):
        """exp(N(mean, std**2)): its logarithm is normal with that mean and standard deviation."""
        if not std > 0:
            raise RuntimeError(f"log_normal_: expects std > 0.0, but found std={std}")
        return self._fill_continuous_("log_normal_", lambda rng, shape: rng.lognormal(mean, std, shape), generator)

    def random_(self, from_or_to=None, to=None, *, generator=None):
        """Whole numbers drawn uniformly: random_(to) from [0, to), random_(low, to) from [low, to),
        random_() from [0, 2**mantissa] for a floating tensor (2**24 for float32: every whole number
        it holds exactly) and over all non-negative values of an integer dtype."""
        if from_or_to is not None and to is None:
            low, high = 0, from_or_to
        else:
            low, high = from_or_to or 0, to
        dtype = self._data.dtype
        if high is None:
            if dtype in MANTISSA_LIMIT:
                high = MANTISSA_LIMIT[dtype] + 1
            elif dtype == np.bool_:
                high = 2
            else:
                high = int(np.iinfo(dtype).max) + 1
        if not low < high:
            raise RuntimeError(f"random_: expects 'from' to be less than 'to', but got from={low} >= to={high}")
        rng = numpy_rng(generator, "random_")
        return self._fill_random_("random_", lambda shape: rng.integers(low, high - 1, shape, endpoint=True))

    def bernoulli(self, p=None, *, generator=None):
        """A new tensor of self's dtype: 1 with probability self (or p), elementwise, else 0."""
        if not is_float(self.dtype):
            raise NotImplementedError(f"bernoulli: the probabilities must be a floating tensor, got {self.dtype}")
        probs = self._data if p is None else np.full(self.shape, p)
        check_probabilities("bernoulli", probs)
        drawn = numpy_rng(generator, "bernoulli").random(self.shape) < probs
        return self._wrap(drawn.astype(self.dtype))

    def multinomial(self, num_samples: int, replacement: bool = False, *, generator=None):
        """Draw `num_samples` category indices per row, with probabilities proportional to self's
        (non-negative, not necessarily normalised) weights. Without replacement each category is drawn
        at most once. self is 1-D (one distribution) or 2-D (one per row); the result is int64 of
        shape (num_samples,) or (rows, num_samples). Categories of weight 0 are drawn only without
        replacement and when every category of positive weight has been, as in PyTorch."""
        if not is_float(self.dtype):
            raise RuntimeError(f"multinomial: only supports floating-point dtypes for input, got: {self.dtype}")
        weights = self._data.astype(np.float64)
        if weights.ndim not in (1, 2):
            raise RuntimeError(f"multinomial: prob_dist must be 1 or 2 dim, got shape {weights.shape}")
        if num_samples <= 0:
            raise RuntimeError(f"multinomial: cannot sample num_samples={num_samples} <= 0 samples")
        if not np.all(np.isfinite(weights)) or np.any(weights < 0):
            raise RuntimeError("multinomial: probability tensor contains either inf, nan or element < 0")
        rows = weights.reshape(-1, weights.shape[-1])
        if not replacement and num_samples > rows.shape[1]:
            raise RuntimeError(f"multinomial: cannot sample num_samples={num_samples} > {rows.shape[1]} categories "
                               "without replacement; pass replacement=True or draw fewer")
        empty = np.flatnonzero(rows.sum(axis=1) <= 0)
        if empty.size:
            raise RuntimeError(f"multinomial: invalid multinomial distribution (sum of probabilities <= 0) in row "
                               f"{empty[0]}")
        rng = numpy_rng(generator, "multinomial")
        if replacement:
            out = np.stack([rng.choice(row.size, size=int(num_samples), p=row / row.sum()) for row in rows])
        else:
            # The categories with the num_samples largest w / E, E ~ Exponential(1) drawn once per category:
            # the draws in order of a sampling without replacement (PyTorch's method). When fewer categories
            # than that have weight, the rest follow, as PyTorch's do.
            keys = rows / rng.exponential(size=rows.shape)
            out = np.argsort(-keys, axis=1, kind="stable")[:, :num_samples]
        return self._wrap(out if weights.ndim == 2 else out[0])
