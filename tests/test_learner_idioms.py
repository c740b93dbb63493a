"""Idioms from the lectures and tutorials that teach with PyTorch, which a learner's check found
broken or different here (each test names the idiom; PyTorch 2.13's answer is written out, and
compared with torch itself where it is installed)."""

from __future__ import annotations

import numpy as np
import pytest

import tinygrad_edu as tg
import tinygrad_edu.nn as nn

X = np.arange(2 * 3 * 4 * 5, dtype=np.float64).reshape(2, 3, 4, 5)

# Keys where NumPy and PyTorch place the index array's dims differently (an int apart from the array),
# and keys where they agree; PyTorch applies the ints first, as selects: x[0, :, [0, 1]] == x[0][:, [0, 1]].
KEYS = {
    "int, slice, list": ((0, slice(None), [0, 1]), lambda x: x[0][:, [0, 1]]),
    "int, ..., list": ((1, Ellipsis, [0, 3]), lambda x: x[1][..., [0, 3]]),
    "int, slice, mask": ((0, slice(None), [True, False, True, False]), lambda x: x[0][:, [0, 2]]),
    "0-d tensor, slice, list": ((np.array(1), slice(None), [0, 2]), lambda x: x[1][:, [0, 2]]),
    "int, slice, int, list": ((0, slice(None), 1, [0, 2]), lambda x: x[0][:, 1][:, [0, 2]]),
    "slice, list, int, list": ((slice(None), [0, 1], 0, [0, 1]), lambda x: x[:, :, 0][:, [0, 1], [0, 1]]),
    "None, int, slice, list": ((None, 0, slice(None), [0, 1]), lambda x: x[None][:, 0][:, :, [0, 1]]),
    "list, slice, int (apart: both first)": (([0, 1], slice(None), 0), lambda x: x[:, :, 0][[0, 1]]),
    "list, int, list (side by side)": (([0, 1], 0, [0, 1]), lambda x: x[:, 0][[0, 1], [0, 1]]),
}


def as_key(key, make):
    return tuple(make(k) if isinstance(k, (list, np.ndarray)) else k for k in key)


@pytest.mark.parametrize("name", KEYS)
def test_index_with_an_int_apart_from_an_index_array_is_pytorch_s(name):
    key, two_steps = KEYS[name]
    expected = two_steps(X)
    x = tg.tensor(X, requires_grad=True)
    out = x[as_key(key, tg.tensor)]
    assert tuple(out.shape) == expected.shape
    np.testing.assert_array_equal(out.detach().numpy(), expected)
    weights = np.random.default_rng(0).standard_normal(expected.shape)
    (out * tg.tensor(weights)).sum().backward()
    positions = two_steps(np.arange(X.size).reshape(X.shape)).ravel()  # where each output element was read
    expected_grad = np.zeros(X.size)
    np.add.at(expected_grad, positions, weights.ravel())
    np.testing.assert_array_equal(x.grad.numpy(), expected_grad.reshape(X.shape))
    # assignment through the same key puts each value where reading it gets it from
    y = tg.zeros(X.shape, dtype=tg.float64)
    values = np.arange(expected.size, dtype=np.float64).reshape(expected.shape) + 1
    y[as_key(key, tg.tensor)] = tg.tensor(values)
    np.testing.assert_array_equal(two_steps(y.numpy()), values)
    assert y.numpy().sum() == values.sum()


@pytest.mark.parametrize("name", KEYS)
def test_index_order_matches_torch(name):
    torch = pytest.importorskip("torch")
    key = KEYS[name][0]
    theirs = torch.tensor(X, requires_grad=True)
    ours = tg.tensor(X, requires_grad=True)
    a, b = theirs[as_key(key, torch.tensor)], ours[as_key(key, tg.tensor)]
    np.testing.assert_array_equal(b.detach().numpy(), a.detach().numpy())
    weights = np.random.default_rng(1).standard_normal(tuple(a.shape))
    (a * torch.tensor(weights)).sum().backward()
    (b * tg.tensor(weights)).sum().backward()
    np.testing.assert_array_equal(ours.grad.numpy(), theirs.grad.numpy())
    value = tg.tensor(weights, requires_grad=True)
    y = tg.zeros(X.shape, dtype=tg.float64)
    y[as_key(key, tg.tensor)] = value * 2
    their_value = torch.tensor(weights, requires_grad=True)
    z = torch.zeros(X.shape, dtype=torch.float64)
    z[as_key(key, torch.tensor)] = their_value * 2
    np.testing.assert_array_equal(y.detach().numpy(), z.detach().numpy())
    (y * tg.tensor(X)).sum().backward()
    (z * torch.tensor(X)).sum().backward()
    np.testing.assert_array_equal(value.grad.numpy(), their_value.grad.numpy())


