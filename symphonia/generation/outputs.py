"""Everything a generate script writes: the MIDI files, optional WAV and PNG previews, one summary line each.

Every family's generate script ends the same way: write the sequences under
Magenta's names (:mod:`symphonia.generation.midi_files`), and, when asked, a
``.wav`` (:mod:`symphonia.render.audio`) and a ``.png`` piano roll
(:mod:`symphonia.render.plot`) beside each MIDI file, with the same stem. A
line per file says what came out (length, notes, pitch range), so a user sees
at once whether the model produced music or silence.
"""

import os

from absl import logging

from symphonia.generation.midi_files import write_midi_files
from symphonia.render.audio import fluidsynth_available, sequence_duration, soundfont_path, write_wav
from symphonia.render.plot import write_png

_NOTE_NAMES = ("C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B")


def note_name(pitch):
    """Scientific pitch notation of a MIDI pitch (60 is C4)."""
    return f"{_NOTE_NAMES[pitch % 12]}{pitch // 12 - 1}"


def summary_line(name, sequence):
    """``<name>: <seconds> s, <n> notes[, pitches lo-hi (names)][, drum pitches lo-hi]``."""
    parts = [f"{name}: {sequence_duration(sequence):.2f} s", f"{len(sequence.notes)} note{'' if len(sequence.notes) == 1 else 's'}"]
    pitched = [note.pitch for note in sequence.notes if not note.is_drum]
    drums = [note.pitch for note in sequence.notes if note.is_drum]
    if pitched:
        low, high = min(pitched), max(pitched)
        parts.append(f"pitches {low}-{high} ({note_name(low)}-{note_name(high)})")
    if drums:
        parts.append(f"drum pitches {min(drums)}-{max(drums)}")
    return ", ".join(parts)


def write_outputs(sequences, output_dir, *, names=None, render_audio=False, plot=False, soundfont=None, when=None):
    """Writes each sequence as a MIDI file, and with it a WAV and/or a PNG when asked; returns the MIDI paths.

    Parameters
    ----------
    sequences : list of NoteSequence
    output_dir : str
        Created if needed.
    names : list of str, optional
        The MIDI file names (default: Magenta's events-RNN names, see
        :func:`symphonia.generation.midi_files.output_names`).
    render_audio, plot : bool
        Also write ``<stem>.wav`` / ``<stem>.png`` beside each ``<stem>.mid``.
    soundfont : str, optional
        A ``.sf2`` for FluidSynth (default: ``$SYMPHONIA_SOUNDFONT``); the
        built-in synth is used without one, or without ``pyfluidsynth``.
    when : time.struct_time, optional
        The time stamp in the default names (default: now).

    Raises
    ------
    symphonia.render.audio.RenderError
        When a SoundFont is named but is not a file; checked before anything is written.
    OSError
        When a file cannot be written.
    """
    if render_audio:
        soundfont = soundfont_path(soundfont)
        if soundfont is not None and not fluidsynth_available():
            logging.warning("A SoundFont was given but pyfluidsynth is not installed (pip install pyfluidsynth): "
                            "rendering with the built-in synth.")
    paths = write_midi_files(sequences, output_dir, when, names=names)
    for sequence, path in zip(sequences, paths):
        stem = os.path.splitext(path)[0]
        previews = []
        if render_audio:
            write_wav(sequence, stem + ".wav", soundfont)
            previews.append(".wav")
        if plot:
            write_png(sequence, stem + ".png")
            previews.append(".png")
        suffix = f" (+ {', '.join(previews)})" if previews else ""
        logging.info("%s%s", summary_line(os.path.basename(path), sequence), suffix)
    return paths
