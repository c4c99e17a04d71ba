"""Attribute vectors on a trained model: computed from encodings, applied to codes, moving the decoded music."""

import dataclasses

import numpy as np
import pytest

from symphonia.models.music_vae.attributes import apply_attribute, note_density
from symphonia.models.music_vae.configs import get_config
from symphonia.models.music_vae.data import WindowCorpus
from symphonia.models.music_vae.train import train_music_vae
from symphonia.models.music_vae.trained_model import TrainedModel
from tests.data.note_sequences import note, sequence

LEARNER = "batch_size=16,z_size=8,enc_rnn_size=[32],dec_rnn_size=[32],learning_rate=0.01,grad_clip=5.0"


def two_bars_of(duration, index):
    """Notes of ``duration`` steps filling two bars, on a contour picked by ``index``: 2 steps is dense, 8 sparse."""
    return sequence([note(60 + (index * 5 + 3 * k) % 14, start, start + duration)
                     for k, start in enumerate(range(0, 32, duration))])


CONFIG = dataclasses.replace(get_config("cat-mel_2bar_small").with_hparams(LEARNER), transpose_range=None)
SEQUENCES = [two_bars_of(duration, index) for duration in (1, 2, 8, 16) for index in range(8)]


@pytest.mark.slow
def test_a_positive_note_density_vector_raises_the_decoded_density_on_average(tmp_path):
    corpus = WindowCorpus.from_note_sequences(SEQUENCES, CONFIG.make_converter())
    windows = corpus.windows
    assert sorted(set(note_density(windows))) == [1 / 16, 1 / 8, 1 / 2, 1.0]  # sparse and dense, 8 of each
    train_music_vae(CONFIG, corpus, str(tmp_path), num_steps=300, seed=3)
    model, sequences = TrainedModel(str(tmp_path), batch_size=32), SEQUENCES
    vectors = model.attribute_vectors(sequences, ["note_density", "average_interval"])
    assert set(vectors) == {"note_density", "average_interval"} and vectors["note_density"].shape == (8,)
    _, mu, _ = model.encode_labels(windows)
    density = {amount: note_density(model.decode_to_labels(apply_attribute(mu, vectors["note_density"], amount),
                                                           temperature=0.0)).mean()
               for amount in (-0.5, 0.0, 0.5)}
    assert density[0.5] > density[0.0] > density[-0.5]
    moved = model.apply_attribute_to_labels(vectors["note_density"], 0.5, windows, temperature=0.0)
    assert note_density(moved).mean() == pytest.approx(density[0.5])


def test_attributes_follow_the_model_and_bad_vectors_are_refused():
    import keras

    keras.utils.set_random_seed(0)
    model, sequences = TrainedModel(CONFIG, batch_size=32), SEQUENCES
    assert model.attribute_names() == ("note_density", "average_interval", "syncopation_16th", "syncopation_8th")
    with pytest.raises(ValueError, match="drum windows|have no drums"):
        model.attribute_vectors(sequences[:8], ["drum_hit_density"])
    with pytest.raises(ValueError, match="the vector must be"):
        model.apply_attribute(np.zeros(3), 1.0, n=2)
    assert len(model.apply_attribute(np.ones(8), 0.5, sequences[:2], n=2, temperature=0.0)) == 4
