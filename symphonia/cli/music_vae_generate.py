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

Attribute vectors (the MusicVAE paper's, never released by Magenta) take two
more modes:

* ``--mode=compute_attributes --examples_path=NS.tfrecord --attribute_vectors=OUT.npz``
  encodes every window of the NoteSequences and saves, for each attribute
  (``--attributes``, default every one the model's windows have), the mean
  code of the top quartile minus that of the bottom quartile;
* ``--mode=attribute --attribute_vectors=FILE.npz --attribute=note_density --attribute_amount=1.0``
  decodes ``--num_outputs`` codes moved by ``amount`` times the vector: the
  encoding of ``--input_midi_1`` (an input giving several windows is handled
  as for ``interpolate``) or, without it, draws from the prior.
"""

import os
import time

import numpy as np
from absl import flags, logging

from symphonia.cli import generate_common, output_flags
from symphonia.cli.common import CommandError, run
from symphonia.cli.default_bundle import default_bundle_file
from symphonia.models.music_vae.attributes import ATTRIBUTES
from symphonia.models.music_vae.configs import config_names

FLAGS = flags.FLAGS


def define_flags():
    flags.DEFINE_string("config", None, f"Model configuration ({', '.join(config_names())}); optional: the "
                        f"model's stored configuration is used, and this must match it.")
    generate_common.define_model_source_flags("music_vae")
    flags.DEFINE_enum("mode", "sample", ["sample", "interpolate", "attribute", "compute_attributes"],
                      "Sample from the prior; interpolate between --input_midi_1 and --input_midi_2; move "
                      "--input_midi_1 (or prior samples) along an attribute vector; or compute attribute vectors "
                      "from --examples_path.")
    flags.DEFINE_string("attribute_vectors", None, "An .npz file of attribute vectors: read by --mode=attribute, "
                        "written by --mode=compute_attributes.")
    flags.DEFINE_string("attribute", None, f"With --mode=attribute: the attribute vector to apply "
                        f"({', '.join(ATTRIBUTES)}).")
    flags.DEFINE_float("attribute_amount", 1.0, "With --mode=attribute: multiple of the vector added to the codes "
                       "(negative: take the attribute away).")
    flags.DEFINE_list("attributes", None, "With --mode=compute_attributes: the attributes to compute (default: "
                      "every one the model's windows have).")
    flags.DEFINE_string("examples_path", None, "With --mode=compute_attributes: TFRecord of NoteSequences (a glob "
                        "is allowed) to compute the attribute vectors from.")
    flags.DEFINE_integer("num_outputs", 5, "Samples, or interpolation points (both inputs' reconstructions "
                         "included).", lower_bound=1)
    flags.DEFINE_string("input_midi_1", None, "Interpolation start, or the input moved by --mode=attribute: a MIDI "
                        "(or MusicXML, ABC) file.")
    flags.DEFINE_string("input_midi_2", None, "Interpolation end.")
    flags.DEFINE_float("temperature", 0.5, "Randomness of the decoder's choices: 0 always the most likely.",
                       lower_bound=0.0)
    flags.DEFINE_integer("max_batch_size", 8, "Outputs decoded per compiled call.", lower_bound=1)
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


_MODE_INPUTS = {"interpolate": ("input_midi_1", "input_midi_2")}


def _read_input(flag):
    if not FLAGS[flag].value:
        raise CommandError(f"--mode={FLAGS.mode} needs --{flag}")
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


def _input_windows(model, when, names):
    """The inputs' windows; writes the candidates and returns None unless each gives exactly one."""
    from symphonia.generation.midi_files import numbered_output_names
    from symphonia.models.music_vae.trained_model import ExtractionError

    windows = []
    for k, flag in enumerate(names, start=1):
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
    inputs = _MODE_INPUTS.get(FLAGS.mode, ())
    if FLAGS.mode == "attribute" and FLAGS.input_midi_1:
        inputs = ("input_midi_1",)
    for flag in inputs:
        _read_input(flag)  # fail on a bad input before loading the model
    if FLAGS.mode == "compute_attributes":
        return _compute_attributes(path)
    vector = _attribute_vector() if FLAGS.mode == "attribute" else None
    model = _load(path, min(FLAGS.max_batch_size, FLAGS.num_outputs))
    seed = generate_common.seed_from_flags()
    when = time.localtime()
    started = time.monotonic()
    windows = _input_windows(model, when, inputs)
    if windows is None:
        return 0
    if FLAGS.mode == "interpolate":
        sequences = model.interpolate_labels(*windows, FLAGS.num_outputs, FLAGS.temperature, seed)
    elif FLAGS.mode == "attribute":
        try:
            labels = model.apply_attribute_to_labels(vector, FLAGS.attribute_amount, np.stack(windows) if windows
                                                     else None, FLAGS.num_outputs, FLAGS.temperature, seed)
        except ValueError as error:
            raise CommandError(f"the {FLAGS.attribute} vector does not fit this model: {error}") from None
        sequences = model.converter.to_note_sequences(labels)
    else:
        sequences = model.sample(FLAGS.num_outputs, FLAGS.temperature, seed)
    logging.info("Decoded %d outputs in %.2f s.", len(sequences), time.monotonic() - started)
    from symphonia.generation.midi_files import numbered_output_names

    _write(sequences, numbered_output_names(f"{model.config.name}_{FLAGS.mode}", len(sequences), when), "MIDI files")
    return 0


def _attribute_vector():
    """The ``--attribute`` vector of the ``--attribute_vectors`` file."""
    from symphonia.models.music_vae.attributes import load_attribute_vectors

    if not FLAGS.attribute_vectors or not FLAGS.attribute:
        raise CommandError("--mode=attribute needs --attribute_vectors (a file --mode=compute_attributes wrote) "
                           "and --attribute (the vector to apply)")
    try:
        vectors = load_attribute_vectors(os.path.expanduser(FLAGS.attribute_vectors))
    except ValueError as error:
        raise CommandError(str(error)) from None
    if FLAGS.attribute not in vectors:
        raise CommandError(f"{FLAGS.attribute_vectors} has no {FLAGS.attribute!r} vector; it has "
                           f"{', '.join(vectors)}")
    return vectors[FLAGS.attribute]


def _compute_attributes(path):
    """Computes and saves attribute vectors from ``--examples_path``."""
    from symphonia.data.input_pipeline import DatasetError
    from symphonia.models.music_vae.attributes import save_attribute_vectors
    from symphonia.models.music_vae.data import read_note_sequences

    if not FLAGS.examples_path or not FLAGS.attribute_vectors:
        raise CommandError("--mode=compute_attributes needs --examples_path (NoteSequences) and "
                           "--attribute_vectors (the .npz file to write)")
    unknown = [name for name in FLAGS.attributes or () if name not in ATTRIBUTES]
    if unknown:
        raise CommandError(f"unknown attribute {unknown[0]!r}: --attributes takes {', '.join(ATTRIBUTES)}")
    model = _load(path, FLAGS.max_batch_size)
    try:
        vectors = model.attribute_vectors(read_note_sequences(FLAGS.examples_path), FLAGS.attributes,
                                          seed=generate_common.seed_from_flags())
    except (DatasetError, ValueError) as error:
        raise CommandError(str(error)) from None
    save_attribute_vectors(os.path.expanduser(FLAGS.attribute_vectors), vectors)
    logging.info("Wrote the %s vectors to %s", ", ".join(vectors), FLAGS.attribute_vectors)
    return 0


def _save_bundle(path):
    model = _load(path, 1)
    return generate_common.save_bundle(model.config, model.model)


def script():
    """The ``music_vae_generate`` console script."""
    define_flags()
    run(main)
