"""A NoteSequence as a mono 16-bit WAV file: what a generated MIDI file sounds like.

A user who just generated ten MIDI files usually has no MIDI player at hand;
a WAV plays everywhere. When ``pyfluidsynth`` is importable and a SoundFont is
named (``soundfont=`` or the ``SYMPHONIA_SOUNDFONT`` environment variable),
pretty_midi's FluidSynth rendering gives real instrument sounds. Otherwise a
built-in synth, pure numpy, gives a fair idea of the music:

* pitched notes are a few decaying harmonics (brighter at the attack, like a
  plucked or struck string), with a short fade in and out against clicks;
* drum notes (``is_drum``) are short bursts of noise whose band and length
  depend on the drum (kick low and longer, hi-hats high and short, cymbals
  high and long), the noise fixed per pitch so a render is reproducible;
* loudness follows velocity, and the mix is scaled to a fixed peak so that
  chords never clip and a quiet piece is still audible.

The file is written atomically (:mod:`symphonia.atomic`).
"""

import functools
import io
import os
import wave

import numpy as np

from symphonia.atomic import write_bytes_atomically

SAMPLE_RATE = 22050  # the built-in synth's rate: enough for its harmonics, half the size of 44.1 kHz
FLUIDSYNTH_SAMPLE_RATE = 44100
SOUNDFONT_ENV = "SYMPHONIA_SOUNDFONT"
TAIL_SECONDS = 0.5  # after the sequence ends, so the last notes decay instead of stopping dead
PEAK = 0.89  # of full scale, after mixing: about -1 dBFS

_HARMONIC_AMPLITUDES = np.array([1.0, 0.5, 0.3, 0.2, 0.12, 0.08])
_HARMONIC_DECAYS = np.array([1.2, 2.0, 3.0, 4.5, 6.0, 8.0])  # per second: upper harmonics die first
_FADE_SECONDS = 0.005
_RELEASE_SECONDS = 0.08


class RenderError(ValueError):
    """A render that cannot be made as asked (a SoundFont that is not there); one line."""


def sequence_duration(sequence):
    """Seconds from 0 to the end of the last note (or ``total_time``, whichever is later)."""
    note_end = max((note.end_time for note in sequence.notes), default=0.0)
    return max(float(sequence.total_time), float(note_end))


def render_samples(sequence, sample_rate=SAMPLE_RATE):
    """The built-in synth's float samples in [-PEAK, PEAK]: ``duration + TAIL_SECONDS`` seconds long."""
    num_samples = int(round((sequence_duration(sequence) + TAIL_SECONDS) * sample_rate))
    mix = np.zeros(num_samples, np.float64)
    for note in sequence.notes:
        if note.end_time <= note.start_time or note.velocity <= 0:
            continue
        voice = _drum(note.pitch, note.end_time - note.start_time, sample_rate) if note.is_drum else \
            _tone(note.pitch, note.end_time - note.start_time, sample_rate)
        start = int(round(note.start_time * sample_rate))
        voice = voice[:max(0, num_samples - start)]
        mix[start:start + len(voice)] += voice * (note.velocity / 127.0) ** 1.5
    return _normalised(mix)


def _normalised(samples):
    peak = np.abs(samples).max(initial=0.0)
    return samples * (PEAK / peak) if peak > 0 else samples


def _envelope(length, sustain_samples, sample_rate):
    """Fade in, hold for the note's length, then a short release: no clicks at either end."""
    time = np.arange(length)
    fade_in = np.minimum(1.0, time / max(1.0, _FADE_SECONDS * sample_rate))
    release = np.clip(1.0 - (time - sustain_samples) / (_RELEASE_SECONDS * sample_rate), 0.0, 1.0)
    return fade_in * release


@functools.lru_cache(maxsize=128)  # generated music repeats pitches and lengths: each is made once
def _tone(pitch, duration, sample_rate):
    """A pitched note: decaying harmonics below the Nyquist frequency (read-only, shared by the cache)."""
    frequency = 440.0 * 2.0 ** ((pitch - 69) / 12.0)
    sustain = int(round(duration * sample_rate))
    length = sustain + int(_RELEASE_SECONDS * sample_rate)
    time = np.arange(length) / sample_rate
    harmonics = np.arange(1, len(_HARMONIC_AMPLITUDES) + 1)
    audible = harmonics * frequency < sample_rate / 2
    phases = 2 * np.pi * frequency * np.outer(harmonics[audible], time)
    decays = np.exp(-np.outer(_HARMONIC_DECAYS[audible], time))
    partials = (_HARMONIC_AMPLITUDES[audible, None] * decays * np.sin(phases)).sum(axis=0)
    return _read_only(0.3 * partials * _envelope(length, sustain, sample_rate))


