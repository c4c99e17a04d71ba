"""``.mag`` files: note-seq's ``GeneratorBundle`` protobuf holding a configuration and weights.

Magenta's bundles hold a TensorFlow 1 checkpoint and a MetaGraph (a graph to
import and run). Ours keep the same message, so tools that list a bundle's
generator id and descriptions read both, but hold nothing executable::

    generator_details.id           the configuration's name (e.g. drum_kit), as in Magenta
    generator_details.description  the configuration's description
    bundle_details.description     free text (--bundle_description)
    checkpoint_file[0]             a UTF-8 JSON manifest: {"format": "symphonia.bundle",
                                   "version": 1, "config": <the full configuration>}
    checkpoint_file[1]             the weights: a numpy .npz archive, one array per weight,
                                   named by the weight's path (events_rnn/logits/kernel...)
    metagraph_file                 empty

Weights are read with ``allow_pickle=False``, so a bundle cannot smuggle
Python objects in. Reading anything else (a Magenta bundle, a file that is
not a bundle, a damaged one) is a :class:`BundleError` with a one-line
message saying what the file is.
"""

import dataclasses
import io
import json
import zipfile

import numpy as np
from google.protobuf.message import DecodeError

from symphonia.atomic import write_bytes_atomically
from symphonia.music.note_seq_modules import import_note_seq_module

FORMAT = "symphonia.bundle"
VERSION = 1


class BundleError(ValueError):
    """A file that cannot be used as a Symphonia bundle; the message says why, in one line."""


@dataclasses.dataclass(frozen=True)
class Bundle:
    """The contents of a bundle.

    Attributes
    ----------
    generator_id : str
        The configuration's name.
    description : str
        The configuration's description.
    bundle_description : str
        Free text about the model (its training data...).
    config : dict
        The full configuration, as its ``to_dict()`` wrote it.
    weights : dict of str to numpy.ndarray
        Every weight by path.
    """

    generator_id: str
    description: str
    bundle_description: str
    config: dict
    weights: dict


def _generator_pb2():
    return import_note_seq_module("protobuf.generator_pb2")


def bundle_bytes(bundle):
    """The serialized ``GeneratorBundle`` of a :class:`Bundle`."""
    weights = io.BytesIO()
    np.savez(weights, **{name: np.asarray(value) for name, value in bundle.weights.items()})
    manifest = {"format": FORMAT, "version": VERSION, "config": bundle.config}
    message = _generator_pb2().GeneratorBundle()
    message.generator_details.id = bundle.generator_id
    message.generator_details.description = bundle.description
    message.bundle_details.description = bundle.bundle_description
    message.checkpoint_file.append(json.dumps(manifest, sort_keys=True).encode("utf-8"))
    message.checkpoint_file.append(weights.getvalue())
    return message.SerializeToString()


def write_bundle(path, bundle):
    """Writes a :class:`Bundle` to ``path`` atomically."""
    write_bytes_atomically(path, bundle_bytes(bundle))


def read_bundle(path):
    """Reads a :class:`Bundle` from ``path``.

    Raises
    ------
    BundleError
        When the file cannot be read, is not a GeneratorBundle, is Magenta's
        (TensorFlow 1) kind, or is damaged.
    """
    try:
        with open(path, "rb") as file:
            data = file.read()
    except OSError as error:
        raise BundleError(f"cannot read {path}: {error.strerror or error}") from None
    return parse_bundle(data, str(path))


def parse_bundle(data, name="the bundle"):
    """:func:`read_bundle` on the bytes of a file; ``name`` is how messages refer to it."""
    try:
        message = _generator_pb2().GeneratorBundle.FromString(data)
    except DecodeError:
        raise BundleError(f"{name} is not a generator bundle (.mag): it is not a GeneratorBundle protobuf") from None
    manifest = _manifest(message)
    if manifest is None:
        if message.metagraph_file:
            raise BundleError(f"{name} is a Magenta bundle (generator {message.generator_details.id!r}: a TensorFlow 1 "
                              f"checkpoint and graph), which Symphonia cannot load; train the model with Symphonia "
                              f"and save it with --save_generator_bundle")
        raise BundleError(f"{name} is not a Symphonia generator bundle (.mag): it holds no Symphonia model")
    if manifest.get("version") != VERSION or not isinstance(manifest.get("config"), dict):
        raise BundleError(f"{name} is a Symphonia bundle of an unknown version ({manifest.get('version')!r}); this "
                          f"Symphonia reads version {VERSION}")
    if len(message.checkpoint_file) != 2:
        raise BundleError(f"{name} is damaged: it holds no weights")
    return Bundle(generator_id=message.generator_details.id, description=message.generator_details.description,
                  bundle_description=message.bundle_details.description, config=manifest["config"],
                  weights=_weights(message.checkpoint_file[1], name))


def _manifest(message):
    """The manifest dict if the first checkpoint file is ours, else None."""
    if not message.checkpoint_file:
        return None
    try:
        manifest = json.loads(message.checkpoint_file[0].decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return None
    return manifest if isinstance(manifest, dict) and manifest.get("format") == FORMAT else None


def _weights(data, name):
    try:
        with np.load(io.BytesIO(data), allow_pickle=False) as archive:
            return {key: archive[key] for key in archive.files}
    except (zipfile.BadZipFile, ValueError, OSError, EOFError, KeyError) as error:
        raise BundleError(f"{name} is damaged: its weights cannot be read ({error})") from None
