"""An optimizer's state holds tensors, as PyTorch's does: opt.state[p]["exp_avg"].norm() runs, the
printed state reads tensor(...), and the tensor is the live buffer each step updates in place."""

import numpy as np
import pytest

import tinygrad_edu as tg
from tinygrad_edu import optim

# (maker, keys after one step) for each optimizer whose state has buffers
MAKERS = {
    "SGD momentum": (lambda ps, m: m.SGD(ps, lr=0.1, momentum=0.9), ["momentum_buffer"]),
    "Adam": (lambda ps, m: m.Adam(ps, lr=0.1), ["step", "exp_avg", "exp_avg_sq"]),
    "AdamW amsgrad": (lambda ps, m: m.AdamW(ps, lr=0.1, amsgrad=True), ["step", "exp_avg", "exp_avg_sq",
                                                                        "max_exp_avg_sq"]),
    "Adamax": (lambda ps, m: m.Adamax(ps, lr=0.1), ["step", "exp_avg", "exp_inf"]),
    "NAdam": (lambda ps, m: m.NAdam(ps, lr=0.1), ["step", "mu_product", "exp_avg", "exp_avg_sq"]),
    "RAdam": (lambda ps, m: m.RAdam(ps, lr=0.1), ["step", "exp_avg", "exp_avg_sq"]),
    "RMSprop centered": (lambda ps, m: m.RMSprop(ps, lr=0.1, momentum=0.5, centered=True),
                         ["step", "square_avg", "momentum_buffer", "grad_avg"]),
    "Adagrad": (lambda ps, m: m.Adagrad(ps, lr=0.1), ["step", "sum"]),
    "Adadelta": (lambda ps, m: m.Adadelta(ps, lr=0.1), ["step", "square_avg", "acc_delta"]),
}


def one_step(name, module, tensor):
    """A parameter [1, -2, 3] with the gradient of sum(p * p), one step of `name` from `module`."""
    p = module.nn.Parameter(tensor([1.0, -2.0, 3.0]))
    opt = MAKERS[name][0]([p], module.optim)
    (p * p).sum().backward()
    opt.step()
    return p, opt


@pytest.mark.parametrize("name", MAKERS)
def test_every_state_entry_is_a_tensor_that_needs_no_grad(name):
    p, opt = one_step(name, tg, tg.tensor)
    state = opt.state[p]
    assert list(state) == MAKERS[name][1]
    for key, value in state.items():
        assert isinstance(value, tg.Tensor), key
        assert not value.requires_grad and value.grad_fn is None, key
        assert value.dtype == tg.float32, key  # the parameter's dtype (the step count: float32, as PyTorch)
        assert repr(value).startswith("tensor("), key
    buffer = state[MAKERS[name][1][-1]]
    assert buffer.shape == p.shape and float(buffer.norm()) >= 0  # tensor methods work on it


@pytest.mark.parametrize("name", MAKERS)
def test_the_state_tensor_is_the_live_buffer_the_next_step_updates_in_place(name):
    p, opt = one_step(name, tg, tg.tensor)
    before = dict(opt.state[p])
    values = {key: value.numpy().copy() for key, value in before.items()}
    p.grad = tg.ones(3)
    opt.step()
    for key, value in opt.state[p].items():
        if key == "mu_product":  # NAdam's running product: a new 0-d tensor each step (PyTorch: in place)
            continue
        assert value is before[key], key
        assert not np.array_equal(value.numpy(), values[key]) or key == "max_exp_avg_sq", key


