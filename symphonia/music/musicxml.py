"""MusicXML (``.xml``, ``.musicxml`` and compressed ``.mxl``) into NoteSequences.

Magenta reads MusicXML with note-seq's ``musicxml_reader``, so that reader's
output is the reference: for every file it accepts we return the very same
NoteSequence (equal serializations), and where it fails we raise
:class:`MusicReadError`.  Its quirks are therefore kept on purpose: key modes
are always major, a measure shorter than the time signature becomes a "pickup"
time signature, grace notes sit at time zero, tempos come from the first part
only, state such as the tempo carries over from one part to the next, and
times are accumulated in floating point in the same order.

note-seq spends most of its time building an ElementTree and one Python object
per note.  Here a file is read in one of two ways:

* the fast path checks that the document is well-formed with a bare expat pass
  (no Python callbacks), then cuts it with one regular expression into the
  tokens the reader needs: each note of the usual shape whole, with the texts
  note-seq reads captured; the start and end tags of parts and measures; any
  other element whole.  The few elements it has to understand otherwise (part
  list, attributes, tempo directions, chord symbols, notes of odd shapes) are
  parsed with ElementTree, which gives the same elements as a full parse.
* anything the fast path is not sure about (CDATA, a DTD internal subset,
  undeclared entities, another encoding, namespaces, unusual nesting, a
  malformed file) sends the whole file through ElementTree instead.

Both paths turn the document into the same records, which one interpreter
(:class:`_Score`) plays into the sequence.  Notes, elements and wire encodings
repeat a lot within and across scores, so what is derived from them purely is
kept in bounded module-level caches.
"""

import math
import re
import struct
import xml.etree.ElementTree as ET
import zipfile
from xml.parsers import expat

from symphonia.music.errors import MusicReadError
from symphonia.music.proto import NoteSequence

_PPQ = 220  # note-seq's ticks per quarter, used in its seconds arithmetic
_DEFAULT_QPM = 120.0
_MUSICXML_MIME_TYPE = "application/vnd.recordare.musicxml+xml"
_CONTAINER = "META-INF/container.xml"
_UTF8_FILENAME_FLAG = 0x800

_STEP_PITCH_CLASSES = {"C": 0, "D": 2, "E": 4, "F": 5, "G": 7, "A": 9, "B": 11}
# note type -> (numerator, denominator) of its length in whole notes
_NOTE_TYPES = {
    "maxima": (8, 1), "long": (4, 1), "breve": (2, 1), "whole": (1, 1), "half": (1, 2),
    "quarter": (1, 4), "eighth": (1, 8), "16th": (1, 16), "32nd": (1, 32), "64th": (1, 64),
    "128th": (1, 128), "256th": (1, 256), "512th": (1, 512), "1024th": (1, 1024),
}
# The proto's Key enum counts semitones from C; MusicXML counts fifths from
# -7 (C flat) to 7 (C sharp).  Indexed by fifths + 7, Python-style (negative
# indices wrap), as the reference does.
_PROTO_KEYS = tuple(fifths * 7 % 12 for fifths in range(-7, 8))
_CHORD_KINDS = {
    "major": "", "minor": "m", "augmented": "aug", "diminished": "dim", "dominant": "7",
    "major-seventh": "maj7", "minor-seventh": "m7", "diminished-seventh": "dim7",
    "augmented-seventh": "aug7", "half-diminished": "m7b5", "major-minor": "m(maj7)",
    "major-sixth": "6", "minor-sixth": "m6", "dominant-ninth": "9", "major-ninth": "maj9",
    "minor-ninth": "m9", "dominant-11th": "11", "major-11th": "maj11", "minor-11th": "m11",
    "dominant-13th": "13", "major-13th": "maj13", "minor-13th": "m13",
    "suspended-second": "sus2", "suspended-fourth": "sus", "pedal": "ped", "power": "5",
    "none": "N.C.", "dominant-seventh": "7", "augmented-ninth": "aug9", "minor-major": "m(maj7)",
    "": "", "min": "m", "aug": "aug", "dim": "dim", "7": "7", "maj7": "maj7", "min7": "m7",
    "dim7": "dim7", "m7b5": "m7b5", "minMaj7": "m(maj7)", "6": "6", "min6": "m6",
    "maj69": "6(add9)", "9": "9", "maj9": "maj9", "min9": "m9", "sus47": "sus7",
}
_NO_CHORD = "N.C."
_CHORD_ALTERS = {-2: "bb", -1: "b", 0: "", 1: "#", 2: "##"}

# Record kinds: what a child of a <measure> turns into.
_NOTE, _BACKUP, _FORWARD, _ATTRIBUTES, _DIRECTION, _HARMONY = range(6)
_ELEMENT_RECORDS = {"attributes": _ATTRIBUTES, "direction": _DIRECTION, "harmony": _HARMONY}
_MOVES = {"backup": _BACKUP, "forward": _FORWARD}
_MEASURE_CHILDREN = {"note", *_MOVES, *_ELEMENT_RECORDS}  # the children of a measure note-seq reads

# Bounds of the module-level caches: entries of each, contexts of the replay
# caches and entries in each context, and the size of an element worth keeping.
_CACHE_LIMIT = 50_000
_CONTEXTS_LIMIT, _CONTEXT_LIMIT = 64, 2048
_FRAGMENT_LIMIT = 8192


