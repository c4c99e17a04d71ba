"""Splitting one explicit random seed into independent streams.

Every random draw in the layers here (dropout, scheduled sampling, latent
samples, decoding) is stateless: it takes a ``[2]`` integer seed, so the same
seed gives the same result, in eager code, in a compiled loop and after a
resumed training run alike. A layer that makes several kinds of draws, or one
draw per step or per part, derives a seed for each from the one it was given.
"""

import tensorflow as tf


def fold(seed, value):
    """The ``[2]`` seed of stream ``value`` (an int or scalar tensor) of ``seed``: independent of the others."""
    return tf.random.experimental.stateless_fold_in(seed, value)
