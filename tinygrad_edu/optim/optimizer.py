"""Optimizer: the base every update rule shares.

An optimizer holds `param_groups` (lists of parameters, each with its own
options such as `lr`) and `state` (per-parameter buffers such as momentum,
keyed by the parameter). `step()` first checks every parameter that has a
gradient (the gradient's type, shape and dtype, the state the update will read,
the group's options), so a bad one raises before anything changes; then it
hands each one's NumPy arrays to the subclass's `update`, which changes the
parameter in place. Working on the arrays directly, not through Tensor ops,
keeps a step as cheap as hand-written NumPy and records nothing in the graph.
The state holds tensors, as PyTorch's (`opt.state[p]["exp_avg"]`): `update` gets
their arrays and changes them in place too, so each tensor stays the live buffer.

    opt = SGD(model.parameters(), lr=0.1)
    loss.backward()
    opt.step()
    opt.zero_grad()
"""

from __future__ import annotations

import copy
import numbers
from collections import defaultdict
from typing import Any, Callable, Iterable

import numpy as np

from ..autograd import enable_grad
from ..tensor import Tensor

__all__ = ["Optimizer", "as_tensors", "check_hyper", "check_implementation", "counted_step", "first_step"]


def check_hyper(name: str, value, low: float = 0.0, high: float | None = None) -> None:
    """Raise PyTorch's ValueError for a hyper-parameter outside [low, high)."""
    if not isinstance(value, numbers.Real):
        raise ValueError(f"Invalid {name} value: {value!r} (it must be a Python number: tensor hyper-parameters "
                         "are not supported here; pass float(value))")
    if value < low or (high is not None and value >= high):
        bound = f"in [{low}, {high})" if high is not None else f">= {low}"
        raise ValueError(f"Invalid {name} value: {value!r} (it must be {bound})")


def check_implementation(name: str, foreach=None, capturable: bool = False, differentiable: bool = False,
                         fused=None) -> None:
    """PyTorch's options that choose how a step is computed, not what it computes.

    There is one NumPy path here, so foreach and fused (None, False or True) change nothing
    (they are kept in the param groups, as PyTorch keeps them). capturable (a step CUDA graphs
    can capture) and differentiable (a step recorded in the autograd graph) cannot be had from
    in-place NumPy updates: they raise at once, where PyTorch on a CPU raises at the first step.
    """
    if fused and foreach:
        raise RuntimeError("`fused` and `foreach` cannot be `True` together.")
    if capturable:
        raise RuntimeError(f"{name}: capturable=True is for capturing steps in CUDA graphs; tinygrad_edu runs on "
                           "the CPU (as PyTorch's CPU tensors, which refuse it too). Hint: leave it out.")
    if differentiable:
        raise RuntimeError(f"{name}: differentiable=True (a step recorded in the autograd graph) is not supported: "
                           "tinygrad_edu's optimizers update the parameters' arrays in place. Hint: leave it out, "
                           "or write the update with Tensor ops yourself.")


def first_step() -> Tensor:
    """A parameter's step count before its first step: PyTorch's float32 0-d tensor, tensor(0.)."""
    return Tensor._wrap(np.zeros((), dtype=np.float32))


def counted_step(state: dict[str, Any]) -> float:
    """Add one to state["step"] in place (the array of a float32 0-d tensor, tensor(1.) after the
    first step, as PyTorch keeps it) and return the new count as a number, for the update's formulas."""
    step = state["step"]
    step += 1
    return float(step)


def as_tensors(state: dict[str, Any]) -> dict[str, Any]:
    """A state's arrays as tensors, as PyTorch keeps them (numbers stay numbers)."""
    return {key: Tensor._wrap(value) if isinstance(value, np.ndarray) else value for key, value in state.items()}


def keep_as_tensors(state: dict[str, Any], arrays: dict[str, Any]) -> None:
    """After `update` changed `arrays` (the state's tensors' arrays, in place): an array it added
    or replaced (SGD's first momentum buffer) goes into the state as a tensor."""
    for key, value in arrays.items():
        kept = state.get(key)
        if not (isinstance(kept, Tensor) and kept._data is value):
            state[key] = Tensor._wrap(value) if isinstance(value, np.ndarray) else value


