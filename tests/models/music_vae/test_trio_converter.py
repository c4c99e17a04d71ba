import itertools
import json

import numpy as np
import pytest

from symphonia.models.music_vae.converters import make_converter, skip_reason
from symphonia.models.music_vae.data import WindowCorpus
from symphonia.models.music_vae.trio_converter import TrioConverter
from tests.data.note_sequences import drum, note, sequence

BARS = 16
STEPS = 16 * BARS


def melody_class(pitch):
    """Spec 7.3: class 0 no-event, 1 note-off, 2 + pitch - 21 a note-on."""
    return 2 + pitch - 21


def half_notes(pitches, bars, instrument, program, first_bar=0):
    """Half notes cycling through ``pitches`` from ``first_bar`` to the end of bar ``bars - 1``."""
    starts = range(16 * first_bar, 16 * bars, 8)
    return [note(pitches[i % len(pitches)], start, start + 8, instrument=instrument, program=program)
            for i, start in enumerate(starts)]


def half_note_labels(pitches, bars, first_bar=0):
    labels = np.zeros(16 * bars, dtype=np.int32)
    starts = np.arange(16 * first_bar, 16 * bars, 8)
    labels[starts] = [melody_class(pitches[i % len(pitches)]) for i in range(len(starts))]
    return labels


def beat(bars, instrument=9, kick=36, hat=42):
    """A kick on every beat and a closed hi-hat on every off-beat 8th."""
    return [drum(kick if step % 4 == 0 else hat, step, instrument=instrument) for step in range(0, 16 * bars, 2)]


def beat_labels(bars):
    labels = np.zeros(16 * bars, dtype=np.int32)
    labels[0::4], labels[2::4] = 1, 4  # kick = bit 0, closed hi-hat = bit 2
    return labels


MELODY = [72, 74, 76, 77, 79]
BASS = [36, 43, 41]


def trio(bars=BARS, melody_bar=0):
    return (half_notes(MELODY, bars, instrument=0, program=0, first_bar=melody_bar)
            + half_notes(BASS, bars, instrument=1, program=33) + beat(bars))


def expected_window(melody_bar=0):
    return np.stack([half_note_labels(MELODY, BARS, melody_bar), half_note_labels(BASS, BARS), beat_labels(BARS)],
                    axis=-1)


def test_depths_follow_the_spec():
    converter = TrioConverter()
    assert converter.output_depths == (90, 90, 512) and converter.input_depth == 692
    assert converter.max_length == 256 and converter.max_tensors_per_notesequence == 5


def test_a_hand_built_trio_gives_its_three_parts_side_by_side():
    (window,) = TrioConverter().to_windows(sequence(trio()))
    assert window.shape == (STEPS, 3) and window.dtype == np.int32
    np.testing.assert_array_equal(window, expected_window())


def test_a_trio_survives_a_round_trip_through_a_note_sequence():
    converter = TrioConverter()
    labels = expected_window()[None]
    (ns,) = converter.to_note_sequences(labels)
    parts = {(n.instrument, n.program, n.is_drum) for n in ns.notes}
    assert parts == {(0, 0, False), (1, 33, False), (9, 0, True)}
    assert {n.velocity for n in ns.notes} == {80} and ns.tempos[0].qpm == 120
    np.testing.assert_array_equal(converter.to_windows(ns), labels)


def random_part(rng, classes):
    """A 16-bar melody or bass line whose rests stay shorter than a bar, from a note on step 0."""
    labels, step = np.zeros(STEPS, dtype=np.int32), 0
    while step < STEPS:
        labels[step] = rng.choice(classes)
        length = int(rng.integers(1, 12))
        if rng.random() < 0.3 and step + length < STEPS - 1:
            labels[step + length] = 1
            length += int(rng.integers(1, 8))
        step += length
    return labels


