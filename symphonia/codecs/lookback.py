"""Lookback codec: one-hot events plus "what came one/two bars ago" features,
binary step counters, and labels that say "repeat the event d steps back"
(Magenta's ``LookbackEventSequenceEncoderDecoder``).

The repeat helpers here are shared with the key-aware melody codec, whose
labels follow the same repeat rules.
"""

from collections.abc import Callable, Sequence

import numpy as np
from numpy.typing import ArrayLike, NDArray

from symphonia.codecs.base import EventCodec, EventVocabulary, check_labels, events_equal
from symphonia.codecs.counters import binary_counters
from symphonia.codecs.features import one_hot


def check_distances(distances: Sequence[int]) -> tuple[int, ...]:
    """Lookback distances as a tuple; a repeat must reach at least one step back."""
    distances = tuple(int(d) for d in distances)
    if any(d < 1 for d in distances):
        raise ValueError(f"lookback distances must be >= 1, got {distances}")
    return distances


def repeats(events: NDArray, distance: int) -> NDArray[np.bool_]:
    """True where event ``i`` equals event ``i - distance`` (False before that exists)."""
    same = np.zeros(len(events), dtype=bool)
    if distance < len(events):
        same[distance:] = events_equal(events[distance:], events[:-distance])
    return same


def classes_after_lookback(classes: NDArray[np.int64], distance: int, default_class: int) -> NDArray[np.int64]:
    """Class of event ``i - distance + 1``: what would come next if the music
    repeated itself from ``distance`` steps back (the default class before the start)."""
    shift = distance - 1
    ahead = np.full(len(classes), default_class, dtype=np.int64)
    if shift < len(classes):
        ahead[shift:] = classes[: len(classes) - shift]
    return ahead


def repeat_labels(
    plain: NDArray[np.int64],
    events: NDArray,
    distances: tuple[int, ...],
    first_repeat_class: int,
    default_event: NDArray,
) -> NDArray[np.int64]:
    """Labels for every position, repeat classes replacing plain ones.

    Later distances win over earlier ones (Magenta tests the list from the end,
    so with ``(16, 32)`` a two-bar repeat beats a one-bar one). The steps before
    the start count as default events, so a default event (a melody's
    no-event) earlier than the last distance "repeats" that implicit silence and
    gets the last repeat class, which decodes back to the default event there.
    """
    labels = plain.copy()
    for j, distance in enumerate(distances):
        labels[repeats(events, distance)] = first_repeat_class + j
    if distances:
        early = np.arange(len(events)) < distances[-1]
        labels[early & events_equal(events, default_event)] = first_repeat_class + len(distances) - 1
    return labels


def repeat_sources(
    labels: NDArray[np.int64], history_length: int, first_repeat_class: int, distances: tuple[int, ...]
) -> NDArray[np.int64]:
    """For each new step, the position in ``history + new steps`` whose event it takes.

    A repeat label points ``d`` steps back, possibly at another repeat, so the
    pointers are followed by doubling (``p <- p[p]``) until they settle: a few
    vectorised passes instead of a Python loop over steps. -1 means "before the
    start", which decodes to the default event.
    """
    batch = labels.shape[0]
    positions = history_length + np.arange(labels.shape[1])
    sources = np.broadcast_to(positions, labels.shape)
    for j, distance in enumerate(distances):
        sources = np.where(labels == first_repeat_class + j, positions - distance, sources)
    own = np.broadcast_to(np.arange(history_length), (batch, history_length))
    pointers = np.concatenate([own, np.maximum(sources, -1)], axis=1)
    while True:
        followed = np.where(pointers < 0, -1, np.take_along_axis(pointers, np.maximum(pointers, 0), axis=1))
        if np.array_equal(followed, pointers):
            return pointers[:, history_length:]
        pointers = followed


def decode_repeats(
    labels: NDArray[np.int64],
    history: NDArray,
    first_repeat_class: int,
    distances: tuple[int, ...],
    plain_events: Callable[[NDArray[np.int64]], NDArray],
    default_event: NDArray,
) -> NDArray:
    """Events for ``labels [B, T]`` after ``history [B, H, ...]``.

    ``plain_events`` maps non-repeat labels to events; repeat labels copy the
    event they point at, or the default event when the history is too short.
    """
    plain = plain_events(np.where(labels < first_repeat_class, labels, 0))
    sequence = np.concatenate([history, plain.astype(history.dtype)], axis=1)
    sources = repeat_sources(labels, history.shape[1], first_repeat_class, distances)
    event_axes = (1,) * (sequence.ndim - 2)
    sources = sources.reshape(sources.shape + event_axes)
    picked = np.take_along_axis(sequence, np.maximum(sources, 0), axis=1)
    return np.where(sources >= 0, picked, default_event)


class LookbackCodec(EventCodec):
    """One-hot event, lookback events, counters and repeat flags.

    Input layout (C classes, L distances, b counter bits): current event
    one-hot ``[0, C)``; for each distance d, the one-hot of the event that would
    follow a repeat from d steps back (``L * C``); b ±1 counter bits of the
    position; for each distance, 1.0 if the current event equals the one d steps
    back. Classes ``[0, C)`` are events, ``C + j`` means "repeat distance j".

    Compact row: ``[class, class after each lookback (L), position, repeat flags (L)]``.
    """

    def __init__(
        self,
        name: str,
        vocabulary: EventVocabulary,
        lookback_distances: Sequence[int] = (16, 32),
        counter_bits: int = 5,
    ):
        self.name = name
        self.vocabulary = vocabulary
        self.distances = check_distances(lookback_distances)
        self.counter_bits = counter_bits
        size, count = vocabulary.num_classes, len(self.distances)
        self.input_size = size + count * size + counter_bits + count
        self.num_classes = size + count
        self.default_event_label = vocabulary.default_class
        self.index_size = 2 + 2 * count
        self.event_shape = vocabulary.event_shape
        self.event_dtype = vocabulary.event_dtype

    def encode_indices(self, events: ArrayLike) -> NDArray[np.int64]:
        events = self.as_events(events)
        classes = self.vocabulary.to_classes(events)
        default = self.vocabulary.default_class
        columns = [classes]
        columns += [classes_after_lookback(classes, d, default) for d in self.distances]
        columns.append(np.arange(len(events)))
        columns += [repeats(events, d) for d in self.distances]
        return np.stack(columns, axis=1).astype(np.int64)

    def inputs_from_indices(self, indices: ArrayLike) -> NDArray[np.float32]:
        indices = np.asarray(indices)
        size, count = self.vocabulary.num_classes, len(self.distances)
        parts = [one_hot(indices[..., j], size) for j in range(1 + count)]
        parts.append(binary_counters(indices[..., 1 + count], self.counter_bits))
        parts.append(indices[..., 2 + count :].astype(np.float32))
        return np.concatenate(parts, axis=-1)

    def labels(self, events: ArrayLike) -> NDArray[np.int64]:
        events = self.as_events(events)
        plain = self.vocabulary.to_classes(events)
        first = self.vocabulary.num_classes
        return repeat_labels(plain, events, self.distances, first, self.vocabulary.default_event)[1:]

    def decode(self, labels: ArrayLike, history: ArrayLike | None = None) -> NDArray:
        labels = check_labels(labels, self.num_classes)
        return decode_repeats(
            labels,
            self.batched_history(history, labels.shape[0]),
            self.vocabulary.num_classes,
            self.distances,
            self.vocabulary.from_classes,
            self.vocabulary.default_event,
        )
