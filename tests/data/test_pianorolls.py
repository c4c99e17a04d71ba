import collections

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from symphonia.data.pianorolls import PianorollOptions, extract_pianorolls
from tests.data import reference
from tests.data.note_sequences import drum, note, note_sequences, sequence

SHORT = PianorollOptions(min_steps=1, transposition_range=(0,))
KEY_OF_60 = 60 - 21


def keys(roll):
    return [tuple(np.flatnonzero(frame).tolist()) for frame in roll]


@settings(max_examples=100, deadline=None)
@given(note_sequences(max_notes=30, drum_share=0.3),
       st.sampled_from([PianorollOptions(), PianorollOptions(min_steps=1, max_steps_truncate=30)]))
def test_same_rolls_and_statistics_as_note_seq(proto, options):
    ours = extract_pianorolls(proto, options)
    expected, expected_stats = reference.pianorolls(proto, options)
    assert [keys(roll) for roll in ours.events] == expected
    assert ours.stats == expected_stats


def test_a_repeated_note_is_split_by_one_silent_step():
    (roll,) = extract_pianorolls(sequence([note(60, 0, 4), note(60, 4, 8)]), SHORT).events
    assert roll.dtype == bool and roll.shape == (8, 88)
    assert roll[:, KEY_OF_60].tolist() == [True, True, True, False, True, True, True, True]


def test_a_note_starting_at_step_0_clears_the_last_step_unless_written_over():
    long_first = sequence([note(60, 0, 8), note(60, 0, 2)])
    short_first = sequence([note(60, 0, 2), note(60, 0, 8)])
    assert not extract_pianorolls(long_first, SHORT).events[0][7, KEY_OF_60]
    assert extract_pianorolls(short_first, SHORT).events[0][7, KEY_OF_60]


def test_notes_off_the_piano_are_left_out_and_drums_stay_put():
    notes = [note(20, 0, 2), note(109, 0, 2), note(108, 0, 2), drum(36, 0, instrument=0), note(60, 2, 80)]
    rolls = extract_pianorolls(sequence(notes)).events
    assert len(rolls) == 9
    assert keys(rolls[4][:1]) == [(36 - 21, 108 - 21)]  # untransposed
    assert keys(rolls[5][:1]) == [(20 + 1 - 21, 36 - 21)]  # up a semitone: 20 comes in, 108 goes out


def test_statistics_count_each_kind_of_rejection_once_per_copy():
    assert extract_pianorolls(sequence([note(60, 0, 79)])).stats == collections.Counter(
        {"transpositions_generated": 9, "pianoroll_tracks_discarded_too_short": 9})
    long = extract_pianorolls(sequence([note(60, 0, 3000)]))
    assert [len(roll) for roll in long.events] == [2048] * 9
    assert long.stats == collections.Counter({"transpositions_generated": 9, "pianoroll_tracks_truncated_too_long": 9,
                                              "pianoroll_track_lengths_in_bars[100,200)": 9})
    two_programs = sequence([note(60, 0, 100, program=0), note(64, 0, 100, program=1)])
    assert extract_pianorolls(two_programs).stats == collections.Counter(
        {"transpositions_generated": 9, "pianoroll_tracks_discarded_more_than_1_program": 9})
