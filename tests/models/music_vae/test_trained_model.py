import numpy as np
import pytest

from symphonia.models.music_vae.configs import get_config
from symphonia.models.music_vae.loading import LoadError, load_model, save_bundle
from symphonia.models.music_vae.trained_model import ExtractionError, TrainedModel, slerp
from tests.models.music_vae.patterns import two_bar_drums, two_bar_melody

TINY = "z_size=4,enc_rnn_size=[8],dec_rnn_size=[8]"


@pytest.fixture(scope="module")
def drums_model():
    import keras

    keras.utils.set_random_seed(5)
    return TrainedModel(get_config("cat-drums_2bar_small").with_hparams(TINY), batch_size=3)


def test_slerp_keeps_the_ends_and_walks_the_great_circle():
    start, end = np.array([1.0, 0.0]), np.array([0.0, 2.0])
    points = slerp(start, end, [0.0, 0.5, 1.0])
    np.testing.assert_allclose(points[[0, 2]], [start, end], atol=1e-7)
    np.testing.assert_allclose(points[1], [np.sqrt(0.5), np.sqrt(2.0)], rtol=1e-6)  # sin(pi/4) / sin(pi/2) each
    np.testing.assert_allclose(slerp(start, 3 * start, [0.5])[0], 2 * start)  # parallel: the straight line


def test_sampling_with_a_seed_is_reproducible_across_batches(drums_model):
    first = drums_model.decode_to_labels(drums_model.prior_samples(7, seed=4), temperature=1.0, seed=4)
    assert first.shape == (7, 32)  # 3 batches of 3, the last padded
    np.testing.assert_array_equal(first, drums_model.decode_to_labels(drums_model.prior_samples(7, 4), 1.0, 4))
    assert not np.array_equal(first, drums_model.decode_to_labels(drums_model.prior_samples(7, 5), 1.0, 5))
    assert len(drums_model.sample(2, temperature=0.5, seed=1)) == 2


def test_temperature_zero_decodes_the_most_likely_class_whatever_the_seed(drums_model):
    z = drums_model.prior_samples(2, seed=0)
    np.testing.assert_array_equal(drums_model.decode_to_labels(z, 0.0, seed=1), drums_model.decode_to_labels(z, 0.0, 2))


def test_interpolation_endpoints_decode_to_the_inputs_reconstructions(drums_model):
    start, end = two_bar_drums(0), two_bar_drums(1)
    _, mu, sigma = drums_model.encode([start, end])
    assert mu.shape == sigma.shape == (2, 4) and (sigma > 0).all()
    reconstructions = drums_model.decode_to_labels(mu, 0.0)
    path = drums_model.interpolate(start, end, num_steps=5, temperature=0.0)
    assert len(path) == 5
    ends = drums_model.windows_of([path[0], path[-1]]) if path[0].notes and path[-1].notes else None
    expected = [drums_model.converter.to_note_sequences(reconstructions[i:i + 1])[0] for i in (0, 1)]
    assert [path[0], path[-1]] == expected
    if ends is not None:
        np.testing.assert_array_equal(ends, reconstructions)


def test_encoding_needs_exactly_one_window_per_sequence(drums_model):
    four_bars = two_bar_drums(0)
    for hit in two_bar_drums(1).notes:  # two different patterns one after the other
        four_bars.notes.add().CopyFrom(hit)
        four_bars.notes[-1].start_time += 4.0
        four_bars.notes[-1].end_time += 4.0
    four_bars.total_time = 8.0
    with pytest.raises(ExtractionError, match="sequence 1 gives 3 different windows") as error:
        drums_model.encode([two_bar_drums(0), four_bars])
    assert error.value.index == 1 and len(error.value.windows) == 3
    with pytest.raises(ExtractionError, match="sequence 0 gives no window of 2 bars"):
        drums_model.encode([two_bar_melody(0)])


def test_a_bundle_round_trip_gives_identical_outputs(drums_model, tmp_path):
    path = tmp_path / "drums.mag"
    save_bundle(path, drums_model.config, drums_model.model, "test drums")
    loaded = TrainedModel(path, batch_size=3)
    assert loaded.config == drums_model.config
    z = drums_model.prior_samples(4, seed=9)
    np.testing.assert_array_equal(loaded.decode_to_labels(z, 0.7, 9), drums_model.decode_to_labels(z, 0.7, 9))
    (tmp_path / "junk.mag").write_bytes(b"not a bundle")
    with pytest.raises(LoadError, match="is not a generator bundle"):
        load_model(tmp_path / "junk.mag")
    with pytest.raises(LoadError, match="no checkpoint"):
        load_model(tmp_path / "missing")
