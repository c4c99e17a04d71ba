"""The attention cell's recurrence over a sequence, with a hand-written gradient.

What :class:`~symphonia.layers.attention.AttentionLSTM` runs step by step,
given the part of the LSTM gates that comes from its inputs. It is written out
with its backward pass because automatic differentiation of this loop is
slow: it keeps every step's attention window (``L`` outputs) for the
backward loop and sends the window's gradient through the slicing and
concatenating that shifts it, three times the cost of the forward pass. Here
the forward loop keeps only what each step produces (gate values, cell state,
read, output, attention weights); the backward loop rebuilds each window as a
slice of the saved outputs, carries the window's gradient, and leaves every
weight gradient to one large matrix product after the loop.

The forward step is compiled with XLA on its own (not the loop: compiled
whole, the loop copies its saved arrays at every step and runs several times
slower): its few dozen small operations, each a separate kernel launch in a
plain TensorFlow loop, become a few fused ones, which makes the forward pass
about a quarter faster. The step's shapes do not depend on the sequence
length, so it compiles once per batch size. The backward step, compiled the
same way, measured no faster, and stays plain.

Windows are time-major ``[L, B, ...]`` here; the layer's state keeps them
batch-major like every other state tensor.
"""

import collections

import tensorflow as tf

from symphonia.layers.lstm import gate_activations

AttentionWeights = collections.namedtuple("AttentionWeights", [
    "recurrent_kernel",  # [A + U, 4U]: [read, h] -> gates (the read's path through the input map included)
    "query_kernel",  # [2U, V]: [c, h] -> query
    "query_bias",  # [V]
    "key_kernel",  # [A, V]: output -> its key
    "score_vector",  # [V]
    "output_kernel",  # [U + A, A]: [h, read] -> output
    "output_bias",  # [A]
])


def attention_recurrence(input_gates, state, weights):
    """Runs the attention cell over ``input_gates [B, T, 4U]`` from ``state``.

    Parameters
    ----------
    input_gates : tf.Tensor
        LSTM gate pre-activations from the inputs, biases included.
    state : tuple
        ``(c [B, U], h [B, U], read [B, A], window [B, L, A], keys [B, L, V])``.
    weights : AttentionWeights

    Returns
    -------
    outputs : tf.Tensor, shape [B, T, A]
    final_state : tuple, like ``state``
    """
    c, h, read, window, keys = state
    outputs, c, h, read, window, keys = _recurrence(_swap(input_gates), c, h, read, _swap(window), _swap(keys),
                                                    *weights)
    return _swap(outputs), (c, h, read, _swap(window), _swap(keys))


def _swap(tensor):
    """Batch-major <-> time-major."""
    return tf.transpose(tensor, [1, 0, 2])


_Saved = collections.namedtuple("_Saved", "gate_inputs cells reads outputs attention")


@tf.custom_gradient
def _recurrence(input_gates, c, h, read, window, keys, *weights):
    weights = AttentionWeights(*weights)
    initial = (c, h, read, window, keys)
    saved, final = _forward(input_gates, initial, weights)

    def gradient(d_outputs, *d_final):
        d_final = [tf.zeros_like(value) if grad is None else grad for grad, value in zip(d_final, final)]
        return _backward(d_outputs, d_final, initial, saved, weights)

    return (saved.outputs, *final), gradient


def _forward(input_gates, state, w):
    num_steps = tf.shape(input_gates)[0]
    # Two arrays, not five: each write is an op of its own in the loop.
    step_values = tf.TensorArray(input_gates.dtype, size=num_steps)
    attentions = tf.TensorArray(input_gates.dtype, size=num_steps)

    def body(t, step_values, attentions, *state):
        values, attention, state = _forward_step(input_gates[t], state, w)
        return (t + 1, step_values.write(t, values), attentions.write(t, attention), *state)

    _, step_values, attentions, *final = tf.while_loop(
        lambda t, *_: t < num_steps, body, (tf.constant(0), step_values, attentions, *state),
        maximum_iterations=num_steps)
    c, read = state[0], state[2]
    sizes = [w.recurrent_kernel.shape[-1], c.shape[-1], read.shape[-1], read.shape[-1]]
    gates, cells, reads, outputs = tf.split(step_values.stack(), sizes, axis=-1)
    return _Saved(gates, cells, reads, outputs, attentions.stack()), tuple(final)


@tf.function(jit_compile=True, autograph=False)
def _forward_step(input_gates, state, w):
    """One step of the cell: ``([gates, c, read, output], attention [L, B], new state)``.

    Compiled on its own, so that its few dozen small operations run as a few fused kernels.
    """
    c, h, read, window, keys = state
    gates = input_gates + tf.concat([read, h], -1) @ w.recurrent_kernel
    i, f, candidate, o = gate_activations(gates)
    c = f * c + i * candidate
    h = o * tf.tanh(c)
    query = tf.concat([c, h], -1) @ w.query_kernel + w.query_bias
    scores = tf.reduce_sum(tf.tanh(keys + query) * w.score_vector, -1)  # [L, B]
    attention = tf.nn.softmax(scores, axis=0)
    read = tf.reduce_sum(attention[..., None] * window, 0)
    output = tf.concat([h, read], -1) @ w.output_kernel + w.output_bias
    window = tf.concat([window[1:], output[None]], 0)
    keys = tf.concat([keys[1:], (output @ w.key_kernel)[None]], 0)
    return tf.concat([gates, c, read, output], -1), attention, (c, h, read, window, keys)


