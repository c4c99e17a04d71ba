"""What every family's extraction shares: its result type, its statistics, its first stages.

Each ``extract_<family>`` turns one NoteSequence into event sequences the way
the family's Magenta ``create_dataset`` pipeline does after the train / eval
split: cut on time changes, quantize, (transpose), extract. Statistics are a
``collections.Counter`` keyed by Magenta's names, so they add up across
sequences with ``+`` and a zero count is simply absent. Magenta's length
histograms become keys ``"<name>[low,high)"``, one per bucket hit.
"""

import bisect
import collections
import dataclasses

from symphonia.data.notes import TimedSequence
from symphonia.data.quantize import (
    BadTimeSignatureError,
    MultipleTempoError,
    MultipleTimeSignatureError,
    NegativeTimeError,
    QuantizationError,
    quantize,
)
from symphonia.data.time_changes import split_on_time_changes

# Lower bounds of the buckets of Magenta's length histograms, in bars.
LENGTH_BUCKETS = (0, 1, 10, 20, 30, 40, 50, 100, 200, 500, 1000)

_DISCARD_STAT = {
    MultipleTimeSignatureError: "sequences_discarded_because_multiple_time_signatures",
    MultipleTempoError: "sequences_discarded_because_multiple_tempos",
    BadTimeSignatureError: "sequences_discarded_because_bad_time_signature",
    NegativeTimeError: "sequences_discarded_because_negative_time",
}


@dataclasses.dataclass(frozen=True)
class Extraction:
    """The event sequences taken from one NoteSequence, and why others were not."""

    events: list
    stats: collections.Counter


def quantized_pieces(sequence, steps_per_quarter, stats, keep_notes=None):
    """The quantized pieces of a NoteSequence between its time changes.

    Pieces that cannot be quantized are counted and left out, as Magenta's
    ``Quantizer`` does; beyond Magenta, which crashes on them, so are pieces
    with a note ending before it starts (``..._negative_time``,
    ``..._note_ends_before_start``) and sequences without a positive
    ``total_time`` (``sequences_discarded_because_empty``).
    ``time_change_splits`` counts the cuts.

    ``keep_notes(notes) -> bool mask``, when given, selects each piece's notes
    after the cut and before quantizing: where MusicVAE's melody converter
    drops notes outside its programs and pitch range, so a dropped note can
    no longer make a piece unquantizable.
    """
    pieces = split_on_time_changes(TimedSequence.from_proto(sequence))
    if not pieces:
        stats["sequences_discarded_because_empty"] += 1
    elif len(pieces) > 1:
        stats["time_change_splits"] += len(pieces) - 1
    quantized = []
    for piece in pieces:
        if keep_notes is not None:
            piece = dataclasses.replace(piece, notes=piece.notes.take(keep_notes(piece.notes)))
        try:
            piece = quantize(piece, steps_per_quarter)
        except QuantizationError as error:
            stats[_DISCARD_STAT[type(error)]] += 1
            continue
        if (piece.notes.end < piece.notes.start).any():
            stats["sequences_discarded_because_note_ends_before_start"] += 1
            continue
        quantized.append(piece)
    return quantized


def count_length(stats, name, value, buckets=LENGTH_BUCKETS, times=1):
    """Counts ``value`` (``times`` times) in the bucket of Magenta's histogram ``name`` holding it.

    Buckets are lower bounds, as in Magenta's ``statistics.Histogram``; values
    below the lowest fall in ``[-inf, lowest)``.
    """
    bounds = [float("-inf"), *sorted(set(buckets)), float("inf")]
    low = bisect.bisect_right(bounds, value) - 1
    stats[f"{name}[{bounds[low]},{bounds[low + 1]})"] += times


def min_bars_buckets(min_bars):
    """The buckets of Magenta's melody and drum-track histograms, finer around ``min_bars``."""
    return (0, 1, 10, 20, 30, 40, 50, 100, 200, 500, min_bars // 2, min_bars, min_bars + 1, min_bars - 1)