def drum_sound(pitch):
    """``(low Hz, high Hz, decay seconds)`` of the noise burst for a General MIDI drum pitch.

    Kicks sit low, snares and claps in the middle, toms rise with their
    pitch, hi-hats are high and short, cymbals high and long; unknown pitches
    get a mid band whose centre rises with the pitch.
    """
    if pitch in (35, 36):
        return 40.0, 160.0, 0.25
    if pitch in (37, 38, 39, 40):
        return 800.0, 5000.0, 0.15
    if pitch in (41, 43, 45, 47, 48, 50):
        centre = 80.0 * 2.0 ** ((pitch - 41) / 6.0)
        return centre * 0.7, centre * 1.6, 0.25
    if pitch in (42, 44, 46):
        return 6000.0, 10000.0, 0.05 if pitch != 46 else 0.25
    if pitch in (49, 51, 52, 53, 55, 57, 59):
        return 4000.0, 10000.0, 0.8
    centre = 200.0 * 2.0 ** ((pitch - 35) / 12.0)
    return centre * 0.7, centre * 1.5, 0.15


@functools.lru_cache(maxsize=128)
def _drum(pitch, duration, sample_rate):
    """A noise burst band-limited for the drum, fixed per pitch; drums ring past short notes (read-only)."""
    low, high, decay = drum_sound(pitch)
    length = int(round(max(duration, 4 * decay) * sample_rate))
    noise = np.random.default_rng(pitch).standard_normal(length)
    spectrum = np.fft.rfft(noise)
    frequencies = np.fft.rfftfreq(length, 1.0 / sample_rate)
    spectrum[(frequencies < low) | (frequencies > min(high, sample_rate / 2))] = 0.0
    burst = np.fft.irfft(spectrum, length)
    burst /= np.abs(burst).max(initial=0.0) or 1.0
    time = np.arange(length) / sample_rate
    return _read_only(burst * np.exp(-time / decay) * _envelope(length, length, sample_rate))


def _read_only(samples):
    """float32 (half the cache's memory), frozen so that no caller changes a cached sound."""
    samples = samples.astype(np.float32)
    samples.flags.writeable = False
    return samples


def soundfont_path(soundfont=None):
    """The SoundFont to use: ``soundfont``, else ``$SYMPHONIA_SOUNDFONT``, else None.

    Raises
    ------
    RenderError
        When a SoundFont is named but is not a file.
    """
    path = soundfont or os.environ.get(SOUNDFONT_ENV) or None
    if path is None:
        return None
    path = os.path.expanduser(path)
    if not os.path.isfile(path):
        source = "--soundfont" if soundfont else SOUNDFONT_ENV
        raise RenderError(f"{source} names {path}, which is not a file (a .sf2 SoundFont is expected)")
    return path


def fluidsynth_available():
    """True when pretty_midi can synthesize with FluidSynth (``pip install pyfluidsynth``)."""
    try:
        import fluidsynth  # noqa: F401  (only its presence matters)
    except (ImportError, OSError):  # OSError: the module is there but the libfluidsynth library is not
        return False
    return True


def _fluidsynth_samples(sequence, soundfont):
    from symphonia.music.note_seq_modules import import_note_seq_module

    midi = import_note_seq_module("midi_io").note_sequence_to_pretty_midi(sequence)
    samples = np.asarray(midi.fluidsynth(fs=FLUIDSYNTH_SAMPLE_RATE, sf2_path=soundfont), np.float64)
    return _normalised(samples)


def wav_bytes(samples, sample_rate):
    """A mono 16-bit PCM WAV file of float ``samples`` in [-1, 1]."""
    pcm = np.round(np.clip(samples, -1.0, 1.0) * 32767).astype("<i2")
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as writer:
        writer.setnchannels(1)
        writer.setsampwidth(2)
        writer.setframerate(sample_rate)
        writer.writeframes(pcm.tobytes())
    return buffer.getvalue()


def write_wav(sequence, path, soundfont=None):
    """Renders ``sequence`` to a WAV file at ``path``; returns the synthesizer used (``fluidsynth``/``builtin``).

    FluidSynth is used when a SoundFont is named (argument or
    ``$SYMPHONIA_SOUNDFONT``) and ``pyfluidsynth`` is installed; otherwise the
    built-in synth.

    Raises
    ------
    RenderError
        When a SoundFont is named but is not a file.
    """
    soundfont = soundfont_path(soundfont)
    if soundfont is not None and fluidsynth_available():
        samples, sample_rate, synthesizer = _fluidsynth_samples(sequence, soundfont), FLUIDSYNTH_SAMPLE_RATE, \
            "fluidsynth"
    else:
        samples, sample_rate, synthesizer = render_samples(sequence), SAMPLE_RATE, "builtin"
    write_bytes_atomically(path, wav_bytes(samples, sample_rate))
    return synthesizer
