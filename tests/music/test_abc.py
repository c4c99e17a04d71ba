"""Tests of the ABC tunebook reader (symphonia.music.abc).

Times are checked in unit note lengths: with no Q: field the tempo is 120 qpm,
so with ``L:1/8`` one unit lasts 0.25 s.
"""

import logging
import math

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from symphonia.music.abc import parse_abc_tunebook
from symphonia.music.errors import MusicReadError
from symphonia.music.proto import NoteSequence

EIGHTH = 0.25  # seconds of an eighth note at the default 120 qpm


def read(text):
    """The only tune of ``text``, which must convert."""
    results = parse_abc_tunebook(text)
    assert len(results) == 1
    sequence = results[0][1]
    assert not isinstance(sequence, MusicReadError), sequence
    return sequence


def tune(body, header="L:1/8\nK:C"):
    return f"X:1\n{header}\n{body}\n"


def pitches(sequence):
    return [note.pitch for note in sequence.notes]


def timeline(sequence, unit=EIGHTH):
    """(pitch, start, duration) of each note, in unit note lengths (to 6 decimals)."""
    return [(note.pitch, round(note.start_time / unit, 6), round((note.end_time - note.start_time) / unit, 6))
            for note in sequence.notes]


def rounded(notes):
    """Expected (pitch, start, duration) triples rounded as :func:`timeline` rounds."""
    return [(pitch, round(start, 6), round(duration, 6)) for pitch, start, duration in notes]


# MIDI pitches of the notes used below.
C, D, E, F, G, A, B = 60, 62, 64, 65, 67, 69, 71
c, d, e, f, g = 72, 74, 76, 77, 79


# -- Tunebooks ----------------------------------------------------------------


def test_every_tune_gets_its_reference_number_in_file_order():
    text = ("X:7\nT:First\nK:C\nCDE|\n\n"
            "Some free text between tunes.\n\n"
            "X: 0012\nT:Second\nK:G\nGAB|\n\n"
            "X:3\nT:Third\nK:D\ndef|\n")
    results = parse_abc_tunebook(text)
    assert [number for number, _ in results] == [7, 12, 3]
    assert [sequence.sequence_metadata.title for _, sequence in results] == ["First", "Second", "Third"]
    assert [sequence.reference_number for _, sequence in results] == [7, 12, 3]


def test_a_broken_tune_is_reported_and_the_others_convert():
    text = ("X:1\nK:C\nCDE|\n\n"
            "X:2\nK:G#\nGAB|\n\n"  # eight sharps: no such key signature
            "X:3\nK:C\nc''''''''|\n\n"  # far above the MIDI range
            "X:4\nT:Only a header\nK:C\n\n"
            "X:5\nK:C\nEFG|\n")
    results = parse_abc_tunebook(text)
    assert [number for number, _ in results] == [1, 2, 3, 4, 5]
    errors = {number: result for number, result in results if isinstance(result, MusicReadError)}
    assert set(errors) == {2, 3, 4}
    assert errors[2].reason == "unsupported key signature"
    assert errors[3].reason == "note outside the MIDI pitch range"
    assert errors[4].reason == "tune has no notes"
    assert pitches(results[4][1]) == [E, F, G]


def test_file_header_fields_apply_to_every_tune():
    text = "% a tunebook\nM:2/4\nL:1/4\nC:Trad.\n\nX:1\nK:C\nCD|\n\nX:2\nL:1/8\nK:C\nCD|\n"
    first, second = (sequence for _, sequence in parse_abc_tunebook(text))
    assert timeline(first, unit=0.5) == [(C, 0, 1), (D, 1, 1)]
    assert timeline(second) == [(C, 0, 1), (D, 1, 1)]
    assert list(first.sequence_metadata.composers) == ["Trad."]
    assert (first.time_signatures[0].numerator, first.time_signatures[0].denominator) == (2, 4)


def test_a_byte_order_mark_does_not_hide_the_first_tune():
    assert [number for number, _ in parse_abc_tunebook("\ufeffX:5\nK:C\nC|\n")] == [5]


