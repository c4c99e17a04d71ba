"""A NoteSequence's notes as numpy columns, the form every extraction stage works on.

Reading a protobuf field costs a Python call per note and per field. Doing it
once per sequence, into arrays, lets splitting, quantizing, transposing and
extracting run as whole-array operations over corpora of hundreds of thousands
of notes. Notes keep the order they have in the proto, because some of
Magenta's results depend on it (which time signature wins, which of two
overlapping piano-roll notes is written last).
"""

import dataclasses
from typing import NamedTuple

import numpy as np

# MusicXML parts name their MIDI channel (1-based) and note-seq's MusicXML reader
# stores it as the note's `instrument`; channel 10 is General MIDI's drum kit.
MUSICXML_DRUM_CHANNEL = 10

_ROW = np.dtype([("pitch", np.int64), ("velocity", np.int64), ("instrument", np.int64),
                 ("program", np.int64), ("is_drum", np.bool_), ("start", np.float64),
                 ("end", np.float64)])


class TimeSignature(NamedTuple):
    time: float
    numerator: int
    denominator: int


class Tempo(NamedTuple):
    time: float
    qpm: float


@dataclasses.dataclass(frozen=True)
class NoteColumns:
    """One array per note attribute, all of the same length.

    ``start`` and ``end`` are seconds (float64) before quantization and steps
    (int64) after it. ``is_drum`` is the effective drum flag (see
    :func:`drum_flags`).
    """

    pitch: np.ndarray
    velocity: np.ndarray
    instrument: np.ndarray
    program: np.ndarray
    is_drum: np.ndarray
    start: np.ndarray
    end: np.ndarray

    def __len__(self):
        return len(self.pitch)

    def take(self, index):
        """The notes selected by an index array or boolean mask, in that order."""
        return NoteColumns(**{name: column[index] for name, column in vars(self).items()})

    def replace(self, **columns):
        """A copy with some columns swapped (cheaper than ``dataclasses.replace``)."""
        return NoteColumns(**{**vars(self), **columns})


@dataclasses.dataclass(frozen=True)
class TimedSequence:
    """An unquantized sequence: notes, timing events in proto order, total time."""

    notes: NoteColumns
    time_signatures: tuple[TimeSignature, ...]
    tempos: tuple[Tempo, ...]
    total_time: float

    @classmethod
    def from_proto(cls, sequence):
        """Reads a ``NoteSequence`` (note-seq's message) into columns."""
        rows = np.array([(n.pitch, n.velocity, n.instrument, n.program, n.is_drum, n.start_time, n.end_time)
                         for n in sequence.notes], dtype=_ROW)
        notes = NoteColumns(*(rows[name] for name in _ROW.names))
        notes = notes.replace(is_drum=drum_flags(sequence, notes))
        return cls(notes,
                   tuple(TimeSignature(t.time, t.numerator, t.denominator) for t in sequence.time_signatures),
                   tuple(Tempo(t.time, t.qpm) for t in sequence.tempos),
                   sequence.total_time)


def drum_flags(sequence, notes):
    """Which notes are drums: ``is_drum``, or MIDI channel 10 where only the channel is known.

    A NoteSequence has no channel field. From MIDI, note-seq's reader (and ours)
    already sets ``is_drum`` exactly for channel-10 notes. From MusicXML,
    note-seq's reader never sets ``is_drum`` but stores the part's
    ``<midi-channel>`` as ``instrument``, so a part on channel 10 is a drum part
    that Magenta would take for pitched music; here it counts as drums.
    """
    if sequence.source_info.encoding_type != type(sequence).SourceInfo.MUSIC_XML:
        return notes.is_drum
    return notes.is_drum | (notes.instrument == MUSICXML_DRUM_CHANNEL)