def test_random_trios_survive_a_round_trip():
    rng = np.random.default_rng(0)
    converter = TrioConverter()
    melodies = [random_part(rng, np.arange(melody_class(60), melody_class(96))) for _ in range(6)]
    basses = [random_part(rng, np.arange(melody_class(28), melody_class(55))) for _ in range(6)]
    drums = rng.integers(0, 512, size=(6, STEPS)).astype(np.int32)
    drums[:, [0, -1]] |= 1  # hits on the first and last steps keep the drum track whole
    labels = np.stack([np.stack(melodies), np.stack(basses), drums], axis=-1)
    for window, ns in zip(labels, converter.to_note_sequences(labels)):
        np.testing.assert_array_equal(converter.to_windows(ns), [window])


def test_invalid_and_mixed_instruments_are_left_out_and_counted():
    strings = half_notes([60, 62], BARS, instrument=2, program=48)
    mixed = half_notes([50], BARS, instrument=3, program=0) + half_notes([40], BARS, instrument=3, program=35)
    pitched_drums = [note(64, 0, 4, instrument=4, program=0), drum(36, 8, instrument=4)]
    extraction = TrioConverter().extract(sequence(trio() + strings + mixed + pitched_drums))
    np.testing.assert_array_equal(extraction.events, [expected_window()])
    stats = extraction.stats
    assert stats["trio_instruments_invalid_program"] == 1 and stats["trio_instruments_mixed_parts"] == 2
    assert stats["trio_instrument_combinations"] == 1


def test_a_sequence_without_bass_gives_nothing_and_says_why():
    converter = TrioConverter()
    notes = [n for n in trio() if n["instrument"] != 1]
    extraction = converter.extract(sequence(notes))
    assert extraction.events == [] and skip_reason(extraction.stats) == "missing_parts"
    assert "bass (programs 32..39)" in converter.explain("missing_parts")
    three_four = converter.extract(sequence(trio(), time_signatures=[(0, 3, 4)]))
    assert three_four.events == [] and skip_reason(three_four.stats) == "not_4_4"


def test_every_combination_of_melody_bass_and_drums_instruments_gives_windows():
    melodies = {0: MELODY, 5: [60, 64, 67]}
    drummers = {9: (36, 42), 10: (35, 46)}
    notes = half_notes(BASS, BARS, instrument=1, program=33)
    for instrument, pitches in melodies.items():
        notes += half_notes(pitches, BARS, instrument=instrument, program=instrument)
    for instrument, (kick, hat) in drummers.items():
        notes += beat(BARS, instrument=instrument, kick=kick, hat=hat)
    extraction = TrioConverter().extract(sequence(notes))
    open_hat = np.where(beat_labels(BARS) == 4, 8, beat_labels(BARS))  # 46 is an open hi-hat, bit 3
    expected = [np.stack([half_note_labels(pitches, BARS), half_note_labels(BASS, BARS), drums], axis=-1)
                for pitches, drums in itertools.product(melodies.values(), [beat_labels(BARS), open_hat])]
    np.testing.assert_array_equal(extraction.events, expected)
    assert extraction.stats["trio_instrument_combinations"] == 4


def test_a_rest_of_up_to_gap_bars_either_side_is_still_covered():
    two_silent_bars = [n for n in trio() if not (n["instrument"] == 0 and 6 * 16 <= n["start_time"] / 0.125 < 8 * 16)]
    (window,) = TrioConverter().to_windows(sequence(two_silent_bars))
    assert window[6 * 16, 0] == 1 and (window[6 * 16 + 1:8 * 16, 0] == 0).all()  # released, then silent
    np.testing.assert_array_equal(window[8 * 16:, 0], half_note_labels(MELODY, BARS)[8 * 16:])
    five_silent_bars = [n for n in trio() if not (n["instrument"] == 0 and 5 * 16 <= n["start_time"] / 0.125 < 10 * 16)]
    extraction = TrioConverter().extract(sequence(five_silent_bars))
    assert extraction.events == [] and skip_reason(extraction.stats) == "too_short"


def test_the_first_gap_bars_bars_are_covered_when_any_part_plays_there_as_in_magenta():
    # Bass and drums from bar 0: a melody entering at bar 4 still counts from bar 0 (bars 0-1 by the
    # leniency at the ends, bars 2-3 by the 2-bar gap); one entering at bar 5 leaves bar 2 uncovered.
    (window,) = TrioConverter().to_windows(sequence(trio(melody_bar=4)))
    np.testing.assert_array_equal(window, expected_window(melody_bar=4))
    assert TrioConverter().to_windows(sequence(trio(melody_bar=5))) == []
    assert len(TrioConverter(gap_bars=3).to_windows(sequence(trio(melody_bar=5)))) == 1


