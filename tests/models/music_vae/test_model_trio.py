"""Trio models (hierarchical with one core decoder per instrument, and flat with three heads) train and sample."""

import pytest

from tests.models.music_vae.patterns import four_bar_trio
from tests.models.music_vae.test_model import four_bars, train_and_load


@pytest.mark.parametrize("name", ["hierdec-trio_16bar", "flat-trio_16bar"])
def test_trio_models_train_and_sample_three_instruments(name, tmp_path):
    model, corpus = train_and_load(four_bars(name), [four_bar_trio(i) for i in range(6)], tmp_path)
    assert corpus.windows.shape[1:] == (64, 3)
    labels = model.decode_to_labels(model.prior_samples(2, seed=3), temperature=1.0, seed=3)
    assert labels.shape == (2, 64, 3) and (labels.max(axis=(0, 1)) < (90, 90, 512)).all()
    for sample in model.sample(2, temperature=1.0, seed=3):
        assert {(n.instrument, n.program, n.is_drum) for n in sample.notes} == {(0, 0, False), (1, 33, False),
                                                                             (9, 0, True)}
