"""Recurrent layers: RNN, LSTM, GRU and their one-step cells, with PyTorch's names and shapes.

A recurrent layer reads a sequence one step at a time and carries a hidden state h
(and, for the LSTM, a cell state c) from step to step. Each step is the same small
formula, built here from Tensor ops (linear, sigmoid, tanh, *, +), so the gradient
through time comes from the ordinary engine: backpropagation through time is just
backward on the unrolled graph.

The step formulas (PyTorch's; W_i* multiply the input x, W_h* the previous h):

    RNN   h' = tanh(W_ih x + b_ih + W_hh h + b_hh)            (or relu: nonlinearity='relu')

    LSTM  i = sigmoid(W_ii x + b_ii + W_hi h + b_hi)          input gate
          f = sigmoid(W_if x + b_if + W_hf h + b_hf)          forget gate
          g = tanh(W_ig x + b_ig + W_hg h + b_hg)             candidate cell
          o = sigmoid(W_io x + b_io + W_ho h + b_ho)          output gate
          c' = f * c + i * g,   h' = o * tanh(c')

    GRU   r = sigmoid(W_ir x + b_ir + W_hr h + b_hr)          reset gate
          z = sigmoid(W_iz x + b_iz + W_hz h + b_hz)          update gate
          n = tanh(W_in x + b_in + r * (W_hn h + b_hn))       candidate
          h' = (1 - z) * n + z * h

The gate weights are stacked in one matrix per layer, in the order above:
weight_ih_l0 is (4*hidden_size, input_size) for the LSTM (rows i, f, g, o), (3*hidden_size,
input_size) for the GRU (r, z, n), and (hidden_size, input_size) for the RNN.
Every weight and bias starts from U(-1/sqrt(hidden_size), 1/sqrt(hidden_size)).

Shapes (L sequence length, N batch, D = 2 if bidirectional else 1):
    input  (L, N, input_size), or (N, L, input_size) with batch_first=True, or (L, input_size) unbatched
    h_0    (D * num_layers, N, hidden_size), or (D * num_layers, hidden_size) unbatched; zeros if not given
    output (L, N, D * hidden_size): the last layer's h at every step (both directions side by side)
    h_n    (D * num_layers, N, hidden_size): every layer's h after its last step
"""

from __future__ import annotations

import math
import warnings

import numpy as np

from ..creation import cat, stack
from ..tensor import Tensor
from . import functional as F
from . import init
from .layer_checks import check_sizes
from .module import Module, Parameter

__all__ = ["RNNBase", "RNN", "LSTM", "GRU", "RNNCellBase", "RNNCell", "LSTMCell", "GRUCell"]

GATES = {"RNN_TANH": 1, "RNN_RELU": 1, "LSTM": 4, "GRU": 3}


# ---------------------------------------------------------------- one step of each kind
# `x_part` is W_ih x + b_ih, computed for all steps at once before the loop (one big matmul);
# the step adds the part that depends on the previous h.

def rnn_step(x_part: Tensor, h: Tensor, w_hh: Tensor, b_hh: Tensor | None, nonlinearity: str) -> Tensor:
    """h' = tanh(x_part + W_hh h + b_hh) (or relu)."""
    pre = x_part + F.linear(h, w_hh, b_hh)
    return pre.tanh() if nonlinearity == "tanh" else pre.relu()


def lstm_step(x_part: Tensor, state: tuple, w_hh: Tensor, b_hh: Tensor | None) -> tuple:
    """(h, c) -> (h', c') with c' = f * c + i * g and h' = o * tanh(c')."""
    h, c = state
    i, f, g, o = (x_part + F.linear(h, w_hh, b_hh)).chunk(4, -1)
    c = f.sigmoid() * c + i.sigmoid() * g.tanh()
    return o.sigmoid() * c.tanh(), c


