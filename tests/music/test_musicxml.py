"""symphonia.music.musicxml must read MusicXML exactly as note-seq does, only faster.

The tests are differential: a score is written to disk and read by
``musicxml_file_to_note_sequence`` and by note-seq's
``musicxml_reader.musicxml_file_to_sequence_proto``; either both reject it (we
with a MusicReadError) or both return the same serialized NoteSequence.  The
reader has two ways through a document (regular expressions, or ElementTree
for anything unusual), so each accepted score is also read the ElementTree way
and must give the same bytes, and ``fast`` says which way the public function
is expected to take.
"""

import io
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from symphonia.music import musicxml
from symphonia.music.errors import MusicReadError
from symphonia.music.musicxml import musicxml_file_to_note_sequence
from symphonia.music.note_seq_modules import import_note_seq_module

musicxml_reader = import_note_seq_module("musicxml_reader")

DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n'
EXTERNAL_DTD = ('<!DOCTYPE score-partwise PUBLIC "-//Recordare//DTD MusicXML 3.1 Partwise//EN" '
                '"http://www.musicxml.org/dtds/partwise.dtd">')
ATTRIBUTES = ("<attributes><divisions>2</divisions><key><fifths>0</fifths></key>"
              "<time><beats>4</beats><beat-type>4</beat-type></time></attributes>")


def note(step="C", octave=4, duration=2, kind="quarter", alter=None, voice=1, chord=False, rest=False,
         dots=0, tuplet=None, before="", after=""):
    """A <note>; None leaves an element out."""
    parts = ["<note>", before, "<chord/>" if chord else ""]
    if rest:
        parts.append("<rest/>")
    else:
        alter_element = "" if alter is None else f"<alter>{alter}</alter>"
        parts.append(f"<pitch><step>{step}</step>{alter_element}<octave>{octave}</octave></pitch>")
    parts += [
        "" if duration is None else f"<duration>{duration}</duration>",
        "" if voice is None else f"<voice>{voice}</voice>",
        "" if kind is None else f"<type>{kind}</type>",
        "<dot/>" * dots,
        "" if tuplet is None else
        f"<time-modification><actual-notes>{tuplet[0]}</actual-notes><normal-notes>{tuplet[1]}</normal-notes>"
        "</time-modification>",
        after, "</note>",
    ]
    return "".join(parts)


def tempo(qpm, dynamics=None):
    extra = "" if dynamics is None else f' dynamics="{dynamics}"'
    return f'<direction><direction-type><words>x</words></direction-type><sound tempo="{qpm}"{extra}/></direction>'


def part(part_id, *measures):
    body = "".join(f'<measure number="{index + 1}">{measure}</measure>' for index, measure in enumerate(measures))
    return f'<part id="{part_id}">{body}</part>'


def score_part(part_id, name="Voice", channel=None, program=None):
    midi = ("" if channel is None else
            f'<midi-instrument id="{part_id}-I1"><midi-channel>{channel}</midi-channel>'
            f"<midi-program>{program}</midi-program></midi-instrument>")
    return f'<score-part id="{part_id}"><part-name>{name}</part-name>{midi}</score-part>'


def document(*parts, part_list=None, prolog=DECLARATION, root="score-partwise"):
    """A score; by default one score-part per part, named after its id."""
    if part_list is None:
        ids = [text.split('"')[1] for text in parts]
        part_list = "<part-list>" + "".join(score_part(part_id, f"Part {part_id}") for part_id in ids) + "</part-list>"
    return f'{prolog}<{root} version="3.1">{part_list}{"".join(parts)}</{root}>'


def one_part(*measures):
    return document(part("P1", *measures))


def reference(path):
    """note-seq's sequence, or None where it fails."""
    try:
        return musicxml_reader.musicxml_file_to_sequence_proto(str(path))
    except Exception:  # noqa: BLE001 -- note-seq fails on bad scores with all kinds of errors
        return None


def score_bytes(path):
    return musicxml._archived_score(str(path)) if str(path).endswith(".mxl") else Path(path).read_bytes()


def tree_sequence(path):
    """Our sequence read the ElementTree way."""
    return musicxml._Score(musicxml._TreeSource(musicxml._parse_tree(score_bytes(path)))).sequence()


def takes_fast_path(path):
    try:
        musicxml._FastSource(score_bytes(path))
        return True
    except musicxml._Unusual:
        return False
    except Exception:  # noqa: BLE001 -- it failed on the score's content, so it did read it
        return True


