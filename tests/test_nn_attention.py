"""F.scaled_dot_product_attention, nn.MultiheadAttention, the channel dropouts (F.dropout1d/2d/3d,
nn.Dropout1d/2d/3d) and the shrinks (hardshrink, softshrink, tanhshrink): values and gradients in
float64 against NumPy references written here, and against torch 2.13 (MultiheadAttention with
torch's state_dict loaded) behind importorskip; errors, reprs and state_dict keys as torch's. The
registry (tests/registry_nn.py) gradchecks the functions."""

import math
import warnings

import numpy as np
import pytest

import tinygrad_edu as tg
import tinygrad_edu.nn as nn
import tinygrad_edu.nn.functional as F

RNG = np.random.default_rng(11)


def leaves(*arrays):
    return [tg.tensor(a, requires_grad=True) for a in arrays]


def np_softmax(x):
    e = np.exp(x - x.max(-1, keepdims=True))
    return e / e.sum(-1, keepdims=True)


# ---------------------------------------------------------------- scaled_dot_product_attention

def test_attention_is_softmax_of_scaled_scores_times_values():
    q, k, v = RNG.standard_normal((2, 3, 4)), RNG.standard_normal((2, 5, 4)), RNG.standard_normal((2, 5, 6))
    expected = np_softmax(q @ k.transpose(0, 2, 1) / 2) @ v  # scale 1/sqrt(E), E = 4
    out = F.scaled_dot_product_attention(*leaves(q, k, v))
    assert out.shape == (2, 3, 6) and out.dtype == tg.float64
    np.testing.assert_allclose(out.detach().numpy(), expected, rtol=1e-12)
    scaled = F.scaled_dot_product_attention(*leaves(q, k, v), scale=0.3)
    np.testing.assert_allclose(scaled.detach().numpy(), np_softmax(q @ k.transpose(0, 2, 1) * 0.3) @ v, rtol=1e-12)


def test_attention_masks_keep_where_true_add_floats_and_causal_is_the_lower_triangle():
    q, k, v = RNG.standard_normal((3, 2)), RNG.standard_normal((4, 2)), RNG.standard_normal((4, 2))
    scores = q @ k.T / math.sqrt(2)
    keep = np.array([[True, False, True, True], [False, False, False, False], [True, True, True, False]])
    out = F.scaled_dot_product_attention(*leaves(q, k, v), attn_mask=tg.tensor(keep)).detach().numpy()
    np.testing.assert_allclose(out[[0, 2]], np_softmax(np.where(keep, scores, -np.inf)[[0, 2]]) @ v, rtol=1e-12)
    assert out[1].tolist() == [0.0, 0.0]  # a query with nothing to attend to gives 0, as torch's
    bias = RNG.standard_normal((3, 4))
    added = F.scaled_dot_product_attention(*leaves(q, k, v), attn_mask=tg.tensor(bias)).detach().numpy()
    np.testing.assert_allclose(added, np_softmax(scores + bias) @ v, rtol=1e-12)
    causal = F.scaled_dot_product_attention(*leaves(q, k, v), is_causal=True).detach().numpy()
    lower = np.array([[1, 0, 0, 0], [1, 1, 0, 0], [1, 1, 1, 0]], dtype=bool)  # top-left aligned when L != S
    np.testing.assert_allclose(causal, np_softmax(np.where(lower, scores, -np.inf)) @ v, rtol=1e-12)


def test_attention_gradient_of_a_query_with_nothing_to_attend_to_is_zero_not_nan():
    q, k, v = leaves(RNG.standard_normal((2, 3)), RNG.standard_normal((3, 3)), RNG.standard_normal((3, 3)))
    keep = tg.tensor([[True, True, False], [False, False, False]])
    F.scaled_dot_product_attention(q, k, v, attn_mask=keep).sum().backward()
    assert q.grad[1].tolist() == [0.0, 0.0, 0.0] and np.isfinite(k.grad.numpy()).all()
    assert np.abs(q.grad[0].numpy()).sum() > 0


def test_attention_gqa_repeats_each_key_head_for_its_group_of_queries():
    q, k, v = RNG.standard_normal((1, 4, 3, 2)), RNG.standard_normal((1, 2, 5, 2)), RNG.standard_normal((1, 2, 5, 2))
    out = F.scaled_dot_product_attention(*leaves(q, k, v), enable_gqa=True).detach().numpy()
    repeated = [np.repeat(a, 2, axis=1) for a in (k, v)]  # heads 0, 0, 1, 1
    np.testing.assert_allclose(out, np_softmax(q @ repeated[0].swapaxes(-1, -2) / math.sqrt(2)) @ repeated[1],
                               rtol=1e-12)


