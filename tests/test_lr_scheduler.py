"""Learning-rate schedulers: against their closed forms and against PyTorch's values (when installed)."""

import math
import warnings

import numpy as np
import pytest

import tinygrad_edu as tg
import tinygrad_edu.optim as optim
from tinygrad_edu.optim import lr_scheduler

EPOCHS = 40


def make_optimizer(name="SGD", lrs=(0.1,), **options):
    groups = [{"params": [tg.tensor([1.0], requires_grad=True)], "lr": lr} for lr in lrs]
    return getattr(optim, name)(groups, **options)


def lr_history(scheduler, steps=EPOCHS, metrics=None):
    """lrs at epoch 0 (set by the constructor), then after each step; also the momentum or beta1 seen."""
    opt = scheduler.optimizer
    history = [[g["lr"] for g in opt.param_groups]]
    for i in range(steps):
        opt.step()
        scheduler.step() if metrics is None else scheduler.step(metrics[i])
        history.append([g["lr"] for g in opt.param_groups])
    return history


def momentum_of(group):
    return group["betas"][0] if "betas" in group else group.get("momentum")


SCHEDULES = {
    "StepLR": dict(step_size=7, gamma=0.5),
    "MultiStepLR": dict(milestones=[3, 10, 10, 25], gamma=0.3),
    "ExponentialLR": dict(gamma=0.9),
    "CosineAnnealingLR": dict(T_max=12, eta_min=0.001),
    "OneCycleLR": dict(max_lr=[1.0, 0.5], total_steps=EPOCHS),
}


def torch_history(torch, name, options, lrs, optimizer="SGD", opt_options=None, steps=EPOCHS, metrics=None):
    groups = [{"params": [torch.zeros(1, requires_grad=True)], "lr": lr} for lr in lrs]
    opt = getattr(torch.optim, optimizer)(groups, **(opt_options or {}))
    scheduler = getattr(torch.optim.lr_scheduler, name)(opt, **options)
    history, momenta = [[g["lr"] for g in opt.param_groups]], [[momentum_of(g) for g in opt.param_groups]]
    for i in range(steps):
        opt.step()
        scheduler.step() if metrics is None else scheduler.step(metrics[i])
        history.append([g["lr"] for g in opt.param_groups])
        momenta.append([momentum_of(g) for g in opt.param_groups])
    return history, momenta


@pytest.mark.parametrize("name", list(SCHEDULES))
def test_matches_torch(name):
    torch = pytest.importorskip("torch")
    lrs = (0.1, 0.03)
    expected, _ = torch_history(torch, name, SCHEDULES[name], lrs, opt_options=dict(momentum=0.9))
    ours = lr_history(getattr(lr_scheduler, name)(make_optimizer(lrs=lrs, momentum=0.9), **SCHEDULES[name]))
    assert ours == expected  # the same floating-point operations in the same order: identical values


@pytest.mark.parametrize("name, options", [
    ("StepLR", dict(step_size=4)),
    ("MultiStepLR", dict(milestones=[2, 5, 5, 9])),
    ("ExponentialLR", dict(gamma=0.8)),
    ("CosineAnnealingLR", dict(T_max=10, eta_min=0.01))])
def test_recursive_form_matches_closed_form(name, options):
    scheduler = getattr(lr_scheduler, name)(make_optimizer(lrs=(0.5,)), **options)
    for epoch, (lr,) in enumerate(lr_history(scheduler, steps=30)):
        scheduler.last_epoch = epoch
        np.testing.assert_allclose(lr, scheduler._get_closed_form_lr()[0], rtol=1e-10, atol=1e-14)


def test_closed_forms_written_out():
    opt = make_optimizer(lrs=(1.0,))
    history = lr_history(lr_scheduler.StepLR(opt, step_size=3, gamma=0.5), steps=9)
    assert [h[0] for h in history] == [1, 1, 1, .5, .5, .5, .25, .25, .25, .125]
    history = lr_history(lr_scheduler.MultiStepLR(make_optimizer(lrs=(1.0,)), [2, 4], gamma=0.1), steps=5)
    np.testing.assert_allclose([h[0] for h in history], [1, 1, .1, .1, .01, .01])
    history = lr_history(lr_scheduler.CosineAnnealingLR(make_optimizer(lrs=(1.0,)), T_max=4), steps=8)
    expected = [(1 + math.cos(math.pi * t / 4)) / 2 for t in range(9)]  # down to 0 at 4, back up to 1 at 8
    np.testing.assert_allclose([h[0] for h in history], expected, atol=1e-12)


