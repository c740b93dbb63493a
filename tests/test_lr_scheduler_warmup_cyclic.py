"""The warm-up, combining and cyclic schedulers (LinearLR, ConstantLR, PolynomialLR, MultiplicativeLR,
SequentialLR, ChainedScheduler, CosineAnnealingWarmRestarts, CyclicLR): step by step against PyTorch
(when installed) and against their closed forms or values written out here."""

import math
import warnings

import numpy as np
import pytest

import tinygrad_edu as tg
import tinygrad_edu.optim as optim
from tinygrad_edu.optim import lr_scheduler

STEPS = 25
LRS = (0.1, 0.03)
GRADS = [np.random.default_rng(step).standard_normal(3) for step in range(STEPS)]


class Halving:
    """A callable object (not a function), so MultiplicativeLR's state_dict keeps its attributes."""

    def __init__(self, factor):
        self.factor = factor

    def __call__(self, epoch):
        return self.factor


# Each case builds a scheduler from a module (ours or torch's lr_scheduler) and an optimizer.
CASES = {
    "LinearLR": lambda m, opt: m.LinearLR(opt, start_factor=0.25, end_factor=0.9, total_iters=7),
    "LinearLR-defaults": lambda m, opt: m.LinearLR(opt),
    "ConstantLR": lambda m, opt: m.ConstantLR(opt, factor=0.5, total_iters=4),
    "ConstantLR-defaults": lambda m, opt: m.ConstantLR(opt),
    "PolynomialLR": lambda m, opt: m.PolynomialLR(opt, total_iters=9, power=2.0),
    "MultiplicativeLR": lambda m, opt: m.MultiplicativeLR(opt, lr_lambda=lambda epoch: 0.95),
    "MultiplicativeLR-per-group": lambda m, opt: m.MultiplicativeLR(
        opt, lr_lambda=[Halving(0.5), lambda epoch: 1 - 0.01 * epoch]),
    "SequentialLR": lambda m, opt: m.SequentialLR(
        opt, [m.LinearLR(opt, start_factor=0.1, total_iters=5), m.ExponentialLR(opt, gamma=0.9)], milestones=[5]),
    "SequentialLR-three": lambda m, opt: m.SequentialLR(
        opt, [m.ConstantLR(opt, factor=0.5, total_iters=3), m.CosineAnnealingLR(opt, T_max=6),
              m.StepLR(opt, step_size=3, gamma=0.5)], milestones=[4, 10]),
    "ChainedScheduler": lambda m, opt: m.ChainedScheduler(
        [m.ConstantLR(opt, factor=0.1, total_iters=2), m.ExponentialLR(opt, gamma=0.9)]),
    "ChainedScheduler-optimizer": lambda m, opt: m.ChainedScheduler(
        [m.LinearLR(opt, start_factor=0.5, total_iters=4), m.MultiStepLR(opt, milestones=[3, 8], gamma=0.5)],
        optimizer=opt),
    "CosineAnnealingWarmRestarts": lambda m, opt: m.CosineAnnealingWarmRestarts(opt, T_0=5, eta_min=0.001),
    "CosineAnnealingWarmRestarts-T_mult": lambda m, opt: m.CosineAnnealingWarmRestarts(
        opt, T_0=3, T_mult=2, eta_min=0.01),
    "CyclicLR": lambda m, opt: m.CyclicLR(opt, base_lr=[0.01, 0.02], max_lr=[0.1, 0.3], step_size_up=4,
                                          step_size_down=6),
    "CyclicLR-triangular2": lambda m, opt: m.CyclicLR(opt, base_lr=0.01, max_lr=0.1, step_size_up=3,
                                                      mode="triangular2"),
    "CyclicLR-exp_range": lambda m, opt: m.CyclicLR(opt, base_lr=0.01, max_lr=0.1, step_size_up=3,
                                                    mode="exp_range", gamma=0.97),
    "CyclicLR-scale_fn": lambda m, opt: m.CyclicLR(opt, base_lr=0.01, max_lr=0.1, step_size_up=2,
                                                   scale_fn=lambda x: 0.9 ** x, scale_mode="iterations"),
    "CyclicLR-no-momentum-cycling": lambda m, opt: m.CyclicLR(opt, base_lr=0.01, max_lr=0.1, step_size_up=2,
                                                              cycle_momentum=False),
}
OPTIMIZER_OF = {  # the optimizer each case runs on (default: SGD with momentum)
    "CyclicLR-exp_range": ("Adam", {}),
    "CyclicLR-no-momentum-cycling": ("Adagrad", {}),
}


