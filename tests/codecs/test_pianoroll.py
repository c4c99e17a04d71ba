"""Pianoroll codec and frames against the spec and note-seq's PianorollSequence / PianorollEncoderDecoder."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from note_seq import pianoroll_encoder_decoder, pianoroll_lib

from symphonia.codecs import get_codec
from symphonia.codecs.pianoroll import frames_from_notes, notes_from_frames
from tests.codecs import note_seq_types, strategies


def frames_of(key_sets):
    return note_seq_types.pianoroll_frames(key_sets)


def test_sizes_match_spec_and_note_seq():
    codec, ref = get_codec("pianoroll"), pianoroll_encoder_decoder.PianorollEncoderDecoder()
    assert (codec.input_size, codec.num_classes, codec.default_event_label) == (88, 2**88, 0)
    assert (ref.input_size, ref.num_classes, ref.default_event_label) == (88, 2**88, 0)


@settings(max_examples=40, deadline=None)
@given(key_sets=strategies.key_sets())
def test_encodes_like_note_seq(key_sets):
    codec, ref = get_codec("pianoroll"), pianoroll_encoder_decoder.PianorollEncoderDecoder()
    frames = frames_of(key_sets)
    inputs, labels = codec.encode(frames)
    ref_inputs, ref_labels = ref.encode(note_seq_types.pianoroll_sequence(frames))
    np.testing.assert_array_equal(inputs, np.array(ref_inputs, np.float32).reshape(-1, 88))
    np.testing.assert_array_equal(labels, frames[1:])
    # The packed row of the next frame, read as one little-endian integer, is Magenta's label.
    packed = codec.encode_indices(frames)[1:]
    assert [int.from_bytes(bytes(row.tolist()), "little") for row in packed] == ref_labels


def test_packed_layout_by_hand():
    indices = get_codec("pianoroll").encode_indices(frames_of([{0, 9, 87}]))
    np.testing.assert_array_equal(indices, [[1, 2, 0, 0, 0, 0, 0, 0, 0, 0, 128]])


def test_decode_and_class_index_to_event_return_frames():
    codec = get_codec("pianoroll")
    sample = np.zeros((1, 2, 88), np.int64)
    sample[0, 1, [3, 40]] = 1
    np.testing.assert_array_equal(codec.decode(sample), sample.astype(bool))
    np.testing.assert_array_equal(codec.class_index_to_event(sample[0, 1], frames_of([{1}])), sample[0, 1] == 1)


def test_frames_split_repeated_notes():
    # MIDI 60 twice back to back, 62 held; 20 and 109 are outside the piano.
    frames = frames_from_notes([60, 60, 62, 20, 109], [0, 2, 0, 0, 0], [2, 4, 4, 4, 4], total_steps=4)
    assert [np.flatnonzero(f).tolist() for f in frames] == [[39, 41], [41], [39, 41], [39, 41]]
    unsplit = frames_from_notes([60, 60], [0, 2], [2, 4], total_steps=4, split_repeats=False)
    assert unsplit[:, 39].all()


pitches = st.sampled_from([20, 21, 60, 61, 108, 109])


@settings(max_examples=60, deadline=None)
@given(notes=strategies.notes(pitches, max_start=10), num_steps=st.integers(1, 16), start_step=st.integers(0, 3),
       split_repeats=st.booleans())
def test_frames_match_note_seq(notes, num_steps, start_step, split_repeats):
    """Magenta writes notes in sequence order; in (start, end) order the results must agree.

    A note may start right at the end (it still clears the last frame); later
    ones would crash note-seq.
    """
    total_steps = start_step + num_steps
    notes = sorted((n for n in notes if n[1] <= total_steps), key=lambda n: (n[1], n[2]))
    sequence = note_seq_types.quantized_sequence(notes, total_steps)
    ref = pianoroll_lib.PianorollSequence(sequence, start_step=start_step, split_repeats=split_repeats)
    arrays = np.array(notes, dtype=np.int64).reshape(-1, 3).T
    frames = frames_from_notes(*arrays, total_steps, start_step, split_repeats)
    np.testing.assert_array_equal(frames, note_seq_types.pianoroll_frames(ref).reshape(frames.shape))


def test_notes_from_frames_by_hand():
    frames = frames_of([{0}, {0, 1}, {0}, set(), {0}])
    pitches, starts, ends = notes_from_frames(frames)
    assert list(zip(pitches.tolist(), starts.tolist(), ends.tolist())) == [(21, 0, 3), (22, 1, 2), (21, 4, 5)]


@settings(max_examples=40, deadline=None)
@given(key_sets=strategies.key_sets())
def test_notes_from_frames_rebuild_the_frames(key_sets):
    frames = frames_of(key_sets)
    pitches, starts, ends = notes_from_frames(frames)
    assert (ends > starts).all()
    again = frames_from_notes(pitches, starts, ends, len(frames), split_repeats=False)
    np.testing.assert_array_equal(again, frames)
    ref = note_seq_types.pianoroll_sequence(frames).to_sequence(qpm=60)  # one step = 0.25 s
    assert sorted(zip(pitches.tolist(), starts.tolist(), ends.tolist())) == sorted(
        (n.pitch, round(n.start_time * 4), round(n.end_time * 4)) for n in ref.notes)