def test_attention_dropout_drops_weights_even_outside_training_and_rescales():
    tg.manual_seed(0)
    q, k, v = tg.zeros(1, 4000, 2), tg.zeros(1, 1, 2), tg.ones(1, 1, 2)  # every weight is 1
    out = F.scaled_dot_product_attention(q, k, v, dropout_p=0.5).numpy()
    assert set(np.unique(out)) == {0.0, 2.0} and abs((out == 0).mean() - 0.5) < 0.03


def test_attention_refuses_what_torch_refuses():
    q, k, v = tg.randn(3, 4), tg.randn(5, 4), tg.randn(5, 2)
    with pytest.raises(RuntimeError, match="Explicit attn_mask should not be set when is_causal=True"):
        F.scaled_dot_product_attention(q, k, v, attn_mask=tg.ones(3, 5, dtype=tg.bool), is_causal=True)
    with pytest.raises(RuntimeError, match="same dtype"):
        F.scaled_dot_product_attention(q, k.double(), v)
    with pytest.raises(RuntimeError, match="attn_mask dtype to be bool or float"):
        F.scaled_dot_product_attention(q, k, v, attn_mask=tg.ones(3, 5, dtype=tg.int64))
    with pytest.raises(RuntimeError, match="do not fit"):
        F.scaled_dot_product_attention(q, k[:, :3], v)
    with pytest.raises(RuntimeError, match="dropout probability has to be between 0 and 1, but got 1.5"):
        F.scaled_dot_product_attention(q, k, v, dropout_p=1.5)
    with pytest.raises(RuntimeError, match="multiple of the key/value heads"):
        F.scaled_dot_product_attention(tg.randn(3, 2, 4), tg.randn(2, 5, 4), tg.randn(2, 5, 4), enable_gqa=True)


def test_attention_matches_torch_values_and_gradients():
    torch = pytest.importorskip("torch")
    shapes = ((2, 2, 3, 4), (2, 2, 5, 4), (2, 2, 5, 6))
    keep = RNG.random((3, 5)) > 0.4
    keep[1] = False
    bias = RNG.standard_normal((2, 1, 3, 5))
    options = [({}, {}), ({"attn_mask": tg.tensor(keep)}, {"attn_mask": torch.tensor(keep)}),
               ({"attn_mask": tg.tensor(bias)}, {"attn_mask": torch.tensor(bias)}),
               ({"is_causal": True, "scale": 0.7}, {"is_causal": True, "scale": 0.7})]
    for ours_options, torch_options in options:
        arrays = [RNG.standard_normal(shape) for shape in shapes]
        ours, theirs = leaves(*arrays), [torch.tensor(a, requires_grad=True) for a in arrays]
        out = F.scaled_dot_product_attention(*ours, **ours_options)
        expected = torch.nn.functional.scaled_dot_product_attention(*theirs, **torch_options)
        np.testing.assert_allclose(out.detach().numpy(), expected.detach().numpy(), atol=1e-13)
        upstream = RNG.standard_normal(tuple(expected.shape))
        (out * tg.tensor(upstream)).sum().backward()
        (expected * torch.tensor(upstream)).sum().backward()
        for mine, reference in zip(ours, theirs):
            np.testing.assert_allclose(mine.grad.numpy(), reference.grad.numpy(), atol=1e-12)


# ---------------------------------------------------------------- MultiheadAttention

def test_multihead_attention_parameters_keys_init_and_repr_are_torchs():
    tg.manual_seed(0)
    attention = nn.MultiheadAttention(8, 2)
    assert [(key, tuple(value.shape)) for key, value in attention.state_dict().items()] == [
        ("in_proj_weight", (24, 8)), ("in_proj_bias", (24,)), ("out_proj.weight", (8, 8)), ("out_proj.bias", (8,))]
    assert repr(attention) == ("MultiheadAttention(\n  (out_proj): NonDynamicallyQuantizableLinear(in_features=8, "
                               "out_features=8, bias=True)\n)")  # torch 2.13's, written out
    assert attention.head_dim == 4 and attention.batch_first is False and attention.dropout == 0.0
    assert attention.in_proj_bias.abs().sum().item() == 0 and attention.out_proj.bias.abs().sum().item() == 0
    bound = math.sqrt(6 / (8 + 24))  # xavier_uniform_ on (3E, E)
    weights = attention.in_proj_weight.detach().numpy()
    assert np.abs(weights).max() <= bound and np.abs(weights).max() > 0.9 * bound
    assert list(nn.MultiheadAttention(8, 2, bias=False).state_dict()) == ["in_proj_weight", "out_proj.weight"]
    assert nn.MultiheadAttention(8, 2, dtype=tg.float64).in_proj_weight.dtype == tg.float64


