"""Optimizers: step by step against the update rules written out here, and against PyTorch (when installed)."""

import copy

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from optim_steps import stepped

import tinygrad_edu as tg
import tinygrad_edu.optim as optim

STEPS = 6


def gradients(shape=(3, 4), steps=STEPS, seed=0):
    rng = np.random.default_rng(seed)
    return [rng.standard_normal(shape) for _ in range(steps)]


def initial(shape=(3, 4), seed=1):
    return np.random.default_rng(seed).standard_normal(shape)


def run(make_optimizer, x0, grads):
    """Our optimizer on one float64 parameter fed the given gradient sequence; the parameter after each step."""
    return stepped(make_optimizer, tg.tensor, x0, grads)[2]


# ---------------------------------------------------------------- the update rules, written out
def ref_sgd(x, grads, lr, momentum=0, dampening=0, weight_decay=0, nesterov=False):
    buf, out = None, []
    for g in grads:
        g = g + weight_decay * x
        if momentum:
            buf = g.copy() if buf is None else momentum * buf + (1 - dampening) * g
            g = g + momentum * buf if nesterov else buf
        x = x - lr * g
        out.append(x)
    return out


def ref_adam(x, grads, lr, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, amsgrad=False, decoupled=False):
    m, v, vmax, out = 0 * x, 0 * x, 0 * x, []
    for t, g in enumerate(grads, 1):
        if decoupled:
            x = x * (1 - lr * weight_decay)
        else:
            g = g + weight_decay * x
        m = betas[0] * m + (1 - betas[0]) * g
        v = betas[1] * v + (1 - betas[1]) * g * g
        vmax = np.maximum(vmax, v)
        m_hat = m / (1 - betas[0] ** t)
        v_hat = (vmax if amsgrad else v) / (1 - betas[1] ** t)
        x = x - lr * m_hat / (np.sqrt(v_hat) + eps)
        out.append(x)
    return out


def ref_rmsprop(x, grads, lr, alpha=0.99, eps=1e-8, weight_decay=0, momentum=0, centered=False):
    s, a, b, out = 0 * x, 0 * x, 0 * x, []
    for g in grads:
        g = g + weight_decay * x
        s = alpha * s + (1 - alpha) * g ** 2
        if centered:
            a = alpha * a + (1 - alpha) * g
            d = np.sqrt(s - a ** 2) + eps
        else:
            d = np.sqrt(s) + eps
        if momentum:
            b = momentum * b + g / d
            x = x - lr * b
        else:
            x = x - lr * g / d
        out.append(x)
    return out


def ref_adagrad(x, grads, lr, lr_decay=0, weight_decay=0, initial_accumulator_value=0, eps=1e-10):
    s, out = np.full_like(x, initial_accumulator_value), []
    for t, g in enumerate(grads, 1):
        g = g + weight_decay * x
        clr = lr / (1 + (t - 1) * lr_decay)
        s = s + g * g
        x = x - clr * g / (np.sqrt(s) + eps)
        out.append(x)
    return out


CASES = [
    ("SGD", dict(lr=0.1), ref_sgd),
    ("SGD", dict(lr=0.1, momentum=0.9), ref_sgd),
    ("SGD", dict(lr=0.1, momentum=0.9, dampening=0.3, weight_decay=0.01), ref_sgd),
    ("SGD", dict(lr=0.05, momentum=0.8, nesterov=True, weight_decay=0.1), ref_sgd),
    ("Adam", dict(lr=0.01), ref_adam),
    ("Adam", dict(lr=0.01, betas=(0.8, 0.99), eps=1e-6, weight_decay=0.1), ref_adam),
    ("Adam", dict(lr=0.01, amsgrad=True), ref_adam),
    ("AdamW", dict(lr=0.01, weight_decay=0.1), lambda x, g, **kw: ref_adam(x, g, decoupled=True, **kw)),
    ("AdamW", dict(lr=0.01, amsgrad=True), lambda x, g, **kw: ref_adam(x, g, decoupled=True, weight_decay=1e-2, **kw)),
    ("RMSprop", dict(lr=0.01), ref_rmsprop),
    ("RMSprop", dict(lr=0.01, alpha=0.9, weight_decay=0.1, momentum=0.5), ref_rmsprop),
    ("RMSprop", dict(lr=0.01, centered=True), ref_rmsprop),
    ("RMSprop", dict(lr=0.01, centered=True, momentum=0.9), ref_rmsprop),
    ("Adagrad", dict(lr=0.1), ref_adagrad),
    ("Adagrad", dict(lr=0.1, lr_decay=0.1, weight_decay=0.05, initial_accumulator_value=0.5), ref_adagrad),
]
IDS = [f"{name}-{'-'.join(f'{k}={v}' for k, v in kw.items())}" for name, kw, _ in CASES]


