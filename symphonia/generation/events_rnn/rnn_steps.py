"""An events RNN compiled for generation: one call primes it, then one call per step.

Generation alternates between the model (next-event logits for the whole
batch) and numpy (sampling, decoding, the next inputs). The model side is a
few compiled TensorFlow functions with fixed signatures, called as concrete
functions, which skips most of ``tf.function``'s per-call argument matching
(for a small model, as costly as the step itself): ``step`` advances every
row by one input, ``prime`` runs a long primer for one sequence in one call
(a short one goes through ``step``, which costs less than compiling a loop),
``masked_step`` only some rows (polyphony's primer injection feeds some rows
more inputs than others between two samples). Each is traced on first use.
The recurrent state stays in TensorFlow between calls (on the GPU when there
is one); only inputs go in and logits come out. Reordering rows of the state
(beam search) is a plain gather per state tensor.
"""

import functools

import numpy as np
import tensorflow as tf

# Up to this many events a primer is fed one step at a time (about a millisecond each);
# a longer one pays for compiling a loop over the whole primer (about half a second).
MAX_STEPWISE_PRIMER = 256


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

    def prime(self, inputs):
        """Runs one sequence's inputs ``[T, input_size]`` from the zero state.

        Returns ``(logits of the last input [num_classes] numpy, state with one row)``.
        """
        if len(inputs) > MAX_STEPWISE_PRIMER:
            logits, states = self._prime(tf.constant(inputs, tf.float32))
            return logits[-1].numpy(), states
        states = self.model.initial_state(1)
        for row in inputs:
            logits, states = self.step(row[None], states)
        return logits[0], states

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

    @staticmethod
    def take(states, rows):
        """The state of rows ``rows`` (indices, repeats allowed)."""
        rows = tf.constant(np.asarray(rows, dtype=np.int64))
        return tf.nest.map_structure(lambda state: tf.gather(state, rows), states)
