"""Every ``<model>_create_dataset`` script: ``melody_rnn``, ``drums_rnn``... below.

Magenta's flags (``--config``, ``--input``, ``--output_dir``, ``--eval_ratio``,
``--log``; ``--hparams``, and the custom-config flags of
:mod:`symphonia.cli.events_rnn_config_flags`) plus ``--num_workers``, ``--seed`` (chooses the train / eval split,
which is deterministic) and ``--layout`` (``magenta``: the dense layout both
Magenta and Symphonia train on; ``compact``: class indices, many times smaller,
read by Symphonia's trainers).
"""

import os

from absl import flags

from symphonia.cli.common import CommandError, family_script
from symphonia.cli.events_rnn_config_flags import dataset_config_name, define_config_flags
from symphonia.cli.pipeline_flag import define_pipeline_options_flag, use_beam

FLAGS = flags.FLAGS


def define_flags(family, default_config):
    """Defines the flags of ``family``'s script (``melody_rnn``, ..., ``pianoroll_rnn_nade``)."""
    define_config_flags(family, default_config, "Which model configuration to make a dataset for",
                        "Hyperparameter overrides: checked, as by the train script, but a dataset does not "
                        "depend on them.")
    flags.DEFINE_string("input", None, "TFRecord of NoteSequences (from convert_dir_to_note_sequences), or a "
                        "glob of several, such as its Beam shards notesequences.tfrecord*.")
    flags.DEFINE_string("output_dir", None, "Directory for the training and eval SequenceExample files.")
    flags.DEFINE_float("eval_ratio", 0.1, "Fraction of input sequences set aside for evaluation.")
    flags.DEFINE_integer("seed", 0, "Seed of the train / eval split: the same seed gives the same split.")
    flags.DEFINE_integer("num_workers", os.cpu_count() or 1, "Worker processes (0: work in-process).")
    flags.DEFINE_enum("layout", "magenta", ["magenta", "compact"],
                      "magenta: dense 'inputs'/'labels' vectors, readable by Magenta too; compact: class "
                      "indices, much smaller, read by Symphonia's trainers.")
    define_pipeline_options_flag()
    flags.mark_flags_as_required(["input", "output_dir"])


def main(family):
    from google.protobuf.message import DecodeError

    from symphonia.data.create_dataset import NothingExtractedError, create_dataset
    from symphonia.data.recipes import get_recipe
    from symphonia.tfrecord import CorruptRecordError

    config_name = dataset_config_name(family)
    if not 0.0 <= FLAGS.eval_ratio <= 1.0:
        raise CommandError(f"--eval_ratio must lie in [0, 1], got {FLAGS.eval_ratio}")
    input_file, output_dir = os.path.expanduser(FLAGS.input), os.path.expanduser(FLAGS.output_dir)
    recipe = get_recipe(config_name, FLAGS.layout)
    try:
        if use_beam():
            from symphonia.beam.create_dataset import create_dataset as create_on_beam
            summary = create_on_beam(recipe, input_file, output_dir, FLAGS.pipeline_options,
                                     eval_ratio=FLAGS.eval_ratio, seed=FLAGS.seed)
        else:
            summary = create_dataset(recipe, input_file, output_dir, eval_ratio=FLAGS.eval_ratio, seed=FLAGS.seed,
                                     num_workers=FLAGS.num_workers)
    except (FileNotFoundError, NothingExtractedError, CorruptRecordError) as error:
        raise CommandError(str(error)) from None
    except DecodeError:
        raise CommandError(f"{input_file} is not a TFRecord of NoteSequences") from None
    except OSError as error:
        raise CommandError(f"cannot write to {output_dir}: {error.strerror or error}") from None
    print(summary.table())
    return 0


melody_rnn = family_script(define_flags, main, "melody_rnn", None)
drums_rnn = family_script(define_flags, main, "drums_rnn", "drum_kit")
polyphony_rnn = family_script(define_flags, main, "polyphony_rnn", "polyphony")
pianoroll_rnn_nade = family_script(define_flags, main, "pianoroll_rnn_nade", "rnn-nade")
