import numpy as np
import pytest

pytest.importorskip("tensorflow")

from symphonia.codecs import get_codec  # noqa: E402
from symphonia.data.sequence_example import dense_sequence_example  # noqa: E402
from symphonia.generation.events_rnn.drums import drum_sequence  # noqa: E402
from symphonia.generation.events_rnn.generator import EventsRnnGenerator  # noqa: E402
from symphonia.generation.events_rnn.loading import load_run_dir  # noqa: E402
from symphonia.generation.options import GenerationOptions  # noqa: E402
from symphonia.models.events_rnn.configs import get_config  # noqa: E402
from symphonia.models.events_rnn.train import train_events_rnn  # noqa: E402
from symphonia.tfrecord import AtomicRecordWriter  # noqa: E402

BEAT = np.zeros((4, 128), dtype=bool)
BEAT[0, 36] = BEAT[2, 38] = True  # kick, rest, snare, rest


def test_a_model_trained_on_a_repeated_beat_plays_it_greedily(tmp_path):
    codec = get_codec("drum_kit")
    data = str(tmp_path / "beats.tfrecord")
    with AtomicRecordWriter(data) as writer:
        for _ in range(8):
            writer.write(dense_sequence_example(*codec.encode(np.tile(BEAT, (16, 1)))))
    config = get_config("drum_kit").with_hparams(
        "batch_size=4,rnn_layer_sizes=[16],attn_length=0,dropout_keep_prob=1.0,learning_rate=0.05")
    train_events_rnn(config, data, str(tmp_path / "run"), num_training_steps=60, summary_frequency=60)

    generator = EventsRnnGenerator(*load_run_dir(str(tmp_path / "run")))
    primer = drum_sequence(BEAT[:3], 0, 120, 4)  # kick, rest, snare: generation starts after the snare's step
    sequences = generator.generate(primer, 32, num_outputs=2, options=GenerationOptions(temperature=0), seed=0)
    expected = [(36 if step % 4 == 0 else 38, step * 0.125) for step in range(0, 32, 2)]
    for sequence in sequences:
        assert [(note.pitch, note.start_time) for note in sequence.notes] == expected
