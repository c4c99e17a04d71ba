"""Each codec's side of the in-graph generation loop: labels to events, events to the next input, in TensorFlow.

Inside the compiled loop (:mod:`~symphonia.generation.events_rnn.graph_loop`)
an event is a small integer *id*, so that a row's history is one int32
tensor and "is this event the one d steps back" is an integer comparison:

* ids ``0..C-1`` are the vocabulary's classes, standing for the events
  ``vocabulary.from_classes`` gives;
* a primer event that is not one of those (a drum step striking pitch 35,
  which a kick class decodes to 36) gets an id of its own after them, so it
  is copied exactly by a repeat label and compared exactly by the repeat
  flags, as Magenta compares raw events.

:class:`EventIds` builds that table in numpy once per primer; it also turns
ids back into events after the loop. Each graph codec then says, in
TensorFlow, which id a sampled label stands for (repeat labels copy the id
``d`` steps back) and what input the newest event gives the model, keeping a
small per-row summary where the input depends on the whole melody so far
(the key-aware codec). The inputs are exactly the codec's own
``codec.inputs`` (the tests check every codec).
"""

import numpy as np
import tensorflow as tf

from symphonia.codecs.base import events_equal
from symphonia.codecs.lookback import LookbackCodec
from symphonia.codecs.melody import (
    NOTES_PER_OCTAVE,
    NUM_SPECIAL_EVENTS,
    PITCH_CLASS_KEYS,
    KeyMelodyCodec,
    MelodyVocabulary,
)
from symphonia.codecs.onehot import OneHotCodec
from symphonia.codecs.polyphony import PolyphonyVocabulary, START, STEP_END

MIN_EXTRA_IDS = 8  # the id table is padded to a power of two of at least this many extra ids, to reuse compiles


class EventIds:
    """The ids of a vocabulary's events plus the primer's other events.

    Attributes
    ----------
    events : numpy.ndarray, shape [num_ids, *event_shape]
        The event each id stands for.
    classes : numpy.ndarray of int32, shape [num_ids]
        Each id's vocabulary class (what its one-hot input shows).
    primer : numpy.ndarray of int32
        The primer's ids.
    """

    def __init__(self, vocabulary, primer):
        classes = vocabulary.to_classes(primer)
        canonical = vocabulary.from_classes(np.arange(vocabulary.num_classes))
        exact = events_equal(canonical[classes], primer) if len(primer) else np.zeros(0, bool)
        extras, extra_index = np.unique(primer[~exact], axis=0, return_inverse=True)
        padding = max(MIN_EXTRA_IDS, 1 << int(len(extras)).bit_length()) - len(extras)
        extras = np.concatenate([extras, np.repeat(vocabulary.default_event[None], padding, axis=0)])
        self.events = np.concatenate([canonical, extras.astype(canonical.dtype)])
        self.classes = np.concatenate([np.arange(vocabulary.num_classes), vocabulary.to_classes(extras)]).astype(
            np.int32)
        ids = classes.astype(np.int32)
        ids[~exact] = vocabulary.num_classes + np.reshape(extra_index, -1)
        self.primer = ids


def back(ids, lengths, distance):
    """Each row's id ``distance`` places before its newest (0: the newest), and whether there is one."""
    index = lengths - 1 - distance
    return tf.gather(ids, tf.maximum(index, 0), batch_dims=1), index >= 0


def binary_counters(positions, num_bits):
    """The TensorFlow twin of :func:`symphonia.codecs.counters.binary_counters`: ±1 bits of ``position + 1``."""
    bits = tf.bitwise.bitwise_and(tf.bitwise.right_shift((positions + 1)[:, None], tf.range(num_bits)), 1)
    return tf.cast(2 * bits - 1, tf.float32)


def repeat_flags(ids, lengths, distances):
    """1.0 where the newest event equals the one ``d`` steps before it, one column per distance."""
    newest, _ = back(ids, lengths, 0)
    flags = []
    for distance in distances:
        earlier, exists = back(ids, lengths, distance)
        flags.append(exists & tf.equal(earlier, newest))
    return tf.cast(tf.stack(flags, axis=1), tf.float32) if flags else tf.zeros([tf.shape(ids)[0], 0])


