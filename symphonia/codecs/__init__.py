"""Event codecs: melody, drum, polyphony and pianoroll events <-> model tensors.

Pure numpy and vectorised over whole sequences. ``get_codec(name)`` returns the
codec of a Magenta configuration (``basic_rnn``, ``drum_kit``, ...); every codec
offers the :class:`~symphonia.codecs.base.EventCodec` interface.
"""

from symphonia.codecs.base import EventCodec, EventVocabulary
from symphonia.codecs.registry import CODEC_NAMES, get_codec

__all__ = ["CODEC_NAMES", "EventCodec", "EventVocabulary", "get_codec"]
