"""``convert_dir_to_note_sequences --pipeline_options=...``: converting a directory on Beam.

The files are listed here, as the local path lists them; each is read by
:func:`symphonia.music.convert.convert_file` on a Beam worker, so ids,
filenames and collection names are the local path's. Counts become Beam
counters and come back as the local path's :class:`ConversionSummary`. The
per-file time guard works where Beam runs the function on a main thread; the
memory guard is the runner's business (worker sizes).
"""

import collections
import os
import time

import apache_beam as beam
from absl import logging

from symphonia.beam import pipeline
from symphonia.music.convert import ConversionSummary, Guards, convert_file, find_music_files
from symphonia.music.reader import collection_name_of

_SKIPPED = "skipped: "


def _convert(filename, input_dir, collection_name, guards):
    result = convert_file(input_dir, filename, collection_name, guards)
    pipeline.count("files_converted", bool(result.records))
    pipeline.count("sequences", len(result.records))
    pipeline.count("notes", result.notes)
    for failure in result.failures:
        pipeline.count(_SKIPPED + failure.reason)
        logging.warning("Skipped %s: %s", os.path.join(input_dir, filename), failure)
    return result.records


def convert_directory(input_dir, output_file, pipeline_options, recursive=False, guards=Guards()):
    """Converts the music files of ``input_dir`` into TFRecord shards ``<output_file>-SSSSS-of-NNNNN``.

    Parameters and exceptions as :func:`symphonia.music.convert.convert_directory`,
    with ``pipeline_options`` (Beam's flags, e.g. ``"--runner=DirectRunner"``)
    instead of worker processes.

    Returns
    -------
    ConversionSummary
        Its ``output_file`` is the glob of the shards.
    """
    started, started_at = time.monotonic(), time.time()
    if not os.path.isdir(input_dir):
        raise NotADirectoryError(f"input directory {input_dir!r} does not exist or is not a directory")
    filenames, ignored = find_music_files(input_dir, recursive)
    summary = ConversionSummary(input_dir, pipeline.shard_pattern(output_file), files_found=len(filenames),
                                ignored=ignored)
    logging.info("Converting %d music files from %s on Beam (%s).", len(filenames), input_dir, pipeline_options)

    def build(root):
        records = (root | "Files" >> beam.Create(filenames) | "Spread" >> beam.Reshuffle()
                   | "Convert" >> beam.FlatMap(_convert, input_dir, collection_name_of(input_dir), guards))
        pipeline.write_shards(records, output_file, "Write")

    counters = pipeline.run(build, pipeline_options) if filenames else {}
    summary.files_converted = counters.get("files_converted", 0)
    summary.sequences = counters.get("sequences", 0)
    summary.notes = counters.get("notes", 0)
    summary.skipped = collections.Counter({name.removeprefix(_SKIPPED): value for name, value in counters.items()
                                           if name.startswith(_SKIPPED)})
    summary.written = summary.sequences > 0
    pipeline.remove_outputs(output_file, started_at, stale=summary.written)
    summary.seconds = time.monotonic() - started
    return summary
