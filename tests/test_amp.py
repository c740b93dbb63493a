"""torch.amp as PyTorch 2.13 runs it on a machine without CUDA (tinygrad_edu.amp).

The GPU recipe (autocast("cuda") + GradScaler("cuda")) warns and runs in float32, giving the weights of
the plain loop; autocast("cpu") is refused; GradScaler("cpu") is PyTorch's algorithm. Each comparison
with torch has a torch-free twin with the expected values written out.
"""

import warnings

import numpy as np
import pytest

import tinygrad_edu as tg

CUDA_AUTOCAST_WARNING = "CUDA is not available or torch_xla is imported. Disabling autocast."
CUDA_SCALER_WARNING = "torch.cuda.amp.GradScaler is enabled, but CUDA is not available.  Disabling."
DEVICE_LIST = ("cpu, cuda, ipu, xpu, mkldnn, opengl, opencl, ideep, hip, ve, fpga, maia, xla, lazy, vulkan, mps, "
               "meta, hpu, mtia, privateuseone")

rng = np.random.default_rng(0)
W1, B1 = rng.normal(size=(8, 4)).astype(np.float32) * 0.5, rng.normal(size=8).astype(np.float32) * 0.1
W2, B2 = rng.normal(size=(2, 8)).astype(np.float32) * 0.5, rng.normal(size=2).astype(np.float32) * 0.1
XS = [rng.normal(size=(16, 4)).astype(np.float32) for _ in range(8)]
YS = [rng.normal(size=(16, 2)).astype(np.float32) for _ in range(8)]


def caught(make):
    """(what make() returned, [(warning class name, message, file name)])."""
    with warnings.catch_warnings(record=True) as records:
        warnings.simplefilter("always")
        result = make()
    return result, [(r.category.__name__, str(r.message), r.filename.rsplit("/", 1)[-1]) for r in records]


def raised(make):
    """(exception class name, message) of what make() raises."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            make()
        except Exception as err:  # noqa: BLE001 -- the test compares whatever it is
            return type(err).__name__, str(err).split("\n")[0]
    return None


def mlp(lib):
    model = lib.nn.Sequential(lib.nn.Linear(4, 8), lib.nn.ReLU(), lib.nn.Linear(8, 2))
    with lib.no_grad():
        for param, value in zip(model.parameters(), (W1, B1, W2, B2)):
            param.copy_(lib.tensor(value))
    return model


def plain_loop(lib, skip=()):
    model = mlp(lib)
    optimizer = lib.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    for i, (x, y) in enumerate(zip(XS, YS)):
        optimizer.zero_grad()
        loss = lib.nn.functional.mse_loss(model(lib.tensor(x)), lib.tensor(y))
        loss.backward()
        if i not in skip:
            optimizer.step()
    return [p.detach().numpy() for p in model.parameters()]


# --- the recipe: autocast("cuda") + GradScaler("cuda") --------------------------------------------------

def recipe_loop(lib):
    """The Automatic Mixed Precision recipe's loop, as written for a GPU."""
    model = mlp(lib)
    optimizer = lib.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    scaler = lib.amp.GradScaler("cuda")
    dtypes = set()
    for x, y in zip(XS, YS):
        optimizer.zero_grad()
        with lib.autocast(device_type="cuda", dtype=lib.float16):
            output = model(lib.tensor(x))
            loss = lib.nn.functional.mse_loss(output, lib.tensor(y))
            dtypes |= {output.dtype, loss.dtype}
            assert lib.is_autocast_enabled() is False and lib.is_autocast_enabled("cuda") is False
        scaler.scale(loss).backward()
        scaler.step(optimizer)
        scaler.update()
    return [p.detach().numpy() for p in model.parameters()], dtypes


def test_recipe_gives_the_weights_of_the_plain_loop_in_float32_with_pytorchs_warnings():
    (weights, dtypes), warned = caught(lambda: recipe_loop(tg))
    for got, expected in zip(weights, plain_loop(tg)):
        assert np.array_equal(got, expected)
    assert dtypes == {tg.float32}
    assert warned[0] == ("UserWarning", CUDA_SCALER_WARNING, "test_amp.py")
    assert warned[1:] == [("UserWarning", CUDA_AUTOCAST_WARNING, "test_amp.py")] * len(XS)


