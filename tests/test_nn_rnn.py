"""nn.RNN, nn.LSTM, nn.GRU and their cells: PyTorch's parameters, shapes and numbers.

Each layer is checked twice: against a NumPy loop of the gate equations written out
here (runs everywhere), and against torch with the same weights copied in (skipped
without torch). Gradients: gradcheck in float64, and torch's gradients.
"""

import math
import warnings

import numpy as np
import pytest
from test_nn_layers import module_function

import tinygrad_edu as tg
import tinygrad_edu.nn as nn
from tinygrad_edu import gradcheck

RNG = np.random.default_rng(7)


def sigmoid(a):
    return 1 / (1 + np.exp(-a))


# ---------------------------------------------------------------- the NumPy twin: the equations, one step at a time

def numpy_step(mode, x, state, w_ih, w_hh, b_ih, b_hh):
    """One step of the gate equations in plain NumPy (x (N, in), state h or (h, c))."""
    if mode == "LSTM":
        h, c = state
        gates = x @ w_ih.T + b_ih + h @ w_hh.T + b_hh
        H = h.shape[-1]
        i, f = sigmoid(gates[:, :H]), sigmoid(gates[:, H:2 * H])
        g, o = np.tanh(gates[:, 2 * H:3 * H]), sigmoid(gates[:, 3 * H:])
        c = f * c + i * g
        return o * np.tanh(c), c
    if mode == "GRU":
        h = state
        H = h.shape[-1]
        gx, gh = x @ w_ih.T + b_ih, h @ w_hh.T + b_hh
        r = sigmoid(gx[:, :H] + gh[:, :H])
        z = sigmoid(gx[:, H:2 * H] + gh[:, H:2 * H])
        n = np.tanh(gx[:, 2 * H:] + r * gh[:, 2 * H:])
        return (1 - z) * n + z * state
    pre = x @ w_ih.T + b_ih + state @ w_hh.T + b_hh
    return np.tanh(pre) if mode == "tanh" else np.maximum(pre, 0)


def numpy_rnn(mode, params, x, h0, c0, num_layers, bidirectional):
    """The whole layer in NumPy: x (L, N, in); returns output (L, N, D*H), h_n (and c_n)."""
    D = 2 if bidirectional else 1
    layer_input, h_n, c_n = x, [], []
    for layer in range(num_layers):
        outs = []
        for d in range(D):
            sfx = f"_l{layer}" + ("_reverse" if d else "")
            w = [params[n + sfx] for n in ("weight_ih", "weight_hh", "bias_ih", "bias_hh")]
            k = layer * D + d
            state = (h0[k], c0[k]) if mode == "LSTM" else h0[k]
            steps = range(x.shape[0])[::-1] if d else range(x.shape[0])
            out = [None] * x.shape[0]
            for t in steps:
                state = numpy_step(mode, layer_input[t], state, *w)
                out[t] = state[0] if mode == "LSTM" else state
            outs.append(np.stack(out))
            h_n.append(state[0] if mode == "LSTM" else state)
            if mode == "LSTM":
                c_n.append(state[1])
        layer_input = np.concatenate(outs, -1)
    return layer_input, np.stack(h_n), (np.stack(c_n) if mode == "LSTM" else None)


def make(mode, *args, **kwargs):
    if mode == "LSTM":
        return nn.LSTM(*args, **kwargs)
    if mode == "GRU":
        return nn.GRU(*args, **kwargs)
    return nn.RNN(*args, nonlinearity=mode, **kwargs)


MODES = ["tanh", "relu", "LSTM", "GRU"]
CONFIGS = [dict(num_layers=1, bidirectional=False), dict(num_layers=2, bidirectional=False),
           dict(num_layers=2, bidirectional=True)]


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("config", CONFIGS, ids=["1layer", "2layers", "2layers-bidir"])
def test_layer_matches_the_equations_written_out(mode, config):
    tg.manual_seed(0)
    L, N, IN, H = 5, 3, 4, 6
    m = make(mode, IN, H, **config)
    D = 2 if config["bidirectional"] else 1
    x = RNG.standard_normal((L, N, IN)).astype(np.float32)
    h0 = RNG.standard_normal((D * config["num_layers"], N, H)).astype(np.float32)
    c0 = RNG.standard_normal(h0.shape).astype(np.float32)
    hx = (tg.tensor(h0), tg.tensor(c0)) if mode == "LSTM" else tg.tensor(h0)
    out, h_n = m(tg.tensor(x), hx)
    params = {n: p.detach().numpy() for n, p in m.named_parameters()}
    want_out, want_h, want_c = numpy_rnn(mode, params, x, h0, c0, config["num_layers"], config["bidirectional"])
    assert out.shape == (L, N, D * H) and out.dtype == np.float32
    np.testing.assert_allclose(out.detach().numpy(), want_out, rtol=1e-5, atol=1e-5)
    if mode == "LSTM":
        np.testing.assert_allclose(h_n[0].detach().numpy(), want_h, rtol=1e-5, atol=1e-5)
        np.testing.assert_allclose(h_n[1].detach().numpy(), want_c, rtol=1e-5, atol=1e-5)
    else:
        np.testing.assert_allclose(h_n.detach().numpy(), want_h, rtol=1e-5, atol=1e-5)


