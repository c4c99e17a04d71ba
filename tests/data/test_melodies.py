import collections

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from symphonia.data.melodies import NO_EVENT, NOTE_OFF, MelodyOptions, extract_melodies
from tests.data import reference
from tests.data.note_sequences import drum, note, note_sequences, scale_melody, sequence

OPTION_SETS = [
    MelodyOptions(),
    MelodyOptions(min_bars=1, min_unique_pitches=2, max_steps_truncate=24),
    MelodyOptions(min_bars=0, min_unique_pitches=1, ignore_polyphonic_notes=True, gap_bars=0.5,
                  max_steps_discard=40, max_steps_truncate=None),
    MelodyOptions(steps_per_quarter=2, min_bars=1, min_unique_pitches=1, filter_drums=False,
                  transposition_range=(-3, 0, 5)),
]


@settings(max_examples=100, deadline=None)
@given(note_sequences(max_notes=40), st.sampled_from(OPTION_SETS))
def test_same_melodies_and_statistics_as_magenta(proto, options):
    ours = extract_melodies(proto, options)
    expected_events, expected_stats = reference.melodies(proto, options)
    assert [melody.tolist() for melody in ours.events] == expected_events
    assert ours.stats == expected_stats


def test_a_scale_becomes_one_melody_from_its_first_bar():
    (melody,) = extract_melodies(sequence(scale_melody(first_step=20))).events
    assert melody.dtype == np.int64 and len(melody) == 20 + 128 - 16
    assert (melody[:4] == NO_EVENT).all() and melody[4] == 60
    assert melody[5:8].tolist() == [NO_EVENT] * 3 and melody[8] == 62


def test_statistics_count_each_kind_of_rejection():
    stats = extract_melodies(sequence([
        *scale_melody(bars=6, instrument=0),                                  # 6 bars: too short
        *scale_melody(bars=8, pitches=(60, 62, 64, 65), instrument=1),       # 4 pitch classes
        *scale_melody(bars=40, instrument=2),                                 # 160 bars: truncated
        note(60, 0, 4, instrument=3), note(64, 0, 4, instrument=3),          # a chord
    ])).stats
    assert stats == collections.Counter({
        "melodies_discarded_too_short": 1, "melodies_discarded_too_few_pitches": 1, "melodies_truncated": 1,
        "melody_lengths_in_bars[30,40)": 1, "polyphonic_tracks_discarded": 1, "transpositions_generated": 1})


def test_truncation_keeps_512_steps():
    (melody,) = extract_melodies(sequence(scale_melody(bars=40))).events
    assert len(melody) == 512


def test_a_chord_abandons_the_rest_of_the_track_only():
    notes = [*scale_melody(bars=8), note(60, 200, 204), note(67, 200, 204), *scale_melody(first_step=256)]
    result = extract_melodies(sequence(notes))
    assert len(result.events) == 1 and result.stats["polyphonic_tracks_discarded"] == 1


def test_a_new_note_cuts_the_one_before_and_a_gap_of_a_bar_ends_the_melody():
    notes = [note(60, 0, 10), note(62, 4, 6), *[note(64 + i, 8 + 4 * i, 10 + 4 * i) for i in range(28)],
             *scale_melody(first_step=140)]
    options = MelodyOptions(min_bars=1, min_unique_pitches=1)
    first, second = extract_melodies(sequence(notes), options).events
    assert first[:9].tolist() == [60, NO_EVENT, NO_EVENT, NO_EVENT, 62, NO_EVENT, NOTE_OFF, NO_EVENT, 64]
    assert len(first) == 8 + 4 * 27 + 2 and second[0] == NO_EVENT and second[12] == 60


def test_drums_and_silent_notes_are_not_melody_but_place_the_first_bar():
    notes = [drum(36, 2, instrument=0), note(90, 3, 5, velocity=0), *scale_melody(first_step=32)]
    (melody,) = extract_melodies(sequence(notes)).events
    assert melody[:33].tolist() == [NO_EVENT] * 32 + [60]


def test_each_tempo_piece_gives_its_own_melody():
    # 16 bars of steps at 120 qpm are 8 bars at 60 qpm.
    notes = [*scale_melody(bars=8), *scale_melody(first_step=128, bars=16)]
    proto = sequence(notes, tempos=[(0.0, 120.0), (16.0, 60.0)])
    result = extract_melodies(proto)
    assert len(result.events) == 2 and result.stats["time_change_splits"] == 1


@pytest.mark.parametrize("signature, options, stat", [
    ((0.0, 7, 16), MelodyOptions(steps_per_quarter=2), "non_integer_steps_per_bar"),
    ((0.0, 3, 3), MelodyOptions(), "sequences_discarded_because_bad_time_signature"),
])
def test_unusable_meters_are_counted(signature, options, stat):
    result = extract_melodies(sequence(scale_melody(), time_signatures=[signature]), options)
    assert result.events == [] and result.stats[stat] == 1


def test_a_transposition_out_of_midi_drops_the_piece():
    proto = sequence([*scale_melody(), note(127, 0, 1, instrument=1)])
    result = extract_melodies(proto, MelodyOptions(transposition_range=(0, 1)))
    assert len(result.events) == 1
    assert result.stats["skipped_due_to_range_exceeded"] == 1 and result.stats["transpositions_generated"] == 1
