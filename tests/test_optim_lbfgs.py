"""optim.LBFGS: against PyTorch's torch.optim.LBFGS (when installed), and without it against what
L-BFGS must do: the first step written out, the two-loop recursion against the BFGS matrix formula,
finite termination on a quadratic, the known minima, the stopping rules and PyTorch's counting."""

import copy

import numpy as np
import pytest

import tinygrad_edu as tg
import tinygrad_edu.optim as optim
from tinygrad_edu.optim.lbfgs import cubic_interpolate, strong_wolfe, two_loop_recursion

STATE_KEYS = {"func_evals", "n_iter", "d", "t", "old_dirs", "old_stps", "ro", "H_diag", "prev_flat_grad",
              "prev_loss", "al"}  # torch 2.x's, written out, so a run without torch checks them too


# ---------------------------------------------------------------- problems, in float64, for either library
def rosenbrock(lib, x):
    """(1 - x)^2 + 100 (y - x^2)^2: minimum 0 at (1, 1), at the end of a long curved valley."""
    (p,) = x
    return (1 - p[0]) ** 2 + 100 * (p[1] - p[0] ** 2) ** 2


def rosenbrock_grad(x):
    a, b = x
    return np.array([-2 * (1 - a) - 400 * a * (b - a * a), 200 * (b - a * a)])


rng = np.random.default_rng(0)
X_LS, Y_LS = rng.standard_normal((30, 3)), rng.standard_normal(30)
X_LR = rng.standard_normal((40, 3))
Y_LR = (X_LR @ np.array([1.0, -2.0, 0.5]) + rng.standard_normal(40) > 0).astype(np.float64)  # not separable


def least_squares(lib, x):
    """mean((X w + b - y)^2): two parameters of different shapes, one flat vector for L-BFGS."""
    w, b = x
    return ((lib.tensor(X_LS) @ w + b - lib.tensor(Y_LS)) ** 2).mean()


def logistic(lib, x):
    w, b = x
    logits = lib.tensor(X_LR) @ w + b
    return lib.nn.functional.binary_cross_entropy_with_logits(logits, lib.tensor(Y_LR)) + 0.01 * (w * w).sum()


PROBLEMS = {
    "rosenbrock": (rosenbrock, [np.array([-1.2, 1.0])]),
    "rosenbrock_from_0": (rosenbrock, [np.array([0.0, 0.0])]),
    "least_squares": (least_squares, [np.array([0.5, -0.5, 1.0]), np.array([0.3])]),
    "logistic": (logistic, [np.array([0.0, 0.0, 0.0]), np.array([0.0])]),
}


def run(lib, make, problem, steps, **options):
    """`steps` calls of step(closure) of `make` (our LBFGS or torch's) on `problem`; returns the
    optimizer, the parameters, and after each step (the returned loss, the flat parameters, the state)."""
    loss_fn, x0 = PROBLEMS[problem] if isinstance(problem, str) else problem
    params = [lib.tensor(v.copy(), requires_grad=True) for v in x0]
    opt = make(params, **options)

    def closure():
        opt.zero_grad()
        loss = loss_fn(lib, params)
        loss.backward()
        return loss

    history = []
    for _ in range(steps):
        loss = opt.step(closure)
        flat = np.concatenate([p.detach().numpy().reshape(-1) for p in params])
        history.append((float(loss.detach()), flat, plain(opt.state[params[0]])))
    return opt, params, history


