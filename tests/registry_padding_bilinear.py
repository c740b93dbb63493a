"""Registry entries (see op_registry.py) for F.pad's modes that pad with the input's own values ('reflect',
'replicate', 'circular') and for F.bilinear. Both are composed from existing ops (indexing; einsum), so the
entries are what proves their derivatives: the references are NumPy's np.pad and einsum, not the library's code."""

from __future__ import annotations

import numpy as np
from hypothesis import strategies as st
from registry_core import register
from strategies import values

import tinygrad_edu.nn.functional as F

# ---------------------------------------------------------------- F.pad: reflect, replicate, circular

NUMPY_MODES = {"reflect": "reflect", "replicate": "edge", "circular": "wrap"}


def sample_pad_mode(draw):
    """(N, C, *) or (C, *) with 1 to 3 padded dims and PyTorch's limits on the amounts: reflect less than the
    size, circular at most the size; reflect and replicate also crop (a negative amount), leaving at least 1."""
    mode = draw(st.sampled_from(sorted(NUMPY_MODES)))
    dims = draw(st.integers(1, 3))
    spatial = tuple(draw(st.integers(1, 3)) for _ in range(dims))
    shape = draw(st.sampled_from([(), (2,)])) + (draw(st.integers(1, 2)),) + spatial
    pad = []
    for size in reversed(spatial):  # the last dim first
        low = 0 if mode == "circular" else -((size - 1) // 2)
        high = {"reflect": size - 1, "replicate": 3, "circular": size}[mode]
        pad += [draw(st.integers(low, high)), draw(st.integers(low, high))]
    return [values(draw, shape, "real")], {"pad": tuple(pad), "mode": mode}


def np_pad_mode(x, pad, mode):
    """np.pad by the positive amounts in NumPy's name for the mode, then the negative ones cut off."""
    widths, crop = [(0, 0)] * x.ndim, [slice(None)] * x.ndim
    for i in range(len(pad) // 2):
        before, after = pad[2 * i], pad[2 * i + 1]
        widths[x.ndim - 1 - i] = (max(before, 0), max(after, 0))
        crop[x.ndim - 1 - i] = slice(max(-before, 0), x.shape[x.ndim - 1 - i] + max(before, 0) + after)
    return np.pad(x, widths, mode=NUMPY_MODES[mode])[tuple(crop)]


register("F.pad(mode)", lambda x, pad, mode: F.pad(x, pad, mode=mode), np_pad_mode, sample_pad_mode)


# ---------------------------------------------------------------- F.bilinear

def sample_bilinear(draw):
    """input1 (*, in1), input2 (*, in2) with the same * (none, one or two dims), weight (out, in1, in2), and a
    bias or none."""
    batch = draw(st.sampled_from([(), (2,), (3,), (2, 2)]))
    in1, in2, out = draw(st.integers(1, 3)), draw(st.integers(1, 3)), draw(st.integers(1, 3))
    arrays = [values(draw, batch + (in1,), "real"), values(draw, batch + (in2,), "real"),
              values(draw, (out, in1, in2), "real")]
    if draw(st.booleans()):
        arrays.append(values(draw, (out,), "real"))
    return arrays, {}


def np_bilinear(x1, x2, weight, bias=0.0):
    return np.einsum("...i,oij,...j->...o", x1, weight, x2) + bias


register("F.bilinear", F.bilinear, np_bilinear, sample_bilinear)