def test_the_values_are_the_update_rules_own():
    """Adam after one step from g = 2p: m = (1 - b1) g, v = (1 - b2) g^2; SGD's buffer is g; NAdam's
    mu_product is b1 (1 - 0.5 * 0.96^(psi)); Adagrad starts at step 0 with the initial sums, as PyTorch."""
    g = np.array([2.0, -4.0, 6.0], dtype=np.float32)
    p, adam = one_step("Adam", tg, tg.tensor)
    np.testing.assert_allclose(adam.state[p]["exp_avg"].numpy(), 0.1 * g, rtol=1e-6)
    np.testing.assert_allclose(adam.state[p]["exp_avg_sq"].numpy(), 0.001 * g * g, rtol=1e-6)
    assert adam.state[p]["step"].item() == 1.0 and adam.state[p]["step"].shape == ()
    p, sgd = one_step("SGD momentum", tg, tg.tensor)
    np.testing.assert_array_equal(sgd.state[p]["momentum_buffer"].numpy(), g)
    p, nadam = one_step("NAdam", tg, tg.tensor)
    assert nadam.state[p]["mu_product"].shape == () and nadam.state[p]["mu_product"].dtype == tg.float32
    assert nadam.state[p]["mu_product"].item() == pytest.approx(0.9 * (1 - 0.5 * 0.96 ** 0.004), rel=1e-6)
    q = tg.nn.Parameter(tg.ones(2))
    adagrad = optim.Adagrad([q], initial_accumulator_value=0.5)
    assert sorted(adagrad.state[q]) == ["step", "sum"]  # filled at construction, before any step
    assert adagrad.state[q]["step"].item() == 0.0 and adagrad.state[q]["sum"].tolist() == [0.5, 0.5]
    assert optim.SGD([q], lr=0.1).state[q] == {}  # no momentum: no buffer, no entry


def test_a_state_dict_of_tensors_saves_loads_and_continues_the_same(tmp_path):
    p, opt = one_step("Adam", tg, tg.tensor)
    saved = opt.state_dict()
    assert isinstance(saved["state"][0]["exp_avg"], tg.Tensor)
    assert saved["state"][0]["exp_avg"] is not opt.state[p]["exp_avg"]  # a copy: later steps leave it alone
    path = tmp_path / "optimizer.pt"
    tg.save(saved, path)
    q = tg.nn.Parameter(p.detach().clone())
    fresh = optim.Adam([q], lr=0.1)
    fresh.load_state_dict(tg.load(path))
    assert all(isinstance(v, tg.Tensor) for v in fresh.state[q].values())
    for tensor, o in ((p, opt), (q, fresh)):
        tensor.grad = tg.tensor([0.5, 0.5, -1.0])
        o.step()
    np.testing.assert_array_equal(p.detach().numpy(), q.detach().numpy())
    np.testing.assert_array_equal(fresh.state[q]["exp_avg_sq"].numpy(), opt.state[p]["exp_avg_sq"].numpy())


def test_an_array_put_into_the_state_by_hand_is_used_and_kept_as_a_tensor():
    p, opt = one_step("SGD momentum", tg, tg.tensor)
    opt.state[p]["momentum_buffer"] = np.zeros(3, dtype=np.float32)
    p.grad = tg.ones(3)
    opt.step()
    assert isinstance(opt.state[p]["momentum_buffer"], tg.Tensor)
    assert opt.state[p]["momentum_buffer"].tolist() == [1.0, 1.0, 1.0]


@pytest.mark.parametrize("name", MAKERS)
def test_the_state_is_pytorchs_in_keys_types_dtypes_and_values(name):
    torch = pytest.importorskip("torch")
    ours_p, ours = one_step(name, tg, tg.tensor)
    theirs_p, theirs = one_step(name, torch, torch.tensor)
    mine, its = ours.state[ours_p], theirs.state[theirs_p]
    assert list(mine) == list(its)
    for key in its:
        assert type(its[key]).__name__ == type(mine[key]).__name__ == "Tensor", key
        assert str(mine[key].dtype).split(".")[1] == str(its[key].dtype).split(".")[1], key
        assert mine[key].shape == tuple(its[key].shape), key
        np.testing.assert_allclose(mine[key].numpy(), its[key].detach().numpy(), rtol=1e-6, err_msg=key)
    assert repr(mine) == repr(its)
    if name == "Adagrad":  # filled at construction in both
        assert repr(list(optim.Adagrad([tg.nn.Parameter(tg.ones(2))]).state.values())) == \
            repr(list(torch.optim.Adagrad([torch.nn.Parameter(torch.ones(2))]).state.values()))
