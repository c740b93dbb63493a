"""Independent(base_distribution, reinterpreted_batch_ndims) against the formulas and against torch.distributions.

As in test_distributions.py, every comparison with PyTorch has a torch-free twin: values against the base's
formulas summed over the reinterpreted dims (NumPy), reprs and messages against PyTorch 2.13's text written out
(with `tinygrad_edu.Size` where PyTorch prints `torch.Size`), gradients with finite differences (gradcheck).
"""

import numpy as np
import pytest
from distribution_text import build as build_with
from distribution_text import ours_text

import tinygrad_edu as tg
from tinygrad_edu.distributions import Bernoulli, Categorical, Independent, Normal, constraints, kl_divergence
from tinygrad_edu.torch_compat import torch_imports

LOC = [[0.5, -1.0, 2.0], [0.0, 1.0, -0.5]]
SCALE = [[1.0, 0.5, 2.0], [0.3, 1.5, 0.8]]
X = [[0.3, -1.2, 4.0], [0.1, 0.0, -1.0]]
PROBS = [[0.2, 0.5, 0.9], [0.7, 0.4, 0.1]]
BITS = [[1.0, 0.0, 1.0], [0.0, 0.0, 1.0]]


def build(lib, code):
    """`code` evaluated with `lib` (tinygrad_edu or torch) and its distributions in scope; t(x) is float64."""
    t = lambda x: lib.tensor(x, dtype=lib.float64)
    return build_with(lib, code, t=t, LOC=LOC, SCALE=SCALE, X=X, PROBS=PROBS, BITS=BITS)


def arrays(x):
    return x.detach().numpy() if hasattr(x, "detach") else np.asarray(x)


# ------------------------------------------------------------------ shapes and flags
SHAPES = [  # (what to build, batch_shape, event_shape, has_rsample, has_enumerate_support, repr of support)
    ("Independent(Normal(lib.zeros(2, 3), lib.ones(2, 3)), 1)", (2,), (3,), True, False,
     "IndependentConstraint(Real(), 1)"),
    ("Independent(Normal(lib.zeros(2, 3), lib.ones(2, 3)), 2)", (), (2, 3), True, False,
     "IndependentConstraint(Real(), 2)"),
    ("Independent(Normal(lib.zeros(2, 3), lib.ones(2, 3)), 0)", (2, 3), (), True, False, "Real()"),
    ("Independent(Bernoulli(lib.full((4, 2), 0.5)), 1)", (4,), (2,), False, False,
     "IndependentConstraint(Boolean(), 1)"),
    ("Independent(Bernoulli(lib.full((4, 2), 0.5)), 0)", (4, 2), (), False, True, "Boolean()"),
    ("Independent(Categorical(logits=lib.zeros(4, 2, 5)), 1)", (4,), (2,), False, False,
     "IndependentConstraint(IntegerInterval(lower_bound=0, upper_bound=4), 1)"),
    ("Independent(MultivariateNormal(lib.zeros(4, 2), lib.eye(2)), 1)", (), (4, 2), True, False,
     "IndependentConstraint(IndependentConstraint(Real(), 1), 1)"),
    ("Independent(Independent(Normal(lib.zeros(4, 2, 3), 1.0), 1), 1)", (4,), (2, 3), True, False,
     "IndependentConstraint(IndependentConstraint(Real(), 1), 1)"),
    ("Independent(Normal(lib.zeros(2, 3), 1.0), 1).expand([5, 2])", (5, 2), (3,), True, False,
     "IndependentConstraint(Real(), 1)"),
]


def shape_facts(lib, code):
    dist = build(lib, code)
    return (tuple(dist.batch_shape), tuple(dist.event_shape), dist.has_rsample, dist.has_enumerate_support,
            repr(dist.support))


@pytest.mark.parametrize("code, batch, event, rsample, enumerate, support", SHAPES)
def test_shapes_flags_and_support(code, batch, event, rsample, enumerate, support):
    assert shape_facts(tg, code) == (batch, event, rsample, enumerate, support)


@pytest.mark.parametrize("code", [case[0] for case in SHAPES])
def test_shapes_flags_and_support_match_torch(code):
    torch = pytest.importorskip("torch")
    assert shape_facts(tg, code) == shape_facts(torch, code)


