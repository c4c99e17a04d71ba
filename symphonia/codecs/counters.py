"""Binary step counters: the metric-position features of the lookback encodings."""

import numpy as np
from numpy.typing import ArrayLike, NDArray

from symphonia.codecs.features import unpack_bits


def binary_counters(positions: ArrayLike, num_bits: int) -> NDArray[np.float32]:
    """±1 bits (LSB first) of ``n = position + 1`` as float32 ``[..., num_bits]``.

    The input at position ``i`` predicts event ``i + 1``, so counting ``i + 1``
    tells the model where in the bar that *next* event falls; with 4 steps per
    quarter the bits tick 16ths, 8ths, quarters, halves and whole notes. Using
    ±1 rather than 0/1 keeps every bit informative to a linear layer.
    """
    bits = unpack_bits(np.asarray(positions, dtype=np.int64) + 1, num_bits)
    return np.where(bits == 1, 1.0, -1.0).astype(np.float32)
