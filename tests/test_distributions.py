"""tinygrad_edu.distributions against the formulas (NumPy/math, torch-free) and against torch.distributions.

Every comparison with PyTorch has a torch-free twin checking the same thing: the values against the
densities, moments and divergences written out below, the reprs and error messages against PyTorch 2.13's
text written out (with this library's `tinygrad_edu.Size` where PyTorch prints `torch.Size`), gradients
with finite differences (gradcheck) where PyTorch's autograd is the other side.
"""

import math

import numpy as np
import pytest
from distribution_text import build, ours_text
from scipy.special import erf, erfinv, expit, logsumexp

import tinygrad_edu as tg
from tinygrad_edu.distributions import (
    Bernoulli,
    Categorical,
    Distribution,
    Exponential,
    MultivariateNormal,
    Normal,
    Uniform,
    kl_divergence,
)
from tinygrad_edu.torch_compat import torch_imports

COV = [[2.0, 0.5], [0.5, 1.0]]
TRIL = [[1.5, 0.0], [-0.4, 0.7]]


def make(lib, case):
    """The distribution of `case` in `lib` (tinygrad_edu or torch), parameters float64, and a value to score."""
    d = lib.distributions
    t = lambda x: lib.tensor(x, dtype=lib.float64)
    return {
        "normal": lambda: (d.Normal(t([0.5, -1.0, 2.0]), t([1.0, 0.5, 2.0])), t([0.3, -1.2, 4.0])),
        "normal_numbers": lambda: (d.Normal(0.0, 1.0), lib.tensor([0.5, -2.0])),
        "bernoulli_probs": lambda: (d.Bernoulli(probs=t([0.2, 0.5, 0.9])), t([1.0, 0.0, 1.0])),
        "bernoulli_logits": lambda: (d.Bernoulli(logits=t([-1.0, 0.0, 2.0])), t([0.0, 1.0, 1.0])),
        "categorical_probs": lambda: (d.Categorical(probs=t([[0.2, 0.3, 0.5], [1.0, 1.0, 2.0]])), lib.tensor([2, 0])),
        "categorical_logits": lambda: (d.Categorical(logits=t([[1.0, 0.0, -1.0], [0.5, 0.5, 2.0]])),
                                       lib.tensor([[0, 1], [2, 2]])),
        "uniform": lambda: (d.Uniform(t([0.0, -1.0]), t([1.0, 3.0])), t([0.5, 2.0])),
        "exponential": lambda: (d.Exponential(t([0.5, 2.0])), t([1.0, 0.25])),
        "mvn_covariance": lambda: (d.MultivariateNormal(t([0.0, 1.0]), t(COV)), t([[0.3, 0.2], [1.0, -1.0]])),
        "mvn_scale_tril": lambda: (d.MultivariateNormal(t([0.0, 1.0]), scale_tril=t(TRIL)), t([0.3, 0.2])),
        "mvn_precision": lambda: (d.MultivariateNormal(t([[0.0, 1.0], [2.0, 0.0]]), precision_matrix=t(COV)),
                                  t([0.3, 0.2])),
    }[case]()


CASES = ["normal", "normal_numbers", "bernoulli_probs", "bernoulli_logits", "categorical_probs",
         "categorical_logits", "uniform", "exponential", "mvn_covariance", "mvn_scale_tril", "mvn_precision"]
WITH_CDF = {"normal", "normal_numbers", "uniform", "exponential"}
RTOL = {"normal_numbers": 1e-6}  # float32; the others are float64
NO_VARIANCE = {"categorical_probs", "categorical_logits"}  # PyTorch's nan


def summary(lib, case) -> dict:
    """Everything a distribution says about itself, as NumPy arrays (shapes and reprs as tuples and strings)."""
    dist, value = make(lib, case)
    out = {"batch_shape": tuple(dist.batch_shape), "event_shape": tuple(dist.event_shape),
           "log_prob": dist.log_prob(value), "entropy": dist.entropy(), "mean": dist.mean,
           "variance": dist.variance, "stddev": dist.stddev, "perplexity": dist.perplexity(), "mode": dist.mode}
    for name in ("probs", "logits", "covariance_matrix", "scale_tril", "precision_matrix"):
        if hasattr(type(dist), name) or name in dist.__dict__:
            out[name] = getattr(dist, name)
    if case in WITH_CDF:
        out["cdf"] = dist.cdf(value)
        out["icdf"] = dist.icdf(lib.tensor([[0.1], [0.7]], dtype=dist.mean.dtype))
    dtypes = {name: str(x.dtype).split(".")[-1] for name, x in out.items() if hasattr(x, "dtype")}
    arrays = {name: x.detach().numpy() if hasattr(x, "detach") else x for name, x in out.items()}
    return arrays, dtypes


# ------------------------------------------------------------------ the formulas, written out in NumPy
def normal_pdf_terms(loc, scale, x):
    return {"log_prob": -(x - loc) ** 2 / (2 * scale ** 2) - np.log(scale) - 0.5 * np.log(2 * np.pi),
            "entropy": 0.5 + 0.5 * np.log(2 * np.pi) + np.log(scale), "mean": loc, "variance": scale ** 2,
            "stddev": scale, "cdf": 0.5 * (1 + erf((x - loc) / (scale * np.sqrt(2)))),
            "icdf": loc + scale * np.sqrt(2) * erfinv(2 * np.array([[0.1], [0.7]]) - 1), "mode": loc}