class GraphCodec:
    """A one-hot codec in the loop: a label is a class, the input its one-hot.

    Subclasses add repeat labels and richer inputs. ``step_end_id`` and
    ``start_id`` mark the polyphonic events that open a musical step (-1:
    the codec has none).
    """

    distances = ()
    step_end_id = start_id = -1

    def __init__(self, codec, vocabulary):
        self.codec = codec
        self.vocabulary = vocabulary
        self.first_repeat_label = codec.num_classes - len(self.distances)
        self.label_ids = self.plain_label_ids()

    def plain_label_ids(self):
        """The id of each non-repeat label: the class itself."""
        return np.arange(self.first_repeat_label, dtype=np.int32)

    def event_ids(self, primer):
        return EventIds(self.vocabulary, self.codec.as_events(primer))

    def initial_summary(self, rows):
        """The per-row running summary before any event (a tuple of tensors; none here)."""
        return ()

    def ids_of_labels(self, labels, ids, lengths):
        """The id each sampled label stands for, before it is appended at position ``lengths``."""
        plain = tf.gather(self.label_ids, tf.minimum(labels, self.first_repeat_label - 1))
        resolved = plain
        for j, distance in enumerate(self.distances):
            source = lengths - distance
            copied = tf.where(source >= 0, tf.gather(ids, tf.maximum(source, 0), batch_dims=1),
                              self.vocabulary.default_class)
            resolved = tf.where(labels == self.first_repeat_label + j, copied, resolved)
        return resolved

    def advance(self, summary, ids, lengths, id_classes):
        """``(inputs [B, input_size], summary)`` after the newest id of each row was appended."""
        newest, _ = back(ids, lengths, 0)
        return tf.one_hot(tf.gather(id_classes, newest), self.codec.num_classes), summary


class PolyphonyGraphCodec(GraphCodec):
    """The polyphony codec, whose STEP_END and START events open musical steps (for primer injection)."""

    step_end_id, start_id = STEP_END, START


class LookbackGraphCodec(GraphCodec):
    """Lookback codecs: class, classes a lookback ahead, counters and repeat flags of the newest event."""

    def __init__(self, codec):
        self.distances = codec.distances
        super().__init__(codec, codec.vocabulary)

    def advance(self, summary, ids, lengths, id_classes):
        size = self.vocabulary.num_classes
        newest, _ = back(ids, lengths, 0)
        parts = [tf.one_hot(tf.gather(id_classes, newest), size)]
        for distance in self.distances:
            ahead, exists = back(ids, lengths, distance - 1)
            parts.append(tf.one_hot(tf.where(exists, tf.gather(id_classes, ahead), self.vocabulary.default_class),
                                    size))
        parts += [binary_counters(lengths - 1, self.codec.counter_bits), repeat_flags(ids, lengths, self.distances)]
        return tf.concat(parts, axis=1), summary