def test_recipe_against_torch():
    torch = pytest.importorskip("torch")
    if torch.cuda.is_available():
        pytest.skip("this compares with PyTorch on a machine without CUDA")
    (weights, _), warned = caught(lambda: recipe_loop(tg))
    (torch_weights, torch_dtypes), torch_warned = caught(lambda: recipe_loop(torch))
    assert torch_dtypes == {torch.float32}
    assert [w[:2] for w in warned] == [w[:2] for w in torch_warned]
    for got, expected in zip(weights, torch_weights):
        np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-6)


def test_cuda_amp_names_warn_that_they_moved_then_behave_as_torch_amp():
    from tinygrad_edu.cuda.amp import GradScaler, autocast

    context, warned = caught(lambda: autocast())
    assert warned == [("FutureWarning", "`torch.cuda.amp.autocast(args...)` is deprecated. Please use "
                       "`torch.amp.autocast('cuda', args...)` instead.", "test_amp.py"),
                      ("UserWarning", CUDA_AUTOCAST_WARNING, "amp.py")]
    assert isinstance(context, tg.amp.autocast) and context._enabled is False
    _, warned = caught(lambda: autocast(enabled=False))
    assert [w[0] for w in warned] == ["FutureWarning"]
    scaler, warned = caught(lambda: GradScaler())
    assert warned == [("FutureWarning", "`torch.cuda.amp.GradScaler(args...)` is deprecated. Please use "
                       "`torch.amp.GradScaler('cuda', args...)` instead.", "test_amp.py"),
                      ("UserWarning", CUDA_SCALER_WARNING, "amp.py")]
    assert scaler.is_enabled() is False


def test_scripts_find_amp_under_torchs_names():
    from tinygrad_edu.torch_compat import torch_imports

    with torch_imports():
        import torch.amp
        from torch.cuda.amp import GradScaler, autocast
    assert torch.amp is tg.amp and torch.autocast is tg.amp.autocast
    assert GradScaler is tg.cuda.amp.GradScaler and issubclass(autocast, tg.amp.autocast)


# --- autocast ----------------------------------------------------------------------------------------------

def test_autocast_is_torch_autocast_and_a_decorator():
    assert tg.autocast is tg.amp.autocast

    @tg.autocast("mps")
    def inside():
        """Reports the autocast state."""
        return tg.is_autocast_enabled("mps"), tg.is_autocast_enabled("cuda")

    # autocast("mps") is on in CPU-only PyTorch too; no tensor is on mps, so nothing changes
    assert inside() == (True, False) and inside.__name__ == "inside" and "autocast state" in inside.__doc__
    assert tg.is_autocast_enabled("mps") is False
    with tg.autocast("cuda:0"):  # PyTorch's quirk: only "cuda" itself warns and switches off
        assert tg.is_autocast_enabled() is True
        with tg.autocast("cuda", enabled=False):
            assert tg.is_autocast_enabled() is False
        assert tg.is_autocast_enabled("cuda") is True
    assert tg.is_autocast_enabled() is False
    with pytest.raises(TypeError, match="requires a callable, but got int"):
        tg.autocast("cuda", enabled=False)(3)


def test_autocast_cpu_is_refused_before_anything_changes():
    with pytest.raises(NotImplementedError) as info:
        with tg.autocast("cpu"):
            raise AssertionError("the region must not run")
    message = str(info.value)
    for words in ("autocast(device_type='cpu')", "matmul", "bfloat16", "NumPy", "enabled=False", "leave autocast out"):
        assert words.lower() in message.lower()
    assert tg.is_autocast_enabled("cpu") is False
    with pytest.raises(NotImplementedError, match="in float16"):
        tg.autocast("cpu", dtype=tg.float16)
    with pytest.raises(NotImplementedError):
        tg.autocast("cpu:0")
    with pytest.raises(NotImplementedError):
        @tg.autocast(device_type="cpu")
        def forward(x):
            return x


def test_autocast_cpu_disabled_is_a_no_op():
    a = tg.tensor(XS[0])
    context, warned = caught(lambda: tg.autocast("cpu", enabled=False))
    with context:
        inside = a @ a.T
        assert tg.is_autocast_enabled("cpu") is False
    assert warned == [] and inside.dtype == tg.float32 and np.array_equal(inside.numpy(), (a @ a.T).numpy())


