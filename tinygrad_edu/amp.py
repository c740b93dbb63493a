"""tinygrad_edu.amp: PyTorch's automatic mixed precision (`torch.amp`) as it behaves without a GPU.

Why it exists: the "Automatic Mixed Precision" recipe and many training scripts wrap their loop in

    scaler = torch.amp.GradScaler("cuda")
    with torch.autocast(device_type="cuda", dtype=torch.float16):
        loss = loss_fn(model(x), y)
    scaler.scale(loss).backward()
    scaler.step(optimizer)
    scaler.update()

On a machine without CUDA, PyTorch runs that loop in float32: autocast("cuda") and GradScaler("cuda")
each warn once and switch themselves off, so the weights are those of the plain loop. tinygrad_edu
never has CUDA, so here they do exactly that, and such scripts run unchanged.

The CPU is another matter, because there PyTorch switches them ON:
- autocast("cpu") makes matmul, linear and conv compute in bfloat16 (or float16). NumPy has no
  bfloat16, so this library could only pretend; it refuses, saying why, before changing anything.
- GradScaler("cpu") is plain float32 arithmetic on the gradients, so it is here in full (the class's
  docstring has the algorithm). Its use on the CPU is to learn how loss scaling works: with float32
  gradients nothing underflows, and a scale that is a power of two changes no weight by a single bit.
"""

from __future__ import annotations

import functools
import re
import warnings
from collections.abc import Iterable
from enum import Enum

import numpy as np

from .autograd import no_grad
from .creation import full
from .dtypes import float16, float32, int32
from .tensor import Tensor

__all__ = ["autocast", "is_autocast_available", "is_autocast_enabled", "GradScaler", "OptState"]

# PyTorch's device types, in the order its error message lists them.
DEVICE_TYPES = ("cpu", "cuda", "ipu", "xpu", "mkldnn", "opengl", "opencl", "ideep", "hip", "ve", "fpga", "maia",
                "xla", "lazy", "vulkan", "mps", "meta", "hpu", "mtia", "privateuseone")
# The dtype autocast computes in on each device type that has one (torch.get_autocast_dtype).
AUTOCAST_DTYPES = {"cpu": "bfloat16", "cuda": "float16", "ipu": "float16", "xpu": "float16", "hip": "float16",
                   "maia": "bfloat16", "xla": "bfloat16", "mps": "float16", "hpu": "bfloat16", "mtia": "float16",
                   "privateuseone": "float16"}
# hip has a dtype but no autocast (torch.amp.is_autocast_available("hip") is False).
AUTOCAST_DEVICE_TYPES = tuple(name for name in AUTOCAST_DTYPES if name != "hip")

# Whether autocast is on, by device type. Only types with no tensors here are ever on (autocast("mps")
# is on in CPU-only PyTorch too, and changes nothing, since every tensor is on the CPU).
autocast_enabled: dict[str, bool] = {}


def device_type_of(device: str) -> str:
    """'cuda:0' -> 'cuda', with PyTorch's errors for strings that name no device."""
    if device == "":
        raise RuntimeError("Device string must not be empty")
    match = re.fullmatch(r"([a-zA-Z_]+)(?::([1-9][0-9]*|0))?", device)
    if match is None:
        raise RuntimeError(f"Invalid device string: '{device}'")
    if match[1] not in DEVICE_TYPES:
        raise RuntimeError(f"Expected one of {', '.join(DEVICE_TYPES)} device type at start of device string: "
                           f"{device}")
    return match[1]


def is_autocast_available(device_type: str) -> bool:
    """Whether PyTorch has autocast for this device type ('cpu', 'cuda', 'mps', ... True; 'hip' False)."""
    if not isinstance(device_type, str):
        raise TypeError(f"is_autocast_available(): argument 'device_type' (position 1) must be str, "
                        f"not {type(device_type).__name__}")
    return device_type_of(device_type) in AUTOCAST_DEVICE_TYPES


def is_autocast_enabled(device_type: str = "cuda") -> bool:
    """Whether an autocast region is on for the device type (with no argument, for 'cuda').
    False for 'cpu' and 'cuda' here: autocast('cuda') switches itself off and autocast('cpu') is refused."""
    if not isinstance(device_type, str):
        raise TypeError(f"is_autocast_enabled(): argument 'device_type' (position 1) must be str, "
                        f"not {type(device_type).__name__}")
    name = device_type_of(device_type)
    if name not in AUTOCAST_DEVICE_TYPES:
        raise RuntimeError("unknown device type for autocast in get_autocast_dispatch_key_from_device_type")
    return autocast_enabled.get(name, False)


