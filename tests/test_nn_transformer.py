"""nn.TransformerEncoderLayer/Encoder, TransformerDecoderLayer/Decoder and Transformer: values in
float64 against a NumPy forward written here (with MultiheadAttention's from test_nn_attention),
gradients of inputs and parameters against finite differences of that NumPy forward, and both
against torch 2.13 with torch's state_dict loaded (behind importorskip); state_dict keys, reprs
and errors as torch's."""

import warnings

import numpy as np
import pytest
from test_nn_attention import np_multihead

import tinygrad_edu as tg
import tinygrad_edu.nn as nn

RNG = np.random.default_rng(23)
CAUSAL = np.triu(np.ones((3, 3), dtype=bool), 1)  # True above the diagonal: a later position, not allowed


# ---------------------------------------------------------------- NumPy references

def np_layer_norm(x, weight, bias, eps=1e-5):
    return (x - x.mean(-1, keepdims=True)) / np.sqrt(x.var(-1, keepdims=True) + eps) * weight + bias


def part(weights, prefix):
    return {key[len(prefix):]: value for key, value in weights.items() if key.startswith(prefix)}


def np_residuals(x, weights, blocks, norm_first):
    """Each block with its residual connection and its LayerNorm (norm1, norm2, ... in order)."""
    for number, block in enumerate(blocks, 1):
        norm = part(weights, f"norm{number}.")
        if norm_first:
            x = x + block(np_layer_norm(x, norm["weight"], norm["bias"]))
        else:
            x = np_layer_norm(x + block(x), norm["weight"], norm["bias"])
    return x


def np_feedforward(weights):
    def feedforward(y):
        hidden = np.maximum(y @ weights["linear1.weight"].T + weights["linear1.bias"], 0)  # relu
        return hidden @ weights["linear2.weight"].T + weights["linear2.bias"]
    return feedforward


def np_encoder_layer(x, weights, heads, norm_first=False, bias=0.0):
    """TransformerEncoderLayer's forward (relu, eval mode) on (S, N, E); bias is added to the scores."""
    def attention(y):
        return np_multihead(y, y, y, part(weights, "self_attn."), heads, bias)[0]
    return np_residuals(x, weights, (attention, np_feedforward(weights)), norm_first)


def np_decoder_layer(x, memory, weights, heads, norm_first=False, bias=0.0, memory_bias=0.0):
    def attention(y):
        return np_multihead(y, y, y, part(weights, "self_attn."), heads, bias)[0]

    def memory_attention(y):
        return np_multihead(y, memory, memory, part(weights, "multihead_attn."), heads, memory_bias)[0]
    return np_residuals(x, weights, (attention, memory_attention, np_feedforward(weights)), norm_first)


def random_weights(module):
    """Normal values for every entry of module's state_dict (so LayerNorms and biases are not the trivial ones)."""
    return {key: RNG.standard_normal(tuple(value.shape)) for key, value in module.state_dict().items()}


def loaded(module, weights):
    module.load_state_dict(weights)
    return module.eval()


def masked(mask):
    """A bool mask (True: not allowed) as the bias NumPy's attention adds."""
    return np.where(mask, -np.inf, 0.0)


# ---------------------------------------------------------------- structure

ENCODER_LAYER_REPR = """TransformerEncoderLayer(
  (self_attn): MultiheadAttention(
    (out_proj): NonDynamicallyQuantizableLinear(in_features=8, out_features=8, bias=True)
  )
  (linear1): Linear(in_features=8, out_features=16, bias=True)
  (dropout): Dropout(p=0.1, inplace=False)
  (linear2): Linear(in_features=16, out_features=8, bias=True)
  (norm1): LayerNorm((8,), eps=1e-05, elementwise_affine=True, bias=True)
  (norm2): LayerNorm((8,), eps=1e-05, elementwise_affine=True, bias=True)
  (dropout1): Dropout(p=0.1, inplace=False)
  (dropout2): Dropout(p=0.1, inplace=False)
)"""  # torch 2.13's, written out


