"""Polyphony codec. Magenta's polyphony code is not installed, so the checks are
the spec's numbers, hand-built sequences, and a literal step-by-step reading of
spec 5.1 used as an oracle for the vectorised note conversions."""

from collections import defaultdict

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from symphonia.codecs import get_codec
from symphonia.codecs.polyphony import (
    CONTINUED_NOTE,
    END,
    NEW_NOTE,
    START,
    STEP_END,
    PolyphonyVocabulary,
    events_from_notes,
    notes_from_events,
)
from tests.codecs import strategies


def reference_events(notes, total_steps, start_step=0):
    """Spec 5.1, one step at a time: drop ending pitches, continue the rest, add new ones, sort high to low."""
    starting, ending = defaultdict(list), defaultdict(list)
    for pitch, start, end in notes:
        if start >= start_step:
            starting[start].append(pitch)
            ending[end].append(pitch)
    events, sounding = [(START, 0)], []
    for step in range(start_step, total_steps):
        for pitch in ending[step]:
            sounding.remove(pitch)
        step_events = [(CONTINUED_NOTE, pitch) for pitch in sounding]
        sounding += starting[step]
        step_events += [(NEW_NOTE, pitch) for pitch in starting[step]]
        events += sorted(step_events, key=lambda event: -event[1]) + [(STEP_END, 0)]
    return events + [(END, 0)]


def reference_notes(events):
    """Spec 5.1's to_sequence, one event at a time, in steps instead of seconds."""
    step, open_notes, ending, notes = 0, [], [], []
    for index, (kind, pitch) in enumerate(events):
        if kind == NEW_NOTE:
            open_notes.append((pitch, step))
        elif kind == CONTINUED_NOTE and pitch in ending:
            ending.remove(pitch)
        elif kind == STEP_END or (kind == END and index == len(events) - 1):
            for note in list(open_notes):
                if note[0] in ending:
                    ending.remove(note[0])
                    open_notes.remove(note)
                    notes.append((note[0], note[1], step))
            step += 1
            ending = [pitch for pitch, _ in open_notes]
    if open_notes:
        raise ValueError("open notes")
    return sorted(notes, key=lambda note: (note[1], note[0]))


def as_notes(arrays):
    return sorted(zip(*(a.tolist() for a in arrays)), key=lambda note: (note[1], note[0]))


def test_sizes_match_spec():
    codec = get_codec("polyphony")
    assert (codec.input_size, codec.num_classes, codec.default_event_label) == (259, 259, 2)


def test_vocabulary_indices():
    vocabulary = PolyphonyVocabulary()
    events = np.array([[START, 0], [END, 0], [STEP_END, 0], [NEW_NOTE, 60], [CONTINUED_NOTE, 60], [NEW_NOTE, 0],
                       [CONTINUED_NOTE, 127]])
    np.testing.assert_array_equal(vocabulary.to_classes(events), [0, 1, 2, 63, 191, 3, 258])
    np.testing.assert_array_equal(vocabulary.from_classes(np.arange(259)), np.array([
        [START, 0], [END, 0], [STEP_END, 0], *[[NEW_NOTE, p] for p in range(128)],
        *[[CONTINUED_NOTE, p] for p in range(128)]]))


def test_hand_built_sequence():
    # C4 held two steps with E4 struck on the second; a repeated G4 (second strike while the first still sounds).
    notes = [(60, 0, 2), (64, 1, 2), (67, 0, 3), (67, 1, 2)]
    expected = [
        (START, 0),
        (NEW_NOTE, 67), (NEW_NOTE, 60), (STEP_END, 0),
        (CONTINUED_NOTE, 67), (NEW_NOTE, 67), (NEW_NOTE, 64), (CONTINUED_NOTE, 60), (STEP_END, 0),
        (CONTINUED_NOTE, 67), (STEP_END, 0),
        (STEP_END, 0),
        (END, 0),
    ]
    events = events_from_notes(*zip(*notes), total_steps=4)
    assert [tuple(e) for e in events.tolist()] == expected
    labels = get_codec("polyphony").labels(events)
    np.testing.assert_array_equal(labels[:3], [3 + 67, 3 + 60, 2])
    assert get_codec("polyphony").label_steps(labels).sum() == 4


def test_start_step_drops_earlier_notes_and_offsets_steps():
    events = events_from_notes([60, 62], [0, 2], [4, 3], total_steps=4, start_step=2)
    assert [tuple(e) for e in events.tolist()] == [(START, 0), (NEW_NOTE, 62), (STEP_END, 0), (STEP_END, 0), (END, 0)]


def test_notes_must_end_after_they_start():
    with pytest.raises(ValueError):
        events_from_notes([60], [2], [2], total_steps=4)


@settings(max_examples=60, deadline=None)
@given(
    notes=strategies.notes(max_start=10, max_duration=6), total_steps=st.integers(0, 14), start_step=st.integers(0, 3)
)
def test_events_from_notes_match_the_step_by_step_reading(notes, total_steps, start_step):
    events = events_from_notes(*np.array(notes, dtype=np.int64).reshape(-1, 3).T, total_steps, start_step)
    assert [tuple(e) for e in events.tolist()] == reference_events(notes, total_steps, start_step)


@settings(max_examples=60, deadline=None)
@given(notes=strategies.notes(max_start=10, max_duration=6), total_steps=st.integers(0, 14))
def test_notes_round_trip_through_events(notes, total_steps):
    events = events_from_notes(*np.array(notes, dtype=np.int64).reshape(-1, 3).T, total_steps)
    assert as_notes(notes_from_events(events)) == reference_notes(events.tolist())


# Any mix of tokens a model could sample, closed by a STEP_END and END so that every note ends.
sampled_streams = st.lists(
    st.sampled_from([(START, 0), (END, 0), (STEP_END, 0), (NEW_NOTE, 60), (NEW_NOTE, 62), (CONTINUED_NOTE, 60),
                     (CONTINUED_NOTE, 62)]), max_size=30,
).map(lambda events: events + [(STEP_END, 0), (END, 0)])


@settings(max_examples=80, deadline=None)
@given(events=sampled_streams)
def test_notes_from_sampled_events_match_the_reading(events):
    assert as_notes(notes_from_events(events)) == reference_notes(events)


@pytest.mark.parametrize("tail", [[(STEP_END, 0)], []])
def test_a_note_left_open_is_an_error(tail):
    with pytest.raises(ValueError):
        notes_from_events([(START, 0), (NEW_NOTE, 60), *tail])


def test_unknown_events_are_refused():
    with pytest.raises(ValueError):
        get_codec("polyphony").encode([(5, 0)])
    with pytest.raises(ValueError):
        get_codec("polyphony").encode([(NEW_NOTE, 128)])
