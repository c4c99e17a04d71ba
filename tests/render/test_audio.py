import wave

import numpy as np
import pytest

from symphonia.render import audio
from symphonia.render.audio import (PEAK, SAMPLE_RATE, SOUNDFONT_ENV, TAIL_SECONDS, RenderError, render_samples,
                                    soundfont_path, write_wav)
from tests.data.note_sequences import SECONDS_PER_STEP, drum, note, sequence


def _read_wav(path):
    with wave.open(str(path), "rb") as reader:
        assert (reader.getnchannels(), reader.getsampwidth(), reader.getframerate()) == (1, 2, SAMPLE_RATE)
        frames = reader.readframes(reader.getnframes())
    return np.frombuffer(frames, "<i2").astype(np.float64) / 32767


def _rms(samples):
    return float(np.sqrt(np.mean(samples ** 2))) if len(samples) else 0.0


def _window(samples, start, end):
    return samples[int(start * SAMPLE_RATE):int(end * SAMPLE_RATE)]


def test_a_melody_becomes_a_wav_as_long_as_the_sequence_sounding_where_its_notes_are(tmp_path):
    melody = sequence([note(60, 8, 12), note(64, 12, 16), note(67, 16, 24)])  # 1 s of silence, then 2 s of notes
    path = tmp_path / "melody.wav"
    assert write_wav(melody, path) == "builtin"
    samples = _read_wav(path)
    assert len(samples) == round((24 * SECONDS_PER_STEP + TAIL_SECONDS) * SAMPLE_RATE)
    assert _rms(samples) > 0.05
    assert _rms(_window(samples, 0.0, 0.95)) < 1e-4  # nothing before the first note
    assert _rms(_window(samples, 1.0, 3.0)) > 0.1
    assert np.abs(samples).max() <= PEAK + 1e-4


def test_a_note_sounds_at_its_pitch_and_drums_at_theirs():
    a440 = render_samples(sequence([note(69, 0, 16)]))[:SAMPLE_RATE]
    spectrum = np.abs(np.fft.rfft(a440))
    assert abs(np.argmax(spectrum) * SAMPLE_RATE / len(a440) - 440.0) < 2.0

    def centroid(pitch):
        samples = render_samples(sequence([drum(pitch, 0)]))
        assert _rms(samples) > 0.01
        power = np.abs(np.fft.rfft(samples)) ** 2
        return float((np.fft.rfftfreq(len(samples), 1 / SAMPLE_RATE) * power).sum() / power.sum())

    kick, snare, closed_hi_hat = centroid(36), centroid(38), centroid(42)
    assert kick < 300 < snare < closed_hi_hat


def test_a_drum_track_becomes_a_non_silent_wav(tmp_path):
    beat = sequence([drum(pitch, step) for step in range(0, 32, 2) for pitch in ((36, 42) if step % 8 == 0 else (42,))])
    write_wav(beat, tmp_path / "drums.wav")
    samples = _read_wav(tmp_path / "drums.wav")
    assert len(samples) == round((31 * SECONDS_PER_STEP + TAIL_SECONDS) * SAMPLE_RATE)  # the last hit ends at step 31
    assert _rms(samples) > 0.02
    onsets = [_rms(_window(samples, step * SECONDS_PER_STEP, step * SECONDS_PER_STEP + 0.02)) for step in (0, 2)]
    assert onsets[0] > onsets[1]  # the kick adds to the hi-hat


def test_louder_notes_are_louder_and_a_big_chord_does_not_clip():
    samples = render_samples(sequence([note(60, 0, 8, velocity=40), note(60, 16, 24, velocity=120)]))
    assert _rms(_window(samples, 2.0, 3.0)) > 3 * _rms(_window(samples, 0.0, 1.0))
    chord = render_samples(sequence([note(pitch, 0, 8, velocity=127) for pitch in range(48, 80)]))
    assert np.abs(chord).max() == pytest.approx(PEAK)


def test_the_same_sequence_renders_the_same_bytes_and_an_empty_one_is_a_short_silence(tmp_path):
    beat = sequence([drum(36, 0), drum(49, 4), note(72, 2, 6)])
    write_wav(beat, tmp_path / "a.wav")
    write_wav(beat, tmp_path / "b.wav")
    assert (tmp_path / "a.wav").read_bytes() == (tmp_path / "b.wav").read_bytes()
    write_wav(sequence([]), tmp_path / "empty.wav")
    empty = _read_wav(tmp_path / "empty.wav")
    assert len(empty) == round(TAIL_SECONDS * SAMPLE_RATE) and not empty.any()


def test_a_named_soundfont_must_exist_and_without_fluidsynth_the_builtin_synth_plays(tmp_path, monkeypatch):
    monkeypatch.delenv(SOUNDFONT_ENV, raising=False)
    assert soundfont_path() is None
    with pytest.raises(RenderError, match="--soundfont names .*missing.sf2, which is not a file"):
        soundfont_path(str(tmp_path / "missing.sf2"))
    monkeypatch.setenv(SOUNDFONT_ENV, str(tmp_path / "gone.sf2"))
    with pytest.raises(RenderError, match=f"{SOUNDFONT_ENV} names"):
        soundfont_path()
    font = tmp_path / "font.sf2"
    font.write_bytes(b"RIFF")
    monkeypatch.setenv(SOUNDFONT_ENV, str(font))
    assert soundfont_path() == str(font)
    monkeypatch.setattr(audio, "fluidsynth_available", lambda: False)
    assert write_wav(sequence([note(60, 0, 4)]), tmp_path / "x.wav") == "builtin"
