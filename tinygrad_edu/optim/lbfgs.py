"""L-BFGS: a quasi-Newton method that steps along an estimate of H^-1 g, PyTorch's torch.optim.LBFGS.

Unlike SGD or Adam, one `step(closure)` is a small optimization of its own: it evaluates the loss
and gradient (through `closure`) up to `max_eval` times and moves the parameters up to `max_iter`
times. So it needs the closure, a function that clears the gradients, recomputes the loss, calls
backward and returns the loss:

    opt = LBFGS(model.parameters(), line_search_fn="strong_wolfe")
    def closure():
        opt.zero_grad()
        loss = F.mse_loss(model(x), y)
        loss.backward()
        return loss
    for _ in range(10):
        opt.step(closure)

As PyTorch's, it sees all parameters as one flat vector x (their gradients as one flat g), so it
takes one parameter group only, and it keeps one state for the whole vector, stored under the
first parameter (opt.state[first_param]: 'func_evals', 'n_iter', 'd', 't', 'old_dirs', 'old_stps',
'ro', 'H_diag', 'prev_flat_grad', 'prev_loss', 'al'). The algorithm below runs on NumPy arrays
and follows PyTorch's code line by line, so it makes the same iterates.
"""

from __future__ import annotations

import warnings
from typing import Any, Callable, Iterable

import numpy as np

from ..autograd import enable_grad
from ..tensor import Tensor
from .optimizer import Optimizer, ParameterName, check_hyper

__all__ = ["LBFGS", "two_loop_recursion"]

CLOSURE_EXAMPLE = ("    def closure():\n"
                   "        opt.zero_grad()\n"
                   "        loss = loss_fn(model(x), y)\n"
                   "        loss.backward()\n"
                   "        return loss\n"
                   "    opt.step(closure)")


# ---------------------------------------------------------------- the line search
def cubic_interpolate(x1, f1, g1, x2, f2, g2, bounds=None):
    """The minimizer of the cubic through (x1, f1) and (x2, f2) with slopes g1 and g2, clamped
    to `bounds` (default: the interval between x1 and x2); the interval's middle if the cubic
    has no minimum. PyTorch's _cubic_interpolate (from Torch7's polyinterp.lua)."""
    if bounds is not None:
        xmin_bound, xmax_bound = bounds
    else:
        xmin_bound, xmax_bound = (x1, x2) if x1 <= x2 else (x2, x1)
    # The cubic's stationary points: d1 = g1 + g2 - 3 (f1 - f2) / (x1 - x2), d2 = sqrt(d1^2 - g1 g2)
    d1 = g1 + g2 - 3 * (f1 - f2) / (x1 - x2)
    d2_square = d1 ** 2 - g1 * g2
    if d2_square >= 0:
        d2 = np.sqrt(d2_square)
        if x1 <= x2:
            min_pos = x2 - (x2 - x1) * ((g2 + d2 - d1) / (g2 - g1 + 2 * d2))
        else:
            min_pos = x1 - (x1 - x2) * ((g1 + d2 - d1) / (g1 - g2 + 2 * d2))
        return min(max(min_pos, xmin_bound), xmax_bound)
    return (xmin_bound + xmax_bound) / 2.0


