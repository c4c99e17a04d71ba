import struct
import zlib

import numpy as np

from symphonia.render.plot import (BACKGROUND, BAR_LINE, DRUM_ROW_HEIGHT, MAX_WIDTH, PIXELS_PER_SECOND, ROW_HEIGHT,
                                   SEPARATOR_HEIGHT, note_colour, write_png)
from tests.data.note_sequences import drum, note, sequence


def _read_png(path):
    """The RGB pixels of a PNG written with filter 0, checking every chunk's CRC and the IHDR on the way."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    chunks, offset = [], 8
    while offset < len(data):
        length, kind = struct.unpack(">I4s", data[offset:offset + 8])
        body = data[offset + 8:offset + 8 + length]
        assert struct.unpack(">I", data[offset + 8 + length:offset + 12 + length])[0] == zlib.crc32(kind + body)
        chunks.append((kind, body))
        offset += 12 + length
    assert chunks[0][0] == b"IHDR" and chunks[-1] == (b"IEND", b"")
    width, height, depth, colour_type, compression, filtering, interlace = struct.unpack(">IIBBBBB", chunks[0][1])
    assert (depth, colour_type, compression, filtering, interlace) == (8, 2, 0, 0, 0)
    raw = zlib.decompress(b"".join(body for kind, body in chunks if kind == b"IDAT"))
    rows = np.frombuffer(raw, np.uint8).reshape(height, 1 + 3 * width)
    assert not rows[:, 0].any()  # every row unfiltered
    return rows[:, 1:].reshape(height, width, 3)


def _centre(image, top, left):
    """The pixel a little inside a note's rectangle, past its darker onset column."""
    return tuple(int(value) for value in image[top + ROW_HEIGHT // 2, left + 3])


def test_notes_are_drawn_at_their_time_and_pitch_and_drums_in_their_own_band(tmp_path):
    # 16th-note steps at 120 qpm: C4 for the first second, C5 (louder) for the second, a kick at 0.5 s.
    piece = sequence([note(60, 0, 8, velocity=60), note(72, 8, 16, velocity=120), drum(36, 4)])
    write_png(piece, tmp_path / "roll.png")
    image = _read_png(tmp_path / "roll.png")
    high, low = 72 + 2, 60 - 2  # two semitones of margin
    assert image.shape == ((high - low + 1) * ROW_HEIGHT + SEPARATOR_HEIGHT + DRUM_ROW_HEIGHT,
                           int(2.0 * PIXELS_PER_SECOND), 3)
    c4_top, c5_top = (high - 60) * ROW_HEIGHT, (high - 72) * ROW_HEIGHT
    second = int(PIXELS_PER_SECOND)
    assert _centre(image, c4_top, 0) == note_colour(0, 60)
    assert _centre(image, c5_top, second) == note_colour(0, 120)
    assert _centre(image, c4_top, second) == BACKGROUND  # C4 has ended
    assert _centre(image, c5_top, 0) == BACKGROUND  # C5 has not begun
    assert sum(note_colour(0, 120)) < sum(note_colour(0, 60))  # louder is darker
    kick_row = image.shape[0] - DRUM_ROW_HEIGHT // 2
    kick = np.flatnonzero((image[kick_row] == note_colour(9, 100, is_drum=True)).all(axis=1))
    onset, end = int(0.5 * PIXELS_PER_SECOND), int(0.625 * PIXELS_PER_SECOND)
    assert list(kick) == list(range(onset + 1, end))  # the onset column itself is drawn darker
    assert sum(image[kick_row, onset]) < sum(note_colour(9, 100, is_drum=True))


def test_bar_lines_fall_every_four_beats_and_long_pieces_are_squeezed(tmp_path):
    write_png(sequence([note(60, 0, 32)], tempos=[(0.0, 60.0)]), tmp_path / "slow.png")  # 4 s: one 4/4 bar at 60 qpm
    image = _read_png(tmp_path / "slow.png")
    top_row = image[0]
    bars = [column for column in range(image.shape[1]) if tuple(top_row[column]) == BAR_LINE]
    assert bars == [0]  # the second bar would start at 4 s, the picture's end

    write_png(sequence([note(64, 0, 16 * 600)]), tmp_path / "long.png")  # 20 minutes
    assert _read_png(tmp_path / "long.png").shape[1] == MAX_WIDTH


def test_a_drum_only_sequence_has_one_row_per_drum_lowest_at_the_bottom(tmp_path):
    write_png(sequence([drum(42, 0), drum(36, 2), drum(38, 4)]), tmp_path / "drums.png")
    image = _read_png(tmp_path / "drums.png")
    assert image.shape[0] == 3 * DRUM_ROW_HEIGHT
    colour = note_colour(9, 100, is_drum=True)
    for index, (pitch, step) in enumerate([(36, 2), (38, 4), (42, 0)]):  # from the bottom up
        row = image.shape[0] - index * DRUM_ROW_HEIGHT - DRUM_ROW_HEIGHT // 2
        column = int(step * 0.125 * PIXELS_PER_SECOND) + 2
        assert tuple(image[row, column]) == colour, pitch
