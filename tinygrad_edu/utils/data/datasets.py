"""Small datasets that need no download: toy generators, the 8x8 digits, and a local MNIST reader.

Every function returns `(X, y)` Tensors: X float32 of shape (n_samples,
n_features), y int64 class labels. Generators take `seed` (an int for a
fixed result, or None to draw from the library's generator, which
`tinygrad_edu.manual_seed` controls).
"""

from __future__ import annotations

import gzip
import os

import numpy as np

from ...tensor import Tensor
from .dataset import make_rng

__all__ = ["make_xor", "make_or", "make_and", "make_moons", "make_circles", "make_spirals", "make_blobs",
           "load_digits", "load_mnist", "read_idx"]

GATE_INPUTS = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=np.float32)


def as_tensors(X: np.ndarray, y: np.ndarray) -> tuple[Tensor, Tensor]:
    return Tensor._wrap(np.ascontiguousarray(X, dtype=np.float32)), Tensor._wrap(np.asarray(y, dtype=np.int64))


def gate(outputs: list[int]) -> tuple[Tensor, Tensor]:
    return as_tensors(GATE_INPUTS.copy(), np.array(outputs))


def make_xor() -> tuple[Tensor, Tensor]:
    """XOR's truth table: X = [[0,0],[0,1],[1,0],[1,1]] (float32), y = [0,1,1,0] (int64).

    Not linearly separable: a single perceptron cannot learn it, a hidden layer can.
    For a sigmoid output with BCE use `y.float().unsqueeze(1)` as the target.
    """
    return gate([0, 1, 1, 0])


def make_or() -> tuple[Tensor, Tensor]:
    """OR's truth table: y = [0,1,1,1]. Linearly separable (a perceptron learns it)."""
    return gate([0, 1, 1, 1])


def make_and() -> tuple[Tensor, Tensor]:
    """AND's truth table: y = [0,0,0,1]. Linearly separable (a perceptron learns it)."""
    return gate([0, 0, 0, 1])


def finish(X: np.ndarray, y: np.ndarray, noise: float, shuffle: bool, rng: np.random.Generator):
    """Shuffle the rows, then add Gaussian noise of std `noise` (scikit-learn's order)."""
    if shuffle:
        order = rng.permutation(len(y))
        X, y = X[order], y[order]
    if noise:
        X = X + rng.normal(scale=noise, size=X.shape)
    return as_tensors(X, y)


