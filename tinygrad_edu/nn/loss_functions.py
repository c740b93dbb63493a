"""Loss functions (re-exported by nn.functional), with PyTorch's formulas.

Each takes reduction='mean' (average), 'sum' or 'none' (one loss per element
or sample); those whose PyTorch signature still has the deprecated size_average
and reduce take them too, with PyTorch's meaning and warning. All are composite,
so they are differentiable to any order, except the common case of cross_entropy
(class indices, no weight, no label smoothing), which is one primitive for speed
(nn/ops.py: CrossEntropyFunction), and mse_loss, binary_cross_entropy_with_logits and
the common nll_loss, one primitive each so the node is PyTorch's (nn/loss_ops.py);
all differentiable to any order.
"""

from __future__ import annotations

import warnings

import numpy as np

from ..autograd import Mode
from ..dtypes import to_dtype
from ..tensor import Tensor, lift
from .distance_functions import pairwise_distance
from .loss_ops import BinaryCrossEntropyWithLogitsFunction, MseLossFunction, NllLossFunction
from .ops import CrossEntropyFunction

__all__ = ["mse_loss", "l1_loss", "binary_cross_entropy", "binary_cross_entropy_with_logits",
           "cross_entropy", "nll_loss", "smooth_l1_loss", "huber_loss", "kl_div", "margin_ranking_loss",
           "soft_margin_loss", "triplet_margin_loss"]


def check_reduction(reduction: str, name: str) -> None:
    if reduction not in ("mean", "sum", "none"):
        raise ValueError(f"{name}: reduction must be 'mean', 'sum' or 'none', not {reduction!r}")


def reduce_loss(loss: Tensor, reduction: str, name: str) -> Tensor:
    check_reduction(reduction, name)
    return loss.mean() if reduction == "mean" else loss.sum() if reduction == "sum" else loss


def legacy_reduction(size_average, reduce, reduction: str) -> str:  # noqa: A002
    """The reduction the deprecated size_average and reduce ask for (when either is given), with
    PyTorch's warning: reduce=False is 'none', size_average=False 'sum', otherwise 'mean'."""
    if size_average is None and reduce is None:
        return reduction
    if reduce is False:
        reduction = "none"
    elif size_average is False:
        reduction = "sum"
    else:
        reduction = "mean"
    warnings.warn(f"size_average and reduce args will be deprecated, please use reduction='{reduction}' instead.",
                  stacklevel=3)
    return reduction


def as_tensor(target, input: Tensor) -> Tensor:  # noqa: A002
    """A target as a tensor (in the input's dtype when it is data, not a tensor)."""
    target = lift(target, input)
    return target if isinstance(target, Tensor) else Tensor._wrap(np.asarray(target, dtype=input.dtype))


def as_target(target, input: Tensor, name: str, same_shape: bool) -> Tensor:  # noqa: A002
    target = as_tensor(target, input)
    if target.shape != input.shape:
        shapes = (tuple(input.shape), tuple(target.shape))
        if len(shapes[0]) == 2 and shapes[0][1] == 1 and shapes[1] == shapes[0][:1]:
            hint = ("a (N, 1) output against an (N,) target broadcasts to (N, N); "
                    "use output.squeeze(1) or target.unsqueeze(1).")
        else:
            hint = "give the target the input's shape (reshape, squeeze or unsqueeze one of them)."
        message = f"{name}: the target's shape {shapes[1]} differs from the input's {shapes[0]}. Hint: {hint}"
        if same_shape:
            raise ValueError(message)
        try:
            np.broadcast_shapes(*shapes)
        except ValueError:  # PyTorch raises too, in words about "tensor a" and "tensor b"
            raise RuntimeError(f"{name}: the input {shapes[0]} and the target {shapes[1]} cannot be broadcast "
                               f"together. Hint: {hint}") from None
        warnings.warn(message + " It will be broadcast, as PyTorch does.", stacklevel=3)
    return target


def mse_loss(input: Tensor, target, reduction: str = "mean") -> Tensor:  # noqa: A002
    """(input - target)**2, reduced (one node, loss_ops.MseLossFunction)."""
    check_reduction(reduction, "mse_loss")
    return MseLossFunction.apply(input, as_target(target, input, "mse_loss", same_shape=False), reduction=reduction)


