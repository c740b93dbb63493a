"""Adadelta, Adamax, NAdam and RAdam step by step against their update rules written out here and
against PyTorch (when installed); state_dicts that round-trip with PyTorch's; and PyTorch's
implementation options (foreach, fused, capturable, differentiable) on every optimizer."""

import copy
import inspect

import numpy as np
import pytest
from optim_steps import stepped

import tinygrad_edu as tg
import tinygrad_edu.optim as optim

STEPS = 8
GRADS = [np.random.default_rng(step).standard_normal((3, 4)) for step in range(STEPS)]
X0 = np.random.default_rng(100).standard_normal((3, 4))


def run(name, options, grads=GRADS, x0=X0):
    return stepped(lambda params: getattr(optim, name)(params, **options), tg.tensor, x0, grads)[2]


# ---------------------------------------------------------------- the update rules, written out
def with_weight_decay(x, g, lr, weight_decay, decoupled):
    if decoupled:
        return x * (1 - lr * weight_decay), g
    return x, g + weight_decay * x


def ref_adadelta(x, grads, lr=1.0, rho=0.9, eps=1e-6, weight_decay=0):
    s, u, out = 0 * x, 0 * x, []
    for g in grads:
        g = g + weight_decay * x
        s = rho * s + (1 - rho) * g * g
        d = np.sqrt(u + eps) / np.sqrt(s + eps) * g
        u = rho * u + (1 - rho) * d * d
        x = x - lr * d
        out.append(x)
    return out


def ref_adamax(x, grads, lr=2e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0):
    m, u, out = 0 * x, 0 * x, []
    for t, g in enumerate(grads, 1):
        g = g + weight_decay * x
        m = betas[0] * m + (1 - betas[0]) * g
        u = np.maximum(betas[1] * u, np.abs(g) + eps)
        x = x - lr / (1 - betas[0] ** t) * m / u
        out.append(x)
    return out


def ref_nadam(x, grads, lr=2e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, momentum_decay=4e-3,
              decoupled_weight_decay=False):
    beta1, beta2 = betas
    m, v, product, out = 0 * x, 0 * x, np.float32(1.0), []  # the product is float32, as in PyTorch
    for t, g in enumerate(grads, 1):
        x, g = with_weight_decay(x, g, lr, weight_decay, decoupled_weight_decay)
        mu = beta1 * (1 - 0.5 * 0.96 ** (t * momentum_decay))
        mu_next = beta1 * (1 - 0.5 * 0.96 ** ((t + 1) * momentum_decay))
        product = np.float32(product * np.float32(mu))
        m = beta1 * m + (1 - beta1) * g
        v = beta2 * v + (1 - beta2) * g * g
        d = np.sqrt(v / (1 - beta2 ** t)) + eps
        x = x - lr * (1 - mu) / (1 - float(product)) * g / d - lr * mu_next / (1 - float(product) * mu_next) * m / d
        out.append(x)
    return out


def ref_radam(x, grads, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, decoupled_weight_decay=False):
    beta1, beta2 = betas
    m, v, out = 0 * x, 0 * x, []
    rho_inf = 2 / (1 - beta2) - 1
    for t, g in enumerate(grads, 1):
        x, g = with_weight_decay(x, g, lr, weight_decay, decoupled_weight_decay)
        m = beta1 * m + (1 - beta1) * g
        v = beta2 * v + (1 - beta2) * g * g
        m_hat = m / (1 - beta1 ** t)
        rho_t = rho_inf - 2 * t * beta2 ** t / (1 - beta2 ** t)
        if rho_t > 5:
            r = np.sqrt((rho_t - 4) * (rho_t - 2) * rho_inf / ((rho_inf - 4) * (rho_inf - 2) * rho_t))
            x = x - lr * m_hat * r * np.sqrt(1 - beta2 ** t) / (np.sqrt(v) + eps)
        else:
            x = x - lr * m_hat
        out.append(x)
    return out


