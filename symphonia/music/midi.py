"""Read Standard MIDI Files into NoteSequences, fast.

Magenta reads MIDI with ``note_seq.midi_io.midi_to_note_sequence``: mido turns
every event into a Python object, pretty_midi pairs notes through an array that
maps each tick to seconds (as long as the largest tick in the file), and
note_seq copies the result into the proto one field at a time.  This module
produces the same NoteSequence, byte for byte, in a single pass over the file:

* events are decoded straight from the track chunks, with mido's idea of what
  is a valid file, so that we reject exactly the files note_seq rejects;
* notes, control changes and pitch bends are given to instruments by
  pretty_midi's rules as they are decoded, and kept as integer ticks;
* ticks become seconds at the end, per event, with the same float operations
  as pretty_midi, so neither memory nor time depends on how large ticks are;
* the repeated fields are written as protobuf wire format with numpy and read
  in one ``ParseFromString`` call, far cheaper than adding messages one by one.

Where note_seq runs out of memory (it needs 8 bytes per tick up to the
largest one, which may be nearly 10**10) we read the file all the same.  The
one deliberate difference: files with an SMPTE time division are rejected;
note_seq accepts them only when they hold no notes, and then reports negative
tempos and ticks per quarter.
"""

import math

import numpy as np

from symphonia.music.errors import MusicReadError
from symphonia.music.proto import NoteSequence

# pretty_midi refuses a file whose largest tick reaches this (note_seq raises
# pretty_midi's own limit to 1e10 so that the MAPS dataset loads).
_MAX_TICK = 10**10
# mido refuses meta and sysex messages longer than this.
_MAX_MESSAGE_LENGTH = 1_000_000
_DRUM_CHANNEL = 9

# mido checks that a time signature denominator is a power of two by testing
# whether math.log(denominator, 2) is a whole number, which rounding makes
# false for some exponents (29, for one): those files are rejected.
_BAD_DENOMINATOR_EXPONENTS = frozenset(
    exponent for exponent in range(256) if not math.log(2**exponent, 2).is_integer()
)
# note_seq rejects denominators that do not fit the proto's int32.
_MAX_DENOMINATOR_EXPONENT = 30

# (sharps-or-flats byte, mode byte) -> pretty_midi key number: 0-11 for the
# major keys from C, 12-23 for the minor ones.  Other pairs make mido fail.
_KEY_NUMBERS = {
    (sharps & 0xFF, mode): (7 * sharps + 9 * mode) % 12 + 12 * mode
    for sharps in range(-7, 8)
    for mode in (0, 1)
}

# Meta messages that mido decodes field by field, and the payload length they
# need to avoid an IndexError there.
_META_MIN_LENGTH = {0x20: 1, 0x51: 3, 0x54: 5, 0x58: 4, 0x59: 2}
# The meta event types mido knows; it keeps the delta time of no others.
_MIDO_META_TYPES = frozenset(
    {0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x09, 0x20, 0x21, 0x2F, 0x51, 0x54, 0x58, 0x59, 0x7F})
_META_SEQUENCE_NUMBER = 0x00
_META_TRACK_NAME = 0x03
_META_TEMPO = 0x51
_META_SMPTE_OFFSET = 0x54
_META_TIME_SIGNATURE = 0x58
_META_KEY_SIGNATURE = 0x59

# Data bytes of the system common and real-time messages mido knows; the
# others (0xF4, 0xF5, 0xF9, 0xFD) are undefined and make it fail.
_SYSTEM_DATA_LENGTH = {
    0xF1: 1, 0xF2: 2, 0xF3: 1, 0xF6: 0, 0xF8: 0, 0xFA: 0, 0xFB: 0, 0xFC: 0, 0xFE: 0,
}


