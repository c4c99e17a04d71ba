"""Melody codecs against the spec's numbers, by hand, and against note-seq's own encoders."""

import numpy as np
import pytest
from hypothesis import given, settings
from note_seq import encoder_decoder, melody_encoder_decoder

from symphonia.codecs import get_codec
from symphonia.codecs.melody import NO_EVENT, NOTE_OFF, KeyMelodyCodec, MelodyVocabulary
from tests.codecs import note_seq_types, strategies

# Spec section 9 / 3.2: input size, classes, default label.
SPEC_SIZES = {
    "basic_rnn": (38, 38, 0),
    "mono_rnn": (130, 130, 0),
    "lookback_rnn": (121, 40, 0),
    "attention_rnn": (74, 40, 36),
}
PITCH_RANGES = {"basic_rnn": (48, 84), "mono_rnn": (0, 128), "lookback_rnn": (48, 84), "attention_rnn": (48, 84)}


def reference(name):
    """note-seq's encoder/decoder for a melody config."""
    if name == "attention_rnn":
        return melody_encoder_decoder.KeyMelodyEncoderDecoder(48, 84)
    encoding = melody_encoder_decoder.MelodyOneHotEncoding(*PITCH_RANGES[name])
    if name == "lookback_rnn":
        return encoder_decoder.LookbackEventSequenceEncoderDecoder(encoding)
    return encoder_decoder.OneHotEventSequenceEncoderDecoder(encoding)


def assert_encodes_like_note_seq(name, events):
    codec, ref = get_codec(name), reference(name)
    melody = note_seq_types.melody(events)
    inputs, labels = codec.encode(note_seq_types.melody_events(melody))
    ref_inputs, ref_labels = ref.encode(melody)
    np.testing.assert_array_equal(inputs, np.array(ref_inputs, np.float32).reshape(-1, ref.input_size))
    np.testing.assert_array_equal(labels, ref_labels)
    assert inputs.dtype == np.float32 and labels.dtype == np.int64


def assert_decodes_like_note_seq(name, events):
    """Every class, decoded after the melody, gives note-seq's event."""
    codec, ref = get_codec(name), reference(name)
    melody = note_seq_types.melody(events)
    history = note_seq_types.melody_events(melody)
    ours = [int(codec.class_index_to_event(label, history)) for label in range(codec.num_classes)]
    assert ours == [ref.class_index_to_event(label, melody) for label in range(codec.num_classes)]


@pytest.mark.parametrize("name", SPEC_SIZES)
def test_sizes_match_spec_and_note_seq(name):
    codec, ref = get_codec(name), reference(name)
    sizes = (codec.input_size, codec.num_classes, codec.default_event_label)
    assert sizes == SPEC_SIZES[name] == (ref.input_size, ref.num_classes, ref.default_event_label)


@settings(max_examples=40, deadline=None)
@given(events=strategies.melodies())
def test_basic_rnn_encodes_like_note_seq(events):
    assert_encodes_like_note_seq("basic_rnn", events)


@settings(max_examples=25, deadline=None)
@given(events=strategies.melodies(0, 128, max_size=30))
def test_mono_rnn_encodes_like_note_seq(events):
    assert_encodes_like_note_seq("mono_rnn", events)


@settings(max_examples=60, deadline=None)
@given(events=strategies.melodies())
def test_lookback_rnn_encodes_like_note_seq(events):
    assert_encodes_like_note_seq("lookback_rnn", events)


@settings(max_examples=60, deadline=None)
@given(events=strategies.melodies(max_size=70))
def test_attention_rnn_encodes_like_note_seq(events):
    assert_encodes_like_note_seq("attention_rnn", events)


@pytest.mark.parametrize("name", ["lookback_rnn", "attention_rnn"])
@settings(max_examples=15, deadline=None)
@given(events=strategies.melodies(max_size=40))
def test_repeat_classes_decode_like_note_seq(name, events):
    assert_decodes_like_note_seq(name, events)


