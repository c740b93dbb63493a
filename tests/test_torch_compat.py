"""`tinygrad-edu run`: PyTorch scripts run unchanged, and --graph / --trace look inside the last loss."""

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import tinygrad_edu
import tinygrad_edu.nn.functional
from tinygrad_edu.cli import main
from tinygrad_edu.torch_compat import NotAvailableError, torch_imports

ROOT = Path(__file__).resolve().parent.parent


def script(tmp_path, code: str, name: str = "script.py") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(code))
    return path


TRAIN = """
    import sys
    import torch
    import torch.nn as nn
    import torch.nn.functional as F
    from torch import optim

    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(3, 4), nn.Tanh(), nn.Linear(4, 1))
    opt = optim.SGD(model.parameters(), lr=0.1)
    x, y = torch.randn(16, 3), torch.randn(16, 1)
    losses = []
    for step in range(int(sys.argv[1])):
        opt.zero_grad()
        loss = F.mse_loss(model(x), y)
        loss.backward()
        last_grad = model[2].bias.grad.item()
        opt.step()
        losses.append(loss.item())
    print("args", sys.argv[1:])
    print("falls", losses[-1] < losses[0])
    print(f"last bias grad {last_grad:.6f}")
"""


def test_import_torch_gives_tinygrad_edu():
    with torch_imports():
        import torch
        import torch.nn as nn
        import torch.nn.functional as F
        from torch import optim
        assert torch is tinygrad_edu and nn is tinygrad_edu.nn and F is tinygrad_edu.nn.functional
        assert optim is tinygrad_edu.optim
        import torch.functional
        assert torch.functional is tinygrad_edu  # torch.functional holds top-level functions (split, norm, ...)
        assert torch.__spec__.name == "tinygrad_edu"  # the alias did not rename the real module
        with pytest.raises(NotAvailableError, match="torchvision is not available in tinygrad_edu"):
            import torchvision  # noqa: F401
        with pytest.raises(NotAvailableError, match=r"torch\.fft is not available in tinygrad_edu"):
            import torch.fft  # noqa: F401
    assert "torch" not in sys.modules or sys.modules["torch"] is not tinygrad_edu
    assert not hasattr(tinygrad_edu, "functional")  # the alias left nothing behind
    import json  # other imports are untouched
    assert json.dumps([1]) == "[1]"


def test_real_torch_comes_back_after_the_block():
    torch = pytest.importorskip("torch")
    with torch_imports():
        import torch as mapped
        assert mapped is tinygrad_edu
    import torch as again
    assert again is torch and sys.modules["torch"] is torch


def test_run_passes_arguments_and_trains(tmp_path, capsys):
    assert main(["run", str(script(tmp_path, TRAIN)), "30", "--lr", "x"]) == 0
    out = capsys.readouterr().out
    assert "args ['30', '--lr', 'x']" in out and "falls True" in out


def test_trace_shows_the_last_backward_as_it_happened(tmp_path, capsys):
    # the optimizer changed the parameters after the last backward; the trace still runs on the graph
    # as it was, and gives the gradients that backward gave
    assert main(["run", "--trace", str(script(tmp_path, TRAIN)), "5"]) == 0
    out = capsys.readouterr().out
    grad = float(out.split("last bias grad ")[1].split()[0])
    assert "the backward pass of the last tensor .backward() was called on" in out
    assert "step 1  " in out and "Backward" in out
    leaf_line = next(line for line in out.splitlines() if line.startswith("leaf gradients"))
    shown = float(leaf_line.split("model.2.bias.grad = ")[1].split(", model")[0].strip("[]"))
    assert shown == pytest.approx(grad, rel=1e-3, abs=1e-6)


def test_graph_is_drawn_with_parameter_names(tmp_path, capsys):
    out_file = tmp_path / "graph.dot"
    assert main(["run", "--graph", str(out_file), str(script(tmp_path, TRAIN)), "3"]) == 0
    dot = out_file.read_text()
    assert "model.0.weight" in dot and "model.2.bias" in dot and "Tanh" in dot
    assert "drew the graph of the last tensor .backward() was called on" in capsys.readouterr().out


def test_graph_of_a_loss_that_was_never_backwarded(tmp_path, capsys):
    path = script(tmp_path, """
        import torch
        w = torch.ones(3, requires_grad=True)
        loss = (w * torch.tensor([1.0, 2.0, 3.0])).sum()
    """)
    out_file = tmp_path / "g.dot"
    assert main(["run", "--graph", str(out_file), str(path)]) == 0
    assert "Mul" in out_file.read_text() and "Sum" in out_file.read_text()
    assert "the script's variable `loss`" in capsys.readouterr().out


def test_no_loss_to_show(tmp_path, capsys):
    path = script(tmp_path, "import torch\nx = torch.ones(2) * 3\n")
    assert main(["run", "--trace", str(path)]) == 1
    assert "no one-element tensor with a grad_fn" in capsys.readouterr().err


def test_unmapped_module_is_one_clear_line(tmp_path, capsys):
    path = script(tmp_path, "import torch\nimport torchvision.datasets as datasets\n")
    assert main(["run", str(path)]) == 1
    err = capsys.readouterr().err
    line = ("tinygrad-edu run: torchvision is not available in tinygrad_edu (it is a package for the real PyTorch); "
            "replace its datasets with synthetic tensors of the same shapes (tinygrad_edu.randn, randint)")
    assert err.strip().splitlines() == [line]
    assert line in (ROOT / "README.md").read_text()  # the README quotes it as it is


def test_script_errors_show_the_scripts_traceback(tmp_path, capsys):
    path = script(tmp_path, "import torch\n\ndef f():\n    return torch.ones(2) @ torch.ones(3)\n\nf()\n")
    assert main(["run", str(path)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("Traceback") and str(path) in err and "line 4, in f" in err
    assert "runpy" not in err and "torch_compat" not in err


def test_exit_codes(tmp_path, capsys):
    assert main(["run", str(script(tmp_path, "import sys\nsys.exit(3)\n"))]) == 3
    assert main(["run", str(script(tmp_path, "import sys\nsys.exit()\n", "b.py"))]) == 0
    assert main(["run", str(tmp_path / "missing.py")]) == 2
    assert "no such file" in capsys.readouterr().err


def test_in_a_fresh_process(tmp_path):
    path = script(tmp_path, """
        import torch
        from torch.autograd.functional import jacobian
        x = torch.tensor([1.0, 2.0])
        print(type(torch.nn.LSTM(2, 3)).__module__, jacobian(lambda x: x * x, x).tolist())
    """)
    done = subprocess.run([sys.executable, "-m", "tinygrad_edu", "run", str(path)], capture_output=True, text=True,
                          cwd=ROOT, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["tinygrad_edu.nn.rnn", "[[2.0,", "0.0],", "[0.0,", "4.0]]"]