def musicxml_file_to_note_sequence(path):
    """Reads one MusicXML file, as note-seq's ``musicxml_file_to_sequence_proto`` does.

    Parameters
    ----------
    path : str or os.PathLike
        A ``.xml`` / ``.musicxml`` file, or a ``.mxl`` zip archive (only a name
        ending in lower-case ``.mxl`` is opened as an archive, as in note-seq).

    Raises
    ------
    MusicReadError
        When the file is not a score note-seq can read.
    OSError
        When the file itself cannot be opened.
    """
    path = str(path)
    data = _archived_score(path) if path.endswith(".mxl") else _file_bytes(path)
    try:
        try:
            source = _FastSource(data)
        except _Unusual:
            source = _TreeSource(_parse_tree(data))
        return _Score(source).sequence()
    except (ValueError, LookupError, AttributeError, TypeError, ZeroDivisionError, OverflowError) as error:
        # The reference assumes well-formed scores and crashes on the others.
        raise MusicReadError("malformed MusicXML score", f"{type(error).__name__}: {_first_line(error)}") from error


def _first_line(error):
    text = str(error).strip() or type(error).__name__
    return text.splitlines()[0][:200]


def _reject(detail):
    """The error for what the reference refuses explicitly."""
    return MusicReadError("not a readable MusicXML score", detail)


def _file_bytes(path):
    with open(path, "rb") as file:
        return file.read()


# ---------------------------------------------------------------------------
# Compressed archives


def _archived_score(path):
    """The score's bytes from a ``.mxl`` archive, found the way note-seq finds it."""
    try:
        archive = zipfile.ZipFile(path)
        members = [(_member_name(info), info) for info in archive.infolist()]
        full_path = _rootfile(archive, members)
        for name, info in members:
            if name == full_path:
                return archive.read(info)
        raise _reject(f"score file {full_path} not found in zip archive")
    except (MusicReadError, OSError):
        raise
    except Exception as error:  # zipfile, zlib and lzma raise many kinds of errors on damaged archives
        raise _reject(f"{type(error).__name__}: {_first_line(error)}") from error


def _member_name(info):
    """A member's name, re-decoded as UTF-8 when the archive did not flag it so.

    zipfile decodes unflagged names as code page 437; note-seq assumes they
    are UTF-8 really, and so must we to find the same member.
    """
    if info.flag_bits & _UTF8_FILENAME_FLAG:
        return info.filename
    return info.filename.encode("cp437").decode("utf-8", "replace")


def _rootfile(archive, members):
    """The score's path inside the archive, from ``META-INF/container.xml``."""
    containers = [info for name, info in members if name == _CONTAINER]
    full_path = ""
    if containers:
        try:
            container = ET.fromstring(archive.read(containers[0]))
        except ET.ParseError as error:
            raise _reject(f"container.xml: {_first_line(error)}") from error
        for rootfile in container.findall("./rootfiles/rootfile"):
            if rootfile.attrib.get("media-type", _MUSICXML_MIME_TYPE) != _MUSICXML_MIME_TYPE:
                continue
            if full_path:
                raise _reject("multiple MusicXML files found in compressed archive")
            full_path = rootfile.attrib["full-path"]
    if not full_path:
        raise _reject("unable to locate main .xml file in compressed archive")
    return full_path


# ---------------------------------------------------------------------------
# The ElementTree path


def _parse_tree(data):
    try:
        return ET.fromstring(data)
    except ET.ParseError as error:
        raise _reject(_first_line(error)) from error


class _TreeSource:
    """The parts of a parsed document, as records (see :class:`_Score`)."""

    def __init__(self, root):
        self.part_list = root.find("part-list")
        self.parts = [
            (part.attrib.get("id", ""), [_element_records(measure) for measure in part.findall("measure")])
            for part in root.findall("part")
        ]


def _element_records(measure):
    """The records of a ``<measure>`` element's children."""
    return [record for record in map(_child_record, measure) if record is not None]


def _child_record(child):
    """The record of one child element of a measure, None for one note-seq ignores."""
    tag = child.tag
    if tag == "note":
        return _note_from_element(child)
    if tag in _MOVES:
        return _MOVES[tag], int(child.find("duration").text)
    if tag in _ELEMENT_RECORDS:
        return _ELEMENT_RECORDS[tag], child
    return None


def _note_from_element(note):
    """A note record from a ``<note>`` element, its children read in order.

    Order matters: a ``<duration>`` only follows the previous note's timing
    when ``<chord/>`` came before it.
    """
    durations, chord, rest, pitch, voice = [], False, False, None, 1
    note_type, dots, tuplet = "quarter", 0, (1, 1)
    for child in note:
        tag = child.tag
        if tag == "chord":
            chord = True
        elif tag == "duration":
            durations.append((int(child.text), chord))
        elif tag == "pitch":
            alter = child.find("alter")
            pitch = _midi_pitch(child.find("step").text, alter if alter is None else alter.text,
                                child.find("octave").text)
        elif tag == "rest":
            rest = True
        elif tag == "voice":
            voice = int(child.text)
        elif tag == "dot":
            dots += 1
        elif tag == "type":
            note_type = _checked_type(child.text)
        elif tag == "time-modification":
            tuplet = _tuplet(child.find("actual-notes").text, child.find("normal-notes").text)
        elif tag == "unpitched":
            raise _reject("unpitched notes are not supported")
    return _note_record(tuple(durations), chord, rest, pitch, voice, note_type, dots, tuplet)


