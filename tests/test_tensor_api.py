"""PyTorch's Tensor-level API: devices, Generator and random draws, legacy constructors, named
return types, and the functions a PyTorch script reaches for. Each behaviour is checked against a
formula written out in NumPy; where torch is installed, the same calls are also compared to torch."""

import math
import warnings

import numpy as np
import pytest

import tinygrad_edu as tg
import tinygrad_edu.nn.functional as F
from tinygrad_edu import nn


# ---------------------------------------------------------------- devices
def test_device_names_the_cpu():
    assert repr(tg.device("cpu")) == "device(type='cpu')" and str(tg.device("cpu")) == "cpu"
    assert repr(tg.device("cpu:0")) == "device(type='cpu', index=0)" and tg.device("cpu", 0).index == 0
    assert tg.device("cpu") == tg.device(tg.device("cpu")) and tg.device("cpu") != tg.device("cpu:0")
    assert tg.device("cpu").type == "cpu" and tg.ones(2).device == tg.device("cpu")


@pytest.mark.parametrize("name", ["cuda", "cuda:0", "mps", "xpu"])
def test_other_devices_explain_the_cpu_only_idiom(name):
    made = tg.device(name)  # made, as PyTorch makes it (tutorials read torch.device("cuda").index) ...
    assert made.type == name.split(":")[0]
    with pytest.raises(RuntimeError, match=r"runs on the CPU only.*cuda.is_available\(\)"):
        tg.zeros(2, device=made)  # ... but nothing can be put there
    with pytest.raises(RuntimeError, match="zeros: .*CPU only"):
        tg.zeros(2, device=name)
    with pytest.raises(RuntimeError, match="to: .*CPU only"):
        tg.ones(2).to(name)
    with pytest.raises(RuntimeError, match="CPU only"):
        nn.Linear(2, 2).to(name)


def test_bad_device_strings():
    with pytest.raises(RuntimeError, match="'gpu' is not a device type"):
        tg.device("gpu")
    with pytest.raises(RuntimeError, match="one CPU device"):
        tg.device("cpu:1")
    with pytest.raises(RuntimeError, match="invalid device string"):
        tg.device("cpu:x")
    with pytest.raises(RuntimeError, match="CUDA device 0"):
        tg.ones(1).to(0)


FACTORIES = [
    lambda d: tg.tensor([1.0], device=d), lambda d: tg.zeros(2, device=d), lambda d: tg.ones(2, device=d),
    lambda d: tg.full((2,), 3.0, device=d), lambda d: tg.empty(2, device=d), lambda d: tg.eye(2, device=d),
    lambda d: tg.arange(3, device=d), lambda d: tg.linspace(0, 1, 3, device=d), lambda d: tg.rand(2, device=d),
    lambda d: tg.randn(2, device=d), lambda d: tg.randint(0, 3, (2,), device=d), lambda d: tg.randperm(3, device=d),
    lambda d: tg.zeros_like(tg.ones(2), device=d), lambda d: tg.ones_like(tg.ones(2), device=d),
    lambda d: tg.full_like(tg.ones(2), 2.0, device=d), lambda d: tg.empty_like(tg.ones(2), device=d),
    lambda d: tg.rand_like(tg.ones(2), device=d), lambda d: tg.randn_like(tg.ones(2), device=d),
    lambda d: tg.randint_like(tg.ones(2), 5, device=d), lambda d: tg.as_tensor([1, 2], device=d),
    lambda d: tg.Tensor([1, 2], device=d), lambda d: tg.ones(2).new_zeros(3, device=d),
    lambda d: tg.ones(2).new_tensor([1], device=d),
]


@pytest.mark.parametrize("factory", FACTORIES)
def test_every_factory_takes_device(factory):
    for where in ("cpu", "cpu:0", tg.device("cpu"), None):
        assert factory(where).device == tg.device("cpu")
    with pytest.raises(RuntimeError, match="CPU only"):
        factory("cuda")


def test_to_casts_and_otherwise_returns_the_tensor_itself():
    x = tg.tensor([1.5, 2.5], requires_grad=True)
    assert x.to("cpu") is x and x.to(tg.device("cpu")) is x and x.cpu() is x and x.to(np.float32) is x
    assert x.to(non_blocking=True) is x and x.to("cpu", non_blocking=True) is x
    y = x.to("cpu", np.float64)
    assert y.dtype == np.float64 and y.requires_grad and y.tolist() == [1.5, 2.5]
    assert x.to(tg.tensor([1])).dtype == np.int64 and x.to(dtype=np.float16).dtype == np.float16
    copied = x.to(copy=True)
    assert copied is not x and not np.shares_memory(copied._data, x._data)
    y.sum().backward()  # the cast is in the graph
    assert x.grad.tolist() == [1.0, 1.0]
    with pytest.raises(RuntimeError, match="cuda: there is no GPU"):
        x.cuda()
    assert not x.is_cuda and x.is_cpu and x.pin_memory() is x and not x.is_pinned()


def test_module_to_and_cpu():
    model = nn.Sequential(nn.Linear(2, 3), nn.BatchNorm1d(3))
    assert model.to("cpu") is model and model.cpu() is model and model.to(tg.device("cpu:0")) is model
    assert model.to(np.float64) is model
    assert {p.dtype for p in model.parameters()} == {np.dtype(np.float64)}
    assert model[1].running_mean.dtype == np.float64 and model[1].num_batches_tracked.dtype == np.int64
    model.to("cpu", dtype=np.float32)
    assert {p.dtype for p in model.parameters()} == {np.dtype(np.float32)}
    with pytest.raises(TypeError, match="only floating point"):
        model.to(np.int64)
    with pytest.raises(RuntimeError, match="no GPU"):
        model.cuda()


def test_gpu_questions_answer_no():
    assert tg.cuda.is_available() is False and tg.cuda.device_count() == 0
    assert tg.cuda.manual_seed(0) is None and tg.cuda.manual_seed_all(0) is None
    assert tg.backends.mps.is_available() is False and tg.backends.cudnn.is_available() is False
    tg.backends.cudnn.deterministic = True  # scripts set it; it changes nothing here
    assert tg.accelerator.is_available() is False and tg.accelerator.current_accelerator() is None
    tg.set_default_device("cpu")
    assert tg.get_default_device() == tg.device("cpu")
    with pytest.raises(RuntimeError, match="set_default_device: .*CPU only"):
        tg.set_default_device("cuda")


# ---------------------------------------------------------------- Generator and random draws
def test_generator_manual_seed_returns_it_and_repeats_the_stream():
    g = tg.Generator()
    assert g.manual_seed(7) is g and g.initial_seed() == 7
    a = tg.randn(4, generator=g).tolist()
    b = tg.randn(4, generator=tg.Generator().manual_seed(7)).tolist()
    assert a == b and a != tg.randn(4, generator=g).tolist()
    assert tg.Generator().manual_seed(-1).initial_seed() == -1  # PyTorch accepts negative seeds
    state = g.get_state()
    first = tg.rand(3, generator=g).tolist()
    assert tg.rand(3, generator=g.set_state(state)).tolist() == first
    with pytest.raises(TypeError, match="generator= must be a tinygrad_edu.Generator"):
        tg.rand(2, generator=7)


def test_manual_seed_returns_the_default_generator():
    g = tg.manual_seed(3)
    assert g is tg.default_generator and isinstance(g, tg.Generator) and tg.initial_seed() == 3
    a = tg.rand(3).tolist()
    tg.manual_seed(3)
    tg.rand(2, generator=tg.Generator().manual_seed(0))  # a private generator leaves the default stream alone
    assert tg.rand(3).tolist() == a
    assert isinstance(tg.seed(), int) and tg.initial_seed() == tg.default_generator.initial_seed()


@pytest.mark.parametrize("draw", [
    lambda g: tg.rand(3, generator=g), lambda g: tg.randn(3, generator=g),
    lambda g: tg.randint(0, 100, (5,), generator=g), lambda g: tg.randperm(10, generator=g),
    lambda g: tg.multinomial(tg.ones(10), 4, generator=g),
])
def test_generator_keyword_reproduces_every_draw(draw):
    assert draw(tg.Generator().manual_seed(5)).tolist() == draw(tg.Generator().manual_seed(5)).tolist()


