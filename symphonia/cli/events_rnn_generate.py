"""melody_rnn_generate, drums_rnn_generate, polyphony_rnn_generate: MIDI files from a trained events RNN.

Magenta's flags and defaults, plus ``--seed`` (the same seed writes the same
files; without one a seed is drawn and logged) and, for every family,
``--checkpoint_file``. The model comes from ``--bundle_file``, or from
``--run_dir`` (its ``train`` folder) or ``--checkpoint_file``, always with the
configuration stored beside its weights: ``--config`` and ``--hparams`` are
not needed, and if given must agree with the stored model. With
``--save_generator_bundle`` the checkpoint is written to ``--bundle_file``
instead of generating.
With no model named, the bundle shipped in the package for ``--config`` (or
the family's default configuration) is used. ``--render_audio`` and ``--plot``
add a WAV and a PNG piano roll beside each MIDI file.

Cheap checks (flags, primers) run before TensorFlow is imported, so a
mistyped command fails in a second.
"""

import time

from absl import flags, logging

from symphonia.cli import generate_common, output_flags
from symphonia.cli.common import CommandError, family_script
from symphonia.cli.events_rnn_config_flags import define_config_flags, stored_config_with_flags

FLAGS = flags.FLAGS

# Hyperparameters that shape the model: those stored with the weights are the only ones that fit.
_SHAPE_HPARAMS = ("rnn_layer_sizes", "attn_length", "residual_connections")

# Primer flags of each family, in the order Magenta looks at them.
_PRIMERS = {
    "melody_rnn": ("primer_melody", "primer_midi"),
    "drums_rnn": ("primer_drums", "primer_midi"),
    "polyphony_rnn": ("primer_pitches", "primer_melody", "primer_midi"),
}
# Magenta's primer when none is given: (flag, value, what it is); polyphony starts from silence.
_DEFAULT_PRIMERS = {
    "melody_rnn": ("primer_melody", "[60]", "a single middle C"),
    "drums_rnn": ("primer_drums", "[(36,)]", "a single bass drum hit"),
    "polyphony_rnn": (None, None, "silence"),
}


def define_flags(family, default_config):
    """Defines the generation flags of ``family`` (``melody_rnn``, ``drums_rnn`` or ``polyphony_rnn``)."""
    define_config_flags(family, default_config, "Model configuration, optional (the model's stored configuration "
                        "is used, and this must match it)", "Hyperparameters; not needed (they are stored with the "
                        "model), and those that shape the model must match it.")
    generate_common.define_model_source_flags(family)
    flags.DEFINE_integer("num_outputs", 10, "Number of MIDI files to generate.", lower_bound=1)
    flags.DEFINE_integer("num_steps", 128, "Length of each output in steps, the primer included.", lower_bound=1)
    flags.DEFINE_string("primer_midi", "", "A MIDI (or MusicXML, ABC) file to continue; its tempo overrides --qpm.")
    if family in ("melody_rnn", "polyphony_rnn"):
        flags.DEFINE_string("primer_melody", "", 'Melody events to continue: -2 no event, -1 note off, 0..127 note '
                            'on, e.g. "[60, -2, 60, -2, 67, -2, 67, -2]".')
    if family == "drums_rnn":
        flags.DEFINE_string("primer_drums", "", 'Drum steps to continue, each a tuple of MIDI drum pitches, e.g. '
                            '"[(36, 42), (), (42,)]".')
    if family == "polyphony_rnn":
        flags.DEFINE_string("primer_pitches", "", 'A chord, held one quarter note, to start from, e.g. "[60, 64, 67]".')
        flags.DEFINE_bool("condition_on_primer", False, "Let the model read the primer before generating.")
        flags.DEFINE_bool("inject_primer_during_generation", True,
                          "Put the primer's notes into the generated steps, for the model to harmonise.")
    flags.DEFINE_float("qpm", None, "Tempo of the output in quarter notes per minute (default 120, or the primer "
                       "MIDI's).")
    flags.DEFINE_float("temperature", 1.0, "Randomness: above 1 more random, below 1 more conservative, 0 always "
                       "the most likely event.", lower_bound=0.0)
    flags.DEFINE_integer("beam_size", 1, "Candidates kept by beam search.", lower_bound=1)
    flags.DEFINE_integer("branch_factor", 1, "Copies of each candidate sampled further per beam search iteration.",
                         lower_bound=1)
    flags.DEFINE_integer("steps_per_iteration", 1, "Events sampled per beam search iteration.", lower_bound=1)
    flags.DEFINE_integer("seed", None, "Random seed: the same seed writes the same files (default: drawn and logged).")
    output_flags.define_output_flags()


