"""What lecture-style scripts print, run under both imports: where a script's output, dtype or error
differed from PyTorch's, the case is pinned here. Each comparison with PyTorch has a twin that
checks the same thing against known values, for runs without PyTorch."""

import numpy as np
import pytest

import tinygrad_edu as tg

TWO_BOOLS = "Subtraction, the `-` operator, with two bool tensors is not supported"
ONE_BOOL = "Subtraction, the `-` operator, with a bool tensor is not supported"
NEGATION = "Negation, the `-` operator, on a bool tensor is not supported"

BOOL_MINUS_CASES = [  # (expression on a mask b and an int tensor i, PyTorch's message)
    ("-b", NEGATION), ("b.neg()", NEGATION), ("lib.neg(b)", NEGATION), ("b.clone().neg_()", NEGATION),
    ("b - b", TWO_BOOLS), ("lib.sub(b, b)", TWO_BOOLS), ("b - True", TWO_BOOLS), ("True - b", TWO_BOOLS),
    ("b.clone().sub_(b)", TWO_BOOLS),
    ("1 - b", ONE_BOOL), ("b - 1", ONE_BOOL), ("i - b", ONE_BOOL), ("b - i", ONE_BOOL), ("b - 1.5", ONE_BOOL),
    ("b.float() - b", ONE_BOOL), ("i.clone().sub_(b)", ONE_BOOL),
    ("b.float() - True", ONE_BOOL), ("True - b.float()", ONE_BOOL), ("i - False", ONE_BOOL),  # a Python bool
]


def bool_minus(lib, expression):
    b, i = lib.tensor([True, False]), lib.tensor([1, 2])
    return eval(expression, {"lib": lib, "b": b, "i": i})


@pytest.mark.parametrize("expression, message", BOOL_MINUS_CASES)
def test_minus_with_a_mask_raises_and_points_to_invert(expression, message):
    """`1 - mask` is almost always a slip for `~mask`: PyTorch refuses it, so a script that runs here
    must not silently give an int tensor there (NumPy's refusal was a TypeError, and only for two bools)."""
    with pytest.raises(RuntimeError, match=message.replace("`", ".")):
        bool_minus(tg, expression)


@pytest.mark.parametrize("expression, message", BOOL_MINUS_CASES)
def test_minus_with_a_mask_raises_as_pytorch_does(expression, message):
    torch = pytest.importorskip("torch")
    with pytest.raises(RuntimeError, match=message.replace("`", ".")):
        bool_minus(torch, expression)
    with pytest.raises(RuntimeError, match=message.replace("`", ".")):
        bool_minus(tg, expression)


def test_minus_without_masks_still_works():
    i, f = tg.tensor([1, 2]), tg.tensor([1.0, 2.0], requires_grad=True)
    assert (1 - i).tolist() == [0, -1] and (~tg.tensor([True, False])).tolist() == [False, True]
    (1 - f).sum().backward()
    assert f.grad.tolist() == [-1.0, -1.0]


SHIFT_CASES = [  # (expression on i = [1, 2, 3], the values PyTorch gives)
    ("i << 1", [2, 4, 6]), ("i >> 1", [0, 1, 1]), ("1 << i", [2, 4, 8]), ("16 >> i", [8, 4, 2]),
    ("i << i", [2, 8, 24]), ("lib.bitwise_left_shift(i, 2)", [4, 8, 12]),
    ("lib.bitwise_right_shift(i, lib.tensor([1, 1, 0]))", [0, 1, 3]), ("i.bitwise_left_shift(1)", [2, 4, 6]),
]


def shifted(lib, expression):
    return eval(expression, {"lib": lib, "i": lib.tensor([1, 2, 3])})


@pytest.mark.parametrize("expression, values", SHIFT_CASES)
def test_shifts_of_integer_tensors(expression, values):
    """Bit tricks in tensor-basics lessons use << and >>; they raised TypeError here."""
    out = shifted(tg, expression)
    assert out.dtype == tg.int64 and out.tolist() == values