def as_step(value):
    """A loaded step count as PyTorch keeps it: a float32 0-d tensor (from a number, an array or a
    tensor); anything else is left for check_state to name."""
    array = value._data if isinstance(value, Tensor) else value
    if isinstance(array, numbers.Real) or (isinstance(array, np.ndarray) and array.dtype.kind in "biuf"):
        return Tensor._wrap(np.array(array, dtype=np.float32))
    return value


class Optimizer:
    """Base class: holds `param_groups` and `state`, runs `step()`.

    Subclasses pass their defaults (every option and its default value) and
    implement `update(param, grad, state, group)` on NumPy arrays.
    """

    def __init__(self, params: Iterable, defaults: dict[str, Any]):
        self.defaults = defaults
        self.state: defaultdict[Tensor, dict[str, Any]] = defaultdict(dict)  # self.state[p] in a step: {} at first
        self.param_groups: list[dict[str, Any]] = []
        self._step_count = 0  # read by lr_scheduler to warn when it is stepped first
        if isinstance(params, Tensor):
            raise TypeError(
                f"{type(self).__name__}: params should be an iterable of Tensors or dicts, but got a "
                f"Tensor of shape {tuple(params.shape)}. Hint: pass [tensor] or model.parameters().")
        if callable(getattr(params, "parameters", None)) and callable(getattr(params, "state_dict", None)):
            # a whole model: PyTorch's "'Linear' object is not iterable" does not say what to pass
            raise TypeError(f"{type(self).__name__}: params should be an iterable of Tensors or dicts, but got the "
                            f"model {type(params).__name__} itself. Hint: pass model.parameters().")
        groups = list(params)
        if not groups:
            raise ValueError(f"{type(self).__name__} got an empty parameter list. Hint: model.parameters() "
                             "is a generator and can be used only once; call it again or make a list.")
        if not isinstance(groups[0], dict):
            groups = [{"params": groups}]
        for group in groups:
            self.add_param_group(group)

    def __repr__(self) -> str:
        text = f"{type(self).__name__} ("
        for i, group in enumerate(self.param_groups):  # PyTorch's layout: a blank line between groups
            text += f"\nParameter Group {i}\n"
            text += "".join(f"    {key}: {group[key]}\n" for key in sorted(group) if key != "params")  # sorted
        return text + ")"

    # ------------------------------------------------------------ groups
    def add_param_group(self, param_group: dict[str, Any]) -> None:
        """Add a group of parameters with its own options (missing ones take the defaults)."""
        if not isinstance(param_group, dict):
            raise TypeError(f"add_param_group: a param group must be a dict, got {type(param_group).__name__}")
        params = param_group["params"]
        if isinstance(params, Tensor):
            params = [params]
        elif isinstance(params, set):
            raise TypeError("add_param_group: parameters must be an ordered collection (a list), not a set, "
                            "so that their order (and the state_dict's indices) is the same every run")
        params = list(params)
        for p in params:
            if not isinstance(p, Tensor):
                raise TypeError(f"{type(self).__name__} can only optimize Tensors, but one of the params "
                                f"is {type(p).__name__}")
            if not p.is_leaf:
                raise ValueError(f"{type(self).__name__} can't optimize a non-leaf Tensor (shape {tuple(p.shape)}, "
                                 f"made by {p.grad_fn.name()}). Hint: optimize the leaf it was computed "
                                 "from, or .detach().requires_grad_() it into a new leaf.")
        seen = {id(p) for group in self.param_groups for p in group["params"]}
        ids = [id(p) for p in params]
        if len(set(ids)) != len(ids) or seen & set(ids):
            raise ValueError(f"{type(self).__name__}: some parameters appear in more than one parameter "
                             "group (or twice in one). Hint: give each parameter to exactly one group.")
        group = {key: value for key, value in param_group.items() if key != "params"}
        for key, default in self.defaults.items():
            group.setdefault(key, default)
        group["params"] = params
        self.param_groups.append(group)

    # ------------------------------------------------------------ gradients and steps
    def zero_grad(self, set_to_none: bool = True) -> None:
        """Forget every parameter's gradient: `.grad = None`, or zero it in place."""
        for group in self.param_groups:
            for p in group["params"]:
                if p.grad is None:
                    continue
                if set_to_none:
                    p.grad = None
                elif p.grad._data.flags.writeable:
                    p.grad._data.fill(0)
                    p.grad._changed()  # as zero_() does: a graph that saved this .grad can tell
                else:  # a broadcast view from the engine cannot be written
                    p.grad = Tensor._wrap(np.zeros_like(p._data))

    def step(self, closure: Callable[[], Any] | None = None):
        """Update every parameter that has a gradient; returns closure() when one is given.

        All or nothing: every gradient, parameter, per-parameter state and group
        option is checked first, so a bad one raises before any parameter, state
        or step count has changed. `closure` re-evaluates the model and returns the
        loss (needed by methods that look at the loss several times per step).
        """
        loss = None
        if closure is not None:
            with enable_grad():
                loss = closure()
        for param, grad, group in self.checked_work():
            state = self.state[param]  # {} before the first step (or emptied since: refilled, as PyTorch)
            if not state:
                state.update(as_tensors(self.initial_state(param._data, group)))
            arrays = {}  # the state's arrays, for update (SGD without momentum keeps none)
            if state:
                arrays = {key: value._data if isinstance(value, Tensor) else value for key, value in state.items()}
            self.update(param._data, grad, arrays, group)
            keep_as_tensors(state, arrays)
            param._bump_version()  # the data changed: a graph that saved it can tell
        self._step_count += 1
        return loss

    def checked_work(self) -> list[tuple[Tensor, np.ndarray, dict[str, Any]]]:
        """(parameter, gradient array, group) for every parameter that has a gradient, once all
        of them have passed the checks PyTorch makes (on assignment to .grad, or in its step)."""
        work = []
        for g, group in enumerate(self.param_groups):
            self.check_group(g, group)
            for i, param in enumerate(group["params"]):
                if param._grad is not None:
                    work.append((param, self.checked_grad(param, group, ParameterName(self, param, g, i)), group))
        return work

    def check_group(self, index: int, group: dict[str, Any]) -> None:
        """Each option must still have its default's type (a scheduler or a user may have set it)."""
        for key, default in self.defaults.items():
            value = group.get(key, default)
            if type(value) is type(default) and type(value) in (float, int, bool):
                continue  # the common case, settled without the slower isinstance(value, numbers.Real)
            if isinstance(default, bool):
                ok, kind = isinstance(value, (bool, np.bool_)), "True or False"
            elif isinstance(default, numbers.Real):
                ok, kind = isinstance(value, numbers.Real), "a number"
            elif isinstance(default, tuple):
                ok = (isinstance(value, (tuple, list)) and len(value) == len(default)
                      and all(isinstance(v, numbers.Real) for v in value))
                kind = f"a tuple of {len(default)} numbers"
            else:
                continue
            if not ok:
                raise TypeError(f"{type(self).__name__}.step: param group {index} has {key}={value!r}; it must be "
                                f"{kind} (default {default!r}). Nothing was changed.")

    def checked_grad(self, param: Tensor, group: dict[str, Any], name: ParameterName) -> np.ndarray:
        """param.grad's array, after checking that it can update param in place. The checks read
        the NumPy arrays (a Tensor's .shape and .dtype make new objects), and `name` is
        formatted only when one fails: this runs for every parameter at every step."""
        grad, data = param._grad, param._data
        if not isinstance(grad, Tensor):
            raise TypeError(f"{name} has a .grad of type {type(grad).__name__}; a gradient must be a Tensor or "
                            "None. Hint: p.grad = tg.tensor(array). Nothing was changed.")
        if data.dtype.kind != "f":  # (np.issubdtype costs microseconds per parameter per step)
            raise TypeError(f"{name}: only floating-point parameters can be optimized (and require grad). "
                            "Nothing was changed.")
        grad_data = grad._data
        if grad_data.shape != data.shape:
            raise RuntimeError(f"{name} has a gradient of shape {tuple(grad.shape)}. Hint: .grad must have the "
                               "parameter's shape. Nothing was changed.")
        if grad_data.dtype != data.dtype:
            raise RuntimeError(f"{name} has a gradient of dtype {grad_data.dtype}; the gradient and the parameter "
                               "must have the same dtype, as in PyTorch. Hint: p.grad = p.grad.astype(p.dtype). "
                               "Nothing was changed.")
        if not data.flags.writeable:
            raise RuntimeError(f"{name} is read-only (a read-only NumPy array), so it cannot be updated in "
                               "place. Hint: make it writable first: p.data = p.data.clone(). Nothing was changed.")
        state = self.state.get(param)
        if state:  # (none before the first step, and SGD without momentum keeps none)
            self.check_state(param, state, group, name)
        return grad_data

    def check_state(self, param: Tensor, state: dict[str, Any] | None, group: dict[str, Any],
                    name: str | ParameterName) -> None:
        """param's state, if it has one, must hold what `update` reads (see state_spec)."""
        if not state:  # the first step makes it
            return
        for key, kind in self.state_spec(group).items():
            given = state.get(key)
            value = given._data if kind != "step" and isinstance(given, Tensor) else given  # (update reads arrays)
            if value is None and kind == "optional buffer":
                continue
            if kind == "step":
                fits = isinstance(value, Tensor) and value._data.shape == () and value._data.dtype.kind == "f"
            elif kind == "count":
                fits = isinstance(value, numbers.Real) or (
                    isinstance(value, np.ndarray) and value.shape == () and value.dtype.kind in "biuf")
            else:
                fits = (isinstance(value, np.ndarray) and value.dtype.kind == "f" and value.shape == param.shape
                        and value.flags.writeable)
            if not fits:
                described = "missing" if key not in state else (
                    f"{'a tensor' if isinstance(given, Tensor) else 'an array'} of shape {tuple(value.shape)} and "
                    f"dtype {value.dtype}" if isinstance(value, np.ndarray) else f"a {type(value).__name__}")
                wanted = {"step": "a float 0-d tensor such as tensor(1.)", "count": "a number"}.get(
                    kind, f"a writable float tensor of shape {tuple(param.shape)}")
                raise RuntimeError(f"{name}: its optimizer state {key!r} is {described}, not {wanted}. Hint: the "
                                   "state was loaded from another model or made with other options; build the "
                                   "optimizer on the same model with the same options, or start a fresh one. "
                                   "Nothing was changed.")

    def state_spec(self, group: dict[str, Any]) -> dict[str, str]:
        """What `update` reads from a parameter's state once it has one: {key: "step" (the step count,
        a float32 0-d tensor as PyTorch's), "count" (a number), "buffer" (a float array of the
        parameter's shape) or "optional buffer" (a buffer or None)}.
        step() checks it, so a state loaded from elsewhere fails before anything changes."""
        return {}

    def initial_state(self, param: np.ndarray, group: dict[str, Any]) -> dict[str, Any]:
        """A parameter's state before its first step, made from state_spec: the step tensor(0.), each
        count 0, each buffer zeros of the parameter's shape (an optional buffer is left to `update`)."""
        initial = {"step": first_step, "count": int}
        return {key: initial.get(kind, lambda: np.zeros_like(param))()
                for key, kind in self.state_spec(group).items() if kind != "optional buffer"}

    def update(self, param: np.ndarray, grad: np.ndarray, state: dict[str, Any], group: dict[str, Any]) -> None:
        """Change `param` in place from `grad`; the subclass's update rule. `state` already holds
        initial_state on the first step."""
        raise NotImplementedError(f"{type(self).__name__} must implement update(param, grad, state, group)")

    # ------------------------------------------------------------ saving
    def state_dict(self) -> dict[str, Any]:
        """PyTorch's format: {'state': {index: {...}}, 'param_groups': [{..., 'params': [indices]}]}.

        Parameters are numbered in order across groups; buffers are copied,
        so later steps do not change a saved state_dict.
        """
        index = {}
        groups = []
        for group in self.param_groups:
            for p in group["params"]:
                index.setdefault(id(p), len(index))
            packed = {key: value for key, value in group.items() if key != "params"}
            packed["params"] = [index[id(p)] for p in group["params"]]
            groups.append(packed)
        state = {index[id(p)]: copy.deepcopy(s) for p, s in self.state.items() if s and id(p) in index}
        return {"state": state, "param_groups": groups}

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Restore groups' options and per-parameter state saved by `state_dict()`.

        Floating buffers are cast to their parameter's dtype. Keys that came
        back from a file as strings ('0') or tuples that came back as lists
        are accepted. All or nothing: a state that does not fit the parameters
        (another model's, or other options') raises and changes nothing.
        """
        groups = state_dict["param_groups"]
        if len(groups) != len(self.param_groups):
            raise ValueError(f"load_state_dict: the loaded state dict has {len(groups)} parameter groups, "
                             f"this optimizer has {len(self.param_groups)}")
        params_by_index = {}
        for mine, saved in zip(self.param_groups, groups):
            if len(mine["params"]) != len(saved["params"]):
                raise ValueError(
                    f"load_state_dict: a loaded parameter group has {len(saved['params'])} parameters, the "
                    f"optimizer's group has {len(mine['params'])}. Hint: build the optimizer on the same model.")
            for p, i in zip(mine["params"], saved["params"]):
                params_by_index[int(i)] = p, mine
        for saved in groups:
            self.check_loaded_options(saved)
        # Everything is built and checked first, then swapped in: a bad state_dict changes nothing.
        options = [{key: tuple(value) if isinstance(self.defaults.get(key), tuple) else value
                    for key, value in saved.items() if key != "params"} for saved in groups]
        state = {}
        for key, saved in state_dict["state"].items():
            if int(key) not in params_by_index:
                raise ValueError(f"load_state_dict: the loaded state has an entry for parameter {int(key)}, but this "
                                 f"optimizer has parameters 0 to {len(params_by_index) - 1}. Hint: build the "
                                 "optimizer on the same model.")
            p, group = params_by_index[int(key)]
            kinds = self.state_spec(group)  # a step count the update reads becomes a tensor (a user's int stays)
            state[p] = as_tensors({name: as_step(value) if kinds.get(name) == "step" else cast_like(value, p)
                                   for name, value in saved.items()})
        for g, (mine, new_options) in enumerate(zip(self.param_groups, options)):
            for i, p in enumerate(mine["params"]):
                name = (f"{type(self).__name__}.load_state_dict: parameter {i} of param group {g} "
                        f"(shape {tuple(p.shape)})")
                self.check_state(p, state.get(p), {**mine, **new_options}, name)
        self.state = defaultdict(dict, state)
        for mine, new_options in zip(self.param_groups, options):
            mine.update(new_options)

    def check_loaded_options(self, saved: dict) -> None:
        """A loaded group's options must be this optimizer's: a state_dict from another kind of optimizer
        (SGD's momentum and nesterov, and no betas, loaded into Adam) would otherwise be merged in
        silently, and a non-number where a number belongs would fail only at the next step."""
        name = type(self).__name__
        extra = sorted(set(saved) - set(self.defaults) - {"params", "initial_lr"})
        missing = sorted(set(self.defaults) - set(saved) - IMPLEMENTATION_OPTIONS)
        if extra and missing:
            raise ValueError(f"{name}.load_state_dict: the loaded param group has the options {extra}, which {name} "
                             f"does not take, and lacks {missing}, which it does: it looks like another optimizer's "
                             f"state_dict. Hint: load it into the optimizer that saved it. Nothing was changed.")
        for key, value in saved.items():
            default = self.defaults.get(key)
            if key == "lr":
                check_hyper("learning rate", value)
            elif isinstance(default, numbers.Real) and not isinstance(default, bool):
                if not isinstance(value, numbers.Real):
                    raise ValueError(f"{name}.load_state_dict: the loaded option {key}={value!r} is not a number. "
                                     "Nothing was changed.")


IMPLEMENTATION_OPTIONS = {"foreach", "fused", "differentiable", "capturable", "maximize"}  # how, not what


def cast_like(value, param: Tensor):
    """A saved buffer as a fresh array of the parameter's dtype; numbers stay numbers."""
    if isinstance(value, Tensor):
        value = value._data
    if isinstance(value, np.floating):  # a float state such as NAdam's mu_product: cast, as PyTorch does
        value = np.asarray(value)
    if isinstance(value, np.ndarray):
        if value.ndim == 0 and np.issubdtype(value.dtype, np.integer):
            return int(value)
        return np.array(value, dtype=param.dtype if np.issubdtype(value.dtype, np.floating) else None)
    return value


class ParameterName:
    """How an error names a parameter: "SGD.step: parameter 0 of param group 0 (shape ..., dtype ...)".
    Formatted only when an error is raised: step checks every parameter at every step, and
    formatting a shape and a dtype costs more than the checks."""

    def __init__(self, optimizer, param, group_index: int, index: int):
        self.optimizer, self.param, self.group_index, self.index = optimizer, param, group_index, index

    def __str__(self) -> str:
        return (f"{type(self.optimizer).__name__}.step: parameter {self.index} of param group {self.group_index} "
                f"(shape {tuple(self.param.shape)}, dtype {self.param._data.dtype})")
