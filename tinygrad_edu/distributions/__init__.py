"""torch.distributions: probability distributions to sample from and score, as RL and VAE code uses them.

    from tinygrad_edu.distributions import Normal, Categorical, Independent, kl_divergence

    # a VAE: a reparameterized sample (gradients reach mu and sigma) and the KL term of the loss
    q = Normal(mu, sigma)
    z = q.rsample()
    kl = kl_divergence(q, Normal(0.0, 1.0)).sum()

    # the same latent as one vector per example: log_prob sums over the last dim
    q = Independent(Normal(mu, sigma), 1)
    log_q = q.log_prob(z)  # one number per example

    # REINFORCE: sample an action, then push up the log-probability of the ones that paid off
    policy = Categorical(logits=scores)
    action = policy.sample()
    loss = -(policy.log_prob(action) * reward).sum()

Here: Normal, Bernoulli, Categorical, Uniform, Exponential, MultivariateNormal, Independent (batch dims
read as event dims), kl_divergence and register_kl, and `constraints`, the parameter domains that validation
checks. The layout is PyTorch's: one file per distribution, distribution.py for the base class, kl.py for the
divergences. Everything is
built from Tensor ops (log_prob, rsample and kl_divergence are differentiable to any order), and every
draw comes from the library's generator, so manual_seed repeats them.
"""

from . import constraints
from .bernoulli import Bernoulli
from .categorical import Categorical
from .distribution import Distribution
from .exponential import Exponential
from .independent import Independent
from .kl import kl_divergence, register_kl
from .multivariate_normal import MultivariateNormal
from .normal import Normal
from .uniform import Uniform

__all__ = ["Bernoulli", "Categorical", "Distribution", "Exponential", "Independent", "MultivariateNormal", "Normal",
           "Uniform", "constraints", "kl_divergence", "register_kl"]
