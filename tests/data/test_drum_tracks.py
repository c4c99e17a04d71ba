import collections

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from symphonia.data.drum_tracks import DrumTrackOptions, extract_drum_tracks
from tests.data import reference
from tests.data.note_sequences import drum, note, note_sequences, sequence

OPTION_SETS = [
    DrumTrackOptions(),
    DrumTrackOptions(min_bars=1, max_steps_truncate=20),
    DrumTrackOptions(steps_per_quarter=2, min_bars=2),
    DrumTrackOptions(min_bars=0, gap_bars=0.5, max_steps_discard=30, max_steps_truncate=None),
    DrumTrackOptions(min_bars=1, gap_bars=2.5),
]


def pitch_sets(track):
    return [frozenset(np.flatnonzero(step).tolist()) for step in track]


@settings(max_examples=100, deadline=None)
@given(note_sequences(max_notes=40, drum_share=0.8), st.sampled_from(OPTION_SETS))
def test_same_tracks_and_statistics_as_magenta(proto, options):
    ours = extract_drum_tracks(proto, options)
    expected_tracks, expected_stats = reference.drum_tracks(proto, options)
    assert [pitch_sets(track) for track in ours.events] == expected_tracks
    assert ours.stats == expected_stats


def groove(first_step=0, bars=8, instrument=9):
    """Kick on the beat, hi-hat on every 8th."""
    hits = [drum(36, step, instrument) for step in range(first_step, first_step + 16 * bars, 4)]
    return hits + [drum(42, step, instrument) for step in range(first_step, first_step + 16 * bars, 2)]


def test_one_track_of_every_drum_instrument_from_its_first_bar():
    notes = groove(first_step=18, instrument=9) + [drum(49, 20, instrument=3)]
    (track,) = extract_drum_tracks(sequence(notes)).events
    assert track.dtype == bool and track.shape == (18 + 16 * 8 - 2 - 16 + 1, 128)
    assert pitch_sets(track[:5]) == [frozenset(), frozenset(), {36, 42}, frozenset(), {42, 49}]


def test_pitched_and_silent_notes_are_not_drums():
    notes = groove() + [note(60, 3, 4), dict(drum(38, 5), velocity=0)]
    (track,) = extract_drum_tracks(sequence(notes)).events
    assert not track[:, 60].any() and not track[:, 38].any()


def test_a_musicxml_part_on_channel_10_is_drums():
    notes = [dict(n, is_drum=False) for n in groove(instrument=10)]
    assert len(extract_drum_tracks(sequence(notes, musicxml=True)).events) == 1
    assert extract_drum_tracks(sequence(notes)).events == []


def test_statistics_count_each_kind_of_rejection():
    notes = groove(bars=6) + groove(first_step=16 * 8, bars=40)
    result = extract_drum_tracks(sequence(notes))
    assert [len(track) for track in result.events] == [512]
    assert result.stats == collections.Counter({
        "drum_tracks_discarded_too_short": 1, "drum_tracks_truncated": 1, "drum_track_lengths_in_bars[30,40)": 1})


def test_one_drum_counts_bars_of_8_steps():
    # The last hi-hat, a 16th before the end, lands on the last 8th.
    (track,) = extract_drum_tracks(sequence(groove(bars=8)), DrumTrackOptions(steps_per_quarter=2)).events
    assert len(track) == 8 * 8


def test_a_tempo_change_gives_two_tracks():
    proto = sequence(groove(bars=8) + groove(first_step=128, bars=16), tempos=[(0.0, 120.0), (16.0, 60.0)])
    result = extract_drum_tracks(proto)
    assert len(result.events) == 2 and result.stats["time_change_splits"] == 1
