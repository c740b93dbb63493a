"""nn layers: gradchecks through their parameters, initialisation, containers, batch norm against torch."""

import math
import warnings
from collections import OrderedDict

import numpy as np
import pytest

import tinygrad_edu as tg
import tinygrad_edu.nn as nn
from tinygrad_edu import gradcheck, gradgradcheck

RNG = np.random.default_rng(1)


def module_function(module):
    """(fn, inputs): fn(x, *params) runs module with its parameters swapped for the given
    tensors, so gradcheck can nudge them (it checks copies of its inputs)."""
    module.double()
    named = list(module.named_parameters())

    def fn(x, *params):
        saved = []
        for (name, _), p in zip(named, params):
            owner = module.get_submodule(name.rpartition(".")[0]) if "." in name else module
            leaf = name.rpartition(".")[2]
            saved.append((owner, leaf, owner._parameters[leaf]))
            owner._parameters[leaf] = p
        try:
            return module(x)
        finally:
            for owner, leaf, original in saved:
                owner._parameters[leaf] = original

    params = tuple(tg.tensor(p._data.copy(), requires_grad=True) for _, p in named)
    return fn, params


LAYERS = {
    "Linear": (lambda: nn.Linear(3, 2), (4, 3)),
    "Conv2d": (lambda: nn.Conv2d(2, 3, 3, stride=2, padding=1), (2, 2, 5, 4)),
    "Conv2d_rect": (lambda: nn.Conv2d(1, 2, (2, 3), stride=(1, 2)), (1, 1, 4, 5)),
    "BatchNorm1d": (lambda: nn.BatchNorm1d(3), (4, 3)),
    "BatchNorm1d_3d": (lambda: nn.BatchNorm1d(2), (3, 2, 2)),
    "BatchNorm2d": (lambda: nn.BatchNorm2d(2), (2, 2, 2, 3)),
    "LayerNorm": (lambda: nn.LayerNorm((2, 3)), (2, 2, 3)),
    "GELU": (lambda: nn.GELU(), (3, 4)),
    "Tanh": (lambda: nn.Tanh(), (3, 4)),
    "Sigmoid": (lambda: nn.Sigmoid(), (3, 4)),
    "Softmax": (lambda: nn.Softmax(dim=1), (3, 4)),
    "LogSoftmax": (lambda: nn.LogSoftmax(dim=1), (3, 4)),
    "AvgPool2d": (lambda: nn.AvgPool2d(2, 1), (1, 2, 3, 3)),
    "Flatten": (lambda: nn.Flatten(), (2, 2, 3)),
    "MLP": (lambda: nn.Sequential(nn.Linear(3, 4), nn.Tanh(), nn.Linear(4, 2)), (5, 3)),
}


@pytest.mark.parametrize("name", sorted(LAYERS))
def test_layer_gradcheck(name):
    tg.manual_seed(0)
    make, shape = LAYERS[name]
    fn, params = module_function(make())
    x = tg.tensor(RNG.standard_normal(shape), requires_grad=True)
    assert gradcheck(fn, (x,) + params)


@pytest.mark.parametrize("name", ["Linear", "Conv2d", "BatchNorm2d", "LayerNorm"])
def test_layer_gradgradcheck(name):
    tg.manual_seed(0)
    make, shape = LAYERS[name]
    fn, params = module_function(make())
    assert gradgradcheck(fn, (tg.tensor(RNG.standard_normal(shape), requires_grad=True),) + params)


def test_pool_embedding_relu_dropout_layers_gradcheck():
    values = (np.arange(2 * 4 * 4.0) - 16).reshape(1, 2, 4, 4) * 0.37 % 3.1  # distinct values: no ties
    assert gradcheck(nn.MaxPool2d(2), (tg.tensor(values, requires_grad=True),))
    assert gradcheck(nn.ReLU(), (tg.tensor([[0.5, -0.3], [1.2, -2.0]], requires_grad=True),))
    assert gradcheck(nn.LeakyReLU(0.1), (tg.tensor([[0.5, -0.3], [1.2, -2.0]], requires_grad=True),))
    emb = nn.Embedding(4, 3, padding_idx=0).double()
    assert gradcheck(lambda w: nn.functional.embedding(np.array([1, 3, 3]), w, 0), (emb.weight,))
    drop = nn.Dropout(0.5)

    def seeded(x):
        tg.manual_seed(1)
        return drop(x)
    assert gradcheck(seeded, (tg.tensor(RNG.standard_normal((3, 3)), requires_grad=True),))


