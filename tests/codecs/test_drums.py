"""Drum codecs against the spec's drum map and bit layout, and against note-seq's encoders."""

import numpy as np
import pytest
from hypothesis import given, settings
from note_seq import drums_encoder_decoder, encoder_decoder

from symphonia.codecs import get_codec
from symphonia.codecs.drums import DRUM_TYPE_PITCHES, ONE_DRUM_PITCHES, DrumVocabulary
from tests.codecs import note_seq_types, strategies

# Spec 4.1: decoding writes the first pitch of each of the 9 classes.
DECODED_PITCHES = (36, 38, 42, 46, 45, 48, 50, 49, 51)


def reference(name):
    if name == "one_drum":
        encoding = drums_encoder_decoder.MultiDrumOneHotEncoding([list(ONE_DRUM_PITCHES[0])])
        return encoder_decoder.OneHotEventSequenceEncoderDecoder(encoding)
    encoding = drums_encoder_decoder.MultiDrumOneHotEncoding()
    return encoder_decoder.LookbackEventSequenceEncoderDecoder(encoding, [], 6)


def classes(sets):
    return DrumVocabulary().to_classes(note_seq_types.drum_roll(sets))


@pytest.mark.parametrize(("name", "sizes"), [("drum_kit", (518, 512, 0)), ("one_drum", (2, 2, 0))])
def test_sizes_match_spec_and_note_seq(name, sizes):
    codec, ref = get_codec(name), reference(name)
    assert (codec.input_size, codec.num_classes, codec.default_event_label) == sizes
    assert sizes == (ref.input_size, ref.num_classes, ref.default_event_label)


def test_drum_map_is_magentas():
    assert [list(p) for p in DRUM_TYPE_PITCHES] == drums_encoder_decoder.DEFAULT_DRUM_TYPE_PITCHES
    assert sum(len(p) for p in DRUM_TYPE_PITCHES) == len(set().union(*DRUM_TYPE_PITCHES)) == 63
    assert tuple(p[0] for p in DRUM_TYPE_PITCHES) == DECODED_PITCHES


def test_bit_layout():
    assert classes([{36, 42}]) == [5]  # kick + closed hi-hat, spec example
    assert classes([set()]) == [0]
    np.testing.assert_array_equal(classes([{p} for p in DECODED_PITCHES]), [1 << k for k in range(9)])
    np.testing.assert_array_equal(classes([{35, 36}, {51, 53, 59}, set(range(128))]), [1, 256, 511])


def test_unknown_pitches_are_ignored():
    np.testing.assert_array_equal(classes([{0, 1, 127}, {0, 38}]), [0, 2])


def test_every_class_decodes_like_note_seq():
    encoding = drums_encoder_decoder.MultiDrumOneHotEncoding()
    ours = note_seq_types.drum_sets(DrumVocabulary().from_classes(np.arange(512)))
    assert ours == [encoding.decode_event(index) for index in range(512)]


def test_one_drum_decodes_a_hit_as_hand_clap():
    assert note_seq_types.drum_sets(get_codec("one_drum").decode([[0, 1]])[0]) == [frozenset(), {39}]


@pytest.mark.parametrize("name", ["drum_kit", "one_drum"])
@settings(max_examples=40, deadline=None)
@given(sets=strategies.drum_sets())
def test_encodes_like_note_seq(name, sets):
    codec, ref = get_codec(name), reference(name)
    inputs, labels = codec.encode(note_seq_types.drum_roll(sets))
    ref_inputs, ref_labels = ref.encode(note_seq_types.drum_track(sets))
    np.testing.assert_array_equal(inputs, np.array(ref_inputs, np.float32).reshape(-1, ref.input_size))
    np.testing.assert_array_equal(labels, ref_labels)


def test_drum_kit_input_layout():
    inputs = get_codec("drum_kit").inputs(note_seq_types.drum_roll([{36, 42}] * 4))
    assert np.flatnonzero(inputs[3, :512]).tolist() == [5]
    np.testing.assert_array_equal(inputs[3, 512:], [-1, -1, 1, -1, -1, -1])  # n = 4


def test_a_pitch_in_two_types_is_refused():
    with pytest.raises(ValueError):
        DrumVocabulary(((36,), (36, 38)))