def _note_record(durations, chord, rest, pitch, voice, note_type, dots, tuplet):
    """``(_NOTE, durations, chord, rest, pitch, voice, ratio)``.

    ``durations`` holds ``(divisions, after <chord/>)`` for each ``<duration>``
    child; a note with none is a grace note.  ``ratio`` is the note's written
    length in whole notes, as (numerator, denominator), for notes that sound.
    """
    ratio = None if rest else _duration_ratio(note_type, dots, tuplet, not durations)
    return _NOTE, durations, chord, rest, pitch, voice, ratio


def _midi_pitch(step, alter, octave):
    """MIDI pitch before transposition; ``alter`` is the ``<alter>`` text or None.

    As in note-seq, the alteration wraps within the octave (B#4 is C4).
    """
    step_class = _STEP_PITCH_CLASSES.get(step)
    if step_class is None:
        raise _reject(f"unable to parse pitch step {step!r}")
    semitones = int(float(alter)) if alter else 0
    return 12 + (step_class + semitones) % 12 + int(octave) * 12


def _checked_type(text):
    """note-seq checks a note's type as it reads it, rests and grace notes included."""
    if text not in _NOTE_TYPES:
        raise _reject(f"note duration type {text!r} is not valid")
    return text


def _tuplet(actual, normal):
    """Actual and normal notes of a ``<time-modification>``.

    note-seq makes a Fraction of them as it reads the note, so zero normal
    notes fail for any note; zero actual notes only for sounding ones (see
    _duration_ratio).
    """
    actual, normal = int(actual), int(normal)
    if normal == 0:
        raise ZeroDivisionError("tuplet with zero normal notes")
    return actual, normal


def _duration_ratio(note_type, dots, tuplet, grace):
    """The written length as a reduced fraction; (0, 1) for grace notes.

    The type's length times normal/actual notes, times 2 - 2**-dots for the
    dots, which is what note-seq's Fraction arithmetic amounts to.
    """
    actual, normal = tuplet
    if actual == 0:
        raise ZeroDivisionError("tuplet with zero actual notes")
    if grace:
        return 0, 1
    type_numerator, type_denominator = _NOTE_TYPES[note_type]
    numerator = type_numerator * normal * ((2 << dots) - 1)
    denominator = type_denominator * actual << dots
    return _reduced(numerator, denominator)


def _reduced(numerator, denominator):
    """Lowest terms with a positive denominator, as ``fractions.Fraction`` keeps them."""
    divisor = math.gcd(numerator, denominator)
    if denominator < 0:
        divisor = -divisor
    return numerator // divisor, denominator // divisor


# ---------------------------------------------------------------------------
# The fast path


class _Unusual(Exception):
    """The fast path cannot vouch for this document: use ElementTree."""


def _bytes_pattern(pattern):
    """The fast path reads the document's UTF-8 bytes: half the memory of a
    str holding one character beyond Latin-1, and no decoding but of the few
    texts it keeps."""
    return re.compile(pattern.encode("ascii"))


_ATTRS = r"""(?:\s++[^\s=/>]++\s*+=\s*+(?:"[^"]*+"|'[^']*+'))*+\s*+"""
# Tags note-seq reads among a <note>'s children, and <note> itself.
_NOTE_TAGS = r"(?:chord|duration|pitch|rest|voice|dot|type|time-modification|unpitched|note)"


# A comment or processing instruction, which may hold anything, tags too.
_HIDDEN = r"<!--[^-]*+(?:-(?!->)[^-]*+)*+-->|<\?[^?]*+(?:\?(?!>)[^?]*+)*+\?>"


def _element(group):
    """Pattern of one whole element, its name captured in ``group``.

    The content may not hold an element of the same name, so the first end tag
    of that name (outside comments) is the element's own.
    """
    return (rf"<(?P<{group}>[^\s/>!?]++){_ATTRS}(?:/>|>[^<]*+"
            rf"(?:(?:{_HIDDEN}|<(?![!?]|/?(?P={group})[\s/>]))[^<]*+)*+</(?P={group})\s*+>)")


def _leaf(tag, group, empty=False, attributes=""):
    """An element with plain text only (no markup, no entity reference).

    Its text must not be empty unless ``empty``: ElementTree would give None.
    """
    return rf"<{tag}{attributes}>(?P<{group}>[^<&]{'*+' if empty else '++'})</{tag}>"


