"""The whole generation loop of an events RNN as one compiled TensorFlow function.

Per generated event, every row of the batch: draws a class from the last
logits at the temperature (Gumbel-max over ``tf.random.stateless_uniform``,
seeded by the user's seed folded with a running draw counter: the same seed
gives the same events; XLA's random kernel need not match the plain graph's,
so draws may depend on ``jit_compile`` too), turns it into an event id (repeat labels copy the id ``d`` steps
back, see :mod:`~symphonia.generation.events_rnn.graph_codecs`), appends it to
the row's history (an int32 tensor ``[rows, capacity]``), builds the codec's
input for it and feeds the model one step. Nothing leaves the graph until
the segment ends, so a segment of any length is one call (XLA-compiled once
per batch size and history capacity; the segment length is a tensor).

Polyphony's primer injection runs in the same loop: a row that opens a
musical step the primer has notes for is *pending*: for the next
iterations it is fed those notes instead of sampling (they cost no draw and
add nothing to its score), then samples again. A row stops once it has drawn
the segment's number of events; the others go on until they have too.

The loop's state (:func:`prime`, :func:`take`) is a dict of per-row tensors:
the model's ``states`` and ``logits``, the history ``ids`` and ``lengths``, the
codec's running ``summary``, the musical ``steps`` so far, and the injection
cursor ``pending_step`` (the primer step being injected, -1: none) and
``pending_index``. The tables a generation uses (``id_classes``, the
injected ``inject_ids [S, M]`` and ``inject_counts [S]`` and
``inject_offset``) are passed in, not baked in, so one compiled loop serves
every primer.
"""

import numpy as np
import tensorflow as tf


def _round_up(size):
    """The next power of two, at least 64: history capacities, so that few shapes are ever compiled."""
    return max(64, 1 << (int(size) - 1).bit_length())