@pytest.mark.parametrize("expression, values", SHIFT_CASES)
def test_shifts_match_pytorch(expression, values):
    torch = pytest.importorskip("torch")
    theirs, ours = shifted(torch, expression), shifted(tg, expression)
    assert ours.tolist() == theirs.tolist() == values and str(ours.dtype)[-5:] == str(theirs.dtype)[-5:]


def test_shifts_keep_a_small_dtype_and_refuse_floats():
    assert (tg.tensor([1, 64], dtype=tg.int8) << 1).dtype == tg.int8
    with pytest.raises(TypeError, match="bitwise_left_shift: bitwise ops need integer or bool tensors"):
        tg.tensor([1.0]) << 1


CLOSE_REFUSALS = [  # (expression, PyTorch's words)
    ("lib.allclose(f, f.double())", "Float did not match Double"),
    ("lib.isclose(f, f.double())", "Float did not match Double"),
    ("lib.allclose(lib.tensor([1, 2]), f)", "Long did not match Float"),
    ("lib.allclose(lib.ones(3), lib.ones(4))", "3.*4"),
]


def closeness(lib, expression):
    return eval(expression, {"lib": lib, "f": lib.tensor([1.0, 2.0])})


@pytest.mark.parametrize("expression, words", CLOSE_REFUSALS)
def test_allclose_refuses_two_dtypes_and_shapes_that_do_not_broadcast(expression, words):
    """A backprop lecture checks its float32 gradients with allclose against a reference; a float64
    reference raised in PyTorch and passed here; shapes that do not broadcast leaked NumPy's ValueError."""
    with pytest.raises(RuntimeError, match=words):
        closeness(tg, expression)


@pytest.mark.parametrize("expression, words", CLOSE_REFUSALS)
def test_allclose_refusals_match_pytorch(expression, words):
    torch = pytest.importorskip("torch")
    with pytest.raises(RuntimeError, match=words):
        closeness(torch, expression)
    with pytest.raises(RuntimeError, match=words):
        closeness(tg, expression)


def test_allclose_still_broadcasts_and_takes_one_dtype():
    assert tg.allclose(tg.ones(3), tg.ones(1)) and tg.tensor([1, 2]).allclose(tg.tensor([1, 2]))
    assert not tg.allclose(tg.tensor([1.0, 2.0]), tg.tensor([1.0, 2.1]))
    assert tg.isclose(tg.tensor([1.0, 2.0]), tg.tensor([1.0, 2.1])).tolist() == [True, False]


@pytest.mark.parametrize("expression", ["i.std()", "i.var()", "lib.std(i, 0)", "i.var(0, keepdim=True)"])
def test_std_of_an_integer_tensor_names_std_and_var(expression):
    """The message named mean, which the script never called (var calls it inside)."""
    with pytest.raises(RuntimeError, match="std and var only support floating point") as caught:
        eval(expression, {"lib": tg, "i": tg.tensor([1, 2, 3])})
    assert "mean" not in str(caught.value)


@pytest.mark.parametrize("expression", ["i.std()", "i.var()"])
def test_std_of_an_integer_tensor_raises_as_pytorch(expression):
    torch = pytest.importorskip("torch")
    for lib in (torch, tg):
        with pytest.raises(RuntimeError, match="std and var only support floating point"):
            eval(expression, {"lib": lib, "i": lib.tensor([1, 2, 3])})


def test_batchnorm_with_the_wrong_channel_count_is_a_runtime_error():
    """PyTorch: a RuntimeError for the channels ('running_mean should contain 5 elements not 4'), a
    ValueError only for the number of dims; a script catching one or the other sees the same here."""
    with pytest.raises(RuntimeError, match=r"BatchNorm1d: .*4 channels.*\(3, 5\).*BatchNorm1d\(5\)"):
        tg.nn.BatchNorm1d(4)(tg.ones(3, 5))
    with pytest.raises(RuntimeError, match="5 channels"):
        tg.nn.BatchNorm2d(4).eval()(tg.ones(3, 5, 2, 2))
    with pytest.raises(ValueError, match="4D"):
        tg.nn.BatchNorm2d(4)(tg.ones(3, 4))