# A <note> of the usual shape: the children note-seq reads in schema order,
# each with plain text (and, but for <type>, without attributes), with only
# the common ignored children (grace, cue, tie, instrument, accidental) among
# them.  After them comes anything without a tag note-seq reads, at any depth.
# Any other <note> does not match; the pattern is lean because it is the
# reader's hot spot.
_NOTE = (
    rf"<note{_ATTRS}>[^<]*+(?:<(?:grace|cue){_ATTRS}/>[^<]*+)?"
    rf"(?:(?P<chord><chord\s*+/>)[^<]*+)?"
    rf"(?:<pitch>[^<]*+{_leaf('step', 'step')}[^<]*+(?:{_leaf('alter', 'alter', empty=True)}[^<]*+)?"
    rf"{_leaf('octave', 'octave')}[^<]*+</pitch>"
    rf"|(?P<rest><rest{_ATTRS}(?:/>|>[^<]*+(?:<(?![!?]|/?rest[\s/>])[^<]*+)*+</rest\s*+>)))[^<]*+"
    rf"(?:{_leaf('duration', 'duration')}[^<]*+)?"
    rf"(?:<(?:tie|instrument){_ATTRS}/>[^<]*+)*+"
    rf"(?:{_leaf('voice', 'voice')}[^<]*+)?"
    rf"(?:{_leaf('type', 'type', attributes=_ATTRS)}[^<]*+)?"
    rf"(?P<dots>(?:<dot{_ATTRS}/>[^<]*+)*+)"
    rf"(?:<accidental{_ATTRS}>[^<]*+</accidental>[^<]*+)?"
    rf"(?:<time-modification>[^<]*+{_leaf('actual-notes', 'actual')}[^<]*+"
    rf"{_leaf('normal-notes', 'normal')}(?:[^<]++|{_element('tuplet_child')})*+</time-modification>)?"
    rf"[^<]*+(?:<(?![!?]|{_NOTE_TAGS}[\s/>]|/note\s*>)[^<]*+)*+</note\s*+>")
# The document below the root, cut at the depth the reader needs: after any
# text, comments and processing instructions, a usual note, the start or end
# tag of a part or measure, any other whole element, junk (never, in a
# well-formed document whose elements nest as these patterns expect), or the
# end (so that trailing text is not tried again at each of its characters).
_TOKEN = _bytes_pattern(
    rf"(?:[^<]++|{_HIDDEN})*+(?:{_NOTE}"
    rf"|<(?P<open>part|measure)(?=[\s/>])(?P<attributes>{_ATTRS})(?P<empty>/?)>"
    rf"|</(?P<close>part|measure)\s*+>"
    rf"|(?P<other>{_element('name')})"
    rf"|(?P<junk>[\s\S])|\Z)")
_STEP, _REST, _OPEN, _ATTRIBUTES_TEXT, _EMPTY, _CLOSE, _OTHER, _OTHER_NAME, _JUNK = (
    _TOKEN.groupindex[name] - 1
    for name in ("step", "rest", "open", "attributes", "empty", "close", "other", "name", "junk"))
_NOTE_FIELDS = _TOKEN.groupindex["normal"]  # chord ... normal, as _note_from_fields takes them
_MOVE = _bytes_pattern(
    rf"<(backup|forward){_ATTRS}>[^<]*+{_leaf('duration', 'duration')}(?:[^<]++|{_element('name')})*+</\1\s*+>")
# What may come before the root element, and the root's start tag.
_PROLOG = _bytes_pattern(
    rf"""(?:\s++|{_HIDDEN}|<!DOCTYPE(?:[^>\["']++|"[^"]*+"|'[^']*+')*+>)*+"""
    rf"<([^\s/>!?]++){_ATTRS}(/?)>")