def test_lambda_lr_one_function_per_group():
    opt = make_optimizer(lrs=(1.0, 2.0))
    scheduler = lr_scheduler.LambdaLR(opt, [lambda e: 0.5 ** e, lambda e: 1 / (e + 1)])
    history = lr_history(scheduler, steps=3)
    np.testing.assert_allclose(history, [[1, 2], [.5, 1], [.25, 2 / 3], [.125, .5]])
    with pytest.raises(ValueError, match="expected 2 values"):
        lr_scheduler.LambdaLR(opt, [lambda e: 1.0])


def test_lambda_lr_matches_torch():
    torch = pytest.importorskip("torch")
    fn = lambda epoch: 0.95 ** epoch if epoch > 3 else (epoch + 1) / 4  # warm-up then decay
    expected, _ = torch_history(torch, "LambdaLR", dict(lr_lambda=fn), (0.2,))
    np.testing.assert_allclose(lr_history(lr_scheduler.LambdaLR(make_optimizer(lrs=(0.2,)), fn)), expected,
                               rtol=1e-15)


@pytest.mark.parametrize("optimizer, opt_options", [("SGD", dict(momentum=0.9)), ("Adam", {})])
@pytest.mark.parametrize("options", [dict(max_lr=0.4, total_steps=EPOCHS),
                                     dict(max_lr=0.4, epochs=4, steps_per_epoch=10, anneal_strategy="linear"),
                                     dict(max_lr=0.4, total_steps=EPOCHS, three_phase=True, pct_start=0.25,
                                          div_factor=10.0, final_div_factor=100.0)])
def test_one_cycle_lr_and_momentum_match_torch(optimizer, opt_options, options):
    torch = pytest.importorskip("torch")
    expected, expected_momenta = torch_history(torch, "OneCycleLR", options, (0.1,), optimizer, opt_options)
    opt = make_optimizer(optimizer, lrs=(0.1,), **opt_options)
    scheduler = lr_scheduler.OneCycleLR(opt, **options)
    momenta = [[momentum_of(opt.param_groups[0])]]
    history = [[opt.param_groups[0]["lr"]]]
    for _ in range(EPOCHS):
        opt.step()
        scheduler.step()
        history.append([opt.param_groups[0]["lr"]])
        momenta.append([momentum_of(opt.param_groups[0])])
    np.testing.assert_allclose(history, expected, rtol=1e-14)
    np.testing.assert_allclose(momenta, expected_momenta, rtol=1e-14)


def test_one_cycle_shape():
    opt = make_optimizer(lrs=(0.1,), momentum=0.9)
    history = [h[0] for h in lr_history(lr_scheduler.OneCycleLR(opt, max_lr=1.0, total_steps=100), steps=99)]
    assert history[0] == pytest.approx(1.0 / 25)
    assert max(history) == pytest.approx(1.0) and int(np.argmax(history)) == 29  # pct_start * 100 - 1
    assert history[-1] == pytest.approx(1.0 / 25 / 1e4)
    assert opt.param_groups[0]["momentum"] == pytest.approx(0.95)  # back at max_momentum
    short = lr_scheduler.OneCycleLR(make_optimizer(momentum=0.9), max_lr=1.0, total_steps=5)
    lr_history(short, steps=5)  # the 5th step reaches the end of the schedule
    with pytest.raises(ValueError, match="Tried to step 6 times"):
        short.step()


def test_one_cycle_errors():
    with pytest.raises(ValueError, match="total_steps OR"):
        lr_scheduler.OneCycleLR(make_optimizer(momentum=0.9), max_lr=1.0)
    with pytest.raises(ValueError, match="momentum or beta1"):
        lr_scheduler.OneCycleLR(make_optimizer("Adagrad"), max_lr=1.0, total_steps=10)
    lr_scheduler.OneCycleLR(make_optimizer("Adagrad"), max_lr=1.0, total_steps=10, cycle_momentum=False)


