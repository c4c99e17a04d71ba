import multiprocessing
import os
import subprocess
import sys
import time

import pytest

from symphonia.music import convert
from symphonia.music.convert import Guards, convert_directory, find_music_files
from symphonia.music.proto import NoteSequence
from symphonia.music.reader import Piece
from symphonia.tfrecord import read_records
from tests.music.fixtures import ABC_TUNEBOOK, midi_bytes, musicxml_text

GOOD_MIDI = midi_bytes([(60, 0.0, 0.5), (64, 0.5, 1.0), (67, 1.0, 2.0)])


@pytest.fixture
def collection(tmp_path):
    """A directory mixing good music files, broken ones and other files."""
    root = tmp_path / "collection"
    (root / "sub" / "deeper").mkdir(parents=True)
    (root / "b.mid").write_bytes(GOOD_MIDI)
    (root / "a.xml").write_text(musicxml_text())
    (root / "tunes.abc").write_text(ABC_TUNEBOOK)
    (root / "sub" / "c.midi").write_bytes(midi_bytes([(36, 0.0, 0.1)], drums=True))
    (root / "sub" / "deeper" / "d.mid").write_bytes(GOOD_MIDI)
    (root / "empty.mid").write_bytes(b"")
    (root / "noise.mid").write_bytes(os.urandom(300))
    (root / "truncated.mid").write_bytes(GOOD_MIDI[: len(GOOD_MIDI) // 2])
    (root / "broken.mxl").write_bytes(b"PK not really a zip")
    (root / "notes.txt").write_text("not music")
    return root


def _sequences(path):
    return [NoteSequence.FromString(record) for record in read_records(path)]


def test_finds_music_files_in_magentas_walk_order(collection):
    files, other = find_music_files(str(collection), recursive=True)
    assert files == ["a.xml", "b.mid", "broken.mxl", "empty.mid", "noise.mid", "truncated.mid", "tunes.abc",
                     "sub/c.midi", "sub/deeper/d.mid"]
    assert other == {".txt": 1}
    files, other = find_music_files(str(collection), recursive=False)
    assert "sub/c.midi" not in files and other["(subdirectory)"] == 1


@pytest.mark.parametrize("num_workers", [0, 2])
def test_converts_the_good_files_and_reports_the_bad_ones(collection, tmp_path, num_workers):
    output = tmp_path / "out" / "notesequences.tfrecord"
    summary = convert_directory(str(collection), str(output), recursive=True, num_workers=num_workers)
    sequences = _sequences(output)
    assert [s.filename for s in sequences] == ["a.xml", "b.mid", "tunes.abc", "tunes.abc", "sub/c.midi",
                                               "sub/deeper/d.mid"]
    assert {s.collection_name for s in sequences} == {"collection"}
    assert len({s.id for s in sequences}) == len(sequences)
    assert sequences[1].id.startswith("/id/midi/collection/") and sequences[0].id.startswith("/id/musicxml/")
    assert summary.files_found == 9 and summary.files_converted == 5 and summary.sequences == 6
    assert summary.notes == sum(len(s.notes) for s in sequences)
    assert summary.skipped["empty file"] == 1
    assert sum(summary.skipped.values()) == 4
    assert summary.written
    table = summary.table()
    assert "empty file" in table and "sequences written    6" in table


def test_worker_processes_and_in_process_give_identical_files(collection, tmp_path):
    convert_directory(str(collection), str(tmp_path / "serial"), recursive=True, num_workers=0)
    convert_directory(str(collection), str(tmp_path / "parallel"), recursive=True, num_workers=2)
    assert (tmp_path / "serial").read_bytes() == (tmp_path / "parallel").read_bytes()


def test_nothing_convertible_writes_nothing(tmp_path):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "x.mid").write_bytes(b"")
    summary = convert_directory(str(tmp_path / "in"), str(tmp_path / "out.tfrecord"), num_workers=0)
    assert not summary.written and not (tmp_path / "out.tfrecord").exists()
    assert os.listdir(tmp_path) == ["in"]


def test_an_interrupted_run_leaves_no_output(collection, tmp_path, monkeypatch):
    calls = []

    def interrupt_on_third_file(*args, **kwargs):
        calls.append(args)
        if len(calls) == 3:
            raise KeyboardInterrupt
        return real_convert_file(*args, **kwargs)

    real_convert_file = convert.convert_file
    monkeypatch.setattr(convert, "convert_file", interrupt_on_third_file)
    output = tmp_path / "out" / "notesequences.tfrecord"
    with pytest.raises(KeyboardInterrupt):
        convert_directory(str(collection), str(output), recursive=True, num_workers=0)
    assert os.listdir(output.parent) == []


def test_a_file_that_hangs_hits_the_time_guard(collection, tmp_path, monkeypatch):
    real_read = convert.read_pieces

    def slow_for_b(path):
        if path.endswith("b.mid"):
            while True:
                time.sleep(0.01)
        return real_read(path)

    monkeypatch.setattr(convert, "read_pieces", slow_for_b)
    summary = convert_directory(str(collection), str(tmp_path / "o"), num_workers=0,
                                guards=Guards(seconds_per_file=0.3))
    assert summary.skipped["took longer than the 0.3 s time guard"] == 1
    assert summary.files_converted == 2  # a.xml and tunes.abc


def test_a_reader_that_eats_memory_hits_the_memory_guard(tmp_path):
    (tmp_path / "ok.mid").write_bytes(GOOD_MIDI)
    with open("/proc/self/status") as status:
        virtual_kib = next(int(line.split()[1]) for line in status if line.startswith("VmSize:"))
    limit = virtual_kib * 1024 + 256 * 2**20
    with multiprocessing.get_context("fork").Pool(1, convert._init_worker, (limit,)) as pool:
        assert pool.apply(_convert_with_memory_hog, (str(tmp_path),)) == "exceeded the memory guard"


def _convert_with_memory_hog(input_dir):
    convert.read_pieces = lambda path: [Piece(sequence=bytearray(4 * 2**30))]
    return convert.convert_file(input_dir, "ok.mid", "in").failures[0].reason


def test_oversized_files_hit_the_size_guard(collection, tmp_path):
    files, _ = find_music_files(str(collection), recursive=False)
    large = [f for f in files if os.path.getsize(collection / f) > 100]
    assert 0 < len(large) < len(files)
    summary = convert_directory(str(collection), str(tmp_path / "o"), num_workers=0,
                                guards=Guards(max_file_bytes=100))
    assert summary.skipped["larger than the 100 bytes size guard"] == len(large)


def _cli(*args):
    return subprocess.run([sys.executable, "-m", "symphonia.cli.convert_dir_to_note_sequences", *args],
                          capture_output=True, text=True)


def test_cli_prints_a_summary_and_succeeds_when_something_converted(collection, tmp_path):
    result = _cli(f"--input_dir={collection}", f"--output_file={tmp_path}/ns.tfrecord", "--recursive",
                  "--num_workers=2")
    assert result.returncode == 0, result.stderr
    assert "files converted      5" in result.stdout
    assert "noise.mid" in result.stderr  # each skipped file is named in the log
    assert len(_sequences(tmp_path / "ns.tfrecord")) == 6


@pytest.mark.parametrize("setup, message", [("missing", "does not exist"), ("empty", "could be converted")])
def test_cli_fails_in_one_line_when_nothing_can_be_converted(tmp_path, setup, message):
    if setup == "empty":
        (tmp_path / "in").mkdir()
        (tmp_path / "in" / "x.mid").write_bytes(b"MThd")
    result = _cli(f"--input_dir={tmp_path}/in", f"--output_file={tmp_path}/ns.tfrecord")
    assert result.returncode == 1
    assert message in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "ns.tfrecord").exists()