def test_encoder_layer_keys_repr_defaults_and_activations_are_torchs():
    layer = nn.TransformerEncoderLayer(8, 2, 16)
    assert repr(layer) == ENCODER_LAYER_REPR
    assert list(layer.state_dict()) == [
        "self_attn.in_proj_weight", "self_attn.in_proj_bias", "self_attn.out_proj.weight", "self_attn.out_proj.bias",
        "linear1.weight", "linear1.bias", "linear2.weight", "linear2.bias", "norm1.weight", "norm1.bias",
        "norm2.weight", "norm2.bias"]
    assert layer.linear1.weight.dtype == tg.float32 and layer.norm_first is False
    assert layer.self_attn.batch_first is False and layer.dropout.p == 0.1 and layer.norm1.eps == 1e-5
    assert nn.TransformerEncoderLayer(8, 2).linear1.out_features == 2048
    assert list(nn.TransformerEncoderLayer(8, 2, 16, bias=False).state_dict()) == [
        "self_attn.in_proj_weight", "self_attn.out_proj.weight", "linear1.weight", "linear2.weight", "norm1.weight",
        "norm2.weight"]
    assert nn.TransformerEncoderLayer(8, 2, activation="relu").activation is nn.functional.relu
    assert nn.TransformerEncoderLayer(8, 2, activation="gelu").activation is nn.functional.gelu
    gelu = nn.TransformerEncoderLayer(8, 2, 16, activation=nn.GELU())  # a module is a child, shown last
    assert repr(gelu).endswith("(activation): GELU(approximate='none')\n)")
    with pytest.raises(RuntimeError, match="activation should be relu/gelu, not tanh"):
        nn.TransformerEncoderLayer(8, 2, activation="tanh")
    with pytest.raises(AssertionError, match="embed_dim must be divisible by num_heads"):
        nn.TransformerEncoderLayer(8, 3)


def test_encoder_deep_copies_the_layer_and_folds_its_repr():
    layer = nn.TransformerEncoderLayer(8, 2, 16)
    encoder = nn.TransformerEncoder(layer, 2, norm=nn.LayerNorm(8))
    keys = list(encoder.state_dict())
    assert keys[:2] == ["layers.0.self_attn.in_proj_weight", "layers.0.self_attn.in_proj_bias"]
    assert keys[12] == "layers.1.self_attn.in_proj_weight" and keys[-2:] == ["norm.weight", "norm.bias"]
    first, second = encoder.layers
    assert first is not layer and first.linear1.weight is not second.linear1.weight
    assert np.array_equal(first.linear1.weight.detach().numpy(), layer.linear1.weight.detach().numpy())
    with tg.no_grad():
        first.linear1.weight.fill_(0.0)
    assert second.linear1.weight.abs().sum().item() > 0 and layer.linear1.weight.abs().sum().item() > 0
    layer_lines = ENCODER_LAYER_REPR.replace("\n", "\n    ")
    assert repr(encoder) == ("TransformerEncoder(\n  (layers): ModuleList(\n    (0-1): 2 x " + layer_lines +
                             "\n  )\n  (norm): LayerNorm((8,), eps=1e-05, elementwise_affine=True, bias=True)\n)")
    assert encoder.num_layers == 2 and encoder.enable_nested_tensor is True and encoder.mask_check is True
    assert nn.TransformerEncoder(layer, 1).norm is None