@pytest.mark.parametrize("make, fan_in", [(lambda: nn.Linear(300, 200), 300),
                                          (lambda: nn.Conv2d(16, 32, 5), 16 * 25)])
def test_default_initialisation_statistics(make, fan_in):
    tg.manual_seed(0)
    layer = make()
    bound = 1 / math.sqrt(fan_in)  # kaiming_uniform_(a=sqrt(5)) gives U(-1/sqrt(fan_in), 1/sqrt(fan_in))
    w, b = layer.weight._data, layer.bias._data
    assert w.dtype == np.float32 and b.dtype == np.float32
    assert np.abs(w).max() <= bound and np.abs(w).max() > 0.99 * bound
    np.testing.assert_allclose(w.std(), bound / math.sqrt(3), rtol=0.02)  # uniform: std = bound / sqrt(3)
    assert abs(w.mean()) < 0.01 * bound
    assert np.abs(b).max() <= bound
    tg.manual_seed(0)
    np.testing.assert_array_equal(make().weight._data, w)  # the library's generator: reproducible


def test_linear_init_matches_torch_bounds():
    torch = pytest.importorskip("torch")
    theirs = torch.nn.Linear(50, 40)
    ours = nn.Linear(50, 40)
    for name in ("weight", "bias"):
        t = getattr(theirs, name).detach().numpy()
        o = getattr(ours, name)._data
        assert np.abs(o).max() <= 1 / math.sqrt(50) and np.abs(t).max() <= 1 / math.sqrt(50)
        assert o.shape == t.shape and o.dtype == t.dtype


def test_layer_forward_values():
    lin = nn.Linear(3, 2, bias=False)
    x = tg.randn(4, 3)
    np.testing.assert_allclose(lin(x)._data, x._data @ lin.weight._data.T, rtol=1e-6)
    assert lin.bias is None and [n for n, _ in lin.named_parameters()] == ["weight"]
    assert nn.Flatten()(tg.ones(2, 3, 4)).shape == (2, 12)
    assert nn.Flatten(0, 1)(tg.ones(2, 3, 4)).shape == (6, 4)
    x = tg.randn(2, 3)
    assert nn.Identity(5, some="arg")(x) is x
    drop = nn.Dropout(0.5)
    assert drop.eval()(x) is x
    assert np.mean(drop.train()(tg.ones(1000))._data == 0) > 0.4
    conv = nn.Conv2d(3, 4, 3, padding=1, bias=False)
    assert conv(tg.ones(2, 3, 5, 5)).shape == (2, 4, 5, 5) and conv.bias is None
    assert nn.MaxPool2d(2)(tg.ones(1, 1, 5, 5)).shape == (1, 1, 2, 2)
    emb = nn.Embedding(10, 3, padding_idx=-1)
    assert emb.padding_idx == 9 and np.all(emb.weight._data[9] == 0)
    assert emb(tg.tensor([[1, 2]])).shape == (1, 2, 3)


def embedding_from_pretrained(lib):
    """What PyTorch's Embedding.from_pretrained gives: (repr, requires_grad, dtype, looked up, shared, grad, keys,
    whether the next random draw is the one the seed gives without it)."""
    table = lib.tensor([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]], dtype=lib.float64)
    lib.manual_seed(0)
    seeded_draw = lib.rand(4).tolist()
    lib.manual_seed(0)
    frozen = lib.nn.Embedding.from_pretrained(table)
    draws_nothing = lib.rand(4).tolist() == seeded_draw
    looked_up = frozen(lib.tensor([2, 0])).tolist()
    table[0, 0] = 9.0  # the table is shared, not copied
    trained = lib.nn.Embedding.from_pretrained(table, freeze=False, padding_idx=1)
    trained(lib.tensor([1, 2, 2])).sum().backward()
    return (repr(frozen), repr(trained), frozen.weight.requires_grad, trained.weight.requires_grad,
            str(frozen.weight.dtype).rpartition(".")[2], looked_up, frozen.weight[0, 0].item(),
            trained.weight.grad.tolist(), list(trained.state_dict()), draws_nothing)


