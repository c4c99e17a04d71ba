"""An events RNN compiled for generation: one call primes it, then one call per step.

Generation alternates between the model (next-event logits for the whole
batch) and numpy (sampling, decoding, the next inputs). The model side is a
few compiled TensorFlow functions with fixed signatures, called as concrete
functions, which skips most of ``tf.function``'s per-call argument matching
(for a small model, as costly as the step itself): ``prime`` runs a whole
primer for one sequence, ``step`` advances every row by one input,
``masked_step`` only some rows (polyphony's primer injection feeds some rows
more inputs than others between two samples), ``take`` reorders or copies
rows of the state. Each is traced on first use. The recurrent state stays in
TensorFlow between calls (on the GPU when there is one); only inputs go in
and logits come out.
"""

import functools

import numpy as np
import tensorflow as tf


class RnnSteps:
    """Compiled priming and single steps of an :class:`~symphonia.models.events_rnn.model.EventsRnn`."""

    def __init__(self, model):
        self.model = model
        self._inputs_spec = tf.TensorSpec([None, model.input_size], tf.float32)
        self._state_spec = tf.nest.map_structure(lambda s: tf.TensorSpec([None, *s.shape[1:]], s.dtype),
                                                 model.initial_state(1))

    @functools.cached_property
    def _prime(self):
        def prime(inputs):
            logits, states = self.model.forward(inputs[None])
            return logits[0], states

        return tf.function(prime).get_concrete_function(self._inputs_spec)

    @functools.cached_property
    def _step(self):
        def step(inputs, states):
            logits, states = self.model.forward(inputs[:, None], states)
            return logits[:, 0], states

        return tf.function(step).get_concrete_function(self._inputs_spec, self._state_spec)

    @functools.cached_property
    def _masked_step(self):
        def masked_step(inputs, states, active):
            logits, new_states = self.model.forward(inputs[:, None], states)

            def keep_inactive(new, old):
                return tf.where(tf.reshape(active, [-1] + [1] * (len(new.shape) - 1)), new, old)

            return logits[:, 0], tf.nest.map_structure(keep_inactive, new_states, states)

        return tf.function(masked_step).get_concrete_function(self._inputs_spec, self._state_spec,
                                                              tf.TensorSpec([None], tf.bool))

    @functools.cached_property
    def _take(self):
        def take(states, rows):
            return tf.nest.map_structure(lambda state: tf.gather(state, rows), states)

        return tf.function(take).get_concrete_function(self._state_spec, tf.TensorSpec([None], tf.int64))

    def prime(self, inputs):
        """Runs one sequence's inputs ``[T, input_size]`` from the zero state.

        Returns ``(logits [T, num_classes] numpy, state with one row)``.
        """
        logits, states = self._prime(tf.constant(inputs, tf.float32))
        return logits.numpy(), states

    def step(self, inputs, states, active=None):
        """Feeds ``inputs [B, input_size]`` to every row, or only where ``active [B]``.

        Returns ``(logits [B, num_classes] numpy, states)``; an inactive row's
        state is left as it was (its logits are meaningless).
        """
        inputs = tf.constant(inputs, tf.float32)
        if active is None:
            logits, states = self._step(inputs, states)
        else:
            logits, states = self._masked_step(inputs, states, tf.constant(active))
        return logits.numpy(), states

    def take(self, states, rows):
        """The state of rows ``rows`` (indices, repeats allowed)."""
        return self._take(states, tf.constant(np.asarray(rows, dtype=np.int64)))