def test_support_checks_a_whole_event():
    support = Independent(Normal(tg.zeros(2, 3), 1.0), 1).support
    value = tg.tensor([[0.0, 1.0, float("nan")], [0.0, 1.0, 2.0]])
    assert isinstance(support, type(constraints.independent(constraints.real, 1)))
    assert support.check(value).tolist() == [False, True]


# ------------------------------------------------------------------ values
def normal_terms(n):
    loc, scale, x = np.array(LOC), np.array(SCALE), np.array(X)
    log_prob = -(x - loc) ** 2 / (2 * scale ** 2) - np.log(scale) - 0.5 * np.log(2 * np.pi)
    entropy = 0.5 + 0.5 * np.log(2 * np.pi) + np.log(scale)
    axes = tuple(range(-n, 0))
    return {"log_prob": log_prob.sum(axes), "entropy": entropy.sum(axes), "mean": loc, "mode": loc,
            "variance": scale ** 2, "stddev": scale}


def bernoulli_terms(n):
    p, x = np.array(PROBS), np.array(BITS)
    log_prob = x * np.log(p) + (1 - x) * np.log1p(-p)
    entropy = -p * np.log(p) - (1 - p) * np.log1p(-p)
    axes = tuple(range(-n, 0))
    return {"log_prob": log_prob.sum(axes), "entropy": entropy.sum(axes), "mean": p,
            "mode": np.where(p == 0.5, np.nan, (p > 0.5).astype(float)),  # nan at a tie
            "variance": p * (1 - p), "stddev": np.sqrt(p * (1 - p))}


def categorical_terms():
    p = np.array(PROBS) / np.array(PROBS).sum(-1, keepdims=True)  # batch (2,), three classes; reinterpreted: event (2,)
    value = [2, 0]
    return {"log_prob": np.log(p[[0, 1], value]).sum(), "entropy": -(p * np.log(p)).sum(),
            "mean": np.full(2, np.nan), "mode": p.argmax(-1), "variance": np.full(2, np.nan),
            "stddev": np.full(2, np.nan)}


VALUES = {  # name: (what to build, the value to score, the formulas)
    "normal1": ("Independent(Normal(t(LOC), t(SCALE)), 1)", "t(X)", normal_terms(1)),
    "normal2": ("Independent(Normal(t(LOC), t(SCALE)), 2)", "t(X)", normal_terms(2)),
    "bernoulli1": ("Independent(Bernoulli(t(PROBS)), 1)", "t(BITS)", bernoulli_terms(1)),
    "bernoulli2": ("Independent(Bernoulli(t(PROBS)), 2)", "t(BITS)", bernoulli_terms(2)),
    "categorical1": ("Independent(Categorical(t(PROBS)), 1)", "lib.tensor([2, 0])", categorical_terms()),
}


def values(lib, name):
    code, value, _ = VALUES[name]
    dist, value = build(lib, code), build(lib, value)
    out = {"log_prob": dist.log_prob(value), "entropy": dist.entropy(), "mean": dist.mean, "mode": dist.mode,
           "variance": dist.variance, "stddev": dist.stddev}
    return {k: arrays(x) for k, x in out.items()}, {k: str(x.dtype).split(".")[-1] for k, x in out.items()}


@pytest.mark.parametrize("name", sorted(VALUES))
def test_values_are_the_base_formulas_summed(name):
    ours, _ = values(tg, name)
    expected = VALUES[name][2]
    for key in expected:
        assert ours[key].shape == np.shape(expected[key]), key
        np.testing.assert_allclose(ours[key], expected[key], rtol=1e-12, err_msg=key)


@pytest.mark.parametrize("name", sorted(VALUES))
def test_values_match_torch(name):
    torch = pytest.importorskip("torch")
    (ours, our_dtypes), (theirs, their_dtypes) = values(tg, name), values(torch, name)
    assert our_dtypes == their_dtypes
    for key in theirs:
        assert ours[key].shape == theirs[key].shape, key
        np.testing.assert_allclose(ours[key], theirs[key], rtol=1e-12, err_msg=key)


def test_log_prob_is_one_number_per_example_as_a_vae_scores_its_latent():
    mu, std = tg.randn(4, 8), tg.rand(4, 8) + 0.5
    q = Independent(Normal(mu, std), 1)
    z = q.rsample()
    assert tuple(q.log_prob(z).shape) == (4,)
    np.testing.assert_allclose(q.log_prob(z).numpy(), Normal(mu, std).log_prob(z).sum(-1).numpy(), rtol=1e-6)
    assert tuple(q.log_prob(z[0]).shape) == (4,)  # one event broadcast against the batch


