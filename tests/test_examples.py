"""Every example in examples/ runs in quick mode and does what it claims."""

import importlib.util
from pathlib import Path

import numpy as np
import pytest

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def run_example(name: str, out_dir: Path) -> dict:
    """Import examples/<name>.py as a module (without running its __main__) and call main()."""
    spec = importlib.util.spec_from_file_location(name, EXAMPLES / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    result = module.main(quick=True, out_dir=out_dir, seed=0)
    assert result["figures"], f"{name} wrote no figures"
    for figure in result["figures"]:
        figure = Path(figure)
        assert figure.parent == out_dir and figure.stat().st_size > 0
        if figure.suffix == ".png":
            assert figure.read_bytes()[:8] == PNG_SIGNATURE
        if figure.suffix == ".svg":
            assert "<svg" in figure.read_text()
        if figure.suffix == ".dot":
            assert "digraph" in figure.read_text()
    return result


def test_every_lesson_has_its_example():
    from tinygrad_edu.curriculum import LESSONS
    assert sorted(p.name for p in EXAMPLES.glob("[01]*.py")) == sorted(lesson.example for lesson in LESSONS)
    assert [lesson.number for lesson in LESSONS] == list(range(1, 11))


def test_01_perceptron_learns_or_and_and(tmp_path):
    result = run_example("01_perceptron", tmp_path)
    for gate in ("OR", "AND"):
        assert result["accuracy"][gate] == {"rule": 1.0, "gradient_descent": 1.0}
        assert result[f"{gate}_rule_epochs"] <= 20  # the rule stopped because it converged
        assert result["gd_losses"][gate][-1] < result["gd_losses"][gate][0]


def test_perceptron_rule_changes_weights_only_on_mistakes():
    import tinygrad_edu as tg
    from tinygrad_edu.curriculum.perceptron import INPUTS, Perceptron, train_perceptron_rule
    model = Perceptron()
    with tg.no_grad():
        model.weight.copy_(np.array([1.0, 1.0], dtype=np.float32))
        model.bias.fill_(-0.5)  # already a perfect OR
    mistakes = train_perceptron_rule(model, INPUTS, np.array([0, 1, 1, 1], dtype=np.float32))
    assert mistakes == [0]
    assert model.weight.tolist() == [1.0, 1.0] and model.bias.item() == -0.5


def test_02_activation_derivatives_match_closed_forms(tmp_path):
    result = run_example("02_activations", tmp_path)
    assert set(result["max_error"]) == {"sigmoid", "tanh", "relu", "leaky_relu", "gelu"}
    assert max(result["max_error"].values()) < 1e-10


def test_03_forward_shapes(tmp_path):
    result = run_example("03_forward", tmp_path)
    assert result["shapes"][0] == (32, 784)
    assert [s for s in result["shapes"][1::2]] == [(32, 128), (32, 64), (32, 10)]
    assert result["parameters"] == 784 * 128 + 128 + 128 * 64 + 64 + 64 * 10 + 10


def test_04_hand_written_gradients_equal_autograd(tmp_path):
    result = run_example("04_backprop_xor", tmp_path)
    assert result["max_grad_diff"] < 1e-12
    assert result["solved"]
    assert result["losses"][-1] < 0.05 < result["losses"][0]


def test_04_numpy_network_gradient_matches_finite_differences():
    """The hand-written backward is itself right, not just equal to autograd."""
    from tinygrad_edu.curriculum.backprop import XOR_X, XOR_Y, NeuralNetwork
    net = NeuralNetwork(rng=np.random.default_rng(3))
    net.forward(XOR_X)
    grads = net.backward(XOR_Y)
    eps = 1e-6
    for name in ("W1", "b1", "W2", "b2"):
        param = getattr(net, name)
        numeric = np.zeros_like(param)
        for index in np.ndindex(param.shape):
            old = param[index]
            param[index] = old + eps
            up = (net.forward(XOR_X), net.loss(XOR_Y))[1]
            param[index] = old - eps
            down = (net.forward(XOR_X), net.loss(XOR_Y))[1]
            param[index] = old
            numeric[index] = (up - down) / (2 * eps)
        np.testing.assert_allclose(grads[name], numeric, atol=1e-8)


def test_05_every_optimizer_reaches_the_minimum(tmp_path):
    result = run_example("05_gradient_descent", tmp_path)
    assert len(result["final_points"]) == 5
    for name, point in result["final_points"].items():
        assert np.linalg.norm(point - np.array([2.0, -1.0])) < 0.05, name
    paths = result["paths"]
    assert all(np.allclose(path[0], [-2.0, 2.0]) for path in paths.values())


def test_06_sigmoid_gradients_vanish_relu_do_not_and_clipping_bounds_the_norm(tmp_path):
    result = run_example("06_vanishing_exploding", tmp_path)
    assert result["ratio"]["sigmoid"] < 1e-3
    assert 0.1 < result["ratio"]["relu"] < 10
    assert result["clip_before"] > 1e3
    assert result["clip_after"] <= result["max_norm"] * (1 + 1e-5)
    assert result["clip_after"] > 0.99 * result["max_norm"]


def test_07_simple_nn_solves_xor(tmp_path):
    result = run_example("07_simple_nn_xor", tmp_path)
    targets = np.array([0, 1, 1, 0])
    assert np.all((result["predictions"] > 0.5) == (targets == 1))
    assert result["solved"]
    assert result["final_loss"] < result["losses"][0]
    corners = result["new_predictions"][:4]
    assert np.all((corners > 0.5) == (targets == 1))  # points near the corners follow XOR
    names = {Path(f).name for f in result["figures"]}
    assert {"loss.png", "predictions.png", "decision_boundary.png"} <= names
    assert names & {"graph.svg", "graph.dot"}


def test_simple_nn_interface():
    import tinygrad_edu as tg
    from tinygrad_edu.curriculum.xor import XOR_INPUTS, XOR_TARGETS, SimpleNN
    tg.manual_seed(1)
    net = SimpleNN(input_size=2, hidden_size=3, output_size=1, learning_rate=1.0)
    assert net.W1.shape == (2, 3) and net.W2.shape == (3, 1)
    before = net.W1.detach().numpy().copy()
    out = net.forward(tg.tensor(np.array(XOR_INPUTS, dtype=np.float32)))
    assert out.shape == (4, 1) and np.all((out.detach().numpy() > 0) & (out.detach().numpy() < 1))
    loss = net.loss(out, tg.tensor(np.array(XOR_TARGETS, dtype=np.float32)))
    net.backward(loss)
    assert not np.array_equal(before, net.W1.detach().numpy())  # backward applied an update
    np.testing.assert_allclose(net.W1.detach().numpy(), before - 1.0 * net.W1.grad.numpy(), rtol=1e-6)
    losses = net.train(XOR_INPUTS, XOR_TARGETS, epochs=5)
    assert len(losses) == 5 and all(isinstance(v, float) for v in losses)


def test_08_digits_accuracy(tmp_path):
    pytest.importorskip("sklearn", reason="load_digits needs scikit-learn (the 'datasets' extra)")
    result = run_example("08_digits", tmp_path)
    assert result["accuracy"]["MLP"] > 0.93
    assert result["accuracy"]["CNN"] > 0.9
    assert (tmp_path / "confusion.png").exists()


def test_09_gradients_add_where_paths_meet(tmp_path):
    result = run_example("09_graph_and_trace", tmp_path)
    assert result["a_grad"] == -2.0 and result["b_grad"] == 2.0
    assert len(result["trace"]) >= 3
    assert any(record["adds"] for record in result["trace"])  # a: two paths, one sum
    assert len(result["figures"]) == 4


def test_10_newton_step_lands_on_the_minimum(tmp_path):
    result = run_example("10_higher_order", tmp_path)
    np.testing.assert_allclose(result["newton_point"], [2.0, -1.0], atol=1e-12)
    np.testing.assert_allclose(result["hessian"], [[2.0, 0.0], [0.0, 4.0]], atol=1e-12)
    np.testing.assert_allclose(result["hvp"], [2.0, 4.0], atol=1e-12)
    assert result["gd_steps"] > 10


def test_hessian_vector_product_of_a_non_quadratic():
    """H v by double backward against the Hessian written out: f = sum(x^3) + x0 x1, H = diag(6x) + [[0,1],[1,0]]."""
    import tinygrad_edu as tg
    from tinygrad_edu.curriculum.higher_order import hvp
    x = tg.tensor([0.5, -2.0], dtype=np.float64, requires_grad=True)
    v = tg.tensor([1.0, 3.0], dtype=np.float64)
    hv = hvp(lambda w: (w ** 3).sum() + w[0] * w[1], x, v)
    expected = np.array([[3.0, 1.0], [1.0, -12.0]]) @ np.array([1.0, 3.0])
    np.testing.assert_allclose(hv.numpy(), expected, atol=1e-12)


def test_quick_mode_from_the_environment(monkeypatch):
    from tinygrad_edu.curriculum.common import is_quick
    monkeypatch.delenv("TINYGRAD_EDU_QUICK", raising=False)
    assert not is_quick() and is_quick(True)
    monkeypatch.setenv("TINYGRAD_EDU_QUICK", "1")
    assert is_quick()
    monkeypatch.setenv("TINYGRAD_EDU_QUICK", "0")
    assert not is_quick()


@pytest.mark.parametrize("command", ["newton", "graph", "activations"])
def test_default_output_folder_is_named_after_the_command(command, tmp_path, monkeypatch):
    from tinygrad_edu.curriculum import BY_COMMAND
    from tinygrad_edu.curriculum.common import quiet
    monkeypatch.chdir(tmp_path)
    result = BY_COMMAND[command].load().run(quick=True, log=quiet)
    folder = tmp_path / "tinygrad_edu_out" / command
    assert all(Path(f).resolve().parent == folder.resolve() for f in result["figures"])
