"""tinygrad_edu.autograd.functional: jacobian, hessian, vjp, jvp, vhp, hvp.

Each is checked on functions whose derivatives are written out by hand (runs
everywhere), and against torch.autograd.functional (skipped without torch).
"""

import numpy as np
import pytest

import tinygrad_edu as tg
from tinygrad_edu.autograd.functional import hessian, hvp, jacobian, jvp, vhp, vjp

RNG = np.random.default_rng(11)
A = RNG.standard_normal((2, 3))
Q = RNG.standard_normal((3, 3))
Q = Q + Q.T  # symmetric, so the Hessian of x^T Q x / 2 is Q


def t(array):
    return tg.tensor(np.asarray(array, dtype=np.float64))


def elementwise(x):
    return x * x.sin()


def quadratic(x):
    return (x * (t(Q) @ x)).sum() * 0.5 + (x * x * x).sum()


def test_jacobian_of_elementwise_and_linear_maps():
    x = RNG.standard_normal(3)
    J = jacobian(elementwise, t(x))
    assert J.shape == (3, 3) and not J.requires_grad
    np.testing.assert_allclose(J.numpy(), np.diag(np.sin(x) + x * np.cos(x)), rtol=1e-12)
    np.testing.assert_allclose(jacobian(lambda x: t(A) @ x, t(x)).numpy(), A, rtol=1e-12)


def test_jacobian_nesting_follows_pytorch():
    a, b = RNG.standard_normal(3), RNG.standard_normal(3)
    Ja, Jb = jacobian(lambda a, b: a * b, (t(a), t(b)))  # tuple of inputs: one block each
    np.testing.assert_allclose(Ja.numpy(), np.diag(b))
    np.testing.assert_allclose(Jb.numpy(), np.diag(a))
    J0, J1 = jacobian(lambda x: ((x * x).sum(), x * 2), t(a))  # tuple of outputs
    assert J0.shape == (3,) and J1.shape == (3, 3)
    np.testing.assert_allclose(J0.numpy(), 2 * a)
    np.testing.assert_allclose(J1.numpy(), 2 * np.eye(3))
    blocks = jacobian(lambda a, b: (a * b, (a + b).sum()), (t(a), t(b)))  # both: [output][input]
    assert [[blk.shape for blk in row] for row in blocks] == [[(3, 3), (3, 3)], [(3,), (3,)]]
    np.testing.assert_allclose(blocks[1][0].numpy(), np.ones(3))
    M = RNG.standard_normal((2, 2))
    assert jacobian(lambda m: m * m, t(M)).shape == (2, 2, 2, 2)  # out.shape + in.shape


def test_hessian_written_out():
    x = RNG.standard_normal(3)
    H = hessian(quadratic, t(x))
    np.testing.assert_allclose(H.numpy(), Q + np.diag(6 * x), rtol=1e-12)
    a, b = RNG.standard_normal(3), RNG.standard_normal(2)
    (Haa, Hab), (Hba, Hbb) = hessian(lambda a, b: (a * a).sum() * b.sum(), (t(a), t(b)))
    np.testing.assert_allclose(Haa.numpy(), 2 * b.sum() * np.eye(3))
    np.testing.assert_allclose(Hab.numpy(), np.outer(2 * a, np.ones(2)))
    np.testing.assert_allclose(Hba.numpy(), np.outer(np.ones(2), 2 * a))
    np.testing.assert_allclose(Hbb.numpy(), np.zeros((2, 2)))


def test_vector_products_written_out():
    x, v, u = RNG.standard_normal(3), RNG.standard_normal(3), RNG.standard_normal(2)
    out, product = vjp(lambda x: t(A) @ x, t(x), t(u))
    np.testing.assert_allclose(out.numpy(), A @ x)
    np.testing.assert_allclose(product.numpy(), u @ A)
    out, product = jvp(lambda x: t(A) @ x, t(x), t(v))
    np.testing.assert_allclose(product.numpy(), A @ v)
    _, product = jvp(elementwise, t(x), t(v))
    np.testing.assert_allclose(product.numpy(), (np.sin(x) + x * np.cos(x)) * v)
    H = Q + np.diag(6 * x)
    value, product = hvp(quadratic, t(x), t(v))
    np.testing.assert_allclose(value.numpy(), 0.5 * x @ Q @ x + (x ** 3).sum())
    np.testing.assert_allclose(product.numpy(), H @ v, rtol=1e-12)
    _, product = vhp(quadratic, t(x), t(v))
    np.testing.assert_allclose(product.numpy(), v @ H, rtol=1e-12)
    _, (ga, gb) = vjp(lambda a, b: (a * b).sum(), (t(x), t(v)))  # v None: a one-element output
    np.testing.assert_allclose(ga.numpy(), v)
    np.testing.assert_allclose(gb.numpy(), x)