def bernoulli_terms(p, x):
    return {"log_prob": x * np.log(p) + (1 - x) * np.log(1 - p), "entropy": -p * np.log(p) - (1 - p) * np.log(1 - p),
            "mean": p, "variance": p * (1 - p), "probs": p, "logits": np.log(p / (1 - p)),
            "mode": np.where(p == 0.5, np.nan, (p > 0.5).astype(float))}  # a tie has no mode


def categorical_terms(p, x):
    p = p / p.sum(-1, keepdims=True)
    log_p = np.log(p)
    picked = np.take_along_axis(np.broadcast_to(log_p, x.shape + (3,)), x[..., None], -1)[..., 0]
    return {"log_prob": picked, "entropy": -(p * log_p).sum(-1), "probs": p, "logits": log_p, "mode": p.argmax(-1)}


def mvn_terms(loc, cov, x):
    d = loc.shape[-1]
    diff = x - loc
    maha = np.einsum("...i,...ij,...j->...", diff, np.linalg.inv(cov), diff)
    log_det = np.linalg.slogdet(cov)[1]
    return {"log_prob": -0.5 * (d * np.log(2 * np.pi) + log_det + maha),
            "entropy": 0.5 * d * (1 + np.log(2 * np.pi)) + 0.5 * log_det + 0 * loc[..., 0],
            "mean": loc, "mode": loc, "variance": np.diagonal(cov, axis1=-2, axis2=-1) + 0 * loc,
            "covariance_matrix": cov + 0 * loc[..., None], "scale_tril": np.linalg.cholesky(cov) + 0 * loc[..., None],
            "precision_matrix": np.linalg.inv(cov) + 0 * loc[..., None]}


def formulas(case) -> dict:
    a = np.array
    if case == "normal":
        return normal_pdf_terms(a([0.5, -1.0, 2.0]), a([1.0, 0.5, 2.0]), a([0.3, -1.2, 4.0]))
    if case == "normal_numbers":
        return normal_pdf_terms(0.0, 1.0, a([0.5, -2.0]))
    if case == "bernoulli_probs":
        return bernoulli_terms(a([0.2, 0.5, 0.9]), a([1.0, 0.0, 1.0]))
    if case == "bernoulli_logits":
        return bernoulli_terms(expit(a([-1.0, 0.0, 2.0])), a([0.0, 1.0, 1.0]))
    if case == "categorical_probs":
        return categorical_terms(a([[0.2, 0.3, 0.5], [1.0, 1.0, 2.0]]), a([2, 0]))
    if case == "categorical_logits":
        logits = a([[1.0, 0.0, -1.0], [0.5, 0.5, 2.0]])
        return categorical_terms(np.exp(logits - logsumexp(logits, -1, keepdims=True)), a([[0, 1], [2, 2]]))
    if case == "uniform":
        low, high, x = a([0.0, -1.0]), a([1.0, 3.0]), a([0.5, 2.0])
        return {"log_prob": -np.log(high - low), "entropy": np.log(high - low), "mean": (low + high) / 2,
                "variance": (high - low) ** 2 / 12, "stddev": (high - low) / np.sqrt(12),
                "cdf": (x - low) / (high - low), "icdf": low + a([[0.1], [0.7]]) * (high - low),
                "mode": np.full(2, np.nan)}  # every point is a mode: PyTorch says nan
    if case == "exponential":
        rate, x = a([0.5, 2.0]), a([1.0, 0.25])
        return {"log_prob": np.log(rate) - rate * x, "entropy": 1 - np.log(rate), "mean": 1 / rate,
                "variance": 1 / rate ** 2, "stddev": 1 / rate, "cdf": 1 - np.exp(-rate * x),
                "icdf": -np.log(1 - a([[0.1], [0.7]])) / rate, "mode": 0 * rate}
    if case == "mvn_covariance":
        return mvn_terms(a([0.0, 1.0]), a(COV), a([[0.3, 0.2], [1.0, -1.0]]))
    if case == "mvn_scale_tril":
        return mvn_terms(a([0.0, 1.0]), a(TRIL) @ a(TRIL).T, a([0.3, 0.2]))
    return mvn_terms(a([[0.0, 1.0], [2.0, 0.0]]), np.linalg.inv(a(COV)), a([0.3, 0.2]))


SHAPES = {  # (batch_shape, event_shape), as PyTorch 2.13 gives them
    "normal": ((3,), ()), "normal_numbers": ((), ()), "bernoulli_probs": ((3,), ()), "bernoulli_logits": ((3,), ()),
    "categorical_probs": ((2,), ()), "categorical_logits": ((2,), ()), "uniform": ((2,), ()),
    "exponential": ((2,), ()), "mvn_covariance": ((), (2,)), "mvn_scale_tril": ((), (2,)),
    "mvn_precision": ((2,), (2,)),
}


@pytest.mark.parametrize("case", CASES)
def test_values_match_the_formulas(case):
    ours, dtypes = summary(tg, case)
    assert (ours["batch_shape"], ours["event_shape"]) == SHAPES[case]
    expected, rtol = formulas(case), RTOL.get(case, 1e-10)
    for name, value in expected.items():
        np.testing.assert_allclose(ours[name], value, rtol=rtol, atol=1e-12, err_msg=f"{case}.{name}")
    np.testing.assert_allclose(ours["perplexity"], np.exp(expected["entropy"]), rtol=rtol)
    np.testing.assert_allclose(ours["stddev"] ** 2, ours["variance"], rtol=1e-10)
    if case in NO_VARIANCE:
        assert np.isnan(ours["mean"]).all() and np.isnan(ours["variance"]).all()
        assert ours["mean"].shape == SHAPES[case][0]
    wanted = "float32" if case == "normal_numbers" else "float64"  # numbers give the default dtype
    expected_dtypes = {name: wanted for name in dtypes}
    if case in NO_VARIANCE:
        expected_dtypes["mode"] = "int64"  # a class index
    assert dtypes == expected_dtypes


