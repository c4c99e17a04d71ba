"""Drums RNN generation: primer NoteSequence -> drum track -> continued tracks -> NoteSequences.

As in Magenta: every note of the primer counts as a drum hit, whatever its
``is_drum`` (a primer typed as pitches works), durations are ignored, and the
track starts on the bar line before the first hit. Each generated hit lasts
one step, on MIDI channel 10 (instrument 9), velocity 100.

Generation starts one step after the primer's last note ends, where
Magenta's script means it to (its quantization adds a second, silent step).
"""

import collections
import math

import numpy as np

from symphonia.data.drum_tracks import DrumTrackOptions, drum_tracks_in
from symphonia.generation.note_sequences import sequence_from_notes

NUM_PITCHES = 128
DRUM_INSTRUMENT = 9


def primer_drum_track(quantized):
    """The primer's drum track ``[T, 128]`` and the step it starts at, or None if it has no hit."""
    notes = quantized.notes.replace(is_drum=np.ones(len(quantized.notes), dtype=bool))
    options = DrumTrackOptions(steps_per_quarter=quantized.steps_per_quarter, min_bars=0, max_steps_truncate=None,
                               gap_bars=math.inf)
    tracks = drum_tracks_in(quantized.replace(notes=notes), options, collections.Counter())
    if not tracks:
        return None
    first_hit = int(notes.start[notes.velocity != 0].min())
    return tracks[0], first_hit - first_hit % int(quantized.steps_per_bar)


def set_track_length(events, length):
    """The drum track cut or padded with silent steps to ``length`` steps."""
    track = np.zeros((length, NUM_PITCHES), dtype=bool)
    kept = min(length, len(events))
    track[:kept] = events[:kept]
    return track


def drum_sequence(events, start_step, qpm, steps_per_quarter):
    """A NoteSequence of a drum track starting at ``start_step``: one-step hits, drums, instrument 9."""
    steps, pitches = np.nonzero(np.asarray(events, dtype=bool))
    return sequence_from_notes(pitches, steps + start_step, steps + start_step + 1, qpm, steps_per_quarter,
                               is_drum=True, instrument=DRUM_INSTRUMENT)


def generate_drums(continuer, config, quantized, qpm, start_step, num_steps):
    """Continues the primer's drum track up to step ``num_steps``: one NoteSequence per output.

    ``continuer`` is a :class:`~symphonia.generation.events_rnn.rollout.Continuer`.
    """
    found = primer_drum_track(quantized)
    events, first_step = found if found is not None else (np.zeros((0, NUM_PITCHES), bool), max(0, start_step - 1))
    primer = set_track_length(events, start_step - first_step)
    return [drum_sequence(track, first_step, qpm, config.steps_per_quarter)
            for track in continuer.continue_events(primer, num_steps - start_step)]
