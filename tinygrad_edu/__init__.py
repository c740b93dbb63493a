"""tinygrad_edu: a small, readable deep-learning framework on NumPy, with PyTorch's API.

    import tinygrad_edu as tg
    x = tg.tensor([1.0, 2.0], requires_grad=True)
    (x * x).sum().backward()
    x.grad  # tensor([2., 4.])
"""

import math as _math

from . import (
    accelerator,
    amp,
    backends,
    cuda,
    data,
    distributions,
    linalg,
    nn,
    optim,
    return_types,
    special,
    testing,
    utils,
)
from .amp import autocast, is_autocast_enabled
from .arrangement_functions import *  # noqa: F403 -- movedim, unflatten, repeat_interleave, block_diag, ...
from .arrangement_functions import __all__ as _arrangement_names
from .autograd import (
    detect_anomaly,
    enable_grad,
    grad,
    inference_mode,
    is_anomaly_enabled,
    is_grad_enabled,
    no_grad,
    set_grad_enabled,
)
from .autograd.gradcheck import GradcheckError, gradcheck, gradgradcheck
from .creation import (
    arange,
    as_tensor,
    bernoulli,
    cat,
    empty,
    empty_like,
    eye,
    from_numpy,
    full,
    full_like,
    linspace,
    multinomial,
    normal,
    ones,
    ones_like,
    rand,
    rand_like,
    randint,
    randint_like,
    randn,
    randn_like,
    randperm,
    stack,
    where,
    zeros,
    zeros_like,
)
from .creation_extra import asarray, binomial, poisson, range, scalar_tensor
from .device import device, get_default_device, set_default_device
from .functions import *  # noqa: F403 -- exp, add, matmul, ...: the function forms of Tensor methods, with out=
from .functions import __all__ as _function_names
from .layout import channels_last, channels_last_3d, contiguous_format, memory_format, preserve_format
from .memory import keep_freed_memory as _keep_freed_memory
from .nn.cores import get_num_interop_threads, get_num_threads, set_num_interop_threads, set_num_threads
from .order_functions import *  # noqa: F403 -- quantile, searchsorted, kthvalue, cummax, isin, ...
from .order_functions import __all__ as _order_function_names
from .printing import set_printoptions
from .random import Generator, default_generator, get_rng_state, initial_seed, manual_seed, seed, set_rng_state
from .serialization import FileFormatError, load, save
from .switches import *  # noqa: F403 -- use_deterministic_algorithms, set_float32_matmul_precision, ...
from .switches import __all__ as _switch_names
from .tensor import (
    BoolTensor,
    ByteTensor,
    CharTensor,
    DoubleTensor,
    FloatTensor,
    HalfTensor,
    IntTensor,
    LongTensor,
    ShortTensor,
    Tensor,
    tensor,
)
from .tensor_functions import *  # noqa: F403 -- hstack, atleast_2d, nansum, tensordot, cov, logspace, ...
from .tensor_functions import __all__ as _tensor_function_names
from .torch_functional import *  # noqa: F403 -- torch.conv2d, torch.dropout, torch.cdist, ...: nn.functional's
from .torch_functional import __all__ as _torch_functional_names
from .type_info import finfo, iinfo, typename
from .windows import bartlett_window, blackman_window, hamming_window, hann_window, kaiser_window

__version__ = "0.1.0"

# PyTorch's dtype names: float, int and bool shadow the builtins in this module, as in torch.
from .dtypes import (
    Size,
    bfloat16,
    bool,
    can_cast,
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
inf, nan, pi, e = _math.inf, _math.nan, _math.pi, _math.e  # torch.inf, torch.pi ...: Python floats, as PyTorch's

# glibc's malloc keeps freed arrays for the next training step instead of handing them back (memory.py)
_keep_freed_memory()


__all__ = [
    "data", "nn", "optim",
    "Tensor", "tensor", "grad", "no_grad", "inference_mode", "enable_grad", "set_grad_enabled", "is_grad_enabled",
    "detect_anomaly", "is_anomaly_enabled", "gradcheck", "gradgradcheck", "GradcheckError", "manual_seed",
    "cat", "stack", "where", "zeros", "ones", "full", "empty", "eye", "arange", "linspace", "rand", "randn",
    "randint", "zeros_like", "ones_like", "full_like", "rand_like", "randn_like", "save", "load", "FileFormatError",
    "accelerator", "backends", "cuda", "linalg", "return_types", "special", "testing", "utils", "device",
    "get_default_device",
    "set_default_device", "Generator", "default_generator", "initial_seed", "seed", "randint_like", "randperm",
    "multinomial", "bernoulli", "normal", "empty_like", "from_numpy", "as_tensor", "FloatTensor", "DoubleTensor",
    "HalfTensor", "LongTensor", "IntTensor", "ShortTensor", "CharTensor", "ByteTensor", "BoolTensor",
    "get_rng_state", "set_rng_state", "amp", "autocast", "is_autocast_enabled",
    "memory_format", "contiguous_format", "channels_last", "channels_last_3d", "preserve_format",

    "dtype", "Size", "get_default_dtype", "set_default_dtype", "result_type", "promote_types",
    "float16", "float32", "float64", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64",
    "bool", "bfloat16", "complex64", "complex128", "half", "float", "double", "short", "int", "long", "cfloat",
    "cdouble",
    "get_num_threads", "set_num_threads", "get_num_interop_threads", "set_num_interop_threads", "set_printoptions",
    "finfo", "iinfo", "can_cast", "typename", "scalar_tensor", "asarray", "range", "poisson", "binomial",
    "hann_window", "hamming_window", "blackman_window", "bartlett_window", "kaiser_window",
] + _function_names + _switch_names + _tensor_function_names + _torch_functional_names
__all__ += _arrangement_names + _order_function_names + ["inf", "nan", "pi", "e", "distributions"]
