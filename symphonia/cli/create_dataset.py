"""Every ``<model>_create_dataset`` script: ``melody_rnn``, ``drums_rnn``... below.

Magenta's flags (``--config``, ``--input``, ``--output_dir``, ``--eval_ratio``,
``--log``) plus ``--num_workers``, ``--seed`` (chooses the train / eval split,
which is deterministic) and ``--layout`` (``magenta``: the dense layout both
Magenta and Symphonia train on; ``compact``: class indices, many times smaller,
read by Symphonia's trainers).
"""

import os

from absl import flags

from symphonia.cli.common import CommandError, run as run_command

FLAGS = flags.FLAGS


def define_flags(configs, default_config):
    """Defines the flags; ``configs`` are the config names this family accepts."""
    flags.DEFINE_enum("config", default_config, configs, "Which model configuration to make a dataset for.")
    flags.DEFINE_string("input", None, "TFRecord of NoteSequences (from convert_dir_to_note_sequences).")
    flags.DEFINE_string("output_dir", None, "Directory for the training and eval SequenceExample files.")
    flags.DEFINE_float("eval_ratio", 0.1, "Fraction of input sequences set aside for evaluation.")
    flags.DEFINE_integer("seed", 0, "Seed of the train / eval split: the same seed gives the same split.")
    flags.DEFINE_integer("num_workers", os.cpu_count() or 1, "Worker processes (0: work in-process).")
    flags.DEFINE_enum("layout", "magenta", ["magenta", "compact"],
                      "magenta: dense 'inputs'/'labels' vectors, readable by Magenta too; compact: class "
                      "indices, much smaller, read by Symphonia's trainers.")
    flags.mark_flags_as_required(["input", "output_dir"])


def main(argv):
    from google.protobuf.message import DecodeError

    from symphonia.data.create_dataset import NothingExtractedError, create_dataset
    from symphonia.data.recipes import get_recipe
    from symphonia.tfrecord import CorruptRecordError

    if FLAGS.config is None:
        raise CommandError("--config is required")
    if not 0.0 <= FLAGS.eval_ratio <= 1.0:
        raise CommandError(f"--eval_ratio must lie in [0, 1], got {FLAGS.eval_ratio}")
    input_file, output_dir = os.path.expanduser(FLAGS.input), os.path.expanduser(FLAGS.output_dir)
    try:
        summary = create_dataset(get_recipe(FLAGS.config, FLAGS.layout), input_file, output_dir,
                                 eval_ratio=FLAGS.eval_ratio, seed=FLAGS.seed, num_workers=FLAGS.num_workers)
    except (FileNotFoundError, NothingExtractedError, CorruptRecordError) as error:
        raise CommandError(str(error)) from None
    except DecodeError:
        raise CommandError(f"{input_file} is not a TFRecord of NoteSequences") from None
    except OSError as error:
        raise CommandError(f"cannot write to {output_dir}: {error.strerror or error}") from None
    print(summary.table())
    return 0


def _script(configs, default_config):
    def script():
        define_flags(configs, default_config)
        run_command(main)
    return script


melody_rnn = _script(["basic_rnn", "mono_rnn", "lookback_rnn", "attention_rnn"], None)
drums_rnn = _script(["one_drum", "drum_kit"], "drum_kit")
polyphony_rnn = _script(["polyphony"], "polyphony")
pianoroll_rnn_nade = _script(["rnn-nade", "rnn-nade_attn"], "rnn-nade")
