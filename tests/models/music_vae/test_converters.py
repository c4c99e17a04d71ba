import json

import numpy as np
import pytest

from symphonia.models.music_vae.converters import (
    FULL_DRUM_PITCH_CLASSES,
    DrumsConverter,
    MelodyConverter,
    make_converter,
    skip_reason,
)
from symphonia.models.music_vae.data import WindowCorpus
from tests.data.note_sequences import SECONDS_PER_STEP, drum, note, sequence
from tests.models.music_vae.patterns import four_bar_trio, two_bar_drums, two_bar_melody

CAT_MEL = {"valid_programs": range(32)}  # cat-mel_2bar's converter; the rest are the defaults


def melody_class(pitch):
    """Spec 7.3: class 0 no-event, 1 note-off, 2 + pitch - 21 a note-on."""
    return 2 + pitch - 21


def quarter_notes(pitches, first_step=0, **fields):
    return [note(p, first_step + 4 * i, first_step + 4 * i + 4, **fields) for i, p in enumerate(pitches)]


def quarter_note_labels(pitches):
    labels = np.zeros(4 * len(pitches), dtype=np.int32)
    labels[::4] = [melody_class(p) for p in pitches]
    return labels


def windows_of(converter, notes, **fields):
    return np.array(converter.to_windows(sequence(notes, **fields))).reshape(-1, converter.max_length)


# Sixteen distinct pitches a bar apart in 4 bars: no two windows alike.
FOUR_BARS = list(range(60, 76))


def test_depths_and_length_follow_the_spec():
    melody, drums = MelodyConverter(**CAT_MEL), DrumsConverter()
    assert (melody.input_depth, melody.output_depth, melody.max_length) == (90, 90, 32)
    assert (drums.input_depth, drums.output_depth, drums.max_length) == (10, 512, 32)
    assert DrumsConverter(roll_input=False).input_depth == 512


def test_two_bar_windows_start_at_every_bar_line():
    windows = windows_of(MelodyConverter(**CAT_MEL), quarter_notes(FOUR_BARS))
    labels = quarter_note_labels(FOUR_BARS)
    np.testing.assert_array_equal(windows, [labels[0:32], labels[16:48], labels[32:64]])
    assert windows.dtype == np.int32


def test_repeated_windows_are_kept_once():
    one_bar = [60, 62, 64, 65]
    extraction = MelodyConverter(**CAT_MEL).extract(sequence(quarter_notes(one_bar * 4)))
    np.testing.assert_array_equal(extraction.events, [quarter_note_labels(one_bar * 2)])
    assert extraction.stats["duplicate_windows"] == 2 and extraction.stats["windows"] == 1


def test_a_silent_bar_ends_a_melody_unless_gap_bars_allows_it():
    first, second = [60, 62, 64, 65, 67, 69, 71, 72], [72, 71, 69, 67, 65, 64, 62, 60]
    notes = quarter_notes(first) + quarter_notes(second, first_step=64)  # two silent bars between
    np.testing.assert_array_equal(windows_of(MelodyConverter(**CAT_MEL), notes),
                                  [quarter_note_labels(first), quarter_note_labels(second)])
    bridged = windows_of(MelodyConverter(gap_bars=3, **CAT_MEL), notes)
    assert len(bridged) == 5
    assert not bridged[2].any()  # the silent bars (the release before them dropped, as Magenta does)


def test_the_highest_of_simultaneous_notes_is_kept():
    top = FOUR_BARS[:8]
    chords = [n for below in (0, 4, 7) for n in quarter_notes([p - below for p in top])]
    np.testing.assert_array_equal(windows_of(MelodyConverter(**CAT_MEL), chords), [quarter_note_labels(top)])
    extraction = MelodyConverter(skip_polyphony=True, **CAT_MEL).extract(sequence(chords))
    assert extraction.events == [] and skip_reason(extraction.stats) == "polyphonic"