def test_multihead_attention_refuses_what_it_lacks_by_name():
    with pytest.raises(NotImplementedError, match="kdim=3 different from embed_dim=8"):
        nn.MultiheadAttention(8, 2, kdim=3)
    with pytest.raises(NotImplementedError, match="add_bias_kv=True is not supported"):
        nn.MultiheadAttention(8, 2, add_bias_kv=True)
    with pytest.raises(AssertionError, match="embed_dim must be divisible by num_heads"):
        nn.MultiheadAttention(5, 2)
    attention = nn.MultiheadAttention(4, 2)
    with pytest.raises(RuntimeError, match="Need attn_mask if specifying the is_causal hint"):
        attention(tg.randn(3, 4), tg.randn(3, 4), tg.randn(3, 4), is_causal=True)
    with pytest.raises(RuntimeError, match=r"The shape of the 2D attn_mask is \(3, 2\), but should be \(3, 3\)"):
        attention(tg.randn(3, 4), tg.randn(3, 4), tg.randn(3, 4), attn_mask=tg.zeros(3, 2))


def np_multihead(query, key, value, weights, heads, bias=0.0, zero_attn=False):
    """MultiheadAttention's forward in NumPy on (L, N, E) inputs: output (L, N, E), weights (N, L, S) averaged
    (S + 1 with zero_attn: a key and a value of zeros appended to each head's, and a 0 to the bias)."""
    w_in, b_in, w_out, b_out = (weights[name] for name in ("in_proj_weight", "in_proj_bias", "out_proj.weight",
                                                           "out_proj.bias"))
    embed = query.shape[-1]
    projected = [x @ w_in[i * embed:(i + 1) * embed].T + b_in[i * embed:(i + 1) * embed]
                 for i, x in enumerate((query, key, value))]
    # (T, N, E) -> (N, heads, T, head_dim)
    q, k, v = (x.reshape(x.shape[0], x.shape[1], heads, -1).transpose(1, 2, 0, 3) for x in projected)
    if zero_attn:
        k, v = (np.concatenate([x, np.zeros(x.shape[:2] + (1, x.shape[3]))], 2) for x in (k, v))
        bias = np.concatenate([np.broadcast_to(bias, q.shape[:3] + (key.shape[0],)), np.zeros(q.shape[:3] + (1,))], 3)
    attention = np_softmax(q @ k.swapaxes(-1, -2) / math.sqrt(embed // heads) + bias)
    output = (attention @ v).transpose(2, 0, 1, 3).reshape(query.shape) @ w_out.T + b_out
    return output, attention.mean(1)


def loaded(module, weights):
    module.load_state_dict(weights)
    return module


def test_multihead_attention_matches_numpy_batch_first_unbatched_and_masks():
    weights = {"in_proj_weight": RNG.standard_normal((24, 8)), "in_proj_bias": RNG.standard_normal(24),
               "out_proj.weight": RNG.standard_normal((8, 8)), "out_proj.bias": RNG.standard_normal(8)}
    query, key = RNG.standard_normal((3, 2, 8)), RNG.standard_normal((5, 2, 8))
    expected, expected_weights = np_multihead(query, key, key, weights, 2)
    attention = loaded(nn.MultiheadAttention(8, 2, dtype=tg.float64), weights)
    out, averaged = attention(tg.tensor(query), tg.tensor(key), tg.tensor(key))
    np.testing.assert_allclose(out.detach().numpy(), expected, rtol=1e-10)
    np.testing.assert_allclose(averaged.detach().numpy(), expected_weights, rtol=1e-10)
    first = loaded(nn.MultiheadAttention(8, 2, batch_first=True, dtype=tg.float64), weights)
    out, _ = first(tg.tensor(query.swapaxes(0, 1)), tg.tensor(key.swapaxes(0, 1)), tg.tensor(key.swapaxes(0, 1)))
    np.testing.assert_allclose(out.detach().numpy(), expected.swapaxes(0, 1), rtol=1e-10)
    out, single = attention(tg.tensor(query[:, 0]), tg.tensor(key[:, 0]), tg.tensor(key[:, 0]))
    np.testing.assert_allclose(out.detach().numpy(), expected[:, 0], rtol=1e-10)
    assert single.shape == (3, 5)
    padding = np.array([[False, True, False, False, True], [False, False, False, False, True]])  # True: ignore
    masked, _ = np_multihead(query, key, key, weights, 2, np.where(padding, -np.inf, 0)[:, None, None, :])
    out, _ = attention(tg.tensor(query), tg.tensor(key), tg.tensor(key), key_padding_mask=tg.tensor(padding),
                       need_weights=False)
    np.testing.assert_allclose(out.detach().numpy(), masked, rtol=1e-10)


def test_multihead_attention_add_zero_attn_appends_a_zero_key_and_value():
    """Each query may also attend to a key of zeros (score 0) whose value is zeros: its weight takes a share
    of the softmax and adds nothing, and a query whose keys are all masked attends to it alone (finite)."""
    weights = {"in_proj_weight": RNG.standard_normal((24, 8)), "in_proj_bias": RNG.standard_normal(24),
               "out_proj.weight": RNG.standard_normal((8, 8)), "out_proj.bias": RNG.standard_normal(8)}
    query, key = RNG.standard_normal((3, 2, 8)), RNG.standard_normal((5, 2, 8))
    padding = np.array([[False, True, False, False, True], [True, True, True, True, True]])  # batch 1: all masked
    added = RNG.standard_normal((3, 5))  # a float attn_mask
    bias = np.where(padding, -np.inf, 0)[:, None, None, :] + added
    expected, expected_weights = np_multihead(query, key, key, weights, 2, bias, zero_attn=True)
    attention = loaded(nn.MultiheadAttention(8, 2, add_zero_attn=True, dtype=tg.float64), weights)
    out, averaged = attention(tg.tensor(query), tg.tensor(key), tg.tensor(key), key_padding_mask=tg.tensor(padding),
                              attn_mask=tg.tensor(added))
    assert averaged.shape == (2, 3, 6) and np.isfinite(out.detach().numpy()).all()
    assert averaged[1, :, 5].tolist() == [1.0, 1.0, 1.0]  # all its keys masked: the zero key takes all
    np.testing.assert_allclose(out.detach().numpy()[:, 1], np.broadcast_to(weights["out_proj.bias"], (3, 8)))
    np.testing.assert_allclose(out.detach().numpy(), expected, rtol=1e-10)
    np.testing.assert_allclose(averaged.detach().numpy(), expected_weights, rtol=1e-10)


@pytest.mark.parametrize("add_zero_attn", [False, True])
def test_multihead_attention_gradients_pass_gradcheck(add_zero_attn):
    tg.manual_seed(1)
    attention = nn.MultiheadAttention(4, 2, add_zero_attn=add_zero_attn, dtype=tg.float64)
    query, key = leaves(RNG.standard_normal((3, 1, 4)), RNG.standard_normal((2, 1, 4)))
    assert tg.gradcheck(lambda q, k: attention(q, k, k)[0], (query, key))


@pytest.mark.parametrize("add_zero_attn", [False, True])
def test_multihead_attention_matches_torch_with_its_state_dict(add_zero_attn):
    torch = pytest.importorskip("torch")
    causal = np.triu(np.ones((4, 4), dtype=bool), 1)
    padding = np.array([[False, False, True, False], [True, False, False, False]])
    cases = [({}, {}), ({"average_attn_weights": False}, {}), ({"need_weights": False}, {}),
             ({"is_causal": True}, {"attn_mask": causal}), ({"is_causal": True, "need_weights": False},
                                                           {"attn_mask": causal}),
             ({}, {"key_padding_mask": padding, "attn_mask": causal}),
             ({}, {"key_padding_mask": RNG.standard_normal((2, 4)), "attn_mask": RNG.standard_normal((4, 4))})]
    for batch_first in (False, True):
        for options, masks in cases:
            theirs = torch.nn.MultiheadAttention(8, 2, batch_first=batch_first, add_zero_attn=add_zero_attn,
                                                 dtype=torch.float64)
            with torch.no_grad():
                for parameter in theirs.parameters():
                    parameter.copy_(torch.tensor(RNG.standard_normal(tuple(parameter.shape))))
            ours = loaded(nn.MultiheadAttention(8, 2, batch_first=batch_first, add_zero_attn=add_zero_attn,
                                                dtype=tg.float64),
                          {key: value.detach().numpy() for key, value in theirs.state_dict().items()})
            arrays = [RNG.standard_normal((2, 4, 8) if batch_first else (4, 2, 8)) for _ in range(3)]
            mine, reference = leaves(*arrays), [torch.tensor(a, requires_grad=True) for a in arrays]
            out, weights = ours(*mine, **options, **{k: tg.tensor(m) for k, m in masks.items()})
            expected, expected_weights = theirs(*reference, **options, **{k: torch.tensor(m) for k, m in masks.items()})
            np.testing.assert_allclose(out.detach().numpy(), expected.detach().numpy(), atol=1e-12)
            if expected_weights is None:
                assert weights is None
            else:
                np.testing.assert_allclose(weights.detach().numpy(), expected_weights.detach().numpy(), atol=1e-13)
            upstream = RNG.standard_normal(tuple(expected.shape))
            (out * tg.tensor(upstream)).sum().backward()
            (expected * torch.tensor(upstream)).sum().backward()
            for a, b in zip(mine + list(ours.parameters()), reference + list(theirs.parameters())):
                np.testing.assert_allclose(a.grad.numpy(), b.grad.numpy(), atol=1e-11)


# ---------------------------------------------------------------- channel dropout

def channel_pattern(out: np.ndarray, channel_axes: int, scale: float):
    """Each channel (the first channel_axes dims index them) is all 0 or all `scale`: return the kept fraction."""
    channels = out.reshape(int(np.prod(out.shape[:channel_axes])), -1)
    dropped, kept = (channels == 0).all(1), (channels == scale).all(1)
    assert (dropped | kept).all()
    return kept.mean()


@pytest.mark.parametrize(("name", "shape", "channel_axes"), [
    ("dropout1d", (40, 50, 3), 2), ("dropout1d", (2000, 3), 1), ("dropout2d", (40, 50, 2, 2), 2),
    ("dropout3d", (40, 50, 2, 1, 2), 2), ("dropout3d", (2000, 2, 1, 2), 1)])
def test_channel_dropout_zeroes_whole_channels_and_scales_the_rest(name, shape, channel_axes):
    tg.manual_seed(3)
    out = getattr(F, name)(tg.ones(*shape), 0.3).numpy()
    assert abs(channel_pattern(out, channel_axes, 1 / 0.7) - 0.7) < 0.03
    x = tg.ones(*shape, dtype=tg.float64, requires_grad=True)
    y = getattr(F, name)(x, 0.3)
    y.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), y.detach().numpy())  # d(x * mask)/dx = mask
    assert getattr(F, name)(x, 0.3, training=False) is x


