"""Misuse the library as learners do: each slip gets an error that names the op, the shapes and the
fix, instead of a silent wrong answer, another op's name or a traceback from deep inside NumPy.

Each rule is written out torch-free; where torch is installed, a twin checks that PyTorch refuses too.
"""

import numpy as np
import pytest

import tinygrad_edu as tg
import tinygrad_edu.nn as nn
import tinygrad_edu.nn.functional as F

# ---------------------------------------------------------------- gather, scatter, index_select


def grid():
    return tg.arange(6.0).reshape(2, 3)


def test_gather_refuses_a_negative_index_instead_of_reading_from_the_end():
    with pytest.raises(RuntimeError, match=r"^gather: index -1 is out of bounds for dimension 1 with size 3 "
                                           r"\(valid: 0 to 2; negative indices are refused"):
        grid().gather(1, tg.tensor([[-1], [0]]))


def test_gather_names_itself_when_the_index_is_larger_than_the_input_off_dim():
    with pytest.raises(RuntimeError, match=r"^gather: index of shape \(3, 1\) is larger than the input \(2, 3\) "
                                           r"in a dimension other than dim 1"):
        grid().gather(1, tg.tensor([[0], [0], [1]]))


def test_scatter_names_the_bad_index_not_the_largest():
    with pytest.raises(RuntimeError, match=r"^scatter: index -1 is out of bounds for dimension 1 with size 3"):
        tg.zeros(2, 3).scatter(1, tg.tensor([[0], [-1]]), 1.0)


@pytest.mark.parametrize("index,bad", [([-1], -1), ([0, 3], 3)])
def test_index_select_refuses_positions_outside_the_dim_in_its_own_name(index, bad):
    with pytest.raises(IndexError, match=rf"^index_select: index {bad} is out of range for dim 0 of a tensor of "
                                         r"shape \(3,\) \(valid: 0 to 2"):
        tg.arange(3.0).index_select(0, tg.tensor(index))


def test_index_select_still_selects_and_keeps_the_dim_for_a_0d_index():
    assert grid().index_select(1, tg.tensor([2, 0])).tolist() == [[2.0, 0.0], [5.0, 3.0]]
    assert tg.arange(3.0).index_select(0, tg.tensor(1)).tolist() == [1.0]


def test_gather_and_index_select_with_negative_positions_fail_in_torch_too():
    torch = pytest.importorskip("torch")
    with pytest.raises(RuntimeError):
        torch.arange(6.0).reshape(2, 3).gather(1, torch.tensor([[-1], [0]]))
    with pytest.raises(IndexError):
        torch.arange(3.0).index_select(0, torch.tensor([-1]))
    assert torch.arange(3.0).index_select(0, torch.tensor(1)).tolist() == [1.0]


# ---------------------------------------------------------------- losses

LOGITS = [[1.0, 2.0, 3.0], [1.0, 0.0, 0.0]]


@pytest.mark.parametrize("loss,name", [(nn.CrossEntropyLoss(), "cross_entropy"),
                                       (nn.CrossEntropyLoss(reduction="none"), "cross_entropy"),
                                       (nn.NLLLoss(), "nll_loss")])
def test_integer_scores_are_refused_not_turned_into_an_integer_loss(loss, name):
    # before: cross_entropy's fast path gave tensor(0), an int64 "loss" that cannot be trained
    with pytest.raises(RuntimeError, match=rf"^{name}: the input \(scores over classes\) must be floating point, "
                                           r"got tinygrad_edu.int64 of shape \(1, 3\)\. Hint: input.float\(\)"):
        loss(tg.tensor([[1, 2, 3]]), tg.tensor([2]))


def test_integer_scores_fail_in_torch_too():
    torch = pytest.importorskip("torch")
    with pytest.raises(NotImplementedError):
        torch.nn.CrossEntropyLoss()(torch.tensor([[1, 2, 3]]), torch.tensor([2]))