def make(module, name, lrs=LRS):
    """(optimizer, scheduler, params) for `name`, with our classes or torch's."""
    optimizer, options = OPTIMIZER_OF.get(name, ("SGD", dict(momentum=0.9)))
    if module is lr_scheduler:
        params = [tg.tensor(np.ones(3), requires_grad=True) for _ in lrs]
        opt = getattr(optim, optimizer)([{"params": [p], "lr": lr} for p, lr in zip(params, lrs)], **options)
    else:
        torch = module.torch
        params = [torch.ones(3, dtype=torch.float64, requires_grad=True) for _ in lrs]
        opt = getattr(torch.optim, optimizer)([{"params": [p], "lr": lr} for p, lr in zip(params, lrs)], **options)
    return opt, CASES[name](module, opt), params


def momentum_of(group):
    return group["betas"][0] if "betas" in group else group.get("momentum")


def record(opt, sched, params):
    return dict(lrs=[g["lr"] for g in opt.param_groups], last_lr=list(sched.get_last_lr()),
                momenta=[momentum_of(g) for g in opt.param_groups], last_epoch=getattr(sched, "last_epoch", None),
                params=[np.array(p.detach().numpy() if hasattr(p, "numpy") else p._data) for p in params])


def history(module, name, steps=STEPS, state=None, start=0):
    """The record at epoch 0 and after each of `steps` optimizer+scheduler steps (fed GRADS from
    `start` on). With `state` (the optimizer's and scheduler's state_dicts and the parameters),
    a fresh pair is built, loaded, and run from there."""
    opt, sched, params = make(module, name)
    if state is not None:
        opt.load_state_dict(state[0])
        sched.load_state_dict(state[1])
        for p, value in zip(params, state[2]):
            p.data[...] = module.torch.tensor(value) if module is not lr_scheduler else tg.tensor(value)
    out = [record(opt, sched, params)]
    for g in GRADS[start:start + steps]:
        for p in params:
            p.grad = tg.tensor(g) if module is lr_scheduler else module.torch.tensor(g)
        opt.step()
        sched.step()
        out.append(record(opt, sched, params))
    return out, (opt, sched, params)


def assert_same_histories(ours, theirs):
    assert len(ours) == len(theirs)
    for step, (a, b) in enumerate(zip(ours, theirs)):
        for key in ("lrs", "last_lr", "momenta", "last_epoch"):
            np.testing.assert_allclose(np.array(a[key], dtype=float), np.array(b[key], dtype=float),
                                       rtol=1e-13, atol=1e-15, err_msg=f"{key} at step {step}")
        for p, q in zip(a["params"], b["params"]):
            np.testing.assert_allclose(p, q, rtol=1e-12, atol=1e-14, err_msg=f"parameters at step {step}")


def torch_module():
    torch = pytest.importorskip("torch")
    torch.optim.lr_scheduler.torch = torch  # make() reaches torch through the module it is given
    return torch.optim.lr_scheduler


@pytest.mark.parametrize("name", list(CASES))
def test_matches_torch_step_by_step(name):
    theirs, _ = history(torch_module(), name)
    ours, _ = history(lr_scheduler, name)
    assert_same_histories(ours, theirs)


def saved_after(module, name, steps):
    _, (opt, sched, params) = history(module, name, steps)
    values = [np.array(p.detach().numpy() if hasattr(p, "numpy") else p._data) for p in params]
    return opt.state_dict(), sched.state_dict(), values


@pytest.mark.parametrize("name", list(CASES))
def test_state_dict_resumes_as_torch_does(name):
    module = torch_module()
    theirs, _ = history(module, name, steps=10, state=saved_after(module, name, 7), start=7)
    ours, _ = history(lr_scheduler, name, steps=10, state=saved_after(lr_scheduler, name, 7), start=7)
    assert_same_histories(ours, theirs)


