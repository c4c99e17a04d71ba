"""Conversions between the codecs' numpy arrays and the event types note-seq uses.

They live with the tests because only the differential tests need note-seq's
own classes; the codecs speak numpy alone.
"""

import numpy as np
from note_seq import drums_lib, melodies_lib, pianoroll_lib
from note_seq.protobuf import music_pb2

from symphonia.codecs import drums, pianoroll


def melody(events):
    """A note-seq Melody (it turns leading note-offs into no-events)."""
    return melodies_lib.Melody([int(e) for e in events])


def melody_events(melody_):
    return np.array(list(melody_), dtype=np.int64)


def drum_track(sets):
    return drums_lib.DrumTrack([frozenset(int(p) for p in s) for s in sets])


def drum_roll(sets):
    """``[T, 128]`` boolean pitch masks of drum sets."""
    roll = np.zeros((len(sets), drums.NUM_PITCHES), dtype=bool)
    for step, pitches in enumerate(sets):
        roll[step, list(pitches)] = True
    return roll


def drum_sets(roll):
    return [frozenset(np.flatnonzero(row).tolist()) for row in np.asarray(roll)]


def pianoroll_sequence(frames):
    """A note-seq PianorollSequence whose events are the frames' sorted key tuples."""
    events = [tuple(np.flatnonzero(frame).tolist()) for frame in frames]
    return pianoroll_lib.PianorollSequence(events_list=events, steps_per_quarter=4)


def pianoroll_frames(sequence):
    frames = np.zeros((len(sequence), pianoroll.NUM_KEYS), dtype=bool)
    for step, keys in enumerate(sequence):
        frames[step, list(keys)] = True
    return frames


def quantized_sequence(notes, total_steps):
    """A quantized NoteSequence holding ``(pitch, start_step, end_step)`` notes in the given order."""
    sequence = music_pb2.NoteSequence()
    sequence.quantization_info.steps_per_quarter = 4
    sequence.total_quantized_steps = total_steps
    for pitch, start, end in notes:
        sequence.notes.add(pitch=pitch, quantized_start_step=start, quantized_end_step=end, velocity=100)
    return sequence
