"""nn.Module machinery: registration, naming, modes, hooks, state_dict; Parameter; nn.utils; nn.init."""

import copy
import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import tinygrad_edu as tg
import tinygrad_edu.nn as nn
from tinygrad_edu.nn.module import forward_stack


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(3, 4)
        self.scale = nn.Parameter(tg.ones(4))
        self.register_buffer("steps", tg.zeros((), dtype=tg.int64))
        self.bn = nn.BatchNorm1d(4)
        self.fc2 = nn.Linear(4, 2)

    def forward(self, x):
        return self.fc2(self.bn(self.fc1(x) * self.scale).relu())


def test_registration_order_and_dotted_names():
    net = Net()
    assert [n for n, _ in net.named_parameters()] == [
        "scale", "fc1.weight", "fc1.bias", "bn.weight", "bn.bias", "fc2.weight", "fc2.bias"]
    assert [n for n, _ in net.named_buffers()] == ["steps", "bn.running_mean", "bn.running_var",
                                                   "bn.num_batches_tracked"]
    assert [n for n, _ in net.named_children()] == ["fc1", "bn", "fc2"]
    assert [n for n, _ in net.named_modules()] == ["", "fc1", "bn", "fc2"]
    assert list(net.modules())[0] is net and list(net.children())[1] is net.bn
    assert all(isinstance(p, nn.Parameter) for p in net.parameters())
    assert len(list(net.parameters(recurse=False))) == 1


def test_state_dict_keys_order_values_and_sharing():
    net = Net()
    sd = net.state_dict()
    assert list(sd) == ["scale", "steps", "fc1.weight", "fc1.bias", "bn.weight", "bn.bias", "bn.running_mean",
                        "bn.running_var", "bn.num_batches_tracked", "fc2.weight", "fc2.bias"]
    assert not sd["fc1.weight"].requires_grad and type(sd["fc1.weight"]) is tg.Tensor
    assert sd["bn.num_batches_tracked"].dtype == np.int64
    assert np.shares_memory(sd["fc1.weight"]._data, net.fc1.weight._data)  # detached, not copied (PyTorch)
    assert net.state_dict(keep_vars=True)["fc1.weight"] is net.fc1.weight


def test_state_dict_keys_match_torch():
    torch = pytest.importorskip("torch")
    ours = nn.Sequential(nn.Conv2d(1, 2, 3), nn.BatchNorm2d(2), nn.ReLU(), nn.Flatten(), nn.Linear(8, 3),
                         nn.LayerNorm(3), nn.Embedding(4, 3))
    theirs = torch.nn.Sequential(torch.nn.Conv2d(1, 2, 3), torch.nn.BatchNorm2d(2), torch.nn.ReLU(),
                                 torch.nn.Flatten(), torch.nn.Linear(8, 3), torch.nn.LayerNorm(3),
                                 torch.nn.Embedding(4, 3))
    assert list(ours.state_dict()) == list(theirs.state_dict())
    for key, value in theirs.state_dict().items():
        assert ours.state_dict()[key].shape == tuple(value.shape), key
        assert ours.state_dict()[key].dtype == np.dtype(str(value.dtype).replace("torch.", "")), key


def test_repr_matches_torch():
    torch = pytest.importorskip("torch")
    ours = nn.Sequential(nn.Linear(2, 3), nn.ReLU(), nn.Sequential(nn.Conv2d(1, 4, 3, padding=1), nn.BatchNorm2d(4)),
                         nn.Dropout(0.2), nn.LayerNorm(3), nn.Embedding(5, 2), nn.Flatten(), nn.Identity(),
                         nn.LeakyReLU(0.2), nn.Softmax(dim=1))
    theirs = torch.nn.Sequential(torch.nn.Linear(2, 3), torch.nn.ReLU(),
                                 torch.nn.Sequential(torch.nn.Conv2d(1, 4, 3, padding=1), torch.nn.BatchNorm2d(4)),
                                 torch.nn.Dropout(0.2), torch.nn.LayerNorm(3), torch.nn.Embedding(5, 2),
                                 torch.nn.Flatten(), torch.nn.Identity(), torch.nn.LeakyReLU(0.2),
                                 torch.nn.Softmax(dim=1))
    assert repr(ours) == repr(theirs)


