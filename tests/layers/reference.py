"""Plain numpy re-statements of Magenta's cells, step by step, for checking the fast layers."""

import numpy as np


def sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


def lstm_step(gates, c):
    i, f, candidate, o = np.split(gates, 4, axis=-1)
    c = sigmoid(f) * c + sigmoid(i) * np.tanh(candidate)
    return c, sigmoid(o) * np.tanh(c)


def lstm(x, kernel, recurrent_kernel, bias):
    """BasicLSTMCell over ``x [B, T, D]`` from zero state: outputs and final ``(c, h)``."""
    batch, units = x.shape[0], recurrent_kernel.shape[0]
    c = h = np.zeros((batch, units))
    outputs = []
    for x_t in np.moveaxis(x, 1, 0):
        c, h = lstm_step(x_t @ kernel + h @ recurrent_kernel + bias, c)
        outputs.append(h)
    return np.stack(outputs, 1), (c, h)


def attention_lstm(x, w, attn_length):
    """Magenta's AttentionCellWrapper around a BasicLSTMCell, as its paper and code describe it.

    ``w`` maps the layer's weight names to arrays. Each step maps
    ``[input, previous read]`` to the input width, runs the LSTM, attends over
    a window of the last ``attn_length`` outputs (recomputing every key),
    projects ``[h, read]`` to the output, and shifts the window.
    """
    batch, units = x.shape[0], w["recurrent_kernel"].shape[0]
    c = h = read = np.zeros((batch, units))
    window = np.zeros((batch, attn_length, units))
    outputs = []
    for x_t in np.moveaxis(x, 1, 0):
        cell_input = np.concatenate([x_t, read], -1) @ w["input_kernel"] + w["input_bias"]
        c, h = lstm_step(cell_input @ w["kernel"] + h @ w["recurrent_kernel"] + w["bias"], c)
        query = np.concatenate([c, h], -1) @ w["query_kernel"] + w["query_bias"]
        scores = (np.tanh(window @ w["key_kernel"] + query[:, None]) * w["score_vector"]).sum(-1)
        weights = np.exp(scores - scores.max(-1, keepdims=True))
        weights /= weights.sum(-1, keepdims=True)
        read = (weights[..., None] * window).sum(1)
        output = np.concatenate([h, read], -1) @ w["output_kernel"] + w["output_bias"]
        window = np.concatenate([window[:, 1:], output[:, None]], 1)
        outputs.append(output)
    return np.stack(outputs, 1), (c, h, read, window, window @ w["key_kernel"])
