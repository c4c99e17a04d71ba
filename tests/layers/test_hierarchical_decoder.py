import keras
import numpy as np
import pytest
import tensorflow as tf

from symphonia.layers.hierarchical_decoder import HierarchicalLstmDecoder

SEGMENTS, SEGMENT_LENGTH = 4, 3


def make_decoder(depth):
    keras.utils.set_random_seed(3)
    decoder = HierarchicalLstmDecoder(depth, 5, [6, 4], SEGMENTS)
    decoder.build()
    return decoder


def random_labels(depths, batch, seed):
    rng = np.random.default_rng(seed)
    columns = [rng.integers(0, depth, (batch, SEGMENTS * SEGMENT_LENGTH)) for depth in depths]
    return tf.constant(np.stack(columns, axis=-1) if len(depths) > 1 else columns[0], tf.int32)


def test_the_conductor_gives_one_embedding_per_segment_and_each_drives_only_its_segment():
    decoder = make_decoder(7)
    z = tf.constant(np.random.default_rng(0).normal(size=(2, 5)), tf.float32)
    embeddings = decoder.embeddings(z)
    assert embeddings.shape == (2, SEGMENTS, 4)
    assert not np.allclose(embeddings[:, 0], embeddings[:, 1])
    labels, seed = random_labels([7], 2, 1), tf.constant([0, 0])
    logits = decoder.reconstruct_from_embeddings(labels, embeddings, 0.0, seed).numpy()
    np.testing.assert_allclose(logits, decoder.reconstruct(labels, z, 0.0, seed).numpy(), rtol=1e-6)
    for segment in range(SEGMENTS):
        changed = embeddings.numpy().copy()
        changed[:, segment] += 0.5
        moved = decoder.reconstruct_from_embeddings(labels, tf.constant(changed), 0.0, seed).numpy()
        differs = np.abs(moved - logits).max(axis=(0, 2)) > 1e-6  # per step
        steps = np.arange(SEGMENTS * SEGMENT_LENGTH) // SEGMENT_LENGTH
        np.testing.assert_array_equal(differs, steps == segment)


@pytest.mark.parametrize("depth", [7, (5, 3, 4)])
def test_greedy_samples_are_the_argmax_of_teacher_forcing_on_themselves(depth):
    # Holds only if sampling feeds each segment's first step the segment before's last class, as training does.
    decoder = make_decoder(depth)
    z = tf.constant(np.random.default_rng(2).normal(size=(3, 5)) * 3, tf.float32)
    samples = decoder.sample(z, SEGMENTS * SEGMENT_LENGTH, 0.0, tf.constant([1, 2]))
    logits = decoder.reconstruct(samples, z, 0.0, tf.constant([5, 5]))
    parts = logits if isinstance(depth, tuple) else [logits]
    greedy = np.stack([np.argmax(part.numpy(), axis=-1) for part in parts], axis=-1)
    np.testing.assert_array_equal(greedy, samples.numpy().reshape(greedy.shape))
    assert np.all(decoder.step_accuracy(logits, samples).numpy() == 1.0)


def test_parts_have_their_own_core_decoders_and_their_losses_add_up():
    decoder = make_decoder((5, 3, 4))
    assert {weight.path.split("/")[1] for weight in decoder.weights} == {
        "conductor_initial_state", "conductor_lstm_0", "conductor_lstm_1", "core_decoder_0", "core_decoder_1",
        "core_decoder_2"}
    z = tf.constant(np.random.default_rng(4).normal(size=(2, 5)), tf.float32)
    labels = random_labels((5, 3, 4), 2, 5)
    logits = decoder.reconstruct(labels, z, 0.0, tf.constant([0, 1]))
    assert [part.shape for part in logits] == [(2, 12, 5), (2, 12, 3), (2, 12, 4)]
    separate = sum(core.step_losses(part, labels[..., i])
                   for i, (core, part) in enumerate(zip(decoder.core_decoders, logits)))
    np.testing.assert_allclose(decoder.step_losses(logits, labels), separate, rtol=1e-6)
    with pytest.raises(ValueError, match="must be a multiple of the 4 segments"):
        decoder.sample(z, 10, 1.0, tf.constant([0, 0]))
