"""Trained MusicVAEs from a run directory, a checkpoint or a ``.mag`` bundle, and bundles from them.

As for the events RNNs (:mod:`symphonia.generation.events_rnn.loading`, whose
checkpoint lookup and error type this shares): the model is rebuilt from its
stored configuration (``config.json`` beside the checkpoints, or the bundle's
manifest) and only weights are read, tensors from TensorFlow checkpoints and
numpy arrays (no pickle) from bundles, so nothing stored is executed. Every
failure is a :class:`~symphonia.generation.events_rnn.loading.LoadError` with
a one-line message.
"""

import os

from symphonia.bundle.mag import Bundle, BundleError, read_bundle, write_bundle
from symphonia.generation.events_rnn.loading import LoadError, checkpoint_prefix
from symphonia.models.music_vae.train import TRAIN_SUBDIR

__all__ = ["LoadError", "load_model", "save_bundle"]


def _config_from_dict(values, where):
    from symphonia.models.music_vae.configs import MusicVaeConfig

    if values is None:
        raise LoadError(f"{where} is missing, so this is not a Symphonia training run (Magenta's TensorFlow 1 "
                        f"checkpoints cannot be loaded)")
    try:
        return MusicVaeConfig.from_dict(values)
    except (ValueError, TypeError) as error:
        raise LoadError(f"{where} does not hold a MusicVAE configuration ({error})") from None


def _from_checkpoint(path):
    import tensorflow as tf

    from symphonia.models.music_vae.model import MusicVae
    from symphonia.training.checkpoints import CONFIG_FILE, checkpoint_objects, read_config

    prefix = checkpoint_prefix(path)
    config_file = os.path.join(os.path.dirname(prefix), CONFIG_FILE)
    try:
        config = _config_from_dict(read_config(os.path.dirname(prefix)), config_file)
    except ValueError as error:
        raise LoadError(f"{config_file} is not valid JSON ({error})") from None
    model = MusicVae.from_music_vae_config(config)
    try:
        status = checkpoint_objects(model, tf.Variable(0, dtype=tf.int64)).read(prefix)
        status.expect_partial()  # the optimizer's slots are not wanted
        status.assert_existing_objects_matched()
    except (AssertionError, ValueError, tf.errors.OpError) as error:
        detail = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise LoadError(f"{prefix} does not hold the weights of its {config.name} configuration ({detail})") from None
    return config, model


def _from_bundle(path):
    from symphonia.models.music_vae.model import MusicVae

    try:
        bundle = read_bundle(path)
    except BundleError as error:
        raise LoadError(str(error)) from None
    config = _config_from_dict(bundle.config, path)
    model = MusicVae.from_music_vae_config(config)
    weights = {weight.path: weight for weight in model.weights}
    unmatched = sorted(set(weights) ^ set(bundle.weights))
    if unmatched:
        raise LoadError(f"{path} is damaged: its weights do not match its {config.name} configuration "
                        f"({unmatched[0]})")
    for name, weight in weights.items():
        value = bundle.weights[name]
        if value.shape != tuple(weight.shape) or value.dtype != weight.dtype:
            raise LoadError(f"{path} is damaged: weight {name} is {value.dtype}{list(value.shape)}, its "
                            f"configuration needs {weight.dtype}{list(weight.shape)}")
        weight.assign(value)
    return config, model


def load_model(path):
    """``(config, model)`` from a ``.mag`` bundle, a run directory (its ``train`` folder), a folder of
    checkpoints (the newest) or a checkpoint prefix."""
    path = os.path.expanduser(str(path))
    if os.path.isfile(path):
        return _from_bundle(path)
    if os.path.isdir(os.path.join(path, TRAIN_SUBDIR)):
        path = os.path.join(path, TRAIN_SUBDIR)
    return _from_checkpoint(path)


def save_bundle(path, config, model, bundle_description=""):
    """Writes ``config`` and ``model``'s weights as a ``.mag`` bundle at ``path`` (atomically)."""
    write_bundle(path, Bundle(generator_id=config.name, description=config.description,
                              bundle_description=bundle_description or "", config=config.to_dict(),
                              weights={weight.path: weight.numpy() for weight in model.weights}))
