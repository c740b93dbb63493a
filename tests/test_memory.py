"""tinygrad_edu.memory: at import, glibc's malloc is asked to keep freed memory for the next
training step (see the module's docstring), and TINYGRAD_EDU_KEEP_MEMORY=0 leaves it alone."""

import os
import subprocess
import sys

import pytest

from tinygrad_edu import memory

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's malloc: Linux only")


def imported_with(**env) -> str:
    """What tinygrad_edu.KEEPS_FREED_MEMORY is in a fresh Python with `env` set."""
    code = "import tinygrad_edu as tg; print(tg.KEEPS_FREED_MEMORY)"
    done = subprocess.run([sys.executable, "-c", code], env={**os.environ, **env}, capture_output=True, text=True,
                          check=True)
    return done.stdout.strip()


def test_import_asks_malloc_to_keep_freed_memory():
    assert imported_with() == "True"


def test_the_variable_leaves_malloc_alone():
    assert imported_with(TINYGRAD_EDU_KEEP_MEMORY="0") == "False"


def test_elsewhere_nothing_is_done(monkeypatch):
    monkeypatch.setattr(memory.sys, "platform", "darwin")
    assert memory.keep_freed_memory() is False
