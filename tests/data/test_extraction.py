import collections

import pytest

from symphonia.data.extraction import count_length, quantized_pieces
from tests.data.note_sequences import note, sequence


def stats_of(proto):
    stats = collections.Counter()
    pieces = quantized_pieces(proto, 4, stats)
    return pieces, stats


def test_a_tempo_change_gives_two_quantized_pieces():
    pieces, stats = stats_of(sequence([note(60, 0, 8), note(62, 8, 16)], tempos=[(0.0, 120.0), (1.0, 60.0)]))
    assert [piece.qpm for piece in pieces] == [120.0, 60.0]
    assert [piece.total_steps for piece in pieces] == [8, 4]
    assert stats == collections.Counter({"time_change_splits": 1})


@pytest.mark.parametrize("proto, stat", [
    (sequence([]), "sequences_discarded_because_empty"),
    (sequence([note(60, 0, 4)], time_signatures=[(0.0, 5, 6)]), "sequences_discarded_because_bad_time_signature"),
    (sequence([dict(pitch=60, start_time=0.0, end_time=-1.0)], total_time=1.0),
     "sequences_discarded_because_negative_time"),
    (sequence([dict(pitch=60, start_time=1.0, end_time=0.5)], total_time=2.0),
     "sequences_discarded_because_note_ends_before_start"),
])
def test_pieces_that_cannot_be_used_are_counted(proto, stat):
    pieces, stats = stats_of(proto)
    assert pieces == [] and stats == collections.Counter({stat: 1})


@pytest.mark.parametrize("value, key", [(7, "x[7,8)"), (8, "x[8,10)"), (-1, "x[-inf,0)"), (600, "x[500,inf)")])
def test_lengths_land_in_magentas_histogram_buckets(value, key):
    stats = collections.Counter()
    count_length(stats, "x", value, (0, 1, 10, 500, 3, 7, 8, 6))
    assert stats == collections.Counter({key: 1})
