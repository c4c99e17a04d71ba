import collections

import numpy as np

from symphonia.data.notes import TimedSequence
from symphonia.data.quantize import quantize
from symphonia.data.transpose import transposed, transposition_amounts, uniform_shifts
from tests.data.note_sequences import drum, note, sequence


def quantized(notes):
    return quantize(TimedSequence.from_proto(sequence(notes)), 4)


def test_copies_leaving_midi_are_counted_and_dropped_in_order():
    stats = collections.Counter()
    piece = quantized([note(2, 0, 4), note(125, 0, 4), drum(0, 0)])
    assert transposition_amounts(piece, range(-4, 5), stats) == [-2, -1, 0, 1, 2]
    assert stats == collections.Counter({"skipped_due_to_range_exceeded": 4, "transpositions_generated": 5})


def test_an_amount_of_zero_is_checked_too():
    stats = collections.Counter()
    assert transposition_amounts(quantized([note(128, 0, 4)]), (0,), stats) == []
    assert stats == collections.Counter({"skipped_due_to_range_exceeded": 1})


def test_drums_do_not_move():
    piece = transposed(quantized([note(60, 0, 4), drum(36, 0)]), 3)
    assert np.array_equal(piece.notes.pitch, [63, 36])


def test_notes_move_alike_unless_drums_and_pitched_notes_mix():
    assert uniform_shifts(quantized([note(60, 0, 4)]), [-1, 2]) == [-1, 2]
    assert uniform_shifts(quantized([drum(36, 0)]), [-1, 2]) == [0, 0]
    assert uniform_shifts(quantized([note(60, 0, 4), drum(36, 0)]), [-1, 2]) is None