def _load(kind, path, family):
    from symphonia.generation.events_rnn.loading import EVENTS_RNN

    config, model = generate_common.load_model(EVENTS_RNN, kind, path)
    if config.family != family:
        raise CommandError(f"{path} holds a model of config {config.name} ({config.family}): use "
                           f"{config.family}_generate")
    generate_common.check_config_flags(config, path, _SHAPE_HPARAMS)
    return stored_config_with_flags(config, path), model


def _primer_choice(family):
    """``(flag, value)`` of the primer to use: the first primer flag set, in Magenta's order, or the default."""
    given = [name for name in _PRIMERS[family] if FLAGS[name].value]
    for ignored in given[1:]:
        logging.warning("--%s is ignored: --%s comes first.", ignored, given[0])
    if given:
        return given[0], FLAGS[given[0]].value
    flag, value, what = _DEFAULT_PRIMERS[family]
    logging.warning("No primer given: starting from %s.", what)
    return flag, value


def _parse_primer(flag, value):
    """The primer flag's value read (a literal parsed, a MIDI file read) before any model is loaded."""
    from symphonia.generation import primers

    parse = {"primer_melody": primers.parse_melody, "primer_drums": primers.parse_drums,
             "primer_pitches": primers.parse_pitches, "primer_midi": generate_common.read_primer_midi}.get(flag)
    try:
        return parse(value) if parse else value
    except primers.PrimerError as error:
        raise CommandError(str(error)) from None


def _primer_sequence(flag, parsed, steps_per_quarter):
    """The primer NoteSequence, at ``--qpm`` (a primer MIDI keeps its own tempo)."""
    from symphonia.generation.events_rnn import drums, melody
    from symphonia.generation.note_sequences import DEFAULT_QPM, chord_sequence
    from symphonia.music.proto import NoteSequence

    qpm = FLAGS.qpm or DEFAULT_QPM
    if flag == "primer_midi":
        return parsed
    if flag == "primer_melody":
        return melody.melody_sequence(parsed, 0, qpm, steps_per_quarter)
    if flag == "primer_drums":
        return drums.drum_sequence(parsed, 0, qpm, steps_per_quarter)
    if flag == "primer_pitches":
        return chord_sequence(parsed, qpm)
    sequence = NoteSequence()
    sequence.tempos.add().qpm = qpm
    return sequence


def main(family):
    """Generates MIDI files, or with ``--save_generator_bundle`` writes a bundle, for ``family``."""
    kind, path = generate_common.model_source(family)
    options = generate_common.generation_options()
    if FLAGS.save_generator_bundle:
        return generate_common.save_bundle(*_load(kind, path, family))
    primer_flag, primer_value = _primer_choice(family)
    parsed = _parse_primer(primer_flag, primer_value)
    config, model = _load(kind, path, family)

    from symphonia.generation.events_rnn.generator import EventsRnnGenerator
    from symphonia.generation.events_rnn.rollout import GenerationError
    from symphonia.generation.primers import PrimerError

    primer = _primer_sequence(primer_flag, parsed, config.steps_per_quarter)
    seed = generate_common.seed_from_flags()
    extra = ({"condition_on_primer": FLAGS.condition_on_primer,
              "inject_primer": FLAGS.inject_primer_during_generation} if family == "polyphony_rnn" else {})
    started = time.monotonic()
    try:
        sequences = EventsRnnGenerator(config, model).generate(primer, FLAGS.num_steps, FLAGS.num_outputs, options,
                                                               seed, **extra)
    except (PrimerError, GenerationError) as error:
        raise CommandError(str(error)) from None
    return generate_common.write_generated(sequences, time.monotonic() - started)


melody_rnn = family_script(define_flags, main, "melody_rnn", None)
drums_rnn = family_script(define_flags, main, "drums_rnn", "drum_kit")
polyphony_rnn = family_script(define_flags, main, "polyphony_rnn", "polyphony")