@pytest.mark.parametrize("name, options, reference", CASES, ids=IDS)
def test_matches_written_out_update_rule(name, options, reference):
    x0, grads = initial(), gradients()
    ours = run(lambda params: getattr(optim, name)(params, **options), x0, grads)
    expected = reference(x0, grads, **options)
    for step, (a, b) in enumerate(zip(ours, expected)):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-12, err_msg=f"{name} step {step + 1}")
    assert not np.allclose(ours[-1], x0)  # it did move


@pytest.mark.parametrize("name, options, reference", CASES, ids=IDS)
def test_matches_torch(name, options, reference):
    torch = pytest.importorskip("torch")
    x0, grads = initial(), gradients()
    ours = run(lambda params: getattr(optim, name)(params, **options), x0, grads)
    theirs = stepped(lambda params: getattr(torch.optim, name)(params, foreach=False, **options), torch.tensor,
                     x0, grads)[2]
    for step, (a, b) in enumerate(zip(ours, theirs)):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-12, err_msg=f"{name} step {step + 1}")


@pytest.mark.parametrize("name", ["SGD", "Adam", "AdamW", "RMSprop", "Adagrad", "Adadelta", "Adamax", "NAdam",
                                  "RAdam"])
def test_default_hyperparameters_match_torch(name):
    torch = pytest.importorskip("torch")
    ours = getattr(optim, name)([tg.tensor([1.0], requires_grad=True)]).defaults
    theirs = getattr(torch.optim, name)([torch.zeros(1, requires_grad=True)]).defaults
    assert list(ours.items()) == list(theirs.items())


ADAM_DEFAULTS = {"lr": 0.001, "betas": (0.9, 0.999), "eps": 1e-08, "weight_decay": 0, "amsgrad": False,
                 "maximize": False, "foreach": None, "capturable": False, "differentiable": False, "fused": None,
                 "decoupled_weight_decay": False}
TORCH_DEFAULTS = {  # PyTorch 2.13's defaults, written out, in its order (the order repr() lists them in)
    "SGD": {"lr": 0.001, "momentum": 0, "dampening": 0, "weight_decay": 0, "nesterov": False, "maximize": False,
            "foreach": None, "differentiable": False, "fused": None},
    "Adam": ADAM_DEFAULTS,
    "AdamW": {**ADAM_DEFAULTS, "weight_decay": 0.01, "decoupled_weight_decay": True},
    "RMSprop": {"lr": 0.01, "momentum": 0, "alpha": 0.99, "eps": 1e-08, "centered": False, "weight_decay": 0,
                "capturable": False, "foreach": None, "maximize": False, "differentiable": False},
    "Adagrad": {"lr": 0.01, "lr_decay": 0, "eps": 1e-10, "weight_decay": 0, "initial_accumulator_value": 0,
                "foreach": None, "maximize": False, "differentiable": False, "fused": None},
    "Adadelta": {"lr": 1.0, "rho": 0.9, "eps": 1e-06, "weight_decay": 0, "maximize": False, "capturable": False,
                 "foreach": None, "differentiable": False},
    "Adamax": {"lr": 0.002, "betas": (0.9, 0.999), "eps": 1e-08, "weight_decay": 0, "foreach": None,
               "maximize": False, "differentiable": False, "capturable": False},
    "NAdam": {"lr": 0.002, "betas": (0.9, 0.999), "eps": 1e-08, "weight_decay": 0, "momentum_decay": 0.004,
              "decoupled_weight_decay": False, "maximize": False, "foreach": None, "capturable": False,
              "differentiable": False},
    "RAdam": {"lr": 0.001, "betas": (0.9, 0.999), "eps": 1e-08, "weight_decay": 0, "maximize": False,
              "foreach": None, "capturable": False, "decoupled_weight_decay": False, "differentiable": False},
}


