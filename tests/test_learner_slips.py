"""Where a learner slips as tutorials invite, the library says what happened and how to fix it."""

import warnings

import pytest

import tinygrad_edu as tg
from tinygrad_edu import nn


class PlainListNet(nn.Module):
    """The tutorial's way: a Python list, filled after it is assigned."""

    def __init__(self):
        super().__init__()
        self.layers = []
        for _ in range(3):
            self.layers.append(nn.Linear(2, 2))

    def forward(self, x):
        for layer in self.layers:
            x = layer(x)
        return x


def test_layers_appended_to_a_plain_list_are_named_when_parameters_are_asked_for():
    net = PlainListNet()
    with pytest.warns(UserWarning, match=r"PlainListNet\.layers is a plain list of modules") as record:
        params = list(net.parameters())
    assert params == []  # the slip itself: nothing for an optimizer to train
    message = str(record[0].message)
    assert "invisible to .parameters()" in message and "self.layers = nn.ModuleList(...)" in message
    assert record[0].filename == __file__  # points at the learner's line, not the library's


def test_a_list_assigned_whole_warns_at_once_and_names_the_right_container():
    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.blocks = [nn.Linear(2, 2), nn.ReLU()]
            self.scales = (nn.Parameter(tg.ones(2)),)
            self.heads = {"a": nn.Linear(2, 1)}

    with pytest.warns(UserWarning) as record:
        Net()
    messages = [str(r.message) for r in record]
    assert any("Net.blocks is a plain list of modules" in m and "nn.ModuleList" in m for m in messages)
    assert any("Net.scales is a plain tuple of parameters" in m and "nn.ParameterList" in m for m in messages)
    assert any("Net.heads is a plain dict of modules" in m and "nn.ModuleDict" in m for m in messages)


def test_a_dict_of_parameters_points_at_parameter_dict():
    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.scales = {"a": nn.Parameter(tg.ones(2))}

    with pytest.warns(UserWarning, match=r"Use nn.ParameterDict: self.scales = nn.ParameterDict\(...\)"):
        Net()


def test_module_list_and_plain_data_do_not_warn():
    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.layers = nn.ModuleList([nn.Linear(2, 2) for _ in range(2)])
            self.sizes = [2, 2, 2]            # plain numbers: nothing hidden
            self.names = {"in": "x"}

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        net = Net()
        assert len(list(net.parameters())) == 4
        nn.Sequential(nn.Linear(2, 3), nn.ReLU(), nn.Linear(3, 1)).parameters()
