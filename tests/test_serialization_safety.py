"""save never destroys the previous file; load checks a hostile file before reading it.

Every refusal is a FileFormatError naming the file, raised fast, without reading the
arrays the file only claims to hold."""

import io
import json
import os
import signal
import stat
import subprocess
import sys
import threading
import time
import zipfile

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import tinygrad_edu as tg
import tinygrad_edu.nn as nn
import tinygrad_edu.optim as optim
import tinygrad_edu.serialization as serialization
from tinygrad_edu.serialization import FileFormatError

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def npy_bytes(array) -> bytes:
    buffer = io.BytesIO()
    np.save(buffer, array, allow_pickle=True)
    return buffer.getvalue()


def structure_bytes(root) -> bytes:
    text = json.dumps({"format": "tinygrad_edu", "version": 1, "root": root}).encode()
    return npy_bytes(np.frombuffer(text, dtype=np.uint8))


def write_zip(path, members: dict, compression=zipfile.ZIP_DEFLATED):
    """A hand-made save file: {member name: bytes}."""
    with zipfile.ZipFile(path, "w", compression=compression) as archive:
        for member, data in members.items():
            archive.writestr(member, data)


def same(a, b) -> bool:
    """Deep equality of what save wrote and what load read: types, dtypes, values, requires_grad."""
    if type(a) is not type(b):
        return False
    if isinstance(a, tg.Tensor):
        return a.requires_grad == b.requires_grad and same(a._data, b._data)
    if isinstance(a, np.ndarray):
        return a.dtype == b.dtype and a.shape == b.shape and np.array_equal(a, b, equal_nan=True)
    if isinstance(a, dict):
        return list(a) == list(b) and all(same(a[k], b[k]) for k in a)
    if isinstance(a, (list, tuple)):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    return a == b


def sample_state():
    return {"fc.weight": tg.tensor(np.arange(6, dtype=np.float32).reshape(2, 3), requires_grad=True),
            "fc.bias": tg.zeros(2), "steps": 3, "betas": (0.9, 0.999), "m": np.ones(4, dtype=np.int64)}


# ---------------------------------------------------------------- atomic save