def check_file(path, fast=True, accepted=None):
    """Asserts that we read ``path`` as note-seq does; returns our sequence (None if rejected).

    ``fast``: whether the regular-expression path should take the file (None:
    either way).  ``accepted``: whether note-seq should accept the file, so
    that a test meant for one outcome cannot pass with the other.
    """
    theirs = reference(path)
    if accepted is not None:
        assert (theirs is not None) == accepted, "note-seq did not do what the test expects"
    if fast is not None:
        assert takes_fast_path(path) == fast
    if theirs is None:
        with pytest.raises(MusicReadError):
            musicxml_file_to_note_sequence(path)
        return None
    ours = musicxml_file_to_note_sequence(path)
    assert ours.SerializeToString() == theirs.SerializeToString(), f"{ours}\n---- note-seq ----\n{theirs}"
    assert tree_sequence(path).SerializeToString() == theirs.SerializeToString()
    return ours


def check(tmp_path, text, name="score.xml", **expectations):
    path = tmp_path / name
    path.write_bytes(text if isinstance(text, bytes) else text.encode())
    return check_file(path, **expectations)


# ---------------------------------------------------------------------------
# Notes, chords, voices, timing


def test_simple_melody(tmp_path):
    ours = check(tmp_path, one_part(ATTRIBUTES + tempo(100) + "".join(note(step) for step in "CDEG")), accepted=True)
    assert [n.pitch for n in ours.notes] == [60, 62, 64, 67]
    assert ours.notes[3].end_time == pytest.approx(2.4)


def test_rests_dots_tuplets_and_alterations(tmp_path):
    notes = (note("C", duration=3, kind="quarter", dots=1) + note("D", duration=1, kind="eighth", alter=-1)
             + note(rest=True, duration=2) + note("B", alter=1, duration=1, kind="eighth", tuplet=(3, 2))
             + note("C", alter=-1, duration=1, kind="eighth", tuplet=(3, 2), dots=2)
             + note("E", alter="0.5", duration=1, kind="eighth", tuplet=(3, 2))
             + note("F", alter=2, kind="half", duration=4))
    ours = check(tmp_path, one_part(ATTRIBUTES + notes), accepted=True)
    assert (ours.notes[2].pitch, ours.notes[3].pitch) == (60, 71)  # B#4 and Cb4 wrap within the octave


def test_chords_take_the_previous_notes_timing(tmp_path):
    # The third chord note claims another duration: note-seq copies the first's.
    notes = note("C", duration=4, kind="half") + note("E", chord=True, duration=4) + note("G", chord=True, duration=1)
    ours = check(tmp_path, one_part(ATTRIBUTES + notes + note("A", duration=4, kind="half")), accepted=True)
    assert {n.end_time for n in ours.notes[:3]} == {1.0}


def test_chord_after_duration_or_as_first_note(tmp_path):
    late_chord = "<note><pitch><step>E</step><octave>4</octave></pitch><duration>2</duration><chord/></note>"
    check(tmp_path, one_part(ATTRIBUTES + note("C") + late_chord + note("G")), fast=True, accepted=True)
    check(tmp_path, one_part(ATTRIBUTES + note("E", chord=True)), accepted=False)


def test_ties_and_ignored_children(tmp_path):
    tied = note("C", duration=4, kind="half",
                after='<stem default-y="3">up</stem><notations><tied type="start"/></notations>'
                      "<lyric><syllabic>single</syllabic><text>Ah</text></lyric>")
    tied = tied.replace("<voice>", '<tie type="start"/><voice>')
    ours = check(tmp_path, one_part(ATTRIBUTES + tied + note("C", duration=4, kind="half")), accepted=True)
    assert len(ours.notes) == 2


def test_two_voices_with_backup_and_forward(tmp_path):
    upper = note("E", duration=4, kind="half") + note("F", duration=4, kind="half")
    lower = note("C", duration=2, voice=2) + "<forward><duration>2</duration><voice>2</voice></forward>" + note(
        "D", duration=4, voice=2, kind="half")
    ours = check(tmp_path, one_part(ATTRIBUTES + upper + "<backup><duration>8</duration></backup>" + lower),
                 accepted=True)
    assert [n.voice for n in ours.notes] == [1, 1, 2, 2]


def test_digits_beyond_ascii_count_as_python_reads_them(tmp_path):
    measure = (ATTRIBUTES + note("C", duration="\u0664", voice="\u0661") + note("D")
               + "<backup><duration>\u0662</duration></backup>" + note("E", voice=2))
    ours = check(tmp_path, one_part(measure), accepted=True)
    assert ours.notes[0].end_time == 1.0