def test_batchnorm_errors_have_pytorchs_types():
    torch = pytest.importorskip("torch")
    for lib in (torch, tg):
        with pytest.raises(RuntimeError):
            lib.nn.BatchNorm1d(4)(lib.ones(3, 5))
        with pytest.raises(ValueError):
            lib.nn.BatchNorm2d(4)(lib.ones(3, 4))


DEVICE_CALLS = [  # layers built as GPT-style code builds them: factory_kwargs = {"device": ..., "dtype": ...}
    "nn.Linear(4, 3, True, 'cpu', lib.float64)", "nn.Linear(4, 3, device=lib.device('cpu'))",
    "nn.LayerNorm(4, device='cpu', dtype=lib.float64)", "nn.BatchNorm1d(4, device='cpu')",
    "nn.BatchNorm2d(4, 1e-5, 0.1, True, True, 'cpu', lib.float64)", "nn.Embedding(5, 4, device='cpu')",
    "nn.InstanceNorm2d(4, affine=True, dtype=lib.float64)",
]


def build(lib, call):
    return eval(call, {"lib": lib, "nn": lib.nn})


@pytest.mark.parametrize("call", DEVICE_CALLS)
def test_layers_take_device_as_pytorch_lays_it_out(call):
    """Linear, LayerNorm, BatchNorm and Embedding refused device= (TypeError), which Conv2d, LSTM and
    MultiheadAttention took; the order is PyTorch's, so device and dtype can also be given by position."""
    layer = build(tg, call)
    expected = tg.float64 if "float64" in call else tg.float32
    assert layer.weight.dtype == expected and layer.weight.device == tg.device("cpu")


@pytest.mark.parametrize("call", DEVICE_CALLS)
def test_layers_take_device_as_pytorch_does(call):
    torch = pytest.importorskip("torch")
    theirs, ours = build(torch, call), build(tg, call)
    assert str(theirs.weight.dtype)[-7:] == str(ours.weight.dtype)[-7:] and repr(theirs) == repr(ours)


def test_a_gpu_device_is_refused_with_the_device_agnostic_idiom():
    with pytest.raises(RuntimeError, match="Linear: 'cuda' is not available.*device-agnostic"):
        tg.nn.Linear(2, 2, device="cuda")


def embedding_with_max_norm(lib):
    """An embedding table whose rows 0 and 3 are longer than max_norm=1: looking them up shrinks them."""
    table = lib.tensor([[3.0, 4.0], [0.3, 0.4], [1.0, 0.0], [6.0, 8.0]])
    emb = lib.nn.Embedding(4, 2, max_norm=1.0, _weight=table.clone())
    out = emb(lib.tensor([[0, 1], [0, 2]]))
    out.sum().backward()
    l1 = lib.nn.functional.embedding(lib.tensor([0]), table.clone(), max_norm=1.0, norm_type=1.0)
    return (repr(emb), out.tolist(), emb.weight.tolist(), emb.weight.grad.tolist(), l1.tolist(),
            repr(lib.nn.Embedding(4, 2, 0, 1.0, 3.0)))


def test_embedding_max_norm_renormalises_the_rows_looked_up():
    """max_norm raised TypeError. As in PyTorch, the rows looked up are scaled in place by
    max_norm / (norm + 1e-7) when longer, row 3 (not looked up) is left alone, and the gradient is
    that of a plain lookup."""
    rep, out, weight, grad, l1, positional = embedding_with_max_norm(tg)
    assert rep == "Embedding(4, 2, max_norm=1.0)"
    assert positional == "Embedding(4, 2, padding_idx=0, max_norm=1.0, norm_type=3.0)"
    assert np.allclose(out, [[[0.6, 0.8], [0.3, 0.4]], [[0.6, 0.8], [1.0, 0.0]]], atol=1e-6)
    assert np.allclose(weight, [[0.6, 0.8], [0.3, 0.4], [1.0, 0.0], [6.0, 8.0]], atol=1e-6)
    assert grad == [[2.0, 2.0], [1.0, 1.0], [1.0, 1.0], [0.0, 0.0]]
    assert np.allclose(l1, [[3 / 7, 4 / 7]], atol=1e-6)


