import json
import subprocess
import sys

import pytest

from symphonia.models.events_rnn.configs import EventsRnnConfig, config_names, get_config

# Spec sections 3.2/3.3, 4.3, 5.2/5.3 and 9: sizes, default label, steps per quarter, Magenta's hparams.
EXPECTED = {
    "basic_rnn": (38, 38, 0, 4, 0, (128, [128, 128], 0.5, 0, 5.0)),
    "mono_rnn": (130, 130, 0, 4, None, (128, [128, 128], 0.5, 0, 5.0)),
    "lookback_rnn": (121, 40, 0, 4, 0, (128, [128, 128], 0.5, 0, 5.0)),
    "attention_rnn": (74, 40, 36, 4, 0, (128, [128, 128], 0.5, 40, 3.0)),
    "one_drum": (2, 2, 0, 2, None, (128, [128, 128], 0.5, 0, 5.0)),
    "drum_kit": (518, 512, 0, 4, None, (128, [256, 256, 256], 0.5, 32, 3.0)),
    "polyphony": (259, 259, 2, 4, None, (64, [256, 256, 256], 0.5, 0, 5.0)),
}


@pytest.mark.parametrize("name", EXPECTED)
def test_named_configs_have_magentas_sizes_and_hparams(name):
    config = get_config(name)
    input_size, num_classes, default_label, steps_per_quarter, key, hparams = EXPECTED[name]
    assert (config.input_size, config.num_classes, config.default_event_label) == (input_size, num_classes,
                                                                                   default_label)
    assert (config.steps_per_quarter, config.transpose_to_key) == (steps_per_quarter, key)
    h = config.hparams
    assert (h.batch_size, list(h.rnn_layer_sizes), h.dropout_keep_prob, h.attn_length, h.clip_norm) == hparams
    assert (h.learning_rate, h.residual_connections) == (0.001, False)


def test_families():
    assert config_names("melody_rnn") == ("basic_rnn", "mono_rnn", "lookback_rnn", "attention_rnn")
    assert config_names("drums_rnn") == ("one_drum", "drum_kit")
    assert config_names("polyphony_rnn") == ("polyphony",)
    assert set(config_names()) == set(EXPECTED)


def test_unknown_or_other_family_config_lists_the_valid_ones():
    with pytest.raises(ValueError, match="unknown config 'drum_kit'; valid configs: basic_rnn, mono_rnn"):
        get_config("drum_kit", "melody_rnn")
    with pytest.raises(ValueError, match="valid configs: basic_rnn, .*, polyphony"):
        get_config("nope")


def test_overrides_copy_and_json_round_trip():
    config = get_config("drum_kit")
    small = config.with_hparams("batch_size=64,rnn_layer_sizes=[64,64]")
    assert config.hparams.batch_size == 128 and small.hparams.rnn_layer_sizes == (64, 64)
    assert EventsRnnConfig.from_dict(json.loads(json.dumps(small.to_dict()))) == small
    with pytest.raises(ValueError, match="not a version-1 events-RNN configuration"):
        EventsRnnConfig.from_dict({**small.to_dict(), "version": 2})


def test_configs_do_not_import_tensorflow():
    code = "import sys, symphonia.models.events_rnn.configs as c; c.get_config('drum_kit'); print('tensorflow' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True).stdout.strip() == "False"
