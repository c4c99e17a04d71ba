"""The MusicVAE architectures of every config: tiny versions train a few steps and sample valid windows.

16-bar configs are shrunk to 4 bars (``slice_bars=4``, ``max_seq_len=64``) so a test trains in seconds;
the hierarchical models then have one conductor step per bar, as at full size.
"""

import dataclasses

import pytest

from symphonia.models.music_vae.configs import get_config
from symphonia.models.music_vae.data import WindowCorpus
from symphonia.models.music_vae.model import MusicVae
from symphonia.models.music_vae.train import train_music_vae
from symphonia.models.music_vae.trained_model import TrainedModel
from tests.models.music_vae.patterns import long_melody

TINY = "batch_size=4,z_size=4,enc_rnn_size=[8],dec_rnn_size=[8]"


def four_bars(name):
    config = get_config(name)
    return dataclasses.replace(config, converter={**config.converter, "slice_bars": 4}, transpose_range=None,
                               hparams=config.hparams.override(f"{TINY},max_seq_len=64"))


def test_the_2bar_models_keep_their_weight_paths():
    model = MusicVae.from_music_vae_config(get_config("cat-mel_2bar_small").with_hparams(TINY))
    assert sorted(weight.path for weight in model.weights) == sorted(
        [f"music_vae/encoder/{direction}_0/{name}" for direction in ("forward", "backward")
         for name in ("kernel", "recurrent_kernel", "bias")]
        + [f"music_vae/{layer}/{name}" for layer in ("mu", "sigma", "decoder/initial_state",
                                                      "decoder/output_projection") for name in ("kernel", "bias")]
        + [f"music_vae/decoder/lstm_0/{name}" for name in ("kernel", "recurrent_kernel", "bias")]
        + ["music_vae/global_step"])


def train_and_load(config, sequences, tmp_path):
    corpus = WindowCorpus.from_note_sequences(sequences, config.make_converter())
    assert train_music_vae(config, corpus, str(tmp_path), num_steps=2, seed=1) == 2
    return TrainedModel(str(tmp_path), batch_size=3), corpus


@pytest.mark.parametrize("name", ["hierdec-mel_16bar", "hier-mel_16bar"])
def test_hierarchical_melody_models_train_and_sample_whole_windows(name, tmp_path):
    model, corpus = train_and_load(four_bars(name), [long_melody(i, 4) for i in range(6)], tmp_path)
    assert corpus.windows.shape == (6, 64)
    assert len(model.model.decoder.embeddings(model.prior_samples(2)).shape) == 3
    labels = model.decode_to_labels(model.prior_samples(3, seed=2), temperature=1.0, seed=2)
    assert labels.shape == (3, 64) and labels.max() < 90
    _, mu, _ = model.encode([long_melody(0, 4)])
    assert mu.shape == (1, 4)
