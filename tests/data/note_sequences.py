"""NoteSequences for the extraction tests: written by hand in a line, or drawn by Hypothesis.

Hand-written notes are given in steps of 16th notes at 120 qpm (0.125 s), the
grid the extractors quantize to by default, so a test reads in steps.
"""

from hypothesis import strategies as st

from symphonia.music.proto import NoteSequence

SECONDS_PER_STEP = 0.125  # a 16th note at 120 qpm


def note(pitch, start, end, velocity=100, instrument=0, program=0, is_drum=False):
    """A note from ``start`` to ``end`` in 16th-note steps at 120 qpm."""
    return dict(pitch=pitch, start_time=start * SECONDS_PER_STEP, end_time=end * SECONDS_PER_STEP,
                velocity=velocity, instrument=instrument, program=program, is_drum=is_drum)


def drum(pitch, step, instrument=9):
    return note(pitch, step, step + 1, instrument=instrument, is_drum=True)


def sequence(notes, time_signatures=(), tempos=(), total_time=None, musicxml=False):
    """A NoteSequence of note dicts; ``time_signatures`` as ``(time, num, den)``, ``tempos`` as ``(time, qpm)``."""
    result = NoteSequence()
    for fields in notes:
        result.notes.add(**fields)
    for time, numerator, denominator in time_signatures:
        result.time_signatures.add(time=time, numerator=numerator, denominator=denominator)
    for time, qpm in tempos:
        result.tempos.add(time=time, qpm=qpm)
    result.total_time = max([n.end_time for n in result.notes], default=0.0) if total_time is None else total_time
    if musicxml:
        result.source_info.encoding_type = NoteSequence.SourceInfo.MUSIC_XML
    return result


def scale_melody(first_step=0, bars=8, pitches=(60, 62, 64, 65, 67, 69, 71, 72), **fields):
    """Quarter notes walking up and down a scale for ``bars`` bars: a melody every filter keeps."""
    cycle = [*pitches, *pitches[-2:0:-1]]
    return [note(cycle[i % len(cycle)], first_step + 4 * i, first_step + 4 * i + 4, **fields)
            for i in range(4 * bars)]


@st.composite
def note_sequences(draw, max_notes=30, max_onset=90, max_timing_events=3, drum_share=0.2):
    """Random NoteSequences made to hit Magenta's corners often.

    Onsets and durations lie mostly on a grid close to the quantization grid
    (so notes share onsets, cut each other and repeat), pitches come from a
    small alphabet (with extremes that transposition pushes out of MIDI),
    some notes are silent, zero-length or drums, several instruments and
    programs mix, and tempo and time-signature events (equal, changing, bad)
    fall at random times.
    """
    grid = draw(st.sampled_from([0.125, 0.25, 0.1]))
    jitter = st.sampled_from([0.0, 0.0, 0.0, 0.01, -0.01, 0.06])
    pitch_pool = draw(st.lists(st.integers(0, 127) | st.integers(55, 80), min_size=1, max_size=8))
    program_pool = draw(st.sampled_from([(0,), (5,), (0, 1)]))
    notes = []
    for _ in range(draw(st.integers(0, max_notes))):
        start = max(0.0, draw(st.integers(0, max_onset)) * grid + draw(jitter))
        length = max(0.0, draw(st.integers(0, 12)) * grid + draw(jitter))
        notes.append(dict(
            pitch=draw(st.sampled_from(pitch_pool)), start_time=start, end_time=start + length,
            velocity=draw(st.sampled_from([100, 100, 100, 64, 0])), instrument=draw(st.integers(0, 2)),
            program=draw(st.sampled_from(program_pool)), is_drum=draw(st.integers(0, 9)) < 10 * drum_share))
    times = st.integers(0, max_onset).map(lambda k: k * grid) | st.just(0.0)
    signatures = st.tuples(times, st.sampled_from([4, 4, 3, 2, 6, 7, 0]), st.sampled_from([4, 4, 8, 2, 16, 32, 3]))
    tempos = st.tuples(times, st.sampled_from([120.0, 120.0, 60.0, 90.0, 100.5]))
    end = max([n["end_time"] for n in notes], default=0.0)
    total_time = draw(st.sampled_from([end, end, end + 1.0, end / 2]))
    return sequence(notes, draw(st.lists(signatures, max_size=max_timing_events)),
                    draw(st.lists(tempos, max_size=max_timing_events)), total_time)