def test_channel_dropout_modules_errors_and_reprs():
    assert repr(nn.Dropout2d()) == "Dropout2d(p=0.5, inplace=False)"
    assert repr(nn.Dropout1d(0.2, True)) == "Dropout1d(p=0.2, inplace=True)"
    layer = nn.Dropout3d(0.5)
    x = tg.ones(2, 3, 2, 2, 2)
    assert layer.eval()(x) is x
    with pytest.raises(ValueError, match="Dropout2d: probability has to be between 0 and 1"):
        nn.Dropout2d(1.5)
    with pytest.raises(RuntimeError, match="dropout1d: Expected 2D or 3D input, but received a 1D input"):
        F.dropout1d(tg.ones(5))
    with pytest.raises(RuntimeError, match="Feature dropout requires at least 2 dimensions"):
        with pytest.warns(UserWarning, match="Received a 1-D input to dropout2d"):
            F.dropout2d(tg.ones(5))
    with pytest.warns(UserWarning, match="assuming that channel-wise 1D dropout"):
        F.dropout2d(tg.ones(2, 3, 4))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        F.dropout2d(tg.ones(2, 3, 4, 4))
    assert F.dropout1d(tg.ones(2, 3, dtype=tg.int64), 1.0).tolist() == [[0, 0, 0], [0, 0, 0]]