def test_autocast_to_an_unsupported_dtype_warns_and_switches_off():
    context, warned = caught(lambda: tg.autocast("cpu", dtype=tg.float32))
    assert context._enabled is False
    assert warned == [("UserWarning", "In CPU autocast, but the target dtype is not supported. Disabling autocast.\n"
                       "CPU Autocast only supports dtypes of torch.bfloat16, torch.float16 currently.", "test_amp.py")]


# (what is asked, (exception, first line of its message)): PyTorch 2.13's answers
DEVICE_ERRORS = [
    (lambda lib: lib.autocast("foo"), ("RuntimeError", f"Expected one of {DEVICE_LIST} device type at start of "
                                                      "device string: foo")),
    (lambda lib: lib.autocast("CPU"), ("RuntimeError", f"Expected one of {DEVICE_LIST} device type at start of "
                                                      "device string: CPU")),
    (lambda lib: lib.autocast(""), ("RuntimeError", "Device string must not be empty")),
    (lambda lib: lib.autocast("cuda:x"), ("RuntimeError", "Invalid device string: 'cuda:x'")),
    (lambda lib: lib.autocast("cuda:01"), ("RuntimeError", "Invalid device string: 'cuda:01'")),
    (lambda lib: lib.autocast(" cuda"), ("RuntimeError", "Invalid device string: ' cuda'")),
    (lambda lib: lib.autocast("meta"), ("RuntimeError", "unsupported scalarType")),
    (lambda lib: lib.autocast("hip"), ("RuntimeError", "User specified an unsupported autocast device_type 'hip'")),
    (lambda lib: lib.autocast("ve", dtype=lib.float16),
     ("RuntimeError", "User specified an unsupported autocast device_type 've'")),
    (lambda lib: lib.autocast(5), ("ValueError", "Expected `device_type` of type `str`, got: `<class 'int'>`")),
    (lambda lib: lib.autocast(None), ("ValueError", "Expected `device_type` of type `str`, got: `<class 'NoneType'>`")),
    (lambda lib: lib.is_autocast_enabled(None),
     ("TypeError", "is_autocast_enabled(): argument 'device_type' (position 1) must be str, not NoneType")),
    (lambda lib: lib.is_autocast_enabled("foo"), ("RuntimeError", f"Expected one of {DEVICE_LIST} device type at "
                                                                  "start of device string: foo")),
    (lambda lib: lib.is_autocast_enabled("hip"),
     ("RuntimeError", "unknown device type for autocast in get_autocast_dispatch_key_from_device_type")),
    (lambda lib: lib.amp.is_autocast_available("cuda:x"), ("RuntimeError", "Invalid device string: 'cuda:x'")),
]


@pytest.mark.parametrize("ask, expected", DEVICE_ERRORS)
def test_bad_device_types_raise_as_torch(ask, expected):
    assert raised(lambda: ask(tg)) == expected


@pytest.mark.parametrize("ask, expected", DEVICE_ERRORS)
def test_bad_device_types_against_torch(ask, expected):
    torch = pytest.importorskip("torch")
    assert raised(lambda: ask(torch)) == expected


def test_autocast_availability_and_state_as_torch():
    names = ["cpu", "cuda", "cuda:1", "mps", "xpu", "hpu", "xla", "ipu", "mtia", "maia", "hip", "ve", "meta"]
    available = [tg.amp.is_autocast_available(name) for name in names]
    assert available == [True] * 10 + [False] * 3
    assert [tg.is_autocast_enabled(name) for name in names[:10]] == [False] * 10
    torch = pytest.importorskip("torch")
    assert available == [torch.amp.is_autocast_available(name) for name in names]


# --- GradScaler("cuda"): off ---------------------------------------------------------------------------------

class CountingOptimizer:
    def __init__(self):
        self.calls = []

    def step(self, *args, **kwargs):
        self.calls.append((args, kwargs))
        return "stepped"


