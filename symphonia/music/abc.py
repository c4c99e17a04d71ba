"""ABC tunebooks -> NoteSequences, for tunebooks as folk musicians write them.

note-seq's ABC parser refuses most real tunebooks: it has no parts, tuplets,
variant endings, chords, rests, grace notes or voices. This reader follows the
ABC 2.1 standard (https://abcnotation.com/wiki/abc:standard:v2.1) for all of
them and unrolls parts, repeats and endings into playing order, so that a
sequence holds the tune as it is played rather than as it is printed. Voices
sound together (one instrument number each); dynamics (``!f!``) set the
velocity; chord symbols and annotations become text annotations; other
decorations, grace notes, slurs and lyrics take no part in the sound.

Where note-seq does read a tune we keep its conventions, so that both give the
same notes and metadata: 120 qpm and velocity 90 by default, accidentals that
hold for a letter (in every octave) until the bar line, the unit note length
derived from the header's meter, the title, composers, source_info and
ticks_per_quarter it fills. Two deliberate departures, both where note-seq
contradicts the standard: tied notes become one note (keeping their accidental
over the bar line), and ``>>``/``<<`` give double-dotted rhythms (7/4 + 1/4 of
the written lengths, where note-seq gives 5/4 + 3/4).

Reading goes in three stages: the tunebook is cut into tunes and each tune into
field and music lines; music is tokenized, voice by voice, into written-order
items whose pitches and durations are already resolved (so that accidentals,
ties, tuplets and broken rhythms are read where they are written); the items
are then put into playing order and laid out in time.
"""

import dataclasses
import functools
import re
from dataclasses import dataclass, field
from fractions import Fraction

from symphonia.music.errors import MusicReadError
from symphonia.music.proto import NoteSequence

_ONE = Fraction(1)
_DEFAULT_QPM = Fraction(120)
_DEFAULT_VELOCITY = 90  # !mf!, the dynamic ABC 2.1 assumes when none is given
_TICKS_PER_QUARTER = 220
_MAX_REPEATS = 100  # passes of a repeat or part beyond this are taken for garbage

#: Velocities of the dynamics decorations (!p!, !ff!...), from note-seq's table.
_DYNAMICS = {"pppp": 30, "ppp": 30, "pp": 45, "p": 60, "mp": 75, "mf": 90,
             "f": 105, "ff": 120, "fff": 127, "ffff": 127}

_LETTER_PITCH = {"C": 60, "D": 62, "E": 64, "F": 65, "G": 67, "A": 69, "B": 71}
_ACCIDENTAL_SHIFT = {"^^": 2, "^": 1, "=": 0, "_": -1, "__": -2}

_KeySig = NoteSequence.KeySignature
#: Mode name (its first three letters) -> (shift of the key signature in fifths, proto mode).
_MODES = {
    "": (0, _KeySig.MAJOR), "maj": (0, _KeySig.MAJOR), "ion": (0, _KeySig.MAJOR),
    "m": (-3, _KeySig.MINOR), "min": (-3, _KeySig.MINOR), "aeo": (-3, _KeySig.MINOR),
    "mix": (-1, _KeySig.MIXOLYDIAN), "dor": (-2, _KeySig.DORIAN), "phr": (-4, _KeySig.PHRYGIAN),
    "lyd": (1, _KeySig.LYDIAN), "loc": (-5, _KeySig.LOCRIAN),
}
_TONIC_FIFTHS = {"F": -1, "C": 0, "G": 1, "D": 2, "A": 3, "E": 4, "B": 5}
_SHARPS_ORDER = "FCGDAEB"

_X_LINE = re.compile(r"\s*X:")
_FIELD_LINE = re.compile(r"([A-Za-z+]):(.*)")
_COMMENT = re.compile(r"(?<!\\)%.*")
_NUMBER = re.compile(r"\s*(\d+)")
_LENGTH = re.compile(r"(\d*)(/*)(\d*)")
_KEY = re.compile(r"\s*([A-G])([#b]?)\s*([A-Za-z]*)")
_KEY_ACCIDENTAL = re.compile(r"(\^\^|\^|__|_|=)([A-Ga-g])")
_KEY_OPTION = re.compile(r"\S+=\S*")
_METER_FRACTION = re.compile(r"\(?(\d+(?:\s*\+\s*\d+)*)\)?\s*/\s*([1-9]\d*)")
_UNIT = re.compile(r"(\d+)(?:/(\d+))?")
_TEMPO = re.compile(r"((?:\d+/[1-9]\d*\s*)+)=\s*(\d+)")
_OLD_TEMPO = re.compile(r"(?:C\d*\s*=\s*)?(\d+)")
_QUOTED = re.compile(r'"[^"]*"')
_NOTE = re.compile(r"(\^\^|\^|__|_|=)?([A-Ga-g])([',]*)(\d*/*\d*)")
_OLD_CHORD = re.compile(f"(?:{_NOTE.pattern})+")
_PART_ORDER_TOKEN = re.compile(r"[A-Z]|\d+|[()]")

