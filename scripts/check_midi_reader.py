"""Check symphonia's MIDI reader against note_seq's on real files, and time both.

Usage: python scripts/check_midi_reader.py DIR [DIR...]

Every .mid/.midi file under the given directories is read with
``symphonia.music.midi.midi_to_note_sequence`` and with
``note_seq.midi_io.midi_to_note_sequence``.  The serialized protos must be equal
byte for byte, and a file must be rejected by both readers or by neither; each
mismatch is reported with the file name and the first differing field.  Then
the files, notes and seconds spent by each reader (single-threaded, reading
from memory) are printed with the speed-up.  The seconds are CPU time of this
process, so that other work on a shared machine does not skew the ratio.
Exits with status 1 on any mismatch.
"""

import argparse
import pathlib
import sys
import time

from symphonia.music.errors import MusicReadError
from symphonia.music.midi import midi_to_note_sequence
from symphonia.music.note_seq_modules import import_note_seq_module

midi_io = import_note_seq_module("midi_io")


def _first_difference(ours, theirs, path=""):
    """Dotted path and values of the first field where two messages differ."""
    for field in type(ours).DESCRIPTOR.fields:
        name = f"{path}{field.name}"
        mine, other = getattr(ours, field.name), getattr(theirs, field.name)
        if field.is_repeated:
            if len(mine) != len(other):
                return f"{name}: {len(mine)} entries vs {len(other)}"
            for index, (a, b) in enumerate(zip(mine, other)):
                if a != b:
                    if field.message_type is None:
                        return f"{name}[{index}]: {a!r} vs {b!r}"
                    return _first_difference(a, b, f"{name}[{index}].")
        elif mine != other:
            if field.message_type is None:
                return f"{name}: {mine!r} vs {other!r}"
            return _first_difference(mine, other, f"{name}.")
    return "serializations differ but no field does"


def _read_all(reader, blobs, errors):
    """Run one reader over every file; returns results and CPU seconds taken."""
    results = []
    started = time.process_time()
    for blob in blobs:
        try:
            results.append(reader(blob))
        except errors as error:
            results.append(error)
    return results, time.process_time() - started


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("dirs", nargs="+", type=pathlib.Path)
    args = parser.parse_args(argv)

    paths = sorted(
        path for directory in args.dirs for path in directory.rglob("*")
        if path.suffix.lower() in (".mid", ".midi") and path.is_file()
    )
    blobs = [path.read_bytes() for path in paths]
    ours, our_seconds = _read_all(midi_to_note_sequence, blobs, MusicReadError)
    theirs, their_seconds = _read_all(
        midi_io.midi_to_note_sequence, blobs, midi_io.MIDIConversionError)

    mismatches = 0
    for path, mine, other in zip(paths, ours, theirs):
        if isinstance(mine, Exception) or isinstance(other, Exception):
            if isinstance(mine, Exception) != isinstance(other, Exception):
                mismatches += 1
                print(f"MISMATCH {path}: ours {mine if isinstance(mine, Exception) else 'read'},"
                      f" note_seq {other if isinstance(other, Exception) else 'read'}")
        elif mine.SerializeToString() != other.SerializeToString():
            mismatches += 1
            print(f"MISMATCH {path}: {_first_difference(mine, other)}")

    read = [ns for ns in theirs if not isinstance(ns, Exception)]
    notes = sum(len(ns.notes) for ns in read)
    print(f"files: {len(paths)} ({len(paths) - len(read)} rejected by note_seq), notes: {notes}")
    print(f"note_seq:  {their_seconds:8.3f} s CPU")
    print(f"symphonia: {our_seconds:8.3f} s CPU")
    print(f"speed-up:  {their_seconds / our_seconds:8.1f}x")
    print(f"mismatches: {mismatches}")
    return 1 if mismatches else 0


if __name__ == "__main__":
    sys.exit(main())