def test_float_class_indices_are_diagnosed_as_a_dtype_slip_not_a_shape_one():
    # before: "a probability target must have the input's shape (2, 3), got (2,)", about shapes
    with pytest.raises(RuntimeError, match=r"^cross_entropy: the target of shape \(2,\) holds floats \(float32\); "
                                           r"class indices must be integers\. Hint: target.long\(\)"):
        F.cross_entropy(tg.tensor(LOGITS), tg.tensor([2.0, 0.0]))
    # what the learner meant works, and a one-hot float target still means probabilities
    assert F.cross_entropy(tg.tensor(LOGITS), tg.tensor([2.0, 0.0]).long()).item() == pytest.approx(0.4795, abs=1e-4)
    one_hot = tg.tensor([[0.0, 0.0, 1.0], [1.0, 0.0, 0.0]])
    assert F.cross_entropy(tg.tensor(LOGITS), one_hot).item() == pytest.approx(0.4795, abs=1e-4)


@pytest.mark.parametrize("loss,name", [(F.mse_loss, "mse_loss"), (F.l1_loss, "l1_loss"),
                                       (F.smooth_l1_loss, "smooth_l1_loss")])
def test_shapes_that_cannot_broadcast_name_the_loss_and_give_no_misleading_warning(loss, name):
    # before: a warning about (N, 1) against (N,) and then "mselossfunction: shapes ... cannot be broadcast"
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(RuntimeError, match=rf"^{name}: the input \(4, 2\) and the target \(3,\) cannot be "
                                               r"broadcast together\. Hint: give the target the input's shape"):
            loss(tg.ones(4, 2), tg.zeros(3))


def test_the_n_by_1_hint_is_given_only_for_an_n_by_1_output():
    with pytest.warns(UserWarning, match=r"Hint: a \(N, 1\) output against an \(N,\) target broadcasts"):
        F.mse_loss(tg.ones(4, 1), tg.zeros(4))
    with pytest.warns(UserWarning, match=r"^mse_loss: the target's shape \(1, 3\) differs from the input's \(2, 3\)\. "
                                         r"Hint: give the target the input's shape") as record:
        F.mse_loss(tg.ones(2, 3), tg.zeros(1, 3))
    assert "(N, 1)" not in str(record[0].message)


def test_unbroadcastable_mse_fails_in_torch_too():
    torch = pytest.importorskip("torch")
    with pytest.warns(UserWarning), pytest.raises(RuntimeError):
        torch.nn.functional.mse_loss(torch.ones(4, 2), torch.zeros(3))


# ---------------------------------------------------------------- save and load


