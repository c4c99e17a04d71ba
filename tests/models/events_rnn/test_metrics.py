import math

import numpy as np
import pytest

tf = pytest.importorskip("tensorflow")

from symphonia.models.events_rnn.metrics import add_perplexities, sequence_statistics  # noqa: E402


def test_statistics_count_real_steps_only():
    # Two sequences of lengths 3 and 1 over 3 classes; class 0 is the default (no-event) label.
    logits = np.full((2, 3, 3), -10.0, dtype=np.float32)
    logits[0, 0, 1] = logits[0, 1, 0] = logits[0, 2, 2] = logits[1, 0, 0] = 10.0  # predicted classes
    logits[1, 1:] = 50.0  # padding: garbage that must not count
    labels = tf.constant([[1, 2, 2], [0, 0, 0]], dtype=tf.int64)
    stats = {tag: (float(total), float(count)) for tag, (total, count) in sequence_statistics(
        tf.constant(logits), labels, tf.constant([3, 1]), default_event_label=0, class_steps=[1, 0, 1]).items()}
    assert stats["metrics/accuracy"] == (3.0, 4.0)  # (0,1) is wrong: predicted 0, label 2
    assert stats["metrics/event_accuracy"] == (2.0, 3.0)
    assert stats["metrics/no_event_accuracy"] == (1.0, 1.0)
    total, count = stats["loss"]
    assert count == 4.0 and total == pytest.approx(20.0, abs=1e-3)  # one confident mistake costs ~20 nats
    assert stats["metrics/loss_per_step"] == (pytest.approx(total), 3.0)  # class 1 takes no musical step


def test_perplexities():
    values = add_perplexities({"loss": 1.0, "metrics/loss_per_step": 2.0})
    assert values["metrics/perplexity"] == pytest.approx(math.e)
    assert values["metrics/perplexity_per_step"] == pytest.approx(math.e ** 2)
    assert add_perplexities({"loss": 1e6})["metrics/perplexity"] == math.inf
