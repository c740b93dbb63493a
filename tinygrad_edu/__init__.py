"""tinygrad_edu: a small, readable deep-learning framework on NumPy, with PyTorch's API.

    import tinygrad_edu as tg
    x = tg.tensor([1.0, 2.0], requires_grad=True)
    (x * x).sum().backward()
    x.grad  # tensor([2., 4.])
"""

from . import data, nn, optim
from .autograd import detect_anomaly, enable_grad, grad, is_anomaly_enabled, is_grad_enabled, no_grad, set_grad_enabled
from .autograd import functional as _autograd_functional  # noqa: F401 -- tinygrad_edu.autograd.functional, as torch's
from .creation import (
    arange,
    cat,
    empty,
    eye,
    full,
    full_like,
    linspace,
    ones,
    ones_like,
    rand,
    rand_like,
    randint,
    randn,
    randn_like,
    stack,
    where,
    zeros,
    zeros_like,
)
from .gradcheck import GradcheckError, gradcheck, gradgradcheck
from .random import manual_seed
from .serialization import FileFormatError, load, save
from .tensor import Tensor, tensor

__version__ = "0.1.0"

# PyTorch's dtype names: float, int and bool shadow the builtins in this module, as in torch.
from .dtypes import (
    Size,
    bool,
    cdouble,
    cfloat,
    complex64,
    complex128,
    double,
    dtype,
    float,
    float16,
    float32,
    float64,
    get_default_dtype,
    half,
    int,
    int8,
    int16,
    int32,
    int64,
    long,
    promote_types,
    result_type,
    set_default_dtype,
    short,
    uint8,
    uint16,
    uint32,
    uint64,
)

bool_ = bool


def _method(name: str):
    def call(input, *args, **kwargs):
        return getattr(input, name)(*args, **kwargs)
    call.__name__ = name
    call.__doc__ = f"tinygrad_edu.{name}(x, ...) is x.{name}(...)."
    return call


# torch.exp(x) and friends: the function forms of Tensor methods.
(exp, log, sqrt, abs, sin, cos, tanh, sigmoid, relu, clamp, maximum, minimum, matmul, sum, mean,
 max, min, var, std, logsumexp, softmax, log_softmax, reshape, transpose, permute, flatten,
 unsqueeze, squeeze, split, chunk, argmax, argmin) = [_method(n) for n in (
    "exp log sqrt abs sin cos tanh sigmoid relu clamp maximum minimum matmul sum mean max min var std "
    "logsumexp softmax log_softmax reshape transpose permute flatten unsqueeze squeeze split chunk "
    "argmax argmin").split()]

__all__ = [
    "data", "nn", "optim",
    "Tensor", "tensor", "grad", "no_grad", "enable_grad", "set_grad_enabled", "is_grad_enabled",
    "detect_anomaly", "is_anomaly_enabled", "gradcheck", "gradgradcheck", "GradcheckError", "manual_seed",
    "cat", "stack", "where", "zeros", "ones", "full", "empty", "eye", "arange", "linspace", "rand", "randn",
    "randint", "zeros_like", "ones_like", "full_like", "rand_like", "randn_like", "save", "load", "FileFormatError",
    "dtype", "Size", "get_default_dtype", "set_default_dtype", "result_type", "promote_types",
    "float16", "float32", "float64", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64",
    "bool", "complex64", "complex128", "half", "float", "double", "short", "int", "long", "cfloat", "cdouble",
]