# ------------------------------------------------------------------ reprs and errors
REPRS = [  # (what to build, PyTorch 2.13's repr)
    ("Independent(Normal(lib.zeros(3), lib.ones(3)), 1)",
     "Independent(Normal(loc: torch.Size([3]), scale: torch.Size([3])), 1)"),
    ("Independent(Normal(lib.zeros(2, 3), 1.0), 0)",
     "Independent(Normal(loc: torch.Size([2, 3]), scale: torch.Size([2, 3])), 0)"),
    ("Independent(Bernoulli(probs=lib.tensor([0.5])), 1)", "Independent(Bernoulli(probs: tensor([0.5000])), 1)"),
    ("Independent(Independent(Normal(lib.zeros(2, 3), 1.0), 1), 1)",
     "Independent(Independent(Normal(loc: torch.Size([2, 3]), scale: torch.Size([2, 3])), 1), 1)"),
    ("Independent(Normal(lib.zeros(3), 1.0), 1).expand([2])",
     "Independent(Normal(loc: torch.Size([2, 3]), scale: torch.Size([2, 3])), 1)"),
]


@pytest.mark.parametrize("code, text", REPRS)
def test_repr_is_pytorchs(code, text):
    assert repr(build(tg, code)) == ours_text(text)


@pytest.mark.parametrize("code, text", REPRS)
def test_repr_matches_torch(code, text):
    torch = pytest.importorskip("torch")
    assert repr(build(tg, code)) == ours_text(repr(build(torch, code)))


ERRORS = [  # (what to run, the exception, PyTorch 2.13's message)
    ("Independent(Normal(0.0, 1.0), 1)", ValueError,
     "Expected reinterpreted_batch_ndims <= len(base_distribution.batch_shape), actual 1 vs 0"),
    ("Independent(Normal(lib.zeros(2, 3), 1.0), 3)", ValueError,
     "Expected reinterpreted_batch_ndims <= len(base_distribution.batch_shape), actual 3 vs 2"),
    ("Independent(MultivariateNormal(lib.zeros(2), lib.eye(2)), 1)", ValueError,
     "Expected reinterpreted_batch_ndims <= len(base_distribution.batch_shape), actual 1 vs 0"),
    ("Independent(Bernoulli(lib.full((2,), 0.5)), 1).enumerate_support()", NotImplementedError,
     "Enumeration over cartesian product is not implemented"),
    ("Independent(Normal(lib.zeros(2), 1.0), 1).log_prob(lib.tensor([0.0, float('nan')]))", ValueError,
     "Expected value argument (Tensor of shape (2,)) to be within the support (Real()) of the distribution "
     "Normal(loc: torch.Size([2]), scale: torch.Size([2])), but found invalid values:\ntensor([0., nan])"),
    ("kl_divergence(Independent(Normal(lib.zeros(2, 3), 1.0), 1), Independent(Normal(lib.zeros(2, 3), 1.0), 2))",
     NotImplementedError, ""),
    ("kl_divergence(Independent(Normal(lib.zeros(3), 1.0), 1), Normal(lib.zeros(3), 1.0))", NotImplementedError,
     "No KL(p || q) is implemented for p type Independent and q type Normal"),
]


@pytest.mark.parametrize("code, error, text", ERRORS)
def test_errors_are_pytorchs(code, error, text):
    with pytest.raises(error) as caught:
        build(tg, code)
    assert type(caught.value) is error and str(caught.value) == ours_text(text)


@pytest.mark.parametrize("code, error, text", ERRORS[:-1])  # the last: PyTorch's message is longer
def test_errors_match_torch(code, error, text):
    torch = pytest.importorskip("torch")
    with pytest.raises(error) as theirs:
        build(torch, code)
    with pytest.raises(error) as ours:
        build(tg, code)
    assert type(ours.value) is type(theirs.value) and str(ours.value) == ours_text(str(theirs.value))