def strong_wolfe(obj_func, x, t, d, f, g, gtd, c1=1e-4, c2=0.9, tolerance_change=1e-9, max_ls=25):
    """A step length t along d that satisfies the strong Wolfe conditions,
        f(x + t d) <= f + c1 t gtd      (sufficient decrease, "Armijo")
        |g(x + t d) . d| <= -c2 gtd     (the slope has flattened enough),
    where f, g are the loss and gradient at x and gtd = g . d < 0. obj_func(x, t, d) gives
    (loss, flat gradient) at x + t d. Returns (loss, gradient, t, evaluations).

    Two phases, as PyTorch's _strong_wolfe (from Torch7's lswolfe.lua): grow t until an
    interval [t_prev, t] must hold such a point (a "bracket"), then shrink the bracket by
    cubic interpolation ("zoom") until a point satisfies both conditions."""
    d_norm = np.abs(d).max()
    g = g.copy()
    f_new, g_new = obj_func(x, t, d)
    ls_func_evals = 1
    gtd_new = g_new @ d

    # Phase 1: bracket an interval containing a point satisfying the Wolfe criteria
    t_prev, f_prev, g_prev, gtd_prev = 0, f, g, gtd
    done = False
    ls_iter = 0
    while ls_iter < max_ls:
        if f_new > (f + c1 * t * gtd) or (ls_iter > 1 and f_new >= f_prev):
            # not enough decrease: a good point lies between t_prev and t
            bracket, bracket_f, bracket_g = [t_prev, t], [f_prev, f_new], [g_prev, g_new]
            bracket_gtd = [gtd_prev, gtd_new]
            break
        if abs(gtd_new) <= -c2 * gtd:
            # both conditions hold at t: done
            bracket, bracket_f, bracket_g = [t], [f_new], [g_new]
            done = True
            break
        if gtd_new >= 0:
            # the slope turned positive: the minimum along d lies between t_prev and t
            bracket, bracket_f, bracket_g = [t_prev, t], [f_prev, f_new], [g_prev, g_new]
            bracket_gtd = [gtd_prev, gtd_new]
            break
        # still going down steeply: try a longer step, between 1.01 t and 10 t, by interpolation
        min_step = t + 0.01 * (t - t_prev)
        max_step = t * 10
        tmp = t
        t = cubic_interpolate(t_prev, f_prev, gtd_prev, t, f_new, gtd_new, bounds=(min_step, max_step))
        t_prev, f_prev, g_prev, gtd_prev = tmp, f_new, g_new, gtd_new
        f_new, g_new = obj_func(x, t, d)
        ls_func_evals += 1
        gtd_new = g_new @ d
        ls_iter += 1

    if ls_iter >= max_ls:  # out of evaluations: bracket [0, t]
        bracket, bracket_f, bracket_g, bracket_gtd = [0, t], [f, f_new], [g, g_new], [gtd, gtd_new]

    # Phase 2 (zoom): shrink the bracket until a point in it satisfies both conditions.
    # bracket[low_pos] is the end with the lower loss.
    insuf_progress = False
    low_pos, high_pos = (0, 1) if bracket_f[0] <= bracket_f[-1] else (1, 0)
    while not done and ls_iter < max_ls:
        if abs(bracket[1] - bracket[0]) * d_norm < tolerance_change:  # the bracket is too small to shrink
            break
        t = cubic_interpolate(bracket[0], bracket_f[0], bracket_gtd[0], bracket[1], bracket_f[1], bracket_gtd[1])

        # If t falls within 10% of the bracket's length from one of its ends, twice in a row or
        # right on an end, the bracket barely shrinks: move t to 10% away from that end.
        eps = 0.1 * (max(bracket) - min(bracket))
        if min(max(bracket) - t, t - min(bracket)) < eps:
            if insuf_progress or t >= max(bracket) or t <= min(bracket):
                if abs(t - max(bracket)) < abs(t - min(bracket)):
                    t = max(bracket) - eps
                else:
                    t = min(bracket) + eps
                insuf_progress = False
            else:
                insuf_progress = True
        else:
            insuf_progress = False

        f_new, g_new = obj_func(x, t, d)
        ls_func_evals += 1
        gtd_new = g_new @ d
        ls_iter += 1

        if f_new > (f + c1 * t * gtd) or f_new >= bracket_f[low_pos]:
            # not enough decrease, or not below the low end: t becomes the high end
            bracket[high_pos], bracket_f[high_pos], bracket_g[high_pos], bracket_gtd[high_pos] = \
                t, f_new, g_new, gtd_new
            low_pos, high_pos = (0, 1) if bracket_f[0] <= bracket_f[1] else (1, 0)
        else:
            if abs(gtd_new) <= -c2 * gtd:
                done = True  # the Wolfe conditions hold at t
            elif gtd_new * (bracket[high_pos] - bracket[low_pos]) >= 0:
                # the slope at t points towards the high end: the old low end becomes the high end
                bracket[high_pos], bracket_f[high_pos], bracket_g[high_pos], bracket_gtd[high_pos] = \
                    bracket[low_pos], bracket_f[low_pos], bracket_g[low_pos], bracket_gtd[low_pos]
            # t becomes the low end
            bracket[low_pos], bracket_f[low_pos], bracket_g[low_pos], bracket_gtd[low_pos] = t, f_new, g_new, gtd_new

    return bracket_f[low_pos], bracket_g[low_pos], bracket[low_pos], ls_func_evals