def test_size_keyword():
    assert tg.zeros(size=(2, 3)).shape == (2, 3) and tg.ones(size=[4]).shape == (4,)
    assert tg.empty(size=(1,)).shape == (1,)
    assert tg.rand(size=(2,)).shape == (2,) and tg.randn(size=(3, 1)).shape == (3, 1) and tg.zeros(2, 3).shape == (2, 3)


def test_randint_forms():
    tg.manual_seed(0)
    a = tg.randint(10, (200,))
    b = tg.randint(3, 6, size=(4, 50))
    assert a.dtype == np.int64 and a.shape == (200,) and 0 <= a.min().item() and a.max().item() <= 9
    assert b.shape == (4, 50) and set(b.unique().tolist()) == {3, 4, 5}
    assert tg.randint(5, size=(2,), dtype=np.int32).dtype == np.int32
    with pytest.raises(TypeError, match=r"randint\(high, size\)"):
        tg.randint(0, 10)
    with pytest.raises(RuntimeError, match="'from' < 'to'"):
        tg.randint(5, 5, (2,))


def test_randperm_is_a_permutation():
    p = tg.randperm(50, generator=tg.Generator().manual_seed(1))
    assert p.dtype == np.int64 and sorted(p.tolist()) == list(range(50)) and p.tolist() != list(range(50))


def test_multinomial_frequencies_follow_the_weights():
    g = tg.Generator().manual_seed(0)
    draws = tg.multinomial(tg.tensor([1.0, 0.0, 3.0]), 4000, replacement=True, generator=g)
    counts = np.bincount(draws.numpy(), minlength=3) / 4000
    assert draws.dtype == np.int64 and counts[1] == 0 and abs(counts[2] - 0.75) < 0.03


def test_multinomial_without_replacement_and_rows():
    g = tg.Generator().manual_seed(1)
    rows = tg.multinomial(tg.tensor([[1.0, 1, 1, 1], [0, 5, 5, 0]]), 2, generator=g)
    assert rows.shape == (2, 2) and len(set(rows[0].tolist())) == 2 and set(rows[1].tolist()) == {1, 2}
    assert sorted(tg.multinomial(tg.ones(5), 5).tolist()) == [0, 1, 2, 3, 4]
    with pytest.raises(RuntimeError, match="without replacement"):
        tg.multinomial(tg.ones(3), 4)
    # as PyTorch's tensor([1, 0]): the category of weight 0 is drawn once the others are used up
    assert tg.multinomial(tg.tensor([0.0, 1.0]), 2).tolist() == [1, 0]
    with pytest.raises(RuntimeError, match="element < 0"):
        tg.multinomial(tg.tensor([-1.0, 1.0]), 1)
    with pytest.raises(RuntimeError, match="sum of probabilities <= 0"):
        tg.multinomial(tg.zeros(3), 1, replacement=True)


# ---------------------------------------------------------------- constructors and names
def test_legacy_tensor_constructor():
    assert tg.Tensor([1, 2]).dtype == np.float32 and tg.Tensor([True]).dtype == np.float32
    assert tg.Tensor(np.arange(3)).dtype == np.float32 and tg.Tensor(np.zeros(2, np.float64)).dtype == np.float32
    assert tg.Tensor(2, 3).shape == (2, 3) and tg.Tensor(2, 3).dtype == np.float32 and tg.Tensor(4).shape == (4,)
    assert tg.Tensor().shape == (0,) and tg.Tensor(2.5).item() == 2.5
    assert tg.Tensor(tg.ones(2, 3).shape).shape == (2, 3) and tg.Tensor((2, 3)).tolist() == [2.0, 3.0]
    t = tg.tensor([1, 2])
    assert np.shares_memory(tg.Tensor(t)._data, t._data) and tg.Tensor(t).dtype == np.int64
    with pytest.raises(TypeError, match="data .* or sizes"):
        tg.Tensor([1], [2])


def test_legacy_constructor_shares_the_version_counter_with_what_it_shares():
    """Tensor(t) is t's memory, so a change through either is seen by a graph that saved the other (as PyTorch)."""
    x, t = tg.ones(3, requires_grad=True), tg.ones(3)
    y = (x * t).sum()  # Mul saved t
    alias = tg.Tensor(t)
    alias.add_(1)
    assert t._version == alias._version == 1
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        y.backward()
    source = tg.ones(2)
    source.add_(1)
    assert tg.Tensor(source, dtype=tg.float64)._version == 0  # a converted copy has its own


def test_legacy_constructor_of_a_tensor_that_requires_grad_is_a_view_in_its_graph():
    p = tg.ones(3, requires_grad=True)
    a = tg.Tensor(p)
    assert a.grad_fn.name() == "AliasBackward0" and not a.is_leaf and np.shares_memory(a._data, p._data)
    with pytest.raises(RuntimeError, match="in-place change of a AliasBackward0 view"):
        a.add_(1)  # it would change the parameter behind the graph's back (PyTorch refuses too)
    assert p.tolist() == [1.0, 1.0, 1.0]
    (a * 2).sum().backward()
    assert p.grad.tolist() == [2.0, 2.0, 2.0]


def test_legacy_constructor_alias_matches_torch():
    torch = pytest.importorskip("torch")
    seen = []
    for module in (tg, torch):
        p = module.ones(3, requires_grad=True)
        a = module.Tensor(p)
        (a * 2).sum().backward()
        with module.no_grad():
            b = module.Tensor(p)
        seen.append((a.grad_fn.name(), a.requires_grad, p.grad.tolist(),
                     b.requires_grad, b.grad_fn))
    assert seen[0][1:] == seen[1][1:] and seen[0][0] == seen[1][0] == "AliasBackward0"


def test_tensor_of_a_tensor_copies_it_out_of_the_graph_and_warns_as_pytorch():
    t = tg.ones(2, requires_grad=True)
    with pytest.warns(UserWarning, match=r"use sourceTensor\.detach\(\)\.clone\(\)"):
        c = tg.tensor(t)
    assert not c.requires_grad and not np.shares_memory(c._data, t._data)


def test_tensor_of_a_list_of_one_element_tensors_is_a_list_of_numbers_as_pytorch():
    # [tensor([0.7]), ...] is a column here before: a silently wrong accuracy, (preds > .5) == y broadcast
    preds = tg.tensor([tg.tensor([0.7]), tg.tensor([0.2]), tg.tensor([0.9])])
    assert preds.shape == (3,) and preds.dtype == tg.float32
    assert ((preds > 0.5).float() == tg.tensor([1.0, 0.0, 1.0])).float().mean().item() == 1.0
    # each item brings its own dtype, promoted as PyTorch does; Python floats are float32
    assert tg.tensor([tg.tensor(0.5, dtype=tg.float64), tg.tensor(1.5, dtype=tg.float64)]).dtype == tg.float64
    assert tg.tensor([tg.tensor(1, dtype=tg.int32), tg.tensor(2, dtype=tg.int32)]).dtype == tg.int32
    assert tg.tensor([tg.tensor(1), 2.5]).dtype == tg.float32 and tg.tensor([np.float64(1.5), 2.5]).dtype == tg.float64
    assert tg.tensor([tg.tensor(True), tg.tensor(False)]).dtype == tg.bool
    nested = tg.tensor([[tg.tensor(1.0), tg.tensor(2.0)], [tg.tensor(3.0), tg.tensor(4.0)]])
    assert nested.shape == (2, 2) and nested.tolist() == [[1.0, 2.0], [3.0, 4.0]]
    assert tg.tensor([tg.tensor(1.5)], dtype=tg.float64).dtype == tg.float64
    with pytest.raises(ValueError, match="only one element tensors can be converted to Python scalars.*stack"):
        tg.tensor([tg.tensor([1.0, 2.0]), tg.tensor([3.0, 4.0])])
    with pytest.raises(ValueError, match="rectangular"):
        tg.tensor([[tg.tensor(1.0)], [tg.tensor(1.0), 2.0]])


def test_tensor_of_tensors_matches_torch():
    torch = pytest.importorskip("torch")

    def made(module):
        lists = [[module.tensor([0.7]), module.tensor([0.2])], [module.tensor(1, dtype=module.int32), 2],
                 [module.tensor(1), 2.5], [np.float16(1.5), 2.5], [np.int32(1), 2],
                 [[module.tensor(1.0), module.tensor(2.0)], [module.tensor(3.0), module.tensor(4.0)]]]
        return [(tuple(t.shape), str(t.dtype).split(".")[-1], t.tolist()) for t in map(module.tensor, lists)]
    assert made(tg) == made(torch)


