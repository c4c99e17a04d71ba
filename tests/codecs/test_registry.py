"""What every registered codec promises, whatever its family."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from symphonia.codecs import CODEC_NAMES, EventCodec, get_codec
from symphonia.codecs.polyphony import events_from_notes
from tests.codecs import note_seq_types, strategies

MAGENTA_CONFIGS = (
    "basic_rnn", "mono_rnn", "lookback_rnn", "attention_rnn", "one_drum", "drum_kit", "polyphony", "pianoroll",
)


def polyphonic_events(notes):
    return events_from_notes(*np.array(notes, dtype=np.int64).reshape(-1, 3).T, total_steps=12)


# Event sequences each codec can encode and decode back unchanged (drum sets use each type's decoding pitch).
ONE_DRUM_SETS = st.sampled_from([frozenset(), frozenset({39})])
DRUM_KIT_SETS = st.frozensets(st.sampled_from([36, 38, 42, 46, 45, 48, 50, 49, 51]))
EVENTS = {
    "basic_rnn": strategies.melodies(min_size=1).map(np.array),
    "mono_rnn": strategies.melodies(0, 128, min_size=1).map(np.array),
    "lookback_rnn": strategies.melodies(min_size=1).map(np.array),
    "attention_rnn": strategies.melodies(min_size=1).map(np.array),
    "one_drum": strategies.repetitive_lists(ONE_DRUM_SETS, 40, 1).map(note_seq_types.drum_roll),
    "drum_kit": strategies.repetitive_lists(DRUM_KIT_SETS, 60, 1).map(note_seq_types.drum_roll),
    "polyphony": strategies.notes(st.integers(0, 127)).map(polyphonic_events),
    "pianoroll": strategies.key_sets(min_size=1).map(note_seq_types.pianoroll_frames),
}


def test_registry_holds_every_magenta_config():
    assert set(CODEC_NAMES) == set(MAGENTA_CONFIGS) == set(EVENTS)
    for name in CODEC_NAMES:
        codec = get_codec(name)
        assert isinstance(codec, EventCodec) and codec.name == name


def test_unknown_name_lists_the_valid_ones():
    with pytest.raises(ValueError, match="basic_rnn.*pianoroll"):
        get_codec("melody_rnn")


@pytest.mark.parametrize("name", MAGENTA_CONFIGS)
@settings(max_examples=12, deadline=None)
@given(data=st.data())
def test_encode_shapes_and_dtypes(name, data):
    codec = get_codec(name)
    events = data.draw(EVENTS[name])
    inputs, labels = codec.encode(events)
    assert inputs.shape == (len(events) - 1, codec.input_size) and inputs.dtype == np.float32
    assert labels.shape[0] == len(events) - 1 and labels.dtype == np.int64
    assert codec.label_steps(labels).shape == (len(events) - 1,)
    indices = codec.encode_indices(events)
    assert indices.shape == (len(events), codec.index_size) and indices.dtype == np.int64


@pytest.mark.parametrize("name", MAGENTA_CONFIGS)
@settings(max_examples=12, deadline=None)
@given(data=st.data())
def test_any_window_or_batch_of_compact_rows_rebuilds_its_inputs(name, data):
    codec = get_codec(name)
    events = data.draw(EVENTS[name])
    dense = codec.inputs(events)
    indices = codec.encode_indices(events)
    start = data.draw(st.integers(0, len(events) - 1))
    stop = data.draw(st.integers(start, len(events)))
    np.testing.assert_array_equal(codec.inputs_from_indices(indices[start:stop]), dense[start:stop])
    np.testing.assert_array_equal(codec.inputs_from_indices(np.stack([indices, indices[::-1]])),
                                  np.stack([dense, dense[::-1]]))


@pytest.mark.parametrize("name", MAGENTA_CONFIGS)
@settings(max_examples=12, deadline=None)
@given(data=st.data())
def test_labels_decode_back_to_the_events(name, data):
    codec = get_codec(name)
    events = data.draw(EVENTS[name])
    labels = codec.labels(events)
    np.testing.assert_array_equal(codec.decode(labels[None], events[None, :1])[0], events[1:])
    step = data.draw(st.integers(0, len(events) - 1))
    if step < len(labels):
        np.testing.assert_array_equal(codec.class_index_to_event(labels[step], events[: step + 1]), events[step + 1])


@pytest.mark.parametrize("name", MAGENTA_CONFIGS)
def test_empty_and_single_event_sequences(name):
    codec = get_codec(name)
    for length in (0, 1):
        events = np.zeros((length, *codec.event_shape), codec.event_dtype)
        if name.endswith("rnn"):
            events = np.full(length, -2)
        inputs, labels = codec.encode(events)
        assert inputs.shape == (0, codec.input_size) and len(labels) == 0
        assert codec.encode_indices(events).shape == (length, codec.index_size)
