"""Monophonic melodies, found the way Magenta's ``melody_rnn_create_dataset`` finds them.

A melody is an int64 array, one event per step: ``NO_EVENT`` (-2, whatever
sounded goes on), ``NOTE_OFF`` (-1) or a MIDI pitch (a note starts). Each
instrument is searched on its own (drums and silent notes skipped), and its
notes are read in onset order, highest first:

* a note cuts the one before it short, so the melody follows the latest onset;
* a melody ends when a note starts ``gap_bars`` bars or more after the
  previous note ended; the search resumes at the next bar line;
* a melody starts on the bar line at or before its first note, where "first note"
  counts the instrument's drums and silent notes too (a Magenta corner kept);
* two notes starting together make the instrument polyphonic: its later
  melodies are abandoned (or, with ``ignore_polyphonic_notes``, the lower notes
  are dropped).

Melodies shorter than ``min_bars`` are discarded, longer ones truncated to
``max_steps_truncate``, then those with fewer than ``min_unique_pitches``
pitch classes discarded. The statistics are Magenta's.
"""

import collections
import dataclasses

import numpy as np

from symphonia.data.extraction import Extraction, count_length, min_bars_buckets, quantized_pieces
from symphonia.data.transpose import transposed, transposition_amounts

NO_EVENT = -2
NOTE_OFF = -1
NOTES_PER_OCTAVE = 12


@dataclasses.dataclass(frozen=True)
class MelodyOptions:
    """Magenta's ``melody_rnn_create_dataset`` settings (its ``MelodyExtractor``'s)."""

    steps_per_quarter: int = 4
    transposition_range: tuple[int, ...] = (0,)
    min_bars: int = 7
    max_steps_truncate: int | None = 512
    max_steps_discard: int | None = None
    min_unique_pitches: int = 5
    gap_bars: float = 1.0
    ignore_polyphonic_notes: bool = False
    filter_drums: bool = True
    # MusicVAE's converters: each melody runs on with no-events to the next bar line (its last
    # note turned off there) and is truncated to whole bars, so it ends where a bar does.
    pad_end: bool = False


def extract_melodies(sequence, options=MelodyOptions()):
    """The melodies of a NoteSequence, with per-stage statistics.

    Returns
    -------
    Extraction
        ``events``: list of int64 arrays; ``stats``: a Counter.
    """
    stats = collections.Counter()
    melodies = []
    for piece in quantized_pieces(sequence, options.steps_per_quarter, stats):
        for amount in transposition_amounts(piece, options.transposition_range, stats):
            melodies += melodies_in(transposed(piece, amount), options, stats)
    return Extraction(melodies, stats)


def melodies_in(sequence, options, stats):
    """The melodies of one :class:`~symphonia.data.quantize.QuantizedSequence`."""
    notes = sequence.notes
    if not len(notes):
        return []  # no instrument to search: Magenta does not even look at the meter
    steps_per_bar = sequence.steps_per_bar
    if steps_per_bar % 1:
        stats["non_integer_steps_per_bar"] += 1
        return []
    melodies = []
    for instrument in _instruments_in_set_order(notes.instrument):
        melodies += _track_melodies(notes, instrument, int(steps_per_bar), options, stats)
    return melodies


def _instruments_in_set_order(instruments):
    """The distinct instruments, in the order Magenta visits them.

    Magenta loops over a Python ``set`` of the notes' instruments, whose order
    can depend on the order members were first added; building the set the same
    way gives the same melodies in the same order.
    """
    values, first_seen = np.unique(instruments, return_index=True)
    return set(values[np.argsort(first_seen)].tolist())


def _track_melodies(notes, instrument, steps_per_bar, options, stats):
    in_track = notes.instrument == instrument
    track_onsets = np.sort(notes.start[in_track])
    playable = in_track & (notes.velocity != 0)
    if options.filter_drums:
        playable &= ~notes.is_drum
    index = np.flatnonzero(playable)
    index = index[np.lexsort((-notes.pitch[index], notes.start[index]))]
    if not len(index):
        return []
    start, end, pitch = notes.start[index], notes.end[index], notes.pitch[index]
    if options.ignore_polyphonic_notes:
        highest = np.r_[True, start[1:] != start[:-1]]
        start, end, pitch = start[highest], end[highest], pitch[highest]
    # A melody stops after note k when note k + 1 starts a gap later; notes starting
    # with the one before them are chords.
    stops = np.flatnonzero(start[1:] - end[:-1] >= options.gap_bars * steps_per_bar)
    chords = np.flatnonzero(start[1:] == start[:-1]) + 1
    melodies = []
    search_from = 0
    while True:
        # Each search starts at a bar line and skips what lies before it (with
        # gap_bars < 1 that can be the notes just after a gap).
        first = int(np.searchsorted(start, search_from))
        if first == len(start):
            return melodies
        after = np.searchsorted(stops, first)
        last = int(stops[after]) if after < len(stops) else len(start) - 1
        if np.any((chords > first) & (chords <= last)):
            stats["polyphonic_tracks_discarded"] += 1
            return melodies
        onset = int(track_onsets[np.searchsorted(track_onsets, search_from)])
        bar = onset - (onset - search_from) % steps_per_bar
        last_end = int(end[last])
        search_from = last_end + -last_end % steps_per_bar
        run = slice(first, last + 1)
        melody = _kept_melody(start[run] - bar, end[run] - bar, pitch[run], last_end - bar, steps_per_bar, options,
                              stats)
        if melody is not None:
            melodies.append(melody)


def _kept_melody(start, end, pitch, length, steps_per_bar, options, stats):
    """The melody of one run of notes (steps relative to its first bar), or None if filtered out."""
    released_at = length
    if options.pad_end:
        length += -length % steps_per_bar
    if length < steps_per_bar * options.min_bars:
        stats["melodies_discarded_too_short"] += 1
        return None
    if options.max_steps_discard is not None and length > options.max_steps_discard:
        stats["melodies_discarded_too_long"] += 1
        return None
    if options.max_steps_truncate is not None and length > options.max_steps_truncate:
        length = options.max_steps_truncate - options.pad_end * (options.max_steps_truncate % steps_per_bar)
        stats["melodies_truncated"] += 1
    heard = start < length
    pitch_classes = np.unique(pitch[heard & (pitch >= 0)] % NOTES_PER_OCTAVE)
    if len(pitch_classes) < options.min_unique_pitches:
        stats["melodies_discarded_too_few_pitches"] += 1
        return None
    count_length(stats, "melody_lengths_in_bars", length // steps_per_bar, min_bars_buckets(options.min_bars))
    events = np.full(length, NO_EVENT, dtype=np.int64)
    # A note's release is heard only when the next note starts after it.
    release = end[:-1][end[:-1] < start[1:]]
    events[release[release < length]] = NOTE_OFF
    if released_at < length:  # padded: the last note stops where the padding starts
        events[released_at] = NOTE_OFF
    events[start[heard]] = pitch[heard]
    return events