@pytest.mark.parametrize("case", CASES)
def test_values_match_torch(case):
    torch = pytest.importorskip("torch")
    (ours, our_dtypes), (theirs, their_dtypes) = summary(tg, case), summary(torch, case)
    assert our_dtypes == their_dtypes
    assert sorted(ours) == sorted(theirs)
    for name in theirs:
        np.testing.assert_allclose(ours[name], theirs[name], rtol=RTOL.get(case, 1e-10), atol=1e-12,
                                   err_msg=f"{case}.{name}")


# ------------------------------------------------------------------ reprs
REPRS = [  # (what to build, PyTorch 2.13's repr)
    ("Normal(0.0, 1.0)", "Normal(loc: 0.0, scale: 1.0)"),
    ("Normal(lib.zeros(2), 1.0)", "Normal(loc: torch.Size([2]), scale: torch.Size([2]))"),
    ("Normal(lib.tensor([0.5]), lib.tensor([1.5]))", "Normal(loc: tensor([0.5000]), scale: tensor([1.5000]))"),
    ("Bernoulli(probs=0.3)", "Bernoulli(probs: 0.30000001192092896)"),
    ("Bernoulli(logits=lib.zeros(3))", "Bernoulli(logits: torch.Size([3]))"),
    ("Categorical(lib.tensor([0.2, 0.8]))", "Categorical(probs: torch.Size([2]))"),
    ("Categorical(logits=lib.zeros(2, 3))", "Categorical(logits: torch.Size([2, 3]))"),
    ("Uniform(0.0, 1.0)", "Uniform(low: 0.0, high: 1.0)"),
    ("Exponential(2.0)", "Exponential(rate: 2.0)"),
    ("MultivariateNormal(lib.zeros(2), lib.eye(2))",
     "MultivariateNormal(loc: torch.Size([2]), covariance_matrix: torch.Size([2, 2]))"),
    ("MultivariateNormal(lib.zeros(2), scale_tril=lib.eye(2))",
     "MultivariateNormal(loc: torch.Size([2]), scale_tril: torch.Size([2, 2]))"),
    ("Normal(0.0, 1.0).expand([2, 3])", "Normal(loc: torch.Size([2, 3]), scale: torch.Size([2, 3]))"),
    ("Categorical(logits=lib.zeros(3)).expand([2])", "Categorical(logits: torch.Size([2, 3]))"),
]


@pytest.mark.parametrize("code, text", REPRS)
def test_repr_is_pytorchs(code, text):
    assert repr(build(tg, code)) == ours_text(text)


@pytest.mark.parametrize("code, text", REPRS)
def test_repr_matches_torch(code, text):
    torch = pytest.importorskip("torch")
    assert repr(build(tg, code)) == ours_text(repr(build(torch, code)))


def test_repr_shows_a_parameter_once_it_has_been_read():
    dist = Bernoulli(probs=0.3)
    dist.logits  # computed on first reading, then kept
    assert repr(dist) == "Bernoulli(probs: 0.30000001192092896, logits: -0.8472978472709656)"


# ------------------------------------------------------------------ validation
def message(parameter, shape, dist, constraint, shown):
    return (f"Expected parameter {parameter} (Tensor of shape {shape}) of distribution {dist} "
            f"to satisfy the constraint {constraint}, but found invalid values:\n{shown}")


def support_message(shape, support, dist, shown):
    return (f"Expected value argument (Tensor of shape {shape}) to be within the support ({support}) "
            f"of the distribution {dist}, but found invalid values:\n{shown}")


