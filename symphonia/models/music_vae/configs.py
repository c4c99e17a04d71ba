"""MusicVAE's configurations: Magenta's 2-bar melody and drum, NADE drum, 16-bar melody and trio presets.

A configuration names its data converter (a JSON-ready spec for
:func:`symphonia.models.music_vae.converters.make_converter`), the random
transposition applied to training windows, its encoder and decoder (see
:mod:`symphonia.models.music_vae.model`), and Magenta's hyperparameters:
its ``lstm_models`` defaults merged with each preset's own values (spec
sections 7.1 and 7.2). Tensor sizes come from the converter, so they are
written down in one place only: a hierarchical model has one conductor step
per bar of the converter's windows (Magenta's ``level_lengths`` ``[16, 16]``
are 16 bars of 16 steps).

Magenta's unused or deprecated hyperparameters (``conditional``,
``use_cudnn``, ``residual_encoder``, ``residual_decoder``,
``control_preprocessing_rnn_size``) are left out: none of these presets sets
them and none changes what these models compute. ``z_size`` must be positive
(Magenta's decoder-only ``z_size=0`` is not offered).

Configurations are frozen: ``config.with_hparams("batch_size=64")`` returns a
new one.
"""

import dataclasses
import types

from symphonia.hparams import HParams, StoredConfig
from symphonia.models.music_vae.converters import FULL_DRUM_PITCH_CLASSES

SAMPLING_SCHEDULES = ("constant", "exponential", "inverse_sigmoid")
ENCODERS = ("bidirectional", "hierarchical")
DECODERS = ("categorical", "hierarchical", "nade")
CLIP_MODES = ("global_norm", "value")


@dataclasses.dataclass(frozen=True)
class MusicVaeHParams(HParams):
    """MusicVAE's hyperparameters with Magenta's defaults (spec section 7.1)."""

    max_seq_len: int = 32
    z_size: int = 32
    free_bits: float = 0.0
    max_beta: float = 1.0
    beta_rate: float = 0.0
    batch_size: int = 512
    grad_clip: float = 1.0
    clip_mode: str = "global_norm"
    grad_norm_clip_to_zero: float = 10000.0
    learning_rate: float = 0.001
    decay_rate: float = 0.9999
    min_learning_rate: float = 0.00001
    dec_rnn_size: tuple[int, ...] = (512,)
    enc_rnn_size: tuple[int, ...] = (256,)
    dropout_keep_prob: float = 1.0
    sampling_schedule: str = "constant"
    sampling_rate: float = 0.0
    nade_num_hidden: int = 128

    def __post_init__(self):
        for name in ("max_seq_len", "z_size", "batch_size", "nade_num_hidden"):
            self._require(getattr(self, name) > 0, f"{name} must be positive, got {getattr(self, name)}")
        for name in ("dec_rnn_size", "enc_rnn_size"):
            sizes = getattr(self, name)
            self._require(sizes and min(sizes) > 0, f"{name} must be a non-empty list of positive sizes, "
                                                    f"got {list(sizes)}")
        self._require(self.free_bits >= 0.0, f"free_bits must be >= 0, got {self.free_bits}")
        self._require(0.0 <= self.beta_rate <= 1.0, f"beta_rate must be in [0, 1], got {self.beta_rate}")
        self._require(self.grad_clip > 0.0, f"grad_clip must be positive, got {self.grad_clip}")
        self._require(self.clip_mode in CLIP_MODES,
                      f"clip_mode must be one of {', '.join(CLIP_MODES)}, got {self.clip_mode!r}")
        self._require(self.learning_rate > 0.0, f"learning_rate must be positive, got {self.learning_rate}")
        self._require(0.0 < self.decay_rate <= 1.0, f"decay_rate must be in (0, 1], got {self.decay_rate}")
        self._require(0.0 <= self.min_learning_rate <= self.learning_rate,
                      f"min_learning_rate must be in [0, learning_rate], got {self.min_learning_rate}")
        self._require(0.0 < self.dropout_keep_prob <= 1.0,
                      f"dropout_keep_prob must be in (0, 1], got {self.dropout_keep_prob}")
        self._require(self.sampling_schedule in SAMPLING_SCHEDULES,
                      f"sampling_schedule must be one of {', '.join(SAMPLING_SCHEDULES)}, "
                      f"got {self.sampling_schedule!r}")
        valid_rate = {"constant": 0.0 <= self.sampling_rate <= 1.0,
                      "exponential": 0.0 < self.sampling_rate < 1.0,
                      "inverse_sigmoid": self.sampling_rate >= 1.0}[self.sampling_schedule]
        self._require(valid_rate, f"sampling_rate {self.sampling_rate} does not suit the {self.sampling_schedule} "
                                  f"schedule (constant: [0, 1], exponential: (0, 1), inverse_sigmoid: >= 1)")