def l1_loss(input: Tensor, target, reduction: str = "mean") -> Tensor:  # noqa: A002
    """|input - target|, reduced."""
    return reduce_loss((input - as_target(target, input, "l1_loss", same_shape=False)).abs(), reduction, "l1_loss")


BCE_EPSILON = 1e-12  # PyTorch's: the gradient's denominator is at least this


def clamped_log(x: Tensor) -> Tensor:
    """max(log(x), -100), as binary_cross_entropy clamps it, with PyTorch's finite gradient.

    PyTorch's BCE gradient is (p - t) / max(p (1 - p), 1e-12), so at p = 1, t = 0 it is
    1e12, not 0 or inf. Here: where x > 1e-12 the value and slope are log's own; at or
    below it the value is the constant max(log(x), -100) and the slope is 1 / 1e-12,
    added as (x - x.detach()) / 1e-12, which is 0 in value. Log never sees x <= 1e-12,
    so its backward never divides by 0 (which would give NaN after the clamp)."""
    keep = x._data > BCE_EPSILON
    with np.errstate(divide="ignore", invalid="ignore"):  # log(0) = -inf, clamped to -100
        clamped = Tensor._wrap(np.maximum(np.log(x._data), -100).astype(x._data.dtype))
    keep = Tensor._wrap(keep)
    slope = (x - x.detach()) * (1 / BCE_EPSILON)
    return x.where(keep, 1.0).log().where(keep, clamped + slope)


def binary_cross_entropy(input: Tensor, target, weight=None, reduction: str = "mean") -> Tensor:  # noqa: A002
    """-w * (t * log(p) + (1 - t) * log(1 - p)), each log clamped at -100 as PyTorch does
    (so p = 0 or 1 gives a large finite loss, not Inf). `input` holds probabilities:
    for raw scores use binary_cross_entropy_with_logits, which is more stable."""
    target = as_target(target, input, "binary_cross_entropy", same_shape=True)
    if target.dtype != input.dtype:  # PyTorch: "Found dtype Long but expected Float"
        raise RuntimeError(f"binary_cross_entropy: the target's dtype {target.dtype} differs from the input's "
                           f"{input.dtype}. Hint: make the labels floats of the output's dtype, e.g. "
                           "full((N,), 1.0) rather than full((N,), 1), or target.to(input.dtype).")
    if input._data.size and (input._data.min() < 0 or input._data.max() > 1):
        raise RuntimeError("binary_cross_entropy: all elements of input should be between 0 and 1. "
                           "Hint: apply sigmoid first, or use binary_cross_entropy_with_logits on the logits.")
    if target._data.size and (target._data.min() < 0 or target._data.max() > 1):
        raise RuntimeError(f"binary_cross_entropy: all elements of target should be between 0 and 1, got "
                           f"values from {target._data.min()} to {target._data.max()}. Hint: targets are "
                           "probabilities (class labels 0 and 1).")
    loss = -(target * clamped_log(input) + (1 - target) * clamped_log(1 - input))
    if weight is not None:
        loss = loss * weight
    return reduce_loss(loss, reduction, "binary_cross_entropy")


def binary_cross_entropy_with_logits(input: Tensor, target, weight=None, reduction: str = "mean",  # noqa: A002
                                     pos_weight=None) -> Tensor:
    """binary_cross_entropy(sigmoid(x), t), computed stably from the logits x:
        loss = (1 - t) * x + l * softplus(-x),   l = 1 + (pos_weight - 1) * t,
        softplus(-x) = log(1 + exp(-x)) = m + log(exp(-m) + exp(-x - m)),   m = max(-x, 0),
    where both exps see arguments <= 0, so logits of +-500 are fine. m is held
    constant (as logsumexp's max is): it cancels out of the value, and a
    relu or abs in the graph would give the wrong slope (0, not -1/2) at x = 0.
    Infinite logits are clamped to +-(largest float / 4) first, so the gradient stays finite
    (0 there); PyTorch gives a NaN loss at x = -inf."""
    target = as_target(target, input, "binary_cross_entropy_with_logits", same_shape=True)
    if not target.is_floating_point():  # PyTorch refuses them too, in words about casting
        raise RuntimeError(f"binary_cross_entropy_with_logits: the target must be floating point (probabilities), "
                           f"got {target.dtype}. Hint: target.float()")
    if np.isinf(input._data).any():
        big = float(np.finfo(input._data.dtype).max) / 4
        input = input.clamp(-big, big)
    if weight is None and pos_weight is None:  # the common case in one node (loss_ops)
        check_reduction(reduction, "binary_cross_entropy_with_logits")
        return BinaryCrossEntropyWithLogitsFunction.apply(input, target, reduction=reduction)
    m = (-input).detach().relu()
    softplus_neg = m + ((-m).exp() + (-input - m).exp()).log()
    log_weight = 1 if pos_weight is None else 1 + (pos_weight - 1) * target
    loss = (1 - target) * input + log_weight * softplus_neg
    if weight is not None:
        loss = loss * weight
    return reduce_loss(loss, reduction, "binary_cross_entropy_with_logits")


