"""Trained MusicVAEs from a run directory, a checkpoint or a ``.mag`` bundle, and bundles from them.

The family-independent work (rebuilding the model from its stored
configuration and reading only weights, never code) is
:mod:`symphonia.generation.stored_models`; this module names the MusicVAE's
configuration class and model, and lets one path name any of the three.
"""

import os

from symphonia.generation import stored_models
from symphonia.generation.stored_models import TRAIN_SUBDIR, LoadError, save_bundle

__all__ = ["MUSIC_VAE", "LoadError", "load_model", "save_bundle"]


def _music_vae_config(values):
    from symphonia.models.music_vae.configs import MusicVaeConfig

    return MusicVaeConfig.from_dict(values)


def _build_music_vae(config):
    from symphonia.models.music_vae.model import MusicVae

    return MusicVae.from_music_vae_config(config)


MUSIC_VAE = stored_models.ModelFamily("a MusicVAE", _music_vae_config, _build_music_vae)


def load_model(path):
    """``(config, model)`` from a ``.mag`` bundle, a run directory (its ``train`` folder), a folder of
    checkpoints (the newest) or a checkpoint prefix."""
    path = os.path.expanduser(str(path))
    if os.path.isfile(path):
        return stored_models.load_bundle(MUSIC_VAE, path)
    if os.path.isdir(os.path.join(path, TRAIN_SUBDIR)):
        return stored_models.load_run_dir(MUSIC_VAE, path)
    return stored_models.load_checkpoint(MUSIC_VAE, path)
