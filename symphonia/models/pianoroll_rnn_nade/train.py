"""Training and evaluating an RNN-NADE from SequenceExample files: what ``pianoroll_rnn_nade_train`` runs.

Everything but the model, its statistics and its batches is shared with the
events RNN: the optimiser (:func:`symphonia.models.events_rnn.train.make_optimizer`),
the training loop, checkpoints with ``config.json`` and the evaluation job
(:mod:`symphonia.training`).
"""

import os

import keras

from symphonia.data import input_pipeline
from symphonia.models.events_rnn.train import make_optimizer
from symphonia.models.pianoroll_rnn_nade.data import frame_batches
from symphonia.models.pianoroll_rnn_nade.metrics import add_derived, frame_statistics
from symphonia.models.pianoroll_rnn_nade.model import RnnNade
from symphonia.training.checkpoints import check_config
from symphonia.training.evaluation import evaluate_checkpoints
from symphonia.training.loop import train


class RnnNadeTask:
    """The :class:`~symphonia.training.task.Task` of an RNN-NADE: frame log-likelihood and key metrics."""

    progress_tags = ("metrics/precision", "metrics/recall", "metrics/f1_score")  # a perplexity near e^60 says little

    def __init__(self, config):
        self.config = config
        self.model = RnnNade.from_rnn_nade_config(config)

    def statistics(self, batch, training):
        log_prob, probs = self.model.log_prob(batch["frames"], training=training)
        return frame_statistics(log_prob, probs, batch["frames"], batch["lengths"])

    def summaries(self, means):
        return add_derived(means)


def train_rnn_nade(config, sequence_example_file, run_dir, *, num_training_steps=0, summary_frequency=10,
                   num_checkpoints=10, save_checkpoint_secs=60.0, seed=0):
    """Trains (or resumes training) ``config``'s model on ``sequence_example_file`` (a path or glob).

    Returns the final step. Raises as
    :func:`symphonia.models.events_rnn.train.train_events_rnn` does.
    """
    paths = input_pipeline.find_files(sequence_example_file)
    input_pipeline.check_records(paths, config.input_size, config.encoding)
    keras.utils.set_random_seed(seed)
    task = RnnNadeTask(config)

    def make_dataset(first_step):
        return frame_batches(paths, config.hparams.batch_size, config.encoding, shuffle=True, seed=seed + first_step,
                             repeat=True, bucket_by_length=True)

    return train(task, make_dataset, os.path.join(run_dir, "train"), make_optimizer(config.hparams),
                 config.to_dict(), num_steps=num_training_steps, summary_frequency=summary_frequency,
                 num_checkpoints=num_checkpoints, save_checkpoint_secs=save_checkpoint_secs)


def evaluate_rnn_nade(config, sequence_example_file, run_dir, *, num_eval_examples=0, num_training_steps=0,
                      poll_secs=60.0, timeout_secs=300.0):
    """Evaluates each new checkpoint in ``run_dir/train`` on the first full batches of ``sequence_example_file``.

    Same batches, stopping rule and return value as
    :func:`symphonia.models.events_rnn.train.evaluate_events_rnn`.
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
    task = RnnNadeTask(config)
    return evaluate_checkpoints(task, lambda: frame_batches(paths, batch_size, config.encoding).take(num_batches),
                                train_dir, os.path.join(run_dir, "eval"), last_step=num_training_steps,
                                poll_secs=poll_secs, timeout_secs=timeout_secs)