ERRORS = [  # (what to run, PyTorch 2.13's ValueError message)
    ("Normal(0.0, -1.0)", message("scale", "()", "Normal(loc: 0.0, scale: -1.0)",
                                  "GreaterThan(lower_bound=0.0)", "-1.0")),
    ("Normal(0.0, lib.tensor([1.0, -1.0]))",
     message("scale", "(2,)", "Normal(loc: torch.Size([2]), scale: torch.Size([2]))",
             "GreaterThan(lower_bound=0.0)", "tensor([ 1., -1.])")),
    ("Normal(0.0, 1.0).log_prob(lib.tensor(float('nan')))",
     support_message("()", "Real()", "Normal(loc: 0.0, scale: 1.0)", "nan")),
    ("Bernoulli(probs=1.5)", message("probs", "()", "Bernoulli(probs: 1.5)",
                                     "Interval(lower_bound=0.0, upper_bound=1.0)", "1.5")),
    ("Bernoulli(0.5).log_prob(lib.tensor(0.5))", support_message("()", "Boolean()", "Bernoulli(probs: 0.5)", "0.5")),
    ("Bernoulli(probs=0.5, logits=0.0)", "Either `probs` or `logits` must be specified, but not both."),
    ("Categorical()", "Either `probs` or `logits` must be specified, but not both."),
    ("Categorical(lib.tensor([0.2, -0.8]))",
     message("probs", "(2,)", "Categorical(probs: torch.Size([2]))", "Simplex()", "tensor([-0.3333,  1.3333])")),
    ("Categorical(lib.tensor(0.2))", "`probs` parameter must be at least one-dimensional."),
    ("Categorical(logits=lib.tensor([0.0, float('nan')]))",
     message("logits", "(2,)", "Categorical(logits: torch.Size([2]))", "IndependentConstraint(Real(), 1)",
             "tensor([nan, nan])")),
    ("Categorical(logits=lib.zeros(3)).log_prob(lib.tensor(3))",
     support_message("()", "IntegerInterval(lower_bound=0, upper_bound=2)", "Categorical(logits: torch.Size([3]))",
                     "3")),
    ("Uniform(1.0, 0.0)", message("low", "()", "Uniform(low: 1.0, high: 0.0)", "LessThan(upper_bound=0.0)", "1.0")),
    ("Uniform(0.0, 1.0).log_prob(lib.tensor(2.0))",
     support_message("()", "Interval(lower_bound=0.0, upper_bound=1.0)", "Uniform(low: 0.0, high: 1.0)", "2.0")),
    ("Exponential(0.0)", message("rate", "()", "Exponential(rate: 0.0)", "GreaterThan(lower_bound=0.0)", "0.0")),
    ("Exponential(1.0).log_prob(lib.tensor(-1.0))",
     support_message("()", "GreaterThanEq(lower_bound=0.0)", "Exponential(rate: 1.0)", "-1.0")),
    ("MultivariateNormal(lib.zeros(2), lib.tensor([[1.0, 2.0], [2.0, 1.0]]))",
     message("covariance_matrix", "(2, 2)",
             "MultivariateNormal(loc: torch.Size([2]), covariance_matrix: torch.Size([2, 2]))", "PositiveDefinite()",
             "tensor([[1., 2.],\n        [2., 1.]])")),
    ("MultivariateNormal(lib.zeros(2), scale_tril=lib.tensor([[1.0, 2.0], [2.0, 1.0]]))",
     message("scale_tril", "(2, 2)", "MultivariateNormal(loc: torch.Size([2]), scale_tril: torch.Size([2, 2]))",
             "LowerCholesky()", "tensor([[1., 2.],\n        [2., 1.]])")),
    ("MultivariateNormal(lib.zeros(2))",
     "Exactly one of covariance_matrix or precision_matrix or scale_tril may be specified."),
    ("MultivariateNormal(lib.tensor(0.0), lib.eye(1))", "loc must be at least one-dimensional."),
    ("Normal('a', 1.0)", "Input arguments must all be instances of Number, torch.Tensor or objects implementing "
                         "__torch_function__."),
    ("Normal(0.0, 1.0).log_prob(0.5)", "The value argument to log_prob must be a Tensor"),
    ("Normal(lib.zeros(2), 1.0).log_prob(lib.zeros(3))",
     "Value is not broadcastable with batch_shape+event_shape: torch.Size([3]) vs torch.Size([2])."),
    ("MultivariateNormal(lib.zeros(2), lib.eye(2)).log_prob(lib.zeros(3))",
     "The right-most size of value must match event_shape: torch.Size([3]) vs torch.Size([2])."),
]


@pytest.mark.parametrize("code, text", ERRORS)
def test_invalid_arguments_raise_pytorchs_value_error(code, text):
    with pytest.raises(ValueError) as caught:
        build(tg, code)
    assert str(caught.value) == ours_text(text)


@pytest.mark.parametrize("code, text", ERRORS)
def test_invalid_arguments_raise_as_torch_does(code, text):
    torch = pytest.importorskip("torch")
    with pytest.raises(ValueError) as theirs:
        build(torch, code)
    with pytest.raises(ValueError) as ours:
        build(tg, code)
    assert str(ours.value) == ours_text(str(theirs.value))


def test_validate_args_false_and_the_default_switch():
    assert Normal(0.0, -1.0, validate_args=False).scale.item() == -1.0
    assert math.isclose(Normal(0.0, 1.0, validate_args=False).log_prob(0.5).item(), -1.0439385, rel_tol=1e-6)
    Distribution.set_default_validate_args(False)
    try:
        assert Exponential(-2.0).rate.item() == -2.0
        with pytest.raises(ValueError):
            Exponential(-2.0, validate_args=True)
    finally:
        Distribution.set_default_validate_args(True)
    with pytest.raises(ValueError, match="GreaterThan"):
        Exponential(-2.0)


def test_kl_of_an_unregistered_pair_is_not_implemented():
    with pytest.raises(NotImplementedError, match="No KL\\(p \\|\\| q\\) is implemented for p type Categorical "
                                                  "and q type Normal"):
        kl_divergence(Categorical(logits=tg.zeros(2)), Normal(0.0, 1.0))


# ------------------------------------------------------------------ gradients (float64, finite differences)
def v(lib, values):
    """A float64 constant of `lib`."""
    return lib.tensor(values, dtype=lib.float64)


