"""What the Beam pipelines share: options, running, counters, sharded TFRecord outputs.

Outputs are Beam's shards, named the TensorFlow way,
``<path>-00000-of-00004``, so that ``<path>*`` reads them (and a file the
local path wrote under ``<path>``) wherever Symphonia takes a glob. When a
run succeeds, earlier outputs under the same name that it did not rewrite
(the local path's single file, shards of another count) are removed, so that
glob never mixes two runs.
"""

import glob
import os
import shlex

import apache_beam as beam
from apache_beam.metrics.metric import MetricsFilter
from apache_beam.options.pipeline_options import PipelineOptions

NAMESPACE = "symphonia"
SHARD_TEMPLATE = "-SSSSS-of-NNNNN"


def count(name, value=1):
    """Adds ``value`` to the counter ``name`` (inside a running pipeline's function)."""
    beam.metrics.Metrics.counter(NAMESPACE, name).inc(value)


def run(build, pipeline_options):
    """Builds a pipeline with ``build(pipeline)``, runs it to the end, returns its counters.

    Parameters
    ----------
    build : callable
        Adds the transforms to the pipeline it is given.
    pipeline_options : str
        Beam's command-line options, e.g. ``"--runner=DirectRunner --direct_num_workers=2"``.

    Returns
    -------
    dict
        ``{counter name: value}`` of the counters made with :func:`count`.
    """
    pipeline = beam.Pipeline(options=PipelineOptions(shlex.split(pipeline_options)))
    build(pipeline)
    result = pipeline.run()
    result.wait_until_finish()
    counters = result.metrics().query(MetricsFilter().with_namespace(NAMESPACE))["counters"]
    return {counter.key.metric.name: counter.committed if counter.committed is not None else counter.attempted
            for counter in counters}


def write_shards(records, path, label):
    """Writes the PCollection of serialized ``records`` as TFRecord shards ``<path>-SSSSS-of-NNNNN``."""
    return records | label >> beam.io.WriteToTFRecord(path, shard_name_template=SHARD_TEMPLATE)


def outputs(path):
    """Every file a run may have written under ``path``: the file itself or its shards."""
    pattern = glob.escape(path) + "-[0-9][0-9][0-9][0-9][0-9]-of-[0-9][0-9][0-9][0-9][0-9]"
    return sorted(glob.glob(pattern) + ([path] if os.path.isfile(path) else []))


def remove_outputs(path, started, *, stale):
    """Removes the outputs under ``path`` of earlier runs (``stale``) or else of this one.

    ``started`` is this run's ``time.time()`` at its start, comparable with
    file times: a run that succeeded removes what is older, one that failed
    (or found nothing to write) what is newer.
    """
    for output in outputs(path):
        if (os.path.getmtime(output) < started) == stale:
            os.remove(output)


def shard_pattern(path):
    """The glob that reads what :func:`write_shards` wrote to ``path``."""
    return f"{path}-*-of-*"
