"""Tiny synthetic pianoroll data for RNN-NADE tests."""

import numpy as np

from symphonia.data.recipes import get_recipe
from symphonia.tfrecord import AtomicRecordWriter

# C major, F major, G major, A minor triads around middle C, as 88-key offsets (pitch - 21).
CHORDS = [[c - 21 for c in chord] for chord in ([60, 64, 67], [65, 69, 72], [67, 71, 74], [69, 72, 76])]


def chord_progressions(num_sequences=8, length=24, seed=0):
    """Frames ``[N, length, 88]`` cycling through :data:`CHORDS`, one chord a frame, from a random chord.

    After the first frame every frame is fixed by the one before it.
    """
    rng = np.random.default_rng(seed)
    frames = np.zeros((num_sequences, length, 88), dtype=bool)
    for sequence, start in enumerate(rng.integers(0, len(CHORDS), num_sequences)):
        for t in range(length):
            frames[sequence, t, CHORDS[(start + t) % len(CHORDS)]] = True
    return frames


def write_progressions(path, layout="magenta", **kwargs):
    """:func:`chord_progressions` as ``pianoroll_rnn_nade_create_dataset`` writes them."""
    recipe = get_recipe("rnn-nade", layout)
    with AtomicRecordWriter(path) as writer:
        for frames in chord_progressions(**kwargs):
            writer.write(recipe.encode(frames))
    return str(path)
