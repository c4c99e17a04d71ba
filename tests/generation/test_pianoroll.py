import numpy as np
import pytest

from symphonia.generation.pianoroll import parse_pianoroll, pianoroll_sequence, primer_frames
from symphonia.generation.primers import PrimerError
from tests.models.pianoroll_rnn_nade.datasets import CHORDS, chord_progressions, train_on_progressions


def test_a_pianoroll_primer_reads_midi_pitches_and_drops_those_off_the_piano():
    frames = parse_pianoroll("[(55,), (54,), (55, 53), (50,), (62, 52), (), (63, 55, 120)]")
    assert frames.shape == (7, 88)
    assert [tuple(np.flatnonzero(frame) + 21) for frame in frames] == [
        (55,), (54,), (53, 55), (50,), (52, 62), (), (55, 63)]


@pytest.mark.parametrize("text, problem", [
    ("[(55,), (54,", "not a Python literal"),
    ("55", "int, not a list"),
    ("[(55, 'C')]", "step 0 holds 'C'"),
    ("[(), (128,)]", "step 1 holds 128"),
    ("__import__('os')", "not a Python literal"),
])
def test_a_bad_pianoroll_primer_is_a_one_line_error(text, problem):
    with pytest.raises(PrimerError) as error:
        parse_pianoroll(text)
    message = str(error.value)
    assert message.startswith("--primer_pianoroll must be a list of steps") and problem in message
    assert "\n" not in message


def test_frames_survive_a_note_sequence_round_trip():
    """Held keys become one note and come back as the same frames (a repeated key needs a silent frame)."""
    frames = chord_progressions(1, 6, seed=1)[0]
    frames[4:6] = False
    sequence = pianoroll_sequence(frames, qpm=60)
    assert sequence.tempos[0].qpm == 60 and sequence.total_time == pytest.approx(6 * 0.25)
    np.testing.assert_array_equal(primer_frames(sequence, 4), frames)
    assert primer_frames(pianoroll_sequence(np.zeros((0, 88), bool), qpm=60), 4).shape == (0, 88)


def test_a_trained_model_continues_its_chord_progression_from_any_primer():
    """A tiny RNN-NADE trained on C-F-G-Am cycles plays the cycle on from a one-chord primer, and needs none.

    At low temperature each key is set when the model thinks it likely, and
    the model has learnt that the previous chord fixes the next.
    """
    keras = pytest.importorskip("keras")
    from symphonia.generation.options import GenerationOptions
    from symphonia.generation.pianoroll import PianorollGenerator
    from symphonia.models.pianoroll_rnn_nade.configs import get_config
    from symphonia.models.pianoroll_rnn_nade.model import RnnNade

    keras.utils.set_random_seed(0)
    config = get_config("rnn-nade").with_hparams("rnn_layer_sizes=[64],nade_hidden_units=16")
    model = RnnNade.from_rnn_nade_config(config)
    train_on_progressions(model, num_steps=80)
    generator = PianorollGenerator(config, model, jit_compile=False)
    for first in range(len(CHORDS)):
        primer = np.zeros((1, 88), bool)
        primer[0, CHORDS[first]] = True
        frames, _ = generator.generate_frames(primer, 9, num_outputs=2, options=GenerationOptions(temperature=0.1),
                                              seed=first)
        for frame in frames.reshape(-1, 9, 88):
            played = [tuple(np.flatnonzero(step)) for step in frame]
            assert played == [tuple(CHORDS[(first + t) % len(CHORDS)]) for t in range(9)]
    frames, _ = generator.generate_frames(np.zeros((0, 88), bool), 9, num_outputs=3, seed=0)
    assert frames.shape == (3, 9, 88) and frames.any()  # no primer: Magenta fails, here it starts from silence


def test_a_primer_as_long_as_the_output_leaves_nothing_to_generate():
    pytest.importorskip("tensorflow")
    from symphonia.generation.pianoroll import PianorollGenerator
    from symphonia.models.pianoroll_rnn_nade.configs import get_config
    from symphonia.models.pianoroll_rnn_nade.model import RnnNade

    config = get_config("rnn-nade").with_hparams("rnn_layer_sizes=[4],nade_hidden_units=2")
    generator = PianorollGenerator(config, RnnNade.from_rnn_nade_config(config), jit_compile=False)
    with pytest.raises(PrimerError, match="nothing to generate: the primer takes 8 of the 8 steps asked for"):
        generator.generate(pianoroll_sequence(np.ones((8, 88), bool), qpm=60), num_steps=8)
