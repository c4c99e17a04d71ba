import json

import pytest

from symphonia.codecs import get_codec
from symphonia.models.pianoroll_rnn_nade.configs import (
    NUM_KEYS,
    RnnNadeConfig,
    config_names,
    get_config,
)


def test_presets_carry_magentas_values():
    assert config_names() == ("rnn-nade", "rnn-nade_attn")
    plain, attn = get_config("rnn-nade").hparams, get_config("rnn-nade_attn").hparams
    assert (plain.batch_size, plain.rnn_layer_sizes, plain.attn_length) == (64, (128, 128, 128), 0)
    assert (attn.batch_size, attn.rnn_layer_sizes, attn.attn_length) == (48, (128, 128), 32)
    for hparams in (plain, attn):
        assert (hparams.nade_hidden_units, hparams.dropout_keep_prob, hparams.clip_norm,
                hparams.learning_rate) == (128, 0.5, 5.0, 0.001)
    assert get_config("rnn-nade").steps_per_quarter == 4
    assert get_codec(get_config("rnn-nade").encoding).input_size == NUM_KEYS


def test_overrides_copy_and_json_round_trips():
    config = get_config("rnn-nade")
    changed = config.with_hparams("nade_hidden_units=16,rnn_layer_sizes=[8]")
    assert config.hparams.nade_hidden_units == 128
    assert (changed.hparams.nade_hidden_units, changed.hparams.rnn_layer_sizes) == (16, (8,))
    assert RnnNadeConfig.from_dict(json.loads(json.dumps(changed.to_dict()))) == changed


@pytest.mark.parametrize("text, message", [("nade_hidden_units=0", "nade_hidden_units must be positive"),
                                           ("nade_units=3", "unknown hparam 'nade_units'")])
def test_bad_overrides_fail_in_one_line(text, message):
    with pytest.raises(ValueError, match=message):
        get_config("rnn-nade").with_hparams(text)


def test_unknown_config_lists_the_valid_ones():
    with pytest.raises(ValueError, match="valid configs: rnn-nade, rnn-nade_attn"):
        get_config("rnn_nade")


def test_another_format_is_refused():
    with pytest.raises(ValueError, match="RNN-NADE configuration"):
        RnnNadeConfig.from_dict({**get_config("rnn-nade").to_dict(), "format": "symphonia.events_rnn.config"})