METRICS = [1.0, 0.9, 0.9, 0.95, 0.9, 0.91, 0.92, 0.8, 0.8, 0.8, 0.8, 0.8, 0.7, 0.7, 0.7, 0.7, 0.7, 0.7, 0.7,
           0.7, 0.7, 0.69999, 0.7, 0.7, 0.7, 0.7, 0.7, 0.7, 0.7, 0.7, 0.7, 0.7, 0.7, 0.7, 0.7]


@pytest.mark.parametrize("options", [dict(patience=2), dict(patience=1, cooldown=2, factor=0.5, min_lr=0.004),
                                     dict(mode="max", patience=1, threshold_mode="abs", threshold=0.05),
                                     dict(patience=0, min_lr=[0.01, 0.0], threshold=0.0)])
def test_reduce_on_plateau_matches_torch(options):
    torch = pytest.importorskip("torch")
    lrs = (0.1, 0.05)
    steps = len(METRICS)
    expected, _ = torch_history(torch, "ReduceLROnPlateau", options, lrs, steps=steps, metrics=METRICS)
    scheduler = lr_scheduler.ReduceLROnPlateau(make_optimizer(lrs=lrs), **options)
    ours = lr_history(scheduler, steps=steps, metrics=METRICS)
    np.testing.assert_allclose(ours, expected, rtol=1e-15)
    assert scheduler.get_last_lr() == ours[-1]


def test_reduce_on_plateau_waits_for_patience():
    opt = make_optimizer(lrs=(1.0,))
    scheduler = lr_scheduler.ReduceLROnPlateau(opt, patience=2, factor=0.5)
    history = [h[0] for h in lr_history(scheduler, steps=7, metrics=[5, 4, 4, 4, 4, 4, 4])]
    # best is 4 at step 2; steps 3, 4 are bad (patience), the third bad one (step 5) cuts; then 3 more
    assert history == [1, 1, 1, 1, 1, .5, .5, .5]
    with pytest.raises(ValueError, match="factor should be < 1.0"):
        lr_scheduler.ReduceLROnPlateau(opt, factor=1.0)
    with pytest.raises(ValueError, match="mode"):
        lr_scheduler.ReduceLROnPlateau(opt, mode="up")


def test_chained_schedulers_match_torch():
    torch = pytest.importorskip("torch")
    p = torch.zeros(1, requires_grad=True)
    opt = torch.optim.SGD([p], lr=1.0)
    theirs = [torch.optim.lr_scheduler.ExponentialLR(opt, gamma=0.9),
              torch.optim.lr_scheduler.StepLR(opt, step_size=3, gamma=0.5)]
    ours_opt = make_optimizer(lrs=(1.0,))
    ours = [lr_scheduler.ExponentialLR(ours_opt, gamma=0.9), lr_scheduler.StepLR(ours_opt, step_size=3, gamma=0.5)]
    for _ in range(12):
        opt.step()
        ours_opt.step()
        for scheduler in theirs + ours:
            scheduler.step()
        assert ours_opt.param_groups[0]["lr"] == pytest.approx(opt.param_groups[0]["lr"], rel=1e-15)


def test_state_dict_round_trip_resumes_schedule():
    opt = make_optimizer(lrs=(1.0,))
    scheduler = lr_scheduler.CosineAnnealingLR(opt, T_max=10)
    lr_history(scheduler, steps=4)
    saved_opt, saved = opt.state_dict(), scheduler.state_dict()
    assert "optimizer" not in saved and saved["last_epoch"] == 4
    rest = [h[0] for h in lr_history(scheduler, steps=5)[1:]]

    fresh_opt = make_optimizer(lrs=(1.0,))
    fresh_opt.load_state_dict(saved_opt)
    fresh = lr_scheduler.CosineAnnealingLR(fresh_opt, T_max=10)
    fresh.load_state_dict(saved)
    assert [h[0] for h in lr_history(fresh, steps=5)[1:]] == rest


def test_multistep_state_survives_save_and_load(tmp_path):
    opt = make_optimizer(lrs=(1.0,))
    scheduler = lr_scheduler.MultiStepLR(opt, milestones=[2, 4, 4], gamma=0.5)
    lr_history(scheduler, steps=3)
    tg.save(scheduler.state_dict(), str(tmp_path / "sched.npz"))
    rest = [h[0] for h in lr_history(scheduler, steps=3)[1:]]
    fresh_opt = make_optimizer(lrs=(0.5,))
    fresh = lr_scheduler.MultiStepLR(fresh_opt, milestones=[1], gamma=0.1)
    fresh.load_state_dict(tg.load(str(tmp_path / "sched.npz")))
    assert [h[0] for h in lr_history(fresh, steps=3)[1:]] == rest == [0.125, 0.125, 0.125]
    assert fresh._get_closed_form_lr() == [0.125]