def test_embedding_max_norm_matches_pytorch():
    torch = pytest.importorskip("torch")
    theirs, ours = embedding_with_max_norm(torch), embedding_with_max_norm(tg)
    assert theirs[0] == ours[0] and theirs[5] == ours[5] and theirs[3] == ours[3]
    for a, b in zip(theirs[1:5], ours[1:5]):
        assert np.allclose(a, b, atol=1e-6)


@pytest.mark.parametrize("option", ["sparse=True", "scale_grad_by_freq=True"])
def test_embedding_options_not_here_say_so(option):
    with pytest.raises(NotImplementedError, match="scale_grad_by_freq.* and sparse.* not supported"):
        eval(f"nn.Embedding(4, 2, {option})", {"nn": tg.nn})


class NumpySamples:
    """A map-style dataset that returns NumPy, as many tutorials' datasets do."""

    def __len__(self):
        return 3

    def __getitem__(self, i):
        return np.full(2, i, dtype=np.float32), np.int64(i)


def unbatched(lib):
    """What DataLoader(batch_size=None) yields, written out with type names."""
    data = lib.utils.data
    described = []
    for sample in data.DataLoader(NumpySamples(), batch_size=None):
        fields = [(type(f).__name__, str(f.dtype).rpartition(".")[2], f.tolist()) for f in sample]
        described.append((type(sample).__name__, fields))
    tensors = next(iter(data.DataLoader(data.TensorDataset(lib.ones(2, 2), lib.zeros(2)), batch_size=None)))
    custom = list(data.DataLoader(NumpySamples(), batch_size=None, collate_fn=lambda s: int(s[1]) * 10))
    converted = data.default_convert({"a": np.zeros(2, dtype=np.float32), "s": "text", "t": (np.int32(3), 1.5)})
    return (described, type(tensors).__name__, custom, sorted(converted), type(converted["a"]).__name__,
            converted["s"], type(converted["t"]).__name__, str(converted["t"][0].dtype)[-5:], converted["t"][1])


UNBATCHED = ([("list", [("Tensor", "float32", [0.0, 0.0]), ("Tensor", "int64", 0)]),
              ("list", [("Tensor", "float32", [1.0, 1.0]), ("Tensor", "int64", 1)]),
              ("list", [("Tensor", "float32", [2.0, 2.0]), ("Tensor", "int64", 2)])],
             "list", [0, 10, 20], ["a", "s", "t"], "Tensor", "text", "list", "int32", 1.5)


def test_unbatched_loading_converts_numpy_samples_to_tensors():
    """With batch_size=None PyTorch passes each sample through default_convert (or the collate_fn given):
    NumPy became tensors, tuples lists. Here the samples came out untouched, NumPy arrays and all, and a
    collate_fn was ignored."""
    assert unbatched(tg) == UNBATCHED


def test_unbatched_loading_matches_pytorch():
    torch = pytest.importorskip("torch")
    assert unbatched(torch) == unbatched(tg) == UNBATCHED


FORGOT_SUPER_INIT = [  # a module whose __init__ forgot super().__init__(), and what is done with it
    "self.fc = nn.Linear(2, 2)", "self.w = nn.Parameter(lib.ones(1))", "self.register_buffer('b', lib.ones(1))",
    "pass; list(self.parameters())", "pass; self.train()",
]


def forget_super_init(lib, body):
    class Forgetful(lib.nn.Module):
        def __init__(self):
            exec(body, {"nn": lib.nn, "lib": lib, "self": self})
    return Forgetful()