def test_repr_is_written_like_torch():
    """The same model as test_repr_matches_torch, its repr as PyTorch 2.x prints it, written out (no torch needed)."""
    model = nn.Sequential(nn.Linear(2, 3), nn.ReLU(), nn.Sequential(nn.Conv2d(1, 4, 3, padding=1), nn.BatchNorm2d(4)),
                          nn.Dropout(0.2), nn.LayerNorm(3), nn.Embedding(5, 2), nn.Flatten(), nn.Identity(),
                          nn.LeakyReLU(0.2), nn.Softmax(dim=1))
    assert repr(model) == """Sequential(
  (0): Linear(in_features=2, out_features=3, bias=True)
  (1): ReLU()
  (2): Sequential(
    (0): Conv2d(1, 4, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1))
    (1): BatchNorm2d(4, eps=1e-05, momentum=0.1, affine=True, bias=True, track_running_stats=True)
  )
  (3): Dropout(p=0.2, inplace=False)
  (4): LayerNorm((3,), eps=1e-05, elementwise_affine=True, bias=True)
  (5): Embedding(5, 2)
  (6): Flatten(start_dim=1, end_dim=-1)
  (7): Identity()
  (8): LeakyReLU(negative_slope=0.2)
  (9): Softmax(dim=1)
)"""


def test_parameter_is_a_tensor_that_requires_grad_and_shares_data():
    t = tg.randn(2, 2)
    p = nn.Parameter(t)
    assert isinstance(p, tg.Tensor) and p.requires_grad and p.is_leaf
    assert p._data is t._data
    assert repr(p).startswith("Parameter containing:\ntensor(") and "requires_grad=True" in repr(p)
    assert not nn.Parameter(t, requires_grad=False).requires_grad
    assert type(p * 2) is tg.Tensor


def test_shared_parameter_listed_once():
    net = nn.Sequential(nn.Linear(2, 2), nn.Linear(2, 2))
    net[1].weight = net[0].weight
    names = [n for n, _ in net.named_parameters()]
    assert names == ["0.weight", "0.bias", "1.bias"]
    shared_module = nn.Linear(2, 2)
    twice = nn.Sequential(shared_module, shared_module)
    assert len(list(twice.parameters())) == 2 and len(list(twice.modules())) == 2
    assert list(twice.state_dict()) == ["0.weight", "0.bias", "1.weight", "1.bias"]  # PyTorch keeps both keys


def test_forgetting_super_init_explains_the_fix():
    class Broken(nn.Module):
        def __init__(self):
            self.fc = nn.Linear(2, 2)

    with pytest.raises(AttributeError, match=r"Broken.*super\(\).__init__\(\)"):  # PyTorch's type
        Broken()

    class Quiet(nn.Module):
        def __init__(self):
            self.size = 3  # plain attributes are allowed, but the module is not set up

    with pytest.raises(AttributeError, match="super"):
        list(Quiet().parameters())


def test_typo_raises_attribute_error_with_hint():
    net = Net()
    with pytest.raises(AttributeError, match="Did you mean 'fc1'"):
        net.fc11  # noqa: B018
    with pytest.raises(AttributeError, match="no attribute 'nothing_like_it'"):
        net.nothing_like_it  # noqa: B018
    assert not hasattr(net, "missing")


def test_assignment_rules_and_delattr():
    net = Net()
    with pytest.raises(TypeError, match="nn.Parameter or None expected"):
        net.scale = tg.ones(4)
    net.scale = None
    assert "scale" not in dict(net.named_parameters())
    with pytest.raises(TypeError, match="Tensor or None expected"):
        net.steps = 3
    net.steps = tg.ones(())
    assert net.steps.item() == 1.0
    net.fc1 = nn.Identity()  # replacing a module keeps its place
    assert [n for n, _ in net.named_children()] == ["fc1", "bn", "fc2"]
    net.extra = nn.Linear(1, 1)
    del net.extra
    assert "extra" not in dict(net.named_children())
    net.plain = 5
    del net.plain
    with pytest.raises(AttributeError):
        net.plain  # noqa: B018
    with pytest.raises(TypeError):
        net.register_parameter("w", tg.ones(2))
    net.fc1 = nn.Parameter(tg.ones(1))  # a name moves between registries, never lives in two
    assert "fc1" not in dict(net.named_children()) and "fc1" in dict(net.named_parameters())
    assert "fc1" in dir(net)