def test_parameter_of_a_tensor_that_requires_grad_is_a_leaf():
    """d2l's MLP from scratch: nn.Parameter(torch.randn(n, h, requires_grad=True) * 0.01)."""
    w = nn.Parameter(tg.randn(3, 2, requires_grad=True) * 0.01)
    assert w.is_leaf and w.requires_grad and w.grad_fn is None
    tg.optim.SGD([w], lr=0.1)  # refused a non-leaf before
    (w * 2).sum().backward()
    np.testing.assert_array_equal(w.grad.numpy(), np.full((3, 2), 2, dtype=np.float32))
    t = tg.ones(3)
    p = nn.Parameter(t)  # still shares the memory, as PyTorch's
    p.data[0] = 5
    assert t.tolist() == [5.0, 1.0, 1.0]


class Halving(tg.optim.Optimizer):
    """A custom optimizer as the tutorials write one: state = self.state[p], a plain int step."""

    def __init__(self, params):
        super().__init__(params, dict(lr=0.5))

    def step(self):
        for group in self.param_groups:
            for p in group["params"]:
                state = self.state[p]  # {} the first time, as PyTorch's defaultdict(dict)
                state["step"] = state.get("step", 0) + 1
                p.data -= group["lr"] * p.grad


def test_custom_optimizer_reads_self_state_of_a_new_parameter():
    w = nn.Parameter(tg.ones(2))
    opt = Halving([w])
    assert opt.state[w] == {}
    for _ in range(3):
        opt.zero_grad()
        (w * 2).sum().backward()
        opt.step()
    assert w.tolist() == [-2.0, -2.0] and opt.state[w] == {"step": 3}
    again = Halving([w])
    again.load_state_dict(opt.state_dict())
    assert again.state[w]["step"] == 3 and type(again.state[w]["step"]) is int  # a user's int stays an int


def test_adam_step_count_still_a_tensor_after_loading():
    w = nn.Parameter(tg.ones(2))
    opt = tg.optim.Adam([w])
    (w * 2).sum().backward()
    opt.step()
    again = tg.optim.Adam([w])
    again.load_state_dict(opt.state_dict())
    step = again.state[w]["step"]
    assert isinstance(step, tg.Tensor) and step.dtype == tg.float32 and step.item() == 1.0


def test_math_constants():
    assert (tg.inf, tg.pi, tg.e) == (float("inf"), 3.141592653589793, 2.718281828459045) and tg.nan != tg.nan
    assert tg.full((2,), -tg.inf).tolist() == [float("-inf")] * 2


def test_autograd_backward_of_several_losses():
    a = tg.tensor([1.0, 2.0], requires_grad=True)
    b = tg.tensor([3.0], requires_grad=True)
    tg.autograd.backward([(a * a).sum(), (a * b).sum()])  # d/da: 2a + b, d/db: sum(a)
    assert a.grad.tolist() == [5.0, 7.0] and b.grad.tolist() == [3.0]
    tg.autograd.backward(a * 2, tg.ones(2))  # a non-scalar with its gradient
    assert a.grad.tolist() == [7.0, 9.0]
    with pytest.raises(RuntimeError, match="1 grad_tensors for 2 tensors"):
        tg.autograd.backward([a.sum(), a.sum()], [tg.tensor(1.0)])


def test_grad_options_of_gradient_penalty_code():
    """WGAN-GP's reference code passes only_inputs=True (ignored, as in PyTorch); materialize_grads
    gives zeros for an unused input, a leaf that requires grad under create_graph."""
    a = tg.tensor([1.0, 2.0], requires_grad=True)
    b = tg.tensor([3.0], requires_grad=True)
    (ga,) = tg.autograd.grad((a * a).sum(), [a], create_graph=True, retain_graph=True, only_inputs=True)
    assert ga.tolist() == [2.0, 4.0] and ga.requires_grad
    ga, gb = tg.autograd.grad((a * a).sum(), [a, b], materialize_grads=True)
    assert gb.tolist() == [0.0] and not gb.requires_grad
    _, gb = tg.autograd.grad((a * a).sum(), [a, b], materialize_grads=True, create_graph=True)
    assert gb.requires_grad and gb.is_leaf
    with pytest.raises(ValueError, match="allow_unused to be True"):
        tg.autograd.grad((a * a).sum(), [a, b], materialize_grads=True, allow_unused=False)
    with pytest.raises(RuntimeError, match="not used"):
        tg.autograd.grad((a * a).sum(), [a, b])