_ATTRIBUTE = re.compile(r"""([^\s=]+)\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_ENCODING = _bytes_pattern(r"""<\?xml[^>]*?\sencoding\s*=\s*["']([^"']*)["']""")
_UNDEFINED_ENTITY = _bytes_pattern(r"&(?!(?:lt|gt|amp|quot|apos|#[0-9]+|#x[0-9a-fA-F]+);)")


class _FastSource:
    """The parts of a document read with regular expressions (see module docstring).

    One ``findall`` cuts the root's content into tokens (see ``_TOKEN``), which
    a small state machine sorts into parts and measures.  Raises
    :class:`_Unusual` for any document it cannot read exactly as ElementTree
    would.
    """

    def __init__(self, data):
        text = _checked_bytes(data)
        root = _PROLOG.match(text)
        if root is None:
            raise _Unusual
        self.part_list = None
        self.parts = []
        if not root[2]:
            # The root's end tag is the last tag (else, as with a comment after
            # the root, that end tag becomes junk).
            self._read(text, root.end(), text.rfind(b"<"))

    def _read(self, text, start, end):
        """Sorts the tokens between ``start`` and ``end`` (the root's content)
        into the part list and the parts' measures.

        Elements that need ElementTree are parsed together at the end, which
        is much cheaper than one parser each; until then their records are
        None in the measures' lists.
        """
        depth = 0  # 0: in the root, 1: in a part, 2: in a measure
        measures = records = None
        known_note = _NOTE_RECORDS.get
        # Element texts to parse, and for each where its record goes: (records,
        # index), or (None, None) for the part list.
        fragments, places = [], []
        for token in _TOKEN.findall(text, start, end):
            if token[_STEP] or token[_REST]:
                if depth == 2:
                    records.append(known_note(token) or _new_note(token))
            elif token[_OTHER]:
                name = token[_OTHER_NAME].decode()
                if depth == 2 and name in _MEASURE_CHILDREN:
                    move = name in _MOVES and _MOVE.fullmatch(token[_OTHER])
                    if move:
                        records.append((_MOVES[name], int(move["duration"].decode())))
                    elif name != "direction" or b"<sound" in token[_OTHER]:  # else it changes nothing
                        places.append((records, len(records)))
                        records.append(None)
                        fragments.append(token[_OTHER])
                elif depth == 0 and name == "part-list" and (None, None) not in places:
                    places.append((None, None))
                    fragments.append(token[_OTHER])
            elif token[_OPEN] == b"part" and depth == 0:
                measures = []
                self.parts.append((_part_id(token[_ATTRIBUTES_TEXT].decode()), measures))
                depth = 0 if token[_EMPTY] else 1
            elif token[_OPEN] == b"measure" and depth == 1:
                records = []
                measures.append(records)
                depth = 1 if token[_EMPTY] else 2
            elif token[_CLOSE]:
                depth -= 1  # a well-formed document closes the innermost one
            elif token[_OPEN] or token[_JUNK]:
                raise _Unusual  # a part or measure where note-seq does not look for one, or junk
        if fragments:
            self._parse_fragments(fragments, places)

    def _parse_fragments(self, fragments, places):
        """Parses the collected elements and puts their records in place.

        The same elements come back again and again (the attributes of every
        part, the part list of similar scores), so parsed ones are kept.
        """
        elements = {fragment: _FRAGMENTS.get(fragment) for fragment in fragments}
        new = [fragment for fragment, element in elements.items() if element is None]
        if new:
            elements.update(zip(new, ET.fromstring(b"<fragments>" + b"".join(new) + b"</fragments>")))
            _keep_fragments(elements, new)
        for (records, index), fragment in zip(places, fragments):
            if records is None:
                self.part_list = elements[fragment]
            else:
                records[index] = _child_record(elements[fragment])


# Parsed elements by their text, for _FastSource._parse_fragments.
_FRAGMENTS = {}


def _keep_fragments(elements, new):
    """Keeps the small ones of the ``new`` elements; drops all when there are too many."""
    if len(_FRAGMENTS) + len(new) > _CACHE_LIMIT // 16:
        _FRAGMENTS.clear()
    _FRAGMENTS.update((fragment, elements[fragment]) for fragment in new if len(fragment) <= _FRAGMENT_LIMIT)


# Note records by the token of the note pattern.
_NOTE_RECORDS = {}


def _new_note(token):
    if len(_NOTE_RECORDS) >= _CACHE_LIMIT:
        _NOTE_RECORDS.clear()
    record = _NOTE_RECORDS[token] = _note_from_fields(*(field.decode() for field in token[:_NOTE_FIELDS]))
    return record


def _note_from_fields(chord, step, alter, octave, rest, duration, voice, note_type, dots, actual, normal):
    """A note record from the texts the note pattern captured ("": absent)."""
    return _note_record(
        ((int(duration), bool(chord)),) if duration else (),
        bool(chord),
        bool(rest),
        None if rest else _midi_pitch(step, alter, octave),
        int(voice) if voice else 1,
        _checked_type(note_type) if note_type else "quarter",
        dots.count("<dot"),
        _tuplet(actual, normal) if actual else (1, 1),
    )


def _checked_bytes(data):
    """The document as UTF-8 bytes, without byte order mark.

    Raises :class:`_Unusual` unless the document is well-formed (checked by
    expat, with the namespace handling ElementTree uses) and free of what the
    fast path does not handle: other encodings than UTF-8 and UTF-16,
    entities other than XML's own, namespaces.  (CDATA sections and the
    like become junk tokens.)
    """
    try:
        expat.ParserCreate(None, "}").Parse(data, True)
    except expat.ExpatError:
        raise _Unusual from None
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        codec, data = "utf-16", data.decode("utf-16").encode("utf-8")
    else:
        codec, data = "utf-8", data.removeprefix(b"\xef\xbb\xbf")
    declared = _ENCODING.match(data)
    if declared is not None and declared[1].decode("latin-1").lower().replace("_", "-") != codec:
        raise _Unusual
    if b"xmlns" in data or (b"&" in data and _UNDEFINED_ENTITY.search(data)):
        raise _Unusual
    return data


def _part_id(attributes):
    """The ``id`` attribute of a ``<part>`` start tag ("" when absent)."""
    for name, double_quoted, single_quoted in _ATTRIBUTE.findall(attributes):
        if name == "id":
            value = double_quoted or single_quoted
            if any(character in value for character in "&\t\n\r"):
                raise _Unusual  # XML would rewrite these
            return value
    return ""


# ---------------------------------------------------------------------------
# The interpreter


class _ScorePart:
    """MIDI settings and name of a ``<score-part>``."""

    def __init__(self, element=None):
        self.name, self.channel, self.program = "", 0, 0
        if element is None:
            return
        self.id = element.attrib["id"]
        name = element.find("part-name")
        if name is not None:
            self.name = name.text or ""
        instrument = element.find("midi-instrument")
        if instrument is not None:
            channel, program = instrument.find("midi-channel"), instrument.find("midi-program")
            if channel is not None and program is not None:
                self.channel, self.program = int(channel.text), int(program.text)


class _Score:
    """Plays a document's records through note-seq's parser state.

    State carries over from part to part except the time, the transposition
    and the MIDI settings, as in note-seq (so a tempo set in one part holds at
    the start of the next).
    """

    def __init__(self, source):
        self.divisions = 1
        self.qpm = 120
        self.seconds_per_quarter = 0.5
        self.velocity = 64
        self.transpose = 0
        self.time = 0
        self.previous = None, None  # (duration, time) of the last note
        self.plays = self.heads = None  # see _measures and _replays
        self.time_signature = None  # (numerator, denominator, time) in force
        self.time_signatures, self.key_signatures, self.tempos, self.chords = [], [], [], []
        self.wire = []  # the notes, as protobuf wire format
        self.part_names = []
        self.total_time = 0
        self.part = self.channel = self.program = 0  # of the part being read
        self.part_tempos = []  # where its tempos go
        # of the measure being read
        self.measure_time_signature = self.measure_key = None  # key: [fifths, time]
        score_parts = {}
        if source.part_list is not None:
            for element in source.part_list:
                if element.tag == "score-part":
                    score_part = _ScorePart(element)
                    score_parts[score_part.id] = score_part
        for index, (part_id, measures) in enumerate(source.parts):
            self._part(index, score_parts.get(part_id) or _ScorePart(), measures)

    def _part(self, index, score_part, measures):
        self.part_names.append(score_part.name)
        self.time, self.transpose = 0, 0
        self.channel, self.program = score_part.channel, score_part.program
        self.part = index
        self.part_tempos = self.tempos if index == 0 else []
        self._replays()
        self._measures(measures)
        self.total_time = max(self.total_time, self.time)

    def _measures(self, measures):
        """Plays a part's measures, record by record.

        This is the reader's hot loop.  A note already played with the same
        divisions and tempo, and whose timing does not hang on the note
        before, replays from ``self.plays``; its wire head, which also depends
        on the part, velocity and transposition, comes from ``self.heads``.
        """
        time, previous, wire, plays, heads = self.time, self.previous, self.wire, self.plays, self.heads
        for records in measures:
            start, length = time, 0
            self.measure_time_signature = self.measure_key = None
            for record in _repaired(records):
                play = plays.get(record)
                if play is None:
                    self.time, self.previous = time, previous
                    if record[0] == _NOTE:
                        length += self._note(record)
                    else:
                        self._other(record)
                    time, previous, plays, heads = self.time, self.previous, self.plays, self.heads
                    continue
                duration, seconds, counted, sounds = play
                if sounds:
                    head = heads.get(record) or self._head(record)
                    start_time = max(time, 0)  # an int 0 adds and packs as 0.0 would
                    wire.append(head)
                    wire.append(_TIMES(0x19, start_time, 0x21, start_time + seconds))
                previous = duration, time
                time += seconds
                length += counted
            self._close_measure(start, length)
        self.time, self.previous = time, previous

    def _note(self, record):
        """Plays a note the slow way; returns what it adds to the measure's length.

        Only the last ``<duration>`` counts, and one after ``<chord/>`` takes
        the previous note's duration and start.  A note without duration (a
        grace note) starts at zero and lasts nothing, and start times below
        zero become zero, as in note-seq.
        """
        _, durations, chord, rest, _, voice, _ = record
        duration = seconds = when = 0
        for duration, after_chord in durations:
            if after_chord:
                duration, when = self.previous
                seconds = self._seconds(duration)
            else:
                seconds = self._seconds(duration)
                when = self.time
                self.time += seconds
        self.previous = duration, when
        counted = duration if voice == 1 and not chord else 0
        if not rest:
            start_time = max(when, 0)
            self.wire.append(self._head(record))
            self.wire.append(_TIMES(0x19, start_time, 0x21, start_time + seconds))
        if len(durations) == 1 and not chord and len(self.plays) < _CONTEXT_LIMIT:
            self.plays[record] = duration, seconds, counted, not rest
        return counted

    def _head(self, record):
        """The wire head of a sounding note (see _note_head) in this part."""
        _, _, _, _, pitch, voice, ratio = record
        if pitch is None:
            raise TypeError("a sounding note without pitch")
        head = _note_head((pitch + self.transpose, self.velocity, ratio, self.channel, self.program, self.part, voice))
        if len(self.heads) < _CONTEXT_LIMIT:
            self.heads[record] = head
        return head

    def _other(self, record):
        """Plays a record other than a note."""
        context = self._context()
        kind, value = record
        if kind == _BACKUP:
            self.time -= self._seconds(value)
        elif kind == _FORWARD:
            self.time += self._seconds(value)
        elif kind == _ATTRIBUTES:
            self._attributes(value)
        elif kind == _DIRECTION:
            self._direction(value)
        else:
            self.chords.append(self._harmony(value))
        if self._context() != context:
            self._replays()

    def _context(self):
        return self.divisions, self.seconds_per_quarter, self.velocity, self.transpose

    def _replays(self):
        """Picks the replay caches (see _measures) for the current context.

        They hold pure functions of their context, so they are shared by all
        scores read in this process.
        """
        self.plays = _cache(_PLAYS, (self.divisions, self.seconds_per_quarter))
        self.heads = _cache(_HEADS, (self.velocity, self.transpose, self.channel, self.program, self.part))

    def _seconds(self, duration):
        """Seconds of ``duration`` divisions, with note-seq's float operations in order."""
        return duration * (_PPQ / self.divisions) / _PPQ * self.seconds_per_quarter

    def _attributes(self, element):
        for child in element:
            tag = child.tag
            if tag == "divisions":
                self.divisions = int(child.text)
            elif tag == "key":
                fifths = child.find("fifths")
                if fifths is None:
                    raise _reject("could not find fifths in key signature")
                self.measure_key = [int(fifths.text), self.time]
            elif tag == "time":
                if self.measure_time_signature is not None:
                    raise _reject("multiple time signatures in a measure")
                self.time_signature = self.measure_time_signature = self._time_signature(child)
            elif tag == "transpose":
                self._transpose(int(child.find("chromatic").text))

    def _time_signature(self, element):
        if len(element.findall("beats")) > 1 or len(element.findall("beat-type")) > 1:
            raise _reject("alternating time signature")
        beats, beat_type = element.find("beats").text, element.find("beat-type").text
        return int(beats), int(beat_type), self.time

    def _transpose(self, semitones):
        """Sets the transposition, and moves this measure's key signature with it.

        Each semitone up is five fifths down; like note-seq, keys beyond six
        sharps are folded with Python's modulo by -6.
        """
        self.transpose = semitones
        if self.measure_key is not None:
            key = self.measure_key[0] + semitones * -5 % 12
            if key > 6:
                key %= -6
            self.measure_key[0] = key

    def _direction(self, element):
        for child in element:
            if child.tag == "sound" and child.get("tempo") is not None:
                qpm = float(child.get("tempo"))
                if qpm == 0:
                    qpm = _DEFAULT_QPM
                self.part_tempos.append((qpm, self.time))
                self.qpm = qpm
                self.seconds_per_quarter = 60 / qpm
                if child.get("dynamics") is not None:
                    self.velocity = int(child.get("dynamics"))

    def _harmony(self, element):
        """(time, figure) of a chord symbol, e.g. ``"Bbm7(b5)/F"``."""
        time, root, kind, degrees, bass = self.time, None, "", [], None
        for child in element:
            tag = child.tag
            if tag == "root":
                root = self._chord_pitch(child, "root-step", "root-alter")
            elif tag == "kind" and child.text is not None:
                kind = _CHORD_KINDS.get(child.text.strip())
                if kind is None:
                    raise _reject(f"unknown chord kind {child.text.strip()!r}")
            elif tag == "degree":
                degrees.append(_chord_degree(child))
            elif tag == "bass":
                bass = self._chord_pitch(child, "bass-step", "bass-alter")
            elif tag == "offset":
                time += int(child.text) * _PPQ / self.divisions / _PPQ * self.seconds_per_quarter
        if kind == _NO_CHORD:
            return time, kind
        if root is None:
            raise _reject("chord symbol without root")
        figure = root + kind + "".join(f"({degree})" for degree in degrees)
        return time, figure + "/" + bass if bass else figure

    def _chord_pitch(self, element, step_tag, alter_tag):
        step = element.find(step_tag)
        if step is None:
            raise _reject("chord symbol pitch without step")
        alter = element.find(alter_tag)
        alter = "" if alter is None else _chord_alter(alter.text)
        if self.transpose:
            raise _reject("transposed chord symbols are not supported")
        return step.text + alter

    def _close_measure(self, start, length):
        """Records the measure's key and time signatures.

        A measure whose length (its voice-1 durations) differs from the time
        signature in force gets a time signature of its own length, which then
        stays in force: note-seq's handling of pickups and partial measures,
        down to comparing that length in divisions with the beat count.
        """
        if self.measure_key is not None:
            _add_new(self.key_signatures, tuple(self.measure_key))
        whole = self.divisions * 4
        if whole == 0:
            raise ZeroDivisionError("zero divisions")
        measure_signature = self.measure_time_signature
        if self.time_signature is None:
            measure_signature = self.time_signature = (*_reduced(length, whole), 0)
        else:
            numerator, denominator, _ = self.time_signature
            if denominator == 0:
                raise ZeroDivisionError("time signature with zero beat type")
            pickup = length < numerator
            if pickup or (measure_signature is None and length * denominator != numerator * whole):
                # a whole measure keeps the beat unit of the signature in force
                fraction = (denominator, denominator) if length == whole and not pickup else _reduced(length, whole)
                measure_signature = self.time_signature = (*fraction, start)
        if measure_signature is not None:
            _add_new(self.time_signatures, measure_signature)

    def sequence(self):
        """The NoteSequence, put together as note-seq's reader does."""
        sequence = NoteSequence()
        # Parsing all notes at once is far cheaper than adding them one by one.
        sequence.ParseFromString(b"".join(self.wire))
        sequence.source_info.source_type = NoteSequence.SourceInfo.SCORE_BASED
        sequence.source_info.encoding_type = NoteSequence.SourceInfo.MUSIC_XML
        sequence.source_info.parser = NoteSequence.SourceInfo.MAGENTA_MUSIC_XML
        sequence.ticks_per_quarter = _PPQ
        for numerator, denominator, time in self.time_signatures:
            sequence.time_signatures.add(time=time, numerator=numerator, denominator=denominator)
        for key, time in self.key_signatures or [(0, 0)]:
            sequence.key_signatures.add(time=time, key=_PROTO_KEYS[key + 7])
        for qpm, time in self.tempos or [(self.qpm, 0)]:
            sequence.tempos.add(time=time, qpm=qpm)
        sequence.total_time = self.total_time
        for index, name in enumerate(self.part_names):
            sequence.part_infos.add(part=index, name=name)
        for time, figure in self.chords:
            sequence.text_annotations.add(time=time, text=figure,
                                          annotation_type=NoteSequence.TextAnnotation.CHORD_SYMBOL)
        return sequence