def test_save_over_a_folder_says_so_before_writing_anything(tmp_path):
    # before: "OSError: [Errno 16] Device or resource busy: '/.../.s.1234.tmp' -> '.'" (or IsADirectoryError
    # naming a temporary file), after the whole object had been written to a temporary file
    with pytest.raises(IsADirectoryError, match=r"^save: .* is a folder; give a file name inside it, "
                                                r"e\.g\. .*model\.npz"):
        tg.save({"w": tg.ones(2)}, tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_save_with_the_arguments_swapped_says_so(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    state = nn.Linear(2, 1).state_dict()
    # before: "TypeError: expected str, bytes or os.PathLike object, not OrderedDict", from inside NumPy
    with pytest.raises(TypeError, match=r"^save: f must be a path .* not a OrderedDict\. Hint: the arguments are "
                                        r"the other way round: save\(obj, path\)"):
        tg.save("model.npz", state)
    with pytest.raises(TypeError, match=r"not a int\. Hint: save\(model.state_dict\(\), \"model.npz\"\)"):
        tg.save(state, 3)
    assert list(tmp_path.iterdir()) == []


def test_load_of_bytes_points_at_bytesio_instead_of_calling_the_file_damaged():
    import io
    buffer = io.BytesIO()
    tg.save({"w": tg.ones(2)}, buffer)
    # before: FileFormatError "the file is damaged or is not a .npz file (AttributeError: ... 'tell')"
    with pytest.raises(TypeError, match=r"^load: f must be a path .* not a bytes\. Hint: wrap the bytes in a file: "
                                        r"load\(io.BytesIO\(data\)\)"):
        tg.load(buffer.getvalue())
    assert tg.load(io.BytesIO(buffer.getvalue()))["w"].tolist() == [1.0, 1.0]


@pytest.mark.parametrize("make", ["dict", "list"])
def test_an_object_that_contains_itself_is_named_at_the_first_repeat(tmp_path, make):
    if make == "dict":
        obj = {"a": {}}
        obj["a"]["up"] = obj
        where = r"the object\['a'\]\['up'\] is a dict"
    else:
        obj = [1]
        obj.append(obj)
        where = r"the object\[1\] is a list"
    # before: a 300-500 character path 64 levels deep ("nested more than 64 levels deep (or contains itself)")
    with pytest.raises(ValueError, match=rf"^save: {where} it is already inside: the object contains itself") as info:
        tg.save(obj, tmp_path / "cycle.npz")
    assert len(str(info.value)) < 200
    shared = [1.0]  # the same list twice is not a cycle
    tg.save({"p": shared, "q": shared}, tmp_path / "twice.npz")
    assert tg.load(tmp_path / "twice.npz") == {"p": [1.0], "q": [1.0]}


# ---------------------------------------------------------------- the command line


def test_check_given_a_folder_or_a_file_that_is_not_python_says_which(tmp_path, capsys):
    from tinygrad_edu.cli import main
    data = tmp_path / "weights.npz"
    data.write_bytes(b"PK\x03\x04 not python")
    # before: "no such file: DIR" for a folder, and for weights.npz a failed check reading
    # "your code raised AttributeError: 'NoneType' object has no attribute 'loader'"
    assert main(["check", "simple_nn", str(tmp_path)]) == 1
    assert f"error: {tmp_path} is a folder; give the Python file in it, e.g. {tmp_path / 'simple_nn.py'}" \
        in capsys.readouterr().err
    assert main(["check", "simple_nn", str(data)]) == 1
    err = capsys.readouterr().err
    assert "weights.npz is not a Python file (.py)" in err and "tinygrad-edu exercise simple_nn" in err


def test_check_from_python_reads_a_solution_saved_under_another_suffix(tmp_path):
    from tinygrad_edu.exercises import check
    solution = tmp_path / "solution.txt"
    solution.write_text("class SimpleNN:\n    pass\n")
    result = check("simple_nn", solution, seconds=30)
    assert "'NoneType' object has no attribute 'loader'" not in str(result)
    assert "found SimpleNN" in str(result)  # the file was imported and the class found


def test_run_given_a_folder_says_so_without_a_traceback(tmp_path, capsys):
    from tinygrad_edu.cli import main
    # before: a traceback ending in "ImportError: can't find '__main__' module in ..."
    assert main(["run", str(tmp_path)]) == 2
    captured = capsys.readouterr()
    assert captured.err.strip() == f"tinygrad-edu run: {tmp_path} is a folder, not a script; give the .py file to run"
    (tmp_path / "__main__.py").write_text("print('ran the folder')\n")  # as `python DIR` runs one
    assert main(["run", str(tmp_path)]) == 0
    assert "ran the folder" in capsys.readouterr().out


# ---------------------------------------------------------------- layers given something that is not a Tensor


@pytest.mark.parametrize("layer,value,what", [
    (nn.Linear(2, 1), [1.0, 2.0], "a Python list"),  # before: AttributeError: 'list' object has no attribute '_data'
    (nn.Tanh(), np.ones(2), "a NumPy array of shape \\(2,\\) and dtype float64"),  # before: ... no attribute 'tanh'
    (nn.Dropout(), np.ones(2), "a NumPy array"),  # before: 'Float32DType' object has no attribute 'is_floating_point'
    (nn.LayerNorm(2), np.ones((1, 2)), "a NumPy array"),  # before: _mean() got an unexpected keyword argument
    (nn.Conv2d(1, 1, 1), np.ones((1, 1, 2, 2), np.float32), "a NumPy array"),  # before: silently accepted
    (nn.Embedding(4, 2), [1, 2], "a Python list"),  # before: silently accepted
    (nn.MSELoss(), np.ones(2), "a NumPy array"),  # before: a float64 loss, silently
])
def test_a_layer_given_a_list_or_an_array_names_itself_and_says_make_it_a_tensor(layer, value, what):
    with pytest.raises(TypeError, match=rf"^{type(layer).__name__}: the input must be a Tensor, not {what}.*"
                                        r"Hint: make it a tensor first: tinygrad_edu.tensor\(x"):
        layer(value) if not isinstance(layer, nn.MSELoss) else layer(value, tg.ones(2))


def test_a_float64_array_is_told_to_become_float32_like_the_weights():
    with pytest.raises(TypeError, match=r"Hint: make it a tensor first: "
                                        r"tinygrad_edu.tensor\(x, dtype=tinygrad_edu.float32\)$"):
        nn.Linear(2, 1)(np.ones((1, 2)))


def test_modules_that_take_anything_still_do():
    class Tokens(nn.Module):  # a learner's module may take a list
        def forward(self, words):
            return tg.tensor([[float(len(w))] for w in words])

    assert nn.Identity()(3) == 3
    assert nn.Sequential(Tokens(), nn.Identity())(["ab", "c"]).tolist() == [[2.0], [1.0]]
    with pytest.raises(NotImplementedError, match="ParameterList has no forward"):
        nn.ParameterList([nn.Parameter(tg.ones(1))])(1)
    # and a pre-hook that turns the array into a tensor runs before the check
    layer = nn.Linear(2, 1)
    layer.register_forward_pre_hook(lambda module, args: (tg.tensor(args[0], dtype=tg.float32),))
    assert layer(np.ones((1, 2))).shape == (1, 1)


def test_torch_layers_refuse_lists_and_arrays_too():
    torch = pytest.importorskip("torch")
    for layer, value in [(torch.nn.Linear(2, 1), [1.0, 2.0]), (torch.nn.Conv2d(1, 1, 1), np.ones((1, 1, 2, 2))),
                         (torch.nn.Embedding(4, 2), [1, 2]), (torch.nn.Tanh(), np.ones(2))]:
        with pytest.raises(TypeError):
            layer(value)


# ---------------------------------------------------------------- a refused batch changes nothing


@pytest.mark.parametrize("momentum", [0.1, None])
def test_batch_norm_refusing_a_batch_of_one_leaves_the_layer_as_it_was(momentum):
    bn = nn.BatchNorm1d(3, momentum=momentum)
    before = {k: v.tolist() for k, v in bn.state_dict().items()}
    with pytest.raises(ValueError, match=r"^batch_norm: expected more than 1 value per channel when training, got "
                                         r"input of shape \(1, 3\)\. Hint: .*batches of 2 or more, or call "
                                         r"model.eval\(\)"):
        bn(tg.ones(1, 3))
    # before: num_batches_tracked was 1 although no batch was used (PyTorch does the same)
    assert {k: v.tolist() for k, v in bn.state_dict().items()} == before
    bn(tg.tensor([[0.0, 2.0, 4.0], [2.0, 4.0, 8.0]]))  # an accepted batch still counts, and moves the stats
    assert bn.num_batches_tracked.item() == 1
    expected = [1.0, 3.0, 6.0] if momentum is None else [0.1, 0.3, 0.6]  # None: the cumulative average
    assert bn.running_mean.tolist() == pytest.approx(expected)


# ---------------------------------------------------------------- constructors


@pytest.mark.parametrize("make,message", [
    (lambda: nn.Linear(3, 5 / 2), r"^Linear: out_features must be a whole number, got 2.5 \(float\)\. "
                                  r"Hint: use // rather than /"),
    (lambda: nn.Linear("3", 2), r"^Linear: in_features must be a whole number, got '3' \(str\)"),
    (lambda: nn.Conv2d(3.0, 4, 3), r"^Conv2d: in_channels must be a whole number, got 3.0"),
    (lambda: nn.Embedding(10.0, 3), r"^Embedding: num_embeddings must be a whole number"),
    (lambda: nn.LSTM(4.0, 3), r"^LSTM: input_size must be a whole number"),
    (lambda: nn.BatchNorm1d(2.0), r"^BatchNorm1d: num_features must be a whole number"),
])
def test_a_float_size_names_the_layer_and_the_argument(make, message):
    # before: "TypeError: 'float' object cannot be interpreted as an integer", from NumPy
    with pytest.raises(TypeError, match=message):
        make()


def test_a_negative_size_names_the_layer_and_the_argument():
    # before: "ValueError: negative dimensions are not allowed", from NumPy
    with pytest.raises(ValueError, match=r"^Linear: out_features must be 0 or more, got -2$"):
        nn.Linear(3, -2)
    with pytest.raises(ValueError, match=r"^Conv2d: out_channels must be 0 or more, got -4$"):
        nn.Conv2d(3, -4, 3)
    assert nn.Linear(np.int64(3), 2).in_features == 3  # NumPy ints are whole numbers


def test_an_optimizer_given_the_model_says_pass_its_parameters():
    # before: "TypeError: 'Linear' object is not iterable"
    with pytest.raises(TypeError, match=r"^SGD: params should be an iterable of Tensors or dicts, but got the model "
                                        r"Linear itself\. Hint: pass model.parameters\(\)\.$"):
        tg.optim.SGD(nn.Linear(2, 1), lr=0.1)


def test_step_lr_refuses_a_step_size_of_zero_when_it_is_made():
    optimizer = tg.optim.SGD(nn.Linear(2, 1).parameters(), lr=0.1)
    # before (and in PyTorch): accepted, then "ZeroDivisionError: integer modulo by zero" at the first step
    with pytest.raises(ValueError, match=r"^StepLR: step_size must be a whole number of epochs >= 1, got 0$"):
        tg.optim.lr_scheduler.StepLR(optimizer, step_size=0)
    assert tg.optim.lr_scheduler.StepLR(optimizer, step_size=np.int64(2)).step_size == 2


def test_torch_fails_on_these_constructors_too():
    torch = pytest.importorskip("torch")
    with pytest.raises(TypeError):
        torch.nn.Linear(3, 5 / 2)
    with pytest.raises(TypeError):
        torch.optim.SGD(torch.nn.Linear(2, 1), lr=0.1)
    optimizer = torch.optim.SGD(torch.nn.Linear(2, 1).parameters(), lr=0.1)
    scheduler = torch.optim.lr_scheduler.StepLR(optimizer, step_size=0)
    optimizer.step()
    with pytest.raises(ZeroDivisionError):
        scheduler.step()


# ---------------------------------------------------------------- dims


@pytest.mark.parametrize("op,dim", [("sum", 1.0), ("mean", "1"), ("max", 1.0), ("logsumexp", 0.5)])
def test_a_dim_that_is_not_an_int_names_the_op(op, dim):
    # before: "TypeError: 'float' object is not iterable" (and "'str' ... " read '1' as a list of dims)
    with pytest.raises(TypeError, match=rf"^{op}: dim must be an int, got {type(dim).__name__} {dim!r} "
                                        r"\(or a tuple of ints, or None\)$"):
        getattr(tg.ones(2, 3), op)(dim)
    assert tg.ones(2, 3).sum(np.int64(1)).tolist() == [3.0, 3.0] and tg.ones(2, 3).sum([0, 1]).item() == 6.0


def test_a_float_dim_fails_in_torch_too():
    torch = pytest.importorskip("torch")
    with pytest.raises(TypeError):
        torch.ones(2, 3).sum(1.0)


# ---------------------------------------------------------------- in-place ops that cannot fit their result


def test_an_int_tensor_updated_with_floats_in_place_is_told_why_and_is_unchanged():
    x = tg.tensor([1, 2])
    # before: "... in place with (): Cannot cast ufunc 'add' output from dtype('float64') to dtype('int64')
    # with casting rule 'same_kind'", NumPy's words
    with pytest.raises(RuntimeError, match=r"^add_: cannot update a tensor of shape \(2,\) and dtype "
                                           r"tinygrad_edu.int64 in place: the result would be tinygrad_edu.float32, "
                                           r"and an in-place op keeps the tensor's dtype\. Hint: make a new tensor "
                                           r"instead: x = x \+ y, or convert it first: x = x.float\(\)$"):
        x += 0.5
    with pytest.raises(RuntimeError, match=r"^div_: .* the result would be tinygrad_edu.float32"):
        x.div_(2)
    assert x.tolist() == [1, 2] and x.dtype == tg.int64


def test_an_in_place_op_whose_result_is_larger_says_so():
    x = tg.ones(3)
    with pytest.raises(RuntimeError, match=r"^add_: .* the result would have shape \(2, 3\), and an in-place op "
                                           r"keeps the tensor's shape\. Hint: make a new tensor instead: x = x \+ y$"):
        x.add_(tg.ones(2, 3))
    with pytest.raises(RuntimeError, match=r"^mul_: shapes \(3,\) and \(2,\) cannot be broadcast together"):
        x.mul_(tg.ones(2))
    assert x.tolist() == [1.0, 1.0, 1.0]


def test_torch_refuses_these_in_place_updates_too():
    torch = pytest.importorskip("torch")
    with pytest.raises(RuntimeError, match="can't be cast"):
        torch.tensor([1, 2]).add_(0.5)
    with pytest.raises(RuntimeError, match="doesn't match the broadcast shape"):
        torch.ones(3).add_(torch.ones(2, 3))


# ---------------------------------------------------------------- convolutions


def test_conv_says_how_many_channels_it_takes_and_spots_channels_last_images():
    with pytest.raises(RuntimeError, match=r"^conv2d: input \(2, 1, 8, 8\) and weight \(4, 3, 3, 3\) do not fit .* "
                                           r"The layer takes 3 input channels; the input has 1 in dim 1\. Hint:"):
        nn.Conv2d(3, 4, 3)(tg.ones(2, 1, 8, 8))
    # before: the same general sentence for both, with no word about the channels' place
    with pytest.raises(RuntimeError, match=r"the input has 8 in dim 1\. The input looks channels-last \(its last "
                                           r"dim is 3\): move the channels to dim 1 with x.permute\(0, 3, 1, 2\)\."):
        nn.Conv2d(3, 4, 3)(tg.ones(2, 8, 8, 3))
    assert nn.Conv2d(3, 4, 3)(tg.ones(2, 8, 8, 3).permute(0, 3, 1, 2)).shape == (2, 4, 6, 6)


# ---------------------------------------------------------------- optimizer.load_state_dict


def test_another_kind_of_optimizers_state_dict_is_refused_and_changes_nothing():
    model = nn.Linear(2, 1)
    adam = tg.optim.Adam(model.parameters(), lr=0.1)
    sgd = tg.optim.SGD(model.parameters(), lr=0.5)  # no momentum: no per-parameter state to trip over
    # before: accepted; Adam's group took SGD's lr and gained momentum, dampening and nesterov
    with pytest.raises(ValueError, match=r"^Adam.load_state_dict: the loaded param group has the options "
                                         r"\['dampening', 'momentum', 'nesterov'\], which Adam does not take, and "
                                         r"lacks \[.*'betas'.*\].*looks like another optimizer's state_dict"):
        adam.load_state_dict(sgd.state_dict())
    assert adam.param_groups[0]["lr"] == 0.1 and "momentum" not in adam.param_groups[0]


def test_a_learning_rate_that_is_not_a_number_is_refused_at_load_not_at_the_next_step():
    optimizer = tg.optim.SGD(nn.Linear(2, 1).parameters(), lr=0.1)
    state = optimizer.state_dict()
    state["param_groups"][0]["lr"] = "fast"
    with pytest.raises(ValueError, match=r"^Invalid learning rate value: 'fast'"):
        optimizer.load_state_dict(state)
    state["param_groups"][0].update(lr=0.2, momentum="a lot")
    with pytest.raises(ValueError, match=r"^SGD.load_state_dict: the loaded option momentum='a lot' is not a number"):
        optimizer.load_state_dict(state)
    assert optimizer.param_groups[0]["lr"] == 0.1 and optimizer.param_groups[0]["momentum"] == 0
    state["param_groups"][0].update(momentum=0.9, initial_lr=0.2, name="head")  # a scheduler's and a user's keys
    optimizer.load_state_dict(state)
    assert optimizer.param_groups[0]["lr"] == 0.2 and optimizer.param_groups[0]["name"] == "head"


# ---------------------------------------------------------------- DataLoader


class MixedLabels:
    """A dataset whose label is an int for one sample and a string for another."""

    def __len__(self):
        return 2

    def __getitem__(self, i):
        return tg.ones(2), (1 if i == 0 else "cat")


def test_a_dataset_returning_different_kinds_of_label_is_named_by_the_collate():
    from tinygrad_edu.utils.data import DataLoader, default_collate
    # before: "TypeError: tensor: cannot make a tensor from tuple (1, 'cat'); give numbers ..."
    with pytest.raises(TypeError, match=r"^default_collate: entry 0 of the batch is a number, but the batch holds "
                                        r"int, str: the dataset returns different kinds of value for different "
                                        r"samples\. Hint: return the same kind"):
        list(DataLoader(MixedLabels(), batch_size=2))
    assert default_collate([1, 2.5, True]).tolist() == [1.0, 2.5, 1.0]  # numbers of mixed types still batch
    assert default_collate([1, tg.tensor(2)]).tolist() == [1, 2]
