"""Codecs by the name of the Magenta configuration that uses them."""

from collections.abc import Callable

from symphonia.codecs import drums, melody, pianoroll, polyphony
from symphonia.codecs.base import EventCodec

_FACTORIES: dict[str, Callable[[], EventCodec]] = {
    "basic_rnn": melody.basic_rnn,
    "mono_rnn": melody.mono_rnn,
    "lookback_rnn": melody.lookback_rnn,
    "attention_rnn": melody.attention_rnn,
    "one_drum": drums.one_drum,
    "drum_kit": drums.drum_kit,
    "polyphony": polyphony.polyphony,
    "pianoroll": pianoroll.pianoroll,
}

CODEC_NAMES = tuple(_FACTORIES)


def get_codec(name: str) -> EventCodec:
    """A fresh codec for a Magenta config name; an unknown name lists the valid ones."""
    try:
        factory = _FACTORIES[name]
    except KeyError:
        raise ValueError(f"unknown codec {name!r}; valid names: {', '.join(CODEC_NAMES)}") from None
    return factory()
