"""The sampling temperature, checked once for every model family.

Magenta divides the logits by the temperature before the softmax: above 1 the
choice gets more random, below 1 more conservative. Temperature 0 (which
Magenta cannot do) always takes the most likely class. The drawing itself
happens inside each family's compiled generation loop (for events RNNs,
:mod:`symphonia.generation.events_rnn.graph_loop`).
"""

import math


def check_temperature(temperature):
    """The temperature as a float; ValueError (one line) unless it is finite and >= 0."""
    temperature = float(temperature)
    if not math.isfinite(temperature) or temperature < 0:
        raise ValueError(f"temperature must be a finite number >= 0 (0 always picks the most likely event), "
                         f"got {temperature}")
    return temperature
