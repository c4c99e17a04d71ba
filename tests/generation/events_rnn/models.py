"""Events RNNs for generation tests: hand-made ones with known probabilities, and run directories."""

import os

import numpy as np
import tensorflow as tf

from symphonia.models.events_rnn.model import EventsRnn
from symphonia.training.checkpoints import checkpoint_objects, store_config

SATURATED = 12.0  # a gate pre-activation this large is fully open (or, negated, shut)


def markov_model(transitions):
    """An EventsRnn over a one-hot codec whose next-class logits are ``transitions[current class]``.

    One LSTM layer with a unit per class: the input gate and output gate
    always open, the forget gate shut, so ``h = tanh(tanh(candidate))`` with a
    candidate of about +1 for the current class and -1 for the others; the
    logits layer maps that back to the row of ``transitions``.
    """
    transitions = np.asarray(transitions, dtype=np.float32)
    size = len(transitions)
    model = EventsRnn(size, size, (size,))
    weights = {weight.path.removeprefix("events_rnn/").removeprefix("rnn/"): weight for weight in model.weights}
    zeros, eye = np.zeros((size, size), np.float32), np.eye(size, dtype=np.float32)
    weights["lstm_0/kernel"].assign(np.concatenate([zeros, zeros, 2 * SATURATED * eye, zeros], axis=1))
    weights["lstm_0/recurrent_kernel"].assign(np.zeros((size, 4 * size), np.float32))
    gate_bias = np.repeat(np.float32([SATURATED, -SATURATED, -SATURATED, SATURATED]), size)
    weights["lstm_0/bias"].assign(gate_bias)
    on = np.tanh(np.tanh(SATURATED))  # h of the current class; the others get -on
    kernel = transitions.T / (2 * on)  # h @ kernel = on * (2 * onehot - 1) @ kernel
    weights["logits/kernel"].assign(kernel.T)
    weights["logits/bias"].assign(on * kernel.T.sum(axis=0))
    return model


def write_run(run_dir, config, model, step=1):
    """A run directory as training leaves it: ``train/config.json`` and one checkpoint."""
    train_dir = os.path.join(run_dir, "train")
    os.makedirs(train_dir, exist_ok=True)
    store_config(train_dir, config.to_dict())
    checkpoint_objects(model, tf.Variable(step, dtype=tf.int64)).write(os.path.join(train_dir, f"model.ckpt-{step}"))
    return str(run_dir)
