"""SequenceExample records written straight from numpy arrays, without TensorFlow.

A dataset step writes hundreds of megabytes of ``tf.train.SequenceExample``
records (Magenta's dense layout stores a float vector per time step), and both
importing TensorFlow and filling protobuf messages one step at a time would
dominate that work. The wire format of the few messages involved is simple and
fixed, so records are assembled here from numpy buffers: every step of a dense
float matrix (or of a small non-negative integer matrix) has the same framing,
so whole matrices are framed in one vectorised operation.

Output parses to the same message TensorFlow builds from the same content, and
the dense layout holds the very bytes Magenta's ``*_create_dataset`` writes for
the same events, up to the order of the two feature lists, which Magenta leaves
to its protobuf map's hashing (the tests check both).
"""

import numpy as np

# Protobuf wire tags (field number << 3 | wire type 2 "length-delimited").
_TAG_FEATURE_LISTS = 0x12  # SequenceExample.feature_lists = 2
_TAG_MAP_ENTRY = 0x0A  # FeatureLists.feature_list (map entries) = 1
_TAG_KEY = 0x0A  # map entry key = 1
_TAG_VALUE = 0x12  # map entry value = 2
_TAG_FEATURE = 0x0A  # FeatureList.feature = 1
_TAG_FLOAT_LIST = 0x12  # Feature.float_list = 2
_TAG_INT64_LIST = 0x1A  # Feature.int64_list = 3
_TAG_VALUES = 0x0A  # FloatList.value / Int64List.value (packed) = 1


def _varint(value):
    out = bytearray()
    value &= (1 << 64) - 1  # negative int64 values are sent as 10-byte two's complement
    while True:
        byte, value = value & 0x7F, value >> 7
        if value:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def _delimited(tag, payload):
    return bytes((tag,)) + _varint(len(payload)) + payload


def _frame_rows(list_tag, rows):
    """Frames each row of a uint8 matrix as ``Feature{<list>{value: row}}`` in one pass.

    ``rows`` already holds each step's packed values, all of the same length, so
    the framing bytes are the same for every step.
    """
    values_header = bytes((_TAG_VALUES,)) + _varint(rows.shape[1])
    list_length = len(values_header) + rows.shape[1]
    list_header = bytes((list_tag,)) + _varint(list_length)
    feature_header = bytes((_TAG_FEATURE,)) + _varint(len(list_header) + list_length)
    header = np.frombuffer(feature_header + list_header + values_header, dtype=np.uint8)
    framed = np.empty((rows.shape[0], header.size + rows.shape[1]), dtype=np.uint8)
    framed[:, :header.size] = header
    framed[:, header.size:] = rows
    return framed.tobytes()


def float_feature_list(matrix):
    """The FeatureList payload for a ``[steps, size]`` float matrix (one FloatList per step)."""
    matrix = np.ascontiguousarray(matrix, dtype="<f4")
    rows = matrix.reshape(matrix.shape[0], -1).view(np.uint8)
    return _frame_rows(_TAG_FLOAT_LIST, rows)


def int64_feature_list(values):
    """The FeatureList payload for int64 values: ``[steps]`` (one value a step) or ``[steps, k]``."""
    values = np.asarray(values, dtype=np.int64)
    matrix = values.reshape(values.shape[0], -1)
    if matrix.size and matrix.min() >= 0 and matrix.max() < 0x80:
        # Each value is a one-byte varint equal to itself: the rows are the payload.
        return _frame_rows(_TAG_INT64_LIST, matrix.astype(np.uint8))
    pieces, cache = [], {}
    for row in map(tuple, matrix.tolist()):
        if row not in cache:
            packed = b"".join(map(_varint, row))
            cache[row] = _delimited(_TAG_FEATURE, _delimited(_TAG_INT64_LIST, _delimited(_TAG_VALUES, packed)))
        pieces.append(cache[row])
    return b"".join(pieces)


def sequence_example(feature_lists):
    """Serializes a SequenceExample with no context from ``{name: FeatureList payload}``.

    Build the payloads with :func:`float_feature_list` / :func:`int64_feature_list`.
    """
    entries = b"".join(
        _delimited(_TAG_MAP_ENTRY, _delimited(_TAG_KEY, name.encode()) + _delimited(_TAG_VALUE, payload))
        for name, payload in feature_lists.items())
    return _delimited(_TAG_FEATURE_LISTS, entries)


def dense_sequence_example(inputs, labels):
    """Magenta's layout: ``inputs`` float vectors and ``labels`` int64 per step.

    Parameters
    ----------
    inputs : array_like, shape [steps, input_size]
    labels : array_like, shape [steps] or [steps, k]
    """
    return sequence_example({"labels": int64_feature_list(labels), "inputs": float_feature_list(inputs)})