CASES = [
    ("Adadelta", {}, ref_adadelta),
    ("Adadelta", dict(lr=0.5, rho=0.8, eps=1e-4, weight_decay=0.1), ref_adadelta),
    ("Adamax", {}, ref_adamax),
    ("Adamax", dict(lr=0.01, betas=(0.8, 0.99), eps=1e-6, weight_decay=0.1), ref_adamax),
    ("NAdam", {}, ref_nadam),
    ("NAdam", dict(lr=0.01, betas=(0.8, 0.99), momentum_decay=0.01, weight_decay=0.1), ref_nadam),
    ("NAdam", dict(lr=0.01, weight_decay=0.1, decoupled_weight_decay=True), ref_nadam),
    ("RAdam", {}, ref_radam),
    ("RAdam", dict(lr=0.01, betas=(0.8, 0.9), weight_decay=0.1), ref_radam),  # rho_t > 5 from step 6
    ("RAdam", dict(lr=0.01, betas=(0.5, 0.7), weight_decay=0.1, decoupled_weight_decay=True), ref_radam),
]
IDS = [f"{name}-{'-'.join(f'{k}={v}' for k, v in kw.items())}" for name, kw, _ in CASES]


@pytest.mark.parametrize("name, options, reference", CASES, ids=IDS)
def test_matches_written_out_update_rule(name, options, reference):
    ours = run(name, options)
    for step, (a, b) in enumerate(zip(ours, reference(X0, GRADS, **options))):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-14, err_msg=f"{name} step {step + 1}")
    assert not np.allclose(ours[-1], X0)


@pytest.mark.parametrize("name, options, reference", CASES, ids=IDS)
def test_matches_torch(name, options, reference):
    torch = pytest.importorskip("torch")
    ours = run(name, options)
    theirs = stepped(lambda params: getattr(torch.optim, name)(params, foreach=False, **options), torch.tensor,
                     X0, GRADS)[2]
    for step, (a, b) in enumerate(zip(ours, theirs)):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-14, err_msg=f"{name} step {step + 1}")


def test_radam_is_plain_momentum_until_the_variance_is_tractable():
    # With beta2 = 0.9, rho_t = 19 - 2t 0.9^t / (1 - 0.9^t) passes 5 at t = 6: before, x -= lr * m_hat.
    rho = [19 - 2 * t * 0.9 ** t / (1 - 0.9 ** t) for t in range(1, 9)]
    assert [r > 5 for r in rho] == [False] * 5 + [True] * 3
    ours = run("RAdam", dict(lr=0.01, betas=(0.8, 0.9)))
    np.testing.assert_allclose(ours[0], X0 - 0.01 * GRADS[0], rtol=1e-13)


@pytest.mark.parametrize("name", ["Adadelta", "Adamax", "NAdam", "RAdam"])
def test_maximize_is_descent_on_minus_gradient(name):
    up = run(name, dict(lr=0.01, maximize=True))
    down = run(name, dict(lr=0.01), grads=[-g for g in GRADS])
    np.testing.assert_allclose(up[-1], down[-1], rtol=1e-12)


# ---------------------------------------------------------------- state_dicts, also PyTorch's
ALL = ["SGD", "Adam", "AdamW", "RMSprop", "Adagrad", "Adadelta", "Adamax", "NAdam", "RAdam"]
OPTIONS = {"SGD": dict(lr=0.1, momentum=0.9), "RMSprop": dict(lr=0.01, momentum=0.5, centered=True),
           "Adam": dict(lr=0.01, amsgrad=True)}
STATE_KEYS = {  # PyTorch 2.13's per-parameter state, written out
    "SGD": ["momentum_buffer"], "Adam": ["step", "exp_avg", "exp_avg_sq", "max_exp_avg_sq"],
    "AdamW": ["step", "exp_avg", "exp_avg_sq"], "RMSprop": ["step", "square_avg", "momentum_buffer", "grad_avg"],
    "Adagrad": ["step", "sum"], "Adadelta": ["step", "square_avg", "acc_delta"],
    "Adamax": ["step", "exp_avg", "exp_inf"], "NAdam": ["step", "mu_product", "exp_avg", "exp_avg_sq"],
    "RAdam": ["step", "exp_avg", "exp_avg_sq"]}


def ours_after(name, steps):
    return stepped(lambda params: getattr(optim, name)(params, **OPTIONS.get(name, {})), tg.tensor,
                   X0, GRADS[:steps])[:2]


def torch_after(torch, name, steps):
    return stepped(lambda params: getattr(torch.optim, name)(params, foreach=False, **OPTIONS.get(name, {})),
                   torch.tensor, X0, GRADS[:steps])[:2]


