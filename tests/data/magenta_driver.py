"""Magenta's own create_dataset stages on serialized NoteSequences (run by Magenta's Python).

Used by ``test_magenta_parity.py`` through the interpreter named in
``SYMPHONIA_MAGENTA_PYTHON`` (a Python 3.8 environment with magenta 2.1.4).
It chains Magenta's pipelines as its DAG does (TimeChangeSplitter, Quantizer,
TranspositionPipeline, extractor) and prints, per sequence and configuration,
the sha1 of the events as canonical JSON, their number and the statistics.

Usage: python magenta_driver.py SEQUENCES.pkl   (a pickled list of serialized NoteSequences)
"""

import collections
import hashlib
import json
import pickle
import sys
import warnings

warnings.filterwarnings("ignore")

from magenta.models.polyphony_rnn import polyphony_rnn_pipeline  # noqa: E402
from magenta.pipelines import drum_pipelines, melody_pipelines, pianoroll_pipeline, statistics  # noqa: E402
from magenta.pipelines import note_sequence_pipelines as stages  # noqa: E402
from note_seq.protobuf import music_pb2  # noqa: E402

ALL_PITCHES = range(-4, 5)


def melody_extractor(**options):
    return lambda: melody_pipelines.MelodyExtractor(ignore_polyphonic_notes=False, name="X", **options)


def drums_extractor(**options):
    return lambda: drum_pipelines.DrumsExtractor(gap_bars=1.0, name="X", **options)


def poly_extractor(**options):
    return lambda: polyphony_rnn_pipeline.PolyphonicSequenceExtractor(name="X", **options)


def roll_extractor(**options):
    return lambda: pianoroll_pipeline.PianorollSequenceExtractor(name="X", **options)


def melody_events(melody):
    return list(melody)


def drum_events(track):
    return [sorted(step) for step in track]


def poly_events(sequence):
    return [[event.event_type, 0 if event.pitch is None else event.pitch] for event in sequence]


def roll_events(roll):
    return [[int(key) for key in frame] for frame in roll]


# name: (steps per quarter, transpositions or None, extractor factory, canonical events)
CONFIGS = {
    "melody": (4, (0,), melody_extractor(min_bars=7, max_steps=512, min_unique_pitches=5), melody_events),
    "melody_small": (4, (0,), melody_extractor(min_bars=1, max_steps=24, min_unique_pitches=2), melody_events),
    "drum_kit": (4, None, drums_extractor(min_bars=7, max_steps=512), drum_events),
    "one_drum": (2, None, drums_extractor(min_bars=7, max_steps=512), drum_events),
    "drums_small": (4, None, drums_extractor(min_bars=1, max_steps=20), drum_events),
    "polyphony": (4, ALL_PITCHES, poly_extractor(min_steps=80, max_steps=512), poly_events),
    "polyphony_small": (4, ALL_PITCHES, poly_extractor(min_steps=1, max_steps=150), poly_events),
    "pianoroll": (4, ALL_PITCHES, roll_extractor(min_steps=80, max_steps=2048), roll_events),
    "pianoroll_small": (4, ALL_PITCHES, roll_extractor(min_steps=1, max_steps=30), roll_events),
}


def collect(total, pipeline):
    """Adds a stage's statistics, without the stage's name, histograms as our bucket keys."""
    for stat in pipeline.get_stats():
        name = stat.name.split("_", 1)[1]
        if isinstance(stat, statistics.Counter):
            total[name] += stat.count
            continue
        bounds = stat.buckets + [float("inf")]
        for low, high in zip(bounds, bounds[1:]):
            total["%s[%s,%s)" % (name, low, high)] += stat.counters[low]


def run(sequence, steps_per_quarter, amounts, make_extractor, canonical):
    stats = collections.Counter()
    events = []
    quantizer = stages.Quantizer(steps_per_quarter=steps_per_quarter, name="X")
    transposer = None if amounts is None else stages.TranspositionPipeline(amounts, name="X")
    extractor = make_extractor()
    for piece in stages.TimeChangeSplitter(name="X").transform(sequence):
        # Magenta's Quantizer sets statistics only on failure, so its DAG counts a
        # stale failure again after every success; start each piece afresh.
        quantizer._set_stats([])
        quantized = quantizer.transform(piece)
        collect(stats, quantizer)
        for one in quantized:
            copies = [one]
            if transposer is not None:
                copies = transposer.transform(one)
                collect(stats, transposer)
            for copy in copies:
                events += [canonical(found) for found in extractor.transform(copy)]
                collect(stats, extractor)
    digest = hashlib.sha1(json.dumps(events, separators=(",", ":")).encode()).hexdigest()
    return [digest, len(events), {name: count for name, count in stats.items() if count}]


def main(path):
    rows = []
    for record in pickle.load(open(path, "rb")):
        sequence = music_pb2.NoteSequence.FromString(record)
        rows.append({name: run(sequence, *config) for name, config in CONFIGS.items()})
    json.dump(rows, sys.stdout)


if __name__ == "__main__":
    main(sys.argv[1])
