import numpy as np
import pytest

from symphonia.models.music_vae.attributes import (
    apply_attribute,
    attribute_vector,
    average_interval,
    load_attribute_vectors,
    save_attribute_vectors,
    sequence_attribute,
    syncopation_8th,
    syncopation_16th,
    window_attribute,
)
from symphonia.models.music_vae.converters import (
    FULL_DRUM_PITCH_CLASSES,
    DrumsConverter,
    MelodyConverter,
)
from symphonia.models.music_vae.trio_converter import TrioConverter
from tests.data.note_sequences import drum, note, sequence

# Two bars: four notes on the beats, then syncopation. Steps 15, 21 and 23 are the 2nd or 4th
# 16th of their beat; 18 and 26 the 8th between two beats; 0, 4, 8, 12 and 28 are beats.
ONSETS = [(0, 60), (4, 64), (8, 62), (12, 67), (15, 64), (18, 65), (21, 69), (23, 67), (26, 72), (28, 71)]
EXPECTED = {
    "note_density": 10 / 32,
    "average_interval": (4 + 2 + 5 + 3 + 1 + 4 + 2 + 5 + 1) / 9,  # |64-60|, |62-64|, ...
    "syncopation_16th": 3 / 10,
    "syncopation_8th": 2 / 10,
}


def legato(onsets, last_end=32, **fields):
    """Each note held to the next onset."""
    ends = [start for start, _ in onsets[1:]] + [last_end]
    return [note(pitch, start, end, **fields) for (start, pitch), end in zip(onsets, ends)]


def melody_labels(onsets, length=32):
    labels = np.zeros(length, dtype=np.int32)
    for start, pitch in onsets:
        labels[start] = 2 + pitch - 21
    return labels


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_melody_attributes_of_a_hand_built_sequence(name):
    (value,) = sequence_attribute(name, [sequence(legato(ONSETS))], MelodyConverter())
    assert value == pytest.approx(EXPECTED[name])
    (from_labels,) = window_attribute(name, melody_labels(ONSETS)[None], MelodyConverter())
    assert from_labels == pytest.approx(EXPECTED[name])


def test_drum_hit_density_counts_every_class_struck():
    # A kick on each of the 8 beats and a closed hi-hat on each of the 16 8ths: 24 hits in 32 steps.
    hits = [drum(36, step) for step in range(0, 32, 4)] + [drum(42, step) for step in range(0, 32, 2)]
    for converter in [DrumsConverter(), DrumsConverter(roll_output=True),
                      DrumsConverter(roll_output=True, pitch_classes=FULL_DRUM_PITCH_CLASSES)]:
        (value,) = sequence_attribute("drum_hit_density", [sequence(hits)], converter)
        assert value == pytest.approx(24 / 32)


def test_trio_windows_have_their_melody_and_drums_attributes():
    melody = melody_labels(ONSETS)
    window = np.stack([np.tile(melody, 8), np.zeros(256, np.int32), np.tile([5, 0, 4, 0], 64)], axis=-1)[None]
    converter = TrioConverter()
    assert window_attribute("syncopation_16th", window, converter)[0] == pytest.approx(3 / 10)
    assert window_attribute("drum_hit_density", window, converter)[0] == pytest.approx((2 + 1) / 4)


def test_undefined_values_are_nan():
    one_note, silent = melody_labels([(0, 60)]), np.zeros(32, np.int32)
    assert np.isnan(average_interval(np.stack([one_note, silent]))).all()
    assert np.isnan(syncopation_16th(silent[None]))[0] and np.isnan(syncopation_8th(silent[None]))[0]
    assert np.isnan(sequence_attribute("note_density", [sequence([note(60, 0, 4)])], MelodyConverter()))[0]


def test_syncopation_follows_the_beat_at_other_resolutions():
    # At 2 steps per quarter every odd step is the 8th between two beats; no step is a 16th.
    labels = melody_labels([(0, 60), (1, 62), (3, 64)], length=8)[None]
    assert syncopation_8th(labels, steps_per_quarter=2)[0] == pytest.approx(2 / 3)
    assert syncopation_16th(labels, steps_per_quarter=2)[0] == 0


