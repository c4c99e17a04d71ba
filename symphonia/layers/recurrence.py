"""Running a recurrent step function over the time axis of a batch.

Recurrent layers here split their work in two: whatever does not depend on the
previous state (the input half of every matrix product) is computed for all
time steps at once, outside the loop, and only the small recurrent remainder
runs step by step. This module is that remainder's loop, shared by every cell.

A sequence of static length one (a generation step) runs the step function once
without building a loop, so a stateful single-step call costs one step.
"""

import tensorflow as tf


def scan_over_time(step, sequence, state):
    """Applies ``step`` along axis 1 of ``sequence``, threading ``state`` through.

    Parameters
    ----------
    step : callable
        ``step(x_t, state) -> (y_t, new_state)`` with ``x_t`` of shape ``[B, K]``,
        ``y_t`` of shape ``[B, U]`` and ``state`` a tuple of tensors whose shapes
        do not change from step to step.
    sequence : tf.Tensor, shape [B, T, K]
    state : tuple of tf.Tensor

    Returns
    -------
    outputs : tf.Tensor, shape [B, T, U]
    final_state : tuple of tf.Tensor
    """
    if sequence.shape[1] == 1:
        output, state = step(sequence[:, 0], state)
        return output[:, None], state
    time_major = tf.transpose(sequence, [1, 0, 2])
    num_steps = tf.shape(time_major)[0]
    # TensorArrays on both sides: indexing the captured sequence instead would give every
    # step a gradient the size of the whole sequence.
    inputs = tf.TensorArray(sequence.dtype, size=num_steps).unstack(time_major)
    outputs = tf.TensorArray(sequence.dtype, size=num_steps)

    def body(t, outputs, state):
        output, state = step(inputs.read(t), state)
        return t + 1, outputs.write(t, output), state

    _, outputs, state = tf.while_loop(lambda t, *_: t < num_steps, body, (tf.constant(0), outputs, tuple(state)),
                                      maximum_iterations=num_steps)
    return tf.transpose(outputs.stack(), [1, 0, 2]), state
