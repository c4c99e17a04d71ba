"""The MusicVAE model: a bidirectional LSTM encoder, a Gaussian latent ``z``, a categorical LSTM decoder.

``encode`` maps a window's encoder inputs to the posterior ``N(mu, sigma^2)``
(two dense layers on the encoding, kernels initialised with standard
deviation 0.001 as Magenta's; ``sigma`` through a softplus). ``reconstruct``
draws one ``z`` from it (reparameterised) and returns the decoder's logits
for the true classes; ``sample`` decodes given ``z`` vectors step by step.
Randomness comes from explicit ``[2]`` seeds.

The model also counts ``global_step``, the number of training updates its
weights have had, so that an evaluation of a checkpoint weights the KL term
as training did at that step.

Weights (stable paths, stored by checkpoints and bundles)::

    music_vae/encoder/{forward,backward}_<i>/{kernel, recurrent_kernel, bias}
    music_vae/mu/{kernel, bias}, music_vae/sigma/{kernel, bias}
    music_vae/decoder/initial_state/{kernel, bias}
    music_vae/decoder/lstm_<i>/{kernel, recurrent_kernel, bias}
    music_vae/decoder/output_projection/{kernel, bias}
    music_vae/global_step
"""

import keras
import tensorflow as tf

from symphonia.layers.bidirectional_encoder import BidirectionalLstmEncoder
from symphonia.layers.categorical_decoder import CategoricalLstmDecoder

# Streams of the random draws of one reconstruction.
_ENCODER, _LATENT, _DECODER = range(3)


class MusicVae(keras.Model):
    """A 2-bar MusicVAE.

    Parameters
    ----------
    input_depth, output_depth : int
        The converter's encoder-input width and number of classes.
    z_size : int
    enc_rnn_size, dec_rnn_size : sequence of int
        Units per direction of each encoder layer; units of each decoder layer.
    dropout_keep_prob : float
        Probability of keeping each LSTM input during training.
    """

    def __init__(self, input_depth, output_depth, z_size, enc_rnn_size, dec_rnn_size, dropout_keep_prob=1.0,
                 name="music_vae", **kwargs):
        super().__init__(name=name, **kwargs)
        self.input_depth, self.output_depth, self.z_size = input_depth, output_depth, z_size
        self.encoder = BidirectionalLstmEncoder(input_depth, enc_rnn_size, dropout_keep_prob, sparse_inputs=True,
                                                name="encoder")
        small = keras.initializers.RandomNormal(stddev=0.001)
        self.mu = keras.layers.Dense(z_size, kernel_initializer=small, name="mu")
        self.sigma = keras.layers.Dense(z_size, activation="softplus", kernel_initializer=small, name="sigma")
        self.decoder = CategoricalLstmDecoder(output_depth, z_size, dec_rnn_size, dropout_keep_prob, name="decoder")
        self.global_step = self.add_weight(shape=(), dtype="int64", initializer="zeros", trainable=False,
                                           aggregation="only_first_replica", name="global_step")
        self.build((None, None, input_depth))

    def build(self, input_shape):
        """Creates every weight up front, so that checkpoints restore into a fresh model."""
        self.encoder.build(input_shape)
        self.mu.build((None, self.encoder.output_size))
        self.sigma.build((None, self.encoder.output_size))
        self.decoder.build()

    @classmethod
    def from_music_vae_config(cls, config):
        """The model a :class:`~symphonia.models.music_vae.configs.MusicVaeConfig` describes."""
        converter, hparams = config.make_converter(), config.hparams
        return cls(converter.input_depth, converter.output_depth, hparams.z_size, hparams.enc_rnn_size,
                   hparams.dec_rnn_size, hparams.dropout_keep_prob)

    def encode(self, inputs, lengths, training=False, seed=None):
        """``(mu, sigma)``, each ``[B, z_size]``, of the posterior of each window ``inputs [B, T, input_depth]``."""
        encoding = self.encoder(inputs, lengths, training=training, seed=seed)
        return self.mu(encoding), self.sigma(encoding)

    def reconstruct(self, inputs, labels, lengths, sampling_probability, seed, training=False):
        """``(logits [B, T, output_depth], mu, sigma)``: the decoder's view of the true ``labels`` given a
        ``z`` drawn from the posterior of ``inputs``."""
        mu, sigma = self.encode(inputs, lengths, training=training, seed=_fold(seed, _ENCODER))
        z = mu + sigma * tf.random.stateless_normal(tf.shape(mu), _fold(seed, _LATENT))
        logits = self.decoder.reconstruct(labels, z, sampling_probability, _fold(seed, _DECODER), training=training)
        return logits, mu, sigma

    def sample(self, z, num_steps, temperature, seed):
        """Classes ``[B, num_steps]`` decoded from ``z [B, z_size]`` at ``temperature``."""
        return self.decoder.sample(z, num_steps, temperature, seed)

    def call(self, inputs, training=False):
        """The posterior means of full-length windows (what Keras needs a model to do by default)."""
        lengths = tf.fill(tf.shape(inputs)[:1], tf.shape(inputs)[1])
        return self.encode(inputs, lengths, training=training)[0]


def _fold(seed, value):
    return tf.random.experimental.stateless_fold_in(seed, value)
