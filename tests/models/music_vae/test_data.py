import itertools

import numpy as np
import pytest

from symphonia.data.input_pipeline import DatasetError
from symphonia.models.music_vae.converters import DrumsConverter, MelodyConverter
from symphonia.models.music_vae.data import (
    NothingExtractedError,
    WindowCorpus,
    read_note_sequences,
)
from symphonia.tfrecord import AtomicRecordWriter
from tests.data.note_sequences import drum, note, sequence

CAT_MEL = {"valid_programs": range(32)}


def quarter_notes(pitches, **fields):
    return [note(p, 4 * i, 4 * i + 4, **fields) for i, p in enumerate(pitches)]


def melody(bars, low=48, **fields):
    """``bars`` bars of quarter notes rising by semitones: every window differs."""
    return sequence(quarter_notes(range(low, low + 4 * bars), **fields))


def batches(corpus, count, **options):
    return [{name: value.numpy() for name, value in batch.items()}
            for batch in itertools.islice(corpus.dataset(**options), count)]


def test_read_note_sequences_reads_a_file_or_a_glob(tmp_path):
    sequences = [melody(2), melody(3)]
    for index, ns in enumerate(sequences):
        with AtomicRecordWriter(tmp_path / f"part-{index}.tfrecord") as writer:
            writer.write(ns.SerializeToString())
    assert list(read_note_sequences(str(tmp_path / "part-0.tfrecord"))) == sequences[:1]
    assert list(read_note_sequences(str(tmp_path / "part-*.tfrecord"))) == sequences
    with pytest.raises(DatasetError, match="no file matches"):
        read_note_sequences(str(tmp_path / "missing-*.tfrecord"))


def test_a_corpus_keeps_each_sequence_windows_together_and_counts_the_rest():
    sequences = [melody(3), melody(2, program=40), melody(4, low=60), melody(4, low=30)]
    sequences[3].time_signatures.add(numerator=3, denominator=4)
    corpus = WindowCorpus.from_note_sequences(sequences, MelodyConverter(**CAT_MEL))
    assert corpus.offsets.tolist() == [0, 2, 5]
    np.testing.assert_array_equal(corpus.windows[2], MelodyConverter().to_windows(sequences[2])[0])
    stats = corpus.statistics
    assert (stats["sequences_read"], stats["sequences_kept"]) == (4, 2)
    assert (stats["sequences_skipped_no_usable_notes"], stats["sequences_skipped_not_4_4"]) == (1, 1)
    assert corpus.skip_reasons() == {"have no pitched note of programs 0..31 within MIDI 21..108": 1,
                                     "are not in 4/4 (MusicVAE's converters need bars of 16 steps)": 1}


def test_nothing_extracted_says_why_for_every_sequence():
    sequences = [melody(1), melody(1, low=60), melody(3, program=40)]
    with pytest.raises(NothingExtractedError) as caught:
        WindowCorpus.from_note_sequences(sequences, MelodyConverter(**CAT_MEL))
    message = str(caught.value)
    assert "\n" not in message and "from the 3 NoteSequences read" in message
    assert caught.value.reasons == {"have no melody lasting 2 bars": 2,
                                    "have no pitched note of programs 0..31 within MIDI 21..108": 1}
    assert message.index("2 have no melody lasting 2 bars") < message.index("1 have no pitched note")
    with pytest.raises(NothingExtractedError, match="no NoteSequence was read"):
        WindowCorpus.from_note_sequences([], DrumsConverter())


def test_num_windows_is_capped_per_sequence():
    corpus = WindowCorpus.from_note_sequences([melody(9), melody(3)], MelodyConverter(max_tensors_per_notesequence=5))
    assert len(corpus.windows) == 8 + 2
    assert corpus.num_windows("train") == corpus.num_windows("eval") == 5 + 2
    assert corpus.first_windows().tolist() == [0, 1, 2, 3, 4, 8, 9]


def test_batches_hold_inputs_labels_and_lengths():
    converter = MelodyConverter(**CAT_MEL)
    corpus = WindowCorpus.from_note_sequences([melody(9), melody(3, low=70)], converter)
    (train,) = batches(corpus, 5, batch_size=4, mode="train", seed=0, repeat=False)  # 7 windows: one full batch
    assert train["inputs"].shape == (4, 32, 90) and train["inputs"].dtype == np.float32
    assert train["labels"].dtype == np.int32 and train["lengths"].tolist() == [32] * 4
    np.testing.assert_array_equal(train["inputs"], converter.inputs_from_labels(train["labels"]))
    evaluation = batches(corpus, 5, batch_size=4, mode="eval", seed=0, repeat=False)
    assert [len(b["labels"]) for b in evaluation] == [4, 3]
    np.testing.assert_array_equal(np.concatenate([b["labels"] for b in evaluation]),
                                  corpus.windows[corpus.first_windows()])