def test_a_tune_ends_at_the_first_empty_line():
    sequence = read("X:1\nK:C\nCD|\n\nEF|\n")
    assert pitches(sequence) == [C, D]


def test_metadata_follows_note_seq():
    sequence = read("X:4\nT:Main title\nT:Other title\nC:Composer One\nC:Composer Two\nM:6/8\nK:G\nGAB|\n")
    assert sequence.sequence_metadata.title == "Main title; Other title"
    assert list(sequence.sequence_metadata.composers) == ["Composer One", "Composer Two"]
    assert sequence.sequence_metadata.artist == "Composer One"
    assert sequence.ticks_per_quarter == 220
    assert sequence.source_info.encoding_type == NoteSequence.SourceInfo.ABC
    assert sequence.source_info.parser == NoteSequence.SourceInfo.MAGENTA_ABC
    assert sequence.source_info.source_type == NoteSequence.SourceInfo.SCORE_BASED
    assert sequence.total_time == pytest.approx(3 * EIGHTH)


# -- Parts and repeats ----------------------------------------------------------


def test_parts_play_in_the_header_order():
    sequence = read(tune("P:A\nCD|\nP:B\nEF|\nP:C\nGA|]", header="L:1/8\nP:ABACA\nK:C"))
    assert pitches(sequence) == [C, D, E, F, C, D, G, A, C, D]
    assert timeline(sequence)[4:6] == [(C, 4, 1), (D, 5, 1)]


def test_repeated_part_groups():
    sequence = read(tune("[P:A] C | [P:B] D | [P:C] E |]", header="L:1/8\nP:(AB)2C.A2\nK:C"))
    assert pitches(sequence) == [C, D, C, D, E, C, C]


def test_parts_without_a_header_order_play_as_written():
    sequence = read(tune("P:A\n|: C D :|\nP:B\n|: E F :|"))
    assert pitches(sequence) == [C, D, C, D, E, F, E, F]


def test_each_part_unrolls_its_own_repeats():
    sequence = read(tune("P:A\nC :|\nP:B\nD E :|", header="L:1/8\nP:BA\nK:C"))
    assert pitches(sequence) == [D, E, D, E, C, C]


def test_simple_repeat_times():
    sequence = read(tune("|: C D :| E"))
    assert timeline(sequence) == [(C, 0, 1), (D, 1, 1), (C, 2, 1), (D, 3, 1), (E, 4, 1)]


def test_a_second_repeat_goes_back_to_the_end_of_the_first():
    sequence = read(tune("C D :| E F :|"))
    assert pitches(sequence) == [C, D, C, D, E, F, E, F]


def test_a_double_bar_starts_the_passage_a_repeat_goes_back_to():
    sequence = read(tune("C || D :|"))
    assert pitches(sequence) == [C, D, D]


def test_colons_between_two_repeats():
    sequence = read(tune("C D :: E F :|"))
    assert pitches(sequence) == [C, D, C, D, E, F, E, F]


def test_extra_colons_add_passes():
    sequence = read(tune("|: C ::| D"))
    assert pitches(sequence) == [C, C, C, D]


def test_first_and_second_endings():
    sequence = read(tune("|: C D |1 E F :|2 G A || B"))
    assert timeline(sequence) == [(C, 0, 1), (D, 1, 1), (E, 2, 1), (F, 3, 1),
                                  (C, 4, 1), (D, 5, 1), (G, 6, 1), (A, 7, 1), (B, 8, 1)]


def test_bracketed_endings_and_a_repeat_after_them():
    sequence = read(tune("|: C [1 D :| [2 E || F :|"))
    assert pitches(sequence) == [C, D, C, E, F, F]


def test_an_omitted_second_ending_plays_on():
    sequence = read(tune("C |1 D :| E F"))
    assert pitches(sequence) == [C, D, C, E, F]


def test_endings_with_several_passes():
    sequence = read(tune("|: C [1,2 D :| [3 E |]"))
    assert pitches(sequence) == [C, D, C, D, C, E]
    sequence = read(tune("|: C |1-3 D :|4 E |]"))
    assert pitches(sequence) == [C, D, C, D, C, D, C, E]


