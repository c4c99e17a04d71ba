"""Drum tracks, found the way Magenta's ``drums_rnn_create_dataset`` finds them.

A drum track is a boolean array ``[steps, 128]``: the MIDI drum pitches struck
at each step (what :mod:`symphonia.codecs.drums` encodes). All drum notes of a
piece, whatever their instrument, make one track; only onsets count, not
durations or silent (velocity 0) notes. A track starts on the bar line at or
before its first hit and ends at its last hit once the next hit is ``gap_bars`` bars
or more away (counted from the step after a hit); the search then resumes at
the next bar line. Tracks shorter than ``min_bars`` are discarded, longer ones
truncated to ``max_steps_truncate``. Drums are never transposed.

A note is a drum when its ``is_drum`` is set or, for MusicXML, when its part
plays on MIDI channel 10 (see :func:`symphonia.data.notes.drum_flags`).
"""

import collections
import dataclasses

import numpy as np

from symphonia.data.extraction import Extraction, count_length, min_bars_buckets, quantized_pieces

NUM_PITCHES = 128


@dataclasses.dataclass(frozen=True)
class DrumTrackOptions:
    """Magenta's ``drums_rnn_create_dataset`` settings (``one_drum`` uses 2 steps per quarter)."""

    steps_per_quarter: int = 4
    min_bars: int = 7
    max_steps_truncate: int | None = 512
    max_steps_discard: int | None = None
    gap_bars: float = 1.0
    # MusicVAE's drums converter: each track runs on in silence to the next bar line and is
    # truncated to whole bars, so it ends where a bar does.
    pad_end: bool = False


def extract_drum_tracks(sequence, options=DrumTrackOptions()):
    """The drum tracks of a NoteSequence, with per-stage statistics.

    Returns
    -------
    Extraction
        ``events``: list of bool arrays ``[steps, 128]``; ``stats``: a Counter.
    """
    stats = collections.Counter()
    tracks = []
    for piece in quantized_pieces(sequence, options.steps_per_quarter, stats):
        tracks += drum_tracks_in(piece, options, stats)
    return Extraction(tracks, stats)


def drum_tracks_in(sequence, options, stats):
    """The drum tracks of one :class:`~symphonia.data.quantize.QuantizedSequence`."""
    steps_per_bar = sequence.steps_per_bar
    if steps_per_bar % 1:
        stats["non_integer_steps_per_bar"] += 1
        return []
    steps_per_bar = int(steps_per_bar)
    notes = sequence.notes
    hits = notes.is_drum & (notes.velocity != 0)
    step, pitch = notes.start[hits], notes.pitch[hits]
    onsets = np.unique(step)
    # A track stops at hit k when hit k + 1 comes a gap after the step following it.
    stops = np.flatnonzero(onsets[1:] - (onsets[:-1] + 1) >= options.gap_bars * steps_per_bar)
    tracks = []
    search_from = 0
    while True:
        # Each search starts at a bar line and skips what lies before it (with
        # gap_bars < 1 that can be the hits just after a gap).
        first = int(np.searchsorted(onsets, search_from))
        if first == len(onsets):
            return tracks
        after = np.searchsorted(stops, first)
        last = int(onsets[stops[after]] if after < len(stops) else onsets[-1])
        onset = int(onsets[first])
        bar = onset - (onset - search_from) % steps_per_bar
        search_from = last + 1 + -(last + 1) % steps_per_bar
        length = _kept_length(last + 1 - bar, steps_per_bar, options, stats)
        if length is None:
            continue
        track = np.zeros((length, NUM_PITCHES), dtype=bool)
        # Pitches outside MIDI cannot be written as a column; no reader makes them.
        struck = (step >= bar) & (step < bar + length) & (pitch >= 0) & (pitch < NUM_PITCHES)
        track[step[struck] - bar, pitch[struck]] = True
        tracks.append(track)


def _kept_length(length, steps_per_bar, options, stats):
    """The length a track keeps after Magenta's filters, or None if it is discarded."""
    if options.pad_end:
        length += -length % steps_per_bar
    if length < steps_per_bar * options.min_bars:
        stats["drum_tracks_discarded_too_short"] += 1
        return None
    if options.max_steps_discard is not None and length > options.max_steps_discard:
        stats["drum_tracks_discarded_too_long"] += 1
        return None
    if options.max_steps_truncate is not None and length > options.max_steps_truncate:
        length = options.max_steps_truncate - options.pad_end * (options.max_steps_truncate % steps_per_bar)
        stats["drum_tracks_truncated"] += 1
    count_length(stats, "drum_track_lengths_in_bars", length // steps_per_bar, min_bars_buckets(options.min_bars))
    return length