def class_targets(target, name: str) -> np.ndarray:
    target = target._data if isinstance(target, Tensor) else np.asarray(target)
    if not np.issubdtype(target.dtype, np.integer):
        raise RuntimeError(f"{name}: the target must hold class indices (integers), got dtype {target.dtype}. "
                           "Hint: target.long(); for class probabilities pass a float target of the "
                           "input's shape to cross_entropy.")
    check_index_dtype(target, name)
    return target


def check_scores(input: Tensor, name: str) -> None:  # noqa: A002
    """Scores (logits or log-probabilities) must be floats: integer ones would give an integer, wrong loss."""
    if not input.is_floating_point():  # PyTorch: '"log_softmax_lastdim_kernel_impl" not implemented for 'Long''
        raise RuntimeError(f"{name}: the input (scores over classes) must be floating point, got {input.dtype} "
                           f"of shape {tuple(input.shape)}. Hint: input.float()")


def check_index_dtype(target: np.ndarray, name: str) -> None:
    """Class indices must be int64 (or uint8), as PyTorch's kernels demand: an int32 target that worked
    here would fail there."""
    if target.dtype.kind in "iu" and target.dtype not in (np.int64, np.uint8):
        raise RuntimeError(f"{name}: expected target dtype to be Long or Byte, but got "
                           f"{to_dtype(target.dtype).legacy_name}. Hint: target.long()")


def nll_loss(input: Tensor, target, weight=None, ignore_index: int = -100,  # noqa: A002
             reduction: str = "mean") -> Tensor:
    """-w[y] * input[y] per sample, where input holds log-probabilities over classes
    (dim 1, or dim 0 for a single sample) and y is the target class. 'mean' divides
    by the sum of w[y] over the samples whose target is not ignore_index."""
    check_scores(input, "nll_loss")
    target = class_targets(target, "nll_loss")
    log_probs = input.unsqueeze(0) if input.ndim == 1 else input
    single = input.ndim == 1
    if single:
        target = target.reshape(1)
    n_classes = log_probs.shape[1]
    expected = (log_probs.shape[0], *log_probs.shape[2:])
    if target.shape != expected:
        hint = ""
        if input.ndim > 2 and target.shape == tuple(input.shape[:-1]):  # GPT's (B, T, C) logits, (B, T) targets
            hint = (". Hint: the classes are dim 1, not the last: flatten both, as in logits.view(B*T, C) "
                    "with targets.view(B*T), or move the classes with logits.transpose(1, 2)")
        raise RuntimeError(f"nll_loss: input {tuple(input.shape)} needs a target of shape {tuple(expected)} "
                           f"(one class index per sample), got {tuple(target.shape)}{hint}")
    valid = target != ignore_index
    bad = valid & ((target < 0) | (target >= n_classes))
    if bad.any():
        raise IndexError(f"nll_loss: target {int(target[bad][0])} is out of bounds for {n_classes} classes "
                         f"(valid: 0 to {n_classes - 1}, or ignore_index={ignore_index})")
    if weight is None and reduction != "none" and log_probs.ndim == 2 and valid.all() and target.size:
        # The common case (every sample counts, weight 1) in one node: -mean (or sum) of the picked values.
        check_reduction(reduction, "nll_loss")
        return NllLossFunction.apply(log_probs, target=target, reduction=reduction)
    safe = np.where(valid, target, 0)
    if log_probs.ndim > 2:  # (N, C, d1, ...) -> (N * d1 * ..., C)
        log_probs = log_probs.permute(0, *range(2, log_probs.ndim), 1).reshape(-1, n_classes)
    picked = log_probs[np.arange(safe.size), safe.reshape(-1)].reshape(safe.shape)
    w = valid.astype(input.dtype)
    if weight is not None:
        w = w * np.asarray(weight._data if isinstance(weight, Tensor) else weight, dtype=input.dtype)[safe]
    loss = -picked * w
    if reduction == "mean":
        total = float(w.sum())
        # All ignored: the value is 0/0 = NaN as in PyTorch, but added as a constant, so the
        # gradient stays 0 (every sample's weight is 0) instead of 0 * NaN.
        return loss.sum() / total if total else loss.sum() + float("nan")
    loss = reduce_loss(loss, reduction, "nll_loss")
    return loss.reshape(()) if single and reduction == "none" else loss


