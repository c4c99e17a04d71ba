"""What melody_rnn_train, drums_rnn_train, polyphony_rnn_train and pianoroll_rnn_nade_train share.

The console scripts are the functions ``melody_rnn``, ``drums_rnn``,
``polyphony_rnn`` and ``pianoroll_rnn_nade`` at the end of this module; the
RNN-NADE has its own model, configs and training functions but the very same
flags and behaviour. Magenta's flags keep
their names and defaults; beyond them come ``--seed``,
``--save_checkpoint_secs`` and ``--eval_timeout_secs``.

Cheap checks (config, hparams, dataset path and emptiness) run before
TensorFlow is imported, so a mistyped command fails in a second.
"""

import os

from absl import flags

from symphonia.cli.common import CommandError, family_script
from symphonia.cli.events_rnn_config_flags import config_from_flags, define_config_flags
from symphonia.cli.strategy_flag import check_strategy_flag, define_strategy_flag, strategy_scope

FLAGS = flags.FLAGS


def _trainers(family):
    """``(train, evaluate)`` functions of ``family``, with the events RNN's signatures."""
    if family == "pianoroll_rnn_nade":
        from symphonia.models.pianoroll_rnn_nade.train import evaluate_rnn_nade, train_rnn_nade
        return train_rnn_nade, evaluate_rnn_nade
    from symphonia.models.events_rnn.train import evaluate_events_rnn, train_events_rnn
    return train_events_rnn, evaluate_events_rnn


def define_flags(family, default_config):
    """Defines the training flags of ``family`` (``melody_rnn``, ..., ``pianoroll_rnn_nade``)."""
    define_config_flags(family, default_config, "Model configuration",
                        'Hyperparameter overrides, e.g. "batch_size=64,rnn_layer_sizes=[64,64]".')
    flags.DEFINE_string("run_dir", f"/tmp/{family}/logdir/run1",
                        "Run directory: checkpoints and training summaries go to run_dir/train, evaluation "
                        "summaries to run_dir/eval.")
    flags.DEFINE_string("sequence_example_file", "",
                        "TFRecord of SequenceExamples to train (or with --eval, evaluate) on; a glob is allowed.")
    flags.DEFINE_integer("num_training_steps", 0, "Train up to this step (0: until stopped). With --eval, "
                         "stop after evaluating the checkpoint of this step.", lower_bound=0)
    flags.DEFINE_integer("summary_frequency", 10, "Steps between summaries and progress lines.", lower_bound=1)
    flags.DEFINE_integer("num_checkpoints", 10, "Checkpoints to keep (0: all).", lower_bound=0)
    flags.DEFINE_bool("eval", False, "Evaluate each new checkpoint of run_dir/train instead of training.")
    flags.DEFINE_integer("num_eval_examples", 0, "Examples to evaluate on (0: all).", lower_bound=0)
    flags.DEFINE_integer("seed", 0, "Seed for the initial weights, dropout and the data order.")
    flags.DEFINE_float("save_checkpoint_secs", 60.0, "Seconds between checkpoints.", lower_bound=0.0)
    define_strategy_flag()
    flags.DEFINE_float("eval_timeout_secs", 300.0, "With --eval: stop after this long without a new checkpoint.",
                       lower_bound=0.0)


def main(family):
    """Trains, or with ``--eval`` evaluates, the configured model of ``family``."""
    from symphonia.data.input_pipeline import DatasetError, find_files, first_record

    config = config_from_flags(family)
    if not FLAGS.sequence_example_file:
        raise CommandError("--sequence_example_file is required")
    try:
        first_record(find_files(FLAGS.sequence_example_file))
    except DatasetError as error:
        raise CommandError(str(error)) from None
    check_strategy_flag()
    train, evaluate = _trainers(family)
    from symphonia.training.checkpoints import ConfigMismatchError
    from symphonia.training.loop import TrainingError

    run_dir = os.path.expanduser(FLAGS.run_dir)
    try:
        if FLAGS.eval:
            evaluate(config, FLAGS.sequence_example_file, run_dir, num_eval_examples=FLAGS.num_eval_examples,
                     num_training_steps=FLAGS.num_training_steps, timeout_secs=FLAGS.eval_timeout_secs,
                     poll_secs=min(60.0, FLAGS.eval_timeout_secs))
        else:
            with strategy_scope():
                train(config, FLAGS.sequence_example_file, run_dir, num_training_steps=FLAGS.num_training_steps,
                      summary_frequency=FLAGS.summary_frequency, num_checkpoints=FLAGS.num_checkpoints,
                      save_checkpoint_secs=FLAGS.save_checkpoint_secs, seed=FLAGS.seed)
    except (DatasetError, ConfigMismatchError, TrainingError) as error:
        raise CommandError(str(error)) from None
    return 0


melody_rnn = family_script(define_flags, main, "melody_rnn", None)
drums_rnn = family_script(define_flags, main, "drums_rnn", "drum_kit")
polyphony_rnn = family_script(define_flags, main, "polyphony_rnn", "polyphony")
pianoroll_rnn_nade = family_script(define_flags, main, "pianoroll_rnn_nade", "rnn-nade")