@pytest.mark.parametrize("name", sorted(TORCH_DEFAULTS))
def test_default_hyperparameters_are_pytorchs(name):
    defaults = getattr(optim, name)([tg.tensor([1.0], requires_grad=True)]).defaults
    assert list(defaults.items()) == list(TORCH_DEFAULTS[name].items())


@pytest.mark.parametrize("name", ["SGD", "Adam", "RMSprop", "Adagrad"])
def test_maximize_is_descent_on_minus_gradient(name):
    x0, grads = initial(), gradients()
    up = run(lambda params: getattr(optim, name)(params, lr=0.01, maximize=True), x0, grads)
    down = run(lambda params: getattr(optim, name)(params, lr=0.01), x0, [-g for g in grads])
    np.testing.assert_allclose(up[-1], down[-1], rtol=1e-12)


# ---------------------------------------------------------------- groups, state, errors
def test_param_groups_with_their_own_lr():
    a = tg.tensor([1.0, 2.0], requires_grad=True)
    b = tg.tensor([3.0], requires_grad=True)
    opt = optim.SGD([{"params": [a]}, {"params": b, "lr": 0.5}], lr=0.1, momentum=0.9)
    assert [g["lr"] for g in opt.param_groups] == [0.1, 0.5]
    assert opt.param_groups[1]["momentum"] == 0.9  # the default fills what the group leaves out
    a.grad, b.grad = tg.tensor([1.0, 1.0]), tg.tensor([1.0])
    opt.step()
    np.testing.assert_allclose(a._data, [0.9, 1.9])
    np.testing.assert_allclose(b._data, [2.5])


def test_add_param_group_and_skip_params_without_grad():
    a = tg.tensor([1.0], requires_grad=True)
    b = tg.tensor([1.0], requires_grad=True)
    opt = optim.Adam([a], lr=0.1)
    opt.add_param_group({"params": [b], "lr": 0.2})
    assert opt.param_groups[1]["betas"] == (0.9, 0.999)
    b.grad = tg.tensor([1.0])
    opt.step()
    assert a._data[0] == 1.0 and a not in opt.state  # no grad: untouched, no state
    np.testing.assert_allclose(b._data, [0.8], rtol=1e-6)  # Adam's first step moves by lr


def test_step_changes_parameter_in_place_and_keeps_dtype():
    p = tg.tensor(np.ones((2, 2), np.float32), requires_grad=True)
    array, version = p._data, p._version
    opt = optim.Adam([p], lr=0.1, weight_decay=0.1)
    p.grad = tg.tensor(np.ones((2, 2), np.float32))
    opt.step()
    assert p._data is array and p.dtype == np.float32
    assert opt.state[p]["exp_avg"].dtype == np.float32
    assert p._version > version


def test_step_does_not_change_the_gradient():
    p = tg.tensor([1.0, 2.0], requires_grad=True)
    g = np.array([0.5, -0.5], dtype=np.float32)
    opt = optim.SGD([p], lr=0.1, momentum=0.9, weight_decay=0.1, nesterov=True)
    p.grad = tg.tensor(g.copy())
    opt.step()
    opt.step()
    np.testing.assert_array_equal(p.grad._data, g)


def test_zero_grad():
    p = tg.tensor([1.0, 2.0], requires_grad=True)
    opt = optim.SGD([p], lr=0.1)
    (p * p).sum().backward()
    opt.zero_grad(set_to_none=False)
    np.testing.assert_array_equal(p.grad._data, [0.0, 0.0])
    opt.zero_grad()
    assert p.grad is None


def test_closure_is_evaluated_and_its_loss_returned():
    p = tg.tensor([3.0], requires_grad=True)
    opt = optim.SGD([p], lr=0.25)

    def closure():
        opt.zero_grad()
        loss = (p * p).sum()
        loss.backward()
        return loss

    with tg.no_grad():  # closure() records a graph even so
        loss = opt.step(closure)
    assert loss.item() == 9.0
    np.testing.assert_allclose(p._data, [1.5])  # 3 - 0.25 * 6