A = np.arange(12.0).reshape(3, 4)
AXIS_CALLS = {  # d2l's code (shared with NumPy and JAX) says axis= and keepdims=; PyTorch takes both names
    "argmax": (lambda T, a: a.argmax(axis=1), A.argmax(axis=1)),
    "argmin keepdims": (lambda T, a: a.argmin(axis=0, keepdims=True), A.argmin(axis=0, keepdims=True)),
    "all": (lambda T, a: (a > 1).all(axis=1), (A > 1).all(axis=1)),
    "any": (lambda T, a: (a > 1).any(axis=0), (A > 1).any(axis=0)),
    "cumsum": (lambda T, a: a.cumsum(axis=0), A.cumsum(axis=0)),
    "cumprod": (lambda T, a: a.cumprod(axis=1), A.cumprod(axis=1)),
    "logsumexp": (lambda T, a: a.logsumexp(axis=1), np.log(np.exp(A).sum(axis=1))),
    "prod keepdims": (lambda T, a: a.prod(axis=1, keepdims=True), A.prod(axis=1, keepdims=True)),
    "softmax": (lambda T, a: a.softmax(axis=1), np.exp(A) / np.exp(A).sum(axis=1, keepdims=True)),
    "log_softmax": (lambda T, a: a.log_softmax(axis=0), A - np.log(np.exp(A).sum(axis=0))),
    "unsqueeze": (lambda T, a: a.unsqueeze(axis=0), A[None]),
    "squeeze": (lambda T, a: a[None].squeeze(axis=0), A),
    "cat": (lambda T, a: T.cat([a, a], axis=0), np.concatenate([A, A], axis=0)),
    "stack": (lambda T, a: T.stack([a, a], axis=1), np.stack([A, A], axis=1)),
    "amax": (lambda T, a: a.amax(axis=1), A.max(axis=1)),
    "amin keepdims": (lambda T, a: a.amin(axis=0, keepdims=True), A.min(axis=0, keepdims=True)),
    "torch.argmax": (lambda T, a: T.argmax(a, axis=1), A.argmax(axis=1)),
    "torch.cumsum": (lambda T, a: T.cumsum(a, axis=1), A.cumsum(axis=1)),
    "torch.softmax": (lambda T, a: T.softmax(a, axis=1), np.exp(A) / np.exp(A).sum(axis=1, keepdims=True)),
}


@pytest.mark.parametrize("name", AXIS_CALLS)
def test_numpy_names_axis_and_keepdims(name):
    call, expected = AXIS_CALLS[name]
    out = call(tg, tg.tensor(A)).numpy()
    assert out.shape == expected.shape
    np.testing.assert_allclose(out, expected, rtol=1e-12)


@pytest.mark.parametrize("name", AXIS_CALLS)
def test_numpy_names_match_torch(name):
    torch = pytest.importorskip("torch")
    call = AXIS_CALLS[name][0]
    np.testing.assert_allclose(call(tg, tg.tensor(A)).numpy(), call(torch, torch.tensor(A)).numpy(), rtol=1e-12)


def test_cumsum_without_a_dim_says_so():
    with pytest.raises(TypeError, match="cumsum.*'dim'"):
        tg.tensor(A).cumsum()
    with pytest.raises(TypeError, match="logsumexp.*'dim'"):
        tg.tensor(A).logsumexp()


def test_pad_sequence_for_a_collate_fn():
    from tinygrad_edu.nn.utils.rnn import pad_sequence, unpad_sequence
    a = tg.ones(2, 3, requires_grad=True)
    b = tg.full((3, 3), 2.0)
    assert tuple(pad_sequence([a, b]).shape) == (3, 2, 3)
    batch = pad_sequence([a, b], batch_first=True, padding_value=-1.0)
    assert batch[0].tolist() == [[1.0] * 3, [1.0] * 3, [-1.0] * 3] and batch[1].tolist() == [[2.0] * 3] * 3
    left = pad_sequence([a, b], batch_first=True, padding_side="left")
    assert left[0].tolist() == [[0.0] * 3, [1.0] * 3, [1.0] * 3]
    assert pad_sequence([tg.tensor([1, 2]), tg.tensor([3])]).tolist() == [[1, 3], [2, 0]]  # ints stay ints
    (batch * 3).sum().backward()
    assert a.grad.tolist() == [[3.0] * 3] * 2
    x, y = unpad_sequence(pad_sequence([a, b]), [2, 3])
    assert x.tolist() == a.tolist() and y.tolist() == b.tolist()
    with pytest.raises(NotImplementedError, match="pad_sequence"):
        tg.nn.utils.rnn.pack_padded_sequence(batch, [2, 3], batch_first=True)
    with pytest.raises(RuntimeError, match="every sequence"):
        pad_sequence([tg.ones(2, 3), tg.ones(2, 4)])
    with pytest.raises(RuntimeError, match="padding_side to be one of left or right, but got middle"):
        pad_sequence([a, b], padding_side="middle")  # PyTorch's RuntimeError


