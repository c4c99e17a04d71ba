"""Small synthetic 2-bar melodies and drum patterns for the MusicVAE tests, built in code."""

from symphonia.tfrecord import AtomicRecordWriter
from tests.data.note_sequences import drum, note, sequence

STEPS = 32  # two 4/4 bars of 16th notes


def two_bar_melody(index):
    """A distinct 2-bar melody: a rhythm and a pitch contour picked by ``index``, lasting exactly 2 bars."""
    duration = (2, 4, 8)[index % 3]
    pitches = [60 + (index * 5 + 3 * k * (1 + index % 4)) % 24 for k in range(STEPS // duration)]
    return sequence([note(p, k * duration, (k + 1) * duration) for k, p in enumerate(pitches)])


def two_bar_drums(index):
    """A distinct 2-bar drum pattern: kick, snare and hi-hat at spacings picked by ``index``."""
    hits = [drum(36, step) for step in range(0, STEPS, 4 + 4 * (index % 2))]
    hits += [drum(38, step) for step in range(4 + index % 4, STEPS, 8)]
    hits += [drum(42, step) for step in range(0, STEPS, 2 + index % 3)]
    return sequence(hits, total_time=STEPS * 0.125)


def write_note_sequences(path, sequences):
    with AtomicRecordWriter(path) as writer:
        for ns in sequences:
            writer.write(ns.SerializeToString())
    return str(path)


def long_melody(index, bars):
    """:func:`two_bar_melody` patterns ``index``, ``index + 1``... one after the other for ``bars`` (even) bars."""
    melody = two_bar_melody(index)
    for part in range(1, bars // 2):
        for played in two_bar_melody(index + part).notes:
            melody.notes.add().CopyFrom(played)
            melody.notes[-1].start_time += part * STEPS * 0.125
            melody.notes[-1].end_time += part * STEPS * 0.125
    melody.total_time = bars // 2 * STEPS * 0.125
    return melody


def four_bar_trio(index):
    """Melody (program 0), bass (program 33) and drums playing together for 4 bars, varied by ``index``."""
    melody = [note(60 + (index * 7 + 2 * k) % 12, 4 * k, 4 * k + 2 + index % 3) for k in range(16)]
    bass = [note(36 + (index + 5 * k) % 7, 8 * k, 8 * k + 8, instrument=1, program=33) for k in range(8)]
    drums = [drum(36 if step % 8 == 0 else 42, step) for step in range(0, 64, 2 + index % 2)]
    return sequence(melody + bass + drums, total_time=64 * 0.125)