class GenerationLoop:
    """Priming and compiled generation segments of one model with one graph codec.

    Parameters
    ----------
    model : symphonia.models.events_rnn.model.EventsRnn
    graph_codec : symphonia.generation.events_rnn.graph_codecs.GraphCodec
    jit_compile : bool
        Compile the segment loop with XLA (several times faster per event,
        about a second to compile once per batch size and capacity).
    """

    def __init__(self, model, graph_codec, jit_compile=True):
        self.model = model
        self.graph_codec = graph_codec
        self._prime = tf.function(self._prime_graph)
        self._segments = {greedy: tf.function(self._segment_graph(greedy), jit_compile=jit_compile)
                          for greedy in (False, True)}

    def prime(self, primer_ids, tables, capacity):
        """The loop state of one row that has read the primer ids (numpy ``[P]``, P >= 1)."""
        ids = np.zeros((1, _round_up(max(capacity, len(primer_ids)))), np.int32)
        ids[0, :len(primer_ids)] = primer_ids
        return self._prime(tf.constant(ids), tf.constant(len(primer_ids), tf.int32), tables)

    def _prime_graph(self, ids, length, tables):
        codec = self.graph_codec
        state = {"ids": ids, "summary": codec.initial_summary(1), "steps": tf.zeros([1], tf.int32)}
        inputs = tf.TensorArray(tf.float32, size=length)

        def read(t, state, inputs):
            lengths = tf.fill([1], t + 1)
            row_inputs, summary = codec.advance(state["summary"], ids, lengths, tables["id_classes"])
            newest = ids[:, t]
            steps = state["steps"] + tf.cast(newest == codec.step_end_id, tf.int32)
            return t + 1, dict(state, summary=summary, steps=steps), inputs.write(t, row_inputs[0])

        _, state, inputs = tf.while_loop(lambda t, *_: t < length, read, (0, state, inputs))
        logits, states = self.model.forward(inputs.stack()[None], training=False)
        lengths = tf.fill([1], length)
        newest = ids[:, length - 1]
        at_step_start = (newest == codec.step_end_id) | ((newest == codec.start_id) & (lengths == 1))
        pending_step = self._injection_start(at_step_start, state["steps"], tables)
        return dict(state, states=states, logits=logits[:, -1], lengths=lengths, pending_step=pending_step,
                    pending_index=tf.zeros([1], tf.int32))

    @staticmethod
    def _injection_start(at_step_start, steps, tables):
        """The primer step each row opening a step is to be given (-1: none, or it has no notes)."""
        k = steps - tables["inject_offset"]
        counts = tables["inject_counts"]
        exists = (k >= 0) & (k < tf.shape(counts)[0])
        has_notes = exists & (tf.gather(counts, tf.clip_by_value(k, 0, tf.shape(counts)[0] - 1)) > 0)
        return tf.where(at_step_start & has_notes, k, -1)

    def _segment_graph(self, greedy):
        model, codec = self.model, self.graph_codec

        def segment(state, num_draws, temperature, seed, first_draw, tables):
            rows = tf.shape(state["lengths"])[0]

            def body(iteration, state, drawn, scores):
                active = drawn < num_draws
                pending = active & (state["pending_step"] >= 0)
                logits = state["logits"] if greedy else state["logits"] / temperature
                log_probs = tf.nn.log_softmax(logits)
                if greedy:
                    labels = tf.argmax(logits, axis=1, output_type=tf.int32)
                else:
                    draw_seed = tf.random.experimental.stateless_fold_in(seed, first_draw + iteration)
                    # Gumbel-max: O(classes) per row, where XLA's multinomial sums cumulatively in O(classes^2).
                    uniform = tf.random.stateless_uniform(tf.shape(logits), draw_seed, minval=1e-20, maxval=1.0)
                    labels = tf.argmax(logits - tf.math.log(-tf.math.log(uniform)), axis=1, output_type=tf.int32)
                injected = tf.gather_nd(tables["inject_ids"], tf.stack(
                    [tf.maximum(state["pending_step"], 0),
                     tf.minimum(state["pending_index"], tf.shape(tables["inject_ids"])[1] - 1)], axis=1))
                new_ids = tf.where(pending, injected, codec.ids_of_labels(labels, state["ids"], state["lengths"]))
                draws = active & ~pending
                scores += tf.where(draws, tf.gather(log_probs, labels, batch_dims=1), 0.0)
                drawn += tf.cast(draws, tf.int32)

                slot = tf.range(tf.shape(state["ids"])[1])[None] == state["lengths"][:, None]
                ids = tf.where(slot & active[:, None], new_ids[:, None], state["ids"])
                lengths = state["lengths"] + tf.cast(active, tf.int32)
                inputs, summary = codec.advance(state["summary"], ids, lengths, tables["id_classes"])
                logits, states = model.forward(inputs[:, None], state["states"], training=False)
                steps = state["steps"] + tf.cast(new_ids == codec.step_end_id, tf.int32)
                pending_index = tf.where(pending, state["pending_index"] + 1, 0)
                finished = tf.gather(tables["inject_counts"], tf.maximum(state["pending_step"], 0)) <= pending_index
                pending_step = tf.where(pending & ~finished, state["pending_step"],
                                        self._injection_start(new_ids == codec.step_end_id, steps, tables))
                advanced = dict(states=states, logits=logits[:, 0], ids=ids, lengths=lengths, summary=summary,
                                steps=steps, pending_step=pending_step, pending_index=pending_index)
                if codec.step_end_id >= 0:  # only injection lets rows fall out of step with each other
                    advanced = tf.nest.map_structure(lambda new, old: _where_rows(active, new, old), advanced,
                                                     state)
                state = advanced
                return iteration + 1, state, drawn, scores

            iterations, state, _, scores = tf.while_loop(
                lambda iteration, state, drawn, scores: tf.reduce_any(drawn < num_draws), body,
                (tf.constant(0), state, tf.zeros([rows], tf.int32), tf.zeros([rows])))
            return state, scores, iterations

        return segment

    def extend(self, state, num_draws, temperature, seed, first_draw, tables, max_injected):
        """Draws ``num_draws`` events for every row: ``(state, scores [rows] numpy, iterations run)``.

        ``max_injected`` bounds the events injection may add to a row, so the
        history is grown beforehand to hold everything the segment appends.
        """
        needed = int(tf.reduce_max(state["lengths"])) + num_draws + max_injected
        if needed > state["ids"].shape[1]:
            state = dict(state, ids=tf.pad(state["ids"], [[0, 0], [0, _round_up(needed) - state["ids"].shape[1]]]))
        state, scores, iterations = self._segments[temperature == 0](
            state, tf.constant(num_draws, tf.int32), tf.constant(temperature or 1.0, tf.float32),
            tf.constant(_seed_key(seed)), tf.constant(first_draw, tf.int32), tables)
        return state, scores.numpy().astype(np.float64), int(iterations)


def _seed_key(seed):
    """The int32 pair that XLA's stateless sampling takes, spread from a seed of any size."""
    return np.random.SeedSequence(seed).generate_state(2).view(np.int32)


def _where_rows(active, new, old):
    """``new`` in the active rows, ``old`` elsewhere, for a per-row tensor of any rank."""
    return tf.where(tf.reshape(active, [-1] + [1] * (len(new.shape) - 1)), new, old)


def take(state, rows):
    """The loop state of rows ``rows`` (indices, repeats allowed), in that order."""
    rows = tf.constant(np.asarray(rows, dtype=np.int32))
    return tf.nest.map_structure(lambda tensor: tf.gather(tensor, rows), state)
