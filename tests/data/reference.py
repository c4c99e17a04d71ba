"""Magenta's create_dataset stages run through note-seq: the oracle of the differential tests.

note-seq holds the splitting, the quantizing and the ``Melody``, ``DrumTrack``
and ``PianorollSequence`` classes that do the real work. The short loops around
them live in Magenta's pipeline modules, which need TensorFlow and cannot be
imported here, so they are restated below from Magenta's documented behaviour
(spec sections 2.2, 3.4, 4.4, 5.1, 5.4 and 6.6), one stage per function, with
the same statistic names. Everything is plain per-note Python on protos: slow,
obvious, and independent of the numpy code under test.
"""

import collections
import math

from symphonia.music.note_seq_modules import import_note_seq_module
from symphonia.music.proto import NoteSequence

sequences_lib = import_note_seq_module("sequences_lib")
events_lib = import_note_seq_module("events_lib")
melodies_lib = import_note_seq_module("melodies_lib")
drums_lib = import_note_seq_module("drums_lib")
pianoroll_lib = import_note_seq_module("pianoroll_lib")

QUANTIZER_ERRORS = {
    sequences_lib.MultipleTimeSignatureError: "sequences_discarded_because_multiple_time_signatures",
    sequences_lib.MultipleTempoError: "sequences_discarded_because_multiple_tempos",
    sequences_lib.BadTimeSignatureError: "sequences_discarded_because_bad_time_signature",
}
BAR_BUCKETS = [0, 1, 10, 20, 30, 40, 50, 100, 200, 500, 1000]


