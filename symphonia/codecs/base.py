"""The interface shared by every codec, so data, training and generation code
never needs to know which model family it is feeding.

A codec turns one event sequence (a numpy array whose first axis is time) into
model tensors and back:

* ``encode(events)`` gives Magenta's dense training pair: ``inputs`` float32
  ``[T-1, input_size]`` and ``labels`` int64 ``[T-1]`` (label ``i`` is the
  class of event ``i + 1``; the pianoroll's label is the whole next frame,
  ``[T-1, 88]``, see :mod:`symphonia.codecs.pianoroll`).
* ``encode_indices(events)`` gives a compact int64 ``[T, index_size]`` row per
  event holding just enough to rebuild that event's dense input with
  ``inputs_from_indices``. Rows are self-contained (they carry their own step
  position and lookback information), so a dataset can store the compact rows
  and any window of them still expands to the right inputs.
* ``decode(labels, history)`` maps sampled labels of a whole batch back to
  events, resolving "repeat the event d steps back" labels against the history.
"""

import abc

import numpy as np
from numpy.typing import ArrayLike, NDArray


def events_equal(a: NDArray, b: ArrayLike) -> NDArray[np.bool_]:
    """Per-step event equality, comparing every component of multi-part events.

    Magenta compares raw events (two drum sets of the same drum type but
    different pitches are different events), so repeats are tested on events,
    never on their classes.
    """
    return np.all(a == b, axis=tuple(range(1, np.ndim(a))))


def check_labels(labels: ArrayLike, num_classes: int) -> NDArray[np.int64]:
    """Labels as int64, refusing values no class stands for."""
    labels = np.asarray(labels, dtype=np.int64)
    if labels.size and (labels.min() < 0 or labels.max() >= num_classes):
        raise ValueError(f"labels must lie in [0, {num_classes}), got {labels.min()}..{labels.max()}")
    return labels


class EventVocabulary(abc.ABC):
    """A one-hot vocabulary of single events (Magenta's ``OneHotEncoding``).

    Events are numpy values of shape ``event_shape`` (a scalar melody event, a
    128-pitch drum mask, a ``(type, pitch)`` pair); a sequence stacks them
    along a leading time axis.
    """

    num_classes: int
    event_shape: tuple[int, ...]
    event_dtype: type
    default_event: NDArray

    @abc.abstractmethod
    def to_classes(self, events: NDArray) -> NDArray[np.int64]:
        """Class index of every event ``[T, *event_shape] -> [T]``."""

    @abc.abstractmethod
    def from_classes(self, classes: ArrayLike) -> NDArray:
        """Event for every class index ``[...] -> [..., *event_shape]``."""

    def class_steps(self, classes: NDArray[np.int64]) -> NDArray[np.int64]:
        """Musical steps each class advances; one unless a vocabulary says otherwise."""
        return np.ones_like(classes)

    @property
    def default_class(self) -> int:
        return int(self.to_classes(self.default_event[None])[0])


class EventCodec(abc.ABC):
    """Events <-> model tensors for one named Magenta configuration."""

    name: str
    input_size: int
    num_classes: int
    default_event_label: int
    index_size: int
    event_shape: tuple[int, ...]
    event_dtype: type

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.name!r})"

    def as_events(self, events: ArrayLike) -> NDArray:
        """Events as an array ``[T, *event_shape]`` (an empty list included)."""
        return np.asarray(events, dtype=self.event_dtype).reshape(-1, *self.event_shape)

    def encode(self, events: ArrayLike) -> tuple[NDArray[np.float32], NDArray[np.int64]]:
        """Dense ``(inputs [T-1, input_size], labels [T-1])``, as Magenta writes them."""
        events = self.as_events(events)
        return self.inputs_from_indices(self.encode_indices(events)[:-1]), self.labels(events)

    def inputs(self, events: ArrayLike) -> NDArray[np.float32]:
        """Dense inputs for every event, the last included (what priming a generator needs)."""
        return self.inputs_from_indices(self.encode_indices(events))

    @abc.abstractmethod
    def encode_indices(self, events: ArrayLike) -> NDArray[np.int64]:
        """Compact int64 ``[T, index_size]`` rows, one per event."""

    @abc.abstractmethod
    def inputs_from_indices(self, indices: ArrayLike) -> NDArray[np.float32]:
        """Dense float32 ``[..., input_size]`` inputs from compact rows ``[..., index_size]``."""

    @abc.abstractmethod
    def labels(self, events: ArrayLike) -> NDArray[np.int64]:
        """Training labels: the class of each event after the first, ``[T-1]`` (pianoroll: ``[T-1, 88]``)."""

    @abc.abstractmethod
    def decode(self, labels: ArrayLike, history: ArrayLike | None = None) -> NDArray:
        """Events ``[B, T, *event_shape]`` for labels ``[B, T]`` (pianoroll: ``[B, T, 88]``)
        sampled after ``history [B, H, *event_shape]``."""

    def class_index_to_event(self, index: ArrayLike, events: ArrayLike) -> NDArray:
        """The event a single sampled class stands for after the sequence ``events``."""
        return self.decode(np.asarray(index)[None, None], np.asarray(events)[None])[0, 0]

    def label_steps(self, labels: ArrayLike) -> NDArray[np.int64]:
        """Musical steps each label advances (for the per-step loss); one by default."""
        return np.ones(np.shape(labels), dtype=np.int64)

    def batched_history(self, history: ArrayLike | None, batch: int) -> NDArray:
        """History as ``[B, H, *event_shape]``; none means an empty one."""
        if history is None:
            return np.zeros((batch, 0, *self.event_shape), dtype=self.event_dtype)
        return np.asarray(history, dtype=self.event_dtype).reshape(batch, -1, *self.event_shape)