def fused_applies(input: Tensor, target: np.ndarray, weight, ignore_index: int, reduction: str,  # noqa: A002
                  label_smoothing: float) -> bool:
    """True when cross_entropy is one CrossEntropyFunction node: (N, C) logits, N class indices
    all in range and none ignored, no weight or label smoothing, a mean or a sum."""
    shape = input._data.shape  # (the array's: a Tensor's .shape makes a Size)
    if len(shape) != 2 or weight is not None or label_smoothing != 0 or reduction not in ("mean", "sum"):
        return False
    if target.dtype.kind not in "iu" or target.shape != shape[:1] or target.size == 0:
        return False
    low, high = target.min(), target.max()
    if low < 0 or high >= shape[1]:
        return False  # the general path says which target is out of range
    return not (low <= ignore_index <= high and (target == ignore_index).any())


def cross_entropy(input: Tensor, target, weight=None, ignore_index: int = -100, reduction: str = "mean",  # noqa: A002
                  label_smoothing: float = 0.0) -> Tensor:
    """nll_loss(log_softmax(input, dim=1), target): -log of the probability of the right class.

    With label smoothing e over C classes (PyTorch's formula):
        (1 - e) * nll + e / C * smooth,   smooth = -sum_c w[c] * log_softmax(input)[c],
    smooth reduced like nll (ignored samples count 0; 'mean' divides by the same
    weight sum). A float target of the input's shape holds class probabilities.
    Stable for logits of +-1000: log_softmax subtracts the max first.
    """
    if not 0.0 <= label_smoothing <= 1.0:
        raise ValueError(f"cross_entropy: label_smoothing must be between 0 and 1, got {label_smoothing}")
    check_scores(input, "cross_entropy")
    class_dim = 0 if input._data.ndim == 1 else 1
    n_classes = input._data.shape[class_dim]
    target_array = target._data if isinstance(target, Tensor) else np.asarray(target)
    check_index_dtype(target_array, "cross_entropy")
    if (np.issubdtype(target_array.dtype, np.floating) and target_array.shape != input._data.shape
            and target_array.shape == input._data.shape[:class_dim] + input._data.shape[class_dim + 1:]):
        # the shape of class indices in a float dtype: the learner meant indices, not probabilities
        raise RuntimeError(f"cross_entropy: the target of shape {target_array.shape} holds floats "
                           f"({target_array.dtype}); class indices must be integers. Hint: target.long(). "
                           "(A float target is read as class probabilities and must have the input's shape "
                           f"{tuple(input.shape)}.)")
    if fused_applies(input, target_array, weight, ignore_index, reduction, label_smoothing):
        return CrossEntropyFunction.apply(input, target=target_array, reduction=reduction)
    log_probs = input.log_softmax(class_dim)  # one node (ops.LogSoftmaxFunction), not eleven
    w_shape = (-1,) + (1,) * (input.ndim - class_dim - 1)
    w = None if weight is None else Tensor._wrap(
        np.asarray(weight._data if isinstance(weight, Tensor) else weight, dtype=input.dtype).reshape(w_shape))
    if np.issubdtype(target_array.dtype, np.floating):  # class probabilities (differentiable too)
        if target_array.shape != input.shape:
            raise RuntimeError(f"cross_entropy: a probability target must have the input's shape {tuple(input.shape)}, "
                               f"got {target_array.shape}")
        probs = lift(target, input) * (1 - label_smoothing) + label_smoothing / n_classes
        weighted = log_probs * probs if w is None else log_probs * probs * w
        loss = -weighted.sum(class_dim)
        if reduction == "mean":
            return loss.sum() / max(loss._data.size, 1)
        return reduce_loss(loss, reduction, "cross_entropy")
    nll = nll_loss(log_probs, target_array, weight, ignore_index, reduction)
    if label_smoothing == 0:
        return nll
    ignored = Tensor._wrap(np.asarray(target_array == ignore_index))
    smooth = -(log_probs if w is None else log_probs * w).sum(class_dim)
    smooth = smooth.where(~ignored, 0.0)
    if reduction == "mean":
        kept = target_array[target_array != ignore_index]
        total = float(np.asarray(w._data).reshape(-1)[kept].sum()) if w is not None else float(kept.size)
        smooth = smooth.sum() / total if total else smooth.sum() + float("nan")  # NaN, gradient 0: see nll_loss
    else:
        smooth = reduce_loss(smooth, reduction, "cross_entropy")
    return nll * (1 - label_smoothing) + smooth * (label_smoothing / n_classes)