def gru_step(x_part: Tensor, h: Tensor, w_hh: Tensor, b_hh: Tensor | None) -> Tensor:
    """h' = (1 - z) * n + z * h, n = tanh(x_n + r * (W_hn h + b_hn)): the reset gate r scales
    only the hidden part of the candidate, which is why the two projections stay apart."""
    x_r, x_z, x_n = x_part.chunk(3, -1)
    h_r, h_z, h_n = F.linear(h, w_hh, b_hh).chunk(3, -1)
    r, z = (x_r + h_r).sigmoid(), (x_z + h_z).sigmoid()
    n = (x_n + r * h_n).tanh()
    return (1 - z) * n + z * h


def check_size(name: str, what: str, size, expected) -> None:
    if size != expected:
        raise RuntimeError(f"{name}: {what} has size {size}, expected {expected}")


def check_input(module: Module, x: Tensor, batched_ndim: int, layouts: str) -> bool:
    """Raise unless x has batched_ndim dims (batched) or one fewer (unbatched) and its last dim
    is the module's input_size; True when it is batched. `layouts` names both for the error."""
    name = type(module).__name__
    if x.ndim not in (batched_ndim - 1, batched_ndim):
        raise ValueError(f"{name}: expected input to be {layouts}, got {x.ndim}-D with shape {tuple(x.shape)}")
    check_size(name, "input's last dim (input_size)", x.shape[-1], module.input_size)
    return x.ndim == batched_ndim


def reset_uniform(module: Module) -> None:
    """PyTorch's initialisation of recurrent layers and cells: every parameter drawn from
    U(-1/sqrt(hidden_size), 1/sqrt(hidden_size))."""
    bound = 1 / math.sqrt(module.hidden_size)
    for weight in module.parameters():
        init.uniform_(weight, -bound, bound)


# ---------------------------------------------------------------- the layers

