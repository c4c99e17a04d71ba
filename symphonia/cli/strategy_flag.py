"""The ``--strategy`` flag every ``*_train`` script shares.

A trainer script wires it in with two lines: :func:`define_strategy_flag` with
its other flags, and its training call wrapped in ``with strategy_scope():``.
A third, :func:`check_strategy_flag` among its cheap checks, refuses a bad
``TF_CONFIG`` before TensorFlow is imported.
Everything built inside (model, optimiser, the loop's variables) is then
mirrored over the strategy's replicas; see :mod:`symphonia.training.distribute`.
"""

import contextlib
import os

from absl import flags

from symphonia.cli.common import CommandError
from symphonia.training.distribute import STRATEGIES, StrategyError, check_tf_config, make_strategy

FLAGS = flags.FLAGS


def define_strategy_flag():
    """Defines ``--strategy`` (``default``, ``mirrored``, ``multi_worker``)."""
    flags.DEFINE_enum("strategy", "default", list(STRATEGIES),
                      "default: one device, as without tf.distribute; mirrored: every local GPU; multi_worker: "
                      "the workers named in the TF_CONFIG environment variable. The hparams' batch_size is the "
                      "global batch, split over the replicas.")


def check_strategy_flag():
    """Raises a one-line CommandError when ``--strategy=multi_worker`` has no usable ``TF_CONFIG``; needs no TF."""
    if FLAGS.strategy == "multi_worker":
        try:
            check_tf_config(os.environ.get("TF_CONFIG"))
        except StrategyError as error:
            raise CommandError(str(error)) from None


@contextlib.contextmanager
def strategy_scope():
    """The scope of ``--strategy`` (none for ``default``), yielding the strategy or None.

    A bad setting, found here or while training starts (a batch that does not
    split over the replicas), becomes a one-line :class:`CommandError`.
    """
    try:
        strategy = make_strategy(FLAGS.strategy)
        with strategy.scope() if strategy is not None else contextlib.nullcontext():
            yield strategy
    except StrategyError as error:
        raise CommandError(str(error)) from None
