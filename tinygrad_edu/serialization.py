"""save / load: state_dicts in a NumPy .npz file, never pickle.

    tg.save(model.state_dict(), "model.npz")
    model.load_state_dict(tg.load("model.npz"))

The file is an ordinary .npz archive (a zip of .npy arrays). One entry,
`__structure__`, holds a JSON description of the object (as uint8 bytes);
every array in it is stored as its own entry and referenced by name:

    {"format": "tinygrad_edu", "version": 1,
     "root": {"type": "dict", "items": [["fc.weight", {"type": "tensor", "array": "a0", ...}], ...]}}

Loading reads arrays with allow_pickle=False and builds only the types listed
below, so a file can never run code (pickle can, which is why torch.load warns
about untrusted files). Types survive the round trip: Tensor (with its
requires_grad flag), ndarray, NumPy scalars, int, float, bool, str, None, lists,
tuples, and dicts with str, int, float, bool or tuple keys (an optimizer's state
is keyed by int).

An nn.Parameter is saved as a tensor and loads as a plain Tensor with
requires_grad=True: this module sits below nn (imports run one way), so it
does not know Parameter. model.load_state_dict copies the values into the
model's own Parameters, so nothing is lost.
"""

from __future__ import annotations

import json
import os
import zipfile

import numpy as np

from .tensor import Tensor

__all__ = ["save", "load"]

FORMAT, VERSION = "tinygrad_edu", 1
STRUCTURE = "__structure__"


def encode(obj, arrays: dict, where: str):
    """obj as JSON-ready data; arrays go into `arrays` under fresh names."""
    if obj is None or isinstance(obj, (bool, int, float, str)) and not isinstance(obj, np.generic):
        return {"type": "value", "value": obj}  # wrapped, so a str can never pass for a type tag
    if isinstance(obj, (Tensor, np.ndarray, np.generic)):
        array = obj._data if isinstance(obj, Tensor) else np.asarray(obj)
        if array.dtype.hasobject:
            raise TypeError(f"save: {where} is an array of Python objects; only numeric and bool arrays "
                            "can be saved without pickle")
        name = f"a{len(arrays)}"
        arrays[name] = array
        if isinstance(obj, Tensor):  # a Parameter too: a tensor that requires grad
            return {"type": "tensor", "array": name, "requires_grad": bool(obj.requires_grad)}
        return {"type": "ndarray" if isinstance(obj, np.ndarray) else "scalar", "array": name}
    if isinstance(obj, dict):
        return {"type": "dict", "items": [[encode(k, arrays, f"a key of {where}"), encode(v, arrays, f"{where}[{k!r}]")]
                                          for k, v in obj.items()]}
    if isinstance(obj, (list, tuple)):
        return {"type": type(obj).__name__ if type(obj) in (list, tuple) else "list",
                "items": [encode(v, arrays, f"{where}[{i}]") for i, v in enumerate(obj)]}
    raise TypeError(f"save: {where} is a {type(obj).__name__}, which cannot be saved. Supported: Tensors, "
                    "NumPy arrays, numbers, str, None, and lists, tuples and dicts of them.")


def save(obj, path) -> None:
    """Write obj (a state_dict, or nested dicts/lists of Tensors, arrays and numbers) to `path`.

    The file is written exactly at `path` (no '.npz' is appended)."""
    arrays = {}
    root = encode(obj, arrays, "the object")
    text = json.dumps({"format": FORMAT, "version": VERSION, "root": root})
    arrays[STRUCTURE] = np.frombuffer(text.encode("utf-8"), dtype=np.uint8)
    if isinstance(path, (str, os.PathLike)):
        with open(path, "wb") as f:
            np.savez(f, **arrays)
    else:  # an open binary file
        np.savez(path, **arrays)


class FileFormatError(RuntimeError):
    """The file is not a tinygrad_edu save file, or it is damaged."""


