"""tinygrad_edu.distributions against the formulas (NumPy/math, torch-free) and against torch.distributions.

Every comparison with PyTorch has a torch-free twin checking the same thing: the values against the
densities, moments and divergences written out below, the reprs and error messages against PyTorch 2.13's
text written out (with this library's `tinygrad_edu.Size` where PyTorch prints `torch.Size`), gradients
with finite differences (gradcheck) where PyTorch's autograd is the other side.
"""

import math

import numpy as np
import pytest
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
           "variance": dist.variance, "stddev": dist.stddev, "perplexity": dist.perplexity()}
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
            "icdf": loc + scale * np.sqrt(2) * erfinv(2 * np.array([[0.1], [0.7]]) - 1)}


def bernoulli_terms(p, x):
    return {"log_prob": x * np.log(p) + (1 - x) * np.log(1 - p), "entropy": -p * np.log(p) - (1 - p) * np.log(1 - p),
            "mean": p, "variance": p * (1 - p), "probs": p, "logits": np.log(p / (1 - p))}


def categorical_terms(p, x):
    p = p / p.sum(-1, keepdims=True)
    log_p = np.log(p)
    picked = np.take_along_axis(np.broadcast_to(log_p, x.shape + (3,)), x[..., None], -1)[..., 0]
    return {"log_prob": picked, "entropy": -(p * log_p).sum(-1), "probs": p, "logits": log_p}


def mvn_terms(loc, cov, x):
    d = loc.shape[-1]
    diff = x - loc
    maha = np.einsum("...i,...ij,...j->...", diff, np.linalg.inv(cov), diff)
    log_det = np.linalg.slogdet(cov)[1]
    return {"log_prob": -0.5 * (d * np.log(2 * np.pi) + log_det + maha),
            "entropy": 0.5 * d * (1 + np.log(2 * np.pi)) + 0.5 * log_det + 0 * loc[..., 0],
            "mean": loc, "variance": np.diagonal(cov, axis1=-2, axis2=-1) + 0 * loc,
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
                "cdf": (x - low) / (high - low), "icdf": low + a([[0.1], [0.7]]) * (high - low)}
    if case == "exponential":
        rate, x = a([0.5, 2.0]), a([1.0, 0.25])
        return {"log_prob": np.log(rate) - rate * x, "entropy": 1 - np.log(rate), "mean": 1 / rate,
                "variance": 1 / rate ** 2, "stddev": 1 / rate, "cdf": 1 - np.exp(-rate * x),
                "icdf": -np.log(1 - a([[0.1], [0.7]])) / rate}
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
    assert {name: dtype for name, dtype in dtypes.items()} == {name: wanted for name in dtypes}


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


def build(lib, code):
    return eval(code, {"lib": lib, **vars(lib.distributions)})


def ours_text(pytorch_text: str) -> str:
    """PyTorch's text as this library prints it: its shapes are tinygrad_edu.Size."""
    return pytorch_text.replace("torch.Size", "tinygrad_edu.Size")


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