def midi_to_note_sequence(data: bytes) -> NoteSequence:
    """Convert the bytes of a MIDI file into a NoteSequence.

    The result is identical to ``note_seq.midi_io.midi_to_note_sequence(data)``.

    Parameters
    ----------
    data : bytes
        Contents of a Standard MIDI File.

    Returns
    -------
    NoteSequence

    Raises
    ------
    MusicReadError
        The file is not one note_seq can read (or uses an SMPTE time division).
    """
    if not isinstance(data, bytes):
        data = bytes(data)
    return _build_sequence(_read_file(data))


class _Events:
    """What note_seq keeps of a MIDI file, with times still in ticks.

    Control changes and pitch bends are stored against event lists rather
    than instruments because pretty_midi lets several instruments share one
    list (see ``_read_track``).
    """

    __slots__ = (
        "resolution", "tempos", "time_signatures", "key_signatures",
        "instruments", "notes", "controls", "bends", "list_count",
    )

    def __init__(self, resolution):
        self.resolution = resolution
        # Of the first track only: (tick, microseconds per quarter note).
        self.tempos = []
        # Of the first track only: (tick, numerator, denominator).
        self.time_signatures = []
        # Of the first track only: (tick, key number).
        self.key_signatures = []
        # (program, is_drum, name, control list id, bend list id), in the
        # order pretty_midi creates them, which is note_seq's numbering.
        self.instruments = []
        # Flat: instrument, start tick, end tick, pitch, velocity per note.
        self.notes = []
        # Flat: list id, tick, control number, value per control change.
        self.controls = []
        # Flat: list id, tick, bend per pitch bend.
        self.bends = []
        self.list_count = 0


def _read_file(data):
    """Decode the header and every track chunk of a MIDI file."""
    if not data:
        raise MusicReadError("empty file")
    if data[:4] != b"MThd":
        raise MusicReadError("not a MIDI file")
    if len(data) < 14:
        raise MusicReadError("truncated header chunk")
    header_size = int.from_bytes(data[4:8], "big")
    if header_size < 6:
        raise MusicReadError("truncated header chunk")
    track_count = int.from_bytes(data[10:12], "big", signed=True)
    division = int.from_bytes(data[12:14], "big", signed=True)
    if track_count <= 0:
        raise MusicReadError("no tracks")
    if division < 0:
        raise MusicReadError("SMPTE time division is not supported")
    if division == 0:
        raise MusicReadError("zero ticks per quarter note")
    events = _Events(division)
    position = 8 + header_size
    for index in range(track_count):
        if position + 8 > len(data):
            raise MusicReadError("missing track chunk")
        if data[position:position + 4] != b"MTrk":
            raise MusicReadError("expected a track chunk")
        end = position + 8 + int.from_bytes(data[position + 4:position + 8], "big")
        if end > len(data):
            raise MusicReadError("truncated track chunk")
        _read_track(data[position + 8:end], index == 0, events)
        position = end
    return events