def test_negative_numbers_are_encoded_as_protobuf_does(tmp_path):
    # Negative int32 fields take ten bytes on the wire.
    measure = ATTRIBUTES + note("C", octave=-2, voice=-3) + tempo(-60, dynamics=-5) + note("D", voice=2**31 - 1)
    ours = check(tmp_path, one_part(measure), accepted=True)
    assert (ours.notes[0].pitch, ours.notes[0].voice, ours.notes[1].velocity) == (-12, -3, -5)


def test_backup_before_the_start_clamps_note_times(tmp_path):
    measure = ATTRIBUTES + note("C") + "<backup><duration>6</duration></backup>" + note("D") + note("E")
    ours = check(tmp_path, one_part(measure), accepted=True)
    assert ours.notes[1].start_time == 0


def test_grace_notes_sit_at_time_zero(tmp_path):
    grace = note("D", duration=None, kind="eighth", before='<grace slash="yes"/>')
    measures = [ATTRIBUTES + note("C"), grace + note("C", duration=4, kind="half"), note("E") + grace
                + note("G", chord=True, duration=None)]
    ours = check(tmp_path, one_part(*measures), accepted=True)
    assert (ours.notes[1].start_time, ours.notes[1].end_time, ours.notes[1].denominator) == (0, 0, 1)


def test_notes_in_unusual_shapes_go_through_elementtree_one_by_one(tmp_path):
    shapes = [
        "<note><pitch><step>C</step><octave>4</octave></pitch><voice>1</voice><duration>2</duration></note>",
        "<note><pitch><octave>4</octave><step>D</step></pitch><duration>2</duration></note>",
        "<note><pitch><step>E</step><octave>4</octave></pitch><duration>1</duration><duration>1</duration></note>",
        "<note><pitch><step>F</step><octave>4</octave></pitch><duration>&#50;</duration></note>",
        "<note><!-- hmm --><pitch><step>G</step><octave>4</octave></pitch><duration>2</duration></note>",
        "<note><pitch><step>A</step><alter/><octave>4</octave></pitch><duration>2</duration></note>",
        ("<note><pitch><step>B</step><octave>4</octave></pitch><duration>2</duration><type>quarter</type>"
         "<notations><dot/></notations><dot/></note>"),
        "<note><rest/><pitch><step>B</step><octave>4</octave></pitch><duration>2</duration></note>",
        ('<note><pitch><step>C</step><octave>5</octave></pitch><duration>2</duration><type size="a>b">eighth</type>'
         "</note>"),
    ]
    check(tmp_path, one_part(ATTRIBUTES + "".join(shapes)), fast=True, accepted=True)


def test_usual_notes_need_no_elementtree(tmp_path, monkeypatch):
    shapes = [
        note("C", duration=None, kind="eighth", before='<grace slash="yes"/>', after="<stem>up</stem>"),
        note("E", duration=3, dots=1, after='<accidental>sharp</accidental><stem default-y="5">up</stem>'
                                             '<beam number="1">begin</beam><notations><tied type="stop"/>'
                                             "<fermata/></notations>"),
        note("G", chord=True, duration=3, tuplet=(3, 2), after="<stem>up</stem><staff>1</staff>"),
        note("A", duration=1, alter=-1, kind="16th", after="<lyric number='1'><syllabic>end</syllabic>"
                                                            "<text>men</text></lyric>").replace(
            "<voice>", '<tie type="start"/><voice>').replace("<chord/>", "<chord />"),
        note(rest=True, duration=4).replace("<rest/>", '<rest measure="yes"><display-step>B</display-step>'
                                                      "<display-octave>4</display-octave></rest>"),
        note("B", duration=2, kind=None, voice=None, dots=2).replace("<note>", '<note default-x="12">'),
    ]
    text = one_part(ATTRIBUTES + "".join(shapes)).replace("><", ">\n      <")

    check(tmp_path, text, accepted=True)

    def no_elementtree(element):
        raise AssertionError(ET.tostring(element))

    monkeypatch.setattr(musicxml, "_note_from_element", no_elementtree)
    assert len(musicxml_file_to_note_sequence(tmp_path / "score.xml").notes) == 5


@pytest.mark.parametrize("bad_note", [
    ("<note><unpitched><display-step>C</display-step><display-octave>4</display-octave></unpitched>"
     "<duration>2</duration></note>"),
    "<note><duration>2</duration></note>",
    note("H"),
    note("C", kind="crotchet"),
    note("C", alter="sharp"),
    note("C", tuplet=(0, 1)),
    note(rest=True, tuplet=(1, 0)),
    note("C", duration="two"),
    note("C", voice=""),
    note("C", octave=10**12),
    note("C", voice=2**31),
    note(rest=True).replace("<rest/>", "<rest/><unpitched><display-step>C</display-step></unpitched>"),
    note("C").replace("<voice>1</voice>", "<voice/>"),
])
def test_bad_notes_are_rejected(tmp_path, bad_note):
    check(tmp_path, one_part(ATTRIBUTES + bad_note), accepted=False)


