"""A trained MusicVAE as a Python object: encode NoteSequences, decode latent vectors, sample, interpolate.

Magenta's ``TrainedModel`` API (spec section 7.7) on NoteSequences:
:meth:`TrainedModel.encode`, :meth:`~TrainedModel.decode`,
:meth:`~TrainedModel.sample` and :meth:`~TrainedModel.interpolate`, and the
attribute vectors of the MusicVAE paper that Magenta never released
(:meth:`~TrainedModel.attribute_vectors`, :meth:`~TrainedModel.apply_attribute`). Work is
done in batches of at most ``batch_size`` windows; each batch is one call of
a compiled function (the decoder's whole autoregressive loop runs in the
graph), padded to ``batch_size`` so that one shape is compiled once.

Every random draw takes a seed: the same seed (and batch size) gives the same
result. Temperature 0 always takes the most likely class.
"""

import numpy as np

from symphonia.generation.sampling import check_temperature

_Z_DRAWS = 1 << 20  # seed stream of the latent vectors drawn by sample() and encode()


class ExtractionError(ValueError):
    """A NoteSequence does not give exactly one window; ``windows`` holds those it gives (maybe none)."""

    def __init__(self, message, index, windows):
        super().__init__(message)
        self.index, self.windows = index, windows


class TrainedModel:
    """A MusicVAE ready to encode and decode.

    Parameters
    ----------
    source : MusicVaeConfig or str or os.PathLike
        A ``.mag`` bundle, a run directory, a folder of checkpoints or a
        checkpoint prefix; or a configuration, for a model with fresh weights.
    batch_size : int
        Windows per compiled call.
    model : MusicVae, optional
        With a configuration: the model to use (e.g. one being trained).
    """

    def __init__(self, source, batch_size=128, model=None):
        from symphonia.models.music_vae.configs import MusicVaeConfig
        from symphonia.models.music_vae.loading import load_model
        from symphonia.models.music_vae.model import MusicVae

        if batch_size < 1:
            raise ValueError(f"batch_size must be positive, got {batch_size}")
        if isinstance(source, MusicVaeConfig):
            self.config, self.model = source, model or MusicVae.from_music_vae_config(source)
        else:
            self.config, self.model = load_model(source)
        self.batch_size = batch_size
        self.converter = self.config.make_converter()
        self._compiled = None

    @property
    def z_size(self):
        return self.config.hparams.z_size

    def _functions(self):
        """The compiled encoder and decoder (made on first use)."""
        if self._compiled is None:
            import tensorflow as tf

            model, length = self.model, self.converter.max_length
            full = tf.fill([self.batch_size], length)

            def encode(inputs):
                return model.encode(inputs, full)

            def decode(z, temperature, seed):
                return model.sample(z, length, temperature, seed)

            self._compiled = tf.function(encode), tf.function(decode, jit_compile=True)
        return self._compiled

    def windows_of(self, note_sequences):
        """The one window each NoteSequence gives, ``[N, T]``.

        Raises
        ------
        ExtractionError
            For the first sequence giving no window or several (Magenta's
            ``NoExtractedExamplesError`` / ``MultipleExtractedExamplesError``).
        """
        found = []
        for index, sequence in enumerate(note_sequences):
            windows = self.converter.to_windows(sequence)
            if len(windows) != 1:
                bars = self.converter.slice_bars
                what = "no window" if not windows else f"{len(windows)} different windows"
                raise ExtractionError(f"sequence {index} gives {what} of {bars} bars; the model needs exactly one",
                                      index, windows)
            found.append(windows[0])
        return np.stack(found) if found else self._no_labels()

    def encode(self, note_sequences, seed=0):
        """``(z, mu, sigma)``, each ``[N, z_size]``, of NoteSequences giving one window each."""
        return self.encode_labels(self.windows_of(note_sequences), seed)

    def encode_labels(self, labels, seed=0):
        """:meth:`encode` for windows of class labels ``[N, T]``; ``z`` is drawn from the posterior."""
        encode, _ = self._functions()
        means, sigmas = [], []
        for chunk, count in self._chunks(np.asarray(labels, np.int32)):
            mu, sigma = encode(self.converter.inputs_from_labels(chunk))
            means.append(mu.numpy()[:count])
            sigmas.append(sigma.numpy()[:count])
        mu = np.concatenate(means) if means else np.zeros((0, self.z_size), np.float32)
        sigma = np.concatenate(sigmas) if sigmas else mu.copy()
        return mu + sigma * self.prior_samples(len(mu), seed), mu, sigma

    def decode(self, z, temperature=1.0, seed=0):
        """NoteSequences decoded from latent vectors ``z [N, z_size]``."""
        return self.converter.to_note_sequences(self.decode_to_labels(z, temperature, seed))

    def decode_to_labels(self, z, temperature=1.0, seed=0):
        """Class labels ``[N, T]`` decoded from ``z``: one compiled call per batch."""
        import tensorflow as tf

        temperature = check_temperature(temperature)
        _, decode = self._functions()
        z = np.asarray(z, np.float32).reshape(-1, self.z_size)
        decoded = [decode(chunk, tf.constant(temperature), tf.constant([seed, batch], tf.int64)).numpy()[:count]
                   for batch, (chunk, count) in enumerate(self._chunks(z))]
        return np.concatenate(decoded) if decoded else self._no_labels()

    def prior_samples(self, n, seed=0):
        """``n`` latent vectors drawn from the prior ``N(0, I)``: ``[n, z_size]``."""
        return np.random.default_rng([seed, _Z_DRAWS]).standard_normal((n, self.z_size)).astype(np.float32)

    def sample(self, n, temperature=1.0, seed=0):
        """``n`` NoteSequences decoded from latent vectors drawn from the prior."""
        return self.decode(self.prior_samples(n, seed), temperature, seed)

    def interpolate(self, start_sequence, end_sequence, num_steps, temperature=1.0, seed=0):
        """``num_steps`` NoteSequences decoded along the great circle between the two sequences' posterior
        means, both ends included (:func:`slerp`)."""
        return self.interpolate_labels(*self.windows_of([start_sequence, end_sequence]), num_steps, temperature,
                                       seed)

    def interpolate_labels(self, start_labels, end_labels, num_steps, temperature=1.0, seed=0):
        """:meth:`interpolate` between two windows of class labels ``[T]``."""
        _, mu, _ = self.encode_labels(np.stack([start_labels, end_labels]), seed)
        return self.decode(slerp(mu[0], mu[1], np.linspace(0.0, 1.0, num_steps)), temperature, seed)

    def attribute_names(self):
        """The attributes this model's windows have (:mod:`~symphonia.models.music_vae.attributes`)."""
        from symphonia.models.music_vae.attributes import (
            DRUM_ATTRIBUTES,
            MELODY_ATTRIBUTES,
        )

        return {"melody": MELODY_ATTRIBUTES, "drums": DRUM_ATTRIBUTES}.get(self.converter.name,
                                                                          MELODY_ATTRIBUTES + DRUM_ATTRIBUTES)

    def attribute_vectors(self, note_sequences, names=None, seed=0):
        """``{name: vector [z_size]}``: for each attribute, the mean encoded ``mu`` of the windows in its top
        quartile minus that of its bottom quartile (:func:`~symphonia.models.music_vae.attributes.attribute_vector`).

        Every distinct window of every sequence counts (not only those training would sample).
        ``names`` defaults to :meth:`attribute_names`.

        Raises
        ------
        ValueError
            One line: no window, an attribute these windows lack, or too few windows valued.
        """
        from symphonia.models.music_vae.attributes import (
            attribute_vector,
            window_attribute,
        )

        windows = [window for sequence in note_sequences for window in self.converter.to_windows(sequence)]
        if not windows:
            raise ValueError(f"no {self.converter.slice_bars}-bar {self.converter.name} window in the sequences: "
                             f"nothing to compute attribute vectors from")
        labels = np.stack(windows)
        _, mu, _ = self.encode_labels(labels, seed)
        return {name: attribute_vector(mu, window_attribute(name, labels, self.converter))
                for name in (names or self.attribute_names())}

    def apply_attribute(self, vector, amount, note_sequences=None, n=1, temperature=1.0, seed=0):
        """NoteSequences decoded from latent codes moved by ``amount * vector``.

        The codes are the encoded means of ``note_sequences`` (one window each, each decoded ``n``
        times), or without them ``n`` draws from the prior; a positive amount adds the attribute, a
        negative one takes it away. ValueError when the vector is not ``[z_size]``.
        """
        labels = None if note_sequences is None else self.windows_of(note_sequences)
        return self.converter.to_note_sequences(self.apply_attribute_to_labels(vector, amount, labels, n,
                                                                               temperature, seed))

    def apply_attribute_to_labels(self, vector, amount, labels=None, n=1, temperature=1.0, seed=0):
        """:meth:`apply_attribute` for windows of labels ``[N, T, ...]``; returns labels."""
        from symphonia.models.music_vae.attributes import apply_attribute

        if labels is None:
            z = self.prior_samples(n, seed)
        else:
            z = self.encode_labels(labels, seed)[1].repeat(n, axis=0)
        return self.decode_to_labels(apply_attribute(z, vector, amount), temperature, seed)

    def _no_labels(self):
        """Zero windows of labels, shaped as the converter's: ``[0, T]``, ``[0, T, 3]`` or ``[0, T, classes]``."""
        return np.zeros((0,) + self.converter.label_shape, np.int32)

    def _chunks(self, rows):
        """``(batch padded to batch_size with zeros, real rows)`` for each batch of ``rows``."""
        for start in range(0, len(rows), self.batch_size):
            chunk = rows[start:start + self.batch_size]
            padding = np.zeros((self.batch_size - len(chunk),) + chunk.shape[1:], chunk.dtype)
            yield np.concatenate([chunk, padding]), len(chunk)


def slerp(start, end, fractions):
    """Spherical interpolation of two vectors at each fraction in ``[0, 1]``: ``[len(fractions), dim]``.

    ``sin((1 - t) W) / sin W * start + sin(t W) / sin W * end`` with ``W`` the
    angle between them. For (nearly) parallel vectors, where that is
    undefined, the straight line between them.
    """
    start, end = np.asarray(start, np.float64), np.asarray(end, np.float64)
    fractions = np.asarray(fractions, np.float64)[:, None]
    cosine = np.dot(start, end) / max(np.linalg.norm(start) * np.linalg.norm(end), 1e-300)
    angle = np.arccos(np.clip(cosine, -1.0, 1.0))
    if np.sin(angle) < 1e-6:
        return ((1.0 - fractions) * start + fractions * end).astype(np.float32)
    weights_start = np.sin((1.0 - fractions) * angle) / np.sin(angle)
    weights_end = np.sin(fractions * angle) / np.sin(angle)
    return (weights_start * start + weights_end * end).astype(np.float32)
