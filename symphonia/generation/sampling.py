"""Choosing the next class of every row from a model's logits, at a temperature, reproducibly.

Magenta divides the logits by the temperature before the softmax: above 1 the
choice gets more random, below 1 more conservative. Temperature 0 (which
Magenta cannot do) always takes the most likely class.

Sampling is numpy over the whole batch, in float64, driven by a
``numpy.random.Generator``: one uniform number per row and call, so the same
seed gives the same choices whatever the batch holds. The log-probability of
each choice under the distribution it was drawn from is returned too; beam
search ranks candidates by their sum.
"""

import numpy as np


def check_temperature(temperature):
    """The temperature as a float; ValueError (one line) unless it is finite and >= 0."""
    temperature = float(temperature)
    if not np.isfinite(temperature) or temperature < 0:
        raise ValueError(f"temperature must be a finite number >= 0 (0 always picks the most likely event), "
                         f"got {temperature}")
    return temperature


def log_softmax(logits, temperature=1.0):
    """float64 log-probabilities of ``softmax(logits / temperature)`` over the last axis."""
    scaled = np.asarray(logits, dtype=np.float64) / temperature
    scaled -= scaled.max(axis=-1, keepdims=True)
    return scaled - np.log(np.exp(scaled).sum(axis=-1, keepdims=True))


def sample(logits, temperature, rng):
    """One class per row of ``logits [B, C]``, and its log-probability.

    Parameters
    ----------
    logits : array_like, shape [B, C]
    temperature : float
        0 picks the most likely class of each row (its log-probability is then
        the model's own, at temperature 1).
    rng : numpy.random.Generator

    Returns
    -------
    classes : numpy.ndarray of int64, shape [B]
    log_probs : numpy.ndarray of float64, shape [B]
    """
    scaled = np.asarray(logits, dtype=np.float64) / (temperature or 1.0)
    scaled -= scaled.max(axis=-1, keepdims=True)
    cumulative = np.cumsum(np.exp(scaled), axis=-1)
    total = cumulative[:, -1]
    if temperature == 0:
        classes = scaled.argmax(axis=-1)
    else:
        # Inverse transform: the first class whose cumulative weight passes u. A class
        # of probability 0 can never be the first to pass, so it is never drawn.
        u = rng.random(len(cumulative)) * total
        classes = np.minimum((cumulative <= u[:, None]).sum(axis=-1), cumulative.shape[-1] - 1)
    return classes, scaled[np.arange(len(classes)), classes] - np.log(total)