class RNNBase(Module):
    """What RNN, LSTM and GRU share: the parameters, the shapes, the loop over layers and directions."""

    def __init__(self, mode: str, input_size: int, hidden_size: int, num_layers: int = 1, bias: bool = True,
                 batch_first: bool = False, dropout: float = 0.0, bidirectional: bool = False,
                 proj_size: int = 0, device=None, dtype=None):
        super().__init__()
        name = type(self).__name__
        check_sizes(name, input_size=input_size, hidden_size=hidden_size, num_layers=num_layers)
        if not 0 <= dropout <= 1:
            raise ValueError(f"{name}: dropout should be a number in range [0, 1], got {dropout}")
        if dropout > 0 and num_layers == 1:  # dropout goes between layers: with one layer it does nothing
            warnings.warn("dropout option adds dropout after all but last recurrent layer, so non-zero dropout "
                          f"expects num_layers greater than 1, but got dropout={dropout} and "
                          f"num_layers={num_layers}", stacklevel=3)
        if hidden_size <= 0 or num_layers <= 0:
            raise ValueError(f"{name}: hidden_size and num_layers must be greater than 0, "
                             f"got hidden_size={hidden_size}, num_layers={num_layers}")
        if proj_size:
            raise NotImplementedError(f"{name}: proj_size is not supported here (it must be 0)")
        self.mode, self.input_size, self.hidden_size = mode, input_size, hidden_size
        self.num_layers, self.bias, self.batch_first = num_layers, bias, batch_first
        self.dropout, self.bidirectional, self.proj_size = float(dropout), bidirectional, 0
        dtype = np.float32 if dtype is None else dtype
        gate_size = GATES[mode] * hidden_size
        directions = 2 if bidirectional else 1
        # PyTorch's order: for each layer, for each direction, weight_ih, weight_hh, bias_ih, bias_hh.
        for layer in range(num_layers):
            layer_input = input_size if layer == 0 else hidden_size * directions
            for direction in range(directions):
                suffix = f"_l{layer}" + ("_reverse" if direction else "")
                setattr(self, "weight_ih" + suffix, Parameter(np.empty((gate_size, layer_input), dtype=dtype)))
                setattr(self, "weight_hh" + suffix, Parameter(np.empty((gate_size, hidden_size), dtype=dtype)))
                if bias:
                    setattr(self, "bias_ih" + suffix, Parameter(np.empty(gate_size, dtype=dtype)))
                    setattr(self, "bias_hh" + suffix, Parameter(np.empty(gate_size, dtype=dtype)))
        self.reset_parameters()

    reset_parameters = reset_uniform

    def step(self, x_part: Tensor, state, w_hh: Tensor, b_hh: Tensor | None):
        raise NotImplementedError

    def weights(self, layer: int, direction: int) -> tuple:
        """(weight_ih, weight_hh, bias_ih, bias_hh) of one layer and direction (biases None with bias=False)."""
        suffix = f"_l{layer}" + ("_reverse" if direction else "")
        names = ("weight_ih", "weight_hh", "bias_ih", "bias_hh")
        return tuple(getattr(self, n + suffix) if self.bias or n.startswith("weight") else None for n in names)

    def check_input(self, x: Tensor, hx) -> bool:
        """Raise on a wrong shape; True when the input has a batch dim."""
        name = type(self).__name__
        batched = check_input(self, x, 3, "2-D (L, input_size) or 3-D (L, N, input_size)")
        if x.dtype != self.weight_ih_l0.dtype:  # PyTorch's words, a ValueError
            raise ValueError(f"RNN input dtype ({x.dtype}) does not match weight dtype ({self.weight_ih_l0.dtype}). "
                             f"Convert input: input.to({self.weight_ih_l0.dtype}), or convert model: "
                             f"model.to({x.dtype})")
        states = hx if isinstance(hx, tuple) else (hx,)
        if hx is not None:
            batch = x.shape[0 if self.batch_first else 1] if batched else None
            want = (self.num_layers * (2 if self.bidirectional else 1),) + ((batch,) if batched else ()) + (
                self.hidden_size,)
            for state in states:
                if tuple(state.shape) != want:
                    raise RuntimeError(f"{name}: expected hidden state of shape {want} "
                                       f"((num_layers * num_directions, batch, hidden_size)), got {tuple(state.shape)}")
        return batched

    def forward(self, x: Tensor, hx=None):
        """(output, h_n), or for the LSTM (output, (h_n, c_n)); see the module docstring for the shapes."""
        batched = self.check_input(x, hx)
        if not batched:
            x = x.unsqueeze(1)
            if hx is not None:
                hx = tuple(h.unsqueeze(1) for h in hx) if isinstance(hx, tuple) else hx.unsqueeze(1)
        elif self.batch_first:
            x = x.transpose(0, 1)
        directions = 2 if self.bidirectional else 1
        batch = x.shape[1]
        if hx is None:
            zeros = Tensor._wrap(np.zeros((self.num_layers * directions, batch, self.hidden_size), dtype=x.dtype))
            hx = (zeros, zeros) if self.mode == "LSTM" else zeros
        final_states = []
        layer_input = x
        for layer in range(self.num_layers):
            outputs = []
            for direction in range(directions):
                k = layer * directions + direction
                state = (hx[0][k], hx[1][k]) if self.mode == "LSTM" else hx[k]
                out, state = self.run_direction(layer_input, state, *self.weights(layer, direction), direction)
                outputs.append(out)
                final_states.append(state)
            layer_input = outputs[0] if directions == 1 else cat(outputs, -1)
            if self.dropout and self.training and layer < self.num_layers - 1:
                layer_input = F.dropout(layer_input, self.dropout, True)  # between layers, not after the last
        output = layer_input
        if self.mode == "LSTM":
            h_n = (stack([s[0] for s in final_states]), stack([s[1] for s in final_states]))
        else:
            h_n = stack(final_states)
        if not batched:
            output = output.squeeze(1)
            h_n = tuple(h.squeeze(1) for h in h_n) if isinstance(h_n, tuple) else h_n.squeeze(1)
        elif self.batch_first:
            output = output.transpose(0, 1)
        return output, h_n

    def run_direction(self, x: Tensor, state, w_ih, w_hh, b_ih, b_hh, direction: int):
        """Run one layer over the sequence x (L, N, in), forwards or (direction 1) backwards;
        returns the outputs in the sequence's order (L, N, hidden) and the final state."""
        x_parts = F.linear(x, w_ih, b_ih)  # every step's input part in one matmul
        steps = range(x.shape[0] - 1, -1, -1) if direction else range(x.shape[0])
        outputs = [None] * x.shape[0]
        for t in steps:
            state = self.step(x_parts[t], state, w_hh, b_hh)
            outputs[t] = state[0] if self.mode == "LSTM" else state
        return stack(outputs), state

    def extra_repr(self) -> str:
        text = f"{self.input_size}, {self.hidden_size}"
        if self.num_layers != 1:
            text += f", num_layers={self.num_layers}"
        if not self.bias:
            text += ", bias=False"
        if self.batch_first:
            text += ", batch_first=True"
        if self.dropout:
            text += f", dropout={self.dropout}"
        if self.bidirectional:
            text += ", bidirectional=True"
        return text


