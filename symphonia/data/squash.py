"""Fitting a melody into a model's pitch range, as Magenta's ``Melody.squash`` does.

A melody model only knows the pitches of ``[min_note, max_note)``, so before
encoding, a melody is transposed (optionally into one key, so the model sees
every tune in C major) and centred on that range, then any note still outside
is folded in by octaves. Magenta's configs: basic_rnn, lookback_rnn and
attention_rnn use ``min_note=48, max_note=84, transpose_to_key=0``; mono_rnn
uses ``0, 128, None`` (folding only, which never moves a MIDI pitch).
"""

import numpy as np

from symphonia.codecs.melody import PITCH_CLASS_KEYS
from symphonia.data.melodies import NOTES_PER_OCTAVE

DEFAULT_MIN_NOTE = 48
DEFAULT_MAX_NOTE = 84
DEFAULT_KEY = 0
MAX_MIDI_PITCH = 127


def squash_melody(events, min_note=DEFAULT_MIN_NOTE, max_note=DEFAULT_MAX_NOTE, transpose_to_key=DEFAULT_KEY):
    """The melody moved into ``[min_note, max_note)``, and the transposition applied.

    With a key, the melody's major key is the one holding the most of its notes
    (the lowest key on ties); the shift takes it to ``transpose_to_key`` and then
    by whole octaves so the middle of its pitch span lands nearest the middle of
    the range (Python's ``round``: halves go to the even octave). Notes left
    outside the range are then folded in by octaves; the returned amount does
    not include that folding.

    Returns
    -------
    (numpy.ndarray, int)
        New int64 events (the input is not changed) and the transposition in semitones.
    """
    events = np.array(events, dtype=np.int64)
    notes = events >= 0
    if transpose_to_key is None:
        amount = 0
    else:
        midi = events[notes & (events <= MAX_MIDI_PITCH)]
        if not midi.size:
            return events, 0
        pitch_classes = np.bincount(events[notes] % NOTES_PER_OCTAVE, minlength=NOTES_PER_OCTAVE)
        key_shift = transpose_to_key - int(np.argmax(pitch_classes @ PITCH_CLASS_KEYS))
        centre = (int(midi.min()) + int(midi.max())) / 2
        target = (min_note + max_note - 1) / 2
        amount = key_shift + NOTES_PER_OCTAVE * int(round((target - (centre + key_shift)) / NOTES_PER_OCTAVE))
    pitch = events[notes] + amount
    events[notes] = np.select(
        [pitch < min_note, pitch >= max_note],
        [min_note + (pitch - min_note) % NOTES_PER_OCTAVE,
         max_note - NOTES_PER_OCTAVE + (pitch - max_note) % NOTES_PER_OCTAVE],
        pitch)
    return events, amount