def test_rests_with_a_zero_tuplet_are_accepted(tmp_path):
    check(tmp_path, one_part(ATTRIBUTES + note(rest=True, tuplet=(0, 1))), accepted=True)


def test_a_measure_holding_only_a_forward_gets_a_rest_at_its_end(tmp_path):
    measures = [ATTRIBUTES + note("C", duration=8, kind="whole"),
                "<forward><duration>8</duration></forward>" + tempo(60),
                note("D", duration=8, kind="whole")]
    check(tmp_path, one_part(*measures), accepted=True)


# ---------------------------------------------------------------------------
# Parts, tempos, dynamics


def test_parts_with_midi_instruments_and_a_part_without_score_part(tmp_path):
    part_list = ("<part-list>" + score_part("P1", "Flute", channel=3, program=74)
                 + '<part-group type="start" number="1"/>' + score_part("P2", "Cello &amp; Bass", channel=2, program=43)
                 + '<score-part id="P3"><part-name/></score-part></part-list>')
    parts = [part("P1", ATTRIBUTES + note("C")), part("P2", note("D")), part("P3", note("E")), part("P9", note("F"))]
    ours = check(tmp_path, document(*parts, part_list=part_list), accepted=True)
    assert [(n.instrument, n.program, n.part) for n in ours.notes] == [(3, 74, 0), (2, 43, 1), (0, 0, 2), (0, 0, 3)]
    assert [info.name for info in ours.part_infos] == ["Flute", "Cello & Bass", "", ""]


def test_part_ids_match_as_written(tmp_path):
    part_list = "<part-list>" + score_part(" P1", "Spaced") + score_part("P1", "Plain") + "</part-list>"
    parts = [part(" P1", ATTRIBUTES + note("C")), "<part id='P1'>" + "<measure>" + note("D") + "</measure></part>"]
    ours = check(tmp_path, document(*parts, part_list=part_list), accepted=True)
    assert [info.name for info in ours.part_infos] == ["Spaced", "Plain"]


def test_only_the_first_part_list_counts(tmp_path):
    text = document(part("P1", ATTRIBUTES + note("C"))).replace(
        "<part id", "<part-list>" + score_part("P1", "Second") + "</part-list><part id")
    ours = check(tmp_path, text, accepted=True)
    assert ours.part_infos[0].name == "Part P1"


def test_part_list_after_the_parts(tmp_path):
    text = document(part("P1", ATTRIBUTES + note("C")), part_list="").replace(
        "</score-partwise>", "<part-list>" + score_part("P1", "Late", 5, 10) + "</part-list></score-partwise>")
    ours = check(tmp_path, text, accepted=True)
    assert ours.part_infos[0].name == "Late"


def test_tempo_changes_and_dynamics(tmp_path):
    measures = [ATTRIBUTES + tempo(90) + note("C") + tempo(0, dynamics=100) + note("D") + note("E") + note("F"),
                tempo(144.5) + note("G", duration=8, kind="whole") + "<sound tempo='30'/>"]
    ours = check(tmp_path, one_part(*measures), accepted=True)
    assert [t.qpm for t in ours.tempos] == [90, 120, 144.5]
    assert ours.notes[1].velocity == 100


def test_tempos_come_from_the_first_part_only(tmp_path):
    # The first part has no tempo: note-seq's default tempo takes the last one seen anywhere.
    parts = [part("P1", ATTRIBUTES + note("C")), part("P2", tempo(72) + note("C"), tempo(50) + note("D"))]
    ours = check(tmp_path, document(*parts), accepted=True)
    assert [(t.time, t.qpm) for t in ours.tempos] == [(0, 50)]


def test_tempo_carries_over_into_the_next_part(tmp_path):
    parts = [part("P1", ATTRIBUTES + note("C") + tempo(60) + note("D")), part("P2", note("E") + note("F"))]
    check(tmp_path, document(*parts), accepted=True)


@pytest.mark.parametrize("direction", [tempo("fast"), tempo(80, dynamics="70.5"), tempo(80, dynamics=2**31)])
def test_bad_tempos_are_rejected(tmp_path, direction):
    check(tmp_path, one_part(ATTRIBUTES + direction + note("C")), accepted=False)


