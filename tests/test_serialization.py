"""save / load: round trips that keep types, and clear errors for files that are not ours."""

import ast
import io
import json
import pickle
import zipfile

import numpy as np
import pytest

import tinygrad_edu as tg
import tinygrad_edu.nn as nn
import tinygrad_edu.serialization as serialization
from tinygrad_edu.serialization import FileFormatError


def round_trip(obj, tmp_path):
    path = tmp_path / "obj.pt"
    tg.save(obj, path)
    return tg.load(path)


def test_types_survive_the_round_trip(tmp_path):
    obj = {
        "tensor": tg.tensor([[1.5, 2.0]]),
        "grad_tensor": tg.tensor([1.0], dtype=np.float64, requires_grad=True),
        "param": nn.Parameter(tg.ones(2)),
        "array": np.arange(6, dtype=np.int32).reshape(2, 3),
        "bools": np.array([True, False]),
        "scalar": np.float32(0.25),
        "int": 7, "big_int": 2 ** 70, "float": 0.1, "inf": float("inf"), "bool": True, "none": None,
        "str": "type", "list": [1, 2.5, "x"], "tuple": (0.9, 0.999),
        3: "int key", 2.5: "float key", (1, 2): "tuple key", False: "bool key",
        "nested": {"__type__": "tensor", "type": "value"},  # user data that looks like our tags
        "empty": {}, "empty_list": [],
    }
    back = round_trip(obj, tmp_path)
    assert list(back) == list(obj)
    assert type(back["tensor"]) is tg.Tensor and back["tensor"].dtype == np.float32
    np.testing.assert_array_equal(back["tensor"]._data, obj["tensor"]._data)
    assert back["grad_tensor"].requires_grad and back["grad_tensor"].dtype == np.float64
    # serialization sits below nn, so a Parameter comes back as a Tensor that requires grad
    # (load_state_dict copies it into the model's own Parameter anyway).
    assert type(back["param"]) is tg.Tensor and back["param"].requires_grad
    assert type(back["array"]) is np.ndarray and back["array"].dtype == np.int32
    assert back["bools"].dtype == np.bool_
    assert type(back["scalar"]) is np.float32 and back["scalar"] == 0.25
    for key in ("int", "big_int", "float", "inf", "bool", "none", "str", "list", "tuple", 3, 2.5, (1, 2), False,
                "nested", "empty", "empty_list"):
        assert back[key] == obj[key] and type(back[key]) is type(obj[key]), key
    assert type(back["list"][0]) is int and type(back["tuple"]) is tuple


def test_optimizer_style_state_dict_round_trip(tmp_path):
    state = {"state": {0: {"step": tg.tensor(3.0), "exp_avg": tg.randn(2, 2)}, 1: {"momentum_buffer": None}},
             "param_groups": [{"lr": 0.01, "betas": (0.9, 0.999), "amsgrad": False, "params": [0, 1]}]}
    back = round_trip(state, tmp_path)
    assert list(back["state"]) == [0, 1] and back["state"][1]["momentum_buffer"] is None
    np.testing.assert_array_equal(back["state"][0]["exp_avg"]._data, state["state"][0]["exp_avg"]._data)
    assert back["param_groups"] == [{"lr": 0.01, "betas": (0.9, 0.999), "amsgrad": False, "params": [0, 1]}]


def test_saved_model_loaded_into_a_fresh_model_gives_identical_outputs(tmp_path):
    def make():
        return nn.Sequential(nn.Conv2d(1, 3, 3, padding=1), nn.BatchNorm2d(3), nn.ReLU(), nn.MaxPool2d(2),
                             nn.Flatten(), nn.Linear(12, 4), nn.LayerNorm(4))

    tg.manual_seed(0)
    model = make()
    model(tg.randn(5, 1, 4, 4))  # move the batch-norm running statistics away from their start
    model.eval()
    path = tmp_path / "model.npz"
    tg.save(model.state_dict(), path)
    tg.manual_seed(1)
    fresh = make().eval()
    x = tg.randn(2, 1, 4, 4)
    assert not np.array_equal(fresh(x)._data, model(x)._data)
    fresh.load_state_dict(tg.load(path))
    np.testing.assert_array_equal(fresh(x)._data, model(x)._data)
    assert fresh[1].num_batches_tracked.item() == 1


def test_file_is_written_at_the_exact_path_and_file_objects_work(tmp_path):
    path = tmp_path / "weights.pt"
    tg.save({"a": 1}, str(path))
    assert path.exists() and not (tmp_path / "weights.pt.npz").exists()
    buffer = io.BytesIO()
    tg.save([tg.ones(2)], buffer)
    buffer.seek(0)
    assert tg.load(buffer)[0].tolist() == [1.0, 1.0]


def test_unsupported_objects_are_refused_at_save(tmp_path):
    with pytest.raises(TypeError, match=r"the object\['f'\] is a function"):
        tg.save({"f": lambda: 0}, tmp_path / "x")
    with pytest.raises(TypeError, match="array of Python objects"):
        tg.save({"o": np.array([object()])}, tmp_path / "x")


