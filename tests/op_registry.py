"""The registry of differentiable ops: one entry per op, and the tests run over all of them.

An entry says how to call the op on Tensors (`fn`), what NumPy computes for
the same inputs (`ref`), and how to sample inputs in the op's domain plus its
extra arguments (`sample(draw) -> (arrays, kwargs)`). `covers` names the Tensor
methods the entry exercises; a meta-test fails when a public Tensor method is
neither covered here nor listed as not differentiable.

Adding an op to the library means adding an entry (a `register(...)` line) to
the module of its family; nothing else is needed for it to be gradchecked
(first and second order) and compared to NumPy. This module is the one the
tests import: importing it imports every family, and each family module
registers its entries into REGISTRY as it is imported.

  registry_core.py         OpSpec, REGISTRY, register, the shared samplers (unary, binary, reduction,
                           one_dim), the in-place wrappers and the NumPy references several families use
  registry_arithmetic.py   + - * / ** @, rounded division, dot/mm/bmm/einsum, cross, lerp, addcmul/addmm...
  registry_math.py         elementwise functions, clamp, maximum/minimum, where, casts
  registry_reductions.py   sum, mean, max/min, var/std, logsumexp, softmax, prod, norm, sort, cumsum...
  registry_movement.py     reshape, transpose, squeeze, expand, cat/stack/split, pad, flip, roll, diagonal...
  registry_indexing.py     x[key], x[key] = value, gather, scatter, index_*, masked_*
  registry_nn.py           conv2d, max_pool2d, linear, embedding, activations (and registry_nn_layers.py)
  registry_losses.py       cross_entropy, nll, mse, BCE with logits, distances and the further losses
  registry_padding_bilinear.py  F.pad's reflect, replicate and circular modes; F.bilinear
  registry_lecture_layers.py  F.rms_norm, F.prelu, F.softmin, F.threshold, F.unfold, F.fold
  registry_tensor_functions.py  hstack/vstack/dstack, atleast_nd, broadcast_*, std_mean, nansum, nan_to_num,
                           logaddexp, tensordot, kron, cov, corrcoef
  registry_more_layers.py  local_response_norm, channel_shuffle, lp_pool1d/2d, rrelu, embedding_bag,
                           multilabel_margin_loss, triplet_margin_with_distance_loss
  registry_arrangement.py  movedim, swapaxes, ravel, unflatten, tensor_split, rot90, repeat_interleave, take,
                           take_along_dim, diff, diag_embed, unfold, sum_to_size, block_diag, combinations...
  registry_torch_functions.py  cdist, pdist, Tensor.hardshrink
  registry_nn_3d.py        conv3d, conv_transpose3d, max_pool3d, avg_pool3d, adaptive pools 3-D, max_unpool3d
  registry_special.py      xlogy, lgamma/digamma/polygamma, i0, sinc, copysign, fmax, float_power, ldexp, frexp,
                           nextafter, logaddexp2, NumPy's aliases; special.entr, erfcx, i1, ndtri, zeta, gammainc...
  registry_order_statistics.py  quantile, nanquantile, kthvalue, mode, nanmedian, msort, cummax/cummin,
                           logcumsumexp, aminmax
  registry_linalg.py       inverse, det, slogdet, solve(_triangular), cholesky(_solve/_inverse), qr, pinv, lstsq,
                           matrix_power, matrix_exp, multi_dot, svd, eigh, cond, lu, lu_solve, mv, inner, ...
"""

from __future__ import annotations

import registry_arithmetic  # noqa: F401  (each family module registers its entries when imported)
import registry_arrangement  # noqa: F401
import registry_indexing  # noqa: F401
import registry_lecture_layers  # noqa: F401
import registry_linalg  # noqa: F401
import registry_losses  # noqa: F401
import registry_math  # noqa: F401
import registry_more_layers  # noqa: F401
import registry_movement  # noqa: F401
import registry_nn  # noqa: F401
import registry_nn_3d  # noqa: F401
import registry_order_statistics  # noqa: F401
import registry_padding_bilinear  # noqa: F401
import registry_reductions  # noqa: F401
import registry_special  # noqa: F401
import registry_tensor_functions  # noqa: F401
import registry_torch_functions  # noqa: F401
from registry_core import REGISTRY, OpSpec, binary, inplace, one_dim, reduction, register, unary

__all__ = ["REGISTRY", "OpSpec", "register", "unary", "binary", "reduction", "one_dim", "inplace"]