@pytest.mark.parametrize("name", list(CASES))
def test_state_dict_resumes_where_it_left_off(name):
    # The torch-free twin: a resumed run goes on as the uninterrupted one (as PyTorch's does, checked above).
    whole, _ = history(lr_scheduler, name, steps=17)
    resumed, _ = history(lr_scheduler, name, steps=10, state=saved_after(lr_scheduler, name, 7), start=7)
    assert_same_histories(resumed, whole[7:])


def comparable(value):
    """A state_dict entry as plain data (numbers as floats), to compare ours with torch's."""
    if isinstance(value, dict):
        return {key: comparable(inner) for key, inner in value.items() if key != "_get_lr_called_within_step"}
    if isinstance(value, (list, tuple)):
        return [comparable(inner) for inner in value]
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    return value


@pytest.mark.parametrize("name", list(CASES))
def test_state_dict_contents_are_torchs(name):
    module = torch_module()
    _, (_, theirs, _) = history(module, name, steps=6)
    _, (_, ours, _) = history(lr_scheduler, name, steps=6)
    assert comparable(ours.state_dict()) == comparable(theirs.state_dict())


STATE_KEYS = {  # PyTorch 2.13's keys, written out
    "LinearLR": {"start_factor", "end_factor", "total_iters", "base_lrs", "last_epoch", "_step_count",
                 "_is_initial", "_get_lr_called_within_step", "_last_lr"},
    "MultiplicativeLR": {"lr_lambdas", "base_lrs", "last_epoch", "_step_count", "_is_initial",
                         "_get_lr_called_within_step", "_last_lr"},
    "SequentialLR": {"_schedulers", "_milestones", "last_epoch", "_last_lr"},
    "ChainedScheduler": {"_schedulers", "_last_lr"},
    "CosineAnnealingWarmRestarts": {"T_0", "T_i", "T_mult", "eta_min", "T_cur", "base_lrs", "last_epoch",
                                    "_step_count", "_is_initial", "_get_lr_called_within_step", "_last_lr"},
    "CyclicLR": {"max_lrs", "total_size", "step_ratio", "mode", "gamma", "_scale_fn_custom", "scale_mode",
                 "cycle_momentum", "use_beta1", "base_momentums", "max_momentums", "base_lrs", "last_epoch",
                 "_step_count", "_is_initial", "_get_lr_called_within_step", "_last_lr"},
}


@pytest.mark.parametrize("name", list(STATE_KEYS))
def test_state_dict_keys_are_torchs(name):
    _, (_, sched, _) = history(lr_scheduler, name, steps=3)
    state = sched.state_dict()
    assert set(state) == STATE_KEYS[name]
    if name == "MultiplicativeLR":
        assert state["lr_lambdas"] == [None, None]  # a lambda is not saved


def test_saved_lambdas_and_scale_fns_are_callable_objects_attributes():
    _, (_, sched, _) = history(lr_scheduler, "MultiplicativeLR-per-group", steps=2)
    assert sched.state_dict()["lr_lambdas"] == [{"factor": 0.5}, None]
    _, (_, cyclic, _) = history(lr_scheduler, "CyclicLR-scale_fn", steps=2)
    assert cyclic.state_dict()["_scale_fn_custom"] is None  # a lambda: not saved
    assert cyclic.scale_mode == "iterations"  # as given: a custom scale_fn keeps its scale_mode


# ---------------------------------------------------------------- the torch-free twins: closed forms
def lrs_of(name, steps=STEPS):
    return [record["lrs"] for record in history(lr_scheduler, name, steps)[0]]


def assert_lrs(name, formula):
    for epoch, lrs in enumerate(lrs_of(name)):
        expected = [formula(base, epoch) for base in LRS]
        np.testing.assert_allclose(lrs, expected, rtol=1e-13, atol=1e-16, err_msg=f"{name} epoch {epoch}")


def test_linear_lr_follows_its_closed_form():
    assert_lrs("LinearLR", lambda base, e: base * (0.25 + (0.9 - 0.25) * min(e, 7) / 7))
    assert_lrs("LinearLR-defaults", lambda base, e: base * (1 / 3 + (1 - 1 / 3) * min(e, 5) / 5))


