"""Differential test against Magenta itself, for the stages note-seq lacks (polyphony_lib, the pipelines).

Slow and optional: it runs only when ``SYMPHONIA_MAGENTA_PYTHON`` names a Python
with magenta 2.1.4 installed (Magenta cannot be installed on Python 3.11), e.g.
``SYMPHONIA_MAGENTA_PYTHON=/path/to/magenta-venv/bin/python pytest -m slow tests/data``.
"""

import hashlib
import json
import os
import pathlib
import pickle
import subprocess

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings

from symphonia.data.drum_tracks import DrumTrackOptions, extract_drum_tracks
from symphonia.data.melodies import MelodyOptions, extract_melodies
from symphonia.data.pianorolls import PianorollOptions, extract_pianorolls
from symphonia.data.polyphonic_sequences import PolyphonyOptions, extract_polyphonic_sequences
from tests.data.note_sequences import note_sequences

MAGENTA_PYTHON = os.environ.get("SYMPHONIA_MAGENTA_PYTHON")
DRIVER = pathlib.Path(__file__).with_name("magenta_driver.py")
OUR_EXTRAS = {"time_change_splits", "sequences_discarded_because_empty"}


def melody_events(melody):
    return melody.tolist()


def pitch_lists(steps):
    return [np.flatnonzero(step).tolist() for step in steps]


def poly_events(events):
    return events.tolist()


# Same names and settings as magenta_driver.CONFIGS.
CONFIGS = {
    "melody": (extract_melodies, MelodyOptions(), melody_events),
    "melody_small": (extract_melodies, MelodyOptions(min_bars=1, max_steps_truncate=24, min_unique_pitches=2),
                     melody_events),
    "drum_kit": (extract_drum_tracks, DrumTrackOptions(), pitch_lists),
    "one_drum": (extract_drum_tracks, DrumTrackOptions(steps_per_quarter=2), pitch_lists),
    "drums_small": (extract_drum_tracks, DrumTrackOptions(min_bars=1, max_steps_truncate=20), pitch_lists),
    "polyphony": (extract_polyphonic_sequences, PolyphonyOptions(), poly_events),
    "polyphony_small": (extract_polyphonic_sequences, PolyphonyOptions(min_steps=1, max_steps=150), poly_events),
    "pianoroll": (extract_pianorolls, PianorollOptions(), pitch_lists),
    "pianoroll_small": (extract_pianorolls, PianorollOptions(min_steps=1, max_steps_truncate=30), pitch_lists),
}


def drawn_sequences(count):
    drawn = []

    @settings(max_examples=count, database=None, derandomize=True, deadline=None,
              suppress_health_check=list(HealthCheck))
    @given(note_sequences(max_notes=40, drum_share=0.3))
    def draw(sequence):
        drawn.append(sequence)

    draw()
    return drawn


def ours(sequence, extract, options, canonical):
    result = extract(sequence, options)
    events = json.dumps([canonical(found) for found in result.events], separators=(",", ":")).encode()
    stats = {name: count for name, count in result.stats.items() if count and name not in OUR_EXTRAS}
    return [hashlib.sha1(events).hexdigest(), len(result.events), stats]


@pytest.mark.slow
@pytest.mark.skipif(not MAGENTA_PYTHON, reason="set SYMPHONIA_MAGENTA_PYTHON to a Python with magenta")
def test_same_events_and_statistics_as_magenta(tmp_path):
    sequences = drawn_sequences(300)
    path = tmp_path / "sequences.pkl"
    path.write_bytes(pickle.dumps([sequence.SerializeToString() for sequence in sequences]))
    output = subprocess.run([MAGENTA_PYTHON, str(DRIVER), str(path)], check=True, capture_output=True, text=True)
    theirs = json.loads(output.stdout)
    for sequence, expected in zip(sequences, theirs, strict=True):
        for name, config in CONFIGS.items():
            assert ours(sequence, *config) == expected[name], (name, sequence)