def test_train_eval_requires_grad_zero_grad_apply():
    net = Net()
    assert net.training and net.bn.training
    assert net.eval() is net and not net.bn.training and not net.training
    net.train()
    assert net.fc2.training
    out = net(tg.randn(5, 3)).sum()
    out.backward()
    assert all(p.grad is not None for p in net.parameters())
    net.zero_grad(set_to_none=False)
    assert all(np.all(p.grad._data == 0) for p in net.parameters())
    net.zero_grad()
    assert all(p.grad is None for p in net.parameters())
    net.requires_grad_(False)
    assert not any(p.requires_grad for p in net.parameters())
    seen = []
    assert net.apply(lambda m: seen.append(type(m).__name__)) is net
    assert seen == ["Linear", "BatchNorm1d", "Linear", "Net"]


def test_forward_hooks_and_removal():
    layer = nn.Linear(2, 2)
    calls = []
    pre = layer.register_forward_pre_hook(lambda m, args: (args[0] * 0,))
    post = layer.register_forward_hook(lambda m, args, out: calls.append(out.shape) or out * 2)
    out = layer(tg.randn(3, 2))
    np.testing.assert_allclose(out._data, np.broadcast_to(2 * layer.bias._data, (3, 2)), rtol=1e-6)
    assert calls == [(3, 2)]
    pre.remove()
    post.remove()
    x = tg.randn(3, 2)
    np.testing.assert_allclose(layer(x)._data, layer.forward(x)._data)
    assert calls == [(3, 2)]


def test_forward_stack_names_running_modules():
    seen = []

    class Probe(nn.Module):
        def forward(self, x):
            seen.append([name for name, _ in forward_stack()])
            return x

    import tinygrad_edu.viz  # noqa: F401  (the graph renderer switches the recording of modules on)
    model = nn.Sequential(nn.Linear(2, 2), nn.Sequential(Probe()))
    model(tg.randn(1, 2))
    assert seen == [["Sequential", "1", "1.0"]]
    assert forward_stack() == []

    class Boom(nn.Module):
        def forward(self, x):
            raise ValueError("boom")

    with pytest.raises(ValueError):
        nn.Sequential(Boom())(tg.randn(1))
    assert forward_stack() == []  # popped even when forward raises


def test_load_state_dict_round_trip_and_copies_values():
    a, b = Net(), Net()
    a.bn.running_mean._data[:] = 3.0
    result = b.load_state_dict(a.state_dict())
    assert result.missing_keys == [] and result.unexpected_keys == []
    assert repr(result) == "<All keys matched successfully>"
    for key, value in a.state_dict().items():
        np.testing.assert_array_equal(b.state_dict()[key]._data, value._data)
        assert not np.shares_memory(b.state_dict()[key]._data, value._data)
    x = tg.randn(5, 3)
    np.testing.assert_array_equal(a.eval()(x)._data, b.eval()(x)._data)
    b.load_state_dict({k: v._data for k, v in a.state_dict().items()})  # NumPy arrays work too


def test_load_state_dict_reports_every_problem_at_once_and_changes_nothing():
    net = Net()
    before = {k: v._data.copy() for k, v in net.state_dict().items()}
    sd = dict(Net().state_dict())
    del sd["fc1.bias"], sd["steps"]
    sd["fc3.weight"] = tg.ones(2)
    sd["fc2.weight"] = tg.ones(5, 5)
    with pytest.raises(RuntimeError) as info:
        net.load_state_dict(sd)
    message = str(info.value)
    assert "Error(s) in loading state_dict for Net" in message
    assert 'Missing key(s) in state_dict: "steps", "fc1.bias".' in message
    assert 'Unexpected key(s) in state_dict: "fc3.weight".' in message
    assert "size mismatch for fc2.weight: copying a param with shape (5, 5) from checkpoint, " \
           "the shape in current model is (2, 4)." in message
    for key, value in net.state_dict().items():
        np.testing.assert_array_equal(value._data, before[key])


