import numpy as np
import pytest

pytest.importorskip("tensorflow")

from symphonia.codecs import get_codec  # noqa: E402
from symphonia.generation.events_rnn.graph_codecs import graph_codec_for  # noqa: E402
from symphonia.generation.events_rnn.graph_loop import GenerationLoop  # noqa: E402
from symphonia.generation.events_rnn.rollout import Continuer, EventsRollout  # noqa: E402
from symphonia.generation.options import GenerationOptions  # noqa: E402
from tests.generation.events_rnn.models import markov_model  # noqa: E402

# basic_rnn classes: 0 no event (-2), 1 note off (-1), 2 + k pitch 48 + k. From a no-event the
# likeliest next event is pitch 48, after which anything goes (the next class up is a little likelier,
# 0.1); pitch 49 is less likely but is surely followed by a no-event. Greedy plays 48, 49 (0.6 * 0.1);
# the best two steps are 49, -2 (0.4 * 0.98).
CODEC = get_codec("basic_rnn")
TRANSITIONS = np.log(np.where(np.eye(38, k=1) + np.eye(38, k=-37), 0.1, 0.9 / 37))
TRANSITIONS[0] = np.log(np.r_[1e-4, 1e-4, 0.6, 0.4 - 36e-4, np.full(34, 1e-4)])
TRANSITIONS[3] = np.log(np.r_[0.98, np.full(37, 0.02 / 37)])


@pytest.fixture(scope="module")
def loop():
    return GenerationLoop(markov_model(TRANSITIONS), graph_codec_for(CODEC), jit_compile=False)


def continuations(loop, options, seed=0, num_outputs=3, num_events=2):
    continuer = Continuer(loop, num_outputs, options, seed)
    return [events.tolist() for events in continuer.continue_events([-2], num_events)]


def test_greedy_takes_the_likeliest_next_event_and_a_cold_temperature_does_too(loop):
    greedy = continuations(loop, GenerationOptions(temperature=0.0), num_events=4)
    assert greedy == [[-2, 48, 49, -2, 48]] * 3
    assert continuations(loop, GenerationOptions(temperature=0.01), num_events=6) == \
        continuations(loop, GenerationOptions(temperature=0.0), num_events=6)


def test_beam_search_finds_the_likeliest_continuation_that_greedy_misses(loop):
    options = GenerationOptions(beam_size=2, branch_factor=8, steps_per_iteration=2)
    assert continuations(loop, options, num_outputs=4) == [[-2, 49, -2]] * 4


def test_the_same_seed_gives_the_same_events_and_another_seed_others(loop):
    options = GenerationOptions(beam_size=2, branch_factor=2, steps_per_iteration=3)
    first = continuations(loop, options, seed=7, num_events=20)
    assert continuations(loop, options, seed=7, num_events=20) == first
    assert continuations(loop, options, seed=8, num_events=20) != first


def test_draws_follow_the_model_and_scores_are_its_log_probabilities(loop):
    rollout = EventsRollout(loop, [-2], rows=400, temperature=1.0, seed=0)
    total = rollout.extend(1) + rollout.extend(1)
    events = rollout.events(range(400))
    classes = np.stack([CODEC.vocabulary.to_classes(row) for row in events])
    np.testing.assert_allclose(total, TRANSITIONS[classes[:, :-1], classes[:, 1:]].sum(axis=1), atol=1e-4)
    first = np.bincount(classes[:, 1], minlength=38) / 400
    assert abs(first[2] - 0.6) < 0.08 and abs(first[3] - 0.4) < 0.08  # 48 or 49, as the model says


def test_the_xla_compiled_loop_plays_what_the_plain_graph_plays_greedily_and_repeats_its_draws(loop):
    compiled = GenerationLoop(loop.model, loop.graph_codec, jit_compile=True)
    greedy = GenerationOptions(temperature=0.0)
    assert continuations(compiled, greedy, num_events=12) == continuations(loop, greedy, num_events=12)
    # XLA's random kernel is not the plain one: its draws differ, but a seed still fixes them.
    warm = GenerationOptions(temperature=1.3)
    assert continuations(compiled, warm, seed=3, num_events=30) == continuations(compiled, warm, seed=3,
                                                                                 num_events=30)


def test_injected_events_are_fed_to_the_rows_that_open_a_step_without_being_drawn():
    codec = get_codec("polyphony")
    # After STEP_END (class 2) the model ends the step again; after any note it plays NEW_NOTE(60) (class 63).
    transitions = np.full((259, 259), -20.0)
    transitions[:, 63] = 0.0
    transitions[2, :] = -20.0
    transitions[2, 2] = 0.0
    transitions[0, :] = transitions[2]
    loop = GenerationLoop(markov_model(transitions), graph_codec_for(codec), jit_compile=False)
    injection = (np.array([[3 + 72, 3 + 76]], np.int32), np.array([2], np.int32), 1)  # step 1 gets 72 and 76
    rollout = EventsRollout(loop, [[0, 0]], rows=2, temperature=0.0, seed=0, injection=injection)
    scores = rollout.extend(4)
    events = rollout.events([0])[0].tolist()
    # START (no injection: step 0 is before the offset), STEP_END drawn, step 1 opens: 72 and 76 injected
    # without a draw, then the model draws 60 three times: four draws in all.
    assert events == [[0, 0], [2, 0], [3, 72], [3, 76], [3, 60], [3, 60], [3, 60]]
    assert rollout.steps.tolist() == [1, 1]
    np.testing.assert_allclose(scores, 0.0, atol=1e-3)  # every draw was the model's sure choice