class RNN(RNNBase):
    """Elman RNN: h' = tanh(W_ih x + b_ih + W_hh h + b_hh) at every step (nonlinearity='relu' for relu).

    RNN(input_size, hidden_size, num_layers=1, nonlinearity='tanh', bias=True, batch_first=False,
    dropout=0.0, bidirectional=False). Returns (output, h_n).
    """

    def __init__(self, input_size: int, hidden_size: int, num_layers: int = 1, nonlinearity: str = "tanh",
                 bias: bool = True, batch_first: bool = False, dropout: float = 0.0, bidirectional: bool = False,
                 device=None, dtype=None):
        if nonlinearity not in ("tanh", "relu"):
            raise ValueError(f"RNN: unknown nonlinearity {nonlinearity!r}; choose 'tanh' or 'relu'")
        super().__init__("RNN_TANH" if nonlinearity == "tanh" else "RNN_RELU", input_size, hidden_size, num_layers,
                         bias, batch_first, dropout, bidirectional, device=device, dtype=dtype)
        self.nonlinearity = nonlinearity

    def step(self, x_part, h, w_hh, b_hh):
        return rnn_step(x_part, h, w_hh, b_hh, self.nonlinearity)

    # No extra_repr of its own: PyTorch's RNN does not print its nonlinearity (RNNCell does).


class LSTM(RNNBase):
    """Long short-term memory: a cell state c, written through input/forget/output gates.

    LSTM(input_size, hidden_size, num_layers=1, bias=True, batch_first=False, dropout=0.0,
    bidirectional=False). forward(x, (h_0, c_0)) returns (output, (h_n, c_n)).
    """

    def __init__(self, input_size: int, hidden_size: int, num_layers: int = 1, bias: bool = True,
                 batch_first: bool = False, dropout: float = 0.0, bidirectional: bool = False,
                 proj_size: int = 0, device=None, dtype=None):
        super().__init__("LSTM", input_size, hidden_size, num_layers, bias, batch_first, dropout, bidirectional,
                         proj_size, device=device, dtype=dtype)

    def step(self, x_part, state, w_hh, b_hh):
        return lstm_step(x_part, state, w_hh, b_hh)

    def forward(self, x: Tensor, hx: tuple | None = None):
        if hx is not None and not (isinstance(hx, (tuple, list)) and len(hx) == 2):
            raise TypeError("LSTM: the initial state must be a pair (h_0, c_0), not a single tensor")
        return super().forward(x, None if hx is None else tuple(hx))


class GRU(RNNBase):
    """Gated recurrent unit: reset and update gates, no separate cell state.

    GRU(input_size, hidden_size, num_layers=1, bias=True, batch_first=False, dropout=0.0,
    bidirectional=False). Returns (output, h_n).
    """

    def __init__(self, input_size: int, hidden_size: int, num_layers: int = 1, bias: bool = True,
                 batch_first: bool = False, dropout: float = 0.0, bidirectional: bool = False,
                 device=None, dtype=None):
        super().__init__("GRU", input_size, hidden_size, num_layers, bias, batch_first, dropout, bidirectional,
                         device=device, dtype=dtype)

    def step(self, x_part, h, w_hh, b_hh):
        return gru_step(x_part, h, w_hh, b_hh)


# ---------------------------------------------------------------- one step at a time