@dataclasses.dataclass(frozen=True)
class MusicVaeConfig(StoredConfig):
    """Everything needed to rebuild, train and use one MusicVAE.

    Attributes
    ----------
    name : str
        Magenta's config id (``cat-mel_2bar_small``...), the id a generator bundle records.
    description : str
    converter : Mapping
        ``{"type": "melody" | "drums", **arguments}`` of the data converter (read-only).
    transpose_range : tuple of (int, int) or None
        Training windows move by a random number of semitones in this inclusive range.
    hparams : MusicVaeHParams
    encoder : str
        One of :data:`ENCODERS`.
    decoder : str
        One of :data:`DECODERS`: ``nade`` needs drum-roll windows (``roll_output``), the others
        class labels; hierarchical models need ``max_seq_len`` to be the windows' length.
    """

    STORED_FORMAT = "symphonia.music_vae.config"
    STORED_LABEL = "MusicVAE"
    HPARAMS_TYPE = MusicVaeHParams

    name: str
    description: str
    converter: dict
    transpose_range: tuple[int, int] | None
    hparams: MusicVaeHParams
    encoder: str = "bidirectional"
    decoder: str = "categorical"

    def __post_init__(self):
        # Read back from JSON these are a dict and a list: freeze them, so stored configs compare equal.
        object.__setattr__(self, "converter", types.MappingProxyType(dict(self.converter)))
        if self.transpose_range is not None:
            object.__setattr__(self, "transpose_range", tuple(self.transpose_range))
        if self.encoder not in ENCODERS:
            raise ValueError(f"encoder must be one of {', '.join(ENCODERS)}, got {self.encoder!r}")
        if self.decoder not in DECODERS:
            raise ValueError(f"decoder must be one of {', '.join(DECODERS)}, got {self.decoder!r}")
        converter = self.make_converter()
        rolls = getattr(converter, "roll_output", False)
        if rolls != (self.decoder == "nade"):
            raise ValueError(f"the {self.decoder} decoder cannot decode {'drum rolls' if rolls else 'class labels'}: "
                             f"the nade decoder goes with roll_output drum windows, and only it")
        hierarchical = "hierarchical" in (self.encoder, self.decoder)
        if hierarchical and self.hparams.max_seq_len != converter.max_length:
            raise ValueError(f"a hierarchical model reads whole windows: max_seq_len must be their length, "
                             f"{converter.slice_bars} bars x {converter.steps_per_bar} steps = {converter.max_length}, "
                             f"got {self.hparams.max_seq_len}")

    @classmethod
    def from_dict(cls, values):
        """The stored form read back; configs stored before encoders and decoders were named get the 2-bar ones."""
        return super().from_dict({"encoder": "bidirectional", "decoder": "categorical", **values})

    def to_dict(self):
        return {**super().to_dict(), "converter": dict(self.converter),
                "transpose_range": None if self.transpose_range is None else list(self.transpose_range)}

    def make_converter(self):
        """The data converter this configuration trains and generates with."""
        from symphonia.models.music_vae.converters import make_converter

        return make_converter(self.converter)


_MELODY = {"type": "melody", "min_pitch": 21, "max_pitch": 108, "valid_programs": list(range(32)),
           "skip_polyphony": False, "max_bars": 100, "slice_bars": 2, "steps_per_quarter": 4}
_MELODY_16BAR = {**_MELODY, "valid_programs": None, "slice_bars": 16}
_DRUMS = {"type": "drums", "max_bars": 100, "slice_bars": 2, "steps_per_quarter": 4, "roll_input": True}
_DRUM_ROLLS = {**_DRUMS, "roll_output": True}
_TRIO = {"type": "trio", "slice_bars": 16, "gap_bars": 2, "steps_per_quarter": 4}
_SMALL = {"z_size": 256, "enc_rnn_size": (512,), "dec_rnn_size": (256, 256)}
_BIG = {"z_size": 512, "enc_rnn_size": (2048,), "dec_rnn_size": (2048, 2048, 2048)}
_COMMON = {"batch_size": 512, "max_seq_len": 32, "sampling_schedule": "inverse_sigmoid", "sampling_rate": 1000.0}
_MELODY_HPARAMS = {**_COMMON, "free_bits": 0.0, "beta_rate": 0.99999}
_DRUMS_HPARAMS = {**_COMMON, "free_bits": 48.0, "max_beta": 0.2, "beta_rate": 0.0}
_NADE_HPARAMS = {**_DRUMS_HPARAMS, "z_size": 256, "enc_rnn_size": (1024,), "dec_rnn_size": (512, 512),
                 "nade_num_hidden": 128}