def test_only_notes_of_valid_programs_and_in_range_count():
    melody = quarter_notes(FOUR_BARS[:8])
    above = [note(110, 0, 32), note(79, 0, 32, program=40)]  # above 108; a violin (program 40)
    converter = MelodyConverter(**CAT_MEL)
    np.testing.assert_array_equal(windows_of(converter, melody + above), [quarter_note_labels(FOUR_BARS[:8])])
    extraction = converter.extract(sequence(quarter_notes(FOUR_BARS[:8], program=40)))
    assert extraction.events == [] and skip_reason(extraction.stats) == "no_usable_notes"
    assert len(MelodyConverter().to_windows(sequence(quarter_notes(FOUR_BARS[:8], program=40)))) == 1


def test_the_range_ends_are_classes_2_and_89():
    (window,) = windows_of(MelodyConverter(**CAT_MEL), quarter_notes([21, 108] * 4))
    assert window[0] == 2 and window[4] == 89


def test_a_melody_runs_on_to_the_bar_line_with_its_last_note_released():
    (window,) = windows_of(MelodyConverter(**CAT_MEL), [note(60, 0, 16), note(62, 16, 24)])
    expected = np.zeros(32, dtype=np.int32)
    expected[[0, 16, 24]] = [melody_class(60), melody_class(62), 1]
    np.testing.assert_array_equal(window, expected)


def test_a_window_never_starts_with_note_offs_before_its_first_note():
    # The note ending on the second bar line is released there; the next starts a beat later.
    notes = quarter_notes(FOUR_BARS[:4]) + quarter_notes(FOUR_BARS[4:12], first_step=20)
    first, second, _ = windows_of(MelodyConverter(**CAT_MEL), notes)
    assert first[16] == 1  # inside a window the release stays
    assert second[0] == 0 and second[4] == melody_class(FOUR_BARS[4])  # Magenta's Melody drops it there


def test_melodies_are_cut_to_max_bars():
    windows = windows_of(MelodyConverter(max_bars=3, **CAT_MEL), quarter_notes(FOUR_BARS))
    np.testing.assert_array_equal(windows, [quarter_note_labels(FOUR_BARS)[:32], quarter_note_labels(FOUR_BARS)[16:48]])


def test_a_tempo_change_splits_the_sequence_and_both_parts_give_windows():
    # 4 bars at 120 qpm (8 s), then 2 bars at 60 qpm, where a 16th note lasts twice as long.
    slow = [note(p, 64 + 8 * i, 64 + 8 * i + 8) for i, p in enumerate([50, 52, 53, 55, 57, 58, 60, 62])]
    extraction = MelodyConverter(**CAT_MEL).extract(sequence(quarter_notes(FOUR_BARS) + slow, tempos=[(8.0, 60.0)]))
    assert extraction.stats["time_change_splits"] == 1
    labels = quarter_note_labels(FOUR_BARS)
    np.testing.assert_array_equal(extraction.events, [labels[0:32], labels[16:48], labels[32:64],
                                                      quarter_note_labels([50, 52, 53, 55, 57, 58, 60, 62])])


def test_pieces_not_in_4_4_are_skipped_and_counted():
    three_four = MelodyConverter(**CAT_MEL).extract(sequence(quarter_notes(FOUR_BARS), time_signatures=[(0, 3, 4)]))
    assert three_four.events == [] and three_four.stats["pieces_discarded_because_bar_not_16_steps"] == 1
    assert skip_reason(three_four.stats) == "not_4_4"
    # 4/4 for 4 bars, then 3/4: the first part still gives its windows.
    mixed = MelodyConverter(**CAT_MEL).extract(sequence(quarter_notes(FOUR_BARS + FOUR_BARS[:12]),
                                                        time_signatures=[(0, 4, 4), (8.0, 3, 4)]))
    assert len(mixed.events) == 3 and mixed.stats["pieces_discarded_because_bar_not_16_steps"] == 1


def test_short_melodies_give_no_window_and_say_so():
    extraction = MelodyConverter(**CAT_MEL).extract(sequence(quarter_notes([60, 62, 64])))
    assert extraction.events == [] and skip_reason(extraction.stats) == "too_short"