def test_comparing_a_tensor_with_none_a_string_or_a_list_is_false_as_pytorch():
    w = tg.ones(3, requires_grad=True)
    assert (w.grad == None) is True and (w == None) is False and (w != None) is True  # noqa: E711
    assert (w == "a") is False and (w == [1.0, 1.0, 1.0]) is False and (w != (1.0,)) is True
    assert (w == w.shape) is False and (w == range(3)) is False  # a Size is a tuple
    assert (w == 1.0).tolist() == [True] * 3 and (w == np.ones(3)).tolist() == [True] * 3  # data: elementwise


def test_comparisons_with_what_is_not_data_match_torch():
    torch = pytest.importorskip("torch")
    results = []
    for module in (tg, torch):
        x = module.tensor([1.0, 2.0])
        results.append([x == None, x != None, x == "a", x != "a", x == [1.0, 2.0], x != (1.0, 2.0)])  # noqa: E711
    assert results[0] == results[1] == [False, True, False, True, False, True]


def test_legacy_type_constructors():
    assert tg.LongTensor([1, 2]).dtype == np.int64 and tg.FloatTensor(2, 3).shape == (2, 3)
    assert tg.DoubleTensor([1]).dtype == np.float64 and tg.IntTensor([1]).dtype == np.int32
    assert tg.BoolTensor([1, 0]).tolist() == [True, False] and tg.ByteTensor([255]).dtype == np.uint8
    assert isinstance(tg.tensor([1]), tg.LongTensor) and not isinstance(tg.tensor([1]), tg.FloatTensor)
    x = tg.tensor([1.5, -2.5])
    assert x.type() == "tinygrad_edu.FloatTensor" and x.long().type() == "tinygrad_edu.LongTensor"
    assert x.type(tg.LongTensor).tolist() == [1, -2] and x.type("torch.DoubleTensor").dtype == np.float64
    assert x.type(np.int32).dtype == np.int32 and x.type_as(tg.tensor([1])).dtype == np.int64
    with pytest.raises(ValueError, match="invalid type"):
        x.type("torch.NoSuchTensor")


def test_casts():
    x = tg.tensor([1.7, -0.2, 0.0])
    assert x.int().dtype == np.int32 and x.int().tolist() == [1, 0, 0]
    assert x.half().dtype == np.float16 and x.bool().tolist() == [True, True, False]
    assert tg.tensor([300]).byte().dtype == np.uint8


def test_variable_is_a_tensor():
    from tinygrad_edu.autograd import Variable
    t = tg.ones(2)
    v = Variable(t, requires_grad=True)
    assert isinstance(v, tg.Tensor) and v.requires_grad and v.is_leaf and not t.requires_grad
    assert np.shares_memory(v._data, t._data) and Variable(t).requires_grad is False
    (v * 3).sum().backward()
    assert v.grad.tolist() == [3.0, 3.0]
    with pytest.raises(TypeError, match="has to be a tensor, but got list"):
        Variable([1.0, 2.0])


def test_max_min_with_dim_return_values_and_indices():
    x = tg.tensor([[1.0, 5.0, 2.0], [7.0, 3.0, 7.0]], requires_grad=True)
    values, indices = x.max(1)
    assert values.tolist() == [5.0, 7.0] and indices.tolist() == [1, 0] and indices.dtype == np.int64
    assert x.max(dim=1, keepdim=True).values.shape == (2, 1) and x.max(axis=0).indices.tolist() == [1, 0, 1]
    low = tg.min(x, 0)
    assert low.values.tolist() == [1.0, 3.0, 2.0] and low.indices.tolist() == [0, 1, 0]
    assert x.max().item() == 7.0 and x.min().item() == 1.0 and tg.max(x, tg.ones(3)).shape == (2, 3)
    assert repr(x.max(1)).startswith("tinygrad_edu.return_types.max(\nvalues=tensor(")
    values.sum().backward()  # a tie's gradient goes to the returned index, as in PyTorch
    assert x.grad.tolist() == [[0.0, 1.0, 0.0], [1.0, 0.0, 0.0]]


def test_from_numpy_and_as_tensor_share_memory():
    a = np.arange(4.0)
    t = tg.from_numpy(a)
    assert np.shares_memory(t._data, a) and t.dtype == np.float64
    a[0] = 9
    assert t[0].item() == 9
    assert np.shares_memory(tg.as_tensor(a)._data, a) and tg.as_tensor(a, dtype=np.float32).dtype == np.float32
    with pytest.raises(TypeError, match="expected np.ndarray"):
        tg.from_numpy([1, 2])


def test_new_tensor_family_keeps_dtype():
    x = tg.tensor([1, 2])
    assert x.new_tensor([1.5]).dtype == np.int64 and x.new_ones(2, 3).tolist() == [[1, 1, 1], [1, 1, 1]]
    f = tg.tensor([1.0], dtype=np.float64)
    assert f.new_zeros((2,)).dtype == np.float64 and f.new_full((2,), 3).tolist() == [3.0, 3.0]
    assert f.new_empty(2).shape == (2,) and f.new_ones(2, dtype=np.float32, requires_grad=True).requires_grad
    assert x.nelement() == x.numel() == 2 and x.element_size() == 8


def test_memory_questions():
    x = tg.arange(6.0).reshape(2, 3)
    assert x.stride() == (3, 1) and x.T.stride() == (1, 3) and x.stride(-1) == 1
    assert x.view(6).data_ptr() == x.data_ptr() and x.clone().data_ptr() != x.data_ptr()
    assert x.is_floating_point() and not tg.is_floating_point(tg.tensor([1]))


def test_numpy_force():
    x = tg.ones(2, requires_grad=True)
    with pytest.raises(RuntimeError, match="detach"):
        x.numpy()
    forced = x.numpy(force=True)
    assert forced.tolist() == [1.0, 1.0] and not np.shares_memory(forced, x._data)
    y = tg.ones(2)
    assert np.shares_memory(y.numpy(), y._data)


# ---------------------------------------------------------------- functions: NumPy formulas written out
def test_sort_argsort_topk_keep_equal_values_in_order():
    x = tg.tensor([[3.0, 1.0, 3.0, 2.0]])
    assert x.argsort().tolist() == [[1, 3, 0, 2]] and x.argsort(descending=True).tolist() == [[0, 2, 3, 1]]
    values, indices = x.sort(dim=1, descending=True)
    assert values.tolist() == [[3.0, 3.0, 2.0, 1.0]] and indices.tolist() == [[0, 2, 3, 1]]
    top = x.topk(2)
    assert top.values.tolist() == [[3.0, 3.0]] and top.indices.tolist() == [[0, 2]]
    assert x.topk(1, largest=False).indices.tolist() == [[1]]
    assert tg.tensor([4, 1, 3]).sort().values.tolist() == [1, 3, 4]
    assert tg.tensor([5.0, 1.0, 3.0, 2.0]).median().item() == 2.0  # the lower of the two middle values
    with pytest.raises(RuntimeError, match="k=5 is out of range"):
        x.topk(5)


def test_unique():
    x = tg.tensor([3, 1, 3, 2, 3])
    assert x.unique().tolist() == [1, 2, 3]
    values, inverse, counts = tg.unique(x, return_inverse=True, return_counts=True)
    assert inverse.tolist() == [2, 0, 2, 1, 2] and counts.tolist() == [1, 1, 3]
    assert (values[inverse] == x).all()
    rows = tg.tensor([[1, 2], [0, 1], [1, 2]]).unique(dim=0)
    assert rows.tolist() == [[0, 1], [1, 2]]


def test_histc_and_histogram():
    x = tg.tensor([0.0, 0.5, 1.0, 2.0, 2.9, 3.0, 7.0])
    # bins of width 0.75 over [0, 3]; the right edge belongs to the last bin, 7 is outside
    assert tg.histc(x, bins=4, min=0, max=3).tolist() == [2.0, 1.0, 1.0, 2.0]
    assert x.histc(bins=2).tolist() == [6.0, 1.0]  # min=max=0: the data's range [0, 7]
    hist, edges = tg.histogram(x, bins=2)
    assert hist.tolist() == [6.0, 1.0] and edges.tolist() == [0.0, 3.5, 7.0]
    hist, _ = x.histogram(tg.tensor([0.0, 1.0, 10.0]), weight=tg.full((7,), 0.5))
    assert hist.tolist() == [1.0, 2.5]


