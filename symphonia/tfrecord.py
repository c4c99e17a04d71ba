"""TFRecord files, read and written without TensorFlow.

The format is tiny (each record: little-endian uint64 length, masked CRC-32C of
the length, the bytes, masked CRC-32C of the bytes), and importing TensorFlow
takes seconds, so commands that only move records around (converting MIDI files,
inspecting datasets) do it here. Files are byte-compatible with
``tf.io.TFRecordWriter`` / ``tf.data.TFRecordDataset`` in both directions.

Writers are atomic: records go to a temporary file beside the target, which is
renamed over the target only when the writer is closed without error, so an
interrupted run never leaves a half-written file under the final name.
"""

import struct

import google_crc32c

from symphonia.atomic import AtomicFile

_LENGTH = struct.Struct("<Q")
_CRC = struct.Struct("<I")
_MASK_DELTA = 0xA282EAD8


class CorruptRecordError(Exception):
    """A TFRecord file is truncated or fails its checksums."""


def _masked_crc(data):
    crc = google_crc32c.value(data)
    return (((crc >> 15) | (crc << 17)) + _MASK_DELTA) & 0xFFFFFFFF


def encode_record(data):
    """Returns the bytes of one framed record holding ``data``."""
    length = _LENGTH.pack(len(data))
    return b"".join((length, _CRC.pack(_masked_crc(length)), data, _CRC.pack(_masked_crc(data))))


class AtomicRecordWriter(AtomicFile):
    """Writes records to a temporary file and renames it to ``path`` on success.

    Use as a context manager; leaving the block with an exception (or calling
    :meth:`abort`) removes the temporary file and leaves ``path`` untouched;
    :meth:`close` (or leaving the block normally) publishes the file.
    """

    def __init__(self, path):
        super().__init__(path)
        self.count = 0

    def write(self, data):
        """Appends one record (``bytes``)."""
        super().write(encode_record(data))
        self.count += 1

    def close(self):
        """Flushes to disk and moves the file under its final name."""
        self.commit()


def read_records(path):
    """Yields the payload of every record in a TFRecord file, checking CRCs.

    Raises
    ------
    CorruptRecordError
        With the path and the record number, when the file is truncated or a
        checksum does not match.
    """
    with open(path, "rb") as file:
        index = 0
        while header := file.read(_LENGTH.size + _CRC.size):
            if len(header) < _LENGTH.size + _CRC.size:
                raise CorruptRecordError(f"{path}: record {index} is truncated")
            length_bytes = header[:_LENGTH.size]
            (length,) = _LENGTH.unpack(length_bytes)
            (length_crc,) = _CRC.unpack(header[_LENGTH.size:])
            if length_crc != _masked_crc(length_bytes):
                raise CorruptRecordError(f"{path}: record {index} has a bad length checksum")
            data = file.read(length)
            footer = file.read(_CRC.size)
            if len(data) < length or len(footer) < _CRC.size:
                raise CorruptRecordError(f"{path}: record {index} is truncated")
            if _CRC.unpack(footer)[0] != _masked_crc(data):
                raise CorruptRecordError(f"{path}: record {index} has a bad data checksum")
            yield data
            index += 1
