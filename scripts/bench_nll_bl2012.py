"""Test NLL and frame accuracy of an RNN-NADE on a Boulanger-Lewandowski (ICML 2012) piano-roll benchmark.

    python scripts/bench_nll_bl2012.py /work/shared/data/bl2012/JSB_Chorales.mat --recipe configs/bl2012_jsb.json

The ``.mat`` file holds ``traindata``, ``validdata`` and ``testdata``: object
arrays of ``[T, 88]`` 0/1 piano rolls (column k is MIDI pitch 21 + k). The
script trains the project's :class:`~symphonia.models.pianoroll_rnn_nade.model.RnnNade`
(its LSTM stack and :class:`~symphonia.layers.nade.Nade`) on the train split,
scores the valid split every ``eval_every`` steps and keeps the weights with
the best valid NLL (the test split is read once, at the end, by those
weights only), then reports on the test split:

* **NLL per frame** in nats: the sum over every test frame of
  ``-log p(frame | frames before it in its piece)``, divided by the number of
  frames. A piece's first frame is conditioned on nothing (the model reads a
  silent frame before it), and is counted.
* **Frame accuracy** as the paper defines it (Bay et al.):
  ``sum TP / sum (TP + FP + FN)`` over all frames, with the *expected*
  counts of the model's prediction of each frame given the true past. For a
  NADE, the expected counts need only each key's marginal probability
  ``P(x_k = 1 | past)`` (expectation is linear): ``E[TP] = sum_k truth_k m_k``,
  ``E[FP] = sum_k (1 - truth_k) m_k``, ``E[FN] = sum_k truth_k (1 - m_k)``.
  The marginals of a NADE have no closed form; they are estimated from
  ``accuracy_samples`` frames drawn from the NADE for each test frame, averaging
  the conditional ``p(x_k = 1 | sampled lower keys)`` along each draw rather
  than the 0/1 draw itself (same expectation, less noise). So the figure is a
  Monte Carlo estimate; with 32 samples over thousands of frames its noise is
  far below the last digit printed.

The recipe (a JSON file in ``configs/``) names the model configuration and
the training schedule::

    config            "rnn-nade" or "rnn-nade_attn"
    hparams           overrides, as --hparams takes them ("rnn_layer_sizes=[256],dropout_keep_prob=0.6")
    batch_size        pieces per training step
    max_frames        pieces longer than this are cropped at a random start for training (0: never)
    transpose         [low, high] semitones of random transposition per piece while training ([0, 0]: none)
    learning_rate     Adam's initial rate (the config's clip_norm applies)
    decay_factor      the rate is multiplied by this when the valid NLL has not improved for ...
    decay_patience    ... this many evaluations
    max_steps         training steps at most
    patience          stop after this many evaluations without a better valid NLL
    eval_every        steps between evaluations on the valid split
    accuracy_samples  draws per frame for the frame accuracy
    seed              weights, batches and draws

Prints one progress line per evaluation; the last line is exactly
``test_nll=<nats per frame> frame_acc=<fraction> minutes=<wall time>``.
"""

import argparse
import json
import os
import time

import numpy as np

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

SPLITS = ("traindata", "validdata", "testdata")
NUM_KEYS = 88
EVAL_FRAMES_PER_BATCH = 4096  # bounds the NADE's [frames, 88, H] activations while scoring

DEFAULT_RECIPE = {"config": "rnn-nade", "hparams": "", "batch_size": 32, "max_frames": 0, "transpose": [0, 0],
                  "learning_rate": 0.001, "decay_factor": 0.5, "decay_patience": 3, "max_steps": 5000,
                  "patience": 8, "eval_every": 100, "accuracy_samples": 32, "seed": 0}


def load_pianorolls(path):
    """``{split: [float32 [T, 88] arrays]}`` from a bl2012 ``.mat`` file."""
    import scipy.io

    contents = scipy.io.loadmat(path)
    missing = [split for split in SPLITS if split not in contents]
    if missing:
        raise SystemExit(f"{path} has no {', '.join(missing)}: not a bl2012 piano-roll file")
    rolls = {}
    for split in SPLITS:
        rolls[split] = [np.asarray(piece, dtype=np.float32) for piece in contents[split].ravel()]
        bad = [piece.shape for piece in rolls[split] if piece.ndim != 2 or piece.shape[1] != NUM_KEYS]
        if bad:
            raise SystemExit(f"{path}: {split} holds a piece of shape {bad[0]}, expected [T, {NUM_KEYS}]")
    return rolls


