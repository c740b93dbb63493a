"""What a layer checks of what a learner gives it, each error naming the layer and the fix: its sizes
(check_sizes), its input (a Tensor, not a list or an array: Module.__call__), a state_dict's entries
(load_state_dict), and a module used before Module.__init__ ran. Kept apart from module.py, which is the
Module class itself."""

from __future__ import annotations

import numbers

import numpy as np

from ..tensor import Tensor

__all__ = ["check_sizes", "NOT_TENSORS", "takes_a_tensor", "not_a_tensor", "not_initialised", "checked_entry"]


def not_initialised(module) -> AttributeError:
    """PyTorch's error type for a module used before Module.__init__ ran (an AttributeError), with the fix."""
    name = type(module).__name__
    return AttributeError(
        f"{name}: Module.__init__() was not called. Add `super().__init__()` as the first line "
        f"of {name}.__init__, before assigning parameters, buffers or submodules.")


def check_sizes(layer: str, **sizes) -> None:
    """Each of a layer's sizes (in_features, out_channels, ...) a whole number >= 0, checked before NumPy
    sees it: np.empty((2.0, 3)) says "'float' object cannot be interpreted as an integer", naming no layer.
    A float size usually comes from `/` where `//` was meant."""
    for name, size in sizes.items():
        if isinstance(size, bool) or not isinstance(size, numbers.Integral):
            hint = "use // rather than /, or int(...)" if isinstance(size, float) else "give an int"
            raise TypeError(f"{layer}: {name} must be a whole number, got {size!r} ({type(size).__name__}). "
                            f"Hint: {hint}")
        if size < 0:
            raise ValueError(f"{layer}: {name} must be 0 or more, got {size}")


NOT_TENSORS = (np.ndarray, np.generic, list, int, float)  # what a learner hands a layer instead of a Tensor


def takes_a_tensor(cls: type) -> bool:
    """True for the library's own layers, whose first input must be a Tensor: given a list or an
    array they would fail deep inside (or, for a few, quietly accept it where PyTorch refuses).
    A learner's module may take anything, and so may Identity and Sequential (whose first layer
    may be the learner's); they set `takes_any_input = True`, as do the containers that have no
    forward (ModuleList, ParameterDict, ...), whose own error says how to use them."""
    return cls.__module__.startswith("tinygrad_edu.nn.") and not getattr(cls, "takes_any_input", False)


def not_a_tensor(module, value) -> TypeError:
    make = "tinygrad_edu.tensor(x)"
    if isinstance(value, np.ndarray):
        what = f"a NumPy array of shape {value.shape} and dtype {value.dtype}"
        if value.dtype == np.float64:  # NumPy's default float: as a tensor it would meet float32 weights
            make = "tinygrad_edu.tensor(x, dtype=tinygrad_edu.float32)"
    else:
        what = f"a Python {type(value).__name__}"
    return TypeError(f"{type(module).__name__}: the input must be a Tensor, not {what}. "
                     f"Hint: make it a tensor first: {make}")


def checked_entry(key: str, value, target: Tensor) -> tuple[np.ndarray | None, str | None]:
    """A state_dict value as an array that can be copied into `target`, or what is wrong with it
    (in PyTorch's words where PyTorch has them)."""
    if isinstance(value, Tensor):
        array = value._data
    elif isinstance(value, (np.ndarray, np.generic)):
        array = np.asarray(value)
    else:
        return None, (f'While copying the parameter named "{key}", expected a Tensor (or NumPy array) from '
                      f"checkpoint but received {type(value)}. Hint: wrap numbers with tg.tensor(...).")
    if array.shape != target.shape:
        return None, (f"size mismatch for {key}: copying a param with shape {array.shape} from checkpoint, "
                      f"the shape in current model is {tuple(target.shape)}.")
    source, into = array.dtype, target._data.dtype
    if source.kind not in "biufc":
        return None, (f"dtype mismatch for {key}: copying a param of dtype {source} from checkpoint into dtype "
                      f"{into} in current model; only numbers (bool, int, float) can be loaded.")
    if source.kind == "c" and into.kind != "c":
        return None, (f"dtype mismatch for {key}: copying a complex param ({source}) from checkpoint into "
                      f"dtype {into} in current model would drop the imaginary part.")
    if source.kind == "f" and into.kind in "iu":
        bounds = np.iinfo(into)
        if not (np.isfinite(array).all() and (array >= bounds.min).all() and (array <= bounds.max).all()):
            return None, (f"value error for {key}: copying a float param with values that dtype {into} in "
                          "current model cannot hold (nan, inf, or out of its range) from checkpoint.")
    return array, None
