import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from symphonia.data.squash import squash_melody
from tests.data.reference import melodies_lib

EVENTS = st.lists(st.sampled_from([-2, -2, -1]) | st.integers(0, 127), max_size=40)
RANGES = st.sampled_from([(48, 84, 0), (0, 128, None), (48, 84, None), (36, 60, 7), (60, 72, 11)])


@settings(max_examples=150, deadline=None)
@given(EVENTS, RANGES)
def test_same_pitches_and_amount_as_note_seq(events, squash_range):
    melody = melodies_lib.Melody(events)  # note-seq also turns leading note-offs into no-events
    before = list(melody)
    amount = melody.squash(*squash_range)
    squashed, our_amount = squash_melody(before, *squash_range)
    assert squashed.tolist() == list(melody)
    assert our_amount == amount


def test_a_melody_in_e_major_moves_to_c_major_in_the_middle_of_the_range():
    e_major = [64, 66, 68, 69, 71, 73, 75, 76, -1]
    squashed, amount = squash_melody(np.array(e_major))
    assert amount == -4 and squashed.tolist() == [60, 62, 64, 65, 67, 69, 71, 72, -1]


def test_notes_outside_the_range_fold_in_by_octaves_and_the_input_stays():
    events = np.array([30, -2, 100])
    squashed, amount = squash_melody(events, 48, 84, None)
    assert amount == 0 and squashed.tolist() == [54, -2, 76] and events.tolist() == [30, -2, 100]


@pytest.mark.parametrize("key", [None, 0])
def test_a_melody_without_notes_is_left_alone(key):
    squashed, amount = squash_melody([-2, -1, -2], transpose_to_key=key)
    assert amount == 0 and squashed.tolist() == [-2, -1, -2]
