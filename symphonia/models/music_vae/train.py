"""Training and evaluating a MusicVAE on NoteSequence TFRecords: what ``music_vae_train`` runs.

The NoteSequences come converted once, as a
:class:`~symphonia.models.music_vae.data.WindowCorpus`; the shared loop
(:mod:`symphonia.training.loop`) trains on its batches with Adam (TF1's
epsilon), the decaying learning rate and Magenta's gradient clipping;
checkpoints and training summaries go to ``run_dir/train``, evaluation
summaries to ``run_dir/eval``. Summary names are Magenta's: ``loss``,
``losses/r_loss``, ``losses/kl_loss`` (the KL paid for, beyond the free
bits), ``losses/kl_bits``, ``losses/kl_beta``, ``learning_rate``,
``global_norm``, ``metrics/accuracy`` (steps decoded right; for trios the
mean over the three parts; for NADE drums, steps with every drum right) and
``sampling_probability``. The reconstruction loss per step is the decoder's
(:meth:`step_losses`: cross-entropy, summed over a trio's parts, or the
NADE's negative log-likelihood).

Random draws (the latent sample, scheduled sampling, dropout) come from
``(seed, step)``, so a resumed run draws what an uninterrupted one would.
"""

import os

import keras
import tensorflow as tf

from symphonia.models.music_vae import losses, schedules
from symphonia.models.music_vae.model import MusicVae
from symphonia.training.checkpoints import check_config
from symphonia.training.evaluation import evaluate_checkpoints
from symphonia.training.loop import train
from symphonia.training.task import LOSS

TRAIN_SUBDIR, EVAL_SUBDIR = "train", "eval"
_EVAL_SEED_STEP = -1  # evaluation draws the same numbers for every checkpoint


class MusicVaeTask:
    """The :class:`~symphonia.training.task.Task` of a MusicVAE: Magenta's loss, clipping and summaries.

    Parameters
    ----------
    config : MusicVaeConfig
    optimizer : keras.optimizers.Optimizer, optional
        Training only: its ``iterations`` is the step of the schedules.
    seed : int
    """

    progress_tags = ("losses/r_loss", "losses/kl_bits", "metrics/accuracy")

    def __init__(self, config, optimizer=None, seed=0):
        self.config = config
        self.optimizer = optimizer
        self.seed = seed
        self.model = MusicVae.from_music_vae_config(config)

    def statistics(self, batch, training):
        hparams = self.config.hparams
        if training:
            step = self.optimizer.iterations
            self.model.global_step.assign(step + 1)  # the updates done once this one is applied
        else:
            step = self.model.global_step
        seed = tf.stack([tf.constant(self.seed, tf.int64),
                         tf.cast(step, tf.int64) if training else tf.constant(_EVAL_SEED_STEP, tf.int64)])
        length = min(batch["labels"].shape[1], hparams.max_seq_len)
        labels = batch["labels"][:, :length]
        lengths = tf.minimum(batch["lengths"], length)
        probability = schedules.sampling_probability(step, hparams.sampling_schedule, hparams.sampling_rate,
                                                     training)
        outputs, mu, sigma = self.model.reconstruct(batch["inputs"][:, :length], labels, lengths, probability, seed,
                                                    training=training)
        mask = tf.cast(tf.sequence_mask(lengths, tf.shape(labels)[1]), tf.float32)
        decoder = self.model.decoder
        r_loss = tf.reduce_sum(decoder.step_losses(outputs, labels) * mask, axis=-1)
        kl = losses.kl_divergence(mu, sigma)
        beta = schedules.kl_beta(step, hparams.beta_rate, hparams.max_beta)
        examples = tf.cast(tf.shape(labels)[0], tf.float32)
        correct = decoder.step_accuracy(outputs, labels) * mask
        statistics = {
            LOSS: (losses.total_loss(r_loss, kl, hparams.free_bits, beta) * examples, examples),
            "losses/r_loss": (tf.reduce_sum(r_loss), examples),
            "losses/kl_loss": (tf.reduce_sum(losses.kl_cost(kl, hparams.free_bits)), examples),
            "losses/kl_bits": (tf.reduce_sum(kl) / tf.math.log(2.0), examples),
            "losses/kl_beta": (beta, 1.0),
            "metrics/accuracy": (tf.reduce_sum(correct), tf.reduce_sum(mask)),
        }
        if hparams.sampling_schedule != "constant" or hparams.sampling_rate:
            statistics["sampling_probability"] = (probability, 1.0)
        if training:
            statistics["learning_rate"] = (schedules.learning_rate(step, hparams.learning_rate, hparams.decay_rate,
                                                                   hparams.min_learning_rate), 1.0)
        return statistics

    def prepare_gradients(self, gradients, statistics):
        """Magenta's clipping (all zero past ``grad_norm_clip_to_zero``); reports ``global_norm``."""
        hparams = self.config.hparams
        clipped, norm = losses.clip_gradients(gradients, hparams.clip_mode, hparams.grad_clip,
                                              hparams.grad_norm_clip_to_zero)
        return clipped, {**statistics, "global_norm": (norm, 1.0)}

    def summaries(self, means):
        return means