# ------------------------------------------------------------------ sampling, enumerate_support, expand
def test_sample_and_rsample_are_the_bases():
    base = Normal(tg.tensor(LOC), tg.tensor(SCALE, requires_grad=True))
    dist = Independent(base, 1)
    for method in ("sample", "rsample"):
        tg.manual_seed(5)
        ours = getattr(dist, method)((4,))
        tg.manual_seed(5)
        np.testing.assert_array_equal(ours.detach().numpy(), getattr(base, method)((4,)).detach().numpy())
        assert tuple(ours.shape) == (4, 2, 3) and ours.requires_grad == (method == "rsample")
    categorical = Independent(Categorical(logits=tg.zeros(2, 5)), 1).sample((3,))
    assert tuple(categorical.shape) == (3, 2) and str(categorical.dtype) == "tinygrad_edu.int64"
    with pytest.raises(NotImplementedError):
        Independent(Bernoulli(tg.full((2,), 0.5)), 1).rsample()


SAMPLES = ["Independent(Normal(lib.zeros(2, 3), lib.ones(2, 3)), 1)",
           "Independent(Bernoulli(lib.full((2, 3), 0.5)), 2)",
           "Independent(Categorical(logits=lib.zeros(2, 5)), 1)",
           "Independent(Normal(lib.zeros(3), 1.0), 1).expand([4])"]


def sample_facts(lib, code):
    x = build(lib, code).sample((5,))
    return tuple(x.shape), str(x.dtype).split(".")[-1], x.requires_grad


SAMPLE_FACTS = [((5, 2, 3), "float32", False), ((5, 2, 3), "float32", False), ((5, 2), "int64", False),
                ((5, 4, 3), "float32", False)]


@pytest.mark.parametrize("code, facts", list(zip(SAMPLES, SAMPLE_FACTS)))
def test_sample_shape_and_dtype(code, facts):
    assert sample_facts(tg, code) == facts


@pytest.mark.parametrize("code", SAMPLES)
def test_sample_shape_and_dtype_match_torch(code):
    torch = pytest.importorskip("torch")
    assert sample_facts(tg, code) == sample_facts(torch, code)


def enumerated(lib):
    dist = lib.distributions.Independent(lib.distributions.Categorical(logits=lib.zeros(2, 3)), 0)
    return dist.enumerate_support().tolist(), dist.enumerate_support(expand=False).tolist()


def test_enumerate_support_is_the_bases_without_reinterpreted_dims():
    assert enumerated(tg) == ([[0, 0], [1, 1], [2, 2]], [[0], [1], [2]])


def test_enumerate_support_matches_torch():
    torch = pytest.importorskip("torch")
    assert enumerated(tg) == enumerated(torch)


def test_expand_expands_the_base_and_keeps_the_event():
    dist = Independent(Normal(tg.tensor([0.5, -1.0, 2.0]), 1.0), 1, validate_args=False)
    new = dist.expand([4, 2])
    assert type(new) is Independent and new.reinterpreted_batch_ndims == 1 and not new._validate_args
    assert tuple(new.base_dist.batch_shape) == (4, 2, 3) and tuple(new.event_shape) == (3,)
    np.testing.assert_allclose(new.log_prob(tg.zeros(3)).numpy(), np.full((4, 2), dist.log_prob(tg.zeros(3)).item()))
    assert Independent(Normal(tg.zeros(3), 1.0), 1).expand([2])._validate_args


# ------------------------------------------------------------------ kl_divergence
def kl_pair(lib, n):
    d, t = lib.distributions, (lambda x: lib.tensor(x, dtype=lib.float64))
    p = d.Independent(d.Normal(t(LOC), t(SCALE)), n)
    q = d.Independent(d.Normal(t(X), t(np.array(SCALE)[::-1].tolist())), n)
    return arrays(d.kl_divergence(p, q))


@pytest.mark.parametrize("n", [0, 1, 2])
def test_kl_is_the_bases_summed(n):
    m_p, s_p, m_q, s_q = np.array(LOC), np.array(SCALE), np.array(X), np.array(SCALE)[::-1]
    base = np.log(s_q / s_p) + (s_p ** 2 + (m_p - m_q) ** 2) / (2 * s_q ** 2) - 0.5
    expected = base.sum(tuple(range(-n, 0))) if n else base
    ours = kl_pair(tg, n)
    assert ours.shape == expected.shape
    np.testing.assert_allclose(ours, expected, rtol=1e-12)


