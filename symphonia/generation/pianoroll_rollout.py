"""Many RNN-NADE continuations of one primer, frame by frame in one batch: the beam search's rollout.

Every row of the batch holds one candidate. Its loop state is the RNN state
after the frames so far, and the NADE biases that state gives for the *next*
frame. One generation step, for every row at once:

1. draw the next frame from the NADE with those biases (the RNN has seen
   every earlier frame, the newest included);
2. feed the frame to the RNN, one step, which gives the state and the biases
   of the frame after it.

So each frame is conditioned on all frames before it, exactly as the model
scores frames in training. (Magenta's step samples from the biases computed
*before* the newest frame was read, so every generated frame ignores the one
just before it, and after a multi-frame primer its biases come from an early
primer frame: both are avoided here by construction.)

Priming reads a silent frame and then the primer in one pass, as the model
reads a sequence in training, so the first generated frame's biases come from
a state that has seen the whole primer; with no primer it is the model's
distribution of an opening frame.

``extend(n)`` runs ``n`` steps in one call of a compiled TensorFlow loop
(the NADE's 88 keys unrolled in the graph, nothing in Python per frame or
per key); the drawn frames come back to numpy once per call.
"""

import numpy as np
import tensorflow as tf


def seed_key(seed):
    """The int32 pair stateless sampling takes, spread from a seed of any size."""
    return np.random.SeedSequence(seed).generate_state(2).view(np.int32)


class FrameLoop:
    """The compiled priming and generation steps of one :class:`~symphonia.models.pianoroll_rnn_nade.model.RnnNade`.

    Parameters
    ----------
    model : symphonia.models.pianoroll_rnn_nade.model.RnnNade
    jit_compile : bool
        Compile the generation loop with XLA.
    """

    def __init__(self, model, jit_compile=True):
        self.model = model
        self._jit_compile = jit_compile
        self._prime = tf.function(self._prime_graph, input_signature=[tf.TensorSpec([1, None, model.num_keys])])
        self._segments = {}

    def prime(self, primer):
        """The loop state of one row that has read ``primer`` (frames ``[P, keys]``, P >= 0)."""
        frames = np.zeros((1, len(primer) + 1, self.model.num_keys), np.float32)
        frames[0, 1:] = primer
        return self._prime(tf.constant(frames))

    def _prime_graph(self, frames):
        b_enc, b_dec, states = self.model.forward(frames, training=False)
        return {"states": states, "b_enc": b_enc[:, -1], "b_dec": b_dec[:, -1]}

    def extend(self, state, num_frames, temperature, key, first_draw):
        """``(state, frames [rows, num_frames, keys] bool numpy, log-probabilities [rows])`` after drawing frames.

        Draw ``i`` of this call uses the stateless seed ``fold_in(key,
        first_draw + i)``, so the same key and counter give the same frames.
        """
        segment = self._segments.get((num_frames, temperature))
        if segment is None:
            segment = tf.function(self._segment_graph(num_frames, temperature), jit_compile=self._jit_compile,
                                  reduce_retracing=True)
            self._segments[(num_frames, temperature)] = segment
        state, frames, scores = segment(state, tf.constant(key), tf.constant(first_draw, tf.int32))
        return state, frames.numpy() > 0.5, scores.numpy().astype(np.float64)

    def _segment_graph(self, num_frames, temperature):
        model = self.model

        def segment(state, key, first_draw):
            rows = tf.shape(state["b_dec"])[0]

            def body(step, state, frames, scores):
                draw_seed = tf.random.experimental.stateless_fold_in(key, first_draw + step)
                frame, log_prob = model.nade.sample(state["b_enc"], state["b_dec"], temperature, seed=draw_seed)
                b_enc, b_dec, states = model.forward(frame[:, None], state["states"], training=False)
                state = {"states": states, "b_enc": b_enc[:, 0], "b_dec": b_dec[:, 0]}
                return step + 1, state, frames.write(step, frame), scores + log_prob

            frames = tf.TensorArray(tf.float32, size=num_frames, element_shape=[None, model.num_keys])
            _, state, frames, scores = tf.while_loop(lambda step, *_: step < num_frames, body,
                                                     (tf.constant(0), state, frames, tf.zeros([rows])))
            return state, tf.transpose(frames.stack(), [1, 0, 2]), scores

        return segment


def take_rows(state, rows):
    """The loop state of rows ``rows`` (indices, repeats allowed), in that order."""
    rows = tf.constant(np.asarray(rows, dtype=np.int32))
    return tf.nest.map_structure(lambda tensor: tf.gather(tensor, rows), state)


class FrameRollout:
    """``rows`` continuations of ``primer`` (frames ``[P, keys]``), a :class:`~symphonia.generation.beam_search.Rollout`.

    Parameters
    ----------
    loop : FrameLoop
    primer : array_like of bool, shape [P, keys]
    rows : int
    temperature : float
    seed : int
    """

    def __init__(self, loop, primer, rows, temperature, seed):
        self._loop, self._temperature, self._key = loop, float(temperature), seed_key(seed)
        self._primer = np.asarray(primer, dtype=bool).reshape(-1, loop.model.num_keys)
        self._state = take_rows(loop.prime(self._primer), np.zeros(rows, dtype=np.int64))
        self._generated = np.zeros((rows, 0, loop.model.num_keys), dtype=bool)
        self._draws = 0

    @property
    def state(self):
        """The loop state: ``states`` of the RNN, ``b_enc`` and ``b_dec`` of the next frame."""
        return self._state

    def extend(self, num_steps):
        """Draws ``num_steps`` frames for every row; returns each row's summed log-probability of them."""
        self._state, frames, scores = self._loop.extend(self._state, num_steps, self._temperature, self._key,
                                                        self._draws)
        self._draws += num_steps
        self._generated = np.concatenate([self._generated, frames], axis=1)
        return scores

    def take(self, rows):
        self._state = take_rows(self._state, rows)
        self._generated = self._generated[np.asarray(rows)]

    def frames(self, rows):
        """Frames ``[len(rows), P + generated, keys]`` of ``rows``, primer included."""
        generated = self._generated[np.asarray(rows)]
        primer = np.broadcast_to(self._primer, (len(generated),) + self._primer.shape)
        return np.concatenate([primer, generated], axis=1)