@pytest.mark.parametrize("failure", [OSError(28, "No space left on device"), KeyboardInterrupt()])
def test_a_save_that_fails_halfway_leaves_the_previous_file_intact(tmp_path, monkeypatch, failure):
    path = tmp_path / "model.npz"
    tg.save(sample_state(), path)
    before = path.read_bytes()

    def half_then_fail(file, arrays):
        file.write(before[: len(before) // 2])  # a plausible half of a file, then the disk fills up
        raise failure

    monkeypatch.setattr(serialization, "write_npz", half_then_fail)
    with pytest.raises(type(failure)):
        tg.save({"fc.weight": tg.ones(100)}, path)
    assert path.read_bytes() == before
    assert same(tg.load(path), sample_state())
    assert os.listdir(tmp_path) == ["model.npz"]  # the temporary file is gone


def test_save_flushes_to_the_disk_before_it_renames(tmp_path, monkeypatch):
    events = []
    real_fsync, real_replace = os.fsync, os.replace
    monkeypatch.setattr(os, "fsync", lambda fd: events.append(("fsync", stat.S_ISREG(os.fstat(fd).st_mode)))
                        or real_fsync(fd))
    monkeypatch.setattr(os, "replace", lambda src, dst: events.append(("replace", os.path.basename(dst)))
                        or real_replace(src, dst))
    tg.save({"a": 1}, tmp_path / "model.npz")
    assert events[:2] == [("fsync", True), ("replace", "model.npz")]  # the file's bytes, then its name


def test_an_object_that_cannot_be_saved_leaves_the_previous_file_intact(tmp_path):
    path = tmp_path / "model.npz"
    tg.save(sample_state(), path)
    before = path.read_bytes()
    with pytest.raises(TypeError):
        tg.save({"w": tg.ones(2), "f": print}, path)
    assert path.read_bytes() == before and os.listdir(tmp_path) == ["model.npz"]


CHILD_STUCK_MID_SAVE = """
import sys, time
import tinygrad_edu as tg
import tinygrad_edu.serialization as serialization
def write_half_then_hang(file, arrays):
    file.write(b"PK" + bytes(100000))
    file.flush()
    print("half written", flush=True)
    time.sleep(60)
serialization.write_npz = write_half_then_hang
tg.save({"w": tg.ones(1000)}, sys.argv[1])
"""

CHILD_SAVING_IN_A_LOOP = """
import sys
import numpy as np
import tinygrad_edu as tg
version = 0
while True:
    version += 1
    tg.save({"version": version, "w": tg.tensor(np.full(500_000, version, dtype=np.float32))}, sys.argv[1])
    print(version, flush=True)
"""


def run_child(code: str, path, env_path: str = ROOT) -> subprocess.Popen:
    env = dict(os.environ, PYTHONPATH=env_path)
    return subprocess.Popen([sys.executable, "-c", code, str(path)], stdout=subprocess.PIPE, env=env, cwd=env_path)


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
def test_a_process_killed_mid_save_leaves_the_previous_file_loadable_and_unchanged(tmp_path):
    path = tmp_path / "model.npz"
    tg.save(sample_state(), path)
    before = path.read_bytes()
    child = run_child(CHILD_STUCK_MID_SAVE, path)
    try:
        assert child.stdout.readline().strip() == b"half written"
        os.kill(child.pid, signal.SIGKILL)
        child.wait(timeout=30)
    finally:
        child.kill()
        child.stdout.close()
    assert path.read_bytes() == before
    assert same(tg.load(path), sample_state())


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
def test_killing_a_process_that_saves_over_and_over_never_leaves_a_broken_file(tmp_path):
    path = tmp_path / "model.npz"
    for delay in (0.0, 0.05, 0.2):
        child = run_child(CHILD_SAVING_IN_A_LOOP, path)
        try:
            assert int(child.stdout.readline()) >= 1  # one full save done: the file exists
            time.sleep(delay)
            os.kill(child.pid, signal.SIGKILL)  # anywhere: during a write, an fsync or a rename
            child.wait(timeout=30)
        finally:
            child.kill()
            child.stdout.close()
        loaded = tg.load(path)
        assert np.all(loaded["w"]._data == loaded["version"])  # one whole version, never a mix or a half


def test_save_keeps_the_file_mode_and_writes_through_a_symlink(tmp_path):
    target = tmp_path / "real.npz"
    tg.save({"a": 1}, target)
    os.chmod(target, 0o640)
    link = tmp_path / "link.npz"
    os.symlink(target, link)
    tg.save({"a": 2}, link)
    assert os.path.islink(link) and tg.load(target) == {"a": 2}
    assert stat.S_IMODE(os.stat(target).st_mode) == 0o640


def test_a_read_only_file_is_not_replaced(tmp_path):
    path = tmp_path / "keep.npz"
    tg.save({"a": 1}, path)
    os.chmod(path, 0o444)
    with pytest.raises(PermissionError, match=r"keep.npz is read-only \(mode -r--r--r--\)"):
        tg.save({"a": 2}, path)  # even as root (as in Colab or Docker), where open() would not refuse
    assert tg.load(path) == {"a": 1} and os.listdir(tmp_path) == ["keep.npz"]


def test_save_into_a_missing_folder_says_so(tmp_path):
    with pytest.raises(FileNotFoundError, match="the folder .*nope does not exist"):
        tg.save({"a": 1}, tmp_path / "nope" / "model.npz")


def test_shared_arrays_are_stored_once_and_share_memory_after_load(tmp_path):
    w = tg.randn(3, 3)
    path = tmp_path / "tied.npz"
    tg.save({"encoder.weight": w, "decoder.weight": w.detach(), "other": tg.randn(3, 3)}, path)
    with zipfile.ZipFile(path) as archive:
        assert len(archive.namelist()) == 3  # two arrays and the structure
    back = tg.load(path)
    assert np.shares_memory(back["encoder.weight"]._data, back["decoder.weight"]._data)
    assert not np.shares_memory(back["encoder.weight"]._data, back["other"]._data)


# ---------------------------------------------------------------- whole objects and torch.load's keywords

@pytest.mark.parametrize("make", [lambda: nn.Linear(2, 3), lambda: optim.SGD([tg.ones(2, requires_grad=True)])])
def test_saving_a_whole_module_or_optimizer_shows_the_state_dict_way(tmp_path, make):
    with pytest.raises(TypeError) as info:
        tg.save(make(), tmp_path / "model.npz")
    message = str(info.value)
    assert "pickle" in message
    assert '    tg.save(model.state_dict(), "model.npz")\n    model.load_state_dict(tg.load("model.npz"))' in message
    assert not os.listdir(tmp_path)


def test_load_takes_torch_load_keywords(tmp_path):
    path = tmp_path / "model.npz"
    tg.save(sample_state(), path)

    class Device:  # what torch.device("cpu") looks like to load
        type = "cpu"

    for where in (None, "cpu", "cpu:0", Device()):
        assert same(tg.load(path, map_location=where, weights_only=True), sample_state())
    assert same(tg.load(path, "cpu"), sample_state())
    refusal = r"weights_only=False would unpickle .*\n.*state_dict\(\).*\n.*load\("
    with pytest.raises(ValueError, match=refusal) as refused:
        tg.load(path, weights_only=False)
    assert "PyTorch's default has been weights_only=True since 2.6" in str(refused.value)  # the README's fact
    for where in ("cuda", "cuda:0", {"cuda:0": "cpu"}, lambda storage, loc: storage):
        with pytest.raises(ValueError, match="map_location=.* is not supported.*'cpu'"):
            tg.load(path, map_location=where)
    for bad in (-1, 1.5, "1GB", True):
        with pytest.raises(ValueError, match="max_bytes must be"):
            tg.load(path, max_bytes=bad)


def test_load_takes_a_torch_device():
    torch = pytest.importorskip("torch")
    buffer = io.BytesIO()
    tg.save({"w": tg.ones(2)}, buffer)
    buffer.seek(0)
    assert tg.load(buffer, map_location=torch.device("cpu"))["w"].tolist() == [1.0, 1.0]
    with pytest.raises(ValueError, match="not supported"):
        tg.load(buffer, map_location=torch.device("meta"))


def test_file_format_error_is_public():
    assert tg.FileFormatError is FileFormatError and issubclass(FileFormatError, RuntimeError)
    assert "FileFormatError" in tg.__all__ and "FileFormatError" in serialization.__all__


# ---------------------------------------------------------------- load checks before it reads

def test_an_array_referred_to_20000_times_is_read_once(tmp_path, monkeypatch):
    path = tmp_path / "refs.npz"
    refs = [{"type": "ndarray", "array": "a0"}] * 10_000 + [{"type": "tensor", "array": "a0"}] * 10_000
    write_zip(path, {"__structure__.npy": structure_bytes({"type": "list", "items": refs}),
                     "a0.npy": npy_bytes(np.zeros(40_000))})  # 320 KB: read 20,000 times it would be 6.4 GB
    assert path.stat().st_size < 10_000
    reads = []
    real_read = serialization.read_npy

    def counting_read(archive, info, name):
        reads.append(info.filename)
        assert len(reads) <= 2, "an array was read twice"
        return real_read(archive, info, name)

    monkeypatch.setattr(serialization, "read_npy", counting_read)
    start = time.perf_counter()
    back = tg.load(path)
    assert time.perf_counter() - start < 5
    assert reads == ["__structure__.npy", "a0.npy"]
    assert len(back) == 20_000 and back[0] is back[9_999] and back[0].shape == (40_000,)
    assert np.shares_memory(back[-1]._data, back[0])


def declare_huge(path, member: str, size: int):
    """Patch the zip so that `member` declares `size` bytes uncompressed (local and central headers)."""
    data = bytearray(path.read_bytes())
    name = member.encode()
    for signature, offset in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        at = data.find(signature + b"", 0)
        while at != -1:
            name_at = at + (30 if signature == b"PK\x03\x04" else 46)
            if data[name_at:name_at + len(name)] == name:
                data[at + offset:at + offset + 4] = size.to_bytes(4, "little")
            at = data.find(signature, at + 4)
    path.write_bytes(bytes(data))


def test_a_zip_bomb_is_refused_before_reading(tmp_path, monkeypatch):
    path = tmp_path / "bomb.npz"
    write_zip(path, {"__structure__.npy": structure_bytes({"type": "ndarray", "array": "a0"}),
                     "a0.npy": npy_bytes(np.zeros(1000))})
    declare_huge(path, "a0.npy", 4_000_000_000)  # a small file that says it holds 4 GB
    monkeypatch.setattr(serialization, "read_npy", lambda *args: pytest.fail("read before the size check"))
    start = time.perf_counter()
    with pytest.raises(FileFormatError, match=r"bomb.npz declares 4,000,\d{3},\d{3} bytes .*max_bytes=") as info:
        tg.load(path)
    assert time.perf_counter() - start < 1
    assert "tg.load(path, max_bytes=...)" in str(info.value)


def test_the_size_limit_is_a_keyword(tmp_path):
    path = tmp_path / "model.npz"
    tg.save({"w": tg.zeros(1000)}, path)  # 4,000 bytes of data, plus headers and the structure
    assert tg.load(path)["w"].shape == (1000,)
    with pytest.raises(FileFormatError, match="more than max_bytes=4,000"):
        tg.load(path, max_bytes=4000)
    assert tg.load(path, max_bytes=None)["w"].shape == (1000,)
    assert serialization.DEFAULT_MAX_BYTES == 2 * 1024 ** 3


def test_an_npy_header_that_claims_more_than_its_member_holds_is_refused(tmp_path):
    header = io.BytesIO()
    np.lib.format.write_array_header_1_0(header, {"descr": "<f8", "fortran_order": False, "shape": (10 ** 10,)})
    liar = header.getvalue() + bytes(80)  # 80 GB declared, 80 bytes held
    path = tmp_path / "liar.npz"
    write_zip(path, {"__structure__.npy": structure_bytes({"type": "ndarray", "array": "a0"}), "a0.npy": liar})
    start = time.perf_counter()
    with pytest.raises(FileFormatError, match=r"liar.npz is damaged: member 'a0.npy' declares an array of shape "
                                              r"\(10000000000,\)"):
        tg.load(path)
    assert time.perf_counter() - start < 1


def test_deep_nesting_is_refused(tmp_path):
    path = tmp_path / "deep.npz"
    node = {"type": "value", "value": 1}
    for _ in range(serialization.MAX_DEPTH + 1):
        node = {"type": "list", "items": [node]}
    write_zip(path, {"__structure__.npy": structure_bytes(node)})
    with pytest.raises(FileFormatError, match=f"deep.npz is nested more than {serialization.MAX_DEPTH} levels"):
        tg.load(path)
    raw = b'{"format": "tinygrad_edu", "version": 1, "root": ' + b"[" * 200_000 + b"]" * 200_000 + b"}"
    write_zip(path, {"__structure__.npy": npy_bytes(np.frombuffer(raw, dtype=np.uint8))})
    with pytest.raises(FileFormatError, match="nested more than"):  # deeper than JSON's own recursion limit
        tg.load(path)


def test_save_refuses_what_load_would_refuse_as_too_deep(tmp_path):
    nested = []
    for _ in range(serialization.MAX_DEPTH + 1):
        nested = [nested]
    with pytest.raises(ValueError, match="nested more than 64 levels"):
        tg.save(nested, tmp_path / "x.npz")
    itself = []
    itself.append(itself)
    with pytest.raises(ValueError, match="contains itself"):
        tg.save(itself, tmp_path / "x.npz")
    ok = []
    for _ in range(serialization.MAX_DEPTH):
        ok = [ok]
    tg.save(ok, tmp_path / "x.npz")
    assert tg.load(tmp_path / "x.npz") == ok


def test_members_that_are_not_npy_are_refused(tmp_path):
    path = tmp_path / "extra.npz"
    tg.save(sample_state(), path)
    with zipfile.ZipFile(path, "a") as archive:
        archive.writestr("run_me.py", "print('hello')")
    with pytest.raises(FileFormatError, match=r"extra.npz holds 'run_me.py', which is not a .npy array"):
        tg.load(path)


def test_object_arrays_and_duplicate_members_are_refused(tmp_path):
    path = tmp_path / "objects.npz"
    write_zip(path, {"__structure__.npy": structure_bytes({"type": "ndarray", "array": "a0"}),
                     "a0.npy": npy_bytes(np.array([object()], dtype=object))})
    with pytest.raises(FileFormatError, match="objects.npz: member 'a0.npy' holds Python objects"):
        tg.load(path)
    path = tmp_path / "twice.npz"
    with pytest.warns(UserWarning, match="Duplicate name"):
        write_zip(path, {"__structure__.npy": structure_bytes({"type": "ndarray", "array": "a0"}),
                         "a0.npy": npy_bytes(np.zeros(2))})
        with zipfile.ZipFile(path, "a") as archive:
            archive.writestr("a0.npy", npy_bytes(np.ones(2)))
    with pytest.raises(FileFormatError, match=r"twice.npz holds the members \['a0.npy'\] more than once"):
        tg.load(path)


def load_in_a_thread(path):
    """load(path) in a thread: what it raised, and whether it finished within 5 s."""
    outcome = []

    def target():
        try:
            outcome.append(tg.load(path))
        except BaseException as err:  # handed to the test, whatever it is
            outcome.append(err)

    thread = threading.Thread(target=target, daemon=True)
    start = time.perf_counter()
    thread.start()
    thread.join(timeout=5)
    return outcome, time.perf_counter() - start


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_a_named_pipe_is_refused_quickly(tmp_path):
    fifo = tmp_path / "model.npz"
    os.mkfifo(fifo)
    outcome, seconds = load_in_a_thread(fifo)
    assert outcome, "load hung on a named pipe"
    assert isinstance(outcome[0], FileFormatError) and seconds < 1
    assert "model.npz is a named pipe (FIFO), not a regular file" in str(outcome[0])


def test_directories_and_devices_are_refused(tmp_path):
    with pytest.raises(FileFormatError, match="is a directory, not a regular file"):
        tg.load(tmp_path)
    if os.path.exists("/dev/zero"):  # reading it would never end
        outcome, seconds = load_in_a_thread("/dev/zero")
        assert outcome and isinstance(outcome[0], FileFormatError) and seconds < 1
        assert "/dev/zero is a character device" in str(outcome[0])


def test_an_open_file_that_is_a_pipe_is_refused():
    read_end, write_end = os.pipe()
    try:
        with os.fdopen(read_end, "rb") as pipe:
            with pytest.raises(FileFormatError, match="is a named pipe"):
                tg.load(pipe)
    finally:
        os.close(write_end)


# ---------------------------------------------------------------- generated damage

@given(st.data())
def test_a_damaged_file_loads_correctly_or_raises_file_format_error(data):
    """Flip, drop or add bytes anywhere in a saved file: load either returns exactly what was
    saved (the damage hit bytes nobody reads) or raises FileFormatError, never anything else."""
    buffer = io.BytesIO()
    original = sample_state()
    tg.save(original, buffer)
    raw = bytearray(buffer.getvalue())
    damage = data.draw(st.sampled_from(["flip", "truncate", "insert", "overwrite"]))
    at = data.draw(st.integers(0, len(raw) - 1))
    if damage == "flip":
        raw[at] ^= data.draw(st.integers(1, 255))
    elif damage == "truncate":
        del raw[at:]
    elif damage == "insert":
        raw[at:at] = data.draw(st.binary(min_size=1, max_size=16))
    else:
        chunk = data.draw(st.binary(min_size=1, max_size=64))
        raw[at:at + len(chunk)] = chunk
    try:
        back = tg.load(io.BytesIO(bytes(raw)))
    except FileFormatError:
        return
    assert same(back, original)


def test_a_flipped_byte_inside_an_array_is_caught_by_the_checksum(tmp_path):
    path = tmp_path / "model.npz"
    tg.save({"w": tg.tensor(np.arange(1000, dtype=np.float32))}, path)
    raw = bytearray(path.read_bytes())
    at = raw.find(np.arange(1000, dtype=np.float32)[500:502].tobytes())
    raw[at] ^= 1  # the header, sizes and structure are all intact: only the checksum can tell
    path.write_bytes(bytes(raw))
    with pytest.raises(FileFormatError, match="model.npz is damaged .*CRC"):
        tg.load(path)
