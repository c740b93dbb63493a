"""The exercises as a learner gets them: `tinygrad-edu exercise NAME` copies one of these files.

Each is a valid module whose unfinished parts raise NotImplementedError("TODO n: ..."),
so that the grader can say which TODO is still open.
"""
