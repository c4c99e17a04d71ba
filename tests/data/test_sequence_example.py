import numpy as np
import pytest

from symphonia.data.sequence_example import dense_sequence_example, int64_feature_list, sequence_example

tf = pytest.importorskip("tensorflow")


def _tensorflow_message(inputs, labels):
    example = tf.train.SequenceExample()
    for row in inputs:
        example.feature_lists.feature_list["inputs"].feature.add().float_list.value.extend(row)
    for label in np.asarray(labels).reshape(len(labels), -1):
        example.feature_lists.feature_list["labels"].feature.add().int64_list.value.extend(label.tolist())
    return example


@pytest.mark.parametrize("labels", [
    np.array([0, 5, 127, 3]),  # one-byte varints: the vectorised path
    np.array([0, 511, 128, 300]),  # multi-byte varints
    np.array([-1, 2**40, 7, 0]),  # negative and large
    np.array([[0, 1, 1], [1, 0, 0], [0, 0, 0], [1, 1, 1]]),  # a vector per step
])
def test_parses_to_the_message_tensorflow_builds(labels):
    inputs = np.random.default_rng(0).normal(size=(4, 7)).astype(np.float32)
    ours = tf.train.SequenceExample.FromString(dense_sequence_example(inputs, labels))
    assert ours == _tensorflow_message(inputs, labels)
    assert ours.ByteSize() == len(dense_sequence_example(inputs, labels))


def test_magentas_trainer_feature_spec_parses_it():
    rng = np.random.default_rng(1)
    inputs = np.eye(38, dtype=np.float32)[rng.integers(0, 38, size=20)]
    labels = rng.integers(0, 38, size=20)
    _, sequence = tf.io.parse_single_sequence_example(
        dense_sequence_example(inputs, labels),
        sequence_features={"inputs": tf.io.FixedLenSequenceFeature([38], dtype=tf.float32),
                           "labels": tf.io.FixedLenSequenceFeature([], dtype=tf.int64)})
    np.testing.assert_array_equal(sequence["inputs"].numpy(), inputs)
    np.testing.assert_array_equal(sequence["labels"].numpy(), labels)


def test_feature_lists_keep_their_names_and_order():
    record = sequence_example({"b": int64_feature_list([1, 2]), "a": int64_feature_list([3])})
    parsed = tf.train.SequenceExample.FromString(record)
    assert [f.int64_list.value[0] for f in parsed.feature_lists.feature_list["b"].feature] == [1, 2]
    assert [f.int64_list.value[0] for f in parsed.feature_lists.feature_list["a"].feature] == [3]
