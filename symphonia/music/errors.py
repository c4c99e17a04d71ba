"""Errors raised when a file cannot be read as music."""


class MusicReadError(Exception):
    """A file (or one tune of a tunebook) could not be turned into a NoteSequence.

    ``reason`` is a short, human-readable category ("truncated track chunk",
    "not a MIDI file") shown next to the file's path and used as the key of the
    skip statistics, so it must not embed per-file details such as byte offsets;
    those go in the optional ``detail``.
    """

    def __init__(self, reason, detail=None):
        super().__init__(reason if detail is None else f"{reason} ({detail})")
        self.reason = reason
        self.detail = detail