# ---------------------------------------------------------------------------
# Time and key signatures


def test_time_signature_changes_pickups_and_partial_measures(tmp_path):
    three_four = "<attributes><time><beats>3</beats><beat-type>4</beat-type></time></attributes>"
    measures = [ATTRIBUTES + note("G"), note("C", duration=8, kind="whole"),
                three_four + note("C", duration=6, kind="half", dots=1),
                note("D", duration=4, kind="half"), note("E", duration=6, kind="half", dots=1),
                "<attributes><divisions>4</divisions><time><beats>6</beats><beat-type>8</beat-type></time></attributes>"
                + note("C", duration=12, kind="half", dots=1), "<attributes><divisions>1</divisions></attributes>"]
    ours = check(tmp_path, one_part(*measures), accepted=True)
    assert len(ours.time_signatures) > 3


def test_without_time_signature_measures_get_their_own_length(tmp_path):
    measures = ["<attributes><divisions>3</divisions></attributes>" + note("C", duration=5),
                note("D", duration=5), note("E", duration=6)]
    check(tmp_path, one_part(*measures), accepted=True)


def test_equal_signatures_of_several_parts_are_kept_once(tmp_path):
    minor = ("<attributes><divisions>2</divisions><key><fifths>-3</fifths><mode>minor</mode></key>"
             "<time><beats>2</beats><beat-type>2</beat-type></time></attributes>")
    parts = [part(f"P{index}", minor + note("C", duration=8, kind="whole")) for index in range(3)]
    ours = check(tmp_path, document(*parts), accepted=True)
    assert (len(ours.time_signatures), len(ours.key_signatures)) == (1, 1)


@pytest.mark.parametrize("fifths", [-7, 7, -8, -22])
def test_key_signatures_index_like_note_seq(tmp_path, fifths):
    # Beyond seven flats note-seq's table index goes negative and wraps around.
    attributes = ATTRIBUTES.replace("<fifths>0</fifths>", f"<fifths>{fifths}</fifths>")
    check(tmp_path, one_part(attributes + note("C"), "<attributes><key><fifths>2</fifths></key></attributes>"
                             + note("D")), accepted=True)


@pytest.mark.parametrize("semitones", [-3, 2, 5, 11])
def test_transposition_moves_pitches_and_the_measures_key(tmp_path, semitones):
    transpose = f"<attributes><key><fifths>3</fifths></key><transpose><diatonic>0</diatonic>" \
                f"<chromatic>{semitones}</chromatic></transpose></attributes>"
    ours = check(tmp_path, one_part(ATTRIBUTES + transpose + note("C"), note("D")), accepted=True)
    assert ours.notes[0].pitch == 60 + semitones


@pytest.mark.parametrize("beats, beat_type, accepted", [(99999999999, 4, True), (4, 99999999999, False)])
def test_time_signatures_beyond_int32_fail_only_when_they_reach_the_sequence(tmp_path, beats, beat_type, accepted):
    # A beat count above the measure's length in divisions makes note-seq put
    # a "pickup" signature in its place.
    huge = f"<attributes><time><beats>{beats}</beats><beat-type>{beat_type}</beat-type></time></attributes>"
    check(tmp_path, one_part(ATTRIBUTES + note("C"), huge + note("D", duration=8, kind="whole")), accepted=accepted)


@pytest.mark.parametrize("attributes", [
    "<attributes><time><beats>3+2</beats><beat-type>8</beat-type></time></attributes>",
    ("<attributes><time><beats>2</beats><beat-type>4</beat-type><beats>3</beats><beat-type>8</beat-type></time>"
     "</attributes>"),
    "<attributes><time><senza-misura/></time></attributes>",
    ("<attributes><time><beats>2</beats><beat-type>4</beat-type></time></attributes>"
     "<attributes><time><beats>3</beats><beat-type>4</beat-type></time></attributes>"),
    "<attributes><time><beats>2</beats><beat-type>0</beat-type></time></attributes>",
    "<attributes><key><mode>major</mode></key></attributes>",
    "<attributes><key><fifths>8</fifths></key></attributes>",
    "<attributes><divisions>0</divisions></attributes>",
    "<attributes><transpose><diatonic>1</diatonic></transpose></attributes>",
])
def test_bad_attributes_are_rejected(tmp_path, attributes):
    check(tmp_path, one_part(ATTRIBUTES + note("C"), attributes + note("D")), accepted=False)


# ---------------------------------------------------------------------------
# Chord symbols


