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
    stamp = _stamp(when)
    digits = len(str(num_outputs))
    return [f"{stamp}_{str(index).zfill(digits)}.mid" for index in range(1, num_outputs + 1)]


def numbered_output_names(prefix, num_outputs, when=None):
    """MusicVAE's names: ``<prefix>_<YYYY-MM-DD_HHMMSS>-NNN-of-MMM.mid``, ``NNN`` counting from 000."""
    stamp = _stamp(when)
    return [f"{prefix}_{stamp}-{index:03d}-of-{num_outputs:03d}.mid" for index in range(num_outputs)]


def _stamp(when):
    return time.strftime("%Y-%m-%d_%H%M%S", time.localtime() if when is None else when)


def midi_bytes(sequence):
    """The standard MIDI file note-seq writes for a NoteSequence."""
    buffer = io.BytesIO()
    import_note_seq_module("midi_io").note_sequence_to_pretty_midi(sequence).write(buffer)
    return buffer.getvalue()


def write_midi_files(sequences, output_dir, when=None, names=None):
    """Writes each NoteSequence to ``output_dir`` (created if needed); returns the paths.

    The files get Magenta's events-RNN names (:func:`output_names`) unless
    ``names`` (one per sequence) says otherwise: MusicVAE names its own.
    """
    os.makedirs(output_dir, exist_ok=True)
    names = output_names(len(sequences), when) if names is None else names
    if len(names) != len(sequences):
        raise ValueError(f"{len(sequences)} sequences but {len(names)} file names")
    paths = [os.path.join(output_dir, name) for name in names]
    for sequence, path in zip(sequences, paths):
        write_bytes_atomically(path, midi_bytes(sequence))
    return paths