GRADIENT_CASES = {  # name: (function of lib's distributions module, lib and the parameters; the parameters)
    "normal.log_prob": (lambda d, lib, m, s: d.Normal(m, s).log_prob(v(lib, [0.3, -1.2])),
                        ([0.5, -1.0], [1.0, 0.5])),
    "normal.cdf": (lambda d, lib, m, s: d.Normal(m, s).cdf(v(lib, [0.3, -1.2])), ([0.5, -1.0], [1.0, 0.5])),
    "normal.icdf": (lambda d, lib, m, s, p: d.Normal(m, s).icdf(p), ([0.5, -1.0], [1.0, 0.5], [0.2, 0.9])),
    "normal.entropy": (lambda d, lib, s: d.Normal(0.0, s).entropy(), ([1.0, 0.5],)),
    "normal.rsample": (lambda d, lib, m, s: d.Normal(m, s).rsample((4,)), ([0.5, -1.0], [1.0, 0.5])),
    "bernoulli.log_prob(probs)": (lambda d, lib, p: d.Bernoulli(probs=p).log_prob(v(lib, [1.0, 0.0])),
                                  ([0.3, 0.6],)),
    "bernoulli.log_prob(logits)": (lambda d, lib, x: d.Bernoulli(logits=x).log_prob(v(lib, [1.0, 0.0])),
                                   ([-0.3, 1.2],)),
    "bernoulli.entropy": (lambda d, lib, p: d.Bernoulli(probs=p).entropy(), ([0.3, 0.6],)),
    "categorical.log_prob(probs)": (lambda d, lib, p: d.Categorical(probs=p).log_prob(lib.tensor([2, 0])),
                                    ([[0.2, 0.3, 0.5], [0.1, 0.6, 0.3]],)),
    "categorical.log_prob(logits)": (lambda d, lib, x: d.Categorical(logits=x).log_prob(lib.tensor([2, 0])),
                                     ([[0.2, -0.3, 0.5], [1.0, 0.0, -1.0]],)),
    "categorical.entropy": (lambda d, lib, x: d.Categorical(logits=x).entropy(),
                            ([[0.2, -0.3, 0.5], [1.0, 0.0, -1.0]],)),
    "uniform.log_prob": (lambda d, lib, a, b: d.Uniform(a, b).log_prob(v(lib, [0.5, 0.0])), ([0.0, -1.0], [1.0, 3.0])),
    "uniform.cdf": (lambda d, lib, a, b: d.Uniform(a, b).cdf(v(lib, [0.5, 0.0])), ([0.0, -1.0], [1.0, 3.0])),
    "uniform.rsample": (lambda d, lib, a, b: d.Uniform(a, b).rsample((3,)), ([0.0, -1.0], [1.0, 3.0])),
    "exponential.log_prob": (lambda d, lib, r: d.Exponential(r).log_prob(v(lib, [1.0, 0.25])), ([0.5, 2.0],)),
    "exponential.icdf": (lambda d, lib, r: d.Exponential(r).icdf(v(lib, [0.2, 0.9])), ([0.5, 2.0],)),
    "exponential.rsample": (lambda d, lib, r: d.Exponential(r).rsample((3,)), ([0.5, 2.0],)),
    "mvn.log_prob(covariance)": (lambda d, lib, m, c: d.MultivariateNormal(m, c @ c.mT + lib.eye(2, dtype=lib.float64))
                                 .log_prob(v(lib, [[0.3, 0.2], [1.0, -1.0]])),
                                 ([0.0, 1.0], [[1.0, 0.2], [0.3, 0.5]])),
    "mvn.rsample(scale_tril)": (lambda d, lib, m, s: d.MultivariateNormal(m, scale_tril=s.tril()).rsample((3,)),
                                ([0.0, 1.0], [[1.5, 0.0], [-0.4, 0.7]])),
    "mvn.entropy": (lambda d, lib, s: d.MultivariateNormal(v(lib, [0.0, 0.0]), scale_tril=s.tril()).entropy(),
                    ([[1.5, 0.0], [-0.4, 0.7]],)),
    "kl.normal": (lambda d, lib, m, s: d.kl_divergence(d.Normal(m, s), d.Normal(0.3, 1.5)), ([0.5, -1.0], [1.0, 0.5])),
    "kl.bernoulli": (lambda d, lib, p, q: d.kl_divergence(d.Bernoulli(p), d.Bernoulli(q)), ([0.3, 0.6], [0.5, 0.2])),
    "kl.categorical": (lambda d, lib, x, y: d.kl_divergence(d.Categorical(logits=x), d.Categorical(logits=y)),
                       ([[0.2, -0.3, 0.5]], [[1.0, 0.0, -1.0]])),
    "kl.uniform": (lambda d, lib, a, b: d.kl_divergence(d.Uniform(a, b), d.Uniform(-2.0, 4.0)),
                   ([0.0, -1.0], [1.0, 3.0])),
    "kl.exponential": (lambda d, lib, r, s: d.kl_divergence(d.Exponential(r), d.Exponential(s)),
                       ([0.5, 2.0], [1.0, 1.5])),
    "kl.mvn": (lambda d, lib, a, b: d.kl_divergence(d.MultivariateNormal(v(lib, [0.0, 0.0]), scale_tril=a.tril()),
                                                    d.MultivariateNormal(v(lib, [1.0, 1.0]), scale_tril=b.tril())),
               ([[1.5, 0.0], [-0.4, 0.7]], [[1.0, 0.0], [0.3, 2.0]])),
}


def gradient_case(lib, name):
    """The case's function of its parameters alone, and the parameters as float64 leaves of `lib`."""
    fn, values = GRADIENT_CASES[name]
    params = tuple(lib.tensor(x, dtype=lib.float64, requires_grad=True) for x in values)

    def call(*args):
        lib.manual_seed(3)  # rsample: every evaluation draws the same noise
        return fn(lib.distributions, lib, *args)
    return call, params


@pytest.mark.parametrize("name", sorted(GRADIENT_CASES))
def test_gradients_pass_gradcheck_and_gradgradcheck(name):
    fn, params = gradient_case(tg, name)
    assert tg.autograd.gradcheck(fn, params)
    assert tg.autograd.gradgradcheck(fn, params)  # create_graph: the backward is itself differentiable