def test_channel_dropout_pattern_and_rate_match_torch():
    torch = pytest.importorskip("torch")
    torch.manual_seed(0)
    tg.manual_seed(0)
    for name, shape in (("dropout1d", (40, 50, 3)), ("dropout2d", (40, 50, 2, 2)), ("dropout3d", (40, 50, 2, 1, 2))):
        theirs = getattr(torch.nn.functional, name)(torch.ones(*shape), 0.3).numpy()
        ours = getattr(F, name)(tg.ones(*shape), 0.3).numpy()
        assert abs(channel_pattern(theirs, 2, 1 / 0.7) - channel_pattern(ours, 2, 1 / 0.7)) < 0.05
        assert theirs.dtype == ours.dtype


# ---------------------------------------------------------------- shrinks

CORNERS = [-1.0, -0.5, 0.0, 0.5, 1.0, float("nan")]


def test_shrinks_values_and_slopes_at_their_corners():
    # torch 2.13's values and slopes, written out: 0 slope at +-lambd themselves; NaN stays NaN (torch's
    # slope there differs between its vectorised and scalar kernels, so it is not pinned)
    expected = {"hardshrink": ([-1.0, 0.0, 0.0, 0.0, 1.0], [1.0, 0.0, 0.0, 0.0, 1.0]),
                "softshrink": ([-0.5, 0.0, 0.0, 0.0, 0.5], [1.0, 0.0, 0.0, 0.0, 1.0])}
    for name, (values, slopes) in expected.items():
        x = tg.tensor(CORNERS, dtype=tg.float64, requires_grad=True)
        y = getattr(F, name)(x)
        y.sum().backward()
        assert y.tolist()[:5] == values and math.isnan(y.tolist()[5]) and x.grad.tolist()[:5] == slopes
    x = tg.tensor([1.0, -2.0], dtype=tg.float64, requires_grad=True)
    F.tanhshrink(x).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), np.tanh([1.0, -2.0]) ** 2, rtol=1e-12)


