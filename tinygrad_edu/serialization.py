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

Nothing is lost, nothing is trusted:
- save writes a temporary file beside the target, flushes it to the disk and
  renames it over the target (os.replace, atomic). A crash, a full disk or a
  kill mid-save leaves the previous file as it was.
- load checks before it reads. It opens only regular files (a named pipe
  would block forever); it reads the zip's table of contents and each .npy
  header, and refuses the file before reading any data if its members are not
  all .npy arrays or if their declared sizes add up to more than `max_bytes`
  (a zip bomb is a tiny file that declares gigabytes). An array the structure
  refers to many times is read once and shared. The structure may nest at most
  MAX_DEPTH levels. Every refusal is a FileFormatError that names the file.

An nn.Parameter is saved as a tensor and loads as a plain Tensor with
requires_grad=True: this module sits below nn (imports run one way), so it
does not know Parameter. model.load_state_dict copies the values into the
model's own Parameters, so nothing is lost.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import secrets
import shutil
import stat
import zipfile
from collections import Counter

import numpy as np

from .tensor import Tensor

__all__ = ["save", "load", "FileFormatError", "DEFAULT_MAX_BYTES", "MAX_DEPTH"]

FORMAT, VERSION = "tinygrad_edu", 1
STRUCTURE = "__structure__"
DEFAULT_MAX_BYTES = 2 * 1024 ** 3  # 2 GiB of arrays: far above any model a learner trains on a CPU
MAX_DEPTH = 64  # levels of nested lists/dicts; checkpoints nest a handful

STATE_DICT_WAY = ("    tg.save(model.state_dict(), \"model.npz\")\n"
                  "    model.load_state_dict(tg.load(\"model.npz\"))")


class FileFormatError(RuntimeError):
    """load refused the file: it is not a tinygrad_edu save file, it is damaged, or it
    asks for more than load allows (size, nesting, member types). The message names the file."""


# ---------------------------------------------------------------- save

def encode(obj, arrays: dict, where: str, depth: int = 0, seen: dict | None = None, inside: tuple = ()):
    """obj as JSON-ready data; arrays go into `arrays` under fresh names.

    `seen` maps id(array) to its name, so an array that appears twice (tied weights)
    is stored once and, as in PyTorch, shares memory again after load. `inside` holds the
    ids of the lists and dicts on the way down to obj, so a container that holds itself is
    named as such, at its first repeat, rather than after MAX_DEPTH levels of it."""
    seen = {} if seen is None else seen
    if isinstance(obj, (dict, list, tuple)):
        if id(obj) in inside:
            raise ValueError(f"save: {where} is a {type(obj).__name__} it is already inside: the object contains "
                             "itself, and such a cycle cannot be written as a file. "
                             "Hint: save a copy without the cycle.")
        inside = (*inside, id(obj))
    if depth > MAX_DEPTH:
        raise ValueError(f"save: {where} is nested more than {MAX_DEPTH} levels deep (or contains itself); "
                         "load would refuse such a file.")
    if obj is None or isinstance(obj, (bool, int, float, str)) and not isinstance(obj, np.generic):
        return {"type": "value", "value": obj}  # wrapped, so a str can never pass for a type tag
    if isinstance(obj, (Tensor, np.ndarray, np.generic)):
        array = obj._data if isinstance(obj, Tensor) else np.asarray(obj)
        if array.dtype.hasobject:
            raise TypeError(f"save: {where} is an array of Python objects; only numeric and bool arrays "
                            "can be saved without pickle")
        name = seen.get(id(array))
        if name is None:
            name = seen[id(array)] = f"a{len(arrays)}"
            arrays[name] = array  # kept alive here, so its id is not reused during this save
        if isinstance(obj, Tensor):  # a Parameter too: a tensor that requires grad
            return {"type": "tensor", "array": name, "requires_grad": bool(obj.requires_grad)}
        return {"type": "ndarray" if isinstance(obj, np.ndarray) else "scalar", "array": name}
    if isinstance(obj, dict):
        return {"type": "dict", "items": [[encode(k, arrays, f"a key of {where}", depth + 1, seen, inside),
                                           encode(v, arrays, f"{where}[{k!r}]", depth + 1, seen, inside)]
                                          for k, v in obj.items()]}
    if isinstance(obj, (list, tuple)):
        return {"type": type(obj).__name__ if type(obj) in (list, tuple) else "list",
                "items": [encode(v, arrays, f"{where}[{i}]", depth + 1, seen, inside) for i, v in enumerate(obj)]}
    if callable(getattr(obj, "state_dict", None)):  # a whole nn.Module or optimizer
        raise TypeError(
            f"save: {where} is a whole {type(obj).__name__}. tinygrad_edu does not save whole objects (that "
            "needs pickle, and loading a pickle can run any code); save its state_dict, as PyTorch advises:\n"
            + STATE_DICT_WAY)
    raise TypeError(f"save: {where} is a {type(obj).__name__}, which cannot be saved. Supported: Tensors, "
                    "NumPy arrays, numbers, str, None, and lists, tuples and dicts of them.")