def test_decoder_layer_keys_and_transformer_parts():
    layer = nn.TransformerDecoderLayer(8, 2, 16)
    assert [name for name, _ in layer.named_children()] == [
        "self_attn", "multihead_attn", "linear1", "dropout", "linear2", "norm1", "norm2", "norm3", "dropout1",
        "dropout2", "dropout3"]
    assert "multihead_attn.in_proj_weight" in layer.state_dict() and "norm3.bias" in layer.state_dict()
    tg.manual_seed(0)
    model = nn.Transformer(8, 2, 2, 1, 16)
    assert [name for name, _ in model.named_children()] == ["encoder", "decoder"]
    assert len(model.encoder.layers) == 2 and len(model.decoder.layers) == 1
    assert isinstance(model.encoder.norm, nn.LayerNorm) and isinstance(model.decoder.norm, nn.LayerNorm)
    bound = np.sqrt(6 / (16 + 8))  # xavier_uniform_ redraws every weight of 2 dims: linear1's (16, 8)
    weights = model.encoder.layers[0].linear1.weight.detach().numpy()
    assert np.abs(weights).max() <= bound and np.abs(weights).max() > 0.9 * bound
    assert model.decoder.layers[0].norm1.weight.detach().numpy().tolist() == [1.0] * 8  # 1-D parameters keep theirs
    mask = nn.Transformer.generate_square_subsequent_mask(3)
    assert mask.dtype == tg.float32 and mask.numpy().tolist() == [[0, -np.inf, -np.inf], [0, 0, -np.inf], [0, 0, 0]]
    assert nn.Transformer.generate_square_subsequent_mask(2, dtype=tg.float64).dtype == tg.float64
    with pytest.raises(RuntimeError, match="the batch number of src and tgt must be equal"):
        model(tg.randn(3, 2, 8), tg.randn(3, 1, 8))
    with pytest.raises(RuntimeError, match="the feature number of src and tgt must be equal to d_model"):
        model(tg.randn(3, 2, 8), tg.randn(3, 2, 4))
    with pytest.raises(RuntimeError, match="Need attn_mask if specifying the is_causal hint"):
        nn.TransformerEncoderLayer(8, 2, 16)(tg.randn(3, 2, 8), is_causal=True)


def test_dropout_acts_in_training_only():
    tg.manual_seed(2)
    layer = nn.TransformerEncoderLayer(4, 2, 8, dropout=0.5, dtype=tg.float64)
    x = tg.randn(3, 2, 4, dtype=tg.float64)
    trained = layer(x).detach().numpy()
    assert not np.allclose(trained, layer(x).detach().numpy())
    layer.eval()
    weights = {key: value.detach().numpy() for key, value in layer.state_dict().items()}
    np.testing.assert_allclose(layer(x).detach().numpy(), np_encoder_layer(x.detach().numpy(), weights, 2), rtol=1e-12)


# ---------------------------------------------------------------- values and gradients without torch

@pytest.mark.parametrize("norm_first", [False, True])
def test_encoder_layer_matches_numpy_with_masks_batch_first_and_unbatched(norm_first):
    weights = random_weights(nn.TransformerEncoderLayer(8, 2, 6))
    layer = loaded(nn.TransformerEncoderLayer(8, 2, 6, norm_first=norm_first, dtype=tg.float64), weights)
    first = loaded(nn.TransformerEncoderLayer(8, 2, 6, norm_first=norm_first, batch_first=True,
                                              dtype=tg.float64), weights)
    x = RNG.standard_normal((3, 2, 8))
    padding = np.array([[False, True, False], [False, False, False]])
    cases = [({}, 0.0), ({"src_mask": CAUSAL, "is_causal": True}, masked(CAUSAL)),
             ({"src_key_padding_mask": padding}, masked(padding)[:, None, None, :]),
             ({"src_mask": CAUSAL, "src_key_padding_mask": padding},
              masked(CAUSAL) + masked(padding)[:, None, None, :])]
    for masks, bias in cases:
        expected = np_encoder_layer(x, weights, 2, norm_first, bias)
        options = {key: tg.tensor(value) if isinstance(value, np.ndarray) else value for key, value in masks.items()}
        np.testing.assert_allclose(layer(tg.tensor(x), **options).detach().numpy(), expected, rtol=1e-10, atol=1e-12)
        out = first(tg.tensor(x.swapaxes(0, 1)), **options).detach().numpy()
        np.testing.assert_allclose(out, expected.swapaxes(0, 1), rtol=1e-10, atol=1e-12)
    single = layer(tg.tensor(x[:, 1]), src_mask=tg.tensor(CAUSAL)).detach().numpy()
    np.testing.assert_allclose(single, np_encoder_layer(x[:, 1:], weights, 2, norm_first, masked(CAUSAL))[:, 0],
                               rtol=1e-10, atol=1e-12)