@pytest.mark.parametrize("n", [0, 1, 2])
def test_kl_matches_torch(n):
    torch = pytest.importorskip("torch")
    ours, theirs = kl_pair(tg, n), kl_pair(torch, n)
    assert ours.shape == theirs.shape
    np.testing.assert_allclose(ours, theirs, rtol=1e-12)


def test_kl_of_bernoullis_and_of_itself():
    p = Independent(Bernoulli(tg.tensor(PROBS, dtype=tg.float64)), 1)
    q = Independent(Bernoulli(tg.tensor(BITS, dtype=tg.float64) * 0.5 + 0.25), 1)
    a, b = np.array(PROBS), np.array(BITS) * 0.5 + 0.25
    expected = (a * np.log(a / b) + (1 - a) * np.log((1 - a) / (1 - b))).sum(-1)
    np.testing.assert_allclose(kl_divergence(p, q).numpy(), expected, rtol=1e-10)
    np.testing.assert_allclose(kl_divergence(p, p).numpy(), [0.0, 0.0], atol=1e-12)


# ------------------------------------------------------------------ gradients (float64, finite differences)
GRADIENT_CASES = {  # name: (function of lib's distributions module, lib and the parameters; the parameters)
    "log_prob": (lambda d, lib, m, s: d.Independent(d.Normal(m, s), 1).log_prob(lib.tensor(X, dtype=lib.float64)),
                 (LOC, SCALE)),
    "log_prob(2 dims)": (lambda d, lib, m, s: d.Independent(d.Normal(m, s), 2).log_prob(
        lib.tensor(X, dtype=lib.float64)), (LOC, SCALE)),
    "entropy": (lambda d, lib, s: d.Independent(d.Normal(0.0, s), 1).entropy(), (SCALE,)),
    "kl": (lambda d, lib, m, s: d.kl_divergence(d.Independent(d.Normal(m, s), 1),
                                                d.Independent(d.Normal(lib.zeros(2, 3, dtype=lib.float64), 1.5), 1)),
           (LOC, SCALE)),
}


def gradient_case(lib, name):
    fn, values = GRADIENT_CASES[name]
    params = tuple(lib.tensor(x, dtype=lib.float64, requires_grad=True) for x in values)
    return (lambda *args: fn(lib.distributions, lib, *args)), params


@pytest.mark.parametrize("name", sorted(GRADIENT_CASES))
def test_gradients_pass_gradcheck_and_gradgradcheck(name):
    fn, params = gradient_case(tg, name)
    assert tuple(fn(*params).shape) == (() if "2 dims" in name else (2,))  # summed over the event dims
    assert tg.autograd.gradcheck(fn, params)
    assert tg.autograd.gradgradcheck(fn, params)


def test_log_prob_gradient_is_the_formulas():
    (m, s), x = gradient_case(tg, "log_prob")[1], np.array(X)
    Independent(Normal(m, s), 1).log_prob(tg.tensor(X, dtype=tg.float64)).sum().backward()
    mu, sigma = np.array(LOC), np.array(SCALE)
    np.testing.assert_allclose(m.grad.numpy(), (x - mu) / sigma ** 2, rtol=1e-12)
    np.testing.assert_allclose(s.grad.numpy(), (x - mu) ** 2 / sigma ** 3 - 1 / sigma, rtol=1e-12)


@pytest.mark.parametrize("name", sorted(GRADIENT_CASES))
def test_gradients_match_torch(name):
    torch = pytest.importorskip("torch")
    (ours, our_params), (theirs, their_params) = gradient_case(tg, name), gradient_case(torch, name)
    our_grads = tg.autograd.grad(ours(*our_params).sum(), our_params)
    their_grads = torch.autograd.grad(theirs(*their_params).sum(), their_params)
    for a, b in zip(our_grads, their_grads):
        np.testing.assert_allclose(a.numpy(), b.numpy(), rtol=1e-10, atol=1e-12)


# ------------------------------------------------------------------ imports
def test_torch_distributions_imports_independent_as_pytorch_code_writes_it():
    with torch_imports():
        import torch
        from torch.distributions import Independent as ImportedIndependent
        from torch.distributions.independent import Independent as FromModule
        assert ImportedIndependent is Independent and FromModule is Independent
        assert torch.distributions.Independent is Independent
    assert "Independent" in tg.distributions.__all__
