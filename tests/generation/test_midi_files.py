import os
import re
import time

from symphonia.generation.events_rnn.melody import melody_sequence
from symphonia.generation.midi_files import midi_bytes, output_names, write_midi_files
from symphonia.music.midi import midi_to_note_sequence


def test_names_are_magentas_date_time_and_zero_padded_index():
    when = time.strptime("2024-03-05 14:07:09", "%Y-%m-%d %H:%M:%S")
    assert output_names(3, when) == ["2024-03-05_140709_1.mid", "2024-03-05_140709_2.mid", "2024-03-05_140709_3.mid"]
    names = output_names(10, when)
    assert names[0] == "2024-03-05_140709_01.mid" and names[-1] == "2024-03-05_140709_10.mid"
    assert len(output_names(100)[0].rsplit("_", 1)[1]) == len("001.mid")


def test_files_are_written_whole_and_read_back(tmp_path):
    sequences = [melody_sequence([60, -2, 62, -1], 0, 100, 4), melody_sequence([67], 0, 100, 4)]
    paths = write_midi_files(sequences, str(tmp_path / "new" / "dir"))
    assert [re.fullmatch(r"\d{4}-\d\d-\d\d_\d{6}_\d\.mid", os.path.basename(path)) is not None for path in paths] \
        == [True, True]
    assert sorted(os.listdir(tmp_path / "new" / "dir")) == sorted(os.path.basename(path) for path in paths)
    with open(paths[0], "rb") as file:
        data = file.read()
    assert data == midi_bytes(sequences[0])
    read = midi_to_note_sequence(data)
    assert [(note.pitch, round(note.start_time, 3), round(note.end_time, 3)) for note in read.notes] == [
        (60, 0.0, 0.3), (62, 0.3, 0.45)]
    assert round(read.tempos[0].qpm, 6) == 100
    assert os.stat(paths[0]).st_mode & 0o644 == 0o644  # readable by others, as a plain open() would make it
