"""Check symphonia's MusicXML reader against note_seq's on real files, and time both.

Usage: python scripts/check_musicxml_reader.py DIR [DIR...]

Every .xml/.mxl/.musicxml file under the given directories is read with
``symphonia.music.musicxml.musicxml_file_to_note_sequence`` and with
``note_seq.musicxml_reader.musicxml_file_to_sequence_proto``.  The serialized
protos must be equal byte for byte, and a file must be rejected by both
readers or by neither; each mismatch is reported with the file name and the
first differing field.  Then the files, notes and seconds spent by each reader
(single-threaded, from a warm file cache) are printed with the speed-up.  The
seconds are CPU time of this process, so that other work on a shared machine
does not skew the ratio.  Exits with status 1 on any mismatch.
"""

import argparse
import pathlib
import sys
import time

from symphonia.music.errors import MusicReadError
from symphonia.music.musicxml import musicxml_file_to_note_sequence
from symphonia.music.note_seq_modules import import_note_seq_module

musicxml_reader = import_note_seq_module("musicxml_reader")

SUFFIXES = (".xml", ".mxl", ".musicxml")


def _first_difference(ours, theirs, path=""):
    """Dotted path and values of the first field where two messages differ."""
    for field in type(ours).DESCRIPTOR.fields:
        name = f"{path}{field.name}"
        mine, other = getattr(ours, field.name), getattr(theirs, field.name)
        if field.is_repeated:
            for index, (a, b) in enumerate(zip(mine, other)):
                if a != b:
                    if field.message_type is None:
                        return f"{name}[{index}]: {a!r} vs {b!r}"
                    return _first_difference(a, b, f"{name}[{index}].")
            if len(mine) != len(other):
                return f"{name}: {len(mine)} entries vs {len(other)}"
        elif mine != other:
            if field.message_type is None:
                return f"{name}: {mine!r} vs {other!r}"
            return _first_difference(mine, other, f"{name}.")
    return "serializations differ but no field does"


def _read_all(reader, paths):
    """Run one reader over every file; returns results (or exceptions) and CPU seconds."""
    results = []
    started = time.process_time()
    for path in paths:
        try:
            results.append(reader(path))
        except Exception as error:  # noqa: BLE001 -- note_seq fails on bad scores with all kinds of errors
            results.append(error)
    return results, time.process_time() - started


def _compare(paths, ours, theirs):
    """Prints each mismatch; returns how many files differ and how many both rejected."""
    mismatches = both_rejected = 0
    for path, mine, other in zip(paths, ours, theirs):
        if isinstance(mine, Exception) or isinstance(other, Exception):
            if isinstance(mine, MusicReadError) and isinstance(other, Exception):
                both_rejected += 1
            else:
                mismatches += 1
                ours_said = f"{type(mine).__name__}: {mine}" if isinstance(mine, Exception) else "read"
                theirs_said = f"{type(other).__name__}: {other}" if isinstance(other, Exception) else "read"
                print(f"MISMATCH {path}: ours {ours_said}; note_seq {theirs_said}")
        elif mine.SerializeToString() != other.SerializeToString():
            mismatches += 1
            print(f"MISMATCH {path}: {_first_difference(mine, other)}")
    return mismatches, both_rejected


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("dirs", nargs="+", type=pathlib.Path)
    args = parser.parse_args(argv)

    paths = sorted(
        str(path) for directory in args.dirs for path in directory.rglob("*")
        if path.suffix.lower() in SUFFIXES and path.is_file()
    )
    for path in paths:  # warm the file cache for both readers alike
        pathlib.Path(path).read_bytes()
    theirs, their_seconds = _read_all(musicxml_reader.musicxml_file_to_sequence_proto, paths)
    ours, our_seconds = _read_all(musicxml_file_to_note_sequence, paths)
    mismatches, both_rejected = _compare(paths, ours, theirs)

    notes = sum(len(sequence.notes) for sequence in theirs if not isinstance(sequence, Exception))
    print(f"files: {len(paths)} ({len(paths) - both_rejected - mismatches} identical,"
          f" {both_rejected} rejected by both, {mismatches} mismatches), notes: {notes}")
    print(f"note_seq:  {their_seconds:8.3f} s CPU")
    print(f"symphonia: {our_seconds:8.3f} s CPU")
    print(f"speed-up:  {their_seconds / our_seconds:8.1f}x")
    return 1 if mismatches else 0


if __name__ == "__main__":
    sys.exit(main())