def test_constant_lr_follows_its_closed_form():
    assert_lrs("ConstantLR", lambda base, e: base * (0.5 if e < 4 else 1.0))
    assert_lrs("ConstantLR-defaults", lambda base, e: base * (1 / 3 if e < 5 else 1.0))


def test_polynomial_lr_follows_its_closed_form():
    assert_lrs("PolynomialLR", lambda base, e: base * (1 - min(e, 9) / 9) ** 2)


def test_multiplicative_lr_multiplies_from_epoch_one():
    assert_lrs("MultiplicativeLR", lambda base, e: base * 0.95 ** e)
    for epoch, (first, second) in enumerate(lrs_of("MultiplicativeLR-per-group")):
        np.testing.assert_allclose(first, 0.1 * 0.5 ** epoch, rtol=1e-13)
        np.testing.assert_allclose(second, 0.03 * math.prod(1 - 0.01 * e for e in range(1, epoch + 1)), rtol=1e-13)


def test_sequential_lr_hands_over_at_the_milestones():
    # warm-up 0.1 -> 1 over 5 epochs, then ExponentialLR from base_lr at epoch 5.
    assert_lrs("SequentialLR", lambda base, e: base * (0.1 + 0.9 * e / 5) if e < 5 else base * 0.9 ** (e - 5))

    def three(base, e):
        if e < 4:
            return base * (0.5 if e < 3 else 1.0)
        if e < 10:
            return base * (1 + math.cos(math.pi * (e - 4) / 6)) / 2
        return base * 0.5 ** ((e - 10) // 3)
    assert_lrs("SequentialLR-three", three)


def test_chained_scheduler_multiplies_the_factors():
    assert_lrs("ChainedScheduler", lambda base, e: base * (0.1 if e < 2 else 1.0) * 0.9 ** e)
    assert_lrs("ChainedScheduler-optimizer",
               lambda base, e: base * (0.5 + 0.5 * min(e, 4) / 4) * 0.5 ** ((e >= 3) + (e >= 8)))


def sgdr(base, epoch, T_0, T_mult, eta_min):
    """SGDR's lr at a (possibly fractional) epoch, from the restarts counted one by one."""
    start, period = 0, T_0
    while epoch >= start + period:
        start, period = start + period, period * T_mult
    return eta_min + (base - eta_min) * (1 + math.cos(math.pi * (epoch - start) / period)) / 2


def test_cosine_annealing_warm_restarts_follows_sgdr():
    assert_lrs("CosineAnnealingWarmRestarts", lambda base, e: sgdr(base, e, 5, 1, 0.001))
    assert_lrs("CosineAnnealingWarmRestarts-T_mult", lambda base, e: sgdr(base, e, 3, 2, 0.01))
    # T_0=3, T_mult=2 restarts at epochs 3, 9, 21: the lr is back at base_lr there.
    lrs = lrs_of("CosineAnnealingWarmRestarts-T_mult")
    assert [epoch for epoch, (lr, _) in enumerate(lrs) if lr == 0.1] == [0, 3, 9, 21]


FRACTIONAL_EPOCHS = [0.5, 1.0, 1.7, 3.2, 5.0, 7.9, 12.3, 2.0, 30.25, 0.0]


@pytest.mark.parametrize("T_mult", [1, 2, 3])
def test_warm_restarts_at_fractional_epochs(T_mult):
    opt, sched, _ = make(lr_scheduler, "CosineAnnealingWarmRestarts")
    sched = lr_scheduler.CosineAnnealingWarmRestarts(opt, T_0=4, T_mult=T_mult, eta_min=0.001)
    for epoch in FRACTIONAL_EPOCHS:
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # PyTorch gives no deprecation warning here
            sched.step(epoch)
        assert sched.last_epoch == math.floor(epoch)
        for lr, base in zip(sched.get_last_lr(), LRS):
            np.testing.assert_allclose(lr, sgdr(base, epoch, 4, T_mult, 0.001), rtol=1e-12, atol=1e-15)
    with pytest.raises(ValueError, match="non-negative epoch"):
        sched.step(-1)


@pytest.mark.parametrize("T_mult", [1, 2, 3])
def test_warm_restarts_at_fractional_epochs_match_torch(T_mult):
    module = torch_module()
    results = []
    for m in (module, lr_scheduler):
        opt, _, _ = make(m, "CosineAnnealingWarmRestarts")
        sched = m.CosineAnnealingWarmRestarts(opt, T_0=4, T_mult=T_mult, eta_min=0.001)
        seen = []
        for epoch in FRACTIONAL_EPOCHS:
            sched.step(epoch)
            seen.append((sched.get_last_lr(), sched.last_epoch, sched.T_cur, sched.T_i))
        results.append(seen)
    assert results[0] == results[1]


def cyclic(step, base, top, up, down, scale):
    """CyclicLR's lr written out: up the triangle, then down it, scaled."""
    cycle, position = divmod(step, up + down)
    height = position / up if position <= up else (up + down - position) / down
    return base + (top - base) * height * scale(cycle + 1, step)


def test_cyclic_lr_follows_its_triangles():
    for epoch, (first, second) in enumerate(lrs_of("CyclicLR")):
        np.testing.assert_allclose(first, cyclic(epoch, 0.01, 0.1, 4, 6, lambda c, s: 1.0), rtol=1e-13)
        np.testing.assert_allclose(second, cyclic(epoch, 0.02, 0.3, 4, 6, lambda c, s: 1.0), rtol=1e-13)
    for name, scale in [("CyclicLR-triangular2", lambda c, s: 0.5 ** (c - 1)),
                        ("CyclicLR-exp_range", lambda c, s: 0.97 ** s)]:
        for epoch, lrs in enumerate(lrs_of(name)):
            np.testing.assert_allclose(lrs, [cyclic(epoch, 0.01, 0.1, 3, 3, scale)] * 2, rtol=1e-13, atol=1e-16)


def test_cyclic_lr_cycles_momentum_the_other_way():
    records, _ = history(lr_scheduler, "CyclicLR")
    for epoch, record in enumerate(records):
        height = (cyclic(epoch, 0.01, 0.1, 4, 6, lambda c, s: 1.0) - 0.01) / 0.09
        np.testing.assert_allclose(record["momenta"], [0.9 - 0.1 * height] * 2, rtol=1e-13)
    records, _ = history(lr_scheduler, "CyclicLR-exp_range")  # Adam: its beta1
    assert records[3]["momenta"][0] == pytest.approx(0.9 - 0.1 * 0.97 ** 3)


def test_cyclic_lr_needs_momentum_or_betas_to_cycle():
    p = tg.tensor([1.0], requires_grad=True)
    with pytest.raises(ValueError, match="momentum or beta1"):
        lr_scheduler.CyclicLR(optim.Adagrad([p]), base_lr=0.01, max_lr=0.1)
    # SGD has a momentum option even at 0: CyclicLR sets it (to max_momentum), as PyTorch's does.
    opt = optim.SGD([p], lr=0.5)
    lr_scheduler.CyclicLR(opt, base_lr=0.01, max_lr=0.1)
    group = opt.param_groups[0]
    assert (group["lr"], group["momentum"], group["max_momentum"], group["base_momentum"]) == (0.01, 0.9, 0.9, 0.8)
    with pytest.raises(ValueError, match="mode is invalid"):
        lr_scheduler.CyclicLR(opt, base_lr=0.01, max_lr=0.1, mode="sawtooth")


def test_cyclic_lr_without_momentum_is_the_same_in_torch():
    torch = torch_module().torch
    p = torch.ones(1, requires_grad=True)
    with pytest.raises(ValueError, match="momentum or beta1"):
        torch.optim.lr_scheduler.CyclicLR(torch.optim.Adagrad([p]), base_lr=0.01, max_lr=0.1)
    opt = torch.optim.SGD([p], lr=0.5)
    torch.optim.lr_scheduler.CyclicLR(opt, base_lr=0.01, max_lr=0.1)
    group = opt.param_groups[0]
    assert (group["lr"], group["momentum"], group["max_momentum"], group["base_momentum"]) == (0.01, 0.9, 0.9, 0.8)


# ---------------------------------------------------------------- warnings and errors
def warns_when_stepped_first(module, name):
    opt, sched, _ = make(module, name)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        sched.step()
    return any("before `optimizer.step()`" in str(w.message) for w in caught)


# PyTorch's answers, written out: CosineAnnealingWarmRestarts's own step() never warns.
WARNS_FIRST = {name: not name.startswith("CosineAnnealingWarmRestarts") for name in CASES}


@pytest.mark.parametrize("name", list(CASES))
def test_warns_when_stepped_before_the_optimizer(name):
    assert warns_when_stepped_first(lr_scheduler, name) == WARNS_FIRST[name]


@pytest.mark.parametrize("name", list(CASES))
def test_warns_when_stepped_before_the_optimizer_as_torch_does(name):
    assert warns_when_stepped_first(torch_module(), name) == WARNS_FIRST[name]


@pytest.mark.parametrize("name", ["LinearLR", "ConstantLR", "PolynomialLR"])
def test_step_with_an_epoch_uses_the_closed_form(name):
    opt, sched, _ = make(lr_scheduler, name)
    opt.step()  # (no gradients: it changes nothing, but the scheduler sees it was called)
    formula = {"LinearLR": lambda e: 0.25 + 0.65 * min(e, 7) / 7, "ConstantLR": lambda e: 0.5 if e < 4 else 1.0,
               "PolynomialLR": lambda e: (1 - min(e, 9) / 9) ** 2}[name]
    for epoch in (3, 8, 2, 12):
        with pytest.warns(UserWarning, match="deprecated"):
            sched.step(epoch)
        np.testing.assert_allclose(sched.get_last_lr(), [base * formula(epoch) for base in LRS], rtol=1e-13)


@pytest.mark.parametrize("name", ["LinearLR", "ConstantLR", "PolynomialLR"])
def test_step_with_an_epoch_matches_torch(name):
    results = []
    for module in (torch_module(), lr_scheduler):
        opt, sched, _ = make(module, name)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            results.append([sched.step(epoch) or sched.get_last_lr() for epoch in (3, 8, 2, 12)])
    assert results[0] == results[1]


def test_constructor_errors_are_torchs():
    opt = optim.SGD([tg.tensor([1.0], requires_grad=True)], lr=0.1)
    other = optim.SGD([tg.tensor([1.0], requires_grad=True)], lr=0.1)
    for make_bad, error in [
            (lambda: lr_scheduler.LinearLR(opt, start_factor=0), ValueError),
            (lambda: lr_scheduler.LinearLR(opt, end_factor=1.5), ValueError),
            (lambda: lr_scheduler.ConstantLR(opt, factor=2), ValueError),
            (lambda: lr_scheduler.MultiplicativeLR(opt, lr_lambda=0.9), TypeError),
            (lambda: lr_scheduler.MultiplicativeLR(opt, lr_lambda=[abs, abs]), ValueError),
            (lambda: lr_scheduler.CosineAnnealingWarmRestarts(opt, T_0=0), ValueError),
            (lambda: lr_scheduler.CosineAnnealingWarmRestarts(opt, T_0=2.5), ValueError),
            (lambda: lr_scheduler.CosineAnnealingWarmRestarts(opt, T_0=2, T_mult=0), ValueError),
            (lambda: lr_scheduler.SequentialLR(opt, [], milestones=[]), ValueError),
            (lambda: lr_scheduler.SequentialLR(opt, [lr_scheduler.StepLR(opt, 2)], milestones=[3]), ValueError),
            (lambda: lr_scheduler.SequentialLR(opt, [lr_scheduler.StepLR(other, 2)], milestones=[]), ValueError),
            (lambda: lr_scheduler.SequentialLR(opt, [lr_scheduler.ReduceLROnPlateau(opt)], milestones=[]),
             ValueError),
            (lambda: lr_scheduler.ChainedScheduler([]), ValueError),
            (lambda: lr_scheduler.ChainedScheduler([lr_scheduler.StepLR(opt, 2), lr_scheduler.StepLR(other, 2)]),
             ValueError)]:
        with pytest.raises(error):
            make_bad()
