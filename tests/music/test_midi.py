"""symphonia.music.midi must read MIDI exactly as note_seq does, only faster.

Most tests are differential: a file is built byte by byte (so that running
status, odd meta events and broken chunks can be written at will) and read by
both ``symphonia.music.midi.midi_to_note_sequence`` and note_seq's
``midi_io.midi_to_note_sequence``; either both reject it or both return the
same serialized NoteSequence.
"""

import io
import struct
import subprocess
import sys
import time

import mido
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from symphonia.music.errors import MusicReadError
from symphonia.music.midi import midi_to_note_sequence
from symphonia.music.note_seq_modules import import_note_seq_module

midi_io = import_note_seq_module("midi_io")

pytestmark = pytest.mark.filterwarnings("ignore:Tempo, Key or Time signature:RuntimeWarning")

# note_seq allocates 8 bytes per tick up to the largest one: keep files that
# go further than this away from it.
REFERENCE_MAX_TICK = 2_000_000


def varint(value):
    groups = [value & 0x7F]
    value >>= 7
    while value:
        groups.append(value & 0x7F | 0x80)
        value >>= 7
    return bytes(reversed(groups))


def chunk(name, payload):
    return name + struct.pack(">L", len(payload)) + payload


def track(*events, running_status=False):
    """Track chunk payload from (delta, message bytes) pairs.

    With ``running_status``, a message with data bytes drops its status byte
    when it repeats the previous one.  As in mido, meta events leave running
    status alone, and every other status byte sets it, system ones included.
    """
    out = bytearray()
    last = None
    for delta, message in events:
        out += varint(delta)
        status = message[0]
        if running_status and status == last and len(message) > 1 and status not in (0xF0, 0xF7):
            out += message[1:]
        else:
            out += message
        if status != 0xFF:
            last = status
    return bytes(out)


def header(fmt, track_count, division):
    return chunk(b"MThd", struct.pack(">hhh", fmt, track_count, division))


def midi_file(*tracks, division=480, fmt=1, track_count=None):
    count = len(tracks) if track_count is None else track_count
    return header(fmt, count, division) + b"".join(chunk(b"MTrk", t) for t in tracks)


def meta(meta_type, payload):
    return bytes([0xFF, meta_type]) + varint(len(payload)) + payload


def tempo(microseconds):
    return meta(0x51, microseconds.to_bytes(3, "big"))


def time_signature(numerator, exponent):
    return meta(0x58, bytes([numerator, exponent, 24, 8]))


def key_signature(sharps, minor):
    return meta(0x59, bytes([sharps & 0xFF, minor]))


END = (0, meta(0x2F, b""))


def note_on(channel, pitch, velocity):
    return bytes([0x90 | channel, pitch, velocity])


def note_off(channel, pitch, velocity=0):
    return bytes([0x80 | channel, pitch, velocity])


def reference(data):
    """note_seq's NoteSequence, or None where note_seq rejects the file."""
    try:
        return midi_io.midi_to_note_sequence(data)
    except midi_io.MIDIConversionError:
        return None


def ours(data):
    """Our NoteSequence, or None where we reject the file."""
    try:
        return midi_to_note_sequence(data)
    except MusicReadError as error:
        assert str(error) and "\n" not in str(error)
        return None


def assert_same_as_note_seq(data):
    theirs, mine = reference(data), ours(data)
    if theirs is None or mine is None:
        assert theirs is None and mine is None, ("note_seq", theirs is not None, "ours", mine is not None)
    else:
        assert mine.SerializeToString() == theirs.SerializeToString(), (mine, theirs)
    return mine


# --- Generated files -------------------------------------------------------

channels = st.sampled_from([0, 1, 9])
pitches = st.integers(60, 62)
data_bytes = st.integers(0, 127)
velocities = st.one_of(st.just(0), st.integers(1, 127))
seven_bit_strings = st.binary(max_size=3).map(lambda b: bytes(x & 0x7F for x in b))