@pytest.mark.parametrize("body", FORGOT_SUPER_INIT)
def test_forgetting_super_init_is_an_attribute_error_that_names_the_fix(body):
    """PyTorch raises AttributeError ('cannot assign module before Module.__init__() call'); this raised
    RuntimeError, so `except AttributeError` in a script behaved differently. The message still says the fix."""
    with pytest.raises(AttributeError, match=r"Forgetful: Module.__init__\(\) was not called. Add `super"):
        forget_super_init(tg, body)


@pytest.mark.parametrize("body", FORGOT_SUPER_INIT)
def test_forgetting_super_init_raises_pytorchs_error_type(body):
    torch = pytest.importorskip("torch")
    for lib in (torch, tg):
        with pytest.raises(AttributeError):
            forget_super_init(lib, body)


CLOSE_CASES = {  # label: (actual, expected, options), built in either library; PyTorch 2.13's message
    "float32 off by 0.1": ("lib.tensor([1., 2., 3.])", "lib.tensor([1., 2., 3.1])", {},
                           "Tensor-likes are not close!\n\nMismatched elements: 1 / 3 (33.3%)\n"
                           "Greatest absolute difference: 0.09999990463256836 at index (2,) (up to 1e-05 allowed)\n"
                           "Greatest relative difference: 0.032258033752441406 at index (2,) (up to 1.3e-06 allowed)"),
    "dtypes": ("lib.tensor([1.])", "lib.tensor([1.], dtype=lib.float64)", {},
               "The values for attribute 'dtype' do not match: {lib}.float32 != {lib}.float64."),
    "shapes": ("lib.ones(3)", "lib.ones(2)", {},
               "The values for attribute 'shape' do not match: {lib}.Size([3]) != {lib}.Size([2])."),
    "ints": ("lib.tensor([1, 2])", "lib.tensor([1, 3])", {},
             "Tensor-likes are not equal!\n\nMismatched elements: 1 / 2 (50.0%)\n"
             "Greatest absolute difference: 1 at index (1,)\n"
             "Greatest relative difference: 0.3333333432674408 at index (1,)"),
    "0-d": ("lib.tensor(1.)", "lib.tensor(2.)", {},
            "Scalars are not close!\n\nExpected 2.0 but got 1.0.\nAbsolute difference: 1.0 (up to 1e-05 allowed)\n"
            "Relative difference: 0.5 (up to 1.3e-06 allowed)"),
    "floats": ("1.0", "1.1", {},
               "Scalars are not close!\n\nExpected 1.1 but got 1.0.\nAbsolute difference: 0.10000000000000009 "
               "(up to 1e-07 allowed)\nRelative difference: 0.09090909090909098 (up to 1e-07 allowed)"),
    "int vs float": ("1", "1.0", {}, "The (d)types do not match: <class 'int'> != <class 'float'>."),
    "in a list": ("[lib.ones(2), lib.zeros(1)]", "[lib.ones(2), lib.ones(1)]", {},
                  "Tensor-likes are not close!\n\nMismatched elements: 1 / 1 (100.0%)\n"
                  "Greatest absolute difference: 1.0 at index (0,) (up to 1e-05 allowed)\n"
                  "Greatest relative difference: 1.0 at index (0,) (up to 1.3e-06 allowed)\n\n"
                  "The failure occurred for item [1]"),
    "nan": ("lib.tensor([float('nan')])", "lib.tensor([float('nan')])", {},
            "Tensor-likes are not close!\n\nMismatched elements: 1 / 1 (100.0%)\n"
            "Greatest absolute difference: nan at index (0,) (up to 1e-05 allowed)\n"
            "Greatest relative difference: nan at index (0,) (up to 1.3e-06 allowed)"),
    "msg": ("lib.ones(2)", "lib.zeros(2)", {"msg": "custom"}, "custom"),
    "within tolerances": ("lib.tensor([1., 5.])", "lib.tensor([1.05, 5.5])", {"rtol": 0.1, "atol": 0.01}, None),
    "nan equal": ("lib.tensor([float('nan')])", "lib.tensor([float('nan')])", {"equal_nan": True}, None),
    "dtype unchecked": ("lib.tensor([1.])", "lib.tensor([1.], dtype=lib.float64)", {"check_dtype": False}, None),
    "dict": ("{'a': lib.ones(2)}", "{'a': lib.ones(2) + 1e-6}", {}, None),
}


