"""Lesson 10: gradients of gradients.

Because every backward is written in tensor operations, the gradient can
itself be differentiated: grad(f, w, create_graph=True) returns g(w) as a
graph, and grad(g . v, w) is the Hessian-vector product H v. On the
quadratic of lesson 5 the Hessian is diag(2, 4); one Newton step
w - H^-1 grad f lands exactly on the minimum (2, -1).

The code: tinygrad_edu/curriculum/higher_order.py (hvp, hessian and newton_step).

    python examples/10_higher_order.py
"""

from tinygrad_edu.curriculum import higher_order


def main(quick: bool = False, out_dir=None, seed: int = 0) -> dict:
    """Run the lesson (quick: fewer epochs; TINYGRAD_EDU_QUICK=1 does the same); returns its results."""
    result = higher_order.run(quick=quick, out_dir=out_dir, seed=seed, progress_bar=True)
    point = result["newton_point"]
    print(f"one Newton step lands on ({point[0]:.6f}, {point[1]:.6f}); gradient descent needed "
          f"{result['gd_steps']} steps")
    print("figures:", ", ".join(str(path) for path in result["figures"]))
    return result


if __name__ == "__main__":
    main()
