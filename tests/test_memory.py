"""tinygrad_edu.memory: at import, glibc's malloc is asked to keep freed memory for the next
training step (see the module's docstring), and TINYGRAD_EDU_KEEP_MEMORY=0 leaves it alone."""

import ctypes
import os
import subprocess
import sys

import pytest

from tinygrad_edu import memory

pytestmark = pytest.mark.skipif(not memory.on_glibc(), reason="glibc's malloc only")

# How many bytes malloc serves from pages of their own (mmap), after tinygrad_edu's import and an
# 8 MB array: the default serves it so (its threshold starts at 128 KB); kept, the heap serves it.
MMAPPED = """
import ctypes, numpy as np, tinygrad_edu
class Info(ctypes.Structure):
    _fields_ = [(name, ctypes.c_size_t) for name in
                ("arena", "ordblks", "smblks", "hblks", "hblkhd", "usmblks", "fsmblks", "uordblks", "fordblks",
                 "keepcost")]
libc = ctypes.CDLL(None)
libc.mallinfo2.restype = Info
a = np.ones(2**21, dtype=np.float32)
print(libc.mallinfo2().hblkhd)
"""


def mmapped_bytes(**env) -> int:
    done = subprocess.run([sys.executable, "-c", MMAPPED], env={**os.environ, **env}, capture_output=True,
                          text=True, check=True)
    return int(done.stdout)


@pytest.mark.skipif(not hasattr(ctypes.CDLL(None), "mallinfo2"), reason="mallinfo2 needs glibc 2.33")
def test_after_import_a_large_array_comes_from_the_heap_it_keeps():
    assert mmapped_bytes() < 2**21
    assert mmapped_bytes(TINYGRAD_EDU_KEEP_MEMORY="0") >= 2**23  # the 8 MB array, on pages of its own


def test_it_says_whether_malloc_took_the_settings(monkeypatch):
    assert memory.keep_freed_memory() is True
    monkeypatch.setenv("TINYGRAD_EDU_KEEP_MEMORY", "0")
    assert memory.keep_freed_memory() is False


def test_elsewhere_nothing_is_done(monkeypatch):
    monkeypatch.setattr(memory.sys, "platform", "darwin")
    assert memory.keep_freed_memory() is False
