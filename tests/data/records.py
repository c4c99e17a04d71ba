"""Comparing SequenceExample records regardless of the order of their feature lists."""


def _varint(data, position):
    value = shift = 0
    while True:
        byte = data[position]
        position += 1
        value |= (byte & 0x7F) << shift
        shift += 7
        if byte < 0x80:
            return value, position


def canonical(record):
    """The record's feature-list map entries, sorted (Magenta writes them in hash order)."""
    assert record[0] == 0x12, "expected a SequenceExample with feature_lists only"
    length, position = _varint(record, 1)
    assert position + length == len(record)
    entries = []
    while position < len(record):
        assert record[position] == 0x0A
        length, start = _varint(record, position + 1)
        entries.append(record[start:start + length])
        position = start + length
    return tuple(sorted(entries))
