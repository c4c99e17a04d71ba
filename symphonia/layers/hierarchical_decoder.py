"""MusicVAE's hierarchical decoder: a "conductor" LSTM gives one embedding per bar, bars are decoded from them.

As Magenta's ``HierarchicalLstmDecoder`` with two levels and
``disable_autoregression`` (the ``hierdec-*`` and ``hier-*`` configs, spec
section 7.4):

* the conductor, an LSTM stack whose initial state is ``tanh(dense(z))``,
  runs ``num_segments`` steps on a zero input of width 1 (it never sees what
  was decoded), and its top output at step ``k`` is the embedding of
  segment (bar) ``k``;
* a core :class:`~symphonia.layers.categorical_decoder.CategoricalLstmDecoder`,
  shared by every segment, decodes segment ``k`` from embedding ``k`` as
  from a ``z``: its state restarts from the embedding and the embedding is
  part of every input. The class fed back at a segment's first step is the
  last class of the segment before (the zero vector for the first), as
  Magenta's core decoder reads the shifted sequence in training and starts
  each bar from the previous bar's last sample;
* with ``output_depth`` a tuple, each part (melody, bass, drums of a trio)
  has its own core decoder, all reading the same embeddings and none the
  others' outputs (Magenta's ``SplitMultiOutLstmDecoder``); the loss is
  their sum.

Because the core decoder's state restarts at every segment, training decodes
all segments of all windows at once, as one batch ``num_segments`` times
larger and ``num_segments`` times shorter; sampling goes segment by segment,
since each segment's first input is the one before's last draw.

Weights: ``conductor_initial_state/``, ``conductor_lstm_<i>/`` and
``core_decoder/`` (``core_decoder_<part>/`` with several parts).
"""

import keras
import tensorflow as tf

from symphonia.layers.categorical_decoder import CategoricalLstmDecoder
from symphonia.layers.lstm import LSTM
from symphonia.layers.lstm_stack import states_from_vector
from symphonia.layers.seeds import fold


