"""Cutting a sequence wherever its tempo or time signature changes.

Quantizing to steps per quarter needs one tempo and one meter, so, like
Magenta's ``TimeChangeSplitter`` (note-seq's ``split_note_sequence_on_time_changes``),
a sequence is cut at every real change and each piece is shifted to start at 0;
every piece goes on to extraction. The result is note-seq's, piece for piece:
notes sounding across a cut are shortened to it, a note starting at or after
the sequence's ``total_time`` is dropped, and a piece's ``total_time`` becomes
the latest end of its notes.
"""

import numpy as np

from symphonia.data.notes import TimedSequence, TimeSignature

DEFAULT_METER = (4, 4)
DEFAULT_QPM = 120.0


def split_on_time_changes(sequence):
    """The pieces of ``sequence`` between tempo and time-signature changes.

    Returns an empty list for a sequence whose ``total_time`` is not positive,
    and one piece when nothing changes.
    """
    cuts = _cut_times(sequence)
    if len(cuts) < 2:
        return []
    notes = sequence.notes
    order = np.argsort(notes.start, kind="stable")
    piece_of_note = np.searchsorted(cuts, notes.start[order], side="right") - 1
    inside = (piece_of_note >= 0) & (piece_of_note < len(cuts) - 1)
    order, piece_of_note = order[inside], piece_of_note[inside]
    pieces = []
    for piece in range(len(cuts) - 1):
        begin, end = cuts[piece], cuts[piece + 1]
        mine = order[piece_of_note == piece]
        start = notes.start[mine] - begin
        stop = np.minimum(notes.end[mine], end) - begin
        pieces.append(TimedSequence(
            notes.take(mine).replace(start=start, end=stop),
            _events_in_piece(sequence.time_signatures, begin, end),
            _events_in_piece(sequence.tempos, begin, end),
            max(0.0, float(stop.max())) if len(stop) else 0.0))
    return pieces


def _cut_times(sequence):
    """0, the time of every real change (strictly increasing), then ``total_time``.

    A change is judged against the meter and tempo in force just before it,
    starting from 4/4 at 120 qpm; events restating the current value, and
    events at or after ``total_time``, cut nothing. Time signatures are visited
    before tempos at the same time.
    """
    changes = sorted([*sequence.time_signatures, *sequence.tempos], key=lambda event: event.time)
    meter, qpm = DEFAULT_METER, DEFAULT_QPM
    cuts = [0.0]
    for event in changes:
        if event.time >= sequence.total_time:
            continue
        if isinstance(event, TimeSignature):
            if (event.numerator, event.denominator) == meter:
                continue
            meter = (event.numerator, event.denominator)
        else:
            if event.qpm == qpm:
                continue
            qpm = event.qpm
        if event.time > cuts[-1]:
            cuts.append(event.time)
    if sequence.total_time > cuts[-1]:
        cuts.append(sequence.total_time)
    return cuts


def _events_in_piece(events, begin, end):
    """The timing events a piece keeps, as note-seq keeps them.

    First the state in force at the piece's beginning, moved to time 0: the last
    event (in time order, ties in proto order) at or before ``begin``. Then the
    events strictly inside the piece, shifted. An event exactly on a cut belongs
    to the next piece's state only.
    """
    in_time_order = sorted(events, key=lambda event: event.time)
    before = [event for event in in_time_order if event.time <= begin]
    kept = [before[-1]._replace(time=0.0)] if before else []
    kept += [event._replace(time=event.time - begin) for event in in_time_order if begin < event.time < end]
    return tuple(kept)

