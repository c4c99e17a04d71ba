"""The generator bundles shipped inside the package, so every ``*_generate`` works right after ``pip install``.

This directory holds one ``<config>.mag`` per shipped model (built by
``scripts/train_default_models.py`` from the recipes in ``configs/defaults``).
A generate script given no ``--bundle_file``, ``--run_dir`` or
``--checkpoint_file`` uses the bundle of its ``--config`` here, or of its
family's default configuration (:data:`DEFAULT_CONFIGS`).

The directory can be replaced by setting ``SYMPHONIA_DEFAULT_MODELS`` (tests
use it for tiny bundles; a user can point it at bundles of their own).
"""

import importlib.resources
import os
import pathlib

DIRECTORY_ENV = "SYMPHONIA_DEFAULT_MODELS"
BUNDLE_SUFFIX = ".mag"

# The configuration a family's generate script uses when given no --config: the one users reach for first.
DEFAULT_CONFIGS = {
    "melody_rnn": "attention_rnn",
    "drums_rnn": "drum_kit",
    "polyphony_rnn": "polyphony",
    "pianoroll_rnn_nade": "rnn-nade",
    "music_vae": "cat-mel_2bar_small",
}


class NoDefaultModelError(LookupError):
    """No bundle is shipped for a configuration; the message lists those that are, in one line."""


def default_config(family):
    """The configuration ``family``'s generate script uses by default (``melody_rnn`` -> ``attention_rnn``)."""
    try:
        return DEFAULT_CONFIGS[family]
    except KeyError:
        raise ValueError(f"unknown model family {family!r}; known: {', '.join(DEFAULT_CONFIGS)}") from None


def models_directory():
    """Where the default bundles are: ``$SYMPHONIA_DEFAULT_MODELS``, else this package's directory."""
    override = os.environ.get(DIRECTORY_ENV)
    if override:
        return pathlib.Path(override).expanduser()
    return pathlib.Path(str(importlib.resources.files(__name__)))


def shipped_configs(directory=None):
    """Sorted names of the configurations with a bundle in ``directory`` (default :func:`models_directory`)."""
    directory = pathlib.Path(directory) if directory is not None else models_directory()
    if not directory.is_dir():
        return []
    return sorted(path.name[:-len(BUNDLE_SUFFIX)] for path in directory.iterdir()
                  if path.name.endswith(BUNDLE_SUFFIX) and path.is_file())


def default_bundle(config, directory=None):
    """The path of the shipped bundle of ``config``.

    Raises
    ------
    NoDefaultModelError
        When none is shipped; the message names the configurations that are.
    """
    directory = pathlib.Path(directory) if directory is not None else models_directory()
    path = directory / f"{config}{BUNDLE_SUFFIX}"
    if path.is_file():
        return str(path)
    shipped = shipped_configs(directory)
    raise NoDefaultModelError(f"no default model is shipped for {config} (shipped: "
                              f"{', '.join(shipped) if shipped else 'none yet'})")