#: The music of a tune body; one alternative per kind of symbol, tried in order.
#: A line may start with the ``:`` or ending number of a bar line that ended the
#: line before. Stray characters (an accidental without its note, digits after
#: a bar line...) are skipped, as ABC players do.
_TOKEN = re.compile(r"""
    (?P<inline>\[(?P<inline_letter>[A-Za-z]):(?P<inline_value>[^\]]*)\]?)
  | (?P<bar>(?P<bar_pre>:*)(?P<bar_body>\[?\|[\]|]*|(?<=:)\])(?P<bar_post>:*)
            (?:\s*\[?(?P<bar_ending>\d+(?:[,-]\d+)*))?)
  | (?P<colons>::+)
  | (?P<line_repeat>^:)
  | (?P<line_ending>^(?P<line_ending_numbers>\d+(?:[,-]\d+)*))
  | (?P<ending>\[(?P<ending_numbers>\d+(?:[,-]\d+)*))
  | (?P<note>(?P<accidental>\^\^|\^|__|_|=)?(?P<letter>[A-Ga-g])(?P<octave>[',]*)(?P<length>\d*/*\d*))
  | (?P<rest>[zx](?P<rest_length>\d*/*\d*))
  | (?P<measure_rest>[ZX](?P<measures>\d*))
  | (?P<chord_start>\[(?!"))
  | (?P<chord_end>\](?P<chord_length>\d*/*\d*))
  | (?P<tuplet>\((?P<tuplet_p>\d+)(?::(?P<tuplet_q>\d*))?(?::(?P<tuplet_r>\d*))?)
  | (?P<text>"(?P<text_value>[^"]*)"?)
  | (?P<decoration>!(?P<bang_name>[^!\s]*)!|\+(?P<plus_name>[^+\s]*)\+)
  | (?P<broken><+|>+)
  | (?P<tie>-)
  | (?P<overlay>&)
  | (?P<ignored>\{[^}]*\}?|[.~H-Wh-wy`\\$\s]+|.)
""", re.VERBOSE)


def parse_abc_tunebook(text):
    """Reads every tune of an ABC tunebook.

    Parameters
    ----------
    text : str
        The tunebook. Fields before the first ``X:`` (the file header) apply to
        every tune.

    Returns
    -------
    list of (int, NoteSequence or MusicReadError)
        One entry per tune, in file order: the tune's ``X:`` reference number
        and either its NoteSequence, with repeats and parts unrolled, or why it
        could not be read. A broken tune does not affect the others.
    """
    file_header, tunes = _split_tunebook(text)
    return [_read_numbered_tune(file_header, lines) for lines in tunes]


# -- Tunebook and tune lines -------------------------------------------------


def _split_tunebook(text):
    """Cuts a tunebook into its file-header field lines and its tunes' lines.

    ABC 2.1 starts a tune at an ``X:`` line and ends it at the first empty
    line; text between tunes is free text, which we skip. A byte-order mark
    left by the decoding would hide a first ``X:``, so it goes.
    """
    lines = text.removeprefix("\ufeff").splitlines()
    first = next((i for i, line in enumerate(lines) if _X_LINE.match(line)), len(lines))
    file_header = [line for line in lines[:first] if _FIELD_LINE.match(line.strip())]
    tunes, tune = [], None
    for line in lines[first:]:
        if _X_LINE.match(line):
            tune = [line]
            tunes.append(tune)
        elif tune is not None and line.strip():
            tune.append(line)
        else:
            tune = None
    return file_header, tunes


def _read_numbered_tune(file_header, lines):
    """(X number, sequence or error) for one tune's lines, the first being its X: line."""
    number = _NUMBER.match(lines[0].split(":", 1)[1])
    if number is None:
        return 0, MusicReadError("X: field without a reference number", lines[0].strip())
    number = int(number.group(1))
    try:
        return number, _read_tune(file_header + lines[1:], number)
    except MusicReadError as error:
        return number, error


def _classified_lines(lines):
    """Yields ``(letter, value)`` for field lines and ``(None, music)`` for music.

    Comments go first. A line such as ``A:|`` is music (a note then a repeat),
    not an ``A:`` field, and only m, r, s and w are lower-case fields.
    """
    for raw in lines:
        line = _COMMENT.sub("", raw).strip()
        if not line:
            continue
        match = _FIELD_LINE.match(line)
        letter = match and match.group(1)
        is_field = match and (letter.isupper() or letter in "+mrsw") and not (
            letter in "ABCDEFG" and match.group(2)[:1] in ("|", ":"))
        yield (letter, match.group(2).strip()) if is_field else (None, line)


