"""The RNN-NADE configurations: Magenta's ``rnn-nade`` and ``rnn-nade_attn`` presets.

The hyperparameters are the events RNN's (same LSTM stack, optimiser and
clipping) plus the NADE's hidden size, with Magenta's RNN-NADE defaults. The
model reads frames of the ``pianoroll`` codec: 88 keys, 4 steps per quarter.

Configurations are frozen: ``config.with_hparams("batch_size=16")`` returns a
new one.
"""

import dataclasses

from symphonia.hparams import StoredConfig
from symphonia.models.events_rnn.configs import EventsRnnHParams

ENCODING = "pianoroll"
NUM_KEYS = 88  # the pianoroll codec's frame width, here so that configs need no codec import


@dataclasses.dataclass(frozen=True)
class RnnNadeHParams(EventsRnnHParams):
    """The events-RNN hyperparameters with Magenta's RNN-NADE defaults, plus ``nade_hidden_units``."""

    batch_size: int = 64
    rnn_layer_sizes: tuple[int, ...] = (128, 128, 128)
    dropout_keep_prob: float = 0.5
    clip_norm: float = 5.0
    nade_hidden_units: int = 128

    def __post_init__(self):
        super().__post_init__()
        self._require(self.nade_hidden_units > 0,
                      f"nade_hidden_units must be positive, got {self.nade_hidden_units}")


@dataclasses.dataclass(frozen=True)
class RnnNadeConfig(StoredConfig):
    """Everything needed to rebuild, train and use one RNN-NADE.

    Attributes
    ----------
    name : str
        Magenta's config id, ``rnn-nade`` or ``rnn-nade_attn``.
    description : str
    encoding : str
        The codec (``pianoroll``) whose frames the model reads.
    input_size : int
        Keys per frame (88).
    steps_per_quarter : int
    hparams : RnnNadeHParams
    """

    STORED_FORMAT = "symphonia.pianoroll_rnn_nade.config"
    STORED_LABEL = "RNN-NADE"
    HPARAMS_TYPE = RnnNadeHParams


    name: str
    description: str
    encoding: str
    input_size: int
    steps_per_quarter: int
    hparams: RnnNadeHParams



_PRESETS = {
    "rnn-nade": ("RNN-NADE", RnnNadeHParams()),
    "rnn-nade_attn": ("RNN-NADE with attention.",
                      RnnNadeHParams(batch_size=48, rnn_layer_sizes=(128, 128), attn_length=32)),
}


def config_names():
    """The preset names."""
    return tuple(_PRESETS)


def get_config(name):
    """The named preset; ValueError lists the valid names."""
    if name not in _PRESETS:
        raise ValueError(f"unknown config {name!r}; valid configs: {', '.join(_PRESETS)}")
    description, hparams = _PRESETS[name]
    return RnnNadeConfig(name=name, description=description, encoding=ENCODING, input_size=NUM_KEYS,
                         steps_per_quarter=4, hparams=hparams)