EMBEDDING_FROM_PRETRAINED = ("Embedding(3, 2)", "Embedding(3, 2, padding_idx=1)", False, True, "float64",
                             [[5.0, 6.0], [1.0, 2.0]], 9.0, [[0.0, 0.0], [0.0, 0.0], [2.0, 2.0]], ["weight"], True)


def test_embedding_from_pretrained():
    assert embedding_from_pretrained(tg) == EMBEDDING_FROM_PRETRAINED
    with pytest.raises(AssertionError, match=r"2-dimensional .*got shape \(3,\)"):
        nn.Embedding.from_pretrained(tg.ones(3))
    with pytest.raises(NotImplementedError, match="scale_grad_by_freq"):
        nn.Embedding.from_pretrained(tg.ones(3, 2), scale_grad_by_freq=True)
    with pytest.raises(NotImplementedError, match="sparse are not supported"):
        nn.Embedding.from_pretrained(tg.ones(3, 2), sparse=True)
    with pytest.raises(AssertionError, match="does not match num_embeddings and embedding_dim"):
        nn.Embedding(3, 3, _weight=tg.ones(3, 2))
    given = nn.Embedding(3, 2, padding_idx=0, _weight=tg.ones(3, 2))  # as PyTorch: the padding row is kept
    assert given.weight.requires_grad and given.weight.tolist() == [[1.0, 1.0]] * 3


def test_embedding_from_pretrained_matches_torch():
    torch = pytest.importorskip("torch")
    assert embedding_from_pretrained(torch) == EMBEDDING_FROM_PRETRAINED


def embedding_max_norm(lib):
    """max_norm as PyTorch does it: the rows a forward reads whose norm is above max_norm are scaled in place to
    max_norm / (norm + 1e-7) times themselves before the lookup; rows not read, or short enough, are left alone.
    Returns (outputs, tables after, gradients, reprs, whether the version went up), rounded."""
    table = [[3.0, 4.0], [0.3, 0.4], [6.0, 8.0], [1.0, 1.0]]  # norms 5, 0.5, 10, sqrt(2); 1-norms 7, 0.7, 14, 2
    found = []
    for norm_type in (2.0, 1.0):
        # PyTorch's positional order: padding_idx, max_norm, norm_type
        emb = lib.nn.Embedding(4, 2, None, 2.0, norm_type).double()
        bag = lib.nn.EmbeddingBag(4, 2, 2.0, norm_type, mode="sum").double()
        for layer in (emb, bag):
            with lib.no_grad():
                layer.weight.copy_(lib.tensor(table, dtype=lib.float64))
            version = layer.weight._version
            out = layer(lib.tensor([0, 1, 0, 3]) if layer is emb else lib.tensor([[0, 1], [0, 3]]))
            out.sum().backward()
            after = np.round(layer.weight.detach().numpy(), 6).tolist()
            found.append((np.round(out.detach().numpy(), 6).tolist(), after, layer.weight.grad.tolist(), repr(layer),
                          layer.weight._version > version))
    return found


EMBEDDING_MAX_NORM = [
    ([[1.2, 1.6], [0.3, 0.4], [1.2, 1.6], [1.0, 1.0]], [[1.2, 1.6], [0.3, 0.4], [6.0, 8.0], [1.0, 1.0]],
     [[2.0, 2.0], [1.0, 1.0], [0.0, 0.0], [1.0, 1.0]], "Embedding(4, 2, max_norm=2.0)", True),
    ([[1.5, 2.0], [2.2, 2.6]], [[1.2, 1.6], [0.3, 0.4], [6.0, 8.0], [1.0, 1.0]],
     [[2.0, 2.0], [1.0, 1.0], [0.0, 0.0], [1.0, 1.0]], "EmbeddingBag(4, 2, max_norm=2.0, mode='sum')", True),
    ([[0.857143, 1.142857], [0.3, 0.4], [0.857143, 1.142857], [1.0, 1.0]],
     [[0.857143, 1.142857], [0.3, 0.4], [6.0, 8.0], [1.0, 1.0]],
     [[2.0, 2.0], [1.0, 1.0], [0.0, 0.0], [1.0, 1.0]], "Embedding(4, 2, max_norm=2.0, norm_type=1.0)", True),
    ([[1.157143, 1.542857], [1.857143, 2.142857]], [[0.857143, 1.142857], [0.3, 0.4], [6.0, 8.0], [1.0, 1.0]],
     [[2.0, 2.0], [1.0, 1.0], [0.0, 0.0], [1.0, 1.0]], "EmbeddingBag(4, 2, max_norm=2.0, norm_type=1.0, mode='sum')",
     True),
]


