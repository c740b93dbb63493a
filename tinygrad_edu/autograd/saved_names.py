"""`grad_fn._saved_self`, `_saved_other`, `_saved_exponent`, `_saved_result`: what a node saved, under
PyTorch's names, as PyTorch's "Autograd mechanics" notes read them:

    y = x.pow(2);  y.grad_fn._saved_self is x   (True),  y.grad_fn._saved_exponent == 2
    y = x.exp();   y.grad_fn._saved_result equals y      (a new tensor around the same values)

A name is a place among the saved tensors: self the first, other, exponent (or mat2) the second; result
the op's own output, for the ops that save it (exp, tanh, sigmoid...). Looked up only when asked for
(each is a property), so no op pays for it.
"""

from __future__ import annotations


def saved_at(node, place: int, name: str):
    saved = node.saved_tensors
    if place < len(saved) and saved[place] is not None:
        return saved[place]
    raise AttributeError(f"'{node.name()}' object has no attribute '_saved_{name}' (it saved {len(saved)} tensors)")


class SavedNames:
    """Properties, not __getattr__: a class with __getattr__ makes every attribute read of every node
    slower (CPython stops specialising them), 2,700 instructions per op on overhead.py's chain."""
    _saved_self = property(lambda node: saved_at(node, 0, "self"))
    _saved_other = property(lambda node: saved_at(node, 1, "other"))
    _saved_exponent = property(lambda node: saved_at(node, 1, "exponent"))
    _saved_mat2 = property(lambda node: saved_at(node, 1, "mat2"))

    @property
    def _saved_result(self):  # the one saved tensor that is not an input: the output (exp, tanh, sigmoid...)
        saved = self.saved_tensors
        if len(saved) == 1 and self.output is not None and all(saved[0] is not x for x in self.inputs or ()):
            return saved[0]
        raise AttributeError(f"'{self.name()}' object has no attribute '_saved_result'")