def test_attributes_must_exist_and_fit_the_windows():
    with pytest.raises(ValueError, match="drums windows have no melody"):
        window_attribute("note_density", np.zeros((1, 32), np.int32), DrumsConverter())
    with pytest.raises(ValueError, match="melody windows have no drums"):
        window_attribute("drum_hit_density", np.zeros((1, 32), np.int32), MelodyConverter())
    with pytest.raises(ValueError, match="attribute must be one of"):
        sequence_attribute("loudness", [], MelodyConverter())


def test_the_vector_is_top_quartile_mean_minus_bottom_quartile_mean():
    values = np.arange(8.0)
    z = np.stack([values * 2, np.ones(8)], axis=1)  # z[:, 0] tracks the value, z[:, 1] does not
    # Quartiles of 8: values {6, 7} (z0 12, 14) and {0, 1} (z0 0, 2).
    np.testing.assert_allclose(attribute_vector(z, values), [13 - 1, 0])
    order = np.random.default_rng(0).permutation(8)
    np.testing.assert_allclose(attribute_vector(z[order], values[order]), [12, 0])


def test_values_tied_at_a_quartile_boundary_all_join_it():
    values = np.array([0, 0, 0, 1, 2, 3, 3, 3], dtype=float)
    z = np.arange(8.0)[:, None]
    # Bottom: the three 0s (z 0, 1, 2); top: the three 3s (z 5, 6, 7).
    np.testing.assert_allclose(attribute_vector(z, values), [6 - 1])


def test_windows_without_a_value_are_left_out():
    values = np.array([np.nan, 0, 1, 2, 3, np.nan])
    z = np.array([[100.0], [0], [1], [2], [3], [-100]])
    np.testing.assert_allclose(attribute_vector(z, values), [3 - 0])
    with pytest.raises(ValueError, match="at least 4"):
        attribute_vector(z[:4], values[:4])
    with pytest.raises(ValueError, match="same value"):
        attribute_vector(np.zeros((5, 2)), np.ones(5))
    with pytest.raises(ValueError, match=r"z_means \[N, Z\]"):
        attribute_vector(np.zeros((5, 2)), np.ones(4))


def test_applying_a_vector_moves_codes_by_the_amount():
    z, vector = np.zeros((3, 2)), np.array([1.0, -2.0])
    np.testing.assert_allclose(apply_attribute(z, vector, 1.5), [[1.5, -3]] * 3)
    np.testing.assert_allclose(apply_attribute(z, vector, [0, 1, -1]), [[0, 0], [1, -2], [-1, 2]])
    with pytest.raises(ValueError, match="must be \\[2\\]"):
        apply_attribute(z, np.ones(3), 1)


def test_vectors_survive_a_file_round_trip(tmp_path):
    vectors = {"note_density": np.array([0.5, -1.25, 3], np.float32), "syncopation_16th": np.arange(3.0)}
    path = tmp_path / "vectors.npz"
    save_attribute_vectors(path, vectors)
    loaded = load_attribute_vectors(path)
    assert list(loaded) == list(vectors)
    for name, vector in vectors.items():
        np.testing.assert_array_equal(loaded[name], vector)
        assert loaded[name].dtype == np.float32
    with pytest.raises(ValueError, match="one size"):
        save_attribute_vectors(tmp_path / "bad.npz", {"a": np.ones(3), "b": np.ones(4)})


def test_files_that_are_not_vector_files_are_refused_without_unpickling(tmp_path):
    pickled = tmp_path / "pickled.npz"
    np.savez(pickled, names=np.array([{"a": 1}], dtype=object), vectors=np.ones((1, 2)))
    garbage = tmp_path / "garbage.npz"
    garbage.write_bytes(b"not a zip file at all")
    other = tmp_path / "other.npz"
    np.savez(other, weights=np.ones(3))
    for path in (pickled, garbage, other):
        with pytest.raises(ValueError, match="is not an attribute vector file"):
            load_attribute_vectors(path)