def test_create_graph_lets_you_differentiate_again():
    x = tg.tensor(RNG.standard_normal(3), requires_grad=True)
    H = hessian(lambda x: (x ** 4).sum(), x, create_graph=True)  # diag(12 x^2)
    assert H.requires_grad
    H.sum().backward()  # d/dx sum(12 x^2) = 24 x
    np.testing.assert_allclose(x.grad.numpy(), 24 * x.detach().numpy(), rtol=1e-12)
    x.grad = None
    J = jacobian(elementwise, x, create_graph=True)  # diag(sin x + x cos x)
    J.sum().backward()  # d/dx = 2 cos x - x sin x
    xs = x.detach().numpy()
    np.testing.assert_allclose(x.grad.numpy(), 2 * np.cos(xs) - xs * np.sin(xs), rtol=1e-12)


def test_strict_and_independent_outputs():
    x = t(RNG.standard_normal(3))
    J = jacobian(lambda x: t(np.ones(2)), x)  # a constant: zeros
    np.testing.assert_array_equal(J.numpy(), np.zeros((2, 3)))
    with pytest.raises(RuntimeError, match="jacobian: output 0 of the function is independent of input 1"):
        jacobian(lambda a, b: a * 2, (x, x), strict=True)
    _, (ga, gb) = vjp(lambda a, b: (a * 2).sum(), (x, x))
    np.testing.assert_array_equal(gb.numpy(), np.zeros(3))


def test_errors_name_the_function_and_shapes():
    x = t(RNG.standard_normal(3))
    with pytest.raises(RuntimeError, match="vjp: the vector v can only be None"):
        vjp(lambda x: x * 2, x)
    with pytest.raises(RuntimeError, match=r"jvp: v\[0\] has shape \(2,\) but the input 0 has shape \(3,\)"):
        jvp(lambda x: x * 2, x, t(np.ones(2)))
    with pytest.raises(RuntimeError, match="hessian: the Tensor the function returns must have a single element"):
        hessian(lambda x: x * x, x)
    with pytest.raises(TypeError, match="jacobian: the inputs must be a Tensor"):
        jacobian(lambda x: x, [1.0, 2.0])


def test_works_inside_no_grad_and_leaves_inputs_alone():
    x = t(RNG.standard_normal(3))
    with tg.no_grad():
        H = hessian(quadratic, x)
    np.testing.assert_allclose(H.numpy(), Q + np.diag(6 * x.numpy()), rtol=1e-12)
    assert not x.requires_grad and x.grad is None


def test_reachable_as_an_attribute_like_torch():
    assert tg.autograd.functional.jacobian is jacobian


FUNCTIONS = {
    "elementwise": (lambda x: x * x.sin(), (3,)),
    "matrix": (lambda m: (m @ m).tanh(), (2, 2)),
    "scalar": (lambda x: (x.exp() * x).sum(), (4,)),
}


@pytest.mark.parametrize("name", list(FUNCTIONS))
def test_matches_torch(name):
    torch = pytest.importorskip("torch")
    from torch.autograd import functional as TF

    fn, shape = FUNCTIONS[name]
    x = RNG.standard_normal(shape)
    v = RNG.standard_normal(shape)
    np.testing.assert_allclose(jacobian(fn, t(x)).numpy(), TF.jacobian(fn, torch.tensor(x)).numpy(), rtol=1e-10)
    np.testing.assert_allclose(jvp(fn, t(x), t(v))[1].numpy(), TF.jvp(fn, torch.tensor(x), torch.tensor(v))[1].numpy(),
                               rtol=1e-10)
    out = fn(t(x))
    w = RNG.standard_normal(out.shape)
    np.testing.assert_allclose(vjp(fn, t(x), t(w))[1].numpy(), TF.vjp(fn, torch.tensor(x), torch.tensor(w))[1].numpy(),
                               rtol=1e-10)
    scalar = lambda x: fn(x).sum() * fn(x).sum()
    np.testing.assert_allclose(hessian(scalar, t(x)).numpy(), TF.hessian(scalar, torch.tensor(x)).numpy(),
                               rtol=1e-9, atol=1e-12)
    for ours, theirs in ((hvp, TF.hvp), (vhp, TF.vhp)):
        np.testing.assert_allclose(ours(scalar, t(x), t(v))[1].numpy(),
                                   theirs(scalar, torch.tensor(x), torch.tensor(v))[1].numpy(), rtol=1e-9)