@pytest.mark.filterwarnings("ignore:torch.cuda.amp.GradScaler is enabled")
@pytest.mark.parametrize("make", [lambda: tg.amp.GradScaler(), lambda: tg.amp.GradScaler("cuda", enabled=False)])
def test_cuda_scaler_is_off(make):
    scaler = make()
    x = tg.ones(2, requires_grad=True)
    optimizer = CountingOptimizer()
    assert scaler.scale(x) is x and scaler.scale(5) == 5
    assert scaler.unscale_(optimizer) is None and scaler.update() is None and scaler.update(8.0) is None
    assert scaler.step(optimizer, 1, closure="c") == "stepped" and optimizer.calls == [((1,), {"closure": "c"})]
    assert scaler.get_scale() == 1.0 and scaler.is_enabled() is False and scaler._get_growth_tracker() == 0
    assert scaler.state_dict() == {} and scaler.load_state_dict({}) is None
    with pytest.raises(AttributeError):  # as in PyTorch: an off scaler keeps no factors
        scaler.get_growth_factor()


def test_off_scaler_against_torch():
    torch = pytest.importorskip("torch")
    scaler, warned = caught(lambda: torch.amp.GradScaler())
    assert warned == [("UserWarning", CUDA_SCALER_WARNING, "test_amp.py")]
    _, warned = caught(lambda: torch.amp.GradScaler("cuda", enabled=False))
    assert warned == []
    optimizer = CountingOptimizer()
    assert scaler.step(optimizer, 1, closure="c") == "stepped" and optimizer.calls == [((1,), {"closure": "c"})]
    assert (scaler.get_scale(), scaler.is_enabled(), scaler.state_dict(), scaler.load_state_dict({})) == \
           (1.0, False, {}, None)
    with pytest.raises(AttributeError):
        scaler.get_growth_factor()


# --- GradScaler("cpu"): on, PyTorch's algorithm ---------------------------------------------------------------

INF_STEP = 2  # a gradient is made inf after this step's backward: the step is skipped, the scale backs off


def scaler_loop(lib):
    """8 steps with GradScaler("cpu", init_scale=1024, growth_interval=3); odd steps unscale_ explicitly."""
    model = mlp(lib)
    optimizer = lib.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    scaler = lib.amp.GradScaler("cpu", init_scale=1024.0, growth_interval=3)
    history = []
    for i, (x, y) in enumerate(zip(XS, YS)):
        optimizer.zero_grad()
        loss = lib.nn.functional.mse_loss(model(lib.tensor(x)), lib.tensor(y))
        scaled = scaler.scale(loss)
        assert np.array_equal(scaled.detach().numpy(), loss.detach().numpy() * np.float32(scaler.get_scale()))
        scaled.backward()
        if i == INF_STEP:
            model[0].weight.grad[1, 2] = float("inf")
        if i % 2 == 1:
            scaler.unscale_(optimizer)
        result = scaler.step(optimizer)
        scaler.update()
        history.append((scaler.get_scale(), scaler._get_growth_tracker(), result))
    return [p.detach().numpy() for p in model.parameters()], history, scaler.state_dict()


# (scale, growth tracker, what step returned) after each update: back off at the inf, grow after 3 clean steps
EXPECTED_HISTORY = [(1024.0, 1, None), (1024.0, 2, None), (512.0, 0, None), (512.0, 1, None), (512.0, 2, None),
                    (1024.0, 0, None), (1024.0, 1, None), (1024.0, 2, None)]
EXPECTED_STATE = {"scale": 1024.0, "growth_factor": 2.0, "backoff_factor": 0.5, "growth_interval": 3,
                  "_growth_tracker": 2}


def test_cpu_scaler_skips_the_inf_step_backs_off_and_grows():
    weights, history, state = scaler_loop(tg)
    assert history == EXPECTED_HISTORY and state == EXPECTED_STATE
    # a power-of-two scale changes no bit: the weights are the plain loop's without the skipped step
    for got, expected in zip(weights, plain_loop(tg, skip=(INF_STEP,))):
        assert np.array_equal(got, expected)


def test_cpu_scaler_against_torch():
    torch = pytest.importorskip("torch")
    weights, history, state = scaler_loop(tg)
    torch_weights, torch_history, torch_state = scaler_loop(torch)
    assert history == torch_history and state == torch_state
    for got, expected in zip(weights, torch_weights):
        np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-6)


def fresh(lib, **options):
    """A cpu scaler, an optimizer and a scaled backward, ready for unscale_/step."""
    model = mlp(lib)
    optimizer = lib.optim.SGD(model.parameters(), lr=0.1)
    scaler = lib.amp.GradScaler("cpu", **options)
    scaler.scale(lib.nn.functional.mse_loss(model(lib.tensor(XS[0])), lib.tensor(YS[0]))).backward()
    return scaler, optimizer, model