def test_load_state_dict_non_strict_returns_keys_but_still_checks_shapes():
    net = Net()
    sd = dict(Net().state_dict())
    del sd["fc1.bias"]
    sd["other"] = tg.ones(1)
    result = net.load_state_dict(sd, strict=False)
    assert result.missing_keys == ["fc1.bias"] and result.unexpected_keys == ["other"]
    np.testing.assert_array_equal(net.fc2.weight._data, sd["fc2.weight"]._data)
    sd["fc2.weight"] = tg.ones(1)
    with pytest.raises(RuntimeError, match="size mismatch for fc2.weight"):
        net.load_state_dict(sd, strict=False)


def snapshot(module):
    return {key: value._data.copy() for key, value in module.state_dict().items()}


def assert_unchanged(module, before):
    for key, value in module.state_dict().items():
        assert value._data.dtype == before[key].dtype, key
        np.testing.assert_array_equal(value._data, before[key], err_msg=key)


@pytest.mark.parametrize("bad, message", [
    ("abc", 'While copying the parameter named "fc2.bias", expected a Tensor (or NumPy array) from checkpoint '
            "but received <class 'str'>"),
    (None, 'While copying the parameter named "fc2.bias", expected a Tensor'),
    (0.5, 'While copying the parameter named "fc2.bias"'),
    (np.array([object(), object()]), "dtype mismatch for fc2.bias: copying a param of dtype object"),
    (np.array(["a", "b"]), "dtype mismatch for fc2.bias: copying a param of dtype <U1"),
    (np.array([1j, 2j]), "dtype mismatch for fc2.bias: copying a complex param (complex128) from checkpoint "
                         "into dtype float32 in current model would drop the imaginary part"),
])
def test_a_bad_last_entry_changes_nothing(bad, message):
    """fc2.bias comes last: every entry before it would already have been copied by a copy-as-you-go loop."""
    net = Net()
    sd = dict(Net().state_dict())
    assert list(sd)[-1] == "fc2.bias"
    sd["fc2.bias"] = bad
    before = snapshot(net)
    with pytest.raises(RuntimeError) as info:
        net.load_state_dict(sd)
    text = str(info.value)
    assert text.startswith("Error(s) in loading state_dict for Net:\n\t") and message in text
    assert "Nothing was loaded: the model is unchanged." in text
    assert_unchanged(net, before)


def test_floats_that_an_integer_buffer_cannot_hold_are_refused_before_copying():
    net = Net()
    before = snapshot(net)
    for bad in (np.array(np.nan), np.array(np.inf), np.array(1e30)):
        sd = dict(Net().state_dict())
        sd["steps"] = bad
        with pytest.raises(RuntimeError, match="value error for steps: copying a float param with values that "
                                               "dtype int64 in current model cannot hold"):
            net.load_state_dict(sd)
        assert_unchanged(net, before)
    sd = dict(Net().state_dict())
    sd["steps"] = np.array(7.0)  # a float that fits is copied, as PyTorch's copy_ does
    net.load_state_dict(sd)
    assert net.steps.item() == 7 and net.steps.dtype == np.int64


def test_load_state_dict_casts_like_pytorch_copy():
    net = Net()
    sd = {key: value._data.astype(np.float64) if value.dtype == np.float32 else value
          for key, value in Net().state_dict().items()}
    net.load_state_dict(sd)
    assert net.fc1.weight.dtype == np.float32
    np.testing.assert_array_equal(net.fc1.weight._data, sd["fc1.weight"].astype(np.float32))


def test_load_state_dict_wants_a_mapping():
    with pytest.raises(TypeError, match="Expected state_dict to be dict-like, got <class 'list'>"):
        Net().load_state_dict([("fc1.weight", tg.ones(4, 3))])


LINEAR_MISMATCH = ("Error(s) in loading state_dict for Linear:\n\tsize mismatch for weight: copying a param with "
                   "shape {0} from checkpoint, the shape in current model is {1}.")


