import dataclasses
import json

import pytest

from symphonia.models.music_vae.configs import MusicVaeConfig, config_names, get_config


def test_presets_carry_magentas_hyperparameters():
    assert config_names() == ("cat-mel_2bar_small", "cat-mel_2bar_big", "cat-drums_2bar_small", "cat-drums_2bar_big",
                              "nade-drums_2bar_reduced", "nade-drums_2bar_full", "flat-trio_16bar",
                              "hierdec-trio_16bar", "hier-trio_16bar", "flat-mel_16bar", "hierdec-mel_16bar",
                              "hier-mel_16bar")
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


# Spec section 7.2: batch, z, enc_rnn_size, dec_rnn_size, free_bits, max_beta, beta_rate, schedule.
@pytest.mark.parametrize("name, expected", [
    ("nade-drums_2bar_full", (512, 256, (1024,), (512, 512), 48.0, 0.2, 0.0, "inverse_sigmoid")),
    ("flat-trio_16bar", (256, 512, (2048, 2048), (2048, 2048, 2048), 0.0, 1.0, 0.0, "constant")),
    ("hierdec-trio_16bar", (256, 512, (2048, 2048), (1024, 1024), 256.0, 0.2, 0.0, "constant")),
    ("hier-trio_16bar", (256, 512, (1024,), (1024, 1024), 256.0, 0.2, 0.0, "constant")),
    ("flat-mel_16bar", (512, 512, (2048, 2048), (2048, 2048, 2048), 256.0, 0.2, 0.0, "constant")),
    ("hierdec-mel_16bar", (512, 512, (2048, 2048), (1024, 1024), 256.0, 0.2, 0.0, "constant")),
    ("hier-mel_16bar", (512, 512, (1024,), (1024, 1024), 256.0, 0.2, 0.0, "constant")),
])
def test_part_two_presets_carry_magentas_hyperparameters(name, expected):
    h = get_config(name).hparams
    assert (h.batch_size, h.z_size, h.enc_rnn_size, h.dec_rnn_size, h.free_bits, h.max_beta, h.beta_rate,
            h.sampling_schedule) == expected
    assert h.max_seq_len == get_config(name).make_converter().max_length


def test_part_two_presets_pick_their_encoder_decoder_and_converter():
    kinds = {name: (get_config(name).encoder, get_config(name).decoder) for name in config_names()}
    assert kinds["hier-mel_16bar"] == kinds["hier-trio_16bar"] == ("hierarchical", "hierarchical")
    assert kinds["hierdec-mel_16bar"] == ("bidirectional", "hierarchical")
    assert kinds["flat-trio_16bar"] == ("bidirectional", "categorical")
    assert kinds["nade-drums_2bar_reduced"] == ("bidirectional", "nade")
    full, reduced = get_config("nade-drums_2bar_full"), get_config("nade-drums_2bar_reduced")
    assert (full.make_converter().input_depth, full.make_converter().output_depth) == (62, 61)
    assert (reduced.make_converter().input_depth, reduced.make_converter().output_depth) == (10, 9)
    assert full.hparams.nade_num_hidden == 128
    melody = get_config("hierdec-mel_16bar").make_converter()
    assert (melody.slice_bars, melody.valid_programs, melody.max_length) == (16, None, 256)
    assert get_config("hierdec-trio_16bar").make_converter().output_depths == (90, 90, 512)


def test_a_config_stored_before_encoders_were_named_reads_back_as_its_2bar_model():
    stored = get_config("cat-mel_2bar_small").to_dict()
    del stored["encoder"], stored["decoder"]
    assert MusicVaeConfig.from_dict(stored) == get_config("cat-mel_2bar_small")


def test_mismatched_models_are_refused_in_one_line():
    with pytest.raises(ValueError, match="max_seq_len must be their length, 16 bars x 16 steps = 256, got 32"):
        get_config("hierdec-mel_16bar").with_hparams("max_seq_len=32")
    with pytest.raises(ValueError, match="the categorical decoder cannot decode drum rolls"):
        dataclasses.replace(get_config("nade-drums_2bar_full"), decoder="categorical")
    with pytest.raises(ValueError, match="decoder must be one of categorical, hierarchical, nade"):
        dataclasses.replace(get_config("cat-mel_2bar_small"), decoder="transformer")
