"""The one thing pyproject.toml cannot say: the lessons in examples/ also ship inside the package.

`examples/01_perceptron.py`, ... are the curriculum's lessons. A checkout (or `pip install -e .`)
reads them where they are; a normal install has no examples/ folder beside it, so the package
`tinygrad_edu.lessons` is mapped onto examples/ and the wheel carries the same files as
tinygrad_edu/lessons/. tinygrad_edu/curriculum/__init__.py looks in both places.
Everything else about the project is in pyproject.toml.
"""

from setuptools import find_packages, setup

setup(
    packages=find_packages(include=["tinygrad_edu", "tinygrad_edu.*"]) + ["tinygrad_edu.lessons"],
    package_dir={"tinygrad_edu.lessons": "examples"},
)
