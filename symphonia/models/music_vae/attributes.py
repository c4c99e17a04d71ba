"""Musical attributes of MusicVAE windows, and attribute vectors in its latent space.

The MusicVAE paper (Roberts, Engel, Raffel, Hawthorne and Eck, "A Hierarchical
Latent Vector Model for Learning Long-Term Structure in Music", ICML 2018,
arXiv:1803.05428) changes a sequence's character by adding an *attribute
vector* to its latent code: the mean ``z`` of training sequences with much of
an attribute minus the mean ``z`` of those with little. Magenta never released
that code (its issues #1381 and #1900 ask for it); this module is a
re-creation from the paper's description.

Attributes are computed on label windows (what the converters produce and the
decoder emits), vectorised over ``[N, T]`` windows. A window starts on a bar
line, so step ``t`` sits ``t % steps_per_quarter`` steps into its beat. With
"onset" meaning a melody note-on (class >= 2) or a drum hit:

``note_density``
    Melody onsets per step (per 16th note at 4 steps per quarter; multiply
    by 16 for notes per bar).
``average_interval``
    Mean absolute interval, in semitones, between consecutive melody onsets;
    NaN with fewer than two.
``syncopation_16th``
    The fraction of melody onsets on an off-beat 16th: the 2nd or 4th 16th of
    a beat, between two 8th-note boundaries. NaN without onsets.
``syncopation_8th``
    The fraction of melody onsets on an off-beat 8th: the 8th between two
    beats (the "and"). NaN without onsets. Onsets off the 16th-note grid count
    for neither syncopation, and no onset counts for both.
``drum_hit_density``
    Drum hits per step, each drum class struck at a step one hit.

The paper names these attributes without formulas; its online supplement
(Figures 10 and 11) shows 16th-note syncopation against 8th-note boundaries
and 8th-note syncopation against quarter-note boundaries, which the
definitions above follow, made disjoint so that each measures one thing.

Trio windows give the melody attributes of their melody part and the drum
attribute of their drums part.
"""

import io
import zipfile

import numpy as np

from symphonia.atomic import write_bytes_atomically
from symphonia.codecs.features import unpack_bits
from symphonia.codecs.melody import NUM_SPECIAL_EVENTS

MELODY_ATTRIBUTES = ("note_density", "average_interval", "syncopation_16th", "syncopation_8th")
DRUM_ATTRIBUTES = ("drum_hit_density",)
ATTRIBUTES = MELODY_ATTRIBUTES + DRUM_ATTRIBUTES
SIXTEENTHS_PER_QUARTER = 4


def note_density(melody_labels):
    """float64 ``[N]``: melody onsets per step of each window ``[N, T]``."""
    return _onsets(melody_labels).mean(axis=-1)


def average_interval(melody_labels):
    """float64 ``[N]``: mean absolute semitone interval between consecutive onsets (NaN with fewer than 2)."""
    labels = np.asarray(melody_labels, dtype=np.int64)
    onsets = _onsets(labels)
    steps = np.arange(labels.shape[-1])
    latest = np.maximum.accumulate(np.where(onsets, steps, -1), axis=-1)
    previous = np.concatenate([np.full(latest.shape[:-1] + (1,), -1), latest[..., :-1]], axis=-1)
    follows = onsets & (previous >= 0)
    # A class is the pitch plus a constant, so class differences are intervals.
    intervals = np.abs(labels - np.take_along_axis(labels, np.maximum(previous, 0), axis=-1))
    return _ratio(np.where(follows, intervals, 0).sum(axis=-1), follows.sum(axis=-1))


def syncopation_16th(melody_labels, steps_per_quarter=4):
    """float64 ``[N]``: the fraction of onsets on the 2nd or 4th 16th of a beat (NaN without onsets)."""
    on_sixteenth, sixteenth = _sixteenth_positions(np.shape(melody_labels)[-1], steps_per_quarter)
    return _fraction_of_onsets(melody_labels, on_sixteenth & (sixteenth % 2 == 1))