def in_order(*calls):
    """A scenario: a fresh scaler after a scaled backward, then scaler.<call>(optimizer) for each call."""
    def scenario(lib):
        scaler, optimizer, _ = fresh(lib)
        for call in calls:
            getattr(scaler, call)(optimizer)
    return scenario


def step_with_closure(lib):
    scaler, optimizer, _ = fresh(lib)
    scaler.step(optimizer, closure=lambda: None)


def step_without_gradients(lib):
    scaler, _, _ = fresh(lib)
    scaler.step(lib.optim.SGD([lib.nn.Parameter(lib.zeros(2))], lr=0.1))


def update_without_step(lib):
    scaler, _, _ = fresh(lib)
    scaler.update()


def fp16_gradients(lib):
    scaler = lib.amp.GradScaler("cpu")
    param = lib.nn.Parameter(lib.ones(2, dtype=lib.float16))
    scaler.scale(param.sum()).backward()
    scaler.unscale_(lib.optim.SGD([param], lr=0.1))


def update_to_a_tensor_that_requires_grad(lib):
    scaler, _, _ = fresh(lib)
    scaler.update(lib.tensor(8.0, requires_grad=True))


# (what is done, (exception, first line of its message)): PyTorch 2.13's answers
SCALER_ERRORS = [
    (in_order("unscale_", "unscale_"),
     ("RuntimeError", "unscale_() has already been called on this optimizer since the last update().")),
    (in_order("step", "unscale_"), ("RuntimeError", "unscale_() is being called after step().")),
    (in_order("step", "step"), ("RuntimeError", "step() has already been called since the last update().")),
    (step_with_closure, ("RuntimeError", "Closure use is not currently supported if GradScaler is enabled.")),
    (step_without_gradients, ("AssertionError", "No inf checks were recorded for this optimizer.")),
    (update_without_step, ("AssertionError", "No inf checks were recorded prior to update.")),
    (fp16_gradients, ("ValueError", "Attempting to unscale FP16 gradients.")),
    (update_to_a_tensor_that_requires_grad, ("AssertionError", "new_scale should be a float or a 1-element ")),
    (lambda lib: lib.amp.GradScaler("cpu").step(CountingOptimizer()),
     ("AssertionError", "Attempted step but _scale is None.  This may indicate your script did not use "
                        "scaler.scale(loss or outputs) earlier in the iteration.")),
    (lambda lib: lib.amp.GradScaler("cpu").update(),
     ("AssertionError", "Attempted update but _scale is None.  This may indicate your script did not use "
                        "scaler.scale(loss or outputs) earlier in the iteration.")),
    (lambda lib: lib.amp.GradScaler("cpu").scale(3), ("ValueError", "outputs must be a Tensor or an iterable of "
                                                                    "Tensors")),
    (lambda lib: lib.amp.GradScaler("cpu", growth_factor=1.0), ("AssertionError", "The growth factor must be > 1.0.")),
    (lambda lib: lib.amp.GradScaler("cpu", backoff_factor=1.0),
     ("AssertionError", "The backoff factor must be < 1.0.")),
    (lambda lib: lib.amp.GradScaler("cpu").load_state_dict({}),
     ("RuntimeError", "The source state dict is empty, possibly because it was saved from a disabled instance of "
                      "GradScaler.")),
]


def first_words(error):
    """The message up to its first mention of a library's tensor type, which names torch's or ours."""
    if error is None:
        return None
    return error[0], error[1].split("torch")[0].split("tinygrad_edu")[0]


@pytest.mark.parametrize("do, expected", SCALER_ERRORS)
def test_scaler_errors_as_torch(do, expected):
    assert first_words(raised(lambda: do(tg))) == expected


@pytest.mark.parametrize("do, expected", SCALER_ERRORS)
def test_scaler_errors_against_torch(do, expected):
    torch = pytest.importorskip("torch")
    assert first_words(raised(lambda: do(torch))) == expected