def write_npz(file, arrays: dict) -> None:
    """The writer: every array as a .npy member of a zip (uncompressed, as np.savez does)."""
    np.savez(file, **arrays)


def save(obj, f) -> None:
    """Write obj (a state_dict, or nested dicts/lists of Tensors, arrays and numbers) to `f`.

    `f` is a path (written exactly there; no '.npz' is appended) or an open binary file.
    A path is written atomically: to a temporary file in the same folder, flushed to the
    disk, then renamed over the target. If anything fails, the temporary file is removed
    and the previous file at `f` is untouched."""
    if not isinstance(f, (str, os.PathLike)) and not callable(getattr(f, "write", None)):
        hint = "save(model.state_dict(), \"model.npz\")"
        if isinstance(obj, (str, os.PathLike)):
            hint = "the arguments are the other way round: save(obj, path), as in torch.save"
        raise TypeError(f"save: f must be a path (str or os.PathLike) or a binary file opened for writing, not a "
                        f"{type(f).__name__}. Hint: {hint}")
    if isinstance(f, (str, os.PathLike)) and os.path.isdir(f):
        raise IsADirectoryError(f"save: {os.fspath(f)} is a folder; give a file name inside it, e.g. "
                                f"{os.path.join(os.fspath(f), 'model.npz')}")
    arrays = {}
    root = encode(obj, arrays, "the object")  # an object that cannot be saved fails before any file is touched
    text = json.dumps({"format": FORMAT, "version": VERSION, "root": root})
    arrays[STRUCTURE] = np.frombuffer(text.encode("utf-8"), dtype=np.uint8)
    if isinstance(f, (str, os.PathLike)):
        write_atomically(os.fspath(f), arrays)
    else:  # an open binary file: written where it stands (it cannot be swapped for another)
        write_npz(f, arrays)


def write_atomically(path: str, arrays: dict) -> None:
    """Write to a temporary file beside `path`, flush it to the disk, rename it over `path`."""
    if os.path.islink(path):  # replace what the link points to, not the link itself
        path = os.path.realpath(path)
    if os.path.isfile(path) and not os.stat(path).st_mode & 0o222:
        # open(path, "wb") would refuse (for anyone but root); a rename would not, so ask first
        raise PermissionError(f"save: {path} is read-only (mode {stat.filemode(os.stat(path).st_mode)}); "
                              "make it writable (chmod u+w) to replace it, or save under another name")
    folder, base = os.path.split(os.path.abspath(path))
    temp = os.path.join(folder, f".{base}.{secrets.token_hex(4)}.tmp")
    try:
        # O_EXCL: never open someone else's file; mode 0o666 less the umask, as open(path, "wb") would give
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666)
    except FileNotFoundError:
        raise FileNotFoundError(f"save: the folder {folder} does not exist (saving {path})") from None
    try:
        with os.fdopen(fd, "wb") as file:
            write_npz(file, arrays)
            file.flush()
            os.fsync(file.fileno())  # the bytes are on the disk before the name points at them
        if os.path.isfile(path):
            shutil.copymode(path, temp)  # keep the old file's permissions
        os.replace(temp, path)
    except BaseException:  # KeyboardInterrupt too: never leave the half-written file behind
        with contextlib.suppress(OSError):
            os.remove(temp)
        raise
    sync_folder(folder)


