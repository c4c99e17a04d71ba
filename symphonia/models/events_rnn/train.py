"""Training and evaluating an events RNN from SequenceExample files: what the ``*_rnn_train`` scripts run.

The pieces come from elsewhere (the model, the input pipeline, the shared
loop); this module joins them the way Magenta's events-RNN training does:
Adam with the configuration's learning rate, each gradient tensor clipped to
``clip_norm`` on its own, checkpoints and training summaries in
``run_dir/train``, evaluation summaries in ``run_dir/eval``.
"""

import os

import keras
import numpy as np

from symphonia.codecs import get_codec
from symphonia.data import input_pipeline
from symphonia.models.events_rnn.metrics import add_perplexities, sequence_statistics
from symphonia.models.events_rnn.model import EventsRnn
from symphonia.training.checkpoints import check_config
from symphonia.training.evaluation import evaluate_checkpoints
from symphonia.training.loop import train


class EventsRnnTask:
    """The :class:`~symphonia.training.task.Task` of an events RNN: Magenta's loss and metrics."""

    progress_tags = ("metrics/perplexity", "metrics/accuracy")

    def __init__(self, config):
        self.config = config
        self.model = EventsRnn.from_events_config(config)
        self._class_steps = get_codec(config.encoding).label_steps(np.arange(config.num_classes))

    def statistics(self, batch, training):
        logits = self.model(batch["inputs"], training=training)
        return sequence_statistics(logits, batch["labels"], batch["lengths"], self.config.default_event_label,
                                   self._class_steps)

    def summaries(self, means):
        return add_perplexities(means)


def make_optimizer(hparams):
    """Adam as Magenta sets it up: TF1's epsilon, per-tensor gradient clipping (none for clip_norm 0)."""
    return keras.optimizers.Adam(learning_rate=hparams.learning_rate, epsilon=1e-8,
                                 clipnorm=hparams.clip_norm or None)


def train_events_rnn(config, sequence_example_file, run_dir, *, num_training_steps=0, summary_frequency=10,
                     num_checkpoints=10, save_checkpoint_secs=60.0, seed=0):
    """Trains (or resumes training) ``config``'s model on ``sequence_example_file`` (a path or glob).

    Returns the final step. Raises DatasetError for a missing, empty or
    mismatched dataset, ConfigMismatchError when ``run_dir`` holds another
    configuration, TrainingError when the loss diverges.
    """
    paths = input_pipeline.find_files(sequence_example_file)
    input_pipeline.check_records(paths, config.input_size, config.encoding)
    keras.utils.set_random_seed(seed)
    task = EventsRnnTask(config)

    def make_dataset(first_step):
        return input_pipeline.padded_batches(paths, config.hparams.batch_size, config.input_size,
                                             encoding=config.encoding, shuffle=True, seed=seed + first_step,
                                             repeat=True, bucket_by_length=True)

    return train(task, make_dataset, os.path.join(run_dir, "train"), make_optimizer(config.hparams),
                 config.to_dict(), num_steps=num_training_steps, summary_frequency=summary_frequency,
                 num_checkpoints=num_checkpoints, save_checkpoint_secs=save_checkpoint_secs)


def evaluate_events_rnn(config, sequence_example_file, run_dir, *, num_eval_examples=0, num_training_steps=0,
                        poll_secs=60.0, timeout_secs=300.0):
    """Evaluates each new checkpoint in ``run_dir/train`` on the first batches of ``sequence_example_file``.

    Like Magenta, uses ``(num_eval_examples or all records) // batch_size``
    full batches. Stops after the checkpoint of ``num_training_steps`` (when
    non-zero) or ``timeout_secs`` without a new checkpoint. Returns the steps
    evaluated.
    """
    paths = input_pipeline.find_files(sequence_example_file)
    input_pipeline.check_records(paths, config.input_size, config.encoding)
    batch_size = config.hparams.batch_size
    num_examples = num_eval_examples or input_pipeline.count_records(paths)
    num_batches = num_examples // batch_size
    if num_batches == 0:
        raise input_pipeline.DatasetError(f"evaluation needs at least one full batch: {num_examples} examples, "
                                          f"batch_size {batch_size}")
    train_dir = os.path.join(run_dir, "train")
    check_config(train_dir, config.to_dict())
    task = EventsRnnTask(config)

    def make_dataset():
        return input_pipeline.padded_batches(paths, batch_size, config.input_size,
                                             encoding=config.encoding).take(num_batches)

    return evaluate_checkpoints(task, make_dataset, train_dir, os.path.join(run_dir, "eval"),
                                last_step=num_training_steps, poll_secs=poll_secs, timeout_secs=timeout_secs)