def test_encoder_and_decoder_stacks_and_transformer_match_numpy():
    encoder_weights = random_weights(nn.TransformerEncoder(nn.TransformerEncoderLayer(8, 2, 6), 2, nn.LayerNorm(8)))
    decoder_weights = random_weights(nn.TransformerDecoder(nn.TransformerDecoderLayer(8, 2, 6), 2, nn.LayerNorm(8)))
    src, tgt = RNG.standard_normal((4, 2, 8)), RNG.standard_normal((3, 2, 8))
    memory_padding = np.array([[False, False, True, False], [True, False, False, False]])
    memory = src
    for number in range(2):
        memory = np_encoder_layer(memory, part(encoder_weights, f"layers.{number}."), 2)
    memory = np_layer_norm(memory, encoder_weights["norm.weight"], encoder_weights["norm.bias"])
    expected = tgt
    for number in range(2):
        expected = np_decoder_layer(expected, memory, part(decoder_weights, f"layers.{number}."), 2,
                                    bias=masked(CAUSAL), memory_bias=masked(memory_padding)[:, None, None, :])
    expected = np_layer_norm(expected, decoder_weights["norm.weight"], decoder_weights["norm.bias"])
    model = nn.Transformer(8, 2, 2, 2, 6, dtype=tg.float64)
    loaded(model, {**{"encoder." + key: value for key, value in encoder_weights.items()},
                   **{"decoder." + key: value for key, value in decoder_weights.items()}})
    out = model(tg.tensor(src), tg.tensor(tgt), tgt_mask=tg.tensor(CAUSAL),
                memory_key_padding_mask=tg.tensor(memory_padding))
    np.testing.assert_allclose(out.detach().numpy(), expected, rtol=1e-10, atol=1e-12)
    encoded = model.encoder(tg.tensor(src))
    np.testing.assert_allclose(encoded.detach().numpy(), memory, rtol=1e-10, atol=1e-12)


def numerical_gradient(f, array, eps=1e-6):
    """d f / d array by central differences (f returns a number; array is changed in place and restored)."""
    grad = np.zeros_like(array)
    for index in np.ndindex(array.shape):
        saved = array[index]
        array[index] = saved + eps
        above = f()
        array[index] = saved - eps
        below = f()
        array[index] = saved
        grad[index] = (above - below) / (2 * eps)
    return grad


@pytest.mark.parametrize("norm_first", [False, True])
@pytest.mark.parametrize("batch_first", [False, True])
@pytest.mark.parametrize("kind", ["encoder", "decoder"])
def test_layer_gradients_of_inputs_and_parameters_match_finite_differences(kind, batch_first, norm_first):
    """A causal mask on the (self-)attention, a key padding mask on the last attention (the decoder's to memory)."""
    tgt, memory = RNG.standard_normal((3, 2, 4)), RNG.standard_normal((2, 2, 4))
    upstream = RNG.standard_normal((3, 2, 4))
    if kind == "encoder":
        make, arrays, padding = nn.TransformerEncoderLayer, [tgt], np.array([[False, True, False], [False] * 3])
        masks = {"src_mask": CAUSAL, "src_key_padding_mask": padding}
    else:
        make, arrays, padding = nn.TransformerDecoderLayer, [tgt, memory], np.array([[False, True], [False, False]])
        masks = {"tgt_mask": CAUSAL, "memory_key_padding_mask": padding}
    weights = random_weights(make(4, 2, 5))
    layer = loaded(make(4, 2, 5, norm_first=norm_first, batch_first=batch_first, dtype=tg.float64), weights)
    mine = [tg.tensor(array.swapaxes(0, 1) if batch_first else array, requires_grad=True) for array in arrays]
    out = layer(*mine, **{key: tg.tensor(value) for key, value in masks.items()})
    (out * tg.tensor(upstream.swapaxes(0, 1) if batch_first else upstream)).sum().backward()

    def loss():
        if kind == "encoder":
            out = np_encoder_layer(tgt, weights, 2, norm_first, masked(CAUSAL) + masked(padding)[:, None, None, :])
        else:
            out = np_decoder_layer(tgt, memory, weights, 2, norm_first, masked(CAUSAL),
                                   masked(padding)[:, None, None, :])
        return (out * upstream).sum()
    for tensor, array in zip(mine, arrays):
        grad = tensor.grad.detach().numpy()
        np.testing.assert_allclose(grad.swapaxes(0, 1) if batch_first else grad, numerical_gradient(loss, array),
                                   rtol=1e-5, atol=1e-6)
    for name, parameter in layer.named_parameters():
        np.testing.assert_allclose(parameter.grad.detach().numpy(), numerical_gradient(loss, weights[name]),
                                   rtol=1e-5, atol=1e-6, err_msg=name)