def harmony(root="C", alter=None, kind="major", degrees=(), bass=None, offset=None):
    alter_element = "" if alter is None else f"<root-alter>{alter}</root-alter>"
    root_element = "" if root is None else f"<root><root-step>{root}</root-step>{alter_element}</root>"
    degree_elements = "".join(
        f"<degree><degree-value>{value}</degree-value><degree-alter>{degree_alter}</degree-alter>"
        f"<degree-type>{kind_of}</degree-type></degree>" for value, degree_alter, kind_of in degrees)
    bass_element = "" if bass is None else f"<bass><bass-step>{bass}</bass-step><bass-alter>-1</bass-alter></bass>"
    offset_element = "" if offset is None else f"<offset>{offset}</offset>"
    kind_element = "" if kind is None else f'<kind text="">{kind}</kind>'
    return f"<harmony>{root_element}{kind_element}{degree_elements}{bass_element}{offset_element}</harmony>"


def test_chord_symbols_become_text_annotations(tmp_path):
    symbols = [harmony("B", -1, "minor-seventh", degrees=[(5, -1, "alter")], bass="F"),
               harmony("D", kind=" dominant ", degrees=[(9, 0, "add"), (3, 0, "subtract"), (11, 1, "add")], offset=1),
               harmony(None, kind="none"), harmony("E", kind=None), harmony("F", kind="maj69")]
    measure = ATTRIBUTES + "".join(symbol + note("C") for symbol in symbols[:4]) + symbols[4]
    ours = check(tmp_path, one_part(measure), accepted=True)
    assert [a.text for a in ours.text_annotations] == ["Bbm7(b5)/Fb", "D7(add9)(no3)(#11)", "N.C.", "E", "F6(add9)"]


def test_chord_symbol_offsets_use_note_seqs_own_float_arithmetic(tmp_path):
    # With 3 divisions, 5 divisions of offset come to 0.8333333333333334 s the
    # way note-seq computes offsets, a last bit more than the way it computes
    # durations.
    measure = ("<attributes><divisions>3</divisions></attributes>" + harmony("C", offset=5)
               + note("C", duration=5) + note("D", duration=1))
    ours = check(tmp_path, one_part(measure), accepted=True)
    assert ours.text_annotations[0].time == 5 * 220 / 3 / 220 * 0.5 != ours.notes[1].start_time


@pytest.mark.parametrize("symbol", [
    harmony(kind="strange"), harmony(None), harmony("C", alter=3), harmony("C", alter="x"),
    harmony(degrees=[(9, 0, "alter")]), harmony(degrees=[(9, 0, "change")]), harmony(offset="1.5"),
    "<harmony><root><root-alter>1</root-alter></root><kind>major</kind></harmony>",
    "<attributes><transpose><chromatic>2</chromatic></transpose></attributes>" + harmony("C"),
])
def test_bad_chord_symbols_are_rejected(tmp_path, symbol):
    check(tmp_path, one_part(ATTRIBUTES + symbol + note("C")), accepted=False)


# ---------------------------------------------------------------------------
# The document itself


def test_utf16_comments_and_processing_instructions(tmp_path):
    text = document(part("P1", ATTRIBUTES + note("C") + "<!-- </measure> --><?pi </note>?>" + note("D")),
                    prolog='<?xml version="1.0" encoding="UTF-16"?>\n<!-- intro --><?app x?>' + EXTERNAL_DTD)
    text = text.replace("<part-list>", "<part-list><?Finale link='p1'?>")
    check(tmp_path, text.encode("utf-16"), accepted=True)


def test_utf8_byte_order_mark(tmp_path):
    check(tmp_path, b"\xef\xbb\xbf" + one_part(ATTRIBUTES + note("C")).replace("Part P1", "Fl\xfbte").encode(),
          accepted=True)