def test_a_bar_line_split_over_two_lines():
    sequence = read(tune("C D |\n: E F |\n1 G :|2 A |]"))
    assert pitches(sequence) == [C, D, E, F, G, E, F, A]


# -- Rhythm ---------------------------------------------------------------------


def test_note_lengths():
    sequence = read(tune("C2 D/ E// F3/2 G/4 A3/ z B"))
    assert timeline(sequence) == [(C, 0, 2), (D, 2, 0.5), (E, 2.5, 0.25), (F, 2.75, 1.5),
                                  (G, 4.25, 0.25), (A, 4.5, 1.5), (B, 7, 1)]


def test_triplets_take_two_thirds():
    sequence = read(tune("(3CDE F"))
    assert timeline(sequence) == rounded([(C, 0, 2 / 3), (D, 2 / 3, 2 / 3), (E, 4 / 3, 2 / 3), (F, 2, 1)])


def test_general_tuplets():
    sequence = read(tune("(3:2:2 C2D E (2FG (5:4 ABcde", header="L:1/8\nM:4/4\nK:C"))
    assert timeline(sequence) == rounded([(C, 0, 4 / 3), (D, 4 / 3, 2 / 3), (E, 2, 1), (F, 3, 1.5), (G, 4.5, 1.5),
                                          (A, 6, 0.8), (B, 6.8, 0.8), (c, 7.6, 0.8), (d, 8.4, 0.8), (e, 9.2, 0.8)])


def test_quintuplets_follow_the_meter():
    simple = read(tune("(5CDEFG", header="L:1/8\nM:2/4\nK:C"))
    compound = read(tune("(5CDEFG", header="L:1/8\nM:6/8\nK:C"))
    assert timeline(simple)[0][2] == pytest.approx(0.4)
    assert timeline(compound)[0][2] == pytest.approx(0.6)


def test_broken_rhythms():
    sequence = read(tune("C>D E<F G>>A c2<d2"))
    assert timeline(sequence) == [(C, 0, 1.5), (D, 1.5, 0.5), (E, 2, 0.5), (F, 2.5, 1.5),
                                  (G, 4, 1.75), (A, 5.75, 0.25), (c, 6, 1), (d, 7, 3)]


def test_chords():
    sequence = read(tune("[CEG]2 [C2E2]>[DF] [Ac]/ B"))
    assert timeline(sequence) == [(C, 0, 2), (E, 0, 2), (G, 0, 2),
                                  (C, 2, 3), (E, 2, 3), (D, 5, 0.5), (F, 5, 0.5),
                                  (A, 5.5, 0.5), (c, 5.5, 0.5), (B, 6, 1)]


def test_a_chord_advances_by_its_first_note_and_merges_unisons():
    sequence = read(tune("[C2E] [GG] A"))
    assert timeline(sequence) == [(C, 0, 2), (E, 0, 1), (G, 2, 1), (A, 3, 1)]


def test_tied_notes_become_one_note():
    sequence = read(tune("C2-C D-|D E-F"))
    assert timeline(sequence) == [(C, 0, 3), (D, 3, 2), (E, 5, 1), (F, 6, 1)]


def test_ties_in_chords():
    sequence = read(tune("[CE]-[CE] [G-B]G"))
    assert timeline(sequence) == [(C, 0, 2), (E, 0, 2), (G, 2, 2), (B, 2, 1)]


def test_a_tie_carries_its_accidental_over_the_bar_line():
    sequence = read(tune("^C-|C C"))
    assert timeline(sequence) == [(C + 1, 0, 2), (C, 2, 1)]


def test_measure_rests_last_whole_bars():
    sequence = read(tune("C Z2 | D", header="L:1/8\nM:3/4\nK:C"))
    assert timeline(sequence) == [(C, 0, 1), (D, 13, 1)]


