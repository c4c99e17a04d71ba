import logging
import os
import time
import wave

import pytest

from symphonia.generation.midi_files import midi_bytes
from symphonia.generation.outputs import note_name, summary_line, write_outputs
from tests.data.note_sequences import drum, note, sequence

WHEN = time.strptime("2024-03-05 14:07:09", "%Y-%m-%d %H:%M:%S")


def test_the_summary_line_gives_length_notes_and_pitch_range():
    melody = sequence([note(67, 0, 4), note(60, 4, 8), note(72, 8, 20)])  # 20 steps of 1/8 s
    assert summary_line("a.mid", melody) == "a.mid: 2.50 s, 3 notes, pitches 60-72 (C4-C5)"
    beat = sequence([drum(36, 0), drum(42, 2), drum(38, 4)])
    assert summary_line("b.mid", beat) == "b.mid: 0.62 s, 3 notes, drum pitches 36-42"
    both = sequence([note(61, 0, 2), drum(51, 0)], total_time=4.0)  # total_time counts when later than the notes
    assert summary_line("c.mid", both) == "c.mid: 4.00 s, 2 notes, pitches 61-61 (C#4-C#4), drum pitches 51-51"
    assert summary_line("d.mid", sequence([])) == "d.mid: 0.00 s, 0 notes"
    assert [note_name(pitch) for pitch in (21, 60, 69, 108)] == ["A0", "C4", "A4", "C8"]


def test_midi_files_get_a_wav_and_a_png_beside_them_and_a_line_each(tmp_path, caplog):
    sequences = [sequence([note(60, 0, 8)]), sequence([drum(36, 0), drum(42, 2)])]
    with caplog.at_level(logging.INFO):
        paths = write_outputs(sequences, str(tmp_path / "out"), render_audio=True, plot=True, when=WHEN)
    assert [os.path.basename(path) for path in paths] == ["2024-03-05_140709_1.mid", "2024-03-05_140709_2.mid"]
    assert sorted(os.listdir(tmp_path / "out")) == sorted(
        f"2024-03-05_140709_{index}{suffix}" for index in (1, 2) for suffix in (".mid", ".wav", ".png"))
    assert (tmp_path / "out" / "2024-03-05_140709_2.mid").read_bytes() == midi_bytes(sequences[1])
    with wave.open(str(tmp_path / "out" / "2024-03-05_140709_1.wav"), "rb") as reader:
        assert reader.getnframes() > 0
    assert (tmp_path / "out" / "2024-03-05_140709_1.png").read_bytes()[:4] == b"\x89PNG"
    lines = [record.getMessage() for record in caplog.records if ".mid:" in record.getMessage()]
    assert lines == ["2024-03-05_140709_1.mid: 1.00 s, 1 note, pitches 60-60 (C4-C4) (+ .wav, .png)",
                     "2024-03-05_140709_2.mid: 0.38 s, 2 notes, drum pitches 36-42 (+ .wav, .png)"]


def test_without_previews_only_midi_files_are_written_under_the_names_given(tmp_path):
    sequences = [sequence([note(60, 0, 8)]), sequence([note(62, 0, 8)])]
    write_outputs(sequences, str(tmp_path), names=["cat-mel_2bar_small_sample_x-001-of-002.mid",
                                                   "cat-mel_2bar_small_sample_x-002-of-002.mid"])
    assert sorted(os.listdir(tmp_path)) == ["cat-mel_2bar_small_sample_x-001-of-002.mid",
                                            "cat-mel_2bar_small_sample_x-002-of-002.mid"]
    with pytest.raises(ValueError, match="2 sequences but 1 file names"):
        write_outputs(sequences, str(tmp_path), names=["one.mid"])
