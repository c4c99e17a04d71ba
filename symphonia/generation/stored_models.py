"""A trained model of any family from a run directory, a checkpoint or a ``.mag`` bundle.

What loading needs to know about a family is two functions: how to read its
stored configuration (a :class:`~symphonia.hparams.StoredConfig`'s
``from_dict``) and how to build an empty model from a configuration. The
rest is the same for every family: the model is rebuilt from the stored
configuration (``config.json`` beside the checkpoints, or the bundle's
manifest) and only weights are read, tensors from TensorFlow checkpoints and
numpy arrays (no pickle) from bundles, so nothing stored is executed. Every
failure is a :class:`LoadError` with a one-line message.
"""

import dataclasses
import os
from typing import Callable

from symphonia.bundle.mag import Bundle, BundleError, read_bundle, write_bundle

TRAIN_SUBDIR = "train"


class LoadError(ValueError):
    """A model cannot be loaded from the place given; the message says why, in one line."""


@dataclasses.dataclass(frozen=True)
class ModelFamily:
    """How to rebuild one family's model.

    Attributes
    ----------
    label : str
        The family in messages, with its article (``an RNN-NADE``).
    config_from_dict : callable
        Stored dict -> configuration; ValueError or TypeError for a dict of another kind.
    build_model : callable
        Configuration -> a model with every weight created.
    """

    label: str
    config_from_dict: Callable
    build_model: Callable

    def config(self, values, where):
        try:
            return self.config_from_dict(values)
        except (ValueError, TypeError) as error:
            raise LoadError(f"{where} does not hold {self.label} configuration ({error})") from None


def checkpoint_prefix(path):
    """The checkpoint a ``--checkpoint_file`` names: the newest in a directory, or the prefix itself."""
    from symphonia.training.checkpoints import latest_checkpoint

    if os.path.isdir(path):
        latest = latest_checkpoint(path)
        if latest is None:
            raise LoadError(f"no complete checkpoint in {path}")
        return latest[1]
    if not os.path.exists(path + ".index"):
        raise LoadError(f"no checkpoint {path} (expected {path}.index and its data files)")
    return path


def load_checkpoint(family, path):
    """``(config, model)`` from a checkpoint prefix or a directory of checkpoints with its ``config.json``."""
    import tensorflow as tf

    from symphonia.training.checkpoints import CONFIG_FILE, checkpoint_objects, read_config

    prefix = checkpoint_prefix(path)
    directory = os.path.dirname(prefix)
    config_file = os.path.join(directory, CONFIG_FILE)
    try:
        values = read_config(directory)
    except ValueError as error:
        raise LoadError(f"{config_file} is not valid JSON ({error})") from None
    if values is None:
        raise LoadError(f"{directory} has no {CONFIG_FILE}, so it is not a Symphonia training run (Magenta's "
                        f"TensorFlow 1 checkpoints cannot be loaded)")
    config = family.config(values, config_file)
    model = family.build_model(config)
    try:
        status = checkpoint_objects(model, tf.Variable(0, dtype=tf.int64)).read(prefix)
        status.expect_partial()  # the optimizer's slots are not wanted
        status.assert_existing_objects_matched()
    except (AssertionError, ValueError, tf.errors.OpError) as error:
        detail = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise LoadError(f"{prefix} does not hold the weights of its {config.name} configuration ({detail})") from None
    return config, model


def load_run_dir(family, run_dir):
    """``(config, model)`` from the newest checkpoint of ``run_dir/train``."""
    train_dir = os.path.join(run_dir, TRAIN_SUBDIR)
    if not os.path.isdir(train_dir):
        raise LoadError(f"{run_dir} holds no training run (no {train_dir} folder)")
    return load_checkpoint(family, train_dir)


def load_bundle(family, path):
    """``(config, model)`` from a ``.mag`` bundle written by :func:`save_bundle`."""
    try:
        bundle = read_bundle(path)
    except BundleError as error:
        raise LoadError(str(error)) from None
    config = family.config(bundle.config, path)
    if bundle.generator_id != config.name:
        raise LoadError(f"{path} is damaged: its generator id {bundle.generator_id!r} is not its configuration's "
                        f"name {config.name!r}")
    model = family.build_model(config)
    expected = {weight.path: weight for weight in model.weights}
    if set(expected) != set(bundle.weights):
        differing = sorted(set(expected) - set(bundle.weights)) or sorted(set(bundle.weights) - set(expected))
        raise LoadError(f"{path} is damaged: its weights do not match its {config.name} configuration "
                        f"({differing[0]})")
    for name, weight in expected.items():
        value = bundle.weights[name]
        if value.shape != tuple(weight.shape) or value.dtype != weight.dtype:
            raise LoadError(f"{path} is damaged: weight {name} is {value.dtype}{list(value.shape)}, its "
                            f"configuration needs {weight.dtype}{list(weight.shape)}")
        weight.assign(value)
    return config, model


def save_bundle(path, config, model, bundle_description=""):
    """Writes ``config`` and ``model``'s weights as a ``.mag`` bundle at ``path`` (atomically)."""
    write_bundle(path, Bundle(generator_id=config.name, description=config.description,
                              bundle_description=bundle_description or "", config=config.to_dict(),
                              weights={weight.path: weight.numpy() for weight in model.weights}))
