import json
import subprocess
import sys

import pytest

from symphonia.codecs import get_codec
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


# Spec section 3.2 (sizes of the three encodings over 48..84) and 2.5 (the defaults a custom config merges into).
@pytest.mark.parametrize("encoder_decoder, sizes", [("onehot", (38, 38, 0)), ("lookback", (121, 40, 0)),
                                                    ("key", (74, 40, 36))])
def test_custom_melody_config_has_its_encodings_sizes_and_the_default_hparams(encoder_decoder, sizes):
    from symphonia.models.events_rnn.configs import custom_melody_config

    config = custom_melody_config(encoder_decoder, "mine", "My melodies.").with_hparams("attn_length=8")
    assert (config.input_size, config.num_classes, config.default_event_label) == sizes
    assert (config.family, config.steps_per_quarter, config.transpose_to_key) == ("melody_rnn", 4, 0)
    assert (config.name, config.description) == ("mine", "My melodies.")
    h = config.hparams
    assert (h.batch_size, h.rnn_layer_sizes, h.dropout_keep_prob, h.attn_length, h.clip_norm) == (64, (128, 128),
                                                                                                   1.0, 8, 3.0)
    assert EventsRnnConfig.from_dict(json.loads(json.dumps(config.to_dict()))) == config


def test_key_custom_config_uses_the_key_codec():
    from symphonia.codecs.melody import KeyMelodyCodec
    from symphonia.models.events_rnn.configs import custom_melody_config

    config = custom_melody_config("key")
    codec = get_codec(config.encoding)
    assert isinstance(codec, KeyMelodyCodec) and config.name == "custom_key"
    assert (config.input_size, config.num_classes) == (codec.input_size, codec.num_classes)
    with pytest.raises(ValueError, match="unknown melody encoder/decoder 'keys'; valid ones: onehot, lookback, key"):
        custom_melody_config("keys")


def test_with_details_renames_and_redescribes_a_copy():
    config = get_config("drum_kit")
    assert config.with_details("my_drums").description == config.description
    assert config.with_details(description="Mine.").name == "drum_kit"
    assert (config.with_details("a", "b").name, config.name) == ("a", "drum_kit")