def test_error_text_has_pytorchs_shape():
    """The same sentences as PyTorch's (shapes printed as tuples), then our hint."""
    layer = nn.Linear(4, 2)
    with pytest.raises(RuntimeError) as info:
        layer.load_state_dict({"weight": tg.zeros(5, 5), "bias": tg.zeros(2)})
    assert str(info.value).startswith(LINEAR_MISMATCH.format((5, 5), (2, 4)) + "\nNothing was loaded")


def test_error_text_matches_pytorch():
    torch = pytest.importorskip("torch")
    with pytest.raises(RuntimeError) as theirs:
        torch.nn.Linear(4, 2).load_state_dict({"weight": torch.zeros(5, 5), "bias": torch.zeros(2),
                                               "extra": torch.zeros(1)})
    with pytest.raises(RuntimeError) as ours:
        nn.Linear(4, 2).load_state_dict({"weight": tg.zeros(5, 5), "bias": tg.zeros(2), "extra": tg.zeros(1)})
    expected = str(theirs.value).replace("torch.Size([5, 5])", "(5, 5)").replace("torch.Size([2, 4])", "(2, 4)")
    expected = expected.replace(". \n", ".\n")  # PyTorch ends its key lists with a stray space
    assert str(ours.value).startswith(expected.rstrip())


BREAKAGES = ["shape", "str", "objects", "complex", "nan_into_int", "missing", "unexpected"]


@given(st.lists(st.tuples(st.sampled_from(BREAKAGES), st.integers(0, 9)), max_size=4))
def test_load_state_dict_is_all_or_nothing(breakages):
    """Break any entries in any ways: the load either succeeds completely or raises and changes nothing."""
    net, source = Net(), Net()
    source.bn.running_mean._data[:] = 3.0
    sd = dict(source.state_dict())
    keys = list(sd)
    for how, index in breakages:
        key = keys[index % len(keys)]
        if key not in sd:
            continue
        if how == "shape":
            sd[key] = tg.zeros(*(sd[key].shape + (2,)))
        elif how == "str":
            sd[key] = "weights"
        elif how == "objects":
            sd[key] = np.full(sd[key].shape, None, dtype=object)
        elif how == "complex":
            sd[key] = np.ones(sd[key].shape, dtype=np.complex64)
        elif how == "nan_into_int":
            sd["steps"] = np.array(np.nan)
        elif how == "missing":
            del sd[key]
        else:
            sd[f"extra{index}"] = tg.ones(1)
    before = snapshot(net)
    try:
        net.load_state_dict(sd)
    except RuntimeError:
        assert breakages
        assert_unchanged(net, before)
        return
    assert not breakages
    assert_unchanged(net, {key: value._data for key, value in source.state_dict().items()})


def test_non_persistent_buffer_and_to_double():
    m = nn.Module()
    m.register_buffer("cache", tg.ones(2), persistent=False)
    m.register_buffer("kept", tg.ones(2))
    assert list(m.state_dict()) == ["kept"] and len(list(m.buffers())) == 2
    net = Net().double()
    assert all(p.dtype == np.float64 for p in net.parameters())
    assert net.bn.num_batches_tracked.dtype == np.int64
    assert net.float().fc1.weight.dtype == np.float32


def test_module_without_forward_says_so():
    with pytest.raises(NotImplementedError, match='missing the required "forward"'):
        nn.Module()(tg.ones(1))


# ---------------------------------------------------------------- nn.utils

def grads_fixture():
    tg.manual_seed(0)
    params = [nn.Parameter(tg.randn(3, 2)), nn.Parameter(tg.randn(4))]
    for p in params:
        p.grad = tg.randn(*p.shape) * 3
    return params


@pytest.mark.parametrize("norm_type", [2.0, 1.0, 3.0, float("inf")])
def test_clip_grad_norm_against_formula(norm_type):
    params = grads_fixture()
    grads = [p.grad._data.copy() for p in params]
    flat = np.concatenate([g.ravel() for g in grads]).astype(np.float64)
    expected = np.abs(flat).max() if norm_type == float("inf") else (np.abs(flat) ** norm_type).sum() ** (1 / norm_type)
    total = nn.utils.clip_grad_norm_(params, max_norm=1.0, norm_type=norm_type)
    assert isinstance(total, tg.Tensor)
    np.testing.assert_allclose(total.item(), expected, rtol=1e-5)
    coef = min(1.0 / (expected + 1e-6), 1.0)
    for p, g in zip(params, grads):
        np.testing.assert_allclose(p.grad._data, g * coef, rtol=1e-5)
    params = grads_fixture()
    before = [p.grad._data.copy() for p in params]
    nn.utils.clip_grad_norm_(params, max_norm=1e6, norm_type=norm_type)  # coefficient clamped to 1
    for p, g in zip(params, before):
        np.testing.assert_allclose(p.grad._data, g, rtol=1e-6)