def test_resuming_with_last_epoch_needs_initial_lr():
    with pytest.raises(KeyError, match="initial_lr"):
        lr_scheduler.StepLR(make_optimizer(), step_size=2, last_epoch=3)


def test_warns_when_stepped_before_the_optimizer():
    scheduler = lr_scheduler.StepLR(make_optimizer(), step_size=2)
    with pytest.warns(UserWarning, match="before `optimizer.step\\(\\)`"):
        scheduler.step()
    opt = make_optimizer()
    scheduler = lr_scheduler.StepLR(opt, step_size=2)
    opt.step()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        scheduler.step()


def test_not_an_optimizer():
    with pytest.raises(TypeError, match="is not an Optimizer"):
        lr_scheduler.StepLR([tg.tensor([1.0], requires_grad=True)], step_size=2)


# ---------------------------------------------------------------- without torch: the formulas written out

def one_cycle_formula(step, total, max_lr, pct_start=0.3, div_factor=25.0, final_div_factor=1e4,
                      three_phase=False, linear=False, base_momentum=0.85, max_momentum=0.95):
    """(lr, momentum) at `step` of PyTorch's OneCycleLR. Phases (end step, lr from -> to, momentum from -> to):
    up to pct_start * total - 1 the lr rises initial -> max while momentum falls max -> base; then the lr
    anneals max -> min and momentum rises back (three_phase: max -> initial by 2 pct_start total - 2, then
    initial -> min with momentum held at max). initial = max_lr / div_factor, min = initial / final_div_factor."""
    initial = max_lr / div_factor
    minimum = initial / final_div_factor
    up = pct_start * total - 1
    if three_phase:
        phases = [(up, initial, max_lr, max_momentum, base_momentum),
                  (2 * pct_start * total - 2, max_lr, initial, base_momentum, max_momentum),
                  (total - 1, initial, minimum, max_momentum, max_momentum)]
    else:
        phases = [(up, initial, max_lr, max_momentum, base_momentum),
                  (total - 1, max_lr, minimum, base_momentum, max_momentum)]

    def anneal(start, end, pct):
        return start + (end - start) * pct if linear else end + (start - end) * (1 + math.cos(math.pi * pct)) / 2

    begin = 0.0
    for i, (end, lr_from, lr_to, momentum_from, momentum_to) in enumerate(phases):
        if step <= end or i == len(phases) - 1:
            pct = (step - begin) / (end - begin)
            return anneal(lr_from, lr_to, pct), anneal(momentum_from, momentum_to, pct)
        begin = end


@pytest.mark.parametrize("optimizer, opt_options", [("SGD", dict(momentum=0.9)), ("Adam", {})])
@pytest.mark.parametrize("options, formula_options", [
    (dict(), dict()),
    (dict(anneal_strategy="linear"), dict(linear=True)),
    (dict(three_phase=True, pct_start=0.25, div_factor=10.0, final_div_factor=100.0),
     dict(three_phase=True, pct_start=0.25, div_factor=10.0, final_div_factor=100.0))])
def test_one_cycle_lr_and_momentum_follow_the_formula(optimizer, opt_options, options, formula_options):
    opt = make_optimizer(optimizer, lrs=(0.1,), **opt_options)
    scheduler = lr_scheduler.OneCycleLR(opt, max_lr=0.4, total_steps=EPOCHS, **options)
    for step in range(EPOCHS):
        lr, momentum = one_cycle_formula(step, EPOCHS, 0.4, **formula_options)
        assert opt.param_groups[0]["lr"] == pytest.approx(lr, rel=1e-12)
        assert momentum_of(opt.param_groups[0]) == pytest.approx(momentum, rel=1e-12)
        if optimizer == "Adam":
            assert opt.param_groups[0]["betas"][1] == 0.999  # only beta1 cycles
        opt.step()
        scheduler.step()
    # the last step (total_steps - 1) ends at max_lr / div_factor / final_div_factor, momentum back at its max
    final_lr = 0.4 / options.get("div_factor", 25.0) / options.get("final_div_factor", 1e4)
    assert one_cycle_formula(EPOCHS - 1, EPOCHS, 0.4, **formula_options) == pytest.approx((final_lr, 0.95))