def _read_track(chunk, first, events):
    """Decode one track chunk, applying pretty_midi's rules as it goes.

    pretty_midi pairs a note-off (or zero-velocity note-on) with every note
    still open on its channel and pitch that started at an earlier tick, and
    files the notes under the instrument for the channel's current program,
    creating it on first use.  Control changes and pitch bends never create an
    instrument: without one for the current program they go to a per-channel
    "straggler" whose event lists the next instrument created on that channel
    adopts, so that the lists end up shared.
    """
    if not chunk:
        raise MusicReadError("empty track")
    size = len(chunk)
    add_note = events.notes.extend
    add_control = events.controls.extend
    add_bend = events.bends.extend
    programs = [0] * 16
    track_name = ""
    # channel << 7 | pitch -> [(start tick, velocity)] of the notes still on.
    open_notes = {}
    # program << 4 | channel -> (instrument, control list id, bend list id),
    # and channel -> (control list id, bend list id) of the straggler: both
    # end with the two list ids, which is all control changes and bends need.
    current = {}
    stragglers = {}
    running = 0
    tick = 0
    i = 0
    try:
        while i < size:
            delta = chunk[i]
            i += 1
            if delta >= 0x80:
                delta &= 0x7F
                while True:
                    byte = chunk[i]
                    i += 1
                    delta = delta << 7 | byte & 0x7F
                    if byte < 0x80:
                        break
                    if delta >= _MAX_TICK:
                        # Too large for any event but one that mido ignores
                        # the time of: skip the rest rather than let a huge
                        # quantity cost quadratic time.
                        while chunk[i] >= 0x80:
                            i += 1
                        i += 1
                        break
            tick += delta

            status = chunk[i]
            i += 1
            if status >= 0xF0:
                if status == 0xFF:
                    i, meta_type, payload = _read_meta(chunk, i, first, tick, events)
                    if meta_type == _META_TRACK_NAME:
                        track_name = payload.decode("latin-1")
                    elif meta_type not in _MIDO_META_TYPES:
                        # mido drops the time of meta events it does not know.
                        tick -= delta
                else:
                    running = status
                    i = _read_system(chunk, i, status, False)
                continue
            if status >= 0x80:
                running = status
                data1 = chunk[i]
                i += 1
            elif running >= 0xF0:
                i = _read_system(chunk, i, running, True)
                continue
            elif running:
                data1 = status
                status = running
            else:
                raise MusicReadError("running status without a status byte")

            kind = status & 0xF0
            channel = status & 0x0F
            if kind == 0xC0 or kind == 0xD0:
                if data1 > 0x7F:
                    raise MusicReadError("data byte out of range")
                if kind == 0xC0:
                    programs[channel] = data1
                continue
            data2 = chunk[i]
            i += 1
            if (data1 | data2) > 0x7F:
                raise MusicReadError("data byte out of range")

            if kind == 0x90 and data2:
                key = channel << 7 | data1
                pending = open_notes.get(key)
                if pending is None:
                    open_notes[key] = [(tick, data2)]
                else:
                    pending.append((tick, data2))
            elif kind <= 0x90:
                key = channel << 7 | data1
                pending = open_notes.pop(key, None)
                # Pending notes are in tick order: if the first one started on
                # this tick, they all did, and pretty_midi drops them all.
                if pending is None or pending[0][0] == tick:
                    continue
                program = programs[channel]
                instrument = current.get(program << 4 | channel)
                if instrument is None:
                    instrument = _new_instrument(
                        events, current, stragglers, program, channel, track_name)
                if len(pending) == 1:
                    add_note((instrument[0], pending[0][0], tick, data1, pending[0][1]))
                    continue
                for start, velocity in pending:
                    if start != tick:
                        add_note((instrument[0], start, tick, data1, velocity))
                # Notes that started on this tick stay on if others ended.
                kept = [note for note in pending if note[0] == tick]
                if kept:
                    open_notes[key] = kept
            elif kind == 0xB0:
                lists = current.get(programs[channel] << 4 | channel)
                if lists is None:
                    lists = _straggler(events, stragglers, channel)
                add_control((lists[-2], tick, data1, data2))
            elif kind == 0xE0:
                lists = current.get(programs[channel] << 4 | channel)
                if lists is None:
                    lists = _straggler(events, stragglers, channel)
                add_bend((lists[-1], tick, data1 + (data2 << 7) - 8192))
    except IndexError:
        raise MusicReadError("truncated track chunk") from None
    if tick >= _MAX_TICK:
        raise MusicReadError("tick value too large")


def _new_instrument(events, current, stragglers, program, channel, track_name):
    """Create the instrument for a program on a channel of the current track."""
    lists = stragglers.get(channel)
    if lists is None:
        lists = (events.list_count, events.list_count + 1)
        events.list_count += 2
    instrument = (len(events.instruments), *lists)
    events.instruments.append((program, channel == _DRUM_CHANNEL, track_name, *lists))
    current[program << 4 | channel] = instrument
    return instrument


def _straggler(events, stragglers, channel):
    """Event lists for a channel's control changes and bends before its first note."""
    lists = stragglers.get(channel)
    if lists is None:
        lists = stragglers[channel] = (events.list_count, events.list_count + 1)
        events.list_count += 2
    return lists


