"""Statistics as ``(total, count)`` pairs, and their means written to TensorBoard.

A task reports each statistic of a batch as a total and a count (cross-entropy
summed over real steps, and the number of steps). Dividing once gives a
batch's value; adding several batches first gives the exact mean over all of
their steps, which is what evaluation reports.
"""

import numpy as np
import tensorflow as tf
from tensorflow.core.framework import summary_pb2


def as_numpy(statistics):
    """``{tag: (total, count)}`` of tensors -> the same of float64 numbers."""
    return {tag: (np.float64(total), np.float64(count)) for tag, (total, count) in statistics.items()}


def add_statistics(totals, statistics):
    """Sums ``statistics`` into ``totals`` (both ``{tag: (total, count)}``); returns ``totals``."""
    for tag, (total, count) in statistics.items():
        previous_total, previous_count = totals.get(tag, (0.0, 0.0))
        totals[tag] = (previous_total + total, previous_count + count)
    return totals


def means(totals):
    """``{tag: total / count}``, leaving out statistics with nothing counted (no such steps)."""
    return {tag: float(total / count) for tag, (total, count) in totals.items() if count > 0}


def write_scalars(writer, values, step):
    """Writes ``{tag: value}`` at ``step`` and flushes, so TensorBoard sees them at once.

    The records are exactly what ``tf.summary.scalar`` writes, made with core
    TensorFlow so that the ``tensorboard`` package is needed only to look at them.
    """
    with writer.as_default(step=step):
        for tag, value in sorted(values.items()):
            tf.summary.write(tag, tf.constant(value, tf.float32), metadata=_SCALAR_METADATA)
    writer.flush()


_SCALAR_METADATA = summary_pb2.SummaryMetadata(
    plugin_data=summary_pb2.SummaryMetadata.PluginData(plugin_name="scalars"),
    data_class=summary_pb2.DATA_CLASS_SCALAR)
