"""LRScheduler, the base every learning-rate scheduler shares, and its two helpers.

It lives apart from lr_scheduler.py (the public path, `optim.lr_scheduler.X`)
so that the schedulers can be spread over more than one module: each imports
its base from here, and lr_scheduler.py gathers them all.

A step is PyTorch's: `step()` counts, warns when it comes before the
optimizer's first step, and calls `_update_lr`, which moves `last_epoch` on
and writes `get_lr()` into the param groups. `_initial_step` is the
constructor's step (and SequentialLR's restart of a scheduler).
"""

from __future__ import annotations

import warnings
from typing import Any

from .optimizer import Optimizer

__all__ = ["LRScheduler", "check_optimizer", "per_group", "set_momentum", "state_dict_with", "load_state_dict_but",
           "warn_outside_step"]


def warn_outside_step(scheduler) -> None:
    """get_lr() is the rule step() applies to go from one epoch's lr to the next: called by a script, it
    is not the lr in use (that is get_last_lr()), so PyTorch warns; its words."""
    if not getattr(scheduler, "_get_lr_called_within_step", False):
        warnings.warn("To get the last learning rate computed by the scheduler, please use `get_last_lr()`.",
                      UserWarning, stacklevel=3)


def check_optimizer(optimizer) -> Optimizer:
    if not isinstance(optimizer, Optimizer):
        raise TypeError(f"{type(optimizer).__name__} is not an Optimizer. Hint: pass the optimizer, e.g. "
                        "StepLR(opt, step_size=10), not the model or its parameters.")
    return optimizer


def per_group(name: str, optimizer: Optimizer, value) -> list:
    """One value per param group: a list is checked for length, a number is repeated."""
    if isinstance(value, (list, tuple)):
        if len(value) != len(optimizer.param_groups):
            raise ValueError(f"expected {len(optimizer.param_groups)} values for {name} (one per param "
                             f"group), got {len(value)}")
        return list(value)
    return [value] * len(optimizer.param_groups)


def set_momentum(group: dict, value: float, use_beta1: bool) -> None:
    """For the schedulers that cycle momentum: SGD's and RMSprop's `momentum`, or Adam's beta1."""
    if use_beta1:
        group["betas"] = (value, *group["betas"][1:])
    else:
        group["momentum"] = value


def state_dict_with(scheduler, key: str, saved) -> dict[str, Any]:
    """The scheduler's attributes but the optimizer, with `saved` in place of attribute `key`
    (functions and inner schedulers are saved as something else)."""
    state = {name: value for name, value in scheduler.__dict__.items() if name not in ("optimizer", key)}
    state[key] = saved
    return state


def load_state_dict_but(scheduler, state_dict: dict[str, Any], key: str):
    """Load every attribute but `key` (the caller restores it); returns key's saved value.
    The state_dict given is not changed."""
    state = dict(state_dict)
    saved = state.pop(key)
    scheduler.__dict__.update(state)
    return saved


class LRScheduler:
    """Base class. Subclasses implement `get_lr()`: the lrs for epoch `self.last_epoch`.

    `base_lrs` are the groups' lrs when the schedule started (kept in each
    group as 'initial_lr', so a resumed run with last_epoch >= 0 finds them).
    """

    def __init__(self, optimizer: Optimizer, last_epoch: int = -1):
        self.optimizer = check_optimizer(optimizer)
        if last_epoch == -1:
            for group in optimizer.param_groups:
                group.setdefault("initial_lr", group["lr"])
        else:
            for i, group in enumerate(optimizer.param_groups):
                if "initial_lr" not in group:
                    raise KeyError(f"param 'initial_lr' is not specified in param_groups[{i}] when resuming a "
                                   f"scheduler with last_epoch={last_epoch}. Hint: load the optimizer's "
                                   "state_dict first, or use last_epoch=-1 for a fresh run.")
        self.base_lrs = [group["initial_lr"] for group in optimizer.param_groups]
        self.last_epoch = last_epoch
        self._initial_step()

    def _initial_step(self) -> None:
        """The constructor's step: it sets epoch 0's lr, which get_lr must not decay (`_is_initial`)."""
        self._step_count = 0
        self._is_initial = True
        try:
            self.step()
        finally:
            self._is_initial = False

    def get_lr(self) -> list[float]:
        raise NotImplementedError(f"{type(self).__name__} must implement get_lr()")

    def get_last_lr(self) -> list[float]:
        """The lrs set by the last step, one per param group."""
        return self._last_lr

    def step(self, epoch: int | None = None) -> None:
        """Advance one epoch and write the new lrs into the optimizer's groups."""
        if self._step_count == 1 and getattr(self.optimizer, "_step_count", 1) == 0:
            warnings.warn("Detected call of `lr_scheduler.step()` before `optimizer.step()`. Call them in the "
                          "opposite order: `optimizer.step()` before `lr_scheduler.step()`, otherwise the "
                          "first value of the learning rate schedule is skipped.", UserWarning, stacklevel=2)
        self._step_count += 1
        if epoch is not None:
            warnings.warn("The epoch parameter in `scheduler.step()` is deprecated (as in PyTorch); call "
                          "step() without it.", UserWarning, stacklevel=2)
        self._update_lr(epoch)

    def _update_lr(self, epoch: int | None = None) -> None:
        """Move to the next epoch (or to `epoch`, by the closed form where there is one) and set its lrs."""
        if epoch is None:
            self.last_epoch += 1
            values = self.lrs_of_this_step()
        else:
            self.last_epoch = epoch
            closed_form = getattr(self, "_get_closed_form_lr", None)
            values = closed_form() if closed_form is not None else self.lrs_of_this_step()
        for group, lr in zip(self.optimizer.param_groups, values):
            group["lr"] = lr
        self._last_lr = self.current_lrs()

    def lrs_of_this_step(self) -> list[float]:
        """get_lr(), called by step (so it does not warn, and the flag is in state_dict, as PyTorch's)."""
        self._get_lr_called_within_step = True
        try:
            return self.get_lr()
        finally:
            self._get_lr_called_within_step = False

    def state_dict(self) -> dict[str, Any]:
        """Every attribute except the optimizer (save the optimizer's own state_dict too)."""
        return {key: value for key, value in self.__dict__.items() if key != "optimizer"}

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        self.__dict__.update(state_dict)

    def current_lrs(self) -> list[float]:
        return [group["lr"] for group in self.optimizer.param_groups]