def load_recipe(path):
    """The recipe's settings over :data:`DEFAULT_RECIPE`; unknown keys are an error."""
    if path is None:
        return dict(DEFAULT_RECIPE)
    with open(path) as file:
        recipe = json.load(file)
    unknown = sorted(set(recipe) - set(DEFAULT_RECIPE) - {"description"})
    if unknown:
        raise SystemExit(f"{path}: unknown recipe keys {unknown}; valid: {sorted(DEFAULT_RECIPE)}")
    return {**DEFAULT_RECIPE, **recipe}


def pad(pieces):
    """``(frames [B, T, 88], lengths [B])`` of pieces padded with silence to the longest."""
    lengths = np.array([len(piece) for piece in pieces], dtype=np.int32)
    frames = np.zeros((len(pieces), lengths.max(), NUM_KEYS), dtype=np.float32)
    for row, piece in enumerate(pieces):
        frames[row, :len(piece)] = piece
    return frames, lengths


def transposed(piece, shift):
    """The piece moved ``shift`` semitones, keys pushed off the keyboard dropped."""
    if shift == 0:
        return piece
    moved = np.zeros_like(piece)
    if shift > 0:
        moved[:, shift:] = piece[:, :-shift]
    else:
        moved[:, :shift] = piece[:, -shift:]
    return moved


def training_batches(pieces, recipe, rng):
    """Endless batches of random pieces, each cropped to ``max_frames`` and transposed per the recipe."""
    low, high = recipe["transpose"]
    while True:
        chosen = []
        for index in rng.integers(0, len(pieces), recipe["batch_size"]):
            piece = pieces[index]
            if recipe["max_frames"] and len(piece) > recipe["max_frames"]:
                start = rng.integers(0, len(piece) - recipe["max_frames"] + 1)
                piece = piece[start:start + recipe["max_frames"]]
            chosen.append(transposed(piece, int(rng.integers(low, high + 1))))
        yield pad(chosen)


def scoring_batches(pieces):
    """Padded batches of whole pieces, similar lengths together, at most ~EVAL_FRAMES_PER_BATCH frames each."""
    order = sorted(range(len(pieces)), key=lambda index: len(pieces[index]))
    batch = []
    for index in order:
        if batch and (len(batch) + 1) * len(pieces[index]) > EVAL_FRAMES_PER_BATCH:
            yield pad([pieces[i] for i in batch])
            batch = []
        batch.append(index)
    yield pad([pieces[i] for i in batch])