def assert_close_message(lib, label):
    actual, expected, options, _ = CLOSE_CASES[label]
    try:
        lib.testing.assert_close(eval(actual, {"lib": lib}), eval(expected, {"lib": lib}), **options)
    except AssertionError as failure:
        return str(failure)
    return None


@pytest.mark.parametrize("label", list(CLOSE_CASES))
def test_testing_assert_close_says_what_pytorchs_says(label):
    """torch.testing.assert_close, which PyTorch's tutorials end their checks with, was missing."""
    expected = CLOSE_CASES[label][3]
    assert assert_close_message(tg, label) == (expected and expected.format(lib="tinygrad_edu"))


@pytest.mark.parametrize("label", list(CLOSE_CASES))
def test_testing_assert_close_matches_pytorch(label):
    torch = pytest.importorskip("torch")
    expected = CLOSE_CASES[label][3]
    assert assert_close_message(torch, label) == (expected and expected.format(lib="torch"))
    theirs, ours = assert_close_message(torch, label), assert_close_message(tg, label)
    assert theirs == (ours and ours.replace("tinygrad_edu.", "torch."))


def test_testing_assert_close_wants_both_tolerances_or_neither():
    with pytest.raises(ValueError, match="Both 'rtol' and 'atol' must be either specified or omitted"):
        tg.testing.assert_close(tg.ones(1), tg.ones(1), rtol=0)
    with pytest.raises(TypeError, match="No comparison pair was able to handle inputs"):
        tg.testing.assert_close(tg.ones(1), 1.0)


def one_cycle_state(lib):
    opt = lib.optim.SGD(lib.nn.Linear(1, 1).parameters(), lr=0.1, momentum=0.9)
    scheduler = lib.optim.lr_scheduler.OneCycleLR(opt, 1.0, total_steps=10, anneal_strategy="linear")
    return sorted(k for k in scheduler.state_dict() if k != "_get_lr_called_within_step"), scheduler


def test_one_cycle_state_dict_has_pytorchs_keys_and_resumes_from_them():
    """The annealing rule was saved as 'anneal_strategy'; PyTorch's key is '_anneal_func_type', so a
    state_dict saved by PyTorch loaded here kept the constructor's rule instead of the saved one."""
    keys, linear = one_cycle_state(tg)
    assert "_anneal_func_type" in keys and "anneal_strategy" not in keys
    opt = tg.optim.SGD(tg.nn.Linear(1, 1).parameters(), lr=0.1, momentum=0.9)
    resumed = tg.optim.lr_scheduler.OneCycleLR(opt, 1.0, total_steps=10)  # cos, until the state says linear
    resumed.load_state_dict({**linear.state_dict(), "_anneal_func_type": "linear"})
    for scheduler in (linear, resumed):
        scheduler.optimizer.step()
        scheduler.step()
    assert resumed.get_last_lr() == linear.get_last_lr()


def test_one_cycle_state_dict_keys_match_pytorch():
    torch = pytest.importorskip("torch")
    assert one_cycle_state(torch)[0] == one_cycle_state(tg)[0]


SCHEDULERS = ["StepLR(opt, 2, 0.5)", "MultiStepLR(opt, [1, 3])", "ExponentialLR(opt, 0.5)", "CosineAnnealingLR(opt, 4)",
              "LambdaLR(opt, lambda e: 0.9 ** e)", "MultiplicativeLR(opt, lambda e: 0.9)", "ConstantLR(opt)",
              "LinearLR(opt)", "PolynomialLR(opt)", "OneCycleLR(opt, 1.0, total_steps=10)",
              "CosineAnnealingWarmRestarts(opt, 2)", "CyclicLR(opt, 0.01, 0.1)"]


