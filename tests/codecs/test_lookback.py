"""The lookback machinery on a tiny vocabulary, where every feature can be worked out by hand."""

import numpy as np
import pytest

from symphonia.codecs.drums import DrumVocabulary
from symphonia.codecs.lookback import LookbackCodec, classes_after_lookback, repeat_sources, repeats
from symphonia.codecs.melody import MelodyVocabulary
from tests.codecs.note_seq_types import drum_roll

# Classes: no-event 0, note-off 1, pitch 60 -> 2, pitch 61 -> 3; repeat classes 4 (d=2) and 5 (d=3).
TINY = MelodyVocabulary(60, 62)
EVENTS = [60, 61, 60, 60, 61, 60, -2]


@pytest.fixture
def codec():
    return LookbackCodec("tiny", TINY, lookback_distances=(2, 3), counter_bits=3)


def test_sizes(codec):
    assert (codec.input_size, codec.num_classes, codec.index_size) == (4 + 2 * 4 + 3 + 2, 6, 6)


def test_repeats_compare_with_the_event_distance_steps_back():
    np.testing.assert_array_equal(repeats(np.array(EVENTS), 2), [0, 0, 1, 0, 0, 1, 0])
    np.testing.assert_array_equal(repeats(np.array(EVENTS), 9), [0] * 7)


def test_classes_after_lookback_shift_by_distance_minus_one():
    classes = np.array([2, 3, 2])
    np.testing.assert_array_equal(classes_after_lookback(classes, 1, 0), [2, 3, 2])
    np.testing.assert_array_equal(classes_after_lookback(classes, 2, 0), [0, 2, 3])
    np.testing.assert_array_equal(classes_after_lookback(classes, 5, 0), [0, 0, 0])


def test_input_layout_by_hand(codec):
    inputs, _ = codec.encode(EVENTS)
    expected = np.zeros(17, np.float32)
    expected[[2, 4 + 2, 8 + 3]] = 1  # current 60; next after a 2-step repeat: event 2 (60); after 3: event 1 (61)
    expected[12:15] = [-1, -1, 1]  # n = 4
    expected[16] = 1  # event 3 equals event 0, not event 1
    np.testing.assert_array_equal(inputs[3], expected)
    first = np.zeros(17, np.float32)
    first[[2, 4 + 0, 8 + 0]] = 1  # lookbacks before the start read the default class
    first[12:15] = [1, -1, -1]
    np.testing.assert_array_equal(inputs[0], first)


def test_labels_prefer_the_last_distance(codec):
    np.testing.assert_array_equal(codec.labels(EVENTS), [3, 4, 5, 5, 5, 0])


def test_early_default_event_gets_the_last_repeat_class(codec):
    # Position 2 repeats position 0 (d=2) but is before distance 3: the special rule wins.
    np.testing.assert_array_equal(codec.labels([-2, 60, -2, -2]), [2, 5, 5])


def test_without_distances_labels_are_plain_classes():
    codec = LookbackCodec("plain", TINY, lookback_distances=(), counter_bits=2)
    assert (codec.input_size, codec.num_classes, codec.index_size) == (6, 4, 2)
    np.testing.assert_array_equal(codec.labels([-2, -2, 60, 60]), [0, 2, 2])


def test_decode_follows_repeats_through_repeats(codec):
    np.testing.assert_array_equal(codec.decode([[4, 5, 4]], [[60, 61]]), [[60, 60, 60]])
    np.testing.assert_array_equal(codec.decode([[5, 2, 4]]), [[-2, 60, -2]])


def test_repeat_sources_resolve_long_chains_per_sequence():
    labels = np.full((2, 40), 4)
    sources = repeat_sources(labels, 1, 4, (1,))
    np.testing.assert_array_equal(sources, np.zeros((2, 40)))
    codec = LookbackCodec("prev", TINY, lookback_distances=(1,), counter_bits=1)
    np.testing.assert_array_equal(codec.decode(labels, [[61], [-1]]), [[61] * 40, [-1] * 40])


def test_decode_refuses_unknown_labels(codec):
    with pytest.raises(ValueError):
        codec.decode([[6]])


def test_distances_must_reach_back():
    with pytest.raises(ValueError):
        LookbackCodec("bad", TINY, lookback_distances=(0,))


def test_repeats_compare_whole_events_not_classes():
    """Magenta compares drum sets, so a kick on 35 does not repeat a kick on 36."""
    codec = LookbackCodec("drums", DrumVocabulary(), lookback_distances=(1,), counter_bits=1)
    roll = drum_roll([{36}, {35}, {35, 42}, {35}, {35}])
    np.testing.assert_array_equal(codec.encode_indices(roll)[:, -1], [0, 0, 0, 0, 1])
    np.testing.assert_array_equal(codec.labels(roll), [1, 5, 1, 512])
