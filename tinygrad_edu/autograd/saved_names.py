"""`grad_fn._saved_self`, `_saved_other`, `_saved_exponent`, `_saved_result`: what a node saved, under
PyTorch's names, as PyTorch's "Autograd mechanics" notes read them:

    y = x.pow(2);  y.grad_fn._saved_self is x   (True),  y.grad_fn._saved_exponent == 2
    y = x.exp();   y.grad_fn._saved_result equals y      (a new tensor around the same values)

A name is a place among the saved tensors: self the first, other, exponent (or mat2) the second; result
the op's own output, for the ops that save it (exp, tanh, sigmoid...). Looked up only when asked for
(Python calls __getattr__ for a name the node does not have), so no op pays for it.
"""

from __future__ import annotations

PLACES = {"self": 0, "other": 1, "exponent": 1, "mat2": 1}


class SavedNames:
    def __getattr__(self, name: str):
        saved_name = name.removeprefix("_saved_")
        if saved_name == name or (saved_name != "result" and saved_name not in PLACES):
            raise AttributeError(f"'{type(self).__name__}' object has no attribute '{name}'")
        saved = self.saved_tensors
        if saved_name == "result":  # the one saved tensor that is not an input: the output
            if len(saved) == 1 and self.output is not None and all(saved[0] is not x for x in self.inputs or ()):
                return saved[0]
        elif PLACES[saved_name] < len(saved) and saved[PLACES[saved_name]] is not None:
            return saved[PLACES[saved_name]]
        raise AttributeError(f"{self.name()} saved no {saved_name!r} (it saved {len(saved)} tensors)")