def _read_varint(chunk, i, limit):
    """Read a variable-length quantity that must not exceed ``limit``."""
    value = 0
    while True:
        byte = chunk[i]
        i += 1
        value = value << 7 | byte & 0x7F
        if value > limit:
            raise MusicReadError("message too long")
        if byte < 0x80:
            return value, i


def _read_meta(chunk, i, first, tick, events):
    """Decode a meta event from just after its 0xFF status byte.

    Tempos, time and key signatures of the first track are stored in
    ``events``; those of other tracks are only checked, as mido does.

    Returns
    -------
    i : int
        Position after the event.
    meta_type : int
    payload : bytes
    """
    meta_type = chunk[i]
    length, i = _read_varint(chunk, i + 1, _MAX_MESSAGE_LENGTH)
    payload = chunk[i:i + length]
    i += length
    if len(payload) < length:
        raise MusicReadError("truncated track chunk")
    if len(payload) < _META_MIN_LENGTH.get(meta_type, 0) or (
            meta_type == _META_SEQUENCE_NUMBER and length == 1):
        raise MusicReadError("meta message too short")
    if meta_type == _META_TEMPO:
        if first:
            events.tempos.append((tick, int.from_bytes(payload[:3], "big")))
    elif meta_type == _META_TIME_SIGNATURE:
        numerator, exponent = payload[0], payload[1]
        if exponent in _BAD_DENOMINATOR_EXPONENTS:
            raise MusicReadError("invalid time signature")
        if first:
            if numerator == 0 or exponent > _MAX_DENOMINATOR_EXPONENT:
                raise MusicReadError("invalid time signature")
            events.time_signatures.append((tick, numerator, 2**exponent))
    elif meta_type == _META_KEY_SIGNATURE:
        key = _KEY_NUMBERS.get((payload[0], payload[1]))
        if key is None:
            raise MusicReadError("invalid key signature")
        if first:
            events.key_signatures.append((tick, key))
    elif meta_type == _META_SMPTE_OFFSET:
        if payload[0] >= 0x80 or payload[1] > 59 or payload[2] > 59 or payload[4] > 99:
            raise MusicReadError("invalid SMPTE offset")
    return i, meta_type, payload


def _read_system(chunk, i, status, running):
    """Check a sysex or system message whose status byte is read.

    ``running`` tells that the status came from running status, in which case
    mido has already consumed the following byte, as data or (for sysex)
    not at all.  Returns the position after the message.
    """
    if status == 0xF0 or status == 0xF7:
        length, i = _read_varint(chunk, i, _MAX_MESSAGE_LENGTH)
        payload = chunk[i:i + length]
        i += length
        if len(payload) < length:
            raise MusicReadError("truncated track chunk")
        if payload[:1] == b"\xf0":
            payload = payload[1:]
        if payload[-1:] == b"\xf7":
            payload = payload[:-1]
        if not payload.isascii():
            raise MusicReadError("data byte out of range")
        return i
    length = _SYSTEM_DATA_LENGTH.get(status)
    if length is None:
        raise MusicReadError("undefined status byte")
    if running:
        if length == 0:
            raise MusicReadError("running status on a message without data")
        length -= 1
    payload = chunk[i:i + length]
    i += length
    if len(payload) < length:
        raise MusicReadError("truncated track chunk")
    if not payload.isascii():
        raise MusicReadError("data byte out of range")
    return i