class HierarchicalLstmDecoder(keras.layers.Layer):
    """Logits (one tensor per part) for ``[B, num_segments * L]`` labels, or sampled labels, from ``z``.

    Parameters
    ----------
    output_depth : int or tuple of int
        Classes of the single output, or of each part (labels ``[B, T, parts]``).
    z_size : int
    rnn_layer_sizes : sequence of int
        Layer sizes of the conductor and of every core decoder (Magenta uses
        ``dec_rnn_size`` for both).
    num_segments : int
        Conductor steps: the bars of a window.
    dropout_keep_prob : float
    """

    def __init__(self, output_depth, z_size, rnn_layer_sizes, num_segments, dropout_keep_prob=1.0, **kwargs):
        super().__init__(**kwargs)
        self.multi_output = not isinstance(output_depth, int)
        self.output_depths = tuple(output_depth) if self.multi_output else (output_depth,)
        self.z_size = z_size
        self.rnn_layer_sizes = tuple(rnn_layer_sizes)
        self.num_segments = num_segments
        self.dropout_keep_prob = dropout_keep_prob
        small = keras.initializers.RandomNormal(stddev=0.001)
        self.conductor_initial_state = keras.layers.Dense(2 * sum(self.rnn_layer_sizes), activation="tanh",
                                                          kernel_initializer=small, name="conductor_initial_state")
        widths = (1,) + self.rnn_layer_sizes[:-1]
        self.conductor = [LSTM(units, width, name=f"conductor_lstm_{i}")
                          for i, (units, width) in enumerate(zip(self.rnn_layer_sizes, widths))]
        names = [f"core_decoder_{part}" for part in range(len(self.output_depths))] if self.multi_output \
            else ["core_decoder"]
        self.core_decoders = [CategoricalLstmDecoder(depth, self.embedding_size, self.rnn_layer_sizes,
                                                     dropout_keep_prob, name=name)
                              for depth, name in zip(self.output_depths, names)]

    @property
    def embedding_size(self):
        return self.rnn_layer_sizes[-1]

    def build(self, input_shape=None):
        self.conductor_initial_state.build((None, self.z_size))
        for cell in self.conductor:
            cell.build()
        for core in self.core_decoders:
            core.build()

    def embeddings(self, z, training=False, seed=None):
        """The conductor's output ``[B, num_segments, embedding_size]``: one embedding per segment.

        ``seed`` ([2] ints) drives the dropout of the layers' inputs in training.
        """
        batch_size = tf.shape(z)[0]
        states = states_from_vector(self.conductor_initial_state(z), self.rnn_layer_sizes)
        outputs = tf.zeros([batch_size, self.num_segments, 1])
        for i, (cell, state) in enumerate(zip(self.conductor, states)):
            if i > 0 and training and self.dropout_keep_prob < 1.0:  # layer 0 reads zeros: nothing to drop
                outputs = tf.nn.experimental.stateless_dropout(outputs, 1.0 - self.dropout_keep_prob, fold(seed, i))
            outputs, _ = cell(outputs, state)
        return outputs

    def reconstruct(self, labels, z, sampling_probability, seed, training=False):
        """Logits ``[B, T, depth]`` (a tuple, one per part, with several parts) for the true ``labels``.

        Every segment of every window is decoded in one batch: segment ``k``
        from embedding ``k``, fed the true last class of segment ``k - 1``
        at its first step.
        """
        embeddings = self.embeddings(z, training, fold(seed, len(self.core_decoders)))
        return self.reconstruct_from_embeddings(labels, embeddings, sampling_probability, seed, training)

    def reconstruct_from_embeddings(self, labels, embeddings, sampling_probability, seed, training=False):
        """:meth:`reconstruct` given the segments' embeddings ``[B, num_segments, embedding_size]``."""
        batch_size, length = tf.shape(labels)[0], tf.shape(labels)[1]
        segments = batch_size * self.num_segments
        flat_embeddings = tf.reshape(embeddings, [segments, self.embedding_size])
        outputs = []
        for part, (core, part_labels) in enumerate(zip(self.core_decoders, self._part_labels(labels))):
            pieces = tf.reshape(part_labels, [segments, length // self.num_segments])
            last_of_segment = tf.reshape(pieces[:, -1], [batch_size, self.num_segments])
            before = tf.reshape(tf.concat([tf.fill([batch_size, 1], -1), last_of_segment[:, :-1]], axis=1), [-1])
            logits = core.reconstruct(pieces, flat_embeddings, sampling_probability, fold(seed, part), training,
                                      first_output=before)
            outputs.append(tf.reshape(logits, [batch_size, length, core.output_depth]))
        return tuple(outputs) if self.multi_output else outputs[0]

    def sample(self, z, num_steps, temperature, seed):
        """Labels ``[B, num_steps]`` (``[B, num_steps, parts]``) drawn segment by segment at ``temperature``.

        ``num_steps`` must be a whole number of segments.
        """
        if num_steps % self.num_segments:
            raise ValueError(f"num_steps ({num_steps}) must be a multiple of the {self.num_segments} segments")
        segment_length = num_steps // self.num_segments
        embeddings = self.embeddings(z)
        batch_size = tf.shape(z)[0]

        def decode_segment(k, previous, drawn):
            samples = [core.sample(embeddings[:, k], segment_length, temperature, fold(fold(seed, k), part),
                                   first_output=last)
                       for part, (core, last) in enumerate(zip(self.core_decoders, previous))]
            return k + 1, tuple(part[:, -1] for part in samples), drawn.write(k, tf.stack(samples, axis=-1))

        start = tuple(tf.fill([batch_size], -1) for _ in self.core_decoders)
        _, _, drawn = tf.while_loop(lambda k, *_: k < self.num_segments, decode_segment,
                                    (tf.constant(0), start, tf.TensorArray(tf.int32, size=self.num_segments)),
                                    maximum_iterations=self.num_segments)
        labels = tf.reshape(tf.transpose(drawn.stack(), [1, 0, 2, 3]), [batch_size, num_steps, len(self.core_decoders)])
        return labels if self.multi_output else labels[..., 0]

    def step_losses(self, outputs, labels):
        """Cross-entropy ``[B, T]`` of each step, summed over the parts."""
        return tf.add_n([core.step_losses(part_outputs, part_labels) for core, part_outputs, part_labels
                         in zip(self.core_decoders, self._part_outputs(outputs), self._part_labels(labels))])

    def step_accuracy(self, outputs, labels):
        """``[B, T]``: the share of the parts decoded right (most likely class) at each step."""
        return tf.add_n([core.step_accuracy(part_outputs, part_labels) for core, part_outputs, part_labels
                         in zip(self.core_decoders, self._part_outputs(outputs), self._part_labels(labels))]) \
            / len(self.core_decoders)

    def _part_labels(self, labels):
        return tf.unstack(labels, axis=-1) if self.multi_output else [labels]

    def _part_outputs(self, outputs):
        return outputs if self.multi_output else [outputs]