@pytest.mark.parametrize("name", sorted(n for n in GRADIENT_CASES if "rsample" not in n))
def test_gradients_match_torch(name):
    """PyTorch's first derivatives (rsample's noise differs between the libraries: gradcheck covers it)."""
    torch = pytest.importorskip("torch")
    (ours, our_params), (theirs, their_params) = gradient_case(tg, name), gradient_case(torch, name)
    our_grads = tg.autograd.grad(ours(*our_params).sum(), our_params)
    their_grads = torch.autograd.grad(theirs(*their_params).sum(), their_params)
    for a, b in zip(our_grads, their_grads):
        np.testing.assert_allclose(a.numpy(), b.numpy(), rtol=1e-10, atol=1e-12)


# ------------------------------------------------------------------ sampling
SAMPLERS = {  # name: (the distribution, the sample's dtype)
    "normal": (lambda d, lib: d.Normal(lib.tensor([0.5, -1.0]), lib.tensor([1.0, 2.0])), "float32"),
    "bernoulli": (lambda d, lib: d.Bernoulli(logits=lib.tensor([0.5, -1.0])), "float32"),
    "categorical": (lambda d, lib: d.Categorical(probs=lib.tensor([[0.2, 0.8, 0.0], [0.5, 0.25, 0.25]])), "int64"),
    "uniform": (lambda d, lib: d.Uniform(lib.tensor([0.0, -1.0]), lib.tensor([1.0, 3.0])), "float32"),
    "exponential": (lambda d, lib: d.Exponential(lib.tensor([0.5, 2.0], dtype=lib.float64)), "float64"),
    "mvn": (lambda d, lib: d.MultivariateNormal(lib.zeros(3, 2), lib.tensor(COV)), "float32"),
}
SAMPLE_SHAPES = {"normal": (5, 4, 2), "bernoulli": (5, 4, 2), "categorical": (5, 4, 2), "uniform": (5, 4, 2),
                 "exponential": (5, 4, 2), "mvn": (5, 4, 3, 2)}  # sample_shape (5, 4) + batch_shape + event_shape


def drawn(lib, name, method="sample", sample_shape=(5, 4)):
    dist = SAMPLERS[name][0](lib.distributions, lib)
    return getattr(dist, method)(sample_shape)


@pytest.mark.parametrize("name", sorted(SAMPLERS))
def test_sample_shape_dtype_and_no_grad(name):
    x = drawn(tg, name)
    assert tuple(x.shape) == SAMPLE_SHAPES[name] and str(x.dtype) == "tinygrad_edu." + SAMPLERS[name][1]
    assert not x.requires_grad and x.grad_fn is None
    assert tuple(drawn(tg, name, sample_shape=()).shape) == SAMPLE_SHAPES[name][2:]


@pytest.mark.parametrize("name", sorted(SAMPLERS))
def test_sample_shape_and_dtype_match_torch(name):
    torch = pytest.importorskip("torch")
    ours, theirs = drawn(tg, name), drawn(torch, name)
    assert tuple(ours.shape) == tuple(theirs.shape) and str(ours.dtype).split(".")[-1] == str(theirs.dtype)[6:]
    assert ours.requires_grad == theirs.requires_grad


@pytest.mark.parametrize("name", sorted(SAMPLERS))
def test_manual_seed_repeats_the_draws(name):
    tg.manual_seed(7)
    first = drawn(tg, name).numpy()
    tg.manual_seed(7)
    again = drawn(tg, name).numpy()
    np.testing.assert_array_equal(first, again)
    assert not np.array_equal(drawn(tg, name).numpy(), first)  # the next draw moves on


def test_rsample_has_a_graph_and_sample_has_none():
    loc, scale = tg.tensor([0.5, -1.0], requires_grad=True), tg.tensor([1.0, 2.0], requires_grad=True)
    dist = Normal(loc, scale)
    tg.manual_seed(1)
    z = dist.rsample((3,))
    assert z.requires_grad and z.grad_fn is not None
    z.sum().backward()
    eps = (z.detach() - loc.detach()) / scale.detach()  # z = loc + eps * scale
    np.testing.assert_allclose(loc.grad.numpy(), [3.0, 3.0])
    np.testing.assert_allclose(scale.grad.numpy(), eps.sum(0).numpy(), rtol=1e-6)
    tg.manual_seed(1)
    x = dist.sample((3,))
    assert not x.requires_grad and x.grad_fn is None
    np.testing.assert_allclose(x.numpy(), z.detach().numpy())  # the same draw, without the graph
    assert Normal.has_rsample and Uniform.has_rsample and Exponential.has_rsample and MultivariateNormal.has_rsample
    assert not Bernoulli.has_rsample and not Categorical.has_rsample
    with pytest.raises(NotImplementedError):
        Bernoulli(0.5).rsample()


@pytest.mark.parametrize("name", sorted(SAMPLERS))
def test_samples_have_the_distributions_mean_and_variance(name):
    """Within five standard errors, over 40,000 draws (categorical: the class frequencies)."""
    tg.manual_seed(0)
    dist = SAMPLERS[name][0](tg.distributions, tg)
    x = dist.sample((40_000,)).double().numpy()
    if name == "categorical":
        probs = dist.probs.numpy()
        frequency = np.stack([(x == k).mean(0) for k in range(3)], -1)
        assert np.all(np.abs(frequency - probs) <= 5 * np.sqrt(probs * (1 - probs) / len(x)) + 1e-12)
        return
    mean, variance = dist.mean.double().numpy(), dist.variance.double().numpy()
    assert np.all(np.abs(x.mean(0) - mean) < 5 * np.sqrt(variance / len(x)))
    assert np.all(np.abs(x.var(0) / variance - 1) < 0.05)


def test_mvn_samples_have_its_covariance():
    tg.manual_seed(0)
    x = MultivariateNormal(tg.tensor([1.0, -1.0]), tg.tensor(COV)).sample((40_000,)).double().numpy()
    np.testing.assert_allclose(np.cov(x.T), COV, atol=0.05)


