"""Writing files so that readers see the old file or the new one, never half of one.

Everything Symphonia writes for a user (TFRecords, MIDI files, bundles, configs
beside checkpoints) goes through here: the bytes go to a temporary file beside
the target, which is synced and renamed over the target only once complete. An
interrupted write leaves the target as it was and no temporary file behind.
"""

import os
import tempfile


class AtomicFile:
    """A binary file that appears under ``path`` only when :meth:`commit` is called.

    Use as a context manager: leaving the block normally commits, leaving it
    with an exception aborts. The file gets the permissions a plain ``open``
    would give it (``mkstemp`` starts it private).
    """

    def __init__(self, path):
        self.path = os.fspath(path)
        directory = os.path.dirname(os.path.abspath(self.path))
        os.makedirs(directory, exist_ok=True)
        handle, self._temp_path = tempfile.mkstemp(
            prefix=f".{os.path.basename(self.path)}.", suffix=".partial", dir=directory)
        self.file = os.fdopen(handle, "wb")
        os.fchmod(handle, 0o666 & ~_umask())
        self.finished = False

    def write(self, data):
        self.file.write(data)

    def commit(self):
        """Syncs the data to disk and moves the file under its final name (once)."""
        if self.finished:
            return
        self.finished = True
        self.file.flush()
        os.fsync(self.file.fileno())
        self.file.close()
        os.replace(self._temp_path, self.path)

    def abort(self):
        """Discards everything written; ``path`` is not touched (once)."""
        if self.finished:
            return
        self.finished = True
        self.file.close()
        os.remove(self._temp_path)

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, traceback):
        if exc_type is None:
            self.commit()
        else:
            self.abort()


def write_bytes_atomically(path, data):
    """Replaces ``path`` with ``data`` in one step (see :class:`AtomicFile`)."""
    with AtomicFile(path) as file:
        file.write(data)


def _umask():
    mask = os.umask(0o022)  # the only way to read it is to set it
    os.umask(mask)
    return mask
