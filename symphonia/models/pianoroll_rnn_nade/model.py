"""The RNN-NADE: an LSTM stack over frames whose outputs set a NADE's biases for the next frame.

The RNN reads frames ``0..t-1`` and a dense layer turns its output into the
NADE biases (``b_enc``: H values, ``b_dec``: 88 values) of frame ``t``, so
each frame's distribution over its 88 keys is conditioned on the frames
before it. For scoring, the RNN therefore reads the frames shifted right by
one, behind a silent frame. :meth:`RnnNade.forward` is the step function a
generator needs: it takes and returns the recurrent state and gives the biases
for the frame after the ones it read.

Weight names are stable (checkpoints store them)::

    rnn_nade/rnn/...                      as in symphonia.layers.lstm_stack
    rnn_nade/nade_biases/{kernel, bias}
    rnn_nade/nade/{w_enc, w_dec}
"""

import keras
import tensorflow as tf

from symphonia.layers.lstm_stack import LSTMStack
from symphonia.layers.nade import Nade


class RnnNade(keras.Model):
    """Per-frame log-probabilities ``[B, T]`` of binary frames ``[B, T, num_keys]``.

    Parameters
    ----------
    num_keys : int
        Units per frame (88).
    rnn_layer_sizes : sequence of int
    nade_hidden_units : int
    attn_length : int
        Attention window of the first LSTM layer; 0 for none.
    dropout_keep_prob : float
        Probability of keeping each LSTM output, during training only.
    residual_connections : bool
    """

    def __init__(self, num_keys, rnn_layer_sizes, nade_hidden_units, attn_length=0, dropout_keep_prob=1.0,
                 residual_connections=False, name="rnn_nade", **kwargs):
        super().__init__(name=name, **kwargs)
        self.num_keys = num_keys
        self.nade_hidden_units = nade_hidden_units
        self.rnn = LSTMStack(num_keys, rnn_layer_sizes, attn_length=attn_length,
                             dropout_keep_prob=dropout_keep_prob, residual_connections=residual_connections,
                             name="rnn")
        self.nade_biases = keras.layers.Dense(nade_hidden_units + num_keys, name="nade_biases")
        self.nade = Nade(num_keys, nade_hidden_units, name="nade")
        self.build((None, None, num_keys))

    def build(self, input_shape):
        """Creates every weight up front, so that checkpoints restore into a fresh model."""
        self.rnn.build(input_shape)
        self.nade_biases.build((None, None, self.rnn.output_size))
        self.nade.build()

    @classmethod
    def from_rnn_nade_config(cls, config):
        """The model an :class:`~symphonia.models.pianoroll_rnn_nade.configs.RnnNadeConfig` describes."""
        hparams = config.hparams
        return cls(config.input_size, hparams.rnn_layer_sizes, hparams.nade_hidden_units,
                   attn_length=hparams.attn_length, dropout_keep_prob=hparams.dropout_keep_prob,
                   residual_connections=hparams.residual_connections)

    def get_config(self):
        rnn = self.rnn
        return {"num_keys": self.num_keys, "rnn_layer_sizes": list(rnn.rnn_layer_sizes),
                "nade_hidden_units": self.nade_hidden_units, "attn_length": rnn.attn_length,
                "dropout_keep_prob": rnn.dropout_keep_prob, "residual_connections": rnn.residual_connections,
                "name": self.name}

    def initial_state(self, batch_size):
        """The zero recurrent state for ``batch_size`` sequences (see :class:`LSTMStack`)."""
        return self.rnn.initial_state(batch_size)

    def forward(self, frames, states=None, training=False):
        """``(b_enc [B, T, H], b_dec [B, T, num_keys], states)`` after reading ``frames [B, T, num_keys]``.

        Position ``t`` holds the NADE biases of the frame that follows frame
        ``t``. ``states`` defaults to the zero state.
        """
        if states is None:
            states = self.initial_state(tf.shape(frames)[0])
        outputs, states = self.rnn(tf.cast(frames, self.compute_dtype), states, training=training)
        biases = self.nade_biases(outputs)
        return biases[..., :self.nade_hidden_units], biases[..., self.nade_hidden_units:], states

    def log_prob(self, frames, training=False):
        """``(log p(frame) [B, T], p(key | frames before, lower keys) [B, T, num_keys])`` from the zero state."""
        frames = tf.cast(frames, self.compute_dtype)
        previous = tf.pad(frames[:, :-1], [[0, 0], [1, 0], [0, 0]])
        b_enc, b_dec, _ = self.forward(previous, training=training)
        batch_time = tf.shape(frames)[:2]
        log_prob, probs = self.nade.log_prob(tf.reshape(frames, [-1, self.num_keys]),
                                             tf.reshape(b_enc, [-1, self.nade_hidden_units]),
                                             tf.reshape(b_dec, [-1, self.num_keys]))
        return tf.reshape(log_prob, batch_time), tf.reshape(probs, tf.shape(frames))

    def call(self, frames, training=False):
        return self.log_prob(frames, training=training)[0]