# 16 bars: teacher forcing, constant beta; flat models have a 3-layer decoder, hierarchical ones 2 layers.
_LONG = {"max_seq_len": 256, "z_size": 512, "beta_rate": 0.0}
_FLAT = {**_LONG, "enc_rnn_size": (2048, 2048), "dec_rnn_size": (2048, 2048, 2048)}
_HIERDEC = {**_LONG, "enc_rnn_size": (2048, 2048), "dec_rnn_size": (1024, 1024), "free_bits": 256.0,
            "max_beta": 0.2}
_HIER = {**_HIERDEC, "enc_rnn_size": (1024,)}
_BIDIRECTIONAL_CATEGORICAL = ("bidirectional", "categorical")
_BIDIRECTIONAL_HIERARCHICAL = ("bidirectional", "hierarchical")
_HIERARCHICAL = ("hierarchical", "hierarchical")

# name: (description, converter, transpose_range, hparams, (encoder, decoder)), in Magenta's order.
_PRESETS = {
    "cat-mel_2bar_small": ("2-bar melody VAE, small: BiLSTM encoder, 2-layer LSTM decoder, 90 classes.",
                           _MELODY, (-5, 5), {**_MELODY_HPARAMS, **_SMALL, "max_beta": 0.2},
                           _BIDIRECTIONAL_CATEGORICAL),
    "cat-mel_2bar_big": ("2-bar melody VAE, big: BiLSTM encoder, 3-layer LSTM decoder, 90 classes.",
                         _MELODY, (-5, 5), {**_MELODY_HPARAMS, **_BIG, "max_beta": 0.5}, _BIDIRECTIONAL_CATEGORICAL),
    "cat-drums_2bar_small": ("2-bar drums VAE, small: 9 drum classes as 512 combinations.",
                             _DRUMS, None, {**_DRUMS_HPARAMS, **_SMALL}, _BIDIRECTIONAL_CATEGORICAL),
    "cat-drums_2bar_big": ("2-bar drums VAE, big: 9 drum classes as 512 combinations.",
                           _DRUMS, None, {**_DRUMS_HPARAMS, **_BIG}, _BIDIRECTIONAL_CATEGORICAL),
    "nade-drums_2bar_reduced": ("2-bar drums VAE, NADE decoder over the 9 reduced drum classes.",
                                _DRUM_ROLLS, None, _NADE_HPARAMS, ("bidirectional", "nade")),
    "nade-drums_2bar_full": ("2-bar drums VAE, NADE decoder over 61 single-pitch drum classes.",
                             {**_DRUM_ROLLS, "pitch_classes": [list(p) for p in FULL_DRUM_PITCH_CLASSES]},
                             None, _NADE_HPARAMS, ("bidirectional", "nade")),
    "flat-trio_16bar": ("16-bar trio VAE (melody, bass, drums), flat: one 3-layer LSTM with three softmax heads.",
                        _TRIO, None, {**_FLAT, "batch_size": 256}, _BIDIRECTIONAL_CATEGORICAL),
    "hierdec-trio_16bar": (("16-bar trio VAE, hierarchical decoder: a conductor over bars and one decoder per "
                            "instrument."), _TRIO, None, {**_HIERDEC, "batch_size": 256}, _BIDIRECTIONAL_HIERARCHICAL),
    "hier-trio_16bar": ("16-bar trio VAE, hierarchical encoder and decoder.",
                        _TRIO, None, {**_HIER, "batch_size": 256}, _HIERARCHICAL),
    "flat-mel_16bar": ("16-bar melody VAE, flat: BiLSTM encoder, 3-layer LSTM decoder.",
                       _MELODY_16BAR, None, {**_FLAT, "free_bits": 256.0, "max_beta": 0.2},
                       _BIDIRECTIONAL_CATEGORICAL),
    "hierdec-mel_16bar": (("16-bar melody VAE, hierarchical decoder: a conductor LSTM gives each bar's decoder "
                           "its embedding."), _MELODY_16BAR, None, _HIERDEC, _BIDIRECTIONAL_HIERARCHICAL),
    "hier-mel_16bar": ("16-bar melody VAE, hierarchical encoder (bars, then the sequence of bars) and decoder.",
                       _MELODY_16BAR, None, _HIER, _HIERARCHICAL),
}


def config_names():
    """The preset names, in Magenta's order."""
    return tuple(_PRESETS)


def get_config(name):
    """The named preset; ValueError lists the valid names."""
    if name not in _PRESETS:
        raise ValueError(f"unknown config {name!r}; valid configs: {', '.join(_PRESETS)}")
    description, converter, transpose_range, hparams, (encoder, decoder) = _PRESETS[name]
    return MusicVaeConfig(name=name, description=description, converter=converter,
                          transpose_range=transpose_range, hparams=MusicVaeHParams(**hparams), encoder=encoder,
                          decoder=decoder)
