"""Lesson 9: the computation graph, and backward step by step.

c = a * b + a uses a twice, so two paths lead back from c to a and their
gradients add: dc/da = b + 1. The script draws the graph before and after
backward, prints viz.trace_backward's step-by-step account of the engine
(the op, its local derivative, the gradients in and out, where they add),
then draws a tiny network's graph with its parameter names.

The code: tinygrad_edu/curriculum/graph.py (expression, then run draws and traces it).

    python examples/09_graph_and_trace.py
"""

from tinygrad_edu.curriculum import graph


def main(quick: bool = False, out_dir=None, seed: int = 0) -> dict:
    """Run the lesson (quick: fewer epochs; TINYGRAD_EDU_QUICK=1 does the same); returns its results."""
    result = graph.run(quick=quick, out_dir=out_dir, seed=seed, progress_bar=True)
    print(f"a.grad = {result['a_grad']}, b.grad = {result['b_grad']}")
    print("figures:", ", ".join(str(path) for path in result["figures"]))
    return result


if __name__ == "__main__":
    main()
