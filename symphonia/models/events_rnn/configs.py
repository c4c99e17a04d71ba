"""The events-RNN configurations: Magenta's named presets for melodies, drums and polyphony.

One model serves Melody RNN, Drums RNN and Polyphony RNN; a configuration says
which codec feeds it, its musical resolution and its hyperparameters. The
presets carry Magenta's defaults (its ``EventSequenceRnnConfig`` defaults
merged with each preset's own values). Tensor sizes come from the codec of the
same name (``symphonia.codecs``), so they are written down in one place only,
and are copied into the configuration so that a stored config rebuilds its
model without the codec.

Configurations are frozen: ``config.with_hparams("batch_size=64")`` returns a
new one. Beside the presets, :func:`custom_melody_config` builds the melody
configs of Magenta's ``--melody_encoder_decoder`` flag, and
:meth:`EventsRnnConfig.with_details` renames one (``--generator_id``).
"""

import dataclasses

from symphonia.hparams import HParams, StoredConfig



@dataclasses.dataclass(frozen=True)
class EventsRnnHParams(HParams):
    """Magenta's events-RNN hyperparameters, with its defaults.

    ``clip_norm`` bounds the L2 norm of each gradient tensor separately, as
    Magenta does (0 turns clipping off); ``dropout_keep_prob`` applies to the
    output of every LSTM layer during training only.
    """

    batch_size: int = 64
    rnn_layer_sizes: tuple[int, ...] = (128, 128)
    dropout_keep_prob: float = 1.0
    attn_length: int = 0
    clip_norm: float = 3.0
    learning_rate: float = 0.001
    residual_connections: bool = False

    def __post_init__(self):
        self._require(self.batch_size > 0, f"batch_size must be positive, got {self.batch_size}")
        self._require(self.rnn_layer_sizes and min(self.rnn_layer_sizes) > 0,
                      f"rnn_layer_sizes must be a non-empty list of positive sizes, got {list(self.rnn_layer_sizes)}")
        self._require(0.0 < self.dropout_keep_prob <= 1.0,
                      f"dropout_keep_prob must be in (0, 1], got {self.dropout_keep_prob}")
        self._require(self.attn_length >= 0, f"attn_length must be >= 0, got {self.attn_length}")
        self._require(self.clip_norm >= 0.0, f"clip_norm must be >= 0, got {self.clip_norm}")
        self._require(self.learning_rate > 0.0, f"learning_rate must be positive, got {self.learning_rate}")


@dataclasses.dataclass(frozen=True)
class EventsRnnConfig(StoredConfig):
    """Everything needed to rebuild, train and use one events-RNN model.

    Attributes
    ----------
    name : str
        Magenta's config id (``attention_rnn``, ``drum_kit``...), the id a
        generator bundle records.
    family : str
        ``melody_rnn``, ``drums_rnn`` or ``polyphony_rnn``: which scripts accept it.
    description : str
        Magenta's one-line description.
    encoding : str
        Name of the codec in ``symphonia.codecs`` that turns events into tensors.
    input_size, num_classes, default_event_label : int
        The codec's sizes and the class of its default (no-event) event.
    steps_per_quarter : int
    transpose_to_key : int or None
        Melodies only: the major key (0 = C) melodies are transposed to before
        encoding, or None for no transposition.
    hparams : EventsRnnHParams
    """

    STORED_FORMAT = "symphonia.events_rnn.config"
    STORED_LABEL = "events-RNN"
    HPARAMS_TYPE = EventsRnnHParams


    name: str
    family: str
    description: str
    encoding: str
    input_size: int
    num_classes: int
    default_event_label: int
    steps_per_quarter: int
    transpose_to_key: int | None
    hparams: EventsRnnHParams

    def with_details(self, generator_id=None, description=None):
        """A copy with another name and/or description: Magenta's ``--generator_id`` / ``--generator_description``.

        The name is the generator id a bundle records, so renaming a trained
        model is how a user tells their bundles apart; None keeps the value.
        """
        changes = {"name": generator_id, "description": description}
        return dataclasses.replace(self, **{field: value for field, value in changes.items() if value is not None})