# ------------------------------------------------------------------ kl_divergence
def kl_pairs(lib):
    d, t = lib.distributions, (lambda x: lib.tensor(x, dtype=lib.float64))
    return {
        "normal": (d.Normal(t([0.5, -1.0]), t([1.0, 0.5])), d.Normal(t([0.0, 1.0]), t([2.0, 0.3]))),
        "bernoulli": (d.Bernoulli(t([0.3, 0.0, 1.0, 0.6, 0.4])), d.Bernoulli(t([0.5, 0.2, 0.7, 0.0, 1.0]))),
        "categorical": (d.Categorical(t([[0.2, 0.8, 0.0], [0.5, 0.5, 0.0]])), d.Categorical(t([0.1, 0.3, 0.6]))),
        "uniform": (d.Uniform(t([0.0, -1.0, 0.0]), t([1.0, 3.0, 2.0])),
                    d.Uniform(t([-1.0, -1.0, 0.5]), t([2.0, 3.0, 4.0]))),
        "exponential": (d.Exponential(t([0.5, 2.0])), d.Exponential(t([1.0, 1.5]))),
        "mvn": (d.MultivariateNormal(t([0.0, 1.0]), t(COV)), d.MultivariateNormal(t([[1.0, 0.0], [0.0, 0.0]]),
                                                                                scale_tril=t(TRIL))),
    }


def kl_formulas():
    a = np.array
    cov_q = a(TRIL) @ a(TRIL).T
    diff = a([[1.0, 0.0], [0.0, 0.0]]) - a([0.0, 1.0])
    maha = np.einsum("...i,ij,...j->...", diff, np.linalg.inv(cov_q), diff)
    mvn = 0.5 * (np.trace(np.linalg.inv(cov_q) @ a(COV)) + maha - 2 + np.log(np.linalg.det(cov_q) / np.linalg.det(COV)))
    with np.errstate(divide="ignore"):
        return {
            "normal": np.log(a([2.0, 0.3]) / a([1.0, 0.5])) + (a([1.0, 0.5]) ** 2 + a([0.5, -2.0]) ** 2) / (
                2 * a([2.0, 0.3]) ** 2) - 0.5,
            # p log(p/q) + (1-p) log((1-p)/(1-q)); 0 log 0 = 0, and p > 0 where q = 0 gives inf
            "bernoulli": a([0.3 * np.log(0.3 / 0.5) + 0.7 * np.log(0.7 / 0.5), np.log(1 / 0.8), np.log(1 / 0.7),
                            np.inf, np.inf]),
            "categorical": a([0.2 * np.log(0.2 / 0.1) + 0.8 * np.log(0.8 / 0.3),
                              0.5 * np.log(0.5 / 0.1) + 0.5 * np.log(0.5 / 0.3)]),
            "uniform": a([np.log(3.0), 0.0, np.inf]),  # [0, 2] is not inside [0.5, 4]
            "exponential": np.log(a([0.5, 2.0]) / a([1.0, 1.5])) + a([1.0, 1.5]) / a([0.5, 2.0]) - 1,
            "mvn": mvn,
        }


@pytest.mark.parametrize("name", ["normal", "bernoulli", "categorical", "uniform", "exponential", "mvn"])
def test_kl_divergence_matches_the_formula(name):
    p, q = kl_pairs(tg)[name]
    np.testing.assert_allclose(kl_divergence(p, q).numpy(), kl_formulas()[name], rtol=1e-6)


@pytest.mark.parametrize("name", ["normal", "bernoulli", "categorical", "uniform", "exponential", "mvn"])
def test_kl_divergence_matches_torch(name):
    torch = pytest.importorskip("torch")
    ours, theirs = kl_pairs(tg)[name], kl_pairs(torch)[name]
    result = kl_divergence(*ours)
    expected = torch.distributions.kl_divergence(*theirs)
    assert tuple(result.shape) == tuple(expected.shape) and str(result.dtype).endswith(str(expected.dtype)[6:])
    np.testing.assert_allclose(result.numpy(), expected.numpy(), rtol=1e-10)


def test_kl_of_a_distribution_with_itself_is_zero():
    for p, _ in kl_pairs(tg).values():
        np.testing.assert_allclose(kl_divergence(p, p).numpy(), 0.0, atol=1e-12)


# ------------------------------------------------------------------ expand, lazy parameters, torch imports
def test_expand_shares_the_parameters():
    dist = Normal(tg.tensor([0.5, -1.0]), tg.tensor([1.0, 2.0])).expand([3, 2])
    assert tuple(dist.batch_shape) == (3, 2) and tuple(dist.sample().shape) == (3, 2)
    np.testing.assert_allclose(dist.log_prob(tg.zeros(3, 2)).numpy()[2],
                               Normal(tg.tensor([0.5, -1.0]), tg.tensor([1.0, 2.0])).log_prob(tg.zeros(2)).numpy())
    categorical = Categorical(probs=tg.tensor([0.2, 0.8])).expand((4,))
    assert tuple(categorical.batch_shape) == (4,) and tuple(categorical.probs.shape) == (4, 2)
    mvn = MultivariateNormal(tg.zeros(2), tg.tensor(COV)).expand([3])
    assert tuple(mvn.batch_shape) == (3,) and tuple(mvn.covariance_matrix.shape) == (3, 2, 2)
    for dist in (Bernoulli(0.3), Uniform(0.0, 1.0), Exponential(2.0)):
        assert tuple(dist.expand([2]).batch_shape) == (2,) and dist.expand([2])._validate_args


