"""What a learner's run of PyTorch code found different, fixed: broadcast_tensors hands back a tensor that
already has the shape (so a distribution's parameters stay the leaves given), an optimizer's repr with
several groups, and the message for a tensor learning rate."""

import pytest

import tinygrad_edu as tg
from tinygrad_edu.distributions import Normal


def test_broadcast_tensors_returns_a_tensor_of_the_common_shape_itself():
    a, b, c = tg.zeros(2, requires_grad=True), tg.ones(2), tg.ones(3, 2)
    first, second = tg.broadcast_tensors(a, b)
    assert first is a and second is b
    expanded, same = tg.broadcast_tensors(a, c)
    assert expanded is not a and expanded.shape == (3, 2) and same is c


def test_a_distribution_made_once_is_fitted_in_a_loop_with_its_parameters_as_leaves():
    mu = tg.zeros(2, requires_grad=True)
    sigma = tg.ones(2, requires_grad=True)
    d = Normal(mu, sigma)
    assert d.loc is mu and d.scale is sigma and d.loc.is_leaf
    for _ in range(2):  # a second backward through the same distribution: no graph of d's own to free
        (-d.log_prob(tg.ones(2))).sum().backward()
    assert mu.grad.tolist() == [-2.0, -2.0]  # d(-log p)/d mu = -(x - mu) / sigma^2 = -1, twice


def optimizer_with_two_groups(module):
    a, b = module.zeros(2, requires_grad=True), module.zeros(1, requires_grad=True)
    return module.optim.SGD([{"params": [a]}, {"params": [b], "lr": 0.5}], lr=0.1)


def test_an_optimizers_repr_has_a_blank_line_between_groups():
    text = repr(optimizer_with_two_groups(tg))
    assert text.startswith("SGD (\nParameter Group 0\n    dampening: 0\n")
    assert "    weight_decay: 0\n\nParameter Group 1\n" in text and text.endswith("    weight_decay: 0\n)")


def test_an_optimizers_repr_is_pytorchs():
    torch = pytest.importorskip("torch")
    assert repr(optimizer_with_two_groups(tg)) == repr(optimizer_with_two_groups(torch))


def test_a_tensor_learning_rate_is_refused_for_what_it_is():
    with pytest.raises(ValueError, match=r"Invalid learning rate value: tensor\(0.1000\) \(it must be a Python "
                                         r"number: tensor hyper-parameters are not supported here; pass float"):
        tg.optim.SGD([tg.zeros(2, requires_grad=True)], lr=tg.tensor(0.1))
    with pytest.raises(ValueError, match=r"Invalid learning rate value: -1 \(it must be >= 0.0\)"):
        tg.optim.SGD([tg.zeros(2, requires_grad=True)], lr=-1)


def test_the_tensor_type_prints_as_the_package_s_own_name():
    assert str(type(tg.ones(2))) == "<class 'tinygrad_edu.Tensor'>"  # PyTorch: <class 'torch.Tensor'>
    import copy
    assert copy.deepcopy(tg.ones(2)).tolist() == [1.0, 1.0]  # found again by that name
