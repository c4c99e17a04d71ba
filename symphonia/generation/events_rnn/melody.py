"""Melody RNN generation: primer NoteSequence -> melody events -> continued melodies -> NoteSequences.

As in Magenta: the primer's melody is taken with lenient settings (any
length, one pitch class is enough, no gap ends it, the highest of
simultaneous notes wins), starting on the bar line before its first note;
it is squashed into the model's pitch range and key (section 3.5 of the
spec), continued, and the result transposed back. The output holds the
melody only (a chordal primer comes back as a single line).

Two differences: a primer with melodies on several instruments uses the
first (Magenta fails an assertion), and generation starts one step after
the primer's last note ends, where Magenta's script means it to (its
quantization adds a second, silent step).
"""

import collections
import math

import numpy as np
from absl import logging

from symphonia.codecs.melody import NO_EVENT, NOTE_OFF
from symphonia.data.melodies import MelodyOptions, melodies_in
from symphonia.data.squash import squash_melody
from symphonia.generation.note_sequences import sequence_from_notes

NOTES_PER_OCTAVE = 12
MIDI_PITCHES = 128


def primer_melody(quantized):
    """The primer's melody events and the step they start at, or None if it has no melody."""
    notes = quantized.notes
    options = MelodyOptions(steps_per_quarter=quantized.steps_per_quarter, min_bars=0, max_steps_truncate=None,
                            min_unique_pitches=1, gap_bars=math.inf, ignore_polyphonic_notes=True)
    playable = ~notes.is_drum & (notes.velocity != 0)
    instruments = np.unique(notes.instrument[playable])
    for instrument in instruments.tolist():
        piece = quantized.replace(notes=notes.take(notes.instrument == instrument))
        melodies = melodies_in(piece, options, collections.Counter())
        if melodies:
            if len(instruments) > 1:
                logging.warning("The primer has notes on %d instruments; its melody is taken from instrument %d.",
                                len(instruments), instrument)
            events = melodies[0]
            first_onset = int(notes.start[playable & (notes.instrument == instrument)].min())
            return events, first_onset - int(np.argmax(events >= 0))
    return None


def set_melody_length(events, length):
    """The melody cut or padded with no-events to ``length`` steps; a note held at the old end is turned off there."""
    events = np.asarray(events, dtype=np.int64)
    if length <= len(events):
        return events[:length].copy()
    padded = np.full(length, NO_EVENT, dtype=np.int64)
    padded[:len(events)] = events
    changes = events[events != NO_EVENT]
    if len(changes) and changes[-1] >= 0:
        padded[len(events)] = NOTE_OFF
    return padded


def melody_notes(events):
    """``(pitches, start_steps, end_steps)``: a note lasts until the next note-on or note-off, or the end."""
    events = np.asarray(events, dtype=np.int64)
    onsets = np.flatnonzero(events >= 0)
    changes = np.flatnonzero(events != NO_EVENT)
    following = np.searchsorted(changes, onsets, side="right")
    ends = np.append(changes, len(events))[following]
    return events[onsets], onsets, ends


def melody_sequence(events, start_step, qpm, steps_per_quarter):
    """A NoteSequence of melody events starting at ``start_step`` (instrument 0, program 0, velocity 100)."""
    pitches, starts, ends = melody_notes(events)
    return sequence_from_notes(pitches, starts + start_step, ends + start_step, qpm, steps_per_quarter)


def transpose_melody(events, amount):
    """Every note moved by ``amount`` semitones, folded by octaves back into MIDI's 0..127."""
    events = np.asarray(events, dtype=np.int64)
    pitch = events + amount
    top_octave = MIDI_PITCHES - NOTES_PER_OCTAVE
    folded = np.select([pitch < 0, pitch >= MIDI_PITCHES],
                       [pitch % NOTES_PER_OCTAVE, top_octave + (pitch - top_octave) % NOTES_PER_OCTAVE], pitch)
    return np.where(events >= 0, folded, events)


def note_range(codec):
    """The pitch range ``[min_note, max_note)`` a melody codec encodes."""
    owner = getattr(codec, "vocabulary", codec)  # one-hot and lookback codecs keep it in their vocabulary
    return owner.min_note, owner.max_note


def melody_primer_events(quantized, start_step):
    """The primer's melody up to ``start_step`` and the step it starts at (one silent step if there is none)."""
    found = primer_melody(quantized)
    events, first_step = (np.zeros(0, dtype=np.int64), max(0, start_step - 1)) if found is None else found
    return set_melody_length(events, start_step - first_step), first_step


def generate_melodies(continuer, config, quantized, qpm, start_step, num_steps):
    """Continues the primer's melody up to step ``num_steps``: one NoteSequence per output.

    ``continuer`` is a :class:`~symphonia.generation.events_rnn.rollout.Continuer`.
    """
    events, first_step = melody_primer_events(quantized, start_step)
    low, high = note_range(continuer.codec)
    squashed, amount = squash_melody(events, low, high, config.transpose_to_key)
    return [melody_sequence(transpose_melody(melody, -amount), first_step, qpm, config.steps_per_quarter)
            for melody in continuer.continue_events(squashed, num_steps - start_step)]