def test_missing_file(tmp_path):
    with pytest.raises(FileNotFoundError, match="no such file"):
        tg.load(tmp_path / "nope.npz")


def test_corrupt_and_truncated_files_are_reported(tmp_path):
    good = tmp_path / "good.npz"
    tg.save({"w": tg.randn(50)}, good)
    data = good.read_bytes()
    truncated = tmp_path / "truncated.npz"
    truncated.write_bytes(data[: len(data) // 2])
    with pytest.raises(FileFormatError, match="truncated.npz"):
        tg.load(truncated)
    garbage = tmp_path / "garbage.bin"
    garbage.write_bytes(b"\x00\x01not a zip at all" * 10)
    starts = r"garbage.bin is not a .npz file \(it starts with b'\\x00\\x01not"
    with pytest.raises(FileFormatError, match=starts) as info:
        tg.load(garbage)
    assert "pickle" not in str(info.value)
    text = tmp_path / "notes.txt"
    text.write_text("hello, world")
    with pytest.raises(FileFormatError, match=r"notes.txt is not a .npz file \(it starts with b'hello, w"):
        tg.load(text)
    empty = tmp_path / "empty.npz"
    empty.write_bytes(b"")
    with pytest.raises(FileFormatError, match="empty.npz is empty"):
        tg.load(empty)


def test_foreign_files_are_reported(tmp_path):
    plain_npz = tmp_path / "plain.npz"
    np.savez(plain_npz, x=np.ones(3))
    with pytest.raises(FileFormatError, match="not a tinygrad_edu save file"):
        tg.load(plain_npz)
    npy = tmp_path / "array.npy"
    np.save(npy, np.ones(3))
    with pytest.raises(FileFormatError, match="single .npy array"):
        tg.load(npy)
    pickled = tmp_path / "model.pkl"
    pickled.write_bytes(pickle.dumps({"w": [1, 2]}))
    with pytest.raises(FileFormatError, match="model.pkl holds pickled Python objects.*never unpickles"):
        tg.load(pickled)
    with open(pickled, "rb") as f:  # an open file: the same check, and the position is kept for np.load
        with pytest.raises(FileFormatError, match="pickled"):
            tg.load(f)
    other_zip = tmp_path / "other.zip"
    with zipfile.ZipFile(other_zip, "w") as archive:
        archive.writestr("readme.txt", "hello")
    with pytest.raises(FileFormatError, match="not a tinygrad_edu save file"):
        tg.load(other_zip)


def test_torch_save_file_is_refused_without_running_it(tmp_path):
    torch = pytest.importorskip("torch")
    path = tmp_path / "torch.pt"
    torch.save({"w": torch.ones(2)}, path)
    with pytest.raises(FileFormatError, match=rf"{path.name} is a zip .* looks like a torch.save file"):
        tg.load(path)


def test_torch_save_layout_is_refused_without_torch(tmp_path):
    """The layout torch.save writes (a zip: archive/data.pkl, archive/data/0, ...), built by hand."""
    path = tmp_path / "model.pt"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("archive/data.pkl", pickle.dumps({"w": "storage 0"}, protocol=2))
        archive.writestr("archive/byteorder", "little")
        archive.writestr("archive/data/0", np.ones(2, dtype=np.float32).tobytes())
        archive.writestr("archive/version", "3\n")
    with pytest.raises(FileFormatError, match=r"model.pt is a zip .* looks like a torch.save file"):
        tg.load(path)


def write_structure(path, structure, **arrays):
    raw = json.dumps(structure).encode()
    np.savez(path, __structure__=np.frombuffer(raw, dtype=np.uint8), **arrays)


def test_damaged_structure_is_reported(tmp_path):
    path = tmp_path / "bad.npz"
    write_structure(path, {"format": "tinygrad_edu", "version": 1, "root": {"type": "tensor", "array": "a9"}})
    with pytest.raises(FileFormatError, match="'a9' it refers to is missing"):
        tg.load(path)
    write_structure(path, {"format": "tinygrad_edu", "version": 1, "root": {"type": "exec", "code": "1"}})
    with pytest.raises(FileFormatError, match="unknown entry type 'exec'"):
        tg.load(path)
    write_structure(path, {"format": "tinygrad_edu", "version": 99, "root": None})
    with pytest.raises(FileFormatError, match="newer"):
        tg.load(path)
    write_structure(path, {"format": "something_else"})
    with pytest.raises(FileFormatError, match="wrong format tag"):
        tg.load(path)
    np.savez(path, __structure__=np.frombuffer(b"{not json", dtype=np.uint8))
    with pytest.raises(FileFormatError, match="damaged"):
        tg.load(path)


def test_serialization_does_not_import_nn():
    # STYLE: imports run one way (tensor <- nn); the core's save/load must not reach up into nn.
    tree = ast.parse(open(serialization.__file__).read())
    imported = [node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)]
    imported += [alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names]
    assert not [name for name in imported if name.split(".")[0] == "nn" or ".nn" in name], imported