# ---------------------------------------------------------------- robust regression, divergence, margins

def smooth_l1_loss(input: Tensor, target, size_average=None, reduce=None, reduction: str = "mean",  # noqa: A002
                   beta: float = 1.0) -> Tensor:
    """0.5 * d**2 / beta where |d| < beta, else |d| - 0.5 * beta (d = input - target): quadratic
    near 0, linear beyond beta, with the slope d / beta = sign(d) continuous at |d| = beta.
    beta = 0 is l1_loss."""
    if beta < 0:
        raise RuntimeError(f"smooth_l1_loss does not support negative values for beta (got {beta}).")
    reduction = legacy_reduction(size_average, reduce, reduction)
    diff = input - as_target(target, input, "smooth_l1_loss", same_shape=False)
    if beta == 0:
        return reduce_loss(diff.abs(), reduction, "smooth_l1_loss")
    size = diff.abs()
    return reduce_loss((diff * diff * (0.5 / beta)).where(size < beta, size - 0.5 * beta), reduction, "smooth_l1_loss")


def huber_loss(input: Tensor, target, reduction: str = "mean", delta: float = 1.0, weight=None) -> Tensor:  # noqa: A002
    """0.5 * d**2 where |d| < delta, else delta * (|d| - 0.5 * delta): smooth_l1_loss times delta
    (with beta = delta). `weight` multiplies each element's loss before the reduction."""
    if delta <= 0:
        raise RuntimeError(f"huber_loss does not support non-positive values for delta (got {delta}).")
    diff = input - as_target(target, input, "huber_loss", same_shape=False)
    size = diff.abs()
    loss = (diff * diff * 0.5).where(size < delta, (size - 0.5 * delta) * delta)
    if weight is not None:
        loss = loss * weight
    return reduce_loss(loss, reduction, "huber_loss")


def kl_div(input: Tensor, target, size_average=None, reduce=None, reduction: str = "mean",  # noqa: A002
           log_target: bool = False) -> Tensor:
    """The Kullback-Leibler divergence of the input from the target, elementwise, PyTorch's way
    round: `input` holds log-probabilities, `target` probabilities (log-probabilities with
    log_target=True):  t * (log t - input), 0 where t = 0 (as xlogy), NaN where t < 0.
    reduction='batchmean' divides the sum by the batch size (input.shape[0]): the true KL
    divergence per sample. 'mean' divides by the number of elements, and PyTorch warns about it."""
    reduction = legacy_reduction(size_average, reduce, reduction)
    if reduction not in ("mean", "batchmean", "sum", "none"):
        raise ValueError(f"kl_div: {reduction!r} is not a valid value for reduction ('mean', 'batchmean', 'sum' "
                         "or 'none')")
    target = as_tensor(target, input)
    if log_target:
        loss = target.exp() * (target - input)
    else:
        loss = target * target.where(target != 0, 1.0).log() - target * input
    if reduction == "mean":
        warnings.warn("reduction: 'mean' divides the total loss by both the batch size and the support size."
                      "'batchmean' divides only by the batch size, and aligns with the KL div math definition."
                      "'mean' will be changed to behave the same as 'batchmean' in the next major release.",
                      stacklevel=2)
    if reduction == "batchmean":
        return loss.sum() / input.shape[0] if input.ndim else loss.sum()
    return reduce_loss(loss, reduction, "kl_div")


