import collections

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from symphonia.data.polyphonic_sequences import PolyphonyOptions, extract_polyphonic_sequences
from tests.data import reference
from tests.data.note_sequences import drum, note, note_sequences, sequence

START, END, STEP_END, NEW_NOTE, CONTINUED_NOTE = range(5)
SHORT = PolyphonyOptions(min_steps=1, transposition_range=(0,))


def rows(events):
    return [tuple(row) for row in events.tolist()]


@settings(max_examples=100, deadline=None)
@given(note_sequences(max_notes=30, drum_share=0.3),
       st.sampled_from([PolyphonyOptions(), PolyphonyOptions(min_steps=1, max_steps=150)]))
def test_same_sequences_and_statistics_as_the_spec(proto, options):
    ours = extract_polyphonic_sequences(proto, options)
    expected, expected_stats = reference.polyphonic_sequences(proto, options)
    assert [rows(events) for events in ours.events] == expected
    assert ours.stats == expected_stats


def test_each_step_lists_its_notes_highest_first_then_ends():
    (events,) = extract_polyphonic_sequences(sequence([note(60, 0, 2), note(64, 1, 3)]), SHORT).events
    assert events.dtype == np.int64 and events.shape == (9, 2)
    assert rows(events) == [
        (START, 0),
        (NEW_NOTE, 60), (STEP_END, 0),
        (NEW_NOTE, 64), (CONTINUED_NOTE, 60), (STEP_END, 0),
        (CONTINUED_NOTE, 64), (STEP_END, 0),
        (END, 0)]


def test_a_pitch_can_sound_twice_and_a_held_note_comes_before_a_new_one():
    (events,) = extract_polyphonic_sequences(sequence([note(60, 0, 3), note(60, 1, 2)]), SHORT).events
    assert rows(events)[3:7] == [(CONTINUED_NOTE, 60), (NEW_NOTE, 60), (STEP_END, 0), (CONTINUED_NOTE, 60)]


def test_nine_transpositions_move_pitched_notes_only():
    notes = [note(60, 0, 80), drum(36, 0, instrument=0)]
    result = extract_polyphonic_sequences(sequence(notes))
    assert [events[1].tolist() for events in result.events] == [[NEW_NOTE, 60 + shift] for shift in range(-4, 5)]
    assert all(events[2].tolist() == [NEW_NOTE, 36] for events in result.events)
    assert result.stats["transpositions_generated"] == 9


def test_copies_leaving_midi_are_dropped():
    result = extract_polyphonic_sequences(sequence([note(125, 0, 80)]))
    assert len(result.events) == 7 and result.stats["skipped_due_to_range_exceeded"] == 2


def test_statistics_count_each_kind_of_rejection_once_per_copy():
    assert extract_polyphonic_sequences(sequence([note(60, 0, 79)])).stats == collections.Counter(
        {"transpositions_generated": 9, "polyphonic_tracks_discarded_too_short": 9})
    assert extract_polyphonic_sequences(sequence([note(60, 0, 513)])).stats == collections.Counter(
        {"transpositions_generated": 9, "polyphonic_tracks_discarded_too_long": 9})
    two_programs = sequence([note(60, 0, 100, program=0), note(64, 0, 100, program=1)])
    assert extract_polyphonic_sequences(two_programs).stats == collections.Counter(
        {"transpositions_generated": 9, "polyphonic_tracks_discarded_more_than_1_program": 9})
    kept = extract_polyphonic_sequences(sequence([note(60, 0, 100)])).stats
    assert kept == collections.Counter({"transpositions_generated": 9, "polyphonic_track_lengths_in_bars[1,10)": 9})


def test_each_tempo_piece_is_its_own_sequence():
    proto = sequence([note(60, 0, 8), note(62, 8, 16)], tempos=[(0.0, 120.0), (1.0, 60.0)])
    result = extract_polyphonic_sequences(proto, SHORT)
    assert [len(events) for events in result.events] == [1 + 8 * 2 + 1, 1 + 4 * 2 + 1]
    assert result.stats["time_change_splits"] == 1
