"""Small numpy feature builders shared by the codecs.

Each is a single broadcasting expression over a trailing axis, so any leading
batch and time axes come for free and each has a one-line TensorFlow twin
(``tf.one_hot``, ``tf.bitwise.right_shift``).
"""

import numpy as np
from numpy.typing import ArrayLike, NDArray


def one_hot(indices: ArrayLike, depth: int) -> NDArray[np.float32]:
    """float32 ``[..., depth]`` one-hot rows; an index outside ``[0, depth)`` gives a zero row."""
    indices = np.asarray(indices)
    return (indices[..., None] == np.arange(depth)).astype(np.float32)


def unpack_bits(values: ArrayLike, num_bits: int) -> NDArray[np.int64]:
    """Bits ``0..num_bits-1`` of each value as an int64 ``[..., num_bits]`` axis, LSB first."""
    values = np.asarray(values, dtype=np.int64)
    return (values[..., None] >> np.arange(num_bits)) & 1


def pack_bits(bits: ArrayLike) -> NDArray[np.int64]:
    """Inverse of :func:`unpack_bits`: the last axis (LSB first) as one integer."""
    bits = np.asarray(bits, dtype=np.int64)
    return (bits << np.arange(bits.shape[-1])).sum(axis=-1)
