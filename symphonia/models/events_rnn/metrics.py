"""The events RNN's loss and Magenta's training and evaluation summaries.

Every statistic is a ``(total, count)`` pair over the real (unpadded) steps of
a batch, so the training loop can show one batch's values and the evaluation
loop can add batches up and divide once, which weighs every step equally
(Magenta's streaming means do the same).

Tags are Magenta's, so TensorBoard runs of both compare side by side:
``loss`` (mean cross-entropy), ``metrics/accuracy``, ``metrics/event_accuracy``
and ``metrics/no_event_accuracy`` (over steps whose label is not / is the
codec's default event, e.g. a melody's no-event), ``metrics/loss_per_step``
(cross-entropy per musical step: polyphony spends several events on one step),
and the perplexities ``exp(loss)``.
"""

import math

import tensorflow as tf

from symphonia.training.task import LOSS


def sequence_statistics(logits, labels, lengths, default_event_label, class_steps):
    """``{tag: (total, count)}`` for ``logits [B, T, C]`` against ``labels [B, T]``.

    Parameters
    ----------
    lengths : tf.Tensor, shape [B]
        Real steps of each sequence; later steps are padding and ignored.
    default_event_label : int
    class_steps : array_like, shape [C]
        Musical steps each class advances (1 for every class of a melody).
    """
    mask = tf.sequence_mask(lengths, tf.shape(labels)[1])
    logits, labels = tf.boolean_mask(logits, mask), tf.boolean_mask(labels, mask)
    cross_entropy = tf.nn.sparse_softmax_cross_entropy_with_logits(labels=labels, logits=logits)
    correct = tf.cast(tf.equal(tf.argmax(logits, -1, output_type=labels.dtype), labels), tf.float32)
    is_event = tf.cast(tf.not_equal(labels, default_event_label), tf.float32)
    steps = tf.gather(tf.constant(class_steps, tf.float32), labels)
    total_cross_entropy = tf.reduce_sum(cross_entropy)
    count = tf.cast(tf.size(labels), tf.float32)
    return {
        LOSS: (total_cross_entropy, count),
        "metrics/accuracy": (tf.reduce_sum(correct), count),
        "metrics/event_accuracy": (tf.reduce_sum(correct * is_event), tf.reduce_sum(is_event)),
        "metrics/no_event_accuracy": (tf.reduce_sum(correct * (1.0 - is_event)), count - tf.reduce_sum(is_event)),
        "metrics/loss_per_step": (total_cross_entropy, tf.reduce_sum(steps)),
    }


def add_perplexities(values):
    """Adds ``metrics/perplexity`` and ``metrics/perplexity_per_step`` to ``{tag: mean}``."""
    derived = {"metrics/perplexity": LOSS, "metrics/perplexity_per_step": "metrics/loss_per_step"}
    return {**values, **{tag: _exp(values[source]) for tag, source in derived.items() if source in values}}


def _exp(value):
    try:
        return math.exp(value)
    except OverflowError:  # a diverged loss
        return math.inf
