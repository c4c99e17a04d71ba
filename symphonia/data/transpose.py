"""Data augmentation by transposition, as Magenta's ``TranspositionPipeline`` does it.

One copy of a quantized sequence per amount, drums left where they are (a kick
transposed up a tone is a different instrument). A copy in which any pitched
note leaves MIDI's 0..127 is dropped whole and counted, so the range check also
runs for an amount of 0.
"""

import collections

import numpy as np

from symphonia.data.extraction import Extraction, quantized_pieces

MIN_PITCH = 0
MAX_PITCH = 127


def transposition_amounts(sequence, amounts, stats):
    """The amounts, in order, whose copy of ``sequence`` stays in range.

    Counts ``transpositions_generated`` and, per dropped copy,
    ``skipped_due_to_range_exceeded`` in the Counter ``stats``.
    """
    pitched = sequence.notes.pitch[~sequence.notes.is_drum]
    if pitched.size:
        low, high = int(pitched.min()), int(pitched.max())
        kept = [amount for amount in amounts if low + amount >= MIN_PITCH and high + amount <= MAX_PITCH]
    else:
        kept = list(amounts)
    if len(kept) < len(amounts):
        stats["skipped_due_to_range_exceeded"] += len(amounts) - len(kept)
    if kept:
        stats["transpositions_generated"] += len(kept)
    return kept


def transposed(sequence, amount):
    """``sequence`` with every pitched note moved by ``amount`` semitones."""
    notes = sequence.notes
    pitch = np.where(notes.is_drum, notes.pitch, notes.pitch + amount)
    return sequence.replace(notes=notes.replace(pitch=pitch))


def uniform_shifts(sequence, amounts):
    """How far each copy moves *every* note, or None when drums and pitched notes mix.

    When all notes move alike (no drums, or only drums), a family can build its
    events once and shift them per copy instead of rebuilding them nine times.
    """
    drums = sequence.notes.is_drum
    if drums.all():
        return [0] * len(amounts)
    if not drums.any():
        return list(amounts)
    return None


def extract_with_transpositions(sequence, options, extract_copies):
    """Runs a family's extraction on every quantized piece and its transposed copies.

    ``extract_copies(piece, amounts, options, stats)`` returns the event
    sequences of the piece transposed by each of ``amounts`` (the amounts that
    keep it in range); ``options`` needs ``steps_per_quarter`` and
    ``transposition_range``.
    """
    stats = collections.Counter()
    events = []
    for piece in quantized_pieces(sequence, options.steps_per_quarter, stats):
        amounts = transposition_amounts(piece, options.transposition_range, stats)
        if amounts:
            events += extract_copies(piece, amounts, options, stats)
    return Extraction(events, stats)
