"""music_vae_train: train (or with ``--mode=eval``, evaluate) a MusicVAE on NoteSequences.

Magenta's flags keep their names and defaults (``--config``, ``--run_dir``,
``--mode``, ``--examples_path``, ``--hparams``, ``--num_steps``,
``--eval_num_batches``, ``--checkpoints_to_keep``, ``--log``); beyond them
come ``--seed``, ``--save_checkpoint_secs``, ``--summary_frequency`` and
``--eval_timeout_secs``. The NoteSequences are converted before training
starts; if no window can be extracted the command says so, and why, at once.

Cheap checks (config, hparams, the examples path) run before TensorFlow is
imported, so a mistyped command fails in a second.
"""

import os

from absl import flags, logging

from symphonia.cli.common import CommandError, run
from symphonia.cli.strategy_flag import check_strategy_flag, define_strategy_flag, strategy_scope
from symphonia.models.music_vae.configs import config_names, get_config

FLAGS = flags.FLAGS


def define_flags():
    flags.DEFINE_string("config", None, f"Model configuration: {', '.join(config_names())}.")
    flags.DEFINE_string("run_dir", None, "Run directory: checkpoints and training summaries go to run_dir/train, "
                        "evaluation summaries to run_dir/eval.")
    flags.DEFINE_enum("mode", "train", ["train", "eval"], "Train, or evaluate each new checkpoint of run_dir/train.")
    flags.DEFINE_string("examples_path", None, "TFRecord of NoteSequences to train (or evaluate) on; a glob is "
                        "allowed.")
    flags.DEFINE_string("hparams", "", 'Hyperparameter overrides, e.g. "batch_size=64,free_bits=48".')
    flags.DEFINE_integer("num_steps", 200000, "Train up to this step. With --mode=eval, stop after evaluating "
                         "the checkpoint of this step.", lower_bound=0)
    flags.DEFINE_integer("eval_num_batches", None, "Batches to evaluate on (default: every window, in full "
                         "batches).", lower_bound=1)
    flags.DEFINE_integer("checkpoints_to_keep", 100, "Checkpoints to keep (0: all).", lower_bound=0)
    flags.DEFINE_integer("seed", 0, "Seed for the initial weights, the data order and every random draw.")
    flags.DEFINE_float("save_checkpoint_secs", 60.0, "Seconds between checkpoints.", lower_bound=0.0)
    flags.DEFINE_integer("summary_frequency", 100, "Steps between summaries and progress lines.", lower_bound=1)
    flags.DEFINE_float("eval_timeout_secs", 300.0, "With --mode=eval: stop after this long without a new "
                       "checkpoint.", lower_bound=0.0)
    define_strategy_flag()


def _config():
    if not FLAGS.config:
        raise CommandError(f"--config is required: one of {', '.join(config_names())}")
    try:
        return get_config(FLAGS.config).with_hparams(FLAGS.hparams)
    except ValueError as error:
        raise CommandError(str(error)) from None


def _corpus(config):
    """The windows of ``--examples_path``, or a one-line error saying why there are none."""
    from symphonia.data.input_pipeline import DatasetError
    from symphonia.models.music_vae.data import NothingExtractedError, WindowCorpus, read_note_sequences

    try:
        corpus = WindowCorpus.from_note_sequences(read_note_sequences(FLAGS.examples_path), config.make_converter())
    except (DatasetError, NothingExtractedError) as error:
        raise CommandError(str(error)) from None
    logging.info("%d windows of %d bars from %d of %d NoteSequences.", len(corpus.windows),
                 corpus.converter.slice_bars, corpus.statistics["sequences_kept"],
                 corpus.statistics["sequences_read"])
    for reason, count in corpus.skip_reasons().items():
        logging.info("%d NoteSequences skipped: they %s.", count, reason)
    return corpus


def main(argv):
    """Trains, or with ``--mode=eval`` evaluates, the configured MusicVAE."""
    config = _config()
    if not FLAGS.run_dir:
        raise CommandError("--run_dir is required")
    if not FLAGS.examples_path:
        raise CommandError("--examples_path is required")
    from symphonia.data.input_pipeline import DatasetError, find_files

    try:
        find_files(FLAGS.examples_path)
    except DatasetError as error:
        raise CommandError(str(error)) from None
    check_strategy_flag()
    corpus = _corpus(config)
    from symphonia.models.music_vae.train import evaluate_music_vae, train_music_vae
    from symphonia.training.checkpoints import ConfigMismatchError
    from symphonia.training.loop import TrainingError

    run_dir = os.path.expanduser(FLAGS.run_dir)
    try:
        if FLAGS.mode == "eval":
            evaluate_music_vae(config, corpus, run_dir, eval_num_batches=FLAGS.eval_num_batches or 0,
                               num_steps=FLAGS.num_steps, timeout_secs=FLAGS.eval_timeout_secs,
                               poll_secs=min(60.0, FLAGS.eval_timeout_secs), seed=FLAGS.seed)
        else:
            with strategy_scope():
                train_music_vae(config, corpus, run_dir, num_steps=FLAGS.num_steps,
                                summary_frequency=FLAGS.summary_frequency,
                                checkpoints_to_keep=FLAGS.checkpoints_to_keep,
                                save_checkpoint_secs=FLAGS.save_checkpoint_secs, seed=FLAGS.seed)
    except (ConfigMismatchError, TrainingError) as error:
        raise CommandError(str(error)) from None
    return 0


def script():
    """The ``music_vae_train`` console script."""
    define_flags()
    run(main)