def plain(value):
    """A state value (ours or torch's) as NumPy arrays and numbers, lists kept, for comparing."""
    if isinstance(value, dict):
        return {key: plain(v) for key, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if hasattr(value, "detach"):
        return value.detach().numpy().copy()
    return value


def ours(params, **options):
    return optim.LBFGS(params, **options)


def closure_for(opt, loss_fn, params):
    return closure_any(opt, params, tg, loss_fn)


# ---------------------------------------------------------------- against PyTorch
# Rounding: PyTorch's add(alpha=) uses fused multiply-adds and its dot product its own BLAS, so single
# operations differ in the last bit. Rosenbrock's valley can magnify that (from some starts by 1e6 within
# a few steps); these starts and options keep both runs within 1e-10, and the counts are exactly equal.
OPTIONS = [{}, {"line_search_fn": "strong_wolfe"}, {"lr": 0.5, "history_size": 3, "max_iter": 6},
           {"line_search_fn": "strong_wolfe", "history_size": 2, "max_iter": 7}]
CASES = [("rosenbrock_from_0", o) for o in OPTIONS[:2] + OPTIONS[3:]] + [("rosenbrock", o) for o in OPTIONS[1:2]] + \
        [(p, o) for p in ("least_squares", "logistic") for o in OPTIONS]


@pytest.mark.parametrize("problem, options", CASES)
def test_matches_torch_step_by_step(problem, options):
    torch = pytest.importorskip("torch")
    _, _, mine = run(tg, ours, problem, 6, **options)
    _, _, theirs = run(torch, torch.optim.LBFGS, problem, 6, **options)
    for (loss, x, state), (their_loss, their_x, their_state) in zip(mine, theirs):
        assert abs(loss - their_loss) <= 1e-10
        np.testing.assert_allclose(x, their_x, rtol=0, atol=1e-10)
        assert set(state) == set(their_state) == STATE_KEYS
        assert (state["func_evals"], state["n_iter"]) == (their_state["func_evals"], their_state["n_iter"])
        for key in ("d", "t", "H_diag", "prev_flat_grad", "prev_loss"):
            np.testing.assert_allclose(state[key], their_state[key], rtol=1e-8, atol=1e-10, err_msg=key)
        for key in ("old_dirs", "old_stps", "ro"):
            assert len(state[key]) == len(their_state[key])
            np.testing.assert_allclose(np.array(state[key]), np.array(their_state[key]), rtol=1e-8, atol=1e-10)


@pytest.mark.parametrize("options", [{"tolerance_grad": 1e-2}, {"tolerance_change": 1e-3}, {"max_eval": 7},
                                     {"max_iter": 3}, {"lr": 1e-3, "max_iter": 2, "line_search_fn": "strong_wolfe"},
                                     {"tolerance_change": 1e-3, "line_search_fn": "strong_wolfe"},
                                     {"max_iter": 3, "max_eval": 5, "line_search_fn": "strong_wolfe"}])
def test_stops_where_torch_stops(options):
    torch = pytest.importorskip("torch")
    for problem in ("least_squares", "rosenbrock_from_0"):
        _, _, mine = run(tg, ours, problem, 3, **options)
        _, _, theirs = run(torch, torch.optim.LBFGS, problem, 3, **options)
        assert [(s["func_evals"], s["n_iter"]) for _, _, s in mine] == \
               [(s["func_evals"], s["n_iter"]) for _, _, s in theirs]
        np.testing.assert_allclose(mine[-1][1], theirs[-1][1], rtol=0, atol=1e-10)


def bumpy(x):
    """sum(log(1 + (x - c)^2)) + 0.05 sum(x^4): not convex, so the line search meets every case."""
    c = np.array([1.0, -0.5, 2.0])
    return float(np.log1p((x - c) ** 2).sum() + 0.05 * (x ** 4).sum()), 2 * (x - c) / (1 + (x - c) ** 2) + 0.2 * x ** 3


def wiggly(x):
    """x . x + sum(sin(5 x)): many dips, where the zoom's interpolation often lands near the bracket's
    ends and its safeguard (a point 10% inside the bracket) takes over."""
    return float(x @ x + np.sin(5 * x).sum()), 2 * x + 5 * np.cos(5 * x)


@pytest.mark.parametrize("objective, size", [(bumpy, 3), (wiggly, 1)])
def test_line_search_matches_torchs(objective, size):
    torch = pytest.importorskip("torch")
    from torch.optim.lbfgs import _cubic_interpolate, _strong_wolfe
    cases = np.random.default_rng(3)
    for _ in range(300):
        x = cases.uniform(-3, 3, size)
        f, g = objective(x)
        d = -g * cases.uniform(0.1, 3) + cases.normal(0, 0.1, size)
        if g @ d >= 0:
            continue
        t, max_ls = 10 ** cases.uniform(-3, 2), int(cases.choice([1, 2, 3, 25]))

        def theirs_obj(x_, t_, d_):
            f_, g_ = objective(x_[0].numpy() + float(t_) * d_.numpy())
            return f_, torch.tensor(g_)

        mine = strong_wolfe(lambda x_, t_, d_: objective(x_[0] + t_ * d_), [x], t, d, f, g, g @ d, max_ls=max_ls)
        theirs = _strong_wolfe(theirs_obj, [torch.tensor(x)], t, torch.tensor(d), f, torch.tensor(g),
                               torch.tensor(g).dot(torch.tensor(d)), max_ls=max_ls)
        assert mine[3] == theirs[3]  # the same number of evaluations
        np.testing.assert_allclose([mine[0], float(mine[2])], [theirs[0], float(theirs[2])], rtol=1e-10, atol=1e-12)
        np.testing.assert_allclose(mine[1], theirs[1].numpy(), rtol=1e-10, atol=1e-12)
        a = cases.normal(size=6)
        bounds = None if a[0] > 0 else tuple(sorted(cases.normal(size=2)))
        assert float(cubic_interpolate(*a, bounds=bounds)) == pytest.approx(
            float(_cubic_interpolate(*torch.tensor(a), bounds=bounds)), rel=1e-12, abs=1e-12)


def test_defaults_and_repr_match_torch():
    torch = pytest.importorskip("torch")
    for options in ({}, {"max_iter": 7}, {"max_iter": 8, "max_eval": 3, "line_search_fn": "strong_wolfe"}):
        mine = optim.LBFGS([tg.zeros(2, requires_grad=True)], **options)
        theirs = torch.optim.LBFGS([torch.zeros(2, requires_grad=True)], **options)
        assert mine.defaults == theirs.defaults
        assert repr(mine) == repr(theirs)


def to_torch(torch, value):
    if isinstance(value, dict):
        return {key: to_torch(torch, v) for key, v in value.items()}
    if isinstance(value, list):
        return [to_torch(torch, v) for v in value]
    return torch.tensor(value.detach().numpy()) if isinstance(value, tg.Tensor) else value


def to_numpy(value):
    if isinstance(value, dict):
        return {key: to_numpy(v) for key, v in value.items()}
    if isinstance(value, list):
        return [to_numpy(v) for v in value]
    return value.detach().numpy().copy() if hasattr(value, "detach") else value


@pytest.mark.parametrize("options", [{"history_size": 3, "max_iter": 2},
                                     {"line_search_fn": "strong_wolfe", "max_iter": 2}])
def test_state_dict_loads_across_libraries(options):
    """Two steps in one library, its state_dict loaded into the other's optimizer: both go on alike
    (and unlike a fresh optimizer, which knows no curvature yet)."""
    torch = pytest.importorskip("torch")
    loss_fn, _ = PROBLEMS["logistic"]
    libraries = {"torch": (torch, torch.optim.LBFGS), "ours": (tg, ours)}
    for first, second in (("torch", "ours"), ("ours", "torch")):
        (lib, make), (other_lib, other_make) = libraries[first], libraries[second]
        opt, params, _ = run(lib, make, "logistic", 2, **options)
        saved = opt.state_dict()
        saved = to_numpy(saved) if first == "torch" else to_torch(torch, saved)
        x_now = [p.detach().numpy().copy() for p in params]
        loaded_params = [other_lib.tensor(v.copy(), requires_grad=True) for v in x_now]
        loaded = other_make(loaded_params, **options)
        loaded.load_state_dict(saved)
        fresh_params = [other_lib.tensor(v.copy(), requires_grad=True) for v in x_now]
        fresh = other_make(fresh_params, **options)
        for o, ps, lib_ in ((opt, params, lib), (loaded, loaded_params, other_lib), (fresh, fresh_params, other_lib)):
            o.step(closure_any(o, ps, lib_, loss_fn))
        flat = [np.concatenate([p.detach().numpy() for p in ps]) for ps in (params, loaded_params, fresh_params)]
        np.testing.assert_allclose(flat[1], flat[0], rtol=0, atol=1e-10)
        assert not np.allclose(flat[2], flat[0], atol=1e-6)  # the loaded history mattered
        assert plain(loaded.state[loaded_params[0]])["n_iter"] == plain(opt.state[params[0]])["n_iter"]


def closure_any(opt, params, lib, loss_fn):
    def closure():
        opt.zero_grad()
        loss = loss_fn(lib, params)
        loss.backward()
        return loss
    return closure


# ---------------------------------------------------------------- torch-free: the algorithm itself
@pytest.mark.parametrize("options", [{}, {"line_search_fn": "strong_wolfe"}, {"history_size": 3}])
def test_rosenbrock_reaches_its_minimum(options):
    _, params, history = run(tg, ours, "rosenbrock", 10, **options)
    np.testing.assert_allclose(params[0].detach().numpy(), [1.0, 1.0], atol=1e-4)
    assert history[-1][0] < 1e-8
    assert history[0][0] == pytest.approx(24.2)  # step returns the loss at the start: f(-1.2, 1)


@pytest.mark.parametrize("problem", ["least_squares", "logistic"])
def test_reaches_the_minimum_of_a_convex_problem(problem):
    # tolerance_change=0: no stop because the loss barely changes (it is flat near the minimum)
    _, params, _ = run(tg, ours, problem, 3, line_search_fn="strong_wolfe", tolerance_change=0, max_iter=50)
    if problem == "least_squares":
        design = np.c_[X_LS, np.ones(30)]
        expected = np.linalg.lstsq(design, Y_LS, rcond=None)[0]
        np.testing.assert_allclose(np.concatenate([p.detach().numpy() for p in params]), expected, atol=1e-6)
    else:  # the gradient, written out, vanishes: X^T (sigmoid(z) - y) / n + 0.02 w = 0, sum(sigmoid(z) - y) = 0
        w, b = params[0].detach().numpy(), params[1].detach().numpy()
        residual = 1 / (1 + np.exp(-(X_LR @ w + b))) - Y_LR
        np.testing.assert_allclose(X_LR.T @ residual / 40 + 0.02 * w, 0, atol=1e-6)
        assert abs(residual.mean()) < 1e-6


@pytest.mark.parametrize("x0, lr", [([-1.2, 1.0], 1.0), ([-1.2, 1.0], 0.3), ([0.999, 0.998], 1.0),
                                    ([0.999, 0.998], 0.5)])
def test_first_step_is_a_gradient_step_of_length_min_1_over_the_gradients_l1_norm(x0, lr):
    """With max_iter=1: t = min(1, 1 / |g|_1) * lr along d = -g, and no evaluation after the move."""
    x0 = np.array(x0)
    g = rosenbrock_grad(x0)
    opt, params, history = run(tg, ours, (rosenbrock, [x0]), 1, lr=lr, max_iter=1)
    t = min(1.0, 1.0 / np.abs(g).sum()) * lr
    assert (np.abs(g).sum() > 1) == (x0[0] < 0)  # both branches of the min are taken
    np.testing.assert_allclose(params[0].detach().numpy(), x0 - t * g, rtol=1e-14)
    loss, _, state = history[0]
    assert loss == pytest.approx(rosenbrock(np, [x0]), rel=1e-14)
    assert state["t"] == pytest.approx(t, rel=1e-14)
    np.testing.assert_allclose(state["d"], -g, rtol=1e-14)
    np.testing.assert_allclose(state["prev_flat_grad"], g, rtol=1e-14)
    assert (state["func_evals"], state["n_iter"], state["H_diag"], state["old_dirs"]) == (1, 1, 1, [])
    assert state["prev_loss"] == loss
    assert "al" not in state  # made by the first use of the two-loop recursion, as PyTorch's


def bfgs_inverse_hessian(old_dirs, old_stps, H_diag):
    """The L-BFGS matrix, built as the textbook does: H = H_diag I, then for each pair, oldest first,
    H = (I - ro s y^T) H (I - ro y s^T) + ro s s^T."""
    n = len(old_dirs[0])
    H = H_diag * np.eye(n)
    for y, s in zip(old_dirs, old_stps):
        ro = 1 / (y @ s)
        H = (np.eye(n) - ro * np.outer(s, y)) @ H @ (np.eye(n) - ro * np.outer(y, s)) + ro * np.outer(s, s)
    return H


@pytest.mark.parametrize("history_size", [100, 2])
def test_direction_is_minus_the_bfgs_matrix_times_the_gradient(history_size):
    """After each step the state's d was made from prev_flat_grad and the pairs now in the state."""
    _, _, history = run(tg, ours, "logistic", 2, max_iter=3, max_eval=100, history_size=history_size)
    for _, _, state in history:
        assert len(state["old_dirs"]) == min(history_size, state["n_iter"] - 1)
        H = bfgs_inverse_hessian(state["old_dirs"], state["old_stps"], state["H_diag"])
        np.testing.assert_allclose(state["d"], -H @ state["prev_flat_grad"], rtol=1e-9, atol=1e-12)
        y, s = state["old_dirs"][-1], state["old_stps"][-1]
        np.testing.assert_allclose(H @ y, s, rtol=1e-9)  # the secant equation, for the newest pair
        assert state["H_diag"] == pytest.approx((y @ s) / (y @ y), rel=1e-14)
        np.testing.assert_allclose(state["ro"], [1 / (y @ s) for y, s in zip(state["old_dirs"], state["old_stps"])],
                                   rtol=1e-14)


def test_two_loop_recursion_on_a_quadratic_reaches_the_exact_minimum_in_n_steps():
    """With exact line searches, L-BFGS on a quadratic 0.5 x^T A x - b^T x (n = 6) is conjugate
    gradients: it lands on A^-1 b at the n-th step, whatever the history size."""
    n = 6
    M = np.random.default_rng(1).standard_normal((n, n))
    A, b = M @ M.T + np.eye(n), np.random.default_rng(2).standard_normal(n)
    minimum = np.linalg.solve(A, b)
    for history_size in (100, 2, 1):
        x, old_dirs, old_stps, ro, H_diag, al = np.zeros(n), [], [], [], 1, [None] * n
        g = A @ x - b
        errors = []
        for k in range(n):
            d = -g if k == 0 else two_loop_recursion(g, old_dirs, old_stps, ro, H_diag, al)
            np.testing.assert_allclose(d, -bfgs_inverse_hessian(old_dirs, old_stps, H_diag) @ g if k else -g,
                                       rtol=1e-9, atol=1e-12)
            t = -(g @ d) / (d @ A @ d)  # the exact minimum along d
            x = x + t * d
            g_new = A @ x - b
            y, s = g_new - g, t * d
            if len(old_dirs) == history_size:
                old_dirs.pop(0), old_stps.pop(0), ro.pop(0)
            old_dirs.append(y), old_stps.append(s), ro.append(1 / (y @ s))
            H_diag, g = (y @ s) / (y @ y), g_new
            errors.append(np.abs(x - minimum).max())
        assert errors[-1] < 1e-12
        assert errors[-2] > 1e-6  # and not before


def test_cubic_interpolate():
    # x^3 - 3x from its values and slopes at 0 and 2 (in either order): the cubic itself, minimum at 1
    assert cubic_interpolate(0.0, 0.0, -3.0, 2.0, 2.0, 9.0) == pytest.approx(1.0, rel=1e-15)
    assert cubic_interpolate(2.0, 2.0, 9.0, 0.0, 0.0, -3.0) == pytest.approx(1.0, rel=1e-15)
    assert cubic_interpolate(0.0, 0.0, -3.0, 2.0, 2.0, 9.0, bounds=(0.0, 0.5)) == 0.5  # clamped
    # 2x^3 - 3x^2 + 2x rises everywhere (slope 2 at both ends): no minimum, the middle
    assert cubic_interpolate(0.0, 0.0, 2.0, 1.0, 1.0, 2.0) == 0.5
    # (x - 0.3)^2: a parabola is a cubic too
    assert cubic_interpolate(0.0, 0.09, -0.6, 1.0, 0.49, 1.4) == pytest.approx(0.3, rel=1e-14)


def along_parabola(minimum):
    """obj_func for strong_wolfe on (x - minimum)^2 in one dimension, counting its calls."""
    calls = []

    def obj_func(x, t, d):
        point = x[0] + t * d
        calls.append(float(point[0]))
        return float(((point - minimum) ** 2).sum()), 2 * (point - minimum)
    return obj_func, calls


@pytest.mark.parametrize("first_t, tried, t", [
    (0.01, [0.01, 0.1, 1.0], 1.0),  # too short: stretched tenfold (at most) until |slope| <= 0.9 * 6
    (10.0, [10.0, 3.0], 3.0),       # too long: bracket [0, 10], the cubic finds the minimum exactly
    (2.0, [2.0], 2.0),              # slope -2: |-2| <= 0.9 * 6 and the loss fell enough: taken as it is
])
def test_strong_wolfe_by_hand(first_t, tried, t):
    obj_func, calls = along_parabola(3.0)
    f, g, found_t, evals = strong_wolfe(obj_func, [np.zeros(1)], first_t, np.ones(1), 9.0, np.array([-6.0]), -6.0)
    np.testing.assert_allclose(calls, tried, rtol=1e-14)
    assert found_t == pytest.approx(t, rel=1e-14) and evals == len(tried)
    assert f == pytest.approx((t - 3) ** 2, abs=1e-14) and g[0] == pytest.approx(2 * (t - 3), abs=1e-14)
    assert f <= 9.0 - 1e-4 * t * 6 and abs(g[0]) <= 0.9 * 6  # the strong Wolfe conditions


def test_strong_wolfe_takes_a_long_step_that_decreases_the_loss_enough():
    """-t exp(-t) at t = 8: the loss fell by 2.7e-3, more than c1 * t * |g . d| = 1e-4 * 8 * 1 (Armijo),
    and the slope 2.3e-3 is flat (<= 0.9): taken at once, although the minimum is at t = 1."""
    calls = []

    def obj_func(x, t, d):
        point = x[0] + t * d
        calls.append(float(point[0]))
        return float(-(point * np.exp(-point)).sum()), (point - 1) * np.exp(-point)

    f, g, t, evals = strong_wolfe(obj_func, [np.zeros(1)], 8.0, np.ones(1), 0.0, np.array([-1.0]), -1.0)
    assert (calls, t, evals) == ([8.0], 8.0, 1)


def test_strong_wolfe_stops_at_max_ls_with_the_best_point_so_far():
    obj_func, calls = along_parabola(3.0)
    f, g, t, evals = strong_wolfe(obj_func, [np.zeros(1)], 1e-6, np.ones(1), 9.0, np.array([-6.0]), -6.0, max_ls=2)
    np.testing.assert_allclose(calls, [1e-6, 1e-5, 1e-4], rtol=1e-12)
    assert (t, evals) == (pytest.approx(1e-4, rel=1e-12), 3)


def test_history_size_keeps_the_newest_pairs():
    """A pair (s, y) is stored at the start of each iteration after the first: with history_size=2 the
    4th iteration's pair pushes out the oldest one."""
    _, _, three = run(tg, ours, "rosenbrock", 1, history_size=2, max_iter=3, max_eval=100)
    _, _, four = run(tg, ours, "rosenbrock", 1, history_size=2, max_iter=4, max_eval=100)
    three, four = three[0][2], four[0][2]
    assert len(three["old_stps"]) == len(four["old_stps"]) == len(four["ro"]) == len(four["al"]) == 2
    for key in ("old_stps", "old_dirs", "ro"):
        np.testing.assert_array_equal(four[key][0], three[key][1])  # the newest of three, now the oldest
    np.testing.assert_allclose(four["old_stps"][1], three["d"] * three["t"], rtol=1e-14)  # the last move


# ---------------------------------------------------------------- the stopping rules and PyTorch's counting
@pytest.mark.parametrize("max_iter, max_eval, counts", [(4, None, [(4, 4), (8, 8)]), (3, None, [(3, 2), (6, 4)]),
                                                        (3, 100, [(3, 3), (6, 6)])])
def test_counts_without_line_search(max_iter, max_eval, counts):
    """(func_evals, n_iter) after each step, as PyTorch counts them. Without line search an iteration
    moves and then evaluates once, except the last one (max_iter) of a step: so max_iter=4 makes 4
    moves and 4 evaluations. max_eval defaults to max_iter * 5 // 4 = 3 for max_iter=3, and the
    evaluations reach it after 2 iterations."""
    _, _, history = run(tg, ours, "rosenbrock", 2, max_iter=max_iter, max_eval=max_eval)
    assert [(s["func_evals"], s["n_iter"]) for _, _, s in history] == counts


def test_already_at_a_minimum_does_nothing_but_count_the_evaluation():
    opt, params, history = run(tg, ours, (rosenbrock, [np.array([1.0, 1.0])]), 2)
    np.testing.assert_array_equal(params[0].detach().numpy(), [1.0, 1.0])
    assert history[-1][2] == {"func_evals": 2, "n_iter": 0}


def test_tolerance_grad_stops_once_the_gradient_is_small():
    loss_fn, x0 = PROBLEMS["least_squares"]
    opt, params, history = run(tg, ours, "least_squares", 1, tolerance_grad=1e-3, max_iter=100)
    state = history[0][2]
    assert state["n_iter"] < 100
    assert state["func_evals"] == state["n_iter"] + 1  # the first evaluation and one after each move
    closure_for(opt, loss_fn, params)()
    assert np.abs(np.concatenate([p.grad.numpy() for p in params])).max() <= 1e-3
    # one iteration fewer: not yet there, so the stop was the gradient, not something else
    _, fewer, _ = run(tg, ours, "least_squares", 1, tolerance_grad=1e-3, max_iter=state["n_iter"] - 1)
    opt2 = ours(fewer)
    closure_for(opt2, loss_fn, fewer)()
    assert np.abs(np.concatenate([p.grad.numpy() for p in fewer])).max() > 1e-3


def test_tolerance_change_stops_when_the_direction_does_not_go_down():
    """g . d > -tolerance_change stops the first iteration before any move (d and prev_loss are kept)."""
    x0 = np.array([-1.2, 1.0])
    _, params, history = run(tg, ours, (rosenbrock, [x0]), 1, tolerance_change=1e6)
    np.testing.assert_array_equal(params[0].detach().numpy(), x0)
    state = history[0][2]
    assert (state["func_evals"], state["n_iter"]) == (1, 1)
    np.testing.assert_allclose(state["d"], -rosenbrock_grad(x0))


def parabola(c):
    """c x^2 in one dimension: the stopping rules worked out by hand."""
    return lambda lib, x: c * (x[0] ** 2).sum()


def test_tolerance_change_stops_when_the_loss_barely_changes():
    """x^2 / 1e4 from 1 with lr=0.5: g = 2e-4 (|g|_1 < 1, so t = lr), the move 1e-4 is larger than
    tolerance_change=3e-8, g . d = -4e-8 is below -3e-8, but the loss falls by about 2e-8: stop."""
    opt, params, history = run(tg, ours, (parabola(1e-4), [np.array([1.0])]), 1, lr=0.5, tolerance_change=3e-8)
    np.testing.assert_allclose(params[0].detach().numpy(), [1 - 0.5 * 2e-4], rtol=1e-15)
    assert (history[0][2]["func_evals"], history[0][2]["n_iter"]) == (2, 1)
    _, _, going_on = run(tg, ours, (parabola(1e-4), [np.array([1.0])]), 1, lr=0.5, tolerance_change=1e-8)
    assert going_on[0][2]["n_iter"] > 1  # with a smaller tolerance it goes on


def test_tolerance_change_stops_when_the_parameters_barely_move():
    """1e4 x^2 from 1 with lr=1e-3: g = 2e4, t = lr / |g|_1, so x moves by lr = 1e-3, less than
    tolerance_change=1e-2, while the loss falls by about 20: stop after one iteration."""
    opt, params, history = run(tg, ours, (parabola(1e4), [np.array([1.0])]), 1, lr=1e-3, tolerance_change=1e-2)
    np.testing.assert_allclose(params[0].detach().numpy(), [1 - 1e-3], rtol=1e-15)
    assert (history[0][2]["func_evals"], history[0][2]["n_iter"]) == (2, 1)


def test_the_line_search_gets_no_more_than_the_evaluations_left():
    """(x - 3)^2 from 0 with lr=1e-3, max_iter=2 (so max_eval=2): the first trial t = lr / 6 leaves one
    line-search iteration, which can only stretch t tenfold (the cubic's minimum, t = 1/2, is out of
    bounds): x = 10 * t * 6 = 0.01, after 3 evaluations."""
    problem = (lambda lib, x: ((x[0] - 3) ** 2).sum(), [np.array([0.0])])
    _, params, history = run(tg, ours, problem, 1, lr=1e-3, max_iter=2, line_search_fn="strong_wolfe")
    np.testing.assert_allclose(params[0].detach().numpy(), [0.01], rtol=1e-12)
    assert (history[0][2]["func_evals"], history[0][2]["n_iter"]) == (3, 1)


def test_max_eval_bounds_the_evaluations_of_a_step():
    _, _, history = run(tg, ours, "rosenbrock", 3, max_iter=100, max_eval=9, line_search_fn="strong_wolfe")
    evals = [s["func_evals"] for _, _, s in history]
    assert [b - a for a, b in zip([0] + evals, evals)] == [9, 9, 9]
    assert history[0][2]["n_iter"] < 9


# ---------------------------------------------------------------- state_dict
@pytest.mark.parametrize("line_search_fn", [None, "strong_wolfe"])
def test_state_dict_round_trip_continues_identically(tmp_path, line_search_fn):
    options = {"history_size": 3, "max_iter": 4, "line_search_fn": line_search_fn}
    loss_fn, _ = PROBLEMS["least_squares"]
    opt, params, _ = run(tg, ours, "least_squares", 2, **options)
    saved = opt.state_dict()
    assert set(saved["state"]) == {0} and set(saved["state"][0]) == STATE_KEYS
    snapshot = copy.deepcopy(plain(saved))
    tg.save(saved, tmp_path / "opt.pt")
    resumed_params = [tg.tensor(p.detach().numpy().copy(), requires_grad=True) for p in params]
    resumed = ours(resumed_params, **options)
    resumed.load_state_dict(tg.load(tmp_path / "opt.pt"))
    for o, ps in ((opt, params), (resumed, resumed_params)):
        o.step(closure_for(o, loss_fn, ps))
        o.step(closure_for(o, loss_fn, ps))
    for p, q in zip(params, resumed_params):
        np.testing.assert_array_equal(p.detach().numpy(), q.detach().numpy())
    assert plain(resumed.state[resumed_params[0]]).keys() == STATE_KEYS
    state, resumed_state = plain(opt.state[params[0]]), plain(resumed.state[resumed_params[0]])
    for key in STATE_KEYS:
        np.testing.assert_array_equal(np.array(state[key], dtype=object if key == "al" else None),
                                      np.array(resumed_state[key], dtype=object if key == "al" else None))
    # the saved dict did not change with the steps that followed
    np.testing.assert_array_equal(plain(saved)["state"][0]["prev_flat_grad"], snapshot["state"][0]["prev_flat_grad"])
    np.testing.assert_array_equal(plain(saved)["state"][0]["old_dirs"], snapshot["state"][0]["old_dirs"])


def test_load_state_dict_makes_fresh_tensors_of_the_parameters_dtype():
    problem = (lambda lib, x: ((x[0] - 1) ** 2 * (x[0] + 2) ** 2).sum() + (x[1] ** 2).sum(),
               [np.array([0.5, -0.5, 3.0]), np.array([0.7])])  # as good in float32 as in float64
    opt, params, _ = run(tg, ours, problem, 1, max_iter=3)
    saved = opt.state_dict()
    p32 = [tg.tensor(p.detach().numpy().astype(np.float32), requires_grad=True) for p in params]
    loaded = ours(p32, max_iter=3)
    loaded.load_state_dict(saved)
    state = loaded.state[p32[0]]
    for key in ("old_dirs", "old_stps", "ro"):
        assert all(isinstance(v, tg.Tensor) and v.dtype == tg.float32 for v in state[key]), key
        assert all(v is not w for v, w in zip(state[key], saved["state"][0][key]))
    assert state["d"].dtype == tg.float32 and isinstance(state["func_evals"], int)
    loaded.step(closure_for(loaded, problem[0], p32))  # and it goes on, in float32
    assert p32[0].dtype == tg.float32 and state["d"].dtype == tg.float32


def test_load_state_dict_of_another_model_raises_and_changes_nothing():
    opt, params, _ = run(tg, ours, "least_squares", 1)  # parameters of 3 and 1 entries
    smaller = (lambda lib, x: (x[0] ** 2).sum() + (x[1] ** 2).sum(), [np.array([1.0, 2.0]), np.array([3.0])])
    other, _, _ = run(tg, ours, smaller, 1)
    before = plain(opt.state[params[0]])
    with pytest.raises(RuntimeError, match="another model"):
        opt.load_state_dict(other.state_dict())
    after = plain(opt.state[params[0]])
    np.testing.assert_array_equal(before["d"], after["d"])


# ---------------------------------------------------------------- mistakes, and what the errors say
def test_step_without_a_closure_says_how_to_write_one():
    p = tg.tensor([1.0, 2.0], requires_grad=True)
    opt = optim.LBFGS([p])
    (p * p).sum().backward()
    for call in (lambda: opt.step(), lambda: opt.step(None)):
        with pytest.raises(TypeError, match="LBFGS.step needs a closure") as info:
            call()
        assert "def closure():" in str(info.value) and "loss.backward()" in str(info.value)
        assert "return loss" in str(info.value)
    np.testing.assert_array_equal(p.detach().numpy(), [1.0, 2.0])


def test_a_closure_that_returns_nothing_is_named():
    p = tg.tensor([1.0, 2.0], requires_grad=True)
    opt = optim.LBFGS([p])

    def closure():
        opt.zero_grad()
        (p * p).sum().backward()  # no return

    with pytest.raises(TypeError, match="the closure returned NoneType.*return loss"):
        opt.step(closure)


def test_a_closure_without_backward_warns():
    p = tg.tensor([1.0, 2.0], requires_grad=True)
    opt = optim.LBFGS([p])
    with pytest.warns(UserWarning, match="loss.backward"):
        opt.step(lambda: (p * p).sum())
    np.testing.assert_array_equal(p.detach().numpy(), [1.0, 2.0])  # as PyTorch: no gradient counts as zero


def test_one_param_group_only():
    a, b = tg.zeros(2, requires_grad=True), tg.zeros(3, requires_grad=True)
    with pytest.raises(ValueError, match="parameter groups.*one list"):
        optim.LBFGS([{"params": [a]}, {"params": [b], "lr": 0.1}])
    opt = optim.LBFGS([a])
    with pytest.raises(ValueError, match="parameter groups"):
        opt.add_param_group({"params": [b]})
    optim.LBFGS([{"params": [a, b]}])  # one group of two is fine


def test_constructor_errors():
    p = tg.zeros(2, requires_grad=True)
    with pytest.raises(ValueError, match="learning rate"):
        optim.LBFGS([p], lr=-1)
    with pytest.raises(RuntimeError, match="only 'strong_wolfe'"):
        optim.LBFGS([p], line_search_fn="armijo")
    assert optim.LBFGS([p], max_iter=9).defaults["max_eval"] == 11  # max_iter * 5 // 4


def test_a_bad_gradient_is_reported_before_any_move():
    p = tg.tensor([1.0, 2.0], requires_grad=True)
    opt = optim.LBFGS([p])

    def closure():
        p.grad = None
        loss = (p * p).sum()
        p._grad = tg.tensor([1.0, 2.0, 3.0])  # the wrong shape, as a slip in a hand-made gradient
        return loss

    with pytest.raises(RuntimeError, match="shape"):
        opt.step(closure)
    np.testing.assert_array_equal(p.detach().numpy(), [1.0, 2.0])


def test_float32_parameters_stay_float32():
    p = tg.tensor(np.array([-1.2, 1.0], dtype=np.float32), requires_grad=True)
    opt = optim.LBFGS([p], line_search_fn="strong_wolfe")
    for _ in range(5):
        opt.step(closure_for(opt, rosenbrock, [p]))
    assert p.dtype == tg.float32 and opt.state[p]["d"].dtype == tg.float32
    np.testing.assert_allclose(p.detach().numpy(), [1.0, 1.0], atol=1e-2)


def test_readme_example_runs_and_finds_the_minimum(capsys):
    from pathlib import Path
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text()
    (code,) = [block for block in readme.split("```python\n")[1:] if "optim.LBFGS" in block.split("```")[0]]
    exec(compile(code.split("```")[0], "README LBFGS example", "exec"), {})
    assert capsys.readouterr().out.startswith("tensor([1.0000, 1.0000], requires_grad=True)")