def test_rounding_and_comparisons():
    x = tg.tensor([-1.5, -0.5, 0.5, 1.5, 2.7])
    assert x.round().tolist() == [-2.0, -0.0, 0.0, 2.0, 3.0]  # half to even
    assert x.floor().tolist() == [-2.0, -1.0, 0.0, 1.0, 2.0] and x.ceil().tolist() == [-1.0, -0.0, 1.0, 2.0, 3.0]
    assert x.trunc().tolist() == [-1.0, -0.0, 0.0, 1.0, 2.0] and x.sgn().tolist() == [-1.0, -1.0, 1.0, 1.0, 1.0]
    assert tg.tensor([1.234]).round(decimals=1).tolist() == [pytest.approx(1.2)]
    assert tg.allclose(tg.tensor([1.0, 2.0]), tg.tensor([1.0, 2.0 + 1e-6])) is True
    assert not tg.tensor([1.0]).allclose(tg.tensor([1.01]))
    assert tg.isclose(tg.tensor([1.0, 2.0]), tg.tensor([1.0, 2.1])).tolist() == [True, False]
    assert tg.equal(tg.tensor([1, 2]), tg.tensor([1, 2])) and not tg.equal(tg.tensor([1, 2]), tg.tensor([[1, 2]]))
    assert tg.tensor([0, 3, 0, 1]).count_nonzero().item() == 2


def test_function_forms_call_the_methods():
    a, b = tg.tensor([1.0, 4.0]), tg.tensor([2.0, 2.0])
    assert tg.add(a, b).tolist() == [3.0, 6.0] and tg.add(a, b, alpha=2).tolist() == [5.0, 8.0]
    assert tg.sub(a, b).tolist() == [-1.0, 2.0] and tg.mul(a, b).tolist() == [2.0, 8.0]
    assert tg.div(a, b).tolist() == [0.5, 2.0] and tg.pow(a, 2).tolist() == [1.0, 16.0]
    assert tg.neg(a).tolist() == [-1.0, -4.0]
    assert tg.eq(a, 1.0).tolist() == [True, False] and tg.gt(a, b).tolist() == [False, True]
    assert tg.le(a, b).tolist() == [True, False] and tg.ne(a, b).tolist() == [True, True]
    assert tg.all(tg.tensor([True, True])).item() and not tg.any(tg.tensor([False])).item()
    assert tg.multiply(a, b).tolist() == [2.0, 8.0] and tg.subtract(a, 1).tolist() == [0.0, 3.0]
    assert tg.numel(tg.ones(2, 3)) == 6 and tg.is_tensor(a) and not tg.is_tensor([1])
    assert tg.t(tg.ones(2, 3)).shape == (3, 2) and tg.square(a).tolist() == [1.0, 16.0]


def test_out_writes_into_the_given_tensor():
    a, b = tg.tensor([1.0, 2.0]), tg.tensor([3.0, 4.0])
    out = tg.empty(2)
    assert tg.add(a, b, out=out) is out and out.tolist() == [4.0, 6.0] and out._version == 1
    grown = tg.empty(0)
    assert tg.cat([a, b], out=grown).tolist() == [1.0, 2.0, 3.0, 4.0] and grown.shape == (4,)
    assert tg.stack([a, b], out=tg.empty(1)).shape == (2, 2)
    assert tg.matmul(a, b, out=tg.empty(())).item() == 11.0 and tg.sum(a, out=tg.empty(())).item() == 3.0
    wants_grad = tg.zeros(2, requires_grad=True)
    with pytest.raises(RuntimeError, match="out=... arguments don't support automatic differentiation"):
        tg.mul(a, b, out=wants_grad)
    with pytest.raises(TypeError, match="unexpected keyword argument 'out'"):
        tg.sort(a, out=tg.empty(2))


def test_one_hot():
    out = F.one_hot(tg.tensor([0, 2, 1]))
    assert out.dtype == np.int64 and out.tolist() == [[1, 0, 0], [0, 0, 1], [0, 1, 0]]
    assert F.one_hot(tg.tensor([[1], [0]]), num_classes=4).shape == (2, 1, 4)
    with pytest.raises(RuntimeError, match="int64.*labels.long"):
        F.one_hot(tg.tensor([0.0, 1.0]))
    with pytest.raises(RuntimeError, match=r"class values must be in \[0, 2\)"):
        F.one_hot(tg.tensor([0, 2]), 2)


def test_masked_fill_tril_triu():
    x = tg.arange(1.0, 10.0).reshape(3, 3)
    assert x.tril().tolist() == [[1, 0, 0], [4, 5, 0], [7, 8, 9]]
    assert x.triu(1).tolist() == [[0, 2, 3], [0, 0, 6], [0, 0, 0]]
    assert tg.tril(tg.ones(2, 3), diagonal=-1).tolist() == [[0, 0, 0], [1, 0, 0]]
    causal = x.masked_fill(tg.ones(3, 3).triu(1) == 1, float("-inf")).softmax(-1)
    assert causal[0].tolist() == [1.0, 0.0, 0.0]
    with pytest.raises(RuntimeError, match="expected a boolean mask"):
        x.masked_fill(tg.ones(3, 3), 0.0)


def test_tril_triu_and_masked_fill_keep_the_dtype():
    """A causal mask made as triu(ones(T, T, dtype=bool), 1) stays bool, so nn.MultiheadAttention takes it;
    masked_fill casts its value to x's dtype (1.5 into a long tensor is 1), as PyTorch's do."""
    square = tg.ones(3, 3, dtype=tg.bool)
    assert tg.triu(square, diagonal=1).dtype == tg.bool and square.tril().dtype == tg.bool
    assert tg.tril(tg.ones(2, 2, dtype=tg.int32)).dtype == tg.int32
    mask = tg.tensor([True, False, True])
    filled = tg.ones(3, dtype=tg.long).masked_fill(mask, 2.5)
    assert filled.dtype == tg.long and filled.tolist() == [2, 1, 2]
    assert tg.ones(3, dtype=tg.bool).masked_fill(mask, 0).tolist() == [False, True, False]
    value = tg.tensor(2.0, dtype=tg.float64, requires_grad=True)
    filled = tg.ones(3, requires_grad=True).masked_fill(mask, value)
    filled.sum().backward()
    assert filled.dtype == tg.float32 and value.grad.item() == 2.0


def test_shape_and_matrix_helpers():
    x = tg.tensor([[1.0, 2.0], [3.0, 4.0]])
    assert x.mm(x).tolist() == (x @ x).tolist() and tg.bmm(x[None], x[None]).shape == (1, 2, 2)
    assert tg.dot(tg.tensor([1.0, 2.0]), tg.tensor([3.0, 4.0])).item() == 11.0
    assert tg.outer(tg.tensor([1.0, 2.0]), tg.tensor([1.0, 0.0, -1.0])).tolist() == [[1, 0, -1], [2, 0, -2]]
    assert tg.cross(tg.tensor([1.0, 0, 0]), tg.tensor([0.0, 1, 0])).tolist() == [0.0, 0.0, 1.0]
    assert x.cumsum(0).tolist() == [[1, 2], [4, 6]] and tg.cumsum(tg.tensor([1, 2, 3]), 0).dtype == np.int64
    assert x.prod().item() == 24.0 and tg.tensor([True, True]).prod().dtype == np.int64
    assert x.flip(0).tolist() == [[3, 4], [1, 2]] and tg.roll(tg.tensor([1, 2, 3]), 1).tolist() == [3, 1, 2]
    assert x.repeat(1, 2).tolist() == [[1, 2, 1, 2], [3, 4, 3, 4]]
    assert tg.tile(tg.tensor([1, 2]), (2,)).tolist() == [1, 2, 1, 2]
    assert x.t().tolist() == [[1, 3], [2, 4]] and x.expand_as(tg.ones(3, 2, 2)).shape == (3, 2, 2)
    assert x.view_as(tg.ones(4)).shape == (4,) and x.contiguous() is x and x.is_contiguous()
    assert x.lerp(tg.zeros(2, 2), 0.5).tolist() == [[0.5, 1.0], [1.5, 2.0]]
    assert x.index_select(1, tg.tensor([1, 1])).tolist() == [[2, 2], [4, 4]]
    assert x.masked_select(x > 2).tolist() == [3.0, 4.0]
    assert x.gather(1, tg.tensor([[1], [0]])).tolist() == [[2], [3]]
    assert tg.tensor([100.0]).log10().tolist() == [pytest.approx(2.0)] and tg.tensor([3.0]).exp2().item() == 8.0
    assert tg.tensor([1e-10]).log1p().item() == pytest.approx(1e-10, rel=1e-6)  # log(1 + x) would give 0
    assert tg.tensor([1e-10]).expm1().item() == pytest.approx(1e-10, rel=1e-6)
    with pytest.raises(RuntimeError, match="mm: expected two 2-D tensors"):
        tg.mm(tg.ones(3), tg.ones(3))
    with pytest.raises(RuntimeError, match="t: expects a tensor with <= 2 dimensions"):
        tg.ones(1, 2, 3).t()