def channel_message(status, channel, *data):
    """A message with a status byte below 0xF0 or a system one (channel 0)."""
    return bytes([status | channel, *data])


def other_meta(meta_type, data):
    """A meta event mido knows and checks, or one it does not know."""
    # Valid as an SMPTE offset: frame rate code, hours, minutes, seconds, frames, subframes.
    return meta(meta_type, bytes([data[0] & 0x7F, 0, 59, data[3], data[4] % 100, *data[5:]]))


channel_messages = st.one_of(
    st.builds(note_on, channels, pitches, velocities),
    st.builds(note_on, channels, pitches, velocities),
    st.builds(note_off, channels, pitches, data_bytes),
    st.builds(note_off, channels, pitches, data_bytes),
    st.builds(channel_message, st.just(0xB0), channels, st.integers(0, 3), data_bytes),
    st.builds(channel_message, st.just(0xC0), channels, st.integers(0, 2)),
    st.builds(channel_message, st.just(0xE0), channels, data_bytes, data_bytes),
    st.builds(channel_message, st.just(0xA0), channels, pitches, data_bytes),
    st.builds(channel_message, st.just(0xD0), channels, data_bytes),
)
meta_messages = st.one_of(
    st.builds(tempo, st.sampled_from([250_000, 500_000, 600_000, 1, 0xFFFFFF])),
    st.builds(time_signature, st.integers(1, 12), st.integers(0, 5)),
    st.builds(key_signature, st.integers(-7, 7), st.integers(0, 1)),
    st.builds(lambda name: meta(0x03, name.encode("latin-1")),
              st.text(st.characters(max_codepoint=255), max_size=4)),
    st.builds(meta, st.just(0x01), st.one_of(st.binary(max_size=3), st.binary(min_size=128, max_size=130))),
    st.builds(other_meta, st.sampled_from([0x00, 0x20, 0x21, 0x2F, 0x54, 0x60, 0x7F]),
              st.binary(min_size=5, max_size=6)),
    st.builds(lambda data: b"\xf0" + varint(len(data) + 1) + data + b"\xf7", seven_bit_strings),
)
system_messages = st.one_of(
    st.builds(channel_message, st.sampled_from([0xF1, 0xF3]), st.just(0), data_bytes),
    st.builds(channel_message, st.just(0xF2), st.just(0), data_bytes, data_bytes),
    st.sampled_from([b"\xf6", b"\xf8", b"\xfa", b"\xfb", b"\xfc", b"\xfe"]),
)
deltas = st.one_of(st.integers(0, 2), st.integers(0, 2), st.integers(0, 5000))
events = st.tuples(deltas, st.one_of(channel_messages, channel_messages, meta_messages, system_messages))


@st.composite
def midi_files(draw):
    """Files of one to three tracks mixing every event pretty_midi looks at."""
    tracks = []
    for _ in range(draw(st.integers(1, 3))):
        body = draw(st.lists(events, min_size=1, max_size=40))
        if draw(st.booleans()):
            body.append(END)
        tracks.append(track(*body, running_status=draw(st.booleans())))
    return midi_file(*tracks, fmt=0 if len(tracks) == 1 else 1,
                     division=draw(st.sampled_from([1, 96, 220, 480, 32767])))


@settings(max_examples=300, deadline=None)
@given(midi_files())
def test_generated_files_match_note_seq(data):
    assert_same_as_note_seq(data)


def max_tick(data):
    """The largest absolute tick mido sees, or None where mido rejects the file."""
    try:
        parsed = mido.MidiFile(file=io.BytesIO(data))
    except Exception:
        return None
    return max((sum(message.time for message in t) for t in parsed.tracks), default=0)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(midi_files(), st.lists(st.tuples(st.integers(0, 10**6), st.integers(0, 255), st.sampled_from(
    ["replace", "insert", "delete"])), min_size=1, max_size=4), st.integers(0, 10**6))
