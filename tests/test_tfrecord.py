import os

import pytest

from symphonia.tfrecord import AtomicRecordWriter, CorruptRecordError, read_records

RECORDS = [b"", b"a", b"hello world" * 100, bytes(range(256))]


def _write(path, records):
    with AtomicRecordWriter(path) as writer:
        for record in records:
            writer.write(record)


def test_round_trip(tmp_path):
    path = tmp_path / "sub" / "out.tfrecord"
    _write(path, RECORDS)
    assert list(read_records(path)) == RECORDS


def test_tensorflow_reads_ours_and_we_read_tensorflows(tmp_path):
    tf = pytest.importorskip("tensorflow")
    ours, theirs = tmp_path / "ours.tfrecord", tmp_path / "theirs.tfrecord"
    _write(ours, RECORDS)
    assert [r.numpy() for r in tf.data.TFRecordDataset(str(ours))] == RECORDS
    with tf.io.TFRecordWriter(str(theirs)) as writer:
        for record in RECORDS:
            writer.write(record)
    assert ours.read_bytes() == theirs.read_bytes()
    assert list(read_records(theirs)) == RECORDS


def test_failure_inside_the_block_leaves_the_old_file_and_no_temporary(tmp_path):
    path = tmp_path / "out.tfrecord"
    path.write_bytes(b"previous")
    with pytest.raises(KeyboardInterrupt):
        with AtomicRecordWriter(path) as writer:
            writer.write(b"partial")
            raise KeyboardInterrupt
    assert path.read_bytes() == b"previous"
    assert os.listdir(tmp_path) == ["out.tfrecord"]


def test_nothing_appears_under_the_final_name_until_closed(tmp_path):
    path = tmp_path / "out.tfrecord"
    writer = AtomicRecordWriter(path)
    writer.write(b"x")
    assert not path.exists()
    writer.close()
    assert list(read_records(path)) == [b"x"]


@pytest.mark.parametrize("damage", ["truncate", "flip"])
def test_damaged_files_are_reported_with_the_record_number(tmp_path, damage):
    path = tmp_path / "out.tfrecord"
    _write(path, [b"first", b"second record"])
    data = bytearray(path.read_bytes())
    if damage == "truncate":
        del data[-3:]
    else:
        data[-6] ^= 0xFF
    path.write_bytes(bytes(data))
    with pytest.raises(CorruptRecordError, match="record 1"):
        list(read_records(path))


def test_written_files_get_the_usual_permissions(tmp_path):
    path = tmp_path / "out.tfrecord"
    _write(path, [b"x"])
    umask = os.umask(0)
    os.umask(umask)
    assert path.stat().st_mode & 0o777 == 0o666 & ~umask