def random_melody_windows(rng, count):
    """Windows that survive a round trip: a note on the first bar's first beat, rests shorter than a
    bar, and a note still sounding in the second bar (otherwise extraction would end the melody)."""
    windows = []
    while len(windows) < count:
        labels, step = np.zeros(32, dtype=np.int32), 0
        while step < 32:
            labels[step] = rng.integers(2, 90)
            length = int(rng.integers(1, 9))
            if rng.random() < 0.3 and step + length < 31:
                labels[step + length] = 1
                length += int(rng.integers(1, 8))
            step += length
        windows.append(labels)
    return np.stack(windows)


def test_melody_labels_survive_a_round_trip_through_note_sequences():
    converter = MelodyConverter(**CAT_MEL)
    labels = random_melody_windows(np.random.default_rng(0), 40)
    sequences = converter.to_note_sequences(labels)
    for window, ns in zip(labels, sequences):
        assert all(n.velocity == 80 and n.program == 0 and not n.is_drum for n in ns.notes)
        assert ns.tempos[0].qpm == 120
        np.testing.assert_array_equal(converter.to_windows(ns), [window])


def test_drum_labels_survive_a_round_trip_through_note_sequences():
    converter = DrumsConverter()
    labels = np.random.default_rng(1).integers(0, 512, size=(40, 32)).astype(np.int32)
    labels[:, [0, -1]] |= 1  # a hit on the first and last steps keeps the track whole
    for window, ns in zip(labels, converter.to_note_sequences(labels)):
        assert all(n.is_drum and n.instrument == 9 and n.velocity == 80 for n in ns.notes)
        np.testing.assert_array_equal(converter.to_windows(ns), [window])


def test_drum_pitches_map_to_the_nine_classes():
    hits = {0: [35], 1: [38, 40], 2: [44, 22], 3: [26], 4: [36, 42], 5: [51], 6: [25], 16: [36], 31: [36]}
    notes = [drum(p, step) for step, pitches in hits.items() for p in pitches]
    notes.append(note(36, 8, 9))  # a pitched note is no drum
    (window,) = DrumsConverter().to_windows(sequence(notes))
    expected = np.zeros(32, dtype=np.int32)
    # kick 1, snare 2, closed hi-hat 4, open hi-hat 8, kick + closed hi-hat 5, ride 256; 25 is no class
    expected[[0, 1, 2, 3, 4, 5, 16, 31]] = [1, 2, 4, 8, 5, 256, 1, 1]
    np.testing.assert_array_equal(window, expected)


def test_drum_inputs_are_a_roll_with_a_no_hit_bit():
    inputs = DrumsConverter().inputs_from_labels(np.array([[5, 0, 256]]))
    assert inputs.shape == (1, 3, 10) and inputs.dtype == np.float32
    np.testing.assert_array_equal(inputs[0, 0], [1, 0, 1, 0, 0, 0, 0, 0, 0, 0])
    np.testing.assert_array_equal(inputs[0, 1], [0] * 9 + [1])
    np.testing.assert_array_equal(inputs[0, 2], [0] * 8 + [1, 0])
    one_hot = DrumsConverter(roll_input=False).inputs_from_labels([7])
    assert one_hot.shape == (1, 512) and one_hot[0, 7] == 1 and one_hot.sum() == 1


def test_drums_decode_to_each_class_first_pitch():
    (ns,) = DrumsConverter().to_note_sequences(np.array([[5] + [0] * 30 + [384]]))
    hits = sorted((round(n.start_time / SECONDS_PER_STEP), n.pitch) for n in ns.notes)
    assert hits == [(0, 36), (0, 42), (31, 49), (31, 51)]
    assert all(round((n.end_time - n.start_time) / SECONDS_PER_STEP) == 1 for n in ns.notes)


def full_drum_rolls():
    return DrumsConverter(pitch_classes=FULL_DRUM_PITCH_CLASSES, roll_output=True)


@pytest.mark.parametrize("converter", [MelodyConverter(), DrumsConverter(), DrumsConverter(roll_input=False),
                                       full_drum_rolls()], ids=["melody", "drums", "drums-one-hot", "drum-rolls"])