def test_corrupted_files_are_rejected_or_read_as_note_seq_does(data, edits, cut):
    data = bytearray(data)
    for position, value, edit in edits:
        position %= len(data) + (edit == "insert")
        if edit == "replace" and position < len(data):
            data[position] = value
        elif edit == "insert":
            data.insert(position, value)
        elif position < len(data):
            del data[position]
    if cut % 4 == 0:
        del data[cut % (len(data) + 1):]
    data = bytes(data)
    if data[:4] == b"MThd" and len(data) >= 14 and data[12] >= 0x80:
        assert ours(data) is None  # SMPTE division, see test_smpte_division_is_rejected
        return
    largest = max_tick(data)
    if largest is not None and largest > REFERENCE_MAX_TICK:
        if largest >= 10**10:
            assert ours(data) is None
        return
    assert_same_as_note_seq(data)


# --- pretty_midi's rules, one at a time ---------------------------------------

def test_overlapping_notes_on_one_pitch_all_end_at_the_first_note_off():
    sequence = assert_same_as_note_seq(midi_file(track(
        (0, note_on(0, 60, 50)), (10, note_on(0, 60, 60)), (10, note_off(0, 60)),
        (10, note_off(0, 60)), END)))
    assert [n.velocity for n in sequence.notes] == [50, 60]
    assert sequence.notes[0].end_time == sequence.notes[1].end_time == sequence.total_time


def test_note_on_and_off_on_one_tick():
    # Alone, the note is dropped; after an earlier note, it survives the
    # note-off that ends the earlier one.
    sequence = assert_same_as_note_seq(midi_file(track(
        (0, note_on(0, 60, 50)), (0, note_off(0, 60)),
        (0, note_on(0, 62, 50)), (10, note_on(0, 62, 70)), (0, note_off(0, 62)), (5, note_off(0, 62)),
        END)))
    assert [(n.pitch, n.velocity) for n in sequence.notes] == [(62, 50), (62, 70)]


def test_zero_velocity_note_on_ends_a_note_and_drums_are_on_channel_9():
    sequence = assert_same_as_note_seq(midi_file(track(
        (0, note_on(0, 60, 100)), (0, note_on(0, 64, 100)), (5, note_on(0, 60, 0)), (0, note_on(0, 64, 0)),
        (0, note_on(9, 36, 100)), (5, note_on(9, 36, 0)), END, running_status=True)))
    assert [(n.pitch, n.is_drum, n.instrument) for n in sequence.notes] == [
        (60, False, 0), (64, False, 0), (36, True, 1)]


def test_program_changes_split_instruments_that_share_early_controls():
    # Controls before the first note go to a straggler that every instrument
    # later created on the channel shares.
    sequence = assert_same_as_note_seq(midi_file(track(
        (0, meta(0x03, b"Lead")), (0, bytes([0xB0, 7, 100])), (0, bytes([0xE0, 0, 80])),
        (0, note_on(0, 60, 90)), (10, note_off(0, 60)),
        (0, bytes([0xC0, 5])), (0, bytes([0xB0, 10, 64])),
        (0, note_on(0, 62, 90)), (10, note_off(0, 62)),
        (0, bytes([0xC0, 0])), (0, bytes([0xB0, 11, 1])), END)))
    assert [(n.program, n.instrument) for n in sequence.notes] == [(0, 0), (5, 1)]
    assert [(c.instrument, c.control_number) for c in sequence.control_changes] == [
        (0, 7), (0, 10), (0, 11), (1, 7), (1, 10), (1, 11)]
    assert [i.name for i in sequence.instrument_infos] == ["Lead", "Lead"]