def test_probs_and_logits_stay_connected_to_the_parameter_given():
    p = tg.tensor([0.3, 0.6], requires_grad=True)
    dist = Bernoulli(probs=p)
    with tg.no_grad():
        logits = dist.logits  # a lazy property is computed with gradients on, as PyTorch's
    logits.sum().backward()
    np.testing.assert_allclose(p.grad.numpy(), 1 / (p.detach().numpy() * (1 - p.detach().numpy())), rtol=1e-5)
    assert "logits" in vars(dist) and dist.logits is logits  # computed once, then kept


def test_enumerate_support():
    assert Bernoulli(tg.tensor([0.3, 0.6])).enumerate_support().tolist() == [[0.0, 0.0], [1.0, 1.0]]
    assert Categorical(logits=tg.zeros(2, 3)).enumerate_support(expand=False).tolist() == [[0], [1], [2]]


def test_torch_distributions_imports_as_pytorch_code_writes_it():
    with torch_imports():
        import torch
        from torch.distributions import Normal as ImportedNormal
        from torch.distributions.kl import kl_divergence as imported_kl
        assert torch.distributions.Categorical is Categorical and ImportedNormal is Normal
        assert imported_kl is kl_divergence and torch.distributions.constraints.positive.lower_bound == 0.0


def test_a_vae_step_and_a_reinforce_step():
    """The README's two examples: gradients reach the encoder's mu and log-variance, and the policy's scores."""
    tg.manual_seed(0)
    mu, logvar = tg.zeros(4, 2, requires_grad=True), tg.zeros(4, 2, requires_grad=True)
    q = Normal(mu, (0.5 * logvar).exp())
    z = q.rsample()
    kl = kl_divergence(q, Normal(0.0, 1.0)).sum(-1).mean()
    loss = (z ** 2).sum(-1).mean() + kl
    loss.backward()
    assert kl.item() == 0.0 and mu.grad.abs().sum().item() > 0 and logvar.grad.abs().sum().item() > 0
    scores = tg.zeros(3, 4, requires_grad=True)
    policy = Categorical(logits=scores)
    action = policy.sample()
    (-(policy.log_prob(action) * tg.tensor([1.0, -1.0, 2.0])).sum()).backward()
    expected = -(np.eye(4)[action.numpy()] - 0.25) * np.array([[1.0], [-1.0], [2.0]])  # d log softmax = onehot - p
    np.testing.assert_allclose(scores.grad.numpy(), expected, rtol=1e-6)


@pytest.mark.parametrize("library", ["tinygrad_edu", "torch"])
def test_uniform_kl_is_inf_when_q_misses_either_end_of_p(library):
    # KL(p || q) = log(width_q / width_p) when q covers p, inf when p has mass outside q, at either end
    lib = tg if library == "tinygrad_edu" else pytest.importorskip("torch")
    uniform, kl = lib.distributions.Uniform, lib.distributions.kl_divergence
    p = uniform(lib.tensor(0.0, dtype=lib.float64), lib.tensor(2.0, dtype=lib.float64))
    covering = uniform(lib.tensor(-1.0, dtype=lib.float64), lib.tensor(3.0, dtype=lib.float64))
    assert float(kl(p, covering)) == math.log(2.0)
    for low, high in ((0.5, 3.0), (-1.0, 1.5)):
        q = uniform(lib.tensor(low, dtype=lib.float64), lib.tensor(high, dtype=lib.float64))
        assert float(kl(p, q)) == math.inf


@pytest.mark.parametrize("library", ["tinygrad_edu", "torch"])
def test_categorical_entropy_counts_a_class_of_logit_minus_inf_as_zero(library):
    # 0 * log 0 = 0: the entropy is that of the classes left, here log(1 + e) - e / (1 + e), not nan
    lib = tg if library == "tinygrad_edu" else pytest.importorskip("torch")
    logits = lib.tensor([0.0, -math.inf, 1.0], dtype=lib.float64)
    entropy = float(lib.distributions.Categorical(logits=logits).entropy())
    assert entropy == pytest.approx(math.log(1 + math.e) - math.e / (1 + math.e), rel=1e-15)


@pytest.mark.parametrize("library", ["tinygrad_edu", "torch"])
def test_uniform_support_is_closed_at_low_and_open_at_high(library):
    # PyTorch's [low, high): log_prob is -log(width) at low and -inf at high; cdf is clamped to [0, 1] outside
    lib = tg if library == "tinygrad_edu" else pytest.importorskip("torch")
    uniform = lib.distributions.Uniform(lib.tensor([1.0], dtype=lib.float64), lib.tensor([3.0], dtype=lib.float64),
                                        validate_args=False)
    assert uniform.log_prob(lib.tensor([1.0, 2.0, 3.0], dtype=lib.float64)).tolist() == [
        -math.log(2.0), -math.log(2.0), -math.inf]
    assert uniform.cdf(lib.tensor([0.0, 2.0, 4.0], dtype=lib.float64)).tolist() == [0.0, 0.5, 1.0]


@pytest.mark.parametrize("library", ["tinygrad_edu", "torch"])
def test_exponential_icdf_keeps_tiny_probabilities(library):
    # -log1p(-u) / rate: for u = 1e-20, 1 - u rounds to 1 and log(1 - u) would give 0
    lib = tg if library == "tinygrad_edu" else pytest.importorskip("torch")
    exponential = lib.distributions.Exponential(lib.tensor(2.0, dtype=lib.float64))
    assert exponential.icdf(lib.tensor(1e-20, dtype=lib.float64)).item() == 5e-21
