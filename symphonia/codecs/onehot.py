"""Plain one-hot codec: the input is the current event's class, the label the next one's
(Magenta's ``OneHotEventSequenceEncoderDecoder``)."""

import numpy as np
from numpy.typing import ArrayLike, NDArray

from symphonia.codecs.base import EventCodec, EventVocabulary, check_labels
from symphonia.codecs.features import one_hot


class OneHotCodec(EventCodec):
    """One class per event; the compact row is that class alone."""

    index_size = 1

    def __init__(self, name: str, vocabulary: EventVocabulary):
        self.name = name
        self.vocabulary = vocabulary
        self.input_size = self.num_classes = vocabulary.num_classes
        self.default_event_label = vocabulary.default_class
        self.event_shape = vocabulary.event_shape
        self.event_dtype = vocabulary.event_dtype

    def encode_indices(self, events: ArrayLike) -> NDArray[np.int64]:
        return self.vocabulary.to_classes(self.as_events(events))[:, None]

    def inputs_from_indices(self, indices: ArrayLike) -> NDArray[np.float32]:
        return one_hot(np.asarray(indices)[..., 0], self.num_classes)

    def labels(self, events: ArrayLike) -> NDArray[np.int64]:
        return self.vocabulary.to_classes(self.as_events(events))[1:]

    def decode(self, labels: ArrayLike, history: ArrayLike | None = None) -> NDArray:
        """Events for ``labels [B, T]``; a one-hot class never depends on the history."""
        return self.vocabulary.from_classes(check_labels(labels, self.num_classes))

    def label_steps(self, labels: ArrayLike) -> NDArray[np.int64]:
        return self.vocabulary.class_steps(check_labels(labels, self.num_classes))
