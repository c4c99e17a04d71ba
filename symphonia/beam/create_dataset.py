"""``<model>_create_dataset --pipeline_options=...``: making the SequenceExamples on Beam.

Each NoteSequence goes through the local path's own per-sequence function
(split by id, then the recipe), so the examples and the train / eval split
are the local path's. Outputs are shards of ``training_<name>.tfrecord`` and
``eval_<name>.tfrecord``; statistics are Beam counters, returned as the local
path's :class:`DatasetSummary`.
"""

import os
import time

import apache_beam as beam

from symphonia.beam import pipeline
from symphonia.data import create_dataset as local

_STAT = "stat: "


def _process(record, recipe, eval_ratio, seed):
    result = local._process(recipe, eval_ratio, seed, record)
    pipeline.count("sequences")
    pipeline.count(f"sequences: {result.partition}")
    pipeline.count(f"examples: {result.partition}", len(result.examples))
    pipeline.count(f"bytes: {result.partition}", sum(map(len, result.examples)))
    for name, value in result.stats.items():
        pipeline.count(_STAT + name, value)
    for example in result.examples:
        yield beam.pvalue.TaggedOutput(result.partition, example)


def create_dataset(recipe, input_pattern, output_dir, pipeline_options, eval_ratio=0.1, seed=0):
    """Turns NoteSequence TFRecords into sharded training and eval SequenceExample files on Beam.

    Parameters and exceptions as :func:`symphonia.data.create_dataset.create_dataset`,
    with ``input_pattern`` a file or glob (shards of ``convert_dir_to_note_sequences``)
    and ``pipeline_options`` (Beam's flags) instead of worker processes.
    """
    started, started_at = time.monotonic(), time.time()
    paths = local.input_paths(input_pattern)
    os.makedirs(output_dir, exist_ok=True)
    outputs = {partition: os.path.join(output_dir, f"{partition}_{recipe.output_name}.tfrecord")
               for partition in local.PARTITIONS}

    def build(root):
        records = root | "Read" >> beam.Create(paths) | "Records" >> beam.io.ReadAllFromTFRecord()
        examples = (records | "Spread" >> beam.Reshuffle()
                    | "Extract" >> beam.FlatMap(_process, recipe, eval_ratio, seed).with_outputs(*local.PARTITIONS))
        for partition, path in outputs.items():
            pipeline.write_shards(examples[partition], path, f"Write {partition}")

    counters = pipeline.run(build, pipeline_options)
    summary = local.DatasetSummary(input_pattern, output_dir, sequences=counters.get("sequences", 0))
    summary.paths = {partition: pipeline.shard_pattern(path) for partition, path in outputs.items()}
    for partition in local.PARTITIONS:
        summary.sequences_per_partition[partition] = counters.get(f"sequences: {partition}", 0)
        summary.examples[partition] = counters.get(f"examples: {partition}", 0)
        summary.bytes_written[partition] = counters.get(f"bytes: {partition}", 0)
    summary.stats.update({name.removeprefix(_STAT): value for name, value in counters.items()
                          if name.startswith(_STAT) and value})
    extracted = sum(summary.examples.values()) > 0
    for path in outputs.values():
        pipeline.remove_outputs(path, started_at, stale=extracted)
    if not extracted:
        raise local.NothingExtractedError(local._nothing_extracted_message(summary))
    summary.seconds = time.monotonic() - started
    return summary
