"""Quantizing note times to steps per quarter note, exactly as note-seq does.

The results (every note's steps, the one time signature and tempo kept,
``total_quantized_steps``) and the errors are those of note-seq's
``quantize_note_sequence``, including its corners: a time rounds half up
(``int(seconds * steps_per_second + 0.5)``, so it truncates toward zero below
0), a note shorter than half a step still lasts one step, and the signature and
tempo checks compare later events with the *first in the proto*, not the
earliest. Control changes and text annotations are not quantized: nothing
downstream reads them.
"""

import dataclasses

import numpy as np

from symphonia.data.notes import NoteColumns, TimeSignature
from symphonia.data.time_changes import DEFAULT_METER, DEFAULT_QPM


class QuantizationError(Exception):
    """The sequence cannot be put on a single grid of steps."""


class MultipleTimeSignatureError(QuantizationError):
    pass


class MultipleTempoError(QuantizationError):
    pass


class BadTimeSignatureError(QuantizationError):
    """A numerator of 0 or a denominator that is not a power of 2."""


class NegativeTimeError(QuantizationError):
    pass


@dataclasses.dataclass(frozen=True)
class QuantizedSequence:
    """Notes on a grid of ``steps_per_quarter`` steps, one meter and one tempo."""

    notes: NoteColumns
    steps_per_quarter: int
    time_signature: TimeSignature
    qpm: float
    total_steps: int

    @property
    def steps_per_bar(self):
        """Steps in a bar, a float as in note-seq: not whole for e.g. 7/16 at 2 steps per quarter."""
        quarters_per_bar = 4.0 / self.time_signature.denominator * self.time_signature.numerator
        return self.steps_per_quarter * quarters_per_bar

    def replace(self, **fields):
        """A copy with some fields swapped (cheaper than ``dataclasses.replace``)."""
        return QuantizedSequence(**{**vars(self), **fields})


def quantize(sequence, steps_per_quarter):
    """Puts a :class:`~symphonia.data.notes.TimedSequence` on the step grid.

    Raises
    ------
    MultipleTimeSignatureError, MultipleTempoError
        When the meter or tempo changes (an implicit change from 4/4 or 120 qpm
        at time 0 included); split on time changes first.
    BadTimeSignatureError
        When the time signature kept is not usable.
    NegativeTimeError
        When a note starts or ends more than half a step before 0.
    """
    signature = _single_time_signature(sequence.time_signatures)
    qpm = _single_tempo(sequence.tempos)
    steps_per_second = steps_per_quarter * qpm / 60.0
    notes = sequence.notes
    start = _to_steps(notes.start, steps_per_second)
    end = _to_steps(notes.end, steps_per_second)
    end = np.where(end == start, end + 1, end)
    if (start < 0).any() or (end < 0).any():
        raise NegativeTimeError("a note starts or ends before time 0")
    total_steps = int(sequence.total_time * steps_per_second + 0.5)
    if len(end):
        total_steps = max(total_steps, int(end.max()))
    return QuantizedSequence(notes.replace(start=start, end=end), steps_per_quarter, signature, qpm, total_steps)


def _to_steps(seconds, steps_per_second):
    # A cast to int truncates toward zero, as Python's int() does.
    return (seconds * steps_per_second + 0.5).astype(np.int64)


def _single_time_signature(signatures):
    if not signatures:
        return TimeSignature(0.0, *DEFAULT_METER)
    first = signatures[0]
    earliest, *later = sorted(signatures, key=lambda s: s.time)
    if earliest.time != 0 and (earliest.numerator, earliest.denominator) != DEFAULT_METER:
        raise MultipleTimeSignatureError(
            f"implicit change from 4/4 to {earliest.numerator}/{earliest.denominator} at {earliest.time:.2f} s")
    for signature in later:
        if (signature.numerator, signature.denominator) != (first.numerator, first.denominator):
            raise MultipleTimeSignatureError(
                f"change to {signature.numerator}/{signature.denominator} at {signature.time:.2f} s")
    denominator = first.denominator
    if denominator <= 0 or denominator & (denominator - 1):
        raise BadTimeSignatureError(f"denominator {denominator} is not a power of 2")
    if first.numerator == 0:
        raise BadTimeSignatureError("numerator is 0")
    return first._replace(time=0.0)


def _single_tempo(tempos):
    if not tempos:
        return DEFAULT_QPM
    first = tempos[0]
    earliest, *later = sorted(tempos, key=lambda t: t.time)
    if earliest.time != 0 and earliest.qpm != DEFAULT_QPM:
        raise MultipleTempoError(f"implicit change from 120 qpm to {earliest.qpm} qpm at {earliest.time:.2f} s")
    for tempo in later:
        if tempo.qpm != first.qpm:
            raise MultipleTempoError(f"change to {tempo.qpm} qpm at {tempo.time:.2f} s")
    return first.qpm