# ---------------------------------------------------------------- the direction
def two_loop_recursion(flat_grad, old_dirs, old_stps, ro, H_diag, al):
    """d = -H g without forming H, the L-BFGS estimate of the inverse Hessian: start from
    H_0 = H_diag * I and apply the BFGS update for each stored pair (s_i = old_stps[i],
    y_i = old_dirs[i], ro[i] = 1 / (y_i . s_i)), oldest first,

        H = (I - ro_i s_i y_i^T) H (I - ro_i y_i s_i^T) + ro_i s_i s_i^T,

    which makes H y_i = s_i for the newest pair: H maps a change of gradient to the move that
    caused it, as the true inverse Hessian does. The two loops apply that product to g with
    dot products only, O(history * n) work. `al` (the first loop's coefficients) is filled in."""
    num_old = len(old_dirs)
    q = -flat_grad
    for i in range(num_old - 1, -1, -1):  # newest to oldest: peel the pairs' factors off
        al[i] = (old_stps[i] @ q) * ro[i]
        q -= al[i] * old_dirs[i]
    d = r = q * H_diag  # times the initial inverse Hessian H_0
    for i in range(num_old):  # oldest to newest: put them back
        be_i = (old_dirs[i] @ r) * ro[i]
        r += (al[i] - be_i) * old_stps[i]
    return d