def min_bars_buckets(min_bars):
    return [0, 1, 10, 20, 30, 40, 50, 100, 200, 500, min_bars // 2, min_bars, min_bars + 1, min_bars - 1]


def histogram_key(name, value, lower_bounds):
    """The key our Counters give the bucket of Magenta's Histogram holding ``value``."""
    bounds = [-math.inf, *sorted(set(lower_bounds)), math.inf]
    for low, high in zip(bounds, bounds[1:]):
        if low <= value < high:
            return f"{name}[{low},{high})"
    raise ValueError(value)


def quantized_pieces(sequence, steps_per_quarter, stats):
    """TimeChangeSplitter then Quantizer (plus our counts of cuts and empty inputs)."""
    pieces = sequences_lib.split_note_sequence_on_time_changes(sequence)
    if not pieces:
        stats["sequences_discarded_because_empty"] += 1
    stats["time_change_splits"] += max(len(pieces) - 1, 0)  # a zero count equals a missing one
    quantized = []
    for piece in pieces:
        try:
            quantized.append(sequences_lib.quantize_note_sequence(piece, steps_per_quarter))
        except tuple(QUANTIZER_ERRORS) as error:
            stats[QUANTIZER_ERRORS[type(error)]] += 1
    return quantized


def transpositions(quantized, amounts, stats):
    """TranspositionPipeline: a deep copy per amount, pitched notes moved, out-of-range copies dropped."""
    copies = []
    for amount in amounts:
        copy = NoteSequence()
        copy.CopyFrom(quantized)
        in_range = True
        for n in copy.notes:
            if not n.is_drum:
                n.pitch += amount
                in_range = in_range and 0 <= n.pitch <= 127
        if in_range:
            copies.append(copy)
        else:
            stats["skipped_due_to_range_exceeded"] += 1
    stats["transpositions_generated"] += len(copies)
    return copies


def melodies(sequence, options):
    stats = collections.Counter()
    found = []
    for piece in quantized_pieces(sequence, options.steps_per_quarter, stats):
        for copy in transpositions(piece, options.transposition_range, stats):
            found += melody_extractor(copy, options, stats)
    return [list(m) for m in found], stats


def melody_extractor(quantized, options, stats):
    """MelodyExtractor: extract_melodies, all of it lost on a bar of a fractional number of steps."""
    local = collections.Counter()
    try:
        found = extract_melodies(quantized, options, local)
    except events_lib.NonIntegerStepsPerBarError:
        stats["non_integer_steps_per_bar"] += 1
        return []
    stats.update(local)
    return found


def extract_melodies(quantized, options, stats):
    steps_per_bar = int(sequences_lib.steps_per_bar_in_quantized_sequence(quantized))
    found = []
    for instrument in {n.instrument for n in quantized.notes}:
        search_start = 0
        while True:
            melody = melodies_lib.Melody()
            try:
                melody.from_quantized_sequence(
                    quantized, search_start_step=search_start, instrument=instrument, gap_bars=options.gap_bars,
                    ignore_polyphonic_notes=options.ignore_polyphonic_notes, filter_drums=options.filter_drums)
            except melodies_lib.PolyphonicMelodyError:
                stats["polyphonic_tracks_discarded"] += 1
                break
            search_start = melody.end_step + (-melody.end_step) % steps_per_bar
            if not melody:
                break
            if len(melody) < melody.steps_per_bar * options.min_bars:
                stats["melodies_discarded_too_short"] += 1
                continue
            if options.max_steps_discard is not None and len(melody) > options.max_steps_discard:
                stats["melodies_discarded_too_long"] += 1
                continue
            if options.max_steps_truncate is not None and len(melody) > options.max_steps_truncate:
                melody.set_length(options.max_steps_truncate)
                stats["melodies_truncated"] += 1
            if sum(1 for count in melody.get_note_histogram() if count) < options.min_unique_pitches:
                stats["melodies_discarded_too_few_pitches"] += 1
                continue
            stats[histogram_key("melody_lengths_in_bars", len(melody) // melody.steps_per_bar,
                                min_bars_buckets(options.min_bars))] += 1
            found.append(melody)
    return found


def drum_tracks(sequence, options):
    stats = collections.Counter()
    found = []
    for piece in quantized_pieces(sequence, options.steps_per_quarter, stats):
        try:
            found += extract_drum_tracks(piece, options, stats)
        except events_lib.NonIntegerStepsPerBarError:
            stats["non_integer_steps_per_bar"] += 1
    return [list(track) for track in found], stats


def extract_drum_tracks(quantized, options, stats):
    steps_per_bar = int(sequences_lib.steps_per_bar_in_quantized_sequence(quantized))
    found = []
    search_start = 0
    while True:
        track = drums_lib.DrumTrack()
        track.from_quantized_sequence(quantized, search_start_step=search_start, gap_bars=options.gap_bars)
        search_start = track.end_step + (-track.end_step) % steps_per_bar
        if not track:
            return found
        if len(track) < track.steps_per_bar * options.min_bars:
            stats["drum_tracks_discarded_too_short"] += 1
            continue
        if options.max_steps_discard is not None and len(track) > options.max_steps_discard:
            stats["drum_tracks_discarded_too_long"] += 1
            continue
        if options.max_steps_truncate is not None and len(track) > options.max_steps_truncate:
            track.set_length(options.max_steps_truncate)
            stats["drum_tracks_truncated"] += 1
        stats[histogram_key("drum_track_lengths_in_bars", len(track) // track.steps_per_bar,
                            min_bars_buckets(options.min_bars))] += 1
        found.append(track)


def pianorolls(sequence, options):
    stats = collections.Counter()
    found = []
    for piece in quantized_pieces(sequence, options.steps_per_quarter, stats):
        for copy in transpositions(piece, options.transposition_range, stats):
            found += extract_pianoroll(copy, options, stats)
    return [list(roll) for roll in found], stats


def extract_pianoroll(quantized, options, stats):
    if len({n.program for n in quantized.notes}) > 1:
        stats["pianoroll_tracks_discarded_more_than_1_program"] += 1
        return []
    roll = pianoroll_lib.PianorollSequence(quantized_sequence=quantized)
    steps = roll.num_steps
    if steps < options.min_steps:
        stats["pianoroll_tracks_discarded_too_short"] += 1
        return []
    if options.max_steps_truncate is not None and steps > options.max_steps_truncate:
        stats["pianoroll_tracks_truncated_too_long"] += 1
        roll.set_length(options.max_steps_truncate)
    bars = steps // sequences_lib.steps_per_bar_in_quantized_sequence(quantized)
    stats[histogram_key("pianoroll_track_lengths_in_bars", bars, BAR_BUCKETS)] += 1
    return [roll]


START, END, STEP_END, NEW_NOTE, CONTINUED_NOTE = range(5)


def polyphonic_sequences(sequence, options):
    stats = collections.Counter()
    found = []
    for piece in quantized_pieces(sequence, options.steps_per_quarter, stats):
        for copy in transpositions(piece, options.transposition_range, stats):
            found += extract_polyphonic_sequence(copy, options, stats)
    return found, stats


def extract_polyphonic_sequence(quantized, options, stats):
    if len({n.program for n in quantized.notes}) > 1:
        stats["polyphonic_tracks_discarded_more_than_1_program"] += 1
        return []
    events = polyphonic_events(quantized)
    steps = sum(1 for event in events if event[0] == STEP_END)
    if steps < options.min_steps:
        stats["polyphonic_tracks_discarded_too_short"] += 1
        return []
    if steps > options.max_steps:
        stats["polyphonic_tracks_discarded_too_long"] += 1
        return []
    bars = steps // sequences_lib.steps_per_bar_in_quantized_sequence(quantized)
    stats[histogram_key("polyphonic_track_lengths_in_bars", bars, BAR_BUCKETS)] += 1
    return [events]


def polyphonic_events(quantized):
    """Spec 5.1, step by step: ends, then held notes, then new ones; highest pitch first."""
    starting = collections.defaultdict(list)
    ending = collections.defaultdict(list)
    for n in quantized.notes:
        starting[n.quantized_start_step].append(n.pitch)
        ending[n.quantized_end_step].append(n.pitch)
    events = [(START, 0)]
    sounding = []
    for step in range(quantized.total_quantized_steps):
        for pitch in ending[step]:
            sounding.remove(pitch)
        this_step = [(CONTINUED_NOTE, pitch) for pitch in sounding]
        this_step += [(NEW_NOTE, pitch) for pitch in starting[step]]
        sounding += starting[step]
        events += sorted(this_step, key=lambda event: event[1], reverse=True)
        events.append((STEP_END, 0))
    events.append((END, 0))
    return events
