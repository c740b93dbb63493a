"""nn/cores.py: a batch split over threads gives exactly what the whole batch gives.

The convolution and pooling primitives hand each slice of the batch to a thread when more
than one is allowed (cores.THREADS) and the input is big enough (cores.GRAIN); here both
are forced, so the split path runs on small inputs, and every value and gradient must be
bit-identical to the unsplit path's (each slice writes its own part of the result)."""

from __future__ import annotations

import os
import subprocess
import sys
import threading

import numpy as np
import pytest

import tinygrad_edu as tg
import tinygrad_edu.nn.functional as F
from tinygrad_edu import gradgradcheck
from tinygrad_edu.nn import cores

RNG = np.random.default_rng(0)


@pytest.fixture
def split(monkeypatch):
    """Call split(True) to cut every batch into 3 slices (threads), split(False) for one piece."""
    def use(on: bool):
        monkeypatch.setattr(cores, "THREADS", 3 if on else 1)
        monkeypatch.setattr(cores, "GRAIN", 1)
    return use


def test_over_batch_gives_each_thread_its_own_slice_with_blas_on_one_thread(split):
    split(True)
    blas_before = [library["num_threads"] for library in cores.NUMPY_BLAS.info()]
    calls, all_running = [], threading.Barrier(3, timeout=30)  # breaks unless 3 threads run at once

    def work(s):
        blas = [library["num_threads"] for library in cores.NUMPY_BLAS.info()]  # (torch's, if loaded, is not ours)
        calls.append((s, threading.get_ident(), blas))
        all_running.wait()
        return s.start
    assert cores.over_batch(work, 7, 100) == [0, 2, 4]  # in order, whichever thread finished first
    slices = sorted(call[0].start for call in calls), sorted(call[0].stop for call in calls)
    assert slices == ([0, 2, 4], [2, 4, 7])  # the whole batch, each element once
    assert threading.get_ident() in {call[1] for call in calls}  # the calling thread takes a slice
    assert all(blas == [1] * len(blas) for _, _, blas in calls)
    assert [library["num_threads"] for library in cores.NUMPY_BLAS.info()] == blas_before  # restored


def test_the_calling_thread_takes_a_slightly_larger_first_slice(split, monkeypatch):
    """It starts at once; a worker starts after the hand-over (~50 us), so its share is smaller."""
    split(True)
    monkeypatch.setattr(cores, "THREADS", 2)
    calls = []

    def work(s):
        calls.append((s, threading.get_ident()))
        return s
    assert cores.over_batch(work, 32, 10 ** 6) == [slice(0, 17), slice(17, 32)]
    assert cores.over_batch(work, 128, 10 ** 6) == [slice(0, 68), slice(68, 128)]
    assert {s.stop - s.start for s, ident in calls if ident == threading.get_ident()} == {17, 68}


def test_over_batch_runs_once_on_the_whole_batch_with_one_thread_or_a_small_input(split, monkeypatch):
    def work(s):
        assert threading.current_thread() is threading.main_thread() or not s.start
        return s
    split(False)
    assert cores.over_batch(work, 7, 10 ** 6) == [slice(0, 7)]
    split(True)
    monkeypatch.setattr(cores, "GRAIN", 100)
    assert cores.over_batch(work, 7, 199) == [slice(0, 7)]  # fewer than 2 * GRAIN elements
    assert cores.over_batch(work, 1, 10 ** 6) == [slice(0, 1)]  # one image: nothing to split


def test_a_forked_child_gets_its_own_worker_threads(split):
    split(True)
    pool = cores.worker_pool()
    assert cores.worker_pool() is pool
    cores._pool_owner = (-1, cores.THREADS)  # as a child made by fork sees it: its parent's pool, not its threads
    assert cores.worker_pool() is not pool


@pytest.mark.parametrize("threads", [1, 2])
def test_threads_follow_the_blas_setting(threads):
    env = dict(os.environ, OPENBLAS_NUM_THREADS=str(threads), OMP_NUM_THREADS=str(threads))
    code = "from tinygrad_edu.nn import cores; print(cores.THREADS)"
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert out.stdout.split() == [str(threads)]


def values_and_gradients(fn, arrays):
    inputs = [tg.tensor(a, requires_grad=True) for a in arrays]
    out = fn(*inputs)
    out.backward(tg.tensor(RNG.standard_normal(out.shape).astype(out.dtype)))
    return [out._data] + [x.grad._data for x in inputs]


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("x_shape, stride, padding, pool_padding", [
    ((5, 3, 9, 8), (1, 1), (1, 1), 1),
    ((5, 3, 9, 8), (2, 1), (0, 2), 1),
    ((5, 3, 8, 5), (1, 1), (1, 1), 0),  # 2x2 pooling windows that tile the image (MaxPool2dGrad's own path)
])
def test_conv_and_pool_split_over_threads_give_identical_values_and_gradients(split, dtype, x_shape, stride, padding,
                                                                             pool_padding):
    def conv_block(x, w, b):
        return F.max_pool2d(F.conv2d(x, w, b, stride=stride, padding=padding).relu(), 2, padding=pool_padding)
    arrays = [RNG.standard_normal(shape).astype(dtype) for shape in (x_shape, (4, 3, 3, 2), (4,))]
    state = RNG.bit_generator.state  # the same upstream gradient for both runs
    split(False)
    whole = values_and_gradients(conv_block, arrays)
    RNG.bit_generator.state = state
    split(True)
    sliced = values_and_gradients(conv_block, arrays)
    for a, b in zip(whole, sliced):
        assert a.dtype == b.dtype == dtype
        np.testing.assert_array_equal(a, b)


def test_split_conv_has_the_right_second_derivatives(split):
    split(True)
    x, w = (tg.tensor(RNG.standard_normal(shape), requires_grad=True) for shape in ((3, 2, 5, 5), (3, 2, 3, 3)))
    assert gradgradcheck(lambda x, w: F.conv2d(x, w, padding=1), [x, w])


@pytest.mark.parametrize("bias", [True, False])
def test_grouped_dilated_and_transposed_convs_split_over_threads_give_identical_results(split, bias):
    """groups (one product per group) and dilation in the slices, and conv_transpose2d (Conv2dInputGrad) forward."""
    def block(x, w, wt, b=None, bt=None):
        y = F.conv2d(x, w, b, padding=2, dilation=2, groups=2).relu()
        return F.conv_transpose2d(y, wt, bt, stride=2, padding=1, output_padding=1, groups=2)
    shapes = ((5, 4, 7, 6), (6, 2, 3, 3), (6, 2, 4, 3)) + (((6,), (4,)) if bias else ())
    arrays = [RNG.standard_normal(shape) for shape in shapes]
    state = RNG.bit_generator.state
    split(False)
    whole = values_and_gradients(block, arrays)
    RNG.bit_generator.state = state
    split(True)
    for a, b in zip(whole, values_and_gradients(block, arrays)):
        np.testing.assert_array_equal(a, b)