def test_tempo_fields():
    assert read(tune("C", header="L:1/8\nQ:1/4=60\nK:C")).notes[0].end_time == pytest.approx(0.5)
    assert read(tune("C", header="L:1/8\nQ:3/8=40\nK:C")).notes[0].end_time == pytest.approx(0.5)
    assert read(tune("C", header="L:1/8\nQ:240\nK:C")).notes[0].end_time == pytest.approx(0.25)
    assert read(tune("C", header='L:1/8\nQ:"Allegro" 1/4=240\nK:C')).tempos[0].qpm == 240


@pytest.mark.parametrize("meter, unit", [("2/4", 1 / 16), ("3/4", 1 / 8), ("6/8", 1 / 8), ("C|", 1 / 8),
                                         ("none", 1 / 8)])
def test_default_unit_note_length_from_the_meter(meter, unit):
    sequence = read(f"X:1\nM:{meter}\nK:C\nC\n")
    assert sequence.notes[0].end_time == pytest.approx(unit * 4 * 0.5)


# -- Pitch ----------------------------------------------------------------------


def test_octaves_and_accidentals():
    sequence = read(tune("C, c c' ^C _D =E ^^F __B"))
    assert pitches(sequence) == [48, 72, 84, 61, 61, 64, 67, 69]


def test_accidentals_last_until_the_bar_line_in_every_octave():
    sequence = read(tune("^C C c | C", header="L:1/8\nK:C"))
    assert pitches(sequence) == [61, 61, 73, 60]


@pytest.mark.parametrize("key, expected", [
    ("G", [C, D, E, F + 1, G, A, B]),
    ("Bb", [C, D, E - 1, F, G, A, B - 1]),
    ("Ador", [C, D, E, F + 1, G, A, B]),
    ("E Minor", [C, D, E, F + 1, G, A, B]),
    ("Dmix=c", [C, D, E, F + 1, G, A, B]),
    ("D exp _b", [C, D, E, F, G, A, B - 1]),
    ("G clef=bass", [C, D, E, F + 1, G, A, B]),
    ("none", [C, D, E, F, G, A, B]),
    ("HP", [C + 1, D, E, F + 1, G, A, B]),
])
def test_key_signatures(key, expected):
    assert pitches(read(tune("CDEFGAB", header=f"L:1/8\nK:{key}"))) == expected


def test_key_signature_proto():
    sequence = read(tune("C", header="L:1/8\nK:Ador"))
    assert (sequence.key_signatures[0].key, sequence.key_signatures[0].mode) == (
        NoteSequence.KeySignature.A, NoteSequence.KeySignature.DORIAN)


def test_inline_fields_change_key_meter_length_and_tempo():
    sequence = read(tune("F [K:G] F | [M:3/4] [L:1/4] F | [Q:1/4=60] F", header="L:1/8\nM:4/4\nK:C"))
    assert pitches(sequence) == [F, F + 1, F + 1, F + 1]
    assert [note.start_time for note in sequence.notes] == pytest.approx([0, 0.25, 0.5, 1.0])
    assert sequence.notes[-1].end_time == pytest.approx(2.0)
    assert [(k.time, k.key) for k in sequence.key_signatures] == [(0, 0), (0.25, 7)]
    assert [(t.time, t.numerator, t.denominator) for t in sequence.time_signatures] == [(0, 4, 4), (0.5, 3, 4)]
    assert [(t.time, t.qpm) for t in sequence.tempos] == [(1.0, 60)]


# -- Other symbols ----------------------------------------------------------------


def test_decorations_grace_notes_and_slurs_take_no_time():
    sequence = read(tune("{ga}C ~D .E !trill!F (GA) HB uc vd T e"))
    assert timeline(sequence) == [(p, i, 1) for i, p in enumerate([C, D, E, F, G, A, B, c, d, e])]


def test_old_plus_chords():
    assert timeline(read(tune("+C2E2+ G +f+ A"))) == [(C, 0, 2), (E, 0, 2), (G, 2, 1), (A, 3, 1)]


def test_dynamics_set_the_velocity():
    sequence = read(tune("C !f! D E !pp! F +ff+ G"))
    assert [note.velocity for note in sequence.notes] == [90, 105, 105, 45, 120]