def test_norms_match_their_formulas():
    x = tg.tensor([[3.0, -4.0], [0.0, 1.0]])
    assert x.norm().item() == pytest.approx(np.sqrt(26)) and x.norm(p=1).item() == 8.0
    assert x.norm(dim=1).tolist() == [5.0, 1.0] and x.norm(float("inf")).item() == 4.0
    assert x.norm(p=3, dim=0, keepdim=True).shape == (1, 2) and x.norm(p=0).item() == 3.0
    zero = tg.zeros(3, requires_grad=True)
    zero.norm().backward()  # the subgradient 0 at the origin, not 0/0
    assert zero.grad.tolist() == [0.0, 0.0, 0.0]


def test_var_and_std_take_pytorchs_unbiased_forms():
    x = tg.tensor([1.0, 2.0, 3.0, 4.0])
    biased, unbiased = np.var([1, 2, 3, 4]), np.var([1, 2, 3, 4], ddof=1)
    assert x.var().item() == pytest.approx(unbiased) and x.var(False).item() == pytest.approx(biased)
    assert x.var(0, False).item() == pytest.approx(biased) and x.var(unbiased=False).item() == pytest.approx(biased)
    assert x.std(correction=0).item() == pytest.approx(np.sqrt(biased))
    assert x.reshape(2, 2).std(1, True, True).shape == (2, 1)
    with pytest.raises(RuntimeError, match="either unbiased= or correction="):
        x.var(unbiased=True, correction=0)


def test_einsum_matches_numpy_and_refuses_ellipsis():
    rng = np.random.default_rng(0)
    a, b = rng.standard_normal((2, 3)), rng.standard_normal((3, 4))
    np.testing.assert_allclose(tg.einsum("ij,jk->ik", tg.tensor(a), tg.tensor(b)).numpy(), a @ b, rtol=1e-6)
    np.testing.assert_allclose(tg.einsum("ij,jk", [tg.tensor(a), tg.tensor(b)]).numpy(), a @ b, rtol=1e-6)
    with pytest.raises(RuntimeError, match=r"'\.\.\.' \(ellipsis\) is not supported"):
        tg.einsum("...ij->...ji", tg.tensor(a))
    with pytest.raises(RuntimeError, match="letter 'j' is 3 in one place and 2"):
        tg.einsum("ij,jk->ik", tg.tensor(a), tg.tensor(a))


def test_linalg_values_and_the_svd_gradient():
    a = tg.tensor([[2.0, 1.0], [1.0, 3.0]], dtype=np.float64)
    assert tg.linalg.det(a).item() == pytest.approx(2 * 3 - 1 * 1) and tg.det(a).item() == pytest.approx(5.0)
    np.testing.assert_allclose((tg.linalg.inv(a) @ a).numpy(), np.eye(2), atol=1e-12)
    u, s, vh = tg.linalg.svd(a)
    np.testing.assert_allclose((u * s) @ vh, a.numpy(), atol=1e-12)
    u, s, v = tg.svd(a)
    np.testing.assert_allclose((u * s) @ v.T, a.numpy(), atol=1e-12)
    assert tg.linalg.norm(a).item() == pytest.approx(np.sqrt(15)) and tg.linalg.norm(a, 1).item() == 4.0
    assert tg.linalg.norm(a, float("inf")).item() == 4.0 and tg.linalg.vector_norm(a, 1).item() == 7.0
    assert tg.linalg.matrix_norm(a, 2).item() == pytest.approx(np.linalg.norm(a.numpy(), 2))
    np.testing.assert_allclose(tg.linalg.solve(a, tg.tensor([1.0, 2.0], dtype=np.float64)).numpy(),
                               np.linalg.solve(a.numpy(), [1, 2]))
    w = tg.tensor([[1.0, 2.0], [3.0, 4.0]], dtype=np.float64, requires_grad=True)
    tg.linalg.svdvals(w).sum().backward()  # the nuclear norm's gradient is U Vh
    u, _, vh = np.linalg.svd(w.detach().numpy())
    np.testing.assert_allclose(w.grad.numpy(), u @ vh, atol=1e-12)
    with pytest.raises(RuntimeError, match="the input matrix is singular"):
        tg.linalg.inv(tg.zeros(2, 2))


def test_nonzero_where_logical_bincount():
    x = tg.tensor([[0, 3], [2, 0]])
    assert x.nonzero().tolist() == [[0, 1], [1, 0]] and x.argwhere().tolist() == [[0, 1], [1, 0]]
    rows, cols = tg.where(x > 0)
    assert rows.tolist() == [0, 1] and cols.tolist() == [1, 0] and x[rows, cols].tolist() == [3, 2]
    assert [t.tolist() for t in x.nonzero(as_tuple=True)] == [[0, 1], [1, 0]]
    a, b = tg.tensor([True, True, False]), tg.tensor([True, False, False])
    assert tg.logical_and(a, b).tolist() == [True, False, False] and a.logical_xor(b).tolist() == [False, True, False]
    assert tg.logical_or(a, b).tolist() == [True, True, False] and a.logical_not().tolist() == [False, False, True]
    assert tg.bincount(tg.tensor([1, 1, 3])).tolist() == [0, 2, 0, 1]
    assert tg.tensor([0, 0]).bincount(minlength=3).tolist() == [2, 0, 0]
    with pytest.raises(RuntimeError, match="bincount: expects a 1-D integer tensor"):
        tg.tensor([0.5]).bincount()


def test_slices_and_diagonals():
    m = tg.arange(12.0).reshape(3, 4)
    assert [t.tolist() for t in m.unbind(1)][:2] == [[0, 4, 8], [1, 5, 9]] and len(tg.unbind(m)) == 3
    assert m.select(1, -1).tolist() == [3, 7, 11] and m.narrow(1, 1, 2).tolist() == [[1, 2], [5, 6], [9, 10]]
    assert m.diagonal().tolist() == [0, 5, 10] and m.diagonal(1).tolist() == [1, 6, 11] and m.trace().item() == 15
    assert tg.diag(tg.tensor([1.0, 2.0])).tolist() == [[1, 0], [0, 2]]
    assert tg.diag(tg.tensor([1.0]), 1).tolist() == [[0, 1], [0, 0]] and tg.diag(m, -1).tolist() == [4, 9]
    assert tg.cumprod(tg.tensor([2.0, 3.0, 0.0, 5.0]), 0).tolist() == [2, 6, 0, 0]
    with pytest.raises(RuntimeError, match="exceeds dimension size"):
        m.narrow(0, 2, 2)


def test_scatter_errors():
    with pytest.raises(RuntimeError, match="index 3 is out of bounds for dimension 1 with size 3"):
        tg.zeros(2, 3).scatter_add(1, tg.tensor([[3]]), tg.ones(1, 1))
    with pytest.raises(RuntimeError, match="index must be an integer tensor"):
        tg.zeros(2, 3).scatter(1, tg.tensor([0.0]), value=1.0)


def test_meshgrid_matches_numpy():
    a, b = tg.arange(3.0), tg.arange(2.0)
    for indexing in ("ij", "xy"):
        ours = tg.meshgrid(a, b, indexing=indexing)
        for grid, want in zip(ours, np.meshgrid(a.numpy(), b.numpy(), indexing=indexing)):
            assert np.array_equal(grid.numpy(), want)