def cpu_autocast_error(dtype_name: str) -> NotImplementedError:
    why = f"{dtype_name}, a type NumPy does not have" if dtype_name == "bfloat16" else dtype_name
    return NotImplementedError(
        f"autocast(device_type='cpu') is not available in tinygrad_edu: inside it PyTorch computes matmul, "
        f"linear and conv in {why}, so the results here could not be PyTorch's. Leave autocast out, or write "
        f"autocast('cpu', enabled=False): everything then runs in float32, as the same script does with "
        f"autocast('cuda') on a machine without a GPU.")


class autocast:
    """A region whose ops run in lower precision, as a context manager or a decorator:
    `with tg.autocast("cuda"): ...` or `@tg.autocast("cuda")`.

    device_type 'cuda': warns as PyTorch without CUDA, and is off (ops stay float32).
    device_type 'cpu', enabled: refused (NotImplementedError; see the module docstring). enabled=False: off.
    Other device types ('mps', 'xpu', ...) are on, as in PyTorch, and change nothing: no tensor is there.
    """

    def __init__(self, device_type: str, dtype=None, enabled: bool = True, cache_enabled: bool | None = None):
        if not isinstance(device_type, str):
            raise ValueError(f"Expected `device_type` of type `str`, got: `{type(device_type)}`")
        name = device_type_of(device_type)
        dtype_name = None  # None: a dtype autocast does not support
        if dtype is None:
            if name not in AUTOCAST_DTYPES:
                raise RuntimeError("unsupported scalarType")
            dtype_name = AUTOCAST_DTYPES[name]
        elif dtype is float16:
            dtype_name = "float16"
        if name not in AUTOCAST_DEVICE_TYPES:
            raise RuntimeError(f"User specified an unsupported autocast device_type '{device_type}'")
        if name == "privateuseone":
            raise AssertionError("Tried to use AMP with the `privateuseone` backend, but the backend has not "
                                 "registered a module or  the module miss some necessary funcs.")
        self.device = device_type
        self._cache_enabled = True if cache_enabled is None else cache_enabled
        if enabled:
            if device_type == "cuda":
                warnings.warn("CUDA is not available or torch_xla is imported. Disabling autocast.", stacklevel=2)
                enabled = False
            elif dtype_name is None:
                device_name = device_type.upper()
                warnings.warn(f"In {device_name} autocast, but the target dtype is not supported. Disabling "
                              f"autocast.\n{device_name} Autocast only supports dtypes of torch.bfloat16, "
                              f"torch.float16 currently.", stacklevel=2)
                enabled = False
            elif name == "cpu":
                raise cpu_autocast_error(dtype_name)
        self._enabled = enabled

    def __enter__(self):
        name = device_type_of(self.device)
        self.prev = autocast_enabled.get(name, False)
        autocast_enabled[name] = bool(self._enabled)
        return self

    def __exit__(self, exc_type, exc_value, traceback) -> bool:
        autocast_enabled[device_type_of(self.device)] = self.prev
        return False

    def __call__(self, func):
        if not callable(func):
            raise TypeError(f"autocast()(func) requires a callable, but got {type(func).__name__}. Did you mean to "
                            f"use autocast as a context manager? For example:\n"
                            f"    with torch.autocast(device_type=...):\n"
                            f"        output = model(input)")

        @functools.wraps(func)
        def decorate_autocast(*args, **kwargs):
            with self:
                return func(*args, **kwargs)

        return decorate_autocast


class OptState(Enum):
    """Where an optimizer is in a GradScaler's iteration: READY -> UNSCALED -> STEPPED, back to READY at update()."""
    READY = 0
    UNSCALED = 1
    STEPPED = 2


def fresh_optimizer_state() -> dict:
    # found_inf: 1.0 if a gradient held an inf or nan, 0.0 if none did, None if no parameter had a gradient
    return {"stage": OptState.READY, "found_inf": None}