class KeyMelodyGraphCodec(GraphCodec):
    """The key-aware melody codec (attention_rnn), its running melody summary kept per row.

    Ids are :class:`~symphonia.codecs.melody.MelodyVocabulary` classes (0
    no-event, 1 note-off, 2 + k pitch ``min_note + k``). The summary is what
    the codec's input needs beyond the newest event: the sounding pitch
    (offset, or R for silence), the attack flag, the last melodic direction,
    the last note-on, the pitch-class counts of every note-on and the last
    three distinct pitches heard (-1: none yet).
    """

    def __init__(self, codec):
        self.distances = codec.distances
        super().__init__(codec, MelodyVocabulary(codec.min_note, codec.max_note))

    def plain_label_ids(self):
        """Labels ``[0, R)`` are note-ons (id ``2 + label``), R the no-event (id 0), R + 1 the note-off (id 1)."""
        note_range = self.codec.note_range
        return np.concatenate([np.arange(note_range) + NUM_SPECIAL_EVENTS, [0, 1]]).astype(np.int32)

    def initial_summary(self, rows):
        codec = self.codec
        return (tf.fill([rows], codec.note_range), tf.zeros([rows], tf.bool), tf.zeros([rows], tf.int32),
                tf.fill([rows], -1), tf.zeros([rows, NOTES_PER_OCTAVE], tf.int32),
                tf.fill([rows, KeyMelodyCodec.RECENT_NOTES], -1))

    def advance(self, summary, ids, lengths, id_classes):
        codec = self.codec
        sounding, attack, direction, last_note, pitch_class_counts, recent = summary
        newest, _ = back(ids, lengths, 0)
        note_on = newest >= NUM_SPECIAL_EVENTS
        pitch = newest - NUM_SPECIAL_EVENTS + codec.min_note
        sounding = tf.where(newest == 0, sounding, tf.where(note_on, pitch - codec.min_note, codec.note_range))
        attack = tf.where(newest == 1, attack, note_on)
        move = tf.where(note_on & (last_note >= 0), tf.sign(pitch - last_note), 0)
        direction = tf.where(move != 0, move, direction)
        last_note = tf.where(note_on, pitch, last_note)
        pitch_class_counts += tf.one_hot(pitch % NOTES_PER_OCTAVE, NOTES_PER_OCTAVE, dtype=tf.int32) * tf.cast(
            note_on, tf.int32)[:, None]
        recent = tf.where(note_on[:, None], self._with_newest(recent, pitch), recent)
        recent_counts = tf.reduce_sum(tf.one_hot(recent % NOTES_PER_OCTAVE, NOTES_PER_OCTAVE, dtype=tf.int32)
                                      * tf.cast(recent >= 0, tf.int32)[..., None], axis=1)
        position = lengths - 1
        parts = [
            tf.one_hot(sounding, codec.note_range),
            tf.cast(tf.stack([sounding < codec.note_range, sounding == codec.note_range, attack], axis=1),
                    tf.float32),
            tf.cast(direction, tf.float32)[:, None],
            repeat_flags(ids, lengths, self.distances),
            binary_counters(position, codec.counter_bits),
            tf.cast((position + 1) % codec.steps_per_bar == 0, tf.float32)[:, None],
            self._tied_keys(pitch_class_counts),
            self._tied_keys(recent_counts),
        ]
        return tf.concat(parts, axis=1), (sounding, attack, direction, last_note, pitch_class_counts, recent)

    @staticmethod
    def _tied_keys(pitch_class_counts):
        """1.0 for each major key tied for the most notes (every key when there are none)."""
        keys = tf.matmul(pitch_class_counts, tf.constant(PITCH_CLASS_KEYS, tf.int32))
        return tf.cast(keys == tf.reduce_max(keys, axis=1, keepdims=True), tf.float32)

    @staticmethod
    def _with_newest(recent, pitch):
        """The last distinct pitches after ``pitch`` is heard: moved to the end if known, else pushed in."""
        heard = recent == pitch[:, None]
        kept = tf.gather(recent, tf.argsort(tf.cast(heard, tf.int32), axis=1, stable=True), batch_dims=1)
        older = tf.where(tf.reduce_any(heard, axis=1)[:, None], kept[:, :-1], kept[:, 1:])
        return tf.concat([older, pitch[:, None]], axis=1)


def graph_codec_for(codec):
    """The loop's side of ``codec``; ValueError for a codec events RNNs cannot generate with."""
    if isinstance(codec, KeyMelodyCodec):
        return KeyMelodyGraphCodec(codec)
    if isinstance(codec, LookbackCodec):
        return LookbackGraphCodec(codec)
    if isinstance(codec, OneHotCodec):
        is_polyphony = isinstance(codec.vocabulary, PolyphonyVocabulary)
        return (PolyphonyGraphCodec if is_polyphony else GraphCodec)(codec, codec.vocabulary)
    raise ValueError(f"the {codec.name} codec cannot be generated with by an events RNN")