class RNNCellBase(Module):
    """One step of a recurrent layer, for writing the loop yourself.
    Parameters weight_ih (G*hidden, input), weight_hh (G*hidden, hidden), bias_ih, bias_hh (G*hidden),
    G = 1 (RNNCell), 4 (LSTMCell), 3 (GRUCell); all from U(-1/sqrt(hidden_size), 1/sqrt(hidden_size)).
    Input (N, input_size) or unbatched (input_size,)."""

    gates = 1

    def __init__(self, input_size: int, hidden_size: int, bias: bool = True, device=None, dtype=None):
        super().__init__()
        dtype = np.float32 if dtype is None else dtype
        self.input_size, self.hidden_size, self.bias = input_size, hidden_size, bias
        size = self.gates * hidden_size
        self.weight_ih = Parameter(np.empty((size, input_size), dtype=dtype))
        self.weight_hh = Parameter(np.empty((size, hidden_size), dtype=dtype))
        self.bias_ih = Parameter(np.empty(size, dtype=dtype)) if bias else None
        self.bias_hh = Parameter(np.empty(size, dtype=dtype)) if bias else None
        self.reset_parameters()

    reset_parameters = reset_uniform

    def prepare(self, x: Tensor, hx, states: int):
        """Check shapes, add a batch dim to unbatched input, make zero states; returns (x, hx, batched)."""
        name = type(self).__name__
        batched = check_input(self, x, 2, "1-D (input_size,) or 2-D (N, input_size)")
        if not batched:
            x = x.unsqueeze(0)
        if hx is None:
            zeros = Tensor._wrap(np.zeros((x.shape[0], self.hidden_size), dtype=x.dtype))
            hx = (zeros,) * states
        else:
            hx = tuple(hx) if isinstance(hx, (tuple, list)) else (hx,)
            want = (x.shape[0], self.hidden_size) if batched else (self.hidden_size,)
            for h in hx:
                if tuple(h.shape) != want:
                    raise RuntimeError(f"{name}: expected hidden state of shape {want}, got {tuple(h.shape)}")
            if not batched:
                hx = tuple(h.unsqueeze(0) for h in hx)
        return x, hx, batched

    def extra_repr(self) -> str:
        return f"{self.input_size}, {self.hidden_size}" + ("" if self.bias else ", bias=False")


class RNNCell(RNNCellBase):
    """h' = tanh(W_ih x + b_ih + W_hh h + b_hh) (or relu). forward(x, h=None) returns h'."""

    def __init__(self, input_size: int, hidden_size: int, bias: bool = True, nonlinearity: str = "tanh",
                 device=None, dtype=None):
        if nonlinearity not in ("tanh", "relu"):
            raise ValueError(f"RNNCell: unknown nonlinearity {nonlinearity!r}; choose 'tanh' or 'relu'")
        super().__init__(input_size, hidden_size, bias, device, dtype)
        self.nonlinearity = nonlinearity

    def forward(self, x: Tensor, hx: Tensor | None = None) -> Tensor:
        x, (h,), batched = self.prepare(x, hx, 1)
        h = rnn_step(F.linear(x, self.weight_ih, self.bias_ih), h, self.weight_hh, self.bias_hh, self.nonlinearity)
        return h if batched else h.squeeze(0)

    def extra_repr(self) -> str:
        text = super().extra_repr()
        return text if self.nonlinearity == "tanh" else text + f", nonlinearity={self.nonlinearity}"


class LSTMCell(RNNCellBase):
    """One LSTM step. forward(x, (h, c)=None) returns (h', c')."""

    gates = 4

    def forward(self, x: Tensor, hx: tuple | None = None) -> tuple:
        x, state, batched = self.prepare(x, hx, 2)
        h, c = lstm_step(F.linear(x, self.weight_ih, self.bias_ih), state, self.weight_hh, self.bias_hh)
        return (h, c) if batched else (h.squeeze(0), c.squeeze(0))


class GRUCell(RNNCellBase):
    """One GRU step. forward(x, h=None) returns h'."""

    gates = 3

    def forward(self, x: Tensor, hx: Tensor | None = None) -> Tensor:
        x, (h,), batched = self.prepare(x, hx, 1)
        h = gru_step(F.linear(x, self.weight_ih, self.bias_ih), h, self.weight_hh, self.bias_hh)
        return h if batched else h.squeeze(0)
