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

from symphonia.cli.common import CommandError
from symphonia.cli.default_bundle import default_bundle_file

FLAGS = flags.FLAGS


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


def read_primer_midi(path):
    """The first piece of a MIDI (or MusicXML, ABC) primer file, as a NoteSequence."""
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


def save_bundle(config, model):
    """Writes the loaded model to ``--bundle_file`` with ``--bundle_description``; returns the exit status 0."""
    from symphonia.generation.events_rnn.loading import save_bundle as write

    bundle_file = os.path.expanduser(FLAGS.bundle_file)
    if FLAGS.bundle_description is None:
        logging.warning("No bundle description provided.")
    try:
        write(bundle_file, config, model, FLAGS.bundle_description)
    except OSError as error:
        raise CommandError(f"cannot write {bundle_file}: {error.strerror or error}") from None
    logging.info("Saved generator bundle %s (%s).", bundle_file, config.name)
    return 0


def seed_from_flags():
    """``--seed``, or a fresh one, logged so that the user can write the same files again."""
    seed = FLAGS.seed if FLAGS.seed is not None else random.SystemRandom().randrange(2**31)
    logging.info("Seed %d (--seed=%d writes these files again).", seed, seed)
    return seed