def test_parameter_names_shapes_and_init():
    tg.manual_seed(0)
    m = nn.LSTM(3, 5, num_layers=2, bidirectional=True)
    names = [(n, tuple(p.shape)) for n, p in m.named_parameters()]
    expected = []
    for layer, size in ((0, 3), (1, 10)):
        for sfx in ("", "_reverse"):
            expected += [(f"weight_ih_l{layer}{sfx}", (20, size)), (f"weight_hh_l{layer}{sfx}", (20, 5)),
                         (f"bias_ih_l{layer}{sfx}", (20,)), (f"bias_hh_l{layer}{sfx}", (20,))]
    assert names == expected
    assert list(m.state_dict()) == [n for n, _ in expected]
    bound = 1 / math.sqrt(5)
    values = np.concatenate([p.detach().numpy().ravel() for p in m.parameters()])
    assert values.min() >= -bound and values.max() <= bound
    # the whole range is used: 1080 draws leave less than 2% of it unreached (odds below 1e-4), so a bound
    # off by a little (1 / sqrt(hidden_size + 1) is 9% smaller) fails here
    assert values.min() < -0.98 * bound and values.max() > 0.98 * bound
    assert [n for n, _ in nn.GRU(2, 4, bias=False).named_parameters()] == ["weight_ih_l0", "weight_hh_l0"]
    assert nn.GRU(2, 4).weight_ih_l0.shape == (12, 2)
    assert nn.RNN(2, 4).weight_hh_l0.shape == (4, 4)


def test_reprs():
    assert repr(nn.LSTM(10, 20, 2)) == "LSTM(10, 20, num_layers=2)"
    assert repr(nn.GRU(3, 4, batch_first=True, bidirectional=True)) == "GRU(3, 4, batch_first=True, bidirectional=True)"
    # PyTorch's RNN leaves its nonlinearity out of the repr; its RNNCell prints it
    assert repr(nn.RNN(3, 4, nonlinearity="relu", dropout=0.5, num_layers=2)) == \
        "RNN(3, 4, num_layers=2, dropout=0.5)"
    assert repr(nn.RNNCell(3, 4, nonlinearity="relu")) == "RNNCell(3, 4, nonlinearity=relu)"
    assert repr(nn.LSTMCell(3, 4)) == "LSTMCell(3, 4)"


def test_reprs_match_torch():
    torch = pytest.importorskip("torch")
    for kwargs in (dict(nonlinearity="relu"), dict(nonlinearity="relu", num_layers=2, dropout=0.5, bias=False)):
        assert repr(nn.RNN(3, 4, **kwargs)) == repr(torch.nn.RNN(3, 4, **kwargs))
    assert repr(nn.RNNCell(3, 4, nonlinearity="relu")) == repr(torch.nn.RNNCell(3, 4, nonlinearity="relu"))


@pytest.mark.parametrize("cls", [nn.RNN, nn.LSTM, nn.GRU])
def test_dropout_with_one_layer_warns_as_torch_does(cls):
    with pytest.warns(UserWarning, match="dropout=0.5 and num_layers=1"):
        cls(3, 4, dropout=0.5)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        cls(3, 4, dropout=0.5, num_layers=2)
        cls(3, 4)


@pytest.mark.parametrize("cls", [nn.RNN, nn.LSTM, nn.GRU])
def test_input_of_another_dtype_is_a_value_error_naming_both(cls):
    with pytest.raises(ValueError, match=r"RNN input dtype \(tinygrad_edu.float64\) does not match weight dtype "
                                         r"\(tinygrad_edu.float32\)"):
        cls(3, 4)(tg.zeros(5, 2, 3, dtype=tg.float64))
    out, _ = cls(3, 4).double()(tg.zeros(5, 2, 3, dtype=tg.float64))
    assert out.dtype == tg.float64