def test_encoder_layer_passes_gradcheck():
    tg.manual_seed(3)
    layer = nn.TransformerEncoderLayer(4, 2, 6, norm_first=True, dtype=tg.float64).eval()
    x = tg.tensor(RNG.standard_normal((3, 2, 4)), requires_grad=True)
    assert tg.gradcheck(lambda src: layer(src, src_mask=tg.tensor(CAUSAL)), (x,))


# ---------------------------------------------------------------- against torch

def copied_from(theirs, ours):
    """theirs with normal random parameters; ours with theirs's state_dict loaded; both in eval mode."""
    torch = pytest.importorskip("torch")
    with torch.no_grad():
        for parameter in theirs.parameters():
            parameter.copy_(torch.tensor(RNG.standard_normal(tuple(parameter.shape))))
    return theirs.eval(), loaded(ours, {key: value.detach().numpy() for key, value in theirs.state_dict().items()})


def assert_same_values_and_gradients(ours, theirs, arrays, options):
    """ours(*arrays, **options) and theirs(...) agree, and so do the gradients of the arrays and of every parameter."""
    torch = pytest.importorskip("torch")
    mine = [tg.tensor(array, requires_grad=True) for array in arrays]
    reference = [torch.tensor(array, requires_grad=True) for array in arrays]
    out = ours(*mine, **{key: tg.tensor(value) if isinstance(value, np.ndarray) else value
                         for key, value in options.items()})
    expected = theirs(*reference, **{key: torch.tensor(value) if isinstance(value, np.ndarray) else value
                                     for key, value in options.items()})
    np.testing.assert_allclose(out.detach().numpy(), expected.detach().numpy(), atol=1e-12)
    upstream = RNG.standard_normal(tuple(expected.shape))
    (out * tg.tensor(upstream)).sum().backward()
    (expected * torch.tensor(upstream)).sum().backward()
    assert [name for name, _ in ours.named_parameters()] == [name for name, _ in theirs.named_parameters()]
    for a, b in zip(mine + list(ours.parameters()), reference + list(theirs.parameters())):
        np.testing.assert_allclose(a.grad.detach().numpy(), b.grad.detach().numpy(), atol=1e-11)


@pytest.mark.parametrize("norm_first", [False, True])
@pytest.mark.parametrize("batch_first", [False, True])
def test_encoder_matches_torch_with_its_state_dict(norm_first, batch_first):
    torch = pytest.importorskip("torch")
    options = {"norm_first": norm_first, "batch_first": batch_first}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # torch's note that its nested-tensor fast path is off
        theirs = torch.nn.TransformerEncoder(torch.nn.TransformerEncoderLayer(8, 2, 16, **options,
                                                                              dtype=torch.float64),
                                             2, norm=torch.nn.LayerNorm(8, dtype=torch.float64))
    theirs, ours = copied_from(theirs, nn.TransformerEncoder(
        nn.TransformerEncoderLayer(8, 2, 16, **options, dtype=tg.float64), 2, norm=nn.LayerNorm(8, dtype=tg.float64)))
    assert repr(ours) == repr(theirs)
    causal = torch.nn.Transformer.generate_square_subsequent_mask(4, dtype=torch.float64).detach().numpy()
    padding = np.array([[False, False, True, False], [False, False, False, True]])
    shape = (2, 4, 8) if batch_first else (4, 2, 8)
    for masks in ({}, {"mask": causal, "is_causal": True}, {"mask": causal}, {"src_key_padding_mask": padding},
                  {"mask": causal != 0, "src_key_padding_mask": padding}):
        assert_same_values_and_gradients(ours, theirs, [RNG.standard_normal(shape)], masks)
    assert_same_values_and_gradients(ours, theirs, [RNG.standard_normal((4, 8))], {"mask": causal})  # unbatched