def get_lr_outside_step(lib, call):
    """Two epochs, then the script asks get_lr(): (the warnings' texts, the state_dict's keys)."""
    import warnings
    model = lib.nn.Linear(1, 1)
    opt = lib.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    scheduler = eval(call, {"opt": opt, **vars(lib.optim.lr_scheduler)})
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for _ in range(2):
            opt.step()
            scheduler.step()
        stepping = [str(w.message) for w in caught]
        scheduler.get_lr()
    return stepping, [str(w.message) for w in caught[len(stepping):]], sorted(scheduler.state_dict())


@pytest.mark.parametrize("call", SCHEDULERS)
def test_get_lr_called_by_a_script_warns_to_use_get_last_lr(call):
    """get_lr() is the step rule, not the lr in use (StepLR after two epochs: get_lr() 0.025, the lr
    0.05). PyTorch warns when a script calls it; this returned the misleading value silently."""
    stepping, asked, keys = get_lr_outside_step(tg, call)
    assert stepping == []
    assert asked == ["To get the last learning rate computed by the scheduler, please use `get_last_lr()`."]
    assert "_get_lr_called_within_step" in keys


@pytest.mark.parametrize("call", SCHEDULERS)
def test_get_lr_outside_step_matches_pytorch(call):
    torch = pytest.importorskip("torch")
    assert get_lr_outside_step(torch, call) == get_lr_outside_step(tg, call)


ELEMENT_VIEWS = [  # (in-place change of one element reached by integer indexing, x after it; x starts as ones(3))
    ("x[1].add_(1)", [1.0, 2.0, 1.0]), ("x.view(3)[0].mul_(5)", [5.0, 1.0, 1.0]),
    ("x.unsqueeze(0)[0, 2].fill_(7)", [1.0, 1.0, 7.0]), ("x.view(1, 3)[0][1].zero_()", [1.0, 0.0, 1.0]),
    ("x[-1].clamp_(max=0.5)", [1.0, 1.0, 0.5]), ("x[..., 0].sub_(3)", [-2.0, 1.0, 1.0]),
]


def change_an_element(lib, expression):
    x = lib.ones(3)
    eval(expression, {"x": x})
    return x.tolist()


@pytest.mark.parametrize("expression, after", ELEMENT_VIEWS)
def test_an_element_reached_by_integer_indexing_is_a_view(expression, after):
    """x[1] is a 0-d view in PyTorch, so x[1].add_(1) changes x. NumPy hands back a copied scalar for an
    int per dim, and the change was lost: x stayed ones."""
    assert change_an_element(tg, expression) == after


@pytest.mark.parametrize("expression, after", ELEMENT_VIEWS)
def test_an_element_view_matches_pytorch(expression, after):
    torch = pytest.importorskip("torch")
    assert change_an_element(torch, expression) == change_an_element(tg, expression) == after


def test_an_element_of_a_leaf_that_requires_grad_refuses_in_place_changes():
    """Once the element is a view, the leaf rule holds for it too (before, the copy took the change
    silently and made a graph node); under no_grad the change reaches the leaf, as in an optimizer."""
    w = tg.ones(3, requires_grad=True)
    with pytest.raises(RuntimeError, match="leaf Variable that requires grad is being used in an in-place"):
        w[0].add_(1)
    with tg.no_grad():
        w[1].mul_(5)
    assert w.tolist() == [1.0, 5.0, 1.0] and w.grad_fn is None