def test_tempo_changes_only_count_on_the_first_track():
    first = track((0, tempo(400_000)), (0, tempo(500_000)), (100, tempo(500_000)), (100, tempo(300_000)),
                  (0, tempo(700_000)), (50, time_signature(3, 2)), (0, key_signature(-3, 1)), END)
    second = track((0, note_on(1, 60, 90)), (250, tempo(100_000)), (200, note_off(1, 60)), END)
    sequence = assert_same_as_note_seq(midi_file(first, second))
    assert [round(t.qpm, 6) for t in sequence.tempos] == [120, 200, 85.714286]
    assert len(sequence.notes) == 1


def test_invalid_signatures_are_rejected_like_note_seq():
    # 2**29 fails mido's power-of-two check; 2**32 does not fit the proto's
    # int32 but only matters on the first track; a zero numerator is refused
    # by pretty_midi, and an unknown key by mido on any track.
    for first, other, read in [
        (time_signature(4, 29), b"", False),
        (time_signature(4, 32), b"", False),
            (time_signature(4, 30), b"", True),
        (b"", time_signature(4, 32), True),
        (time_signature(0, 2), b"", False),
        (b"", time_signature(0, 2), True),
        (b"", key_signature(8, 0), False),
        (key_signature(0, 2), b"", False),
        (b"", meta(0x54, bytes([0x60, 0, 60, 0, 0])), False),
        (b"", meta(0x51, b"\x07\xa1"), False),
        (tempo(0), b"", False),
        (b"", tempo(0), True),
    ]:
        data = midi_file(track((0, first or meta(0x01, b"")), END), track((0, other or meta(0x01, b"")), END))
        assert (assert_same_as_note_seq(data) is not None) == read, (first, other)


def test_mido_quirks():
    notes = [(0, note_on(0, 60, 90)), (10, note_off(0, 60))]
    cases = {
        # Events after end-of-track still count.
        "after end": (track(END, *notes), True),
        # A sysex sets running status, and a data byte after it is dropped.
        "sysex running": (track((0, b"\xf0\x02\x01\xf7"), (0, b"\x05")) + b"\x01\x02" + track(*notes), True),
        "sysex high byte": (track((0, b"\xf0\x02\x81\xf7"), *notes), False),
        "escape": (track((0, b"\xf7\x01\x00"), *notes), True),
        "tune request running": (track((0, b"\xf6")) + b"\x00\x05" + track(*notes), False),
        "undefined status": (track((0, b"\xf4"), *notes), False),
        "no status": (b"\x00\x40\x40" + track(*notes), False),
        "high data byte": (track((0, b"\x90\x80\x40"), *notes), False),
        "long zero delta": (b"\x80" * 50 + track(*notes), True),
        "short sequence number": (track((0, meta(0x00, b"\x01")), *notes), False),
        "empty sequence number": (track((0, meta(0x00, b"")), *notes), True),
        # mido loses the delta time of meta events it does not know, even
        # one far beyond the largest tick pretty_midi accepts.
        "unknown meta": (track((0, note_on(0, 60, 90)), (100, meta(0x60, b"")), (10, note_off(0, 60))), True),
        "unknown meta, huge delta": (b"\xff" * 30 + b"\x7f" + meta(0x60, b"") + track(*notes), True),
        "known meta, huge delta": (b"\xff" * 30 + b"\x7f" + meta(0x01, b"") + track(*notes), False),
    }
    for name, (body, read) in cases.items():
        assert (assert_same_as_note_seq(midi_file(body)) is not None) == read, name