# Note replays by divisions and tempo, and wire heads by velocity, transposition
# and part, each then by note record (see _Score._measures).
_PLAYS, _HEADS = {}, {}


def _cache(caches, context):
    """The cache for ``context`` among ``caches``; all are dropped when there are too many."""
    cache = caches.get(context)
    if cache is None:
        if len(caches) >= _CONTEXTS_LIMIT:
            caches.clear()
        cache = caches[context] = {}
    return cache


def _repaired(records):
    """A measure holding one ``<forward>`` and no note gets a rest instead.

    note-seq's fix for measures left empty by some editors: the rest comes
    last, after whatever else the measure holds.
    """
    forwards = []
    for record in records:
        if record[0] == _NOTE:
            return records
        if record[0] == _FORWARD:
            forwards.append(record)
    if len(forwards) != 1:
        return records
    rest = _NOTE, ((forwards[0][1], False),), False, True, None, 1, None
    return [record for record in records if record is not forwards[0]] + [rest]


def _add_new(signatures, signature):
    """Appends unless an equal signature is already there.

    As in note-seq, a NaN time equals no other (``in`` would find a tuple
    holding the very same NaN object).
    """
    if math.isnan(signature[-1]) or signature not in signatures:
        signatures.append(signature)


def _chord_alter(text):
    try:
        semitones = int(text)
    except ValueError as error:
        raise _reject(f"non-integer alter {text!r} in chord symbol") from error
    if semitones not in _CHORD_ALTERS:
        raise _reject(f"invalid alter {semitones} in chord symbol")
    return _CHORD_ALTERS[semitones]