@dataclasses.dataclass(frozen=True)
class _Preset:
    family: str
    description: str
    steps_per_quarter: int
    transpose_to_key: int | None
    hparams: EventsRnnHParams


_MELODY_HPARAMS = EventsRnnHParams(batch_size=128, rnn_layer_sizes=(128, 128), dropout_keep_prob=0.5,
                                   clip_norm=5.0)
_PRESETS = {
    "basic_rnn": _Preset("melody_rnn", "Melody RNN with one-hot encoding.", 4, 0, _MELODY_HPARAMS),
    "mono_rnn": _Preset("melody_rnn", "Monophonic RNN with one-hot encoding.", 4, None, _MELODY_HPARAMS),
    "lookback_rnn": _Preset("melody_rnn", "Melody RNN with lookback encoding.", 4, 0, _MELODY_HPARAMS),
    "attention_rnn": _Preset("melody_rnn", "Melody RNN with lookback encoding and attention.", 4, 0,
                             dataclasses.replace(_MELODY_HPARAMS, attn_length=40, clip_norm=3.0)),
    "one_drum": _Preset("drums_rnn", "Drums RNN with 2-state encoding.", 2, None,
                        EventsRnnHParams(batch_size=128, rnn_layer_sizes=(128, 128), dropout_keep_prob=0.5,
                                         clip_norm=5.0)),
    "drum_kit": _Preset("drums_rnn", "Drums RNN with multiple drums and binary counters.", 4, None,
                        EventsRnnHParams(batch_size=128, rnn_layer_sizes=(256, 256, 256), dropout_keep_prob=0.5,
                                         attn_length=32, clip_norm=3.0)),
    "polyphony": _Preset("polyphony_rnn", "Polyphonic RNN", 4, None,
                         EventsRnnHParams(batch_size=64, rnn_layer_sizes=(256, 256, 256), dropout_keep_prob=0.5,
                                          clip_norm=5.0)),
}


def config_names(family=None):
    """The preset names, all of them or those of one family."""
    return tuple(name for name, preset in _PRESETS.items() if family in (None, preset.family))


def get_config(name, family=None):
    """The named preset (optionally required to belong to ``family``); ValueError lists the valid names."""
    if name not in config_names(family):
        raise ValueError(f"unknown config {name!r}; valid configs: {', '.join(config_names(family))}")
    from symphonia.codecs import get_codec

    preset, codec = _PRESETS[name], get_codec(name)
    return EventsRnnConfig(name=name, family=preset.family, description=preset.description, encoding=name,
                           input_size=codec.input_size, num_classes=codec.num_classes,
                           default_event_label=codec.default_event_label,
                           steps_per_quarter=preset.steps_per_quarter, transpose_to_key=preset.transpose_to_key,
                           hparams=preset.hparams)


# Magenta's --melody_encoder_decoder choices, each with the preset whose codec it is: all three
# encode pitches 48..83 transposed to C major, as those presets do.
MELODY_ENCODER_DECODERS = {"onehot": "basic_rnn", "lookback": "lookback_rnn", "key": "attention_rnn"}


def custom_melody_config(encoder_decoder, generator_id=None, description=None):
    """The melody config Magenta builds from ``--melody_encoder_decoder`` instead of ``--config``.

    It has the encoding's codec and the events RNN's default hyperparameters,
    not the melody presets' (Magenta merges ``--hparams`` into its defaults
    alone). Without a generator id it is named ``custom_<encoder_decoder>``,
    where Magenta leaves it nameless, so that messages and bundles still say
    what it is.
    """
    if encoder_decoder not in MELODY_ENCODER_DECODERS:
        raise ValueError(f"unknown melody encoder/decoder {encoder_decoder!r}; valid ones: "
                         f"{', '.join(MELODY_ENCODER_DECODERS)}")
    preset = get_config(MELODY_ENCODER_DECODERS[encoder_decoder])
    return dataclasses.replace(preset, name=f"custom_{encoder_decoder}", description="",
                               hparams=EventsRnnHParams()).with_details(generator_id, description)