def _backward(d_outputs, d_final, initial, saved, w):
    """Gradients for ``_recurrence``'s inputs, from those of its outputs and final state."""
    c0, h0, read0, window0, keys0 = initial
    units, length = c0.shape[-1], window0.shape[0]
    i_all, f_all, candidate_all, o_all = gate_activations(saved.gate_inputs)
    tanh_cells = tf.tanh(saved.cells)
    hidden = o_all * tanh_cells
    queries = _matmul(tf.concat([saved.cells, hidden], -1), w.query_kernel) + w.query_bias
    # Step t attends over entries t .. t + L - 1 of these: the initial window, then the outputs.
    windows = tf.concat([window0, saved.outputs], 0)
    all_keys = tf.concat([keys0, _matmul(saved.outputs, w.key_kernel)], 0)
    previous_cells = tf.concat([c0[None], saved.cells[:-1]], 0)
    num_steps = tf.shape(d_outputs)[0]
    arrays = [tf.TensorArray(d_outputs.dtype, size=num_steps) for _ in range(4)]
    transposed = [tf.transpose(kernel) for kernel in (w.recurrent_kernel, w.query_kernel, w.key_kernel,
                                                      w.output_kernel)]
    recurrent_t, query_t, key_t, output_t = transposed

    def body(k, arrays, d_c, d_h, d_read, d_window, d_keys, d_score_vector):
        t = num_steps - 1 - k
        i, f, candidate, o = i_all[t], f_all[t], candidate_all[t], o_all[t]
        d_new_key = d_keys[-1]
        d_output = d_outputs[t] + d_window[-1] + d_new_key @ key_t
        d_hidden_read = d_output @ output_t
        d_h += d_hidden_read[:, :units]
        d_read += d_hidden_read[:, units:]
        attention = saved.attention[t]  # [L, B]
        d_attention = tf.reduce_sum(windows[t:t + length] * d_read, -1)
        d_window = tf.concat([tf.zeros_like(d_window[:1]), d_window[:-1]], 0) + attention[..., None] * d_read
        d_scores = attention * (d_attention - tf.reduce_sum(attention * d_attention, 0))
        match = tf.tanh(all_keys[t:t + length] + queries[t])
        d_score_vector += tf.reduce_sum(d_scores[..., None] * match, [0, 1])
        d_match = d_scores[..., None] * (w.score_vector * (1.0 - match * match))
        d_keys = tf.concat([tf.zeros_like(d_keys[:1]), d_keys[:-1]], 0) + d_match
        d_query = tf.reduce_sum(d_match, 0)
        d_cell_hidden = d_query @ query_t
        d_h += d_cell_hidden[:, units:]
        tanh_c = tanh_cells[t]
        d_c += d_cell_hidden[:, :units] + d_h * o * (1.0 - tanh_c * tanh_c)
        d_gates = tf.concat([d_c * candidate * i * (1.0 - i), d_c * previous_cells[t] * f * (1.0 - f),
                             d_c * i * (1.0 - candidate * candidate), d_h * tanh_c * o * (1.0 - o)], -1)
        d_read_h = d_gates @ recurrent_t
        arrays = [array.write(t, value) for array, value in zip(arrays, (d_gates, d_query, d_output, d_new_key))]
        return k + 1, arrays, d_c * f, d_read_h[:, -units:], d_read_h[:, :-units], d_window, d_keys, d_score_vector

    _, arrays, d_c0, d_h0, d_read0, d_window0, d_keys0, d_score_vector = tf.while_loop(
        lambda k, *_: k < num_steps, body, (tf.constant(0), arrays, *d_final, tf.zeros_like(w.score_vector)),
        maximum_iterations=num_steps)
    d_gates, d_queries, d_outs, d_new_keys = (array.stack() for array in arrays)
    previous_reads = tf.concat([read0[None], saved.reads[:-1]], 0)
    previous_hidden = tf.concat([h0[None], hidden[:-1]], 0)
    d_weights = AttentionWeights(
        recurrent_kernel=_outer(tf.concat([previous_reads, previous_hidden], -1), d_gates),
        query_kernel=_outer(tf.concat([saved.cells, hidden], -1), d_queries),
        query_bias=tf.reduce_sum(d_queries, [0, 1]),
        key_kernel=_outer(saved.outputs, d_new_keys),
        score_vector=d_score_vector,
        output_kernel=_outer(tf.concat([hidden, saved.reads], -1), d_outs),
        output_bias=tf.reduce_sum(d_outs, [0, 1]))
    return (d_gates, d_c0, d_h0, d_read0, d_window0, d_keys0, *d_weights)


def _matmul(sequence, kernel):
    """``[T, B, K] @ [K, N]``."""
    return tf.einsum("tbk,kn->tbn", sequence, kernel)


def _outer(inputs, d_results):
    """The gradient of a kernel applied at every step: sum over steps and batch of ``inputs^T d_results``."""
    return tf.einsum("tbk,tbn->kn", inputs, d_results)
