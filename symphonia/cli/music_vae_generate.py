"""music_vae_generate: MIDI files sampled from, or interpolated by, a trained MusicVAE.

Magenta's flags and defaults (``--config``, ``--checkpoint_file`` or
``--run_dir``, ``--mode=sample|interpolate``, ``--num_outputs``,
``--input_midi_1``, ``--input_midi_2``, ``--temperature`` 0.5,
``--max_batch_size``, ``--output_dir``), plus ``--seed`` (the same seed writes
the same files; without one a seed is drawn and logged), ``--bundle_file``,
``--save_generator_bundle`` and ``--bundle_description``. Exactly one model
source is accepted (Magenta means to demand that, but a slip lets it take
both). The model comes with its stored configuration: ``--config`` is
optional, and must match it when given.

Outputs are named as Magenta names them,
``<config>_<mode>_<YYYY-MM-DD_HHMMSS>-NNN-of-MMM.mid``, and written atomically.
For ``interpolate``, an input that does not give exactly one window (not 2
bars, several melodies...) has its candidate windows written as
``<config>_input<k>-extractions_<date>-NNN-of-MMM.mid`` for the user to pick
from, and nothing else is done.
"""

import os
import time

from absl import flags, logging

from symphonia.cli import generate_common, output_flags
from symphonia.cli.common import CommandError, run
from symphonia.cli.default_bundle import default_bundle_file
from symphonia.models.music_vae.configs import config_names

FLAGS = flags.FLAGS


def define_flags():
    flags.DEFINE_string("config", None, f"Model configuration ({', '.join(config_names())}); optional: the "
                        f"model's stored configuration is used, and this must match it.")
    flags.DEFINE_string("run_dir", None, "Training run directory: use the newest checkpoint in run_dir/train.")
    flags.DEFINE_string("checkpoint_file", None, "A checkpoint prefix (run_dir/train/model.ckpt-1000) or a folder "
                        "of checkpoints (its newest).")
    flags.DEFINE_string("bundle_file", None, "A .mag bundle to generate from (or, with --save_generator_bundle, "
                        "to write).")
    flags.DEFINE_bool("save_generator_bundle", False, "Write the checkpoint as --bundle_file instead of generating.")
    flags.DEFINE_string("bundle_description", None, "Free text stored in the bundle (its training data...).")
    flags.DEFINE_enum("mode", "sample", ["sample", "interpolate"], "Sample from the prior, or interpolate "
                      "between --input_midi_1 and --input_midi_2.")
    flags.DEFINE_integer("num_outputs", 5, "Samples, or interpolation points (both inputs' reconstructions "
                         "included).", lower_bound=1)
    flags.DEFINE_string("input_midi_1", None, "Interpolation start: a MIDI (or MusicXML, ABC) file.")
    flags.DEFINE_string("input_midi_2", None, "Interpolation end.")
    flags.DEFINE_float("temperature", 0.5, "Randomness of the decoder's choices: 0 always the most likely.",
                       lower_bound=0.0)
    flags.DEFINE_integer("max_batch_size", 8, "Outputs decoded per compiled call.", lower_bound=1)
    flags.DEFINE_string("output_dir", "/tmp/music_vae/generated", "Directory for the MIDI files.")
    flags.DEFINE_integer("seed", None, "Random seed: the same seed writes the same files (default: drawn and logged).")
    output_flags.define_output_flags()


def _model_source():
    """The one path holding the model, checking that the flags name exactly one."""
    given = [(name, FLAGS[name].value) for name in ("run_dir", "checkpoint_file") if FLAGS[name].value]
    if FLAGS.bundle_file and not FLAGS.save_generator_bundle:
        given.append(("bundle_file", FLAGS.bundle_file))
    if len(given) > 1:
        raise CommandError(f"give one of --{given[0][0]} and --{given[1][0]}, not both")
    if FLAGS.save_generator_bundle and not FLAGS.bundle_file:
        raise CommandError("--save_generator_bundle needs --bundle_file: where to write the bundle")
    if not given:
        if FLAGS.save_generator_bundle:
            raise CommandError("--save_generator_bundle needs --run_dir or --checkpoint_file: what to bundle")
        return default_bundle_file("music_vae", FLAGS.config)
    return os.path.expanduser(given[0][1])


def _read_input(flag):
    if not FLAGS[flag].value:
        raise CommandError(f"--mode=interpolate needs --{flag}")
    return generate_common.read_first_piece(FLAGS[flag].value, f"--{flag}")


def _load(path, batch_size):
    from symphonia.models.music_vae.loading import LoadError
    from symphonia.models.music_vae.trained_model import TrainedModel

    try:
        model = TrainedModel(path, batch_size=batch_size)
    except LoadError as error:
        raise CommandError(str(error)) from None
    if FLAGS.config and FLAGS.config != model.config.name:
        raise CommandError(f"--config={FLAGS.config}, but {path} holds a model of config {model.config.name}")
    return model


def _write(sequences, names, description):
    output_flags.write_outputs(sequences, os.path.expanduser(FLAGS.output_dir), names=names)
    logging.info("Wrote %d %s to %s", len(sequences), description, FLAGS.output_dir)


def _interpolation_inputs(model, when):
    """The two inputs' windows; writes the candidates and returns None unless each gives exactly one."""
    from symphonia.generation.midi_files import numbered_output_names
    from symphonia.models.music_vae.trained_model import ExtractionError

    windows = []
    for k, flag in enumerate(("input_midi_1", "input_midi_2"), start=1):
        try:
            windows.append(model.windows_of([_read_input(flag)])[0])
        except ExtractionError as error:
            name = FLAGS[flag].value
            if not error.windows:
                raise CommandError(f"--{flag} {name} gives no {model.converter.slice_bars}-bar "
                                   f"{model.converter.name} window the model can encode (it needs "
                                   f"{model.converter.max_length} steps of 4/4 in one tempo)") from None
            count = len(error.windows)
            _write(model.converter.to_note_sequences(error.windows),
                   numbered_output_names(f"{model.config.name}_input{k}-extractions", count, when),
                   "candidate windows")
            logging.info("--%s %s gives %d different windows, not exactly one: they are written to %s; pass the "
                         "one you want as --%s.", flag, name, count, FLAGS.output_dir, flag)
            return None
    return windows


def main(argv):
    """Generates MIDI files, or with ``--save_generator_bundle`` writes a bundle."""
    path = _model_source()
    if FLAGS.save_generator_bundle:
        return _save_bundle(path)
    if FLAGS.mode == "interpolate":
        _read_input("input_midi_1"), _read_input("input_midi_2")  # fail on a bad input before loading the model
    model = _load(path, min(FLAGS.max_batch_size, FLAGS.num_outputs))
    seed = generate_common.seed_from_flags()
    when = time.localtime()
    started = time.monotonic()
    if FLAGS.mode == "interpolate":
        windows = _interpolation_inputs(model, when)
        if windows is None:
            return 0
        sequences = model.interpolate_labels(*windows, FLAGS.num_outputs, FLAGS.temperature, seed)
    else:
        sequences = model.sample(FLAGS.num_outputs, FLAGS.temperature, seed)
    logging.info("Decoded %d outputs in %.2f s.", len(sequences), time.monotonic() - started)
    from symphonia.generation.midi_files import numbered_output_names

    _write(sequences, numbered_output_names(f"{model.config.name}_{FLAGS.mode}", len(sequences), when), "MIDI files")
    return 0


def _save_bundle(path):
    model = _load(path, 1)
    return generate_common.save_bundle(model.config, model.model)


def script():
    """The ``music_vae_generate`` console script."""
    define_flags()
    run(main)
