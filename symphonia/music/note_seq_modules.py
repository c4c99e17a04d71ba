"""Import single note-seq modules without running note-seq's package ``__init__``.

``import note_seq`` runs a package ``__init__`` that imports every module of the
library, librosa, pandas and bokeh among them: about two seconds, paid again by
every worker process. Symphonia needs only a few leaf modules (the protobuf, the
MusicXML reader), so it registers the ``note_seq`` package with its ``__init__``
deferred and imports just those. The deferred package is the real module object:
the first time anyone reads an attribute it does not have yet (``note_seq.Melody``,
``note_seq.midi_io``), the real ``__init__`` runs into it, so code that does
``import note_seq`` afterwards behaves exactly as without Symphonia, and modules
are never loaded twice (a protobuf descriptor cannot be registered twice).
"""

import importlib
import importlib.util
import sys
import threading
import types

_PACKAGE = "note_seq"
_lock = threading.Lock()


class _DeferredInitPackage(types.ModuleType):
    """A package whose ``__init__`` runs on the first lookup of a name it lacks.

    A submodule name is not such a lookup: ``from note_seq import constants``
    inside a leaf module just imports that submodule.
    """

    def __getattr__(self, attribute):
        submodule = f"{self.__name__}.{attribute}"
        if not attribute.startswith("__") and importlib.util.find_spec(submodule) is not None:
            return importlib.import_module(submodule)
        # From here on it is an ordinary module: lookups during and after the
        # real __init__ must not come back here.
        self.__class__ = types.ModuleType
        self.__spec__.loader.exec_module(self)
        return getattr(self, attribute)


def _register_deferred_package():
    spec = importlib.util.find_spec(_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise ImportError("symphonia needs note-seq: pip install note-seq")
    package = importlib.util.module_from_spec(spec)
    package.__class__ = _DeferredInitPackage
    sys.modules[_PACKAGE] = package


def import_note_seq_module(name):
    """Returns the module ``note_seq.<name>``, importing as little as possible.

    Parameters
    ----------
    name : str
        Dotted name below the package, e.g. ``"protobuf.music_pb2"``.
    """
    with _lock:
        if _PACKAGE not in sys.modules:
            _register_deferred_package()
        return importlib.import_module(f"{_PACKAGE}.{name}")