def sync_folder(folder: str) -> None:
    """Flush the folder's entry too, so the rename survives a power cut (POSIX; a no-op elsewhere)."""
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


# ---------------------------------------------------------------- load: arguments and the file itself

def check_arguments(map_location, weights_only, max_bytes) -> None:
    """torch.load's keywords, as far as they make sense without pickle and without a GPU."""
    if weights_only is False:
        raise ValueError(
            "load: weights_only=False would unpickle the file, and unpickling can run any code; tinygrad_edu "
            "never does. Save and load state_dicts instead (PyTorch's default has been weights_only=True since 2.6):\n"
            + STATE_DICT_WAY)
    if weights_only not in (True, None):
        raise TypeError(f"load: weights_only must be True (or None), not {weights_only!r}")
    if map_location is not None:
        kind = map_location if isinstance(map_location, str) else getattr(map_location, "type", None)
        if not (isinstance(kind, str) and kind.split(":")[0] == "cpu"):
            raise ValueError(f"load: map_location={map_location!r} is not supported: tinygrad_edu keeps every "
                             "tensor in NumPy on the CPU. Pass map_location='cpu', a cpu device, or nothing.")
    if max_bytes is not None and (isinstance(max_bytes, bool) or not isinstance(max_bytes, int) or max_bytes < 0):
        raise ValueError(f"load: max_bytes must be a number of bytes >= 0 (or None for no limit), "
                         f"not {max_bytes!r}")


KINDS = {stat.S_ISDIR: "a directory", stat.S_ISFIFO: "a named pipe (FIFO)", stat.S_ISCHR: "a character device",
         stat.S_ISBLK: "a block device", stat.S_ISSOCK: "a socket"}


def check_regular(mode: int, name: str) -> None:
    """Refuse what is not a regular file: reading a pipe or a device can block forever or never end."""
    if not stat.S_ISREG(mode):
        kind = next((text for test, text in KINDS.items() if test(mode)), "not a regular file")
        raise FileFormatError(f"load: {name} is {kind}, not a regular file; load reads only regular files "
                              "(a pipe or a device could block forever or never end).")


