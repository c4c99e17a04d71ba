"""Symphonia: Magenta's symbolic music generation models on today's Python stack.

Importing the package is cheap on purpose: nothing here imports TensorFlow. Each
entry point imports what it needs.
"""

__version__ = "0.1.0"