def test_one_cycle_momentum_turning_points():
    opt = make_optimizer(lrs=(0.1,), momentum=0.9)
    scheduler = lr_scheduler.OneCycleLR(opt, max_lr=1.0, total_steps=11, pct_start=0.5)  # peak at step 4.5
    momenta = [opt.param_groups[0]["momentum"]]
    for _ in range(10):
        opt.step()
        scheduler.step()
        momenta.append(opt.param_groups[0]["momentum"])
    assert momenta[0] == pytest.approx(0.95) and momenta[-1] == pytest.approx(0.95)
    assert min(momenta) > 0.85 and int(np.argmin(momenta)) in (4, 5)  # lowest where the lr peaks
    assert all(a > b for a, b in zip(momenta[:5], momenta[1:5]))  # falls while the lr rises


def test_chained_schedulers_multiply():
    # Two schedulers on one optimizer compose: lr_t = lr_0 * 0.9**t * 0.5**(t // 3) (PyTorch's chaining).
    opt = make_optimizer(lrs=(1.0,))
    schedulers = [lr_scheduler.ExponentialLR(opt, gamma=0.9), lr_scheduler.StepLR(opt, step_size=3, gamma=0.5)]
    for t in range(1, 13):
        opt.step()
        for scheduler in schedulers:
            scheduler.step()
        assert opt.param_groups[0]["lr"] == pytest.approx(0.9 ** t * 0.5 ** (t // 3), rel=1e-13)


def plateau_history(lrs, metrics, **options):
    scheduler = lr_scheduler.ReduceLROnPlateau(make_optimizer(lrs=lrs), **options)
    return lr_history(scheduler, steps=len(metrics), metrics=metrics)


def test_reduce_on_plateau_cooldown_and_min_lr():
    # patience 1: the 2nd bad epoch cuts; cooldown 2: the next two epochs count as neither good nor bad.
    history = plateau_history((1.0,), [5] * 11, patience=1, cooldown=2, factor=0.5, min_lr=0.3)
    #   epoch:          1  2  3   4   5   6   7   8   9   10  11
    # bad epochs:       -  1  2*  cd  cd  1   2*  cd  cd  1   2* (floor: 0.15 -> 0.3, no change)
    assert [h[0] for h in history] == [1, 1, 1, .5, .5, .5, .5, .3, .3, .3, .3, .3]


def test_reduce_on_plateau_max_mode_absolute_threshold():
    # mode='max', threshold_mode='abs': better means > best + 0.05 (0.54 is not better than 0.5).
    history = plateau_history((1.0,), [0.5, 0.54, 0.56, 0.6, 0.62, 0.63, 0.64], mode="max", patience=1,
                              threshold_mode="abs", threshold=0.05)
    assert [h[0] for h in history] == [1, 1, 1, 1, 1, 1, 1, pytest.approx(0.1)]
    # the same metrics in 'rel' mode (better means > best * 1.0001) keep improving: no cut
    history = plateau_history((1.0,), [0.5, 0.54, 0.56, 0.6, 0.62, 0.63, 0.64], mode="max", patience=1)
    assert [h[0] for h in history] == [1] * 8


def test_reduce_on_plateau_relative_threshold_per_group_min_lr_and_eps():
    # threshold 0.1 rel: better means < 0.9 * best. patience 0: every bad epoch cuts both groups by half,
    # each group stops at its own min_lr.
    history = plateau_history((1.0, 0.5), [10, 9.5, 8, 7.5, 7.4], patience=0, factor=0.5, threshold=0.1,
                              min_lr=[0.2, 0.0])
    assert history == [[1, .5], [1, .5], [.5, .25], [.5, .25], [.25, .125], [.2, .0625]]
    # a cut smaller than eps is skipped: 1e-8 -> 1e-9 changes the lr by 9e-9 < eps = 1e-8
    assert plateau_history((1e-8,), [1, 1, 1], patience=0) == [[1e-8]] * 4