def _read_tune(lines, number):
    reader = _TuneReader()
    for letter, value in _classified_lines(lines):
        if letter is None:
            reader.music(value)
        else:
            reader.field(letter, value)
    return reader.sequence(number)


# -- Field values ------------------------------------------------------------


@dataclass(frozen=True)
class _Key:
    """A K: field: accidentals per letter, and what the key signature says.

    ``signature`` is the proto's ``(key, mode)``, or None for ``K:none``.
    """

    accidentals: dict
    signature: tuple | None


@dataclass(frozen=True)
class _Context:
    """The fields in force at a point of a voice; each event keeps the one it was read in."""

    key: _Key | None = None
    meter: tuple | None = None
    unit: Fraction | None = None
    qpm: Fraction | None = None


def _signature_accidentals(fifths):
    """The letter -> semitone shift of a key signature with this many sharps (< 0: flats)."""
    accidentals = dict.fromkeys("ABCDEFG", 0)
    letters = _SHARPS_ORDER[:fifths] if fifths > 0 else _SHARPS_ORDER[::-1][:-fifths]
    for letter in letters:
        accidentals[letter] = 1 if fifths > 0 else -1
    return accidentals


def _parse_key(text, current):
    """A K: field's key. Keeps ``current`` when the field names no tonic (a clef change).

    Understands a tonic with mode (``Ador``, ``E Minor``, ``Bbmix``), ``none``,
    the bagpipe keys ``HP``/``Hp``, ``exp`` and explicit accidentals (``Dmix=c``);
    other options (``clef=bass``, ``-8va``) do not change pitches.
    """
    stripped = text.strip()
    if stripped.lower() == "none":
        return _Key(_signature_accidentals(0), None)
    if stripped[:2] in ("HP", "Hp"):
        return _Key(_signature_accidentals(2), (_KeySig.A, _KeySig.MIXOLYDIAN))
    match = _KEY.match(text)
    if match is None:
        return current
    letter, accidental, word = match.groups()
    mode = _mode_name(word)
    rest = text[match.end():] if mode is not None else text[match.end() - len(word):]
    shift, proto_mode = _MODES[mode or ""]
    fifths = _TONIC_FIFTHS[letter] + {"#": 7, "b": -7, "": 0}[accidental] + shift
    if abs(fifths) > 7:
        raise MusicReadError("unsupported key signature", stripped)
    tonic = (_LETTER_PITCH[letter] + {"#": 1, "b": -1, "": 0}[accidental]) % 12
    return _Key(_explicit_accidentals(rest, fifths), (tonic, proto_mode))


def _mode_name(word):
    """The _MODES name of the word after a tonic (``Mixolydian``, ``m``), or None if it is no mode.

    As in note-seq, any other word starting with m means minor (``K:EM``).
    """
    word = word.lower()
    if len(word) >= 3 and word[:3] in _MODES:
        return word[:3]
    return "m" if word.startswith("m") else None


def _explicit_accidentals(rest, fifths):
    """The signature's accidentals altered by those written after the key (``K:D =c``)."""
    rest = _KEY_OPTION.sub(" ", rest)
    accidentals = _signature_accidentals(0 if "exp" in rest.split() else fifths)
    for symbol, letter in _KEY_ACCIDENTAL.findall(rest):
        accidentals[letter.upper()] = _ACCIDENTAL_SHIFT[symbol]
    return accidentals


def _parse_meter(text):
    """An M: field as (numerator, denominator); None for free meter (``none``).

    ``C`` and ``C|`` are 4/4 and 2/2; additive meters (``2+3/8``) add up.
    """
    text = text.strip()
    if text.upper() in ("C", "C|"):
        return (4, 4) if text.upper() == "C" else (2, 2)
    match = _METER_FRACTION.search(text)
    if match:
        numerator = sum(int(part) for part in match.group(1).split("+"))
        return numerator, int(match.group(2))
    if text.lower() in ("", "none"):
        return None
    raise MusicReadError("could not parse the meter (M:)", text)


def _parse_unit(text):
    """An L: field as a fraction of a whole note (``L:1`` is a whole note)."""
    match = _UNIT.fullmatch(text.strip())
    if match is None or int(match.group(1)) == 0 or match.group(2) and int(match.group(2)) == 0:
        raise MusicReadError("could not parse the unit note length (L:)", text.strip())
    return Fraction(int(match.group(1)), int(match.group(2) or 1))