@pytest.mark.parametrize("name", ["SGD", "Adam", "AdamW", "RMSprop", "Adagrad"])
def test_minimises_a_quadratic_through_autograd(name):
    target = np.array([1.0, -2.0, 3.0])
    p = tg.tensor(np.zeros(3), requires_grad=True)
    options = {"SGD": dict(lr=0.1, momentum=0.9), "Adagrad": dict(lr=1.0)}.get(name, dict(lr=0.1))
    opt = getattr(optim, name)([p], **options)
    for _ in range(300):
        opt.zero_grad()
        ((p - tg.tensor(target)) ** 2).sum().backward()
        opt.step()
    np.testing.assert_allclose(p._data, target, atol=0.05)


def test_state_dict_format_is_pytorchs():
    a = tg.tensor([1.0], requires_grad=True)
    b = tg.tensor([1.0, 2.0], requires_grad=True)
    c = tg.tensor([1.0], requires_grad=True)
    opt = optim.SGD([{"params": [a, b]}, {"params": [c], "lr": 0.5}], lr=0.1, momentum=0.9)
    b.grad = tg.tensor([1.0, 1.0])
    opt.step()
    sd = opt.state_dict()
    assert [g["params"] for g in sd["param_groups"]] == [[0, 1], [2]]
    assert list(sd["state"]) == [1] and set(sd["state"][1]) == {"momentum_buffer"}
    assert sd["param_groups"][1]["lr"] == 0.5
    opt.step()  # a saved state_dict does not change afterwards
    np.testing.assert_array_equal(sd["state"][1]["momentum_buffer"], [1.0, 1.0])


def state_keys_after_one_step(name, options) -> set:
    p = tg.tensor([1.0, 2.0], requires_grad=True)
    opt = getattr(optim, name)([p], **options)
    p.grad = tg.tensor([0.5, 0.5])
    opt.step()
    return set(opt.state_dict()["state"][0])


@pytest.mark.parametrize("name, options, expected", [
    ("SGD", dict(momentum=0.9), {"momentum_buffer"}),
    ("Adam", dict(amsgrad=True), {"step", "exp_avg", "exp_avg_sq", "max_exp_avg_sq"}),
    ("RMSprop", dict(momentum=0.9, centered=True), {"step", "square_avg", "momentum_buffer", "grad_avg"}),
    ("Adagrad", {}, {"step", "sum"})])
def test_state_keys_are_pytorchs(name, options, expected):
    # torch 2.x's keys, written out, so CI without torch checks them too.
    assert state_keys_after_one_step(name, options) == expected


def state_dict_keys_match_torch_for(name, options):
    torch = pytest.importorskip("torch")
    theirs_p = torch.tensor([1.0, 2.0], requires_grad=True)
    theirs = getattr(torch.optim, name)([theirs_p], **options)
    theirs_p.grad = torch.tensor([0.5, 0.5])
    theirs.step()
    assert state_keys_after_one_step(name, options) == set(theirs.state_dict()["state"][0])


@pytest.mark.parametrize("name, options", [("SGD", dict(momentum=0.9)), ("Adam", dict(amsgrad=True)),
                                           ("RMSprop", dict(momentum=0.9, centered=True)), ("Adagrad", {})])
def test_state_keys_match_torch(name, options):
    state_dict_keys_match_torch_for(name, options)


@pytest.mark.parametrize("name, options", [("SGD", dict(lr=0.1, momentum=0.9, nesterov=True)),
                                           ("Adam", dict(lr=0.01, amsgrad=True)), ("AdamW", dict(lr=0.01)),
                                           ("RMSprop", dict(lr=0.01, momentum=0.5, centered=True)),
                                           ("Adagrad", dict(lr=0.1, lr_decay=0.01))])
@pytest.mark.parametrize("through_file_types", [False, True])
def test_state_dict_round_trip_continues_identically(name, options, through_file_types):
    grads = gradients((4,), steps=8)
    p = tg.tensor(initial((4,)), requires_grad=True)
    opt = getattr(optim, name)([p], **options)
    for g in grads[:4]:
        p.grad = tg.tensor(g)
        opt.step()
    sd = opt.state_dict()
    if through_file_types:  # what a file format may give back: string keys, lists for tuples, 0-d arrays
        sd = {"state": {str(k): {n: np.asarray(v) for n, v in s.items()} for k, s in sd["state"].items()},
              "param_groups": [{k: list(v) if isinstance(v, tuple) else v for k, v in g.items()}
                               for g in sd["param_groups"]]}
    q = tg.tensor(p._data.copy(), requires_grad=True)
    fresh = getattr(optim, name)([q], lr=123.0)  # options come back from the state_dict
    fresh.load_state_dict(copy.deepcopy(sd))
    assert fresh.param_groups[0]["lr"] == options["lr"]
    for g in grads[4:]:
        p.grad, q.grad = tg.tensor(g), tg.tensor(g)
        opt.step()
        fresh.step()
    np.testing.assert_array_equal(p._data, q._data)
    if "betas" in fresh.defaults:
        assert isinstance(fresh.param_groups[0]["betas"], tuple)


