import numpy as np
import pytest

tf = pytest.importorskip("tensorflow")

from symphonia.generation import stored_models
from symphonia.generation.events_rnn.loading import LoadError, save_bundle
from symphonia.generation.options import GenerationOptions
from symphonia.generation.pianoroll import RNN_NADE, PianorollGenerator
from symphonia.models.events_rnn.configs import get_config as events_config
from symphonia.models.events_rnn.model import EventsRnn
from symphonia.models.pianoroll_rnn_nade.configs import get_config
from symphonia.models.pianoroll_rnn_nade.model import RnnNade
from tests.generation.events_rnn.models import write_run


@pytest.fixture(scope="module")
def trained():
    tf.keras.utils.set_random_seed(1)
    config = get_config("rnn-nade_attn").with_hparams("rnn_layer_sizes=[6],attn_length=2,nade_hidden_units=3")
    return config, RnnNade.from_rnn_nade_config(config)


def _outputs(config, model):
    generator = PianorollGenerator(config, model, jit_compile=False)
    return generator.generate_frames(np.zeros((0, 88), bool), 5, num_outputs=2, options=GenerationOptions(), seed=3)[0]


def test_a_bundle_and_a_run_directory_give_the_same_model_and_outputs(tmp_path, trained):
    config, model = trained
    save_bundle(str(tmp_path / "nade.mag"), config, model, "tiny")
    run_dir = write_run(tmp_path / "run", config, model)
    expected = _outputs(config, model)
    for loaded_config, loaded in (stored_models.load_bundle(RNN_NADE, str(tmp_path / "nade.mag")),
                                  stored_models.load_run_dir(RNN_NADE, run_dir)):
        assert loaded_config == config
        for weight, original in zip(loaded.weights, model.weights):
            np.testing.assert_array_equal(weight.numpy(), original.numpy())
        np.testing.assert_array_equal(_outputs(loaded_config, loaded), expected)


def test_what_is_not_an_rnn_nade_is_a_one_line_load_error(tmp_path):
    (tmp_path / "junk.mag").write_bytes(b"\xff\x00not a protobuf")
    events = events_config("drum_kit").with_hparams("rnn_layer_sizes=[4]")
    save_bundle(str(tmp_path / "drums.mag"), events, EventsRnn.from_events_config(events))
    for path, message in ((tmp_path / "junk.mag", "is not a generator bundle"),
                          (tmp_path / "drums.mag", "does not hold an RNN-NADE configuration"),
                          (tmp_path / "none", "holds no training run")):
        load = stored_models.load_run_dir if path.name == "none" else stored_models.load_bundle
        with pytest.raises(LoadError, match=message) as error:
            load(RNN_NADE, str(path))
        assert "\n" not in str(error.value)
