"""The MusicVAE model: an LSTM encoder, a Gaussian latent ``z``, an LSTM decoder, as its config names them.

``encode`` maps a window's encoder inputs to the posterior ``N(mu, sigma^2)``
(two dense layers on the encoding, kernels initialised with standard
deviation 0.001 as Magenta's; ``sigma`` through a softplus). ``reconstruct``
draws one ``z`` from it (reparameterised) and returns the decoder's outputs
for the true labels; ``sample`` decodes given ``z`` vectors step by step.
Randomness comes from explicit ``[2]`` seeds.

The encoder and decoder are the config's (``MusicVaeConfig.encoder`` and
``.decoder``, see :func:`make_encoder` and :func:`make_decoder`):

* encoders: ``bidirectional`` (a stack of bidirectional LSTMs) or
  ``hierarchical`` (one per bar, then one over the bars);
* decoders: ``categorical`` (one LSTM, one class per step, or one per part
  for trios), ``hierarchical`` (a conductor LSTM and one categorical core
  decoder per part) or ``nade`` (an LSTM driving a NADE over drum rolls).

Every decoder offers ``reconstruct``, ``sample``, ``step_losses`` and
``step_accuracy``, so training does not depend on which it is.

The model also counts ``global_step``, the number of training updates its
weights have had, so that an evaluation of a checkpoint weights the KL term
as training did at that step.

Weights (stable paths, stored by checkpoints and bundles; the 2-bar
configs' are those of the first release)::

    music_vae/encoder/{forward,backward}_<i>/{kernel, recurrent_kernel, bias}
        (hierarchical: music_vae/encoder/hierarchical_level_<0|1>/...)
    music_vae/mu/{kernel, bias}, music_vae/sigma/{kernel, bias}
    music_vae/decoder/initial_state/{kernel, bias}
    music_vae/decoder/lstm_<i>/{kernel, recurrent_kernel, bias}
    music_vae/decoder/output_projection/{kernel, bias}
        (nade: also music_vae/decoder/nade/{w_enc, w_dec};
         hierarchical: music_vae/decoder/conductor_*/..., music_vae/decoder/core_decoder[_<part>]/...)
    music_vae/global_step
"""

import keras
import tensorflow as tf

from symphonia.layers.bidirectional_encoder import BidirectionalLstmEncoder
from symphonia.layers.categorical_decoder import CategoricalLstmDecoder
from symphonia.layers.hierarchical_decoder import HierarchicalLstmDecoder
from symphonia.layers.hierarchical_encoder import HierarchicalLstmEncoder
from symphonia.layers.nade_decoder import NadeLstmDecoder
from symphonia.layers.seeds import fold

# Streams of the random draws of one reconstruction.
_ENCODER, _LATENT, _DECODER = range(3)


class MusicVae(keras.Model):
    """A MusicVAE made of an encoder and a decoder layer.

    Parameters
    ----------
    encoder : keras.layers.Layer
        ``encoder(inputs [B, T, input_depth], lengths [B], training, seed)`` -> ``[B, encoder.output_size]``.
    decoder : keras.layers.Layer
        A decoder of :mod:`symphonia.layers` conditioned on ``z [B, z_size]``.
    input_depth, z_size : int
    """

    def __init__(self, encoder, decoder, input_depth, z_size, name="music_vae", **kwargs):
        super().__init__(name=name, **kwargs)
        self.input_depth, self.z_size = input_depth, z_size
        self.encoder, self.decoder = encoder, decoder
        small = keras.initializers.RandomNormal(stddev=0.001)
        self.mu = keras.layers.Dense(z_size, kernel_initializer=small, name="mu")
        self.sigma = keras.layers.Dense(z_size, activation="softplus", kernel_initializer=small, name="sigma")
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
        converter = config.make_converter()
        return cls(make_encoder(config, converter), make_decoder(config, converter), converter.input_depth,
                   config.hparams.z_size)

    def encode(self, inputs, lengths, training=False, seed=None):
        """``(mu, sigma)``, each ``[B, z_size]``, of the posterior of each window ``inputs [B, T, input_depth]``."""
        encoding = self.encoder(inputs, lengths, training=training, seed=seed)
        return self.mu(encoding), self.sigma(encoding)

    def reconstruct(self, inputs, labels, lengths, sampling_probability, seed, training=False):
        """``(outputs, mu, sigma)``: the decoder's view (logits, or NADE parameters) of the true ``labels``
        given a ``z`` drawn from the posterior of ``inputs``."""
        mu, sigma = self.encode(inputs, lengths, training=training, seed=fold(seed, _ENCODER))
        z = mu + sigma * tf.random.stateless_normal(tf.shape(mu), fold(seed, _LATENT))
        outputs = self.decoder.reconstruct(labels, z, sampling_probability, fold(seed, _DECODER), training=training)
        return outputs, mu, sigma

    def sample(self, z, num_steps, temperature, seed):
        """Labels ``[B, num_steps, ...]`` decoded from ``z [B, z_size]`` at ``temperature``."""
        return self.decoder.sample(z, num_steps, temperature, seed)

    def call(self, inputs, training=False):
        """The posterior means of full-length windows (what Keras needs a model to do by default)."""
        lengths = tf.fill(tf.shape(inputs)[:1], tf.shape(inputs)[1])
        return self.encode(inputs, lengths, training=training)[0]


def make_encoder(config, converter):
    """The encoder layer ``config.encoder`` names, sized by the hparams and the converter."""
    hparams = config.hparams
    if config.encoder == "hierarchical":
        return HierarchicalLstmEncoder(converter.input_depth, hparams.enc_rnn_size, converter.slice_bars,
                                       hparams.dropout_keep_prob, sparse_inputs=True, name="encoder")
    return BidirectionalLstmEncoder(converter.input_depth, hparams.enc_rnn_size, hparams.dropout_keep_prob,
                                    sparse_inputs=True, name="encoder")


def make_decoder(config, converter):
    """The decoder layer ``config.decoder`` names; trio converters give one output per part."""
    hparams = config.hparams
    depth = getattr(converter, "output_depths", converter.output_depth)
    if config.decoder == "nade":
        return NadeLstmDecoder(converter.output_depth, hparams.z_size, hparams.dec_rnn_size,
                               hparams.nade_num_hidden, hparams.dropout_keep_prob, name="decoder")
    if config.decoder == "hierarchical":
        return HierarchicalLstmDecoder(depth, hparams.z_size, hparams.dec_rnn_size, converter.slice_bars,
                                       hparams.dropout_keep_prob, name="decoder")
    return CategoricalLstmDecoder(depth, hparams.z_size, hparams.dec_rnn_size, hparams.dropout_keep_prob,
                                  name="decoder")