def test_chord_symbols_and_annotations():
    sequence = read(tune('"Am"A "^fine"B "G7"G'))
    annotations = [(a.time, a.text, a.annotation_type) for a in sequence.text_annotations]
    assert annotations == [(0, "Am", NoteSequence.TextAnnotation.CHORD_SYMBOL),
                           (EIGHTH, "^fine", NoteSequence.TextAnnotation.UNKNOWN),
                           (2 * EIGHTH, "G7", NoteSequence.TextAnnotation.CHORD_SYMBOL)]


def test_comments_continuations_and_lyrics_are_skipped():
    sequence = read(tune("C D % a comment\nw: some lyrics\n%%MIDI program 1\nE \\\nF|\n|:B:|"))
    assert pitches(sequence) == [C, D, E, F, B, B]


def test_voices_sound_together():
    sequence = read("X:1\nL:1/4\nM:2/4\nV:1\nV:2\nK:C\nV:1\nc d|\nV:2\nC D|\n[V:1] e|\n")
    assert sorted((n.instrument, n.pitch, n.start_time) for n in sequence.notes) == [
        (0, c, 0), (0, d, 0.5), (0, e, 1.0), (1, C, 0), (1, D, 0.5)]
    assert len(sequence.time_signatures) == 1


# -- Against note-seq -----------------------------------------------------------------


@pytest.fixture(scope="module")
def note_seq():
    """note-seq's ABC parser and sequences_lib, imported only here: importing note_seq takes seconds."""
    from note_seq import abc_parser, sequences_lib
    logging.getLogger("absl").setLevel(logging.ERROR)
    return abc_parser, sequences_lib


def note_seq_read(note_seq, text):
    """note-seq's sequence for a tune it reads, with its repeat sections unrolled as we unroll them."""
    abc_parser, sequences_lib = note_seq
    tunes, errors = abc_parser.parse_abc_tunebook(text)
    assert not errors and len(tunes) == 1
    return sequences_lib.expand_section_groups(next(iter(tunes.values())))


def assert_same_notes(ours, theirs):
    assert [(n.pitch, n.velocity) for n in ours.notes] == [(n.pitch, n.velocity) for n in theirs.notes]
    for mine, other in zip(ours.notes, theirs.notes):
        assert math.isclose(mine.start_time, other.start_time, abs_tol=1e-9)
        assert math.isclose(mine.end_time, other.end_time, abs_tol=1e-9)


NOTE_SEQ_TUNES = [
    # Header tempo, meter-derived unit length, a key with sharps, bar accidentals.
    "X:1\nT:Tune\nC:Someone\nM:2/4\nQ:1/4=100\nK:D\nfgab|^c'de=f|Fcfc|\n",
    # Repeats, a double bar, broken rhythms, chord symbols, decorations.
    'X:2\nT:Reel\nM:C|\nL:1/8\nK:Ador\n|:"Am"A>B cd ~e2 ed|"G"g<a bg a2 ge:|\nd2 de f>ed||efga b2 a2:|\n',
    # Inline key, meter and length changes; the old tempo form.
    "X:3\nT:Changes\nM:6/8\nL:1/8\nQ:120\nK:G\nGAB cBA| [K:F] B3 [M:3/4] [L:1/4] B2 A| [Q:1/4=90] G3|\n",
    # Minor and modal keys, octave marks, lengths.
    'X:4\nT:Low\nM:3/4\nL:1/8\nK:E Minor\n"Em"E,2 B,2 "^high"E2|"D"G3/2F/ E//F//G/ A2|B,4|\n',
]


@pytest.mark.parametrize("text", NOTE_SEQ_TUNES)
def test_same_notes_and_metadata_as_note_seq(note_seq, text):
    ours, theirs = read(text), note_seq_read(note_seq, text)
    assert_same_notes(ours, theirs)
    assert ours.sequence_metadata == theirs.sequence_metadata
    assert ours.source_info == theirs.source_info
    assert ours.ticks_per_quarter == theirs.ticks_per_quarter
    assert ours.reference_number == theirs.reference_number
    assert ours.total_time == pytest.approx(theirs.total_time)


