"""The NADE drum model trains and samples multi-hot drum rolls."""

import numpy as np

from symphonia.models.music_vae.configs import get_config
from tests.models.music_vae.patterns import two_bar_drums
from tests.models.music_vae.test_model import TINY, train_and_load


def test_nade_drum_models_train_and_sample_rolls(tmp_path):
    config = get_config("nade-drums_2bar_reduced").with_hparams(f"{TINY},nade_num_hidden=6")
    model, corpus = train_and_load(config, [two_bar_drums(i) for i in range(6)], tmp_path)
    assert corpus.windows.shape[1:] == (32, 9)
    rolls = model.decode_to_labels(model.prior_samples(2, seed=4), temperature=1.0, seed=4)
    assert rolls.shape == (2, 32, 9) and set(np.unique(rolls)) <= {0, 1} and rolls.any()
    samples = model.sample(2, temperature=1.0, seed=4)
    assert all(note.is_drum for sample in samples for note in sample.notes)
