"""What the generate scripts of the RNN families share: which model to load, the primer MIDI, bundles, seeds.

Each function reads the flags every such script defines with Magenta's names
(``--run_dir``, ``--checkpoint_file``, ``--bundle_file``,
``--save_generator_bundle``, ``--bundle_description``, ``--config``,
``--hparams``, ``--qpm``, ``--seed``) and reports what the user can fix as a
one-line :class:`~symphonia.cli.common.CommandError`.
"""

import os
import random

from absl import flags, logging

from symphonia.cli import output_flags
from symphonia.cli.common import CommandError
from symphonia.cli.default_bundle import default_bundle_file

FLAGS = flags.FLAGS


def define_model_source_flags(family):
    """Defines the flags that say where the model comes from, and where the MIDI files go."""
    flags.DEFINE_string("run_dir", None, "Training run directory: generate from the newest checkpoint in "
                        "run_dir/train.")
    flags.DEFINE_string("checkpoint_file", None, "A checkpoint (prefix such as run_dir/train/model.ckpt-1000, or a "
                        "directory: its newest checkpoint) to generate from.")
    flags.DEFINE_string("bundle_file", None, "A .mag generator bundle to generate from (or, with "
                        "--save_generator_bundle, to write).")
    flags.DEFINE_bool("save_generator_bundle", False, "Write the checkpoint as --bundle_file instead of generating.")
    flags.DEFINE_string("bundle_description", None, "Free text stored in the bundle (its training data...).")
    flags.DEFINE_string("output_dir", f"/tmp/{family}/generated", "Directory for the MIDI files.")


def model_source(family):
    """``(kind, path)`` of the model to load, checking that the flags name exactly one.

    ``kind`` is ``bundle_file``, ``run_dir`` or ``checkpoint_file``; with no
    model named, the bundle shipped for ``--config`` (see
    :func:`~symphonia.cli.default_bundle.default_bundle_file`).
    """
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


def load_model(model_family, kind, path):
    """``(config, model)`` from the ``(kind, path)`` :func:`model_source` gave, for a
    :class:`~symphonia.generation.stored_models.ModelFamily`."""
    from symphonia.generation import stored_models

    load = {"bundle_file": stored_models.load_bundle, "run_dir": stored_models.load_run_dir,
            "checkpoint_file": stored_models.load_checkpoint}[kind]
    try:
        return load(model_family, path)
    except stored_models.LoadError as error:
        raise CommandError(str(error)) from None


def check_config_flags(config, path, shape_hparams):
    """Refuses a ``--config`` other than the stored model's, or ``--hparams`` that would change its shape.

    ``shape_hparams`` names the hyperparameters that shape the weights; the
    others only matter for training, and generation uses the stored ones.
    """
    if FLAGS["config"].present and FLAGS.config != config.name:
        raise CommandError(f"--config={FLAGS.config}, but {path} holds a model of config {config.name}")
    if not FLAGS.hparams:
        return
    try:
        wanted = config.with_hparams(FLAGS.hparams).hparams
    except ValueError as error:
        raise CommandError(str(error)) from None
    for name in shape_hparams:
        if getattr(wanted, name) != getattr(config.hparams, name):
            raise CommandError(f"--hparams sets {name} to {getattr(wanted, name)!r}, but the model in {path} has "
                               f"{getattr(config.hparams, name)!r}; generation uses the hyperparameters stored "
                               f"with the model, so --hparams can be left out")
    logging.info("Generation uses the model's stored hyperparameters; the rest of --hparams only matters for "
                 "training.")


def read_first_piece(path, what):
    """The first piece of a MIDI (or MusicXML, ABC) file, as a NoteSequence; ``what`` names it in messages."""
    from symphonia.music.errors import MusicReadError
    from symphonia.music.reader import read_music_file

    path = os.path.expanduser(path)
    try:
        sequences = read_music_file(path)
    except MusicReadError as error:
        raise CommandError(f"cannot read {what} {path}: {error}") from None
    if len(sequences) > 1:
        logging.warning("%s holds %d pieces; the first is used.", path, len(sequences))
    return sequences[0]


def read_primer_midi(path):
    """The first piece of a ``--primer_midi`` file, whose tempo wins over ``--qpm``."""
    primer = read_first_piece(path, "the primer")
    if FLAGS.qpm and primer.tempos:
        logging.info("The primer's tempo (%.4g qpm) overrides --qpm.", primer.tempos[0].qpm)
    return primer


def save_bundle(config, model):
    """Writes the loaded model to ``--bundle_file`` with ``--bundle_description``; returns the exit status 0."""
    from symphonia.generation.stored_models import save_bundle as write

    bundle_file = os.path.expanduser(FLAGS.bundle_file)
    if FLAGS.bundle_description is None:
        logging.warning("No bundle description provided.")
    try:
        write(bundle_file, config, model, FLAGS.bundle_description)
    except OSError as error:
        raise CommandError(f"cannot write {bundle_file}: {error.strerror or error}") from None
    logging.info("Saved generator bundle %s (%s).", bundle_file, config.name)
    return 0


def generation_options():
    """The :class:`~symphonia.generation.options.GenerationOptions` of the flags, after checking ``--qpm``."""
    from symphonia.generation.options import GenerationOptions

    if FLAGS.qpm is not None and not FLAGS.qpm > 0:
        raise CommandError(f"--qpm must be a positive tempo, got {FLAGS.qpm}")
    try:
        return GenerationOptions(FLAGS.temperature, FLAGS.beam_size, FLAGS.branch_factor, FLAGS.steps_per_iteration)
    except ValueError as error:
        raise CommandError(str(error)) from None


def write_generated(sequences, seconds):
    """Writes the generated ``sequences`` to ``--output_dir`` (with the previews asked for), saying so."""
    logging.info("Generated %d sequences of %d steps in %.2f s.", len(sequences), FLAGS.num_steps, seconds)
    output_dir = os.path.expanduser(FLAGS.output_dir)
    output_flags.write_outputs(sequences, output_dir)
    logging.info("Wrote %d MIDI files to %s", len(sequences), output_dir)
    return 0


def seed_from_flags():
    """``--seed``, or a fresh one, logged so that the user can write the same files again."""
    seed = FLAGS.seed if FLAGS.seed is not None else random.SystemRandom().randrange(2**31)
    logging.info("Seed %d (--seed=%d writes these files again).", seed, seed)
    return seed
