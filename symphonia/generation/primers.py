"""The ``--primer_melody``, ``--primer_drums`` and ``--primer_pitches`` flags, read safely.

Magenta passes these strings to ``ast.literal_eval`` and trusts whatever comes
out. Here they are read the same way (a Python literal: never evaluated as
code) and then checked for shape and range, so a typo is a one-line
:class:`PrimerError` saying what was expected, with an example, rather than
a traceback deep inside generation.
"""

import ast

import numpy as np

NUM_PITCHES = 128
MELODY_NO_EVENT, MELODY_NOTE_OFF = -2, -1


class PrimerError(ValueError):
    """A primer that cannot be used; the message is one line meant for the user."""


def _literal(text, flag, expected):
    try:
        return ast.literal_eval(text.strip())
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        raise PrimerError(_message(flag, expected, text, "not a Python literal")) from None


def _message(flag, expected, text, problem):
    shown = text if len(text) <= 60 else text[:57] + "..."
    return f"{flag} must be {expected}; got {shown!r} ({problem})"


def _is_int(value):
    return isinstance(value, int) and not isinstance(value, bool)


def _int_list(text, flag, expected, low, high):
    """A list (or tuple) of ints in ``[low, high]`` as int64, or PrimerError."""
    value = _literal(text, flag, expected)
    if not isinstance(value, (list, tuple)):
        raise PrimerError(_message(flag, expected, text, f"{type(value).__name__}, not a list"))
    for index, item in enumerate(value):
        if not _is_int(item) or not low <= item <= high:
            raise PrimerError(_message(flag, expected, text, f"item {index} is {item!r}"))
    return np.array(value, dtype=np.int64)


def parse_melody(text, flag="--primer_melody"):
    """Melody events as int64 ``[T]``: -2 no event (the note goes on), -1 note off, 0..127 note on."""
    expected = ('a list of melody events: -2 (no event), -1 (note off) or a MIDI pitch 0..127, '
                'e.g. "[60, -2, 60, -2, 67, -2, 67, -2]"')
    return _int_list(text, flag, expected, MELODY_NO_EVENT, NUM_PITCHES - 1)


def parse_pitches(text, flag="--primer_pitches"):
    """MIDI pitches of a chord, int64 ``[N]``, N >= 1."""
    expected = 'a non-empty list of MIDI pitches 0..127, e.g. "[60, 64, 67]"'
    pitches = _int_list(text, flag, expected, 0, NUM_PITCHES - 1)
    if not len(pitches):
        raise PrimerError(_message(flag, expected, text, "no pitch"))
    return pitches


def parse_drums(text, flag="--primer_drums"):
    """Drum steps as a bool ``[T, 128]`` array: step t strikes the MIDI pitches listed at t."""
    expected = ('a list of steps, each a tuple of the MIDI drum pitches (0..127) struck then, '
                'e.g. "[(36, 42), (), (42,)]"')
    value = _literal(text, flag, expected)
    if not isinstance(value, (list, tuple)):
        raise PrimerError(_message(flag, expected, text, f"{type(value).__name__}, not a list"))
    steps = np.zeros((len(value), NUM_PITCHES), dtype=bool)
    for index, step in enumerate(value):
        if not isinstance(step, (list, tuple, set, frozenset)):
            raise PrimerError(_message(flag, expected, text, f"step {index} is {step!r}, not a tuple"))
        for pitch in step:
            if not _is_int(pitch) or not 0 <= pitch < NUM_PITCHES:
                raise PrimerError(_message(flag, expected, text, f"step {index} holds {pitch!r}"))
            steps[index, pitch] = True
    return steps