def test_state_dict_survives_save_and_load(tmp_path):
    grads = gradients((3,), steps=6)
    p = tg.tensor(initial((3,)), requires_grad=True)
    opt = optim.Adam([p], lr=0.01, amsgrad=True)
    for g in grads[:3]:
        p.grad = tg.tensor(g)
        opt.step()
    tg.save(opt.state_dict(), str(tmp_path / "opt.npz"))
    q = tg.tensor(p._data.copy(), requires_grad=True)
    fresh = optim.Adam([q])
    fresh.load_state_dict(tg.load(str(tmp_path / "opt.npz")))
    for g in grads[3:]:
        p.grad, q.grad = tg.tensor(g), tg.tensor(g)
        opt.step()
        fresh.step()
    np.testing.assert_array_equal(p._data, q._data)


def test_load_state_dict_errors():
    opt = optim.SGD([tg.tensor([1.0], requires_grad=True)], lr=0.1)
    two = optim.SGD([tg.tensor([1.0], requires_grad=True), tg.tensor([1.0], requires_grad=True)], lr=0.1)
    with pytest.raises(ValueError, match="1 parameters"):
        two.load_state_dict(opt.state_dict())
    grouped = optim.SGD([{"params": [tg.tensor([1.0], requires_grad=True)]},
                         {"params": [tg.tensor([1.0], requires_grad=True)]}], lr=0.1)
    with pytest.raises(ValueError, match="2 parameter groups"):
        opt.load_state_dict(grouped.state_dict())


def test_constructor_errors():
    p = tg.tensor([1.0], requires_grad=True)
    with pytest.raises(ValueError, match="empty parameter list"):
        optim.SGD([], lr=0.1)
    with pytest.raises(TypeError, match="iterable of Tensors"):
        optim.SGD(p, lr=0.1)
    with pytest.raises(TypeError, match="can only optimize Tensors"):
        optim.SGD([np.zeros(2)], lr=0.1)
    with pytest.raises(ValueError, match="non-leaf"):
        optim.SGD([p * 2], lr=0.1)
    with pytest.raises(ValueError, match="more than one parameter group"):
        optim.SGD([{"params": [p]}, {"params": [p]}], lr=0.1)
    with pytest.raises(ValueError, match="more than one parameter group"):
        optim.SGD([p, p], lr=0.1)
    opt = optim.SGD([p], lr=0.1)
    with pytest.raises(ValueError, match="more than one parameter group"):
        opt.add_param_group({"params": [p]})
    with pytest.raises(TypeError, match="not a set"):
        opt.add_param_group({"params": {tg.tensor([1.0], requires_grad=True)}})
    with pytest.raises(ValueError, match="Invalid learning rate"):
        optim.Adam([p], lr=-1)
    with pytest.raises(ValueError, match="beta parameter at index 1"):
        optim.Adam([p], betas=(0.9, 1.0))
    with pytest.raises(ValueError, match="Nesterov"):
        optim.SGD([p], lr=0.1, nesterov=True)


def test_gradient_of_the_wrong_shape_is_reported():
    p = tg.tensor([1.0, 2.0], requires_grad=True)
    p._grad = tg.tensor([1.0, 2.0, 3.0])  # (assigning .grad would refuse it already: see test_autograd)
    with pytest.raises(RuntimeError, match=r"SGD.step: parameter 0 of param group 0 \(shape \(2,\), dtype float32\) "
                                           r"has a gradient of shape \(3,\)"):
        optim.SGD([p], lr=0.1).step()


def test_repr_lists_groups():
    text = repr(optim.SGD([tg.tensor([1.0], requires_grad=True)], lr=0.1, momentum=0.9))
    assert text.startswith("SGD (") and "Parameter Group 0" in text and "momentum: 0.9" in text


