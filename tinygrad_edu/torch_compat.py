"""Run a script written for PyTorch on tinygrad_edu, unchanged: `tinygrad-edu run script.py`.

While `torch_imports()` is active, `import torch` gives tinygrad_edu, and every
`torch.X.Y` gives `tinygrad_edu.X.Y` (so `import torch.nn as nn`, `import
torch.nn.functional as F`, `from torch.utils.data import DataLoader` and
`torch.optim` work). It is one entry at the front of Python's import path (a
"meta path finder", the hook Python's own importers use), removed again
afterwards; nothing inside tinygrad_edu changes.

A name with no tinygrad_edu counterpart (`torch.fft`, `torchvision`, ...)
stops the import with one line naming it, instead of a confusing failure deep
inside a package that expected the real PyTorch.

`LastLoss` remembers the graph of the last scalar the script called
.backward() on, for `--graph` and `--trace`. A plain backward frees the graph as
it goes, and optimizer.step() then changes the weights in place, so just before
the engine starts the graph's nodes are copied (shallowly: the nodes' fields as
they were) and so are the values of its leaves; both are put back at the end,
when the script is done with them.
"""

from __future__ import annotations

import contextlib
import importlib
import importlib.abc
import importlib.util
import os
import runpy
import sys
import traceback

from .autograd import backward_observers, topological_order
from .nn import Module
from .tensor import Tensor

__all__ = ["NotAvailableError", "torch_imports", "LastLoss", "run_script", "run_command"]

# torch modules whose tinygrad_edu counterpart has another path. torch.functional holds
# top-level functions (torch.split, torch.norm, ...), which tinygrad_edu keeps at its top.
ALIASES = {"torch.functional": "tinygrad_edu"}

# Packages of the PyTorch family (they need the real torch); anything named torch* counts too.
TORCH_FAMILY = ("functorch", "lightning", "pytorch_lightning", "timm", "transformers")


class NotAvailableError(ModuleNotFoundError):
    """A module the script imports has no counterpart in tinygrad_edu."""


def not_available(name: str) -> NotAvailableError:
    if name == "torch" or name.startswith("torch."):
        what = f"{name} is not available in tinygrad_edu (no tinygrad_edu{name[len('torch'):]})"
    else:
        what = f"{name} is not available in tinygrad_edu (it is a package for the real PyTorch)"
    hint = ""
    if name.split(".")[0] == "torchvision":
        hint = "; replace its datasets with synthetic tensors of the same shapes (tinygrad_edu.randn, randint)"
    return NotAvailableError(what + hint, name=name)


class AliasLoader(importlib.abc.Loader):
    """'Loads' a torch module by handing back the tinygrad_edu module that is already imported."""

    def __init__(self, module):
        self.module = module
        self.spec = module.__spec__

    def create_module(self, spec):
        return self.module

    def exec_module(self, module) -> None:
        module.__spec__ = self.spec  # the import system stamped the alias's spec on it: put the real one back


class TorchFinder(importlib.abc.MetaPathFinder):
    """torch.X.Y -> tinygrad_edu.X.Y; the rest of the PyTorch family -> NotAvailableError."""

    def find_spec(self, fullname: str, path=None, target=None):
        top = fullname.partition(".")[0]
        if top == "torch":
            target_name = ALIASES.get(fullname, "tinygrad_edu" + fullname[len("torch"):])
            try:
                module = importlib.import_module(target_name)
            except ModuleNotFoundError as err:
                if err.name is not None and target_name.startswith(err.name):
                    raise not_available(fullname) from None
                raise
            return importlib.util.spec_from_loader(fullname, AliasLoader(module))
        if top.startswith("torch") or top in TORCH_FAMILY:
            raise not_available(top)
        return None


@contextlib.contextmanager
def torch_imports():
    """`import torch` means tinygrad_edu inside this block. Any real torch modules already
    imported are set aside and put back after, so both can live in one process (the tests)."""
    set_aside = {name: sys.modules.pop(name) for name in list(sys.modules) if name.partition(".")[0] == "torch"}
    finder = TorchFinder()
    sys.meta_path.insert(0, finder)
    try:
        yield
    finally:
        sys.meta_path.remove(finder)
        for name in [n for n in sys.modules if n.partition(".")[0] == "torch"]:
            del sys.modules[name]
        sys.modules.update(set_aside)
        for alias, target in ALIASES.items():
            # importing torch.functional set tinygrad_edu.functional = tinygrad_edu: take it back
            parent, _, child = alias.rpartition(".")
            owner = sys.modules.get("tinygrad_edu" + parent[len("torch"):])
            if owner is not None and owner.__dict__.get(child) is sys.modules.get(target):
                del owner.__dict__[child]


def is_loss(value) -> bool:
    return isinstance(value, Tensor) and value.grad_fn is not None and value.numel() == 1