def test_chunks():
    body = track((0, note_on(0, 60, 90)), (10, note_off(0, 60)), END)
    good = midi_file(body)
    junk = chunk(b"JUNK", b"abc")
    cases = {
        "trailing junk": (good + b"garbage", True),
        "junk chunk after the tracks": (good + junk, True),
        "junk chunk between tracks": (header(1, 2, 96) + chunk(b"MTrk", body) + junk + chunk(b"MTrk", body),
                                      False),
        "long header": (chunk(b"MThd", struct.pack(">hhhh", 1, 1, 96, 7)) + chunk(b"MTrk", body), True),
        "short header": (chunk(b"MThd", struct.pack(">hh", 1, 1)) + chunk(b"MTrk", body), False),
        "too many tracks": (midi_file(body, track_count=2), False),
        "no tracks": (midi_file(track_count=0), False),
        "empty track": (midi_file(body, b""), False),
        "chunk shorter than its events": (header(1, 2, 96) + b"MTrk" + struct.pack(">L", len(body) - 1) + body
                                          + chunk(b"MTrk", body), False),
        "zero division": (midi_file(body, division=0), False),
        "riff": (b"RIFF" + good, False),
    }
    for name, (data, read) in cases.items():
        assert (assert_same_as_note_seq(data) is not None) == read, name


def test_every_truncation_of_a_file_is_rejected():
    data = midi_file(
        track((0, tempo(500_000)), (0, time_signature(4, 2)), (0, meta(0x03, b"Piano")), END),
        track((0, note_on(0, 60, 90)), (300, note_off(0, 60)), (0, bytes([0xE0, 0, 64])),
              (0, b"\xf0\x03\x01\x02\xf7"), END))
    assert ours(data) is not None
    for end in range(len(data)):
        with pytest.raises(MusicReadError):
            midi_to_note_sequence(data[:end])


@pytest.mark.parametrize("data", [b"", b"MThd", b"\x00" * 20, b"not a midi file at all", bytes(range(256))])
def test_bad_input_raises_music_read_error(data):
    with pytest.raises(MusicReadError):
        midi_to_note_sequence(data)


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=200), st.booleans())
def test_random_bytes_raise_only_music_read_error(data, with_header):
    if with_header:
        data = chunk(b"MThd", struct.pack(">hhh", 1, 2, 96)) + chunk(b"MTrk", data)
    try:
        midi_to_note_sequence(data)
    except MusicReadError:
        pass


def test_smpte_division_is_rejected():
    # note_seq reads such files when they have no notes, with negative
    # tempos; we do not pretend to support them.
    data = midi_file(track(END), division=struct.unpack(">h", bytes([0xE7, 40]))[0])
    with pytest.raises(MusicReadError, match="SMPTE"):
        midi_to_note_sequence(data)


def test_large_ticks_are_converted_like_note_seq():
    data = midi_file(track((0, tempo(400_000)), (1_000_000, tempo(600_000)), END),
                     track((0, note_on(0, 60, 90)), (1_500_001, note_off(0, 60)), END), division=7)
    assert_same_as_note_seq(data)


def test_huge_tick_values_are_fast():
    # note_seq would allocate 80 GB for this file; we must not depend on ticks.
    last = 10**10 - 1
    data = midi_file(track((0, tempo(500_000)), (last - 1, tempo(250_000)), END),
                     track((0, note_on(0, 60, 90)), (last, note_off(0, 60)), END), division=1)
    started = time.perf_counter()
    sequence = midi_to_note_sequence(data)
    too_far = midi_file(track((0, note_on(0, 60, 90)), (last + 1, note_off(0, 60)), END))
    with pytest.raises(MusicReadError):
        midi_to_note_sequence(too_far)
    for body in [b"\xff" * 100_000 + b"\x7f\x90\x3c\x40", b"\x00\xff\x01" + b"\xff" * 100_000 + b"\x00"]:
        with pytest.raises(MusicReadError):
            midi_to_note_sequence(midi_file(body))
    assert time.perf_counter() - started < 1
    assert sequence.notes[0].end_time == 0.5 * (last - 1) + 0.25
    assert [t.qpm for t in sequence.tempos] == [120, 240]


def test_reader_does_not_import_midi_libraries():
    code = ("import sys; import symphonia.music.midi; "
            "print(sorted({'note_seq.midi_io', 'pretty_midi', 'mido'} & set(sys.modules)))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
