import numpy as np
from hypothesis import given, settings

from symphonia.data.notes import TimedSequence
from symphonia.data.time_changes import split_on_time_changes
from tests.data.note_sequences import note, note_sequences, sequence
from tests.data.reference import sequences_lib


def note_rows(piece):
    notes = piece.notes
    return list(zip(notes.pitch.tolist(), notes.velocity.tolist(), notes.instrument.tolist(),
                    notes.program.tolist(), notes.is_drum.tolist(), notes.start.tolist(), notes.end.tolist()))


def proto_rows(piece):
    return [(n.pitch, n.velocity, n.instrument, n.program, n.is_drum, n.start_time, n.end_time) for n in piece.notes]


@settings(max_examples=80, deadline=None)
@given(note_sequences())
def test_pieces_are_note_seqs(proto):
    ours = split_on_time_changes(TimedSequence.from_proto(proto))
    theirs = sequences_lib.split_note_sequence_on_time_changes(proto)
    assert len(ours) == len(theirs)
    for mine, reference in zip(ours, theirs):
        assert note_rows(mine) == proto_rows(reference)
        assert mine.total_time == reference.total_time
        assert [tuple(s) for s in mine.time_signatures] == [
            (s.time, s.numerator, s.denominator) for s in reference.time_signatures]
        assert [tuple(t) for t in mine.tempos] == [(t.time, t.qpm) for t in reference.tempos]


def test_a_tempo_change_cuts_a_held_note_and_restarts_time():
    proto = sequence([note(60, 0, 40), note(62, 40, 48)], tempos=[(0.0, 120.0), (4.0, 60.0)])
    first, second = split_on_time_changes(TimedSequence.from_proto(proto))
    assert first.notes.end.tolist() == [4.0] and first.tempos[0].qpm == 120.0
    assert second.notes.start.tolist() == [1.0] and second.notes.end.tolist() == [2.0]
    assert second.tempos[0].time == 0.0 and second.tempos[0].qpm == 60.0 and second.total_time == 2.0


def test_restated_tempos_and_meters_cut_nothing():
    proto = sequence([note(60, 0, 64)], time_signatures=[(0.0, 4, 4), (2.0, 4, 4)],
                     tempos=[(0.0, 120.0), (3.0, 120.0)])
    pieces = split_on_time_changes(TimedSequence.from_proto(proto))
    assert len(pieces) == 1 and len(pieces[0].tempos) == 2


def test_a_sequence_without_duration_has_no_piece():
    assert split_on_time_changes(TimedSequence.from_proto(sequence([]))) == []


def test_notes_from_total_time_on_are_dropped():
    proto = sequence([note(60, 0, 8), note(62, 8, 8)], total_time=1.0)
    (piece,) = split_on_time_changes(TimedSequence.from_proto(proto))
    assert np.array_equal(piece.notes.pitch, [60])
