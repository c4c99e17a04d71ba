"""Evaluating a training run's checkpoints as they appear (Magenta's ``--eval`` job).

The evaluation job runs beside training, on the same run directory: it waits
for a checkpoint newer than the last one it evaluated, scores it on the same
first batches of the evaluation set (dropout off), writes the means to
TensorBoard under the evaluation directory at the checkpoint's step, and
waits again. Like Magenta it gives up after ``timeout_secs`` without a new
checkpoint; it also stops once it has evaluated the checkpoint of the last
training step, when that step is known.
"""

import time

import tensorflow as tf
from absl import logging

from symphonia.training import checkpoints, summaries
from symphonia.training.task import LOSS


def evaluate_checkpoints(task, make_dataset, train_dir, eval_dir, *, last_step=0, poll_secs=60.0,
                         timeout_secs=300.0):
    """Evaluates each new checkpoint of ``train_dir``; returns the steps evaluated.

    Parameters
    ----------
    task : symphonia.training.task.Task
    make_dataset : callable
        ``make_dataset() -> tf.data.Dataset``: the (finite) evaluation batches.
    train_dir, eval_dir : str
    last_step : int
        Stop after evaluating a checkpoint at this step or later (0: only the time-out stops).
    poll_secs, timeout_secs : float
        How often to look for a new checkpoint, and for how long at most.
    """
    checkpoint = checkpoints.checkpoint_objects(task.model, tf.Variable(0, dtype=tf.int64, trainable=False))
    dataset = make_dataset()
    evaluate_batch = tf.function(lambda batch: task.statistics(batch, training=False),
                                 input_signature=[dataset.element_spec])
    writer = tf.summary.create_file_writer(eval_dir)
    evaluated, last_seen, waiting_since = [], -1, time.monotonic()
    while True:
        latest = checkpoints.latest_checkpoint(train_dir)
        if latest is not None and latest[0] > last_seen:
            checkpoint_step, prefix = latest
            last_seen, waiting_since = checkpoint_step, time.monotonic()
            try:
                checkpoint.read(prefix).expect_partial()
            except (tf.errors.NotFoundError, tf.errors.DataLossError) as error:  # e.g. deleted meanwhile
                logging.warning("Skipping %s: %s", prefix, error.message)
                continue
            totals = {}
            for batch in dataset:
                summaries.add_statistics(totals, summaries.as_numpy(evaluate_batch(batch)))
            values = task.summaries(summaries.means(totals))
            summaries.write_scalars(writer, values, checkpoint_step)
            logging.info("Evaluated step %d: %s", checkpoint_step, ", ".join(
                f"{tag.rsplit('/', 1)[-1]} {values[tag]:.4f}" for tag in (LOSS, *task.progress_tags) if tag in values))
            evaluated.append(checkpoint_step)
            if last_step and checkpoint_step >= last_step:
                return evaluated
            continue
        waited = time.monotonic() - waiting_since
        if waited >= timeout_secs:
            logging.info("No new checkpoint in %s for %.0f s; evaluation stops.", train_dir, waited)
            return evaluated
        time.sleep(min(poll_secs, timeout_secs - waited))