ADAM_REPR = """Adam (
Parameter Group 0
    amsgrad: False
    betas: (0.5, 0.999)
    capturable: False
    decoupled_weight_decay: False
    differentiable: False
    eps: 1e-08
    foreach: None
    fused: None
    lr: 0.0002
    maximize: False
    weight_decay: 0
)"""


def test_repr_sorts_the_options_as_pytorch_does():
    """The DCGAN tutorial's Adam(betas=(0.5, 0.999)), printed: options in alphabetical order, as PyTorch's repr."""
    assert repr(optim.Adam([tg.tensor([1.0], requires_grad=True)], lr=0.0002, betas=(0.5, 0.999))) == ADAM_REPR


def test_repr_matches_torch():
    torch = pytest.importorskip("torch")
    ours = optim.Adam([tg.tensor([1.0], requires_grad=True)], lr=0.0002, betas=(0.5, 0.999))
    theirs = torch.optim.Adam([torch.ones(1, requires_grad=True)], lr=0.0002, betas=(0.5, 0.999))
    assert repr(ours) == repr(theirs) == ADAM_REPR


# ---------------------------------------------------------------- a step is all or nothing

OPTIMIZERS = {
    "SGD": lambda params: optim.SGD(params, lr=0.1, momentum=0.9, nesterov=True),
    "Adam": lambda params: optim.Adam(params, lr=0.1, amsgrad=True),
    "AdamW": lambda params: optim.AdamW(params, lr=0.1),
    "RMSprop": lambda params: optim.RMSprop(params, lr=0.1, momentum=0.5, centered=True),
    "Adagrad": lambda params: optim.Adagrad(params, lr=0.1, lr_decay=0.01),
}


def optimizer_snapshot(opt, params):
    """Everything a step may change: the parameters, every state entry (copied) and the step count."""
    state = [{key: np.copy(value) if isinstance(value, np.ndarray) else value
              for key, value in opt.state.get(p, {}).items()} for p in params]
    return [p._data.copy() for p in params], state, opt._step_count, [p._version for p in params]


def assert_same_snapshot(before, after):
    (params_a, state_a, count_a, versions_a), (params_b, state_b, count_b, versions_b) = before, after
    assert count_a == count_b and versions_a == versions_b
    for a, b in zip(params_a, params_b):
        np.testing.assert_array_equal(a, b)
    for a, b in zip(state_a, state_b):
        assert list(a) == list(b)
        for key in a:
            np.testing.assert_array_equal(a[key], b[key], err_msg=key)


def trained(kind):
    """An optimizer over three parameters, two groups, after two good steps (so it has state)."""
    params = [tg.tensor([1.0, -2.0], requires_grad=True), tg.tensor([[0.5]], requires_grad=True),
              tg.tensor([3.0, 1.0, 2.0], requires_grad=True)]
    opt = OPTIMIZERS[kind]([{"params": params[:2]}, {"params": params[2:], "lr": 0.05}])
    for _ in range(2):
        for p in params:
            p.grad = tg.ones(*p.shape)
        opt.step()
    return opt, params


def breakage(how, opt, params):
    last = params[-1]  # updated last: a step that checks as it goes would have changed the others already
    if how == "shape":  # the .grad setter refuses this; a grad set before p.data was replaced gets here
        last._grad = tg.ones(4)
        return RuntimeError, r"parameter 0 of param group 1 \(shape \(3,\), dtype float32\) has a gradient of " \
                             r"shape \(4,\)"
    if how == "dtype":  # the .grad setter refuses this too
        last._grad = tg.ones(3, dtype=tg.float64)
        return RuntimeError, "has a gradient of dtype float64; the gradient and the parameter must have the same dtype"
    if how == "not a tensor":  # past the .grad setter, which refuses it too
        last._grad = np.ones(3, dtype=np.float32)
        return TypeError, "has a .grad of type ndarray; a gradient must be a Tensor or None"
    if how == "read-only":
        last._data.flags.writeable = False
        return RuntimeError, "is read-only"
    if how == "option":
        opt.param_groups[1]["lr"] = "0.1"
        return TypeError, r"param group 1 has lr='0.1'; it must be a number"
    if how == "state":
        key = next(k for k, v in opt.state[last].items() if isinstance(v, tg.Tensor) and v.ndim)
        opt.state[last][key] = tg.zeros(7)
        return RuntimeError, f"its optimizer state '{key}' is a tensor of shape \\(7,\\)"
    raise AssertionError(how)