def decode(node, arrays, path: str):
    def bad(what: str) -> FileFormatError:
        return FileFormatError(f"load: {path} is damaged: {what}")

    if not isinstance(node, dict) or "type" not in node:
        raise bad(f"unexpected entry {str(node)[:60]!r} in its structure")
    kind = node["type"]
    if kind == "value":
        return node.get("value")
    if kind in ("tensor", "parameter", "ndarray", "scalar"):
        name = node.get("array")
        if name not in arrays.files:
            raise bad(f"the array {name!r} it refers to is missing")
        array = arrays[name]
        if kind == "scalar":
            return array[()]
        if kind == "ndarray":
            return array
        # "parameter": what files written before Parameters were saved as tensors call them.
        requires_grad = bool(node.get("requires_grad", kind == "parameter"))
        return Tensor._wrap(array).requires_grad_(requires_grad)
    if kind in ("list", "tuple"):
        items = [decode(v, arrays, path) for v in node.get("items", [])]
        return items if kind == "list" else tuple(items)
    if kind == "dict":
        result = {}
        for pair in node.get("items", []):
            if not isinstance(pair, list) or len(pair) != 2:
                raise bad("a dict entry is not a (key, value) pair")
            result[decode(pair[0], arrays, path)] = decode(pair[1], arrays, path)
        return result
    raise bad(f"unknown entry type {kind!r}")


def first_bytes(path, count: int = 8) -> bytes:
    """The first `count` bytes of a path or an open binary file (whose position is kept)."""
    if isinstance(path, (str, os.PathLike)):
        with open(path, "rb") as f:
            return f.read(count)
    position = path.tell()
    head = path.read(count)
    path.seek(position)
    return head


def check_magic(head: bytes, name: str) -> None:
    """Say what the file is when it is not a zip (.npz): its first bytes tell."""
    if head.startswith(b"PK"):  # a zip archive, as .npz files are
        return
    if not head:
        raise FileFormatError(f"load: {name} is empty.")
    if head.startswith(b"\x93NUMPY"):
        raise FileFormatError(f"load: {name} is a single .npy array, not a tinygrad_edu save file "
                              "(read it with numpy.load).")
    if head.startswith(b"\x80"):  # pickle's PROTO opcode
        raise FileFormatError(
            f"load: {name} holds pickled Python objects (perhaps a pickle file, or an old-style torch.save). "
            "tinygrad_edu never unpickles, because unpickling can run any code; "
            "save the weights with tinygrad_edu.save instead.")
    raise FileFormatError(f"load: {name} is not a .npz file (it starts with {head!r}; "
                          "a .npz file, a zip archive, starts with b'PK').")


def load(path):
    """Read what save() wrote. Never runs code from the file (allow_pickle=False);
    a file that is not a tinygrad_edu save file raises an error saying what it is.
    Tensors come back as Tensors (a saved Parameter as a Tensor with requires_grad=True)."""
    name = os.fspath(path) if isinstance(path, (str, os.PathLike)) else getattr(path, "name", "the file")
    try:
        check_magic(first_bytes(path), name)
        arrays = np.load(path, allow_pickle=False)
    except FileNotFoundError:
        raise FileNotFoundError(f"load: no such file: {name}") from None
    except ValueError as err:
        raise FileFormatError(f"load: {name} is not a NumPy .npz file ({err}).") from None
    except (OSError, EOFError, zipfile.BadZipFile) as err:
        raise FileFormatError(f"load: {name} could not be read as a .npz file: {err}") from None
    with arrays:
        try:
            if STRUCTURE not in arrays.files:
                torch_hint = (" It looks like a torch.save file (a zip holding a pickle): tinygrad_edu never "
                              "unpickles, because unpickling can run any code."
                              if any(entry.endswith("data.pkl") for entry in arrays.files) else "")
                raise FileFormatError(f"load: {name} is a zip (.npz) archive but not a tinygrad_edu save file "
                                      f"(it has no {STRUCTURE} entry; its entries are {arrays.files[:5]})."
                                      + torch_hint)
            header = json.loads(bytes(arrays[STRUCTURE]).decode("utf-8"))
            if not isinstance(header, dict) or header.get("format") != FORMAT:
                raise FileFormatError(f"load: {name} is not a tinygrad_edu save file (wrong format tag)")
            if header.get("version", 0) > VERSION:
                raise FileFormatError(f"load: {name} was written by a newer tinygrad_edu (format version "
                                      f"{header.get('version')}); upgrade to read it")
            return decode(header.get("root"), arrays, name)
        except FileFormatError:
            raise
        except (ValueError, OSError, EOFError, zipfile.BadZipFile, UnicodeDecodeError, KeyError, TypeError) as err:
            raise FileFormatError(f"load: {name} is damaged: {type(err).__name__}: {err}") from None
