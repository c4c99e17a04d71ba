"""A NoteSequence as a PNG piano roll: what a generated MIDI file looks like, at a glance.

Time runs left to right, pitch bottom to top over the pitches the piece uses
(with a margin), rows of black keys shaded. Notes are rectangles coloured by
instrument, darker when louder, each with a darker first column so repeated
notes stay apart. Drum notes (``is_drum``) get their own band under the
pitched notes, one row per drum pitch used, lowest pitch at the bottom. Thin
grey lines mark beats and darker ones bars, from the first tempo and time
signature (120 qpm, 4/4 when the sequence has none).

Only numpy, ``zlib`` and ``struct``: no plotting library to install. Files
are written atomically (:mod:`symphonia.atomic`).
"""

import dataclasses
import struct
import zlib

import numpy as np

from symphonia.atomic import write_bytes_atomically

PIXELS_PER_SECOND = 40.0
MAX_WIDTH = 2400  # longer pieces are squeezed to this width
ROW_HEIGHT = 4  # pixels per semitone
DRUM_ROW_HEIGHT = 6
PITCH_MARGIN = 2  # empty semitones above and below the notes
SEPARATOR_HEIGHT = 3  # between the pitched band and the drum band

BACKGROUND = (255, 255, 255)
BLACK_KEY_ROW = (240, 240, 240)
BEAT_LINE = (220, 220, 220)
BAR_LINE = (150, 150, 150)
SEPARATOR = (90, 90, 90)
DRUM_COLOUR = (200, 80, 20)
INSTRUMENT_COLOURS = ((30, 90, 200), (200, 40, 60), (30, 150, 70), (140, 60, 180), (220, 150, 0), (0, 150, 170),
                      (120, 90, 50), (200, 60, 160))
_BLACK_KEYS = {1, 3, 6, 8, 10}
_DEFAULT_QPM = 120.0


@dataclasses.dataclass(frozen=True)
class PianoRollLayout:
    """Where things go in the picture of one sequence.

    Attributes
    ----------
    pixels_per_second : float
    width, height : int
    low_pitch, high_pitch : int or None
        The pitched band's range (margin included); None when there are no pitched notes.
    drum_pitches : tuple of int
        The drum band's rows, lowest pitch at the bottom.
    """

    pixels_per_second: float
    width: int
    height: int
    low_pitch: int | None
    high_pitch: int | None
    drum_pitches: tuple[int, ...]

    @classmethod
    def of(cls, sequence):
        """The layout that fits ``sequence``."""
        duration = max([note.end_time for note in sequence.notes] + [float(sequence.total_time), 1.0])
        pixels_per_second = min(PIXELS_PER_SECOND, MAX_WIDTH / duration)
        pitches = [note.pitch for note in sequence.notes if not note.is_drum]
        low, high = (max(0, min(pitches) - PITCH_MARGIN), min(127, max(pitches) + PITCH_MARGIN)) if pitches else \
            (None, None)
        drum_pitches = tuple(sorted({note.pitch for note in sequence.notes if note.is_drum}))
        height = (high - low + 1) * ROW_HEIGHT if pitches else 0
        if drum_pitches:
            height += len(drum_pitches) * DRUM_ROW_HEIGHT + (SEPARATOR_HEIGHT if pitches else 0)
        return cls(pixels_per_second, int(np.ceil(duration * pixels_per_second)), max(height, ROW_HEIGHT), low, high,
                   drum_pitches)

    def x(self, seconds):
        """The pixel column of a time."""
        return int(seconds * self.pixels_per_second)

    def rows(self, pitch, is_drum=False):
        """``(top, bottom)`` pixel rows (bottom exclusive) of a pitch, or of a drum pitch's row."""
        if is_drum:
            top = self.height - (self.drum_pitches.index(pitch) + 1) * DRUM_ROW_HEIGHT  # lowest pitch at the bottom
            return top, top + DRUM_ROW_HEIGHT
        top = (self.high_pitch - pitch) * ROW_HEIGHT
        return top, top + ROW_HEIGHT


def note_colour(instrument, velocity, is_drum=False):
    """RGB of a note: the instrument's colour (drums their own), paler when softer."""
    base = np.array(DRUM_COLOUR if is_drum else INSTRUMENT_COLOURS[instrument % len(INSTRUMENT_COLOURS)], float)
    strength = 0.35 + 0.65 * min(max(velocity, 0), 127) / 127.0
    return tuple(int(round(value)) for value in 255.0 + (base - 255.0) * strength)


def _grid(sequence, layout, image):
    """Beat and bar lines over the whole height."""
    qpm = sequence.tempos[0].qpm if sequence.tempos and sequence.tempos[0].qpm > 0 else _DEFAULT_QPM
    numerator, denominator = 4, 4
    if sequence.time_signatures and sequence.time_signatures[0].numerator > 0 and \
            sequence.time_signatures[0].denominator > 0:
        numerator, denominator = sequence.time_signatures[0].numerator, sequence.time_signatures[0].denominator
    beat_seconds = 60.0 / qpm * 4.0 / denominator
    for beat in range(int(layout.width / layout.pixels_per_second / beat_seconds) + 1):
        column = layout.x(beat * beat_seconds)
        if column < layout.width:
            image[:, column] = BAR_LINE if beat % numerator == 0 else BEAT_LINE


def draw_piano_roll(sequence):
    """The piano roll of ``sequence`` as an RGB ``uint8`` array ``[height, width, 3]``, and its layout."""
    layout = PianoRollLayout.of(sequence)
    image = np.empty((layout.height, layout.width, 3), np.uint8)
    image[:] = BACKGROUND
    if layout.low_pitch is not None:
        for pitch in range(layout.low_pitch, layout.high_pitch + 1):
            if pitch % 12 in _BLACK_KEYS:
                top, bottom = layout.rows(pitch)
                image[top:bottom] = BLACK_KEY_ROW
    _grid(sequence, layout, image)
    if layout.drum_pitches and layout.low_pitch is not None:
        separator_top = (layout.high_pitch - layout.low_pitch + 1) * ROW_HEIGHT
        image[separator_top:separator_top + SEPARATOR_HEIGHT] = SEPARATOR
    for note in sorted(sequence.notes, key=lambda note: note.velocity):  # loud notes drawn last, on top
        top, bottom = layout.rows(note.pitch, note.is_drum)
        start = min(layout.x(note.start_time), layout.width - 1)
        end = min(max(layout.x(note.end_time), start + 1), layout.width)
        colour = note_colour(note.instrument, note.velocity, note.is_drum)
        image[top:bottom, start:end] = colour
        image[top:bottom, start] = tuple(value * 2 // 3 for value in colour)
    return image, layout


def png_bytes(image):
    """A PNG file (8-bit RGB, no interlace) of an RGB ``uint8`` array ``[height, width, 3]``."""
    height, width, _ = image.shape
    rows = np.concatenate([np.zeros((height, 1), np.uint8), image.reshape(height, width * 3)], axis=1)  # filter 0

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows.tobytes(), 9))
            + chunk(b"IEND", b""))


def write_png(sequence, path):
    """Draws ``sequence``'s piano roll into a PNG file at ``path``; returns the layout used."""
    image, layout = draw_piano_roll(sequence)
    write_bytes_atomically(path, png_bytes(image))
    return layout