BREAKAGES = ["shape", "dtype", "not a tensor", "read-only", "option", "state"]


@pytest.mark.parametrize("how", BREAKAGES)
@pytest.mark.parametrize("kind", list(OPTIMIZERS))
def test_a_bad_gradient_or_state_changes_nothing(kind, how):
    opt, params = trained(kind)
    for p in params:
        p.grad = tg.full(p.shape, 0.5)
    error, message = breakage(how, opt, params)
    before = optimizer_snapshot(opt, params)
    with pytest.raises(error, match=message) as info:
        opt.step()
    assert str(info.value).startswith(f"{kind}.step: ") and "Nothing was changed." in str(info.value)
    assert_same_snapshot(before, optimizer_snapshot(opt, params))


def test_an_integer_parameter_is_refused_before_the_step():
    good, counts = tg.tensor([1.0], requires_grad=True), tg.tensor([1, 2])
    opt = optim.SGD([good, counts], lr=0.1)
    good.grad, counts.grad = tg.ones(1), tg.ones(2, dtype=tg.int64)  # (a float grad: the setter refuses)
    with pytest.raises(TypeError, match=r"parameter 1 of param group 0 \(shape \(2,\), dtype int64\): only "
                                        "floating-point parameters can be optimized"):
        opt.step()
    assert good.item() == 1.0 and counts.tolist() == [1, 2] and opt._step_count == 0


def test_a_step_after_a_refused_one_is_the_step_that_would_have_been():
    """Refused and then fixed, the optimizer goes on exactly as if the bad step had never been tried."""
    for kind in OPTIMIZERS:
        opt, params = trained(kind)
        twin, twin_params = trained(kind)
        for p, q in zip(params, twin_params):
            p.grad, q.grad = tg.full(p.shape, 0.25), tg.full(q.shape, 0.25)
        params[-1]._grad = tg.ones(*params[-1].shape, dtype=tg.float64)  # (past the setter, which refuses it too)
        with pytest.raises(RuntimeError):
            opt.step()
        params[-1].grad = tg.full(params[-1].shape, 0.25)
        opt.step()
        twin.step()
        assert_same_snapshot(optimizer_snapshot(twin, twin_params), optimizer_snapshot(opt, params))


@given(st.sampled_from(list(OPTIMIZERS)), st.lists(st.sampled_from(BREAKAGES), max_size=3))
def test_step_is_all_or_nothing(kind, hows):
    """Any breakages in any combination: the step raises and changes nothing, or (none) it steps."""
    opt, params = trained(kind)
    for p in params:
        p.grad = tg.full(p.shape, -0.5)
    for how in hows:
        breakage(how, opt, params)
    before = optimizer_snapshot(opt, params)
    if hows:
        with pytest.raises((RuntimeError, TypeError), match="Nothing was changed"):
            opt.step()
        assert_same_snapshot(before, optimizer_snapshot(opt, params))
    else:
        opt.step()
        assert opt._step_count == before[2] + 1
        assert all(not np.array_equal(p._data, old) for p, old in zip(params, before[0]))


@pytest.mark.parametrize("make, change, key", [
    (lambda ps: optim.Adam(ps, lr=0.1), lambda opt: opt.param_groups[0].update(amsgrad=True), "max_exp_avg_sq"),
    (lambda ps: optim.RMSprop(ps, lr=0.1), lambda opt: opt.param_groups[0].update(momentum=0.9), "momentum_buffer"),
    (lambda ps: optim.RMSprop(ps, lr=0.1), lambda opt: opt.param_groups[0].update(centered=True), "grad_avg"),
    (lambda ps: optim.Adagrad(ps, lr=0.1), lambda opt: opt.state[opt.param_groups[0]["params"][1]].pop("sum"),
     "sum"),
])
def test_state_that_the_options_now_need_but_the_state_lacks_is_refused_before_the_step(make, change, key):
    """Options changed after the first step (or a state saved with other options): PyTorch fails with a
    KeyError part-way; here the step refuses before it changes anything."""
    params = [tg.tensor([1.0, 2.0], requires_grad=True), tg.tensor([3.0], requires_grad=True)]
    opt = make(params)
    for p in params:
        p.grad = tg.ones(*p.shape)
    opt.step()
    change(opt)
    before = optimizer_snapshot(opt, params)
    with pytest.raises(RuntimeError, match=f"its optimizer state '{key}' is missing, not a writable float tensor"):
        opt.step()
    assert_same_snapshot(before, optimizer_snapshot(opt, params))


