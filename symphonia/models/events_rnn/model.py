"""The events RNN: an LSTM stack and a linear layer giving one logit per codec class.

The same model trains on padded batches of whole sequences and generates one
step at a time. :meth:`EventsRnn.forward` takes and returns the recurrent state,
so a generator primes it with a whole primer in one call and then feeds each
sampled event's input with the state it got back; :meth:`EventsRnn.call` (what
``model(inputs)`` runs) starts from the zero state and returns only logits.

Weight names are stable (they are what checkpoints and bundles store)::

    events_rnn/rnn/lstm_<i>/{kernel, recurrent_kernel, bias}
    events_rnn/rnn/attention_lstm_0/lstm/{kernel, recurrent_kernel, bias}   (attn_length > 0)
    events_rnn/rnn/attention_lstm_0/{input_kernel, input_bias, key_kernel, query_kernel,
                                     query_bias, score_vector, output_kernel, output_bias}
    events_rnn/rnn/input_projection_<i>/{kernel, bias}                      (residual_connections)
    events_rnn/logits/{kernel, bias}
"""

import keras

from symphonia.layers.lstm_stack import LSTMStack


class EventsRnn(keras.Model):
    """Logits ``[B, T, num_classes]`` for inputs ``[B, T, input_size]``, one prediction per step.

    Parameters
    ----------
    input_size, num_classes : int
        The codec's input width and class count.
    rnn_layer_sizes : sequence of int
    attn_length : int
        Length of the attention window of the first layer; 0 for none.
    dropout_keep_prob : float
        Probability of keeping each LSTM output during training (never at
        evaluation or generation).
    residual_connections : bool
    """

    def __init__(self, input_size, num_classes, rnn_layer_sizes, attn_length=0, dropout_keep_prob=1.0,
                 residual_connections=False, name="events_rnn", **kwargs):
        super().__init__(name=name, **kwargs)
        self.input_size = input_size
        self.num_classes = num_classes
        self.rnn = LSTMStack(input_size, rnn_layer_sizes, attn_length=attn_length,
                             dropout_keep_prob=dropout_keep_prob, residual_connections=residual_connections,
                             name="rnn")
        self.logits = keras.layers.Dense(num_classes, name="logits")
        self.build((None, None, input_size))

    def build(self, input_shape):
        """Creates every weight up front, so that checkpoints restore into a fresh model."""
        self.rnn.build(input_shape)
        self.logits.build((None, None, self.rnn.output_size))

    @classmethod
    def from_events_config(cls, config):
        """The model an :class:`~symphonia.models.events_rnn.configs.EventsRnnConfig` describes."""
        hparams = config.hparams
        return cls(config.input_size, config.num_classes, hparams.rnn_layer_sizes,
                   attn_length=hparams.attn_length, dropout_keep_prob=hparams.dropout_keep_prob,
                   residual_connections=hparams.residual_connections)

    def get_config(self):
        rnn = self.rnn
        return {"input_size": self.input_size, "num_classes": self.num_classes,
                "rnn_layer_sizes": list(rnn.rnn_layer_sizes), "attn_length": rnn.attn_length,
                "dropout_keep_prob": rnn.dropout_keep_prob, "residual_connections": rnn.residual_connections,
                "name": self.name}

    def initial_state(self, batch_size):
        """The zero state for ``batch_size`` sequences: one tuple of tensors per LSTM layer.

        Plain layers hold ``(c, h)``; the attention layer holds
        ``(c, h, read, window, keys)`` (see :mod:`symphonia.layers.attention`).
        """
        return self.rnn.initial_state(batch_size)

    def forward(self, inputs, states=None, training=False):
        """``(logits [B, T, num_classes], final states)`` for ``inputs [B, T, input_size]`` after ``states``.

        ``states`` defaults to the zero state. A static ``T`` of 1 runs a
        single step without building a loop.
        """
        if states is None:
            states = self.initial_state(keras.ops.shape(inputs)[0])
        outputs, states = self.rnn(inputs, states, training=training)
        return self.logits(outputs), states

    def call(self, inputs, training=False):
        return self.forward(inputs, training=training)[0]