def test_tensorflow_inputs_match_numpy_inputs(converter):
    import tensorflow as tf

    rng = np.random.default_rng(2)
    if getattr(converter, "roll_output", False):
        labels = (rng.random((3, 32, converter.output_depth)) < 0.05).astype(np.int32)
    else:
        labels = rng.integers(0, converter.output_depth, size=(3, 32)).astype(np.int32)
    np.testing.assert_array_equal(converter.inputs_from_labels_tf(tf.constant(labels)).numpy(),
                                  converter.inputs_from_labels(labels))


def test_select_windows_takes_the_first_or_a_seeded_sample():
    converter = MelodyConverter(max_tensors_per_notesequence=3)
    windows = [np.full(32, i, dtype=np.int32) for i in range(7)]
    assert [w[0] for w in converter.select_windows(windows, "eval", None)] == [0, 1, 2]
    samples = [[int(w[0]) for w in converter.select_windows(windows, "train", np.random.default_rng(seed))]
               for seed in range(6)]
    assert all(len(set(s)) == 3 and s == sorted(s) and set(s) <= set(range(7)) for s in samples)
    assert len({tuple(s) for s in samples}) > 1
    again = [int(w[0]) for w in converter.select_windows(windows, "train", np.random.default_rng(0))]
    assert again == samples[0]
    assert len(converter.select_windows(windows[:2], "train", np.random.default_rng(0))) == 2
    assert len(MelodyConverter(max_tensors_per_notesequence=None).select_windows(windows, "eval", None)) == 7
    with pytest.raises(ValueError, match="mode"):
        converter.select_windows(windows, "test", None)


def test_transposition_refuses_to_push_a_note_out_of_range():
    converter = MelodyConverter(**CAT_MEL)
    labels = np.array([melody_class(60), 0, 1, melody_class(106)], dtype=np.int32)
    np.testing.assert_array_equal(converter.transpose_labels(labels, 2),
                                  [melody_class(62), 0, 1, melody_class(108)])
    assert converter.transpose_labels(labels, 3) is None
    down, up = converter.transposition_room(np.stack([labels, np.zeros(4, np.int32)]))
    assert down.tolist() == [60 - 21, 88] and up.tolist() == [2, 88]  # an empty window moves freely


def test_specs_are_json_and_rebuild_the_converter():
    for converter in [MelodyConverter(**CAT_MEL), DrumsConverter(roll_input=False, max_bars=None)]:
        spec = json.loads(json.dumps(converter.spec))
        rebuilt = make_converter(spec)
        assert type(rebuilt) is type(converter) and rebuilt.spec == converter.spec
    assert make_converter({"type": "melody", "valid_programs": [0, 1]}).valid_programs == (0, 1)
    with pytest.raises(ValueError, match="type must be one of melody, drums, trio"):
        make_converter({"type": "piano"})
    with pytest.raises(ValueError, match="bad drums converter arguments"):
        make_converter({"type": "drums", "min_pitch": 3})


def test_explanations_name_the_filters():
    assert MelodyConverter(**CAT_MEL).explain("no_usable_notes") == \
        "have no pitched note of programs 0..31 within MIDI 21..108"
    assert DrumsConverter().explain("too_short") == "have no drum track lasting 2 bars"
    assert "4/4" in DrumsConverter().explain("not_4_4")


def test_nade_drum_configs_have_roll_outputs_of_61_and_9_classes():
    full, reduced = full_drum_rolls(), DrumsConverter(roll_output=True)
    assert (full.input_depth, full.output_depth) == (62, 61)
    assert (reduced.input_depth, reduced.output_depth) == (10, 9)
    assert len({p for (p,) in FULL_DRUM_PITCH_CLASSES}) == 61
    with pytest.raises(ValueError, match="roll_output needs roll_input"):
        DrumsConverter(roll_output=True, roll_input=False)
    with pytest.raises(ValueError, match="need 1 to 16 drum pitch classes"):
        DrumsConverter(pitch_classes=FULL_DRUM_PITCH_CLASSES)  # 2^61 one-hot classes