def test_windows_slide_a_bar_at_a_time_and_repeats_are_kept_once():
    # 18 bars: 18 - 16 + 1 = 3 windows (the melody repeats every 2.5 bars, so they differ). With a
    # melody, bass and beat repeating every bar, the 5 windows of 20 bars are all the same.
    extraction = TrioConverter().extract(sequence(trio(bars=18)))
    assert len(extraction.events) == 3
    periodic = half_notes([72, 74], 20, instrument=0, program=0) + half_notes([36], 20, 1, 33) + beat(20)
    repeated = TrioConverter().extract(sequence(periodic))
    assert len(repeated.events) == 1 and repeated.stats["duplicate_windows"] == 4


def test_inputs_are_three_one_hots_side_by_side():
    converter = TrioConverter()
    labels = np.array([[[2, 89, 0], [0, 1, 511]]], dtype=np.int32)
    inputs = converter.inputs_from_labels(labels)
    assert inputs.shape == (1, 2, 692) and inputs.dtype == np.float32
    assert np.flatnonzero(inputs[0, 0]).tolist() == [2, 90 + 89, 180 + 0]
    assert np.flatnonzero(inputs[0, 1]).tolist() == [0, 90 + 1, 180 + 511]


def test_tensorflow_inputs_match_numpy_inputs():
    import tensorflow as tf

    converter = TrioConverter()
    labels = np.stack([np.random.default_rng(3).integers(0, depth, size=(2, 16)) for depth in (90, 90, 512)],
                      axis=-1).astype(np.int32)
    np.testing.assert_array_equal(converter.inputs_from_labels_tf(tf.constant(labels)).numpy(),
                                  converter.inputs_from_labels(labels))


def test_the_spec_is_json_and_rebuilds_the_converter():
    converter = TrioConverter(gap_bars=1, max_tensors_per_notesequence=None)
    rebuilt = make_converter(json.loads(json.dumps(converter.spec)))
    assert isinstance(rebuilt, TrioConverter) and rebuilt.spec == converter.spec
    with pytest.raises(ValueError, match="gap_bars"):
        TrioConverter(gap_bars=1.5)
    with pytest.raises(ValueError, match=r"\[N, T, 3\]"):
        converter.to_note_sequences(np.zeros((1, 16), dtype=np.int32))


def test_a_corpus_of_trios_batches_labels_and_692_wide_inputs():
    converter = TrioConverter()
    corpus = WindowCorpus.from_note_sequences([sequence(trio(bars=18)), sequence(trio())], converter)
    assert corpus.windows.shape == (4, STEPS, 3) and corpus.offsets.tolist() == [0, 3, 4]
    (batch,) = list(corpus.dataset(4, mode="eval", seed=0, repeat=False))
    assert batch["labels"].shape == (4, STEPS, 3) and batch["labels"].dtype.name == "int32"
    assert batch["inputs"].shape == (4, STEPS, 692) and batch["lengths"].numpy().tolist() == [STEPS] * 4
    np.testing.assert_array_equal(batch["inputs"].numpy(), converter.inputs_from_labels(batch["labels"].numpy()))
    with pytest.raises(ValueError, match="trio windows cannot be transposed"):
        corpus.dataset(1, mode="train", seed=0, repeat=False, transpose_range=(-2, 2))


def test_pieces_are_cut_to_max_bars():
    converter = TrioConverter(slice_bars=2, max_bars=4, gap_bars=1)
    windows = converter.to_windows(sequence(trio()))
    full = expected_window()
    np.testing.assert_array_equal(windows, [full[0:32], full[16:48], full[32:64]])
    late = converter.extract(sequence(trio(melody_bar=6)))  # the melody enters after the cut
    assert late.events == [] and late.stats["trio_instruments_without_usable_notes"] == 1
