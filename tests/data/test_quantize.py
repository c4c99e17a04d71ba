import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from symphonia.data.notes import TimedSequence
from symphonia.data.quantize import (
    BadTimeSignatureError,
    MultipleTempoError,
    MultipleTimeSignatureError,
    NegativeTimeError,
    quantize,
)
from tests.data.note_sequences import note, note_sequences, sequence
from tests.data.reference import sequences_lib

SAME_ERROR = {
    sequences_lib.MultipleTimeSignatureError: MultipleTimeSignatureError,
    sequences_lib.MultipleTempoError: MultipleTempoError,
    sequences_lib.BadTimeSignatureError: BadTimeSignatureError,
    sequences_lib.NegativeTimeError: NegativeTimeError,
}


def quantized(proto, steps_per_quarter=4):
    return quantize(TimedSequence.from_proto(proto), steps_per_quarter)


@settings(max_examples=100, deadline=None)
@given(note_sequences(max_timing_events=2), st.sampled_from([1, 2, 3, 4]))
def test_same_steps_and_errors_as_note_seq(proto, steps_per_quarter):
    try:
        reference = sequences_lib.quantize_note_sequence(proto, steps_per_quarter)
    except tuple(SAME_ERROR) as error:
        with pytest.raises(SAME_ERROR[type(error)]):
            quantized(proto, steps_per_quarter)
        return
    ours = quantized(proto, steps_per_quarter)
    assert ours.notes.start.tolist() == [n.quantized_start_step for n in reference.notes]
    assert ours.notes.end.tolist() == [n.quantized_end_step for n in reference.notes]
    assert ours.total_steps == reference.total_quantized_steps
    signature = reference.time_signatures[0]
    assert (ours.time_signature.numerator, ours.time_signature.denominator) == (
        signature.numerator, signature.denominator)
    assert ours.qpm == reference.tempos[0].qpm


def test_times_round_half_up_and_short_notes_last_one_step():
    proto = sequence([dict(pitch=60, start_time=0.0625, end_time=0.0625),
                      dict(pitch=62, start_time=0.06, end_time=0.3)])
    notes = quantized(proto).notes
    assert notes.start.tolist() == [1, 0]
    assert notes.end.tolist() == [2, 2]


def test_total_steps_reach_the_last_note_end():
    assert quantized(sequence([note(60, 0, 10)], total_time=0.5)).total_steps == 10
    assert quantized(sequence([note(60, 0, 10)], total_time=2.0)).total_steps == 16


@pytest.mark.parametrize("signature", [(0.0, 3, 3), (0.0, 0, 4), (0.0, 4, 0)])
def test_unusable_time_signatures_are_refused(signature):
    with pytest.raises(BadTimeSignatureError):
        quantized(sequence([note(60, 0, 4)], time_signatures=[signature]))


def test_changes_are_refused_even_implicit_ones():
    with pytest.raises(MultipleTimeSignatureError):
        quantized(sequence([note(60, 0, 4)], time_signatures=[(0.25, 3, 4)]))
    with pytest.raises(MultipleTempoError):
        quantized(sequence([note(60, 0, 4)], tempos=[(0.0, 120.0), (0.25, 90.0)]))


def test_the_first_signature_in_the_proto_wins_when_the_earliest_is_at_zero():
    # note-seq compares later signatures with the first *listed*, never the earliest with it.
    piece = quantized(sequence([note(60, 0, 4)], time_signatures=[(1.0, 3, 4), (0.0, 4, 4)]))
    assert (piece.time_signature.numerator, piece.time_signature.denominator) == (3, 4)


def test_times_within_half_a_step_before_zero_round_to_zero():
    assert quantized(sequence([dict(pitch=60, start_time=-0.05, end_time=0.5)])).notes.start.tolist() == [0]
    with pytest.raises(NegativeTimeError):
        quantized(sequence([dict(pitch=60, start_time=-0.2, end_time=0.5)]))