def _chord_degree(element):
    """A degree modification as written in a figure: ``add9``, ``b5``, ``no3``."""
    value = element.find("degree-value")
    if value is None or value.text is None:
        raise _reject("chord degree without value")
    try:
        number = int(value.text)
    except ValueError as error:
        raise _reject(f"non-integer chord degree {value.text!r}") from error
    alter = element.find("degree-alter")
    alter = "" if alter is None else _chord_alter(alter.text)
    kind = element.find("degree-type")
    if kind is None:
        raise _reject("chord degree without type")
    if kind.text == "add":
        return ("" if alter else "add") + alter + str(number)
    if kind.text == "subtract":
        return "no" + str(number)
    if kind.text == "alter" and alter:
        return alter + str(number)
    raise _reject(f"invalid chord degree type {kind.text!r}")


# ---------------------------------------------------------------------------
# Output


def _varint(value):
    """An int32 field value on the wire (negatives take ten bytes, as in protobuf)."""
    if not -2**31 <= value < 2**31:
        raise ValueError(f"value out of range for an int32 field: {value}")
    value &= 2**64 - 1
    out = bytearray()
    while value > 0x7F:
        out.append(value & 0x7F | 0x80)
        value >>= 7
    out.append(value)
    return bytes(out)


# Wire tags of the Note fields we fill (field number << 3 | wire type), in the
# order of _note_head's key: pitch, velocity, numerator, denominator,
# instrument, program, part, voice.
_NOTE_FIELD_TAGS = (b"\x08", b"\x10", b"\x28", b"\x30", b"\x38", b"\x40", b"\x50", b"\x60")
_TIMES = struct.Struct("<BdBd").pack  # start_time (3) and end_time (4), fixed64
_NOTES_FIELD = 0x42  # NoteSequence.notes (8), length-delimited
_TIMES_SIZE = 18
_NOTE_HEADS = {}


def _note_head(key):
    """Wire bytes of a note up to its times, for ``(pitch, velocity, ratio,
    instrument, program, part, voice)``.

    The integer fields of notes repeat a lot, so their encoding is cached.
    Fields equal to zero are written out too: parsing and serializing again
    drops them, as leaving them unset would.
    """
    head = _NOTE_HEADS.get(key)
    if head is None:
        pitch, velocity, (numerator, denominator), instrument, program, part, voice = key
        values = pitch, velocity, numerator, denominator, instrument, program, part, voice
        fields = b"".join(tag + _varint(value) for tag, value in zip(_NOTE_FIELD_TAGS, values))
        if len(_NOTE_HEADS) >= _CACHE_LIMIT:
            _NOTE_HEADS.clear()
        head = _NOTE_HEADS[key] = bytes((_NOTES_FIELD, len(fields) + _TIMES_SIZE)) + fields
    return head
