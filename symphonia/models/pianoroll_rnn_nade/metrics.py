"""The RNN-NADE's loss and training and evaluation summaries.

Every statistic is a ``(total, count)`` pair over the real (unpadded) frames
of a batch, as for the events RNN (see
:mod:`symphonia.models.events_rnn.metrics`), so the shared loops can show one
batch or add up many.

Tags are Magenta's: ``loss`` (mean negative log-probability of a frame),
``metrics/perplexity``, and ``metrics/accuracy``, ``metrics/precision``,
``metrics/recall`` and ``metrics/f1_score`` of the conditional key
probabilities thresholded at 0.5 (each key predicted given the true frames
before it and the true lower keys of its frame), over all keys of all real
frames. Two of Magenta's values are wrong and are corrected here:
its "perplexity" is the mean frame likelihood ``mean(exp(log p))``, here it is
the perplexity per frame ``exp(loss)``; its f1 uses the precision twice, here
it is ``2 P R / (P + R)`` of the streamed precision and recall.
"""

import tensorflow as tf

from symphonia.models.events_rnn.metrics import add_perplexities
from symphonia.training.task import LOSS


def frame_statistics(log_prob, probs, frames, lengths):
    """``{tag: (total, count)}`` for ``log_prob [B, T]`` and ``probs [B, T, K]`` against ``frames [B, T, K]``."""
    mask = tf.sequence_mask(lengths, tf.shape(log_prob)[1])
    log_prob = tf.boolean_mask(log_prob, mask)
    truth = tf.boolean_mask(tf.cast(frames, tf.float32) > 0.5, mask)
    predicted = tf.boolean_mask(probs, mask) >= 0.5
    count = lambda values: tf.reduce_sum(tf.cast(values, tf.float32))
    true_positives = count(truth & predicted)
    return {
        LOSS: (-tf.reduce_sum(log_prob), tf.cast(tf.size(log_prob), tf.float32)),
        "metrics/accuracy": (count(tf.equal(truth, predicted)), tf.cast(tf.size(truth), tf.float32)),
        "metrics/precision": (true_positives, count(predicted)),
        "metrics/recall": (true_positives, count(truth)),
    }


def add_derived(values):
    """Adds ``metrics/perplexity`` and ``metrics/f1_score`` to ``{tag: mean}``."""
    values = add_perplexities(values)
    precision, recall = values.get("metrics/precision"), values.get("metrics/recall")
    if precision is not None and recall is not None:
        values["metrics/f1_score"] = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return values
