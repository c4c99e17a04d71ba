"""What each Magenta configuration extracts from a NoteSequence and how it encodes it.

A recipe ties a config name to its family's extractor and options and to its
codec, and turns one NoteSequence into serialized SequenceExamples, in one of two
layouts:

``magenta`` (the default)
    Feature lists ``inputs`` (float vector per step) and ``labels`` (int64 per
    step), exactly what Magenta's ``*_create_dataset`` writes and its trainers
    read, so datasets are interchangeable both ways.
``compact``
    Feature lists ``indices`` (the codec's compact int64 row per step, see
    :meth:`symphonia.codecs.base.EventCodec.encode_indices`) and ``labels``. The
    dense inputs are rebuilt from the rows in the input pipeline; a drum_kit
    dataset shrinks from 518 floats a step to a few bytes.
"""

import dataclasses
import functools

from symphonia.codecs import get_codec
from symphonia.data.drum_tracks import DrumTrackOptions, extract_drum_tracks
from symphonia.data.melodies import MelodyOptions, extract_melodies
from symphonia.data.pianorolls import PianorollOptions, extract_pianorolls
from symphonia.data.polyphonic_sequences import PolyphonyOptions, extract_polyphonic_sequences
from symphonia.data.sequence_example import dense_sequence_example, int64_feature_list, sequence_example
from symphonia.data.squash import squash_melody

LAYOUTS = ("magenta", "compact")


@dataclasses.dataclass(frozen=True)
class DatasetRecipe:
    """How one configuration's training examples are made (picklable, for workers).

    ``squash`` is ``(min_note, max_note, transpose_to_key)`` for melody
    configs, which fit each melody into the model's range before encoding.
    """

    config: str
    output_name: str
    extract: object
    options: object
    codec_name: str
    squash: tuple | None = None
    layout: str = "magenta"

    @functools.cached_property
    def codec(self):
        return get_codec(self.codec_name)

    def with_layout(self, layout):
        """A copy writing ``layout`` (``"magenta"`` or ``"compact"``)."""
        if layout not in LAYOUTS:
            raise ValueError(f"unknown layout {layout!r}; valid layouts: {', '.join(LAYOUTS)}")
        return dataclasses.replace(self, layout=layout)

    def examples(self, sequence):
        """Serialized SequenceExamples from one NoteSequence, and extraction statistics."""
        extraction = self.extract(sequence, self.options)
        if not extraction.events:
            extraction.stats[f"sequences_without_{self.output_name}"] += 1
        return [self.encode(events) for events in extraction.events], extraction.stats

    def encode(self, events):
        """One event sequence as a serialized SequenceExample in this recipe's layout."""
        if self.squash is not None:
            events, _ = squash_melody(events, *self.squash)
        if self.layout == "magenta":
            return dense_sequence_example(*self.codec.encode(events))
        indices = self.codec.encode_indices(events)[:-1]
        return sequence_example({"indices": int64_feature_list(indices),
                                 "labels": int64_feature_list(self.codec.labels(events))})


_MELODY_RANGE = (48, 84, 0)
_melodies = functools.partial(DatasetRecipe, output_name="melodies", extract=extract_melodies,
                              options=MelodyOptions())

RECIPES = {
    "basic_rnn": _melodies(config="basic_rnn", codec_name="basic_rnn", squash=_MELODY_RANGE),
    "mono_rnn": _melodies(config="mono_rnn", codec_name="mono_rnn", squash=(0, 128, None)),
    "lookback_rnn": _melodies(config="lookback_rnn", codec_name="lookback_rnn", squash=_MELODY_RANGE),
    "attention_rnn": _melodies(config="attention_rnn", codec_name="attention_rnn", squash=_MELODY_RANGE),
    "one_drum": DatasetRecipe("one_drum", "drum_tracks", extract_drum_tracks,
                              DrumTrackOptions(steps_per_quarter=2), "one_drum"),
    "drum_kit": DatasetRecipe("drum_kit", "drum_tracks", extract_drum_tracks, DrumTrackOptions(), "drum_kit"),
    "polyphony": DatasetRecipe("polyphony", "poly_tracks", extract_polyphonic_sequences, PolyphonyOptions(),
                               "polyphony"),
    "rnn-nade": DatasetRecipe("rnn-nade", "pianoroll_tracks", extract_pianorolls, PianorollOptions(), "pianoroll"),
    "rnn-nade_attn": DatasetRecipe("rnn-nade_attn", "pianoroll_tracks", extract_pianorolls, PianorollOptions(),
                                   "pianoroll"),
}


def get_recipe(config, layout="magenta"):
    """The recipe of a configuration; an unknown name lists the valid ones."""
    try:
        recipe = RECIPES[config]
    except KeyError:
        raise ValueError(f"unknown config {config!r}; valid configs: {', '.join(RECIPES)}") from None
    return recipe.with_layout(layout)