@pytest.mark.parametrize("text", [
    # CDATA: the part name holds markup-like text
    document(part("P1", ATTRIBUTES + note("C")), part_list='<part-list><score-part id="P1"><part-name>'
             "<![CDATA[Piano <right hand>]]></part-name></score-part></part-list>"),
    # an internal DTD subset can give every <sound> a tempo
    document(part("P1", ATTRIBUTES + "<direction><sound/></direction>" + note("C")),
             prolog=DECLARATION + "<!DOCTYPE score-partwise [<!ATTLIST sound tempo CDATA '60'>]>"),
    # another encoding, even where the bytes would be valid UTF-8
    document(part("P1", ATTRIBUTES + note("C")), prolog='<?xml version="1.0" encoding="ISO-8859-1"?>').replace(
        "Part P1", "Fl\xfbte"),
    document(part("P1", ATTRIBUTES + note("C")), prolog="<?xml version='1.0' encoding='windows-1252'?>").replace(
        "Part P1", "Caf\xc3\xa9"),
    # a namespace: note-seq finds no part at all
    document(part("P1", ATTRIBUTES + note("C"))).replace('version="3.1"', 'xmlns="http://example.com/" version="3.1"'),
    # whitespace and an entity in a part id
    document(part("P&amp;1", ATTRIBUTES + note("C")), part_list="<part-list>" + score_part("P&amp;1") + "</part-list>"),
    # a measure outside any part (a timewise score)
    document("<measure number='1'><part id='P1'>" + note("C") + "</part></measure>", part_list="",
             root="score-timewise"),
    # a comment after the root
    document(part("P1", ATTRIBUTES + note("C"))) + "<!-- the end -->",
    # a part inside a part: note-seq reads its measures as part of neither
    document(part("P1", ATTRIBUTES + note("C")).replace("</part>", part("P2", note("D")) + "</part>")),
    # an element inside one of the same name
    one_part(ATTRIBUTES + "<note><pitch><step>D</step><octave>5</octave></pitch><duration>2</duration><note/></note>"),
])
def test_unusual_documents_go_through_elementtree(tmp_path, text):
    check(tmp_path, text.encode("latin-1"), fast=False, accepted=True)


@pytest.mark.parametrize("text", [
    "not xml at all",
    # expat lets an undefined entity pass when the DTD is external; ElementTree refuses it
    document(part("P1", ATTRIBUTES + note("C")), prolog=DECLARATION + EXTERNAL_DTD).replace("Part P1", "&nbsp;"),
    one_part(ATTRIBUTES + note("C"))[:-30],
    one_part(ATTRIBUTES + note("C")).replace("<voice>", "<voice>&nbsp;"),
    one_part(ATTRIBUTES + note("C")).replace("<voice>", "<voice a=1>"),
    one_part(ATTRIBUTES + note("C")).replace("</measure>", "</measure></measure>"),
    "",
])
def test_malformed_documents_are_rejected(tmp_path, text):
    check(tmp_path, text, fast=False, accepted=False)


def test_empty_and_partless_scores(tmp_path):
    check(tmp_path, '<score-partwise version="3.1"/>', accepted=True)
    check(tmp_path, document(part_list="<part-list/>"), accepted=True)
    empty_measure = f'<part id="P3"><measure number="1"/><measure number="2">{ATTRIBUTES + note("C")}</measure></part>'
    ours = check(tmp_path, document('<part id="P1"/>', part("P2", ""), empty_measure), accepted=True)
    assert len(ours.notes) == 1


def test_long_trailing_text_takes_no_time(tmp_path):
    # Were the tokenizer run up to the root's end tag, it would retry at every
    # character of the text before it.
    text = one_part(ATTRIBUTES + note("C")).replace("</score-partwise>", " " * 300_000 + "</score-partwise>")
    started = time.perf_counter()
    check(tmp_path, text, accepted=True)
    assert time.perf_counter() - started < 2


# ---------------------------------------------------------------------------
# Compressed archives


def mxl(files):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def container(*rootfiles):
    entries = "".join(f"<rootfile {attributes}/>" for attributes in rootfiles)
    return f'<?xml version="1.0"?><container><rootfiles>{entries}</rootfiles></container>'


SCORE = one_part(ATTRIBUTES + note("C") + note("E"))


def test_mxl_reads_the_score_named_in_container_xml(tmp_path):
    files = {"META-INF/container.xml": container('full-path="other.xml" media-type="application/other"',
                                                 'full-path="music/score.xml"'),
             "other.xml": "<nonsense/>", "music/score.xml": SCORE}
    ours = check(tmp_path, mxl(files), name="score.mxl", accepted=True)
    assert len(ours.notes) == 2


def test_mxl_member_names_without_the_utf8_flag_are_read_as_utf8(tmp_path):
    # zipfile decodes unflagged names as code page 437; note-seq takes them for UTF-8.
    files = {"META-INF/container.xml": container('full-path="sc\xf6re.xml"'), "scXXre.xml": SCORE}
    data = mxl(files).replace(b"scXXre.xml", "sc\xf6re.xml".encode())
    assert zipfile.ZipFile(io.BytesIO(data)).namelist()[1] != "sc\xf6re.xml"
    ours = check(tmp_path, data, name="score.mxl", accepted=True)
    assert len(ours.notes) == 2


