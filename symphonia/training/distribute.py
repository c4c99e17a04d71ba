"""Training on several devices or machines with ``tf.distribute``: the ``--strategy`` flag's engine.

A trainer runs inside ``strategy.scope()`` (see :func:`make_strategy`); the
model and optimiser it builds there are mirrored, and the shared loop
(:func:`symphonia.training.loop.train`) notices the strategy and distributes
its step with the helpers below. Without a strategy every helper is the
identity, so one-machine training pays nothing for this module.

The choices, and why:

* **The global batch is split.** ``batch_size`` stays the batch of one
  optimiser step, as on one machine: every input pipeline builds the very
  batches one machine would (same seed, same order, same resume point) and
  keeps its share of each, so N replicas see exactly the examples one
  machine would see, N times faster at best.
* **The loss is the global mean.** A replica divides its summed loss by the
  count summed over all replicas; Keras then sums the replicas' gradients, so
  the update is the one-machine gradient of the whole batch. (Keras clips
  each replica's share of the gradient before summing, so a binding
  ``clip_norm`` acts per replica.)
* **Statistics are summed.** They are ``(total, count)`` pairs, so summing
  over replicas gives the global batch's exact means.
* **Workers agree before acting.** Only the chief writes checkpoints and
  summaries; the other workers save to a temporary directory that is removed
  (TensorFlow's rule, since saving may need every worker), and all workers
  decide together when to save and stop, so none waits forever for a peer.
"""

import contextlib
import json
import os
import shutil
import tempfile

STRATEGIES = ("default", "mirrored", "multi_worker")


class StrategyError(ValueError):
    """A ``--strategy`` or ``TF_CONFIG`` that cannot work; the message is one line."""


def check_tf_config(text):
    """The parsed ``TF_CONFIG`` after checking it names this task within its cluster.

    Needs no TensorFlow, so a command can refuse a bad setting at once.

    Raises
    ------
    StrategyError
        When ``text`` is missing, not JSON, or its ``task`` is not in its ``cluster``.
    """
    if not text:
        raise StrategyError("--strategy=multi_worker needs the TF_CONFIG environment variable (JSON with "
                            "'cluster' and 'task'), e.g. "
                            '{"cluster": {"worker": ["host1:12345", "host2:12345"]}, "task": {"type": "worker", '
                            '"index": 0}}')
    try:
        config = json.loads(text)
    except json.JSONDecodeError as error:
        raise StrategyError(f"TF_CONFIG is not valid JSON: {error}") from None
    cluster = config.get("cluster") if isinstance(config, dict) else None
    task = config.get("task") if isinstance(config, dict) else None
    if not isinstance(cluster, dict) or not cluster.get("worker") and not cluster.get("chief"):
        raise StrategyError("TF_CONFIG needs a 'cluster' with a list of 'worker' (and optionally 'chief') addresses")
    if not isinstance(task, dict) or "type" not in task or "index" not in task:
        raise StrategyError("TF_CONFIG needs a 'task' with this process's 'type' and 'index'")
    addresses = cluster.get(task["type"])
    if not isinstance(addresses, list) or not isinstance(task["index"], int) \
            or not 0 <= task["index"] < len(addresses):
        raise StrategyError(f"TF_CONFIG's task {task['type']}:{task['index']} is not in its cluster "
                            f"({', '.join(f'{kind}: {len(hosts)}' for kind, hosts in cluster.items())})")
    return config


def make_strategy(name):
    """The ``tf.distribute.Strategy`` of ``--strategy=name``, or None for ``default`` (no strategy at all).

    ``mirrored`` replicates over every local GPU (the CPU when there is none);
    ``multi_worker`` over the workers of ``TF_CONFIG``, which must be created
    before TensorFlow runs anything else in the process.

    Raises
    ------
    StrategyError
        For an unknown name or a bad ``TF_CONFIG``.
    """
    if name not in STRATEGIES:
        raise StrategyError(f"unknown strategy {name!r}: use one of {', '.join(STRATEGIES)}")
    if name == "default":
        return None
    if name == "multi_worker":
        check_tf_config(os.environ.get("TF_CONFIG"))
    import tensorflow as tf

    if name == "mirrored":
        return tf.distribute.MirroredStrategy()
    return tf.distribute.MultiWorkerMirroredStrategy()


def current_strategy():
    """The strategy whose scope the caller is in, or None outside any."""
    import tensorflow as tf

    return tf.distribute.get_strategy() if tf.distribute.has_strategy() else None


def is_chief(strategy):
    """Whether this process writes the run's checkpoints and summaries.

    The chief is the ``chief`` task, or worker 0 of a cluster without one; a
    single process (no strategy, ``mirrored``) is its own chief.
    """
    resolver = getattr(strategy, "cluster_resolver", None)
    task_type = getattr(resolver, "task_type", None)
    if task_type is None:
        return True
    has_chief = "chief" in resolver.cluster_spec().as_dict()
    return task_type == "chief" or (task_type == "worker" and resolver.task_id == 0 and not has_chief)


def is_multi_worker(strategy):
    """Whether ``strategy`` spans several processes, which must then agree on every collective."""
    return strategy is not None and strategy.extended._in_multi_worker_mode()  # no public equivalent


