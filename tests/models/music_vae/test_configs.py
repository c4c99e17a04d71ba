import dataclasses
import json

import pytest

from symphonia.models.music_vae.configs import MusicVaeConfig, config_names, get_config


def test_presets_carry_magentas_hyperparameters():
    assert config_names() == ("cat-mel_2bar_small", "cat-mel_2bar_big", "cat-drums_2bar_small", "cat-drums_2bar_big")
    small = get_config("cat-mel_2bar_small").hparams
    assert (small.z_size, small.enc_rnn_size, small.dec_rnn_size, small.max_beta, small.beta_rate) == \
        (256, (512,), (256, 256), 0.2, 0.99999)
    assert (small.sampling_schedule, small.sampling_rate, small.free_bits, small.batch_size) == \
        ("inverse_sigmoid", 1000.0, 0.0, 512)
    assert (small.grad_clip, small.grad_norm_clip_to_zero, small.decay_rate, small.min_learning_rate) == \
        (1.0, 10000.0, 0.9999, 0.00001)
    big = get_config("cat-drums_2bar_big").hparams
    assert (big.z_size, big.enc_rnn_size, big.dec_rnn_size, big.free_bits, big.max_beta, big.beta_rate) == \
        (512, (2048,), (2048, 2048, 2048), 48.0, 0.2, 0.0)
    assert get_config("cat-mel_2bar_big").hparams.max_beta == 0.5


def test_converters_have_magentas_sizes():
    melody, drums = get_config("cat-mel_2bar_small"), get_config("cat-drums_2bar_small")
    assert melody.transpose_range == (-5, 5) and drums.transpose_range is None
    assert (melody.make_converter().input_depth, melody.make_converter().output_depth) == (90, 90)
    assert (drums.make_converter().input_depth, drums.make_converter().output_depth) == (10, 512)
    assert melody.make_converter().valid_programs == tuple(range(32))


def test_configs_are_frozen_and_overrides_make_checked_copies():
    config = get_config("cat-drums_2bar_small")
    with pytest.raises(dataclasses.FrozenInstanceError):
        config.name = "x"
    with pytest.raises(TypeError):
        config.converter["type"] = "melody"
    changed = config.with_hparams("batch_size=64,dec_rnn_size=[32,32]")
    assert (changed.hparams.batch_size, changed.hparams.dec_rnn_size) == (64, (32, 32))
    assert config.hparams.batch_size == 512
    with pytest.raises(ValueError, match="unknown hparam 'z'; valid hparams: max_seq_len"):
        config.with_hparams("z=3")
    with pytest.raises(ValueError, match="sampling_rate 0.5 does not suit the inverse_sigmoid schedule"):
        config.with_hparams("sampling_rate=0.5")


def test_a_stored_config_reads_back_equal():
    config = get_config("cat-mel_2bar_small").with_hparams("z_size=8")
    assert MusicVaeConfig.from_dict(json.loads(json.dumps(config.to_dict()))) == config