@pytest.mark.parametrize("name", ALL)
def test_state_keys_and_group_keys_are_torchs(name):
    opt, _ = ours_after(name, 2)
    sd = opt.state_dict()
    assert sorted(sd["state"][0]) == sorted(STATE_KEYS[name])
    assert list(sd["param_groups"][0]) == [*TORCH_GROUP_KEYS[name], "params"]


TORCH_GROUP_KEYS = {name: list(getattr(optim, name)([tg.tensor([1.0], requires_grad=True)]).defaults)
                    for name in ALL}  # (their order is pinned to PyTorch's in test_optim's defaults tests)


@pytest.mark.parametrize("name", ALL)
def test_state_dict_layout_matches_torch(name):
    torch = pytest.importorskip("torch")
    theirs, _ = torch_after(torch, name, 2)
    ours, _ = ours_after(name, 2)
    a, b = ours.state_dict(), theirs.state_dict()
    assert list(a["state"][0]) == list(b["state"][0])
    assert [list(g) for g in a["param_groups"]] == [list(g) for g in b["param_groups"]]


WITH_STEP = [name for name in ALL if "step" in STATE_KEYS[name]]  # every one but SGD


@pytest.mark.parametrize("name", WITH_STEP)
def test_the_step_count_is_a_float32_0d_tensor_as_pytorchs(name):
    opt, p = ours_after(name, 3)  # a float64 parameter: the count stays float32, as PyTorch's
    for step in (opt.state[p]["step"], opt.state_dict()["state"][0]["step"]):
        assert type(step) is tg.Tensor and step.dtype == tg.float32 and step.shape == ()
        assert repr(step) == "tensor(3.)" and not step.requires_grad
    fresh = getattr(optim, name)([tg.tensor(X0, requires_grad=True)])
    for saved in (3, np.array(3), np.array(3.0, dtype=np.float32), tg.tensor(3.0, dtype=tg.float64)):
        sd = copy.deepcopy(opt.state_dict())  # a step as a number, an array or another dtype loads as tensor(3.)
        sd["state"][0]["step"] = saved
        fresh.load_state_dict(sd)
        loaded = fresh.state[fresh.param_groups[0]["params"][0]]["step"]
        assert repr(loaded) == "tensor(3.)" and loaded.dtype == tg.float32


@pytest.mark.parametrize("name", WITH_STEP)
def test_the_step_count_matches_torchs(name):
    torch = pytest.importorskip("torch")
    theirs, p = torch_after(torch, name, 3)
    ours, q = ours_after(name, 3)
    a, b = ours.state[q]["step"], theirs.state[p]["step"]
    assert repr(a) == repr(b) == "tensor(3.)"
    assert str(a.dtype).split(".")[-1] == str(b.dtype).split(".")[-1] == "float32"
    assert tuple(a.shape) == tuple(b.shape) == ()


def continue_ours(opt, p, steps_done):
    for g in GRADS[steps_done:]:
        p.grad = tg.tensor(g)
        opt.step()
    return p._data


@pytest.mark.parametrize("name", ALL)
def test_state_dict_round_trip_continues_identically(name):
    opt, p = ours_after(name, 4)
    whole = continue_ours(*ours_after(name, 4), 4)
    q = tg.tensor(p._data.copy(), requires_grad=True)
    fresh = getattr(optim, name)([q], lr=123.0)
    fresh.load_state_dict(copy.deepcopy(opt.state_dict()))
    if name == "NAdam":  # loading casts mu_product from float32 to the parameter's dtype, as PyTorch does
        assert opt.state[p]["mu_product"].dtype == np.float32 and fresh.state[q]["mu_product"].dtype == np.float64
        np.testing.assert_allclose(continue_ours(fresh, q, 4), whole, rtol=1e-8)
    else:
        np.testing.assert_array_equal(continue_ours(fresh, q, 4), whole)


def torch_resumed(torch, name, state_dict, values):
    opt = getattr(torch.optim, name)([torch.tensor(values, requires_grad=True)], foreach=False, lr=123.0)
    opt.load_state_dict(state_dict)
    return opt, opt.param_groups[0]["params"][0]