class Benchmark:
    """One RNN-NADE, its optimizer and compiled train / score / marginal-estimate steps."""

    def __init__(self, recipe):
        import keras
        import tensorflow as tf

        from symphonia.models.events_rnn.train import make_optimizer
        from symphonia.models.pianoroll_rnn_nade.configs import get_config
        from symphonia.models.pianoroll_rnn_nade.model import RnnNade

        keras.utils.set_random_seed(recipe["seed"])
        self.config = get_config(recipe["config"])
        if recipe["hparams"]:
            self.config = self.config.with_hparams(recipe["hparams"])
        self.config = self.config.with_hparams(f"learning_rate={recipe['learning_rate']}")
        self.model = RnnNade.from_rnn_nade_config(self.config)
        self.optimizer = make_optimizer(self.config.hparams)
        self.seed = recipe["seed"]
        spec = (tf.TensorSpec([None, None, NUM_KEYS], tf.float32), tf.TensorSpec([None], tf.int32))
        self._train_step = tf.function(self._train_graph, input_signature=spec)
        self._score = tf.function(self._score_graph, input_signature=spec)
        self._marginals = tf.function(self._marginals_graph, input_signature=spec + (
            tf.TensorSpec([], tf.int32), tf.TensorSpec([2], tf.int64)))

    def _train_graph(self, frames, lengths):
        import tensorflow as tf

        mask = tf.sequence_mask(lengths, tf.shape(frames)[1], dtype=tf.float32)
        with tf.GradientTape() as tape:
            log_prob = self.model(frames, training=True)
            loss = -tf.reduce_sum(log_prob * mask) / tf.reduce_sum(mask)
        variables = self.model.trainable_variables
        self.optimizer.apply_gradients(zip(tape.gradient(loss, variables), variables))
        return loss

    def _score_graph(self, frames, lengths):
        import tensorflow as tf

        mask = tf.sequence_mask(lengths, tf.shape(frames)[1], dtype=tf.float32)
        return -tf.reduce_sum(self.model(frames, training=False) * mask)

    def _marginals_graph(self, frames, lengths, num_samples, seed):
        """Expected ``(TP, FP, FN)`` summed over the real frames, from ``num_samples`` NADE draws per frame."""
        import tensorflow as tf

        model = self.model
        previous = tf.pad(frames[:, :-1], [[0, 0], [1, 0], [0, 0]])
        b_enc, b_dec, _ = model.forward(previous, training=False)
        mask = tf.sequence_mask(lengths, tf.shape(frames)[1])
        truth, b_enc, b_dec = (tf.boolean_mask(values, mask) for values in (frames, b_enc, b_dec))
        repeat = lambda values: tf.repeat(values, num_samples, axis=0)
        _, _, conditionals = model.nade.sample(repeat(b_enc), repeat(b_dec), seed=seed, with_probs=True)
        marginals = tf.reduce_mean(tf.reshape(conditionals, [-1, num_samples, NUM_KEYS]), axis=1)
        return tf.stack([tf.reduce_sum(truth * marginals), tf.reduce_sum((1 - truth) * marginals),
                         tf.reduce_sum(truth * (1 - marginals))])

    def train_step(self, frames, lengths):
        return float(self._train_step(frames, lengths))

    def nll_per_frame(self, pieces):
        total = sum(float(self._score(frames, lengths)) for frames, lengths in scoring_batches(pieces))
        return total / sum(len(piece) for piece in pieces)

    def frame_accuracy(self, pieces, num_samples):
        counts = np.zeros(3)
        for index, (frames, lengths) in enumerate(scoring_batches(pieces)):
            frames, lengths = _fit(frames, lengths, EVAL_FRAMES_PER_BATCH // num_samples)
            for chunk, (chunk_frames, chunk_lengths) in enumerate(zip(frames, lengths)):
                counts += self._marginals(chunk_frames, chunk_lengths, num_samples,
                                          np.array([self.seed, index * 1000 + chunk], np.int64)).numpy()
        true_positives, false_positives, false_negatives = counts
        return true_positives / (true_positives + false_positives + false_negatives)

    def weights(self):
        return [weight.numpy() for weight in self.model.weights]

    def set_weights(self, values):
        for weight, value in zip(self.model.weights, values):
            weight.assign(value)


def _fit(frames, lengths, max_frames):
    """The batch split into row groups of at most ``max_frames`` real frames (one row at least)."""
    groups, start = [], 0
    while start < len(lengths):
        stop = start + 1
        while stop < len(lengths) and lengths[start:stop + 1].sum() <= max_frames:
            stop += 1
        groups.append(start)
        start = stop
    bounds = groups + [len(lengths)]
    return ([frames[a:b, :lengths[a:b].max()] for a, b in zip(bounds, bounds[1:])],
            [lengths[a:b] for a, b in zip(bounds, bounds[1:])])


def run(path, recipe):
    started = time.monotonic()
    rolls = load_pianorolls(path)
    bench = Benchmark(recipe)
    rng = np.random.default_rng(recipe["seed"])
    batches = training_batches(rolls["traindata"], recipe, rng)
    best_nll, best_weights, best_step, since_best, since_decay = np.inf, bench.weights(), 0, 0, 0
    learning_rate = recipe["learning_rate"]
    losses = []
    for step in range(1, recipe["max_steps"] + 1):
        losses.append(bench.train_step(*next(batches)))
        if step % recipe["eval_every"] and step != recipe["max_steps"]:
            continue
        valid_nll = bench.nll_per_frame(rolls["validdata"])
        if valid_nll < best_nll:
            best_nll, best_weights, best_step, since_best, since_decay = valid_nll, bench.weights(), step, 0, 0
        else:
            since_best, since_decay = since_best + 1, since_decay + 1
        print(f"step {step}: train loss {np.mean(losses):.4f}, valid nll {valid_nll:.4f} (best {best_nll:.4f} at "
              f"{best_step}), lr {learning_rate:.2e}, {(time.monotonic() - started) / 60:.1f} min", flush=True)
        losses = []
        if since_best >= recipe["patience"]:
            break
        if since_decay >= recipe["decay_patience"]:
            learning_rate *= recipe["decay_factor"]
            bench.optimizer.learning_rate.assign(learning_rate)
            since_decay = 0
    bench.set_weights(best_weights)
    test_nll = bench.nll_per_frame(rolls["testdata"])
    print(f"best valid nll {best_nll:.4f} at step {best_step}; test nll {test_nll:.4f}", flush=True)
    frame_acc = bench.frame_accuracy(rolls["testdata"], recipe["accuracy_samples"])  # the slow part: sampling
    print(f"test_nll={test_nll:.4f} frame_acc={frame_acc:.4f} minutes={(time.monotonic() - started) / 60:.1f}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("mat_file", help="a bl2012 .mat file (traindata / validdata / testdata piano rolls)")
    parser.add_argument("--recipe", help="a JSON recipe from configs/ (default: the built-in defaults)")
    args = parser.parse_args()
    run(args.mat_file, load_recipe(args.recipe))


if __name__ == "__main__":
    main()
