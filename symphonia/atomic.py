"""Writing a file so that readers see the old file or the new one, never half of one."""

import os
import tempfile


def write_bytes_atomically(path, data):
    """Writes ``data`` to a temporary file beside ``path``, syncs it, then renames it over ``path``.

    An interrupted write leaves ``path`` as it was and no temporary file
    behind. The file gets the permissions a plain ``open`` would give it (the
    temporary file starts private).
    """
    directory = os.path.dirname(os.path.abspath(path))
    handle, temp_path = tempfile.mkstemp(prefix=f".{os.path.basename(path)}.", suffix=".partial", dir=directory)
    try:
        with os.fdopen(handle, "wb") as file:
            os.fchmod(file.fileno(), 0o666 & ~_umask())
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temp_path, path)
    except BaseException:
        os.remove(temp_path)
        raise


def _umask():
    mask = os.umask(0o022)  # the only way to read it is to set it
    os.umask(mask)
    return mask
