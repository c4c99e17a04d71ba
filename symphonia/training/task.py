"""What the shared training and evaluation loops need from a model family."""

from typing import Protocol

LOSS = "loss"


class Task(Protocol):
    """A model and how to score it on a batch.

    Attributes
    ----------
    model : keras.Model
        All of its weights are checkpointed; its trainable ones are trained.
    progress_tags : tuple of str
        Summary tags shown in the progress line besides the loss.
    """

    model: object
    progress_tags: tuple[str, ...]

    def statistics(self, batch, training):
        """``{tag: (total, count)}`` tensors for one batch; ``LOSS`` is the quantity minimised.

        Runs inside ``tf.function``; ``training`` turns dropout and the like on.
        """

    def summaries(self, means):
        """``{tag: value}`` to write, from the means of the statistics (adding derived values)."""