def window_ids(corpus, labels):
    """Which stored window each row of ``labels`` is."""
    return [int(np.flatnonzero((corpus.windows == row).all(axis=1))[0]) for row in labels]


def test_training_draws_a_new_sample_of_windows_every_pass():
    corpus = WindowCorpus.from_note_sequences([melody(13), melody(3, low=70)],
                                           MelodyConverter(max_tensors_per_notesequence=5))
    passes = [window_ids(corpus, b["labels"])
              for b in batches(corpus, 8, batch_size=7, mode="train", seed=3, repeat=True)]
    for ids in passes:  # 5 of the first sequence's 12 windows, both of the second's
        assert len(set(ids)) == 7 and sum(i < 12 for i in ids) == 5 and {12, 13} <= set(ids)
    assert len({frozenset(ids) for ids in passes}) > 1
    assert len({tuple(ids) for ids in passes}) == len(passes)  # shuffled afresh too
    again = [window_ids(corpus, b["labels"]) for b in batches(corpus, 8, batch_size=7, mode="train", seed=3,
                                                             repeat=True)]
    other = [window_ids(corpus, b["labels"]) for b in batches(corpus, 8, batch_size=7, mode="train", seed=4,
                                                             repeat=True)]
    assert again == passes and other != passes


def shifts(corpus, labels):
    """The semitones each row of ``labels`` was moved from the stored window it came from."""
    notes = labels >= 2
    original = corpus.windows[0]
    assert (labels[~notes] == original[~notes]).all()
    moved = labels[notes] - original[notes]
    assert (moved == moved[0]).all()  # every note moved alike
    return int(moved[0])


def test_transposition_is_drawn_afresh_every_pass_and_reproducibly():
    corpus = WindowCorpus.from_note_sequences([melody(2, low=60)], MelodyConverter(**CAT_MEL))
    options = {"batch_size": 1, "mode": "train", "seed": 7, "repeat": True, "transpose_range": (-5, 5)}
    drawn = [shifts(corpus, b["labels"][0]) for b in batches(corpus, 60, **options)]
    assert set(drawn) == set(range(-5, 6))  # 60 draws from 11 amounts
    assert drawn == [shifts(corpus, b["labels"][0]) for b in batches(corpus, 60, **options)]
    assert drawn != [shifts(corpus, b["labels"][0]) for b in batches(corpus, 60, **{**options, "seed": 8})]


def test_transposition_keeps_every_note_in_range():
    # The melody's top note is MIDI 106: it may move up 2 semitones at most.
    corpus = WindowCorpus.from_note_sequences([melody(2, low=99)], MelodyConverter(**CAT_MEL))
    drawn = [shifts(corpus, b["labels"][0]) for b in batches(corpus, 60, batch_size=1, mode="train", seed=0,
                                                             repeat=True, transpose_range=(-5, 5))]
    assert set(drawn) == set(range(-5, 3))


def test_transposition_is_for_melodies_and_must_allow_no_shift():
    drums = WindowCorpus.from_note_sequences([sequence([drum(36, step) for step in range(0, 32, 2)])],
                                             DrumsConverter())
    with pytest.raises(ValueError, match="drums windows cannot be transposed"):
        drums.dataset(1, mode="train", seed=0, repeat=False, transpose_range=(-1, 1))
    melodies = WindowCorpus.from_note_sequences([melody(2)], MelodyConverter())
    with pytest.raises(ValueError, match="must hold 0"):
        melodies.dataset(1, mode="train", seed=0, repeat=False, transpose_range=(1, 3))


def test_drum_batches_carry_the_roll_inputs():
    converter = DrumsConverter()
    corpus = WindowCorpus.from_note_sequences([sequence([drum(36, step) for step in range(0, 64, 3)])], converter)
    (batch,) = batches(corpus, 1, batch_size=2, mode="eval", seed=0, repeat=False)
    assert batch["inputs"].shape == (2, 32, 10)
    np.testing.assert_array_equal(batch["inputs"], converter.inputs_from_labels(batch["labels"]))