@contextlib.contextmanager
def open_for_reading(f, name: str):
    """A seekable binary file for `f` (a path or an open file), checked to be a regular file
    before a single byte is read."""
    if not isinstance(f, (str, os.PathLike)):
        with contextlib.suppress(AttributeError, OSError, ValueError):  # io.BytesIO has no file descriptor
            check_regular(os.fstat(f.fileno()).st_mode, name)
        yield f
        return
    try:
        check_regular(os.stat(f).st_mode, name)  # without opening it: opening a FIFO blocks
        # O_NONBLOCK: should the path turn into a FIFO between stat and open, open still returns
        fd = os.open(f, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    except FileNotFoundError:
        raise FileNotFoundError(f"load: no such file: {name}") from None
    except OSError as err:
        raise FileFormatError(f"load: {name} could not be opened: {err}") from None
    try:
        check_regular(os.fstat(fd).st_mode, name)
        if hasattr(os, "set_blocking"):
            os.set_blocking(fd, True)
    except BaseException:
        os.close(fd)
        raise
    with os.fdopen(fd, "rb") as file:
        yield file


def first_bytes(file, count: int = 8) -> bytes:
    """The first `count` bytes of an open binary file, whose position is kept."""
    position = file.tell()
    head = file.read(count)
    file.seek(position)
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


# ---------------------------------------------------------------- load: the archive

def check_members(archive: zipfile.ZipFile, name: str, max_bytes: int | None) -> dict:
    """{array name: ZipInfo}, after checking the table of contents alone (no data read yet)."""
    infos = archive.infolist()
    names = [info.filename for info in infos]
    if STRUCTURE + ".npy" not in names:
        torch_hint = (" It looks like a torch.save file (a zip holding a pickle): tinygrad_edu never "
                      "unpickles, because unpickling can run any code."
                      if any(entry.endswith("data.pkl") for entry in names) else "")
        raise FileFormatError(f"load: {name} is a zip (.npz) archive but not a tinygrad_edu save file "
                              f"(it has no {STRUCTURE} entry; its entries are {names[:5]})." + torch_hint)
    for entry in names:
        if not entry.endswith(".npy") or entry.endswith("/"):
            raise FileFormatError(f"load: {name} holds {entry!r}, which is not a .npy array; a tinygrad_edu "
                                  "save file holds only .npy arrays, so the file was refused.")
    twice = sorted(entry for entry, count in Counter(names).items() if count > 1)
    if twice:
        raise FileFormatError(f"load: {name} holds the members {twice[:5]} more than once; the file is damaged "
                              "or made to mislead (which copy is meant?), so it was refused.")
    total = sum(info.file_size for info in infos)
    if max_bytes is not None and total > max_bytes:
        raise FileFormatError(
            f"load: {name} declares {total:,} bytes of arrays ({total / 2 ** 30:.2f} GiB once decompressed), "
            f"more than max_bytes={max_bytes:,}. It was refused before reading, as a zip bomb would be. "
            "If you trust the file and have the memory, raise the limit: tg.load(path, max_bytes=...).")
    return {info.filename[:-len(".npy")]: info for info in infos}


def read_npy(archive: zipfile.ZipFile, info: zipfile.ZipInfo, name: str) -> np.ndarray:
    """One .npy member as an array. Its header (shape, dtype) is checked against the
    member's declared size before the array is allocated."""
    with archive.open(info) as member:
        version = np.lib.format.read_magic(member)
        if version == (1, 0):
            shape, fortran_order, dtype = np.lib.format.read_array_header_1_0(member)
        elif version == (2, 0):
            shape, fortran_order, dtype = np.lib.format.read_array_header_2_0(member)
        else:
            raise FileFormatError(f"load: {name}: member {info.filename!r} is a .npy of version {version}, "
                                  "which tinygrad_edu does not read")
        if dtype.hasobject:
            raise FileFormatError(f"load: {name}: member {info.filename!r} holds Python objects (pickle); "
                                  "tinygrad_edu never unpickles, because unpickling can run any code.")
        size = member.tell() + math.prod(shape) * dtype.itemsize
        if size != info.file_size:
            raise FileFormatError(f"load: {name} is damaged: member {info.filename!r} declares an array of shape "
                                  f"{shape} and dtype {dtype} ({size:,} bytes with its header), but the member "
                                  f"is {info.file_size:,} bytes.")
        member.seek(0)
        return np.lib.format.read_array(member, allow_pickle=False)  # reading to the end checks the CRC too


def decode(node, array, path: str, depth: int = 0):
    """The object a structure node describes; `array(name)` gives the array stored under name."""
    def bad(what: str) -> FileFormatError:
        return FileFormatError(f"load: {path} is damaged: {what}")

    if depth > MAX_DEPTH:
        raise FileFormatError(f"load: {path} is nested more than {MAX_DEPTH} levels deep; save never writes such "
                              "a file, so it was refused.")
    if not isinstance(node, dict) or "type" not in node:
        raise bad(f"unexpected entry {str(node)[:60]!r} in its structure")
    kind = node["type"]
    if kind == "value":
        value = node.get("value")
        if value is not None and not isinstance(value, (bool, int, float, str)):
            raise bad(f"a value is a {type(value).__name__}")
        return value
    if kind in ("tensor", "parameter", "ndarray", "scalar"):
        data = array(node.get("array"))
        if kind == "scalar":
            return data[()]
        if kind == "ndarray":
            return data
        # "parameter": what files written before Parameters were saved as tensors call them.
        requires_grad = bool(node.get("requires_grad", kind == "parameter"))
        return Tensor._wrap(data).requires_grad_(requires_grad)
    if kind in ("list", "tuple"):
        items = [decode(v, array, path, depth + 1) for v in node.get("items", [])]
        return items if kind == "list" else tuple(items)
    if kind == "dict":
        result = {}
        for pair in node.get("items", []):
            if not isinstance(pair, list) or len(pair) != 2:
                raise bad("a dict entry is not a (key, value) pair")
            result[decode(pair[0], array, path, depth + 1)] = decode(pair[1], array, path, depth + 1)
        return result
    raise bad(f"unknown entry type {kind!r}")


def read_archive(archive: zipfile.ZipFile, name: str, max_bytes: int | None):
    members = check_members(archive, name, max_bytes)
    raw = read_npy(archive, members[STRUCTURE], name)
    if raw.dtype != np.uint8 or raw.ndim != 1:
        raise FileFormatError(f"load: {name} is damaged: its {STRUCTURE} is not a list of bytes")
    try:
        header = json.loads(raw.tobytes().decode("utf-8"))
    except RecursionError:
        raise FileFormatError(f"load: {name} is nested more than {MAX_DEPTH} levels deep; save never writes "
                              "such a file, so it was refused.") from None
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        raise FileFormatError(f"load: {name} is not a tinygrad_edu save file (wrong format tag)")
    if not isinstance(header.get("version", 0), int) or header.get("version", 0) > VERSION:
        raise FileFormatError(f"load: {name} was written by a newer tinygrad_edu (format version "
                              f"{header.get('version')}); upgrade to read it")

    cache = {}  # array name -> array: read once, however often the structure refers to it

    def array(ref):
        if not isinstance(ref, str) or ref == STRUCTURE or ref not in members:
            raise FileFormatError(f"load: {name} is damaged: the array {ref!r} it refers to is missing")
        if ref not in cache:
            cache[ref] = read_npy(archive, members[ref], name)
        return cache[ref]

    return decode(header.get("root"), array, name)


def load(f, map_location=None, *, weights_only=True, max_bytes: int | None = DEFAULT_MAX_BYTES):
    """Read what save() wrote, from a path or an open binary file.

    Never runs code from the file (no pickle; arrays are read with allow_pickle=False).
    Tensors come back as Tensors (a saved Parameter as a Tensor with requires_grad=True).
    The file is checked before it is read, and refused with a FileFormatError naming it if it
    is not a regular file, not a tinygrad_edu save file, damaged, holds a member that is not a
    .npy array, nests deeper than MAX_DEPTH, or declares more than `max_bytes` bytes of arrays
    (default DEFAULT_MAX_BYTES, 2 GiB; None for no limit).

    `map_location` ('cpu', a cpu device or None) and `weights_only=True` are accepted as
    torch.load takes them; weights_only=False is refused, since it means unpickling."""
    check_arguments(map_location, weights_only, max_bytes)
    if not isinstance(f, (str, os.PathLike)) and not callable(getattr(f, "read", None)):
        hint = "pass the path the file was saved to"
        if isinstance(f, (bytes, bytearray, memoryview)):
            hint = "wrap the bytes in a file: load(io.BytesIO(data))"
        raise TypeError(f"load: f must be a path (str or os.PathLike) or a binary file opened for reading, not a "
                        f"{type(f).__name__}. Hint: {hint}")
    name = os.fspath(f) if isinstance(f, (str, os.PathLike)) else getattr(f, "name", "the file")
    with open_for_reading(f, name) as file:
        try:
            check_magic(first_bytes(file), name)
            with zipfile.ZipFile(file) as archive:
                return read_archive(archive, name, max_bytes)
        except FileFormatError:
            raise
        except Exception as err:  # damaged bytes can trip any parser; all of it means "damaged"
            raise FileFormatError(f"load: {name} is damaged or is not a .npz file "
                                  f"({type(err).__name__}: {err})") from None
