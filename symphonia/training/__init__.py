"""The training and evaluation loop every model family shares.

A family supplies a :class:`~symphonia.training.task.Task` (its Keras model and
how to score a batch), a ``tf.data`` dataset and an optimizer;
:func:`~symphonia.training.loop.train` does the rest: resuming from the last
complete checkpoint, time-based checkpoints, TensorBoard summaries, a progress
line, and a clean stop on Ctrl-C or SIGTERM.
:func:`~symphonia.training.evaluation.evaluate_checkpoints` follows a training
run and evaluates each new checkpoint.
"""