def scaler_settings(lib):
    """What a scaler answers along the way: lazy scale, structures, update(new_scale), setters, state."""
    scaler = lib.amp.GradScaler("cpu", init_scale=8.0, growth_interval=1, backoff_factor=0.3)
    answers = [scaler.get_scale(), scaler._get_growth_tracker(), scaler._scale is None]
    lazy = scaler.scale(iter([lib.tensor(1.0)]))
    answers.append(scaler._scale is None)  # a generator is scaled lazily: no scale until it is read
    answers.append([t.item() for t in lazy])
    nested = scaler.scale([lib.tensor([1.0, 2.0]), (lib.tensor(3.0), [lib.tensor(0.5)])])
    answers.append((type(nested).__name__, type(nested[1]).__name__, type(nested[1][1]).__name__))
    answers.append((nested[0].tolist(), nested[1][0].item(), nested[1][1][0].item()))
    scaler.update(1000.0)
    answers.append(scaler.get_scale())
    scaler, optimizer, model = fresh(lib, init_scale=1000.0, backoff_factor=0.3)
    model[2].bias.grad[0] = float("nan")
    answers.append(scaler.step(optimizer))
    scaler.update()
    answers.append(scaler.get_scale())  # 1000 * 0.3 rounded to float32
    scaler.update(lib.tensor(2.0**127))
    scaler.set_growth_interval(1)
    scaler.set_growth_factor(4.0)
    scaler.set_backoff_factor(0.25)
    answers.append((scaler.get_growth_interval(), scaler.get_growth_factor(), scaler.get_backoff_factor()))
    small = lib.nn.Parameter(lib.ones(2))
    scaler.scale((small * 1e-30).sum()).backward()  # gradients 1e-30 * 2**127: finite
    scaler.step(lib.optim.SGD([small], lr=0.1))
    scaler.update()
    answers.append(scaler.get_scale())  # growing 2**127 would give inf: it stays
    state = scaler.state_dict()
    answers.append(state)
    loaded = lib.amp.GradScaler("cpu")
    loaded.load_state_dict(state)
    answers.append((loaded.get_scale(), loaded._scale is None, loaded.state_dict() == state))
    answers.append(loaded.scale(lib.tensor(1.0)).item())
    return answers


EXPECTED_SETTINGS = [
    8.0, 0, True, True, [8.0], ("list", "tuple", "list"), ([8.0, 16.0], 24.0, 4.0), 1000.0, None,
    float(np.float32(1000.0 * 0.3)), (1, 4.0, 0.25), 2.0**127,
    {"scale": 2.0**127, "growth_factor": 4.0, "backoff_factor": 0.25, "growth_interval": 1, "_growth_tracker": 0},
    (2.0**127, True, True), 2.0**127,
]


def test_scaler_settings():
    assert scaler_settings(tg) == EXPECTED_SETTINGS


def test_scaler_settings_against_torch():
    torch = pytest.importorskip("torch")
    assert scaler_settings(torch) == EXPECTED_SETTINGS


def two_optimizer_update(lib, inf_in):
    """One scaled step of a model whose two layers have an optimizer each, an inf put into the gradient of
    optimizer `inf_in`'s layer: (scale, growth tracker, whether each layer's weight moved)."""
    model = mlp(lib)
    first = lib.optim.SGD(model[0].parameters(), lr=0.1)
    second = lib.optim.SGD(model[2].parameters(), lr=0.1)
    scaler = lib.amp.GradScaler("cpu", init_scale=1024.0, growth_interval=3)
    before = [model[0].weight.detach().clone(), model[2].weight.detach().clone()]
    scaler.scale(lib.nn.functional.mse_loss(model(lib.tensor(XS[0])), lib.tensor(YS[0]))).backward()
    model[2 * inf_in].weight.grad[0, 0] = float("inf")
    scaler.step(first)
    scaler.step(second)
    scaler.update()
    moved = [not bool((model[2 * i].weight.detach() == before[i]).all()) for i in (0, 1)]
    return scaler.get_scale(), scaler._get_growth_tracker(), moved


@pytest.mark.parametrize("library", ["tinygrad_edu", "torch"])
@pytest.mark.parametrize("inf_in", [0, 1])
def test_an_inf_in_any_optimizer_backs_the_scale_off(library, inf_in):
    # update() looks at every optimizer stepped since the last update, not only the first: the one that saw
    # the inf skips its step, the other steps, and the scale halves either way
    lib = tg if library == "tinygrad_edu" else pytest.importorskip("torch")
    scale, tracker, moved = two_optimizer_update(lib, inf_in)
    assert (scale, tracker) == (512.0, 0)
    assert moved == [inf_in != 0, inf_in != 1]