def test_a_momentum_buffer_of_another_shape_or_a_step_that_is_not_a_tensor_is_refused():
    p, q = tg.tensor([1.0, 2.0], requires_grad=True), tg.tensor([1.0, 2.0], requires_grad=True)
    sgd = optim.SGD([p], lr=0.1, momentum=0.9)
    p.grad = tg.ones(2)
    sgd.step()
    sgd.state[p]["momentum_buffer"] = np.array(1.0)  # 0-d: would broadcast into the update part-way
    with pytest.raises(RuntimeError, match=r"'momentum_buffer' is an array of shape \(\) and dtype float64"):
        sgd.step()
    adam = optim.Adam([q], lr=0.1)
    q.grad = tg.ones(2)
    adam.step()
    adam.state[q]["step"] = "1"
    with pytest.raises(RuntimeError, match=r"'step' is a str, not a float 0-d tensor such as tensor\(1.\)"):
        adam.step()


def test_optimizer_load_state_dict_is_all_or_nothing():
    opt, params = trained("Adam")
    other, _ = trained("Adam")
    other.param_groups[1]["lr"] = 0.5
    sd = other.state_dict()
    sd["state"][2]["exp_avg"] = tg.zeros(7)  # another model's parameter 2, after the good entries 0 and 1
    before = optimizer_snapshot(opt, params)
    with pytest.raises(RuntimeError, match=r"Adam.load_state_dict: parameter 0 of param group 1 \(shape \(3,\)\): "
                                           r"its optimizer state 'exp_avg' is a tensor of shape \(7,\)"):
        opt.load_state_dict(sd)
    assert_same_snapshot(before, optimizer_snapshot(opt, params))
    assert opt.param_groups[1]["lr"] == 0.05  # the options are not half-loaded either
    sd = other.state_dict()
    sd["state"][9] = sd["state"][0]
    with pytest.raises(ValueError, match="an entry for parameter 9, but this optimizer has parameters 0 to 2"):
        opt.load_state_dict(sd)
    assert_same_snapshot(before, optimizer_snapshot(opt, params))
    opt.load_state_dict(other.state_dict())  # and the intact one loads
    assert opt.param_groups[1]["lr"] == 0.5


def test_a_gradient_left_from_before_the_data_was_replaced_is_refused():
    """The public way to a gradient of the wrong shape: set .grad, then give the parameter new data."""
    a, b = tg.tensor([1.0, 2.0], requires_grad=True), tg.tensor([1.0, 2.0], requires_grad=True)
    opt = optim.SGD([a, b], lr=0.1)
    a.grad, b.grad = tg.ones(2), tg.ones(2)
    b.data = tg.zeros(3)
    with pytest.raises(RuntimeError, match=r"parameter 1 of param group 0 \(shape \(3,\), dtype float32\) has a "
                                           r"gradient of shape \(2,\)"):
        opt.step()
    assert a.tolist() == [1.0, 2.0] and b.tolist() == [0.0, 0.0, 0.0]


def test_an_emptied_state_is_refilled_in_place_as_pytorch_does():
    p = tg.nn.Parameter(tg.ones(3))
    opt = tg.optim.Adam([p])
    (p * p).sum().backward()
    opt.step()
    state = opt.state[p]
    state.clear()
    opt.step()
    assert opt.state[p] is state and sorted(state) == ["exp_avg", "exp_avg_sq", "step"]


def test_zeroing_or_clipping_grad_in_place_is_seen_by_a_graph_that_saved_it():
    # As p.grad.zero_() in PyTorch: a penalty built on p.grad (create_graph) must not backpropagate
    # through a .grad that was changed in place since; the version check refuses it.
    for change in (lambda p: tg.optim.SGD([p], lr=0.1).zero_grad(set_to_none=False),
                   lambda p: tg.nn.utils.clip_grad_value_([p], 0.5)):
        p = tg.tensor([1.0, 2.0], dtype=tg.float64, requires_grad=True)
        (p * p).sum().backward(create_graph=True)
        penalty = (p.grad * p.grad).sum()
        change(p)
        with pytest.raises(RuntimeError, match="modified by an inplace operation"):
            penalty.backward()