def _default_unit(meter):
    """ABC 2.1's unit note length when no L: is given: 1/16 below 3/4, else 1/8."""
    if meter is not None and Fraction(*meter) < Fraction(3, 4):
        return Fraction(1, 16)
    return Fraction(1, 8)


def _parse_tempo(text):
    """A Q: field as (beat length or None, beats per minute), or None when it has no rate.

    ``Q:1/4=120``, ``Q:"Allegro" 3/8=80``, ``Q:1/8 3/8=40`` name the beat; the
    old ``Q:120`` and ``Q:C=120`` count unit note lengths (beat None).
    """
    text = _QUOTED.sub(" ", text).strip()
    match = _TEMPO.match(text)
    if match:
        beat = sum(Fraction(part) for part in match.group(1).split())
        rate = int(match.group(2))
    else:
        match = _OLD_TEMPO.fullmatch(text)
        if match is None:
            return None
        beat, rate = None, int(match.group(1))
    return (beat, rate) if rate and beat != 0 else None


def _qpm(tempo, unit):
    beat, rate = tempo
    return 4 * (beat if beat is not None else unit) * rate


def _parse_part_order(text):
    """A header P: field as the labels to play: ``P:A2(BC)2`` -> A A B C B C.

    A count repeats the label or parenthesised group before it; anything else
    (dots, spaces) is only there for readability.
    """
    groups, last = [[]], None
    for token in _PART_ORDER_TOKEN.findall(text):
        if token == "(":
            groups.append([])
            last = None
        elif token == ")":
            last = groups.pop() if len(groups) > 1 else None
            groups[-1].extend(last or ())
        elif token.isdigit():
            if int(token) > _MAX_REPEATS:
                raise MusicReadError("unreasonable repeat count in the parts (P:)", text)
            groups[-1].extend((last or []) * (int(token) - 1))
            last = None
        else:
            groups[-1].append(token)
            last = [token]
    return [label for group in groups for label in group]


@functools.lru_cache(maxsize=4096)
def _duration(unit, length):
    """A note's duration in whole notes; cached, as tunes repeat a few lengths many times."""
    return unit * _length_multiplier(length)


@functools.lru_cache(maxsize=4096)
def _seconds_per_whole(qpm):
    return 240 / qpm


def _length_multiplier(text):
    """A note's written length in unit note lengths: ``3``, ``/``, ``//``, ``3/2``, ``/4``."""
    numerator, slashes, denominator = _LENGTH.fullmatch(text).groups()
    value = Fraction(int(numerator) if numerator else 1)
    if denominator:
        if int(denominator) == 0:
            raise MusicReadError("invalid note length", text)
        return value / (int(denominator) * 2 ** max(len(slashes) - 1, 0))
    return value / 2 ** len(slashes)


def _parse_endings(text):
    """A variant ending's pass numbers: ``1``, ``1,3``, ``1-3``."""
    passes = set()
    for part in text.split(","):
        first, _, last = part.partition("-")
        low, high = sorted((int(first), int(last or first)))
        if high > _MAX_REPEATS:
            raise MusicReadError("unreasonable variant ending number", text)
        passes.update(range(low, high + 1))
    return frozenset(passes)


# -- Written-order items -----------------------------------------------------


@dataclass(eq=False)
class _Event:
    """A note, chord or rest: pitches with their durations, and the time it takes.

    Durations are in whole notes. ``ties`` are the pitches tied into the next
    event; ``context`` and ``velocity`` are those in force where it is written.
    """

    notes: list
    advance: Fraction
    context: _Context
    velocity: int
    ties: set = field(default_factory=set)

    def scale(self, factor):
        """Stretches the event, as a tuplet or broken rhythm does."""
        self.notes = [(pitch, duration * factor) for pitch, duration in self.notes]
        self.advance *= factor


@dataclass(frozen=True)
class _Text:
    """A chord symbol or annotation, kept at the time of the music that follows it."""

    text: str


@dataclass(frozen=True)
class _Bar:
    """A bar line or ending that matters to the playing order.

    ``end`` is how many times the passage it closes is played (0: it closes
    none); ``start`` opens a repeat; ``section`` is a double or final bar;
    ``ending`` the passes of a variant ending starting here.
    """

    end: int = 0
    start: bool = False
    section: bool = False
    ending: frozenset | None = None


@dataclass(frozen=True)
class _PartMark:
    """Where a part (P:A in the body) starts."""

    label: str


