"""Converting a directory of music files into one TFRecord of NoteSequences.

The Python side of ``convert_dir_to_note_sequences``. Files are read in worker
processes (one per core by default) and written in a stable order, so the same
tree always gives the same file. Nothing one file does can stop the run: an
unreadable file is counted under its reason and skipped, and every file is read
under a size, time and memory guard (one Lakh MIDI file famously grew Magenta's
converter to 60 GB). The output is written atomically.
"""

import collections
import multiprocessing
import os
import resource
import signal
import threading
import time
from dataclasses import dataclass, field
from functools import partial

from absl import logging

from symphonia.music.errors import MusicReadError
from symphonia.music.reader import collection_name_of, label_sequence, read_pieces, source_type
from symphonia.tfrecord import AtomicRecordWriter

PROGRESS_SECONDS = 5.0


@dataclass(frozen=True)
class Guards:
    """Per-file limits that keep one pathological file from sinking a run.

    A limit of 0 or None turns it off. The memory limit applies to worker
    processes only, never to the caller's own process.
    """

    max_file_bytes: int = 64 * 2**20
    seconds_per_file: float = 120.0
    worker_memory_bytes: int = 4 * 2**30


@dataclass
class FileResult:
    """What one input file gave: serialized sequences and the reasons of failures."""

    filename: str
    records: list = field(default_factory=list)
    notes: int = 0
    failures: list = field(default_factory=list)


@dataclass
class ConversionSummary:
    """Counts of a conversion run, for the closing table and for callers."""

    input_dir: str
    output_file: str
    files_found: int = 0
    files_converted: int = 0
    sequences: int = 0
    notes: int = 0
    skipped: collections.Counter = field(default_factory=collections.Counter)
    ignored: collections.Counter = field(default_factory=collections.Counter)
    seconds: float = 0.0
    written: bool = False

    def table(self):
        """A plain-text summary: what was kept, what was skipped and why."""
        rate = self.files_found / self.seconds if self.seconds else 0.0
        lines = [
            f"input directory      {self.input_dir}",
            f"output file          {self.output_file if self.written else '(not written)'}",
            f"music files found    {self.files_found}",
            f"files converted      {self.files_converted}",
            f"sequences written    {self.sequences}",
            f"notes                {self.notes}",
            f"elapsed              {self.seconds:.2f} s ({rate:.1f} files/s)",
        ]
        if self.skipped:
            lines.append(f"skipped (files/tunes) {sum(self.skipped.values())}")
            lines += [f"  {count:6d}  {reason}" for reason, count in self.skipped.most_common()]
        if self.ignored:
            lines.append(f"not music (ignored)  {sum(self.ignored.values())}")
            lines += [f"  {count:6d}  {ext}" for ext, count in self.ignored.most_common()]
        return "\n".join(lines)


def find_music_files(input_dir, recursive=False):
    """Lists music files below ``input_dir`` in a stable order.

    Returns
    -------
    (list of str, collections.Counter)
        Paths relative to ``input_dir`` (a directory's files first, in sorted
        order, then its subdirectories depth first, as Magenta walks), and the
        count of other files by extension. Without ``recursive``,
        subdirectories are counted there as ``"(subdirectory)"``.
    """
    music, other = [], collections.Counter()

    def walk(relative_dir):
        with os.scandir(os.path.join(input_dir, relative_dir)) as scan:
            entries = sorted(scan, key=lambda entry: entry.name)
        subdirs = []
        for entry in entries:
            relative = os.path.join(relative_dir, entry.name)
            if entry.is_dir():
                subdirs.append(relative)
            elif source_type(entry.name):
                music.append(relative)
            else:
                other[os.path.splitext(entry.name)[1].lower() or "(no extension)"] += 1
        for subdir in subdirs:
            if recursive:
                walk(subdir)
            else:
                other["(subdirectory)"] += 1

    walk("")
    return music, other


class _FileTimeout(BaseException):
    """Raised in a reader that ran past its time guard.

    A BaseException, so that readers' own ``except Exception`` cannot swallow it.
    """


def _raise_timeout(signum, frame):
    raise _FileTimeout()


