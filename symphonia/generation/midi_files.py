"""Writing generated NoteSequences as MIDI files named as Magenta names them.

Magenta's generate scripts write ``<YYYY-MM-DD_HHMMSS>_<i>.mid``, ``i``
counting from 1 and zero-padded to the width of the number of outputs
(``..._01.mid`` to ``..._10.mid``). Each file is written to a temporary name
and renamed into place, so an interrupted run never leaves a truncated file.
"""

import io
import os
import time

from symphonia.atomic import write_bytes_atomically
from symphonia.music.note_seq_modules import import_note_seq_module


def output_names(num_outputs, when=None):
    """The file names of ``num_outputs`` outputs generated at ``when`` (a ``time.struct_time``; default now)."""
    stamp = time.strftime("%Y-%m-%d_%H%M%S", time.localtime() if when is None else when)
    digits = len(str(num_outputs))
    return [f"{stamp}_{str(index).zfill(digits)}.mid" for index in range(1, num_outputs + 1)]


def midi_bytes(sequence):
    """The standard MIDI file note-seq writes for a NoteSequence."""
    buffer = io.BytesIO()
    import_note_seq_module("midi_io").note_sequence_to_pretty_midi(sequence).write(buffer)
    return buffer.getvalue()


def write_midi_files(sequences, output_dir, when=None):
    """Writes each NoteSequence to ``output_dir`` (created if needed) under Magenta's names; returns the paths."""
    os.makedirs(output_dir, exist_ok=True)
    paths = [os.path.join(output_dir, name) for name in output_names(len(sequences), when)]
    for sequence, path in zip(sequences, paths):
        write_bytes_atomically(path, midi_bytes(sequence))
    return paths