class _Voice:
    """One voice being read: the fields in force, bar-scoped state and the items so far."""

    def __init__(self, context):
        self.context = context
        self.velocity = _DEFAULT_VELOCITY
        self.items = []
        self.bar_accidentals = {}
        self.tie_carry = {}  # unaltered pitch -> sounding pitch of notes tied from the last event
        self.chord = None  # [natural, pitch, duration, tied] of each note while inside [...]
        self.last_event = None
        self.last_notes = []  # (natural, pitch) that a following tie refers to
        self.next_factor = _ONE  # the second half of a broken rhythm
        self.tuplet_left = 0
        self.tuplet_factor = _ONE

    def set_key(self, text):
        self.context = dataclasses.replace(self.context, key=_parse_key(text, self.context.key))

    def set_meter(self, text):
        self.context = dataclasses.replace(self.context, meter=_parse_meter(text))

    def set_unit(self, text):
        self.context = dataclasses.replace(self.context, unit=_parse_unit(text))

    def set_tempo(self, tempo):
        self.context = dataclasses.replace(self.context, qpm=_qpm(tempo, self.context.unit))

    def note(self, accidental, letter, octave, length):
        natural = (_LETTER_PITCH[letter.upper()] + (12 if letter.islower() else 0)
                   + 12 * octave.count("'") - 12 * octave.count(","))
        pitch = natural + self._alteration(accidental, letter.upper(), natural)
        if not 0 <= pitch <= 127:
            raise MusicReadError("note outside the MIDI pitch range", f"{accidental or ''}{letter}{octave}")
        duration = _duration(self.context.unit, length)
        if self.chord is not None:
            self.chord.append([natural, pitch, duration, False])
            return
        self._add_event([(pitch, duration)], duration)
        self.last_notes = [(natural, pitch)]

    def _alteration(self, accidental, name, natural):
        """The semitones a written accidental, a tie, the bar or the key add to a note."""
        if accidental:
            self.bar_accidentals[name] = _ACCIDENTAL_SHIFT[accidental]
            return _ACCIDENTAL_SHIFT[accidental]
        if natural in self.tie_carry:
            return self.tie_carry[natural] - natural
        if name in self.bar_accidentals:
            return self.bar_accidentals[name]
        return self.context.key.accidentals[name] if self.context.key else 0

    def rest(self, length):
        self._add_event([], _duration(self.context.unit, length))
        self.last_notes = []

    def measure_rest(self, measures):
        numerator, denominator = self.context.meter or (4, 4)
        self._add_event([], int(measures or 1) * Fraction(numerator, denominator))
        self.last_notes = []

    def start_chord(self):
        self.chord = []

    def end_chord(self, length):
        """Closes [...]: the notes sound together; the first one's length sets the advance.

        A ``]`` outside a chord is a stray and does nothing.
        """
        chord, self.chord = self.chord, None
        if not chord:
            return
        multiplier = _length_multiplier(length)
        lengths = {}
        for _, pitch, duration, _ in chord:
            lengths[pitch] = max(lengths.get(pitch, 0), duration * multiplier)
        self._add_event(list(lengths.items()), chord[0][2] * multiplier)
        self.last_notes = [(natural, pitch) for natural, pitch, _, _ in chord]
        for natural, pitch, _, tied in chord:
            if tied:
                self._tie(natural, pitch)

    def tie(self):
        if self.chord:
            self.chord[-1][3] = True
        else:
            for natural, pitch in self.last_notes:
                self._tie(natural, pitch)

    def _tie(self, natural, pitch):
        self.last_event.ties.add(pitch)
        self.tie_carry[natural] = pitch

    def _add_event(self, notes, advance):
        event = _Event(notes, advance, self.context, self.velocity)
        factor, self.next_factor = self.next_factor, _ONE
        if self.tuplet_left:
            factor *= self.tuplet_factor
            self.tuplet_left -= 1
        if factor != 1:
            event.scale(factor)
        self.items.append(event)
        self.last_event = event
        self.tie_carry = {}

    def broken_rhythm(self, symbols):
        """``a>b`` dots a and halves b; each extra > moves half as much again."""
        if self.last_event is None:
            return
        short = Fraction(1, 2 ** len(symbols))
        first, second = (2 - short, short) if symbols[0] == ">" else (short, 2 - short)
        self.last_event.scale(first)
        self.next_factor = second

    def tuplet(self, p, q, r):
        """``(p:q:r``: the next r notes take the time of q (q from the meter when omitted)."""
        p = int(p)
        if p < 2:
            return
        q = int(q) if q else self._default_tuplet_q(p)
        if q:
            self.tuplet_factor = Fraction(q, p)
            self.tuplet_left = int(r) if r else p

    def _default_tuplet_q(self, p):
        if p in (2, 4, 8):
            return 3
        if p in (3, 6):
            return 2
        numerator = self.context.meter[0] if self.context.meter else 4
        return 3 if numerator % 3 == 0 and numerator > 3 else 2

    def bar(self, pre, body, post, ending):
        """A bar line ends bar-scoped accidentals; repeats, endings and double bars are kept."""
        self.bar_accidentals.clear()
        item = _Bar(end=len(pre) + 1 if pre else 0, start=bool(post),
                    section=not pre and not post and len(body) >= 2,
                    ending=_parse_endings(ending) if ending else None)
        if item != _Bar():
            self.items.append(item)

    def colons(self, colons):
        """``::`` closes one repeat and opens the next."""
        self.bar_accidentals.clear()
        self.items.append(_Bar(end=len(colons) // 2 + 1, start=True))

    def ending(self, numbers):
        self.items.append(_Bar(ending=_parse_endings(numbers)))

    def text(self, text):
        self.items.append(_Text(text))

    def decoration(self, bang_name, plus_name):
        """A dynamic sets the velocity; other decorations do not sound.

        ``+CEG+`` is how abc 1.6 wrote chords, so notes between plus signs are one.
        """
        name = bang_name if plus_name is None else plus_name
        if name in _DYNAMICS:
            self.velocity = _DYNAMICS[name]
        elif plus_name and _OLD_CHORD.fullmatch(plus_name):
            self.start_chord()
            for note in _NOTE.finditer(plus_name):
                self.note(*note.groups(default=""))
            self.end_chord("")

    def part(self, label):
        self.items.append(_PartMark(label.strip()[:1]))


# -- One tune ----------------------------------------------------------------


class _TuneReader:
    """Reads a tune's fields and music lines, voice by voice.

    The header ends at the first music line, as in note-seq; a P: or V: after
    the K: field already belongs to the body (a part or voice starts there).
    """

    def __init__(self):
        self.header = _Voice(_Context())
        self.titles = []
        self.composers = []
        self.header_tempo = None
        self.part_order = None
        self.key_seen = False
        self.voices = {}
        self.voice = None  # None while reading the header

    def field(self, letter, value):
        if letter == "T" and self.voice is None:
            self.titles.append(value)
        elif letter == "C":
            self.composers.append(value)
        elif self.voice is None and not (letter in "PV" and self.key_seen):
            self._header_field(letter, value)
        else:
            self._body_field(letter, value)

    def _header_field(self, letter, value):
        if letter == "P":
            self.part_order = _parse_part_order(value)
        elif letter == "Q":
            self.header_tempo = _parse_tempo(value) or self.header_tempo
        elif letter in "KLM":
            self._set_context(self.header, letter, value)
            self.key_seen = self.key_seen or letter == "K"

    def _body_field(self, letter, value):
        voice = self._body_voice()
        if letter == "V":
            self._switch_voice(value)
        elif letter == "P":
            voice.part(value)
        elif letter == "Q" and (tempo := _parse_tempo(value)):
            voice.set_tempo(tempo)
        elif letter in "KLM":
            self._set_context(voice, letter, value)

    @staticmethod
    def _set_context(voice, letter, value):
        {"K": voice.set_key, "L": voice.set_unit, "M": voice.set_meter}[letter](value)

    def _body_voice(self):
        """The current voice, ending the header (and fixing its defaults) on first use."""
        if self.voice is None:
            context = self.header.context
            if context.unit is None:
                context = dataclasses.replace(context, unit=_default_unit(context.meter))
            if self.header_tempo:
                context = dataclasses.replace(context, qpm=_qpm(self.header_tempo, context.unit))
            self.header.context = context
            self.voice = self.voices[None] = _Voice(context)
        return self.voice

    def _switch_voice(self, value):
        """V: starts or resumes a voice; a first voice that has no music yet takes the name."""
        name = value.split()[0] if value.split() else ""
        if name not in self.voices:
            if list(self.voices) == [None] and not self.voices[None].items:
                self.voices[name] = self.voices.pop(None)
            else:
                self.voices[name] = _Voice(self.header.context)
        self.voice = self.voices[name]

    def music(self, line):
        """Reads one line of music into the current voice (an inline [V:] may switch it).

        A chord still open at the end of the line is closed there.
        """
        self._body_voice()
        position = 0
        while position < len(line):
            match = _TOKEN.match(line, position)
            position = match.end()
            self._token(match.lastgroup, match)
        if self.voice.chord is not None:
            self.voice.end_chord("")

    def _token(self, kind, match):
        if kind == "inline":
            self.field(match.group("inline_letter"), match.group("inline_value").strip())
        elif kind == "overlay":
            raise MusicReadError("voice overlay (&) is not supported")
        elif kind != "ignored":
            _VOICE_TOKENS[kind](self.voice, match.group)

    def sequence(self, number):
        """The NoteSequence of everything read, voices merged, in playing order."""
        self._body_voice()
        sequence = _new_sequence(number, self.titles, self.composers)
        initial = self.header.context
        _add_context_events(sequence, Fraction(0), _Context(), initial)
        for instrument, voice in enumerate(self.voices.values()):
            performance = _Performance(sequence, instrument, initial if instrument == 0 else None)
            for item in _playing_order(voice.items, self.part_order):
                performance.play(item)
        if not sequence.notes:
            raise MusicReadError("tune has no notes")
        sequence.total_time = max(note.end_time for note in sequence.notes)
        return sequence


#: What each kind of music token does to the voice it is read in, given the match's group().
_VOICE_TOKENS = {
    "note": lambda voice, group: voice.note(group("accidental"), group("letter"), group("octave"), group("length")),
    "bar": lambda voice, group: voice.bar(group("bar_pre"), group("bar_body"), group("bar_post"),
                                          group("bar_ending")),
    "colons": lambda voice, group: voice.colons(group("colons")),
    "line_repeat": lambda voice, group: voice.bar("", "|", ":", None),
    "line_ending": lambda voice, group: voice.ending(group("line_ending_numbers")),
    "ending": lambda voice, group: voice.ending(group("ending_numbers")),
    "rest": lambda voice, group: voice.rest(group("rest_length")),
    "measure_rest": lambda voice, group: voice.measure_rest(group("measures")),
    "chord_start": lambda voice, group: voice.start_chord(),
    "chord_end": lambda voice, group: voice.end_chord(group("chord_length")),
    "tuplet": lambda voice, group: voice.tuplet(group("tuplet_p"), group("tuplet_q"), group("tuplet_r")),
    "text": lambda voice, group: voice.text(group("text_value")),
    "decoration": lambda voice, group: voice.decoration(group("bang_name"), group("plus_name")),
    "broken": lambda voice, group: voice.broken_rhythm(group("broken")),
    "tie": lambda voice, group: voice.tie(),
}


def _new_sequence(number, titles, composers):
    """An empty sequence with the metadata note-seq gives an ABC tune."""
    sequence = NoteSequence()
    sequence.reference_number = number
    sequence.ticks_per_quarter = _TICKS_PER_QUARTER
    sequence.source_info.source_type = NoteSequence.SourceInfo.SCORE_BASED
    sequence.source_info.encoding_type = NoteSequence.SourceInfo.ABC
    sequence.source_info.parser = NoteSequence.SourceInfo.MAGENTA_ABC
    if titles:
        sequence.sequence_metadata.title = "; ".join(titles)
    sequence.sequence_metadata.composers.extend(composers)
    if composers:
        sequence.sequence_metadata.artist = composers[0]
    return sequence


# -- Playing order -----------------------------------------------------------


def _playing_order(items, part_order):
    """A voice's items as played: parts in the P: order, each with repeats unrolled.

    Music before the first part marker is played first.
    """
    intro, parts = [], []
    segment = intro
    for item in items:
        if isinstance(item, _PartMark):
            segment = []
            parts.append((item.label, segment))
        else:
            segment.append(item)
    ordered = [intro] + _ordered_parts(parts, part_order)
    return [played for segment in ordered for played in _Unroller(segment).run()]


def _ordered_parts(parts, part_order):
    """The parts' items in the header's P: order; in written order without one.

    A label the body never marks is skipped; if the order names none of the
    body's parts, it is taken to be a description rather than an order.
    """
    by_label = {}
    for label, segment in parts:
        by_label.setdefault(label, segment)
    ordered = [by_label[label] for label in part_order or () if label in by_label]
    return ordered or [segment for _, segment in parts]


class _Unroller:
    """Walks a passage as a player does, taking repeats and variant endings.

    A ``:|`` goes back to the latest ``|:``, or else to the end of the
    previous repeat, double bar or the start of the passage. A repeat is
    played twice, or once more per extra colon (``::|``), or as many times
    as its highest variant ending. On each pass the endings not numbered for
    it are skipped, each up to the ``:|`` that closes it or the next ending.
    """

    def __init__(self, items):
        self.items = items
        self.group_top = _ending_group_tops(items)
        self.played = []
        self.start = 0
        self.pass_number = 1
        self.explicit_start = False  # the repeat began at a |:, which double bars do not override
        self.ending_top = 0  # highest ending number of the ending being played
        self.skipping = False

    def run(self):
        index = 0
        while index < len(self.items):
            item = self.items[index]
            if isinstance(item, _Bar):
                index = self._skipped_bar(item, index) if self.skipping else self._bar(item, index)
            else:
                if not self.skipping:
                    self.played.append(item)
                index += 1
        return self.played

    def _bar(self, bar, index):
        """Takes a bar while playing; returns the index to go on from."""
        if bar.end:
            if self.pass_number < max(bar.end, self.ending_top):
                if self.pass_number >= _MAX_REPEATS:
                    raise MusicReadError("unreasonable number of repeats")
                self.pass_number += 1
                self.ending_top = 0
                return self.start
            self._restart(index + 1, explicit=False)
        if bar.start:
            self._restart(index + 1, explicit=True)
        elif bar.section:
            self.ending_top = 0
            if not self.explicit_start:
                self._restart(index + 1, explicit=False)
        if bar.ending is not None:
            self._enter_ending(bar, index)
        return index + 1

    def _skipped_bar(self, bar, index):
        """Takes a bar inside an ending that this pass skips."""
        if bar.end:
            pass_number = self.pass_number
            self.skipping = False
            self._restart(index + 1, explicit=bar.start)
            if not bar.start and (bar.ending is not None or self._ending_follows(index)):
                self.pass_number = pass_number
        elif bar.start or bar.section:
            self.skipping = False
            return self._bar(bar, index)
        if bar.ending is not None:
            self._enter_ending(bar, index)
        return index + 1

    def _ending_follows(self, index):
        following = self.items[index + 1] if index + 1 < len(self.items) else None
        return isinstance(following, _Bar) and following.ending is not None

    def _enter_ending(self, bar, index):
        self.skipping = self.pass_number not in bar.ending
        if not self.skipping:
            self.ending_top = self.group_top[index]

    def _restart(self, start, explicit):
        """A new passage begins at ``start``, to be played from its first pass."""
        self.start = start
        self.explicit_start = explicit
        self.pass_number = 1
        self.ending_top = 0


def _ending_group_tops(items):
    """Maps each variant-ending bar to the highest ending number of its group.

    The endings of one repeat follow each other, each but the last closed by a
    ``:|``; a repeat start, a double bar or music after such a ``:|`` (not
    another ending) ends the group.
    """
    tops, group, closed = {}, [], False

    def close_group():
        top = max((max(items[i].ending) for i in group), default=0)
        tops.update((i, top) for i in group)
        group.clear()

    for index, item in enumerate(items):
        if isinstance(item, _Bar):
            closed = closed or bool(item.end and group)
            if item.start or item.section:
                close_group()
                closed = False
            if item.ending is not None:
                group.append(index)
                closed = False
        elif closed and isinstance(item, _Event):
            close_group()
            closed = False
    close_group()
    return tops


# -- Timing ------------------------------------------------------------------


class _Performance:
    """Lays one voice's played items out in time, joining tied notes.

    Only the first voice (``context`` given) writes tempo, key and time
    signature changes, so that voices do not repeat them.
    """

    def __init__(self, sequence, instrument, context):
        self.sequence = sequence
        self.instrument = instrument
        self.context = context
        self.time = Fraction(0)
        self.tied = {}  # pitch -> note still sounding into the next event

    def play(self, item):
        if isinstance(item, _Text):
            _add_text(self.sequence, self.time, item.text)
            return
        if self.context is not None and item.context is not self.context:
            _add_context_events(self.sequence, self.time, self.context, item.context)
            self.context = item.context
        seconds_per_whole = _seconds_per_whole(item.context.qpm or _DEFAULT_QPM)
        following = self.time + item.advance * seconds_per_whole
        start = float(self.time)
        tied, self.tied = self.tied, {}
        for pitch, duration in item.notes:
            end = following if duration == item.advance else self.time + duration * seconds_per_whole
            note = tied.get(pitch)
            if note is None:
                note = self.sequence.notes.add(pitch=pitch, velocity=item.velocity, instrument=self.instrument,
                                               start_time=start)
            note.end_time = float(end)
            if pitch in item.ties:
                self.tied[pitch] = note
        self.time = following


def _add_context_events(sequence, time, old, new):
    """Writes the key, meter and tempo changes between two contexts at ``time``."""
    if new.key is not None and new.key.signature is not None and (
            old.key is None or old.key.signature != new.key.signature):
        key, mode = new.key.signature
        sequence.key_signatures.add(time=float(time), key=key, mode=mode)
    if new.meter is not None and new.meter != old.meter:
        sequence.time_signatures.add(time=float(time), numerator=new.meter[0], denominator=new.meter[1])
    if new.qpm is not None and new.qpm != old.qpm:
        sequence.tempos.add(time=float(time), qpm=float(new.qpm))


def _add_text(sequence, time, text):
    """A chord symbol (it starts with a note letter, as note-seq decides) or another annotation."""
    annotation = sequence.text_annotations.add(time=float(time), text=text)
    if text[:1] and text[0] in "ABCDEFGabcdefg":
        annotation.annotation_type = NoteSequence.TextAnnotation.CHORD_SYMBOL
