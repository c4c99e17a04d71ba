import numpy as np

from symphonia.data.notes import TimedSequence
from tests.data.note_sequences import note, sequence


def test_columns_keep_proto_order_and_fields():
    proto = sequence([note(64, 4, 8, velocity=90, instrument=2, program=33), note(60, 0, 4, is_drum=True)],
                     time_signatures=[(0.0, 3, 4)], tempos=[(0.0, 90.0)])
    timed = TimedSequence.from_proto(proto)
    assert timed.notes.pitch.tolist() == [64, 60] and timed.notes.velocity.tolist() == [90, 100]
    assert timed.notes.instrument.tolist() == [2, 0] and timed.notes.program.tolist() == [33, 0]
    assert timed.notes.is_drum.tolist() == [False, True]
    assert timed.notes.start.tolist() == [0.5, 0.0] and timed.notes.end.tolist() == [1.0, 0.5]
    assert timed.time_signatures == ((0.0, 3, 4),) and timed.tempos == ((0.0, 90.0),) and timed.total_time == 1.0


def test_musicxml_channel_10_is_drums_only_in_musicxml():
    notes = [note(38, 0, 1, instrument=10), note(60, 0, 1, instrument=1)]
    assert TimedSequence.from_proto(sequence(notes, musicxml=True)).notes.is_drum.tolist() == [True, False]
    assert TimedSequence.from_proto(sequence(notes)).notes.is_drum.tolist() == [False, False]


def test_an_empty_sequence_has_empty_columns():
    notes = TimedSequence.from_proto(sequence([])).notes
    assert len(notes) == 0 and notes.start.dtype == np.float64 and notes.pitch.dtype == np.int64
