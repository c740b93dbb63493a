"""ParameterList and ParameterDict: the parent module registers what they hold, under PyTorch's keys."""

import numpy as np
import pytest

import tinygrad_edu as tg
import tinygrad_edu.nn as nn
import tinygrad_edu.optim as optim


class Scales(nn.Module):
    def __init__(self):
        super().__init__()
        self.ps = nn.ParameterList([nn.Parameter(tg.ones(2)), tg.zeros(3)])  # a plain tensor becomes a Parameter
        self.pd = nn.ParameterDict({"scale": tg.ones(1)})

    def forward(self, x):
        return (x * self.ps[0]).sum() + self.ps[1].sum() + self.pd["scale"].sum()


def test_parent_registers_them_with_pytorchs_keys():
    model = Scales()
    assert list(model.state_dict()) == ["ps.0", "ps.1", "pd.scale"]
    assert all(isinstance(p, nn.Parameter) and p.requires_grad for p in model.parameters())
    assert len(list(model.parameters())) == 3
    model(tg.ones(2)).backward()
    opt = optim.SGD(model.parameters(), lr=0.5)
    opt.step()
    np.testing.assert_array_equal(model.ps[0].detach().numpy(), [0.5, 0.5])  # trained: the optimizer saw it
    np.testing.assert_array_equal(model.pd["scale"].detach().numpy(), [0.5])


def test_repr_is_pytorchs():
    # torch 2.13 prints the same, with torch.float32 and torch.FloatTensor
    assert repr(Scales()) == (
        "Scales(\n"
        "  (ps): ParameterList(\n"
        "      (0): Parameter containing: [tinygrad_edu.float32 of size 2]\n"
        "      (1): Parameter containing: [tinygrad_edu.float32 of size 3]\n"
        "  )\n"
        "  (pd): ParameterDict(  (scale): Parameter containing: [tinygrad_edu.FloatTensor of size 1])\n"
        ")")


def test_parameter_list_behaves_as_a_list():
    first = nn.Parameter(tg.ones(2))
    params = nn.ParameterList([first])
    assert params[0] is first  # held, not copied
    params.append(tg.zeros(3, 2))
    params += [nn.Parameter(tg.zeros(1))]
    assert len(params) == 3 and params[-1].shape == (1,) and isinstance(params[1], nn.Parameter)
    assert isinstance(params[0:2], nn.ParameterList) and len(params[0:2]) == 2
    assert [p.shape for p in params] == [(2,), (3, 2), (1,)]
    params[1] = nn.Parameter(tg.ones(4))
    assert params[1].shape == (4,) and list(params.state_dict()) == ["0", "1", "2"]
    with pytest.raises(IndexError, match="ParameterList: index 5 is out of range for 3 parameters"):
        params[5]
    with pytest.raises(TypeError, match="ParameterList: expected an nn.Parameter or a Tensor, got int"):
        params.append(3)
    with pytest.raises(NotImplementedError, match="ParameterList has no forward"):
        params(1)


def test_parameter_dict_behaves_as_a_dict():
    params = nn.ParameterDict({"a": nn.Parameter(tg.ones(2))})
    params["b"] = tg.zeros(2)
    params.update([("c", tg.zeros(1))])
    assert list(params) == ["a", "b", "c"] and list(params.keys()) == ["a", "b", "c"] and "a" in params
    assert [k for k, _ in params.items()] == ["a", "b", "c"] and len(list(params.values())) == 3
    assert params.get("zz") is None and params.pop("a").shape == (2,) and list(params) == ["b", "c"]
    del params["b"]
    assert len(params) == 1 and list(params.state_dict()) == ["c"]
    params.clear()
    assert len(params) == 0


def test_parameter_containers_load_torchs_state_dict():
    torch = pytest.importorskip("torch")

    class TorchScales(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.ps = torch.nn.ParameterList([torch.nn.Parameter(torch.randn(2)), torch.randn(3)])
            self.pd = torch.nn.ParameterDict({"scale": torch.randn(1)})

    theirs, ours = TorchScales(), Scales()
    ours.load_state_dict({key: value.detach().numpy() for key, value in theirs.state_dict().items()})
    np.testing.assert_array_equal(ours.ps[1].detach().numpy(), theirs.ps[1].detach().numpy())
    assert repr(ours).replace("tinygrad_edu", "torch") == repr(theirs).replace("TorchScales", "Scales")
