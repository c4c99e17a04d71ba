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


def train_on_progressions(model, num_steps=80, learning_rate=0.02, num_sequences=8, length=24):
    """Trains ``model`` on :func:`chord_progressions` (full batch, Adam); returns the first step's loss."""
    import tensorflow as tf

    from symphonia.models.events_rnn.train import make_optimizer
    from symphonia.models.pianoroll_rnn_nade.configs import get_config

    frames = tf.constant(chord_progressions(num_sequences, length).astype(np.float32))
    optimizer = make_optimizer(get_config("rnn-nade").with_hparams(f"learning_rate={learning_rate}").hparams)

    @tf.function
    def step():
        with tf.GradientTape() as tape:
            log_prob, _ = model.log_prob(frames, training=True)
            loss = -tf.reduce_mean(log_prob)
        optimizer.apply(tape.gradient(loss, model.trainable_variables), model.trainable_variables)
        return loss

    first = float(step())
    for _ in range(num_steps):
        step()
    return first