def test_embedding_max_norm_renormalises_the_rows_read():
    assert embedding_max_norm(tg) == EMBEDDING_MAX_NORM
    weight = tg.tensor([[3.0, 4.0], [6.0, 8.0]], dtype=tg.float64)
    out = nn.functional.embedding(tg.tensor([1]), weight, max_norm=1.0)  # the functional form renormalises in place too
    np.testing.assert_allclose(weight.numpy(), [[3.0, 4.0], [0.6, 0.8]], rtol=1e-7)
    np.testing.assert_allclose(out.numpy(), [[0.6, 0.8]], rtol=1e-7)
    with pytest.raises(AssertionError, match="padding_idx must be within num_embeddings"):
        nn.Embedding(10, 3, padding_idx=10)  # PyTorch's AssertionError


def test_embedding_max_norm_matches_torch():
    torch = pytest.importorskip("torch")
    assert embedding_max_norm(torch) == EMBEDDING_MAX_NORM
    with pytest.raises(AssertionError):
        torch.nn.Embedding(10, 3, padding_idx=10)


def test_batchnorm_module_matches_torch_train_and_eval():
    torch = pytest.importorskip("torch")
    for ours, theirs, shape in [(nn.BatchNorm2d(3, momentum=0.2), torch.nn.BatchNorm2d(3, momentum=0.2), (4, 3, 2, 2)),
                                (nn.BatchNorm1d(3, momentum=None), torch.nn.BatchNorm1d(3, momentum=None), (5, 3)),
                                (nn.BatchNorm1d(3, affine=False), torch.nn.BatchNorm1d(3, affine=False), (4, 3, 2))]:
        ours.double()
        theirs.double()
        for step in range(3):
            x = RNG.standard_normal(shape) * (step + 1) + step
            np.testing.assert_allclose(ours(tg.tensor(x))._data, theirs(torch.tensor(x)).detach().numpy(),
                                       rtol=1e-10, atol=1e-12)
        for key, value in theirs.state_dict().items():
            np.testing.assert_allclose(ours.state_dict()[key]._data, value.numpy(), rtol=1e-10, err_msg=key)
        assert ours.num_batches_tracked.item() == 3 and ours.num_batches_tracked.dtype == np.int64
        x = RNG.standard_normal(shape)
        np.testing.assert_allclose(ours.eval()(tg.tensor(x))._data, theirs.eval()(torch.tensor(x)).detach().numpy(),
                                   rtol=1e-10, atol=1e-12)
        assert ours.num_batches_tracked.item() == 3  # eval does not count


def test_batchnorm_without_running_stats_and_shape_errors():
    bn = nn.BatchNorm1d(2, track_running_stats=False)
    assert list(bn.state_dict()) == ["weight", "bias"]
    x = tg.tensor([[1.0, 2.0], [3.0, 6.0]])
    np.testing.assert_allclose(bn.eval()(x)._data, [[-1, -1], [1, 1]], atol=1e-4)  # batch stats even in eval
    with pytest.raises(RuntimeError, match="2 channels"):  # PyTorch: a RuntimeError for the channels
        nn.BatchNorm1d(2)(tg.ones(4, 3))
    with pytest.raises(ValueError, match="4D"):
        nn.BatchNorm2d(2)(tg.ones(4, 2))


