"""Small music files built in code, for tests that need real files on disk."""

import io

import pretty_midi

MUSICXML_TEMPLATE = """<?xml version="1.0" encoding="UTF-8"?>
<score-partwise version="3.1">
  <part-list><score-part id="P1"><part-name>Voice</part-name></score-part></part-list>
  <part id="P1">
    <measure number="1">
      <attributes><divisions>2</divisions><key><fifths>0</fifths></key>
        <time><beats>4</beats><beat-type>4</beat-type></time></attributes>
      <direction><direction-type><words>Moderato</words></direction-type><sound tempo="100"/></direction>
      {notes}
    </measure>
  </part>
</score-partwise>
"""


def midi_bytes(notes, tempo=120.0, drums=False, program=0):
    """A one-instrument MIDI file from ``(pitch, start_seconds, end_seconds)`` tuples."""
    midi = pretty_midi.PrettyMIDI(initial_tempo=tempo)
    instrument = pretty_midi.Instrument(program=program, is_drum=drums)
    instrument.notes = [pretty_midi.Note(velocity=90, pitch=p, start=s, end=e) for p, s, e in notes]
    midi.instruments.append(instrument)
    buffer = io.BytesIO()
    midi.write(buffer)
    return buffer.getvalue()


def musicxml_text(steps=("C", "E", "G", "C")):
    """A one-bar MusicXML score of quarter notes in octave 4."""
    notes = "".join(
        f"<note><pitch><step>{step}</step><octave>4</octave></pitch><duration>2</duration><type>quarter</type></note>"
        for step in steps)
    return MUSICXML_TEMPLATE.format(notes=notes)


ABC_TUNEBOOK = """%abc-2.1
X:1
T:First
M:4/4
L:1/8
K:G
GABc dedB|dedB dedB|

X:3
T:Second
M:3/4
L:1/4
K:D
DFA|dfa|
"""