def margin_ranking_loss(input1: Tensor, input2: Tensor, target, margin: float = 0.0, size_average=None,
                        reduce=None, reduction: str = "mean") -> Tensor:
    """max(0, -y * (x1 - x2) + margin): y = 1 asks for x1 > x2 by at least margin, y = -1 for x2 > x1.
    At the corner (the margin met exactly) the slope is the line's, as PyTorch's clamp_min."""
    target = as_tensor(target, input1)
    if not input1.ndim == input2.ndim == target.ndim:
        raise RuntimeError(f"margin_ranking_loss: All input tensors should have same dimension but got sizes: "
                           f"input1: {tuple(input1.shape)}, input2: {tuple(input2.shape)}, target: "
                           f"{tuple(target.shape)}")
    reduction = legacy_reduction(size_average, reduce, reduction)
    loss = (-target * (input1 - input2) + margin).clamp_min(0)
    return reduce_loss(loss, reduction, "margin_ranking_loss")


def soft_margin_loss(input: Tensor, target, size_average=None, reduce=None, reduction: str = "mean") -> Tensor:  # noqa: A002
    """log(1 + exp(-y * x)) for labels y = +-1: a smooth hinge. As PyTorch's, it is not guarded
    against overflow: -y * x beyond ~88 (float32) gives inf, and it refuses a target that requires
    grad (PyTorch's has no derivative for the labels; the other losses here take one)."""
    reduction = legacy_reduction(size_average, reduce, reduction)
    target = as_target(target, input, "soft_margin_loss", same_shape=False)
    if target.requires_grad and Mode.grad_enabled:
        raise RuntimeError("soft_margin_loss: the function is not differentiable with respect to argument 'target' "
                           "(labels +1 and -1), so it cannot require grad, as in PyTorch. Hint: pass target.detach(), "
                           "or compute the loss under no_grad()")
    return reduce_loss((-target * input).exp().log1p(), reduction, "soft_margin_loss")


def triplet_margin_loss(anchor: Tensor, positive: Tensor, negative: Tensor, margin: float = 1.0, p: float = 2,
                        eps: float = 1e-6, swap: bool = False, size_average=None, reduce=None,
                        reduction: str = "mean") -> Tensor:
    """max(d(a, p) - d(a, n) + margin, 0), d = pairwise_distance (p-norm, eps added to each
    difference): the anchor should be nearer its positive than its negative by the margin.
    swap=True measures the negative from whichever of anchor and positive is nearer it."""
    reduction = legacy_reduction(size_average, reduce, reduction)
    return triplet_hinge(anchor, positive, negative, lambda x1, x2: pairwise_distance(x1, x2, p, eps), margin, swap,
                         reduction, "triplet_margin_loss")


def triplet_hinge(anchor: Tensor, positive: Tensor, negative: Tensor, distance, margin: float, swap: bool,
                  reduction: str, name: str) -> Tensor:
    """max(distance(a, p) - distance(a, n) + margin, 0), reduced; with swap, distance(a, n) is replaced by
    min(distance(a, n), distance(p, n)). Shared by triplet_margin_loss and triplet_margin_with_distance_loss."""
    if margin <= 0:
        raise ValueError(f"{name}: margin must be greater than 0, got {margin}")
    if not anchor.ndim == positive.ndim == negative.ndim:
        raise RuntimeError(f"{name}: The anchor, positive, and negative tensors are expected to have "
                           f"the same number of dimensions, but got: anchor {anchor.ndim}D, positive "
                           f"{positive.ndim}D, and negative {negative.ndim}D inputs")
    to_positive = distance(anchor, positive)
    to_negative = distance(anchor, negative)
    if swap:
        to_negative = to_negative.minimum(distance(positive, negative))
    return reduce_loss((to_positive - to_negative + margin).clamp_min(0), reduction, name)
