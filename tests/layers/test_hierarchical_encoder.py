import keras
import numpy as np
import tensorflow as tf

from symphonia.layers.hierarchical_encoder import HierarchicalLstmEncoder


def test_each_segment_is_encoded_alone_then_the_segment_encodings_in_order():
    keras.utils.set_random_seed(0)
    encoder = HierarchicalLstmEncoder(3, [4], num_segments=3)
    encoder.build()
    inputs = np.random.default_rng(0).normal(size=(2, 6, 3)).astype(np.float32)
    encoding = encoder(tf.constant(inputs), tf.constant([6, 6])).numpy()
    assert encoding.shape == (2, 8) and encoder.output_size == 8
    segments = [encoder.segment_encoder(tf.constant(inputs[:, 2 * k:2 * k + 2]), tf.constant([2, 2]))
                for k in range(3)]
    expected = encoder.sequence_encoder(tf.stack(segments, axis=1), tf.constant([3, 3]))
    np.testing.assert_allclose(encoding, expected.numpy(), rtol=1e-5, atol=1e-6)
    assert {weight.path.split("/")[1] for weight in encoder.weights} == {"hierarchical_level_0",
                                                                         "hierarchical_level_1"}
