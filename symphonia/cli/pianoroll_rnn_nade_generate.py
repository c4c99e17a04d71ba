"""pianoroll_rnn_nade_generate: MIDI files from a trained Pianoroll RNN-NADE.

Magenta's flags and defaults (qpm 60), plus what Magenta's script lacks:
``--checkpoint_file``, ``--temperature`` (Magenta thresholds every key at 0.5,
so all its outputs are the same), ``--steps_per_iteration`` and ``--seed``
(the same seed writes the same files; without one a seed is drawn and
logged). The model comes from ``--bundle_file``, ``--run_dir`` (its
``train`` folder) or ``--checkpoint_file``, always with the configuration
stored beside its weights; with none of them, the bundle shipped for
``--config``. With ``--save_generator_bundle`` the checkpoint is written to
``--bundle_file`` instead of generating.

Primers, first given wins: ``--primer_pitches`` (a chord held a quarter
note), ``--primer_pianoroll`` (steps of MIDI pitches), ``--primer_midi``; with
none, generation starts from silence (where Magenta fails).

Cheap checks (flags, primers) run before TensorFlow is imported, so a
mistyped command fails in a second.
"""

import time

from absl import flags, logging

from symphonia.cli import generate_common, output_flags
from symphonia.cli.common import CommandError, run

FLAGS = flags.FLAGS
FAMILY = "pianoroll_rnn_nade"

# Hyperparameters that shape the weights: only the stored ones fit.
_SHAPE_HPARAMS = ("rnn_layer_sizes", "attn_length", "residual_connections", "nade_hidden_units")
_PRIMERS = ("primer_pitches", "primer_pianoroll", "primer_midi")  # Magenta's order


def define_flags():
    """Defines the flags of ``pianoroll_rnn_nade_generate``."""
    from symphonia.models.pianoroll_rnn_nade.configs import config_names

    flags.DEFINE_string("config", "rnn-nade", f"Model configuration ({', '.join(config_names())}); optional: the "
                        f"model's stored configuration is used, and this must match it.")
    generate_common.define_model_source_flags(FAMILY)
    flags.DEFINE_integer("num_outputs", 10, "Number of MIDI files to generate.", lower_bound=1)
    flags.DEFINE_integer("num_steps", 128, "Length of each output in steps (4 a quarter note), the primer "
                         "included.", lower_bound=1)
    flags.DEFINE_string("primer_pitches", "", 'A chord, held one quarter note, to start from, e.g. "[60, 64, 67]".')
    flags.DEFINE_string("primer_pianoroll", "", "Steps to start from, each a tuple of the MIDI pitches sounding, "
                        'e.g. "[(55,), (54,), (55, 53), (50,), (62, 52), (), (63, 55)]".')
    flags.DEFINE_string("primer_midi", "", "A MIDI (or MusicXML, ABC) file to continue; its tempo overrides --qpm.")
    flags.DEFINE_float("qpm", None, "Tempo of the output in quarter notes per minute (default 60, or the primer "
                       "MIDI's).")
    flags.DEFINE_float("temperature", 1.0, "Randomness of each key: above 1 more random, below 1 more "
                       "conservative, 0 sets a key iff its probability is at least 1/2 (Magenta's only mode).",
                       lower_bound=0.0)
    flags.DEFINE_integer("beam_size", 1, "Candidates kept by beam search.", lower_bound=1)
    flags.DEFINE_integer("branch_factor", 1, "Copies of each candidate sampled further per beam search iteration.",
                         lower_bound=1)
    flags.DEFINE_integer("steps_per_iteration", 1, "Frames sampled per beam search iteration.", lower_bound=1)
    flags.DEFINE_string("hparams", "", "Hyperparameters; not needed (they are stored with the model), and those "
                        "that shape the model must match it.")
    flags.DEFINE_integer("seed", None, "Random seed: the same seed writes the same files (default: drawn and logged).")
    output_flags.define_output_flags()


def _load(kind, path):
    from symphonia.generation.pianoroll import RNN_NADE

    config, model = generate_common.load_model(RNN_NADE, kind, path)
    generate_common.check_config_flags(config, path, _SHAPE_HPARAMS)
    return config, model


def _primer(qpm):
    """The primer NoteSequence from the first primer flag given (an empty one at ``qpm`` for none)."""
    from symphonia.generation import pianoroll, primers
    from symphonia.generation.note_sequences import chord_sequence
    from symphonia.music.proto import NoteSequence

    given = [name for name in _PRIMERS if FLAGS[name].value]
    for ignored in given[1:]:
        logging.warning("--%s is ignored: --%s comes first.", ignored, given[0])
    try:
        if not given:
            logging.warning("No primer given: starting from silence.")
            sequence = NoteSequence()
            sequence.tempos.add().qpm = qpm
            return sequence
        if given[0] == "primer_pitches":
            return chord_sequence(primers.parse_pitches(FLAGS.primer_pitches), qpm)
        if given[0] == "primer_pianoroll":
            return pianoroll.pianoroll_sequence(pianoroll.parse_pianoroll(FLAGS.primer_pianoroll), qpm)
    except primers.PrimerError as error:
        raise CommandError(str(error)) from None
    return generate_common.read_primer_midi(FLAGS.primer_midi)


def main(argv):
    """Generates MIDI files, or with ``--save_generator_bundle`` writes a bundle."""
    kind, path = generate_common.model_source(FAMILY)
    options = generate_common.generation_options()
    if FLAGS.save_generator_bundle:
        return generate_common.save_bundle(*_load(kind, path))

    from symphonia.generation.pianoroll import DEFAULT_QPM, PianorollGenerator
    from symphonia.generation.primers import PrimerError

    primer = _primer(FLAGS.qpm or DEFAULT_QPM)
    config, model = _load(kind, path)
    seed = generate_common.seed_from_flags()
    started = time.monotonic()
    try:
        sequences = PianorollGenerator(config, model).generate(primer, FLAGS.num_steps, FLAGS.num_outputs, options,
                                                               seed)
    except PrimerError as error:
        raise CommandError(str(error)) from None
    return generate_common.write_generated(sequences, time.monotonic() - started)


def script():
    """The ``pianoroll_rnn_nade_generate`` console script."""
    define_flags()
    run(main)
