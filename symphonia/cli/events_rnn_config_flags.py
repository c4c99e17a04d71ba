"""The model-configuration flags of the create_dataset, train and generate scripts, defined once.

Magenta's flags, by family:

``--config``, ``--hparams``
    every family: a named configuration and overrides of its hyperparameters.
``--melody_encoder_decoder``
    ``melody_rnn`` only: ``onehot``, ``lookback`` or ``key`` builds a custom
    configuration from that encoding and the default hyperparameters instead
    of a named one; exactly one of it and ``--config`` is required (except at
    generation, where the stored configuration is used and either, if given,
    must agree with it).
``--generator_id``, ``--generator_description``
    ``melody_rnn`` and ``drums_rnn``: the name and description of the
    configuration, recorded in checkpoints and written into bundles.

Nothing here imports TensorFlow, so a bad flag fails in a second.
"""

import functools

from absl import flags

from symphonia.cli.common import CommandError
from symphonia.models.events_rnn.configs import MELODY_ENCODER_DECODERS, custom_melody_config

FLAGS = flags.FLAGS

_ENCODER_FAMILIES = ("melody_rnn",)
_DETAIL_FAMILIES = ("melody_rnn", "drums_rnn")


def family_configs(family):
    """``(config names, get_config(name))`` of ``family``, an events-RNN family or ``pianoroll_rnn_nade``."""
    if family == "pianoroll_rnn_nade":
        from symphonia.models.pianoroll_rnn_nade import configs
        return configs.config_names(), configs.get_config
    from symphonia.models.events_rnn import configs
    return configs.config_names(family), functools.partial(configs.get_config, family=family)


def define_config_flags(family, default_config, config_help, hparams_help):
    """Defines ``--config``, ``--hparams`` and the custom-config flags ``family`` has in Magenta."""
    names, _ = family_configs(family)
    flags.DEFINE_string("config", default_config, f"{config_help}: {', '.join(names)}.")
    if family in _ENCODER_FAMILIES:
        flags.DEFINE_string("melody_encoder_decoder", None,
                            f"Build a custom configuration from this encoding ({', '.join(MELODY_ENCODER_DECODERS)}; "
                            f"pitches 48..83, default hyperparameters and --hparams) instead of --config.")
    if family in _DETAIL_FAMILIES:
        flags.DEFINE_string("generator_id", None, "Name of the configuration (the generator id of its bundles), "
                            "replacing the default.")
        flags.DEFINE_string("generator_description", None, "Description of the configuration (stored in its "
                            "bundles), replacing the default.")
    flags.DEFINE_string("hparams", "", hparams_help)


def _value(name):
    """A flag's value, or None when this script does not define it."""
    return FLAGS[name].value if name in FLAGS else None


def _check_encoder_flag():
    """``--melody_encoder_decoder`` (None if not given), refusing an unknown one or one given with ``--config``:
    they are two ways to name a configuration."""
    encoder = _value("melody_encoder_decoder")
    if encoder is None:
        return None
    if encoder not in MELODY_ENCODER_DECODERS:
        raise CommandError(f"unknown --melody_encoder_decoder={encoder}; valid ones: "
                           f"{', '.join(MELODY_ENCODER_DECODERS)}")
    if FLAGS.config is not None:
        raise CommandError(f"give --config or --melody_encoder_decoder, not both (got --config={FLAGS.config} and "
                           f"--melody_encoder_decoder={encoder})")
    return encoder


def _with_detail_flags(config):
    """``config`` renamed and described by ``--generator_id`` / ``--generator_description``, where defined."""
    if "generator_id" not in FLAGS:
        return config
    return config.with_details(FLAGS.generator_id, FLAGS.generator_description)


def config_from_flags(family):
    """The configuration the flags describe (for training or a dataset); CommandError (one line) if they don't."""
    names, get_config = family_configs(family)
    encoder = _check_encoder_flag()
    if encoder is None and not FLAGS.config:
        alternative = (f" (or --melody_encoder_decoder: {', '.join(MELODY_ENCODER_DECODERS)})"
                       if "melody_encoder_decoder" in FLAGS else "")
        raise CommandError(f"--config is required: one of {', '.join(names)}{alternative}")
    try:
        config = get_config(FLAGS.config) if encoder is None else custom_melody_config(encoder)
        return _with_detail_flags(config.with_hparams(FLAGS.hparams))
    except ValueError as error:
        raise CommandError(str(error)) from None


def dataset_config_name(family):
    """The named configuration whose dataset serves the flags' config: ``--config``, or the preset sharing
    ``--melody_encoder_decoder``'s encoding (a dataset depends on the encoding only)."""
    config_from_flags(family)  # the same checks as training, so that a dataset command fails like train's
    encoder = _value("melody_encoder_decoder")
    return FLAGS.config if encoder is None else MELODY_ENCODER_DECODERS[encoder]


def stored_config_with_flags(config, path):
    """A loaded model's stored ``config`` checked against ``--melody_encoder_decoder`` and renamed by
    ``--generator_id`` / ``--generator_description`` (so that a saved bundle carries them).

    ``--config`` is checked by the generate script itself.
    """
    encoder = _check_encoder_flag()
    if encoder is not None and config.encoding != MELODY_ENCODER_DECODERS[encoder]:
        raise CommandError(f"--melody_encoder_decoder={encoder}, but {path} holds a model of config {config.name}, "
                           f"which has another encoding")
    return _with_detail_flags(config)