def test_sequential_indexing_slicing_append_and_names():
    layers = [nn.Linear(2, 3), nn.ReLU(), nn.Linear(3, 1)]
    seq = nn.Sequential(*layers)
    assert len(seq) == 3 and seq[0] is layers[0] and seq[-1] is layers[2]
    assert list(seq) == layers
    head = seq[:2]
    assert isinstance(head, nn.Sequential) and list(head) == layers[:2]
    assert seq[1:][0] is layers[1] and [n for n, _ in seq[1:].named_children()] == ["1", "2"]
    x = tg.randn(4, 2)
    np.testing.assert_allclose(seq(x)._data, layers[2](layers[1](layers[0](x)))._data)
    seq.append(nn.Sigmoid())
    assert len(seq) == 4 and [n for n, _ in seq.named_children()] == ["0", "1", "2", "3"]
    seq[1] = nn.Tanh()
    assert isinstance(seq[1], nn.Tanh) and [n for n, _ in seq.named_children()] == ["0", "1", "2", "3"]
    del seq[3]
    assert len(seq) == 3
    with pytest.raises(IndexError, match="out of range"):
        seq[5]  # noqa: B018
    named = nn.Sequential(OrderedDict(enc=nn.Linear(2, 2), act=nn.ReLU()))
    assert list(named.state_dict()) == ["enc.weight", "enc.bias"] and named.act is named[1]


def test_module_list_and_dict_register_their_children():
    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.blocks = nn.ModuleList([nn.Linear(2, 2) for _ in range(2)])
            self.heads = nn.ModuleDict({"a": nn.Linear(2, 1), "b": nn.Linear(2, 3)})

    net = Net()
    assert list(net.state_dict()) == ["blocks.0.weight", "blocks.0.bias", "blocks.1.weight", "blocks.1.bias",
                                      "heads.a.weight", "heads.a.bias", "heads.b.weight", "heads.b.bias"]
    net.blocks.append(nn.Linear(2, 2))
    assert len(net.blocks) == 3 and len(list(net.parameters())) == 10
    assert isinstance(net.blocks[1:], nn.ModuleList) and len(net.blocks[1:]) == 2
    assert "a" in net.heads and list(net.heads) == ["a", "b"] and net.heads["b"].out_features == 3
    assert [k for k, _ in net.heads.items()] == ["a", "b"]
    del net.heads["a"]
    assert len(net.heads) == 1
    with pytest.raises(NotImplementedError):
        net.blocks(tg.ones(2))


def test_module_list_repr_folds_runs_of_children_that_print_alike():
    blocks = nn.ModuleList([nn.ReLU(), nn.ReLU(), nn.Tanh(), nn.Linear(2, 2), nn.Linear(2, 2), nn.ReLU()])
    assert repr(blocks) == ("ModuleList(\n  (0-1): 2 x ReLU()\n  (2): Tanh()\n  (3-4): 2 x Linear(in_features=2, "
                            "out_features=2, bias=True)\n  (5): ReLU()\n)")  # torch 2.13's, written out
    assert repr(nn.ModuleList()) == "ModuleList()"
    assert repr(nn.ModuleList([nn.Tanh()])) == "ModuleList(\n  (0): Tanh()\n)"
    torch = pytest.importorskip("torch")
    theirs = torch.nn.ModuleList([torch.nn.ReLU(), torch.nn.ReLU(), torch.nn.Tanh(), torch.nn.Linear(2, 2),
                                  torch.nn.Linear(2, 2), torch.nn.ReLU()])
    assert repr(blocks) == repr(theirs)


def test_loss_modules_match_functional():
    F = nn.functional
    logits, target = tg.randn(5, 3), tg.tensor([0, 2, 1, 1, -100])
    assert nn.CrossEntropyLoss(label_smoothing=0.1)(logits, target).item() == \
        F.cross_entropy(logits, target, label_smoothing=0.1).item()
    assert nn.NLLLoss(reduction="sum")(logits.log_softmax(1), target).item() == \
        F.nll_loss(logits.log_softmax(1), target, reduction="sum").item()
    a, b = tg.randn(4), tg.rand(4)
    assert nn.MSELoss()(a, b).item() == F.mse_loss(a, b).item()
    assert nn.L1Loss(reduction="sum")(a, b).item() == F.l1_loss(a, b, reduction="sum").item()
    assert nn.BCELoss()(a.sigmoid(), b).item() == F.binary_cross_entropy(a.sigmoid(), b).item()
    assert nn.BCEWithLogitsLoss(pos_weight=tg.tensor(2.0))(a, b).item() == \
        F.binary_cross_entropy_with_logits(a, b, pos_weight=tg.tensor(2.0)).item()
    assert nn.CrossEntropyLoss(reduction="none")(logits, target).shape == (5,)
    with pytest.raises(ValueError, match="reduction"):
        nn.MSELoss(reduction="average")