def sum_over_replicas(value):
    """``value`` summed over the replicas of the current step; ``value`` itself without a strategy.

    Called inside the replicated step (replica context).
    """
    import tensorflow as tf

    context = tf.distribute.get_replica_context()
    if context is None or context.num_replicas_in_sync == 1:
        return value
    return context.all_reduce(tf.distribute.ReduceOp.SUM, value)


class DistributedBatches:
    """The one-machine batches, split over a strategy's replicas.

    Attributes
    ----------
    element_spec
        The spec of one replica's batch: the global batch's with ``batch_size /
        replicas`` rows.
    distributed_spec
        The spec of what iterating yields (one batch per local replica).
    """

    def __init__(self, strategy, make_dataset, first_step):
        import tensorflow as tf

        self._strategy = strategy
        replicas = strategy.num_replicas_in_sync
        global_spec = make_dataset(first_step).element_spec
        batch_size = tf.nest.flatten(global_spec)[0].shape[0]
        if batch_size is None or batch_size % replicas:
            raise StrategyError(f"batch_size {batch_size} does not split evenly over {replicas} replicas; "
                                f"use a multiple of {replicas} (--hparams=batch_size=...)")
        replica_batch = batch_size // replicas
        self.element_spec = tf.nest.map_structure(
            lambda spec: tf.TensorSpec([replica_batch, *spec.shape[1:]], spec.dtype), global_spec)

        def pipeline_batches(context):
            # Each pipeline keeps its slice of every global batch, then splits it over its local replicas.
            pipelines, index = context.num_input_pipelines, context.input_pipeline_id
            batches = make_dataset(first_step).rebatch(batch_size // pipelines, drop_remainder=True)
            return batches.shard(pipelines, index).rebatch(replica_batch, drop_remainder=True)

        options = tf.distribute.InputOptions(experimental_fetch_to_device=True)
        self._dataset = strategy.distribute_datasets_from_function(pipeline_batches, options)
        self.distributed_spec = self._dataset.element_spec

    def __iter__(self):
        return iter(self._dataset)


def replicated(strategy, replica_step, batches):
    """A ``tf.function`` running ``replica_step`` on every replica and summing its statistics.

    Parameters
    ----------
    replica_step : callable
        ``replica_step(batch) -> {tag: (total, count)}``, one replica's step. A
        ``tf.function``'s own options (XLA...) do not apply here: its Python
        function is traced into this one, since a nested ``tf.function`` cannot
        hold the replicas' collectives.
    batches : DistributedBatches
        What the returned function is called with, one element at a time.
    """
    import tensorflow as tf

    python_step = getattr(replica_step, "python_function", replica_step)

    @tf.function(input_signature=[batches.distributed_spec])
    def step(batch):
        # Tensors throughout (a task may give a Python number, e.g. a count of 1.0), so each leaf has a dtype.
        statistics = strategy.run(lambda replica_batch: tf.nest.map_structure(tf.convert_to_tensor,
                                                                              python_step(replica_batch)),
                                  args=(batch,))
        # One collective for all the scalars, packed into one float64 vector (exact for float32 and counts).
        leaves = tf.nest.flatten(statistics)
        packed = strategy.run(lambda *values: tf.stack([tf.cast(value, tf.float64) for value in values]),
                              args=tuple(leaves))
        sums = tf.unstack(strategy.reduce(tf.distribute.ReduceOp.SUM, packed, axis=None), num=len(leaves))
        dtypes = [strategy.experimental_local_results(leaf)[0].dtype for leaf in leaves]
        return tf.nest.pack_sequence_as(statistics, [tf.cast(value, dtype) for value, dtype in zip(sums, dtypes)])

    return step


def agreement(strategy, every):
    """``agree(step, *flags) -> tuple of bool``: decisions every worker takes alike.

    On one process the flags come back unchanged. Across workers, a decision
    one of them takes alone (to stop on a signal, to save because its clock
    says so) would leave the others waiting for it in the next step; so at
    every ``every``-th step the workers exchange their flags and each comes
    back true when any worker's was, and in between all are false.
    """
    if not is_multi_worker(strategy):
        return lambda step, *flags: flags
    import tensorflow as tf

    @tf.function
    def any_worker(flags):
        return strategy.reduce(tf.distribute.ReduceOp.SUM, strategy.run(lambda: tf.identity(flags)), axis=None) > 0

    def agree(step, *flags):
        if step % every:
            return (False,) * len(flags)
        return tuple(bool(flag) for flag in any_worker(tf.constant([bool(flag) for flag in flags], tf.int32)).numpy())

    return agree


@contextlib.contextmanager
def save_directory(train_dir, chief):
    """Where this process saves checkpoints: ``train_dir`` for the chief, else a temporary directory.

    Every worker saves, since saving a distributed variable may need all of
    them; only the chief's checkpoints are kept. A worker's directory is
    removed when training ends.
    """
    if chief:
        yield train_dir
        return
    directory = tempfile.mkdtemp(prefix="symphonia-worker-")
    try:
        yield directory
    finally:
        shutil.rmtree(directory, ignore_errors=True)