def syncopation_8th(melody_labels, steps_per_quarter=4):
    """float64 ``[N]``: the fraction of onsets on the 8th between two beats (NaN without onsets)."""
    on_sixteenth, sixteenth = _sixteenth_positions(np.shape(melody_labels)[-1], steps_per_quarter)
    return _fraction_of_onsets(melody_labels, on_sixteenth & (sixteenth == 2))


def drum_hit_density(drum_rolls):
    """float64 ``[N]``: hits per step of each roll ``[N, T, classes]`` (1 where a class is struck)."""
    rolls = np.asarray(drum_rolls)
    return (rolls != 0).sum(axis=(-2, -1)) / rolls.shape[-2]


def window_attribute(name, labels, converter):
    """Attribute ``name`` of each window of ``labels`` as ``converter`` makes them, float64 ``[N]``.

    Melody attributes need melody or trio windows, ``drum_hit_density`` drum
    or trio windows.

    Raises
    ------
    ValueError
        One line, for an unknown attribute or one the windows do not have.
    """
    _check_attribute(name)
    labels = np.asarray(labels)
    if name in DRUM_ATTRIBUTES:
        return drum_hit_density(_drum_rolls(labels, converter))
    melody = _melody_part(labels, converter)
    steps_per_quarter = converter.steps_per_quarter
    return {"note_density": lambda: note_density(melody),
            "average_interval": lambda: average_interval(melody),
            "syncopation_16th": lambda: syncopation_16th(melody, steps_per_quarter),
            "syncopation_8th": lambda: syncopation_8th(melody, steps_per_quarter)}[name]()


def sequence_attribute(name, sequences, converter):
    """Attribute ``name`` of each NoteSequence: the mean over its windows (NaN when it has none or no value)."""
    _check_attribute(name)
    values = []
    for sequence in sequences:
        windows = converter.to_windows(sequence)
        found = window_attribute(name, np.stack(windows), converter) if windows else np.array([])
        found = found[np.isfinite(found)]
        values.append(found.mean() if len(found) else np.nan)
    return np.array(values, dtype=np.float64)


def attribute_vector(z_means, values):
    """The mean ``z`` of the top quartile of ``values`` minus that of the bottom quartile, float32 ``[Z]``.

    Parameters
    ----------
    z_means : array ``[N, Z]``
        Encoded means of ``N`` windows.
    values : array ``[N]``
        Their attribute values; NaN (an attribute a window does not have,
        e.g. the average interval of a single note) leaves the window out.

    With ``n`` windows valued, a quartile is the ``n // 4`` highest (lowest)
    values together with every window tied with its boundary value: equal
    values are never split by their order, so a quartile may hold more than a
    quarter (e.g. the many windows without syncopation).

    Raises
    ------
    ValueError
        For mismatched shapes, fewer than 4 valued windows, or values that
        do not vary (no direction to find).
    """
    z_means = np.asarray(z_means, dtype=np.float64)
    values = np.asarray(values, dtype=np.float64)
    if z_means.ndim != 2 or values.shape != z_means.shape[:1]:
        raise ValueError(f"need z_means [N, Z] and values [N], got shapes {z_means.shape} and {values.shape}")
    valued = np.isfinite(values)
    z_means, values = z_means[valued], values[valued]
    if len(values) < 4:
        raise ValueError(f"need at least 4 windows with a value to take quartiles, got {len(values)}")
    ordered = np.sort(values)
    if ordered[0] == ordered[-1]:
        raise ValueError(f"every window has the same value ({ordered[0]:g}): no attribute direction")
    quarter = len(values) // 4
    top, bottom = values >= ordered[-quarter], values <= ordered[quarter - 1]
    return (z_means[top].mean(axis=0) - z_means[bottom].mean(axis=0)).astype(np.float32)


