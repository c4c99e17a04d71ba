"""MusicXML (``.xml``, ``.musicxml`` and compressed ``.mxl``) into NoteSequences.

note-seq's MusicXML reader is the reference Magenta uses, so we use it as is
(loaded without note-seq's heavy package import) and only turn its many error
types, and the odd crash on malformed scores, into one :class:`MusicReadError`.
"""

import xml.etree.ElementTree
import zipfile

from symphonia.music.errors import MusicReadError
from symphonia.music.note_seq_modules import import_note_seq_module


def musicxml_file_to_note_sequence(path):
    """Reads one MusicXML file.

    Parameters
    ----------
    path : str
        A ``.xml`` / ``.musicxml`` file, or a ``.mxl`` zip archive.

    Raises
    ------
    MusicReadError
        When the file is not a readable score.
    """
    reader = import_note_seq_module("musicxml_reader")
    try:
        return reader.musicxml_file_to_sequence_proto(str(path))
    except (reader.MusicXMLConversionError, xml.etree.ElementTree.ParseError,
            zipfile.BadZipFile, UnicodeDecodeError) as error:
        raise MusicReadError("not a readable MusicXML score", _first_line(error)) from error
    except (ValueError, KeyError, IndexError, AttributeError, TypeError, ZeroDivisionError) as error:
        # note-seq's parser assumes well-formed scores and crashes on others.
        raise MusicReadError("malformed MusicXML score", f"{type(error).__name__}: {_first_line(error)}") from error


def _first_line(error):
    text = str(error).strip() or type(error).__name__
    return text.splitlines()[0][:200]