class _TempoMap:
    """pretty_midi's conversion from ticks to seconds, one event at a time.

    pretty_midi fills an array with ``offset + scale * (tick - start)`` for
    every tick of each tempo segment, where ``offset`` is the time its formula
    for the previous segment gives at ``start``.  Evaluating that same
    expression only at the ticks we need gives bit-identical floats.
    """

    def __init__(self, tempos, resolution):
        segments = [(0, 60.0 / (120.0 * resolution))]
        for tick, tempo in tempos:
            if tempo == 0:
                raise MusicReadError("zero tempo")
            scale = 60.0 / ((6e7 / tempo) * resolution)
            if tick == 0:
                segments = [(0, scale)]
            elif scale != segments[-1][1]:
                segments.append((tick, scale))
        offsets = [0.0]
        for (start, scale), (end, _) in zip(segments, segments[1:]):
            offsets.append(offsets[-1] + scale * float(end - start))
        self.starts = np.array([start for start, _ in segments], dtype=np.int64)
        self.scales = np.array([scale for _, scale in segments])
        self.offsets = np.array(offsets)
        self.qpms = [60.0 / (scale * resolution) for _, scale in segments]

    def seconds(self, ticks):
        """Times in seconds of an int64 array of ticks."""
        segment = np.searchsorted(self.starts, ticks, side="right") - 1
        elapsed = (ticks - self.starts[segment]).astype(np.float64)
        return self.offsets[segment] + self.scales[segment] * elapsed


class _Layout:
    """Fixed-width protobuf wire format for one kind of repeated submessage.

    Every record has the same size because one-byte fields hold values below
    128 and wider integers are written as padded varints (continuation bits
    on leading zero groups), which parsers accept and re-serialise in the
    canonical short form.  Records are filled in from a template that holds
    the tags, so encoding costs a few numpy calls per field.
    """

    def __init__(self, field_number, fields):
        """``fields`` lists (name, field number, kind); kind is "byte" for a
        varint below 128, "double", or "varintN" for an N-byte varint."""
        layout = [("tag", "u1"), ("size", "u1")]
        tags = {"tag": field_number << 3 | 2}
        # name -> (bit shift of each byte, continuation bit of each byte)
        self.varints = {}
        for name, number, kind in fields:
            if kind == "byte":
                dtype, wire_type = "u1", 0
            elif kind == "double":
                dtype, wire_type = "<f8", 1
            else:
                width = int(kind.removeprefix("varint"))
                dtype, wire_type = f"{width}u1", 0
                continuation = np.full(width, 0x80, dtype=np.uint64)
                continuation[-1] = 0
                self.varints[name] = (np.arange(0, 7 * width, 7, dtype=np.uint64), continuation)
            layout += [(name + "_tag", "u1"), (name, dtype)]
            tags[name + "_tag"] = number << 3 | wire_type
        self.template = np.zeros((), dtype=np.dtype(layout))
        tags["size"] = self.template.itemsize - 2
        for name, value in tags.items():
            self.template[name] = value

    def encode(self, columns):
        """Wire bytes of one record per row of the given field columns.

        Negative integers wrap to 64 bits, as protobuf writes int32 fields.
        """
        count = len(next(iter(columns.values())))
        records = np.frombuffer(bytearray(self.template.tobytes() * count), self.template.dtype)
        for name, column in columns.items():
            if name in self.varints:
                shifts, continuation = self.varints[name]
                unsigned = np.asarray(column, dtype=np.int64).view(np.uint64)
                column = (unsigned[:, None] >> shifts) & np.uint64(0x7F) | continuation
            records[name] = column
        return records.tobytes()


_NOTES = _Layout(8, [
    ("pitch", 1, "byte"), ("velocity", 2, "byte"), ("start_time", 3, "double"),
    ("end_time", 4, "double"), ("instrument", 7, "varint5"), ("program", 8, "byte"),
    ("is_drum", 9, "byte"),
])
_BENDS = _Layout(10, [
    ("time", 1, "double"), ("bend", 2, "varint10"), ("instrument", 3, "varint5"),
    ("program", 4, "byte"), ("is_drum", 5, "byte"),
])
_CONTROLS = _Layout(11, [
    ("time", 1, "double"), ("control_number", 2, "byte"), ("control_value", 3, "byte"),
    ("instrument", 4, "varint5"), ("program", 5, "byte"), ("is_drum", 6, "byte"),
])


