"""kl_divergence(p, q): KL(p || q) = E_p[log p(X) - log q(X)], in closed form for pairs of one family.

Each formula is registered for its pair of classes with @register_kl(TypeP, TypeQ); kl_divergence finds
the one for type(p), type(q) (or for their nearest base classes) and raises NotImplementedError for a pair
without one. The formulas are Tensor ops, so a VAE's KL term trains the encoder's loc and scale.

    Normal       log(s_q / s_p) + (s_p^2 + (m_p - m_q)^2) / (2 s_q^2) - 1/2
    Bernoulli    p log(p / q) + (1 - p) log((1 - p) / (1 - q))
    Categorical  sum_k p_k (log p_k - log q_k)
    Uniform      log((b_q - a_q) / (b_p - a_p)), inf unless [a_p, b_p] lies inside [a_q, b_q]
    Exponential  log(r_p / r_q) + r_q / r_p - 1
    MultivariateNormal  (tr(S_q^-1 S_p) + M(m_q - m_p) - d + log|S_q| - log|S_p|) / 2
    Independent  the bases' KL summed over the reinterpreted dims (both must reinterpret as many)

Where p gives probability to a value q does not, KL is inf; where p gives it none, that term is 0.
"""

from __future__ import annotations

import math

from ..creation import where
from ..linalg import solve_triangular
from ..nn import functional as F
from ..tensor import Tensor
from ..tensor_functions import broadcast_shapes
from .bernoulli import Bernoulli
from .categorical import Categorical
from .distribution import Distribution
from .exponential import Exponential
from .independent import Independent
from .multivariate_normal import MultivariateNormal, batch_mahalanobis, half_log_det
from .normal import Normal
from .uniform import Uniform
from .utils import sum_rightmost

__all__ = ["kl_divergence", "register_kl"]

KL_REGISTRY = {}  # (type of p, type of q) -> function(p, q)


def register_kl(type_p, type_q):
    """A decorator: @register_kl(Normal, Normal) over def f(p, q) makes kl_divergence use f for that pair."""
    if not (isinstance(type_p, type) and issubclass(type_p, Distribution)):
        raise TypeError(f"Expected type_p to be a Distribution subclass but got {type_p}")
    if not (isinstance(type_q, type) and issubclass(type_q, Distribution)):
        raise TypeError(f"Expected type_q to be a Distribution subclass but got {type_q}")

    def decorator(fun):
        KL_REGISTRY[type_p, type_q] = fun
        return fun

    return decorator


def find_kl(type_p, type_q):
    """The registered function for the closest pair of classes: p's own class first, then its bases."""
    for base_p in type_p.__mro__:
        for base_q in type_q.__mro__:
            if (base_p, base_q) in KL_REGISTRY:
                return KL_REGISTRY[base_p, base_q]
    return None


def kl_divergence(p: Distribution, q: Distribution) -> Tensor:
    """KL(p || q), one value per element of the (broadcast) batch."""
    fun = find_kl(type(p), type(q))
    if fun is None:
        raise NotImplementedError(f"No KL(p || q) is implemented for p type {p.__class__.__name__} "
                                  f"and q type {q.__class__.__name__}")
    return fun(p, q)


@register_kl(Normal, Normal)
def kl_normal_normal(p, q):
    var_ratio = (p.scale / q.scale).pow(2)
    t1 = ((p.loc - q.loc) / q.scale).pow(2)
    return 0.5 * (var_ratio + t1 - 1 - var_ratio.log())


@register_kl(Bernoulli, Bernoulli)
def kl_bernoulli_bernoulli(p, q):
    """log(p/q) = softplus(-l_q) - softplus(-l_p) and log((1-p)/(1-q)) = softplus(l_q) - softplus(l_p),
    from the logits l, so that neither is log of a rounded probability."""
    t1 = p.probs * (F.softplus(-q.logits) - F.softplus(-p.logits))
    t1 = where(p.probs == 0, 0.0, where(q.probs == 0, math.inf, t1))
    t2 = (1 - p.probs) * (F.softplus(q.logits) - F.softplus(p.logits))
    t2 = where(p.probs == 1, 0.0, where(q.probs == 1, math.inf, t2))
    return t1 + t2


@register_kl(Categorical, Categorical)
def kl_categorical_categorical(p, q):
    t = p.probs * (p.logits - q.logits)
    t = where((p.probs == 0).expand_as(t), 0.0, where((q.probs == 0).expand_as(t), math.inf, t))
    return t.sum(-1)


@register_kl(Uniform, Uniform)
def kl_uniform_uniform(p, q):
    result = ((q.high - q.low) / (p.high - p.low)).log()
    return where((q.low > p.low) | (q.high < p.high), math.inf, result)


@register_kl(Exponential, Exponential)
def kl_exponential_exponential(p, q):
    rate_ratio = q.rate / p.rate
    return -rate_ratio.log() + rate_ratio - 1


@register_kl(MultivariateNormal, MultivariateNormal)
def kl_multivariate_normal_multivariate_normal(p, q):
    """tr(S_q^-1 S_p) = |L_q^-1 L_p|^2 (Frobenius), one triangular solve; the rest as in log_prob."""
    if p.event_shape != q.event_shape:
        raise ValueError("KL-divergence between two Multivariate Normals with different event shapes "
                         "cannot be computed")
    n = p.event_shape[0]
    batch = broadcast_shapes(q._unbroadcasted_scale_tril.shape[:-2], p._unbroadcasted_scale_tril.shape[:-2])
    q_scale_tril = q._unbroadcasted_scale_tril.expand(batch + (n, n))
    p_scale_tril = p._unbroadcasted_scale_tril.expand(batch + (n, n))
    trace = solve_triangular(q_scale_tril, p_scale_tril, upper=False).pow(2).sum((-2, -1))
    mahalanobis = batch_mahalanobis(q._unbroadcasted_scale_tril, q.loc - p.loc)
    log_det_ratio = half_log_det(q._unbroadcasted_scale_tril) - half_log_det(p._unbroadcasted_scale_tril)
    return log_det_ratio + 0.5 * (trace + mahalanobis - n)


@register_kl(Independent, Independent)
def kl_independent_independent(p, q):
    """KL of independent parts adds: the bases' KL (each pair of the bases' families' own formula) summed over
    the reinterpreted dims. Different reinterpreted_batch_ndims have no formula here, as in PyTorch."""
    if p.reinterpreted_batch_ndims != q.reinterpreted_batch_ndims:
        raise NotImplementedError
    result = kl_divergence(p.base_dist, q.base_dist)
    return sum_rightmost(result, p.reinterpreted_batch_ndims)