def test_pad_sequence_matches_torch():
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(0)
    arrays = [rng.standard_normal((n, 2)) for n in (3, 1, 4)]
    for options in ({}, {"batch_first": True, "padding_value": 9.0}, {"padding_side": "left"}):
        ours = tg.nn.utils.rnn.pad_sequence([tg.tensor(a) for a in arrays], **options)
        theirs = torch.nn.utils.rnn.pad_sequence([torch.tensor(a) for a in arrays], **options)
        np.testing.assert_array_equal(ours.numpy(), theirs.numpy())
    with pytest.raises(RuntimeError, match="padding_side to be one of left or right, but got middle"):
        torch.nn.utils.rnn.pad_sequence([torch.tensor(a) for a in arrays], padding_side="middle")


def test_keyword_forms_from_tutorials():
    assert tuple(tg.randint(low=0, high=5, size=(3,)).shape) == (3,)
    assert tuple(tg.randint(high=5, size=(2, 2)).shape) == (2, 2)
    x = tg.tensor([[1.0, 2.0], [3.0, 4.0]])
    assert tg.nn.functional.softmax(x, dim=0, dtype=tg.float64).dtype == tg.float64
    assert tg.nn.functional.log_softmax(x, dim=1, dtype=tg.float64).dtype == tg.float64
    assert tg.sum(x, dtype=tg.float64).dtype == tg.float64 and x.mean(dtype=tg.float64).dtype == tg.float64
    assert tg.tensor([1, 2], dtype=tg.int32).sum(dtype=tg.int32).dtype == tg.int32
    assert tg.tensor([200, 100], dtype=tg.uint8).sum().dtype == tg.int64  # PyTorch sums unsigned ints in int64
    assert tg.tensor([200, 100], dtype=tg.uint8).sum().item() == 300


def test_softmax_without_a_dim_warns_as_pytorch():
    x = tg.ones(2, 3)
    with pytest.warns(UserWarning, match="Implicit dimension choice for softmax"):
        tg.nn.functional.softmax(x)
    with pytest.warns(UserWarning, match="Implicit dimension choice for log_softmax"):
        tg.nn.LogSoftmax()(x)


def test_backward_slices_are_refused_as_in_pytorch():
    """Code that slices x[::-1] here would fail on PyTorch; flip is the way (and still works)."""
    x = tg.arange(5.0)
    with pytest.raises(ValueError, match="step must be greater than zero.*flip"):
        x[::-1]
    with pytest.raises(ValueError, match="step must be greater than zero"):
        x[::-1] = 0.0
    assert x.flip(0).tolist() == [4.0, 3.0, 2.0, 1.0, 0.0] and x[::2].tolist() == [0.0, 2.0, 4.0]


