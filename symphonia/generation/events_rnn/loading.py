"""Trained events RNNs from a run directory, a checkpoint or a ``.mag`` bundle, and bundles from them.

The family-independent work (rebuilding the model from its stored
configuration and reading only weights, never code) is
:mod:`symphonia.generation.stored_models`; this module names what is proper
to the events RNNs: their configuration class and model.
"""

from symphonia.generation import stored_models
from symphonia.generation.stored_models import TRAIN_SUBDIR, LoadError, checkpoint_prefix, save_bundle

__all__ = ["EVENTS_RNN", "TRAIN_SUBDIR", "LoadError", "checkpoint_prefix", "load_bundle", "load_checkpoint",
           "load_run_dir", "save_bundle"]


def _events_rnn_config(values):
    from symphonia.models.events_rnn.configs import EventsRnnConfig

    return EventsRnnConfig.from_dict(values)


def _build_events_rnn(config):
    from symphonia.models.events_rnn.model import EventsRnn

    return EventsRnn.from_events_config(config)


EVENTS_RNN = stored_models.ModelFamily("an events-RNN", _events_rnn_config, _build_events_rnn)


def load_checkpoint(path):
    """``(config, model)`` from a checkpoint prefix or a directory of checkpoints with its ``config.json``."""
    return stored_models.load_checkpoint(EVENTS_RNN, path)


def load_run_dir(run_dir):
    """``(config, model)`` from the newest checkpoint of ``run_dir/train``."""
    return stored_models.load_run_dir(EVENTS_RNN, run_dir)


def load_bundle(path):
    """``(config, model)`` from a ``.mag`` bundle written by :func:`save_bundle`."""
    return stored_models.load_bundle(EVENTS_RNN, path)