def test_full_drum_rolls_give_each_pitch_its_own_column():
    # Spec 7.3's order: 36 is column 0, 35 column 1, 43 column 48 (among the high toms), 82 the last;
    # 22 and 26 have no column.
    hits = {0: [36, 35], 5: [43], 16: [82, 22], 31: [26, 36]}
    (window,) = full_drum_rolls().to_windows(sequence([drum(p, step) for step, ps in hits.items() for p in ps]))
    assert window.shape == (32, 61) and window.dtype == np.uint8
    assert {(int(s), int(c)) for s, c in zip(*np.nonzero(window))} == {(0, 0), (0, 1), (5, 48), (16, 60), (31, 0)}


def test_reduced_rolls_are_the_bits_of_the_one_hot_labels():
    notes = [drum(p, step) for step in range(0, 64, 3) for p in ([36, 42] if step % 2 else [38, 51])]
    labels = np.stack(DrumsConverter().to_windows(sequence(notes)))
    rolls = np.stack(DrumsConverter(roll_output=True).to_windows(sequence(notes)))
    np.testing.assert_array_equal(rolls, (labels[..., None] >> np.arange(9)) & 1)


def test_drum_rolls_survive_a_round_trip_through_note_sequences():
    converter = full_drum_rolls()
    rolls = (np.random.default_rng(4).random((20, 32, 61)) < 0.06).astype(np.uint8)
    rolls[:, [0, -1], 0] = 1  # a kick on the first and last steps keeps the track whole
    for window, ns in zip(rolls, converter.to_note_sequences(rolls)):
        assert all(n.is_drum and n.instrument == 9 and n.velocity == 80 for n in ns.notes)
        assert {n.pitch for n in ns.notes} <= {p for (p,) in FULL_DRUM_PITCH_CLASSES}
        np.testing.assert_array_equal(converter.to_windows(ns), [window])


def test_roll_inputs_add_a_no_hit_bit():
    rolls = np.zeros((1, 2, 61), dtype=np.uint8)
    rolls[0, 0, [3, 60]] = 1
    inputs = full_drum_rolls().inputs_from_labels(rolls)
    assert inputs.shape == (1, 2, 62) and inputs.dtype == np.float32
    assert np.flatnonzero(inputs[0, 0]).tolist() == [3, 60] and np.flatnonzero(inputs[0, 1]).tolist() == [61]


def test_a_corpus_of_drum_rolls_batches_int32_rolls():
    converter = full_drum_rolls()
    corpus = WindowCorpus.from_note_sequences([sequence([drum(35, step) for step in range(0, 48, 3)])], converter)
    assert corpus.windows.shape == (2, 32, 61) and corpus.windows.dtype == np.uint8
    (batch,) = list(corpus.dataset(2, mode="eval", seed=0, repeat=False))
    assert batch["labels"].dtype.name == "int32" and batch["labels"].shape == (2, 32, 61)
    np.testing.assert_array_equal(batch["inputs"].numpy(), converter.inputs_from_labels(corpus.windows))


def test_sixteen_bar_melodies_take_any_program_and_slide_a_bar_at_a_time():
    # hierdec-mel_16bar's converter: 18 bars of a violin (program 40) give windows at bars 0, 1 and 2.
    pitches = [60 + i % 13 for i in range(4 * 18)]
    converter = MelodyConverter(slice_bars=16)
    windows = windows_of(converter, quarter_notes(pitches, program=40))
    assert converter.max_length == 256
    labels = quarter_note_labels(pitches)
    np.testing.assert_array_equal(windows, [labels[0:256], labels[16:272], labels[32:288]])


@pytest.mark.parametrize("spec, piece", [
    ({"type": "melody", "slice_bars": 2}, two_bar_melody(0)),
    ({"type": "drums", "slice_bars": 2}, two_bar_drums(0)),
    ({"type": "drums", "slice_bars": 2, "roll_output": True}, two_bar_drums(1)),
    ({"type": "trio", "slice_bars": 4}, four_bar_trio(0)),
])
def test_label_shape_is_the_shape_of_every_window(spec, piece):
    converter = make_converter(spec)
    windows = converter.to_windows(piece)
    assert windows and all(window.shape == converter.label_shape for window in windows)
