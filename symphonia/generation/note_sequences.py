"""NoteSequences in and out of generation: reading a primer's tempo and steps, writing results.

Every generator quantizes its primer at the model's steps per quarter (a
primer whose tempo or meter changes cannot be, and is a
:class:`~symphonia.generation.primers.PrimerError`) and writes its results
as Magenta's ``to_sequence`` methods do: one tempo, 220 ticks per quarter,
velocity 100, times in seconds at the primer's tempo.
"""

import numpy as np

from symphonia.data.notes import TimedSequence
from symphonia.data.quantize import QuantizationError, quantize
from symphonia.generation.primers import PrimerError
from symphonia.music.proto import NoteSequence

DEFAULT_QPM = 120.0
TICKS_PER_QUARTER = 220  # note-seq's STANDARD_PPQ


def tempo_of(sequence):
    """The primer's first tempo (qpm), or 120 if it has none."""
    if sequence.tempos and sequence.tempos[0].qpm > 0:
        return sequence.tempos[0].qpm
    return DEFAULT_QPM


def seconds_per_step(qpm, steps_per_quarter):
    return 60.0 / qpm / steps_per_quarter


def quantize_primer(sequence, steps_per_quarter):
    """The primer on the model's grid (a :class:`~symphonia.data.quantize.QuantizedSequence`)."""
    try:
        return quantize(TimedSequence.from_proto(sequence), steps_per_quarter)
    except QuantizationError as error:
        raise PrimerError(f"the primer cannot be put on a grid of steps ({error}); give a primer with one "
                          f"tempo and one time signature") from None


def last_note_end(quantized):
    """The step at which the primer's last note ends (0 without notes)."""
    return int(quantized.notes.end.max()) if len(quantized.notes) else 0


def sequence_from_notes(pitches, start_steps, end_steps, qpm, steps_per_quarter, *, total_steps=None,
                        is_drum=False, instrument=0, program=0, velocity=100, base=None):
    """A NoteSequence of quantized notes at ``qpm``, on a copy of ``base`` when given.

    ``total_time`` is ``total_steps`` when given, else the end of the last note
    (Magenta's melodies and drum tracks do the latter, its polyphonic sequences
    the former); with ``base`` it never shrinks below the base's.
    """
    step_seconds = seconds_per_step(qpm, steps_per_quarter)
    sequence = NoteSequence()
    if base is not None:
        sequence.CopyFrom(base)
    else:
        sequence.tempos.add().qpm = qpm
        sequence.ticks_per_quarter = TICKS_PER_QUARTER
    for pitch, start, end in zip(np.asarray(pitches).tolist(), np.asarray(start_steps).tolist(),
                                 np.asarray(end_steps).tolist()):
        sequence.notes.add(pitch=pitch, start_time=start * step_seconds, end_time=end * step_seconds,
                           velocity=velocity, instrument=instrument, program=program, is_drum=is_drum)
    if total_steps is not None:
        total_time = total_steps * step_seconds
    else:
        total_time = int(np.max(end_steps)) * step_seconds if len(end_steps) else 0.0
    sequence.total_time = max(total_time, sequence.total_time)
    return sequence


def chord_sequence(pitches, qpm):
    """``--primer_pitches``: the pitches as one chord lasting a quarter note, at ``qpm``."""
    pitches = np.asarray(pitches, dtype=np.int64)
    return sequence_from_notes(pitches, np.zeros_like(pitches), np.ones_like(pitches), qpm, steps_per_quarter=1)