def split_evenly(n_samples: int, n_parts: int) -> list[int]:
    """n_samples // n_parts each, the remainder one by one to the first parts."""
    return [n_samples // n_parts + (i < n_samples % n_parts) for i in range(n_parts)]


def make_moons(n_samples: int = 100, noise: float = 0.0, seed: int | None = None,
               shuffle: bool = True) -> tuple[Tensor, Tensor]:
    """Two interleaving half circles (scikit-learn's make_moons): class 0 is the upper arc
    (cos t, sin t), class 1 the lower one (1 - cos t, 0.5 - sin t), t in [0, pi]."""
    rng = make_rng(seed=seed)
    n_out = n_samples // 2
    n_in = n_samples - n_out
    t_out, t_in = np.linspace(0, np.pi, n_out), np.linspace(0, np.pi, n_in)
    X = np.concatenate([np.stack([np.cos(t_out), np.sin(t_out)], 1),
                        np.stack([1 - np.cos(t_in), 1 - np.sin(t_in) - 0.5], 1)])
    y = np.repeat([0, 1], [n_out, n_in])
    return finish(X, y, noise, shuffle, rng)


def make_circles(n_samples: int = 100, noise: float = 0.0, factor: float = 0.8, seed: int | None = None,
                 shuffle: bool = True) -> tuple[Tensor, Tensor]:
    """A large circle (class 0, radius 1) around a small one (class 1, radius `factor`), as scikit-learn's."""
    if not 0 <= factor < 1:
        raise ValueError(f"make_circles: factor has to be between 0 and 1, got {factor}")
    rng = make_rng(seed=seed)
    n_out = n_samples // 2
    n_in = n_samples - n_out
    t_out = np.linspace(0, 2 * np.pi, n_out, endpoint=False)
    t_in = np.linspace(0, 2 * np.pi, n_in, endpoint=False)
    X = np.concatenate([np.stack([np.cos(t_out), np.sin(t_out)], 1),
                        factor * np.stack([np.cos(t_in), np.sin(t_in)], 1)])
    y = np.repeat([0, 1], [n_out, n_in])
    return finish(X, y, noise, shuffle, rng)


def make_spirals(n_samples: int = 300, n_classes: int = 3, noise: float = 0.0, seed: int | None = None,
                 shuffle: bool = True) -> tuple[Tensor, Tensor]:
    """`n_classes` interleaved spiral arms (CS231n's classic): arm k has radius r in [0, 1] and
    angle 4k + 4r, so each arm turns 4 radians; `noise` is the std of Gaussian noise on
    the angle, which is what makes the arms overlap."""
    rng = make_rng(seed=seed)
    counts = split_evenly(n_samples, n_classes)
    parts = []
    for k, count in enumerate(counts):
        r = np.linspace(0.0, 1.0, count)
        t = np.linspace(4.0 * k, 4.0 * (k + 1), count) + (rng.normal(scale=noise, size=count) if noise else 0)
        parts.append(np.stack([r * np.sin(t), r * np.cos(t)], 1))
    X, y = np.concatenate(parts), np.repeat(np.arange(n_classes), counts)
    return finish(X, y, 0.0, shuffle, rng)


def make_blobs(n_samples: int = 100, centers: int | np.ndarray = 3, n_features: int = 2, cluster_std: float = 1.0,
               center_box: tuple[float, float] = (-10.0, 10.0), seed: int | None = None,
               shuffle: bool = True, *, noise: float | None = None) -> tuple[Tensor, Tensor]:
    """Gaussian blobs (scikit-learn's make_blobs): `centers` drawn uniformly in `center_box`
    (or given as an array of shape (n_centers, n_features)), samples split evenly between
    them, each center + cluster_std * N(0, 1).

    `noise` is another name for cluster_std (the spread of each blob), so that every toy
    generator here takes `noise=`; give one or the other."""
    if noise is not None:
        if cluster_std != 1.0 and cluster_std != noise:
            raise ValueError(f"make_blobs: give either noise or cluster_std (they are the same thing), "
                             f"not both (noise={noise}, cluster_std={cluster_std})")
        cluster_std = noise
    rng = make_rng(seed=seed)
    if isinstance(centers, int):
        centers = rng.uniform(center_box[0], center_box[1], size=(centers, n_features))
    centers = np.asarray(centers, dtype=np.float64)
    counts = split_evenly(n_samples, len(centers))
    X = np.concatenate([c + cluster_std * rng.standard_normal((count, centers.shape[1]))
                        for c, count in zip(centers, counts)])
    y = np.repeat(np.arange(len(centers)), counts)
    return finish(X, y, 0.0, shuffle, rng)


def load_digits() -> tuple[Tensor, Tensor]:
    """The real 8x8 handwritten digits (1797 images, 10 classes) from scikit-learn's bundled copy.

    X is float32 (1797, 64), pixel values scaled from 0..16 to [0, 1]; y int64 (1797,).
    """
    try:
        from sklearn.datasets import load_digits as sklearn_digits
    except ImportError:
        raise ImportError('load_digits needs scikit-learn, which ships the digits with it (no download). '
                          'Install the extra: pip install "tinygrad-edu[datasets]"') from None
    digits = sklearn_digits()
    return as_tensors(digits.data / 16.0, digits.target)


# ---------------------------------------------------------------- MNIST, from local IDX files
IDX_TYPES = {0x08: np.uint8, 0x09: np.int8, 0x0B: ">i2", 0x0C: ">i4", 0x0D: ">f4", 0x0E: ">f8"}


def read_idx(path: str) -> np.ndarray:
    """Read one IDX file (raw or gzip-compressed, by its .gz suffix) into an array.

    The format: 2 zero bytes, a type code (0x08 = uint8, ...), the number of
    dimensions, each dimension as a big-endian int32, then the data.
    """
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        raw = f.read()
    if len(raw) < 4 or raw[0] != 0 or raw[1] != 0 or raw[2] not in IDX_TYPES:
        raise ValueError(f"read_idx: {path} is not an IDX file (bad magic number {raw[:4].hex() or 'empty'}; "
                         "expected 0000 then a type code such as 08 and the number of dimensions)")
    dtype, ndim = np.dtype(IDX_TYPES[raw[2]]), raw[3]
    header = 4 + 4 * ndim
    if len(raw) < header:
        raise ValueError(f"read_idx: {path} is truncated: the header announces {ndim} dimensions")
    shape = tuple(int(d) for d in np.frombuffer(raw, ">i4", count=ndim, offset=4))
    expected = int(np.prod(shape)) * dtype.itemsize
    if len(raw) - header != expected:
        raise ValueError(f"read_idx: {path} has {len(raw) - header} bytes of data, but its header announces shape "
                         f"{shape} of {dtype} ({expected} bytes); the file is truncated or corrupt")
    return np.frombuffer(raw, dtype, offset=header).reshape(shape).astype(dtype.newbyteorder("="))


def find_idx(root: str, name: str, tried: list[str]) -> str | None:
    """The first of root/name, root/name.gz (and the same under MNIST/raw, torchvision's layout) that exists."""
    for folder in (root, os.path.join(root, "MNIST", "raw")):
        for candidate in (name, name + ".gz"):
            path = os.path.join(folder, candidate)
            tried.append(path)
            if os.path.isfile(path):
                return path
    return None


def load_mnist(root: str, train: bool = True) -> tuple[Tensor, Tensor]:
    """MNIST from the standard IDX files in the local folder `root` (nothing is downloaded).

    Reads train-images-idx3-ubyte / train-labels-idx1-ubyte (or t10k-... when
    train=False), raw or .gz. Returns X float32 (N, 28, 28) scaled to [0, 1]
    and y int64 (N,); use X.reshape(-1, 784) for an MLP, X.unsqueeze(1) for a CNN.
    """
    prefix = "train" if train else "t10k"
    tried: list[str] = []
    paths = [find_idx(root, f"{prefix}-images-idx3-ubyte", tried), find_idx(root, f"{prefix}-labels-idx1-ubyte", tried)]
    if None in paths:
        missing = [name for name, path in zip(("images", "labels"), paths) if path is None]
        raise FileNotFoundError(
            f"load_mnist: could not find the MNIST {' and '.join(missing)} file(s) in {os.path.abspath(root)}. "
            "Looked for:\n  " + "\n  ".join(tried) + "\nHint: download the four IDX files from the MNIST site "
            "(or a mirror) yourself and put them, raw or .gz, in that folder; tinygrad_edu never downloads.")
    images, labels = read_idx(paths[0]), read_idx(paths[1])
    if images.ndim != 3 or labels.ndim != 1 or images.dtype != np.uint8 or labels.dtype != np.uint8:
        raise ValueError(f"load_mnist: expected uint8 images of shape (N, rows, cols) and labels of shape (N,), got "
                         f"{images.dtype} {images.shape} in {paths[0]} and {labels.dtype} {labels.shape} in {paths[1]}")
    if len(images) != len(labels):
        raise ValueError(f"load_mnist: {paths[0]} holds {len(images)} images but {paths[1]} holds {len(labels)} "
                         "labels; the files do not belong together")
    return as_tensors(images / np.float32(255), labels)
