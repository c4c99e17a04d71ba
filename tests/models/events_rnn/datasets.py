"""Tiny synthetic SequenceExample files for training tests."""

import numpy as np

from symphonia.codecs import get_codec
from symphonia.data.sequence_example import dense_sequence_example
from symphonia.tfrecord import AtomicRecordWriter


def write_scales(path, num_sequences=16, seed=0):
    """basic_rnn sequences climbing an 8-note scale from a random note, each note held for a second step.

    Classes alternate between a note-on (2 + note) and the no-event class 0; the
    note two steps back fixes the next one.
    """
    rng = np.random.default_rng(seed)
    with AtomicRecordWriter(path) as writer:
        for _ in range(num_sequences):
            notes = 2 + (rng.integers(0, 8) + np.arange(rng.integers(8, 12))) % 8
            classes = np.stack([notes, np.zeros_like(notes)], 1).reshape(-1)
            writer.write(dense_sequence_example(np.eye(38, dtype=np.float32)[classes[:-1]], classes[1:]))
    return str(path)


def write_beats(path, num_sequences=8):
    """drum_kit sequences of a fixed beat, one drum a step (kick, closed hi-hat, snare, open hi-hat), 16 times."""
    codec = get_codec("drum_kit")
    beat = np.zeros((4, 128), dtype=bool)
    beat[np.arange(4), [36, 42, 38, 46]] = True
    with AtomicRecordWriter(path) as writer:
        for _ in range(num_sequences):
            writer.write(dense_sequence_example(*codec.encode(np.tile(beat, (16, 1)))))
    return str(path)