@pytest.mark.parametrize("name", ALL)
def test_torchs_state_dict_loads_into_ours_and_ours_into_torch(name):
    torch = pytest.importorskip("torch")
    theirs, p = torch_after(torch, name, 4)
    values = p.detach().numpy().copy()
    resumed, r = torch_resumed(torch, name, theirs.state_dict(), values.copy())  # PyTorch's own round trip
    ours = getattr(optim, name)([tg.tensor(values.copy(), requires_grad=True)], lr=123.0)
    ours.load_state_dict({"state": {k: {n: v.numpy() for n, v in s.items()}
                                    for k, s in theirs.state_dict()["state"].items()},
                          "param_groups": theirs.state_dict()["param_groups"]})
    q = ours.param_groups[0]["params"][0]
    ours_sd = ours.state_dict()
    back, b = torch_resumed(torch, name, {"state": {k: {n: torch.tensor(np.asarray(v)) for n, v in s.items()}
                                                    for k, s in ours_sd["state"].items()},
                                          "param_groups": ours_sd["param_groups"]}, values.copy())
    for g in GRADS[4:]:
        r.grad, b.grad, q.grad = torch.tensor(g), torch.tensor(g), tg.tensor(g)
        resumed.step()
        back.step()
        ours.step()
    np.testing.assert_allclose(q._data, r.detach().numpy(), rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(b.detach().numpy(), r.detach().numpy(), rtol=1e-12, atol=1e-14)


# ---------------------------------------------------------------- foreach, fused, capturable, differentiable
def accepts(name, option):
    return option in inspect.signature(getattr(optim, name)).parameters


@pytest.mark.parametrize("name", ALL)
def test_foreach_and_fused_change_nothing(name):
    plain = run(name, dict(lr=0.01))
    for options in [dict(foreach=True), dict(foreach=False), dict(fused=True), dict(fused=False)]:
        if accepts(name, next(iter(options))):
            np.testing.assert_array_equal(run(name, dict(lr=0.01, **options))[-1], plain[-1])
            p = tg.tensor([1.0], requires_grad=True)
            assert getattr(optim, name)([p], **options).param_groups[0][next(iter(options))] is next(
                iter(options.values()))  # kept in the group, as PyTorch keeps it


# Which optimizers have which option, in PyTorch 2.13 (others raise TypeError there and here).
HAS_FUSED = {"SGD", "Adam", "AdamW", "Adagrad"}
HAS_CAPTURABLE = {"Adam", "AdamW", "RMSprop", "Adadelta", "Adamax", "NAdam", "RAdam"}


@pytest.mark.parametrize("name", ALL)
def test_which_options_each_optimizer_takes(name):
    assert accepts(name, "fused") == (name in HAS_FUSED)
    assert accepts(name, "capturable") == (name in HAS_CAPTURABLE)
    assert accepts(name, "foreach") and accepts(name, "differentiable") and accepts(name, "maximize")
    p = tg.tensor([1.0], requires_grad=True)
    with pytest.raises(RuntimeError, match="differentiable"):
        getattr(optim, name)([p], differentiable=True)
    if name in HAS_CAPTURABLE:
        with pytest.raises(RuntimeError, match="capturable"):
            getattr(optim, name)([p], capturable=True)
    if name in HAS_FUSED:
        with pytest.raises(RuntimeError, match="cannot be `True` together"):
            getattr(optim, name)([p], fused=True, foreach=True)
    else:
        with pytest.raises(TypeError):
            getattr(optim, name)([p], fused=True)


@pytest.mark.parametrize("name", ALL)
def test_signatures_are_torchs(name):
    torch = pytest.importorskip("torch")

    def layout(cls):
        return [(p.name, p.kind, p.default) for p in inspect.signature(cls).parameters.values()]
    assert layout(getattr(optim, name)) == layout(getattr(torch.optim, name))


def test_constructor_errors():
    p = tg.tensor([1.0], requires_grad=True)
    for make_bad in [lambda: optim.Adadelta([p], rho=1.1), lambda: optim.Adadelta([p], lr=-1),
                     lambda: optim.Adamax([p], betas=(1.0, 0.9)), lambda: optim.NAdam([p], momentum_decay=-1),
                     lambda: optim.RAdam([p], eps=-1), lambda: optim.NAdam([p], weight_decay=-0.1)]:
        with pytest.raises(ValueError):
            make_bad()
    optim.Adadelta([p], rho=1.0)  # PyTorch allows rho = 1
