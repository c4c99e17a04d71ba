"""Hypothesis strategies for event sequences.

Sequences are drawn from a small random alphabet so that repeats one and two
bars back, runs of silence and ties between keys are common rather than rare.
"""

from hypothesis import strategies as st


def repetitive_lists(alphabet_items, max_size, min_size=0):
    """Lists over a random alphabet of 1 to 4 distinct items."""
    alphabets = st.lists(alphabet_items, min_size=1, max_size=4, unique=True)
    return alphabets.flatmap(lambda alphabet: st.lists(st.sampled_from(alphabet), min_size=min_size, max_size=max_size))


def melodies(min_note=48, max_note=84, max_size=80, min_size=0):
    """Melody events (-2, -1 or a pitch in range) with frequent repeats."""
    events = st.sampled_from([-2, -1]) | st.integers(min_note, max_note - 1)
    return repetitive_lists(events, max_size, min_size)


# Known drum pitches (two of them of one type: kick 36/35), and pitches of no drum type.
DRUM_PITCH_POOL = (36, 35, 38, 40, 42, 44, 46, 45, 48, 50, 49, 51, 0, 1, 127)


def drum_sets(max_size=60, min_size=0):
    sets = st.frozensets(st.sampled_from(DRUM_PITCH_POOL), max_size=3)
    return repetitive_lists(sets, max_size, min_size)


def key_sets(max_size=40, min_size=0):
    """Pianoroll frames as sets of active keys 0..87."""
    sets = st.frozensets(st.integers(0, 87), max_size=5)
    return repetitive_lists(sets, max_size, min_size)


def notes(pitches=st.integers(0, 127), max_start=24, max_duration=8, max_size=12):
    """``(pitch, start_step, end_step)`` notes over a few pitches, so same-pitch overlaps are common."""

    def notes_over(alphabet):
        note = st.tuples(st.sampled_from(alphabet), st.integers(0, max_start), st.integers(1, max_duration))
        return st.lists(note.map(lambda n: (n[0], n[1], n[1] + n[2])), max_size=max_size)

    return st.lists(pitches, min_size=1, max_size=4, unique=True).flatmap(notes_over)