def test_loss_weights_are_buffers_with_torchs_names():
    w = tg.tensor([1.0, 2.0, 0.5])
    # torch: CrossEntropyLoss(weight=w).state_dict().keys() == ['weight'], and so on.
    assert list(nn.CrossEntropyLoss(weight=w).state_dict()) == ["weight"]
    assert list(nn.NLLLoss(weight=w).state_dict()) == ["weight"]
    assert list(nn.BCELoss(weight=w).state_dict()) == ["weight"]
    assert list(nn.BCEWithLogitsLoss(weight=w, pos_weight=w).state_dict()) == ["weight", "pos_weight"]
    assert list(nn.BCEWithLogitsLoss(pos_weight=w).state_dict()) == ["pos_weight"]
    assert list(nn.CrossEntropyLoss().state_dict()) == []
    loss = nn.CrossEntropyLoss(weight=np.array([1.0, 2.0, 0.5]))  # an array becomes a Tensor buffer
    assert isinstance(loss.weight, tg.Tensor) and list(dict(loss.named_buffers())) == ["weight"]
    logits, target = tg.randn(4, 3), np.array([0, 2, 1, 1])
    assert loss(logits, target).item() == nn.functional.cross_entropy(logits, target, weight=w).item()


def test_linear_and_conv_initial_distributions_are_pytorchs():
    """Weights and biases ~ U(-1/sqrt(fan_in), 1/sqrt(fan_in)) (kaiming_uniform with a = sqrt(5)):
    the bounds hold and the spread is a uniform's (std = bound / sqrt(3)), not zeros."""
    tg.manual_seed(0)
    layer = nn.Linear(400, 300)
    bound = 1 / np.sqrt(400)
    for p in (layer.weight, layer.bias):
        values = p.detach().numpy()
        assert np.abs(values).max() <= bound
        assert abs(values.std() - bound / np.sqrt(3)) < 0.1 * bound / np.sqrt(3)
        assert abs(values.mean()) < 0.1 * bound
    conv = nn.Conv2d(8, 16, 3)
    bound = 1 / np.sqrt(8 * 9)
    for p in (conv.weight, conv.bias):
        values = p.detach().numpy()
        assert np.abs(values).max() <= bound and values.std() > 0.4 * bound


def layer_norm_dtype_rule(lib):
    """PyTorch's layer_norm refuses an input whose dtype is not its weight's (a float64 batch into a float32
    model), while rms_norm promotes; a float16 input with float32 parameters is the one mix it takes."""
    found = []
    for make, x in ((lambda: lib.nn.LayerNorm(4), lib.zeros(2, 4, dtype=lib.float64)),
                    (lambda: lib.nn.LayerNorm(4, bias=False), lib.zeros(2, 4, dtype=lib.float64)),
                    (lambda: lib.nn.LayerNorm(4).double(), lib.zeros(2, 4)),
                    (lambda: lib.nn.LayerNorm(4, elementwise_affine=False), lib.zeros(2, 4, dtype=lib.float64)),
                    (lambda: lib.nn.LayerNorm(4).double(), lib.zeros(2, 4, dtype=lib.float64)),
                    (lambda: lib.nn.RMSNorm(4), lib.zeros(2, 4, dtype=lib.float64))):
        try:
            found.append(str(make()(x).dtype).rpartition(".")[2])
        except RuntimeError as exc:
            found.append("mixed dtype" in str(exc))
    return found


LAYER_NORM_DTYPE_RULE = [True, True, True, "float64", "float64", "float64"]


def test_layer_norm_refuses_mixed_dtypes():
    assert layer_norm_dtype_rule(tg) == LAYER_NORM_DTYPE_RULE


def test_layer_norm_refuses_mixed_dtypes_as_torch():
    torch = pytest.importorskip("torch")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # torch's rms_norm warns that it cannot use its fused kernel
        assert layer_norm_dtype_rule(torch) == LAYER_NORM_DTYPE_RULE
