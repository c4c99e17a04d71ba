"""Generator bundles (``.mag`` files): a trained model's configuration and weights in one file.

See :mod:`symphonia.bundle.mag` for the format. Nothing here runs code or a
graph from a file: a model is always rebuilt from its stored configuration and
only its weights are read.
"""