def test_clip_grad_norm_matches_torch_and_nonfinite_error():
    torch = pytest.importorskip("torch")
    params = grads_fixture()
    tparams = [torch.tensor(p._data, requires_grad=True) for p in params]
    for p, t in zip(params, tparams):
        t.grad = torch.tensor(p.grad._data)
    ours = nn.utils.clip_grad_norm_(params, 0.5)
    theirs = torch.nn.utils.clip_grad_norm_(tparams, 0.5)
    np.testing.assert_allclose(ours.item(), theirs.item(), rtol=1e-6)
    for p, t in zip(params, tparams):
        np.testing.assert_allclose(p.grad._data, t.grad.numpy(), rtol=1e-6)
    params[0].grad._data[0, 0] = np.nan
    with pytest.raises(RuntimeError, match="error_if_nonfinite"):
        nn.utils.clip_grad_norm_(params, 1.0, error_if_nonfinite=True)


def test_clip_grad_value_and_parameter_vectors():
    params = grads_fixture()
    nn.utils.clip_grad_value_(params, 0.5)
    assert all(np.abs(p.grad._data).max() <= 0.5 for p in params)
    vec = nn.utils.parameters_to_vector(params)
    assert vec.shape == (10,) and vec.requires_grad
    np.testing.assert_array_equal(vec._data[:6], params[0]._data.ravel())
    nn.utils.vector_to_parameters(tg.arange(10).float(), params)
    np.testing.assert_array_equal(params[1]._data, [6, 7, 8, 9])
    with pytest.raises(RuntimeError, match="10 elements"):
        nn.utils.vector_to_parameters(tg.ones(3), params)


def clipping_with_foreach_and_a_vector_not_a_tensor(lib):
    """PyTorch's signatures: foreach= accepted by both clippers (same numbers), and a vector that is not a
    tensor refused with a TypeError."""
    weight = lib.zeros(3, requires_grad=True)
    weight.grad = lib.tensor([3.0, -4.0, 0.0])
    total = lib.nn.utils.clip_grad_norm_([weight], 1.0, 2.0, False, foreach=True)
    lib.nn.utils.clip_grad_value_([weight], 0.7, foreach=False)
    try:
        lib.nn.utils.vector_to_parameters(np.zeros(3), [weight])
        error = None
    except Exception as exc:  # noqa: BLE001 - the kind of error is what is compared
        error = type(exc).__name__
    return round(total.item(), 6), [round(value, 6) for value in weight.grad.tolist()], error


CLIPPING_WITH_FOREACH = (5.0, [0.6, -0.7, 0.0], "TypeError")


def test_clipping_takes_foreach_and_vector_to_parameters_wants_a_tensor():
    assert clipping_with_foreach_and_a_vector_not_a_tensor(tg) == CLIPPING_WITH_FOREACH


def test_clipping_takes_foreach_and_vector_to_parameters_wants_a_tensor_as_torch():
    torch = pytest.importorskip("torch")
    assert clipping_with_foreach_and_a_vector_not_a_tensor(torch) == CLIPPING_WITH_FOREACH


# ---------------------------------------------------------------- nn.init

def test_calculate_gain_matches_torch():
    torch = pytest.importorskip("torch")
    for name, param in [("linear", None), ("conv2d", None), ("sigmoid", None), ("tanh", None), ("relu", None),
                        ("leaky_relu", None), ("leaky_relu", 0.2), ("selu", None)]:
        assert nn.init.calculate_gain(name, param) == pytest.approx(torch.nn.init.calculate_gain(name, param))
    with pytest.raises(ValueError, match="unsupported"):
        nn.init.calculate_gain("swish")


