import numpy as np

from symphonia.codecs.features import one_hot, pack_bits, unpack_bits


def test_one_hot_rows_and_out_of_range_zero_row():
    rows = one_hot([2, 0, 3], 3)
    np.testing.assert_array_equal(rows, [[0, 0, 1], [1, 0, 0], [0, 0, 0]])
    assert rows.dtype == np.float32


def test_unpack_bits_lsb_first_and_pack_inverts_it():
    np.testing.assert_array_equal(unpack_bits(5, 4), [1, 0, 1, 0])
    values = np.arange(512).reshape(8, 64)
    np.testing.assert_array_equal(pack_bits(unpack_bits(values, 9)), values)