@pytest.mark.parametrize("files", [
    {"score.xml": SCORE},
    {"META-INF/container.xml": container('full-path="a.xml"', 'full-path="b.xml"'), "a.xml": SCORE, "b.xml": SCORE},
    {"META-INF/container.xml": container('full-path="missing.xml"'), "a.xml": SCORE},
    {"META-INF/container.xml": container('media-type="application/vnd.recordare.musicxml+xml"'), "a.xml": SCORE},
    {"META-INF/container.xml": "<container><rootfiles>", "a.xml": SCORE},
    {"META-INF/container.xml": container('full-path="a.xml"').replace(
        "<container>", '<container xmlns="urn:oasis:names:tc:opendocument:xmlns:container">'), "a.xml": SCORE},
    {"META-INF/container.xml": container('full-path="a.xml"'), "a.xml": SCORE[:50]},
])
def test_bad_archives_are_rejected(tmp_path, files):
    check(tmp_path, mxl(files), name="score.mxl", fast=None, accepted=False)


def test_not_a_zip_is_rejected(tmp_path):
    check(tmp_path, b"PK\x03\x04 broken", name="score.mxl", fast=None, accepted=False)


def test_only_lower_case_mxl_is_unzipped(tmp_path):
    files = {"META-INF/container.xml": container('full-path="a.xml"'), "a.xml": SCORE}
    check(tmp_path, mxl(files), name="score.MXL", fast=False, accepted=False)


def test_reader_does_not_import_note_seqs_parser():
    code = ("import sys; import symphonia.music.musicxml;"
            "print(any(name.startswith('note_seq.musicxml') for name in sys.modules))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"


# ---------------------------------------------------------------------------
# Random scores

STEPS = "CDEFGAB"
TYPES = ["whole", "half", "quarter", "eighth", "16th"]


@st.composite
def random_notes(draw):
    rest = draw(st.booleans()) and draw(st.booleans())
    grace = not rest and draw(st.integers(0, 9)) == 0
    text = note(
        draw(st.sampled_from(STEPS)), draw(st.integers(1, 7)),
        None if grace else draw(st.integers(0, 6)), draw(st.sampled_from(TYPES + [None])),
        draw(st.sampled_from([None, None, -1, 1, 0, 2, -2, "0.5"])), draw(st.sampled_from([1, 1, 2, None])),
        chord=draw(st.integers(0, 3)) == 0, rest=rest, dots=draw(st.sampled_from([0, 0, 1, 2])),
        tuplet=draw(st.sampled_from([None, None, (3, 2), (5, 4)])),
        before='<grace/>' if grace else "",
        after=draw(st.sampled_from(["", '<stem default-y="-5">down</stem>', "<notations><slur/></notations>"])))
    if draw(st.integers(0, 7)) == 0:  # a child out of schema order
        text = text.replace("<voice>", "<voice default='1'>").replace("</note>", "<voice>2</voice></note>")
    return text


@st.composite
def random_measure_items(draw):
    kind = draw(st.integers(0, 12))
    if kind == 0:
        return f"<backup><duration>{draw(st.integers(0, 8))}</duration></backup>"
    if kind == 1:
        return f"<forward><duration>{draw(st.integers(0, 8))}</duration><voice>2</voice></forward>"
    if kind == 2:
        return tempo(draw(st.sampled_from([60, 96.5, 0, 200])), draw(st.sampled_from([None, 40, 90])))
    if kind == 3:
        return harmony(draw(st.sampled_from(STEPS)), draw(st.sampled_from([None, -1, 1])),
                       draw(st.sampled_from(["major", "minor", "dominant", "none"])))
    if kind == 4:
        time = draw(st.sampled_from(["", "<time><beats>3</beats><beat-type>4</beat-type></time>",
                                     "<time><beats>6</beats><beat-type>8</beat-type></time>"]))
        return (f"<attributes><divisions>{draw(st.integers(1, 4))}</divisions>"
                f"<key><fifths>{draw(st.integers(-7, 7))}</fifths></key>{time}</attributes>")
    return draw(random_notes())


@st.composite
def random_scores(draw):
    parts = []
    for index in range(draw(st.integers(1, 3))):
        measures = ["".join(draw(st.lists(random_measure_items(), max_size=7)))
                    for _ in range(draw(st.integers(1, 4)))]
        parts.append(part(f"P{index}", *measures))
    text = document(*parts)
    if draw(st.booleans()):
        text = text.replace("><", ">\n  <")
    return text


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(random_scores())
def test_random_scores_read_as_note_seq_reads_them(text):
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "random.xml"
        path.write_text(text)
        check_file(path, fast=True)
