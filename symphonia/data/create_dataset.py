"""The shared engine of every ``<model>_create_dataset`` command.

NoteSequence TFRecord in, ``training_<name>.tfrecord`` and ``eval_<name>.tfrecord``
out. What a model extracts and how it encodes it is its *recipe*; everything else
is here and identical for all families: the deterministic train / eval split by
sequence id, worker processes, statistics per stage and rejection reason, a
progress line, atomic outputs, and a clear failure when nothing could be
extracted (Magenta writes two empty files in silence).
"""

import collections
import itertools
import multiprocessing
import os
import time
from dataclasses import dataclass, field
from functools import partial

from absl import logging

from symphonia.data.input_pipeline import DatasetError, find_files
from symphonia.data.split import is_eval
from symphonia.tfrecord import AtomicRecordWriter, read_records

PROGRESS_SECONDS = 5.0
PARTITIONS = ("training", "eval")
# Statistics whose names contain one of these count rejected material.
_REJECTION_WORDS = ("discarded", "skipped", "without", "exceeded")


class NothingExtractedError(Exception):
    """No example could be made from the input; the message says why, per reason."""


@dataclass
class DatasetSummary:
    """What a run read, wrote and rejected, for the closing table and for callers."""

    input_file: str
    output_dir: str
    sequences: int = 0
    examples: collections.Counter = field(default_factory=collections.Counter)
    sequences_per_partition: collections.Counter = field(default_factory=collections.Counter)
    stats: collections.Counter = field(default_factory=collections.Counter)
    bytes_written: collections.Counter = field(default_factory=collections.Counter)
    paths: dict = field(default_factory=dict)
    seconds: float = 0.0

    def table(self):
        """Plain-text summary: inputs, examples and bytes per output, statistics."""
        rate = self.sequences / self.seconds if self.seconds else 0.0
        lines = [f"input                  {self.input_file} ({self.sequences} NoteSequences)"]
        for partition in PARTITIONS:
            lines.append(f"{partition + ' examples':22s} {self.examples[partition]:8d}  from "
                         f"{self.sequences_per_partition[partition]} sequences -> {self.paths.get(partition, '-')} "
                         f"({self.bytes_written[partition] / 1e6:.1f} MB)")
        lines.append(f"elapsed                {self.seconds:.2f} s ({rate:.0f} sequences/s)")
        if self.stats:
            lines.append("statistics")
            lines += [f"  {count:8d}  {name}" for name, count in sorted(self.stats.items())]
        return "\n".join(lines)


@dataclass
class _SequenceResult:
    partition: str
    examples: list
    stats: collections.Counter


def _process(recipe, eval_ratio, seed, record):
    from symphonia.music.proto import NoteSequence
    sequence = NoteSequence.FromString(record)
    partition = "eval" if is_eval(sequence.id, eval_ratio, seed) else "training"
    examples, stats = recipe.examples(sequence)
    return _SequenceResult(partition, examples, stats)


def _results(recipe, records, eval_ratio, seed, num_workers):
    work = partial(_process, recipe, eval_ratio, seed)
    if num_workers <= 0:
        yield from map(work, records)
        return
    context = multiprocessing.get_context("forkserver")
    with context.Pool(num_workers) as pool:
        yield from pool.imap(work, records, chunksize=8)


def create_dataset(recipe, input_file, output_dir, eval_ratio=0.1, seed=0, num_workers=None):
    """Turns a NoteSequence TFRecord into training and eval SequenceExample files.

    Parameters
    ----------
    recipe
        Picklable object with ``output_name`` (e.g. ``"melodies"``) and
        ``examples(sequence) -> (list of serialized SequenceExamples, Counter)``.
    input_file : str
        TFRecord of NoteSequences (ours or Magenta's), or a glob of several (the Beam path's shards).
    output_dir : str
        Receives ``training_<name>.tfrecord`` and ``eval_<name>.tfrecord``,
        each written atomically.
    eval_ratio : float
        Share of sequences (by id, see :mod:`symphonia.data.split`) for eval.
    seed : int
        Chooses the split; the same seed gives the same split.
    num_workers : int, optional
        Worker processes (default: all cores); 0 works in this process.

    Raises
    ------
    FileNotFoundError
        When no file matches ``input_file``.
    NothingExtractedError
        When no example could be made; nothing is written then.
    """
    started = time.monotonic()
    paths = input_paths(input_file)
    if num_workers is None:
        num_workers = os.cpu_count() or 1
    summary = DatasetSummary(input_file, output_dir)
    summary.paths = {p: os.path.join(output_dir, f"{p}_{recipe.output_name}.tfrecord") for p in PARTITIONS}
    writers = {p: AtomicRecordWriter(path) for p, path in summary.paths.items()}
    last_report = started
    try:
        records = itertools.chain.from_iterable(map(read_records, paths))
        for result in _results(recipe, records, eval_ratio, seed, num_workers):
            summary.sequences += 1
            summary.sequences_per_partition[result.partition] += 1
            summary.stats.update(result.stats)
            summary.examples[result.partition] += len(result.examples)
            for example in result.examples:
                writers[result.partition].write(example)
                summary.bytes_written[result.partition] += len(example)
            now = time.monotonic()
            if now - last_report >= PROGRESS_SECONDS:
                last_report = now
                logging.info("%d sequences (%.0f/s), %d training and %d eval examples", summary.sequences,
                             summary.sequences / (now - started), summary.examples["training"],
                             summary.examples["eval"])
        if not sum(summary.examples.values()):
            raise NothingExtractedError(_nothing_extracted_message(summary))
    except BaseException:
        for writer in writers.values():
            writer.abort()
        raise
    for writer in writers.values():
        writer.close()
    summary.seconds = time.monotonic() - started
    return summary


def input_paths(input_file):
    """The files ``input_file`` names, sorted: a path, or a glob such as the Beam path's shards ``<path>*``.

    Raises
    ------
    FileNotFoundError
        When nothing matches.
    """
    try:
        return find_files(input_file)
    except DatasetError as error:
        raise FileNotFoundError(f"input file {error}") from None


def _nothing_extracted_message(summary):
    if not summary.sequences:
        return f"{summary.input_file} holds no NoteSequence"
    rejections = [(name, count) for name, count in summary.stats.most_common()
                  if any(word in name for word in _REJECTION_WORDS)]
    reasons = ", ".join(f"{name}: {count}" for name, count in rejections[:6])
    return f"no example could be extracted from {summary.sequences} sequences ({reasons or 'no statistics'})"