@pytest.mark.parametrize("name", SPEC_SIZES)
@settings(max_examples=15, deadline=None)
@given(events=strategies.melodies(48, 84, max_size=70, min_size=1))
def test_labels_decode_back_to_the_melody(name, events):
    codec = get_codec(name)
    events = np.array(events)
    decoded = codec.decode(codec.labels(events)[None], events[None, :1])
    np.testing.assert_array_equal(decoded[0], events[1:])


def test_basic_rnn_classes():
    vocabulary = MelodyVocabulary(48, 84)
    np.testing.assert_array_equal(vocabulary.to_classes(np.array([NO_EVENT, NOTE_OFF, 48, 83])), [0, 1, 2, 37])
    np.testing.assert_array_equal(vocabulary.from_classes([0, 1, 2, 37]), [NO_EVENT, NOTE_OFF, 48, 83])


@pytest.mark.parametrize("name", SPEC_SIZES)
@pytest.mark.parametrize("pitch", [47, 84])
def test_pitches_outside_the_range_are_refused(name, pitch):
    if name == "mono_rnn":
        pitch = 128
    with pytest.raises(ValueError):
        get_codec(name).encode([60, pitch])


def test_mono_rnn_covers_pitch_zero_to_127():
    inputs, labels = get_codec("mono_rnn").encode([0, 127, NOTE_OFF])
    assert inputs[0, 2] == 1 and inputs[1, 129] == 1
    np.testing.assert_array_equal(labels, [129, 1])


def test_attention_rnn_state_features_by_hand():
    inputs = get_codec("attention_rnn").inputs([60, NOTE_OFF, 64, NO_EVENT, 62, 62])
    sounding = [np.flatnonzero(row[:36]).tolist() for row in inputs]
    assert sounding == [[12], [], [16], [16], [14], [14]]
    np.testing.assert_array_equal(inputs[:, 36], [1, 0, 1, 1, 1, 1])  # a note sounds
    np.testing.assert_array_equal(inputs[:, 37], [0, 1, 0, 0, 0, 0])  # silence
    np.testing.assert_array_equal(inputs[:, 38], [1, 1, 1, 0, 1, 1])  # attack survives a note-off (Magenta quirk)
    np.testing.assert_array_equal(inputs[:, 39], [0, 0, 1, 1, -1, -1])  # a repeated pitch keeps the direction
    c_f_g_major = np.zeros(12)
    c_f_g_major[[0, 5, 7]] = 1  # the only major keys holding C, D and E
    np.testing.assert_array_equal(inputs[4, 50:62], c_f_g_major)
    np.testing.assert_array_equal(inputs[4, 62:74], c_f_g_major)


def test_pitch_zero_sounds_in_a_full_range_key_melody():
    """Deliberately unlike Magenta, which tests the pitch's truthiness and calls pitch 0 silence."""
    inputs = KeyMelodyCodec("full", 0, 128).inputs([0])
    assert inputs[0, 0] == 1 and inputs[0, 128] == 1 and inputs[0, 129] == 0


def test_attention_rnn_bar_flag_and_counters():
    inputs = get_codec("attention_rnn").inputs([NO_EVENT] * 33)
    np.testing.assert_array_equal(np.flatnonzero(inputs[:, 49]), [15, 31])
    np.testing.assert_array_equal(inputs[15, 42:49], [-1, -1, -1, -1, 1, -1, -1])  # n = 16
    assert inputs[0, 50:74].all()  # no notes yet: every key ties


def test_attention_rnn_labels():
    labels = get_codec("attention_rnn").labels([60, 48, 83, NOTE_OFF, NO_EVENT] + [NO_EVENT] * 28 + [50])
    np.testing.assert_array_equal(labels[:3], [0, 35, 37])
    assert labels[3] == 39  # no-event before step 32: the two-bar repeat class
    assert labels[32] == 2  # pitch 50, no repeat
    assert labels[31] == 38  # step 32 repeats step 16 (both no-events), not step 0