def make_optimizer(hparams):
    """Adam (TF1's epsilon) with the exponentially decaying learning rate."""
    rate = schedules.DecayingLearningRate(hparams.learning_rate, hparams.decay_rate, hparams.min_learning_rate)
    return keras.optimizers.Adam(learning_rate=rate, epsilon=1e-8)


def train_music_vae(config, corpus, run_dir, *, num_steps=0, summary_frequency=100, checkpoints_to_keep=100,
                    save_checkpoint_secs=60.0, seed=0):
    """Trains (or resumes training) ``config``'s model on a :class:`WindowCorpus`; returns the final step.

    Raises ConfigMismatchError when ``run_dir`` holds another configuration,
    TrainingError when the loss diverges.
    """
    keras.utils.set_random_seed(seed)
    optimizer = make_optimizer(config.hparams)
    task = MusicVaeTask(config, optimizer, seed)

    def make_dataset(first_step):
        return corpus.dataset(config.hparams.batch_size, mode="train", seed=seed + first_step, repeat=True,
                              transpose_range=config.transpose_range)

    return train(task, make_dataset, os.path.join(run_dir, TRAIN_SUBDIR), optimizer, config.to_dict(),
                 num_steps=num_steps, summary_frequency=summary_frequency, num_checkpoints=checkpoints_to_keep,
                 save_checkpoint_secs=save_checkpoint_secs)


def evaluate_music_vae(config, corpus, run_dir, *, eval_num_batches=0, num_steps=0, poll_secs=60.0,
                       timeout_secs=300.0, seed=0):
    """Evaluates each new checkpoint of ``run_dir/train`` on the first windows of ``corpus``.

    Like Magenta, uses ``eval_num_batches`` batches, or as many full ones as
    the windows make; held-out windows too few for one batch make one smaller
    batch of them all (where Magenta evaluates nothing), since the figures are
    means and do not depend on the batch size. Stops after the checkpoint of
    ``num_steps`` (when non-zero) or ``timeout_secs`` without a new
    checkpoint; returns the steps evaluated.
    """
    available = corpus.num_windows("eval")  # at least one: a corpus holds windows
    batch_size = min(config.hparams.batch_size, available)
    num_batches = eval_num_batches or available // batch_size
    train_dir = os.path.join(run_dir, TRAIN_SUBDIR)
    check_config(train_dir, config.to_dict())
    task = MusicVaeTask(config, seed=seed)

    def make_dataset():
        return corpus.dataset(batch_size, mode="eval", seed=seed, repeat=True).take(num_batches)

    return evaluate_checkpoints(task, make_dataset, train_dir, os.path.join(run_dir, EVAL_SUBDIR),
                                last_step=num_steps, poll_secs=poll_secs, timeout_secs=timeout_secs)