def test_bernoulli_and_normal():
    g = tg.Generator().manual_seed(0)
    coin = tg.bernoulli(tg.full((4000,), 0.25), generator=g)
    assert coin.dtype == np.float32 and set(coin.unique().tolist()) == {0.0, 1.0}
    assert abs(coin.mean().item() - 0.25) < 0.03
    draws = tg.normal(2.0, 3.0, (20000,), generator=g)
    assert draws.dtype == np.float32 and abs(draws.mean().item() - 2) < 0.1 and abs(draws.std().item() - 3) < 0.1
    per_element = tg.normal(tg.tensor([0.0, 100.0]), tg.tensor([1e-6, 1e-6]))
    assert per_element.tolist() == [pytest.approx(0, abs=1e-4), pytest.approx(100, abs=1e-3)]
    with pytest.raises(RuntimeError, match="std >= 0"):
        tg.normal(0.0, -1.0, (2,))
    with pytest.raises(RuntimeError, match=r"in \[0, 1\]"):
        tg.bernoulli(tg.tensor([1.5]))


# ---------------------------------------------------------------- the same calls in PyTorch (when installed)
def matrix(m):
    return m.tensor([[0.5, -2.0, 3.0], [4.0, 0.0, -1.5]])


TORCH_CASES = {
    "Tensor(list)": lambda m: m.Tensor([1, 2]),
    "Tensor(sizes)": lambda m: tuple(m.Tensor(2, 3).shape),
    "LongTensor": lambda m: m.LongTensor([1, 2]),
    "type()": lambda m: m.tensor([1.0]).double().type().rpartition(".")[2],
    "max(dim)": lambda m: matrix(m).max(1),
    "min(dim, keepdim)": lambda m: m.min(matrix(m), 0, keepdim=True),
    "max()": lambda m: matrix(m).max(),
    "sort": lambda m: matrix(m).sort(dim=1, descending=True),
    "argsort": lambda m: matrix(m).argsort(dim=0),
    "topk": lambda m: matrix(m).topk(2, dim=1),
    "median(dim)": lambda m: matrix(m).median(1),
    "median()": lambda m: matrix(m).median(),
    "unique": lambda m: m.unique(m.tensor([3, 1, 3, 2]), return_inverse=True, return_counts=True),
    "histc": lambda m: m.histc(m.tensor([0.0, 0.5, 1.0, 2.0, 2.9, 3.0, 7.0]), bins=4, min=0, max=3),
    "histogram": lambda m: m.histogram(m.tensor([0.0, 0.5, 1.0, 2.0]), bins=3),
    "cumsum": lambda m: matrix(m).cumsum(1),
    "cumsum int": lambda m: m.tensor([1, 2, 3]).cumsum(0),
    "prod": lambda m: matrix(m).prod(),
    "prod(dim)": lambda m: m.prod(matrix(m), 0, keepdim=True),
    "norm": lambda m: matrix(m).norm(),
    "norm p=1 dim": lambda m: matrix(m).norm(p=1, dim=1),
    "norm inf": lambda m: matrix(m).norm(float("inf")),
    "norm p=3 keepdim": lambda m: matrix(m).norm(3, dim=0, keepdim=True),
    "linalg.norm": lambda m: m.linalg.norm(matrix(m)),
    "linalg.norm ord=1": lambda m: m.linalg.norm(matrix(m), 1),
    "linalg.matrix_norm nuc": lambda m: m.linalg.matrix_norm(matrix(m), "nuc"),
    "linalg.vector_norm": lambda m: m.linalg.vector_norm(matrix(m), 0.5, dim=1),
    "det": lambda m: m.linalg.det(m.tensor([[2.0, 1.0], [1.0, 3.0]])),
    "inv": lambda m: m.linalg.inv(m.tensor([[2.0, 1.0], [1.0, 3.0]])),
    "tril": lambda m: matrix(m).tril(),
    "triu(-1)": lambda m: m.triu(matrix(m), -1),
    "masked_fill": lambda m: matrix(m).masked_fill(matrix(m) > 1, -9.0),
    "masked_fill long 2.5": lambda m: m.ones(3, dtype=m.long).masked_fill(m.tensor([True, False, True]), 2.5),
    "masked_fill float64 0-d": lambda m: m.ones(3).masked_fill(m.tensor([True, False, True]), m.tensor(2.0).double()),
    "tril triu bool": lambda m: (m.ones(3, 3, dtype=m.bool).tril(), m.triu(m.ones(2, 3, dtype=m.bool), 1)),
    "flip": lambda m: matrix(m).flip(0, 1),
    "roll": lambda m: matrix(m).roll(1, 1),
    "roll flat": lambda m: matrix(m).roll(2),
    "repeat": lambda m: matrix(m).repeat(2, 1, 2),
    "tile": lambda m: matrix(m).tile((2,)),
    "cross": lambda m: m.cross(matrix(m), matrix(m).flip(1), dim=1),
    "lerp": lambda m: m.lerp(matrix(m), m.zeros(2, 3), 0.25),
    "dot": lambda m: m.dot(m.tensor([1.0, 2.0]), m.tensor([3.0, -1.0])),
    "outer": lambda m: m.outer(m.tensor([1.0, 2.0]), m.tensor([3.0, -1.0, 0.5])),
    "mm": lambda m: m.mm(matrix(m), matrix(m).t()),
    "bmm": lambda m: m.bmm(matrix(m)[None], matrix(m).t()[None]),
    "einsum": lambda m: m.einsum("ij,kj->ik", matrix(m), matrix(m)),
    "einsum trace": lambda m: m.einsum("ii", matrix(m)[:, :2]),
    "log10": lambda m: m.log10(matrix(m).abs() + 1),
    "log2": lambda m: (matrix(m).abs() + 1).log2(),
    "log1p": lambda m: m.log1p(m.tensor([1e-10, 0.5])),
    "expm1": lambda m: m.expm1(m.tensor([1e-10, 0.5])),
    "exp2": lambda m: matrix(m).exp2(),
    "rsqrt": lambda m: (matrix(m).abs() + 1).rsqrt(),
    "reciprocal": lambda m: m.reciprocal(m.tensor([2.0, -4.0])),
    "reciprocal int": lambda m: m.tensor([2, 4]).reciprocal(),
    "round": lambda m: m.round(m.tensor([-1.5, -0.5, 0.5, 2.5, 2.567])),
    "round decimals": lambda m: m.round(m.tensor([2.567]), decimals=2),
    "floor ceil trunc": lambda m: (matrix(m).floor(), matrix(m).ceil(), matrix(m).trunc(), matrix(m).sign()),
    "gather": lambda m: matrix(m).gather(1, m.tensor([[2, 2], [0, 1]])),
    "index_select": lambda m: matrix(m).index_select(1, m.tensor([2, 0])),
    "masked_select": lambda m: matrix(m).masked_select(matrix(m) > 0),
    "allclose": lambda m: m.allclose(matrix(m), matrix(m) + 1e-7),
    "isclose": lambda m: m.isclose(matrix(m), matrix(m) + 1e-3),
    "equal": lambda m: m.equal(matrix(m), matrix(m)),
    "var(False)": lambda m: matrix(m).var(False),
    "std(0, True, True)": lambda m: matrix(m).std(0, True, True),
    "one_hot": lambda m: m.nn.functional.one_hot(m.tensor([0, 2]), 4),
    "count_nonzero": lambda m: matrix(m).count_nonzero(),
    "new_tensor": lambda m: m.tensor([1, 2]).new_tensor([1.5]),
    "new_full": lambda m: matrix(m).new_full((2,), 3),
    "numel": lambda m: (matrix(m).numel(), matrix(m).nelement()),
    "clamp_min": lambda m: matrix(m).clamp_min(0.0),
    "square": lambda m: m.square(matrix(m)),
    "add out": lambda m: m.add(matrix(m), 1.0, out=m.empty(0)),
    "expand_as": lambda m: m.tensor([1.0, 2.0, 3.0]).expand_as(matrix(m)),
    "stride": lambda m: (matrix(m).stride(), matrix(m).t().stride(), matrix(m).is_floating_point()),
    "argmax keepdim": lambda m: m.argmax(matrix(m), dim=1, keepdim=True),
    "size keyword": lambda m: (m.zeros(size=(2, 3)), m.ones(size=[2])),
    "nonzero": lambda m: matrix(m).nonzero(),
    "where(cond)": lambda m: m.where(matrix(m) > 0),
    "bincount": lambda m: m.bincount(m.tensor([1, 1, 4])),
    "logical": lambda m: (m.logical_xor(matrix(m) > 0, matrix(m) < 1), m.logical_not(matrix(m) > 0)),
    "unbind narrow select": lambda m: (m.unbind(matrix(m), 1), matrix(m).narrow(1, 1, 2), matrix(m).select(0, -1)),
    "diagonal trace diag": lambda m: (matrix(m).diagonal(1), m.trace(matrix(m)[:, :2]),
                                      m.diag(m.tensor([1.0, 2.0]), -1)),
    "cumprod": lambda m: matrix(m).cumprod(1),
    "meshgrid xy": lambda m: m.meshgrid(m.arange(3), m.arange(2), indexing="xy"),
    "scatter_add": lambda m: m.zeros(3, 4).scatter_add(0, m.tensor([[0, 1, 2, 0], [2, 0, 0, 1]]),
                                                       m.arange(1.0, 9.0).reshape(2, 4)),
    "scatter value": lambda m: m.zeros(2, 5).scatter(1, m.tensor([[1], [3]]), value=1.0),
    "scatter src": lambda m: m.ones(3, 4).scatter(1, m.tensor([[0, 1], [2, 3]]), m.arange(10.0, 16.0).reshape(3, 2)),
}


