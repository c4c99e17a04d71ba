"""One entry point that reads any supported music file into NoteSequences.

A file gives one NoteSequence (MIDI, MusicXML) or one per tune (ABC). Each gets
the bookkeeping Magenta's ``convert_dir_to_note_sequences`` writes -- ``filename``,
``collection_name`` and an ``id`` built by the same rule -- so a tree converted by
Symphonia and by Magenta yields the same ids.
"""

import hashlib
import os
from dataclasses import dataclass

from symphonia.music.errors import MusicReadError

#: Lower-cased file extension -> the source type named in sequence ids.
SOURCE_TYPES = {
    ".mid": "midi",
    ".midi": "midi",
    ".xml": "musicxml",
    ".mxl": "musicxml",
    ".musicxml": "musicxml",
    ".abc": "abc",
}


def source_type(path):
    """Returns ``"midi"``, ``"musicxml"``, ``"abc"``, or None for other files."""
    return SOURCE_TYPES.get(os.path.splitext(str(path))[1].lower())


def note_sequence_id(filename, collection_name, kind):
    """The id Magenta gives a sequence: ``/id/<kind>/<collection>/<sha1(filename)>``.

    For an ABC tune, Magenta hashes ``"<filename>_<X: reference number>"``;
    pass that string as ``filename``.
    """
    digest = hashlib.sha1(filename.encode("utf-8")).hexdigest()
    return f"/id/{kind.lower()}/{collection_name}/{digest}"


@dataclass
class Piece:
    """What one file (or one tune of it) turned into: a sequence, or why not.

    ``tune`` is the ABC ``X:`` reference number, None for single-piece files.
    """

    sequence: object = None
    error: MusicReadError = None
    tune: int = None


def read_pieces(path):
    """Reads a music file into :class:`Piece` objects, never raising for bad content.

    A file that cannot be read at all gives one Piece with an ``error``; an ABC
    tunebook gives one Piece per tune, the unreadable ones with an ``error``.

    Raises
    ------
    MusicReadError
        Only when the extension is not a supported music format.
    """
    kind = source_type(path)
    try:
        if kind == "midi":
            from symphonia.music.midi import midi_to_note_sequence
            with open(path, "rb") as file:
                return [Piece(sequence=midi_to_note_sequence(file.read()))]
        if kind == "musicxml":
            from symphonia.music.musicxml import musicxml_file_to_note_sequence
            return [Piece(sequence=musicxml_file_to_note_sequence(path))]
        if kind == "abc":
            from symphonia.music.abc import parse_abc_tunebook
            with open(path, "rb") as file:
                text = file.read().decode("utf-8", errors="replace")
            tunes = parse_abc_tunebook(text)
            if not tunes:
                raise MusicReadError("no ABC tune (no X: field) in the file")
            return [Piece(sequence=result, tune=number) if not isinstance(result, MusicReadError)
                    else Piece(error=result, tune=number) for number, result in tunes]
    except MusicReadError as error:
        return [Piece(error=error)]
    except OSError as error:
        return [Piece(error=MusicReadError("cannot read the file", error.strerror or str(error)))]
    raise MusicReadError("not a supported music file", f"extension {os.path.splitext(str(path))[1]!r}")


def label_sequence(sequence, filename, collection_name, kind, tune=None):
    """Sets ``filename``, ``collection_name`` and ``id`` as Magenta does."""
    sequence.filename = filename
    sequence.collection_name = collection_name
    hashed = filename if tune is None else f"{filename}_{tune}"
    sequence.id = note_sequence_id(hashed, collection_name, kind)
    return sequence


def collection_name_of(root_dir):
    """The ``collection_name`` of a directory's sequences: its base name.

    Magenta takes ``basename(input_dir)`` literally, which gives ``""`` for
    ``groove/`` and ``"."`` for ``.``; we name the directory itself in those
    cases and agree with Magenta everywhere else.
    """
    name = os.path.basename(os.path.normpath(os.fspath(root_dir)))
    if name in ("", ".", ".."):
        name = os.path.basename(os.path.abspath(os.fspath(root_dir)))
    return name


def read_music_file(path, root_dir=None):
    """Reads one MIDI, MusicXML or ABC file into a list of labelled NoteSequences.

    Parameters
    ----------
    path : str or os.PathLike
        The file.
    root_dir : str or os.PathLike, optional
        The collection root: ``filename`` is the path relative to it and
        ``collection_name`` its base name, as when converting that directory.
        Defaults to the file's own directory.

    Returns
    -------
    list of NoteSequence
        One per piece; ABC tunes that cannot be read are left out (use
        :func:`read_pieces` to see why).

    Raises
    ------
    MusicReadError
        When the file gives no NoteSequence at all.
    """
    path = os.fspath(path)
    root_dir = os.path.normpath(os.fspath(root_dir) if root_dir is not None else os.path.dirname(path) or ".")
    filename = os.path.relpath(path, root_dir)
    collection_name = collection_name_of(root_dir)
    pieces = read_pieces(path)
    sequences = [label_sequence(piece.sequence, filename, collection_name, source_type(path), piece.tune)
                 for piece in pieces if piece.error is None]
    if not sequences:
        raise pieces[0].error
    return sequences