def detach_in_place(lib):
    """Truncated backpropagation through time: the hidden state is cut from the graph between batches."""
    w = lib.tensor([2.0, 3.0], requires_grad=True)
    hidden = w * 3
    same = hidden.detach_()
    loss = (hidden * w).sum()
    loss.backward()
    refused = []
    for view in (lambda t: t[0:1], lambda t: t.view(2), lambda t: t[0]):
        try:
            view(w * 1).detach_()
        except RuntimeError as err:
            refused.append(str(err).lower().find("can't detach views in-place") >= 0)
    copy = (lib.ones(2, 2, requires_grad=True) * 1).t().reshape(-1).detach_()  # this reshape copies: no view
    return (same is hidden, hidden.requires_grad, hidden.grad_fn, hidden.is_leaf, hidden.tolist(), w.grad.tolist(),
            refused, copy.requires_grad)


def test_detach_in_place_cuts_a_tensor_from_the_graph():
    """detach_() was missing (AttributeError); RNN code calls hidden.detach_() between batches."""
    assert detach_in_place(tg) == (True, False, None, True, [6.0, 9.0], [6.0, 9.0], [True, True, True], False)


def test_detach_in_place_matches_pytorch():
    torch = pytest.importorskip("torch")
    assert detach_in_place(torch) == detach_in_place(tg)


CONTAINER_ARITHMETIC = {  # expression on a = ModuleList([Linear]), s = Sequential(ReLU, Tanh): (child types, errors)
    "a + [nn.ReLU()]": ["Linear", "ReLU"], "a + a": ["Linear", "Linear"],
    "s + nn.Sequential(nn.Sigmoid())": ["ReLU", "Tanh", "Sigmoid"], "s * 2": ["ReLU", "Tanh", "ReLU", "Tanh"],
    "2 * s": ["ReLU", "Tanh", "ReLU", "Tanh"],
}
CONTAINER_IN_PLACE = {"a += [nn.Tanh()]": ["Linear", "Tanh"], "s += nn.Sequential(nn.ReLU())": ["ReLU", "Tanh", "ReLU"],
                      "s *= 3": ["ReLU", "Tanh"] * 3}
CONTAINER_REFUSALS = {"s + [nn.ReLU()]": (ValueError, "add operator supports only objects of Sequential class"),
                      "s * 0": (ValueError, "Non-positive multiplication factor 0"),
                      "s * 1.5": (TypeError, "unsupported operand type"),
                      "s += a": (ValueError, "add operator supports")}


def container_arithmetic(lib):
    nn = lib.nn
    results = {}
    for code, _ in [*CONTAINER_ARITHMETIC.items(), *CONTAINER_IN_PLACE.items(), *CONTAINER_REFUSALS.items()]:
        space = {"nn": nn, "a": nn.ModuleList([nn.Linear(1, 1)]), "s": nn.Sequential(nn.ReLU(), nn.Tanh())}
        try:
            if "=" in code:
                exec(code, space)
                out = space[code[0]]
            else:
                out = eval(code, space)
            results[code] = (type(out).__name__, [type(m).__name__ for m in out], list(out._modules))
        except (TypeError, ValueError) as err:
            results[code] = (type(err).__name__, str(err).split(",")[0])
    return results


def test_modulelist_and_sequential_add_and_repeat():
    """ModuleList + list, Sequential + Sequential and Sequential * n (and their in-place forms) raised TypeError."""
    results = container_arithmetic(tg)
    for code, children in [*CONTAINER_ARITHMETIC.items(), *CONTAINER_IN_PLACE.items()]:
        kind = "ModuleList" if code.startswith("a") else "Sequential"
        assert results[code] == (kind, children, [str(i) for i in range(len(children))])
    for code, (error, words) in CONTAINER_REFUSALS.items():
        assert results[code][0] == error.__name__ and words in results[code][1]


def test_container_arithmetic_matches_pytorch():
    torch = pytest.importorskip("torch")
    theirs, ours = container_arithmetic(torch), container_arithmetic(tg)
    assert {k: v if len(v) == 3 else v[0] for k, v in theirs.items()} == \
        {k: v if len(v) == 3 else v[0] for k, v in ours.items()}