def test_shrink_modules_reprs_and_errors():
    assert [repr(m) for m in (nn.Softshrink(), nn.Hardshrink(0.3), nn.Tanhshrink())] == \
        ["Softshrink(0.5)", "Hardshrink(0.3)", "Tanhshrink()"]
    assert nn.Softshrink(1.0)(tg.tensor([3.0, -0.5])).tolist() == [2.0, 0.0]
    with pytest.raises(RuntimeError, match="lambda must be in range"):
        F.softshrink(tg.randn(3), -1)
    with pytest.raises(NotImplementedError, match="hardshrink: not implemented for 'Long'"):
        F.hardshrink(tg.tensor([1, 2]))


def test_shrinks_match_torch():
    torch = pytest.importorskip("torch")
    x = np.concatenate([CORNERS[:5], RNG.standard_normal(20)])
    for name in ("hardshrink", "softshrink", "tanhshrink"):
        ours, theirs = tg.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
        out, expected = getattr(F, name)(ours), getattr(torch.nn.functional, name)(theirs)
        np.testing.assert_allclose(out.detach().numpy(), expected.detach().numpy(), rtol=1e-12, atol=1e-15)
        out.sum().backward()
        expected.sum().backward()
        np.testing.assert_allclose(ours.grad.numpy(), theirs.grad.numpy(), rtol=1e-14)


@pytest.mark.parametrize("library", ["tinygrad_edu", "torch"])
def test_a_three_dim_attn_mask_is_indexed_batch_then_head(library):
    # (N * num_heads, L, S): entry b * num_heads + h masks batch b's head h. Here entry i masks key i // 2 for
    # N = num_heads = 2, so batch 0 never sees key 0 and batch 1 never sees key 1, in both heads
    lib = tg if library == "tinygrad_edu" else pytest.importorskip("torch")
    lib.manual_seed(0)
    attention = lib.nn.MultiheadAttention(4, 2, batch_first=True).double()
    x = lib.tensor(np.random.default_rng(0).normal(size=(2, 3, 4)), dtype=lib.float64)
    mask = np.zeros((4, 3, 3), dtype=bool)
    for i in range(4):
        mask[i, :, i // 2] = True
    _, weights = attention(x, x, x, attn_mask=lib.tensor(mask), average_attn_weights=False)
    weights = weights.detach().numpy()  # (N, num_heads, L, S)
    assert (weights[0, :, :, 0] == 0).all() and (weights[1, :, :, 1] == 0).all()
    assert (weights[0, :, :, 1:] > 0).all() and (weights[1, :, :, [0, 2]] > 0).all()