class GradScaler:
    """Loss scaling for float16 training, PyTorch's algorithm, with a scale S and a growth tracker n:

        scale(loss)     loss * S                  (so that small float16 gradients do not underflow to 0)
        unscale_(opt)   g <- g * (1/S) for every gradient; found_inf = any g not finite
        step(opt)       unscale_ if not done yet; opt.step() only if found_inf is 0
        update()        found_inf: S <- S * backoff_factor, n <- 0
                        else:      n <- n + 1; when n == growth_interval: S <- S * growth_factor, n <- 0

    device 'cuda' warns as PyTorch without CUDA, and is off: scale() returns its input, step(opt) is
    opt.step(), get_scale() is 1.0. device 'cpu' is on, as in PyTorch (S is a float32 tensor, n int32).
    """

    def __init__(self, device: str = "cuda", init_scale: float = 2.0**16, growth_factor: float = 2.0,
                 backoff_factor: float = 0.5, growth_interval: int = 2000, enabled: bool = True) -> None:
        self._device = device
        self._enabled = enabled
        if device == "cuda" and enabled:
            warnings.warn("torch.cuda.amp.GradScaler is enabled, but CUDA is not available.  Disabling.",
                          stacklevel=2)
            self._enabled = False
        if self._enabled:
            if growth_factor <= 1.0:
                raise AssertionError("The growth factor must be > 1.0.")
            if backoff_factor >= 1.0:
                raise AssertionError("The backoff factor must be < 1.0.")
            self._init_scale = init_scale
            self._scale: Tensor | None = None  # made at the first scale(), on the device of what it scales
            self._growth_factor = growth_factor
            self._backoff_factor = backoff_factor
            self._growth_interval = growth_interval
            self._init_growth_tracker = 0
            self._growth_tracker: Tensor | None = None
            self._per_optimizer_states: dict[int, dict] = {}

    def _check_scale_growth_tracker(self, funcname: str) -> None:
        fix = "This may indicate your script did not use scaler.scale(loss or outputs) earlier in the iteration."
        if self._scale is None:
            raise AssertionError(f"Attempted {funcname} but _scale is None.  " + fix)
        if self._growth_tracker is None:
            raise AssertionError(f"Attempted {funcname} but _growth_tracker is None.  " + fix)

    def _optimizer_state(self, optimizer) -> dict:
        return self._per_optimizer_states.setdefault(id(optimizer), fresh_optimizer_state())

    def scale(self, outputs):
        """outputs * S: a tensor, or (nested) lists and tuples of them; other iterables give a lazy map."""
        if not self._enabled:
            return outputs
        if isinstance(outputs, Tensor):
            if self._scale is None:
                self._scale = full((), self._init_scale, dtype=float32)
                self._growth_tracker = full((), self._init_growth_tracker, dtype=int32)
            return outputs * self._scale
        if isinstance(outputs, (list, tuple)):
            return type(outputs)(self.scale(value) for value in outputs)
        if isinstance(outputs, Iterable):
            return map(self.scale, outputs)
        raise ValueError("outputs must be a Tensor or an iterable of Tensors")

    def _unscale_grads_(self, optimizer, inv_scale: Tensor, allow_fp16: bool) -> float | None:
        """Multiplies every gradient by inv_scale in place; 1.0 if one was inf or nan, 0.0 if none, None if no grads."""
        found_inf = None
        with no_grad():
            for group in optimizer.param_groups:
                for param in group["params"]:
                    if param.grad is None:
                        continue
                    if not allow_fp16 and param.grad.dtype == float16:
                        raise ValueError("Attempting to unscale FP16 gradients.")
                    if not bool(param.grad.isfinite().all()):
                        found_inf = 1.0
                    elif found_inf is None:
                        found_inf = 0.0
                    param.grad.mul_(inv_scale)
        return found_inf

    def unscale_(self, optimizer) -> None:
        """Divides the optimizer's gradients by S (once per optimizer per step), e.g. to clip them before step."""
        if not self._enabled:
            return
        self._check_scale_growth_tracker("unscale_")
        optimizer_state = self._optimizer_state(optimizer)
        if optimizer_state["stage"] is OptState.UNSCALED:
            raise RuntimeError("unscale_() has already been called on this optimizer since the last update().")
        if optimizer_state["stage"] is OptState.STEPPED:
            raise RuntimeError("unscale_() is being called after step().")
        # 1/S computed in float64 and rounded to float32, as PyTorch does
        inv_scale = full((), float(np.float32(1.0 / self._scale.item())), dtype=float32)
        optimizer_state["found_inf"] = self._unscale_grads_(optimizer, inv_scale, allow_fp16=False)
        optimizer_state["stage"] = OptState.UNSCALED

    def step(self, optimizer, *args, **kwargs):
        """optimizer.step(*args, **kwargs) on the unscaled gradients, skipped if one was inf or nan;
        returns what it returned (None when skipped)."""
        if not self._enabled:
            return optimizer.step(*args, **kwargs)
        if "closure" in kwargs:
            raise RuntimeError("Closure use is not currently supported if GradScaler is enabled.")
        self._check_scale_growth_tracker("step")
        optimizer_state = self._optimizer_state(optimizer)
        if optimizer_state["stage"] is OptState.STEPPED:
            raise RuntimeError("step() has already been called since the last update().")
        if optimizer_state["stage"] is OptState.READY:
            self.unscale_(optimizer)
        if optimizer_state["found_inf"] is None:
            raise AssertionError("No inf checks were recorded for this optimizer.")
        result = None
        if not optimizer_state["found_inf"]:
            result = optimizer.step(*args, **kwargs)
        optimizer_state["stage"] = OptState.STEPPED
        return result

    def update(self, new_scale: float | Tensor | None = None) -> None:
        """Backs S off if any optimizer's step was skipped since the last update, grows it after
        growth_interval clean steps in a row (the docstring of the class); or sets it to new_scale."""
        if not self._enabled:
            return
        self._check_scale_growth_tracker("update")
        if new_scale is not None:
            if isinstance(new_scale, float):
                self._scale.fill_(new_scale)
            else:
                reason = ("new_scale should be a float or a 1-element tinygrad_edu.FloatTensor with "
                          "requires_grad=False.")
                if new_scale.device.type != self._device or new_scale.numel() != 1 or new_scale.requires_grad:
                    raise AssertionError(reason)
                self._scale.copy_(new_scale)
        else:
            found_infs = [state["found_inf"] for state in self._per_optimizer_states.values()
                          if state["found_inf"] is not None]
            if len(found_infs) == 0:
                raise AssertionError("No inf checks were recorded prior to update.")
            scale, tracker = self._scale.item(), int(self._growth_tracker.item())
            if sum(found_infs):
                scale, tracker = scale * self._backoff_factor, 0
            elif tracker + 1 == self._growth_interval:
                with np.errstate(over="ignore"):
                    grown = np.float32(scale * self._growth_factor)
                if np.isfinite(grown):  # the scale never grows past float32's largest number to inf
                    scale = grown
                tracker = 0
            else:
                tracker = tracker + 1
            self._scale.fill_(float(scale))
            self._growth_tracker.fill_(tracker)
        self._per_optimizer_states = {}

    def get_scale(self) -> float:
        """S as a Python float (init_scale before the first scale()); 1.0 if the scaler is off."""
        if not self._enabled:
            return 1.0
        if self._scale is None:
            return self._init_scale
        return self._scale.item()

    def get_growth_factor(self) -> float:
        return self._growth_factor

    def set_growth_factor(self, new_factor: float) -> None:
        self._growth_factor = new_factor

    def get_backoff_factor(self) -> float:
        return self._backoff_factor

    def set_backoff_factor(self, new_factor: float) -> None:
        self._backoff_factor = new_factor

    def get_growth_interval(self) -> int:
        return self._growth_interval

    def set_growth_interval(self, new_interval: int) -> None:
        self._growth_interval = new_interval

    def _get_growth_tracker(self) -> int:
        if not self._enabled:
            return 0
        if self._growth_tracker is None:
            return self._init_growth_tracker
        return int(self._growth_tracker.item())

    def is_enabled(self) -> bool:
        return self._enabled

    def state_dict(self) -> dict:
        """scale, growth_factor, backoff_factor, growth_interval and _growth_tracker; {} if the scaler is off."""
        if not self._enabled:
            return {}
        return {"scale": self.get_scale(), "growth_factor": self._growth_factor,
                "backoff_factor": self._backoff_factor, "growth_interval": self._growth_interval,
                "_growth_tracker": self._get_growth_tracker()}

    def load_state_dict(self, state_dict: dict) -> None:
        if not self._enabled:
            return
        if len(state_dict) == 0:
            raise RuntimeError("The source state dict is empty, possibly because it was saved from a disabled "
                               "instance of GradScaler.")
        self._init_scale = state_dict["scale"]
        if self._scale is not None:
            self._scale.fill_(state_dict["scale"])
        self._growth_factor = state_dict["growth_factor"]
        self._backoff_factor = state_dict["backoff_factor"]
        self._growth_interval = state_dict["growth_interval"]
        self._init_growth_tracker = state_dict["_growth_tracker"]
        if self._growth_tracker is not None:
            self._growth_tracker.fill_(state_dict["_growth_tracker"])