@pytest.mark.parametrize("text", [NOTE_SEQ_TUNES[0], NOTE_SEQ_TUNES[2], NOTE_SEQ_TUNES[3]])
def test_same_signatures_tempos_and_annotations_as_note_seq(note_seq, text):
    """Tunes without repeats: note-seq's unrolling copies the chord symbol in force to each repeat."""
    ours, theirs = read(text), note_seq_read(note_seq, text)
    assert [(a.time, a.text, a.annotation_type) for a in ours.text_annotations] == [
        (pytest.approx(a.time), a.text, a.annotation_type) for a in theirs.text_annotations]
    assert [(k.time, k.key, k.mode) for k in ours.key_signatures] == [
        (pytest.approx(k.time), k.key, k.mode) for k in theirs.key_signatures]
    assert [(t.time, t.numerator, t.denominator) for t in ours.time_signatures] == [
        (pytest.approx(t.time), t.numerator, t.denominator) for t in theirs.time_signatures]
    assert [(t.time, t.qpm) for t in ours.tempos] == [
        (pytest.approx(t.time), pytest.approx(t.qpm)) for t in theirs.tempos]


LENGTHS = ["", "2", "3", "/", "/2", "3/2", "4"]
notes = st.builds(lambda accidental, letter, octave: accidental + letter + octave,
                  st.sampled_from(["", "", "", "^", "_", "="]), st.sampled_from("CDEFGABcdefgab"),
                  st.sampled_from(["", "", ",", "'"]))
lengths = st.sampled_from(LENGTHS)
single = st.builds(lambda note, length: note + length, notes, lengths)
broken = st.builds(lambda first, second, length, symbol: f"{first}{length}{symbol}{second}{length}",
                   notes, notes, lengths, st.sampled_from([">", "<"]))
bars = st.lists(st.lists(st.one_of(single, single, broken), min_size=1, max_size=4).map(" ".join),
                min_size=1, max_size=6)


@st.composite
def note_seq_tunes(draw):
    """Random tunes within what note-seq reads: notes, broken rhythms, bars, repeats, key changes."""
    header = draw(st.sampled_from(["M:2/4", "M:6/8", "M:C", "M:3/4\nL:1/4", "L:1/16"]))
    tempo = draw(st.sampled_from(["", "Q:1/4=90\n", "Q:3/8=60\n", "Q:100\n"]))
    key = draw(st.sampled_from(["C", "G", "Bb", "Am", "Ddor", "Amix", "E Minor"]))
    body = []
    for bar in draw(bars):
        prefix = draw(st.sampled_from(["", "", "", "[K:D] ", "|: "]))
        body.append(prefix + bar + draw(st.sampled_from([" |", " |", " :|", " ||"])))
    return f"X:1\nT:Random\n{header}\n{tempo}K:{key}\n" + "\n".join(body) + "\n"


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.filter_too_much])
@given(note_seq_tunes())
def test_random_tunes_match_note_seq(note_seq, text):
    abc_parser, sequences_lib = note_seq
    try:
        tunes, errors = abc_parser.parse_abc_tunebook(text)
    except abc_parser.ABCParseError:  # a repeat structure it cannot follow
        tunes, errors = {}, [None]
    assume(not errors and tunes)
    assert_same_notes(read(text), sequences_lib.expand_section_groups(next(iter(tunes.values()))))


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("XKLMPVQT:|[]()<>-^_=,'/0123456789ABCDEFGabcdefgzZ{}\"!+% \n")),
               max_size=120))
def test_any_text_gives_results_not_exceptions(body):
    results = parse_abc_tunebook("X:1\nK:C\n" + body + "\n\nX:2\nK:C\nCDE|\n")
    assert results[-1][0] == 2 and pitches(results[-1][1]) == [C, D, E]
    for _, result in results:
        assert isinstance(result, (NoteSequence, MusicReadError))