@pytest.mark.parametrize("name, param, gain", [
    ("linear", None, 1.0), ("conv1d", None, 1.0), ("conv2d", None, 1.0), ("conv_transpose2d", None, 1.0),
    ("sigmoid", None, 1.0), ("tanh", None, 5 / 3), ("relu", None, math.sqrt(2.0)),
    ("leaky_relu", None, math.sqrt(2 / (1 + 0.01 ** 2))),  # PyTorch's default negative slope: 0.01
    ("leaky_relu", 0.2, math.sqrt(2 / (1 + 0.2 ** 2))), ("selu", None, 3 / 4),
])
def test_calculate_gain_is_pytorchs_table(name, param, gain):
    """PyTorch's documented table for torch.nn.init.calculate_gain, written out (no torch needed)."""
    assert nn.init.calculate_gain(name, param) == pytest.approx(gain, rel=1e-12)


@pytest.mark.parametrize("fn, kwargs, kind, spread", [
    (nn.init.kaiming_uniform_, {}, "uniform", lambda fi, fo: math.sqrt(2.0) * math.sqrt(3 / fi)),
    (nn.init.kaiming_uniform_, {"mode": "fan_out", "nonlinearity": "relu"}, "uniform",
     lambda fi, fo: math.sqrt(2) * math.sqrt(3 / fo)),
    (nn.init.kaiming_normal_, {"nonlinearity": "relu"}, "normal", lambda fi, fo: math.sqrt(2 / fi)),
    (nn.init.xavier_uniform_, {"gain": 2.0}, "uniform", lambda fi, fo: 2 * math.sqrt(6 / (fi + fo))),
    (nn.init.xavier_normal_, {}, "normal", lambda fi, fo: math.sqrt(2 / (fi + fo))),
])
def test_init_statistics_on_a_conv_weight(fn, kwargs, kind, spread):
    tg.manual_seed(0)
    w = nn.Parameter(tg.zeros(64, 32, 3, 3))
    fan_in, fan_out = 32 * 9, 64 * 9
    assert fn(w, **kwargs) is w
    expected = spread(fan_in, fan_out)
    if kind == "uniform":
        assert np.abs(w._data).max() <= expected * (1 + 1e-6)
        np.testing.assert_allclose(w._data.std(), expected / math.sqrt(3), rtol=0.02)
    else:
        np.testing.assert_allclose(w._data.std(), expected, rtol=0.02)
    assert abs(w._data.mean()) < 0.02 * expected and w.requires_grad and w.dtype == np.float32


def test_simple_inits_and_seeding():
    w = nn.Parameter(tg.zeros(3, 4))
    assert np.all(nn.init.ones_(w)._data == 1) and np.all(nn.init.zeros_(w)._data == 0)
    assert np.all(nn.init.constant_(w, 2.5)._data == 2.5)
    tg.manual_seed(1)
    a = nn.init.normal_(w, 1.0, 0.1)._data.copy()
    tg.manual_seed(1)
    np.testing.assert_array_equal(nn.init.normal_(w, 1.0, 0.1)._data, a)
    u = nn.init.uniform_(w, -0.5, 0.5)._data
    assert u.min() >= -0.5 and u.max() < 0.5
    with pytest.raises(ValueError, match="fewer than 2 dimensions"):
        nn.init.xavier_uniform_(tg.zeros(3))


def test_deepcopy_gives_an_identical_independent_model():
    tg.manual_seed(0)
    model = nn.Sequential(nn.Linear(3, 4), nn.BatchNorm1d(4), nn.ReLU(), nn.Linear(4, 2))
    model(tg.randn(5, 3))  # move the running statistics away from their start
    model.eval()
    twin = copy.deepcopy(model)
    x = tg.randn(2, 3)
    np.testing.assert_array_equal(twin(x)._data, model(x)._data)
    for (name, p), (twin_name, q) in zip(model.state_dict().items(), twin.state_dict().items()):
        assert name == twin_name and p is not q and not np.shares_memory(p._data, q._data)
    assert all(isinstance(q, nn.Parameter) and q.requires_grad for q in twin.parameters())
    twin[0].weight._data += 1
    assert not np.array_equal(twin(x)._data, model(x)._data)