def apply_attribute(z, vector, amount):
    """``z + amount * vector``: latent codes ``[..., Z]`` moved along an attribute vector ``[Z]``.

    ``amount`` is a number, or one per code (shape ``z.shape[:-1]``); negative
    amounts take the attribute away.
    """
    z = np.asarray(z, dtype=np.float32)
    vector = np.asarray(vector, dtype=np.float32)
    if vector.ndim != 1 or z.shape[-1:] != vector.shape:
        raise ValueError(f"the vector must be [{z.shape[-1]}] to move codes of shape {z.shape}, got {vector.shape}")
    amount = np.asarray(amount, dtype=np.float32)
    return z + amount[..., None] * vector


def save_attribute_vectors(path, vectors):
    """Writes ``{name: vector [Z]}`` to an ``.npz`` file (atomically): ``names`` and ``vectors [K, Z]``.

    Only numbers and strings are stored, so :func:`load_attribute_vectors`
    needs no pickle and a file cannot carry code.
    """
    names = list(vectors)
    if not names or not all(isinstance(name, str) and name for name in names):
        raise ValueError("need at least one attribute vector, each named by a non-empty string")
    stacked = [np.asarray(vectors[name], dtype=np.float32) for name in names]
    if any(vector.ndim != 1 or vector.shape != stacked[0].shape for vector in stacked):
        raise ValueError(f"attribute vectors must all be [Z] of one size, got shapes "
                         f"{[vector.shape for vector in stacked]}")
    buffer = io.BytesIO()
    np.savez(buffer, names=np.array(names, dtype=str), vectors=np.stack(stacked))
    write_bytes_atomically(path, buffer.getvalue())


def load_attribute_vectors(path):
    """``{name: float32 vector [Z]}`` from a file :func:`save_attribute_vectors` wrote.

    Raises
    ------
    ValueError
        One line, when the file is not such a file.
    """
    try:
        with np.load(path, allow_pickle=False) as stored:
            names, vectors = stored["names"], stored["vectors"]
    except (OSError, KeyError, ValueError, zipfile.BadZipFile) as error:
        raise ValueError(f"{path} is not an attribute vector file: {error}") from None
    if names.ndim != 1 or vectors.ndim != 2 or len(names) != len(vectors) or names.dtype.kind != "U":
        raise ValueError(f"{path} is not an attribute vector file: names {names.shape} and vectors "
                         f"{vectors.shape} do not match")
    return {str(name): vector.astype(np.float32) for name, vector in zip(names, vectors)}


def _check_attribute(name):
    if name not in ATTRIBUTES:
        raise ValueError(f"attribute must be one of {', '.join(ATTRIBUTES)}, got {name!r}")


def _onsets(melody_labels):
    return np.asarray(melody_labels) >= NUM_SPECIAL_EVENTS


def _ratio(numerator, denominator):
    """``numerator / denominator``, NaN where the denominator is 0."""
    return np.where(denominator > 0, numerator / np.maximum(denominator, 1), np.nan)


def _sixteenth_positions(length, steps_per_quarter):
    """For steps ``0..length-1``: whether each falls on the 16th-note grid, and which 16th of its beat (0..3)."""
    scaled = np.arange(length) % steps_per_quarter * SIXTEENTHS_PER_QUARTER
    return scaled % steps_per_quarter == 0, scaled // steps_per_quarter


def _fraction_of_onsets(melody_labels, positions):
    onsets = _onsets(melody_labels)
    return _ratio((onsets & positions).sum(axis=-1), onsets.sum(axis=-1))


def _melody_part(labels, converter):
    if converter.name == "trio":
        return labels[..., 0]
    if converter.name == "melody":
        return labels
    raise ValueError(f"{converter.name} windows have no melody: their attributes are {', '.join(DRUM_ATTRIBUTES)}")


def _drum_rolls(labels, converter):
    if converter.name == "trio":
        return unpack_bits(labels[..., 2], converter.drums.num_drum_classes)
    if converter.name == "drums":
        return labels if converter.roll_output else unpack_bits(labels, converter.num_drum_classes)
    raise ValueError(f"{converter.name} windows have no drums: their attributes are {', '.join(MELODY_ATTRIBUTES)}")
