"""Drum codecs: ``drum_kit`` (9 drum types, 512 classes) and ``one_drum`` (hit or not).

A drum step is a boolean mask over the 128 MIDI pitches that are struck at that
step, so a drum track is a ``[T, 128]`` boolean array.
"""

from collections.abc import Sequence

import numpy as np
from numpy.typing import ArrayLike, NDArray

from symphonia.codecs.base import EventVocabulary, check_labels
from symphonia.codecs.features import pack_bits, unpack_bits
from symphonia.codecs.lookback import LookbackCodec
from symphonia.codecs.onehot import OneHotCodec

NUM_PITCHES = 128

# Magenta's drum types; the first pitch of each is the one written when decoding.
DRUM_TYPE_PITCHES = (
    (36, 35),  # kick
    (38, 27, 28, 31, 32, 33, 34, 37, 39, 40, 56, 65, 66, 75, 85),  # snare
    (42, 44, 54, 68, 69, 70, 71, 73, 78, 80, 22),  # closed hi-hat
    (46, 67, 72, 74, 79, 81, 26),  # open hi-hat
    (45, 29, 41, 43, 61, 64, 84),  # low tom
    (48, 47, 60, 63, 77, 86, 87),  # mid tom
    (50, 30, 62, 76, 83),  # high tom
    (49, 52, 55, 57, 58),  # crash cymbal
    (51, 53, 59, 82),  # ride cymbal
)

# one_drum: a single type holding every pitch, hand clap (39) first so a hit decodes to a clap.
ONE_DRUM_PITCHES = ((39, *(p for p in range(NUM_PITCHES) if p != 39)),)


class DrumVocabulary(EventVocabulary):
    """A drum step as the bit mask of drum types present (bit k = type k).

    Several pitches of one type count once; pitches in no type are ignored, as
    Magenta's default does. The default event is silence (class 0).
    """

    event_shape = (NUM_PITCHES,)
    event_dtype = np.bool_
    default_event = np.zeros(NUM_PITCHES, dtype=bool)

    def __init__(self, drum_type_pitches: Sequence[Sequence[int]] = DRUM_TYPE_PITCHES):
        self.type_of_pitch = np.zeros((NUM_PITCHES, len(drum_type_pitches)), dtype=np.int64)
        for drum_type, pitches in enumerate(drum_type_pitches):
            self.type_of_pitch[list(pitches), drum_type] = 1
        if (self.type_of_pitch.sum(axis=1) > 1).any():
            raise ValueError("a pitch may belong to one drum type only")
        self.decoded_pitches = np.array([pitches[0] for pitches in drum_type_pitches])
        self.num_classes = 2 ** len(drum_type_pitches)

    def to_classes(self, events: NDArray) -> NDArray[np.int64]:
        present = np.asarray(events, dtype=np.int64) @ self.type_of_pitch > 0
        return pack_bits(present)

    def from_classes(self, classes: ArrayLike) -> NDArray[np.bool_]:
        classes = check_labels(classes, self.num_classes)
        events = np.zeros(classes.shape + self.event_shape, dtype=bool)
        events[..., self.decoded_pitches] = unpack_bits(classes, len(self.decoded_pitches)) == 1
        return events


def drum_kit() -> LookbackCodec:
    """Nine drum types (512 classes) plus 6 counter bits, no lookbacks (518 in / 512 classes)."""
    return LookbackCodec("drum_kit", DrumVocabulary(), lookback_distances=(), counter_bits=6)


def one_drum() -> OneHotCodec:
    """Any drum hit versus silence (2 in / 2 classes)."""
    return OneHotCodec("one_drum", DrumVocabulary(ONE_DRUM_PITCHES))