def convert_file(input_dir, filename, collection_name, guards=Guards()):
    """Reads one file of the collection into serialized, labelled NoteSequences.

    Never raises for a bad file: failures are returned as reasons.
    """
    result = FileResult(filename)
    path = os.path.join(input_dir, filename)
    try:
        size = os.path.getsize(path)
    except OSError as error:
        result.failures.append(MusicReadError("cannot read the file", error.strerror))
        return result
    if size == 0:
        result.failures.append(MusicReadError("empty file"))
        return result
    if guards.max_file_bytes and size > guards.max_file_bytes:
        result.failures.append(MusicReadError(f"larger than the {_size_text(guards.max_file_bytes)} size guard"))
        return result
    timed = bool(guards.seconds_per_file) and threading.current_thread() is threading.main_thread()
    if timed:
        previous = signal.signal(signal.SIGALRM, _raise_timeout)
        signal.setitimer(signal.ITIMER_REAL, guards.seconds_per_file)
    try:
        for piece in read_pieces(path):
            if piece.error is not None:
                result.failures.append(piece.error)
                continue
            label_sequence(piece.sequence, filename, collection_name, source_type(filename), piece.tune)
            result.records.append(piece.sequence.SerializeToString())
            result.notes += len(piece.sequence.notes)
    except _FileTimeout:
        result.failures.append(MusicReadError(f"took longer than the {guards.seconds_per_file:g} s time guard"))
    except MemoryError:
        result.failures.append(MusicReadError("exceeded the memory guard"))
    except Exception as error:  # A reader bug must not end the run; report it like a bad file.
        result.failures.append(MusicReadError("unexpected reader error", f"{type(error).__name__}: {error}"))
    finally:
        if timed:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)
    return result


def _size_text(size):
    return f"{size / 2**20:g} MiB" if size >= 2**20 else f"{size} bytes"


def _init_worker(memory_bytes):
    # Ctrl-C is the parent's to handle; workers just stop when it terminates them.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if memory_bytes:
        _, hard = resource.getrlimit(resource.RLIMIT_AS)
        limit = memory_bytes if hard == resource.RLIM_INFINITY else min(memory_bytes, hard)
        resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


def _results(input_dir, filenames, collection_name, guards, num_workers):
    work = partial(convert_file, input_dir, collection_name=collection_name, guards=guards)
    if num_workers <= 0:
        yield from map(work, filenames)
        return
    workers = min(num_workers, len(filenames))
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["symphonia.music.convert", "symphonia.music.midi"])
    chunksize = max(1, min(16, len(filenames) // (workers * 8)))
    with context.Pool(workers, initializer=_init_worker, initargs=(guards.worker_memory_bytes,)) as pool:
        yield from pool.imap(work, filenames, chunksize=chunksize)


def convert_directory(input_dir, output_file, recursive=False, num_workers=None, guards=Guards()):
    """Converts every MIDI, MusicXML and ABC file of a directory into a TFRecord.

    Parameters
    ----------
    input_dir : str
        The collection root; its base name becomes each sequence's
        ``collection_name`` and paths relative to it the ``filename``.
    output_file : str
        TFRecord of serialized NoteSequences, replaced atomically. It is not
        written when no file could be converted.
    recursive : bool
        Also convert the files of subdirectories.
    num_workers : int, optional
        Worker processes (default: all cores); 0 reads in this process, which
        is easier to debug but has no memory guard.
    guards : Guards
        Per-file size, time and memory limits.

    Returns
    -------
    ConversionSummary

    Raises
    ------
    FileNotFoundError, NotADirectoryError
        When ``input_dir`` is not a directory.
    OSError
        When the output file cannot be written.
    """
    started = time.monotonic()
    input_dir = os.fspath(input_dir)
    if not os.path.isdir(input_dir):
        raise NotADirectoryError(f"input directory {input_dir!r} does not exist or is not a directory")
    filenames, ignored = find_music_files(input_dir, recursive)
    summary = ConversionSummary(input_dir, os.fspath(output_file), files_found=len(filenames), ignored=ignored)
    if num_workers is None:
        num_workers = os.cpu_count() or 1
    logging.info("Converting %d music files from %s with %d workers.", len(filenames), input_dir, max(num_workers, 1))
    last_report = started
    with AtomicRecordWriter(output_file) as writer:
        for done, result in enumerate(_results(input_dir, filenames, collection_name_of(input_dir), guards,
                                               num_workers), start=1):
            for record in result.records:
                writer.write(record)
            summary.sequences += len(result.records)
            summary.notes += result.notes
            summary.files_converted += bool(result.records)
            for failure in result.failures:
                summary.skipped[failure.reason] += 1
                logging.warning("Skipped %s: %s", os.path.join(input_dir, result.filename), failure)
            now = time.monotonic()
            if now - last_report >= PROGRESS_SECONDS:
                last_report = now
                logging.info("%d/%d files (%.0f files/s), %d sequences, %d skipped", done, len(filenames),
                             done / (now - started), summary.sequences, sum(summary.skipped.values()))
        if summary.sequences:
            summary.written = True
        else:
            writer.abort()
    summary.seconds = time.monotonic() - started
    return summary
