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

import os
import random
import time

from absl import flags, logging

from symphonia.cli import output_flags
from symphonia.cli.common import CommandError, family_script
from symphonia.cli.default_bundle import default_bundle_file
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
    flags.DEFINE_string("run_dir", None, "Training run directory: generate from the newest checkpoint in "
                        "run_dir/train.")
    flags.DEFINE_string("checkpoint_file", None, "A checkpoint (prefix such as run_dir/train/model.ckpt-1000, or a "
                        "directory: its newest checkpoint) to generate from.")
    flags.DEFINE_string("bundle_file", None, "A .mag generator bundle to generate from (or, with "
                        "--save_generator_bundle, to write).")
    flags.DEFINE_bool("save_generator_bundle", False, "Write the checkpoint as --bundle_file instead of generating.")
    flags.DEFINE_string("bundle_description", None, "Free text stored in the bundle (its training data...).")
    flags.DEFINE_string("output_dir", f"/tmp/{family}/generated", "Directory for the MIDI files.")
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


def _model_source(family):
    """``(kind, path)`` of the model to load, checking that the flags name exactly one."""
    given = [(name, FLAGS[name].value) for name in ("run_dir", "checkpoint_file") if FLAGS[name].value]
    if len(given) > 1:
        raise CommandError("give --run_dir or --checkpoint_file, not both")
    if FLAGS.save_generator_bundle:
        if not FLAGS.bundle_file:
            raise CommandError("--save_generator_bundle needs --bundle_file: where to write the bundle")
        if not given:
            raise CommandError("--save_generator_bundle needs --run_dir or --checkpoint_file: what to bundle")
        return given[0][0], os.path.expanduser(given[0][1])
    if FLAGS.bundle_file:
        if given:
            raise CommandError(f"give --bundle_file or --{given[0][0]}, not both")
        return "bundle_file", os.path.expanduser(FLAGS.bundle_file)
    if not given:
        return "bundle_file", default_bundle_file(family, FLAGS.config)
    return given[0][0], os.path.expanduser(given[0][1])


def _load(kind, path, family):
    from symphonia.generation.events_rnn import loading

    load = {"bundle_file": loading.load_bundle, "run_dir": loading.load_run_dir,
            "checkpoint_file": loading.load_checkpoint}[kind]
    try:
        config, model = load(path)
    except loading.LoadError as error:
        raise CommandError(str(error)) from None
    if config.family != family:
        raise CommandError(f"{path} holds a model of config {config.name} ({config.family}): use "
                           f"{config.family}_generate")
    if FLAGS["config"].present and FLAGS.config != config.name:
        raise CommandError(f"--config={FLAGS.config}, but {path} holds a model of config {config.name}")
    _check_hparams(config, path)
    return stored_config_with_flags(config, path), model


def _check_hparams(config, path):
    """Refuses ``--hparams`` that would change the model's shape; the others only matter for training."""
    if not FLAGS.hparams:
        return
    try:
        wanted = config.with_hparams(FLAGS.hparams).hparams
    except ValueError as error:
        raise CommandError(str(error)) from None
    for name in _SHAPE_HPARAMS:
        if getattr(wanted, name) != getattr(config.hparams, name):
            raise CommandError(f"--hparams sets {name} to {getattr(wanted, name)!r}, but the model in {path} has "
                               f"{getattr(config.hparams, name)!r}; generation uses the hyperparameters stored "
                               f"with the model, so --hparams can be left out")
    logging.info("Generation uses the model's stored hyperparameters; the rest of --hparams only matters for "
                 "training.")


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
             "primer_pitches": primers.parse_pitches, "primer_midi": _read_primer_midi}.get(flag)
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


def _read_primer_midi(path):
    from symphonia.music.errors import MusicReadError
    from symphonia.music.reader import read_music_file

    path = os.path.expanduser(path)
    try:
        sequences = read_music_file(path)
    except MusicReadError as error:
        raise CommandError(f"cannot read the primer {path}: {error}") from None
    if len(sequences) > 1:
        logging.warning("%s holds %d pieces; the first is the primer.", path, len(sequences))
    if FLAGS.qpm and sequences[0].tempos:
        logging.info("The primer's tempo (%.4g qpm) overrides --qpm.", sequences[0].tempos[0].qpm)
    return sequences[0]


def main(family):
    """Generates MIDI files, or with ``--save_generator_bundle`` writes a bundle, for ``family``."""
    from symphonia.generation.options import GenerationOptions

    kind, path = _model_source(family)
    if FLAGS.qpm is not None and not FLAGS.qpm > 0:
        raise CommandError(f"--qpm must be a positive tempo, got {FLAGS.qpm}")
    try:
        options = GenerationOptions(FLAGS.temperature, FLAGS.beam_size, FLAGS.branch_factor,
                                    FLAGS.steps_per_iteration)
    except ValueError as error:
        raise CommandError(str(error)) from None
    if FLAGS.save_generator_bundle:
        return _save_bundle(*_load(kind, path, family))
    primer_flag, primer_value = _primer_choice(family)
    parsed = _parse_primer(primer_flag, primer_value)
    config, model = _load(kind, path, family)

    from symphonia.generation.events_rnn.generator import EventsRnnGenerator
    from symphonia.generation.events_rnn.rollout import GenerationError
    from symphonia.generation.primers import PrimerError

    primer = _primer_sequence(primer_flag, parsed, config.steps_per_quarter)
    seed = FLAGS.seed if FLAGS.seed is not None else random.SystemRandom().randrange(2**31)
    logging.info("Seed %d (--seed=%d writes these files again).", seed, seed)
    extra = ({"condition_on_primer": FLAGS.condition_on_primer,
              "inject_primer": FLAGS.inject_primer_during_generation} if family == "polyphony_rnn" else {})
    started = time.monotonic()
    try:
        sequences = EventsRnnGenerator(config, model).generate(primer, FLAGS.num_steps, FLAGS.num_outputs, options,
                                                               seed, **extra)
    except (PrimerError, GenerationError) as error:
        raise CommandError(str(error)) from None
    logging.info("Generated %d sequences of %d steps in %.2f s.", len(sequences), FLAGS.num_steps,
                 time.monotonic() - started)
    output_dir = os.path.expanduser(FLAGS.output_dir)
    output_flags.write_outputs(sequences, output_dir)
    logging.info("Wrote %d MIDI files to %s", len(sequences), output_dir)
    return 0


def _save_bundle(config, model):
    from symphonia.generation.events_rnn.loading import save_bundle

    bundle_file = os.path.expanduser(FLAGS.bundle_file)
    if FLAGS.bundle_description is None:
        logging.warning("No bundle description provided.")
    try:
        save_bundle(bundle_file, config, model, FLAGS.bundle_description)
    except OSError as error:
        raise CommandError(f"cannot write {bundle_file}: {error.strerror or error}") from None
    logging.info("Saved generator bundle %s (%s).", bundle_file, config.name)
    return 0


melody_rnn = family_script(define_flags, main, "melody_rnn", None)
drums_rnn = family_script(define_flags, main, "drums_rnn", "drum_kit")
polyphony_rnn = family_script(define_flags, main, "polyphony_rnn", "polyphony")
