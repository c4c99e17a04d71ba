import numpy as np
import pytest

from symphonia.codecs.counters import binary_counters


@pytest.mark.parametrize(
    ("position", "expected"),
    [
        (0, [1, -1, -1, -1, -1]),  # n = 1
        (1, [-1, 1, -1, -1, -1]),  # n = 2
        (2, [1, 1, -1, -1, -1]),  # n = 3
        (15, [-1, -1, -1, -1, 1]),  # n = 16: the next event starts a bar
        (30, [1, 1, 1, 1, 1]),  # n = 31
        (31, [-1, -1, -1, -1, -1]),  # n = 32 wraps five bits
    ],
)
def test_counter_is_bits_of_position_plus_one_lsb_first(position, expected):
    np.testing.assert_array_equal(binary_counters(position, 5), expected)


def test_counters_keep_leading_axes_and_are_float32():
    counters = binary_counters(np.arange(12).reshape(3, 4), 6)
    assert counters.shape == (3, 4, 6)
    assert counters.dtype == np.float32
    np.testing.assert_array_equal(counters[2, 3], [-1, -1, 1, 1, -1, -1])  # n = 12 = 0b1100
