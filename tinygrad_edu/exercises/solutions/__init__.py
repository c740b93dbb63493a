"""Reference solutions, one per exercise: the test suite grades them (they must pass).

The grader never reads or prints these; it checks a learner's code against autograd,
finite differences, tinygrad_edu.optim and the formulas in the skeletons' docstrings.
"""
