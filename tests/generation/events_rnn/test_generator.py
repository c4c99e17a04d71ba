import numpy as np
import pytest

pytest.importorskip("tensorflow")

from symphonia.codecs.polyphony import STEP_END  # noqa: E402
from symphonia.generation.events_rnn import drums, melody  # noqa: E402
from symphonia.generation.note_sequences import chord_sequence  # noqa: E402
from symphonia.generation.events_rnn.generator import EventsRnnGenerator  # noqa: E402
from symphonia.generation.events_rnn.rollout import GenerationError  # noqa: E402
from symphonia.generation.options import GenerationOptions  # noqa: E402
from symphonia.generation.primers import PrimerError  # noqa: E402
from symphonia.models.events_rnn.configs import get_config  # noqa: E402
from symphonia.models.events_rnn.model import EventsRnn  # noqa: E402
from symphonia.music.proto import NoteSequence  # noqa: E402

BEAM = GenerationOptions(beam_size=2, branch_factor=2, steps_per_iteration=3)


def untrained(name, hparams="rnn_layer_sizes=[8]"):
    config = get_config(name).with_hparams(hparams)
    return EventsRnnGenerator(config, EventsRnn.from_events_config(config), jit_compile=False)


def notes(sequence):
    return [(note.pitch, round(note.start_time, 6), round(note.end_time, 6)) for note in sequence.notes]


@pytest.mark.parametrize("name, hparams", [("attention_rnn", "rnn_layer_sizes=[8],attn_length=4"),
                                           ("drum_kit", "rnn_layer_sizes=[8,8],attn_length=4")])
def test_the_same_seed_gives_the_same_outputs_and_other_seeds_others(name, hparams):
    generator = untrained(name, hparams)
    primer = (melody.melody_sequence([60, -2, 64], 0, 120, 4) if name == "attention_rnn"
              else drums.drum_sequence(np.eye(128, dtype=bool)[[36, 42]], 0, 120, 4))
    first = generator.generate(primer, 40, num_outputs=3, options=BEAM, seed=1)
    assert len(first) == 3
    assert generator.generate(primer, 40, num_outputs=3, options=BEAM, seed=1) == first
    assert generator.generate(primer, 40, num_outputs=3, options=BEAM, seed=2) != first


def test_a_melody_keeps_its_primer_and_key_and_ends_at_num_steps():
    generator = untrained("basic_rnn")
    # Above the model's range 48..83: squashed down 3 octaves (centre 98 -> 62, nearest 65.5), generated, moved back.
    primer = melody.melody_sequence([96, -2, 98, -2, 100], 0, 90, 4)
    for sequence in generator.generate(primer, 33, num_outputs=4, seed=0):
        step = 60 / 90 / 4
        assert notes(sequence)[:3] == [(96, 0, round(2 * step, 6)), (98, round(2 * step, 6), round(4 * step, 6)),
                                       (100, round(4 * step, 6), round(5 * step, 6))]
        assert sequence.tempos[0].qpm == 90 and sequence.total_time <= 33 * step + 1e-9
        later = [pitch for pitch, start, _ in notes(sequence)[3:]]
        assert later and all(48 + 36 <= pitch < 84 + 36 for pitch in later)
        assert all(start >= 6 * step - 1e-9 for _, start, _ in notes(sequence)[3:])  # a note-off step first


def test_a_melody_primer_on_several_instruments_primes_with_the_first():
    primer = NoteSequence()
    primer.tempos.add(qpm=120)
    primer.notes.add(pitch=72, start_time=0.0, end_time=0.5, velocity=80, instrument=1)
    primer.notes.add(pitch=60, start_time=0.5, end_time=1.0, velocity=80, instrument=0)
    (sequence,) = untrained("basic_rnn").generate(primer, 16, seed=0)
    assert notes(sequence)[0] == (60, 0.5, 1.0)  # the melody of instrument 0, from its bar at step 0


def test_every_primer_note_counts_as_a_drum_and_hits_last_a_step():
    primer = NoteSequence()
    primer.tempos.add(qpm=120)
    primer.notes.add(pitch=36, start_time=0.0, end_time=1.0, velocity=80)  # not marked as a drum
    sequence = untrained("drum_kit", "rnn_layer_sizes=[8],attn_length=0").generate(primer, 16, seed=0)[0]
    assert notes(sequence)[0] == (36, 0, 0.125)
    assert all(note.is_drum and note.instrument == 9 and note.end_time - note.start_time == pytest.approx(0.125)
               for note in sequence.notes)
    assert all(note.start_time >= 2 * 0.125 for note in sequence.notes[1:])  # the primer ends at step 1


def step_ends_only():
    """A polyphony model that always ends the step: whatever notes come out were injected."""
    generator = untrained("polyphony")
    generator.model.logits.kernel.assign(np.zeros_like(generator.model.logits.kernel))
    generator.model.logits.bias.assign(np.eye(259, dtype=np.float32)[STEP_END] * 20)
    return generator


CHORD = [(60, 0.0, 0.5), (64, 0.0, 0.5), (67, 0.0, 0.5)]  # a quarter note at 120 qpm: steps 0..4
REPLAYED = [(pitch, 0.5, 1.0) for pitch, _, _ in CHORD]  # the same, injected into steps 4..8


@pytest.mark.parametrize("condition, inject, expected", [
    (False, True, CHORD + REPLAYED),
    (False, False, CHORD),
    (True, True, CHORD + REPLAYED),
    (True, False, CHORD),
])
def test_polyphony_conditions_on_and_injects_the_primer_as_magenta_does(condition, inject, expected):
    primer = chord_sequence([60, 64, 67], 120)
    (sequence,) = step_ends_only().generate(primer, 12, seed=0, options=GenerationOptions(temperature=0),
                                            condition_on_primer=condition, inject_primer=inject)
    assert sorted(notes(sequence)) == sorted(expected)
    assert sequence.total_time == pytest.approx(12 * 0.125)


def test_polyphony_with_a_model_that_never_ends_a_step_stops_with_an_error():
    generator = step_ends_only()
    generator.model.logits.bias.assign(np.eye(259, dtype=np.float32)[3 + 60] * 20)  # NEW_NOTE(60) forever
    with pytest.raises(GenerationError, match="has not ended enough steps"):
        generator.generate(chord_sequence([60], 120), 5, options=GenerationOptions(temperature=0))


def test_a_primer_as_long_as_num_steps_leaves_nothing_to_generate():
    with pytest.raises(PrimerError, match="nothing to generate: the primer takes 6 of the 5 steps"):
        untrained("basic_rnn").generate(melody.melody_sequence([60, -2, -2, -2, -2], 0, 120, 4), 5)


def test_a_primer_whose_tempo_changes_is_refused():
    primer = melody.melody_sequence([60, 62], 0, 120, 4)
    primer.tempos.add(qpm=60, time=0.1)
    with pytest.raises(PrimerError, match="cannot be put on a grid of steps"):
        untrained("basic_rnn").generate(primer, 16)