def test_a_users_function_node_keeps_the_whole_class_name():
    class SquareFunction(tg.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x * x

        @staticmethod
        def backward(ctx, g):
            (x,) = ctx.saved_tensors
            return 2 * x * g

    y = SquareFunction.apply(tg.ones(2, requires_grad=True))
    assert y.grad_fn.name() == "SquareFunctionBackward"  # as PyTorch's; library ops drop "Function" (TanhBackward0)
    assert tg.ones(2, requires_grad=True).tanh().grad_fn.name() == "TanhBackward0"


def test_module_and_container_methods_from_tutorials():
    from collections import OrderedDict
    seq = nn.Sequential(nn.Linear(2, 3), nn.ReLU())
    seq.insert(1, nn.Tanh())
    assert [type(m).__name__ for m in seq] == ["Linear", "Tanh", "ReLU"] and list(seq._modules) == ["0", "1", "2"]
    assert isinstance(seq.pop(0), nn.Linear) and list(seq._modules) == ["0", "1"]  # numbered again, as PyTorch
    named = nn.Sequential(OrderedDict(a=nn.ReLU(), b=nn.Tanh()))
    del named[0]
    assert list(named._modules) == ["0"]
    seq.extend([nn.Identity()])
    assert len(seq) == 3
    model = nn.Sequential(nn.Linear(2, 2), nn.BatchNorm1d(2))
    assert model.get_parameter("0.weight") is model[0].weight
    assert model.get_buffer("1.running_mean") is model[1].running_mean
    with pytest.raises(AttributeError, match="no parameter 'nope'"):
        model.get_parameter("0.nope")
    assert model.type(tg.float64)[0].weight.dtype == tg.float64 and model.half()[0].weight.dtype == tg.float16
    assert tg.promote_types(tg.int32, tg.float32) is tg.float32  # one of ours, not NumPy's dtype


def test_bfloat16_is_a_name_that_says_why_it_cannot_be_used():
    """nanoGPT's train.py builds {'float32': torch.float32, 'bfloat16': torch.bfloat16, ...} and picks
    float32 on a CPU: that runs; a bfloat16 tensor is refused with the reason."""
    chosen = {"float32": tg.float32, "bfloat16": tg.bfloat16, "float16": tg.float16}["float32"]
    assert tg.zeros(2, dtype=chosen).dtype == tg.float32 and repr(tg.bfloat16) == "tinygrad_edu.bfloat16"
    for attempt in (lambda: tg.zeros(2, dtype=tg.bfloat16), lambda: tg.ones(2).to(tg.bfloat16),
                    lambda: nn.Linear(2, 2).to(tg.bfloat16)):
        with pytest.raises(TypeError, match="NumPy has no bfloat16 type.*float32"):
            attempt()


def test_numpy_of_a_tensor_that_requires_grad_is_refused_everywhere():
    """np.array(w) and matplotlib's plot(w) call __array__: refused while w requires grad, as PyTorch's."""
    w = tg.ones(2, requires_grad=True)
    for convert in (np.array, np.asarray, lambda t: t.numpy()):
        with pytest.raises(RuntimeError, match="requires grad. Use tensor.detach"):
            convert(w)
    assert np.array(w.detach()).tolist() == [1.0, 1.0] and np.asarray(w * 0 + 1 > 0).dtype == bool


def test_what_pytorch_refuses_or_warns_about_here_too():
    logits = tg.randn(3, 4)
    for dtype, name in ((tg.int32, "Int"), (tg.int16, "Short")):
        with pytest.raises(RuntimeError, match=f"expected target dtype to be Long or Byte, but got {name}"):
            tg.nn.functional.cross_entropy(logits, tg.tensor([0, 1, 2], dtype=dtype))
    assert tg.nn.functional.cross_entropy(logits, tg.tensor([0, 1, 2], dtype=tg.uint8)).shape == ()
    assert tg.nn.functional.cross_entropy(logits, [0, 1, 2]).shape == ()  # a list becomes int64
    from tinygrad_edu.composite import movement
    movement._warned.clear()
    with pytest.warns(UserWarning, match="x.T` on tensors of dimension other than 2"):
        tg.ones(3).T
    assert tg.bincount(tg.tensor([0, 1, 1]), weights=tg.tensor([1.0, 2.0, 3.0])).dtype == tg.float32
    assert tg.bincount(tg.tensor([0, 1, 1]), weights=tg.tensor([1, 2, 3])).dtype == tg.float64


def test_saved_tensors_under_pytorch_s_names():
    """The "Autograd mechanics" notes read what a node saved: grad_fn._saved_self, _saved_result..."""
    x = tg.randn(5, requires_grad=True)
    y = x.pow(2)
    assert y.grad_fn._saved_self is x and y.grad_fn._saved_exponent == 2
    e = x.exp()
    assert e.equal(e.grad_fn._saved_result) and e.grad_fn._saved_result is not e
    a, b = tg.randn(2, 3, requires_grad=True), tg.randn(2, 3, requires_grad=True)
    z = a * b
    assert z.grad_fn._saved_self is a and z.grad_fn._saved_other is b
    with pytest.raises(AttributeError):
        e.grad_fn._saved_nonsense
    with pytest.raises(AttributeError, match="'AddBackward0' object has no attribute '_saved_self'"):
        (x + 1).grad_fn._saved_self  # add saves nothing
    assert not hasattr(e.grad_fn, "anything_else")