@pytest.mark.parametrize("name", ["RNN", "LSTM", "GRU"])
def test_one_layer_dropout_warning_and_dtype_error_match_torch(name):
    torch = pytest.importorskip("torch")
    with pytest.warns(UserWarning) as ours:
        getattr(nn, name)(3, 4, dropout=0.5)
    with pytest.warns(UserWarning) as theirs:
        getattr(torch.nn, name)(3, 4, dropout=0.5)
    assert str(ours[0].message) == str(theirs[0].message)
    with pytest.raises(ValueError) as theirs:
        getattr(torch.nn, name)(3, 4)(torch.zeros(5, 2, 3, dtype=torch.float64))
    with pytest.raises(ValueError) as ours:
        getattr(nn, name)(3, 4)(tg.zeros(5, 2, 3, dtype=tg.float64))
    assert str(ours.value).replace("tinygrad_edu.", "torch.") == str(theirs.value)


@pytest.mark.parametrize("mode", ["LSTM", "GRU", "tanh"])
def test_batch_first_and_unbatched_agree_with_the_plain_layout(mode):
    tg.manual_seed(1)
    m = make(mode, 3, 4, num_layers=2)
    x = tg.randn(6, 2, 3)
    out, state = m(x)
    m.batch_first = True
    out_bf, state_bf = m(x.transpose(0, 1))
    np.testing.assert_allclose(out_bf.transpose(0, 1).detach().numpy(), out.detach().numpy(), rtol=1e-6)
    m.batch_first = False
    single, single_state = m(x[:, 1])  # unbatched (L, H_in): the second sequence alone
    assert single.shape == (6, 4)
    np.testing.assert_allclose(single.detach().numpy(), out[:, 1].detach().numpy(), rtol=1e-5, atol=1e-6)
    h_n = single_state[0] if mode == "LSTM" else single_state
    want = state[0] if mode == "LSTM" else state
    assert h_n.shape == (2, 4)
    np.testing.assert_allclose(h_n.detach().numpy(), want[:, 1].detach().numpy(), rtol=1e-5, atol=1e-6)


def test_zero_initial_state_is_the_default():
    tg.manual_seed(2)
    m = nn.LSTM(3, 4)
    x = tg.randn(5, 2, 3)
    out, _ = m(x)
    zeros = tg.zeros(1, 2, 4)
    out0, _ = m(x, (zeros, zeros))
    np.testing.assert_array_equal(out.detach().numpy(), out0.detach().numpy())
    out1, _ = m(x, (tg.ones(1, 2, 4), zeros))
    assert not np.allclose(out1.detach().numpy(), out.detach().numpy())