def dtype_name(dtype) -> str:
    return str(dtype).rpartition(".")[2]


def assert_same(ours, theirs, torch):
    if isinstance(theirs, torch.Tensor):
        assert isinstance(ours, tg.Tensor), f"{ours!r} is not a tensor"
        assert tuple(ours.shape) == tuple(theirs.shape) and dtype_name(ours.dtype) == dtype_name(theirs.dtype)
        np.testing.assert_allclose(ours.detach().numpy(), theirs.detach().numpy(), rtol=1e-5, atol=1e-6)
    elif isinstance(theirs, tuple):
        assert isinstance(ours, tuple) and len(ours) == len(theirs)
        assert type(ours).__name__ == type(theirs).__name__  # max, sort, ...: PyTorch's named return types
        for a, b in zip(ours, theirs):
            assert_same(a, b, torch)
    else:
        assert ours == pytest.approx(theirs)


@pytest.mark.parametrize("name", TORCH_CASES)
def test_matches_torch(name):
    torch = pytest.importorskip("torch")
    assert_same(TORCH_CASES[name](tg), TORCH_CASES[name](torch), torch)


GRADIENT_CASES = {
    "prod with a zero": lambda m, x: (x * m.tensor([[1.0, 0.0, 1.0], [1.0, 1.0, 1.0]])).prod(),
    "prod(dim)": lambda m, x: x.prod(1).sum(),
    "cumsum": lambda m, x: (x.cumsum(1) * m.tensor([1.0, 2.0, 3.0])).sum(),
    "norm": lambda m, x: x.norm() + x.norm(p=1, dim=0).sum() + x.norm(3, dim=1).sum(),
    "max(dim)": lambda m, x: x.max(1).values.sum() + x.min(0).values.sum(),
    "sort and topk": lambda m, x: (x.sort(1).values * m.tensor([1.0, 2.0, 3.0])).sum() + x.topk(1).values.sum(),
    "median": lambda m, x: x.median(1).values.sum(),
    "gather with repeats": lambda m, x: x.gather(1, m.tensor([[2, 2], [0, 1]])).sum(),
    "cross": lambda m, x: m.cross(x, x.flip(1) * 2, dim=1).sum(),
    "einsum": lambda m, x: m.einsum("ij,kj->ik", x, x * x).sum(),
    "tril masked_fill": lambda m, x: (x.tril() + x.masked_fill(x > 1, 0.0)).sum(),
    "roll repeat": lambda m, x: (x.roll(1, 1).repeat(2, 1) * m.arange(6.0).reshape(2, 3).repeat(2, 1)).sum(),
    "log1p expm1": lambda m, x: ((x * x).log1p() + (x / 4).expm1()).sum(),
    "cumprod diag trace": lambda m, x: x.cumprod(1).sum() + m.diag(x[0]).sum() * x.diagonal().sum() + x[:, :2].trace(),
    "scatter": lambda m, x: (x.scatter(1, m.tensor([[2], [0]]), x[:, 1:2] * 3) * x).sum()
    + m.zeros(2, 3).scatter_add(1, m.tensor([[0, 0], [2, 1]]), (x * x)[:, :2]).sum(),
    "unbind meshgrid": lambda m, x: (sum(t.prod() for t in x.unbind(1))
                                     + (m.meshgrid(x[0], x[1], indexing="ij")[0] * x[1]).sum()),
}