# ---------------------------------------------------------------- the optimizer
class LBFGS(Optimizer):
    """L-BFGS (Liu & Nocedal), PyTorch's formulation, on x = all parameters as one flat vector.

    At each iteration, with gradient g, the direction is d = -H g, where H approximates the
    inverse Hessian from the last `history_size` pairs s = x_new - x_old, y = g_new - g_old
    (the "two-loop recursion" below; no matrix is formed). Then x moves to x + t d, where

        t = min(1, 1 / |g|_1) * lr   (the first iteration ever: a cautious gradient step)
        t = lr                       (later iterations)

    or, with line_search_fn="strong_wolfe", t is searched for along d starting from that value.
    One step(closure) runs up to max_iter iterations and max_eval evaluations of the closure,
    and stops early when |g|_inf <= tolerance_grad, or when the step |t d|_inf, the loss change
    or the directional derivative g . d falls below tolerance_change.
    """

    def __init__(self, params: Iterable, lr: float = 1, max_iter: int = 20, max_eval: int | None = None,
                 tolerance_grad: float = 1e-7, tolerance_change: float = 1e-9, history_size: int = 100,
                 line_search_fn: str | None = None):
        check_hyper("learning rate", lr)
        if line_search_fn not in (None, "strong_wolfe"):  # PyTorch raises this at the first step
            raise RuntimeError(f"LBFGS: line_search_fn={line_search_fn!r}, but only 'strong_wolfe' is supported. "
                               "Hint: line_search_fn='strong_wolfe', or None for fixed steps of lr.")
        if max_eval is None:
            max_eval = max_iter * 5 // 4
        super().__init__(params, dict(lr=lr, max_iter=max_iter, max_eval=max_eval, tolerance_grad=tolerance_grad,
                                      tolerance_change=tolerance_change, history_size=history_size,
                                      line_search_fn=line_search_fn))
        self._params = self.param_groups[0]["params"]

    def add_param_group(self, param_group: dict[str, Any]) -> None:
        if self.param_groups:
            raise ValueError("LBFGS doesn't support per-parameter options (parameter groups): it optimizes all its "
                             "parameters as one vector, with one set of options. Hint: pass them all in one list, "
                             "LBFGS(list(model_a.parameters()) + list(model_b.parameters())).")
        super().add_param_group(param_group)

    # ------------------------------------------------------------ the parameters as one flat vector
    def _gather_flat_grad(self) -> np.ndarray:
        """All gradients, checked as every optimizer checks them, in one flat vector (a missing
        gradient counts as zeros, as in PyTorch)."""
        group = self.param_groups[0]
        views = []
        for i, p in enumerate(self._params):
            if p._grad is None:
                views.append(np.zeros(p._data.size, dtype=p._data.dtype))
            else:
                views.append(self.checked_grad(p, group, ParameterName(self, p, 0, i)).reshape(-1))
        return np.concatenate(views)

    def _add_grad(self, step_size, update: np.ndarray) -> None:
        """x = x + step_size * update, each parameter in place from its slice of `update`."""
        offset = 0
        for p in self._params:
            numel = p._data.size
            p._data += step_size * update[offset:offset + numel].reshape(p._data.shape)
            p._bump_version()  # the data changed: a graph that saved it can tell
            offset += numel

    def _clone_param(self) -> list[np.ndarray]:
        return [p._data.copy() for p in self._params]

    def _set_param(self, params_data: list[np.ndarray]) -> None:
        for p, data in zip(self._params, params_data):
            p._data[...] = data
            p._bump_version()

    def _evaluate(self, closure: Callable[[], Any]) -> tuple[Any, float]:
        """closure() (with gradients recorded, even under no_grad) and its loss as a float."""
        with enable_grad():
            loss = closure()
        try:
            return loss, float(loss)
        except TypeError:
            raise TypeError(f"LBFGS.step: the closure returned {type(loss).__name__}, not the loss. Hint: end it "
                            f"with `return loss`:\n{CLOSURE_EXAMPLE}") from None

    def _directional_evaluate(self, closure, x: list[np.ndarray], t, d: np.ndarray) -> tuple[float, np.ndarray]:
        """Loss and flat gradient at x + t d, for the line search; the parameters go back to x."""
        self._add_grad(t, d)
        loss = self._evaluate(closure)[1]
        flat_grad = self._gather_flat_grad()
        self._set_param(x)
        return loss, flat_grad

    # ------------------------------------------------------------ the step
    def step(self, closure: Callable[[], Any] | None = None):
        """Run up to max_iter L-BFGS iterations on the loss that `closure` computes; returns the
        loss of the first evaluation (at the parameters as they were)."""
        if closure is None or not callable(closure):
            raise TypeError("LBFGS.step needs a closure: L-BFGS evaluates the loss and its gradient several times "
                            "per step, so it takes a function that clears the gradients, recomputes the loss, calls "
                            f"backward and returns the loss. Hint:\n{CLOSURE_EXAMPLE}")
        group = self.param_groups[0]
        self.check_group(0, group)
        lr, max_iter, max_eval = group["lr"], group["max_iter"], group["max_eval"]
        tolerance_grad, tolerance_change = group["tolerance_grad"], group["tolerance_change"]
        line_search_fn, history_size = group["line_search_fn"], group["history_size"]
        if line_search_fn not in (None, "strong_wolfe"):
            raise RuntimeError(f"LBFGS.step: line_search_fn={line_search_fn!r}, but only 'strong_wolfe' is "
                               "supported. Nothing was changed.")

        # LBFGS has one state for the whole vector, kept (as PyTorch's) under the first parameter
        state = self.state[self._params[0]]
        state.setdefault("func_evals", 0)
        state.setdefault("n_iter", 0)

        # evaluate the loss f(x) and its gradient g at the start
        orig_loss, loss = self._evaluate(closure)
        current_evals = 1
        state["func_evals"] += 1
        flat_grad = self._gather_flat_grad()
        if all(p._grad is None for p in self._params):
            warnings.warn("LBFGS.step: after the closure, no parameter has a .grad, so there is nothing to do. "
                          f"Hint: the closure must call loss.backward():\n{CLOSURE_EXAMPLE}", stacklevel=2)
        opt_cond = np.abs(flat_grad).max() <= tolerance_grad
        if opt_cond:  # already at a minimum (the gradient is ~0)
            self._step_count += 1
            return orig_loss

        # what the last step left (as arrays; the state keeps them as tensors)
        d, t = arrays(state.get("d")), number(state.get("t"))
        old_dirs, old_stps = arrays(state.get("old_dirs")), arrays(state.get("old_stps"))
        ro, H_diag = arrays(state.get("ro")), arrays(state.get("H_diag"))
        prev_flat_grad, prev_loss = arrays(state.get("prev_flat_grad")), state.get("prev_loss")
        al = arrays(state.get("al"))

        n_iter = 0
        while n_iter < max_iter:
            n_iter += 1
            state["n_iter"] += 1

            # ---- the direction d
            if state["n_iter"] == 1:
                # the very first iteration: no curvature known yet, go down the gradient
                d = -flat_grad
                old_dirs, old_stps, ro = [], [], []
                H_diag = 1
            else:
                # remember the last move s = t d and the change of gradient y it caused
                y = flat_grad - prev_flat_grad
                s = d * t
                ys = y @ s
                if ys > 1e-10:  # only pairs with positive curvature keep H positive definite
                    if len(old_dirs) == history_size:  # limited memory: forget the oldest pair
                        old_dirs.pop(0)
                        old_stps.pop(0)
                        ro.pop(0)
                    old_dirs.append(y)
                    old_stps.append(s)
                    ro.append(1.0 / ys)
                    H_diag = ys / (y @ y)  # the initial H is H_diag * I, scaled by the newest pair

                # d = -H g, H the inverse Hessian estimated from the pairs
                if al is None:
                    al = [None] * history_size  # the recursion's buffer, kept in the state as PyTorch's
                d = two_loop_recursion(flat_grad, old_dirs, old_stps, ro, H_diag, al)

            if prev_flat_grad is None:
                prev_flat_grad = flat_grad.copy()
            else:
                prev_flat_grad[...] = flat_grad
            prev_loss = loss

            # ---- the step length t
            if state["n_iter"] == 1:
                t = min(1.0, 1.0 / np.abs(flat_grad).sum()) * lr
            else:
                t = lr

            gtd = flat_grad @ d  # the directional derivative g . d
            if gtd > -tolerance_change:  # d does not go down (enough): stop
                break

            ls_func_evals = 0
            if line_search_fn == "strong_wolfe":
                # search t along d; the line search leaves x as it found it, then x moves by t d
                x_init = self._clone_param()

                def obj_func(x, t, d):
                    return self._directional_evaluate(closure, x, t, d)

                loss, flat_grad, t, ls_func_evals = strong_wolfe(obj_func, x_init, t, d, loss, flat_grad, gtd,
                                                                 max_ls=max_eval - current_evals)
                # (PyTorch passes no tolerance_change here: the line search uses its own 1e-9)
                self._add_grad(t, d)
                opt_cond = np.abs(flat_grad).max() <= tolerance_grad
            else:
                # a fixed step: x = x + t d
                self._add_grad(t, d)
                if n_iter != max_iter:
                    # re-evaluate, except after the last iteration (in a stochastic setting the
                    # next step's first evaluation is as good)
                    loss = self._evaluate(closure)[1]
                    flat_grad = self._gather_flat_grad()
                    opt_cond = np.abs(flat_grad).max() <= tolerance_grad
                    ls_func_evals = 1

            current_evals += ls_func_evals
            state["func_evals"] += ls_func_evals

            # ---- stop?
            if n_iter == max_iter:
                break
            if current_evals >= max_eval:
                break
            if opt_cond:  # the gradient is ~0
                break
            if np.abs(d * t).max() <= tolerance_change:  # x barely moved
                break
            if abs(loss - prev_loss) < tolerance_change:  # the loss barely changed
                break

        state["d"] = tensors(d)
        state["t"] = number(t)
        state["old_dirs"] = tensors(old_dirs)
        state["old_stps"] = tensors(old_stps)
        state["ro"] = tensors(ro)
        state["H_diag"] = tensors(H_diag)
        state["prev_flat_grad"] = tensors(prev_flat_grad)
        state["prev_loss"] = prev_loss
        if al is not None:
            state["al"] = tensors(al)
        self._step_count += 1
        return orig_loss

    # ------------------------------------------------------------ saving
    def check_state(self, param: Tensor, state: dict[str, Any] | None, group: dict[str, Any], name) -> None:
        """The state (under the first parameter) must fit these parameters: its vectors have as many
        entries as all parameters together, and the history lists have one entry per pair."""
        if not state:
            return
        numel = sum(p._data.size for p in self._params)
        problem = None
        for key in ("func_evals", "n_iter"):
            if not isinstance(state.get(key), (int, np.integer)):
                problem = f"{key!r} is {state.get(key)!r}, not a count"
        vectors = [("d", state.get("d")), ("prev_flat_grad", state.get("prev_flat_grad"))]
        vectors += [(f"{key}[{i}]", v) for key in ("old_dirs", "old_stps") for i, v in enumerate(state.get(key) or [])]
        for key, value in vectors:
            value = arrays(value)
            if value is not None and not (isinstance(value, np.ndarray) and value.shape == (numel,)):
                shape = tuple(value.shape) if isinstance(value, np.ndarray) else type(value).__name__
                problem = f"{key!r} is {shape}, not a vector of {numel} (all the parameters' entries)"
        lengths = {key: len(state.get(key) or []) for key in ("old_dirs", "old_stps", "ro")}
        if len(set(lengths.values())) > 1:
            problem = f"the history lists have different lengths {lengths}"
        if problem:
            raise RuntimeError(f"{name}: its LBFGS state does not fit: {problem}. Hint: the state was saved from "
                               "another model; build the optimizer on the same model, or start a fresh one. "
                               "Nothing was changed.")

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """As every optimizer's, and the history lists' vectors become fresh tensors of the
        parameters' dtype (the base casts and copies only the state's top-level values)."""
        dtype = self._params[0]._data.dtype
        state = {key: {name: [None if v is None else np.array(arrays(v), dtype=dtype) for v in value]
                       if isinstance(value, (list, tuple)) else value for name, value in saved.items()}
                 for key, saved in state_dict["state"].items()}
        super().load_state_dict({**state_dict, "state": state})
        for saved in self.state.values():
            for name, value in saved.items():
                if isinstance(value, list):
                    saved[name] = tensors(value)
                elif name in ("func_evals", "n_iter"):
                    saved[name] = int(arrays(value))


def arrays(value):
    """A state value as the algorithm uses it: a tensor's array (a list of them, element by element)."""
    if isinstance(value, (list, tuple)):
        return [arrays(v) for v in value]
    return value._data if isinstance(value, Tensor) else value


def tensors(value):
    """A value of the algorithm as the state keeps it, as PyTorch's: arrays and NumPy numbers become
    tensors (sharing the arrays), lists stay lists, Python numbers stay numbers."""
    if isinstance(value, list):
        return [tensors(v) for v in value]
    if isinstance(value, (np.ndarray, np.generic)):
        return Tensor._wrap(np.asarray(value))
    return value


def number(value):
    """The step length t as a Python float (None before the first step)."""
    value = arrays(value)
    return None if value is None else float(value)
