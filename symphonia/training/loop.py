"""The training loop: resume, step, summarise, checkpoint, stop cleanly.

Behaviour (Magenta's ``run_training`` where it has an equivalent):

* The run directory gets ``config.json`` on the first run; a later run in the
  same directory must have the same configuration (it would not fit the
  checkpoints otherwise).
* Started again with the same command after any interruption, even
  ``kill -9``, training resumes from the newest complete checkpoint at its
  step. The data order after a resume is drawn from the seed and that step,
  so a resumed run does not replay the batches it began with.
* A checkpoint is written every ``save_checkpoint_secs`` seconds (Magenta: 60),
  when ``num_steps`` is reached, and on Ctrl-C or SIGTERM, which stop the run
  after the current step.
* Every ``summary_frequency`` steps the batch's statistics go to TensorBoard
  and a progress line (step, loss, the task's chosen metrics, steps/s) to the
  log. A non-finite loss stops the run with :class:`TrainingError`.
* Called inside a ``tf.distribute`` strategy's scope (the trainers'
  ``--strategy``), the step runs on every replica over its share of the
  batch, and only the chief writes; see :mod:`symphonia.training.distribute`.
"""

import contextlib
import math
import signal
import threading
import time

import tensorflow as tf
from absl import logging

from symphonia.training import checkpoints, distribute, summaries
from symphonia.training.task import LOSS


class TrainingError(RuntimeError):
    """Training cannot go on (the loss diverged, the data ran out)."""


def train(task, make_dataset, train_dir, optimizer, config, *, num_steps=0, summary_frequency=10,
          num_checkpoints=10, save_checkpoint_secs=60.0):
    """Trains ``task.model`` until ``num_steps`` (0: until stopped); returns the final step.

    Parameters
    ----------
    task : symphonia.training.task.Task
    make_dataset : callable
        ``make_dataset(first_step) -> tf.data.Dataset`` of batches for
        ``task.statistics``; called once, with the step training resumes at.
    train_dir : str
        Checkpoints, ``config.json`` and summaries go here.
    optimizer : keras.optimizers.Optimizer
        Checkpointed with the model.
    config : dict
        The full configuration, JSON-ready, stored as ``config.json``.

    Under a strategy, ``task.model`` and ``optimizer`` must have been made in
    its scope, and ``train_dir`` must be one directory all workers see.
    """
    strategy = distribute.current_strategy()
    chief = distribute.is_chief(strategy)
    if chief:
        tf.io.gfile.makedirs(train_dir)
        checkpoints.store_config(train_dir, config)
        checkpoints.remove_partial_saves(train_dir)
    else:
        checkpoints.check_config(train_dir, config)
    model = task.model
    variables = model.trainable_variables
    optimizer.build(variables)  # so that a checkpoint's optimizer slots have somewhere to go
    step = tf.Variable(0, dtype=tf.int64, trainable=False, name="step",
                       aggregation=tf.VariableAggregation.ONLY_FIRST_REPLICA)
    checkpoint = checkpoints.checkpoint_objects(model, step, optimizer)
    latest = checkpoints.latest_checkpoint(train_dir)
    if latest is not None:
        checkpoint.read(latest[1]).assert_existing_objects_matched()
        logging.info("Resuming from %s at step %d.", latest[1], int(step.numpy()))
    if num_steps and int(step.numpy()) >= num_steps:
        logging.info("Step %d reached already (num_training_steps=%d); nothing to do.", int(step.numpy()), num_steps)
        return int(step.numpy())

    dataset = make_dataset(int(step.numpy())) if strategy is None else distribute.DistributedBatches(
        strategy, make_dataset, int(step.numpy()))

    @tf.function(input_signature=[dataset.element_spec])
    def train_step(batch):
        with tf.GradientTape() as tape:
            statistics = task.statistics(batch, training=True)
            total, count = statistics[LOSS]
            loss = total / distribute.sum_over_replicas(count)
        gradients = tape.gradient(loss, variables)
        if hasattr(task, "prepare_gradients"):  # optional: e.g. MusicVAE's clipping, adding its norm
            gradients, statistics = task.prepare_gradients(gradients, statistics)
        optimizer.apply(gradients, variables)
        step.assign_add(1)
        return statistics

    run_step = train_step if strategy is None else distribute.replicated(strategy, train_step, dataset)
    agree = distribute.agreement(strategy, summary_frequency)
    writer = tf.summary.create_file_writer(train_dir) if chief else tf.summary.create_noop_writer()
    progress = _Progress(int(step.numpy()), num_steps)
    last_save = time.monotonic()
    with distribute.save_directory(train_dir, chief) as save_dir, _stop_requests() as stop:
        manager = checkpoints.checkpoint_manager(checkpoint, save_dir)
        for batch in dataset:
            statistics = summaries.as_numpy(run_step(batch))
            current = int(step.numpy())
            loss = statistics[LOSS][0] / statistics[LOSS][1]
            if not math.isfinite(loss):
                raise TrainingError(f"the loss became {loss} at step {current}; try a lower learning_rate "
                                    f"or clip_norm (--hparams)")
            finished = current >= num_steps > 0
            if current % summary_frequency == 0 or finished:
                values = task.summaries(summaries.means(statistics))
                values["global_step/sec"] = progress.rate(current)
                summaries.write_scalars(writer, values, current)
                progress.log(current, values, task.progress_tags)
            time_due = time.monotonic() - last_save >= save_checkpoint_secs
            save_due, stopping = agree(current, stop.requested or time_due, stop.requested)
            if finished or save_due:
                manager.save(checkpoint_number=current)
                checkpoints.prune(save_dir, num_checkpoints)
                last_save = time.monotonic()
                logging.info("Saved checkpoint at step %d.", current)
            if finished or stopping:
                break
        else:
            raise TrainingError("the dataset ran out of batches")
    if stopping and not finished:
        logging.info("Stopped by %s at step %d; run the same command again to resume.",
                     stop.requested or "another worker", int(step.numpy()))
    return int(step.numpy())


class _Progress:
    """The progress line: step, loss, chosen metrics, steps per second, time left."""

    def __init__(self, step, num_steps):
        self._num_steps = num_steps
        self._step, self._time = step, time.monotonic()

    def rate(self, step):
        """Steps per second since the last call."""
        now = time.monotonic()
        rate = (step - self._step) / max(now - self._time, 1e-9)
        self._step, self._time = step, now
        return rate

    def log(self, step, values, tags):
        parts = [f"step {step}", f"loss {values[LOSS]:.4f}"]
        parts += [f"{tag.rsplit('/', 1)[-1]} {values[tag]:.4f}" for tag in tags if tag in values]
        rate = values["global_step/sec"]
        parts.append(f"{rate:.2f} steps/s")
        if self._num_steps and rate > 0:
            parts.append(f"{_duration((self._num_steps - step) / rate)} left")
        logging.info(", ".join(parts))


def _duration(seconds):
    minutes, seconds = divmod(int(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{seconds:02d}"


class _StopRequest:
    requested = None


@contextlib.contextmanager
def _stop_requests():
    """Turns SIGINT / SIGTERM into a request the loop honours after the current step.

    A second signal, for the impatient, interrupts at once (without a checkpoint).
    """
    request = _StopRequest()
    if threading.current_thread() is not threading.main_thread():
        yield request
        return

    def handler(number, frame):
        if request.requested:
            raise KeyboardInterrupt
        request.requested = signal.Signals(number).name

    previous = {number: signal.signal(number, handler) for number in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield request
    finally:
        for number, old in previous.items():
            signal.signal(number, old)