@pytest.mark.parametrize("name", GRADIENT_CASES)
def test_gradients_match_torch(name):
    torch = pytest.importorskip("torch")
    grads = []
    for m in (tg, torch):
        x = m.tensor([[0.5, -2.0, 3.0], [4.0, 0.25, -1.5]], requires_grad=True)
        GRADIENT_CASES[name](m, x).backward()
        grads.append(np.asarray(x.grad.detach().numpy() if m is torch else x.grad.numpy()))
    np.testing.assert_allclose(grads[0], grads[1], rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("name", GRADIENT_CASES)
def test_gradients_match_finite_differences(name):
    """The torch-free twin of the test above: every case against central differences."""
    x = tg.tensor([[0.5, -2.0, 3.0], [4.0, 0.25, -1.5]], dtype=np.float64, requires_grad=True)
    assert tg.gradcheck(lambda x: GRADIENT_CASES[name](tg, x), [x])


def test_gpu_tensor_types_are_refused():
    with pytest.raises(RuntimeError, match="GPU type.*CPU only"):
        tg.ones(2).type("torch.cuda.FloatTensor")


# ---------------------------------------------------------------- a lecture's code, as it is written for PyTorch
BIGRAM_LECTURE = """
F = torch.nn.functional
words = ["emma", "olivia", "ava", "isabella", "sophia", "mia", "amelia", "harper"] * 4
stoi = {s: i + 1 for i, s in enumerate(sorted(set("".join(words))))}
stoi["."] = 0
itos = {i: s for s, i in stoi.items()}
V = len(stoi)
N = torch.zeros((V, V), dtype=torch.int32)
xs, ys = [], []
for w in words:
    cs = ["."] + list(w) + ["."]
    for a, b in zip(cs, cs[1:]):
        N[stoi[a], stoi[b]] += 1
        xs.append(stoi[a])
        ys.append(stoi[b])
P = (N + 1).float()
P /= P.sum(1, keepdims=True)
g = torch.Generator().manual_seed(2147483647)
sample, ix = [], 0
while True:
    ix = torch.multinomial(P[ix], num_samples=1, replacement=True, generator=g).item()
    sample.append(itos[ix])
    if ix == 0:
        break
xs, ys = torch.tensor(xs), torch.tensor(ys)
W = torch.randn((V, V), generator=g, requires_grad=True)
losses = []
for k in range(30):
    logits = F.one_hot(xs, num_classes=V).float() @ W
    counts = logits.exp()
    probs = counts / counts.sum(1, keepdims=True)
    loss = -probs[torch.arange(xs.nelement()), ys].log().mean()
    losses.append(loss.item())
    W.grad = None
    loss.backward()
    W.data += -10 * W.grad
batch = torch.randint(0, xs.shape[0], (8,), generator=g)
top = probs.max(1)
order = torch.randperm(V, generator=g)
"""


@pytest.mark.parametrize("library", ["tinygrad_edu", "torch"])
def test_a_bigram_lecture_runs_unchanged(library):
    """Karpathy-style makemore code (counts, sampling with a Generator, one_hot, a manual SGD step through
    .data), run as written for torch, with `torch` bound to tinygrad_edu or to the real torch."""
    ns = {"torch": tg if library == "tinygrad_edu" else pytest.importorskip("torch")}
    exec(BIGRAM_LECTURE, ns)
    assert ns["sample"][-1] == "." and ns["losses"][-1] < 0.7 * ns["losses"][0]
    assert tuple(ns["batch"].shape) == (8,) and str(ns["batch"].dtype).endswith("int64")
    assert tuple(ns["top"].values.shape) == (ns["xs"].nelement(),) and str(ns["top"].indices.dtype).endswith("int64")
    assert sorted(ns["order"].tolist()) == list(range(ns["V"]))


def test_clamp_bounds_take_part_in_type_promotion_as_pytorch():
    ints = tg.tensor([1, 2, 3])
    assert ints.clamp(min=1.5).dtype == tg.float32 and ints.clamp(min=1.5).tolist() == [1.5, 2.0, 3.0]
    assert ints.clamp(max=2).dtype == tg.int64 and ints.clip(0.5, 2.5).dtype == tg.float32
    assert tg.tensor([1.0], dtype=tg.float16).clamp(min=1.5).dtype == tg.float16  # a number never widens a float
    assert tg.tensor([True, False]).clamp(min=0).dtype == tg.int64


def test_scatter_and_index_add_in_place_as_the_tutorials_use_them():
    # Learn the Basics' one-hot transform: a 0-d index on a 1-D tensor
    assert tg.zeros(10).scatter_(0, tg.tensor(3), value=1).tolist() == [0.0] * 3 + [1.0] + [0.0] * 6
    x = tg.zeros(5)
    x.index_add_(0, tg.tensor([0, 0, 2]), tg.tensor([1.0, 2.0, 3.0]))  # repeated positions add up
    assert x.tolist() == [3.0, 0.0, 3.0, 0.0, 0.0]
    x = tg.zeros(4)
    x.scatter_add_(0, tg.tensor([1, 1, 3]), tg.tensor([1.0, 2.0, 3.0]))
    assert x.tolist() == [0.0, 3.0, 0.0, 3.0]
    w = tg.ones(3, requires_grad=True)
    h = w * 1
    h.scatter_(0, tg.tensor([1]), value=7.0)  # recorded: the overwritten element gets no gradient
    h.sum().backward()
    assert h.tolist() == [1.0, 7.0, 1.0] and w.grad.tolist() == [1.0, 0.0, 1.0]
    with pytest.raises(RuntimeError, match="leaf Variable that requires grad"):
        tg.ones(3, requires_grad=True).index_add_(0, tg.tensor([0]), tg.ones(1))
    with pytest.raises(IndexError, match="index_add: index must be a 1-D integer tensor of positions 0..2"):
        tg.zeros(3).index_add_(0, tg.tensor([5]), tg.ones(1))


def test_scatter_and_index_add_in_place_match_torch():
    torch = pytest.importorskip("torch")
    results = []
    for module in (tg, torch):
        x = module.zeros(2, 3)
        x.index_add_(1, module.tensor([2, 0]), module.ones(2, 2), alpha=2)
        s, b = module.tensor([1.0, 2.0, 3.0], requires_grad=True), module.ones(5, requires_grad=True)
        y = b.index_add(0, module.tensor([0, 0, 2]), s, alpha=3)
        (y * module.arange(5.0)).sum().backward()
        results.append((x.tolist(), y.tolist(), s.grad.tolist(), b.grad.tolist(),
                        module.zeros(10).scatter(0, module.tensor([3, 5]), 1.0).tolist()))
    assert results[0] == results[1]


def test_isfinite_as_pytorch():
    x = tg.tensor([1.0, float("inf"), float("nan"), -2.0])
    assert tg.isfinite(x).tolist() == x.isfinite().tolist() == [True, False, False, True]
    assert tg.isfinite(tg.tensor([1, 2])).tolist() == [True, True] and x.isfinite().dtype == tg.bool


def reductions_library(name):
    return tg if name == "tinygrad_edu" else pytest.importorskip("torch")


@pytest.mark.parametrize("library", ["tinygrad_edu", "torch"])
def test_var_and_std_with_no_degrees_of_freedom_divide_by_zero(library):
    # N - correction = 0: sum of squares / 0, so nan for one element (0 / 0) and inf for two unequal ones
    lib = reductions_library(library)
    with pytest.warns(UserWarning, match="degrees of freedom is <= 0"):
        one = lib.tensor([3.0], dtype=lib.float64).var()
    assert math.isnan(float(one))
    with pytest.warns(UserWarning, match="degrees of freedom is <= 0"):
        two = lib.tensor([1.0, 2.0], dtype=lib.float64).std(correction=2)
    assert float(two) == math.inf


@pytest.mark.parametrize("library", ["tinygrad_edu", "torch"])
def test_std_of_a_constant_slice_has_gradient_zero(library):
    # sqrt'(0) is inf, times a deviation of 0: std must not take it, or the gradient is nan
    lib = reductions_library(library)
    x = lib.tensor([[2.0, 2.0, 2.0], [1.0, 2.0, 4.0]], dtype=lib.float64, requires_grad=True)
    x.std(1).sum().backward()
    deviation = np.array([1.0, 2.0, 4.0]) - 7 / 3
    expected = deviation / (2 * np.sqrt((deviation ** 2).sum() / 2))
    np.testing.assert_allclose(x.grad.numpy(), [[0.0, 0.0, 0.0], expected], rtol=1e-14)


@pytest.mark.parametrize("library", ["tinygrad_edu", "torch"])
def test_the_product_of_no_elements_is_one(library):
    lib = reductions_library(library)
    assert lib.zeros((2, 0)).prod(1).tolist() == [1.0, 1.0]
    assert lib.zeros((0, 3)).prod(0, keepdim=True).tolist() == [[1.0, 1.0, 1.0]]
    assert float(lib.ones(0).prod()) == 1.0


@pytest.mark.parametrize("scale", [0.1, 0.3, 0.7, 3.0])
def test_corrcoef_stays_within_minus_one_and_one(scale):
    # rounding takes cov[0, 1] / (std_0 std_1) of a line to 1 + 2**-52 for these; the clamp brings it back
    x = np.arange(4.0)
    r = tg.corrcoef(tg.tensor(np.stack([x, scale * x, -scale * x]))).numpy()
    assert np.abs(r).max() <= 1.0
    np.testing.assert_allclose(np.abs(r), np.ones((3, 3)), rtol=1e-15)


@pytest.mark.parametrize("library", ["tinygrad_edu", "torch"])
def test_logsumexp_over_no_elements_is_minus_inf(library):
    lib = reductions_library(library)
    assert lib.zeros((2, 0), dtype=lib.float64).logsumexp(1).tolist() == [-math.inf, -math.inf]


@pytest.mark.parametrize("library", ["tinygrad_edu", "torch"])
def test_cov_with_a_correction_beyond_the_observations_divides_by_zero(library):
    # 3 observations, correction 4: the divisor 3 - 4 is clamped to 0 (never a negative covariance)
    lib = reductions_library(library)
    x = lib.tensor([[1.0, 2.0, 4.0], [0.0, 1.0, 5.0]], dtype=lib.float64)
    with pytest.warns(UserWarning, match="degrees of freedom is <= 0"):
        assert lib.cov(x, correction=4).tolist() == [[math.inf, math.inf], [math.inf, math.inf]]


CROSS_A = np.arange(9.0).reshape(3, 3)
CROSS_B = np.array([[1.0, 0.0, 2.0], [0.0, 1.0, 3.0], [4.0, 1.0, 0.0]])


@pytest.mark.parametrize("library", ["tinygrad_edu", "torch"])
def test_cross_without_dim_takes_the_first_dim_of_size_three(library):
    # a 3x3 input has two candidates: PyTorch's (deprecated) default is the first, dim 0, not linalg.cross's -1
    lib = reductions_library(library)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # torch warns that the default is deprecated
        got = lib.cross(lib.tensor(CROSS_A), lib.tensor(CROSS_B))
    assert got.tolist() == np.cross(CROSS_A, CROSS_B, axis=0).tolist()


@pytest.mark.parametrize("library", ["tinygrad_edu", "torch"])
def test_einsum_without_an_arrow_orders_the_output_letters_alphabetically(library):
    # the implicit output is the letters used once, sorted: 'ji' is the transpose, 'jk,ij' gives 'ik'
    lib = reductions_library(library)
    a, b = lib.tensor(CROSS_A), lib.tensor(CROSS_B)
    assert lib.einsum("ji", a).tolist() == CROSS_A.T.tolist()
    assert lib.einsum("jk,ij", a, b).tolist() == (CROSS_B @ CROSS_A).tolist()