class LastLoss:
    """Inside `with LastLoss() as last:`, every backward pass from a one-element tensor with a
    grad_fn is noticed (an observer in autograd.engine.backward_observers, there only while the
    block runs, so it costs nothing otherwise). After the block, last.loss is that tensor with
    its graph as it was when backward was called, or None.

    "As it was" takes two copies at each backward call: the nodes' fields (backward frees
    them) and the values of the graph's leaves (optimizer.step() changes the parameters in
    place afterwards). Both are put back when the block ends, so the script's parameters end
    with the values the last loss was computed from."""

    def __init__(self):
        self.loss, self.saved, self.leaves = None, [], []

    def __enter__(self) -> LastLoss:
        backward_observers.append(self.observe)
        return self

    def __exit__(self, *exc) -> None:
        backward_observers.remove(self.observe)
        for node, fields in self.saved:
            for name, value in fields.items():
                setattr(node, name, value)
        for leaf, values, version in self.leaves:
            leaf._data[...] = values  # in place, so views of the leaf in the graph see it too
            if leaf._counter is not None:  # and the version the graph saw, so backward accepts it again
                leaf._counter[0] = version

    def observe(self, roots) -> None:
        if len(roots) == 1 and is_loss(roots[0]):
            loss = self.loss = roots[0]
            self.saved = [(node, node_fields(node)) for node in topological_order([loss.grad_fn])]
            self.leaves = [(leaf, leaf._data.copy(), leaf._version) for leaf in graph_leaves(self.saved)]

    def pick(self, namespace: dict):
        """The loss to show: the last one backward was called on, else the script's global
        `loss`, else the last global one-element tensor with a grad_fn."""
        if self.loss is not None:
            return self.loss, "the last tensor .backward() was called on"
        if is_loss(namespace.get("loss")):
            return namespace["loss"], "the script's variable `loss`"
        candidates = [(name, value) for name, value in namespace.items() if is_loss(value)]
        if candidates:
            name, value = candidates[-1]
            return value, f"the script's variable `{name}`"
        return None, None


def node_fields(node) -> dict:
    """A shallow copy of a graph node's fields: its __slots__ and its __dict__."""
    names = [name for cls in type(node).__mro__ for name in getattr(cls, "__slots__", ())
             if name not in ("__dict__", "__weakref__")]
    fields = {name: getattr(node, name) for name in names if hasattr(node, name)}
    fields.update(getattr(node, "__dict__", {}))
    return fields


def parameter_names(namespace: dict) -> dict:
    """{parameter: 'model.fc1.weight'} for every Module among the script's globals, for the labels."""
    names = {}
    for var, value in namespace.items():
        if isinstance(value, Module):
            for name, param in value.named_parameters():
                names.setdefault(param, f"{var}.{name}")
    return names


def run_script(path, args=(), watch: bool = False):
    """Run the file at `path` as `__main__` with sys.argv = [path, *args] and torch imports
    mapped to tinygrad_edu. Returns (the script's globals, a LastLoss or None)."""
    path = os.fspath(path)
    saved_argv, saved_path0 = sys.argv, sys.path[0]
    sys.argv = [path, *args]
    sys.path[0] = os.path.dirname(os.path.abspath(path))  # the script's folder first, as `python script.py`
    watcher = LastLoss() if watch else None
    namespace = {}
    try:
        with torch_imports(), (watcher or contextlib.nullcontext()):
            namespace = runpy.run_path(path, run_name="__main__")
    finally:
        sys.argv = saved_argv
        sys.path[0] = saved_path0
    return namespace, watcher


def run_command(script, args=(), graph=None, trace: bool = False, log=print) -> int:
    """`tinygrad-edu run [--graph OUT] [--trace] script.py [args]`; the exit code."""
    if os.path.isdir(script) and not os.path.isfile(os.path.join(script, "__main__.py")):
        # runpy would fail with "can't find '__main__' module", from inside the library
        print(f"tinygrad-edu run: {script} is a folder, not a script; give the .py file to run", file=sys.stderr)
        return 2
    watch = graph is not None or trace
    if watch:
        from . import viz  # noqa: F401 -- imported before the script runs, so graph nodes record their Module
    try:
        namespace, watcher = run_script(script, args, watch)
    except NotAvailableError as err:
        print(f"tinygrad-edu run: {err}", file=sys.stderr)
        return 1
    except SystemExit as stop:
        return stop.code if isinstance(stop.code, int) else (0 if stop.code is None else 1)
    except FileNotFoundError as err:
        if os.path.abspath(err.filename or "") != os.path.abspath(script):
            raise
        print(f"tinygrad-edu run: no such file: {script}", file=sys.stderr)
        return 2
    except Exception as err:  # noqa: BLE001 -- the script's own error: show it as Python would, from the script down
        print_script_error(err, script)
        return 1
    if not watch:
        return 0
    loss, where = watcher.pick(namespace)
    if loss is None:
        print("tinygrad-edu run: the script computed no one-element tensor with a grad_fn (no loss) to show; "
              "--graph and --trace look for the last tensor .backward() was called on.", file=sys.stderr)
        return 1
    from .viz import save_graph, trace_backward

    names = parameter_names(namespace)
    if graph is not None:
        written = save_graph(loss, graph, names=names)
        log(f"tinygrad-edu run: drew the graph of {where} (value {loss.item():.4g}) to {written}")
    if trace:
        log(f"tinygrad-edu run: the backward pass of {where} (value {loss.item():.4g}), step by step:")
        for leaf, _, _ in watcher.leaves:
            leaf.grad = None  # the trace shows this one backward's gradients, not the sum of the script's
        trace_backward(loss, retain_graph=True, names=names, print_fn=log)
    return 0


def graph_leaves(saved: list) -> list:
    """The leaves that require grad (parameters, inputs with requires_grad) among the inputs of
    the nodes in `saved` ([(node, its fields)]), each once."""
    leaves = {}
    for _, fields in saved:
        for parent in fields.get("parents") or fields.get("inputs") or ():
            if isinstance(parent, Tensor) and parent.requires_grad and parent.grad_fn is None:
                leaves[id(parent)] = parent
    return list(leaves.values())


def print_script_error(err: BaseException, script) -> None:
    """The traceback from the script's first frame on (runpy's and ours are noise to the reader)."""
    tb, path = err.__traceback__, os.path.abspath(script)
    while tb is not None and os.path.abspath(tb.tb_frame.f_code.co_filename) != path:
        tb = tb.tb_next
    traceback.print_exception(type(err), err, tb or err.__traceback__)