@pytest.mark.parametrize("norm_first", [False, True])
@pytest.mark.parametrize("batch_first", [False, True])
def test_decoder_and_transformer_match_torch_with_their_state_dicts(norm_first, batch_first):
    torch = pytest.importorskip("torch")
    options = {"norm_first": norm_first, "batch_first": batch_first, "activation": "gelu"}
    theirs, ours = copied_from(
        torch.nn.TransformerDecoder(torch.nn.TransformerDecoderLayer(8, 2, 16, **options, dtype=torch.float64), 2),
        nn.TransformerDecoder(nn.TransformerDecoderLayer(8, 2, 16, **options, dtype=tg.float64), 2))
    assert repr(ours) == repr(theirs)
    causal = np.triu(np.ones((4, 4), dtype=bool), 1)
    tgt_padding = np.array([[False, False, False, True], [False, True, False, False]])
    memory_padding = np.array([[False, False, True], [True, False, False]])
    tgt_shape, memory_shape = ((2, 4, 8), (2, 3, 8)) if batch_first else ((4, 2, 8), (3, 2, 8))
    for masks in ({}, {"tgt_mask": causal, "tgt_is_causal": True},
                  {"tgt_mask": causal, "tgt_key_padding_mask": tgt_padding, "memory_key_padding_mask": memory_padding},
                  {"memory_mask": RNG.standard_normal((4, 3))}):
        assert_same_values_and_gradients(ours, theirs, [RNG.standard_normal(tgt_shape),
                                                        RNG.standard_normal(memory_shape)], masks)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs = torch.nn.Transformer(8, 2, 1, 2, 16, **options, dtype=torch.float64)
    theirs, ours = copied_from(theirs, nn.Transformer(8, 2, 1, 2, 16, **options, dtype=tg.float64))
    assert repr(ours) == repr(theirs)
    assert_same_values_and_gradients(ours, theirs, [RNG.standard_normal(memory_shape), RNG.standard_normal(tgt_shape)],
                                     {"tgt_mask": causal, "src_key_padding_mask": memory_padding,
                                      "memory_key_padding_mask": memory_padding})
    assert np.array_equal(nn.Transformer.generate_square_subsequent_mask(5).detach().numpy(),
                          torch.nn.Transformer.generate_square_subsequent_mask(5).detach().numpy())


@pytest.mark.parametrize("library", ["tinygrad_edu", "torch"])
@pytest.mark.parametrize("norm_first", [False, True])
def test_encoder_layer_with_dropout_one_in_training_keeps_only_the_residual_path(library, norm_first):
    # dropout=1 zeroes both blocks' outputs, so post-norm gives norm2(norm1(x)) and pre-norm gives x itself:
    # a residual that skipped its dropout would add the block's output
    lib = tg if library == "tinygrad_edu" else pytest.importorskip("torch")
    layer = lib.nn.TransformerEncoderLayer(4, 2, dim_feedforward=8, dropout=1.0, norm_first=norm_first).double()
    with lib.no_grad():
        # block outputs that are not 0 once their insides are dropped, nor a constant the norm would remove
        layer.linear2.bias.copy_(lib.tensor([3.0, -1.0, 0.5, 2.0], dtype=lib.float64))
        layer.self_attn.out_proj.bias.copy_(lib.tensor([-2.0, 1.0, 4.0, 0.0], dtype=lib.float64))
    layer.train()
    x = np.random.default_rng(1).normal(size=(3, 2, 4))
    out = layer(lib.tensor(x, dtype=lib.float64)).detach().numpy()

    def normalised(y):
        return (y - y.mean(-1, keepdims=True)) / np.sqrt(y.var(-1, keepdims=True) + 1e-5)

    np.testing.assert_allclose(out, x if norm_first else normalised(normalised(x)), rtol=1e-13, atol=1e-15)