def test_dropout_acts_between_layers_only_in_training():
    tg.manual_seed(3)
    m = nn.GRU(3, 4, num_layers=2, dropout=1.0)
    x = tg.randn(5, 2, 3)
    out_train, h_train = m(x)
    params = {n: p.detach().numpy() for n, p in m.named_parameters()}
    # dropout=1 zeroes every layer-0 output, so layer 1 sees zeros
    h0 = np.zeros((1, 2, 4), dtype=np.float32)
    want, _, _ = numpy_rnn("GRU", {k.replace("_l1", "_l0"): v for k, v in params.items() if "_l1" in k},
                           np.zeros((5, 2, 4), dtype=np.float32), h0, None, 1, False)
    np.testing.assert_allclose(out_train.detach().numpy(), want, rtol=1e-5, atol=1e-6)
    m.eval()
    out_eval, _ = m(x)
    want_eval, _, _ = numpy_rnn("GRU", params, x.detach().numpy(), np.zeros((2, 2, 4), np.float32), None, 2, False)
    np.testing.assert_allclose(out_eval.detach().numpy(), want_eval, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("mode", MODES)
def test_cells_match_the_equations(mode):
    tg.manual_seed(4)
    cls = {"LSTM": nn.LSTMCell, "GRU": nn.GRUCell}.get(mode)
    cell = cls(3, 5) if cls else nn.RNNCell(3, 5, nonlinearity=mode)
    x = RNG.standard_normal((2, 3)).astype(np.float32)
    h = RNG.standard_normal((2, 5)).astype(np.float32)
    c = RNG.standard_normal((2, 5)).astype(np.float32)
    w = [getattr(cell, n).detach().numpy() for n in ("weight_ih", "weight_hh", "bias_ih", "bias_hh")]
    if mode == "LSTM":
        got = cell(tg.tensor(x), (tg.tensor(h), tg.tensor(c)))
        want = numpy_step(mode, x, (h, c), *w)
        for g, wv in zip(got, want):
            np.testing.assert_allclose(g.detach().numpy(), wv, rtol=1e-5, atol=1e-6)
        h1, c1 = cell(tg.tensor(x[0]))  # unbatched, zero state
        assert h1.shape == (5,) and c1.shape == (5,)
        zero = np.zeros((1, 5), np.float32)
        want_h1 = numpy_step(mode, x[:1], (zero, zero), *w)[0][0]
        np.testing.assert_allclose(h1.detach().numpy(), want_h1, rtol=1e-5, atol=1e-6)
    else:
        got = cell(tg.tensor(x), tg.tensor(h))
        np.testing.assert_allclose(got.detach().numpy(), numpy_step(mode, x, h, *w), rtol=1e-5, atol=1e-6)
        assert cell(tg.tensor(x[0])).shape == (5,)


@pytest.mark.parametrize("mode", ["LSTM", "GRU", "tanh"])
def test_gradcheck_through_time(mode):
    tg.manual_seed(5)
    m = make(mode, 2, 3, bidirectional=(mode == "GRU"))
    fn, params = module_function(m)
    x = tg.tensor(RNG.standard_normal((3, 2, 2)), requires_grad=True)
    assert gradcheck(lambda x, *p: fn(x, *p)[0], (x,) + params)


def test_cell_gradcheck():
    tg.manual_seed(6)
    fn, params = module_function(nn.LSTMCell(2, 3))
    x = tg.tensor(RNG.standard_normal((2, 2)), requires_grad=True)
    assert gradcheck(lambda x, *p: fn(x, *p)[1], (x,) + params)


def test_errors_name_the_layer_and_shapes():
    m = nn.LSTM(3, 4)
    with pytest.raises(RuntimeError, match=r"LSTM: input's last dim \(input_size\) has size 5, expected 3"):
        m(tg.randn(2, 1, 5))
    with pytest.raises(RuntimeError, match=r"LSTM: expected hidden state of shape \(1, 2, 4\)"):
        m(tg.randn(6, 2, 3), (tg.zeros(1, 3, 4), tg.zeros(1, 3, 4)))
    with pytest.raises(TypeError, match="pair"):
        m(tg.randn(6, 2, 3), tg.zeros(1, 2, 4))
    with pytest.raises(ValueError, match="nonlinearity"):
        nn.RNN(2, 3, nonlinearity="sigmoid")


# ---------------------------------------------------------------- against torch, with the weights copied

@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("config", [dict(num_layers=2, bidirectional=True, batch_first=True),
                                    dict(num_layers=1, bidirectional=False, batch_first=False)], ids=["deep", "plain"])
def test_layers_match_torch(mode, config):
    torch = pytest.importorskip("torch")
    tg.manual_seed(8)
    m = make(mode, 3, 4, **config)
    if mode == "LSTM":
        ref = torch.nn.LSTM(3, 4, **config)
    elif mode == "GRU":
        ref = torch.nn.GRU(3, 4, **config)
    else:
        ref = torch.nn.RNN(3, 4, nonlinearity=mode, **config)
    assert list(ref.state_dict()) == list(m.state_dict())
    ref.load_state_dict({k: torch.tensor(v.detach().numpy()) for k, v in m.state_dict().items()})
    x = RNG.standard_normal((2, 5, 3)).astype(np.float32)
    out, state = m(tg.tensor(x, requires_grad=True))
    ref_out, ref_state = ref(torch.tensor(x))
    np.testing.assert_allclose(out.detach().numpy(), ref_out.detach().numpy(), rtol=1e-5, atol=1e-5)
    states = state if mode == "LSTM" else (state,)
    ref_states = ref_state if mode == "LSTM" else (ref_state,)
    for s, r in zip(states, ref_states):
        np.testing.assert_allclose(s.detach().numpy(), r.detach().numpy(), rtol=1e-5, atol=1e-5)
    (out * out).sum().backward()
    (ref_out * ref_out).sum().backward()
    for name, p in m.named_parameters():
        want = ref.get_parameter(name).grad.numpy()
        np.testing.assert_allclose(p.grad.detach().numpy(), want, rtol=1e-4, atol=1e-5)
    # unbatched input
    single, _ = m(tg.tensor(x[0]))
    ref_single, _ = ref(torch.tensor(x[0]))
    np.testing.assert_allclose(single.detach().numpy(), ref_single.detach().numpy(), rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("kind", ["RNNCell", "LSTMCell", "GRUCell"])
def test_cells_match_torch(kind):
    torch = pytest.importorskip("torch")
    tg.manual_seed(9)
    cell, ref = getattr(nn, kind)(3, 4), getattr(torch.nn, kind)(3, 4)
    ref.load_state_dict({k: torch.tensor(v.detach().numpy()) for k, v in cell.state_dict().items()})
    x = RNG.standard_normal((2, 3)).astype(np.float32)
    got, want = cell(tg.tensor(x)), ref(torch.tensor(x))
    got = got if isinstance(got, tuple) else (got,)
    want = want if isinstance(want, tuple) else (want,)
    for g, w in zip(got, want):
        np.testing.assert_allclose(g.detach().numpy(), w.detach().numpy(), rtol=1e-5, atol=1e-6)