def _gather(flat, width, list_ids, list_count):
    """Rows of each instrument's event list, instrument by instrument.

    Parameters
    ----------
    flat : list of int
        Events, ``width`` values each, the first being the event's list id.
    width : int
    list_ids : ndarray
        The list id of each instrument.
    list_count : int
        How many list ids were handed out.

    Returns
    -------
    rows : ndarray, shape (n, width)
        Events in note_seq's order: by instrument, then as appended.  A list
        shared by several instruments appears once for each.
    owners : ndarray
        The instrument of each row.
    """
    events = np.fromiter(flat, np.int64, len(flat)).reshape(-1, width)
    events = events[np.argsort(events[:, 0], kind="stable")]
    counts = np.bincount(events[:, 0], minlength=list_count)
    firsts = np.cumsum(counts) - counts
    lengths = counts[list_ids]
    owners = np.repeat(np.arange(len(list_ids)), lengths)
    row_starts = np.cumsum(lengths) - lengths
    rows = firsts[list_ids][owners] + np.arange(len(owners)) - row_starts[owners]
    return events[rows], owners


def _build_sequence(events):
    """Turn decoded events into note_seq's NoteSequence."""
    resolution = events.resolution
    tempo_map = _TempoMap(events.tempos, resolution)
    seconds = tempo_map.seconds
    instruments = events.instruments
    programs = np.array([inst[0] for inst in instruments], dtype=np.int64)
    drums = np.array([inst[1] for inst in instruments], dtype=np.uint8)
    control_lists = np.array([inst[3] for inst in instruments], dtype=np.int64)
    bend_lists = np.array([inst[4] for inst in instruments], dtype=np.int64)

    wire = []
    total_time = 0.0
    if events.notes:
        notes = np.fromiter(events.notes, np.int64, len(events.notes)).reshape(-1, 5)
        notes = notes[np.argsort(notes[:, 0], kind="stable")]
        owners = notes[:, 0]
        end_times = seconds(notes[:, 2])
        total_time = float(end_times.max())
        wire.append(_NOTES.encode({
            "pitch": notes[:, 3], "velocity": notes[:, 4], "start_time": seconds(notes[:, 1]),
            "end_time": end_times, "instrument": owners, "program": programs[owners],
            "is_drum": drums[owners],
        }))
    if events.bends:
        bends, owners = _gather(events.bends, 3, bend_lists, events.list_count)
        if len(owners):
            wire.append(_BENDS.encode({
                "time": seconds(bends[:, 1]), "bend": bends[:, 2], "instrument": owners,
                "program": programs[owners], "is_drum": drums[owners],
            }))
    if events.controls:
        controls, owners = _gather(events.controls, 4, control_lists, events.list_count)
        if len(owners):
            wire.append(_CONTROLS.encode({
                "time": seconds(controls[:, 1]), "control_number": controls[:, 2],
                "control_value": controls[:, 3], "instrument": owners,
                "program": programs[owners], "is_drum": drums[owners],
            }))

    sequence = NoteSequence()
    sequence.ParseFromString(b"".join(wire))
    sequence.ticks_per_quarter = resolution
    sequence.source_info.parser = NoteSequence.SourceInfo.PRETTY_MIDI
    sequence.source_info.encoding_type = NoteSequence.SourceInfo.MIDI
    sequence.total_time = total_time
    if events.time_signatures:
        times = seconds(np.array([tick for tick, _, _ in events.time_signatures], dtype=np.int64))
        for time, (_, numerator, denominator) in zip(times.tolist(), events.time_signatures):
            sequence.time_signatures.add(time=time, numerator=numerator, denominator=denominator)
    if events.key_signatures:
        times = seconds(np.array([tick for tick, _ in events.key_signatures], dtype=np.int64))
        for time, (_, key) in zip(times.tolist(), events.key_signatures):
            sequence.key_signatures.add(time=time, key=key % 12, mode=key // 12)
    for time, qpm in zip(seconds(tempo_map.starts).tolist(), tempo_map.qpms):
        sequence.tempos.add(time=time, qpm=qpm)
    for number, (_, _, name, _, _) in enumerate(instruments):
        if name:
            sequence.instrument_infos.add(instrument=number, name=name)
    return sequence
