import pytest

from symphonia.music.errors import MusicReadError
from symphonia.music.note_seq_modules import import_note_seq_module
from symphonia.music.reader import collection_name_of, note_sequence_id, read_music_file, source_type
from tests.music.fixtures import ABC_TUNEBOOK, musicxml_text


def test_ids_follow_magentas_scheme():
    # sha1 of the relative path, computed independently with sha1sum.
    assert note_sequence_id("drummer1/session1/1_funk_80_beat_4-4.mid", "groove", "midi") == (
        "/id/midi/groove/031f9cabb9b1aaf016aa794fcf2ecc6c844b9547")


def test_abc_tunes_are_identified_by_file_and_reference_number(tmp_path):
    path = tmp_path / "folk" / "tunes.abc"
    path.parent.mkdir()
    path.write_text(ABC_TUNEBOOK)
    sequences = read_music_file(path, root_dir=tmp_path / "folk")
    assert [s.id for s in sequences][1] == "/id/abc/folk/700d1682d9507edda2381b853fafbe4f5908384a"
    assert {s.filename for s in sequences} == {"tunes.abc"}
    assert len(sequences) == 2


@pytest.mark.parametrize("root, expected", [("data/groove", "groove"), ("data/groove/", "groove")])
def test_collection_name_is_the_directory_name(root, expected):
    assert collection_name_of(root) == expected


def test_collection_name_of_dot_names_the_directory(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert collection_name_of(".") == tmp_path.name


@pytest.mark.parametrize("name, kind", [("a.MID", "midi"), ("a.midi", "midi"), ("a.xml", "musicxml"),
                                        ("a.mxl", "musicxml"), ("a.musicxml", "musicxml"), ("a.abc", "abc"),
                                        ("a.txt", None), ("mid", None)])
def test_source_type_by_extension(name, kind):
    assert source_type(name) == kind


def test_musicxml_gives_note_seqs_sequence(tmp_path):
    path = tmp_path / "score.musicxml"
    path.write_text(musicxml_text(("C", "D", "E", "G")))
    (ours,) = read_music_file(path)
    theirs = import_note_seq_module("musicxml_reader").musicxml_file_to_sequence_proto(str(path))
    assert [n.pitch for n in ours.notes] == [60, 62, 64, 67]
    assert ours.tempos[0].qpm == 100
    ours.ClearField("id"), ours.ClearField("filename"), ours.ClearField("collection_name")
    assert ours == theirs


@pytest.mark.parametrize("name, content", [("bad.xml", b"<score-partwise><part"), ("bad.mxl", b"not a zip"),
                                           ("bad.mid", b"MThd garbage"), ("bad.abc", b"just some text\n")])
def test_unreadable_files_raise_a_music_read_error(tmp_path, name, content):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(MusicReadError):
        read_music_file(path)


def test_note_seq_is_not_imported_until_used(tmp_path):
    import subprocess
    import sys
    code = ("import sys; from symphonia.music.reader import read_music_file; import symphonia.music.musicxml;"
            "from symphonia.music.proto import NoteSequence;"
            "assert 'librosa' not in sys.modules and 'tensorflow' not in sys.modules;"
            "import note_seq; assert note_seq.NoteSequence is NoteSequence; print('ok')")
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True).stdout.strip() == "ok"
