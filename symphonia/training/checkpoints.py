"""Checkpoints and the configuration stored beside them.

A run directory (Magenta's ``run_dir/train``) holds::

    config.json                               the full configuration, written once, atomically
    checkpoint                                TensorFlow's list of kept checkpoints
    model.ckpt-<step>.index                   one TensorFlow checkpoint per save, named by step
    model.ckpt-<step>.data-00000-of-00001
    events.out.tfevents.*                     TensorBoard summaries

A checkpoint holds ``step``, ``model`` (every model weight, keyed by its stable
Keras path such as ``events_rnn/logits/kernel``) and ``optimizer``.

TensorFlow writes a checkpoint's data, then renames its index into place, then
rewrites the ``checkpoint`` list; the oldest checkpoint may be deleted before
the list is rewritten. So a process killed at any moment leaves every
checkpoint whose index exists complete, but the list may name a deleted one.
Runs therefore never trust the list: they resume from the newest checkpoint
whose index and data files are all present.
"""

import glob
import json
import os
import re
import shutil

import tensorflow as tf

from symphonia.atomic import write_bytes_atomically

CONFIG_FILE = "config.json"
CHECKPOINT_NAME = "model.ckpt"
_SHARD = re.compile(r"\.data-(\d+)-of-(\d+)$")


def checkpoint_objects(model, step, optimizer=None):
    """The ``tf.train.Checkpoint`` layout every run and reader shares.

    Model weights are keyed by their Keras paths, so checkpoints do not depend
    on how the model's Python objects happen to be nested.
    """
    objects = {"step": step, "model": {variable.path: variable for variable in model.weights}}
    if optimizer is not None:
        objects["optimizer"] = optimizer
    return tf.train.Checkpoint(**objects)


def complete_checkpoints(directory):
    """``[(step, prefix)]`` of the complete checkpoints in ``directory``, oldest first."""
    found = []
    for index in glob.glob(os.path.join(glob.escape(directory), f"{CHECKPOINT_NAME}-*.index")):
        prefix = index[:-len(".index")]
        step = prefix.rsplit("-", 1)[1]
        if step.isdigit() and _data_complete(prefix):
            found.append((int(step), prefix))
    return sorted(found)


def _data_complete(prefix):
    shards = [_SHARD.search(name) for name in glob.glob(glob.escape(prefix) + ".data-*-of-*")]
    counts = {int(match.group(2)) for match in shards if match}
    return len(counts) == 1 and len(shards) == counts.pop()


def latest_checkpoint(directory):
    """``(step, prefix)`` of the newest complete checkpoint, or None."""
    checkpoints = complete_checkpoints(directory)
    return checkpoints[-1] if checkpoints else None


def remove_partial_saves(directory):
    """Deletes the temporary folders a save killed midway leaves behind."""
    for path in glob.glob(os.path.join(glob.escape(directory), f"{CHECKPOINT_NAME}-*_temp*")):
        shutil.rmtree(path, ignore_errors=True)


def checkpoint_manager(checkpoint, directory):
    """Saves ``checkpoint`` as ``model.ckpt-<step>``; call :func:`prune` after each save."""
    return tf.train.CheckpointManager(checkpoint, directory, max_to_keep=None, checkpoint_name=CHECKPOINT_NAME)


def prune(directory, max_to_keep):
    """Deletes complete checkpoints beyond the newest ``max_to_keep`` (0 keeps all).

    Decided from the files on disk, not from TF's state file: a run killed
    between writing a checkpoint and deleting an old one would otherwise leave
    that old one behind for good.
    """
    if not max_to_keep:
        return
    for _, prefix in complete_checkpoints(directory)[:-max_to_keep]:
        for path in glob.glob(glob.escape(prefix) + ".*"):
            os.remove(path)


class ConfigMismatchError(ValueError):
    """A run directory already holds checkpoints of another configuration."""


def store_config(directory, config):
    """Writes ``config`` (a JSON-ready dict) as ``config.json`` unless :func:`check_config` finds one."""
    if not check_config(directory, config):
        write_json_atomically(os.path.join(directory, CONFIG_FILE), config)


def check_config(directory, config):
    """Whether ``directory`` has a ``config.json``; if it has, it must equal ``config``.

    Raises
    ------
    ConfigMismatchError
        Naming the differing entries, when the directory's config differs.
    """
    stored = read_config(directory)
    config = json.loads(json.dumps(config))  # as it reads back: tuples become lists
    if stored is not None and stored != config:
        differences = ", ".join(_differences(stored, config))
        raise ConfigMismatchError(f"{directory} holds a run with another configuration ({differences}); "
                                  f"use another run directory or the same configuration")
    return stored is not None


def read_config(directory):
    """The dict stored by :func:`store_config`, or None when there is none."""
    try:
        with open(os.path.join(directory, CONFIG_FILE), encoding="utf-8") as file:
            return json.load(file)
    except FileNotFoundError:
        return None


def _differences(stored, new, prefix=""):
    for key in sorted(set(stored) | set(new)):
        old_value, new_value = stored.get(key), new.get(key)
        if isinstance(old_value, dict) and isinstance(new_value, dict):
            yield from _differences(old_value, new_value, f"{prefix}{key}.")
        elif old_value != new_value:
            yield f"{prefix}{key}: {json.dumps(old_value)} there, {json.dumps(new_value)} here"


def write_json_atomically(path, data):
    """Writes ``data`` as JSON, replacing ``path`` in one step."""
    text = json.dumps(data, indent=2, sort_keys=True) + "\n"
    write_bytes_atomically(path, text.encode("utf-8"))
